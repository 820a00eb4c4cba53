/**
 * A node the protocol gave no role (a spare beyond the roles it assigns).
 *
 * @module
 */

import type { NodeContext, NodeId, ProtocolNode } from "./node.ts";
import { fail } from "./reply.ts";

/**
 * A node that does nothing and refuses every client request; `leader`, when given, is
 * named in the refusal so a client knows where to go instead.
 *
 * @example
 * ```ts
 * import { idleNode } from "./idle_node.ts";
 * import type { NodeContext } from "./node.ts";
 * declare const ctx: NodeContext<never>;
 * idleNode(ctx, "n1").status(); // { role: "idle" }
 * ```
 */
export function idleNode<M>(ctx: NodeContext<M>, leader?: NodeId): ProtocolNode<M, unknown> {
  const error = `${ctx.id} has no role`;
  return {
    tick() {},
    message() {},
    request(req) {
      ctx.reply(
        req.id,
        fail("wrong-node", error, { leader }),
      );
    },
    status: () => ({ role: "idle" }),
  };
}
