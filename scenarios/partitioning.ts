/**
 * Scenario `partitioning`: the chapter's examples of splitting data across nodes (§5).
 *
 * 1. Range partitioning with the chapter's three shards A–G, H–N, O–Z. Keys are folded
 *    to lower case first: compared as raw strings, every capital sorts before every
 *    small letter, and `apple` would land in O–Z. A range query touches one shard where
 *    hash partitioning touches several; sequential keys make one range hot.
 * 2. The chapter's ring: Node-A at 30°, B at 120°, C at 210°, D at 300°; keys walk
 *    clockwise to the first node. Node-E joins at 75° and takes keys from B only; C
 *    leaves and D takes its keys.
 * 3. A node joins four: hash mod N moves about N/(N+1) of the keys (most between nodes
 *    that were already there), the ring about 1/(N+1), all to the new node.
 * 4. Virtual nodes: more tokens per node, a more even load.
 *
 * @module
 */

import { caseFold, foldKeys } from "../partitioning/key_fold.ts";
import { hashModPartitioner } from "../partitioning/hash_mod.ts";
import { murmur3 } from "../partitioning/hash.ts";
import { balance, moves, type Partitioner } from "../partitioning/partitioner.ts";
import { rangePartitionerFromSplits } from "../partitioning/range.ts";
import { ringPartitioner, ringPartitionerAt } from "../partitioning/ring.ts";
import { paragraphs, type Scenario, table } from "./scenario.ts";
import { translator } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";
import { JA } from "./ja/partitioning.ts";

const SHARDS = ["A-G", "H-N", "O-Z"] as const;
const WORDS = [
  "apple",
  "Apricot",
  "banana",
  "Blueberry",
  "cherry",
  "Grape",
  "hazelnut",
  "Kiwi",
  "lemon",
  "Mango",
  "nectarine",
  "Orange",
  "peach",
  "Quince",
  "raspberry",
  "Strawberry",
  "tomato",
  "Watermelon",
  "yuzu",
  "Zucchini",
];
const KEY_COUNT = 10_000;
const KEYS = Array.from({ length: KEY_COUNT }, (_, i) => `key-${i}`);
const CHAPTER_RING: Readonly<Record<string, number>> = {
  "Node-A": 30,
  "Node-B": 120,
  "Node-C": 210,
  "Node-D": 300,
};
const JOINER = "Node-E";
const JOIN_AT = 75;
const LEAVER = "Node-C";
const VNODE_COUNTS = [1, 4, 16, 64, 256] as const;

/**
 * Where one word lands under range partitioning.
 *
 * @example
 * ```ts
 * import type { RangePlacement } from "./partitioning.ts";
 * const p: RangePlacement = { key: "apple", shard: "A-G", rawShard: "O-Z", hashShard: "H-N" };
 * ```
 */
export interface RangePlacement {
  readonly key: string;
  /** With keys folded to lower case (what the scenario uses). */
  readonly shard: string;
  /** Comparing the raw key with split points "H" and "O". */
  readonly rawShard: string;
  /** Under hash mod 3 over the same three shards. */
  readonly hashShard: string;
}

/**
 * A key moving from one node to another.
 *
 * @example
 * ```ts
 * import type { Movement } from "./partitioning.ts";
 * const m: Movement = { keys: 10000, moved: 1250, fraction: 0.125, from: ["Node-B"], to: ["Node-E"] };
 * ```
 */
export interface Movement {
  readonly keys: number;
  readonly moved: number;
  readonly fraction: number;
  /** Distinct previous owners of the moved keys. */
  readonly from: readonly string[];
  /** Distinct new owners of the moved keys. */
  readonly to: readonly string[];
}

/**
 * What the `partitioning` scenario found.
 *
 * @example
 * ```ts
 * import { runPartitioning } from "./partitioning.ts";
 * const r = runPartitioning();
 * r.range.placements.find((p) => p.key === "apple")!.shard; // "A-G"
 * ```
 */
export interface PartitioningResult {
  readonly range: {
    readonly placements: readonly RangePlacement[];
    /** Words from `a` up to (not including) `c`, and the shards each scheme reads for them. */
    readonly rangeQuery: {
      readonly keys: readonly string[];
      readonly rangeShards: number;
      readonly hashShards: number;
    };
    /** Sequential keys `order-0001`…: the share of the busiest shard. */
    readonly hotSpot: {
      readonly keys: number;
      readonly rangeBusiestShare: number;
      readonly hashBusiestShare: number;
    };
  };
  readonly ring: {
    readonly nodes: readonly { node: string; degrees: number; share: number }[];
    readonly examples: readonly { key: string; degrees: number; owner: string }[];
    /** Node-E joins at 75°. */
    readonly join: Movement & { readonly arcShare: number };
    /** Node-C leaves. */
    readonly leave: Movement & { readonly arcShare: number };
  };
  /** A fifth node joins four, over {@link KEY_COUNT} keys. */
  readonly growth: {
    readonly nodesBefore: number;
    readonly hashMod: Movement & { readonly betweenOldNodes: number };
    readonly ring: Movement & { readonly betweenOldNodes: number };
    readonly expectedHashMod: number;
    readonly expectedRing: number;
  };
  readonly vnodes: readonly { vnodes: number; cv: number; maxOverMean: number }[];
}

function tokenAt(degrees: number): number {
  return Math.round((degrees / 360) * 2 ** 32) % 2 ** 32;
}

function degreesOf(key: string): number {
  return (murmur3(key) / 2 ** 32) * 360;
}

function movement(before: Partitioner, after: Partitioner): Movement {
  const r = moves(before, after, KEYS);
  return {
    keys: r.total,
    moved: r.moved.length,
    fraction: r.fraction,
    from: [...new Set(r.moved.map((m) => m.from))].sort(),
    to: [...new Set(r.moved.map((m) => m.to))].sort(),
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function busiestShare(p: Partitioner, keys: readonly string[]): number {
  return balance(p, keys).max / keys.length;
}

/**
 * Runs the scenario, printing its narration through `out`, and returns its findings.
 *
 * @example
 * ```ts
 * import { runPartitioning } from "./partitioning.ts";
 * const r = runPartitioning();
 * r.growth.ring.fraction < r.growth.hashMod.fraction; // true
 * ```
 */
export function runPartitioning(
  out: (line: string) => void = () => {},
  lang: Lang = "en",
): PartitioningResult {
  const t = translator(lang, JA);
  const tell = paragraphs(out);
  tell(t`Partitioning: ranges, hashing and the consistent-hash ring (§5).`);
  out("");

  // 1. Ranges.
  const shards = foldKeys(rangePartitionerFromSplits(["h", "o"], [...SHARDS]));
  const raw = rangePartitionerFromSplits(["H", "O"], [...SHARDS]);
  const hashed = foldKeys(hashModPartitioner([...SHARDS]));
  const placements = WORDS.map((key) => ({
    key,
    shard: shards.owner(key),
    rawShard: raw.owner(key),
    hashShard: hashed.owner(key),
  }));
  tell(
    t`1. Range partitioning, three shards ${
      SHARDS.join(" / ")
    } (split before "h" and "o").\n   Keys are folded to lower case first (Unicode NFKC, then lower case): compared\n   raw, 'Z' < 'a', so with splits "H" and "O" every lowercase key would sort past\n   "O" and land in O-Z. The raw column shows that mistake; hash mod 3 beside it:`,
  );
  for (
    const l of table([
      ["key", "range shard", "raw (wrong)", "hash mod 3"].map(t.text),
      ...placements.map((p) => [p.key, p.shard, p.rawShard, p.hashShard]),
    ])
  ) out(`   ${l}`);
  const inQuery = WORDS.filter((w) => caseFold(w) >= "a" && caseFold(w) < "c");
  const rangeShards = new Set(inQuery.map((k) => shards.owner(k))).size;
  const hashShards = new Set(inQuery.map((k) => hashed.owner(k))).size;
  tell(
    t`   A range query for keys from "a" to "c" (${
      inQuery.join(", ")
    }) reads\n   ${rangeShards} shard with ranges and ${hashShards} with hashing: ranges keep neighbours\n   together, hashing scatters them.`,
  );
  const orders = Array.from({ length: 1000 }, (_, i) => `order-${String(i + 1).padStart(4, "0")}`);
  const rangeBusiest = busiestShare(shards, orders);
  const hashBusiest = busiestShare(hashed, orders);
  tell(
    t`   The other side: ${orders.length} sequential keys order-0001...order-1000 all start\n   with "o": the busiest range shard takes ${
      pct(rangeBusiest)
    } of them (a hot spot),\n   the busiest hash shard ${pct(hashBusiest)}.`,
  );
  out("");

  // 2. The chapter's ring.
  const positions: Record<string, number[]> = {};
  for (const [node, deg] of Object.entries(CHAPTER_RING)) positions[node] = [tokenAt(deg)];
  const ring = ringPartitionerAt(positions);
  const share = ring.ownership();
  const ringNodes = Object.entries(CHAPTER_RING).map(([node, degrees]) => ({
    node,
    degrees,
    share: share.get(node)!,
  }));
  tell(
    t`2. The chapter's ring: hash space 0..2^32 drawn as 0..360 degrees, one token per node.\n   A key belongs to the first node clockwise from its hash (past 360 it wraps to 0).`,
  );
  for (
    const l of table([
      ["node", "position", "owns the arc", "share"].map(t.text),
      ...ringNodes.map((n, i) => {
        const prev = ringNodes[(i + ringNodes.length - 1) % ringNodes.length]!.degrees;
        return [n.node, t`${n.degrees} deg`, `(${prev}, ${n.degrees}]`, pct(n.share)];
      }),
    ])
  ) out(`   ${l}`);
  const examples = WORDS.slice(0, 6).map((key) => ({
    key,
    degrees: Math.round(degreesOf(key) * 10) / 10,
    owner: ring.owner(key),
  }));
  tell(t`   Some keys:`);
  for (
    const l of table([
      ["key", "hash position", "owner"].map(t.text),
      ...examples.map((e) => [e.key, t`${e.degrees.toFixed(1)} deg`, e.owner]),
    ])
  ) out(`     ${l}`);
  const joined = ringPartitionerAt({ ...positions, [JOINER]: [tokenAt(JOIN_AT)] });
  const join = { ...movement(ring, joined), arcShare: (JOIN_AT - 30) / 360 };
  tell(
    t`   ${JOINER} joins at ${JOIN_AT} deg: it takes the arc (30, ${JOIN_AT}] from Node-B, ${
      pct(join.arcShare)
    } of the ring.\n   Of ${KEY_COUNT} keys, ${join.moved} moved (${
      pct(join.fraction)
    }), all from ${join.from.join(", ")} to ${join.to.join(", ")}; no other node noticed.`,
  );
  const left = ring.withoutNode(LEAVER);
  const leave = { ...movement(ring, left), arcShare: 90 / 360 };
  tell(
    t`   ${LEAVER} leaves instead: its arc (120, 210] goes to the next node clockwise;\n   ${leave.moved} keys moved (${
      pct(leave.fraction)
    }), from ${leave.from.join(", ")} to ${leave.to.join(", ")} only.`,
  );
  out("");

  // 3. A fifth node: hash mod N against the ring.
  const four = ["n1", "n2", "n3", "n4"];
  const growthOf = (before: Partitioner) => {
    const after = before.withNode("n5");
    const m = movement(before, after);
    const r = moves(before, after, KEYS);
    return { ...m, betweenOldNodes: r.moved.filter((x) => x.to !== "n5").length };
  };
  const hashMod = growthOf(hashModPartitioner(four));
  const ringGrowth = growthOf(ringPartitioner(four));
  const growth = {
    nodesBefore: four.length,
    hashMod,
    ring: ringGrowth,
    expectedHashMod: four.length / (four.length + 1),
    expectedRing: 1 / (four.length + 1),
  };
  tell(t`3. A fifth node joins four (${KEY_COUNT} keys; the ring has 256 virtual nodes each):`);
  for (
    const l of table([
      ["scheme", "keys moved", "share", "expected", "moved between old nodes"].map(t.text),
      [
        "hash mod N",
        hashMod.moved,
        pct(hashMod.fraction),
        "N/(N+1) = 80%",
        hashMod.betweenOldNodes,
      ],
      [
        t`consistent hash`,
        ringGrowth.moved,
        pct(ringGrowth.fraction),
        "1/(N+1) = 20%",
        ringGrowth.betweenOldNodes,
      ],
    ])
  ) out(`   ${l}`);
  tell(
    t`   The chapter says hash mod N moves all the data; precisely, a key stays only when\n   hash mod 4 = hash mod 5, about 1 in 5, so about N/(N+1) move, and most of them\n   between nodes that were already there. The ring moves only what the new node takes.`,
  );
  out("");

  // 4. Virtual nodes.
  const ten = Array.from({ length: 10 }, (_, i) => `n${i + 1}`);
  const vnodes = VNODE_COUNTS.map((v) => {
    const b = balance(ringPartitioner(ten, { vnodes: v }), KEYS);
    return { vnodes: v, cv: b.cv, maxOverMean: b.max / b.mean };
  });
  tell(
    t`4. Virtual nodes: ${ten.length} nodes, each placing V tokens at hashed positions\n   (${KEY_COUNT} keys; cv = standard deviation / mean of the keys per node).`,
  );
  for (
    const l of table([
      ["V per node", "load spread (cv)", "about 1/sqrt(V)", "busiest / mean"].map(t.text),
      ...vnodes.map((v) => [
        v.vnodes,
        v.cv.toFixed(3),
        (1 / Math.sqrt(v.vnodes)).toFixed(3),
        v.maxOverMean.toFixed(2),
      ]),
    ])
  ) out(`   ${l}`);
  tell(
    t`   One token per node at a hashed position leaves arcs of very different lengths;\n   many small arcs per node average out (the spread falls roughly as 1/sqrt(V)). The\n   chapter's ring is even only because its four positions were chosen 90 deg apart.`,
  );

  return {
    range: {
      placements,
      rangeQuery: { keys: inQuery, rangeShards, hashShards },
      hotSpot: {
        keys: orders.length,
        rangeBusiestShare: rangeBusiest,
        hashBusiestShare: hashBusiest,
      },
    },
    ring: { nodes: ringNodes, examples, join, leave },
    growth,
    vnodes,
  };
}

/**
 * The `partitioning` scenario.
 *
 * @example
 * ```ts
 * import { scenario } from "./partitioning.ts";
 * scenario.name; // "partitioning"
 * ```
 */
export const scenario: Scenario = {
  name: "partitioning",
  description: "range shards A-G/H-N/O-Z, the chapter's ring, hash mod N vs the ring, vnodes (§5)",

  descriptionJa: "範囲シャード A-G/H-N/O-Z、章のリング、hash mod N とリングの比較、仮想ノード (§5)",
  run(out, _flags, lang) {
    return runPartitioning(out, lang);
  },
};
