import assert from "node:assert/strict";
import fc from "fast-check";
import { createStepMeter } from "../../checker/budget.ts";
import { checkLinearizability, relevantOperations } from "../../checker/linearizability.ts";
import { casRegisterModel, kvModel, registerModel } from "../../checker/models.ts";
import { searchLinearization } from "../../checker/search.ts";
import { checkSequential } from "../../checker/sequential.ts";
import { checkSessionGuarantees } from "../../checker/session.ts";
import type { Operation } from "../../history/operations.ts";
import { bruteForceLinearizable, isLinearization } from "./history_builder.ts";

interface Step {
  readonly f: "read" | "write" | "cas" | "delete";
  readonly key: number;
  readonly casHits: boolean;
  /** How far the call reaches back and the return reaches forward from the effect. */
  readonly before: number;
  readonly after: number;
  readonly info: boolean;
  /** An info write that never took effect, added next to this step. */
  readonly phantom: boolean;
}

const stepArb = (fs: Step["f"][], keys: number, maxOverlap: number) =>
  fc.record({
    f: fc.constantFrom(...fs),
    key: fc.nat(keys - 1),
    casHits: fc.boolean(),
    before: fc.nat(maxOverlap),
    after: fc.nat(maxOverlap),
    info: fc.nat(9).map((x) => x === 0),
    phantom: fc.nat(19).map((x) => x === 0),
  });

/**
 * Runs `steps` one after another on a store (operation i takes effect at 10 i + 5),
 * then stretches each operation's interval around its effect instant. Every history
 * built this way is linearizable: the effect order is a witness.
 */
function sequentialExecution(steps: readonly Step[]): Operation[] {
  const ops: Operation[] = [];
  const state = new Map<string, unknown>();
  const freeAt: number[] = []; // per process: when its last operation returned
  let fresh = 1;
  const processFor = (call: number) => {
    const p = freeAt.findIndex((t) => t < call);
    return p === -1 ? freeAt.length : p;
  };
  const push = (op: Omit<Operation, "id" | "process">) => {
    const process = processFor(op.call);
    freeAt[process] = op.ret;
    ops.push({ ...op, id: ops.length, process });
  };
  steps.forEach((s, i) => {
    const key = `k${s.key}`;
    const effect = 10 * i + 5;
    const call = effect - s.before;
    const current = state.get(key) ?? null;
    const info = s.info && s.f !== "read";
    const ret = info ? Infinity : effect + s.after;
    const status = info ? "info" : "ok";
    if (s.f === "read") {
      push({ f: "read", key, input: undefined, output: current, call, ret, status });
    } else if (s.f === "write") {
      const v = fresh++;
      state.set(key, v);
      push({ f: "write", key, input: v, output: v, call, ret, status });
    } else if (s.f === "delete") {
      state.set(key, null);
      push({ f: "delete", key, input: undefined, output: undefined, call, ret, status });
    } else {
      const expected = s.casHits ? current : fresh++;
      const next = fresh++;
      if (s.casHits) state.set(key, next);
      push({
        f: "cas",
        key,
        input: [expected, next],
        output: [expected, next],
        call,
        ret: s.casHits ? ret : effect + s.after,
        status: s.casHits ? status : "fail",
      });
    }
    if (s.phantom) {
      const v = fresh++;
      push({ f: "write", key, input: v, output: v, call, ret: Infinity, status: "info" });
    }
  });
  return ops;
}

Deno.test("every history of a sequential execution with consistent overlaps is linearizable", () => {
  fc.assert(
    fc.property(
      fc.array(stepArb(["read", "write", "cas", "delete"], 3, 40), { minLength: 1, maxLength: 80 }),
      (steps) => {
        const ops = sequentialExecution(steps);
        const r = checkLinearizability(ops, kvModel);
        assert.equal(r.verdict, "linearizable", JSON.stringify(r));
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("the order the search returns is a real linearization (property)", () => {
  fc.assert(
    fc.property(
      fc.array(stepArb(["read", "write", "cas"], 1, 60), { minLength: 1, maxLength: 60 }),
      (steps) => {
        const ops = relevantOperations(sequentialExecution(steps), casRegisterModel);
        for (const exact of [false, true]) {
          const r = searchLinearization(ops, casRegisterModel, createStepMeter(), exact);
          assert.equal(r.kind, "linearizable");
          if (r.kind !== "linearizable") return;
          const order = r.order.map((i) => ops[i]);
          assert.ok(isLinearization(ops, order, casRegisterModel), "witness is valid");
        }
      },
    ),
    { seed: 42, numRuns: 200 },
  );
});

Deno.test("swapping the values of two non-concurrent reads of different values is caught", () => {
  let checked = 0;
  let named = 0;
  fc.assert(
    fc.property(
      fc.array(stepArb(["read", "write"], 1, 25), { minLength: 6, maxLength: 60 }),
      fc.nat(),
      (steps, pick) => {
        const ops = sequentialExecution(steps);
        const writerOf = new Map<unknown, Operation>();
        for (const op of ops) if (op.f === "write") writerOf.set(op.input, op);
        const reads = ops.filter((op) => op.f === "read" && op.status === "ok");
        // The writes that produced the two values must themselves be ordered in real time
        // (the initial null precedes every write), else the swap may be explainable.
        const precedes = (a: unknown, b: unknown) => {
          if (a === null) return true;
          const wa = writerOf.get(a)!;
          const wb = writerOf.get(b);
          return wb !== undefined && wa.ret < wb.call;
        };
        const pairs: [Operation, Operation][] = [];
        for (const r1 of reads) {
          for (const r2 of reads) {
            if (r1.ret < r2.call && r1.output !== r2.output && precedes(r1.output, r2.output)) {
              pairs.push([r1, r2]);
            }
          }
        }
        fc.pre(pairs.length > 0);
        const [r1, r2] = pairs[pick % pairs.length];
        const swapped = ops.map((op) =>
          op === r1 ? { ...op, output: r2.output } : op === r2 ? { ...op, output: r1.output } : op
        );
        assert.equal(checkLinearizability(ops, registerModel).verdict, "linearizable");
        const r = checkLinearizability(swapped, registerModel);
        assert.equal(r.verdict, "not-linearizable");
        if (r.verdict === "not-linearizable") {
          // The search may first get stuck at a later read that the swap starved (its
          // value was used up explaining a swapped one); the window then reaches back.
          const c = r.counterexample;
          assert.ok(c.operations.includes(c.operation));
          const ids = new Set(c.operations.map((op) => op.id));
          if (ids.has(r1.id) || ids.has(r2.id)) named++;
        }
        checked++;
      },
    ),
    { seed: 42, numRuns: 300 },
  );
  assert.ok(checked > 100, `only ${checked} histories had a pair to swap`);
  assert.equal(named, checked, "a swapped read is named in every counterexample");
});

const tinyOp = fc.record({
  f: fc.constantFrom("read", "write", "cas", "delete"),
  a: fc.constantFrom(null, 1, 2),
  b: fc.constantFrom(null, 1, 2),
  call: fc.nat(40),
  len: fc.nat(30),
  status: fc.constantFrom("ok", "ok", "ok", "ok", "info", "fail") as fc.Arbitrary<
    "ok" | "info" | "fail"
  >,
});

type TinySpec = typeof tinyOp extends fc.Arbitrary<infer T> ? T : never;

/**
 * Operations on key `x` from tiny specs: by default each from its own process at the
 * spec's time; `perProcess` spreads them over 3 processes that each issue theirs one
 * after another, as a real client does.
 */
function tinyOperations(specs: readonly TinySpec[], perProcess = false): Operation[] {
  return specs.map((s, id) => {
    const call = perProcess ? id * 100 + s.call : s.call;
    return {
      id,
      process: perProcess ? id % 3 : id,
      f: s.f,
      key: "x",
      input: s.f === "write" ? s.a : s.f === "cas" ? [s.a, s.b] : undefined,
      output: s.f === "read" ? s.a : undefined,
      call,
      ret: s.status === "info" ? Infinity : call + s.len,
      status: s.status,
    };
  });
}

Deno.test("the checker agrees with brute force on tiny arbitrary histories", () => {
  let bad = 0;
  fc.assert(
    fc.property(fc.array(tinyOp, { maxLength: 6 }), (specs) => {
      const ops = tinyOperations(specs);
      const expected = bruteForceLinearizable(ops, casRegisterModel);
      if (!expected) bad++;
      const r = checkLinearizability(ops, kvModel);
      assert.equal(r.verdict, expected ? "linearizable" : "not-linearizable", JSON.stringify(ops));
    }),
    { seed: 42, numRuns: 1000 },
  );
  assert.ok(bad > 100, `only ${bad} non-linearizable histories were generated`);
});

Deno.test("every session guarantee holds on histories of sequential executions", () => {
  fc.assert(
    fc.property(
      fc.array(stepArb(["read", "write", "cas", "delete"], 2, 40), { minLength: 1, maxLength: 60 }),
      (steps) => {
        for (const r of checkSessionGuarantees(sequentialExecution(steps))) {
          assert.ok(r.ok, JSON.stringify(r.violations[0]));
        }
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("a linearizable tiny history is also sequential (property)", () => {
  let sequentialOnly = 0;
  fc.assert(
    fc.property(fc.array(tinyOp, { maxLength: 7 }), (specs) => {
      const ops = tinyOperations(specs, true);
      const lin = checkLinearizability(ops, kvModel).verdict;
      const seq = checkSequential(ops, kvModel).verdict;
      if (lin === "linearizable") assert.equal(seq, "sequential");
      if (lin !== "linearizable" && seq === "sequential") sequentialOnly++;
    }),
    { seed: 42, numRuns: 500 },
  );
  assert.ok(sequentialOnly > 0, "some histories are sequential but not linearizable");
});

Deno.test("fast and exact searches agree (property)", () => {
  fc.assert(
    fc.property(fc.array(tinyOp, { maxLength: 14 }), (specs) => {
      const ops = tinyOperations(specs);
      const rel = relevantOperations(ops, casRegisterModel);
      const fast = searchLinearization(rel, casRegisterModel, createStepMeter(), false);
      const exact = searchLinearization(rel, casRegisterModel, createStepMeter(), true);
      assert.equal(fast.kind, exact.kind);
      if (fast.kind === "not-linearizable" && exact.kind === "not-linearizable") {
        assert.equal(fast.stuck, exact.stuck);
      }
    }),
    { seed: 42, numRuns: 500 },
  );
});
