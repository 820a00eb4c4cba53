/**
 * Paxos (chapter §4): single-decree Paxos (`paxosRegister`) and Multi-Paxos replicating
 * a key-value store (`paxosKv`), built from the chapter's three roles — proposer,
 * acceptor (`acceptor.ts`), learner (`learner.ts`) — plus the agreement invariant checker
 * (`agreement.ts`) that tests run after every simulated step.
 *
 * @example
 * ```ts
 * import { paxosKv, paxosRegister } from "./mod.ts";
 * [paxosRegister.name, paxosKv.name]; // ["paxos-register", "paxos-kv"]
 * ```
 *
 * @module
 */

export { paxosRegister, type PaxosRegisterNode } from "./register.ts";
export type { PaxosRegisterMessage, PaxosRegisterOp } from "./register_message.ts";
export { paxosKv, type PaxosKvNode, type PaxosRole } from "./multi_paxos.ts";
export {
  isNoop,
  NOOP,
  type PaxosCommand,
  type PaxosKvMessage,
  type PaxosKvOp,
  type PaxosValue,
} from "./kv_message.ts";
export * from "./ballot.ts";
export * from "./acceptor.ts";
export * from "./learner.ts";
export * from "./quorum.ts";
export * from "./agreement.ts";
export * from "./learn_journal.ts";
export * from "./options.ts";
