/**
 * Maelstrom's built-in services, as the host answers them: `lin-kv`, `seq-kv`, `lww-kv`
 * (read / write / cas, with `create_if_not_exists`) and `lin-tso` (`ts`), each one
 * in-memory store answered at once in the host. `lin-kv` and `lww-kv` are linearizable
 * (for `lww-kv` the strongest legal behaviour, not Maelstrom's pathological one).
 * `seq-kv` is sequentially consistent and no more, as in Maelstrom: every update applies
 * to the latest state, but a read may see an older one — never older than what the same
 * caller saw or did before — so a node that needs the latest value must make a write to
 * get it. Serving them by distlab's own replicated protocols is left to a later step.
 *
 * @module
 */

import { ERROR } from "../protocols/errors.ts";
import { canonicalJson } from "../checker/canonical_json.ts";
import { type Body, errorBody } from "./wire.ts";

/**
 * The state of every service of a run.
 *
 * @example
 * ```ts
 * import { createServices } from "./services.ts";
 * const s = createServices(() => 0.5);
 * s.kv.get("seq-kv")?.size; // 0
 * ```
 */
export interface Services {
  /** Each kv service's map, keyed by the canonical JSON of the key. */
  readonly kv: Map<string, Map<string, unknown>>;
  /** `seq-kv`: every version of every key, stamped with its place in the total order. */
  readonly seqVersions: Map<string, { at: number; value: unknown }[]>;
  /** `seq-kv`: updates so far (the latest place in the total order). */
  seqAt: number;
  /** `seq-kv`: the place each caller has seen up to (its reads never go back before it). */
  readonly seqSeen: Map<string, number>;
  /** The run's seeded source: how stale a `seq-kv` read is. */
  readonly random: () => number;
  /** The last timestamp `lin-tso` gave. */
  tso: number;
}

/**
 * Fresh, empty services; `random` decides how stale each `seq-kv` read is.
 *
 * @example
 * ```ts
 * import { createServices } from "./services.ts";
 * createServices(() => 0.5).tso; // 0
 * ```
 */
export function createServices(random: () => number): Services {
  return {
    kv: new Map([["lin-kv", new Map()], ["seq-kv", new Map()], ["lww-kv", new Map()]]),
    seqVersions: new Map(),
    seqAt: 0,
    seqSeen: new Map(),
    random,
    tso: 0,
  };
}

/**
 * The reply body of service `id` to a request `body` from node `caller` (without
 * `msg_id`; the host adds one), or null for a service that does not exist.
 *
 * @example
 * ```ts
 * import { createServices, serviceReply } from "./services.ts";
 * const s = createServices(() => 0.5);
 * serviceReply(s, "seq-kv", { type: "write", msg_id: 1, key: "a", value: 3 }, "n0");
 * serviceReply(s, "seq-kv", { type: "read", msg_id: 2, key: "a" }, "n0"); // { type: "read_ok", value: 3, in_reply_to: 2 }
 * ```
 */
export function serviceReply(s: Services, id: string, body: Body, caller: string): Body | null {
  const re = body.msg_id;
  if (id === "lin-tso") {
    if (body.type !== "ts") {
      return errorBody(ERROR["not-supported"], `lin-tso: no ${body.type}`, re);
    }
    return withReply({ type: "ts_ok", ts: ++s.tso }, re);
  }
  const map = s.kv.get(id);
  if (map === undefined) return null;
  const key = canonicalJson(body.key ?? null);
  const seq = id === "seq-kv";
  if (seq && body.type === "read") {
    // Any place between what this caller has seen and the latest.
    const seen = s.seqSeen.get(caller) ?? 0;
    const at = seen + Math.floor(s.random() * (s.seqAt - seen + 1));
    s.seqSeen.set(caller, at);
    const versions = s.seqVersions.get(key) ?? [];
    let found: { at: number; value: unknown } | undefined = undefined;
    for (const v of versions) if (v.at <= at) found = v;
    if (found === undefined) {
      return errorBody(ERROR["key-does-not-exist"], "key does not exist", re);
    }
    return withReply({ type: "read_ok", value: found.value }, re);
  }
  const reply = latest(map, key, body, re);
  if (seq) {
    // Updates apply to the latest state, and the caller has now seen it.
    if (reply.type === "write_ok" || reply.type === "cas_ok") {
      const versions = s.seqVersions.get(key) ?? [];
      versions.push({ at: ++s.seqAt, value: map.get(key) });
      s.seqVersions.set(key, versions);
    }
    s.seqSeen.set(caller, s.seqAt);
  }
  return reply;
}

function latest(map: Map<string, unknown>, key: string, body: Body, re: number | undefined): Body {
  switch (body.type) {
    case "read":
      if (!map.has(key)) return errorBody(ERROR["key-does-not-exist"], "key does not exist", re);
      return withReply({ type: "read_ok", value: map.get(key) }, re);
    case "write":
      map.set(key, body.value);
      return withReply({ type: "write_ok" }, re);
    case "cas": {
      if (!map.has(key)) {
        if (body.create_if_not_exists !== true) {
          return errorBody(ERROR["key-does-not-exist"], "key does not exist", re);
        }
      } else if (canonicalJson(map.get(key)) !== canonicalJson(body.from)) {
        return errorBody(
          ERROR["precondition-failed"],
          `current value ${JSON.stringify(map.get(key))} is not ${JSON.stringify(body.from)}`,
          re,
        );
      }
      map.set(key, body.to);
      return withReply({ type: "cas_ok" }, re);
    }
    default:
      return errorBody(ERROR["not-supported"], `no ${body.type}`, re);
  }
}

function withReply(b: Body, inReplyTo: number | undefined): Body {
  return inReplyTo === undefined ? b : { ...b, in_reply_to: inReplyTo };
}
