/**
 * PBFT's messages and their schema. Requests are named by the proxy that took them from
 * a client and that client request's id (`c`, `rid`). Votes carry signatures so that a
 * quorum of them forms a certificate another node can check (see `digest.ts`).
 *
 * @module
 */

import type { KvOp } from "../kv.ts";
import type { NodeId, Reply } from "../node.ts";
import {
  isArrayOf,
  isKvOp,
  isNat,
  isObj,
  isReply,
  isStr,
  type MessageSchema,
} from "../message_schema.ts";
import { canonical, type Sig, verify } from "./digest.ts";

/**
 * A client request as the replicas order it: `c` is the proxy node, `rid` its request id,
 * `sig` the proxy's signature over {@link requestContent} (the paper's signed client
 * request: a primary cannot forge one).
 *
 * @example
 * ```ts
 * import type { PbftRequest } from "./message.ts";
 * const r: PbftRequest = { c: "n2", rid: 7, op: { f: "read", key: "x" }, sig: { i: "n2", s: "" } };
 * ```
 */
export interface PbftRequest {
  readonly c: NodeId;
  readonly rid: number;
  readonly op: KvOp;
  readonly sig: Sig;
}

/**
 * What a request's proxy signs.
 *
 * @example
 * ```ts
 * import { requestContent } from "./message.ts";
 * requestContent("n1", 3, { f: "read", key: "x" }); // 'r|n1|3|{"f":"read","key":"x"}'
 * ```
 */
export function requestContent(c: NodeId, rid: number, op: KvOp): string {
  return `r|${c}|${rid}|${canonical(op)}`;
}

/**
 * Whether a request (null: a no-op, always valid) carries its proxy's signature.
 *
 * @example
 * ```ts
 * import { validRequest } from "./message.ts";
 * validRequest(null); // true
 * ```
 */
export function validRequest(req: PbftRequest | null): boolean {
  return req === null ||
    (req.sig.i === req.c && verify(req.sig, requestContent(req.c, req.rid, req.op)));
}

/**
 * A prepared certificate: request `req` (null: a no-op) with digest `d` at sequence `n`,
 * pre-prepared in view `v`, and 2f + 1 signatures over {@link prepareContent}.
 *
 * @example
 * ```ts
 * import type { Prepared } from "./message.ts";
 * const p: Prepared = { n: 1, v: 0, d: "null", req: null, sigs: [] };
 * ```
 */
export interface Prepared {
  readonly n: number;
  readonly v: number;
  readonly d: string;
  readonly req: PbftRequest | null;
  readonly sigs: readonly Sig[];
}

/**
 * A replica's view-change message for view `v`: its stable checkpoint (`h`, digest `hd`,
 * certificate `cc`), its prepared certificates above it (`p`), signed by `i` over the rest.
 *
 * @example
 * ```ts
 * import type { ViewChange } from "./message.ts";
 * const vc: ViewChange = { v: 1, i: "n2", h: 0, hd: "", cc: [], p: [], sig: { i: "n2", s: "" } };
 * ```
 */
export interface ViewChange {
  readonly v: number;
  readonly i: NodeId;
  readonly h: number;
  readonly hd: string;
  readonly cc: readonly Sig[];
  readonly p: readonly Prepared[];
  readonly sig: Sig;
}

/**
 * A replica's state machine at a checkpoint: the KV data and every request's result.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "./message.ts";
 * const s: Snapshot = { kv: [["x", 1]], results: [["n1:3", { n: 1, r: { type: "ok" } }]] };
 * ```
 */
export interface Snapshot {
  readonly kv: readonly (readonly [string, unknown])[];
  /** Request key → result, and the sequence number that executed it (pruning needs it). */
  readonly results: readonly (readonly [string, { readonly n: number; readonly r: Reply }])[];
}

/**
 * Every PBFT message.
 *
 * @example
 * ```ts
 * import type { PbftMessage } from "./message.ts";
 * const m: PbftMessage = { type: "commit", v: 0, n: 1, d: "null", sig: { i: "n1", s: "" } };
 * ```
 */
export type PbftMessage =
  | { readonly type: "request"; readonly req: PbftRequest }
  | {
    readonly type: "pre-prepare";
    readonly v: number;
    readonly n: number;
    readonly d: string;
    readonly req: PbftRequest | null;
    readonly sig: Sig;
  }
  | {
    readonly type: "prepare";
    readonly v: number;
    readonly n: number;
    readonly d: string;
    readonly sig: Sig;
  }
  | {
    readonly type: "commit";
    readonly v: number;
    readonly n: number;
    readonly d: string;
    readonly sig: Sig;
  }
  | { readonly type: "reply"; readonly rid: number; readonly result: Reply }
  | { readonly type: "checkpoint"; readonly n: number; readonly d: string; readonly sig: Sig }
  | { readonly type: "view-change"; readonly vc: ViewChange }
  | { readonly type: "new-view"; readonly v: number; readonly vcs: readonly ViewChange[] }
  | { readonly type: "status"; readonly v: number; readonly e: number }
  | {
    readonly type: "committed";
    readonly n: number;
    readonly v: number;
    readonly d: string;
    readonly req: PbftRequest | null;
    readonly sigs: readonly Sig[];
  }
  | {
    readonly type: "stable";
    readonly n: number;
    readonly d: string;
    readonly sigs: readonly Sig[];
  }
  | { readonly type: "fetch"; readonly n: number }
  | { readonly type: "state"; readonly n: number; readonly snap: Snapshot };

/**
 * What a prepare (and the primary's pre-prepare) signs.
 *
 * @example
 * ```ts
 * import { prepareContent } from "./message.ts";
 * prepareContent(0, 1, "ab"); // "p|0|1|ab"
 * ```
 */
export function prepareContent(v: number, n: number, d: string): string {
  return `p|${v}|${n}|${d}`;
}

/**
 * What a commit signs.
 *
 * @example
 * ```ts
 * import { commitContent } from "./message.ts";
 * commitContent(0, 1, "ab"); // "c|0|1|ab"
 * ```
 */
export function commitContent(v: number, n: number, d: string): string {
  return `c|${v}|${n}|${d}`;
}

/**
 * What a checkpoint signs.
 *
 * @example
 * ```ts
 * import { checkpointContent } from "./message.ts";
 * checkpointContent(16, "ab"); // "k|16|ab"
 * ```
 */
export function checkpointContent(n: number, d: string): string {
  return `k|${n}|${d}`;
}

const isSig = (x: unknown) => isObj(x) && isStr(x.i) && isStr(x.s);
const isReq = (x: unknown) =>
  isObj(x) && isStr(x.c) && isNat(x.rid) && isKvOp(x.op) && isSig(x.sig);
const isReqOrNull = (x: unknown) => x === null || isReq(x);
const isPrepared = (x: unknown) =>
  isObj(x) && isNat(x.n) && isNat(x.v) && isStr(x.d) && isReqOrNull(x.req) &&
  isArrayOf(x.sigs, isSig);
const isViewChange = (x: unknown) =>
  isObj(x) && isNat(x.v) && isStr(x.i) && isNat(x.h) && isStr(x.hd) && isArrayOf(x.cc, isSig) &&
  isArrayOf(x.p, isPrepared) && isSig(x.sig);
const isPair = (check: (x: unknown) => boolean) => (x: unknown) =>
  Array.isArray(x) && x.length === 2 && isStr(x[0]) && check(x[1]);

/**
 * The schema of {@link PbftMessage}: a well-formed lie passes it, which is the point of
 * PBFT; a tampered shape does not.
 *
 * @example
 * ```ts
 * import { pbftMessages } from "./message.ts";
 * pbftMessages.fetch!({ type: "fetch", n: 16 }); // true
 * ```
 */
export const pbftMessages: MessageSchema = {
  request: (m) => isReq(m.req),
  "pre-prepare": (m) =>
    isNat(m.v) && isNat(m.n) && isStr(m.d) && isReqOrNull(m.req) && isSig(m.sig),
  prepare: (m) => isNat(m.v) && isNat(m.n) && isStr(m.d) && isSig(m.sig),
  commit: (m) => isNat(m.v) && isNat(m.n) && isStr(m.d) && isSig(m.sig),
  reply: (m) => isNat(m.rid) && isReply(m.result),
  checkpoint: (m) => isNat(m.n) && isStr(m.d) && isSig(m.sig),
  "view-change": (m) => isViewChange(m.vc),
  "new-view": (m) => isNat(m.v) && isArrayOf(m.vcs, isViewChange),
  status: (m) => isNat(m.v) && isNat(m.e),
  committed: (m) =>
    isNat(m.n) && isNat(m.v) && isStr(m.d) && isReqOrNull(m.req) && isArrayOf(m.sigs, isSig),
  stable: (m) => isNat(m.n) && isStr(m.d) && isArrayOf(m.sigs, isSig),
  fetch: (m) => isNat(m.n),
  state: (m) =>
    isNat(m.n) && isObj(m.snap) && isArrayOf(m.snap.kv, isPair(() => true)) &&
    isArrayOf(m.snap.results, isPair((x) => isObj(x) && isNat(x.n) && isReply(x.r))),
};
