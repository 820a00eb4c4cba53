/**
 * One node as an OS process of its own, talking to its peers over TCP: the body of
 * `deno task node`. It connects to the control process (`node_links.ts`), which starts it
 * with the same `init` a Worker gets, and runs it with the same runtime (`serveNode`).
 * What differs is the way out: the node's messages take the same message path as in the
 * Worker cluster — the router over a network holding the faults control pushed (`faults`
 * messages, versioned) — but on this, the sending, side ({@link SenderSide}), and the
 * copies that survive go to the peer over TCP ({@link PeerTransport}). Control gets the outputs
 * (writes, replies, protocol events) as from a Worker, and the link counts and
 * send / drop events in `links` reports.
 *
 * @module
 */

import { deserialize, serialize } from "node:v8";
import type { NodeId } from "../../protocols/node.ts";
import { SenderSide } from "../faults/sender_side.ts";
import type { Liar } from "../faults/byzantine.ts";
import { serveNode } from "../node_entry.ts";
import { laterClocks } from "../worker/clock_cell.ts";
import { loadProtocol } from "../worker/load_protocol.ts";
import { HeldMessages } from "../worker/held_messages.ts";
import type { FromWorker, OutputMessage, ToWorker, WireDelivery } from "../worker_protocol.ts";
import { type ClockFile, openClockFile } from "./clock_file.ts";
import { type LinkControl, type LinkHello, NODE_LINK_PATH } from "./node_links.ts";
import { type Address, PeerTransport, type PeerTransportOptions } from "./peer_transport.ts";

/**
 * What `deno task node` was given.
 *
 * @example
 * ```ts
 * import type { TcpNodeOptions } from "./tcp_node.ts";
 * const o: TcpNodeOptions = {
 *   id: "n1", listen: { hostname: "127.0.0.1", port: 7001 },
 *   peers: new Map([["n2", { hostname: "127.0.0.1", port: 7002 }]]),
 *   control: "http://127.0.0.1:8080",
 * };
 * ```
 */
export interface TcpNodeOptions {
  readonly id: NodeId;
  readonly listen: Address;
  readonly peers: ReadonlyMap<NodeId, Address>;
  /** The control process's API URL. */
  readonly control: string;
  /**
   * Where the node keeps its log (overrides the cluster's data directory) and its latest
   * logical clocks (`<dataDir>/<id>.clocks`, `clock_file.ts`), so a restart after a crash
   * stamps above every message it sent. Without one, a restart continues from control's
   * copy of its clocks, which may be behind stamps its peers received (up to 50 ms).
   */
  readonly dataDir?: string;
  /** The protocol this node expects to run (checked against the cluster's). */
  readonly protocol?: string;
  /** Messages each peer's send queue holds at most. */
  readonly queueLimit?: number;
  /**
   * The cluster's shared key: it authenticates the links to peers (`peer_auth.ts`) and is
   * presented to control as `Authorization: Bearer`.
   */
  readonly token?: string;
  /** One line per notable event (default: stderr). */
  readonly log?: (line: string) => void;
  /**
   * Called when control crashes the node, before anything else happens: `deno task node`
   * exits here at once (code 137), so nothing is flushed or closed, as with a `SIGKILL`.
   * Without it {@link runTcpNode} resolves 137 (tests run nodes in one process).
   */
  readonly onKill?: () => void;
}

/** Reports to control go out at most this often (ms). */
const REPORT_MS = 50;

/**
 * Runs the node until control closes it (0), refuses it or goes away (1), or crashes it
 * (137). Never throws for a peer's bad input: that is logged and the link is closed.
 *
 * @example
 * ```ts ignore
 * import { runTcpNode } from "./tcp_node.ts";
 * const code = await runTcpNode({ id: "n1", listen: { hostname: "127.0.0.1", port: 7001 },
 *   peers: new Map(), control: "http://127.0.0.1:8080" });
 * ```
 */
export async function runTcpNode(o: TcpNodeOptions): Promise<number> {
  const log = o.log ?? ((line: string) => console.error(line));
  const { promise: ended, resolve: end } = Promise.withResolvers<number>();

  // --- the sending side: the fault model, then the peer's link -----------------------
  let reportTimer: ReturnType<typeof setTimeout> | undefined;
  /** The newest output that carried nothing but clocks, not yet forwarded. */
  let quiet: OutputMessage | null = null;
  const sender = new SenderSide({
    id: o.id,
    peers: [...o.peers.keys()],
    // The transport encodes each batch before it returns (`PeerTransport.send`).
    transmit: (to, batch) => transport.send(to, batch),
    transmitEncodes: true,
    onReport: () => scheduleReport(),
  });

  // --- receiving from peers -------------------------------------------------------------
  let paused = false;
  const held = new HeldMessages((old) => sender.droppedOnArrival(old.from, old.body, "backlog"));
  /** Hands a batch to the node, counted `delivered` (as the Worker cluster does). */
  const deliver = (batch: WireDelivery[]): void => {
    sender.delivered(batch);
    serve?.({ type: "inputs", deliveries: batch, requests: [] });
  };
  let serve: ((m: ToWorker) => void) | null = null;
  /** The protocol's own lie, for Byzantine modes (known once it is loaded). */
  let liar: Liar | undefined;
  let closed = false;
  const transport = await listenSoon({
    id: o.id,
    listen: o.listen,
    peers: o.peers,
    log,
    ...(o.queueLimit !== undefined ? { queueLimit: o.queueLimit } : {}),
    ...(o.token !== undefined ? { token: o.token } : {}),
    onBatch: (_from, batch) => {
      // Paused (or not started): held, as the Worker cluster's router holds them.
      if (paused || serve === null) {
        held.hold(batch);
        scheduleReport();
      } else deliver(batch);
    },
  });

  // --- the link to control --------------------------------------------------------------
  const url = new URL(NODE_LINK_PATH, o.control);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const socket = await connectControl(url, log, o.token);
  if (socket === null) {
    transport.close();
    return 1;
  }
  const send = (m: FromWorker | LinkHello) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(serialize(m));
  };
  function scheduleReport(): void {
    if (reportTimer !== undefined) return;
    reportTimer = setTimeout(report, REPORT_MS);
  }
  function report(): void {
    reportTimer = undefined;
    if (quiet !== null) send(quiet); // its clocks, for a restart to continue from
    quiet = null;
    // With what this node holds while paused, for control's backlog view.
    const m = held.addTo(sender.takeReport());
    if (m !== null) send(m);
  }
  const a = transport.address;
  send({
    type: "hello",
    id: o.id,
    pid: Deno.pid,
    listen: `${a.hostname}:${a.port}`,
    ...(o.protocol !== undefined ? { protocol: o.protocol } : {}),
  });

  /** Where this node's latest clocks are kept (only with a data directory). */
  let clockFile: ClockFile | null = null;
  const post = (m: FromWorker) => {
    if (m.type === "output") {
      // Before any of its messages leaves: a crash then cannot lose clocks a peer has seen.
      if (clockFile !== null) clockFile.write(m.clocks);
      // Our messages leave from here, through the fault model, to the peers.
      sender.send(m.messages);
      const out = m.messages.length > 0 ? { ...m, messages: [] } : m;
      if (
        (out.writes === null || out.writes.length === 0) && out.replies.length === 0 &&
        out.emitted.length === 0 &&
        out.delivered === null
      ) {
        // Only clocks: control needs the newest now and then, not one per batch.
        quiet = out;
        scheduleReport();
      } else {
        quiet = null;
        send(out);
      }
    } else {
      if (quiet !== null) send(quiet); // keep the order control sees
      quiet = null;
      send(m);
    }
    if (m.type === "closed") {
      closed = true;
      report();
      socket.close(1000, "closed");
    }
  };
  const onControl = async (m: ToWorker | LinkControl): Promise<void> => {
    switch (m.type) {
      case "welcome":
        log(`node ${o.id}: connected to control at ${o.control}`);
        return;
      case "reject":
        log(`node ${o.id}: control refused this node: ${m.reason}`);
        return end(1);
      case "kill":
        if (closed) return end(0); // it closed cleanly first: nothing is left to lose
        log(`node ${o.id}: crashed by control`);
        o.onKill?.();
        return end(137);
      case "faults":
        sender.applyFaults(m.version, m.rules); // an older set arriving late is ignored
        send({ type: "faults-ack", version: sender.faultsVersion });
        return;
      case "byzantine":
        sender.setByzantine(m.mode, liar);
        log(`node ${o.id}: ${m.mode === null ? "correct again" : `Byzantine (${m.mode})`}`);
        return;
      case "init": {
        const missing = m.peers.filter((p) => !o.peers.has(p));
        let error: string | null = missing.length > 0
          ? `node ${o.id} has no address for peer${missing.length > 1 ? "s" : ""} ` +
            `${missing.join(", ")} (give them in --peers)`
          : null;
        const descriptor = error === null ? await loadProtocol(m.protocol).catch(() => null) : null;
        if (error === null && o.protocol !== undefined && descriptor?.name !== o.protocol) {
          error = `node ${o.id} was started with --protocol ${o.protocol} but the cluster ` +
            `runs ${descriptor?.name ?? JSON.stringify(m.protocol)}`;
        }
        if (error !== null) {
          log(error);
          send({ type: "failed", error });
          return;
        }
        sender.setMessageSchema(descriptor?.messages);
        liar = descriptor?.byzantine?.lie;
        sender.tracing = m.tracing;
        paused = m.paused;
        // The node's own directory wins; storage faults set at control still apply.
        const storage = o.dataDir === undefined
          ? m.storage
          : m.storage.kind === "file"
          ? { ...m.storage, dir: o.dataDir }
          : { kind: "file" as const, dir: o.dataDir };
        if (m.maxBacklog !== undefined) held.limit = m.maxBacklog;
        // Clocks the last incarnation stamped on messages but did not live to tell control:
        // the restart continues from them (the clock condition across a crash).
        let clocks = m.clocks;
        if (o.dataDir !== undefined && clockFile === null) {
          try {
            clockFile = openClockFile(o.dataDir, o.id);
            clocks = laterClocks(m.clocks, clockFile.found);
          } catch (e) {
            const error = `node ${o.id}: cannot keep its clocks in ${o.dataDir}: ${String(e)}`;
            log(error);
            send({ type: "failed", error });
            return;
          }
        }
        serve = serveNode(post);
        serve({ ...m, storage, ...(clocks !== undefined ? { clocks } : {}) });
        if (!paused && held.length > 0) deliver(held.take());
        if (held.changed) scheduleReport();
        return;
      }
      case "tracing":
        sender.tracing = m.on;
        break;
      case "pause":
        paused = true;
        break;
      case "resume":
        paused = false;
        if (held.length > 0) deliver(held.take());
        if (held.changed) scheduleReport();
        break;
    }
    serve?.(m);
  };
  // Control messages are handled one at a time, in order (an init loads its protocol).
  let chain = Promise.resolve();
  socket.onmessage = (e) => {
    let m: ToWorker | LinkControl;
    try {
      m = deserialize(new Uint8Array(e.data as ArrayBuffer)) as ToWorker | LinkControl;
    } catch (err) {
      log(`node ${o.id}: undecodable message from control: ${String(err)}`);
      return;
    }
    chain = chain.then(() => onControl(m)).catch((err) => {
      log(`node ${o.id}: ${String(err)}`);
    });
  };
  socket.onclose = () => {
    if (!closed) log(`node ${o.id}: control went away`);
    end(closed ? 0 : 1);
  };
  const code = await ended;
  (clockFile as ClockFile | null)?.close(); // set in a callback: not narrowed to null
  clockFile = null; // run in-process (tests), what is left of the node writes no more
  clearTimeout(reportTimer);
  sender.close();
  transport.close();
  try {
    socket.close();
  } catch {
    // closed
  }
  if (code === 0) log(`node ${o.id}: closed by control; exiting`);
  return code;
}

/**
 * Listens for peers; while the port is still held (a predecessor of this node that just
 * ended, its socket not yet released), tries again for up to 5 s.
 */
async function listenSoon(o: PeerTransportOptions): Promise<PeerTransport> {
  const deadline = performance.now() + 5_000;
  for (let said = false;; said = true) {
    try {
      return PeerTransport.listen(o);
    } catch (e) {
      if (!(e instanceof Deno.errors.AddrInUse) || performance.now() > deadline) throw e;
      if (!said) o.log(`node ${o.id}: ${o.listen.hostname}:${o.listen.port} is in use; retrying`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Deno's WebSocket takes handshake headers (non-standard); the `dom` lib the project
 * also loads hides that overload.
 */
const WebSocketWithHeaders = WebSocket as unknown as new (
  url: URL,
  options: { headers: Record<string, string> },
) => WebSocket;

/** Connects to control, retrying with backoff and jitter while it is not up yet (60 s). */
async function connectControl(
  url: URL,
  log: (line: string) => void,
  token: string | undefined,
): Promise<WebSocket | null> {
  const deadline = performance.now() + 60_000;
  let attempt = 0;
  let said = false;
  while (performance.now() < deadline) {
    const socket = token === undefined
      ? new WebSocket(url)
      : new WebSocketWithHeaders(url, { headers: { authorization: `Bearer ${token}` } });
    socket.binaryType = "arraybuffer";
    const opened = await new Promise<boolean>((resolve) => {
      socket.onopen = () => resolve(true);
      socket.onerror = () => resolve(false);
      socket.onclose = () => resolve(false);
    });
    if (opened) {
      socket.onerror = null;
      return socket;
    }
    if (!said) log(`node: waiting for control at ${url.href}`);
    said = true;
    const ms = Math.min(2_000, 50 * 2 ** attempt++) * (0.5 + 0.5 * Math.random());
    await new Promise((r) => setTimeout(r, ms));
  }
  log(`node: control at ${url.href} did not answer within 60 s`);
  return null;
}
