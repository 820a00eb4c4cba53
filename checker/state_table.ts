/**
 * Interns model states as small integers, so the search can compare, cache and memoize
 * them cheaply.
 *
 * @module
 */

import { jsonEqual } from "../protocols/kv.ts";
import { canonicalJson } from "./canonical_json.ts";
import type { AnyModel } from "./model.ts";

const IDENTITY_LIMIT = 1 << 16;

/**
 * Model states numbered from 0. Equal states (by the model's `hash`/`equal`, else
 * canonical JSON) get the same id; the same object or primitive is found without hashing.
 *
 * @example
 * ```ts
 * import { createStateTable } from "./state_table.ts";
 * import { registerModel } from "./models.ts";
 * const table = createStateTable(registerModel);
 * table.intern({ a: 1 }) === table.intern({ a: 1 }); // true
 * ```
 */
export interface StateTable<State> {
  /** The id of `state`, adding it if new. */
  intern(state: State): number;
  /** The state with id `id`. */
  get(id: number): State;
  /** Number of distinct states. */
  readonly size: number;
}

/**
 * Creates an empty {@link StateTable} that compares states as `model` says.
 *
 * @example
 * ```ts
 * import { createStateTable } from "./state_table.ts";
 * import { kvModel } from "./models.ts";
 * createStateTable(kvModel).size; // 0
 * ```
 */
export function createStateTable<State>(model: AnyModel): StateTable<State> {
  const states: State[] = [];
  const byIdentity = new Map<unknown, number>();
  const byString = new Map<string, number>();
  const byNumber = new Map<number, number[]>();
  const equal: (a: State, b: State) => boolean = model.equal !== undefined
    ? (a, b) => model.equal!(a, b)
    : jsonEqual;
  const hash: (s: State) => string | number = model.hash !== undefined
    ? (s) => model.hash!(s)
    : model.equal !== undefined
    ? () => 0
    : canonicalJson;

  function add(state: State): number {
    const id = states.length;
    states.push(state);
    return id;
  }

  return {
    intern(state) {
      const known = byIdentity.get(state);
      if (known !== undefined) return known;
      const h = hash(state);
      let id: number | undefined;
      if (typeof h === "string") {
        id = byString.get(h);
        if (id === undefined) {
          id = add(state);
          byString.set(h, id);
        }
      } else {
        let bucket = byNumber.get(h);
        if (bucket === undefined) {
          bucket = [];
          byNumber.set(h, bucket);
        }
        for (const candidate of bucket) {
          if (equal(states[candidate], state)) {
            id = candidate;
            break;
          }
        }
        if (id === undefined) {
          id = add(state);
          bucket.push(id);
        }
      }
      // Bounded: a model that builds a fresh state object per step must not grow this forever.
      if (byIdentity.size < IDENTITY_LIMIT) byIdentity.set(state, id);
      return id;
    },
    get: (id) => states[id],
    get size() {
      return states.length;
    },
  };
}
