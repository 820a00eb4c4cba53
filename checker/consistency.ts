/**
 * Which consistency models a history satisfies, named as on jepsen.io/consistency:
 * `linearizable`, `sequential` (checked per key, with a bounded search), `causal` (across
 * keys: no read returns a value its causal past overwrote, plus PRAM and
 * writes-follow-reads), the session guarantees (`PRAM`, `read-your-writes`,
 * `monotonic-reads`, `monotonic-writes`, `writes-follow-reads`, per key) and `eventual`
 * (convergence of final replica states).
 *
 * Re-exports the causal, session and convergence checks, so this module is the one place
 * to import consistency checks from.
 *
 * @module
 */

import type { HistoryEvent } from "../history/event.ts";
import type { Operation } from "../history/operations.ts";
import type { NodeId } from "../protocols/node.ts";
import type { CheckBudget } from "./budget.ts";
import { checkConvergence, type ConvergenceResult } from "./convergence.ts";
import { checkLinearizability, type LinearizabilityResult } from "./linearizability.ts";
import type { AnyModel } from "./model.ts";
import { modelByName } from "./models.ts";
import { asOperations } from "./parts.ts";
import { checkSequential, type SequentialResult } from "./sequential.ts";
import { checkSessionGuarantees, type SessionCheckResult } from "./session.ts";
import { type CausalResult, checkCausal } from "./causal.ts";

export { type CausalResult, type CausalViolation, checkCausal } from "./causal.ts";

export { checkConvergence, type ConvergenceResult, type Divergence } from "./convergence.ts";
export {
  checkMonotonicReads,
  checkMonotonicWrites,
  checkReadYourWrites,
  checkSessionGuarantees,
  checkWritesFollowReads,
  SESSION_GUARANTEES,
  type SessionCheckResult,
  type SessionGuarantee,
  type SessionViolation,
} from "./session.ts";

/**
 * The consistency models {@link classifyHistory} reports, strongest first.
 *
 * @example
 * ```ts
 * import type { ConsistencyModelName } from "./consistency.ts";
 * const weakest: ConsistencyModelName = "eventual";
 * ```
 */
export type ConsistencyModelName =
  | "linearizable"
  | "sequential"
  | "causal"
  | "PRAM"
  | "read-your-writes"
  | "monotonic-reads"
  | "monotonic-writes"
  | "writes-follow-reads"
  | "eventual";

/**
 * One model's verdict. `not-checked` means the check was skipped or too costly.
 *
 * @example
 * ```ts
 * import type { ConsistencyCheck } from "./consistency.ts";
 * const c: ConsistencyCheck = { model: "monotonic-reads", status: "pass", detail: "no violation found" };
 * ```
 */
export interface ConsistencyCheck {
  readonly model: ConsistencyModelName;
  readonly status: "pass" | "fail" | "unknown" | "not-checked";
  /** One line: why, or the violation's explanation. */
  readonly detail: string;
}

/**
 * Options of {@link classifyHistory}.
 *
 * @example
 * ```ts
 * import type { ClassifyOptions } from "./consistency.ts";
 * const opts: ClassifyOptions = { model: "kv", sequentialBudget: { maxSteps: 10_000 } };
 * ```
 */
export interface ClassifyOptions {
  /** The sequential model, or its name (default `kv`). */
  readonly model?: AnyModel | string;
  /** Budget for the linearizability check (default: unlimited). */
  readonly budget?: CheckBudget;
  /**
   * A linearizability result already computed for this history with this model (e.g.
   * under a timeout); it is reused instead of checking again.
   */
  readonly linearizability?: LinearizabilityResult;
  /** Budget for the sequential check (default 200,000 steps); beyond it, `not-checked`. */
  readonly sequentialBudget?: CheckBudget;
  /** Each replica's final key/value contents after heal and quiescence, for `eventual`. */
  readonly finalReads?: Readonly<Record<NodeId, Readonly<Record<string, unknown>>>>;
}

/**
 * The full report of {@link classifyHistory}.
 *
 * @example
 * ```ts
 * import type { Classification } from "./consistency.ts";
 * function summary(c: Classification): string {
 *   return c.strongest.join(" + ") || "none";
 * }
 * ```
 */
export interface Classification {
  /**
   * The strongest models that hold: `["linearizable"]`, else `["sequential"]`, else
   * `["causal"]`, else `["PRAM"]` (plus `writes-follow-reads` if it holds), else the
   * session guarantees that hold, else `["eventual"]` if replicas converged, else `[]`.
   */
  readonly strongest: ConsistencyModelName[];
  /** Every model's verdict, strongest first. */
  readonly checks: ConsistencyCheck[];
  readonly linearizability: LinearizabilityResult;
  readonly sequential?: SequentialResult;
  readonly sessions: SessionCheckResult[];
  readonly causal: CausalResult;
  readonly convergence?: ConvergenceResult;
}

const DEFAULT_SEQUENTIAL_STEPS = 200_000;

/**
 * Checks `history` against each model and reports the strongest that hold. Since
 * linearizability implies sequential consistency, the sequential search only runs when
 * the history is not (known to be) linearizable.
 *
 * @example
 * ```ts
 * import { classifyHistory } from "./consistency.ts";
 * const c = classifyHistory([
 *   { process: 0, type: "invoke", f: "write", key: "x", value: 1, time: 0 },
 *   { process: 0, type: "ok", f: "write", key: "x", value: 1, time: 10 },
 *   { process: 1, type: "invoke", f: "read", key: "x", time: 20 },
 *   { process: 1, type: "ok", f: "read", key: "x", value: null, time: 30 },
 * ]);
 * c.strongest; // ["sequential"]: a stale read by another session
 * ```
 */
export function classifyHistory(
  history: readonly HistoryEvent[] | readonly Operation[],
  opts: ClassifyOptions = {},
): Classification {
  const model = typeof opts.model === "string" || opts.model === undefined
    ? modelByName(opts.model ?? "kv")
    : opts.model;
  const ops = asOperations(history);
  const checks: ConsistencyCheck[] = [];

  const lin = opts.linearizability ?? checkLinearizability(ops, model, opts.budget);
  checks.push(
    lin.verdict === "linearizable"
      ? { model: "linearizable", status: "pass", detail: `linearizable (${lin.steps} steps)` }
      : lin.verdict === "not-linearizable"
      ? { model: "linearizable", status: "fail", detail: lin.counterexample.explanation }
      : { model: "linearizable", status: "unknown", detail: lin.reason },
  );

  let seq: SequentialResult | undefined;
  const perKey = model.partition !== undefined ? " (per key)" : "";
  if (lin.verdict === "linearizable") {
    checks.push({ model: "sequential", status: "pass", detail: "implied by linearizable" });
  } else {
    seq = checkSequential(
      ops,
      model,
      opts.sequentialBudget ?? { maxSteps: DEFAULT_SEQUENTIAL_STEPS },
    );
    checks.push(
      seq.verdict === "sequential"
        ? { model: "sequential", status: "pass", detail: `sequential${perKey}` }
        : seq.verdict === "not-sequential"
        ? { model: "sequential", status: "fail", detail: seq.explanation }
        : {
          model: "sequential",
          status: "not-checked",
          detail: `bounded search gave up: ${seq.reason}`,
        },
    );
  }

  const sessions = checkSessionGuarantees(ops);
  const byName = new Map(sessions.map((s) => [s.guarantee, s]));
  const causal = checkCausal(ops);
  checks.push(causalCheck(causal, byName.get("PRAM")!, byName.get("writes-follow-reads")!));
  for (const name of ["PRAM", ...SESSION_ORDER] as const) {
    const s = byName.get(name)!;
    const skipped = s.skipped > 0
      ? `; ${s.skipped} read(s) named no unique write and were skipped`
      : "";
    checks.push(
      s.ok
        ? { model: name, status: "pass", detail: `no violation found (per key)${skipped}` }
        : { model: name, status: "fail", detail: s.violations[0].explanation },
    );
  }

  let convergence: ConvergenceResult | undefined;
  if (opts.finalReads === undefined) {
    checks.push({
      model: "eventual",
      status: "not-checked",
      detail: "no final replica reads given",
    });
  } else {
    convergence = checkConvergence(opts.finalReads);
    const nodes = Object.keys(opts.finalReads).length;
    checks.push(
      convergence.converged
        ? { model: "eventual", status: "pass", detail: `all ${nodes} replicas agree on every key` }
        : {
          model: "eventual",
          status: "fail",
          detail: `replicas disagree on ${convergence.divergent.length} key(s), e.g. ` +
            JSON.stringify(convergence.divergent[0]),
        },
    );
  }

  const pass = (m: ConsistencyModelName) =>
    checks.some((c) => c.model === m && c.status === "pass");
  let strongest: ConsistencyModelName[];
  if (pass("linearizable")) strongest = ["linearizable"];
  else if (pass("sequential")) strongest = ["sequential"];
  else if (pass("causal")) strongest = ["causal"];
  else if (pass("PRAM")) {
    strongest = pass("writes-follow-reads") ? ["PRAM", "writes-follow-reads"] : ["PRAM"];
  } else strongest = SESSION_ORDER.filter(pass);
  if (strongest.length === 0 && pass("eventual")) strongest = ["eventual"];

  const result: Classification = { strongest, checks, linearizability: lin, sessions, causal };
  return {
    ...result,
    ...(seq ? { sequential: seq } : {}),
    ...(convergence ? { convergence } : {}),
  };
}

/** Causal consistency: the cross-key check, and the per-key guarantees it implies. */
function causalCheck(
  c: CausalResult,
  pram: SessionCheckResult,
  wfr: SessionCheckResult,
): ConsistencyCheck {
  if (!c.checked) {
    return {
      model: "causal",
      status: "not-checked",
      detail: `${c.operations} operations: above the causal check's limit`,
    };
  }
  if (!c.ok) return { model: "causal", status: "fail", detail: c.violations[0]!.explanation };
  for (const s of [pram, wfr]) {
    if (!s.ok) {
      return {
        model: "causal",
        status: "fail",
        detail: `implies ${s.guarantee}, which fails: ${s.violations[0]!.explanation}`,
      };
    }
  }
  const skipped = c.skipped > 0
    ? `; ${c.skipped} read(s) named no unique write and were skipped`
    : "";
  return {
    model: "causal",
    status: "pass",
    detail: `no read returns a value overwritten in its causal past (across keys)${skipped}`,
  };
}

const SESSION_ORDER = [
  "read-your-writes",
  "monotonic-reads",
  "monotonic-writes",
  "writes-follow-reads",
] as const;
