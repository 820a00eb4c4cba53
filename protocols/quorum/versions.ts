/**
 * Versioned values (Dynamo §4.4): every value a replica holds carries the vector clock
 * of the write that made it. A key holds a set of *siblings* — versions none of which
 * causally follows another. Merging two sets keeps the maximal versions of their union,
 * so merging is commutative, associative and idempotent: replicas that have seen the
 * same versions hold the same siblings, whatever order the versions arrived in. That is
 * what lets read repair, hinted handoff and anti-entropy all be "just merge".
 *
 * In `lww` mode the merge instead keeps the one version with the largest
 * (time, node, value) stamp — a total order, so it is a semilattice too — and reports
 * every dropped version that the winner does not causally follow: a write lost to a
 * concurrent one, or to an earlier one with a later (skewed) clock.
 *
 * @module
 */

import { type VectorClock, vectorCompare, vectorMerge, vectorTick } from "../../clocks/vector.ts";
import { canonicalJson } from "../../checker/canonical_json.ts";
import type { NodeId } from "../node.ts";
import type { ConflictMode } from "./options.ts";

/**
 * One version of a key's value.
 *
 * @example
 * ```ts
 * import type { Version } from "./versions.ts";
 * const v: Version = { value: "red", clock: { n1: 2 }, time: 1500, node: "n1" };
 * ```
 */
export interface Version {
  /** The value; `null` for a tombstone. */
  readonly value: unknown;
  /** The vector clock of the write that produced it. */
  readonly clock: VectorClock;
  /** A delete leaves a tombstone, so the delete can win over older values. */
  readonly deleted?: boolean;
  /** The coordinator's local clock at the write (used by `lww`). */
  readonly time: number;
  /** The coordinator (the `lww` tie-break). */
  readonly node: NodeId;
}

/**
 * What a read returns when a key has several siblings: their values (a tombstone as
 * `null`), sorted by their JSON text, and the merged clock. Writing with
 * `context: reply.context` supersedes every one of them.
 *
 * @example
 * ```ts
 * import type { Siblings } from "./versions.ts";
 * const s: Siblings = { siblings: ["blue", "red"], context: { n1: 2, n2: 1 } };
 * ```
 */
export interface Siblings {
  readonly siblings: readonly unknown[];
  readonly context: VectorClock;
}

/**
 * The result of {@link mergeVersions}: the merged siblings, and the versions `lww`
 * dropped although the winner does not causally follow them.
 *
 * @example
 * ```ts
 * import type { MergeResult } from "./versions.ts";
 * const m: MergeResult = { versions: [], lost: [] };
 * ```
 */
export interface MergeResult {
  readonly versions: Version[];
  readonly lost: Version[];
}

/**
 * Merges two sibling sets.
 *
 * @param a siblings held
 * @param b siblings arriving
 * @param mode `vclock` keeps every maximal version; `lww` keeps the single largest stamp
 * @returns the merged siblings (sorted by clock text) and, for `lww`, what it lost
 *
 * @example
 * ```ts
 * import { mergeVersions } from "./versions.ts";
 * const a = { value: "a", clock: { n1: 1 }, time: 1, node: "n1" };
 * const b = { value: "b", clock: { n2: 1 }, time: 2, node: "n2" };
 * mergeVersions([a], [b], "vclock").versions.length; // 2: concurrent siblings
 * mergeVersions([a], [b], "lww").lost.length; // 1: "a" is silently dropped
 * ```
 */
export function mergeVersions(
  a: readonly Version[],
  b: readonly Version[],
  mode: ConflictMode,
): MergeResult {
  // Same clock → the same write; if content somehow differs, keep the smaller text so
  // every replica picks alike.
  const byClock = new Map<string, { v: Version; text: string }>();
  for (const v of [...a, ...b]) {
    const c = canonicalJson(v.clock);
    const text = canonicalJson(v);
    const had = byClock.get(c);
    if (had === undefined || text < had.text) byClock.set(c, { v, text });
  }
  const all = [...byClock.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  if (mode === "lww") {
    let best: { v: Version; text: string } | undefined;
    for (const [, e] of all) if (best === undefined || lwwGreater(e, best)) best = e;
    if (best === undefined) return { versions: [], lost: [] };
    const lost = all.map(([, e]) => e.v).filter((v) =>
      v !== best.v && vectorCompare(v.clock, best.v.clock) !== "before"
    );
    return { versions: [best.v], lost };
  }
  const versions = all.map(([, e]) => e.v).filter((v) =>
    !all.some(([, o]) => vectorCompare(v.clock, o.v.clock) === "before")
  );
  return { versions, lost: [] };
}

function lwwGreater(x: { v: Version; text: string }, y: { v: Version; text: string }): boolean {
  if (x.v.time !== y.v.time) return x.v.time > y.v.time;
  if (x.v.node !== y.v.node) return x.v.node > y.v.node;
  return x.text > y.text;
}

/**
 * The context of a sibling set: the merge of their clocks. A write made with it
 * supersedes every one of them.
 *
 * @example
 * ```ts
 * import { contextOf } from "./versions.ts";
 * contextOf([
 *   { value: 1, clock: { n1: 2 }, time: 0, node: "n1" },
 *   { value: 2, clock: { n2: 1 }, time: 0, node: "n2" },
 * ]); // { n1: 2, n2: 1 }
 * ```
 */
export function contextOf(versions: readonly Version[]): VectorClock {
  let c: VectorClock = {};
  for (const v of versions) c = vectorMerge(c, v.clock);
  return c;
}

/**
 * The clock of a new write coordinated by `node`: the context merged with the node's
 * write counter, then ticked. The counter is per node, not per key, so a coordinator
 * that holds no copy of the key still never reuses a clock.
 *
 * @param context what the write supersedes
 * @param node the coordinator
 * @param counter the coordinator's highest counter so far
 * @returns the new clock; its entry for `node` is the new counter
 *
 * @example
 * ```ts
 * import { writeClock } from "./versions.ts";
 * writeClock({ n1: 2, n2: 1 }, "n2", 7); // { n1: 2, n2: 8 }
 * ```
 */
export function writeClock(context: VectorClock, node: NodeId, counter: number): VectorClock {
  return vectorTick(vectorMerge(context, { [node]: counter }), node);
}

/**
 * What a read returns for a sibling set: `null` when the key is missing or deleted, the
 * value when there is one version, {@link Siblings} when there are several (unless they
 * are all tombstones).
 *
 * @example
 * ```ts
 * import { readValue } from "./versions.ts";
 * readValue([]); // null
 * readValue([{ value: "x", clock: { n1: 1 }, time: 0, node: "n1" }]); // "x"
 * ```
 */
export function readValue(versions: readonly Version[]): unknown {
  if (versions.length === 0 || versions.every((v) => v.deleted)) return null;
  if (versions.length === 1) return versions[0]!.value;
  const siblings: Siblings = { siblings: siblingValues(versions), context: contextOf(versions) };
  return siblings;
}

/**
 * The canonical form a replica dumps for convergence checks: like {@link readValue}
 * but without the context (replicas that hold the same set of sibling values agree),
 * and `undefined` for a missing or deleted key.
 *
 * @example
 * ```ts
 * import { dumpValue } from "./versions.ts";
 * dumpValue([
 *   { value: "b", clock: { n2: 1 }, time: 0, node: "n2" },
 *   { value: "a", clock: { n1: 1 }, time: 0, node: "n1" },
 * ]); // { siblings: ["a", "b"] }
 * ```
 */
export function dumpValue(versions: readonly Version[]): unknown {
  if (versions.length === 0 || versions.every((v) => v.deleted)) return undefined;
  if (versions.length === 1) return versions[0]!.value;
  return { siblings: siblingValues(versions) };
}

function siblingValues(versions: readonly Version[]): unknown[] {
  return versions
    .map((v) => ({
      value: v.deleted ? null : v.value,
      text: canonicalJson(v.deleted ? null : v.value),
    }))
    .sort((x, y) => (x.text < y.text ? -1 : x.text > y.text ? 1 : 0))
    .map((x) => x.value);
}

/**
 * A text that is equal for two sibling sets exactly when they hold the same versions
 * (input order does not matter). Used to spot stale replicas and for Merkle digests.
 *
 * @example
 * ```ts
 * import { versionsKey } from "./versions.ts";
 * const v = { value: 1, clock: { n1: 1 }, time: 0, node: "n1" };
 * versionsKey([v]) === versionsKey([{ ...v }]); // true
 * ```
 */
export function versionsKey(versions: readonly Version[]): string {
  return versions.map((v) => canonicalJson(v)).sort().join("|");
}

/**
 * Whether `x` looks like a sibling list (messages may be tampered with in transit).
 *
 * @example
 * ```ts
 * import { isVersionList } from "./versions.ts";
 * isVersionList([{ value: 1, clock: { n1: 1 }, time: 0, node: "n1" }]); // true
 * isVersionList([{ value: 1 }]); // false
 * ```
 */
export function isVersionList(x: unknown): x is Version[] {
  if (!Array.isArray(x)) return false;
  for (const v of x) {
    if (v === null || typeof v !== "object") return false;
    const o = v as Record<string, unknown>;
    if (typeof o.time !== "number" || typeof o.node !== "string") return false;
    if (o.clock === null || typeof o.clock !== "object" || Array.isArray(o.clock)) return false;
    for (const c of Object.values(o.clock as object)) if (typeof c !== "number") return false;
  }
  return true;
}
