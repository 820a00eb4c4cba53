/**
 * distlab: a distributed-systems laboratory. This module is the public library API:
 * the node contract for writing protocols, the deterministic simulator, the fault
 * model, logical clocks and the protocols themselves.
 *
 * @example
 * ```ts
 * import { heartbeat, Simulation } from "./mod.ts";
 * const sim = new Simulation({ protocol: heartbeat, nodes: 3, seed: 42 });
 * sim.crash("n3");
 * sim.runFor(2000);
 * sim.status("n1").suspects; // ["n3"]
 * ```
 *
 * @module
 */

export type {
  AnyProtocol,
  ClientRequest,
  NodeContext,
  NodeId,
  NodeStatus,
  Protocol,
  ProtocolNode,
  Reply,
  TraceData,
} from "./protocols/node.ts";
export type { DurableStorage, HostStorage } from "./protocols/storage.ts";
export { DISK_FAULT_KINDS, type DiskFaultKind, StorageFault } from "./protocols/storage.ts";
export { jsonEqual, type KvOp } from "./protocols/kv.ts";
export type { EventType, HistoryEvent } from "./history/event.ts";
export * from "./clocks/mod.ts";
export { createRng, type Rng } from "./protocols/random.ts";
export { protocolByName, protocolNames } from "./protocols/registry.ts";
export * from "./protocols/heartbeat/mod.ts";
export {
  type NodeFailure,
  type SimStats,
  Simulation,
  type SimulationOptions,
} from "./nodes/simulator.ts";
export {
  checkMessage,
  type Fields,
  type MessageSchema,
  schemaCheck,
} from "./protocols/message_schema.ts";
export {
  type Integrity,
  INTEGRITY_KINDS,
  LinkIntegrity,
  parseIntegrity,
} from "./nodes/faults/link_integrity.ts";
export { runSimulation, type SimRunConfig, type SimRunResult } from "./torture/sim_run.ts";
export {
  type DropReason,
  type Fate,
  type LinkFaults,
  type LinkRule,
  Network,
  type NetworkState,
  validateLinkFaults,
} from "./nodes/faults/network.ts";
export { type Delay, parseDelay, sampleDelay } from "./nodes/faults/delay.ts";
export { type NodeClock, setClock } from "./nodes/faults/clock_skew.ts";
export { MemoryDisk } from "./nodes/storage/memory_disk.ts";
export type { DiskFaultCounts, DiskFaults } from "./nodes/storage/disk_faults.ts";
export { toShiViz, type TraceEvent } from "./nodes/trace.ts";
export {
  DISK_NEMESIS_RATES,
  generateSchedule,
  NEMESIS_KINDS,
  type NemesisKind,
  type NemesisStep,
  parseNemesis,
} from "./nodes/nemesis.ts";
export * from "./history/mod.ts";
export * from "./checker/mod.ts";
export * from "./resilience/mod.ts";
export * from "./partitioning/mod.ts";
export { applyKvOp, validateKvOp } from "./protocols/kv_store.ts";
export { register } from "./protocols/register/register.ts";
export { lww } from "./protocols/lww/lww.ts";
export {
  type FileStore,
  type FileStoreOptions,
  openFileStore,
} from "./nodes/storage/file_store.ts";
export type { RecoveryReport } from "./nodes/storage/log_replay.ts";
export { startKvWorkload } from "./torture/kv_workload.ts";
export { type RunVerdict, verifyRun } from "./torture/verify_run.ts";
export { shrinkFailure, type TortureConfig, tortureSeed } from "./torture/torture.ts";
export { quorumKv } from "./protocols/quorum/mod.ts";
export {
  type Cluster,
  type ClusterOptions,
  type NodeInfo,
  startCluster,
} from "./nodes/worker_cluster.ts";
export {
  checkAgreementAfterEveryStep,
  createAgreementChecker,
  paxosKv,
  paxosRegister,
} from "./protocols/paxos/mod.ts";
export {
  MODE_TRADEOFF,
  primaryBackup,
  type ReplicationMode,
} from "./protocols/primary_backup/mod.ts";
export * from "./protocols/raft/mod.ts";
export { createSimClock } from "./nodes/sim_clock.ts";
export * from "./protocols/txn/mod.ts";
export * from "./protocols/bus/mod.ts";
export * from "./protocols/saga/mod.ts";
export * from "./protocols/eventsourcing/mod.ts";
export { tortureTxnSeed, watchTxnInvariants } from "./torture/txn_torture.ts";
export { type Api, type ApiOptions, createApi } from "./http/app.ts";
