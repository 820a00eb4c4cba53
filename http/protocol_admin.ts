/**
 * What the API knows about the protocol a cluster runs: its declared abilities
 * (`Protocol.admin`, see `protocols/admin.ts`), and which node leads.
 *
 * @module
 */

import type { NodeId, NodeStatus } from "../protocols/node.ts";
import type { AnyProtocol } from "../protocols/node.ts";
import { PLAIN_ADMIN, type ProtocolAdmin } from "../protocols/admin.ts";
import { DEFAULT_DISPLAY, type ProtocolDisplay } from "../protocols/display.ts";
import { protocolByName, protocolNames } from "../protocols/registry.ts";
import type { ClientOperation } from "../protocols/operations.ts";

export type { ProtocolAdmin };

/**
 * The abilities `protocol` declares: a protocol object, or a registry name; plain KV
 * for a name the registry does not know.
 *
 * @example
 * ```ts
 * import { protocolAdmin } from "./protocol_admin.ts";
 * protocolAdmin("raft-kv").sessions; // true
 * protocolAdmin("lww").addNode; // undefined
 * protocolAdmin("quorum-kv").quorum; // true
 * ```
 */
export function protocolAdmin(protocol: AnyProtocol | string | undefined): ProtocolAdmin {
  return resolve(protocol)?.admin ?? PLAIN_ADMIN;
}

/**
 * How `protocol` (an object or a registry name) shows its nodes; the default display
 * for one that declares none.
 *
 * @example
 * ```ts
 * import { protocolDisplay } from "./protocol_admin.ts";
 * protocolDisplay("2pc").headline; // { kind: "role", role: "coordinator" }
 * ```
 */
export function protocolDisplay(protocol: AnyProtocol | string | undefined): ProtocolDisplay {
  return resolve(protocol)?.display ?? DEFAULT_DISPLAY;
}

/**
 * The client operations `protocol` declares, or null when it declares none.
 *
 * @example
 * ```ts
 * import { protocolOperations } from "./protocol_admin.ts";
 * protocolOperations("2pc")?.map((o) => o.f); // ["order"]
 * ```
 */
export function protocolOperations(
  protocol: AnyProtocol | string | undefined,
): readonly ClientOperation[] | null {
  return resolve(protocol)?.operations ?? null;
}

function resolve(protocol: AnyProtocol | string | undefined): AnyProtocol | undefined {
  return typeof protocol === "string"
    ? (protocolNames().includes(protocol) ? protocolByName(protocol) : undefined)
    : protocol;
}

/** Roles that mean "this node coordinates writes". */
const LEADER_ROLES: ReadonlySet<string> = new Set(["leader", "primary", "owner"]);

/**
 * The leader among node statuses: a node whose role is leader (or primary / owner) with
 * the highest term; `null` when there is none.
 *
 * @example
 * ```ts
 * import { leaderOf } from "./protocol_admin.ts";
 * leaderOf([
 *   { id: "n1", status: { role: "leader", term: 2 } },
 *   { id: "n2", status: { role: "leader", term: 3 } },
 * ]); // { id: "n2", term: 3 }
 * ```
 */
export function leaderOf(
  nodes: readonly { readonly id: NodeId; readonly up?: boolean; readonly status: NodeStatus }[],
): { id: NodeId; term: number | null } | null {
  let best: { id: NodeId; term: number | null } | null = null;
  for (const n of nodes) {
    if (n.up === false || !LEADER_ROLES.has(String(n.status.role))) continue;
    const term = typeof n.status.term === "number" ? n.status.term : null;
    if (best === null || (term ?? -1) > (best.term ?? -1)) best = { id: n.id, term };
  }
  return best;
}
