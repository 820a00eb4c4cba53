import assert from "node:assert/strict";
import {
  checkAgreementAfterEveryStep,
  createAgreementChecker,
} from "../../protocols/paxos/agreement.ts";
import { createLearnJournal, journalLearned } from "../../protocols/paxos/learn_journal.ts";

function fakeCluster() {
  const journals = new Map([["a", createLearnJournal(4)], ["b", createLearnJournal(4)]]);
  const nodes = new Map([...journals].map(([id, j]) => [id, { learnJournal: () => j }]));
  return {
    journals,
    view: { nodes: ["a", "b"], host: (id: string) => ({ node: nodes.get(id) }) },
  };
}

Deno.test("the agreement checker accepts equal decisions and reports a different one", () => {
  const { journals, view } = fakeCluster();
  const checker = createAgreementChecker(view);
  journalLearned(journals.get("a")!, 1, { x: 1 });
  journalLearned(journals.get("b")!, 1, { x: 1 });
  journalLearned(journals.get("b")!, 2, "y");
  assert.deepEqual(checker.check(), []);
  assert.equal(checker.decided.size, 2);
  journalLearned(journals.get("a")!, 2, "z");
  const v = checker.check();
  assert.equal(v.length, 1);
  assert.equal(v[0]!.instance, 2);
  assert.deepEqual([v[0]!.first.value, v[0]!.second.value], ["y", "z"]);
});

Deno.test("the after-step hook throws on the first violation", () => {
  const { journals, view } = fakeCluster();
  const hooks: (() => void)[] = [];
  checkAgreementAfterEveryStep({ ...view, afterStep: (f: () => void) => void hooks.push(f) });
  journalLearned(journals.get("a")!, 5, 1);
  hooks[0]!();
  journalLearned(journals.get("b")!, 5, 2);
  assert.throws(() => hooks[0]!(), /agreement violated at instance 5/);
});

Deno.test("the checker refuses to guess when a journal outran it", () => {
  const { journals, view } = fakeCluster();
  const checker = createAgreementChecker(view);
  for (let i = 0; i < 20; i++) journalLearned(journals.get("a")!, i, i);
  assert.throws(() => checker.check(), /check more often/);
});
