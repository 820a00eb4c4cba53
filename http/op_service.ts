/**
 * Protocol operations that are not key-value requests — a 2PC `order`, a primary-backup
 * `set-mode` or `failover`, a Paxos `propose`, a bus `produce` / `poll` / `commit`, a
 * saga's `order`, an event-sourcing command — sent to one node or routed like the KV
 * requests: to the known entry node, else the leader (or primary) by status, else a
 * node whose role takes client operations (a 2PC coordinator, a saga orchestrator),
 * else any live node; a `fail` that names another node (`leader`) is followed, twice
 * at most. Protocols whose nodes play different parts name the roles that take each op
 * (the roles of its declared operation: an event-sourcing `reserve` goes to a command node, a `stock`
 * query to a query node). Every operation is recorded in the history with `f` = the
 * op's `f`.
 *
 * | reply | HTTP |
 * |---|---|
 * | `ok` | 200 `{ f, value, node }` |
 * | `fail`: the status of its code (`error_status.ts`): `abort` 409, `wrong-node` 409 when pinned, `malformed-request` 400, `not-leader` / `quorum-unavailable` 503 after asking elsewhere | … |
 * | breaker open, bulkhead full | 503 + `Retry-After` |
 * | `info`, or no answer in time | 504 (it may still happen) |
 *
 * @module
 */

import type { NodeId } from "../protocols/node.ts";
import type { ClientIdentity } from "./client_sessions.ts";
import type { ClusterControl } from "./cluster_control.ts";
import type { HistoryLog } from "./history_log.ts";
import type { NodeGateway } from "./node_gateway.ts";
import { assertIdle, failedCall } from "./call_outcome.ts";
import { routeCall } from "./call_route.ts";
import { leaderOf, type ProtocolAdmin } from "./protocol_admin.ts";
import type { ClientOperation } from "../protocols/operations.ts";

/**
 * One protocol operation: a JSON object with a string `f`.
 *
 * @example
 * ```ts
 * import type { ProtocolOp } from "./op_service.ts";
 * const op: ProtocolOp = { f: "order", id: "o1", item: "item-1", qty: 1, amount: 5 };
 * ```
 */
export interface ProtocolOp {
  readonly f: string;
  readonly [field: string]: unknown;
}

/**
 * An operation as the route hands it over.
 *
 * @example
 * ```ts
 * import type { OpRequest } from "./op_service.ts";
 * const r: OpRequest = {
 *   op: { f: "set-mode", mode: "async" },
 *   identity: { process: 4, client: 2 ** 40 + 4, seq: 1 },
 * };
 * ```
 */
export interface OpRequest {
  readonly op: ProtocolOp;
  readonly identity: ClientIdentity;
  /** Send only to this node, and do not follow hints. */
  readonly node?: NodeId;
}

/**
 * A successful operation: the reply's value and the node that answered.
 *
 * @example
 * ```ts
 * import type { OpResult } from "./op_service.ts";
 * const r: OpResult = { value: { txn: "o1", outcome: "committed" }, node: "n1", attempts: 2 };
 * ```
 */
export interface OpResult {
  readonly value: unknown;
  readonly node: NodeId;
  /** Nodes asked (more than 1 when a hint was followed). */
  readonly attempts: number;
}

/**
 * What the service is wired to.
 *
 * @example
 * ```ts ignore
 * import type { OpServiceOptions } from "./op_service.ts";
 * const o: OpServiceOptions = { cluster, gateway, history, knownLeader: () => kv.knownLeader };
 * ```
 */
export interface OpServiceOptions {
  readonly cluster: ClusterControl;
  readonly gateway: NodeGateway;
  readonly history: HistoryLog;
  /** The protocol's abilities. */
  readonly admin?: ProtocolAdmin;
  /** The protocol's declared operations: their roles say which nodes take each. */
  readonly operations?: readonly ClientOperation[] | null;
  /** The KV service's known leader, a good first guess for a leader-based protocol. */
  readonly knownLeader?: () => NodeId | null;
  /** Told when an operation moved leadership (`failover`, `transfer`). */
  readonly onLeadershipChange?: () => void;
}

/** Roles, besides the leader's, that take a protocol's client operations. */
const ENTRY_ROLES: ReadonlySet<string> = new Set(["coordinator", "orchestrator", "order-service"]);

/** Operations after which the leader may be another node. */
const MOVES_LEADERSHIP: ReadonlySet<string> = new Set(["failover", "transfer"]);

/**
 * Routes protocol operations and records them.
 *
 * @example
 * ```ts ignore
 * import { OpService } from "./op_service.ts";
 * const ops = new OpService({ cluster, gateway, history });
 * const r = await ops.execute({ op: { f: "propose", value: "x" }, identity });
 * r.value; // the chosen value
 * ```
 */
export class OpService {
  readonly #o: OpServiceOptions;
  /** The node that last answered an unpinned operation, or a hint. */
  #entry: NodeId | null = null;

  /** Wires the service. */
  constructor(options: OpServiceOptions) {
    this.#o = options;
  }

  /** The node unpinned operations go to first, when known. */
  get knownEntry(): NodeId | null {
    return this.#entry;
  }

  /** Forgets the known entry node (after a failover or a crash). */
  forgetEntry(): void {
    this.#entry = null;
  }

  /**
   * Runs one operation; resolves with its result or rejects with a {@link ProblemError}.
   * Every operation that reaches this point is recorded in the history.
   */
  async execute(req: OpRequest): Promise<OpResult> {
    const { op, identity } = req;
    const { history } = this.#o;
    assertIdle(history, identity.process);
    const key = typeof op.key === "string" ? op.key : undefined;
    const args = argsOf(op);
    const recorded = history.invoke(identity.process, op.f, key, args);
    try {
      const result = await this.#route(op, identity.client, req.node);
      if (recorded) history.complete(identity.process, "ok", result.value, result.node);
      if (MOVES_LEADERSHIP.has(op.f)) {
        this.#entry = null;
        this.#o.onLeadershipChange?.();
      }
      return result;
    } catch (e) {
      const { problem, type, node } = failedCall(e);
      if (recorded) history.complete(identity.process, type, args, node, problem.problem.detail);
      throw problem;
    }
  }

  async #route(op: ProtocolOp, client: number, pinned: NodeId | undefined): Promise<OpResult> {
    const r = await routeCall(op, client, {
      gateway: this.#o.gateway,
      members: () => this.#o.cluster.nodes,
      pick: (tried) => this.#pick(tried, op.f),
      known: { get: () => this.#entry, set: (n) => void (this.#entry = n) },
      ...(pinned !== undefined ? { pinned } : {}),
    });
    return { value: r.value ?? null, node: r.node, attempts: r.attempts };
  }

  /**
   * The node to ask next: a node whose role takes `f` (when the protocol says), else the
   * known entry, the leader, an entry role, any live node.
   */
  async #pick(tried: ReadonlySet<NodeId>, f: string): Promise<NodeId | null> {
    const nodes = this.#o.cluster.nodes;
    const roles = this.#o.operations?.find((o) => o.f === f)?.roles;
    if (roles === undefined) {
      for (const guess of [this.#entry, this.#o.knownLeader?.() ?? null]) {
        if (guess !== null && !tried.has(guess) && nodes.includes(guess)) return guess;
      }
    }
    const infos = await this.#o.cluster.statuses();
    const gateway = this.#o.gateway;
    const usable = infos.filter((n) =>
      !tried.has(n.id) && n.up && gateway.breakerState(n.id) !== "open"
    );
    const byRole = roles === undefined
      ? undefined
      : usable.find((n) => !n.paused && roles.includes(String(n.status.role)));
    if (byRole !== undefined) return byRole.id;
    const lead = leaderOf(usable);
    if (lead !== null) return lead.id;
    const entry = usable.find((n) => !n.paused && ENTRY_ROLES.has(String(n.status.role)));
    const live = entry ?? usable.find((n) => !n.paused) ?? usable[0];
    return live?.id ?? null;
  }
}

/** The op's arguments for the history: everything but `f` and `key` (none: undefined). */
function argsOf(op: ProtocolOp): unknown {
  const { f: _f, key: _key, ...rest } = op;
  return Object.keys(rest).length === 0 ? undefined : rest;
}
