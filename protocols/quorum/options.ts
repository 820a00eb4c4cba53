/**
 * Options of the `quorum-kv` protocol: what a host may set through `ctx.options`, with
 * their defaults.
 *
 * @module
 */

/**
 * How a replica resolves two versions of a key that neither causally follows.
 *
 * - `vclock` (default): keep both as siblings and hand them to the next reader, who
 *   resolves them by writing with the read's context (Dynamo, Riak).
 * - `lww`: keep the version with the larger (coordinator time, coordinator id) stamp
 *   and drop the other silently (Cassandra). Counted in `status().lostWrites`.
 *
 * @example
 * ```ts
 * import type { ConflictMode } from "./options.ts";
 * const mode: ConflictMode = "lww";
 * ```
 */
export type ConflictMode = "vclock" | "lww";

/**
 * Parsed quorum options (times in milliseconds of the node's clock).
 *
 * @example
 * ```ts
 * import { parseQuorumOptions } from "./options.ts";
 * const o = parseQuorumOptions({ n: 3, r: 1, w: 3 });
 * o.sloppy; // true
 * ```
 */
export interface QuorumOptions {
  /** Replicas per key: the length of a key's preference list (default 3). */
  readonly n: number;
  /** Replies a read waits for, unless the request says otherwise (default 2). */
  readonly r: number;
  /** Acknowledgements a write waits for, unless the request says otherwise (default 2). */
  readonly w: number;
  /** Sloppy quorum with hinted handoff (default true); false = strict preference list. */
  readonly sloppy: boolean;
  readonly conflict: ConflictMode;
  /** Period of Merkle-tree anti-entropy with one peer; 0 turns it off (default 500). */
  readonly antiEntropyMs: number;
  /** Depth of the Merkle tree: 2^depth leaves, each a range of the hash ring (default 6). */
  readonly merkleDepth: number;
  /** A coordinator answers `fail` (read) or `info` (write) after this long (default 500). */
  readonly timeoutMs: number;
  /** Ping period of the failure detector (default 100). */
  readonly pingMs: number;
  /**
   * `phi` (accrual, default) or `fixed` (timeout) failure detector, each node pinging
   * every member; or `swim` (see `swim_monitor.ts`), constant traffic per node.
   */
  readonly detector: "phi" | "fixed" | "swim";
  /** Phi threshold (default 8). */
  readonly phiThreshold: number;
  /** Silence after which the fixed detector suspects a peer (default 500). */
  readonly suspectMs: number;
  /** Period of hinted-handoff and key-transfer retries (default 200). */
  readonly handoffMs: number;
  /** Tokens per node on the consistent-hash ring (default 64). */
  readonly vnodes: number;
  /** Send the merged value to stale replicas after a read (default true). */
  readonly readRepair: boolean;
}

/**
 * The defaults of {@link QuorumOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_QUORUM_OPTIONS } from "./options.ts";
 * DEFAULT_QUORUM_OPTIONS.r + DEFAULT_QUORUM_OPTIONS.w > DEFAULT_QUORUM_OPTIONS.n; // true
 * ```
 */
export const DEFAULT_QUORUM_OPTIONS: QuorumOptions = {
  n: 3,
  r: 2,
  w: 2,
  sloppy: true,
  conflict: "vclock",
  antiEntropyMs: 500,
  merkleDepth: 6,
  timeoutMs: 500,
  pingMs: 100,
  detector: "phi",
  phiThreshold: 8,
  suspectMs: 500,
  handoffMs: 200,
  vnodes: 64,
  readRepair: true,
};

/**
 * Reads quorum options, filling in defaults; throws a one-line error on a bad value.
 *
 * @param raw the host's options (plain JSON)
 * @returns the parsed options
 *
 * @example
 * ```ts
 * import { parseQuorumOptions } from "./options.ts";
 * parseQuorumOptions({ conflict: "lww" }).conflict; // "lww"
 * parseQuorumOptions({}).n; // 3
 * ```
 */
export function parseQuorumOptions(raw: Readonly<Record<string, unknown>>): QuorumOptions {
  const d = DEFAULT_QUORUM_OPTIONS;
  const int = (k: keyof QuorumOptions, min: number): number => {
    const v = raw[k] ?? d[k];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      throw new Error(`option ${k} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const num = (k: keyof QuorumOptions, min: number): number => {
    const v = raw[k] ?? d[k];
    if (typeof v !== "number" || !(v >= min)) {
      throw new Error(`option ${k} must be a number ≥ ${min}, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const bool = (k: keyof QuorumOptions): boolean => {
    const v = raw[k] ?? d[k];
    if (typeof v !== "boolean") throw new Error(`option ${k} must be true or false`);
    return v;
  };
  const oneOf = <T extends string>(k: keyof QuorumOptions, allowed: readonly T[]): T => {
    const v = raw[k] ?? d[k];
    if (!allowed.includes(v as T)) {
      throw new Error(`option ${k} must be one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`);
    }
    return v as T;
  };
  const n = int("n", 1);
  const r = int("r", 1);
  const w = int("w", 1);
  if (r > n || w > n) throw new Error(`options r and w must be ≤ n (n=${n}, r=${r}, w=${w})`);
  return {
    n,
    r,
    w,
    sloppy: bool("sloppy"),
    conflict: oneOf("conflict", ["vclock", "lww"] as const),
    antiEntropyMs: num("antiEntropyMs", 0),
    merkleDepth: Math.min(int("merkleDepth", 0), 16),
    timeoutMs: num("timeoutMs", 1),
    pingMs: num("pingMs", 1),
    detector: oneOf("detector", ["phi", "fixed", "swim"] as const),
    phiThreshold: num("phiThreshold", 0),
    suspectMs: num("suspectMs", 1),
    handoffMs: num("handoffMs", 1),
    vnodes: int("vnodes", 1),
    readRepair: bool("readRepair"),
  };
}
