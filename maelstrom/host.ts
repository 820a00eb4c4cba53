/**
 * The process-node host: one OS process per node, and every message between nodes on
 * distlab's one message path (`nodes/faults/message_path.ts`, through the Worker
 * cluster's {@link Router}), so partitions, loss, delay, duplication and reordering
 * apply to these nodes as to distlab's own. The host gives every node-to-node message a
 * Lamport time (the sender's clock ticks on send; the receiver's jumps past it on
 * delivery) and journals every message. Client traffic and service traffic do not cross
 * the faulty network, as in Maelstrom, whose nemesis partitions only the nodes. Vector
 * clocks are kept the same way, so a run exports to ShiViz as a space-time diagram.
 *
 * @module
 */

import { type LinkFaults, Network } from "../nodes/faults/network.ts";
import { Router } from "../nodes/worker/router.ts";
import { LinkCounters } from "../nodes/worker/link_counters.ts";
import type { TraceEvent } from "../nodes/trace.ts";
import { type VectorClock, vectorReceive, vectorTick } from "../clocks/vector.ts";
import { type ProcessNode, spawnProcessNode } from "./process_node.ts";
import { createServices, serviceReply, type Services } from "./services.ts";
import type { KvService } from "./protocol_service.ts";
import { type Body, isClientId, type Message, parseMessage } from "./wire.ts";

/**
 * One journal line: a message and what became of it. `kind` is `send` (a node put it
 * on the network), `recv` (delivered), `drop` or `duplicate` (the fault model's doing),
 * `client` (client ↔ node) or `service` (node ↔ service).
 *
 * @example
 * ```ts
 * import type { JournalEntry } from "./host.ts";
 * const e: JournalEntry = { time: 1.5, kind: "send", src: "n0", dest: "n1", body: { type: "gossip" }, lamport: 4 };
 * ```
 */
export interface JournalEntry {
  /** ms since the host started. */
  readonly time: number;
  readonly kind: "send" | "recv" | "drop" | "duplicate" | "client" | "service";
  readonly src: string;
  readonly dest: string;
  readonly body: unknown;
  readonly lamport?: number;
  /** The sender's (send) or receiver's (recv) vector clock after the event. */
  readonly vclock?: VectorClock;
  readonly reason?: string;
}

/**
 * What a host is started with.
 *
 * @example
 * ```ts ignore
 * import type { HostOptions } from "./host.ts";
 * const o: HostOptions = { nodeIds: ["n0"], command: ["./echo.py"], logDir: "/tmp", random: Math.random,
 *   latency: { kind: "constant", ms: 0 }, onClientMessage: () => {}, onFatal: console.error };
 * ```
 */
export interface HostOptions {
  readonly nodeIds: readonly string[];
  readonly command: readonly string[];
  /** Each node's stderr goes to `<logDir>/<id>.log`. */
  readonly logDir: string;
  /** The run's seeded source (the fault model's fates replay from it). */
  readonly random: () => number;
  /** The network's delay between nodes. */
  readonly latency: import("../nodes/faults/delay.ts").Delay;
  /** Serves `lin-kv` instead of the in-memory store (distlab's own protocol). */
  readonly linKv?: KvService;
  /** Faults on every link from the start (loss, duplication, reordering, …). */
  readonly faults?: Omit<LinkFaults, "delay">;
  /** A message a node sent to a client (a reply, normally). */
  readonly onClientMessage: (m: Message) => void;
  /**
   * The node broke the protocol or died on its own: printed a line that is not a
   * message, or exited without being killed. One line, naming the node.
   */
  readonly onFatal: (line: string) => void;
}

/**
 * A running set of process nodes.
 *
 * @example
 * ```ts ignore
 * import { startHost } from "./host.ts";
 * const host = await startHost(options);
 * host.network.partition([["n0"], ["n1", "n2"]]);
 * await host.close();
 * ```
 */
export interface Host {
  /** The fault model every node-to-node message goes through. */
  readonly network: Network;
  readonly counters: LinkCounters;
  /** Every message so far. */
  readonly journal: JournalEntry[];
  /** Sends `body` from client `src` to node `dest` (not through the faulty network). */
  sendToNode(src: string, dest: string, body: Body): void;
  /** Starts every node's process; rejects (one line) if one cannot start. */
  spawnAll(): Promise<void>;
  /** Sends `init` to `id` and waits for `init_ok`; rejects with one line after `timeoutMs`. */
  init(id: string, timeoutMs: number): Promise<void>;
  /** SIGKILL: the node loses everything but its own files. */
  crash(id: string): void;
  /** A new process for a crashed node, initialised again. */
  restart(id: string, initTimeoutMs: number): Promise<void>;
  pause(id: string): void;
  resume(id: string): void;
  /** The OS process id of `id`'s current process. */
  pid(id: string): number | null;
  /** Whether `id` is crashed or paused. */
  state(id: string): "up" | "crashed" | "paused";
  /** ms since the host started: the time of its journal and trace events. */
  now(): number;
  /**
   * Messages `id` printed (to nodes, clients and services) and messages handed to it, over
   * all its processes.
   */
  messages(id: string): { sent: number; received: number };
  /** When (host ms) `id` last printed a line on stdout; null if it never did. */
  lastSeen(id: string): number | null;
  /**
   * Trace events as the live view shows them: `send` / `deliver` of every node-to-node
   * and client message (with the Lamport clock the host assigned), `drop` /
   * `duplicate`, and `crash` / `restart` / `pause` / `resume`. `messages: false` gets
   * only the latter (the message events cost a little per message, so they are made
   * only while someone wants them). Returns the function that unsubscribes.
   */
  onEvent(listener: (e: TraceEvent) => void, messages?: boolean): () => void;
  /** Kills every process and waits until their logs are written. */
  close(): Promise<void>;
  /** The in-memory services (for tests and final state). */
  readonly services: Services;
}

/**
 * Creates a host (no process runs until {@link Host.spawnAll}).
 *
 * @example
 * ```ts ignore
 * import { startHost } from "./host.ts";
 * const host = startHost(options);
 * await host.spawnAll();
 * await Promise.all(options.nodeIds.map((id) => host.init(id, 10_000)));
 * ```
 */
export function startHost(o: HostOptions): Host {
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const members = new Set(o.nodeIds);
  const network = new Network(o.nodeIds, o.random, { ...o.faults, delay: o.latency });
  const counters = new LinkCounters();
  const journal: JournalEntry[] = [];
  const procs = new Map<string, ProcessNode>();
  const states = new Map<string, "up" | "crashed" | "paused">();
  const lamport = new Map<string, number>(o.nodeIds.map((id) => [id, 0]));
  const vclocks = new Map<string, VectorClock>(o.nodeIds.map((id) => [id, { [id]: 0 }]));
  const services = createServices(o.random);
  /** Clients' Lamport clocks: a client is a process of the space-time diagram too. */
  const clientClocks = new Map<string, number>();
  const seen = new Map<string, number>();
  /** Listeners, and whether each wants message events. */
  const listeners = new Map<(e: TraceEvent) => void, boolean>();
  let messageListeners = 0;
  const emit = (e: TraceEvent, message: boolean) => {
    for (const [listener, wants] of listeners) if (wants || !message) listener(e);
  };
  /** A message between a client and a node: both clocks tick, as for node messages. */
  const clientMessage = (src: string, dest: string, body: Body) => {
    journal.push({ time: now(), kind: "client", src, dest, body });
    const fromClient = isClientId(src);
    const client = fromClient ? src : dest;
    const node = fromClient ? dest : src;
    const clocks = (id: string) => id === client ? clientClocks : lamport;
    const sent = (clocks(src).get(src) ?? 0) + 1;
    clocks(src).set(src, sent);
    const lost = fromClient && states.get(node) === "crashed";
    const got = Math.max(clocks(dest).get(dest) ?? 0, sent) + 1;
    if (!lost) clocks(dest).set(dest, got);
    if (messageListeners === 0) return;
    const time = now();
    emit({ time, kind: "send", node: src, peer: dest, body, lamport: sent }, true);
    emit(
      lost
        ? { time, kind: "drop", node: src, peer: dest, body, reason: "crashed" }
        : { time, kind: "deliver", node: dest, peer: src, body, lamport: got },
      true,
    );
  };
  /** Each node's unanswered `init`. */
  const inits = new Map<string, { msgId: number; done: (body: Body) => void }>();
  /** Processes the host itself ended: their exit is no failure. */
  const killed = new Set<ProcessNode>();
  let closing = false;
  let hostMsgId = 0;

  /** Messages each node printed, and messages written to it (from nodes, clients, services). */
  const counts = new Map<string, { sent: number; received: number }>(
    o.nodeIds.map((id) => [id, { sent: 0, received: 0 }]),
  );
  const write = (dest: string, m: Message) => {
    const p = procs.get(dest);
    if (p === undefined) return;
    const c = counts.get(dest);
    if (c !== undefined) c.received++;
    p.send(JSON.stringify(m));
  };

  const router = new Router({
    network,
    random: o.random,
    counters,
    now,
    isMember: (id) => members.has(id),
    sink: (to, batch) => {
      for (const c of batch) {
        if (states.get(to) === "crashed") {
          // It arrived at a dead process: lost, as on a crashed host.
          counters.add(c.from, to, "dropped");
          journal.push({
            time: now(),
            kind: "drop",
            src: c.from,
            dest: to,
            body: c.body,
            reason: "crashed",
          });
          if (messageListeners > 0) {
            emit({
              time: now(),
              kind: "drop",
              node: c.from,
              peer: to,
              body: c.body,
              reason: "crashed",
            }, true);
          }
          continue;
        }
        counters.add(c.from, to, "delivered");
        const clock = Math.max(lamport.get(to) ?? 0, c.lamport) + 1;
        lamport.set(to, clock);
        const vclock = vectorReceive(vclocks.get(to) ?? {}, c.vclock, to);
        vclocks.set(to, vclock);
        journal.push({
          time: now(),
          kind: "recv",
          src: c.from,
          dest: to,
          body: c.body,
          lamport: clock,
          vclock,
        });
        if (messageListeners > 0) {
          emit(
            {
              time: now(),
              kind: "deliver",
              node: to,
              peer: c.from,
              body: c.body,
              lamport: clock,
              vclock,
            },
            true,
          );
        }
        // A paused process still has its pipe: bytes wait in it, as on a stalled host.
        write(to, { src: c.from, dest: to, body: c.body as Body });
      }
    },
    trace: (e: TraceEvent) => {
      if (e.kind === "drop" || e.kind === "duplicate") {
        journal.push({
          time: now(),
          kind: e.kind,
          src: e.node,
          dest: e.peer ?? "?",
          body: e.body,
          ...(e.reason === undefined ? {} : { reason: e.reason }),
        });
        if (messageListeners > 0) emit(e, true);
      }
    },
  });
  router.tracing = true;

  const fromNode = (id: string, line: string) => {
    seen.set(id, now());
    const m = parseMessage(line);
    if (typeof m === "string") {
      fail(
        `node ${id} printed something that is not a Maelstrom message (${m}) on stdout: ${
          quote(line)
        }`,
      );
      return;
    }
    const c = counts.get(id);
    if (c !== undefined) c.sent++;
    const dest = m.dest;
    if (isClientId(dest)) {
      clientMessage(id, dest, m.body);
      const pending = inits.get(id);
      if (pending !== undefined && m.body.in_reply_to === pending.msgId) pending.done(m.body);
      else o.onClientMessage({ src: id, dest, body: m.body });
      return;
    }
    if (dest === "lin-kv" && o.linKv !== undefined) {
      journal.push({ time: now(), kind: "service", src: id, dest, body: m.body });
      const request = m.body;
      void o.linKv.call(request).then((answer) => {
        const reply = request.msg_id === undefined
          ? { ...answer, msg_id: ++hostMsgId }
          : { ...answer, msg_id: ++hostMsgId, in_reply_to: request.msg_id };
        journal.push({ time: now(), kind: "service", src: dest, dest: id, body: reply });
        if (!closing) write(id, { src: dest, dest: id, body: reply });
      });
      return;
    }
    const answer = serviceReply(services, dest, m.body, id);
    if (answer !== null) {
      journal.push({ time: now(), kind: "service", src: id, dest, body: m.body });
      const reply = { ...answer, msg_id: ++hostMsgId };
      journal.push({ time: now(), kind: "service", src: dest, dest: id, body: reply });
      write(id, { src: dest, dest: id, body: reply });
      return;
    }
    // Node to node (or to nobody: the path drops it as "unknown").
    const clock = (lamport.get(id) ?? 0) + 1;
    lamport.set(id, clock);
    const vclock = vectorTick(vclocks.get(id) ?? {}, id);
    vclocks.set(id, vclock);
    journal.push({
      time: now(),
      kind: "send",
      src: id,
      dest,
      body: m.body,
      lamport: clock,
      vclock,
    });
    if (messageListeners > 0) {
      emit({
        time: now(),
        kind: "send",
        node: id,
        peer: dest,
        body: m.body,
        lamport: clock,
        vclock,
      }, true);
    }
    router.send(id, [{ to: dest, body: m.body, lamport: clock, vclock }]);
  };

  const fail = (line: string) => {
    if (!closing) o.onFatal(line);
  };

  /** Starts `id`'s process; `up` false leaves it counted down (a restart, until its init). */
  const spawn = async (id: string, up = true) => {
    let p: ProcessNode | undefined = undefined;
    p = await spawnProcessNode({
      id,
      command: o.command,
      logFile: `${o.logDir}/${id}.log`,
      // A killed node says nothing more, even if a child it left behind still prints.
      onLine: (line) => {
        if (p === undefined || !killed.has(p)) fromNode(id, line);
      },
      onExit: (code, signal) => {
        if (p !== undefined && killed.has(p)) return;
        const tail = p?.stderrTail().trim() ?? "";
        fail(
          `node ${id} exited (${signal ?? `code ${code}`})` +
            (tail === ""
              ? " and printed nothing on stderr"
              : `; stderr: ${quote(lastLines(tail))}`),
        );
      },
    });
    procs.set(id, p);
    if (up) states.set(id, "up");
  };

  const init = (id: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const msgId = ++hostMsgId;
      const timer = setTimeout(() => {
        inits.delete(id);
        const tail = procs.get(id)?.stderrTail().trim() ?? "";
        reject(
          new Error(
            `node ${id} did not answer init within ${timeoutMs} ms` +
              (tail === ""
                ? " and printed nothing on stderr"
                : `; stderr: ${quote(lastLines(tail))}`),
          ),
        );
      }, timeoutMs);
      inits.set(id, {
        msgId,
        done: (body) => {
          clearTimeout(timer);
          inits.delete(id);
          if (body.type === "init_ok") resolve();
          else reject(new Error(`node ${id} answered init with ${JSON.stringify(body)}`));
        },
      });
      const initBody: Body = { type: "init", msg_id: msgId, node_id: id, node_ids: o.nodeIds };
      clientMessage("c0", id, initBody);
      write(id, { src: "c0", dest: id, body: initBody });
    });

  return {
    network,
    counters,
    journal,
    services,
    sendToNode(src, dest, body) {
      clientMessage(src, dest, body);
      if (states.get(dest) !== "crashed") write(dest, { src, dest, body });
    },
    async spawnAll() {
      for (const id of o.nodeIds) await spawn(id);
    },
    init,
    crash(id) {
      const p = procs.get(id);
      if (p === undefined || states.get(id) === "crashed") return;
      killed.add(p);
      p.kill();
      states.set(id, "crashed");
      emit({ time: now(), kind: "crash", node: id }, false);
    },
    async restart(id, initTimeoutMs) {
      if (states.get(id) !== "crashed") return;
      await procs.get(id)?.done;
      // Peers' messages reach it only once its init is written: as its first line, as
      // after a start (a node answers nothing well before it knows its id).
      await spawn(id, false);
      const ready = init(id, initTimeoutMs);
      states.set(id, "up");
      await ready;
      emit({ time: now(), kind: "restart", node: id }, false);
    },
    pause(id) {
      if (states.get(id) !== "up") return;
      procs.get(id)?.pause();
      states.set(id, "paused");
      emit({ time: now(), kind: "pause", node: id }, false);
    },
    resume(id) {
      if (states.get(id) !== "paused") return;
      procs.get(id)?.resume();
      states.set(id, "up");
      emit({ time: now(), kind: "resume", node: id }, false);
    },
    state: (id) => states.get(id) ?? "crashed",
    pid: (id) => procs.get(id)?.pid ?? null,
    now,
    lastSeen: (id) => seen.get(id) ?? null,
    messages: (id) => ({ ...(counts.get(id) ?? { sent: 0, received: 0 }) }),
    onEvent(listener, messages = true) {
      // A listener added twice is one listener: wrap it so each subscription stands alone.
      const own = (e: TraceEvent) => listener(e);
      listeners.set(own, messages);
      if (messages) messageListeners++;
      return () => {
        if (listeners.delete(own) && messages) messageListeners--;
      };
    },
    async close() {
      closing = true;
      router.close();
      for (const p of procs.values()) {
        killed.add(p);
        p.resume(); // a stopped process must run to die
        p.kill();
      }
      await Promise.all([...procs.values()].map((p) => p.done));
    },
  };
}

// deno-lint-ignore no-control-regex -- the escape character is the point
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g;

function quote(text: string): string {
  // Colour codes (Deno's own errors carry them) would only garble the one line.
  const s = text.replace(ANSI_COLOUR, "");
  const t = s.length > 200 ? `${s.slice(0, 200)}…` : s;
  return JSON.stringify(t);
}

function lastLines(s: string): string {
  return s.split("\n").slice(-3).join(" | ");
}
