import assert from "node:assert/strict";
import { helpText } from "../../cli/main.ts";
import { assertUsageErrors, withFakeCli as withFake } from "./fake_cli.ts";

Deno.test("cli byzantine: a node lies, status and faults show it, --mode honest or none ends it", async () => {
  await withFake({}, async (cli, fake) => {
    let r = await cli("byzantine", "n2", "--mode", "equivocate");
    assert.deepEqual(r, { code: 0, out: ["n2: Byzantine (equivocate)"], err: [] });
    assert.equal(fake.byzantineMode("n2"), "equivocate");
    r = await cli("status");
    const row = r.out.find((l) => l.startsWith("n2 "));
    assert.match(row ?? "", /^n2 +up,byzantine:equivocate /, r.out.join("\n"));
    assert.doesNotMatch(r.out.find((l) => l.startsWith("n1 ")) ?? "", /byzantine/);
    r = await cli("faults");
    assert.equal(r.code, 0);
    assert.ok(r.out.includes("n2: Byzantine (equivocate)"), r.out.join("\n"));
    r = await cli("byzantine", "n3", "--mode=lie", "--json");
    assert.deepEqual(JSON.parse(r.out[0]!), {
      node: "n3",
      mode: "lie",
      byzantine: { n2: "equivocate", n3: "lie" },
    });
    r = await cli("byzantine", "n2", "--mode", "none");
    assert.deepEqual(r, { code: 0, out: ["n2: honest again"], err: [] });
    r = await cli("--lang", "ja", "byzantine", "n3", "--mode", "honest");
    assert.deepEqual(r.out, ["n3: 正直に戻った"]);
    assert.equal(fake.byzantineMode("n2"), null);
    assert.equal(fake.byzantineMode("n3"), null);
    assert.deepEqual(fake.calls, [
      "byzantine n2 equivocate",
      "byzantine n3 lie",
      "byzantine n2 honest",
      "byzantine n3 honest",
    ]);
  });
});

Deno.test("cli byzantine: a bad mode or a missing one is one line and exit 2, sending nothing", async () => {
  await assertUsageErrors([
    [["byzantine", "n2", "--mode", "sneaky"], /--mode must be one of equivocate, .*'sneaky'/],
    [["byzantine", "n2"], /byzantine needs --mode/],
    [["byzantine", "--mode", "lie"], /./],
  ]);
});

Deno.test("cli byzantine: the server's refusal (unknown node, more than f liars) is one line and exit 1", async () => {
  await withFake({ protocol: "pbft", nodes: ["n1", "n2", "n3", "n4"] }, async (cli, fake) => {
    let r = await cli("byzantine", "n9", "--mode", "lie");
    assert.equal(r.code, 1);
    assert.equal(r.err.length, 1, r.err.join("\n"));
    assert.match(r.err[0]!, /unknown node 'n9'/);
    assert.equal((await cli("byzantine", "n1", "--mode", "lie")).code, 0);
    r = await cli("byzantine", "n2", "--mode", "silent");
    assert.equal(r.code, 1);
    assert.equal(r.err.length, 1, r.err.join("\n"));
    assert.match(r.err[0]!, /tolerates f = 1 Byzantine node/);
    assert.equal(fake.byzantineMode("n2"), null);
  });
  assert.match(helpText(), /byzantine NODE +make a node lie/);
  assert.match(helpText("byzantine"), /--mode MODE/);
});
