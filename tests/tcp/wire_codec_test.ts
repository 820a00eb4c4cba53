/**
 * The encoding of batches between nodes: JSON for plain data, the structured clone
 * algorithm for anything JSON would change — so a node over TCP receives exactly what a
 * Worker would — and anything else refused.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeBatch,
  decodeWire,
  encodeBatch,
  encodeWire,
  isPlain,
} from "../../nodes/tcp/wire_codec.ts";

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

const B = 0x42;
const msg = (body: unknown, lamport = 1, vclock: Record<string, number> = { n1: 1 }) => ({
  from: "n1",
  body,
  lamport,
  vclock,
});

Deno.test("wire codec: a plain batch goes as one flat array, the sender from the handshake", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          body: fc.jsonValue(),
          lamport: fc.nat(),
          // Mostly the same ids in the same order (sent as counters), sometimes not.
          vclock: fc.oneof(
            fc.record({ n1: fc.nat(), n2: fc.nat() }),
            fc.dictionary(fc.constantFrom("n1", "n2", "n3", "7", "__proto__"), fc.nat()),
          ),
        }),
      ),
      (rows) => {
        const batch = rows.map((r) => msg(r.body, r.lamport, r.vclock));
        const bytes = encodeBatch(batch);
        const back = decodeBatch(bytes, "n7");
        // What a Worker would get: structured clone (no prototype kept, as JSON).
        assert.deepStrictEqual(back, batch.map((m) => ({ ...structuredClone(m), from: "n7" })));
        if (!batch.some((m) => hasNegativeZero(m.body))) assert.equal(bytes[0], B);
      },
    ),
  );
  // No envelope names, no sender: [ids, lamport, clock, body, …], a clock with the
  // first one's ids as its counters, any other as its object.
  const text = new TextDecoder().decode(
    encodeBatch([msg("x", 4, { n1: 1, n2: 5 }), msg("y", 5, { n2: 6 })]).subarray(1),
  );
  assert.equal(text, `[["n1","n2"],4,[1,5],"x",5,{"n2":6},"y"]`);
  const proto = JSON.parse(`{"__proto__":1}`);
  const back = decodeBatch(encodeBatch([msg("z", 1, proto)]), "n1");
  assert.deepStrictEqual(Object.getOwnPropertyNames(back[0]!.vclock), ["__proto__"]);
});

Deno.test("wire codec: a batch with one body JSON would change goes by structured clone", () => {
  const batch = [msg({ a: 1 }), msg(new Map([["k", 1]])), msg(undefined)];
  const bytes = encodeBatch(batch);
  assert.equal(bytes[0], V);
  assert.deepStrictEqual(decodeBatch(bytes, "n1"), batch);
});

Deno.test("wire codec: a batch as a JSON array of deliveries is taken, stamped with the sender", () => {
  const bytes = encodeWire([msg("x")]);
  assert.equal(bytes[0], J);
  assert.deepStrictEqual(decodeBatch(bytes, "n3"), [{ ...msg("x"), from: "n3" }]);
});

Deno.test("wire codec: anything but a batch of well-formed deliveries is refused", () => {
  const json = (tag: number, text: string) =>
    new Uint8Array([tag, ...new TextEncoder().encode(text)]);
  const bad: [Uint8Array, RegExp | SyntaxErrorConstructor][] = [
    [json(B, `{"a":1}`), /not a batch/],
    [json(B, `[[],1,{"n1":1}]`), /not a batch/],
    [json(B, `[1,{"n1":1},"x"]`), /not a batch/],
    [json(B, `[{},1,{"n1":1},"x"]`), /without the ids of its clocks/],
    [json(B, `[["__proto__"],1,[1],"x"]`), /without the ids of its clocks/],
    [json(B, `[[],"1",{"n1":1},"x"]`), /message 0 has no Lamport time/],
    [json(B, `[[],1,{"n1":1},"x",2,null,"y"]`), /message 1 has no vector clock/],
    [json(B, `[["n1"],1,[1,2],"x"]`), /message 0 has a clock of another size/],
    [json(B, `[["n1"],1,["2"],"x"]`), /not a number/],
    [json(B, `[[],1,{"n1":"2"},"x"]`), /not a number/],
    [json(B, `[[],1,{"n1":1}`), SyntaxError],
    [json(J, `{"from":"n1"}`), /not a batch/],
    [json(J, `[7]`), /message 0 is not a delivery/],
    [json(J, `[{"body":1,"vclock":{}}]`), /no Lamport time/],
    [new Uint8Array([0x41]), /unknown encoding/],
  ];
  for (const [bytes, why] of bad) assert.throws(() => decodeBatch(bytes, "n1"), why);
});

Deno.test("wire codec: isPlain says what JSON keeps", () => {
  const yes: unknown[] = [0, 1.5, "é", true, null, [], {}, Object.create(null), {
    a: [{ b: "c" }],
  }];
  const no: unknown[] = [-0, NaN, -Infinity, undefined, 1n, () => 1, new Date(0), [, 1], {
    a: { b: undefined },
  }];
  for (const v of yes) assert.equal(isPlain(v), true, Deno.inspect(v));
  for (const v of no) assert.equal(isPlain(v), false, Deno.inspect(v));
  let deep: unknown = 1;
  for (let i = 0; i < 2000; i++) deep = [deep];
  assert.equal(isPlain(deep), false); // left to structured clone
  const bytes = encodeWire(deep);
  assert.equal(bytes[0], V);
  assert.equal(JSON.stringify(decodeWire(bytes)), JSON.stringify(deep));
  // Non-ASCII text is UTF-8, longer than the string.
  assert.deepStrictEqual(decodeWire(encodeWire({ s: "日本語 ✓" })), { s: "日本語 ✓" });
});

Deno.test("wire codec: a batch encoded with room has that many zero bytes, then the same encoding", () => {
  const plain = [msg("x", 4, { n1: 1, n2: 5 }), msg("ü", 5, { n2: 6 })];
  const clone = [msg({ a: 1 }), msg(new Map([["k", 1]]))];
  for (const batch of [plain, clone]) {
    const roomy = encodeBatch(batch, 40);
    assert.deepEqual(roomy.subarray(0, 40), new Uint8Array(40));
    assert.deepEqual(roomy.subarray(40), encodeBatch(batch));
  }
});
