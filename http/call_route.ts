/**
 * How the API gets one call answered by the cluster, shared by the KV and protocol-op
 * services: ask a node (pinned, or picked), through its gateway; follow a failure that
 * names another node (`leader`) at most twice; ask elsewhere after a failure that may
 * pass (its code says so); give up with the problem the code's entry in
 * `error_status.ts` names. Nothing here reads a failure's text.
 *
 * @module
 */

import {
  ERROR,
  type ErrorCode,
  isDefinite,
  isErrorCode,
  isTransient,
} from "../protocols/errors.ts";
import type { NodeId, Reply } from "../protocols/node.ts";
import { gatewayProblem } from "./call_outcome.ts";
import { problemFor, UNKNOWN_FAILURE } from "./error_status.ts";
import type { NodeGateway } from "./node_gateway.ts";

/** Nodes asked at most per call: the first and two forwards. */
const MAX_ATTEMPTS = 3;

/**
 * What a route needs from its service.
 *
 * @example
 * ```ts ignore
 * import type { RouteOptions } from "./call_route.ts";
 * const o: RouteOptions = { gateway, members: () => cluster.nodes, pick, known };
 * ```
 */
export interface RouteOptions {
  readonly gateway: NodeGateway;
  /** The cluster's nodes now (a hint naming anything else is ignored). */
  readonly members: () => readonly NodeId[];
  /** The next node to ask, not among `tried`; null: none left. */
  readonly pick: (tried: ReadonlySet<NodeId>) => Promise<NodeId | null>;
  /** The service's remembered first choice: read, set on success or hint, cleared on failure. */
  readonly known: { get(): NodeId | null; set(node: NodeId | null): void };
  /** Ask only this node and follow no hint. */
  readonly pinned?: NodeId;
  /** Fields every problem of this call carries (e.g. the key). */
  readonly extra?: Record<string, unknown>;
  /** A more exact problem type and title for a code, given the operation. */
  readonly name?: (code: ErrorCode) => { kind: string; title: string } | undefined;
}

/**
 * An answered call: the `ok` reply's value, the node, and how many nodes were asked.
 *
 * @example
 * ```ts
 * import type { Routed } from "./call_route.ts";
 * const r: Routed = { value: 3, node: "n2", attempts: 2 };
 * ```
 */
export interface Routed {
  readonly value: unknown;
  readonly node: NodeId;
  readonly attempts: number;
}

/**
 * Sends `call` as client `client`; resolves with the first `ok`, or rejects with the
 * problem of the failure that ended it.
 *
 * @example
 * ```ts ignore
 * import { routeCall } from "./call_route.ts";
 * const r = await routeCall({ f: "read", key: "x" }, 7, options);
 * ```
 */
export async function routeCall(call: unknown, client: number, o: RouteOptions): Promise<Routed> {
  const tried = new Set<NodeId>();
  let hint: NodeId | null = null;
  let last = "no node could be asked";
  let lastCode: ErrorCode | undefined;
  const forget = (node: NodeId) => {
    if (o.known.get() === node) o.known.set(null);
  };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const node = o.pinned ?? (hint !== null && !tried.has(hint) ? hint : await o.pick(tried));
    if (node === null) break;
    hint = null;
    tried.add(node);
    let reply: Reply;
    try {
      reply = await o.gateway.call(node, call, client);
    } catch (e) {
      const refusal = gatewayProblem(e, node);
      if (refusal === null) throw e;
      forget(node);
      if (refusal.kind === "unknown" || o.pinned !== undefined) throw refusal.problem;
      last = refusal.problem.problem.detail ?? last;
      continue;
    }
    if (reply.type === "ok") {
      if (o.pinned === undefined) o.known.set(node);
      return { value: reply.value, node, attempts: attempt };
    }
    const code = isErrorCode(reply.code) ? reply.code : UNKNOWN_FAILURE;
    const detail = `node ${node}: ${reply.error}`;
    if (reply.type === "info") {
      forget(node);
      // It may have happened, whatever code a (user's) protocol put on it: never a 4xx/503.
      const unknown = isDefinite(code) ? ERROR["timeout"] : code;
      throw problemFor(unknown, detail, { node, ...o.extra });
    }
    const leader = reply.leader !== undefined && o.members().includes(reply.leader)
      ? reply.leader
      : undefined;
    const extra = {
      node,
      ...(leader !== undefined ? { leader } : {}),
      ...(reply.field !== undefined ? { field: reply.field } : {}),
      ...o.extra,
    };
    // Final answers: the operation itself was refused, wherever it is asked.
    if (!isTransient(code) && code !== ERROR["wrong-node"]) {
      throw problemFor(code, detail, extra, o.name?.(code));
    }
    forget(node);
    if (o.pinned !== undefined) {
      const where = leader !== undefined && !isTransient(code) ? `; send it to ${leader}` : "";
      throw problemFor(code, detail + where, extra);
    }
    if (leader !== undefined && !tried.has(leader)) {
      hint = leader;
      o.known.set(leader);
    }
    last = detail;
    lastCode = code;
  }
  const code = lastCode !== undefined && isTransient(lastCode)
    ? lastCode
    : ERROR["temporarily-unavailable"];
  throw problemFor(code, last, o.extra);
}
