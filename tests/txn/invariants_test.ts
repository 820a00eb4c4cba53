import assert from "node:assert/strict";
import {
  checkAtomicity,
  checkLedgers,
  checkLocks,
  checkTwoPhaseCommit,
  checkTwoPhaseSettled,
  type ParticipantView,
  type TxnClusterView,
} from "../../protocols/txn/invariants.ts";

const effect = { key: "stock/a", delta: -1 };

function participant(node: string, extra: Partial<ParticipantView> = {}): ParticipantView {
  return {
    node,
    records: {},
    ledger: { "stock/a": 5 },
    initial: { "stock/a": 5 },
    locks: {},
    ...extra,
  };
}

Deno.test("atomicity catches a transaction committed at one participant and aborted at another", () => {
  const view: TxnClusterView = {
    coordinator: { t: { decision: "commit", participants: [], ended: false, reason: "", at: 0 } },
    participants: [
      participant("n2", {
        records: { t: { state: "committed", effect, at: 1 } },
        ledger: { "stock/a": 4 },
      }),
      participant("n3", { records: { t: { state: "aborted", reason: "no", at: 1 } } }),
    ],
  };
  assert.equal(checkAtomicity(view), "t committed at n2 but aborted at n3");
  assert.equal(checkAtomicity(view, ["other"]), null); // only the changed transactions
  assert.equal(checkAtomicity(view, ["t"]), "t committed at n2 but aborted at n3");
});

Deno.test("atomicity accepts an abort with no coordinator record (presumed abort) but not against a commit", () => {
  const aborted = participant("n2", { records: { t: { state: "aborted", reason: "x", at: 1 } } });
  assert.equal(checkAtomicity({ coordinator: {}, participants: [aborted] }), null);
  assert.equal(
    checkAtomicity({
      coordinator: { t: { decision: "commit", participants: [], ended: false, reason: "", at: 0 } },
      participants: [aborted],
    }),
    "t aborted at n2 but the coordinator decided commit",
  );
});

Deno.test("a prepared transaction must hold its lock, and no other lock may be held", () => {
  const prepared = { t: { state: "prepared" as const, effect, at: 1 } };
  assert.equal(
    checkLocks({ coordinator: {}, participants: [participant("n2", { records: prepared })] }),
    "n2 released stock/a of t before the decision",
  );
  assert.equal(
    checkLocks({
      coordinator: {},
      participants: [participant("n2", { records: prepared, locks: { "stock/a": "t" } })],
    }),
    null,
  );
  assert.equal(
    checkLocks({
      coordinator: {},
      participants: [participant("n2", { locks: { "stock/a": "t" } })],
    }),
    "n2 holds 1 locks for 0 prepared",
  );
  // A crashed participant holds nothing in memory; its log keeps the promise.
  assert.equal(
    checkLocks({
      coordinator: {},
      participants: [participant("n2", { records: prepared, locks: null })],
    }),
    null,
  );
});

Deno.test("ledgers must equal their initial values plus committed changes", () => {
  const committed = { t: { state: "committed" as const, effect, at: 1 } };
  assert.equal(
    checkLedgers({ coordinator: {}, participants: [participant("n2", { records: committed })] }),
    "n2: stock/a is 5, expected 4",
  );
  assert.equal(
    checkLedgers({
      coordinator: {},
      participants: [participant("n2", { records: committed, ledger: { "stock/a": 4 } })],
    }),
    null,
  );
});

Deno.test("settled means no doubt, no lock and every commit acknowledged", () => {
  const open = {
    t: { decision: "commit" as const, participants: ["n2"], ended: false, reason: "", at: 0 },
  };
  assert.equal(
    checkTwoPhaseSettled({ coordinator: open, participants: [] }),
    "t: the commit is not acknowledged by every participant",
  );
  assert.equal(
    checkTwoPhaseSettled({
      coordinator: {},
      participants: [participant("n2", { records: { t: { state: "prepared", effect, at: 0 } } })],
    }),
    "t is still in doubt at n2",
  );
  assert.equal(checkTwoPhaseCommit({ coordinator: {}, participants: [participant("n2")] }), null);
});
