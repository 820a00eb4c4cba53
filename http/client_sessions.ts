/**
 * Who a KV request comes from. Every request to a node carries a client number and a
 * sequence number, so a protocol with sessions (Raft KV) applies a retried request once
 * and answers the retry with the first reply. The number comes from:
 *
 * - `X-Client-Id` (any string) with `X-Request-Seq` (1, 2, 3 …): a long-lived client
 *   such as the CLI or a load generator, numbering its own requests; without the
 *   sequence header the server numbers them;
 * - `Idempotency-Key`: one request, retried under the same key;
 * - neither: a fresh client for this request alone.
 *
 * A retry must be the same request: each session remembers the fingerprint of its last
 * request (method, key, operation, parameters), and a request that reuses its sequence
 * number or idempotency key with a different fingerprint is refused with
 * {@link IdempotencyMismatchError} (422, as the IETF Idempotency-Key draft and Stripe
 * answer), instead of being answered with a reply that belongs to another operation.
 *
 * Client numbers are unique across restarts of the API process (a random base plus a
 * counter), because a Raft KV's sessions outlive it in `--data-dir`: a new process must
 * not be mistaken for an old client and answered from its cache. The history's
 * `process` is the small counter.
 *
 * @module
 */

/**
 * The identity of one request.
 *
 * @example
 * ```ts
 * import type { ClientIdentity } from "./client_sessions.ts";
 * const id: ClientIdentity = { process: 3, client: 2 ** 40 + 3, seq: 1 };
 * ```
 */
export interface ClientIdentity {
  /** The history's process number. */
  readonly process: number;
  /** The number sent to the protocol as the request's client. */
  readonly client: number;
  /** The request's sequence number within the client's session. */
  readonly seq: number;
}

interface Session {
  readonly process: number;
  seq: number;
  /**
   * A 53-bit hash of the fingerprint of the request numbered `seq`: a body may be up to
   * `--max-body`, and `--max-clients` sessions must not each hold one.
   */
  fingerprint: number;
}

/** cyrb53: a fast 53-bit string hash (not cryptographic; a mix-up needs a collision). */
function hash53(s: string): number {
  let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * A sequence number or idempotency key reused for a different request.
 *
 * @example
 * ```ts
 * import { IdempotencyMismatchError } from "./client_sessions.ts";
 * new IdempotencyMismatchError("Idempotency-Key", "K1").header; // "Idempotency-Key"
 * ```
 */
export class IdempotencyMismatchError extends Error {
  /** The header whose value was reused: `Idempotency-Key` or `X-Request-Seq`. */
  readonly header: string;
  constructor(header: string, value: string) {
    super(
      `${header} ${value} was already used for a different request; ` +
        "a retry must repeat the request exactly (use a new key or sequence number)",
    );
    this.name = "IdempotencyMismatchError";
    this.header = header;
  }
}

/**
 * A request's fingerprint: JSON with object keys sorted, so that a retry whose body
 * lists the same fields in another order is the same request.
 *
 * @example
 * ```ts
 * import { fingerprint } from "./client_sessions.ts";
 * fingerprint({ b: 1, a: [2, { d: 3, c: 4 }] }) === fingerprint({ a: [2, { c: 4, d: 3 }], b: 1 }); // true
 * ```
 */
export function fingerprint(v: unknown): string {
  // Most requests' objects already list their keys in order: then plain JSON is the same.
  if (sortedDeep(v, 0)) return JSON.stringify(v);
  return JSON.stringify(
    v,
    (_k, x) =>
      x !== null && typeof x === "object" && !Array.isArray(x)
        ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : x,
  );
}

/** Whether every plain object in `v` has its keys in order (false past a small depth). */
function sortedDeep(v: unknown, depth: number): boolean {
  if (v === null || typeof v !== "object") return true;
  if (depth > 8 || typeof (v as { toJSON?: unknown }).toJSON === "function") return false;
  if (Array.isArray(v)) {
    for (const x of v) if (!sortedDeep(x, depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  let last: string | null = null;
  for (const k in v) {
    if (last !== null && !(last < k)) return false;
    if (!sortedDeep((v as Record<string, unknown>)[k], depth + 1)) return false;
    last = k;
  }
  return true;
}

/**
 * The default number of named clients and idempotency keys remembered: as many as the
 * KV protocols keep sessions (Raft's and Paxos's `maxSessions`, 10 000). A key remembered
 * here after its protocol session was evicted buys no exactly-once, and at 100 000 this
 * table alone held ~20 MB that a client making a new key per request filled for minutes
 * (the soak's slope); `--max-clients` raises it (with `--option maxSessions=…`).
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_CLIENTS } from "./client_sessions.ts";
 * DEFAULT_MAX_CLIENTS; // 10000
 * ```
 */
export const DEFAULT_MAX_CLIENTS = 10_000;

/**
 * Maps request headers to client identities; at most `limit` named clients and keys are
 * remembered (least recently used forgotten, counted in {@link ClientSessions.forgotten}):
 * a forgotten client that retries an old request gets a new session, so the protocol
 * may apply that retry again — the limit is how many clients can retry safely at once.
 *
 * @example
 * ```ts
 * import { ClientSessions } from "./client_sessions.ts";
 * const sessions = new ClientSessions(2 ** 40);
 * const a = sessions.identify({ clientId: "cli-1", seq: 1 }, "PUT x 1");
 * const b = sessions.identify({ clientId: "cli-1", seq: 1 }, "PUT x 1"); // the retry
 * a.client === b.client && a.seq === b.seq; // true
 * ```
 */
export class ClientSessions {
  readonly #base: number;
  readonly #limit: number;
  readonly #named = new Map<string, Session>();
  #next = 1;
  #forgotten = 0;

  /** `base` is added to every process number to make the client number. */
  constructor(base: number, limit = DEFAULT_MAX_CLIENTS) {
    this.#base = base;
    this.#limit = limit;
  }

  /** The most named clients and keys remembered. */
  get limit(): number {
    return this.#limit;
  }

  /** Named clients and keys remembered now (at most the limit). */
  get size(): number {
    return this.#named.size;
  }

  /** Named clients and keys forgotten so far to stay within the limit. */
  get forgotten(): number {
    return this.#forgotten;
  }

  /**
   * The identity of a request with these headers (already validated: `seq` a positive
   * integer, strings non-empty) and this fingerprint (see {@link fingerprint}). Throws
   * {@link IdempotencyMismatchError}, remembering nothing, when the sequence number or
   * key was last used for a request with another fingerprint.
   */
  identify(
    h: { clientId?: string; seq?: number; idempotencyKey?: string },
    fingerprint = "",
  ): ClientIdentity {
    const print = h.clientId !== undefined || h.idempotencyKey !== undefined
      ? hash53(fingerprint)
      : 0;
    if (h.clientId !== undefined) {
      const name = "c:" + h.clientId;
      const known = this.#named.get(name);
      if (known !== undefined && h.seq === known.seq && known.fingerprint !== print) {
        throw new IdempotencyMismatchError("X-Request-Seq", `${h.seq} of ${h.clientId}`);
      }
      const s = this.#session(name);
      s.seq = h.seq ?? s.seq + 1;
      s.fingerprint = print;
      return this.#identity(s.process, s.seq);
    }
    if (h.idempotencyKey !== undefined) {
      const name = "k:" + h.idempotencyKey;
      const known = this.#named.get(name);
      if (known !== undefined && known.fingerprint !== print) {
        throw new IdempotencyMismatchError("Idempotency-Key", h.idempotencyKey);
      }
      const s = this.#session(name);
      s.seq = 1;
      s.fingerprint = print;
      return this.#identity(s.process, 1);
    }
    return this.#identity(this.#next++, 1);
  }

  #identity(process: number, seq: number): ClientIdentity {
    return { process, client: this.#base + process, seq };
  }

  #session(name: string): Session {
    let s = this.#named.get(name);
    if (s !== undefined) {
      this.#named.delete(name); // re-inserted below: most recently used last
    } else {
      s = { process: this.#next++, seq: 0, fingerprint: 0 };
      if (this.#named.size >= this.#limit) {
        this.#named.delete(this.#named.keys().next().value!);
        this.#forgotten++;
      }
    }
    this.#named.set(name, s);
    return s;
  }
}

/**
 * A random base for client numbers: a multiple of 2^21 below 2^53, so that 2 million
 * processes fit under it and two API processes almost surely never share one.
 *
 * @example
 * ```ts
 * import { randomClientBase } from "./client_sessions.ts";
 * Number.isSafeInteger(randomClientBase() + 2 ** 21 - 1); // true
 * ```
 */
export function randomClientBase(): number {
  const [r] = crypto.getRandomValues(new Uint32Array(1));
  return ((r! % (2 ** 31)) + 1) * 2 ** 21;
}
