/**
 * A node's Worker that sends to its peers itself, over direct `MessagePort`s, so that
 * node-to-node messages never pass through the main thread (the Worker cluster's data
 * plane). It wraps {@link serveNode}: the node's outputs lose their messages here, which
 * take the fault model on this, the sending, side ({@link SenderSide}: the same message
 * path as the simulator's and the router's, over the rules the main thread pushes, each
 * acknowledged with `faults-ack`) and leave as one `postMessage` per destination per
 * firing on the port to that peer. The main thread stays the control plane: it hands out
 * the ports (`peer` messages), starts, pauses and crashes Workers, and gets the rest of
 * each output (writes, replies, protocol events, clocks) and a `links` report of what the
 * links counted and traced.
 *
 * A paused node holds what arrives (bounded: the oldest is dropped, `backlog`) and takes
 * it in when resumed; a peer that is down has no port, so what is sent to it is dropped
 * (`crashed`). While message events are traced, the report goes out before the batch it
 * describes, so the main thread hears of a send no later than of its delivery.
 *
 * Without `init.direct` the wrapper passes everything through: the main thread routes.
 * In a Worker that hosts a group of nodes (`node_group.ts`), the group gives `route`
 * instead of ports and hands what arrives for the node to {@link DirectNode.arrive}.
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import { SenderSide } from "../faults/sender_side.ts";
import type { Liar } from "../faults/byzantine.ts";
import { serveNode } from "../node_entry.ts";
import type { FromWorker, OutputMessage, ToWorker, WireDelivery } from "../worker_protocol.ts";
import type { Outgoing } from "../node_host.ts";
import { loadProtocol } from "./load_protocol.ts";
import { HeldMessages } from "./held_messages.ts";
import { laterClocks, loadClocks, storeClocks } from "./clock_cell.ts";

/** Reports to the main thread go out at most this often (ms) while nobody traces. */
const REPORT_MS = 20;

/**
 * One node served by {@link serveDirectNode}.
 *
 * @example
 * ```ts
 * import type { DirectNode } from "./direct_node.ts";
 * const relay = (node: DirectNode) => (m: MessageEvent) => node.handle(m.data);
 * ```
 */
export interface DirectNode {
  /** A message from the main thread. */
  handle(m: ToWorker): void;
  /** A batch from a peer (held while the node is paused). */
  arrive(batch: WireDelivery[]): void;
}

/**
 * Hands a batch to a peer; false when the peer cannot be reached now (it is down).
 *
 * @example
 * ```ts
 * import type { Route } from "./direct_node.ts";
 * const nowhere: Route = () => false;
 * ```
 */
export type Route = (to: NodeId, batch: WireDelivery[]) => boolean;

/**
 * Serves one node that may have direct links: {@link DirectNode.handle} takes each
 * message from the main thread; everything for the main thread goes to `post`. With
 * `route` the node's messages go there instead of to ports given in `peer` messages.
 *
 * @example
 * ```ts
 * import { serveDirectNode } from "./direct_node.ts";
 * const posted: unknown[] = [];
 * const node = serveDirectNode((m) => posted.push(m));
 * node.handle({ type: "pause" }); // queued until an init arrives
 * posted.length; // 0
 * ```
 */
export function serveDirectNode(post: (m: FromWorker) => void, route?: Route): DirectNode {
  let sender: SenderSide | null = null;
  let serve: ((m: ToWorker) => void) | null = null;
  let liar: Liar | undefined;
  let paused = false;
  const held = new HeldMessages((old) => sender!.droppedOnArrival(old.from, old.body, "backlog"));
  let reportTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const ports = new Map<NodeId, MessagePort>();
  /** Control messages that came while the protocol module was loading, in order. */
  let waiting: ToWorker[] | null = null;

  const report = (): void => {
    if (reportTimer !== undefined) clearTimeout(reportTimer);
    reportTimer = undefined;
    // With what this node holds while paused, for the main thread's backlog view.
    const m = held.addTo(sender?.takeReport() ?? null);
    if (m) post(m);
  };
  const scheduleReport = (): void => {
    if (reportTimer === undefined && !closed) reportTimer = setTimeout(report, REPORT_MS);
  };
  const transmit = (to: NodeId, batch: WireDelivery[]): number => {
    if (sender!.tracing) report(); // the send events before the deliveries they cause
    if (route !== undefined) return route(to, batch) ? 0 : batch.length;
    const port = ports.get(to);
    if (port === undefined) return batch.length; // down: dropped, `crashed`
    port.postMessage(batch);
    return 0;
  };
  const deliver = (batch: WireDelivery[]): void => {
    sender!.delivered(batch);
    serve!({ type: "inputs", deliveries: batch, requests: [] });
  };
  const arrive = (batch: WireDelivery[]): void => {
    if (closed) return;
    if (!paused) return deliver(batch);
    held.hold(batch);
    scheduleReport();
  };
  /**
   * In memory, a write is durable once the main thread holds its copy: messages sent
   * after a write wait (in order) until the main thread says it has mirrored it, so no
   * peer hears of a write a crash could still lose.
   */
  let mirrorWait = false;
  let mirrorId = 0;
  const unmirrored: { readonly id: number; readonly messages: readonly Outgoing[] }[] = [];
  const mirrored = (id: number): void => {
    while (unmirrored.length > 0 && unmirrored[0]!.id <= id) {
      sender!.send(unmirrored.shift()!.messages);
    }
  };
  const outputs = quietOutputs(post, () => sender!.tracing, REPORT_MS);
  const postOutput = outputs.post;
  let clockCell: SharedArrayBuffer | undefined;
  let clockWriter = 0;
  const wrapped = (m: FromWorker): void => {
    if (m.type === "output") {
      // Before any of its messages leaves: a crash then cannot lose clocks a peer has seen.
      if (clockCell !== undefined) storeClocks(clockCell, m.clocks, clockWriter);
      const writes = mirrorWait && m.writes !== null && m.writes.length > 0;
      if (!writes && m.messages.length === 0) return postOutput(m);
      // Ours leave from here; the main thread gets the rest, in the contract's order.
      if (writes) {
        const id = ++mirrorId;
        postOutput({ ...m, messages: [], mirror: id } satisfies OutputMessage);
        unmirrored.push({ id, messages: m.messages });
        return;
      }
      if (unmirrored.length > 0) unmirrored.push({ id: mirrorId, messages: m.messages }); // behind
      else sender!.send(m.messages);
      postOutput({ ...m, messages: [] } satisfies OutputMessage);
      return;
    }
    if (m.type === "closed") {
      outputs.close();
      closed = true;
      report();
      sender?.close();
      for (const p of ports.values()) p.close();
      ports.clear();
    }
    post(m);
  };
  const setPeer = (peer: NodeId, port: MessagePort | null, removed: boolean): void => {
    ports.get(peer)?.close();
    ports.delete(peer);
    sender!.setMember(peer, !removed);
    if (port === null) return;
    ports.set(peer, port);
    port.onmessage = (e: MessageEvent<WireDelivery[]>) => arrive(e.data);
  };
  const control = (m: ToWorker): void => {
    switch (m.type) {
      case "faults":
        sender!.applyFaults(m.version, m.rules); // an older set arriving late is ignored
        post({ type: "faults-ack", version: sender!.faultsVersion });
        return;
      case "byzantine":
        sender!.setByzantine(m.mode, liar);
        return;
      case "peer":
        return setPeer(m.peer, m.port, m.removed === true);
      case "mirrored":
        return mirrored(m.id);
      case "tracing":
        sender!.tracing = m.on;
        break;
      case "pause":
        paused = true;
        break;
      case "resume": {
        paused = false;
        const backlog = held.take();
        serve!(m);
        if (backlog.length > 0) deliver(backlog);
        if (held.changed) scheduleReport();
        return;
      }
    }
    serve!(m);
  };
  const start = async (init: ToWorker & { type: "init" }): Promise<void> => {
    const direct = init.direct!;
    const descriptor = await loadProtocol(init.protocol).catch(() => null);
    sender = new SenderSide({
      id: init.id,
      peers: init.peers,
      transmit,
      onReport: scheduleReport,
      seed: `${init.seed}:network`,
      now: () => performance.timeOrigin + performance.now() - direct.epoch,
      dropReason: () => "crashed",
    });
    sender.setMessageSchema(descriptor?.messages);
    sender.tracing = init.tracing;
    liar = descriptor?.byzantine?.lie;
    paused = init.paused;
    held.limit = direct.maxBacklog;
    mirrorWait = init.storage.kind === "memory";
    serve = serveNode(wrapped);
    clockCell = direct.clockCell;
    clockWriter = direct.clockWriter ?? 0;
    // Clocks the last incarnation stamped on messages but did not live to tell the main
    // thread: the restart continues from them (the clock condition across a crash).
    const told = init.clocks;
    const own = clockCell === undefined ? undefined : loadClocks(clockCell);
    const clocks = laterClocks(told, own);
    serve(clocks === told ? init : { ...init, clocks });
    const queued = waiting ?? [];
    waiting = null;
    for (const q of queued) {
      // Peers' batches that came before the start: as if they arrived now.
      if (q.type === "inputs" && q.requests.length === 0) arrive([...q.deliveries]);
      else control(q);
    }
  };

  let plain: ((m: ToWorker) => void) | null = null;
  /** Messages before the init, for whichever kind of node it starts. */
  let early: ToWorker[] = [];
  const handle = (m: ToWorker): void => {
    if (plain !== null) return plain(m);
    if (m.type === "init" && sender === null && waiting === null) {
      const before = early;
      early = [];
      if (m.direct === undefined) {
        plain = serveNode(post);
        plain(m);
        for (const q of before) plain(q);
        return;
      }
      waiting = before;
      void start(m);
      return;
    }
    if (waiting !== null) waiting.push(m);
    else if (sender !== null) control(m);
    else early.push(m);
  };
  return {
    handle,
    arrive: (batch) => {
      if (sender !== null && waiting === null) arrive(batch);
      else (waiting ?? early).push({ type: "inputs", deliveries: batch, requests: [] }); // not started
    },
  };
}

/**
 * The outputs a node with direct links posts to the main thread, fewer: one that holds
 * nothing for the main thread but the node's clocks and protocol events (its messages
 * left directly; no replies, writes or deliveries) waits, while nobody traces, up to
 * `holdMs` for the next output, which then carries its events too (in order, each with
 * its own Lamport and vector stamps) and newer clocks. Under load a leader made one for
 * every batch of its peers' answers, a follower one for every commit it learnt; each
 * cost the main thread a message and woke it. The events reach the main thread's
 * listeners up to `holdMs` later (while tracing, at once). `close()` posts what is held
 * and holds no more.
 *
 * @example
 * ```ts
 * import { quietOutputs } from "./direct_node.ts";
 * import type { FromWorker } from "../worker_protocol.ts";
 * const posted: FromWorker[] = [];
 * const outputs = quietOutputs((m) => posted.push(m), () => false, 20);
 * outputs.post({
 *   type: "output", writes: null, messages: [], replies: [], emitted: [], delivered: null,
 *   clocks: { lamport: 3, vclock: { n1: 3 } },
 * });
 * posted.length; // 0: held
 * outputs.close();
 * posted.length; // 1
 * ```
 */
export function quietOutputs(
  post: (m: FromWorker) => void,
  tracing: () => boolean,
  holdMs: number,
): { post(m: OutputMessage): void; close(): void } {
  let held: OutputMessage | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const m = held;
    held = null;
    if (m !== null) post(m);
  };
  /** `m` with the events held before it, first. */
  const after = (m: OutputMessage): OutputMessage =>
    held === null || held.emitted.length === 0
      ? m
      : { ...m, emitted: m.emitted.length === 0 ? held.emitted : [...held.emitted, ...m.emitted] };
  return {
    post(m) {
      if (
        !closed && !tracing() && m.messages.length === 0 && m.replies.length === 0 &&
        (m.writes === null || m.writes.length === 0) &&
        (m.delivered === null || m.delivered.length === 0) && m.mirror === undefined
      ) {
        held = after(m);
        if (held.emitted.length >= MAX_HELD_EVENTS) return flush();
        timer ??= setTimeout(flush, holdMs);
        return;
      }
      const out = after(m);
      held = null;
      flush(); // nothing held now: it only stops the timer
      post(out);
    },
    close() {
      flush();
      closed = true;
    },
  };
}

/** Events a held output gathers at most before it is posted anyway. */
const MAX_HELD_EVENTS = 256;
