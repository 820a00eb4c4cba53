/**
 * The Maelstrom host as the HTTP API sees a cluster (`http/cluster_control.ts`), so the
 * dashboard, the CLI, the event stream and the space-time diagram show process nodes as
 * they show distlab's own. A node's status is what the host knows of it — up, paused,
 * last seen, messages sent and received — with role `node` (a Maelstrom node has no
 * status RPC). Crash is SIGKILL, restart a new process (initialised again), pause
 * SIGSTOP and resume SIGCONT; partitions and link faults go to the host's network, the
 * one path every node-to-node message takes. What the host cannot do (clock skew,
 * Byzantine modes, injected messages, membership, client operations through the API)
 * is a 409 `not-supported` problem.
 *
 * @module
 */

import type { ClusterControl } from "../http/cluster_control.ts";
import { conflict } from "../http/problem.ts";
import type { TraceEvent } from "../nodes/trace.ts";
import type { ClockState, EventOptions, NodeInfo } from "../nodes/worker/cluster_types.ts";
import type { ProtocolDisplay } from "../protocols/display.ts";
import type { NodeId, Reply } from "../protocols/node.ts";
import { fail } from "../protocols/reply.ts";
import type { Host } from "./host.ts";

/**
 * What the adapter is made with.
 *
 * @example
 * ```ts
 * import type { HostControlOptions } from "./cluster_control.ts";
 * const o: HostControlOptions = { workload: "echo", nodeIds: ["n0", "n1"], initTimeoutMs: 10_000 };
 * ```
 */
export interface HostControlOptions {
  /** The run's workload: the cluster's protocol is called `maelstrom:<workload>`. */
  readonly workload: string;
  readonly nodeIds: readonly NodeId[];
  /** How long a restarted node has to answer `init`. */
  readonly initTimeoutMs: number;
}

/**
 * A {@link ClusterControl} over a Maelstrom host, with two more things the run tells it:
 * {@link HostControl.publish} (its own events, such as the nemesis's steps) and
 * {@link HostControl.end} (the run is over: its processes are gone).
 *
 * @example
 * ```ts ignore
 * import { hostControl } from "./cluster_control.ts";
 * const control = hostControl(host, { workload: "echo", nodeIds: ["n0"], initTimeoutMs: 10_000 });
 * (await control.statuses())[0]?.status.role; // "node"
 * ```
 */
export interface HostControl extends ClusterControl {
  /** Hands `e` to every event listener (a non-message event). */
  publish(e: TraceEvent): void;
  /** The run has ended: every node shows as stopped and node actions are refused. */
  end(): void;
}

const NO_CLOCK: ClockState = { skewMs: 0, drift: 0 };

/**
 * How front ends show process nodes: no leader, and what the host knows of each (its
 * process id, messages it printed and messages handed to it — to and from nodes, clients
 * and services).
 *
 * @example
 * ```ts
 * import { PROCESS_NODE_DISPLAY } from "./cluster_control.ts";
 * PROCESS_NODE_DISPLAY.columns.map((c) => c.header); // ["ROLE", "PID", "SENT", "RECEIVED"]
 * ```
 */
export const PROCESS_NODE_DISPLAY: ProtocolDisplay = {
  headline: { kind: "leaderless", fields: [] },
  columns: [
    { header: "ROLE", field: "role" },
    { header: "PID", field: "status.pid" },
    { header: "SENT", field: "status.sent" },
    { header: "RECEIVED", field: "status.received" },
  ],
};

/**
 * The adapter.
 *
 * @example
 * ```ts ignore
 * import { createApi } from "../http/app.ts";
 * import { hostControl } from "./cluster_control.ts";
 * const api = createApi(hostControl(host, { workload: "echo", nodeIds, initTimeoutMs: 10_000 }));
 * ```
 */
export function hostControl(host: Host, o: HostControlOptions): HostControl {
  const protocol = `maelstrom:${o.workload}`;
  const listeners = new Set<(e: TraceEvent) => void>();
  let ended = false;

  const unsupported = (what: string): never => {
    throw conflict(
      "not-supported",
      "Not supported",
      `Maelstrom process nodes cannot ${what}`,
    );
  };
  const running = (id: NodeId) => {
    if (ended) {
      throw conflict("run-ended", "Run ended", `the run has ended: node ${id} is stopped`, {
        node: id,
      });
    }
  };
  const info = (id: NodeId): NodeInfo => {
    const { sent, received } = host.messages(id);
    const pid = host.pid(id);
    // Before its first process starts a node is starting, not crashed.
    const state = ended ? "stopped" : pid === null ? "starting" : host.state(id);
    const up = state === "up" || state === "paused";
    const seen = host.lastSeen(id);
    return {
      id,
      up,
      paused: state === "paused",
      status: { role: up ? "node" : state, ...(up && pid !== null ? { pid } : {}), sent, received },
      lastSeenMs: up && seen !== null ? Math.max(0, Math.round(host.now() - seen)) : null,
      ...(up && pid !== null ? { pid } : {}),
      byzantine: null,
    };
  };

  return {
    protocol,
    display: PROCESS_NODE_DISPLAY,
    nodes: o.nodeIds,
    network: host.network,
    now: () => host.now(),
    info: (id) => Promise.resolve(info(id)),
    statuses: () => Promise.resolve(o.nodeIds.map(info)),
    crash(id) {
      running(id);
      host.crash(id);
    },
    async restart(id) {
      running(id);
      await host.restart(id, o.initTimeoutMs);
    },
    pause(id) {
      running(id);
      host.pause(id);
    },
    resume(id) {
      running(id);
      host.resume(id);
    },
    request(): Promise<Reply> {
      return Promise.resolve(
        fail(
          "not-supported",
          `the ${o.workload} workload's clients talk to Maelstrom nodes; the API sends them no operations`,
        ),
      );
    },
    clock: () => NO_CLOCK,
    setClock: () => unsupported("skew or drift their clocks (they read the OS clock)"),
    setByzantine: () => unsupported("be made Byzantine"),
    byzantineMode: () => null,
    counters: () => host.counters.snapshot(),
    onEvent(listener: (e: TraceEvent) => void, options?: EventOptions) {
      const own = (e: TraceEvent) => listener(e);
      listeners.add(own);
      const stop = host.onEvent(own, options?.messages !== false);
      return () => {
        listeners.delete(own);
        stop();
      };
    },
    inject: () => unsupported("be handed messages from the API"),
    addNode: () => unsupported("be added while a run runs"),
    removeNode: () => unsupported("be removed while a run runs"),
    publish(e) {
      for (const l of listeners) l(e);
    },
    end() {
      ended = true;
    },
  };
}
