import assert from "node:assert/strict";
import { createApi } from "../../http/app.ts";
import { dashboardRoutes } from "../../http/dashboard/routes.ts";
import { AssetStore, DASHBOARD_ASSETS } from "../../http/dashboard/static_assets.ts";
import { CheckerBusyError, type HistoryChecker } from "../../http/dashboard/worker_checker.ts";
import { FakeCluster } from "../http/fake_cluster.ts";

const STATIC = new URL("../../dashboard/static/", import.meta.url);
const CODE = new URL("../../dashboard/", import.meta.url);

/** A checker that records what it was given. */
function fakeChecker(): HistoryChecker & { texts: string[] } {
  const texts: string[] = [];
  return {
    texts,
    check(text) {
      texts.push(text);
      return Promise.resolve({ verdict: "linearizable", operations: 0, steps: 0 });
    },
    close() {},
  };
}

Deno.test("dashboard: GET / is the page, with a policy that allows only this origin", async () => {
  const res = await dashboardRoutes({ checker: fakeChecker() }).request("/");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  const csp = res.headers.get("content-security-policy") ?? "";
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
  const html = await res.text();
  assert.match(html, /<script type="module" src="\/dashboard\/main\.js"><\/script>/);
  assert.match(html, /<svg id="ring"/);
});

Deno.test("dashboard: every listed file is served with its type; the script is one bundle of its modules", async () => {
  const app = dashboardRoutes({ checker: fakeChecker() });
  for (const [name, type] of Object.entries(DASHBOARD_ASSETS)) {
    const res = await app.request(name === "index.html" ? "/" : `/dashboard/${name}`);
    assert.equal(res.status, 200, name);
    assert.equal(res.headers.get("content-type"), type, name);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    const body = new Uint8Array(await res.arrayBuffer());
    if (name !== "main.js") {
      assert.deepEqual(body, await Deno.readFile(new URL(name, STATIC)), name);
      continue;
    }
    // Self-contained: the page's modules and the shared TypeScript ones, no imports left.
    const js = new TextDecoder().decode(body);
    assert.doesNotMatch(js, /^\s*import\s/m, "the bundle imports nothing");
    for (
      const part of [
        "dashboard/ring_view.ts",
        "nodes/trace.ts",
        "history/operations.ts",
        "client/sse.ts",
        "eventsource-parser",
      ]
    ) {
      assert.ok(js.includes(part), `the bundle holds ${part}`);
    }
    // The API's schemas type the page; they are not shipped to it.
    assert.doesNotMatch(js, /node_modules\/zod|npm:zod|zod@/, "the bundle holds no zod");
  }
  const modules = await app.request("/dashboard/ring_view.ts");
  assert.equal(modules.status, 404, "modules are bundled, not served one by one");
  await modules.body?.cancel();
});

Deno.test("dashboard: works offline: nothing is loaded from another origin, every import is served", async () => {
  for (const name of Object.keys(DASHBOARD_ASSETS)) {
    // The script is built from dashboard/main.ts (its modules are checked below).
    const file = name === "main.js" ? new URL("main.ts", CODE) : new URL(name, STATIC);
    const text = await Deno.readTextFile(file);
    // No script, style, font or image from elsewhere (the SVG namespace URI is no load).
    const urls = [...text.matchAll(/(?:src|href|url\()\s*=?\s*["']?(https?:)?\/\//g)];
    assert.deepEqual(urls.map((m) => m[0]), [], `${name} loads from another origin`);
    assert.doesNotMatch(text, /@import|cdn\.|unpkg|jsdelivr/i, name);
  }
  // Every module the bundle is made of imports only files of the project or npm
  // packages it bundles (no URL).
  for await (const e of Deno.readDir(CODE)) {
    if (!e.name.endsWith(".ts")) continue;
    const text = await Deno.readTextFile(new URL(e.name, CODE));
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm)) {
      const target = m[1]!;
      assert.doesNotMatch(target, /^[a-z]+:/, `${e.name}: no URL imports (${target})`);
      if (target.startsWith(".")) await Deno.stat(new URL(target, new URL(e.name, CODE)));
    }
  }
  const html = await Deno.readTextFile(new URL("index.html", STATIC));
  for (const m of html.matchAll(/(?:src|href)="\/dashboard\/([^"]+)"/g)) {
    assert.ok(m[1]! in DASHBOARD_ASSETS, `index.html refers to ${m[1]}`);
  }
  assert.doesNotMatch(html, / style="|<style/, "no inline styles (the policy forbids them)");
});

Deno.test("dashboard: unknown files and paths out of the folder are 404 problems", async () => {
  const app = dashboardRoutes({ checker: fakeChecker() });
  for (
    const path of [
      "/dashboard/nope.js",
      "/dashboard/..%2Froutes.ts",
      "/dashboard/%2e%2e%2fdeno.json",
    ]
  ) {
    const res = await app.request(path);
    assert.equal(res.status, 404, path);
    assert.equal(res.headers.get("content-type"), "application/problem+json");
    await res.body?.cancel();
  }
  const res = await app.request("/dashboard");
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "/");
});

Deno.test("dashboard: a failed read is not cached; the next request reads again", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const assets = new AssetStore(new URL(`file://${dir}/`));
    await assert.rejects(() => assets.get("style.css"));
    await Deno.writeTextFile(`${dir}/style.css`, "body {}");
    assert.equal(new TextDecoder().decode((await assets.get("style.css"))!.body), "body {}");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dashboard: POST /dashboard/check hands the history to the checker, within a size limit", async () => {
  const checker = fakeChecker();
  const app = dashboardRoutes({ checker, maxCheckBytes: 64 });
  const res = await app.request("/dashboard/check", { method: "POST", body: "a\nb\n" });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { verdict: "linearizable", operations: 0, steps: 0 });
  assert.deepEqual(checker.texts, ["a\nb\n"]);
  const big = await app.request("/dashboard/check", { method: "POST", body: "x".repeat(65) });
  assert.equal(big.status, 413);
  assert.match((await big.json()).detail, /check-history/);
  assert.equal(checker.texts.length, 1);
});

Deno.test("dashboard: a check body without a length is counted as it streams, and refused past the limit", async () => {
  const checker = fakeChecker();
  const app = dashboardRoutes({ checker, maxCheckBytes: 64 * 1024 });
  let pulled = 0;
  // 1 GiB on offer, in 16 KiB chunks, with no Content-Length.
  const body = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (pulled >= 1 << 30) return ctl.close();
      pulled += 16 * 1024;
      ctl.enqueue(new Uint8Array(16 * 1024).fill(0x61));
    },
  });
  const res = await app.request(
    "/dashboard/check",
    { method: "POST", body, duplex: "half" } as RequestInit,
  );
  assert.equal(res.status, 413);
  assert.ok(pulled <= 64 * 1024 + 3 * 16 * 1024, `read only up to the limit (${pulled} bytes)`);
  assert.deepEqual(checker.texts, []);
});

Deno.test("dashboard: a busy checker is a 503 with Retry-After, not a queue without end", async () => {
  const busy: HistoryChecker = {
    check: () => Promise.reject(new CheckerBusyError(4)),
    close() {},
  };
  const res = await dashboardRoutes({ checker: busy }).request("/dashboard/check", {
    method: "POST",
    body: "",
  });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "1");
  assert.match((await res.json()).detail, /checker is busy: 4 checks/);
});

Deno.test("dashboard: mounted in the API app at /, beside /api/v1, behind the same guard", async () => {
  const cluster = new FakeCluster();
  const api = createApi(cluster, { dashboard: dashboardRoutes({ checker: fakeChecker() }) });
  try {
    const page = await api.app.request("http://127.0.0.1/");
    assert.equal(page.status, 200);
    assert.match(await page.text(), /distlab — live dashboard/);
    const js = await api.app.request("http://127.0.0.1/dashboard/main.js");
    assert.equal(js.status, 200);
    await js.body?.cancel();
    const state = await api.app.request("http://127.0.0.1/api/v1/cluster");
    assert.equal(state.status, 200);
    assert.equal((await state.json()).nodes.length, 3);
    const foreign = await api.app.request("http://example.com/");
    assert.equal(foreign.status, 403, "the API's guard covers the dashboard too");
    await foreign.body?.cancel();
  } finally {
    api.close();
  }
});
