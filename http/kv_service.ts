/**
 * Key-value requests from the API to the cluster: pick a node (the known leader, or the
 * pinned one), call it through its {@link NodeGateway}, follow a `fail` that names the
 * leader once or twice, record the request in the history, and turn the reply into a
 * result or a problem:
 *
 * | reply | HTTP |
 * |---|---|
 * | `ok` | 200 |
 * | `fail`: the status of its code (`error_status.ts`): a CAS's `precondition-failed` is a 409 `cas-mismatch`, `invalid-argument` (r above N) a 400, `not-leader` / `quorum-unavailable` / `node-down` a 503 after asking elsewhere | … |
 * | breaker open, bulkhead full | 503 + `Retry-After` |
 * | `info`, or no answer in time | 504 (the write may still apply) |
 *
 * @module
 */

import type { KvOp } from "../protocols/kv.ts";
import type { QuorumParams } from "../protocols/quorum/request.ts";
import type { NodeId } from "../protocols/node.ts";
import type { ClientIdentity } from "./client_sessions.ts";
import type { ClusterControl } from "./cluster_control.ts";
import type { HistoryLog } from "./history_log.ts";
import type { NodeGateway } from "./node_gateway.ts";
import { assertIdle, failedCall } from "./call_outcome.ts";
import { routeCall } from "./call_route.ts";
import { leaderOf, type ProtocolAdmin } from "./protocol_admin.ts";
import { ERROR } from "../protocols/errors.ts";

/**
 * How consistent a read must be: `linearizable` (Raft ReadIndex), `lease` (the leader's
 * lease, no round trip) or `stale` (any node's local copy).
 *
 * @example
 * ```ts
 * import type { Consistency } from "./kv_service.ts";
 * const c: Consistency = "stale";
 * ```
 */
export type Consistency = "linearizable" | "lease" | "stale";

/**
 * One KV request as the routes hand it over.
 *
 * @example
 * ```ts
 * import type { KvRequest } from "./kv_service.ts";
 * const r: KvRequest = {
 *   op: { f: "write", key: "x", value: 1 },
 *   identity: { process: 1, client: 2 ** 40 + 1, seq: 1 },
 * };
 * ```
 */
export interface KvRequest {
  readonly op: KvOp;
  readonly identity: ClientIdentity;
  /** Send only to this node, and do not follow leader hints. */
  readonly node?: NodeId;
  readonly consistency?: Consistency;
  /** `quorum-kv` only: r, w, consistency level and context (see `quorum_params.ts`). */
  readonly quorum?: QuorumParams;
}

/**
 * A successful KV request: the value read (or written: a CAS's new value) and the node
 * that answered.
 *
 * @example
 * ```ts
 * import type { KvResult } from "./kv_service.ts";
 * const r: KvResult = { value: 1, node: "n2", attempts: 1 };
 * ```
 */
export interface KvResult {
  readonly value: unknown;
  readonly node: NodeId;
  /** Nodes asked (1, or more when a leader hint was followed). */
  readonly attempts: number;
  /** The protocol's own reply value (a quorum write's `{ clock, acks }`). */
  readonly reply?: unknown;
}

/**
 * How each KV request ended, for metrics.
 *
 * @example
 * ```ts
 * import type { KvOutcome } from "./kv_service.ts";
 * const o: KvOutcome = { f: "write", status: 200, ms: 3.5 };
 * ```
 */
export interface KvOutcome {
  readonly f: string;
  readonly status: number;
  readonly ms: number;
}

/**
 * What the service is wired to.
 *
 * @example
 * ```ts ignore
 * import type { KvServiceOptions } from "./kv_service.ts";
 * const o: KvServiceOptions = { cluster, gateway, history, admin, now: () => performance.now() };
 * ```
 */
export interface KvServiceOptions {
  readonly cluster: ClusterControl;
  readonly gateway: NodeGateway;
  readonly history: HistoryLog;
  readonly admin: ProtocolAdmin;
  /** Milliseconds of a monotonic clock, to time requests. */
  readonly now: () => number;
  /** Told how each request ended. */
  readonly onOutcome?: (o: KvOutcome) => void;
}

/**
 * The KV front end of the API.
 *
 * @example
 * ```ts ignore
 * import { KvService } from "./kv_service.ts";
 * const kv = new KvService({ cluster, gateway, history, admin, now: () => performance.now() });
 * const r = await kv.execute({ op: { f: "read", key: "x" }, identity });
 * r.value;
 * ```
 */
export class KvService {
  readonly #o: KvServiceOptions;
  /** The node that last answered an unpinned request, or a leader hint. */
  #leader: NodeId | null = null;

  /** Wires the service. */
  constructor(options: KvServiceOptions) {
    this.#o = options;
  }

  /** The node requests go to first, when known. */
  get knownLeader(): NodeId | null {
    return this.#leader;
  }

  /** Forgets the known leader (after a membership or leadership change). */
  forgetLeader(): void {
    this.#leader = null;
  }

  /**
   * Runs one request; resolves with its result or rejects with a {@link ProblemError}.
   * Every request that reaches this point is recorded in the history.
   */
  async execute(req: KvRequest): Promise<KvResult> {
    const { op, identity } = req;
    const { history, admin } = this.#o;
    assertIdle(history, identity.process);
    const started = this.#o.now();
    const wire = wireOp(op, identity, admin, req.consistency, req.quorum);
    const recorded = history.invoke(identity.process, op.f, op.key, invokeValue(op));
    const finish = (
      type: "ok" | "fail" | "info",
      status: number,
      value: unknown,
      node?: NodeId,
      error?: string,
    ) => {
      if (recorded) history.complete(identity.process, type, value, node, error);
      this.#o.onOutcome?.({ f: op.f, status, ms: this.#o.now() - started });
    };
    try {
      const result = await this.#routeKv(req, wire);
      finish("ok", 200, op.f === "read" ? result.value : invokeValue(op), result.node);
      return result;
    } catch (e) {
      const { problem, type, node } = failedCall(e);
      finish(type, problem.problem.status, invokeValue(op), node, problem.problem.detail);
      throw problem;
    }
  }

  /**
   * Sends an administrative op (add or remove a node, transfer leadership) to the
   * leader, following leader hints like a KV request; not recorded in the history.
   * Resolves with the reply's value, or rejects with a {@link ProblemError}.
   */
  async admin(op: unknown, client: number): Promise<KvResult> {
    return await this.#route(op, client, undefined, (v) => v, null);
  }

  async #routeKv(req: KvRequest, wire: unknown): Promise<KvResult> {
    return await this.#route(
      wire,
      req.identity.client,
      req.node,
      (v) => okValue(req.op, v),
      req.op.key,
    );
  }

  async #route(
    wire: unknown,
    client: number,
    pinned: NodeId | undefined,
    okValueOf: (v: unknown) => unknown,
    key: string | null,
  ): Promise<KvResult> {
    const cas = (wire as { f?: unknown } | null)?.f === "cas";
    const r = await routeCall(wire, client, {
      gateway: this.#o.gateway,
      members: () => this.#o.cluster.nodes,
      pick: (tried) => this.#pick(tried),
      known: { get: () => this.#leader, set: (n) => void (this.#leader = n) },
      ...(pinned !== undefined ? { pinned } : {}),
      ...(key !== null ? { extra: { key } } : {}),
      name: (code) =>
        cas && code === ERROR["precondition-failed"]
          ? { kind: "cas-mismatch", title: "CAS mismatch" }
          : undefined,
    });
    return { value: okValueOf(r.value), node: r.node, attempts: r.attempts, reply: r.value };
  }

  /** The node to ask next: the known leader, the leader by status, else any live node. */
  async #pick(tried: ReadonlySet<NodeId>): Promise<NodeId | null> {
    const leader = this.#leader;
    if (leader !== null && !tried.has(leader) && this.#o.cluster.nodes.includes(leader)) {
      return leader;
    }
    const infos = await this.#o.cluster.statuses();
    const gateway = this.#o.gateway;
    const usable = infos.filter((n) =>
      !tried.has(n.id) && n.up && gateway.breakerState(n.id) !== "open"
    );
    const lead = leaderOf(usable);
    if (lead !== null) return lead.id;
    const live = usable.find((n) => !n.paused) ?? usable[0];
    return live?.id ?? null;
  }
}

/**
 * The op as the protocol gets it: with the session's `seq`, a read's consistency, and
 * quorum settings.
 */
function wireOp(
  op: KvOp,
  identity: ClientIdentity,
  admin: ProtocolAdmin,
  consistency: Consistency | undefined,
  quorum: QuorumParams | undefined,
): unknown {
  let wire: Record<string, unknown> = { ...op };
  if (wire.value === undefined) delete wire.value;
  if (admin.sessions) wire = { ...wire, seq: identity.seq };
  if (admin.readConsistency && op.f === "read" && consistency !== undefined) {
    wire = { ...wire, consistency };
  }
  if (admin.quorum && quorum !== undefined) wire = { ...wire, ...quorum };
  return wire;
}

function invokeValue(op: KvOp): unknown {
  return op.f === "read" || op.f === "delete" ? undefined : op.value;
}

function okValue(op: KvOp, value: unknown): unknown {
  switch (op.f) {
    case "read":
      return value ?? null;
    case "write":
      return op.value;
    case "cas":
      return op.value[1];
    case "delete":
      return undefined;
  }
}
