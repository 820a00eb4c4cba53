/**
 * `deno task check` runs this: type-checks every documentation example (`deno check
 * --doc`) under the project's own compiler options, but for the unused-name checks — an
 * example often declares a value only to show its type or import the thing it shows.
 * The options come from `deno.json`, so nothing is configured twice.
 *
 * @module
 */

const root = new URL("../", import.meta.url);

if (import.meta.main) {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  delete config.tasks;
  config.compilerOptions = {
    ...config.compilerOptions,
    noUnusedLocals: false,
    noUnusedParameters: false,
  };
  const tmp = new URL(".deno.doc-check.json", root);
  await Deno.writeTextFile(tmp, JSON.stringify(config));
  try {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--doc", "--quiet", "--config", tmp.pathname, "--lock=deno.lock", "."],
      cwd: root.pathname,
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!r.success) console.error("check-docs: a documentation example does not type-check");
    Deno.exitCode = r.code;
  } finally {
    await Deno.remove(tmp);
  }
}
