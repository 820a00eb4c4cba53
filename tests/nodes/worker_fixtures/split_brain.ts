/**
 * A test fixture: the `register` protocol with an invariant ("at most one leader") that
 * its nodes break on purpose after one second, so that torture's per-step invariant
 * checks can be seen to catch a violation and report it with a replay command.
 *
 * @module
 */

import type { AnyProtocol, ProtocolNode } from "../../../protocols/node.ts";
import { register } from "../../../protocols/register/register.ts";

/** A node that also says whether it claims to lead. */
// deno-lint-ignore no-explicit-any
interface Claiming extends ProtocolNode<any, any> {
  claimsLeader(): boolean;
}

/**
 * The fixture protocol.
 *
 * @example
 * ```ts
 * import { splitBrain } from "./split_brain.ts";
 * splitBrain.name; // "split-brain"
 * ```
 */
export const splitBrain: AnyProtocol = {
  ...register,
  name: "split-brain",
  description: "register whose n1 and n2 both claim to lead after 1 s (test fixture)",
  invariants: () => (nodes) => {
    const leaders = [...nodes].filter(([, n]) => (n as Claiming).claimsLeader()).map(([id]) => id);
    return leaders.length > 1 ? [`election safety: ${leaders.join(" and ")} both lead`] : [];
  },
  create(ctx) {
    const inner = register.create(ctx);
    return {
      ...inner,
      tick: () => inner.tick(),
      message: (from, m) => inner.message(from, m),
      request: (r) => inner.request(r),
      status: () => inner.status(),
      claimsLeader: () => ctx.now() > 1000 && (ctx.id === "n1" || ctx.id === "n2"),
    } as Claiming;
  },
};
