/**
 * Resolves a {@link ProtocolSpec} to a protocol: a registry name, or an export of a
 * module loaded at run time (so users can run their own protocol file in the cluster).
 *
 * @module
 */

import type { AnyProtocol } from "../../protocols/node.ts";
import { protocolByName } from "../../protocols/registry.ts";
import type { ProtocolSpec } from "../worker_protocol.ts";

/**
 * The protocol `spec` names; throws a one-line error if it cannot be found.
 *
 * @example
 * ```ts
 * import { loadProtocol } from "./load_protocol.ts";
 * const p = await loadProtocol("heartbeat");
 * p.tickMs; // 10
 * ```
 */
export async function loadProtocol(spec: ProtocolSpec): Promise<AnyProtocol> {
  if (typeof spec === "string") return protocolByName(spec);
  let mod: Record<string, unknown>;
  try {
    mod = await import(spec.module);
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new Error(`cannot load protocol module ${spec.module}: ${why}`);
  }
  const p = mod[spec.export];
  if (!isProtocol(p)) {
    throw new Error(`module ${spec.module} has no protocol export '${spec.export}'`);
  }
  return p;
}

/**
 * A readable name for a spec, for messages.
 *
 * @example
 * ```ts
 * import { specName } from "./load_protocol.ts";
 * specName({ module: "file:///p.ts", export: "echo" }); // "file:///p.ts#echo"
 * ```
 */
export function specName(spec: ProtocolSpec): string {
  return typeof spec === "string" ? spec : `${spec.module}#${spec.export}`;
}

function isProtocol(p: unknown): p is AnyProtocol {
  if (p === null || typeof p !== "object") return false;
  const o = p as Record<string, unknown>;
  return typeof o.name === "string" && typeof o.create === "function" &&
    typeof o.tickMs === "number" && o.tickMs > 0;
}
