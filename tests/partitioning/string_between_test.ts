import assert from "node:assert/strict";
import fc from "fast-check";
import { stringBetween } from "../../partitioning/string_between.ts";

Deno.test("stringBetween finds a string strictly inside any non-empty open interval", () => {
  const s = fc.string({ unit: "binary", maxLength: 5 });
  const unit = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 5 })
    .map((u) => String.fromCharCode(...u));
  const str = fc.oneof(s, unit, fc.constantFrom("", "\0", "a\0", "\uffff", "\uffff\uffff"));
  fc.assert(
    fc.property(str, fc.option(str, { nil: null }), (x, y) => {
      const [lo, hi] = y === null || x < y ? [x, y] : [y, x];
      if (lo === hi) return;
      const m = stringBetween(lo, hi);
      if (hi !== null && hi === `${lo}\0`) {
        assert.equal(m, undefined); // nothing lies between s and s + "\0"
      } else {
        assert.ok(m !== undefined, `${JSON.stringify(lo)} .. ${JSON.stringify(hi)}`);
        assert.ok(lo < m && (hi === null || m < hi), JSON.stringify([lo, m, hi]));
      }
    }),
    { seed: 42, numRuns: 3000 },
  );
  assert.equal(stringBetween("a", "c"), "b");
  assert.equal(stringBetween("b", "a"), undefined);
});

Deno.test("stringBetween cuts at the first differing code unit", () => {
  assert.equal(stringBetween("apple", "apricot"), "apq");
  assert.equal(stringBetween("ab", "ac"), "ab\u7fff");
  assert.equal(stringBetween("", null), "\u7fff");
  assert.equal(stringBetween("\uffff", null), "\uffff\u7fff");
  assert.equal(stringBetween("a", "a\0b"), "a\0");
});
