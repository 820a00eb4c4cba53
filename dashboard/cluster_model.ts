/**
 * The state the live view draws, rebuilt from what it has played: polls of the
 * cluster (`cluster-state` events, authoritative) and, between polls, trace events (roles,
 * elections, votes, commits, crashes, pauses, Byzantine modes, deliveries), so the view moves event by
 * event when slowed down or stepped. Where the nodes' status declares an election
 * timeout window (`electionTimeoutMs`), it also follows each node's election timer:
 * reset whenever the node hears from a leader of its term, grants a vote or campaigns,
 * so the page can count down to the next election. What a protocol shows is its
 * descriptor's `display`, as `GET /cluster` serves it.
 *
 * @module
 */

import type { TraceEvent } from "../nodes/trace.ts";
import type { ClusterShape, NodeViewShape } from "../http/api_schemas.ts";
import { DEFAULT_DISPLAY, type ProtocolDisplay } from "../protocols/display.ts";
type NetworkState = ClusterShape["network"];

/**
 * A follower's replication progress at the leader.
 *
 * @example
 * ```ts
 * import type { Progress } from "./cluster_model.ts";
 * const p: Progress = { match: 6, next: 7, state: "replicate" };
 * ```
 */
export type Progress = { readonly match: number; readonly next: number; readonly state: string };

/**
 * One node as the view shows it.
 *
 * @example
 * ```ts
 * import type { NodeState } from "./cluster_model.ts";
 * import { ClusterModel } from "./cluster_model.ts";
 * const n: NodeState | undefined = new ClusterModel().node("n1"); // undefined before a poll
 * ```
 */
export type NodeState = {
  readonly id: string;
  up: boolean;
  paused: boolean;
  /** How the node lies (`equivocate`, `lie`, `silent`, `replay`), or null: correct. */
  byzantine: NodeViewShape["byzantine"];
  role: string;
  term: number | null;
  commitIndex: number | null;
  lastIndex: number | null;
  applied: number | null;
  leader: string | null;
  votedFor: string | null;
  progress: Readonly<Record<string, Progress>> | null;
  status: Readonly<Record<string, unknown>>;
  suspectedBy: readonly string[];
  breaker: NodeViewShape["breaker"];
  lastSeenMs: number | null;
  /** The election timeout window [min, max) ms the node's status declares, if any. */
  electionTimeoutMs: readonly [number, number] | null;
  timerAt: number | null;
  lastEvent: string;
};

/**
 * Where a node's election timer stands: ms since it was reset, and the window
 * [min, max) in which it fires.
 *
 * @example
 * ```ts
 * import type { ElectionWindow } from "./cluster_model.ts";
 * const w: ElectionWindow = { elapsed: 120, min: 1000, max: 2000 };
 * ```
 */
export type ElectionWindow = {
  readonly elapsed: number;
  readonly min: number;
  readonly max: number;
};

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}
function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {};
}
function emptyNode(id: string): NodeState {
  return {
    id,
    up: true,
    paused: false,
    byzantine: null,
    role: "unknown",
    term: null,
    commitIndex: null,
    lastIndex: null,
    applied: null,
    leader: null,
    votedFor: null,
    progress: null,
    status: {},
    suspectedBy: [],
    breaker: "closed",
    lastSeenMs: null,
    electionTimeoutMs: null,
    timerAt: null,
    lastEvent: "",
  };
}

/**
 * The view's cluster state.
 *
 * @example
 * ```ts
 * import { ClusterModel } from "./cluster_model.ts";
 * const m = new ClusterModel();
 * m.apply({ time: 5, kind: "role", node: "n2", data: { role: "leader", term: 3 } });
 * m.node("n2")?.role; // "leader"
 * m.leader; // "n2"
 * ```
 */
export class ClusterModel {
  protocol = "";
  /** How the protocol shows its nodes (its descriptor's `display`). */
  display: ProtocolDisplay = DEFAULT_DISPLAY;
  /** The server's time at the last poll (Unix ms), for columns of a wall-clock time. */
  wallClockMs: number | null = null;
  nodes: string[] = [];
  leader: string | null = null;
  network: NetworkState = { rules: [], blocks: [] };
  clocks: Record<string, { skewMs: number; drift: number }> = {};
  /** Messages sent, delivered, dropped, duplicated (from the last poll). */
  counters: ClusterShape["counters"] = {};
  /** Bumped on every change, so views redraw only when needed. */
  version = 0;
  #byId: Map<string, NodeState> = new Map();
  #timers = false;
  #logs = false;

  /** Whether the nodes declare an election timeout window (and so run election timers). */
  get timers(): boolean {
    return this.#timers;
  }

  /** Whether the nodes declare a log (a numeric `lastIndex` in their status). */
  get logs(): boolean {
    return this.#logs;
  }
  node(id: string): NodeState | undefined {
    return this.#byId.get(id);
  }

  /** @returns every node, in order */
  all(): NodeState[] {
    return this.nodes.map((id) => (this.#byId.get(id) as NodeState));
  }

  /**
   * Takes in one played event.
   */
  apply(e: TraceEvent): void {
    if (e.kind === "cluster-state") {
      this.#snapshot(e.data as ClusterShape);
      return;
    }
    const n = this.#byId.get(e.node);
    if (n === undefined) return;
    const d = obj(e.data);
    switch (e.kind) {
      case "role": {
        const role = str(d.role);
        if (role === null) return;
        n.role = role;
        n.term = num(d.term) ?? n.term;
        if (role === "leader") {
          n.leader = n.id;
          this.leader = n.id;
          n.timerAt = null;
        } else {
          if (this.leader === n.id) this.leader = null;
          n.timerAt = e.time;
        }
        break;
      }
      case "election":
        n.role = d.pre === true ? "pre-candidate" : "candidate";
        if (d.pre !== true) n.term = num(d.term) ?? n.term;
        if (this.leader === n.id) this.leader = null;
        n.leader = null;
        n.timerAt = e.time;
        break;
      case "vote":
        if (d.granted !== true) return;
        n.timerAt = e.time;
        if (d.pre !== true) n.votedFor = str(d.to);
        break;
      case "commit":
        n.commitIndex = num(d.index) ?? n.commitIndex;
        if (n.lastIndex !== null && n.commitIndex !== null && n.lastIndex < n.commitIndex) {
          n.lastIndex = n.commitIndex;
        }
        break;
      case "deliver":
        if (!this.#heardLeader(n, e)) return;
        break;
      case "send":
        if (!this.#appended(n, e)) return;
        break;
      case "crash":
        n.up = false;
        n.paused = false;
        n.role = "crashed";
        n.timerAt = null;
        n.progress = null;
        if (this.leader === n.id) this.leader = null;
        break;
      case "restart":
        n.up = true;
        n.role = this.#timers ? "follower" : "unknown";
        n.leader = null;
        n.timerAt = e.time;
        break;
      case "pause":
        n.paused = true;
        break;
      case "resume":
        n.paused = false;
        break;
      case "fault": {
        // Only a Byzantine mode is a node's own state; other faults come with the poll.
        const mode = d.byzantine;
        if (typeof mode !== "string") return;
        n.byzantine = mode === "honest" ? null : mode as NonNullable<NodeState["byzantine"]>;
        break;
      }
      default:
        return;
    }
    n.lastEvent = e.kind;
    this.version++;
  }

  /**
   * The election timer of `id` at cluster time `at`, or null when it has none running
   * (a leader, a crashed node, a protocol whose nodes declare no election timeout).
   */
  electionWindow(id: string, at: number): ElectionWindow | null {
    const n = this.#byId.get(id);
    if (n === undefined || !n.up || n.role === "leader" || n.timerAt === null) return null;
    const w = n.electionTimeoutMs;
    return w === null ? null : { elapsed: Math.max(0, at - n.timerAt), min: w[0], max: w[1] };
  }

  /**
   * An append, heartbeat or snapshot of the current term resets the receiver's timer.
   */
  #heardLeader(n: NodeState, e: TraceEvent) {
    if (!this.#timers) return false;
    const b = obj(e.body);
    const type = str(b.type);
    const term = num(b.term);
    // The protocol's display names the messages that tell a follower its leader is alive.
    const fromLeader = this.display.leaderMessages ?? [];
    if (type === null || !fromLeader.includes(type) || term === null || e.peer === undefined) {
      return false;
    }
    if (n.term !== null && term < n.term) return false;
    n.term = term;
    n.leader = e.peer;
    if (n.role !== "follower" && n.role !== "learner") n.role = "follower";
    n.timerAt = e.time;
    if (type === "append") this.#seen(n, b);
    return true;
  }

  /**
   * A leader's appends tell how long its log is, before the next poll does.
   */
  #appended(n: NodeState, e: TraceEvent) {
    if (!this.#logs) return false;
    const b = obj(e.body);
    if (b.type !== "append") return false;
    return this.#seen(n, b);
  }
  #seen(n: NodeState, append: Record<string, unknown>) {
    const entries = Array.isArray(append.entries) ? append.entries : [];
    const last = num(obj(entries[entries.length - 1]).index);
    if (last === null || (n.lastIndex !== null && last <= n.lastIndex)) return false;
    n.lastIndex = last;
    return true;
  }
  #snapshot(c: ClusterShape) {
    this.protocol = c.protocol;
    this.display = c.display;
    this.wallClockMs = c.wallClockMs;
    this.#timers = false;
    this.#logs = false;
    this.leader = c.leader;
    this.network = c.network ?? { rules: [], blocks: [] };
    this.clocks = c.clocks ?? {};
    this.counters = c.counters;
    const ids = c.nodes.map((v) => v.id);
    for (const id of [...this.#byId.keys()]) if (!ids.includes(id)) this.#byId.delete(id);
    this.nodes = ids;
    for (const v of c.nodes) {
      let n = this.#byId.get(v.id);
      if (n === undefined) {
        n = emptyNode(v.id);
        this.#byId.set(v.id, n);
      }
      const st = v.status ?? {};
      // A node with election timers reports their window; one with a log, its length.
      const window = st.electionTimeoutMs;
      const timed = Array.isArray(window) && typeof window[0] === "number" &&
        typeof window[1] === "number";
      // A crashed node reports nothing: it keeps its window for when it restarts.
      if (timed) n.electionTimeoutMs = [window[0], window[1]];
      else if (v.up) n.electionTimeoutMs = null;
      if (timed) this.#timers = true;
      if (typeof st.lastIndex === "number") this.#logs = true;
      const wasUp = n.up;
      n.up = v.up;
      n.paused = v.paused;
      n.byzantine = v.byzantine ?? null;
      n.role = v.up ? (v.role ?? "unknown") : "crashed";
      n.term = v.term;
      n.commitIndex = v.commitIndex;
      n.lastIndex = num(st.lastIndex);
      n.applied = num(st.applied);
      n.leader = v.leader;
      n.votedFor = str(st.votedFor);
      n.progress = st.progress !== undefined ? (st.progress as Record<string, Progress>) : null;
      n.status = st;
      n.suspectedBy = v.suspectedBy ?? [];
      n.breaker = v.breaker;
      n.lastSeenMs = v.lastSeenMs;
      if (!v.up || n.role === "leader") n.timerAt = null;
      else if (!wasUp) n.timerAt = null;
    }
    this.version++;
  }
}
