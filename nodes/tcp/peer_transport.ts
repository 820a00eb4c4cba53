/**
 * The TCP transport between node processes. Each node listens on one port and dials
 * every peer; a connection carries one direction only (the dialer sends, the listener
 * receives), so no tie-break is needed when both dial at once.
 *
 * - **Frames**: `checked_frame.ts` (length, CRC-32C, payload); a payload is a batch of
 *   deliveries, encoded by `wire_codec.ts` (`encodeBatch`: one flat JSON array of Lamport
 *   time, vector clock and body per message when JSON is faithful, else as `postMessage`
 *   would), or a handshake message (`encodeWire`). Everything queued for a peer goes out
 *   in one write: one buffer of whole frames. A batch is encoded with room for its
 *   frame's header (and tag), so the usual write — one batch — frames it in place; frames
 *   read are decoded where they lie in the read buffer. No payload is copied either way.
 * - **Handshake**: the dialer's first frame names itself and the node it expects; the
 *   listener answers `welcome` or `reject` with a reason (an id equal to its own, one it
 *   does not know, one already connected: two processes claiming one id). A listener
 *   that gets anything else first — garbage, a bad checksum, an oversized frame — logs
 *   one line and closes that connection; the node goes on.
 * - **Shared key** (`token`, see `peer_auth.ts`): the handshake becomes a challenge–response
 *   proving both ends know the token (hello with a nonce → challenge with the listener's
 *   nonce and proof → the dialer's proof → welcome), and every frame after it carries an
 *   HMAC over its sequence number and payload. A wrong token, or none where one is needed,
 *   is refused with one log line on each side, like any other bad handshake.
 * - **Reconnect**: a lost or refused link is dialed again after an exponential backoff
 *   with jitter (`baseMs·2^attempt`, capped at `maxMs`, times a random factor in
 *   [0.5, 1)), so restarted peers are found again and a crowd does not redial in step.
 * - **Bounded queues**: each peer has a queue of at most `queueLimit` messages waiting
 *   to be written (kept while the link is down); what does not fit is dropped and
 *   counted, as a lossy network would. Batches on a link that breaks mid-write are lost.
 *
 * @module
 */

import {
  decodeBatch,
  decodeWire as deserialize,
  encodeBatch,
  encodeWire as serialize,
} from "./wire_codec.ts";
import type { NodeId } from "../../protocols/node.ts";
import type { WireDelivery } from "../worker_protocol.ts";
import {
  CHECKED_HEADER_BYTES,
  checkedFrameInPlace,
  checkedFrameReader,
  encodeCheckedFrame,
  encodeCheckedFrames,
  FrameError,
  MAX_PEER_FRAME_BYTES,
} from "./checked_frame.ts";
import {
  type FrameSeal,
  frameSeal,
  freshNonce,
  handshakeProof,
  proofHolds,
  TAG_BYTES,
  type Transcript,
} from "./peer_auth.ts";

/**
 * A host and port.
 *
 * @example
 * ```ts
 * import type { Address } from "./peer_transport.ts";
 * const a: Address = { hostname: "127.0.0.1", port: 7001 };
 * ```
 */
export interface Address {
  readonly hostname: string;
  readonly port: number;
}

/**
 * How a {@link PeerTransport} is set up.
 *
 * @example
 * ```ts ignore
 * import type { PeerTransportOptions } from "./peer_transport.ts";
 * const o: PeerTransportOptions = {
 *   id: "n1", listen: { hostname: "127.0.0.1", port: 0 }, peers: new Map(),
 *   onBatch: () => {}, log: console.error,
 * };
 * ```
 */
export interface PeerTransportOptions {
  /** This node's id (named in every handshake). */
  readonly id: NodeId;
  /** Where to listen (port 0: any free port, see {@link PeerTransport.address}). */
  readonly listen: Address;
  /** Every peer and where it listens. */
  readonly peers: ReadonlyMap<NodeId, Address>;
  /**
   * Receives the messages a peer sent, in order per peer: the batches of the frames of
   * one read as one batch.
   */
  readonly onBatch: (from: NodeId, batch: WireDelivery[]) => void;
  /** One line per notable event: a refused connection, a lost link, a link up. */
  readonly log: (line: string) => void;
  /** Messages a peer's queue holds at most (default 10 000). */
  readonly queueLimit?: number;
  /** Reconnect backoff (default 50 ms doubling up to 2 s). */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** Largest frame accepted, and sent (default `MAX_PEER_FRAME_BYTES`). */
  readonly maxFrameBytes?: number;
  /** Random source for the backoff's jitter (default `Math.random`). */
  readonly random?: () => number;
  /** How long a new connection may take to say who it is (default 5 s). */
  readonly helloTimeoutMs?: number;
  /**
   * The cluster's shared key: peers must prove they know it, and every frame is
   * authenticated with it. None: plain handshake (loopback only, see `node_args.ts`).
   */
  readonly token?: string;
}

/** The first frame on a connection and its answer. */
type Handshake =
  | {
    readonly type: "hello";
    readonly from: NodeId;
    readonly to: NodeId;
    /** The dialer's nonce: present when it has a token. */
    readonly nonce?: string;
  }
  | { readonly type: "challenge"; readonly nonce: string; readonly proof: string }
  | { readonly type: "proof"; readonly proof: string }
  | { readonly type: "welcome" }
  | { readonly type: "reject"; readonly reason: string };

/**
 * Per-peer figures.
 *
 * @example
 * ```ts
 * import type { PeerStats } from "./peer_transport.ts";
 * const s: PeerStats = { connected: true, queued: 0, dropped: 0, lost: 0, connects: 1 };
 * ```
 */
export interface PeerStats {
  /** Whether the outgoing link is up. */
  readonly connected: boolean;
  /** Messages waiting to be written. */
  readonly queued: number;
  /** Messages dropped because the queue was full. */
  readonly dropped: number;
  /** Messages lost with a link that broke while writing them. */
  readonly lost: number;
  /** Successful handshakes so far. */
  readonly connects: number;
}

interface Link {
  readonly id: NodeId;
  readonly addr: Address;
  conn: Deno.TcpConn | null;
  /** The tags of the connection's frames (with a token). */
  seal: FrameSeal | null;
  /**
   * Encoded payloads waiting, each after `#room` free bytes (framed, and sealed, when
   * written), and how many messages they hold.
   */
  frames: Uint8Array[];
  counts: number[];
  queued: number;
  writing: boolean;
  attempt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  dropped: number;
  lost: number;
  connects: number;
  lastLog: string;
}

const DEFAULT_QUEUE_LIMIT = 10_000;
/** A handshake refused again for the same reason is logged again after this long. */
const REFUSAL_QUIET_MS = 60_000;
/** The largest frame taken before a connection is admitted (a handshake is far smaller). */
const HANDSHAKE_FRAME_BYTES = 64 * 1024;
/** Bytes asked of the socket per read. */
const READ_BYTES = 256 * 1024;

/**
 * The TCP transport of one node. Create with {@link PeerTransport.listen}.
 *
 * @example
 * ```ts ignore
 * import { PeerTransport } from "./peer_transport.ts";
 * const t = PeerTransport.listen({
 *   id: "n1", listen: { hostname: "127.0.0.1", port: 0 },
 *   peers: new Map([["n2", { hostname: "127.0.0.1", port: 7002 }]]),
 *   onBatch: (from, batch) => console.log(from, batch.length), log: console.error,
 * });
 * t.send("n2", [{ from: "n1", body: "hi", lamport: 1, vclock: { n1: 1 } }]);
 * await t.close();
 * ```
 */
export class PeerTransport {
  readonly #o: PeerTransportOptions;
  readonly #listener: Deno.TcpListener;
  readonly #links = new Map<NodeId, Link>();
  /** Incoming connections by the peer id they named. */
  readonly #inbound = new Map<NodeId, Deno.TcpConn>();
  /** Every open connection, to close them all. */
  readonly #open = new Set<Deno.TcpConn>();
  readonly #limit: number;
  readonly #maxFrame: number;
  /** The bytes before each queued payload: its frame's header, and its tag with a token. */
  readonly #room: number;
  /** When each handshake refusal's reason was last logged. */
  readonly #refusals = new Map<string, number>();
  #closed = false;

  private constructor(o: PeerTransportOptions, listener: Deno.TcpListener) {
    this.#o = o;
    this.#listener = listener;
    this.#limit = o.queueLimit ?? DEFAULT_QUEUE_LIMIT;
    this.#maxFrame = o.maxFrameBytes ?? MAX_PEER_FRAME_BYTES;
    this.#room = CHECKED_HEADER_BYTES + (o.token !== undefined ? TAG_BYTES : 0);
    for (const [id, addr] of o.peers) {
      if (id === o.id) continue;
      this.#links.set(id, {
        id,
        addr,
        conn: null,
        seal: null,
        frames: [],
        counts: [],
        queued: 0,
        writing: false,
        attempt: 0,
        timer: undefined,
        dropped: 0,
        lost: 0,
        connects: 0,
        lastLog: "",
      });
    }
  }

  /** Listens (throws if the address is taken) and starts dialing every peer. */
  static listen(o: PeerTransportOptions): PeerTransport {
    const listener = Deno.listen({ hostname: o.listen.hostname, port: o.listen.port });
    const t = new PeerTransport(o, listener);
    void t.#accept();
    for (const link of t.#links.values()) void t.#dial(link);
    return t;
  }

  /** Where this node listens (the real port when asked for port 0). */
  get address(): Address {
    const a = this.#listener.addr;
    return { hostname: a.hostname, port: a.port };
  }

  /** The ids of peers connected to us now (incoming links). */
  get inbound(): NodeId[] {
    return [...this.#inbound.keys()];
  }

  /**
   * Queues a batch for `to`; returns how many of its messages were dropped because the
   * queue was full (the last ones) or a message was over the frame limit (0 when all
   * fit). Unknown peers drop everything.
   */
  send(to: NodeId, batch: readonly WireDelivery[]): number {
    const link = this.#links.get(to);
    if (link === undefined || this.#closed) return batch.length;
    const room = this.#limit - link.queued;
    if (room <= 0) {
      link.dropped += batch.length;
      return batch.length;
    }
    const fits = batch.length <= room ? batch : batch.slice(0, room);
    let dropped = batch.length - fits.length;
    dropped += this.#enqueue(link, fits);
    link.dropped += dropped;
    if (link.conn !== null && !link.writing) void this.#write(link);
    return dropped;
  }

  /**
   * Queues `batch` as one frame, or, when that is over the frame limit, as halves; a
   * single message over the limit is dropped (the peer would refuse it and close the
   * link). Returns how many were dropped.
   */
  #enqueue(link: Link, batch: readonly WireDelivery[]): number {
    if (batch.length === 0) return 0;
    const encoded = encodeBatch(batch, this.#room);
    const size = encoded.length - this.#room;
    // A token's tag travels in the frame too.
    const max = this.#maxFrame - (this.#o.token !== undefined ? TAG_BYTES : 0);
    if (size > max) {
      if (batch.length === 1) {
        this.#o.log(
          `tcp ${this.#o.id}: dropped a message to ${link.id} of ${size} bytes: ` +
            `over the frame limit of ${max}`,
        );
        return 1;
      }
      const half = batch.length >> 1;
      return this.#enqueue(link, batch.slice(0, half)) + this.#enqueue(link, batch.slice(half));
    }
    link.frames.push(encoded);
    link.counts.push(batch.length);
    link.queued += batch.length;
    return 0;
  }

  /** Figures of the link to `to`. */
  stats(to: NodeId): PeerStats | undefined {
    const l = this.#links.get(to);
    if (l === undefined) return undefined;
    return {
      connected: l.conn !== null,
      queued: l.queued,
      dropped: l.dropped,
      lost: l.lost,
      connects: l.connects,
    };
  }

  /** Stops listening and dialing, closes every connection. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
    for (const l of this.#links.values()) {
      clearTimeout(l.timer);
      l.conn = null;
      l.seal = null;
    }
    for (const c of this.#open) closeQuietly(c);
    this.#open.clear();
    this.#inbound.clear();
  }

  // --- receiving ------------------------------------------------------------------

  async #accept(): Promise<void> {
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listener.accept();
      } catch {
        return; // closed
      }
      if (this.#closed) return closeQuietly(conn);
      this.#open.add(conn);
      void this.#serve(conn);
    }
  }

  async #serve(conn: Deno.TcpConn): Promise<void> {
    const who = `${conn.remoteAddr.hostname}:${conn.remoteAddr.port}`;
    // Until it is admitted a stranger gets small frames only: nothing of size is
    // buffered for a connection that has not proved anything.
    let reader = checkedFrameReader(HANDSHAKE_FRAME_BYTES);
    let admitted = false;
    let peer: NodeId | null = null;
    /** With a token: the handshake so far, while the dialer's proof is awaited. */
    let challenged: Transcript | null = null;
    let seal: FrameSeal | null = null;
    const helloMs = this.#o.helloTimeoutMs ?? 5_000;
    const timer = setTimeout(() => {
      if (peer === null) {
        this.#o.log(`tcp ${this.#o.id}: refused ${who}: no handshake within ${helloMs} ms`);
        closeQuietly(conn);
      }
    }, helloMs);
    // One buffer for every read: less garbage than a stream. The frames of a read are
    // decoded before the next one (the reader's views of it are then stale); the reader
    // copies only a frame's part that waits for the next read.
    const buf = new Uint8Array(READ_BYTES);
    try {
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        /** The messages of this read's frames: one batch for the node, not one per frame. */
        let got: WireDelivery[] | null = null;
        for (const payload of reader.push(buf.subarray(0, n))) {
          if (peer === null) {
            const step = await this.#greet(conn, who, payload, challenged);
            if (step === null) return;
            if ("challenged" in step) {
              challenged = step.challenged;
              continue;
            }
            ({ peer, seal } = step);
            clearTimeout(timer);
            continue;
          }
          let batch: WireDelivery[];
          try {
            // A frame whose tag fails is refused as such, not as undecodable.
            const data = seal === null ? payload : seal.open(payload);
            try {
              // The handshake names the sender: a frame cannot speak for another node.
              batch = decodeBatch(data, peer);
            } catch (e) {
              throw new Error(`undecodable message from ${peer}: ${message(e)}`);
            }
          } catch (e) {
            // The frames before the bad one are the node's, as when each went on its own.
            if (got !== null) this.#o.onBatch(peer, got);
            throw e;
          }
          if (got === null) got = batch;
          else for (let i = 0; i < batch.length; i++) got.push(batch[i]!);
        }
        if (got !== null) this.#o.onBatch(peer!, got);
        if (peer !== null && !admitted) {
          admitted = true;
          // A dialer waits for the welcome before it sends: nothing may be half-read here.
          if (reader.pending > 0) throw new Error("it sent frames before it was welcomed");
          reader = checkedFrameReader(this.#o.maxFrameBytes, { views: true });
        }
      }
    } catch (e) {
      if (!this.#closed) {
        const what = e instanceof FrameError ? `${e.kind}: ${e.message}` : message(e);
        this.#o.log(
          `tcp ${this.#o.id}: refused ${peer === null ? who : `${peer} (${who})`}: ${what}`,
        );
      }
    } finally {
      clearTimeout(timer);
      if (peer !== null && this.#inbound.get(peer) === conn) this.#inbound.delete(peer);
      this.#open.delete(conn);
      closeQuietly(conn);
    }
  }

  /**
   * Takes one handshake frame: a hello, or (with a token) the dialer's proof after our
   * challenge. Answers it; returns the peer once admitted, the transcript when a
   * challenge went out, null when refused.
   */
  async #greet(
    conn: Deno.TcpConn,
    who: string,
    payload: Uint8Array,
    challenged: Transcript | null,
  ): Promise<{ peer: NodeId; seal: FrameSeal | null } | { challenged: Transcript } | null> {
    let m: Handshake;
    try {
      m = deserialize(payload) as Handshake;
    } catch (e) {
      throw new Error(`undecodable handshake: ${message(e)}`);
    }
    const token = this.#o.token;
    if (challenged !== null) {
      if (m?.type === "reject") {
        // It found our proof wrong: the tokens differ.
        return this.#refuse(
          conn,
          who,
          `'${challenged.from}' does not share this cluster's token (it refused our proof)`,
        );
      }
      if (m?.type !== "proof") {
        return this.#refuse(conn, who, "the answer to the challenge is not a proof");
      }
      if (!proofHolds(token!, "dialer", challenged, m.proof)) {
        return this.#refuse(
          conn,
          who,
          `'${challenged.from}' has another token (its proof does not match)`,
        );
      }
      return this.#admit(conn, who, challenged.from, challenged.to, frameSeal(token!, challenged));
    }
    if (m?.type !== "hello" || typeof m.from !== "string" || typeof m.to !== "string") {
      return this.#refuse(conn, who, "the first frame is not a handshake");
    }
    const nonce = typeof m.nonce === "string" && /^[0-9a-f]{64}$/.test(m.nonce) ? m.nonce : null;
    if (token === undefined) {
      if (m.nonce !== undefined) {
        return this.#refuse(
          conn,
          who,
          `'${m.from}' has a token but '${this.#o.id}' has none (give every node the same --token)`,
        );
      }
      return this.#admit(conn, who, m.from, m.to, null);
    }
    if (nonce === null) {
      return this.#refuse(
        conn,
        who,
        `'${this.#o.id}' requires a token but '${m.from}' gave none (give every node the same --token)`,
      );
    }
    const t: Transcript = {
      from: m.from,
      to: m.to,
      dialerNonce: nonce,
      listenerNonce: freshNonce(),
    };
    await writeAll(
      conn,
      encodeCheckedFrame(
        serialize({
          type: "challenge",
          nonce: t.listenerNonce,
          proof: handshakeProof(token, "listener", t),
        }),
      ),
    );
    return { challenged: t };
  }

  /** Checks who a (proven) dialer says it is; welcomes it or refuses. */
  async #admit(
    conn: Deno.TcpConn,
    who: string,
    from: NodeId,
    to: NodeId,
    seal: FrameSeal | null,
  ): Promise<{ peer: NodeId; seal: FrameSeal | null } | null> {
    let reason: string | null = null;
    if (to !== this.#o.id) {
      reason = `it dialed node '${to}' but this is '${this.#o.id}'`;
    } else if (from === this.#o.id) {
      reason = `node id '${from}' collides with this node's own id`;
    } else if (!this.#links.has(from)) {
      reason = `node id '${from}' is not a peer (peers: ${[...this.#links.keys()].join(", ")})`;
    } else if (this.#inbound.has(from)) {
      const old = this.#inbound.get(from)!.remoteAddr;
      reason = `node id '${from}' collides: it is already connected from ` +
        `${old.hostname}:${old.port}`;
    }
    if (reason !== null) return this.#refuse(conn, who, reason);
    this.#inbound.set(from, conn);
    await writeAll(conn, encodeCheckedFrame(serialize({ type: "welcome" })));
    return { peer: from, seal };
  }

  /**
   * Logs why, tells the dialer, and gives up on the connection (the caller closes it). A
   * refused dialer redials with backoff: the same reason is logged again only after
   * {@link REFUSAL_QUIET_MS}.
   */
  async #refuse(conn: Deno.TcpConn, who: string, reason: string): Promise<null> {
    const now = performance.now();
    const last = this.#refusals.get(reason);
    if (last === undefined || now - last > REFUSAL_QUIET_MS) {
      this.#refusals.set(reason, now);
      if (this.#refusals.size > 256) this.#refusals.clear(); // reasons name ids: few
      this.#o.log(`tcp ${this.#o.id}: refused ${who}: ${reason}`);
    }
    await writeAll(conn, encodeCheckedFrame(serialize({ type: "reject", reason }))).catch(
      () => {},
    );
    return null;
  }

  // --- sending --------------------------------------------------------------------

  async #dial(link: Link): Promise<void> {
    link.timer = undefined;
    if (this.#closed) return;
    let conn: Deno.TcpConn | null = null;
    let seal: FrameSeal | null = null;
    try {
      conn = await Deno.connect({ hostname: link.addr.hostname, port: link.addr.port });
      if (this.#closed) return closeQuietly(conn);
      this.#open.add(conn);
      conn.setNoDelay(true);
      seal = await this.#handshake(conn, link.id);
    } catch (e) {
      if (conn !== null) {
        this.#open.delete(conn);
        closeQuietly(conn);
      }
      if (this.#closed) return;
      const line = `tcp ${this.#o.id}: cannot reach ${link.id} at ` +
        `${link.addr.hostname}:${link.addr.port}: ${message(e)}`;
      // A peer that is down is retried quietly: say each distinct reason once.
      if (line !== link.lastLog) this.#o.log(line);
      link.lastLog = line;
      return this.#redial(link);
    }
    link.conn = conn;
    link.seal = seal;
    link.attempt = 0;
    link.connects++;
    if (link.lastLog !== "" || link.connects > 1) {
      this.#o.log(`tcp ${this.#o.id}: link to ${link.id} is up`);
    }
    link.lastLog = "";
    // The listener sends nothing more: a read that ends means the link is gone.
    void (async () => {
      try {
        for await (const _ of conn.readable) { /* nothing is expected */ }
      } catch {
        // reset
      }
      this.#lose(link, conn);
    })();
    if (link.frames.length > 0 && !link.writing) void this.#write(link);
  }

  /** Says who we are (and, with a token, proves it); returns the frames' seal. */
  async #handshake(conn: Deno.TcpConn, to: NodeId): Promise<FrameSeal | null> {
    const token = this.#o.token;
    const from = this.#o.id;
    const nonce = token !== undefined ? freshNonce() : undefined;
    await writeAll(
      conn,
      encodeCheckedFrame(
        serialize({ type: "hello", from, to, ...(nonce !== undefined ? { nonce } : {}) }),
      ),
    );
    const answers = handshakeReader(conn, this.#o.helloTimeoutMs ?? 5_000);
    try {
      let answer = await answers.next();
      let seal: FrameSeal | null = null;
      if (answer.type === "challenge") {
        if (token === undefined || nonce === undefined) {
          throw new Error(`it requires a token and '${from}' has none (give every node --token)`);
        }
        const t: Transcript = {
          from,
          to,
          dialerNonce: nonce,
          listenerNonce: String(answer.nonce),
        };
        if (!proofHolds(token, "listener", t, answer.proof)) {
          const reason = "its token is not ours (its proof does not match)";
          // Said to the listener too, so both logs tell why.
          await writeAll(conn, encodeCheckedFrame(serialize({ type: "reject", reason })))
            .catch(() => {});
          throw new Error(reason);
        }
        await writeAll(
          conn,
          encodeCheckedFrame(
            serialize({ type: "proof", proof: handshakeProof(token, "dialer", t) }),
          ),
        );
        seal = frameSeal(token, t);
        answer = await answers.next();
      }
      if (answer.type === "reject") throw new Error(`it refused us: ${answer.reason}`);
      if (answer.type !== "welcome") throw new Error("it answered the handshake with nonsense");
      if (token !== undefined && seal === null) {
        throw new Error("it welcomed us without proving it knows the token");
      }
      return seal;
    } finally {
      answers.release();
    }
  }

  #redial(link: Link): void {
    if (this.#closed || link.timer !== undefined) return;
    const { baseMs, maxMs } = this.#o.backoff ?? { baseMs: 50, maxMs: 2_000 };
    const random = this.#o.random ?? Math.random;
    const ms = Math.min(maxMs, baseMs * 2 ** link.attempt) * (0.5 + 0.5 * random());
    link.attempt = Math.min(link.attempt + 1, 30);
    link.timer = setTimeout(() => void this.#dial(link), ms);
  }

  #lose(link: Link, conn: Deno.TcpConn): void {
    if (link.conn !== conn) return;
    link.conn = null;
    link.seal = null;
    this.#open.delete(conn);
    closeQuietly(conn);
    if (this.#closed) return;
    this.#o.log(`tcp ${this.#o.id}: link to ${link.id} lost; redialing`);
    this.#redial(link);
  }

  async #write(link: Link): Promise<void> {
    link.writing = true;
    try {
      while (link.conn !== null && link.frames.length > 0) {
        const conn = link.conn;
        const seal = link.seal;
        const frames = link.frames;
        const counts = link.counts;
        link.frames = [];
        link.counts = [];
        const n = counts.reduce((a, b) => a + b, 0);
        const room = this.#room;
        let bytes: Uint8Array;
        // Sealed now, in the order this connection carries them.
        if (frames.length === 1) {
          // The usual case: one batch, framed where it lies.
          const f = frames[0]!;
          bytes = checkedFrameInPlace(
            seal === null ? f.subarray(room - CHECKED_HEADER_BYTES) : f,
            seal === null ? undefined : seal.tag(f.subarray(room)),
          );
        } else {
          const payloads = frames.map((f) => f.subarray(room));
          bytes = seal === null
            ? encodeCheckedFrames(payloads)
            : encodeCheckedFrames(payloads, seal.tag);
        }
        try {
          await writeAll(conn, bytes);
        } catch {
          link.lost += n;
          link.queued -= n;
          this.#lose(link, conn);
          return;
        }
        link.queued -= n;
      }
    } finally {
      link.writing = false;
    }
  }
}

/** Reads the listener's answers to a handshake, one frame at a time, within `ms` in all. */
function handshakeReader(
  conn: Deno.TcpConn,
  ms: number,
): { next(): Promise<Handshake>; release(): void } {
  const reader = checkedFrameReader(64 * 1024);
  const r = conn.readable.getReader();
  const timer = setTimeout(() => r.cancel().catch(() => {}), ms);
  const ready: Uint8Array[] = [];
  return {
    async next(): Promise<Handshake> {
      while (ready.length === 0) {
        const { value, done } = await r.read();
        if (done) throw new Error("it closed the connection during the handshake");
        ready.push(...reader.push(value));
      }
      return deserialize(ready.shift()!) as Handshake;
    },
    release(): void {
      clearTimeout(timer);
      r.releaseLock();
    },
  };
}

async function writeAll(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += await conn.write(bytes.subarray(at));
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
}
