/**
 * `quorum-kv`: a Dynamo-style leaderless key-value store (chapter §3 replication, §5
 * partitioning, exercise 3). Any node coordinates; keys live on a consistent-hash
 * ring with N replicas; reads and writes wait for R and W of them (per request, or
 * `ONE` / `QUORUM` / `ALL`); values carry vector clocks and concurrent writes are kept
 * as siblings (or, with `conflict: "lww"`, one silently wins); read repair, sloppy
 * quorum with hinted handoff, Merkle-tree anti-entropy and membership changes that
 * move only the keys that must move.
 *
 * Options (see {@link QuorumOptions}): `n` 3, `r` 2, `w` 2, `sloppy` true,
 * `conflict` "vclock" | "lww", `antiEntropyMs` 500 (0 = off), `merkleDepth` 6,
 * `timeoutMs` 500, `pingMs` 100, `detector` "phi" | "fixed", `phiThreshold` 8,
 * `suspectMs` 500, `handoffMs` 200, `vnodes` 64, `readRepair` true.
 *
 * Requests (see {@link QuorumOp}): a KV operation with optional `r`, `w`,
 * `consistency` and `context`, or `{ f: "add-node" | "remove-node", node }`.
 * A read answers the value, `null`, or {@link Siblings} `{ siblings, context }`; a
 * write answers `{ clock, acks }`, or `info` when fewer than W acknowledged in time.
 *
 * @example
 * ```ts
 * import { quorumKv } from "./mod.ts";
 * quorumKv.name; // "quorum-kv"
 * // In the simulator:
 * //   const sim = new Simulation({ protocol: quorumKv, nodes: 5, seed: 1, options: { n: 3 } });
 * //   sim.request("n1", { f: "write", key: "k", value: 1, consistency: "ALL" }, 0, console.log);
 * ```
 *
 * @module
 */

import { quorumMessages } from "./message.ts";
import type { KvOp } from "../kv.ts";
import type { Protocol } from "../node.ts";
import type { QuorumMessage } from "./message.ts";
import type { QuorumOp } from "./request.ts";
import { createQuorumNode } from "./quorum_node.ts";
import { KV_OPERATIONS, MEMBERSHIP_OPERATIONS } from "../operations.ts";

export { createQuorumNode } from "./quorum_node.ts";
export type { KeyInspection, QuorumNode } from "./quorum_node.ts";
export type { Entry, QuorumMessage } from "./message.ts";
export { DEFAULT_QUORUM_OPTIONS, parseQuorumOptions } from "./options.ts";
export type { ConflictMode, QuorumOptions } from "./options.ts";
export { quorumSizes, validateQuorumOp } from "./request.ts";
export type {
  ConsistencyLevel,
  MembershipOp,
  QuorumKvOp,
  QuorumOp,
  QuorumParams,
} from "./request.ts";
export {
  contextOf,
  dumpValue,
  mergeVersions,
  readValue,
  versionsKey,
  writeClock,
} from "./versions.ts";
export type { MergeResult, Siblings, Version } from "./versions.ts";
export {
  buildMerkleTree,
  childHashes,
  compareLevel,
  differingLeaves,
  entryDigest,
  merkleLeaf,
} from "./merkle.ts";
export type { MerkleTree } from "./merkle.ts";
export { byNodeIndex, planRebalance, supersedes } from "./membership.ts";
export type { Membership, RebalancePlan } from "./membership.ts";
export { findStaleReads } from "../../checker/stale_reads.ts";
export type { StaleRead, StaleReadReport } from "../../checker/stale_reads.ts";

/**
 * The Dynamo-style quorum KV protocol.
 *
 * @example
 * ```ts
 * import { quorumKv } from "./mod.ts";
 * quorumKv.tickMs; // 10
 * ```
 */
export const quorumKv: Protocol<QuorumMessage, KvOp | QuorumOp> = {
  name: "quorum-kv",
  operations: [...KV_OPERATIONS, ...MEMBERSHIP_OPERATIONS],
  description: "Dynamo-style leaderless KV: ring, N/R/W quorums, vector clocks and siblings, " +
    "read repair, sloppy quorum with hinted handoff, Merkle anti-entropy",
  tickMs: 10,
  check: "stale-reads",
  display: {
    headline: { kind: "leaderless", fields: ["n", "r", "w"] },
    columns: [
      { header: "ROLE", field: "role" },
      { header: "EPOCH", field: "status.epoch" },
      { header: "KEYS", field: "status.keys" },
      { header: "SIBLINGS", field: "status.siblingKeys" },
      { header: "HINTS", field: "status.hints" },
      { header: "SUSPECTS", field: "status.suspects", format: "list" },
    ],
  },
  admin: {
    sessions: false,
    readConsistency: false,
    quorum: true,
    // Leaderless: any node takes the change and gossips the new epoch to the others.
    addNode: { options: {}, op: (node) => ({ f: "add-node", node }) },
    removeNode: (node) => ({ f: "remove-node", node }),
    rejoin: true,
  },
  liveOptions: { timeoutMs: 2000, suspectMs: 1500 },
  events: [
    "dead",
    "handoff",
    "membership",
    "read",
    "read-repair",
    "refute",
    "repaired",
    "suspect",
    "trust",
    "write",
  ],
  messages: quorumMessages,
  create: createQuorumNode,
};
