/**
 * A checker for the one guarantee a strict quorum (R + W > N, no sloppy quorum) gives:
 * **no read returns only values older than a write that was acknowledged before the
 * read began.** It is weaker than linearizability on purpose: a Dynamo store is not
 * linearizable even with R + W > N (two reads during one write can see new, then old),
 * but every read quorum overlaps every write quorum, so a read that starts after a
 * write's `ok` sees that write or something newer.
 *
 * Written values must be unique per key (the simulated clients make them so), so a read
 * names the writes it saw. A value is *older than* write w when every write of that
 * value completed before w was invoked (the initial `null` is older than every write;
 * a value whose write is `info` or pending may be newer than anything). A read returns
 * one value, or several as `{ siblings: [...] }`; it is stale when some `ok` write w on
 * the key completed before the read was invoked and every value the read returned is
 * older than w. `write` writes its value, `cas` its new value, `delete` `null`.
 *
 * @example
 * ```ts
 * import { findStaleReads } from "./stale_reads.ts";
 * const report = findStaleReads([
 *   { process: 0, type: "invoke", f: "write", key: "x", value: 1, time: 0 },
 *   { process: 0, type: "ok", f: "write", key: "x", value: 1, time: 10 },
 *   { process: 1, type: "invoke", f: "read", key: "x", time: 20 },
 *   { process: 1, type: "ok", f: "read", key: "x", value: null, time: 30 },
 * ]);
 * report.stale.length; // 1: the read missed the acknowledged write of 1
 * ```
 *
 * @module
 */

import type { HistoryEvent } from "../history/event.ts";
import { type Operation, toOperations } from "../history/operations.ts";
import { canonicalJson } from "./canonical_json.ts";

/**
 * One stale read: the read, what it returned, and an acknowledged write it missed.
 *
 * @example
 * ```ts
 * import type { StaleRead } from "./stale_reads.ts";
 * const s: StaleRead = {
 *   key: "x", process: 1, invokedNs: 20, completedNs: 30, returned: [null],
 *   missed: { process: 0, value: 1, invokedNs: 0, completedNs: 10 },
 * };
 * ```
 */
export interface StaleRead {
  readonly key: string;
  readonly process: number;
  readonly invokedNs: number;
  readonly completedNs: number;
  /** The values the read returned (one, or the siblings). */
  readonly returned: readonly unknown[];
  /** A write acknowledged before the read began, newer than everything it returned. */
  readonly missed: {
    readonly process: number;
    readonly value: unknown;
    readonly invokedNs: number;
    readonly completedNs: number;
  };
}

/**
 * What {@link findStaleReads} found.
 *
 * @example
 * ```ts
 * import type { StaleReadReport } from "./stale_reads.ts";
 * const r: StaleReadReport = { reads: 0, checked: 0, unexplained: 0, stale: [] };
 * ```
 */
export interface StaleReadReport {
  /** `ok` reads in the history. */
  readonly reads: number;
  /** Reads whose every value was written by some operation (or is the initial null). */
  readonly checked: number;
  /** Reads that returned a value no operation wrote (not judged here). */
  readonly unexplained: number;
  readonly stale: StaleRead[];
}

interface Write {
  readonly op: Operation;
  readonly value: unknown;
}

/**
 * Finds every read that returned only values older than an acknowledged write.
 *
 * @param history a client history (invocations and completions)
 * @returns the counts and every stale read, in the order of the reads
 *
 * @example
 * ```ts
 * import { findStaleReads } from "./stale_reads.ts";
 * findStaleReads([]).stale; // []
 * ```
 */
export function findStaleReads(history: readonly HistoryEvent[]): StaleReadReport {
  const ops = toOperations(history);
  const writesByKey = new Map<string, Write[]>();
  for (const op of ops) {
    if (op.key === undefined || op.status === "fail") continue;
    const value = writtenValue(op);
    if (value === NOT_A_WRITE) continue;
    let list = writesByKey.get(op.key);
    if (list === undefined) writesByKey.set(op.key, list = []);
    list.push({ op, value });
  }
  // Per key: for each value, the latest completion among its writes; and the
  // acknowledged writes by completion time, with the latest invocation so far.
  const latestByKey = new Map<string, Map<string, number>>();
  const ackedByKey = new Map<string, { ret: number; bestCall: number; best: Write }[]>();
  for (const [key, writes] of writesByKey) {
    const latest = new Map<string, number>([["null", -Infinity]]);
    for (const w of writes) {
      const text = canonicalJson(w.value);
      latest.set(text, Math.max(latest.get(text) ?? -Infinity, w.op.ret));
    }
    latestByKey.set(key, latest);
    const acked = writes.filter((w) => w.op.status === "ok").sort((a, b) => a.op.ret - b.op.ret);
    const prefix: { ret: number; bestCall: number; best: Write }[] = [];
    for (const w of acked) {
      const prev = prefix[prefix.length - 1];
      prefix.push(
        prev === undefined || w.op.call > prev.bestCall
          ? { ret: w.op.ret, bestCall: w.op.call, best: w }
          : { ret: w.op.ret, bestCall: prev.bestCall, best: prev.best },
      );
    }
    ackedByKey.set(key, prefix);
  }

  let reads = 0, checked = 0, unexplained = 0;
  const stale: StaleRead[] = [];
  for (const op of ops) {
    if (op.f !== "read" || op.status !== "ok" || op.key === undefined) continue;
    reads++;
    const returned = returnedValues(op.output);
    const latest = latestByKey.get(op.key) ?? new Map([["null", -Infinity]]);
    let newest = -Infinity;
    let known = true;
    for (const v of returned) {
      const t = latest.get(canonicalJson(v));
      if (t === undefined) known = false;
      else newest = Math.max(newest, t);
    }
    if (!known) {
      unexplained++;
      continue;
    }
    checked++;
    // The acknowledged write, completed before the read began, invoked latest.
    const prefix = ackedByKey.get(op.key) ?? [];
    let lo = 0, hi = prefix.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (prefix[mid]!.ret < op.call) lo = mid + 1;
      else hi = mid;
    }
    const candidate = lo > 0 ? prefix[lo - 1]! : undefined;
    if (candidate !== undefined && candidate.bestCall > newest) {
      const w = candidate.best;
      stale.push({
        key: op.key,
        process: op.process,
        invokedNs: op.call,
        completedNs: op.ret,
        returned,
        missed: {
          process: w.op.process,
          value: w.value,
          invokedNs: w.op.call,
          completedNs: w.op.ret,
        },
      });
    }
  }
  return { reads, checked, unexplained, stale };
}

const NOT_A_WRITE = Symbol("not a write");

function writtenValue(op: Operation): unknown {
  switch (op.f) {
    case "write":
      return op.input;
    case "cas":
      return Array.isArray(op.input) ? op.input[1] : NOT_A_WRITE;
    case "delete":
      return null;
    default:
      return NOT_A_WRITE;
  }
}

function returnedValues(output: unknown): unknown[] {
  if (output !== null && typeof output === "object" && !Array.isArray(output)) {
    const s = (output as Record<string, unknown>).siblings;
    if (Array.isArray(s)) return s;
  }
  return [output];
}
