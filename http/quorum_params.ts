/**
 * The quorum settings a `quorum-kv` request may carry, read from the request and checked
 * before anything is sent:
 *
 * - `?r=` — replies a read (or the read half of a `cas`) waits for, 1 … N;
 * - `?w=` — acknowledgements a write, delete or `cas` waits for, 1 … N;
 * - `?consistency=ONE|QUORUM|ALL` — both at once (an explicit `r` or `w` wins);
 * - `X-Distlab-Context` header or `?context=` — the vector clock a read returned with
 *   its siblings, as JSON (`{"n1":2,"n2":1}`); a write that carries it supersedes every
 *   sibling that read saw.
 *
 * N itself is a cluster option (`--option n=3`); an `r` or `w` above it is refused by
 * the node and answered 400.
 *
 * @module
 */

import type { Context } from "hono";
import type { VectorClock } from "../clocks/vector.ts";
import type { ConsistencyLevel, QuorumParams } from "../protocols/quorum/request.ts";
import { badRequest } from "./problem.ts";

/** The consistency levels, as `?consistency=` takes them (any case). */
export const QUORUM_LEVELS: readonly ConsistencyLevel[] = ["ONE", "QUORUM", "ALL"];

/** The header a write's context may come in (and a sibling read's context goes out in). */
export const CONTEXT_HEADER = "X-Distlab-Context";

/** The header that tells how many siblings a read returned (only when more than one). */
export const SIBLINGS_HEADER = "X-Distlab-Siblings";

/** Largest r or w accepted before the node is asked (N is at most the cluster size). */
const MAX_QUORUM = 1024;
/** Longest context accepted, in characters. */
const MAX_CONTEXT = 8192;

/**
 * The quorum settings of a `quorum-kv` request, checked: 400 naming the field (`r`, `w`,
 * `consistency`, `context`) when one is malformed, and for a context on a read.
 *
 * @example
 * ```ts ignore
 * import { quorumParams } from "./quorum_params.ts";
 * const p = quorumParams(c, { write: true }); // e.g. { w: 1, context: { n1: 2 } }
 * ```
 */
export function quorumParams(c: Context, o: { readonly write: boolean }): QuorumParams {
  const out: {
    r?: number;
    w?: number;
    consistency?: ConsistencyLevel;
    context?: VectorClock;
  } = {};
  for (const field of ["r", "w"] as const) {
    const raw = c.req.query(field);
    if (raw === undefined) continue;
    const n = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= 1 && n <= MAX_QUORUM)) {
      throw badRequest(field, `${field} must be a whole number from 1 to N, got '${raw}'`);
    }
    out[field] = n;
  }
  const level = c.req.query("consistency");
  if (level !== undefined) out.consistency = quorumLevel(level);
  const context = contextOf(c);
  if (context !== undefined) {
    if (!o.write) {
      throw badRequest("context", "a context goes with a write (PUT, DELETE or cas), not a read");
    }
    out.context = context;
  }
  return out;
}

/**
 * `ONE`, `QUORUM` or `ALL` (any case); 400 naming `consistency` otherwise.
 *
 * @example
 * ```ts
 * import { quorumLevel } from "./quorum_params.ts";
 * quorumLevel("quorum"); // "QUORUM"
 * ```
 */
export function quorumLevel(raw: string): ConsistencyLevel {
  const up = raw.toUpperCase();
  if (!(QUORUM_LEVELS as readonly string[]).includes(up)) {
    throw badRequest(
      "consistency",
      `consistency must be one of ${QUORUM_LEVELS.join(", ")}, got '${raw}'`,
    );
  }
  return up as ConsistencyLevel;
}

/**
 * A vector clock from its JSON text: an object of node id → whole number ≥ 0; 400 naming
 * `context` otherwise.
 *
 * @example
 * ```ts
 * import { parseContext } from "./quorum_params.ts";
 * parseContext('{"n1":2,"n2":1}'); // { n1: 2, n2: 1 }
 * ```
 */
export function parseContext(text: string): VectorClock {
  const shape = 'context must be a vector clock as JSON, e.g. {"n1":2,"n2":1}';
  if (text.length > MAX_CONTEXT) throw badRequest("context", `${shape}; this one is too long`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw badRequest("context", `${shape}; got '${text.slice(0, 80)}'`);
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw badRequest("context", shape);
  const clock: Record<string, number> = {};
  for (const [node, n] of Object.entries(v)) {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(node) || !Number.isSafeInteger(n) || (n as number) < 0) {
      throw badRequest("context", shape);
    }
    clock[node] = n as number;
  }
  return clock;
}

function contextOf(c: Context): VectorClock | undefined {
  const header = c.req.header(CONTEXT_HEADER);
  const query = c.req.query("context");
  if (header !== undefined && query !== undefined) {
    throw badRequest("context", `give the context once: in ${CONTEXT_HEADER} or in ?context=`);
  }
  const text = header ?? query;
  return text === undefined ? undefined : parseContext(text);
}
