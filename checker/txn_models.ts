/**
 * The transactional consistency models of the jepsen.io map that the anomalies found
 * here can rule out, how they are ordered, and which anomalies each forbids (Adya's
 * definitions, as Elle applies them). In these workloads every anti-dependency is on an
 * item (there are no predicates), so repeatable read (PL-2.99) forbids exactly what
 * serializability (PL-3) forbids. Monotonic atomic view, between snapshot isolation and
 * read committed, needs a check not made here, so it is not named.
 *
 * Where this differs from Elle: a transaction whose reads contradict its own earlier
 * reads and writes (`internal`), a read of a value nobody wrote, and a reply that does
 * not answer its request rule out every model here, read uncommitted included (no
 * history in Adya's sense can hold them); Elle lets `internal` stand below snapshot
 * isolation.
 *
 * @module
 */

import type { AnomalyType } from "./txn_anomalies.ts";

/**
 * A model this checker can name.
 *
 * @example
 * ```ts
 * import type { TxnModel } from "./txn_models.ts";
 * const m: TxnModel = "snapshot-isolation";
 * ```
 */
export type TxnModel =
  | "strict-serializable"
  | "serializable"
  | "repeatable-read"
  | "snapshot-isolation"
  | "cursor-stability"
  | "read-committed"
  | "read-uncommitted";

/**
 * Each model's immediate weaker models on the jepsen.io map.
 *
 * @example
 * ```ts
 * import { WEAKER } from "./txn_models.ts";
 * WEAKER["serializable"]; // ["repeatable-read", "snapshot-isolation"]
 * ```
 */
export const WEAKER: Readonly<Record<TxnModel, readonly TxnModel[]>> = {
  "strict-serializable": ["serializable"],
  "serializable": ["repeatable-read", "snapshot-isolation"],
  "repeatable-read": ["cursor-stability"],
  "snapshot-isolation": ["read-committed"], // through monotonic atomic view
  "cursor-stability": ["read-committed"],
  "read-committed": ["read-uncommitted"],
  "read-uncommitted": [],
};

/**
 * The models, strongest first (each after every model stronger than it).
 *
 * @example
 * ```ts
 * import { TXN_MODELS } from "./txn_models.ts";
 * TXN_MODELS[0]; // "strict-serializable"
 * ```
 */
export const TXN_MODELS: readonly TxnModel[] = [
  "strict-serializable",
  "serializable",
  "repeatable-read",
  "snapshot-isolation",
  "cursor-stability",
  "read-committed",
  "read-uncommitted",
];

/** What each model forbids on top of what its weaker models forbid. */
const OWN: Record<TxnModel, readonly AnomalyType[]> = {
  "read-uncommitted": [
    "G0",
    "internal",
    "garbage-read",
    "duplicate-elements",
    "malformed",
  ],
  // Two reads that disagree on a list's order saw an append that was later lost: a
  // dirty read (Elle: incompatible-order implies G1a).
  "read-committed": ["G1a", "G1b", "G1c", "future-read", "incompatible-order"],
  "cursor-stability": ["lost-update"],
  "snapshot-isolation": ["lost-update", "G-single", "G-nonadjacent"],
  "repeatable-read": ["G-single", "G-nonadjacent", "G2-item"],
  "serializable": ["G-single", "G-nonadjacent", "G2-item"],
  "strict-serializable": [
    "G0-realtime",
    "G1c-realtime",
    "G-single-realtime",
    "G-nonadjacent-realtime",
    "G2-item-realtime",
  ],
};

/**
 * Every anomaly `model` forbids: its own and those of every weaker model.
 *
 * @example
 * ```ts
 * import { forbiddenBy } from "./txn_models.ts";
 * forbiddenBy("read-committed").has("G0"); // true
 * forbiddenBy("read-committed").has("lost-update"); // false
 * ```
 */
export function forbiddenBy(model: TxnModel): Set<AnomalyType> {
  const out = new Set<AnomalyType>(OWN[model]);
  for (const w of WEAKER[model]) for (const a of forbiddenBy(w)) out.add(a);
  return out;
}

/**
 * Which models `found` rules out (with the anomalies that do), and the strongest models
 * it leaves: those not ruled out with no stronger model also left.
 *
 * @example
 * ```ts
 * import { modelsLeft } from "./txn_models.ts";
 * modelsLeft(new Set(["G-single"])).strongest; // ["cursor-stability"]
 * modelsLeft(new Set()).strongest; // ["strict-serializable"]
 * ```
 */
export function modelsLeft(found: ReadonlySet<AnomalyType>): {
  strongest: TxnModel[];
  ruledOut: Partial<Record<TxnModel, AnomalyType[]>>;
} {
  const ruledOut: Partial<Record<TxnModel, AnomalyType[]>> = {};
  for (const m of TXN_MODELS) {
    const why = [...forbiddenBy(m)].filter((a) => found.has(a));
    if (why.length > 0) ruledOut[m] = why;
  }
  const left = TXN_MODELS.filter((m) => ruledOut[m] === undefined);
  const stronger = (m: TxnModel): TxnModel[] =>
    TXN_MODELS.filter((s) => WEAKER[s].includes(m)).flatMap((s) => [s, ...stronger(s)]);
  const strongest = left.filter((m) => !stronger(m).some((s) => left.includes(s)));
  return { strongest, ruledOut };
}

/**
 * Parses a model name (a friendly name of the jepsen.io map); throws naming the known
 * ones.
 *
 * @example
 * ```ts
 * import { parseTxnModel } from "./txn_models.ts";
 * parseTxnModel("serializable"); // "serializable"
 * ```
 */
export function parseTxnModel(name: string): TxnModel {
  if ((TXN_MODELS as readonly string[]).includes(name)) return name as TxnModel;
  throw new RangeError(
    `unknown consistency model '${name}': expected one of ${TXN_MODELS.join(", ")}`,
  );
}
