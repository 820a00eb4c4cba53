/**
 * How front ends show a protocol's nodes, declared by the protocol (`Protocol.display`)
 * as plain data, so that the API can serve it and the CLI's `status` table (and any
 * other front end) needs no knowledge of particular protocols: the first line's
 * summary, and the columns between the host's own (node, state) and (seen, suspected
 * by, breaker).
 *
 * @module
 */

/**
 * One column of the status table. `field` names what it shows: `role`, `term`,
 * `commitIndex` or `leader` (the API's node view), or `status.X` (the protocol's own
 * status field X).
 *
 * - `value` (default): the field as is; `alt`, when given and different, after an arrow
 *   (`semi-sync->async`);
 * - `list`: an array joined with commas;
 * - `pairs`: an object as `k=v` pairs; with `with`, each value followed by `/` and the
 *   same key's value in that other field, and `suffix` (`n2=3/12ms`);
 * - `since`: a wall-clock time shown as the seconds since it (`1.5s`).
 *
 * @example
 * ```ts
 * import type { StatusColumn } from "./display.ts";
 * const locks: StatusColumn = { header: "LOCKS", field: "status.locks", format: "pairs" };
 * ```
 */
export interface StatusColumn {
  readonly header: string;
  readonly field: string;
  readonly format?: "value" | "list" | "pairs" | "since";
  readonly alt?: string;
  readonly with?: string;
  readonly suffix?: string;
}

/**
 * The first line of `status` after the protocol's name.
 *
 * - `leader`: who leads, with its term (`leader n3 (term 2)`, `primary n1 (epoch 0)`);
 * - `role`: the node playing `role` (`coordinator n1`);
 * - `leaderless`: no leader, and the status fields `fields` of any node
 *   (`leaderless, N=3 R=2 W=2`).
 *
 * @example
 * ```ts
 * import type { Headline } from "./display.ts";
 * const h: Headline = { kind: "leader", noun: "primary", term: "epoch" };
 * ```
 */
export type Headline =
  | { readonly kind: "leader"; readonly noun: string; readonly term: string }
  | { readonly kind: "role"; readonly role: string }
  | { readonly kind: "leaderless"; readonly fields: readonly string[] };

/**
 * How a protocol's nodes are shown.
 *
 * @example
 * ```ts
 * import { DEFAULT_DISPLAY } from "./display.ts";
 * DEFAULT_DISPLAY.columns.map((c) => c.header); // ["ROLE", "TERM", "COMMIT", "LEADER"]
 * ```
 */
export interface ProtocolDisplay {
  readonly headline: Headline;
  readonly columns: readonly StatusColumn[];
  /**
   * The message types by which a leader tells a follower it is alive (and its term):
   * a live view restarts the follower's election countdown when one arrives.
   */
  readonly leaderMessages?: readonly string[];
}

/**
 * The display of a protocol that declares none: a leader with a term, and Raft's
 * columns (role, term, commit index, the leader it follows).
 *
 * @example
 * ```ts
 * import { DEFAULT_DISPLAY } from "./display.ts";
 * DEFAULT_DISPLAY.headline.kind; // "leader"
 * ```
 */
export const DEFAULT_DISPLAY: ProtocolDisplay = {
  headline: { kind: "leader", noun: "leader", term: "term" },
  columns: [
    { header: "ROLE", field: "role" },
    { header: "TERM", field: "term" },
    { header: "COMMIT", field: "commitIndex" },
    { header: "LEADER", field: "leader" },
  ],
};
