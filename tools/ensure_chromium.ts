/**
 * Run by `deno task test` before the tests: makes sure the dashboard's browser tests have
 * a Chromium, so that `deno task test` needs no manual install step. If none is found and
 * this is a Debian-like machine where we are root, it installs Debian's `chromium`
 * package (never a browser download of its own); otherwise it says what to do and lets
 * the tests run (the browser tests then fail with the same advice).
 *
 * `CHROMIUM` names another browser binary.
 *
 * @module
 */

const path = Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";
/** Debian's Japanese font, so the dashboard in Japanese renders (and screenshots) as text. */
const JA_FONT = "fonts-ipafont-gothic";
const JA_FONT_DIR = "/usr/share/fonts/opentype/ipafont-gothic";

async function exists(p: string): Promise<boolean> {
  try {
    await Deno.stat(p);
    return true;
  } catch {
    return false;
  }
}

async function run(cmd: string, args: string[]): Promise<boolean> {
  const r = await new Deno.Command(cmd, {
    args,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { DEBIAN_FRONTEND: "noninteractive" },
  }).output();
  if (!r.success) {
    const err = new TextDecoder().decode(r.stderr).trim().split("\n").pop() ?? "";
    console.error(`ensure_chromium: ${cmd} ${args.join(" ")} failed: ${err}`);
  }
  return r.success;
}

if (import.meta.main) {
  if (!(await exists(path))) {
    const root = Deno.uid() === 0;
    if (root && await exists("/usr/bin/apt-get")) {
      console.error("installing Chromium (Debian package) for the dashboard's browser tests…");
      const ok = await run("apt-get", ["update", "-qq"]) &&
        await run("apt-get", ["install", "-y", "-qq", "chromium", JA_FONT]);
      console.error(ok ? "Chromium installed" : "Chromium could not be installed");
    } else {
      console.error(
        `ensure_chromium: no browser at ${path}; the dashboard's browser tests will fail. ` +
          "Install Debian's `chromium` package (as root: apt-get install -y chromium) or set " +
          "CHROMIUM to a Chromium binary.",
      );
    }
  } else if (
    Deno.uid() === 0 && !(await exists(JA_FONT_DIR)) && await exists("/usr/bin/apt-get")
  ) {
    // Without a CJK font the Japanese dashboard draws boxes (its screenshot); not fatal.
    await run("apt-get", ["update", "-qq"]) &&
      await run("apt-get", ["install", "-y", "-qq", JA_FONT]);
  }
}
