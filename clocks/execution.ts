/**
 * Replays a small execution — local events, sends (possibly to several peers) and
 * receipts — with Lamport and vector clocks, so a textbook space-time diagram can be
 * checked number by number, and its pairs of events classified as happened-before or
 * concurrent.
 *
 * @module
 */

import { lamportReceive, lamportSend, lamportTick, type MulticastCounting } from "./lamport.ts";
import {
  type Ordering,
  type VectorClock,
  vectorCompare,
  vectorMerge,
  vectorTick,
} from "./vector.ts";

/**
 * One step of an execution. A `send` names its message `id`; a `receive` takes the copy
 * of that message addressed to its node.
 *
 * @example
 * ```ts
 * import type { ExecutionStep } from "./execution.ts";
 * const steps: ExecutionStep[] = [
 *   { node: "A", kind: "send", id: "m1", to: ["B"] },
 *   { node: "B", kind: "receive", id: "m1" },
 * ];
 * ```
 */
export type ExecutionStep =
  | { readonly node: string; readonly kind: "local"; readonly label?: string }
  | {
    readonly node: string;
    readonly kind: "send";
    readonly id: string;
    readonly to: readonly string[];
    readonly label?: string;
  }
  | {
    readonly node: string;
    readonly kind: "receive";
    readonly id: string;
    readonly label?: string;
  };

/**
 * One event of a replayed execution with its clocks. A multicast counted per
 * destination is one step but several events (one per copy).
 *
 * @example
 * ```ts
 * import type { ClockedEvent } from "./execution.ts";
 * const e: ClockedEvent = { node: "A", kind: "send", label: "A sends m1", lamport: 1, vector: { A: 1 } };
 * ```
 */
export interface ClockedEvent {
  readonly node: string;
  readonly kind: ExecutionStep["kind"];
  readonly label: string;
  readonly lamport: number;
  readonly vector: VectorClock;
}

/**
 * Replays `steps` in order. Every node starts at Lamport 0 and an empty vector. A
 * receive must come after its send; a message is received at most once per peer.
 *
 * @param steps the execution, in an order consistent with causality
 * @param counting how a send to several peers is counted (default `per-destination`)
 * @returns the events with their clocks, in the order they happened
 *
 * @example
 * ```ts
 * import { replayExecution } from "./execution.ts";
 * const events = replayExecution([
 *   { node: "A", kind: "send", id: "m", to: ["B", "C"] },
 *   { node: "B", kind: "receive", id: "m" },
 * ], "one-event");
 * events.map((e) => e.lamport); // [1, 2]
 * ```
 */
export function replayExecution(
  steps: readonly ExecutionStep[],
  counting: MulticastCounting = "per-destination",
): ClockedEvent[] {
  const lamport = new Map<string, number>();
  const vector = new Map<string, VectorClock>();
  // In-flight copies: message id → destination → the stamps it carries.
  const inFlight = new Map<string, Map<string, { lamport: number; vector: VectorClock }>>();
  const events: ClockedEvent[] = [];
  for (const step of steps) {
    const l = lamport.get(step.node) ?? 0;
    const v = vector.get(step.node) ?? {};
    if (step.kind === "local") {
      lamport.set(step.node, lamportTick(l));
      vector.set(step.node, vectorTick(v, step.node));
      events.push(event(step, step.label ?? `${step.node} local`, lamportTick(l), vector));
    } else if (step.kind === "send") {
      const stamps = lamportSend(l, step.to.length, counting);
      const copies = new Map<string, { lamport: number; vector: VectorClock }>();
      let cur = v;
      step.to.forEach((to, i) => {
        if (i === 0 || counting === "per-destination") cur = vectorTick(cur, step.node);
        copies.set(to, { lamport: stamps[i]!, vector: cur });
        if (i === 0 || counting === "per-destination") {
          vector.set(step.node, cur);
          const label = step.label ?? `${step.node} sends ${step.id}`;
          const to1 = counting === "per-destination" && step.to.length > 1 ? ` to ${to}` : "";
          events.push(event(step, label + to1, stamps[i]!, vector));
        }
      });
      lamport.set(step.node, stamps.at(-1) ?? l);
      inFlight.set(step.id, copies);
    } else {
      const copy = inFlight.get(step.id)?.get(step.node);
      if (copy === undefined) {
        throw new Error(`${step.node} receives ${step.id}, which was not sent to it`);
      }
      inFlight.get(step.id)!.delete(step.node);
      lamport.set(step.node, lamportReceive(l, copy.lamport));
      vector.set(step.node, vectorTick(vectorMerge(v, copy.vector), step.node));
      const label = step.label ?? `${step.node} receives ${step.id}`;
      events.push(event(step, label, lamport.get(step.node)!, vector));
    }
  }
  return events;
}

function event(
  step: ExecutionStep,
  label: string,
  lamport: number,
  vectors: ReadonlyMap<string, VectorClock>,
): ClockedEvent {
  return { node: step.node, kind: step.kind, label, lamport, vector: vectors.get(step.node)! };
}

/**
 * How two events of one execution relate: by their vectors (`before`, `after`,
 * `concurrent`, `equal`) and whether their Lamport times alone would suggest an order.
 *
 * @example
 * ```ts
 * import type { EventPair } from "./execution.ts";
 * const p: EventPair = { a: "A1", b: "B3", ordering: "before", lamportLess: true };
 * ```
 */
export interface EventPair {
  readonly a: string;
  readonly b: string;
  readonly ordering: Ordering;
  /** L(a) < L(b). */
  readonly lamportLess: boolean;
}

/**
 * Classifies every pair of `events` (each unordered pair once, earlier index first).
 *
 * @example
 * ```ts
 * import { classifyPairs, replayExecution } from "./execution.ts";
 * const events = replayExecution([{ node: "A", kind: "local" }, { node: "B", kind: "local" }]);
 * classifyPairs(events)[0]!.ordering; // "concurrent"
 * ```
 */
export function classifyPairs(events: readonly ClockedEvent[]): EventPair[] {
  const pairs: EventPair[] = [];
  for (let i = 0; i < events.length; i++) {
    for (let j = i + 1; j < events.length; j++) {
      const a = events[i]!, b = events[j]!;
      pairs.push({
        a: a.label,
        b: b.label,
        ordering: vectorCompare(a.vector, b.vector),
        lamportLess: a.lamport < b.lamport,
      });
    }
  }
  return pairs;
}
