/**
 * `maelstrom test … --serve [PORT]`: distlab's HTTP API and dashboard for a run, served
 * while it runs (and after, until the caller closes it). The API drives the host through
 * {@link hostControl}; the run hands it its history as it happens (served at
 * `/api/v1/history`) and its nemesis's steps (as `fault` events).
 *
 * @module
 */

import { createApi } from "../http/app.ts";
import { dashboardRoutes } from "../http/dashboard/routes.ts";
import type { HistoryEvent } from "../history/event.ts";
import { type HostControl, hostControl } from "./cluster_control.ts";
import type { Host } from "./host.ts";
import type { NemesisEvent } from "./nemesis.ts";

/**
 * What the live view is started with.
 *
 * @example
 * ```ts
 * import type { LiveOptions } from "./serve.ts";
 * const o: LiveOptions = { port: 0, workload: "echo", nodeIds: ["n0"], initTimeoutMs: 10_000 };
 * ```
 */
export interface LiveOptions {
  /** 0: any free port. */
  readonly port: number;
  /** Default 127.0.0.1: the API can crash processes, so it is not offered to the network. */
  readonly hostname?: string;
  readonly workload: string;
  readonly nodeIds: readonly string[];
  /** How long a node restarted from the API has to answer `init`. */
  readonly initTimeoutMs: number;
}

/**
 * A served run.
 *
 * @example
 * ```ts ignore
 * import { serveLive } from "./serve.ts";
 * const live = serveLive(host, { port: 0, workload: "echo", nodeIds, initTimeoutMs: 10_000 });
 * console.log(live.url);
 * await live.close();
 * ```
 */
export interface LiveView {
  /** Where it is served, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The cluster the API sees. */
  readonly control: HostControl;
  /** One event of the run's history (an invocation or its completion). */
  record(e: HistoryEvent): void;
  /** One step of the nemesis, published as a `fault` event. */
  fault(e: NemesisEvent): void;
  /** The run is over (its processes are gone); the API keeps serving what it saw. */
  end(): void;
  /** Ends event streams and stops the server. */
  close(): Promise<void>;
}

/**
 * Starts serving; throws (Deno's error) when the port cannot be had.
 *
 * @example
 * ```ts ignore
 * import { serveLive } from "./serve.ts";
 * const live = serveLive(host, { port: 8080, workload: "lin-kv", nodeIds, initTimeoutMs: 10_000 });
 * ```
 */
export function serveLive(host: Host, o: LiveOptions): LiveView {
  const control = hostControl(host, o);
  const api = createApi(control, { dashboard: dashboardRoutes() });
  const history = api.context.history;
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve(
      { hostname: o.hostname ?? "127.0.0.1", port: o.port, onListen: () => {} },
      api.fetch,
    );
  } catch (e) {
    api.close();
    throw e;
  }
  const { hostname, port } = server.addr;
  const url = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
  let closed = false;
  return {
    url,
    control,
    record(e) {
      try {
        if (e.type === "invoke") history.invoke(e.process, e.f, e.key, e.value);
        else history.complete(e.process, e.type, e.value, e.node, e.error);
      } catch {
        // A process the log no longer holds open (dropped past its limit): the run's own
        // history.jsonl has every event; the live one is a view.
      }
    },
    fault(e) {
      control.publish({
        time: host.now(),
        kind: "fault",
        node: "*",
        // As the API's own fault events, so the dashboard labels a partition by its groups.
        data: e.action === "start-partition"
          ? { action: "partition", groups: e.value, nemesis: true }
          : {
            action: e.action,
            nemesis: true,
            ...(e.value === undefined ? {} : { value: e.value }),
          },
      });
    },
    end: () => control.end(),
    async close() {
      if (closed) return;
      closed = true;
      api.close(); // event streams first: shutdown waits for open responses
      await server.shutdown();
    },
  };
}
