/**
 * Every protocol distlab can run, by name: the simulator, the torture runner and the
 * Worker cluster all look protocols up here.
 *
 * @module
 */

import type { AnyProtocol } from "./node.ts";
import { heartbeat } from "./heartbeat/heartbeat.ts";
import { raftKv } from "./raft/mod.ts";
import { register } from "./register/register.ts";
import { lww } from "./lww/lww.ts";
import { quorumKv } from "./quorum/mod.ts";
import { paxosKv } from "./paxos/multi_paxos.ts";
import { paxosRegister } from "./paxos/register.ts";
import { primaryBackup } from "./primary_backup/primary_backup.ts";
import { twoPhaseCommit } from "./txn/two_phase_commit.ts";
import { paxosCommit } from "./paxos_commit/paxos_commit.ts";
import { bus } from "./bus/bus.ts";
import { saga } from "./saga/saga.ts";
import { eventSourcing } from "./eventsourcing/event_sourcing.ts";
import { pbft } from "./pbft/mod.ts";
import { swim } from "./swim/swim.ts";

const PROTOCOLS: ReadonlyMap<string, AnyProtocol> = new Map<string, AnyProtocol>([
  [heartbeat.name, heartbeat],
  [raftKv.name, raftKv],
  [register.name, register],
  [lww.name, lww],
  [quorumKv.name, quorumKv],
  [paxosRegister.name, paxosRegister],
  [paxosKv.name, paxosKv],
  [primaryBackup.name, primaryBackup],
  [twoPhaseCommit.name, twoPhaseCommit],
  [paxosCommit.name, paxosCommit],
  [bus.name, bus],
  [saga.name, saga],
  [eventSourcing.name, eventSourcing],
  [pbft.name, pbft],
  [swim.name, swim],
]);

/**
 * The protocol `deno task cluster` runs when none is named: Raft KV, the chapter's
 * consensus protocol behind a key-value store.
 *
 * @example
 * ```ts
 * import { DEFAULT_CLUSTER_PROTOCOL } from "./registry.ts";
 * DEFAULT_CLUSTER_PROTOCOL; // "raft-kv"
 * ```
 */
export const DEFAULT_CLUSTER_PROTOCOL = "raft-kv";

/**
 * The protocol `deno task sim` runs when none is named: heartbeats and failure detectors.
 *
 * @example
 * ```ts
 * import { DEFAULT_SIM_PROTOCOL } from "./registry.ts";
 * DEFAULT_SIM_PROTOCOL; // "heartbeat"
 * ```
 */
export const DEFAULT_SIM_PROTOCOL = "heartbeat";

/**
 * The names of every protocol, sorted.
 *
 * @example
 * ```ts
 * import { protocolNames } from "./registry.ts";
 * protocolNames().includes("heartbeat"); // true
 * ```
 */
export function protocolNames(): string[] {
  return [...PROTOCOLS.keys()].sort();
}

/**
 * The protocol called `name`; throws a one-line error naming the known ones otherwise.
 *
 * @example
 * ```ts
 * import { protocolByName } from "./registry.ts";
 * protocolByName("heartbeat").tickMs; // 10
 * ```
 */
export function protocolByName(name: string): AnyProtocol {
  const p = PROTOCOLS.get(name);
  if (p === undefined) {
    throw new Error(`unknown protocol '${name}' (known: ${protocolNames().join(", ")})`);
  }
  return p;
}
