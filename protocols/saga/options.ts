/**
 * Options of the saga protocol, with defaults.
 *
 * @module
 */

import type { Backoff } from "../../resilience/backoff.ts";

/**
 * Parsed saga options.
 *
 * @example
 * ```ts
 * import { type SagaOptions, sagaOptions } from "./options.ts";
 * const o: SagaOptions = sagaOptions({ stepAttempts: 3 });
 * o.stepAttempts; // 3
 * ```
 */
export interface SagaOptions {
  readonly style: "orchestrated" | "choreographed";
  /** Backoff between retries of a step or compensation (and of bus requests). */
  readonly retry: Backoff;
  /** How long to wait for an answer before backing off and retrying. */
  readonly replyTimeoutMs: number;
  /**
   * The orchestrator gives a step this many attempts before treating it as failed and
   * compensating (0: retry for ever). Compensations are always retried for ever.
   */
  readonly stepAttempts: number;
  /** The choreography's topic. */
  readonly topic: string;
}

/**
 * Reads the saga options, filling in defaults; throws on a bad value.
 *
 * @example
 * ```ts
 * import { sagaOptions } from "./options.ts";
 * sagaOptions({}).style; // "orchestrated"
 * sagaOptions({ style: "choreographed" }).topic; // "saga"
 * ```
 */
export function sagaOptions(raw: Readonly<Record<string, unknown>>): SagaOptions {
  const style = raw.style ?? "orchestrated";
  if (style !== "orchestrated" && style !== "choreographed") {
    throw new Error(`option style must be "orchestrated" or "choreographed"`);
  }
  const stepAttempts = raw.stepAttempts ?? 8;
  if (!Number.isInteger(stepAttempts) || (stepAttempts as number) < 0) {
    throw new Error("option stepAttempts must be a non-negative integer");
  }
  return {
    style,
    retry: (raw.retry as Backoff | undefined) ??
      { type: "exponential", baseMs: 50, capMs: 1000, jitter: "full" },
    replyTimeoutMs: Number(raw.replyTimeoutMs ?? 100),
    stepAttempts: stepAttempts as number,
    topic: String(raw.topic ?? "saga"),
  };
}
