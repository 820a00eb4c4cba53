/**
 * The replicated key-value state machine, with client sessions.
 *
 * Commands come out of the Raft log in order; applying the same commands in the same
 * order gives the same state and the same replies on every node. Sessions (thesis
 * §6.3) make retries safe: each client's last sequence number and reply are part of
 * the replicated state, so a command that was committed twice (the client retried
 * after a timeout) is applied once and both copies get the first reply.
 *
 * Missing keys read as `null` (Jepsen's nil), and a `cas` whose expected value is
 * `null` succeeds on a missing key.
 *
 * @module
 */

import { jsonEqual } from "../kv.ts";
import type { KvOp } from "../kv.ts";
import type { Reply } from "../node.ts";
import { fail, info } from "../reply.ts";

/**
 * A KV command as the log carries it.
 *
 * @example
 * ```ts
 * import type { KvCommand } from "./kv_state_machine.ts";
 * const c: KvCommand = { client: 3, seq: 17, op: { f: "write", key: "x", value: 1 } };
 * ```
 */
export interface KvCommand {
  /** The client process that sent it. */
  readonly client: number;
  /** The client's sequence number for it; absent: no session, no deduplication. */
  readonly seq?: number;
  /** The operation itself. */
  readonly op: KvOp;
}

/**
 * One client's session: its last applied sequence number and that command's reply.
 *
 * @example
 * ```ts
 * import type { SessionRecord } from "./kv_state_machine.ts";
 * const s: SessionRecord = { client: 3, seq: 17, reply: { type: "ok", value: 1 } };
 * ```
 */
export interface SessionRecord {
  /** The client. */
  readonly client: number;
  /** Its highest applied sequence number. */
  readonly seq: number;
  /** The reply that command got, given again to retries. */
  readonly reply: Reply;
}

/**
 * The state machine's state as plain JSON, for snapshots.
 *
 * @example
 * ```ts
 * import type { KvSnapshot } from "./kv_state_machine.ts";
 * const s: KvSnapshot = { data: [["x", 1]], sessions: [{ client: 1, seq: 3, reply: { type: "ok" } }] };
 * ```
 */
export interface KvSnapshot {
  /** Every key and its value. */
  readonly data: readonly (readonly [string, unknown])[];
  /** Least recently used first. */
  readonly sessions: readonly SessionRecord[];
}

/**
 * A deterministic KV store with exactly-once client sessions.
 *
 * @example
 * ```ts
 * import { KvStateMachine } from "./kv_state_machine.ts";
 * const sm = new KvStateMachine();
 * sm.apply({ client: 1, seq: 1, op: { f: "write", key: "x", value: 1 } }); // { type: "ok" }
 * sm.apply({ client: 1, seq: 2, op: { f: "cas", key: "x", value: [2, 3] } }).type; // "fail"
 * sm.read("x"); // 1
 * ```
 */
export class KvStateMachine {
  readonly #data = new Map<string, unknown>();
  // Insertion order is recency order: a touched session is deleted and re-inserted.
  readonly #sessions = new Map<number, SessionRecord>();

  /** Sessions kept before the least recently used is evicted. */
  readonly maxSessions: number;

  /** An empty store keeping at most `maxSessions` client sessions. */
  constructor(maxSessions = 10000) {
    this.maxSessions = maxSessions;
  }

  /** A state machine holding a snapshot's state. */
  static fromSnapshot(snapshot: KvSnapshot, maxSessions = 10000): KvStateMachine {
    const sm = new KvStateMachine(maxSessions);
    for (const [k, v] of snapshot.data) sm.#data.set(k, v);
    for (const s of snapshot.sessions) sm.#sessions.set(s.client, s);
    return sm;
  }

  /** Number of keys. */
  get size(): number {
    return this.#data.size;
  }

  /** The value of `key`, or `null` if absent. */
  read(key: string): unknown {
    return this.#data.has(key) ? this.#data.get(key) : null;
  }

  /**
   * The reply already given to `client`'s command `seq`, if that command was applied
   * and is still the client's latest.
   */
  cachedReply(client: number, seq: number): Reply | undefined {
    const s = this.#sessions.get(client);
    return s !== undefined && s.seq === seq ? s.reply : undefined;
  }

  /** Applies one committed command and returns its reply. */
  apply(cmd: KvCommand): Reply {
    if (cmd.seq === undefined) return this.#execute(cmd.op);
    const s = this.#sessions.get(cmd.client);
    if (s !== undefined && cmd.seq === s.seq) return s.reply; // a retry: already applied
    if (s !== undefined && cmd.seq < s.seq) {
      // Older than the client's latest: its reply was delivered or discarded long ago.
      return info("timeout", "stale sequence number");
    }
    const reply = this.#execute(cmd.op);
    this.#sessions.delete(cmd.client);
    this.#sessions.set(cmd.client, { client: cmd.client, seq: cmd.seq, reply });
    if (this.#sessions.size > this.maxSessions) {
      const oldest = this.#sessions.keys().next().value as number;
      this.#sessions.delete(oldest);
    }
    return reply;
  }

  #execute(op: KvOp): Reply {
    switch (op.f) {
      case "read":
        return { type: "ok", value: this.read(op.key) };
      case "write":
        this.#data.set(op.key, op.value);
        return { type: "ok" };
      case "delete":
        this.#data.delete(op.key);
        return { type: "ok" };
      case "cas": {
        const [expected, next] = op.value;
        if (!jsonEqual(this.read(op.key), expected)) {
          return fail("precondition-failed", "cas mismatch");
        }
        this.#data.set(op.key, next);
        return { type: "ok" };
      }
    }
  }

  /** The whole state as JSON (a fresh object each call). */
  snapshot(): KvSnapshot {
    return { data: [...this.#data], sessions: [...this.#sessions.values()] };
  }
}
