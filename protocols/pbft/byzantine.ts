/**
 * How a Byzantine PBFT replica lies (the simulator's `lie` and `equivocate` modes): it
 * signs what it says with its own key, so its lies are well-formed and authentic — only
 * other replicas' signatures are out of its reach. A primary pre-prepares a no-op in
 * place of a client's request (it cannot forge the request: its proxy signed it); votes and checkpoints name a forged digest — the
 * one colluding liars agreed on for that request, so that together they tell one story;
 * a view change hides its prepared certificates; a reply forges the result; a status
 * claims more executed than it has.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import { hash, sign } from "./digest.ts";
import { checkpointContent, commitContent, type PbftMessage, prepareContent } from "./message.ts";
import { viewChangeContent } from "./view_change.ts";

/**
 * A liar's version of `body`, sent by `from`.
 *
 * @example
 * ```ts
 * import { pbftLie } from "./byzantine.ts";
 * const m = pbftLie({ type: "status", v: 0, e: 3 }, "n1", new Map()) as { e: number };
 * m.e; // 1003
 * ```
 */
export function pbftLie(body: unknown, from: NodeId, shared: Map<string, unknown>): unknown {
  const m = body as PbftMessage;
  const forge = (d: string): string => {
    const known = shared.get("d:" + d);
    return typeof known === "string" ? known : hash("lie|" + d);
  };
  switch (m.type) {
    case "pre-prepare": {
      // A client's request is signed by its proxy: what a primary can put in its place
      // is a no-op (or another request), at the same sequence number.
      if (m.req === null) return m;
      shared.set("d:" + m.d, "null");
      return { ...m, req: null, d: "null", sig: sign(from, prepareContent(m.v, m.n, "null")) };
    }
    case "prepare": {
      const d = forge(m.d);
      return { ...m, d, sig: sign(from, prepareContent(m.v, m.n, d)) };
    }
    case "commit": {
      const d = forge(m.d);
      return { ...m, d, sig: sign(from, commitContent(m.v, m.n, d)) };
    }
    case "checkpoint": {
      const d = forge(m.d);
      return { ...m, d, sig: sign(from, checkpointContent(m.n, d)) };
    }
    case "view-change": {
      const body = { ...m.vc, p: [] };
      return { ...m, vc: { ...body, sig: sign(from, viewChangeContent(body)) } };
    }
    case "reply":
      return { ...m, result: { type: "ok", value: "lie" } };
    case "status":
      return { ...m, e: m.e + 1000 };
    default:
      return m;
  }
}
