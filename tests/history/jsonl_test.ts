import assert from "node:assert/strict";
import fc from "fast-check";
import { formatHistory, parseHistory } from "../../history/jsonl.ts";
import { HistoryParseError } from "../../history/parse_error.ts";
import type { HistoryEvent } from "../../history/event.ts";

const W_INVOKE = '{"process":0,"type":"invoke","f":"write","key":"x","value":1,"time":1}';
const W_OK = '{"process":0,"type":"ok","f":"write","key":"x","value":1,"time":2}';

function parseError(text: string): HistoryParseError {
  try {
    parseHistory(text);
  } catch (e) {
    assert.ok(e instanceof HistoryParseError, `expected HistoryParseError, got ${e}`);
    return e;
  }
  assert.fail("parseHistory accepted a malformed history");
}

Deno.test("parseHistory reads events, ignoring blank lines and CRLF", () => {
  const events = parseHistory(`\n${W_INVOKE}\r\n\n   \n${W_OK}\n`);
  assert.deepEqual(events, [
    { process: 0, type: "invoke", f: "write", key: "x", value: 1, time: 1 },
    { process: 0, type: "ok", f: "write", key: "x", value: 1, time: 2 },
  ]);
});

Deno.test("parseHistory keeps node and error and drops unknown fields", () => {
  const events = parseHistory(
    '{"process":2,"type":"invoke","f":"read","key":"k","time":5,"extra":true}\n' +
      '{"process":2,"type":"info","f":"read","key":"k","time":9,"node":"n1","error":"timeout"}\n',
  );
  assert.deepEqual(events[0], { process: 2, type: "invoke", f: "read", key: "k", time: 5 });
  assert.deepEqual(events[1], {
    process: 2,
    type: "info",
    f: "read",
    key: "k",
    time: 9,
    node: "n1",
    error: "timeout",
  });
});

Deno.test("parseHistory reports the 1-based line of invalid JSON, counting blank lines", () => {
  const e = parseError(`${W_INVOKE}\n\n{"process":0,`);
  assert.equal(e.line, 3);
  assert.match(e.reason, /invalid JSON/);
  assert.match(e.message, /^line 3: /);
});

Deno.test("parseHistory rejects lines that are not event objects, naming the field", () => {
  const cases: [string, RegExp][] = [
    ["[1,2]", /JSON object/],
    ["null", /JSON object/],
    ['{"type":"invoke","f":"read","time":1}', /`process`/],
    ['{"process":1.5,"type":"invoke","f":"read","time":1}', /`process`/],
    ['{"process":"p1","type":"invoke","f":"read","time":1}', /`process`/],
    ['{"process":1,"type":"done","f":"read","time":1}', /`type`/],
    ['{"process":1,"type":"invoke","f":"","time":1}', /`f`/],
    ['{"process":1,"type":"invoke","time":1}', /`f`/],
    ['{"process":1,"type":"invoke","f":"read"}', /`time`/],
    ['{"process":1,"type":"invoke","f":"read","time":"5"}', /`time`/],
    ['{"process":1,"type":"invoke","f":"read","key":3,"time":1}', /`key`/],
    ['{"process":1,"type":"invoke","f":"read","node":3,"time":1}', /`node`/],
    ['{"process":1,"type":"invoke","f":"read","error":false,"time":1}', /`error`/],
  ];
  for (const [line, reason] of cases) {
    const e = parseError(`${W_INVOKE}\n${W_OK}\n${line}\n`);
    assert.equal(e.line, 3, line);
    assert.match(e.reason, reason, line);
  }
});

Deno.test("parseHistory rejects a completion without a pending invoke", () => {
  const e = parseError(`${W_INVOKE}\n${W_OK}\n${W_OK}\n`);
  assert.equal(e.line, 3);
  assert.match(e.reason, /no pending invoke/);
});

Deno.test("parseHistory rejects a second invoke while one is pending", () => {
  const e = parseError(`${W_INVOKE}\n\n${W_INVOKE}\n`);
  assert.equal(e.line, 3);
  assert.match(e.reason, /still pending/);
  assert.match(e.reason, /line 1/);
});

Deno.test("parseHistory rejects a completion whose f or key differs from its invoke", () => {
  const f = parseError(`${W_INVOKE}\n{"process":0,"type":"ok","f":"read","key":"x","time":2}\n`);
  assert.equal(f.line, 2);
  assert.match(f.reason, /does not match/);
  const k = parseError(`${W_INVOKE}\n{"process":0,"type":"ok","f":"write","key":"y","time":2}\n`);
  assert.equal(k.line, 2);
  assert.match(k.reason, /key "y"/);
});

Deno.test("parseHistory accepts time going backwards within a process", () => {
  const events = parseHistory(
    '{"process":0,"type":"invoke","f":"read","time":50}\n' +
      '{"process":0,"type":"ok","f":"read","value":null,"time":40}\n',
  );
  assert.equal(events.length, 2);
  assert.equal(events[1].time, 40);
});

Deno.test("formatHistory writes one object per line, fields in canonical order, trailing newline", () => {
  const text = formatHistory([
    { time: 1, value: 3, key: "x", f: "write", type: "invoke", process: 4 } as HistoryEvent,
    { process: 4, type: "info", f: "write", key: "x", time: 9, error: "timeout" },
  ]);
  assert.equal(
    text,
    '{"process":4,"type":"invoke","f":"write","key":"x","value":3,"time":1}\n' +
      '{"process":4,"type":"info","f":"write","key":"x","time":9,"error":"timeout"}\n',
  );
  assert.equal(formatHistory([]), "");
});

Deno.test("formatHistory then parseHistory gives the events back (property)", () => {
  const value = fc.oneof(
    fc.constant(null),
    fc.integer(),
    fc.string(),
    fc.tuple(fc.integer(), fc.integer()),
    fc.dictionary(fc.string(), fc.integer()),
  );
  const op = fc.record({
    f: fc.constantFrom("read", "write", "cas", "delete", "append"),
    key: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
    input: fc.option(value, { nil: undefined }),
    output: fc.option(value, { nil: undefined }),
    type: fc.constantFrom("ok", "fail", "info", "never") as fc.Arbitrary<
      "ok" | "fail" | "info" | "never"
    >,
    time: fc.integer({ min: 0, max: 1e12 }),
    duration: fc.integer({ min: 0, max: 1e6 }),
  });
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), op), { maxLength: 30 }),
      (ops) => {
        const events: HistoryEvent[] = [];
        const pending = new Set<number>();
        for (const [process, o] of ops) {
          if (pending.has(process)) continue;
          const base = o.key === undefined ? { process, f: o.f } : { process, f: o.f, key: o.key };
          events.push(
            o.input === undefined
              ? { ...base, type: "invoke", time: o.time }
              : { ...base, type: "invoke", value: o.input, time: o.time },
          );
          if (o.type === "never") {
            pending.add(process);
            continue;
          }
          events.push(
            o.output === undefined
              ? { ...base, type: o.type, time: o.time + o.duration }
              : { ...base, type: o.type, value: o.output, time: o.time + o.duration },
          );
        }
        // Compare as plain JSON (generated dictionaries have a null prototype).
        assert.deepEqual(parseHistory(formatHistory(events)), JSON.parse(JSON.stringify(events)));
      },
    ),
    { seed: 42, numRuns: 200 },
  );
});
