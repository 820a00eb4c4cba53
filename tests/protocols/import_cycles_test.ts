/**
 * No import cycles anywhere in the tree: modules form layers (pure code, runtimes, the
 * API, front ends, users), and a cycle is where a layer leaked. Relative imports and
 * re-exports, static and dynamic, are followed; type-only imports count too.
 */

import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url).pathname;
const SPEC =
  /(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

async function sources(dir: string, out: string[] = []): Promise<string[]> {
  for await (const e of Deno.readDir(dir)) {
    if (e.name.startsWith(".") || e.name === "node_modules" || e.name === "out") continue;
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) await sources(p, out);
    else if (/\.(ts|js)$/.test(e.name)) out.push(p);
  }
  return out;
}

function normalize(path: string): string {
  const parts: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== "." && seg !== "") parts.push(seg);
  }
  return "/" + parts.join("/");
}

/** One strongly connected component with more than one module, or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  let found: string[] | null = null;
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      for (;;) {
        const w = stack.pop()!;
        on.delete(w);
        comp.push(w);
        if (w === v) break;
      }
      if (comp.length > 1 && found === null) found = comp.sort();
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) strong(v);
  return found;
}

Deno.test("no module imports itself back through others, anywhere in the tree", async () => {
  const graph = new Map<string, string[]>();
  for (const f of await sources(root.replace(/\/$/, ""))) {
    const text = (await Deno.readTextFile(f))
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/^\s*\/\/.*$/gm, "");
    const dir = f.slice(0, f.lastIndexOf("/"));
    graph.set(f, [...text.matchAll(SPEC)].map((m) => normalize(`${dir}/${m[1] ?? m[2]}`)));
  }
  assert.ok(graph.size > 300, `only ${graph.size} modules found`);
  const cycle = findCycle(graph);
  assert.equal(cycle?.map((f) => f.slice(root.length)).join(" <-> ") ?? null, null);
});

Deno.test("the cycle finder finds a cycle", () => {
  const g = new Map([["/a.ts", ["/b.ts"]], ["/b.ts", ["/c.ts"]], ["/c.ts", ["/a.ts"]], [
    "/d.ts",
    ["/a.ts"],
  ]]);
  assert.deepEqual(findCycle(g), ["/a.ts", "/b.ts", "/c.ts"]);
  assert.equal(findCycle(new Map([["/a.ts", ["/b.ts"]], ["/b.ts", []]])), null);
});
