import type { NodeContext, NodeId, Reply, TraceData } from "../../protocols/node.ts";
import type { DurableStorage } from "../../protocols/storage.ts";

/**
 * An in-memory storage for unit tests (every write is durable at once).
 *
 * @example
 * ```ts
 * import { memoryStorage } from "./fake_ctx.ts";
 * const s = memoryStorage();
 * s.set("a", 1);
 * [...s.data.keys()]; // ["a"]
 * ```
 */
export function memoryStorage(): DurableStorage & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: (k) => data.get(k),
    set: (k, v) => void data.set(k, v),
    delete: (k) => void data.delete(k),
    keys: (p = "") => [...data.keys()].filter((k) => k.startsWith(p)).sort(),
  };
}

/**
 * A node context that records what the node does, with a settable clock.
 *
 * @example
 * ```ts
 * import { fakeCtx, type FakeContext } from "./fake_ctx.ts";
 * const f: FakeContext<string> = fakeCtx<string>("n1", ["n2"]);
 * f.ctx.send("n2", "hello");
 * f.sent; // [{ to: "n2", m: "hello" }]
 * ```
 */
export interface FakeContext<M> {
  readonly ctx: NodeContext<M>;
  readonly sent: { to: NodeId; m: M }[];
  readonly replies: { id: number; reply: Reply }[];
  readonly emitted: { kind: string; data?: TraceData }[];
  readonly storage: ReturnType<typeof memoryStorage>;
  time: number;
}

/**
 * A recording node context for `id` with `peers`; set `time` to move its clock.
 *
 * @example
 * ```ts
 * import { fakeCtx } from "./fake_ctx.ts";
 * const f = fakeCtx<string>("n1", ["n2"]);
 * f.time = 100;
 * f.ctx.now(); // 100
 * ```
 */
export function fakeCtx<M>(
  id: NodeId,
  peers: readonly NodeId[],
  options: Record<string, unknown> = {},
  storage = memoryStorage(),
): FakeContext<M> {
  const f: FakeContext<M> = {
    sent: [],
    replies: [],
    emitted: [],
    storage,
    time: 0,
    ctx: undefined as unknown as NodeContext<M>,
  };
  let seed = 1;
  (f as { ctx: NodeContext<M> }).ctx = {
    id,
    peers,
    options,
    storage,
    now: () => f.time,
    random: () => (seed = (seed * 16807) % 2147483647) / 2147483647,
    send: (to, m) => void f.sent.push({ to, m }),
    // Unused by the transaction protocols; every write here is durable at once anyway.
    whenSynced: () => undefined,
    reply: (rid, reply) => void f.replies.push({ id: rid, reply }),
    emit: (kind, data) => void f.emitted.push({ kind, data }),
  };
  return f;
}
