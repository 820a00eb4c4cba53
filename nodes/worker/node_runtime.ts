/**
 * What runs inside a node's Worker: one {@link NodeHost} with a real-time clock (skew and
 * drift applied), a seeded PRNG, its storage, and a real tick timer. It is the real-time
 * twin of one node of the simulator, kept apart from the Worker entry so that it can be
 * driven directly (with fake timers) in tests.
 *
 * Group commit: every input of one batch from the router is processed, then the storage
 * is synced once, then one output goes back with all the effects. With a file store the
 * sync is asynchronous; the effects of a batch are taken before the sync starts and
 * posted after it resolves, in batch order, so nothing leaves before its writes are on disk
 * — except messages the protocol sent `beforeSync` (a Raft leader's AppendEntries), which
 * are posted at once, before the fsync; once the sync resolves the node gets its
 * `synced(mark)` input, if it asked for one.
 *
 * @module
 */

import { type HostStorage, StorageFault } from "../../protocols/storage.ts";
import { createRng } from "../../protocols/random.ts";
import { localTime, type NodeClock } from "../faults/clock_skew.ts";
import { NodeHost } from "../node_host.ts";
import { openFileStore } from "../storage/file_store.ts";
import { FileFaults } from "../storage/file_faults.ts";
import type {
  DeliveryReport,
  FromWorker,
  InitMessage,
  InputsMessage,
  OutputMessage,
  ToWorker,
} from "../worker_protocol.ts";
import { loadProtocol } from "./load_protocol.ts";
import { MirroredDisk } from "./mirrored_disk.ts";

/** Storage a runtime can own: a file store also closes. */
type OwnedStorage = HostStorage & { close?: () => Promise<void> };

/** True time in ms, shared (to within a millisecond) by the main thread and every Worker. */
function trueNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * One node running in real time.
 *
 * @example
 * ```ts
 * import { NodeRuntime } from "./node_runtime.ts";
 * import type { FromWorker } from "../worker_protocol.ts";
 * const posted: FromWorker[] = [];
 * const rt = await NodeRuntime.start({
 *   type: "init", id: "n1", peers: ["n2"], protocol: "heartbeat", options: {}, seed: 1,
 *   clock: { skew: 0, drift: 0, anchor: 0 }, storage: { kind: "memory", entries: [] },
 *   paused: true, tracing: false,
 * }, (m) => posted.push(m));
 * rt.handle({ type: "status", id: 1 });
 * posted.at(-1)?.type; // "status"
 * await rt.close();
 * ```
 */
export class NodeRuntime {
  readonly #host: NodeHost;
  readonly #post: (m: FromWorker) => void;
  readonly #tickMs: number;
  /** The mirrored in-memory disk, or null with a file store. */
  readonly #disk: MirroredDisk | null;
  /** The file store's fault layer, or null in memory. */
  #diskFaults: FileFaults | null = null;
  readonly #storage: OwnedStorage;
  /** The node reads its clock through this box so `clock` messages take effect at once. */
  readonly #clockRef: { clock: NodeClock };
  #tracing: boolean;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** Outputs waiting for their asynchronous sync, in order. */
  #chain: Promise<void> = Promise.resolve();
  /** No more inputs: closing, or failed. */
  #stopped = false;
  #failed = false;

  private constructor(
    host: NodeHost,
    storage: OwnedStorage,
    disk: MirroredDisk | null,
    init: InitMessage,
    tickMs: number,
    post: (m: FromWorker) => void,
    clockRef: { clock: NodeClock },
  ) {
    this.#host = host;
    this.#storage = storage;
    this.#disk = disk;
    this.#post = post;
    this.#tickMs = tickMs;
    this.#tracing = init.tracing;
    this.#clockRef = clockRef;
  }

  /**
   * Loads the protocol, opens the storage, creates the node, posts `ready` and the
   * effects of creating it, and starts ticking (unless `init.paused`). Throws on failure.
   */
  static async start(init: InitMessage, post: (m: FromWorker) => void): Promise<NodeRuntime> {
    const protocol = await loadProtocol(init.protocol);
    let storage: OwnedStorage;
    let disk: MirroredDisk | null = null;
    let faults: FileFaults | null = null;
    if (init.storage.kind === "memory") {
      disk = new MirroredDisk(init.storage.entries);
      storage = disk;
    } else {
      // Its own random source: injecting faults must not change the protocol's draws.
      const diskRng = createRng(`${init.seed}:disk`);
      faults = new FileFaults(
        () => diskRng.next(),
        init.storage.faults,
        (kind) => post({ type: "disk-fault", kind }),
      );
      storage = await openFileStore(init.storage.dir, init.id, { faults });
    }
    const clockRef = { clock: init.clock };
    const rng = createRng(init.seed);
    let host: NodeHost;
    try {
      host = new NodeHost(protocol, {
        id: init.id,
        peers: init.peers,
        options: { ...protocol.liveOptions, ...init.options },
        storage,
        now: () => localTime(clockRef.clock, trueNow()),
        random: () => rng.next(),
        clocks: init.clocks,
        vectorClocks: init.vectorClocks ?? true,
      });
    } catch (e) {
      await storage.close?.();
      throw e;
    }
    const rt = new NodeRuntime(host, storage, disk, init, protocol.tickMs, post, clockRef);
    rt.#diskFaults = faults;
    post({ type: "ready", protocol: protocol.name, tickMs: protocol.tickMs });
    rt.#flush(null, false);
    if (!init.paused) rt.#startTicking();
    return rt;
  }

  /** Handles one message from the main thread (everything but `init` and `close`). */
  handle(m: ToWorker): void {
    if (this.#stopped) return;
    switch (m.type) {
      case "inputs":
        return this.#inputs(m);
      case "pause":
        return this.#stopTicking();
      case "resume":
        return this.#startTicking();
      case "clock":
        this.#clockRef.clock = m.clock;
        return;
      case "tracing":
        this.#tracing = m.on;
        return;
      case "disk":
        this.#diskFaults?.set(m.setting);
        return;
      case "status":
        return this.#guard(() =>
          this.#post({ type: "status", id: m.id, status: this.#host.status() })
        );
      case "log":
        return this.#guard(() =>
          this.#post({ type: "log", id: m.id, page: this.#host.log(m.from, m.limit) })
        );
      case "init":
      case "close":
      case "kill":
        return; // handled by the Worker entry
      case "faults":
      case "byzantine":
      case "peer":
      case "mirrored":
        return; // for a host that sends to its peers itself (direct_node.ts, nodes/tcp/)
    }
  }

  /** Stops ticking and taking inputs, posts the outputs still waiting for their sync, closes the storage. */
  async close(): Promise<void> {
    this.#stopTicking();
    this.#stopped = true;
    await this.#chain;
    await this.#storage.close?.();
  }

  /**
   * Stops at once, as a crash does: no more ticks, inputs or outputs (those waiting for
   * their sync are dropped), and the storage closed without a sync (`abandon`), so what
   * was not yet synced is lost. For a node that shares its Worker with others, whose
   * crash cannot be the Worker's end.
   */
  async kill(): Promise<void> {
    this.#stopTicking();
    this.#stopped = true;
    this.#failed = true; // outputs still waiting for a sync are never posted
    const storage = this.#storage as OwnedStorage & { abandon?: () => Promise<void> };
    await (storage.abandon?.() ?? storage.close?.());
  }

  /** The node's current clock (for tests). */
  get clock(): NodeClock {
    return this.#clockRef.clock;
  }

  #inputs(m: InputsMessage): void {
    const host = this.#host;
    const delivered: DeliveryReport[] | null = this.#tracing ? [] : null;
    this.#guard(() => {
      for (const d of m.deliveries) {
        host.deliver(d.from, d.body, d.lamport, d.vclock);
        delivered?.push(
          d.vc === undefined
            ? {
              from: d.from,
              body: d.body,
              lamport: host.lamport,
              vclock: host.vclock,
              sent: d.lamport,
            }
            : {
              from: d.from,
              body: d.body,
              lamport: host.lamport,
              vclock: host.vclock,
              sent: d.lamport,
              vc: host.vc,
              vcFrom: d.vc,
            },
        );
      }
      if (m.requests.length > 0) host.requests(m.requests);
      this.#flush(delivered, m.deliveries.length + m.requests.length > 0);
    });
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#guard(() => {
      this.#host.tick();
      this.#flush(null, false);
    });
  }

  /**
   * One sync, then one output with every effect since the last flush; messages sent
   * `beforeSync` go first, in an output of their own posted before the sync.
   */
  #flush(delivered: DeliveryReport[] | null, hadInputs: boolean): void {
    const host = this.#host;
    const synced = host.storage.sync();
    const writes = this.#disk === null ? null : this.#disk.takeSynced();
    const mark = host.takeSyncMark();
    if (
      !hadInputs && writes === null && host.outbox.length === 0 && host.replies.length === 0 &&
      host.emitted.length === 0 && host.early.length === 0 && mark === null
    ) return; // an idle tick: nothing to say
    if (host.early.length > 0) {
      // Their safety does not rest on this node's unsynced writes: they need not wait.
      this.#post({
        type: "output",
        writes: null,
        messages: host.early,
        replies: [],
        emitted: [],
        delivered,
        clocks: host.clocks(),
      });
      host.early = [];
      delivered = null;
    }
    const out: OutputMessage = {
      type: "output",
      writes,
      messages: host.outbox,
      replies: host.replies,
      emitted: host.emitted,
      delivered,
      clocks: host.clocks(),
    };
    host.outbox = [];
    host.replies = [];
    host.emitted = [];
    if (typeof synced === "number") {
      this.#post(out);
      if (mark !== null) this.#synced(mark);
      return;
    }
    // A file store: post only once this batch's writes are on disk, after earlier batches.
    this.#chain = this.#chain.then(() => synced).then(
      () => {
        if (this.#failed) return;
        this.#post(out);
        if (mark !== null && !this.#stopped) this.#synced(mark);
      },
      (e) => this.#fail(e),
    );
  }

  /** Input: the writes up to `mark` are on disk. */
  #synced(mark: number): void {
    this.#guard(() => {
      this.#host.synced(mark);
      this.#flush(null, false);
    });
  }

  #guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#fail(e);
    }
  }

  /** The protocol threw or the disk failed: stop and let the main thread crash the node. */
  #fail(e: unknown): void {
    if (this.#failed) return;
    this.#stopTicking();
    this.#stopped = true;
    this.#failed = true;
    this.#post(
      e instanceof StorageFault
        ? { type: "failed", error: oneLine(e), storageFault: e.kind }
        : { type: "failed", error: oneLine(e) },
    );
  }

  #startTicking(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#timer = setInterval(() => this.#tick(), this.#tickMs);
  }

  #stopTicking(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * The first line of an error's message.
 *
 * @example
 * ```ts
 * import { oneLine } from "./node_runtime.ts";
 * oneLine(new Error("bad\nstack")); // "bad"
 * ```
 */
export function oneLine(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.split("\n")[0] ?? s;
}
