/**
 * Paxos Commit (Gray and Lamport, 2006) of the EC-site order, beside `txn`'s 2PC.
 *
 * @example
 * ```ts
 * import { paxosCommit } from "./mod.ts";
 * paxosCommit.name; // "paxos-commit"
 * ```
 *
 * @module
 */
export * from "./message.ts";
export * from "./options.ts";
export * from "./state.ts";
export * from "./acceptor.ts";
export * from "./rm.ts";
export * from "./leader.ts";
export * from "./paxos_commit.ts";
export * from "./invariants.ts";
