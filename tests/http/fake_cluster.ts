/**
 * A fake cluster for API tests: instant, scriptable, and recording every call, so each
 * test can check both what the API answered and that a rejected request changed nothing.
 */

import type { EventHubOptions } from "../../http/event_hub.ts";
import { createVirtualClock, type VirtualClock } from "../../resilience/virtual_clock.ts";
import type { NodeId, NodeStatus, Reply } from "../../protocols/node.ts";
import { jsonEqual } from "../../protocols/kv.ts";
import { Network } from "../../nodes/faults/network.ts";
import type { TraceEvent } from "../../nodes/trace.ts";
import type { CounterSnapshot } from "../../nodes/worker/link_counters.ts";
import type { ClockState, EventOptions, NodeInfo } from "../../nodes/worker_cluster.ts";
import type { ClusterControl } from "../../http/cluster_control.ts";
import type { ByzantineMode } from "../../nodes/faults/byzantine.ts";
import { type Api, type ApiOptions, createApi } from "../../http/app.ts";
import { fail } from "../../protocols/reply.ts";

export type Handler = (
  node: NodeId,
  op: Record<string, unknown>,
  client: number,
  signal?: AbortSignal,
) => Reply | Promise<Reply>;

/** A Raft-like fake: `leader` serves a KV map, followers answer "not leader" with a hint. */
export class FakeCluster implements ClusterControl {
  protocol: string;
  #nodes: NodeId[];
  readonly network: Network;
  readonly calls: string[] = [];
  readonly requests: { node: NodeId; op: Record<string, unknown>; client: number }[] = [];
  readonly up: Set<NodeId>;
  readonly paused = new Set<NodeId>();
  readonly data = new Map<string, unknown>();
  readonly clocks = new Map<NodeId, ClockState>();
  readonly byzantine = new Map<NodeId, ByzantineMode>();
  readonly listeners = new Map<(e: TraceEvent) => void, boolean>();
  leader: NodeId | null = "n1";
  term = 3;
  suspects: Record<NodeId, NodeId[]> = {};
  failRestart = false;
  handler: Handler;
  #t = 0;

  constructor(o: { protocol?: string; nodes?: NodeId[] } = {}) {
    this.protocol = o.protocol ?? "raft-kv";
    this.#nodes = o.nodes ?? ["n1", "n2", "n3"];
    this.network = new Network(this.#nodes, () => 0.5);
    this.up = new Set(this.#nodes);
    this.handler = (node, op) => this.kv(node, op);
  }

  get nodes(): readonly NodeId[] {
    return this.#nodes;
  }

  now(): number {
    return this.#t += 1;
  }

  /** The default handler: a KV store at the leader. */
  kv(node: NodeId, op: Record<string, unknown>): Reply {
    if (typeof op.f === "string" && ["add-node", "remove-node", "transfer"].includes(op.f)) {
      if (node !== this.leader) return this.notLeader();
      if (op.f === "transfer") this.leader = op.node as string;
      return { type: "ok" };
    }
    if (node !== this.leader) return this.notLeader();
    const key = String(op.key);
    switch (op.f) {
      case "read":
        return { type: "ok", value: this.data.get(key) ?? null };
      case "write":
        this.data.set(key, op.value);
        return { type: "ok" };
      case "delete":
        this.data.delete(key);
        return { type: "ok" };
      case "cas": {
        const [expected, value] = op.value as [unknown, unknown];
        if (!jsonEqual(this.data.get(key) ?? null, expected)) {
          return fail("precondition-failed", "cas mismatch");
        }
        this.data.set(key, value);
        return { type: "ok" };
      }
    }
    return fail("malformed-request", "bad op");
  }

  notLeader(): Reply {
    return this.leader === null
      ? fail("not-leader", "not leader")
      : fail("not-leader", "not leader", { leader: this.leader });
  }

  status(node: NodeId): NodeStatus {
    if (!this.up.has(node)) return { role: "crashed" };
    return {
      role: node === this.leader ? "leader" : "follower",
      term: this.term,
      commitIndex: 7,
      leader: this.leader,
      suspects: this.suspects[node] ?? [],
    };
  }

  info(node: NodeId): Promise<NodeInfo> {
    const up = this.up.has(node);
    return Promise.resolve({
      id: node,
      up,
      paused: this.paused.has(node),
      status: this.status(node),
      lastSeenMs: up ? 5 : null,
      byzantine: this.byzantineMode(node),
    });
  }

  statuses(): Promise<NodeInfo[]> {
    return Promise.all(this.#nodes.map((n) => this.info(n)));
  }

  crash(node: NodeId): void {
    this.calls.push(`crash ${node}`);
    this.up.delete(node);
    this.paused.delete(node);
  }

  restart(node: NodeId): Promise<void> {
    this.calls.push(`restart ${node}`);
    if (this.failRestart) return Promise.reject(new Error(`node ${node} failed: disk full\nstack`));
    this.up.add(node);
    return Promise.resolve();
  }

  pause(node: NodeId): void {
    this.calls.push(`pause ${node}`);
    this.paused.add(node);
  }

  resume(node: NodeId): void {
    this.calls.push(`resume ${node}`);
    this.paused.delete(node);
  }

  async request(node: NodeId, op: unknown, client: number, signal?: AbortSignal): Promise<Reply> {
    const o = op as Record<string, unknown>;
    this.requests.push({ node, op: o, client });
    if (!this.up.has(node)) return fail("node-down", `node ${node} is down`);
    return await this.handler(node, o, client, signal);
  }

  clock(node: NodeId): ClockState {
    return this.clocks.get(node) ?? { skewMs: 0, drift: 0 };
  }

  setClock(node: NodeId, change: { skew?: number; drift?: number }): void {
    this.calls.push(`clock ${node} ${JSON.stringify(change)}`);
    const c = this.clock(node);
    this.clocks.set(node, { skewMs: change.skew ?? c.skewMs, drift: change.drift ?? c.drift });
  }

  /** As the real cluster: sets the mode and publishes a `fault` event. */
  setByzantine(node: NodeId, mode: ByzantineMode | null): void {
    this.calls.push(`byzantine ${node} ${mode ?? "honest"}`);
    if (mode === null) this.byzantine.delete(node);
    else this.byzantine.set(node, mode);
    this.emit({ time: this.now(), kind: "fault", node, data: { byzantine: mode ?? "honest" } });
  }

  byzantineMode(node: NodeId): ByzantineMode | null {
    return this.byzantine.get(node) ?? null;
  }

  counters(): CounterSnapshot {
    const link = { sent: 4, delivered: 3, dropped: 1, duplicated: 0 };
    return { ...link, links: { "n1>n2": link } };
  }

  onEvent(listener: (e: TraceEvent) => void, options: EventOptions = {}): () => void {
    this.listeners.set(listener, options.messages ?? true);
    return () => this.listeners.delete(listener);
  }

  /** Emits an event as the real cluster would (message-level only to those who asked). */
  emit(e: TraceEvent): void {
    const message = ["send", "deliver", "drop", "duplicate", "request", "reply"].includes(e.kind);
    for (const [l, messages] of this.listeners) if (messages || !message) l(e);
  }

  inject(to: NodeId, from: NodeId, body: unknown): void {
    this.calls.push(`inject ${from}->${to} ${JSON.stringify(body)}`);
  }

  addNode(id: NodeId, options: Readonly<Record<string, unknown>> = {}): Promise<void> {
    this.calls.push(`add ${id} ${JSON.stringify(options)}`);
    this.#nodes = [...this.#nodes, id];
    this.up.add(id);
    return Promise.resolve();
  }

  removeNode(id: NodeId): Promise<void> {
    this.calls.push(`remove ${id}`);
    this.#nodes = this.#nodes.filter((n) => n !== id);
    this.up.delete(id);
    return Promise.resolve();
  }
}

/** An API over a fake cluster with a virtual clock; close it at the end of the test. */
export function fakeApi(
  o: {
    protocol?: string;
    nodes?: NodeId[];
    token?: string;
    maxBody?: number;
    events?: EventHubOptions;
    /** More API options (limits); `gateway` is merged over the test defaults. */
    options?: ApiOptions;
  } = {},
): {
  fake: FakeCluster;
  api: Api;
  clock: VirtualClock;
  req: (path: string, init?: RequestInit) => Promise<Response>;
} {
  const fake = new FakeCluster(o);
  const clock = createVirtualClock();
  const api = createApi(fake, {
    clock,
    ...(o.token !== undefined ? { token: o.token } : {}),
    ...(o.maxBody !== undefined ? { maxBody: o.maxBody } : {}),
    ...(o.events !== undefined ? { events: o.events } : {}),
    ...o.options,
    gateway: { timeoutMs: 1000, failures: 3, openWaitMs: 1000, ...o.options?.gateway },
  });
  const req = (path: string, init?: RequestInit) => Promise.resolve(api.app.request(path, init));
  return { fake, api, clock, req };
}

/** Everything a rejected request must leave alone. */
export function snapshot(fake: FakeCluster, api: Api): string {
  return JSON.stringify({
    network: fake.network.state(),
    calls: fake.calls,
    requests: fake.requests.length,
    nodes: fake.nodes,
    up: [...fake.up],
    paused: [...fake.paused],
    data: [...fake.data],
    clocks: [...fake.clocks],
    byzantine: [...fake.byzantine],
    history: api.context.history.jsonl(),
  });
}

export const json = (body: unknown, method = "POST"): RequestInit => ({
  method,
  body: typeof body === "string" ? body : JSON.stringify(body),
  headers: { "content-type": "application/json" },
});

/** The problem body of a response, after checking its content type and status. */
export async function problemOf(res: Response, status: number): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  if (res.headers.get("content-type") !== "application/problem+json") {
    throw new Error(`not a problem: ${res.headers.get("content-type")} ${text}`);
  }
  const p = JSON.parse(text);
  if (p.status !== status || typeof p.title !== "string" || typeof p.type !== "string") {
    throw new Error(`malformed problem: ${text}`);
  }
  return p;
}
