import assert from "node:assert/strict";
import { ERROR, errorName, isDefinite, isErrorCode, isTransient } from "../../protocols/errors.ts";
import { ERROR_STATUS, problemFor } from "../../http/error_status.ts";

Deno.test("codes below 1000 are Maelstrom's, with its names; distlab's start at 1000", () => {
  const maelstrom = {
    "timeout": 0,
    "node-not-found": 1,
    "not-supported": 10,
    "temporarily-unavailable": 11,
    "malformed-request": 12,
    "crash": 13,
    "abort": 14,
    "key-does-not-exist": 20,
    "key-already-exists": 21,
    "precondition-failed": 22,
    "txn-conflict": 30,
  };
  for (const [name, code] of Object.entries(ERROR)) {
    if (code < 1000) assert.equal((maelstrom as Record<string, number>)[name], code, name);
  }
  assert.deepEqual(
    Object.entries(ERROR).filter(([, c]) => c < 1000).length,
    Object.keys(maelstrom).length,
  );
  for (const c of Object.values(ERROR)) assert.equal(ERROR[errorName(c)], c);
  assert.equal(isErrorCode(1000), true);
  assert.equal(isErrorCode(999), false);
  assert.equal(isErrorCode("11"), false);
});

Deno.test("definite or indefinite follows from the code: only timeout and crash may have happened", () => {
  const indefinite = Object.values(ERROR).filter((c) => !isDefinite(c));
  assert.deepEqual(indefinite, [ERROR["timeout"], ERROR["crash"]]);
  for (const c of Object.values(ERROR)) {
    if (isTransient(c)) assert.ok(isDefinite(c), `${errorName(c)}: retrying is safe`);
  }
});

Deno.test("every code has one HTTP answer; indefinite ones are 504, transient ones 503", () => {
  assert.deepEqual(Object.keys(ERROR_STATUS).sort(), Object.keys(ERROR).sort());
  for (const c of Object.values(ERROR)) {
    const s = ERROR_STATUS[errorName(c)].status;
    if (!isDefinite(c)) assert.equal(s, 504, errorName(c));
    if (isTransient(c)) assert.equal(s, 503, errorName(c));
    const p = problemFor(c, "detail", { node: "n1" }).problem;
    assert.equal(p.status, s);
    assert.ok(p.detail?.startsWith("detail"), p.detail);
  }
  const bad = problemFor(ERROR["invalid-argument"], "r=4 exceeds N=3", { field: "r" }).problem;
  assert.deepEqual([bad.status, bad.field], [400, "r"]);
});

Deno.test("no front end reads a failure's text to decide what it means", async () => {
  const offenders: string[] = [];
  for (const dir of ["http", "cli", "nodes"]) {
    const root = new URL(`../../${dir}/`, import.meta.url);
    const walk = async (u: URL): Promise<void> => {
      for await (const e of Deno.readDir(u)) {
        const child = new URL(e.name + (e.isDirectory ? "/" : ""), u);
        if (e.isDirectory) await walk(child);
        else if (/\.(ts|js)$/.test(e.name)) {
          const src = await Deno.readTextFile(child);
          const lines = src.split("\n");
          lines.forEach((l, i) => {
            if (/\.(test|exec)\([^)]*\.error\b|\.error\.(match|includes|startsWith)\(/.test(l)) {
              offenders.push(`${dir}/${child.pathname.split(`/${dir}/`)[1]}:${i + 1}: ${l.trim()}`);
            }
          });
        }
      }
    };
    await walk(root);
  }
  assert.deepEqual(offenders, []);
});
