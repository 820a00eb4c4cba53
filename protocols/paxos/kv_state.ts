/**
 * The replicated KV state machine of `paxos-kv`, durable: the same semantics as the Raft
 * KV (a missing key reads `null`, `cas` compares JSON values; {@link applyKvOp}) plus
 * client sessions, so a command decided twice — a client retried it with the same
 * `seq` — is applied once and every copy gets the first reply.
 *
 * Each applied command writes what it changed to storage, so a restarted node resumes
 * from its applied state even after the log below it has been forgotten.
 *
 * @module
 */

import type { Reply } from "../node.ts";
import type { DurableStorage } from "../storage.ts";
import { applyKvOp } from "../kv_store.ts";
import type { PaxosCommand } from "./kv_message.ts";
import { info } from "../reply.ts";

/** One client's session: its latest applied `seq` and that command's reply. */
interface Session {
  readonly seq: number;
  readonly reply: Reply;
}

/**
 * The KV data and sessions, kept in memory and mirrored to storage.
 *
 * @example
 * ```ts
 * import { type KvState, loadKvState } from "./kv_state.ts";
 * import type { DurableStorage } from "../storage.ts";
 * declare const storage: DurableStorage;
 * const s: KvState = loadKvState(storage, "kv/", 100);
 * s.maxSessions; // 100
 * ```
 */
export interface KvState {
  readonly data: Map<string, unknown>;
  /** Insertion order is recency order (least recently used first). */
  readonly sessions: Map<number, Session>;
  readonly maxSessions: number;
  readonly prefix: string;
}

/**
 * Loads the state from storage (empty on first start).
 *
 * @example
 * ```ts
 * import { loadKvState } from "./kv_state.ts";
 * const s = loadKvState({ get: () => undefined, set() {}, delete() {}, keys: () => [] }, "pk/");
 * s.data.size; // 0
 * ```
 */
export function loadKvState(storage: DurableStorage, prefix: string, maxSessions = 10000): KvState {
  const s: KvState = { data: new Map(), sessions: new Map(), maxSessions, prefix };
  const kv = prefix + "kv/";
  for (const k of storage.keys(kv)) s.data.set(k.slice(kv.length), storage.get(k));
  const sess = prefix + "sess/";
  for (const k of storage.keys(sess)) {
    s.sessions.set(Number(k.slice(sess.length)), storage.get(k) as Session);
  }
  return s;
}

/**
 * The reply already given to `client`'s command `seq`, if it was applied and is still
 * the client's latest.
 *
 * @example
 * ```ts
 * import { cachedReply, loadKvState } from "./kv_state.ts";
 * const s = loadKvState({ get: () => undefined, set() {}, delete() {}, keys: () => [] }, "");
 * cachedReply(s, 1, 1); // undefined
 * ```
 */
export function cachedReply(s: KvState, client: number, seq: number): Reply | undefined {
  const x = s.sessions.get(client);
  return x !== undefined && x.seq === seq ? x.reply : undefined;
}

/**
 * Applies one decided command and returns its reply (writing the change to storage).
 *
 * @example
 * ```ts
 * import { applyCommand, loadKvState } from "./kv_state.ts";
 * const disk = { get: () => undefined, set() {}, delete() {}, keys: () => [] };
 * const s = loadKvState(disk, "");
 * const w = { id: "c1:1", client: 1, seq: 1, op: { f: "write", key: "x", value: 5 } } as const;
 * applyCommand(s, disk, w); // { type: "ok" }
 * applyCommand(s, disk, w); // { type: "ok" }: the same reply, applied once
 * s.data.get("x"); // 5
 * ```
 */
export function applyCommand(s: KvState, storage: DurableStorage, cmd: PaxosCommand): Reply {
  if (cmd.seq === undefined) return execute(s, storage, cmd);
  const prev = s.sessions.get(cmd.client);
  if (prev !== undefined && cmd.seq === prev.seq) return prev.reply;
  if (prev !== undefined && cmd.seq < prev.seq) {
    return info("timeout", "stale session sequence number");
  }
  const reply = execute(s, storage, cmd);
  s.sessions.delete(cmd.client);
  s.sessions.set(cmd.client, { seq: cmd.seq, reply });
  storage.set(s.prefix + "sess/" + cmd.client, { seq: cmd.seq, reply });
  if (s.sessions.size > s.maxSessions) {
    const oldest = s.sessions.keys().next().value as number;
    s.sessions.delete(oldest);
    storage.delete(s.prefix + "sess/" + oldest);
  }
  return reply;
}

function execute(s: KvState, storage: DurableStorage, cmd: PaxosCommand): Reply {
  const reply = applyKvOp(s.data, cmd.op);
  if (reply.type === "ok" && cmd.op.f !== "read") {
    const key = s.prefix + "kv/" + cmd.op.key;
    if (s.data.has(cmd.op.key)) storage.set(key, s.data.get(cmd.op.key));
    else storage.delete(key);
  }
  return reply;
}
