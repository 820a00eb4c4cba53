/**
 * How values and batches of messages are put into a frame between nodes: as JSON when
 * JSON carries them faithfully (plain objects, arrays, strings, finite numbers, booleans,
 * null — what protocols send almost always), else as the structured clone algorithm does
 * (`node:v8`: Maps, Sets, typed arrays, `undefined`, `-0`, non-finite numbers, Dates), so
 * a node over TCP receives exactly what a Worker would. The first byte says which:
 *
 * - `J` (0x4a): a value as JSON text (UTF-8) — handshakes, or a batch as an array of
 *   `{ from, body, lamport, vclock }`;
 * - `B` (0x42): a batch of deliveries as one flat JSON array
 *   `[ids, lamport₁, clock₁, body₁, lamport₂, clock₂, body₂, …]` — the envelope's names
 *   are not repeated and the sender is not sent (the handshake names it: the receiver
 *   fills it in); `ids` lists the node ids of the first message's vector clock, and a
 *   clock with exactly those ids, in that order, goes as the array of its counters
 *   (any other clock as its object). So a frame is about half the size and a third
 *   cheaper to parse;
 * - `V` (0x56): a value, or a batch as an array of deliveries, by `node:v8`.
 *
 * Whether JSON is faithful is found by one walk over the value ({@link isPlain}) before a
 * plain `JSON.stringify`, whose native fast path a replacer function would turn off.
 * Decoding JSON is about five times as fast as `node:v8`'s deserializer in Deno, which is
 * most of a receiver's cost per message.
 *
 * @module
 */

import { deserialize, serialize } from "node:v8";
import type { NodeId } from "../../protocols/node.ts";
import type { WireDelivery } from "../worker_protocol.ts";

type Clock = WireDelivery["vclock"];

const JSON_TAG = 0x4a; // "J"
const BATCH_TAG = 0x42; // "B"
const V8_TAG = 0x56; // "V"
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
/**
 * For batches: Deno decodes ASCII many times faster when it need not refuse bad UTF-8,
 * and a batch's frame has passed its checksum — what our encoder wrote — so bad bytes
 * can only come from a peer that means it, and they become U+FFFD in a string, which any
 * peer could have sent anyway.
 */
const lenient = new TextDecoder("utf-8");
/** Deeper than this, a value is left to `node:v8` (which also handles cycles). */
const MAX_DEPTH = 1000;

/**
 * Whether JSON carries `value` unchanged: strings, booleans, finite numbers other than
 * `-0`, null, and arrays without holes and objects of `Object.prototype` (or none) made
 * of those, at most {@link MAX_DEPTH} deep. A cycle is deeper than any depth: false.
 *
 * @example
 * ```ts
 * import { isPlain } from "./wire_codec.ts";
 * isPlain({ a: [1, "x", null, true] }); // true
 * isPlain({ a: undefined }); // false
 * isPlain(new Map()); // false
 * isPlain(-0); // false
 * ```
 */
export function isPlain(value: unknown, depth = 0): boolean {
  return typeof value === "object" && value !== null
    ? plainObject(value, depth)
    : plainMember(value, depth);
}

/** {@link isPlain} of a member: primitives checked here, without a call per value. */
function plainMember(x: unknown, depth: number): boolean {
  switch (typeof x) {
    case "string":
    case "boolean":
      return true;
    case "number":
      // Finite (NaN and ±Infinity become null), and not -0 (it becomes 0).
      return x - x === 0 && (x !== 0 || 1 / x > 0);
    case "object":
      return x === null || plainObject(x, depth);
    default: // undefined, bigint, function, symbol
      return false;
  }
}

/** {@link isPlain} of an object or array (not null) at `depth`. */
function plainObject(value: object, depth: number): boolean {
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    // A hole reads as undefined: not plain (JSON would make it null).
    for (let i = 0; i < value.length; i++) if (!plainMember(value[i], depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false; // Map, Date, class…
  for (const key in value) {
    if (!plainMember((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/**
 * `room` free bytes, `tag`, then the UTF-8 of `text`, in one allocation when the text is
 * ASCII.
 */
function tagged(tag: number, text: string, room = 0): Uint8Array {
  const out = new Uint8Array(room + text.length + 1);
  const { read, written } = encoder.encodeInto(text, out.subarray(room + 1));
  if (read === text.length && written === text.length) {
    out[room] = tag;
    return out;
  }
  // Not ASCII: UTF-8 is longer than the string's length.
  const body = encoder.encode(text);
  const long = new Uint8Array(room + body.length + 1);
  long[room] = tag;
  long.set(body, room + 1);
  return long;
}

/** `room` free bytes, `tag`, then `bytes`. */
function prefixed(tag: number, bytes: Uint8Array, room = 0): Uint8Array {
  const out = new Uint8Array(room + bytes.length + 1);
  out[room] = tag;
  out.set(bytes, room + 1);
  return out;
}

/**
 * Encodes `value`: JSON when that is faithful, else `node:v8`.
 *
 * @example
 * ```ts
 * import { decodeWire, encodeWire } from "./wire_codec.ts";
 * encodeWire({ a: 1 })[0]; // 0x4a: JSON
 * encodeWire(new Map([[1, 2]]))[0]; // 0x56: structured clone
 * decodeWire(encodeWire(new Map([[1, 2]]))); // Map { 1 => 2 }
 * ```
 */
export function encodeWire(value: unknown): Uint8Array {
  let text: string | undefined;
  try {
    if (isPlain(value)) text = JSON.stringify(value);
  } catch {
    // a getter that throws: structured clone says so, below
  }
  return text !== undefined ? tagged(JSON_TAG, text) : prefixed(V8_TAG, serialize(value));
}

/**
 * Decodes what {@link encodeWire} made; throws on anything else.
 *
 * @example
 * ```ts
 * import { decodeWire, encodeWire } from "./wire_codec.ts";
 * decodeWire(encodeWire([1, "x", null])); // [1, "x", null]
 * ```
 */
export function decodeWire(bytes: Uint8Array): unknown {
  const tag = bytes[0];
  if (tag === JSON_TAG) return JSON.parse(decoder.decode(bytes.subarray(1)));
  if (tag === V8_TAG) return deserialize(bytes.subarray(1));
  throw new Error(`unknown encoding ${tag === undefined ? "(empty)" : `0x${tag.toString(16)}`}`);
}

/**
 * Encodes a batch of deliveries to one peer: the flat JSON array of the `B` encoding
 * when every message is plain, else the whole batch by `node:v8`. The senders are not
 * kept: {@link decodeBatch} is told who sent the frame. With `room`, that many zero bytes
 * come first (the encoding is `subarray(room)`): room for a frame's header, written in
 * place instead of copying the encoding into a frame.
 *
 * @example
 * ```ts
 * import { decodeBatch, encodeBatch } from "./wire_codec.ts";
 * const bytes = encodeBatch([{ from: "n1", body: { seq: 1 }, lamport: 3, vclock: { n1: 2 } }]);
 * bytes[0]; // 0x42
 * decodeBatch(bytes, "n1"); // [{ from: "n1", body: { seq: 1 }, lamport: 3, vclock: { n1: 2 } }]
 * ```
 */
export function encodeBatch(batch: readonly WireDelivery[], room = 0): Uint8Array {
  const ids = batch.length > 0 ? clockIds(batch[0]!.vclock) : null;
  const flat: unknown[] = new Array(1 + batch.length * 3);
  flat[0] = ids ?? [];
  let plain = true;
  try {
    for (let i = 0; i < batch.length; i++) {
      const d = batch[i]!;
      const counters = ids === null ? null : clockCounters(d.vclock, ids);
      if (
        !isPlain(d.lamport) || (counters === null && !isPlain(d.vclock, 1)) || !isPlain(d.body, 1)
      ) {
        plain = false;
        break;
      }
      flat[1 + 3 * i] = d.lamport;
      flat[2 + 3 * i] = counters ?? d.vclock;
      flat[3 + 3 * i] = d.body;
    }
    if (plain) return tagged(BATCH_TAG, JSON.stringify(flat), room);
  } catch {
    // a getter that throws: structured clone says so, below
  }
  return prefixed(
    V8_TAG,
    serialize(batch.map((d) => ({ body: d.body, lamport: d.lamport, vclock: d.vclock }))),
    room,
  );
}

/** The ids of a plain clock of numbers, in order; null for anything else. */
function clockIds(clock: unknown): string[] | null {
  if (clock === null || typeof clock !== "object" || Array.isArray(clock)) return null;
  if (Object.getPrototypeOf(clock) !== Object.prototype) return null;
  const ids: string[] = [];
  for (const id in clock) {
    if (id === "__proto__") return null; // an own property JSON keeps but `c[id] =` would not
    ids.push(id);
  }
  return ids;
}

/** The counters of `clock` when its ids are `ids`, in order, and plain numbers; else null. */
function clockCounters(clock: unknown, ids: readonly string[]): number[] | null {
  if (clock === null || typeof clock !== "object" || Array.isArray(clock)) return null;
  if (Object.getPrototypeOf(clock) !== Object.prototype) return null;
  const counters: number[] = new Array(ids.length);
  let j = 0;
  for (const id in clock) {
    const n = (clock as Record<string, unknown>)[id];
    if (id !== ids[j] || typeof n !== "number" || n - n !== 0 || (n === 0 && 1 / n < 0)) {
      return null;
    }
    counters[j++] = n;
  }
  return j === ids.length ? counters : null;
}

/**
 * Decodes a batch that `from` sent (any encoding a batch may have: `B`, or an array of
 * deliveries as `J` or `V`), every message stamped as `from`'s — a frame cannot speak
 * for another node. Throws on anything that is not a batch of well-formed deliveries
 * (a Lamport time that is not a number, a vector clock that is not an object of numbers).
 *
 * @example
 * ```ts
 * import { decodeBatch, encodeWire } from "./wire_codec.ts";
 * const legacy = encodeWire([{ from: "n9", body: "x", lamport: 1, vclock: {} }]);
 * decodeBatch(legacy, "n2")[0]!.from; // "n2"
 * ```
 */
export function decodeBatch(bytes: Uint8Array, from: NodeId): WireDelivery[] {
  if (bytes[0] === BATCH_TAG) {
    const flat: unknown = JSON.parse(lenient.decode(bytes.subarray(1)));
    if (!Array.isArray(flat) || flat.length % 3 !== 1) throw new Error("not a batch of messages");
    const ids: unknown = flat[0];
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string" && id !== "__proto__")) {
      throw new Error("a batch without the ids of its clocks");
    }
    const out: WireDelivery[] = new Array((flat.length - 1) / 3);
    for (let i = 0; i < out.length; i++) {
      const lamport: unknown = flat[1 + 3 * i];
      let vclock: unknown = flat[2 + 3 * i];
      if (Array.isArray(vclock)) {
        if (vclock.length !== ids.length) {
          throw new Error(`message ${i} has a clock of another size`);
        }
        const clock: Record<string, unknown> = {};
        for (let j = 0; j < ids.length; j++) clock[ids[j]] = vclock[j];
        vclock = clock;
      }
      checkEnvelope(lamport, vclock, i);
      out[i] = { from, body: flat[3 + 3 * i], lamport: lamport as number, vclock: vclock as Clock };
    }
    return out;
  }
  const batch = decodeWire(bytes);
  if (!Array.isArray(batch)) throw new Error("not a batch of messages");
  const out: WireDelivery[] = new Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const d: unknown = batch[i];
    if (d === null || typeof d !== "object") throw new Error(`message ${i} is not a delivery`);
    const { body, lamport, vclock } = d as Record<string, unknown>;
    checkEnvelope(lamport, vclock, i);
    out[i] = { from, body, lamport: lamport as number, vclock: vclock as Clock };
  }
  return out;
}

/** Throws unless `lamport` is a number and `vclock` an object of numbers. */
function checkEnvelope(lamport: unknown, vclock: unknown, i: number): void {
  if (typeof lamport !== "number") throw new Error(`message ${i} has no Lamport time`);
  if (vclock === null || typeof vclock !== "object" || Array.isArray(vclock)) {
    throw new Error(`message ${i} has no vector clock`);
  }
  for (const k in vclock) {
    if (typeof (vclock as Record<string, unknown>)[k] !== "number") {
      throw new Error(`message ${i} has a vector clock entry that is not a number`);
    }
  }
}
