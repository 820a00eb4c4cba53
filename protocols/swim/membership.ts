/**
 * A SWIM node's membership list: every other member's state (alive, suspect or dead)
 * with the incarnation number it was last heard at, and the rules by which an update
 * overrides what the list holds (SWIM §4.2). Incarnations are raised only by the
 * member itself, to refute a suspicion of it; so a newer incarnation always wins, and
 * within one incarnation suspicion beats alive and death beats both.
 *
 * @module
 */

import type { NodeId } from "../node.ts";

/**
 * What a node believes about a member.
 *
 * @example
 * ```ts
 * import type { MemberState } from "./membership.ts";
 * const s: MemberState = "suspect";
 * ```
 */
export type MemberState = "alive" | "suspect" | "dead";

/**
 * One membership update, as disseminated: `node` is `state` at `incarnation`.
 *
 * @example
 * ```ts
 * import type { MemberUpdate } from "./membership.ts";
 * const u: MemberUpdate = { node: "n3", state: "suspect", incarnation: 2 };
 * ```
 */
export interface MemberUpdate {
  readonly node: NodeId;
  readonly state: MemberState;
  readonly incarnation: number;
}

/**
 * One entry of the list: the member's state, incarnation, and since when (local ms) it
 * has been in that state.
 *
 * @example
 * ```ts
 * import type { Member } from "./membership.ts";
 * const m: Member = { state: "alive", incarnation: 0, since: 0 };
 * ```
 */
export interface Member {
  state: MemberState;
  incarnation: number;
  since: number;
}

/**
 * The membership list of one node (itself excluded).
 *
 * @example
 * ```ts
 * import { createMembership } from "./membership.ts";
 * const list = createMembership(["n2", "n3"], 0);
 * list.get("n2")!.state; // "alive"
 * ```
 */
export type Membership = Map<NodeId, Member>;

/**
 * A list with every peer alive at incarnation 0, as of `now`.
 *
 * @example
 * ```ts
 * import { createMembership } from "./membership.ts";
 * createMembership(["n2"], 5).get("n2"); // { state: "alive", incarnation: 0, since: 5 }
 * ```
 */
export function createMembership(peers: readonly NodeId[], now: number): Membership {
  return new Map(peers.map((p) => [p, { state: "alive", incarnation: 0, since: now }]));
}

const RANK: Readonly<Record<MemberState, number>> = { alive: 0, suspect: 1, dead: 2 };

/**
 * Whether `u` overrides what `m` holds (SWIM §4.2, with memberlist's rejoin: an alive at
 * a higher incarnation than a death brings the member back):
 * a higher incarnation wins; at the same one, suspect overrides alive and dead
 * overrides both.
 *
 * @example
 * ```ts
 * import { overrides } from "./membership.ts";
 * const m = { state: "suspect" as const, incarnation: 1, since: 0 };
 * overrides(m, { node: "n2", state: "alive", incarnation: 1 }); // false
 * overrides(m, { node: "n2", state: "alive", incarnation: 2 }); // true: a refutation
 * ```
 */
export function overrides(m: Member, u: MemberUpdate): boolean {
  if (u.incarnation !== m.incarnation) return u.incarnation > m.incarnation;
  return RANK[u.state] > RANK[m.state];
}

/**
 * Applies `u` to the list when it overrides what the list holds (an update about an
 * unknown member adds it); returns the member's previous state, or null when nothing
 * changed.
 *
 * @example
 * ```ts
 * import { applyUpdate, createMembership } from "./membership.ts";
 * const list = createMembership(["n2"], 0);
 * applyUpdate(list, { node: "n2", state: "suspect", incarnation: 0 }, 10); // "alive"
 * applyUpdate(list, { node: "n2", state: "alive", incarnation: 0 }, 20); // null
 * ```
 */
export function applyUpdate(
  list: Membership,
  u: MemberUpdate,
  now: number,
): MemberState | "unknown" | null {
  const m = list.get(u.node);
  if (m === undefined) {
    list.set(u.node, { state: u.state, incarnation: u.incarnation, since: now });
    return "unknown";
  }
  if (!overrides(m, u)) return null;
  const before = m.state;
  if (m.state !== u.state) m.since = now;
  m.state = u.state;
  m.incarnation = u.incarnation;
  return before;
}

/**
 * The members in `state`, in the order the list holds them.
 *
 * @example
 * ```ts
 * import { createMembership, membersIn } from "./membership.ts";
 * membersIn(createMembership(["n3", "n2"], 0), "alive"); // ["n3", "n2"]
 * ```
 */
export function membersIn(list: Membership, state: MemberState): NodeId[] {
  const out: NodeId[] = [];
  for (const [id, m] of list) if (m.state === state) out.push(id);
  return out;
}
