import assert from "node:assert/strict";
import fc from "fast-check";
import { murmur3 } from "../../partitioning/hash.ts";
import { balance, moves } from "../../partitioning/partitioner.ts";
import { ringPartitioner } from "../../partitioning/ring.ts";
import { keysFor, nodeIds } from "./fixtures.ts";

Deno.test("ring owner is the node of the first token at or after the key's hash, wrapping", () => {
  const ring = ringPartitioner(nodeIds("r", 5), { vnodes: 8 });
  const tokens = ring.tokens();
  const oracle = (key: string): string => {
    const h = murmur3(key);
    return (tokens.find((t) => t.token >= h) ?? tokens[0]).node;
  };
  fc.assert(
    fc.property(fc.string(), (key) => assert.equal(ring.owner(key), oracle(key))),
    { seed: 42, numRuns: 2000 },
  );
  // The largest hash wraps to the first token.
  const last = tokens[tokens.length - 1].token;
  const beyond = keysFor("wrap", 50_000).find((k) => murmur3(k) > last);
  assert.ok(beyond !== undefined);
  assert.equal(ring.owner(beyond), tokens[0].node);
});

Deno.test("a key that hashes exactly onto a token belongs to that token's node", () => {
  // Token i of node x is murmur3("x#i"), so the key "x#i" lands on it.
  const ring = ringPartitioner(nodeIds("t", 10), { vnodes: 32 });
  for (const id of ring.nodes) {
    for (let i = 0; i < 32; i++) assert.equal(ring.owner(`${id}#${i}`), id);
  }
});

Deno.test("ring tokens are ascending, vnodes per node, and independent of join order", () => {
  const a = ringPartitioner(["x", "y", "z"], { vnodes: 64 });
  const b = ringPartitioner(["z"], { vnodes: 64 }).withNode("x").withNode("y");
  const ta = a.tokens();
  assert.equal(ta.length, 192);
  for (let i = 1; i < ta.length; i++) assert.ok(ta[i - 1].token <= ta[i].token);
  assert.deepEqual(b.tokens(), ta);
  for (const id of ["x", "y", "z"]) assert.equal(ta.filter((t) => t.node === id).length, 64);
});

Deno.test("ring ownership fractions sum to 1 and predict key shares", () => {
  const ring = ringPartitioner(nodeIds("r", 8), { vnodes: 32 });
  const owned = ring.ownership();
  const sum = [...owned.values()].reduce((x, y) => x + y, 0);
  assert.ok(Math.abs(sum - 1) < 1e-12, `sum ${sum}`);
  const keys = keysFor("own", 100_000);
  const counts = balance(ring, keys).counts;
  for (const [id, share] of owned) {
    const observed = counts.get(id)! / keys.length;
    // Binomial noise at 100 000 keys: σ ≤ 0.0016; 0.008 is 5σ.
    assert.ok(Math.abs(observed - share) < 0.008, `${id}: ${observed} vs ${share}`);
  }
  assert.equal(ringPartitioner(["solo"], { vnodes: 1 }).ownership().get("solo"), 1);
});

Deno.test("ring with 256 vnodes: a join moves ≈ 1/(N+1) of the keys, all to the new node", () => {
  const ratios: number[] = [];
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 30 }), fc.nat(), (n, run) => {
      const keys = keysFor(`join${run}`, 20_000);
      const before = ringPartitioner(nodeIds(`c${run}`, n));
      const after = before.withNode("new");
      const report = moves(before, after, keys);
      for (const m of report.moved) {
        assert.equal(m.to, "new");
        // The key came from the next node clockwise of the new node's token.
        assert.equal(m.from, after.preferenceList(m.key, 2)[1]);
      }
      // The moved fraction is the new node's arc, up to binomial key noise (5σ).
      const share = after.ownership().get("new")!;
      const noise = 5 * Math.sqrt((share * (1 - share)) / keys.length);
      assert.ok(Math.abs(report.fraction - share) < noise, `${report.fraction} vs arc ${share}`);
      // One join's share has CV ≈ 1/√256 = 6.25 %; ±25 % is 4σ.
      const ratio = report.fraction * (n + 1);
      assert.ok(Math.abs(ratio - 1) < 0.25, `n=${n}: moved ${report.fraction}, ratio ${ratio}`);
      ratios.push(ratio);
    }),
    { seed: 42, numRuns: 30 },
  );
  // Averaged over the runs (σ ≈ 6.25 %/√30 ≈ 1.1 %) the moved fraction is within ±10 %.
  const mean = ratios.reduce((x, y) => x + y) / ratios.length;
  assert.ok(Math.abs(mean - 1) < 0.1, `mean ratio ${mean}`);
});

Deno.test("ring: a leave moves only the leaver's keys, each to its next node clockwise", () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 30 }), fc.nat(), (n, run) => {
      const keys = keysFor(`leave${run}`, 10_000);
      const nodes = nodeIds(`c${run}`, n);
      const before = ringPartitioner(nodes);
      const leaver = nodes[run % n];
      const after = before.withoutNode(leaver);
      const report = moves(before, after, keys);
      const owned = keys.filter((k) => before.owner(k) === leaver).length;
      assert.equal(report.moved.length, owned);
      for (const m of report.moved) {
        assert.equal(m.from, leaver);
        assert.equal(m.to, before.preferenceList(m.key, 2)[1]);
      }
      assert.ok(!after.nodes.includes(leaver));
    }),
    { seed: 42, numRuns: 30 },
  );
});

Deno.test("ring is immutable: withNode and withoutNode leave the original unchanged", () => {
  const ring = ringPartitioner(nodeIds("r", 4), { vnodes: 16 });
  const tokens = ring.tokens();
  const keys = keysFor("imm", 2000);
  const owners = keys.map((k) => ring.owner(k));
  ring.withNode("extra").withoutNode("r-1");
  assert.deepEqual(ring.tokens(), tokens);
  assert.deepEqual(keys.map((k) => ring.owner(k)), owners);
  assert.equal(ring.withNode("r-2"), ring);
  assert.equal(ring.withoutNode("absent"), ring);
});

// Arc ownership per node is a sum of V of the N·V spacings of random points, so
// (Dirichlet) its CV over nodes is exactly √((N−1)/(N·V+1)) ≈ 1/√V. We pool several
// clusters of N = 200 to estimate it; the estimate's relative standard error is about
// √((κ−1)/(4·samples)) with kurtosis κ = 3 + 6/V: ≤ 3.2 % here, so ±15 % is ≥ 4.5σ.
Deno.test("ring arc ownership CV is close to 1/√V for V in {1, 16, 100, 256, 1000}", () => {
  const n = 200;
  for (const vnodes of [1, 16, 100, 256, 1000]) {
    const clusters = vnodes <= 16 ? 10 : 3;
    let squares = 0;
    let samples = 0;
    for (let c = 0; c < clusters; c++) {
      const ring = ringPartitioner(nodeIds(`v${vnodes}c${c}`, n), { vnodes });
      for (const share of ring.ownership().values()) {
        squares += (share * n - 1) ** 2; // the mean share is exactly 1/N
        samples++;
      }
    }
    const cv = Math.sqrt(squares / samples);
    const expected = 1 / Math.sqrt(vnodes);
    assert.ok(Math.abs(cv / expected - 1) < 0.15, `V=${vnodes}: cv ${cv} vs 1/√V ${expected}`);
  }
});

// Given the ring, key counts are multinomial over the arc shares p_i: Pearson's
// Σ (c_i − K·p_i)² / (K·p_i) follows χ² with N − 1 = 19 degrees of freedom (mean 19,
// σ ≈ 6.2; 60 is beyond its 99.999th percentile). The counts' squared CV is then the
// arcs' plus (N−1)/K, up to a cross term whose σ is ≈ 5 % of the CV at V = 1000 with
// K = 300 000 keys; ±20 % is 4σ.
Deno.test("ring key counts follow arc shares, so their CV is ≈ 1/√V too, V in {1 … 1000}", () => {
  const n = 20;
  const keys = keysFor("cv", 300_000);
  for (const vnodes of [1, 16, 100, 256, 1000]) {
    const ring = ringPartitioner(nodeIds(`k${vnodes}`, n), { vnodes });
    const shares = ring.ownership();
    const { counts, cv } = balance(ring, keys);
    let chiSquare = 0;
    let arcSquares = 0;
    for (const [id, share] of shares) {
      const expectedCount = share * keys.length;
      chiSquare += (counts.get(id)! - expectedCount) ** 2 / expectedCount;
      arcSquares += (share * n - 1) ** 2;
    }
    assert.ok(chiSquare < 60, `V=${vnodes}: χ² ${chiSquare}`);
    const expected = Math.sqrt(arcSquares / n + (n - 1) / keys.length);
    assert.ok(Math.abs(cv / expected - 1) < 0.2, `V=${vnodes}: key cv ${cv} vs ${expected}`);
  }
});

Deno.test("ring preference list walks clockwise past repeated nodes to N distinct ones", () => {
  const ring = ringPartitioner(nodeIds("p", 6), { vnodes: 4 });
  const tokens = ring.tokens();
  fc.assert(
    fc.property(fc.string(), fc.integer({ min: 0, max: 9 }), (key, n) => {
      const list = ring.preferenceList(key, n);
      const h = murmur3(key);
      let i = tokens.findIndex((t) => t.token >= h);
      if (i < 0) i = 0;
      const walk: string[] = [];
      for (let step = 0; step < tokens.length && walk.length < Math.min(n, 6); step++) {
        const node = tokens[(i + step) % tokens.length].node;
        if (!walk.includes(node)) walk.push(node);
      }
      assert.deepEqual(list, walk);
    }),
    { seed: 42, numRuns: 1000 },
  );
});

Deno.test("ring rejects bad vnodes, duplicate nodes, and owner queries on an empty ring", () => {
  assert.throws(() => ringPartitioner(["a"], { vnodes: 0 }), RangeError);
  assert.throws(() => ringPartitioner(["a"], { vnodes: 1.5 }), RangeError);
  assert.throws(() => ringPartitioner(["a", "a"]), RangeError);
  const empty = ringPartitioner(["a"]).withoutNode("a");
  assert.throws(() => empty.owner("k"), RangeError);
  assert.deepEqual(empty.preferenceList("k", 2), []);
  assert.equal(empty.withNode("b").owner("k"), "b");
});
