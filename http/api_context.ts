/**
 * Everything the API's routes share: the cluster and the services built around it.
 *
 * @module
 */

import type { ProtocolDisplay } from "../protocols/display.ts";
import type { ApiMetrics } from "./api_metrics.ts";
import type { ClientSessions } from "./client_sessions.ts";
import type { ClusterControl } from "./cluster_control.ts";
import type { EventHub } from "./event_hub.ts";
import type { HistoryLog } from "./history_log.ts";
import type { KvService } from "./kv_service.ts";
import type { NodeGateway } from "./node_gateway.ts";
import type { OpService } from "./op_service.ts";
import type { ProtocolAdmin } from "./protocol_admin.ts";
import type { ClientOperation } from "../protocols/operations.ts";

/**
 * The API's shared state, handed to every route module.
 *
 * @example
 * ```ts
 * import type { ApiContext } from "./api_context.ts";
 * const nodes = (ctx: ApiContext) => ctx.cluster.nodes;
 * ```
 */
export interface ApiContext {
  readonly cluster: ClusterControl;
  readonly gateway: NodeGateway;
  readonly kv: KvService;
  /** Protocol operations that are not KV (`/ops`). */
  readonly ops: OpService;
  readonly hub: EventHub;
  readonly history: HistoryLog;
  readonly metrics: ApiMetrics;
  readonly sessions: ClientSessions;
  readonly admin: ProtocolAdmin;
  /** The protocol's declared client operations; null: it declares none (any is sent). */
  readonly operations: readonly ClientOperation[] | null;
  /** How the protocol's nodes are shown (served with `GET /cluster`). */
  readonly display: ProtocolDisplay;
}
