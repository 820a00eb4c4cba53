/**
 * PBFT (Castro and Liskov, 1999) under a key-value store: n = 3f + 1 replicas order
 * every client operation (reads too) with pre-prepare / prepare / commit, change view when
 * the primary stalls, and checkpoint to garbage-collect the log. It stays safe with up to
 * f Byzantine replicas.
 *
 * Authentication: messages are authenticated by the link — run with `--integrity
 * hmac-sha256`, which refuses a message whose claimed sender did not send it, so `from`
 * is who sent it. Votes are also signed (see `digest.ts`), so that a new primary can show
 * 2f + 1 of them as a certificate. Clients: a host sends a client's request to one node;
 * that node acts as the client's proxy, sends the request to every replica and answers
 * once f + 1 replicas replied with the same result.
 *
 * @example
 * ```ts
 * import { pbft } from "./mod.ts";
 * pbft.name; // "pbft"
 * ```
 *
 * @module
 */

import type { KvOp } from "../kv.ts";
import type { Protocol } from "../node.ts";
import { type PbftMessage, pbftMessages } from "./message.ts";
import { createPbftNode } from "./replica.ts";
import { pbftInvariants } from "./invariants.ts";
import { pbftLie } from "./byzantine.ts";

/**
 * The PBFT protocol descriptor.
 *
 * @example
 * ```ts
 * import { pbft } from "./mod.ts";
 * pbft.check; // "linearizability"
 * ```
 */
export const pbft: Protocol<PbftMessage, KvOp> = {
  name: "pbft",
  description:
    "PBFT: 3f + 1 replicas tolerate f Byzantine ones (pre-prepare/prepare/commit, view change, checkpoints); authenticate links with --integrity hmac-sha256",
  tickMs: 10,
  check: "linearizability",
  tortureNodes: 4,
  liveOptions: { requestTimeoutMs: 2000, resendMs: 500 },
  events: ["execute", "stable", "state-transfer", "view-change", "new-view"],
  messages: pbftMessages,
  invariants: pbftInvariants,
  byzantine: { lie: pbftLie },
  create: createPbftNode,
};
