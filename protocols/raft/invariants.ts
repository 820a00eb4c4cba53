/**
 * Raft's safety properties (Figure 3 of the paper), checked from white-box views of
 * the nodes after every simulated step.
 *
 * The checker keeps its own history across calls: every leader seen per term, every
 * (index, term) entry seen with its data and predecessor's term, every committed
 * entry, and the state-machine hash at every applied index seen. So a property that
 * only fails across time (an entry committed, then lost after a crash) is caught, and
 * unchanged logs are skipped, which keeps a check per step cheap.
 *
 * - **Election safety**: at most one leader per term.
 * - **Log matching**: two entries with the same index and term hold the same command
 *   and follow entries with the same term (by induction, the logs agree up to there).
 * - **Leader completeness**: a leader holds every entry committed before its term.
 * - **State machine safety**: no two nodes apply different commands at an index
 *   (compared through a rolling hash of applied commands).
 * - **Committed entries are never lost**: a committed entry never changes, on any node
 *   that has it committed, even after crashes.
 * - Terms never decrease on a node, and applied ≤ commit ≤ last index.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { Entry } from "./entry.ts";
import { entryDigest } from "./entry.ts";

/**
 * What the checker needs to see of one node (see `RaftNode.inspect()`).
 *
 * @example
 * ```ts
 * import type { RaftNodeView } from "./invariants.ts";
 * const v: RaftNodeView = {
 *   id: "n1", role: "leader", term: 2, commitIndex: 1, applied: 1, appliedHash: 7,
 *   snapshotIndex: 0, snapshotTerm: 0, entries: [{ index: 1, term: 2, data: { type: "noop" } }],
 * };
 * ```
 */
export interface RaftNodeView {
  /** The node. */
  readonly id: NodeId;
  /** `leader`, `follower`, `candidate` or `pre-candidate`. */
  readonly role: string;
  /** Its current term. */
  readonly term: number;
  /** Highest index it knows committed. */
  readonly commitIndex: number;
  /** Highest index it applied to its state machine. */
  readonly applied: number;
  /** Rolling hash of the commands applied up to `applied`. */
  readonly appliedHash: number;
  /** Last index covered by its snapshot. */
  readonly snapshotIndex: number;
  /** Term of that index. */
  readonly snapshotTerm: number;
  /** The stored log entries, contiguous. */
  readonly entries: readonly Entry[];
  /** Identity of the node's log object and its change counter: when both are the same
   * as at the previous check, the log is not re-examined. */
  readonly logRef?: object;
  /** See `logRef`. */
  readonly logVersion?: number;
}

interface Committed {
  readonly term: number;
  readonly digest: string;
  /** The observing node's term: the entry was committed in this term or earlier. */
  readonly observedTerm: number;
}

/**
 * A stateful checker of Raft's safety properties.
 *
 * @example
 * ```ts
 * import { RaftInvariants } from "./invariants.ts";
 * const inv = new RaftInvariants();
 * const base = { commitIndex: 0, applied: 0, appliedHash: 0, snapshotIndex: 0, snapshotTerm: 0, entries: [] };
 * inv.check([{ ...base, id: "n1", role: "leader", term: 3 }]); // []
 * inv.check([{ ...base, id: "n2", role: "leader", term: 3 }]); // ["election safety: …"]
 * ```
 */
export class RaftInvariants {
  readonly #leaders = new Map<number, NodeId>();
  readonly #terms = new Map<NodeId, number>();
  readonly #entries = new Map<string, { digest: string; prevTerm: number | undefined }>();
  readonly #committed = new Map<number, Committed>();
  #maxCommitted = 0;
  readonly #checkedCommit = new Map<NodeId, number>();
  readonly #logSeen = new WeakMap<object, number>();
  /** Entry objects already checked for log matching (a log only changes at its end). */
  readonly #checkedEntries = new WeakSet<Entry>();
  readonly #digests = new WeakMap<Entry, string>();
  readonly #leaderChecked = new Map<string, number>();
  readonly #appliedHashes = new Map<number, { hash: number; node: NodeId }>();
  readonly #violations: string[] = [];

  /** Every violation found so far. */
  get violations(): readonly string[] {
    return this.#violations;
  }

  /** The highest index seen committed. */
  get maxCommitted(): number {
    return this.#maxCommitted;
  }

  /** The committed entry at `index` as first observed, if any. */
  committedAt(index: number): { term: number; digest: string } | undefined {
    return this.#committed.get(index);
  }

  /** Checks the nodes' current views against each other and the history; returns new violations. */
  check(views: readonly RaftNodeView[]): string[] {
    const found: string[] = [];
    for (const v of views) this.#checkNode(v, found);
    for (const v of views) if (v.role === "leader") this.#checkLeaderCompleteness(v, found);
    this.#violations.push(...found);
    return found;
  }

  #checkNode(v: RaftNodeView, found: string[]): void {
    const prevTerm = this.#terms.get(v.id) ?? 0;
    if (v.term < prevTerm) found.push(`term went back on ${v.id}: ${prevTerm} → ${v.term}`);
    this.#terms.set(v.id, Math.max(prevTerm, v.term));
    const last = v.entries.at(-1)?.index ?? v.snapshotIndex;
    if (!(v.applied <= v.commitIndex && v.commitIndex <= last)) {
      found.push(`${v.id}: applied ${v.applied} ≤ commit ${v.commitIndex} ≤ last ${last} fails`);
    }
    if (v.role === "leader") {
      const other = this.#leaders.get(v.term);
      if (other !== undefined && other !== v.id) {
        found.push(`election safety: ${other} and ${v.id} both leaders in term ${v.term}`);
      } else this.#leaders.set(v.term, v.id);
    }
    const unchanged = v.logRef !== undefined && v.logVersion !== undefined &&
      this.#logSeen.get(v.logRef) === v.logVersion;
    if (!unchanged) {
      this.#checkLogMatching(v, found);
      if (v.logRef !== undefined && v.logVersion !== undefined) {
        this.#logSeen.set(v.logRef, v.logVersion);
      }
    }
    this.#checkCommitted(v, found);
    const seen = this.#appliedHashes.get(v.applied);
    if (seen === undefined) this.#appliedHashes.set(v.applied, { hash: v.appliedHash, node: v.id });
    else if (seen.hash !== v.appliedHash) {
      found.push(
        `state machine safety: ${seen.node} and ${v.id} applied different commands up to ${v.applied}`,
      );
    }
  }

  #digest(e: Entry): string {
    let d = this.#digests.get(e);
    if (d === undefined) {
      d = entryDigest(e);
      this.#digests.set(e, d);
    }
    return d;
  }

  /**
   * Checks the entries this log gained since it was last seen: a Raft log changes only at
   * its end (appends, a truncated suffix) or loses a prefix (compaction), so the entries
   * after the last one already checked are the new ones. A restarted node's log is made
   * of new objects and so is checked whole.
   */
  #checkLogMatching(v: RaftNodeView, found: string[]): void {
    const es = v.entries;
    let start = es.length;
    while (start > 0 && !this.#checkedEntries.has(es[start - 1]!)) start--;
    for (let i = start; i < es.length; i++) {
      const e = es[i];
      let prevTerm: number | undefined;
      if (i > 0) prevTerm = es[i - 1].term;
      else if (e.index - 1 === v.snapshotIndex) prevTerm = v.snapshotTerm;
      if (prevTerm !== undefined && e.term < prevTerm) {
        found.push(`${v.id}: term decreases in the log at index ${e.index}`);
      }
      const key = `${e.index}:${e.term}`;
      const digest = this.#digest(e);
      this.#checkedEntries.add(e);
      const rec = this.#entries.get(key);
      if (rec === undefined) {
        this.#entries.set(key, { digest, prevTerm });
        continue;
      }
      if (rec.digest !== digest) {
        found.push(`log matching: different commands at index ${e.index} term ${e.term} (${v.id})`);
      }
      if (prevTerm !== undefined) {
        if (rec.prevTerm === undefined) rec.prevTerm = prevTerm;
        else if (rec.prevTerm !== prevTerm) {
          found.push(
            `log matching: entry ${e.index} term ${e.term} has different predecessors (${v.id})`,
          );
        }
      }
    }
  }

  #entryAt(v: RaftNodeView, index: number): Entry | undefined {
    const first = v.entries[0]?.index;
    if (first === undefined) return undefined;
    return v.entries[index - first];
  }

  #checkCommitted(v: RaftNodeView, found: string[]): void {
    const firstKnown = v.entries[0]?.index ?? v.snapshotIndex + 1;
    const from = Math.max(
      Math.min(this.#checkedCommit.get(v.id) ?? 0, v.commitIndex),
      firstKnown - 1,
    );
    for (let i = from + 1; i <= v.commitIndex; i++) {
      const e = this.#entryAt(v, i);
      if (e === undefined) {
        if (i > v.snapshotIndex) found.push(`${v.id}: committed entry ${i} missing from its log`);
        continue;
      }
      const rec = this.#committed.get(i);
      const digest = this.#digest(e);
      if (rec === undefined) {
        this.#committed.set(i, { term: e.term, digest, observedTerm: v.term });
        if (i > this.#maxCommitted) this.#maxCommitted = i;
      } else if (rec.term !== e.term || rec.digest !== digest) {
        found.push(
          `committed entry changed: index ${i} was term ${rec.term}, ${v.id} has term ${e.term}`,
        );
      }
    }
    this.#checkedCommit.set(v.id, v.commitIndex);
  }

  #checkLeaderCompleteness(v: RaftNodeView, found: string[]): void {
    const key = `${v.id}:${v.term}`;
    const from = this.#leaderChecked.get(key) ?? 0;
    for (let i = Math.max(from, v.snapshotIndex) + 1; i <= this.#maxCommitted; i++) {
      const rec = this.#committed.get(i);
      if (rec === undefined || rec.observedTerm >= v.term) continue;
      const e = this.#entryAt(v, i);
      if (e === undefined || e.term !== rec.term || this.#digest(e) !== rec.digest) {
        found.push(`leader completeness: ${v.id} (term ${v.term}) lacks committed entry ${i}`);
      }
    }
    this.#leaderChecked.set(key, this.#maxCommitted);
  }
}
