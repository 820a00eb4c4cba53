/**
 * The consistent-hash ring of a `quorum-kv` cluster as `GET /api/v1/ring` shows it,
 * built from node statuses only (the API sees nodes through the Worker boundary): each
 * node's tokens and share of the ring, and for one key its hash, the token that owns it,
 * its preference list and which node holds which versions of it and which hints.
 *
 * The ring is rebuilt here from the membership and `vnodes` in a status, with the same
 * pure code the nodes use (`partitioning/ring.ts`), so it places keys exactly
 * as they do. The view follows the up node with the newest membership epoch; while the
 * epochs disagree (a membership change still gossiping) `converged` is false.
 *
 * @module
 */

import type { NodeId, NodeStatus } from "../protocols/node.ts";
import { murmur3 } from "../partitioning/hash.ts";
import { ringPartitioner } from "../partitioning/ring.ts";
import { DEFAULT_QUORUM_OPTIONS } from "../protocols/quorum/options.ts";

/**
 * One node on the ring.
 *
 * @example
 * ```ts
 * import type { RingNode } from "./ring_view.ts";
 * const n: RingNode = {
 *   id: "n1", up: true, member: true, tokens: 64, share: 0.34, keys: 12, hints: 0, epoch: 0,
 * };
 * ```
 */
export interface RingNode {
  readonly id: NodeId;
  readonly up: boolean;
  /** On the ring of the view's membership. */
  readonly member: boolean;
  /** Virtual nodes (tokens) it places on the ring; 0 when not a member. */
  readonly tokens: number;
  /** The fraction of the hash space it owns (the expected share of keys). */
  readonly share: number;
  /** Keys it stores as a replica, and hints it keeps for others (null while down). */
  readonly keys: number | null;
  readonly hints: number | null;
  /** The membership epoch it routes with (null while down). */
  readonly epoch: number | null;
}

/**
 * What one node holds of one key.
 *
 * @example
 * ```ts
 * import type { KeyHolder } from "./ring_view.ts";
 * const h: KeyHolder = {
 *   node: "n2", rank: 1, up: true, known: true,
 *   versions: [{ clock: { n1: 1 }, node: "n1", value: "red" }], hints: {},
 * };
 * ```
 */
export interface KeyHolder {
  readonly node: NodeId;
  /** Its place in the key's preference list (0: the owner), or null: not a replica. */
  readonly rank: number | null;
  readonly up: boolean;
  /** False when the node is down or listed too many keys to include this one. */
  readonly known: boolean;
  /** The versions (siblings) it stores as a replica: vector clock, coordinator, value. */
  readonly versions: readonly unknown[];
  /** Versions it keeps as hints, by the replica they are meant for. */
  readonly hints: Readonly<Record<NodeId, readonly unknown[]>>;
}

/**
 * Where one key lives.
 *
 * @example
 * ```ts
 * import type { KeyPlacement } from "./ring_view.ts";
 * const k: KeyPlacement = {
 *   key: "cart", hash: 123, token: { token: 456, node: "n2" },
 *   preferenceList: ["n2", "n3", "n1"], holders: [],
 * };
 * ```
 */
export interface KeyPlacement {
  readonly key: string;
  /** murmur3 of the key: its point on the 2^32 ring. */
  readonly hash: number;
  /** The first token at or after the hash (wrapping): its node owns the key. */
  readonly token: { readonly token: number; readonly node: NodeId };
  /** The key's N replicas, owner first. */
  readonly preferenceList: readonly NodeId[];
  /** Every replica in the preference list, then every other node holding the key. */
  readonly holders: readonly KeyHolder[];
}

/**
 * The ring.
 *
 * @example
 * ```ts
 * import type { RingView } from "./ring_view.ts";
 * const v: Partial<RingView> = { source: "n1", epoch: 0, n: 3, vnodes: 64, converged: true };
 * ```
 */
export interface RingView {
  /** The node whose membership the view follows. */
  readonly source: NodeId;
  readonly epoch: number;
  readonly members: readonly NodeId[];
  /** Every live node routes with the same membership epoch. */
  readonly converged: boolean;
  readonly n: number;
  readonly r: number | null;
  readonly w: number | null;
  readonly vnodes: number;
  readonly nodes: readonly RingNode[];
  readonly key?: KeyPlacement;
}

/**
 * A node as the view needs it (a `NodeInfo` has these fields).
 *
 * @example
 * ```ts
 * import type { RingNodeInfo } from "./ring_view.ts";
 * const i: RingNodeInfo = { id: "n1", up: true, status: { role: "replica" } };
 * ```
 */
export interface RingNodeInfo {
  readonly id: NodeId;
  readonly up: boolean;
  readonly status: NodeStatus;
}

/**
 * The ring of `infos`, with `key` placed when given; null when no live node shows a ring
 * (not a quorum-kv cluster, or every node down).
 *
 * @example
 * ```ts
 * import { ringView } from "./ring_view.ts";
 * const status = {
 *   role: "replica", epoch: 0, members: ["n1", "n2"], ownership: { n1: 0.5, n2: 0.5 },
 *   n: 2, vnodes: 8, keys: 0, hints: 0, holdings: {},
 * };
 * const v = ringView([{ id: "n1", up: true, status }, { id: "n2", up: true, status }], "k");
 * v?.key?.preferenceList.length; // 2
 * ```
 */
export function ringView(infos: readonly RingNodeInfo[], key?: string): RingView | null {
  let source: RingNodeInfo | undefined;
  for (const info of infos) {
    if (!info.up || !hasRing(info.status)) continue;
    if (source === undefined || num(info.status.epoch)! > num(source.status.epoch)!) source = info;
  }
  if (source === undefined) return null;
  const st = source.status;
  const members = (st.members as unknown[]).filter((m): m is string => typeof m === "string");
  const vnodes = num(st.vnodes) ?? DEFAULT_QUORUM_OPTIONS.vnodes;
  const ownership = st.ownership as Record<string, unknown>;
  const epoch = num(st.epoch)!;
  const n = Math.min(num(st.n) ?? DEFAULT_QUORUM_OPTIONS.n, members.length);
  const live = infos.filter((i) => i.up && hasRing(i.status));
  const nodes: RingNode[] = infos.map((i) => {
    const member = members.includes(i.id);
    const s = i.up && hasRing(i.status) ? i.status : null;
    return {
      id: i.id,
      up: i.up,
      member,
      tokens: member ? vnodes : 0,
      share: member ? num(ownership[i.id]) ?? 0 : 0,
      keys: s === null ? null : num(s.keys),
      hints: s === null ? null : num(s.hints),
      epoch: s === null ? null : num(s.epoch),
    };
  });
  const view: RingView = {
    source: source.id,
    epoch,
    members,
    converged: live.every((i) => num(i.status.epoch) === epoch),
    n,
    r: num(st.r),
    w: num(st.w),
    vnodes,
    nodes,
  };
  return key === undefined ? view : { ...view, key: placeKey(infos, members, vnodes, n, key) };
}

function placeKey(
  infos: readonly RingNodeInfo[],
  members: readonly NodeId[],
  vnodes: number,
  n: number,
  key: string,
): KeyPlacement {
  const ring = ringPartitioner(members, { vnodes });
  const hash = murmur3(key);
  const tokens = ring.tokens();
  const token = tokens.find((t) => t.token >= hash) ?? tokens[0] ?? { token: 0, node: "" };
  const preferenceList = ring.preferenceList(key, n);
  const holders: KeyHolder[] = [];
  for (const info of infos) {
    const rank = preferenceList.indexOf(info.id);
    const holdings = info.up ? info.status.holdings : undefined;
    const mine = holdings !== null && typeof holdings === "object"
      ? (holdings as Record<string, unknown>)[key] as
        | { versions?: unknown[]; hints?: Record<NodeId, unknown[]> }
        | undefined
      : undefined;
    const versions = Array.isArray(mine?.versions) ? mine.versions : [];
    const hints = mine?.hints !== null && typeof mine?.hints === "object" ? mine.hints : {};
    if (rank < 0 && versions.length === 0 && Object.keys(hints).length === 0) continue;
    holders.push({
      node: info.id,
      rank: rank < 0 ? null : rank,
      up: info.up,
      known: holdings !== undefined &&
        (mine !== undefined || info.status.holdingsTruncated !== true),
      versions,
      hints,
    });
  }
  // The replicas in preference order first, then stand-ins and other holders.
  holders.sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));
  return { key, hash, token: { token: token.token, node: token.node }, preferenceList, holders };
}

function hasRing(s: NodeStatus): boolean {
  return Array.isArray(s.members) && typeof s.epoch === "number" &&
    s.ownership !== null && typeof s.ownership === "object";
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
