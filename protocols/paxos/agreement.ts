/**
 * The agreement invariant of consensus: no two learners ever learn different values
 * for the same instance. The checker reads every node's learn journal and remembers the
 * first value seen for each instance; any later, different value is a violation. It is
 * cheap enough to run after every simulated step (`sim.afterStep`).
 *
 * @module
 */

import type { InvariantChecker, NodeId } from "../node.ts";
import { jsonEqual } from "../kv.ts";
import { journalOf } from "./learn_journal.ts";

/**
 * The part of a simulation the checker needs: node ids and white-box node access.
 *
 * @example
 * ```ts
 * import type { ClusterView } from "./agreement.ts";
 * // A simulation is one; so is a hand-made view for a test.
 * const view: ClusterView = { nodes: ["n1"], host: () => null };
 * ```
 */
export interface ClusterView {
  readonly nodes: readonly NodeId[];
  host(node: NodeId): { readonly node: unknown } | null;
}

/**
 * A disagreement: two nodes learned different values for one instance.
 *
 * @example
 * ```ts
 * import type { AgreementViolation } from "./agreement.ts";
 * const v: AgreementViolation = {
 *   instance: 4,
 *   first: { node: "n1", value: "a" },
 *   second: { node: "n3", value: "b" },
 * };
 * ```
 */
export interface AgreementViolation {
  readonly instance: number;
  readonly first: { readonly node: NodeId; readonly value: unknown };
  readonly second: { readonly node: NodeId; readonly value: unknown };
}

/**
 * A running agreement check.
 *
 * @example
 * ```ts
 * import { createAgreementChecker } from "./agreement.ts";
 * const checker = createAgreementChecker({ nodes: [], host: () => null });
 * checker.check().length; // 0
 * ```
 */
export interface AgreementChecker {
  /** Reads what every node learned since the last call; returns the violations found so far. */
  check(): readonly AgreementViolation[];
  /** Instances decided so far (across all nodes). */
  readonly decided: ReadonlyMap<number, unknown>;
  /** Learn events examined so far. */
  observed(): number;
}

/**
 * Creates a checker over `cluster`. Call `check()` after every step.
 *
 * @example
 * ```ts
 * import { createAgreementChecker } from "./agreement.ts";
 * const checker = createAgreementChecker({ nodes: [], host: () => null });
 * checker.check(); // []
 * ```
 */
export function createAgreementChecker(cluster: ClusterView): AgreementChecker {
  const decided = new Map<number, { node: NodeId; value: unknown }>();
  const values = new Map<number, unknown>();
  // Per node object, so a restarted node (a new object) is read from its start.
  const seen = new WeakMap<object, number>();
  const violations: AgreementViolation[] = [];
  let observed = 0;
  return {
    decided: values,
    observed: () => observed,
    check() {
      for (const id of cluster.nodes) {
        const node = cluster.host(id)?.node;
        const j = journalOf(node);
        if (j === undefined || node === null || typeof node !== "object") continue;
        const done = seen.get(node) ?? 0;
        const fresh = j.total - done;
        if (fresh <= 0) continue;
        if (fresh > j.entries.length) {
          throw new Error(
            `agreement checker: ${id} learned ${fresh} values since the last check ` +
              `but keeps only ${j.entries.length}; check more often`,
          );
        }
        seen.set(node, j.total);
        for (let k = j.entries.length - fresh; k < j.entries.length; k++) {
          const [instance, value] = j.entries[k]!;
          observed++;
          const first = decided.get(instance);
          if (first === undefined) {
            decided.set(instance, { node: id, value });
            values.set(instance, value);
          } else if (!jsonEqual(first.value, value)) {
            violations.push({ instance, first, second: { node: id, value } });
          }
        }
      }
      return violations;
    },
  };
}

/**
 * Installs the checker to run after every step of a simulation-like object and throw
 * on the first violation, naming the instance and both values.
 *
 * @example
 * ```ts
 * import { checkAgreementAfterEveryStep } from "./agreement.ts";
 * const hooks: (() => void)[] = [];
 * const checker = checkAgreementAfterEveryStep({
 *   nodes: [], host: () => null, afterStep: (fn: () => void) => void hooks.push(fn),
 * });
 * hooks.length; // 1
 * checker.check(); // []
 * ```
 */
export function checkAgreementAfterEveryStep(
  sim: ClusterView & { afterStep(fn: () => void): void },
): AgreementChecker {
  const checker = createAgreementChecker(sim);
  sim.afterStep(() => {
    const v = checker.check();
    if (v.length > 0) throw new Error(describeViolation(v[0]!));
  });
  return checker;
}

/**
 * One line describing a violation.
 *
 * @example
 * ```ts
 * import { describeViolation } from "./agreement.ts";
 * describeViolation({
 *   instance: 3, first: { node: "n1", value: "a" }, second: { node: "n2", value: "b" },
 * }); // 'agreement violated at instance 3: n1 learned "a", n2 learned "b"'
 * ```
 */
export function describeViolation(v: AgreementViolation): string {
  return `agreement violated at instance ${v.instance}: ${v.first.node} learned ` +
    `${JSON.stringify(v.first.value)}, ${v.second.node} learned ${JSON.stringify(v.second.value)}`;
}

/**
 * Paxos agreement as a protocol invariant (`Protocol.invariants`): no two nodes learn
 * different values for one instance, checked over the live nodes after every step.
 *
 * @example
 * ```ts
 * import { agreementInvariants } from "./agreement.ts";
 * const check = agreementInvariants();
 * check(new Map()); // []
 * ```
 */
export function agreementInvariants(): InvariantChecker {
  let ids: NodeId[] = [];
  let current: ReadonlyMap<NodeId, unknown> = new Map();
  const checker = createAgreementChecker({
    get nodes() {
      return ids;
    },
    host: (id) => current.has(id) ? { node: current.get(id) } : null,
  });
  return (nodes) => {
    ids = [...nodes.keys()];
    current = nodes;
    return checker.check().map(describeViolation);
  };
}
