// @ts-check
/**
 * The shapes the dashboard's modules share, as JSDoc types: what the API sends (trace
 * events, the cluster's state) and what the page derives. Type-only: no module imports
 * this file at run time, so the browser never loads it.
 *
 * @example
 * A module names a type with a JSDoc typedef of `import("./types.js").TraceEvent`.
 *
 * @module
 */

/**
 * A vector clock: node → count.
 * @typedef {Readonly<Record<string, number>>} VectorClock
 */

/**
 * One event of `GET /api/v1/events` (a trace event with a stream id), or one the page
 * makes itself (`cluster-state`: a poll of `GET /api/v1/cluster`, in `data`). `time` is the
 * cluster's time in ms.
 * @typedef {{
 *   readonly id?: number,
 *   readonly time: number,
 *   readonly kind: string,
 *   readonly node: string,
 *   readonly peer?: string,
 *   readonly body?: unknown,
 *   readonly reason?: string,
 *   readonly lamport?: number,
 *   readonly vclock?: VectorClock,
 *   readonly data?: unknown,
 * }} TraceEvent
 */

/**
 * A node as `GET /api/v1/cluster` shows it.
 * @typedef {{
 *   readonly id: string,
 *   readonly up: boolean,
 *   readonly paused: boolean,
 *   readonly role: string | null,
 *   readonly term: number | null,
 *   readonly commitIndex: number | null,
 *   readonly leader: string | null,
 *   readonly suspectedBy?: readonly string[],
 *   readonly breaker?: string,
 *   readonly status: Readonly<Record<string, unknown>>,
 * }} NodeView
 */

/**
 * A link rule of the fault model (`*`: any node).
 * @typedef {{
 *   readonly id: number,
 *   readonly from: string,
 *   readonly to: string,
 *   readonly drop?: number,
 *   readonly delay?: unknown,
 *   readonly duplicate?: number,
 *   readonly reorder?: number,
 *   readonly tamper?: number,
 * }} LinkRule
 */

/**
 * A partition, isolation, cut, bridge or ring of the fault model.
 * @typedef {{ readonly id: number, readonly kind: string, readonly description: string }} LinkBlock
 */

/**
 * The fault model's state.
 * @typedef {{ readonly rules: readonly LinkRule[], readonly blocks: readonly LinkBlock[] }} NetworkState
 */

/**
 * `GET /api/v1/cluster`.
 * @typedef {{
 *   readonly protocol: string,
 *   readonly leader: string | null,
 *   readonly term: number | null,
 *   readonly nodes: readonly NodeView[],
 *   readonly network: NetworkState,
 *   readonly clocks?: Readonly<Record<string, { skewMs: number, drift: number }>>,
 *   readonly counters?: { sent: number, delivered: number, dropped: number, duplicated: number },
 * }} ClusterState
 */

/**
 * One line of a client history (`GET /api/v1/history`); `time` in ns.
 * @typedef {{
 *   readonly process: number,
 *   readonly type: "invoke" | "ok" | "fail" | "info",
 *   readonly f: string,
 *   readonly key?: string,
 *   readonly value?: unknown,
 *   readonly time: number,
 *   readonly node?: string,
 *   readonly error?: string,
 * }} HistoryEvent
 */

export {};
