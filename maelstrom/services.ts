/**
 * Maelstrom's built-in services, as the host answers them: `lin-kv`, `seq-kv`, `lww-kv`
 * (read / write / cas, with `create_if_not_exists`) and `lin-tso` (`ts`). In this slice
 * each is one in-memory store answered at once in the host: a linearizable store, which
 * is also a legal (strongest) `seq-kv` and `lww-kv`. Serving them by distlab's own
 * replicated protocols, with their staleness, is left to a later step.
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
 * const s = createServices();
 * s.kv.get("seq-kv")?.size; // 0
 * ```
 */
export interface Services {
  /** Each kv service's map, keyed by the canonical JSON of the key. */
  readonly kv: Map<string, Map<string, unknown>>;
  /** The last timestamp `lin-tso` gave. */
  tso: number;
}

/**
 * Fresh, empty services.
 *
 * @example
 * ```ts
 * import { createServices } from "./services.ts";
 * createServices().tso; // 0
 * ```
 */
export function createServices(): Services {
  return {
    kv: new Map([["lin-kv", new Map()], ["seq-kv", new Map()], ["lww-kv", new Map()]]),
    tso: 0,
  };
}

/**
 * The reply body of service `id` to a request `body` (without `msg_id`; the host adds
 * one), or null for a service that does not exist.
 *
 * @example
 * ```ts
 * import { createServices, serviceReply } from "./services.ts";
 * const s = createServices();
 * serviceReply(s, "seq-kv", { type: "write", msg_id: 1, key: "a", value: 3 });
 * serviceReply(s, "seq-kv", { type: "read", msg_id: 2, key: "a" }); // { type: "read_ok", value: 3, in_reply_to: 2 }
 * ```
 */
export function serviceReply(s: Services, id: string, body: Body): Body | null {
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
      return errorBody(ERROR["not-supported"], `${id}: no ${body.type}`, re);
  }
}

function withReply(b: Body, inReplyTo: number | undefined): Body {
  return inReplyTo === undefined ? b : { ...b, in_reply_to: inReplyTo };
}
