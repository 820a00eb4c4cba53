/**
 * What one `quorum-kv` node stores: its own replicas' sibling sets, and the hints it
 * keeps for other nodes (writes it accepted as a fallback, to hand back later). Both
 * live in memory and in durable storage (`kv/<key>`, `hint/<owner>/<key>`); every
 * change goes through {@link mergeVersions}, so arrivals in any order converge.
 *
 * @module
 */

import { type DurableStorage, StorageFault } from "../storage.ts";
import type { NodeId } from "../node.ts";
import type { ConflictMode } from "./options.ts";
import { mergeVersions, type Version } from "./versions.ts";
import { canonicalJson } from "../../checker/canonical_json.ts";

/**
 * A node's data and hints.
 *
 * @example
 * ```ts
 * import type { ReplicaStore } from "./replica_store.ts";
 * function siblingKeys(store: ReplicaStore): string[] {
 *   return store.keys().filter((k) => store.get(k).length > 1);
 * }
 * ```
 */
export interface ReplicaStore {
  /** The siblings of `key` this node replicates (empty when none). */
  get(key: string): readonly Version[];
  /** Merges versions into `key`; true when what the node holds changed. */
  merge(key: string, versions: readonly Version[]): boolean;
  /** Forgets `key` (a ring change moved it away). */
  remove(key: string): void;
  /** Every key held, in ascending order. */
  keys(): string[];
  /** Increases on every change of the data (not of hints): a cache key for Merkle trees. */
  readonly revision: number;
  /** Merges versions into the hint for `owner`'s copy of `key`. */
  addHint(owner: NodeId, key: string, versions: readonly Version[]): void;
  /** The hints held for `owner`. */
  hintsFor(owner: NodeId): [string, readonly Version[]][];
  /** Every hinted version of `key`, whoever it is for. */
  hintedVersions(key: string): Version[];
  /** Drops the hint for `owner`'s `key`. */
  removeHint(owner: NodeId, key: string): void;
  /** Owners with hints, sorted. */
  hintOwners(): NodeId[];
  /** How many (owner, key) hints are held. */
  hintCount(): number;
  /** Versions dropped by `lww` that the winner did not causally follow, distinct. */
  readonly lostWrites: number;
  /**
   * Keys whose record the disk damaged (found by checksum at load): this node may lack
   * acknowledged versions of them until it has merged every other replica's copy, so it
   * must not count as a replica of them in a quorum. Durable (`damaged/<key>`).
   */
  damaged(): string[];
  /** Whether `key` is damaged here. */
  isDamaged(key: string): boolean;
  /** `key` was merged from every other replica: whole again. */
  repaired(key: string): void;
}

/**
 * Creates the store, loading what `storage` holds (after a restart).
 *
 * @param storage the node's durable storage
 * @param mode how concurrent versions merge
 * @returns the store
 *
 * @example
 * ```ts
 * import { createReplicaStore } from "./replica_store.ts";
 * const mem = new Map<string, unknown>();
 * const storage = {
 *   get: (k: string) => mem.get(k),
 *   set: (k: string, v: unknown) => void mem.set(k, v),
 *   delete: (k: string) => void mem.delete(k),
 *   keys: (p = "") => [...mem.keys()].filter((k) => k.startsWith(p)).sort(),
 * };
 * const store = createReplicaStore(storage, "vclock");
 * store.merge("k", [{ value: 1, clock: { n1: 1 }, time: 0, node: "n1" }]); // true
 * ```
 */
export function createReplicaStore(storage: DurableStorage, mode: ConflictMode): ReplicaStore {
  const data = new Map<string, readonly Version[]>();
  const hints = new Map<NodeId, Map<string, readonly Version[]>>();
  const lost = new Set<string>();
  let revision = 0;
  const damaged = new Set(storage.keys("damaged/").map((k) => k.slice(8)));
  for (const k of storage.keys("kv/")) {
    try {
      data.set(k.slice(3), storage.get(k) as Version[]);
    } catch (e) {
      // A record the checksum rejects is repaired from the other replicas; a failed read
      // (EIO) is not damage, and stops the node until it restarts.
      if (!(e instanceof StorageFault) || e.kind === "read-error") throw e;
      const key = k.slice(3);
      damaged.add(key);
      storage.set("damaged/" + key, true);
      storage.delete(k);
    }
  }
  for (const k of storage.keys("hint/")) {
    const rest = k.slice(5);
    const slash = rest.indexOf("/");
    const owner = rest.slice(0, slash);
    let m = hints.get(owner);
    if (m === undefined) hints.set(owner, m = new Map());
    m.set(rest.slice(slash + 1), storage.get(k) as Version[]);
  }

  const mergeInto = (held: readonly Version[], incoming: readonly Version[]) => {
    const r = mergeVersions(held, incoming, mode);
    for (const v of r.lost) lost.add(canonicalJson(v.clock));
    return r.versions;
  };
  const same = (a: readonly Version[], b: readonly Version[]) =>
    a.length === b.length && a.every((v, i) => v === b[i]);

  return {
    get: (key) => data.get(key) ?? [],
    merge(key, versions) {
      const held = data.get(key) ?? [];
      const merged = mergeInto(held, versions);
      // mergeVersions returns held objects when nothing new won, so identity tells.
      if (same(held, merged)) return false;
      data.set(key, merged);
      storage.set("kv/" + key, merged);
      revision++;
      return true;
    },
    remove(key) {
      if (!data.delete(key)) return;
      storage.delete("kv/" + key);
      revision++;
    },
    keys: () => [...data.keys()].sort(),
    get revision() {
      return revision;
    },
    addHint(owner, key, versions) {
      let m = hints.get(owner);
      if (m === undefined) hints.set(owner, m = new Map());
      const merged = mergeInto(m.get(key) ?? [], versions);
      m.set(key, merged);
      storage.set(`hint/${owner}/${key}`, merged);
    },
    hintsFor: (owner) => [...(hints.get(owner) ?? new Map<string, Version[]>())].sort(byKey),
    hintedVersions(key) {
      const out: Version[] = [];
      for (const m of hints.values()) out.push(...(m.get(key) ?? []));
      return out;
    },
    removeHint(owner, key) {
      const m = hints.get(owner);
      if (m === undefined || !m.delete(key)) return;
      if (m.size === 0) hints.delete(owner);
      storage.delete(`hint/${owner}/${key}`);
    },
    hintOwners: () => [...hints.keys()].sort(),
    hintCount() {
      let c = 0;
      for (const m of hints.values()) c += m.size;
      return c;
    },
    get lostWrites() {
      return lost.size;
    },
    damaged: () => [...damaged].sort(),
    isDamaged: (key) => damaged.has(key),
    repaired(key) {
      if (damaged.delete(key)) storage.delete("damaged/" + key);
    },
  };
}

function byKey(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
