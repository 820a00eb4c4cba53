// The README's "Bring your own node" echo node is ten lines and passes the echo workload.
import assert from "node:assert/strict";
import { maelstrom, shown } from "./harness.ts";

Deno.test("the README's Python echo node passes the echo workload", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const section = readme.slice(readme.indexOf("## Bring your own node"));
  const code = /```python\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code !== undefined, "the section has a Python block");
  assert.equal(code.trimEnd().split("\n").length, 10);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/echo.py`, code, { mode: 0o755 });
    const r = await maelstrom([
      "-w",
      "echo",
      "--bin",
      `${dir}/echo.py`,
      "--node-count",
      "3",
      "--time-limit",
      "1",
      "--rate",
      "20",
    ]);
    assert.equal(r.exitCode, 0, shown(r));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
