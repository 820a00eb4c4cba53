/**
 * How the HTTP front end calls a node: through a per-node circuit breaker, bulkhead and
 * timeout (`resilience/`, composed breaker ∘ bulkhead ∘ timeout), so that a
 * crashed or paused node is answered fast instead of piling requests up.
 *
 * - **timeout**: a call that gets no reply within `timeoutMs` fails with a
 *   `TimeoutError` (outcome unknown); the request is withdrawn, so one still held by a
 *   paused node is never delivered.
 * - **bulkhead**: at most `maxConcurrent` calls to one node at a time, `maxQueue` more
 *   waiting; beyond that a call is refused at once (`BulkheadRejectedError`).
 * - **breaker**: `failures` failures in a row (timeouts, "node is down", a node that died
 *   holding the request) open it; while open, calls are refused at once with a
 *   `CircuitOpenError` whose `retryAfterMs` says when trials resume. A protocol's own
 *   refusal (`not leader`, `cas mismatch`) is an answer, so it counts as a success.
 *
 * @module
 */

import { ERROR } from "../protocols/errors.ts";
import type { NodeId, Reply } from "../protocols/node.ts";
import type { Clock } from "../resilience/clock.ts";
import { Bulkhead } from "../resilience/bulkhead.ts";
import {
  CircuitBreaker,
  type CircuitState,
  type TransitionReason,
} from "../resilience/circuit_breaker.ts";
import { withTimeout } from "../resilience/timeout.ts";
import type { ClusterControl } from "./cluster_control.ts";

/**
 * Limits of the per-node policies.
 *
 * @example
 * ```ts
 * import type { GatewayOptions } from "./node_gateway.ts";
 * const fastFail: GatewayOptions = { timeoutMs: 500, failures: 2, openWaitMs: 1000 };
 * ```
 */
export interface GatewayOptions {
  /** Milliseconds a node has to answer (default 2000). */
  readonly timeoutMs?: number;
  /** Consecutive failures that open a node's breaker (default 3). */
  readonly failures?: number;
  /** Time open before one trial call (default 1000; doubles on each reopening, up to 10 s). */
  readonly openWaitMs?: number;
  /** Calls to one node at a time (default 256). */
  readonly maxConcurrent?: number;
  /** Calls waiting for a slot (default 1024). */
  readonly maxQueue?: number;
}

/**
 * A breaker state change, for events and metrics.
 *
 * @example
 * ```ts
 * import type { BreakerChange } from "./node_gateway.ts";
 * const c: BreakerChange = { node: "n2", from: "closed", to: "open", reason: "consecutive_failures" };
 * ```
 */
export interface BreakerChange {
  readonly node: NodeId;
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly reason: TransitionReason;
}

/** A reply that means the node itself failed (down, died holding the request). */
class NodeFailure extends Error {
  readonly reply: Reply;
  constructor(reply: Reply) {
    super(reply.type === "ok" ? "ok" : reply.error);
    this.reply = reply;
  }
}

interface Guard {
  readonly breaker: CircuitBreaker;
  readonly bulkhead: Bulkhead;
}

/**
 * Calls nodes through their resilience policies.
 *
 * @example
 * ```ts ignore
 * import { NodeGateway } from "./node_gateway.ts";
 * import { createRealClock } from "../nodes/real_clock.ts";
 * const gateway = new NodeGateway(cluster, createRealClock({ unref: true }));
 * const reply = await gateway.call("n1", { f: "read", key: "x" }, 7);
 * gateway.breakerState("n1"); // "closed"
 * ```
 */
export class NodeGateway {
  readonly #cluster: ClusterControl;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #failures: number;
  readonly #openWaitMs: number;
  readonly #maxConcurrent: number;
  readonly #maxQueue: number;
  readonly #guards = new Map<NodeId, Guard>();
  readonly #listeners = new Set<(c: BreakerChange) => void>();

  /** Guards calls to `cluster`'s nodes, timing them on `clock`. */
  constructor(cluster: ClusterControl, clock: Clock, options: GatewayOptions = {}) {
    this.#cluster = cluster;
    this.#clock = clock;
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#failures = options.failures ?? 3;
    this.#openWaitMs = options.openWaitMs ?? 1000;
    this.#maxConcurrent = options.maxConcurrent ?? 256;
    this.#maxQueue = options.maxQueue ?? 1024;
  }

  /** Milliseconds a node has to answer. */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /**
   * Sends `op` to `node` and resolves with its reply (`fail` and `info` replies
   * included). Rejects with `CircuitOpenError` or `BulkheadRejectedError` when the call
   * was refused without reaching the node, and with `TimeoutError` when it got no answer.
   */
  async call(node: NodeId, op: unknown, client: number): Promise<Reply> {
    const { breaker, bulkhead } = this.#guard(node);
    try {
      return await breaker.execute(() =>
        bulkhead.execute(() =>
          withTimeout(this.#clock, this.#timeoutMs, async ({ signal }) => {
            const reply = await this.#cluster.request(node, op, client, signal);
            if (
              reply.type === "info" ||
              (reply.type === "fail" && reply.code === ERROR["node-down"])
            ) {
              throw new NodeFailure(reply);
            }
            return reply;
          })
        )
      );
    } catch (e) {
      if (e instanceof NodeFailure) return e.reply;
      throw e;
    }
  }

  /** A node's breaker state (`closed` for a node never called). */
  breakerState(node: NodeId): CircuitState {
    return this.#guards.get(node)?.breaker.state ?? "closed";
  }

  /** Calls running and queued for a node. */
  load(node: NodeId): { active: number; queued: number } {
    const b = this.#guards.get(node)?.bulkhead;
    return { active: b?.active ?? 0, queued: b?.queued ?? 0 };
  }

  /** Listens to breaker state changes; returns the function that stops listening. */
  onBreakerChange(listener: (c: BreakerChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Forgets a removed node's policies. */
  forget(node: NodeId): void {
    this.#guards.delete(node);
  }

  /** Closes every node's breaker again (e.g. after a node restarts). */
  reset(node: NodeId): void {
    this.#guards.get(node)?.breaker.reset();
  }

  #guard(node: NodeId): Guard {
    let g = this.#guards.get(node);
    if (g === undefined) {
      const breaker = new CircuitBreaker({
        clock: this.#clock,
        window: { type: "consecutive", failures: this.#failures },
        openWaitMs: this.#openWaitMs,
        openWaitMultiplier: 2,
        maxOpenWaitMs: 10_000,
        halfOpenCalls: 1,
        maxHalfOpenMs: this.#timeoutMs * 2,
        // Timers move open → half-open on time, so /cluster and the events show it.
        automaticTransitions: true,
      });
      breaker.onStateChange((from, to, reason) => {
        for (const l of this.#listeners) l({ node, from, to, reason });
      });
      const bulkhead = new Bulkhead({
        maxConcurrent: this.#maxConcurrent,
        maxQueue: this.#maxQueue,
        queueTimeoutMs: this.#timeoutMs,
        clock: this.#clock,
      });
      g = { breaker, bulkhead };
      this.#guards.set(node, g);
    }
    return g;
  }
}
