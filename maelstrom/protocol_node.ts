/**
 * One of distlab's key-value protocols as a Maelstrom node on stdin/stdout: `init`
 * creates the protocol node (in-memory storage, a seeded random source, real time), a
 * timer ticks it every `tickMs`, peers' messages travel as `{type: "distlab", msg,
 * lamport, vclock}` bodies, and Maelstrom's `read` / `write` / `cas` become the
 * protocol's operations. Effects leave in the contract's order: sync, messages, replies.
 *
 * A node that is not the leader passes the request once to the leader it knows (as a
 * node-to-node message, so the fault model applies to it) and relays the answer; with
 * no leader known, or a second refusal, the client gets error 11 (temporarily
 * unavailable, definite). distlab's own codes (1000 and up) become Maelstrom's: refusals
 * 11, `invalid-argument` 12; an unknown outcome is 0 (timeout) or 13 (crash).
 *
 * @module
 */

import { NodeHost } from "../nodes/node_host.ts";
import { MemoryDisk } from "../nodes/storage/memory_disk.ts";
import type { VectorClock } from "../clocks/vector.ts";
import { ERROR } from "../protocols/errors.ts";
import type { KvOp } from "../protocols/kv.ts";
import type { AnyProtocol, Reply } from "../protocols/node.ts";
import { createRng } from "../protocols/random.ts";
import { type Body, errorBody, parseMessage } from "./wire.ts";

/**
 * Where a protocol node's output goes.
 *
 * @example
 * ```ts
 * import type { NodeIo } from "./protocol_node.ts";
 * const io: NodeIo = { write: (line) => console.log(line), log: (line) => console.error(line) };
 * ```
 */
export interface NodeIo {
  /** One Maelstrom message line for stdout. */
  write(line: string): void;
  /** One line for the node's log (stderr). */
  log(line: string): void;
}

/**
 * A running adapter: feed it stdin's lines; stop it at EOF.
 *
 * @example
 * ```ts ignore
 * import { createProtocolNode } from "./protocol_node.ts";
 * const node = createProtocolNode(protocol, {}, io, 1);
 * node.onLine('{"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0"]}}');
 * node.stop();
 * ```
 */
export interface ProtocolNodeAdapter {
  onLine(line: string): void;
  stop(): void;
}

/** Where a client request's answer goes: a client, or the peer that forwarded it. */
type Origin =
  | { kind: "client"; src: string; msgId: number | undefined; f: string; forwarded: boolean }
  | { kind: "peer"; src: string; fid: number };

/**
 * Creates the adapter for `protocol` with `options` (over the protocol's live defaults).
 *
 * @example
 * ```ts ignore
 * import { createProtocolNode } from "./protocol_node.ts";
 * import { protocolByName } from "../protocols/registry.ts";
 * const node = createProtocolNode(protocolByName(name), {}, { write: console.log, log: console.error }, 1);
 * ```
 */
export function createProtocolNode(
  protocol: AnyProtocol,
  options: Readonly<Record<string, unknown>>,
  io: NodeIo,
  seed: number,
): ProtocolNodeAdapter {
  let id = "";
  let host: NodeHost | null = null;
  let timer: ReturnType<typeof setInterval> | undefined = undefined;
  let msgId = 0;
  let requestId = 0;
  let forwardId = 0;
  const origins = new Map<number, Origin>();
  /** Requests this node forwarded, by forward id: where the answer goes. */
  const forwarded = new Map<number, Origin & { kind: "client" }>();
  const t0 = performance.now();

  const send = (dest: string, body: Record<string, unknown>) => {
    io.write(JSON.stringify({ src: id, dest, body: { ...body, msg_id: ++msgId } }));
  };
  const answerClient = (o: Origin & { kind: "client" }, body: Body) => {
    send(o.src, o.msgId === undefined ? body : { ...body, in_reply_to: o.msgId });
  };

  const flush = (): void => {
    const h = host!;
    const out = (m: (typeof h.outbox)[number]) =>
      send(m.to, { type: "distlab", msg: m.body, lamport: m.lamport, vclock: m.vclock });
    // Messages the protocol marked `beforeSync` (a Raft leader's appends) may go first.
    const early = h.early;
    h.early = [];
    for (const m of early) out(m);
    h.storage.sync();
    for (const m of h.outbox) out(m);
    const replies = h.replies;
    h.outbox = [];
    h.replies = [];
    h.emitted = [];
    for (const { requestId, reply } of replies) {
      const o = origins.get(requestId);
      if (o === undefined) continue;
      origins.delete(requestId);
      if (o.kind === "peer") send(o.src, { type: "distlab_forward_reply", fid: o.fid, reply });
      else answer(o, reply);
    }
    // The sync above is done: a node that asked to know (whenSynced) is told, and what
    // that input does (a Raft leader counting its own entries) goes out too.
    const mark = h.takeSyncMark();
    if (mark !== null) {
      h.synced(mark);
      flush();
    }
  };

  const answer = (o: Origin & { kind: "client" }, reply: Reply) => {
    if (
      reply.type === "fail" && reply.code === ERROR["not-leader"] && !o.forwarded && reply.leader
    ) {
      const fid = ++forwardId;
      forwarded.set(fid, { ...o, forwarded: true });
      send(reply.leader, { type: "distlab_forward", fid, op: pendingOps.get(o) });
      return;
    }
    answerClient(o, maelstromReply(o.f, reply));
  };
  /** The operation of each client origin, kept for a forward. */
  const pendingOps = new WeakMap<Origin, KvOp>();

  const request = (o: Origin, op: KvOp, client: number) => {
    const rid = ++requestId;
    origins.set(rid, o);
    pendingOps.set(o, op);
    host!.request({ id: rid, client, op });
    flush();
  };

  const onMessage = (src: string, body: Body) => {
    if (body.type === "init") {
      id = String(body.node_id);
      const ids = (body.node_ids as string[]) ?? [];
      const rng = createRng(`${seed}/${id}`);
      host = new NodeHost(protocol, {
        id,
        peers: ids.filter((n) => n !== id),
        options: { ...protocol.liveOptions, ...options },
        storage: new MemoryDisk(),
        now: () => performance.now() - t0,
        random: () => rng.next(),
      });
      flush();
      timer = setInterval(() => {
        host!.tick();
        flush();
      }, protocol.tickMs);
      send(src, { type: "init_ok", in_reply_to: body.msg_id });
      return;
    }
    if (host === null) {
      send(src, errorBody(ERROR["temporarily-unavailable"], "not initialised", body.msg_id));
      return;
    }
    switch (body.type) {
      case "distlab":
        host.deliver(src, body.msg, Number(body.lamport) || 0, (body.vclock ?? {}) as VectorClock);
        flush();
        return;
      case "distlab_forward":
        request({ kind: "peer", src, fid: Number(body.fid) }, body.op as KvOp, 0);
        return;
      case "distlab_forward_reply": {
        const o = forwarded.get(Number(body.fid));
        if (o === undefined) return;
        forwarded.delete(Number(body.fid));
        answer(o, body.reply as Reply);
        return;
      }
      case "read":
      case "write":
      case "cas": {
        const key = JSON.stringify(body.key ?? null);
        const op: KvOp = body.type === "read"
          ? { f: "read", key }
          : body.type === "write"
          ? { f: "write", key, value: body.value }
          : { f: "cas", key, value: [body.from, body.to] };
        const o: Origin = {
          kind: "client",
          src,
          msgId: body.msg_id,
          f: body.type,
          forwarded: false,
        };
        request(o, op, Number(src.slice(1)) || 0);
        return;
      }
      default:
        if (body.msg_id !== undefined) {
          send(src, errorBody(ERROR["not-supported"], `not supported: ${body.type}`, body.msg_id));
        }
    }
  };

  return {
    onLine(line) {
      const m = parseMessage(line);
      if (typeof m === "string") {
        io.log(`ignored a line that is not a message (${m}): ${line.slice(0, 200)}`);
        return;
      }
      onMessage(m.src, m.body);
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
    },
  };
}

/**
 * A distlab reply to a Maelstrom `f` request as Maelstrom's reply body (without ids).
 *
 * @example
 * ```ts
 * import { maelstromReply } from "./protocol_node.ts";
 * maelstromReply("read", { type: "ok", value: 3 }); // { type: "read_ok", value: 3 }
 * maelstromReply("read", { type: "ok", value: null }).code; // 20: a missing key
 * maelstromReply("write", { type: "fail", code: 1000, error: "not leader" }).code; // 11
 * ```
 */
export function maelstromReply(f: string, reply: Reply): Body {
  if (reply.type === "ok") {
    if (f !== "read") return { type: `${f}_ok` };
    if (reply.value === null || reply.value === undefined) {
      return errorBody(ERROR["key-does-not-exist"], "key does not exist", undefined);
    }
    return { type: "read_ok", value: reply.value };
  }
  if (reply.type === "info") {
    const code = reply.code === ERROR["crash"] ? ERROR["crash"] : ERROR["timeout"];
    return errorBody(code, reply.error, undefined);
  }
  const code = reply.code < 1000
    ? reply.code
    : reply.code === ERROR["invalid-argument"]
    ? ERROR["malformed-request"]
    : ERROR["temporarily-unavailable"];
  return errorBody(code, reply.error, undefined);
}

/**
 * Runs `protocol` as a Maelstrom node on this process's stdin and stdout until stdin
 * closes.
 *
 * @example
 * ```ts ignore
 * import { runProtocolNode } from "./protocol_node.ts";
 * import { protocolByName } from "../protocols/registry.ts";
 * await runProtocolNode(protocolByName(name), {}, 1);
 * ```
 */
export async function runProtocolNode(
  protocol: AnyProtocol,
  options: Readonly<Record<string, unknown>>,
  seed: number,
): Promise<void> {
  const enc = new TextEncoder();
  const out: string[] = [];
  let scheduled = false;
  // Lines of one turn leave in one write: a tick's burst of messages costs one syscall.
  const io: NodeIo = {
    write(line) {
      out.push(line + "\n");
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(() => {
        scheduled = false;
        const text = out.join("");
        out.length = 0;
        writeAll(enc.encode(text));
      });
    },
    log: (line) => writeAllErr(enc.encode(line + "\n")),
  };
  const node = createProtocolNode(protocol, options, io, seed);
  const dec = new TextDecoder();
  let rest = "";
  for await (const chunk of Deno.stdin.readable) {
    rest += dec.decode(chunk, { stream: true });
    const lines = rest.split("\n");
    rest = lines.pop()!;
    for (const line of lines) if (line.trim() !== "") node.onLine(line);
  }
  node.stop();
}

function writeAll(bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length;) off += Deno.stdout.writeSync(bytes.subarray(off));
}

function writeAllErr(bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length;) off += Deno.stderr.writeSync(bytes.subarray(off));
}
