import assert from "node:assert/strict";
import { casRegisterModel, kvModel, registerModel } from "../../checker/models.ts";
import { canonicalJson } from "../../checker/canonical_json.ts";
import { createConfigCache } from "../../checker/config_cache.ts";
import { createStateTable } from "../../checker/state_table.ts";
import { createStepMeter } from "../../checker/budget.ts";
import { operations } from "./history_builder.ts";

Deno.test("the cas-register model steps read, write, delete and cas", () => {
  const m = casRegisterModel;
  assert.deepEqual(m.step(null, { f: "read" }, null, false), { ok: true, state: null });
  assert.deepEqual(m.step(null, { f: "read" }, undefined, false), { ok: true, state: null });
  assert.equal(m.step(null, { f: "read" }, 1, false).ok, false);
  assert.deepEqual(m.step(3, { f: "read" }, undefined, true), { ok: true, state: 3 });
  assert.deepEqual(m.step(null, { f: "write", value: 4 }, 4, false), { ok: true, state: 4 });
  assert.deepEqual(m.step(4, { f: "delete" }, undefined, false), { ok: true, state: null });
  assert.deepEqual(m.step(4, { f: "cas", value: [4, 5] }, [4, 5], false), { ok: true, state: 5 });
  assert.equal(m.step(4, { f: "cas", value: [3, 5] }, [3, 5], false).ok, false);
  assert.equal(m.step(4, { f: "cas", value: [3, 5] }, undefined, true).ok, false);
  assert.equal(m.step(4, { f: "append", value: 1 }, 1, false).ok, false);
  assert.equal(m.readOnly!({ f: "read" }), true);
  assert.equal(m.readOnly!({ f: "cas", value: [1, 2] }), false);
});

Deno.test("the register model rejects cas and delete as unsupported", () => {
  const [cas, del] = operations([
    [0, "cas", "x", [1, 2], [1, 2], 0, 1],
    [0, "delete", "x", undefined, undefined, 2, 3],
  ]);
  assert.throws(() => registerModel.input!(cas), /supported: read, write/);
  assert.throws(() => registerModel.input!(del), /supported: read, write/);
  assert.deepEqual(casRegisterModel.input!(cas), { f: "cas", key: "x", value: [1, 2] });
});

Deno.test("the kv model partitions by key and needs a key on every operation", () => {
  const ops = operations([
    [0, "write", "b", 1, 1, 0, 1],
    [0, "write", "a", 2, 2, 2, 3],
    [1, "read", "b", undefined, 1, 4, 5],
  ]);
  const parts = kvModel.partition!(ops);
  assert.deepEqual(parts.map((p) => [p.key, p.operations.map((o) => o.id)]), [["b", [0, 2]], ["a", [
    1,
  ]]]);
  const keyless = [{ ...ops[0], key: undefined }];
  assert.throws(() => kvModel.partition!(keyless), /has no key/);
});

Deno.test("prepare drops info writes whose value nobody observes, and nothing else", () => {
  const ops = operations([
    [0, "write", "x", 1, 1, 0, 1, "info"], // read below: kept
    [1, "write", "x", 2, 2, 0, 1, "info"], // never read: dropped
    [2, "cas", "x", [1, 3], [1, 3], 0, 1, "info"], // 3 never read: dropped
    [3, "cas", "x", [1, 4], [1, 4], 0, 1, "info"], // 4 expected by an ok cas: kept
    [4, "cas", "x", [4, 5], [4, 5], 0, 1],
    [5, "write", "x", 9, 9, 0, 1, "info"], // 9 only "expected" by a failed cas: dropped
    [6, "cas", "x", [9, 10], [9, 10], 0, 1, "fail"],
    [7, "delete", "x", undefined, undefined, 0, 1, "info"], // null never read: dropped
    [8, "write", "x", 6, 6, 0, 1], // ok: always kept
    [9, "read", "x", undefined, 1, 2, 3],
  ]);
  const kept = casRegisterModel.prepare!(ops).map((o) => o.id);
  assert.deepEqual(kept, [0, 3, 4, 6, 8, 9]);
});

Deno.test("descriptions name the operation, its key, values and status", () => {
  const [w, r, c, i] = operations([
    [3, "write", "k", 5, 5, 0, 1],
    [4, "read", "k", undefined, { a: 1 }, 0, 1],
    [5, "cas", "k", [1, 2], [1, 2], 0, 1],
    [6, "read", "k", undefined, undefined, 0, 1, "info"],
  ]);
  assert.equal(kvModel.describeOperation!(w), "#0 p3 write k 5");
  assert.equal(kvModel.describeOperation!(r), '#1 p4 read k → {"a":1}');
  assert.equal(kvModel.describeOperation!(c), "#2 p5 cas k 1→2");
  assert.equal(kvModel.describeOperation!(i), "#3 p6 read k → ? (info)");
  assert.equal(kvModel.describeState!(null), "null");
});

Deno.test("canonicalJson sorts keys and keeps non-JSON values distinct from null", () => {
  assert.equal(
    canonicalJson({ b: [1, { d: 2, c: 3 }], a: "s" }),
    '{"a":"s","b":[1,{"c":3,"d":2}]}',
  );
  const texts = [null, undefined, NaN, Infinity, -Infinity, "null", 0].map(canonicalJson);
  assert.equal(new Set(texts).size, texts.length);
});

Deno.test("the configuration cache tells new configurations from seen ones", () => {
  for (const exact of [false, true]) {
    const live = { bits: new Uint32Array(3), definiteWords: 2, low: 0, high: 0 };
    const cache = createConfigCache(exact ? live : undefined);
    assert.equal(cache.insert(1, 2, 0), true);
    assert.equal(cache.insert(1, 2, 0), false);
    assert.equal(cache.insert(1, 2, 1), true, "another state");
    assert.equal(cache.insert(1, 3, 0), true, "another high hash");
    // Enough entries to force the table to grow several times.
    for (let i = 0; i < 5000; i++) assert.equal(cache.insert(i * 7919, i, 0), true);
    for (let i = 0; i < 5000; i++) assert.equal(cache.insert(i * 7919, i, 0), false);
    assert.equal(cache.size, 5003);
  }
});

Deno.test("an exact cache compares the sets themselves, not just their hashes", () => {
  const live = { bits: new Uint32Array(3), definiteWords: 2, low: 0, high: 1 };
  const cache = createConfigCache(live);
  live.bits[0] = 0b1;
  assert.equal(cache.insert(7, 7, 0), true);
  live.bits[0] = 0b10; // a different set with a colliding hash
  assert.equal(cache.insert(7, 7, 0), true);
  live.bits[2] = 0b1; // an info bit makes a third set
  assert.equal(cache.insert(7, 7, 0), true);
  assert.equal(cache.insert(7, 7, 0), false);
});

Deno.test("the state table gives equal states one id", () => {
  const t = createStateTable<unknown>(kvModel);
  const a = t.intern({ x: [1, 2] });
  assert.equal(t.intern({ x: [1, 2] }), a);
  assert.notEqual(t.intern({ x: [2, 1] }), a);
  assert.equal(t.intern(null), t.intern(null));
  assert.deepEqual(t.get(a), { x: [1, 2] });
  assert.equal(t.size, 3);
  // A model with only `equal` works too.
  const eqOnly = createStateTable<number>({
    name: "n",
    init: () => 0,
    step: () => ({ ok: false }),
    equal: (x: number, y: number) => x % 10 === y % 10,
  });
  assert.equal(eqOnly.intern(3), eqOnly.intern(13));
});

Deno.test("a step meter reads the injected clock and explains why it stopped", () => {
  let t = 100;
  const meter = createStepMeter({ maxSteps: 5, now: () => t, timeoutMs: 10 });
  assert.equal(meter.limit, 5);
  assert.equal(meter.timeUp(), false);
  t = 111;
  assert.equal(meter.timeUp(), true);
  assert.match(meter.exhaustedReason(), /time budget of 10 ms/);
  assert.match(createStepMeter({ maxSteps: 5 }).exhaustedReason(), /step budget of 5/);
  assert.equal(createStepMeter().timeUp(), false);
});
