/**
 * A Maelstrom kv service (`lin-kv`) served by one of distlab's own key-value protocols:
 * a Worker cluster of three nodes of it (`nodes/worker_cluster.ts`, fault-free, as
 * Maelstrom's services are), asked through its leader. A request the cluster refuses
 * for now (no leader yet, an election) is asked again, elsewhere or a little later,
 * until `timeoutMs`; then the caller gets error 11 (temporarily unavailable). Missing
 * keys read as `null` in distlab and as error 20 in Maelstrom; `create_if_not_exists`
 * becomes a second `cas` from `null`.
 *
 * @module
 */

import { setTimeout as delay } from "node:timers/promises";
import { startCluster } from "../nodes/worker_cluster.ts";
import { ERROR } from "../protocols/errors.ts";
import type { KvOp } from "../protocols/kv.ts";
import type { Reply } from "../protocols/node.ts";
import { maelstromReply } from "./protocol_node.ts";
import { type Body, errorBody } from "./wire.ts";

const NODES = ["s1", "s2", "s3"];
/** Pause before asking again when no node leads. */
const RETRY_MS = 20;

/**
 * A running service.
 *
 * @example
 * ```ts ignore
 * import { startProtocolService } from "./protocol_service.ts";
 * const s = await startProtocolService(name, 1, 2000);
 * await s.call({ type: "write", key: 1, value: 2 }); // { type: "write_ok" }
 * await s.close();
 * ```
 */
export interface KvService {
  /** The reply body (without ids) to a read / write / cas body. */
  call(body: Body): Promise<Body>;
  close(): Promise<void>;
}

/**
 * Starts a three-node cluster of `protocol` and waits until it answers a read.
 *
 * @example
 * ```ts ignore
 * import { startProtocolService } from "./protocol_service.ts";
 * const s = await startProtocolService(name, 1, 2000);
 * ```
 */
export async function startProtocolService(
  protocol: string,
  seed: number,
  timeoutMs: number,
  readyTimeoutMs = 60_000,
): Promise<KvService> {
  const cluster = await startCluster({
    protocol,
    nodes: NODES,
    seed,
    network: { delay: { kind: "constant", ms: 0 } },
  });
  let leader = NODES[0]!;
  let next = 0;

  const ask = async (op: KvOp, deadline: number): Promise<Reply> => {
    for (;;) {
      const reply = await cluster.request(leader, op);
      if (reply.type !== "fail" || !refusal(reply.code)) return reply;
      if (performance.now() >= deadline) return reply;
      if (reply.leader !== undefined && reply.leader !== leader) leader = reply.leader;
      else {
        leader = NODES[next++ % NODES.length]!;
        await delay(RETRY_MS);
      }
    }
  };

  const ready = performance.now() + readyTimeoutMs;
  for (;;) {
    const r = await ask({ f: "read", key: "null" }, performance.now() + 1000);
    if (r.type === "ok") break;
    if (performance.now() >= ready) {
      await cluster.close();
      throw new Error(`the ${protocol} service did not start answering: ${JSON.stringify(r)}`);
    }
  }

  return {
    async call(body) {
      const deadline = performance.now() + timeoutMs;
      const key = JSON.stringify(body.key ?? null);
      switch (body.type) {
        case "read":
          return maelstromReply("read", await ask({ f: "read", key }, deadline));
        case "write":
          return maelstromReply(
            "write",
            await ask({ f: "write", key, value: body.value }, deadline),
          );
        case "cas": {
          const r = await ask({ f: "cas", key, value: [body.from, body.to] }, deadline);
          if (r.type !== "fail" || r.code !== ERROR["precondition-failed"]) {
            return maelstromReply("cas", r);
          }
          // A mismatch on a missing key: create it, or say it is missing (error 20).
          if (body.create_if_not_exists === true) {
            const c = await ask({ f: "cas", key, value: [null, body.to] }, deadline);
            if (c.type !== "fail" || c.code !== ERROR["precondition-failed"]) {
              return maelstromReply("cas", c);
            }
            return maelstromReply("cas", r);
          }
          const now = await ask({ f: "read", key }, deadline);
          return now.type === "ok" && (now.value === null || now.value === undefined)
            ? errorBody(ERROR["key-does-not-exist"], "key does not exist", undefined)
            : maelstromReply("cas", r);
        }
        default:
          return errorBody(ERROR["not-supported"], `no ${body.type}`, undefined);
      }
    },
    close: () => cluster.close(),
  };
}

/** Whether a refusal may pass: ask again, elsewhere or later. */
function refusal(code: number): boolean {
  return code === ERROR["not-leader"] || code === ERROR["temporarily-unavailable"] ||
    code === ERROR["quorum-unavailable"] || code === ERROR["wrong-node"];
}
