import assert from "node:assert/strict";

async function* tsFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) yield* tsFiles(p);
    else if (e.name.endsWith(".ts")) yield p;
  }
}

const root = new URL("../../", import.meta.url).pathname;
const FORBIDDEN = /\b(setTimeout|setInterval|performance\.now|Math\.random|Date)\b/;
const BAD_IMPORT =
  /from\s+["'][^"']*\/(nodes|http|cli|torture|scenarios)\/|from\s+["'][^"']*cli\.ts["']/;

/** The pure code: protocols and the libraries beside them, importable in a browser. */
const PURE = ["protocols", "checker", "history", "clocks", "partitioning", "resilience"];

Deno.test("pure code (protocols/ and the libraries) uses no real time, timers or Math.random", async () => {
  const offenders: string[] = [];
  for (const dir of PURE) {
    for await (const f of tsFiles(root + dir)) {
      const lines = (await Deno.readTextFile(f)).split("\n");
      lines.forEach((l, i) => {
        if (FORBIDDEN.test(l)) offenders.push(`${f.slice(root.length)}:${i + 1}: ${l.trim()}`);
      });
    }
  }
  assert.deepEqual(offenders, []);
});

Deno.test("pure code never imports nodes/, http/, cli/, torture/ or scenarios/", async () => {
  const offenders: string[] = [];
  for (const dir of PURE) {
    for await (const f of tsFiles(root + dir)) {
      const text = await Deno.readTextFile(f);
      if (BAD_IMPORT.test(text)) offenders.push(f.slice(root.length));
    }
  }
  assert.deepEqual(offenders, []);
});

Deno.test("nodes/ never imports http/ or cli.ts", async () => {
  const offenders: string[] = [];
  for await (const f of tsFiles(root + "nodes")) {
    const text = await Deno.readTextFile(f);
    if (/from\s+["'][^"']*\/http\/|from\s+["'][^"']*cli\.ts["']/.test(text)) {
      offenders.push(f.slice(root.length));
    }
  }
  assert.deepEqual(offenders, []);
});

Deno.test("torture/ is a user of the layers: protocols/, nodes/ and http/ never import it", async () => {
  const offenders: string[] = [];
  for (const dir of ["protocols", "nodes", "http"]) {
    for await (const f of tsFiles(root + dir)) {
      const text = await Deno.readTextFile(f);
      if (/from\s+["'][^"']*\/torture\//.test(text)) offenders.push(f.slice(root.length));
    }
  }
  assert.deepEqual(offenders, []);
});

Deno.test("outside protocols/, only the registry, scenarios, torture, bench and tests name a protocol", async () => {
  const { protocolNames } = await import("../../protocols/registry.ts");
  const names = protocolNames().map((n) => n.replace(/[-]/g, "\\-"));
  const literal = new RegExp(`["'\`](${names.join("|")})["'\`]`);
  const offenders: string[] = [];
  const check = async (f: string) => {
    const lines = (await Deno.readTextFile(f)).split("\n");
    lines.forEach((l, i) => {
      // Doc comments and examples may name one; code may not.
      if (/^\s*(\*|\/\/|\/\*\*)/.test(l)) return;
      if (literal.test(l)) offenders.push(`${f.slice(root.length)}:${i + 1}: ${l.trim()}`);
    });
  };
  for (const dir of ["nodes", "http", "cli", "args", "client", "dashboard"]) {
    for await (const f of tsFiles(root + dir)) await check(f);
  }
  for (
    const f of ["main.ts", "sim.ts", "torture.ts", "cli.ts", "check_history.ts", "scenario.ts"]
  ) {
    await check(root + f);
  }
  assert.deepEqual(offenders, []);
});

Deno.test("the layering check itself catches a forbidden call", () => {
  assert.ok(FORBIDDEN.test("const t = Date.now();"));
  assert.ok(FORBIDDEN.test("setTimeout(f, 10)"));
  assert.ok(!FORBIDDEN.test("const update = 1;"));
  assert.ok(BAD_IMPORT.test(`import { x } from "../../nodes/simulator.ts";`));
});
