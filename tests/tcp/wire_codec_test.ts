/**
 * The encoding of batches between nodes: JSON for plain data, the structured clone
 * algorithm for anything JSON would change — so a node over TCP receives exactly what a
 * Worker would — and anything else refused.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeWire, encodeWire } from "../../nodes/tcp/wire_codec.ts";

const J = 0x4a;
const V = 0x56;

Deno.test("wire codec: plain data goes as JSON and comes back equal", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const bytes = encodeWire(v);
      const back = decodeWire(bytes);
      // -0 is not JSON-faithful: such values go by structured clone, still equal.
      assert.deepStrictEqual(back, v);
      if (!JSON.stringify(v).includes("-0") && !hasNegativeZero(v)) assert.equal(bytes[0], J);
    }),
  );
});

function hasNegativeZero(v: unknown): boolean {
  if (Object.is(v, -0)) return true;
  if (v !== null && typeof v === "object") return Object.values(v).some(hasNegativeZero);
  return false;
}

Deno.test("wire codec: what JSON would change goes by structured clone, intact", () => {
  const cases: unknown[] = [
    { m: new Map([["k", 1]]) },
    [new Set([1, 2])],
    { x: undefined },
    [undefined],
    { n: -0 },
    { n: NaN },
    { n: Infinity },
    { d: new Date(0) },
    { b: 10n },
    { a: new Uint8Array([1, 2, 3]) },
    undefined,
  ];
  for (const v of cases) {
    const bytes = encodeWire(v);
    assert.equal(bytes[0], V, `${String(Deno.inspect(v))} goes by structured clone`);
    assert.deepStrictEqual(decodeWire(bytes), v);
  }
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  const back = decodeWire(encodeWire(cycle)) as Record<string, unknown>;
  assert.equal(back.self, back);
});

Deno.test("wire codec: an unknown encoding or broken JSON is refused", () => {
  assert.throws(() => decodeWire(new Uint8Array([0x41, 1, 2])), /unknown encoding 0x41/);
  assert.throws(() => decodeWire(new Uint8Array([])), /unknown encoding \(empty\)/);
  assert.throws(() => decodeWire(new Uint8Array([J, 0x7b])), SyntaxError);
});
