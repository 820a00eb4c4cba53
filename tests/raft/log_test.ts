import assert from "node:assert/strict";
import fc from "fast-check";
import { MemoryDisk } from "../../nodes/storage/memory_disk.ts";
import { RaftLog } from "../../protocols/raft/log.ts";
import { logKey, recoverState } from "../../protocols/raft/durable_state.ts";
import type { Entry } from "../../protocols/raft/entry.ts";

const e = (index: number, term: number): Entry => ({ index, term, data: { type: "noop" } });
const log = (...terms: number[]): RaftLog =>
  new RaftLog(undefined, 0, 0, terms.map((t, i) => e(i + 1, t)));

Deno.test("an election is won only by a candidate whose log is at least as up-to-date (§5.4.1)", () => {
  const l = log(1, 1, 2);
  assert.ok(l.isUpToDate(3, 2), "same last term and length");
  assert.ok(l.isUpToDate(1, 3), "a later last term wins whatever the length");
  assert.ok(!l.isUpToDate(5, 1), "an earlier last term loses whatever the length");
  assert.ok(!l.isUpToDate(2, 2), "same last term, shorter");
});

Deno.test("if a follower's log does not contain prevIndex/prevTerm it refuses new entries", () => {
  const l = log(1, 1);
  assert.equal(l.maybeAppend(2, 2, [e(3, 2)], 0), undefined);
  assert.equal(l.maybeAppend(3, 1, [e(4, 1)], 0), undefined);
  assert.equal(l.lastIndex, 2);
});

Deno.test("a conflicting entry and all that follow it are deleted, then new entries appended", () => {
  const l = log(1, 1, 2, 2, 2);
  assert.equal(l.maybeAppend(2, 1, [e(3, 3), e(4, 3)], 0), 4);
  assert.deepEqual(l.entries.map((x) => x.term), [1, 1, 3, 3]);
});

Deno.test("a delayed append that agrees with the log never truncates it", () => {
  const l = log(1, 1, 1, 1);
  assert.equal(l.maybeAppend(1, 1, [e(2, 1)], 0), 2);
  assert.equal(l.lastIndex, 4, "entries after the old append's end are kept");
});

Deno.test("truncating a committed entry is refused loudly", () => {
  const l = log(1, 1, 1);
  assert.throws(() => l.maybeAppend(1, 1, [e(2, 2)], 2), /committed/);
});

Deno.test("the conflict hint names the last index of a term no larger than the leader's", () => {
  const l = log(1, 1, 1, 4, 4, 5, 5, 6, 6, 6);
  assert.deepEqual(l.findConflictByTerm(10, 3), { index: 3, term: 1 });
  assert.deepEqual(l.findConflictByTerm(10, 5), { index: 7, term: 5 });
  assert.deepEqual(l.findConflictByTerm(20, 6), { index: 10, term: 6 });
  assert.deepEqual(l.findConflictByTerm(10, 0), { index: 0, term: 0 });
});

Deno.test("slice bounds entries by count and bytes but always sends one", () => {
  const l = log(1, 1, 1, 1, 1);
  assert.equal(l.slice(1, 3).length, 3);
  assert.equal(l.slice(1, 10, 1).length, 1, "one entry even if over the byte budget");
  assert.equal(l.slice(6).length, 0);
});

Deno.test("compaction keeps a margin of entries and the snapshot's term stays known", () => {
  const l = log(1, 1, 2, 2, 3, 3);
  l.compact(5, 3, 4);
  assert.equal(l.firstIndex, 4);
  assert.equal(l.snapshotIndex, 5);
  assert.equal(l.term(5), 3);
  assert.equal(l.term(4), 2);
  assert.equal(l.term(3), undefined);
  assert.throws(() => l.slice(2), /compacted/);
  assert.throws(() => l.truncateFrom(5), /snapshot/);
});

Deno.test("the log is written through to storage and recovered in order after a crash", () => {
  const disk = new MemoryDisk();
  const l = new RaftLog(disk, 0, 0, []);
  l.append([e(1, 1), e(2, 1), e(3, 2)]);
  disk.sync();
  l.truncateFrom(3);
  l.append([e(3, 3)]);
  disk.sync();
  l.append([e(4, 3)]); // never synced
  disk.crash();
  const rec = recoverState(disk);
  assert.deepEqual(rec.entries.map((x) => [x.index, x.term]), [[1, 1], [2, 1], [3, 3]]);
  assert.equal(disk.keys("log/")[0], logKey(1));
});

Deno.test("recovery drops entries that cannot follow the snapshot", () => {
  const disk = new MemoryDisk();
  disk.set("raft/snapshot", {
    index: 5,
    term: 2,
    membership: { voters: ["n1"], learners: [] },
    data: { data: [], sessions: [] },
    hash: 0,
  });
  disk.set(logKey(8), e(8, 2)); // a gap after the snapshot
  assert.deepEqual(recoverState(disk).entries, []);
  assert.deepEqual(disk.keys("log/"), []);
});

Deno.test("maybeAppend agrees with a model log for any sequence of appends (property)", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          at: fc.nat(8),
          terms: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }),
        }),
        {
          maxLength: 12,
        },
      ),
      (ops) => {
        const l = new RaftLog(undefined, 0, 0, []);
        let model: number[] = []; // model[i] = term of index i + 1
        for (const { at, terms } of ops) {
          const prevIndex = Math.min(at, model.length);
          const prevTerm = prevIndex === 0 ? 0 : model[prevIndex - 1];
          // Terms must not decrease along a leader's log.
          const floor = prevTerm;
          const ts = terms.map((t) => Math.max(t, floor)).sort((a, b) => a - b);
          const entries = ts.map((t, i) => e(prevIndex + 1 + i, t));
          const r = l.maybeAppend(prevIndex, prevTerm, entries, 0);
          assert.equal(r, prevIndex + entries.length);
          const conflict = ts.findIndex((t, i) => model[prevIndex + i] !== t);
          if (conflict >= 0) {
            model = [...model.slice(0, prevIndex + conflict), ...ts.slice(conflict)];
          }
        }
        assert.deepEqual(l.entries.map((x) => x.term), model);
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("once entry 1 is compacted, index 0 is no longer a usable predecessor", () => {
  const l = log(1, 1, 1, 1);
  assert.equal(l.term(0), 0);
  l.compact(3, 1, 3);
  assert.equal(l.term(0), undefined, "the leader must send a snapshot instead");
});
