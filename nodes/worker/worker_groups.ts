/**
 * The main thread's side of Workers that host groups of nodes (`node_group.ts`): it
 * starts a group's Worker when its first node starts, connects every pair of group
 * Workers with a `MessageChannel` (the nodes' direct links), tells them which node lives
 * in which group and which nodes are down, and gives the cluster one {@link NodeWorker}
 * per node incarnation — so the cluster drives a node in a group exactly as a node in a
 * Worker of its own: a crash (`terminate`) stops that node only.
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import type { NodeWorker } from "../process/process_worker.ts";
import type { FromWorker, ToWorker } from "../worker_protocol.ts";
import type { FromGroup, ToGroup } from "./node_group.ts";

/** One node incarnation's handle, as the cluster sees it. */
interface Member extends NodeWorker {
  readonly gen: number;
}

/**
 * Group Workers of a cluster.
 *
 * @example
 * ```ts ignore
 * import { WorkerGroups } from "./worker_groups.ts";
 * const groups = new WorkerGroups(new URL("../worker_node.ts", import.meta.url));
 * groups.place("n1", 0);
 * const n1 = groups.attach("n1"); // then as a Worker: postMessage(init), onmessage, …
 * groups.close();
 * ```
 */
export class WorkerGroups {
  readonly #url: URL;
  readonly #workers = new Map<number, Worker>();
  readonly #groupOf = new Map<NodeId, number>();
  readonly #members = new Map<NodeId, Member>();
  readonly #down = new Set<NodeId>();
  #gen = 0;

  constructor(url: URL) {
    this.#url = url;
  }

  /** Group Workers running. */
  get workers(): number {
    return this.#workers.size;
  }

  /** The group of `node` (undefined: not placed). */
  groupOf(node: NodeId): number | undefined {
    return this.#groupOf.get(node);
  }

  /** Puts `node` in `group` (null: it left the cluster); every group Worker is told. */
  place(node: NodeId, group: number | null): void {
    if (group === null) this.#groupOf.delete(node);
    else this.#groupOf.set(node, group);
    this.#all({ type: "group-map", node, group });
  }

  /** Says whether `node` runs: what its peers send it while it is down is dropped. */
  setUp(node: NodeId, up: boolean): void {
    if (up === !this.#down.has(node)) return;
    if (up) this.#down.delete(node);
    else this.#down.add(node);
    this.#all({ type: "group-up", node, up });
  }

  /** A handle for a new incarnation of `node` (placed before), in its group's Worker. */
  attach(node: NodeId): NodeWorker {
    const group = this.#groupOf.get(node);
    if (group === undefined) throw new Error(`node ${node} has no group`);
    const worker = this.#worker(group);
    const gen = ++this.#gen;
    const member: Member = {
      gen,
      onmessage: null,
      onerror: null,
      onmessageerror: null,
      postMessage: (m: ToWorker) =>
        worker.postMessage({ type: "hosted", node, gen, m } satisfies ToGroup),
      terminate: () => {
        worker.postMessage({ type: "hosted", node, gen, m: { type: "kill" } } satisfies ToGroup);
        if (this.#members.get(node) === member) this.#members.delete(node);
      },
    };
    this.#members.set(node, member);
    return member;
  }

  /** Terminates every group Worker. */
  close(): void {
    for (const w of this.#workers.values()) w.terminate();
    this.#workers.clear();
    this.#members.clear();
  }

  #all(m: ToGroup): void {
    for (const w of this.#workers.values()) w.postMessage(m);
  }

  #worker(group: number): Worker {
    const existing = this.#workers.get(group);
    if (existing !== undefined) return existing;
    const worker = new Worker(this.#url, { type: "module", name: `group-${group}` });
    worker.postMessage(
      {
        type: "group",
        index: group,
        groups: Object.fromEntries(this.#groupOf),
        down: [...this.#down],
      } satisfies ToGroup,
    );
    for (const [g, other] of this.#workers) {
      const { port1, port2 } = new MessageChannel();
      other.postMessage({ type: "group-port", group, port: port1 } satisfies ToGroup, [port1]);
      worker.postMessage({ type: "group-port", group: g, port: port2 } satisfies ToGroup, [port2]);
    }
    this.#workers.set(group, worker);
    worker.onmessage = (e: MessageEvent<FromGroup>) => {
      const m = e.data;
      const member = this.#members.get(m.node);
      if (member?.gen === m.gen) member.onmessage?.({ data: m.m } as MessageEvent<FromWorker>);
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault(); // every node of the group fails; the main thread goes on
      for (const [node, member] of [...this.#members]) {
        if (this.#groupOf.get(node) === group) member.onerror?.(e);
      }
    };
    worker.onmessageerror = (e: MessageEvent) => {
      for (const [node, member] of [...this.#members]) {
        if (this.#groupOf.get(node) === group) member.onmessageerror?.(e);
      }
    };
    return worker;
  }
}
