/**
 * How a batch of messages is put into a frame between nodes: as JSON when JSON carries
 * it faithfully (plain objects, arrays, strings, finite numbers, booleans, null — what
 * protocols send almost always), else as the structured clone algorithm does (`node:v8`:
 * Maps, Sets, typed arrays, `undefined`, `-0`, non-finite numbers, Dates), so a node over
 * TCP receives exactly what a Worker would. The first byte says which. Decoding JSON is
 * about five times as fast as `node:v8`'s deserializer in Deno, which is most of a
 * receiver's cost per message.
 *
 * @module
 */

import { deserialize, serialize } from "node:v8";

const JSON_TAG = 0x4a; // "J"
const V8_TAG = 0x56; // "V"
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Set by {@link faithful} when a value would not survive JSON. */
let plain = true;

/** A JSON replacer that notes any value JSON would change (it sees values after `toJSON`, so it looks at the holder's). */
function faithful(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  switch (typeof original) {
    case "object":
      if (original !== null && !Array.isArray(original)) {
        const proto = Object.getPrototypeOf(original);
        if (proto !== Object.prototype && proto !== null) plain = false;
      }
      return value;
    case "number":
      if (!Number.isFinite(original) || Object.is(original, -0)) plain = false;
      return value;
    case "string":
    case "boolean":
      return value;
    default: // undefined, bigint, function, symbol
      plain = false;
      return value;
  }
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
  plain = true;
  let text: string | undefined;
  try {
    text = JSON.stringify(value, faithful);
  } catch {
    plain = false; // a cycle, or a BigInt
  }
  if (plain && text !== undefined) {
    const body = encoder.encode(text);
    const out = new Uint8Array(body.length + 1);
    out[0] = JSON_TAG;
    out.set(body, 1);
    return out;
  }
  const body = serialize(value);
  const out = new Uint8Array(body.length + 1);
  out[0] = V8_TAG;
  out.set(body, 1);
  return out;
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
