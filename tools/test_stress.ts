/**
 * `deno task test-stress`: runs the tests that depend on real time (real Workers, HTTP,
 * processes, the browser) several times at once while a CPU hog keeps every core busy,
 * and reports every failure with its test name. A test that passes here is not waiting
 * on a duration or on which node happens to win.
 *
 * ```
 * deno task test-stress [--rounds 10] [--concurrent 2] [--no-hog] [--filter REGEX] [--all]
 * ```
 *
 * - `--rounds N`: how many times each suite runs (default 10);
 * - `--concurrent C`: how many suites run at the same time (default 2);
 * - `--no-hog`: no CPU hog (by default one busy process per core);
 * - `--filter REGEX`: only test files whose path matches;
 * - `--all`: every test file, not only the real-time ones.
 *
 * The real-time files are found by what they use (see {@link REAL_TIME_MARKERS}), so a new
 * one is stressed without being listed. Ends with the plain line `N passed, N failed`
 * (test runs) and exits 1 on any failure.
 *
 * @module
 */

import { parseArgs } from "node:util";

/** What makes a test file a real-time one: it starts one of these. */
export const REAL_TIME_MARKERS: readonly RegExp[] = [
  /\bstartCluster\(/,
  /\bserveDashboard\(/,
  /\bDeno\.serve\(/,
  /\bnew Deno\.Command\(/,
  /\bstartMain\(/,
  /\bnew Worker\(/,
  /\bcreateWorkerChecker\(/,
  /\blaunchBrowser\(/,
];

/** One failed test in one run. */
interface Failure {
  readonly round: number;
  readonly test: string;
  readonly detail: string;
}

async function testFiles(dir: string, out: string[] = []): Promise<string[]> {
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) await testFiles(p, out);
    else if (/_test\.ts$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/**
 * The test files under `dir` that run in real time.
 *
 * @example
 * ```ts
 * import { realTimeTestFiles } from "./test_stress.ts";
 * (await realTimeTestFiles("tests")).length > 0; // true
 * ```
 */
export async function realTimeTestFiles(dir = "tests"): Promise<string[]> {
  const out: string[] = [];
  for (const f of await testFiles(dir)) {
    const src = await Deno.readTextFile(f);
    if (REAL_TIME_MARKERS.some((m) => m.test(src))) out.push(f);
  }
  return out;
}

/**
 * The failed tests named in `deno test` output, each with the first lines of its error.
 *
 * @example
 * ```ts
 * import { failedTests } from "./test_stress.ts";
 * failedTests("./tests/a_test.ts => waits for a leader ... FAILED (5s)\n");
 * // [{ test: "./tests/a_test.ts => waits for a leader", detail: "" }]
 * ```
 */
export function failedTests(output: string): { test: string; detail: string }[] {
  const lines = output.split("\n");
  const names = new Set<string>();
  for (const l of lines) {
    const m = /^(.*?) \.\.\. FAILED\b/.exec(l);
    if (m) names.add(m[1]!.trim());
  }
  // The ERRORS section: "NAME => ./file.ts:L:C", then the error up to its stack.
  const details = new Map<string, string>();
  const start = lines.indexOf(" ERRORS ");
  const end = lines.indexOf(" FAILURES ");
  for (let i = Math.max(0, start); start >= 0 && i < (end < 0 ? lines.length : end); i++) {
    const m = /^(.*) => (\.?\/?\S+?):\d+:\d+$/.exec(lines[i]!);
    if (!m) continue;
    const body: string[] = [];
    for (let j = i + 1; j < lines.length && body.length < 8; j++) {
      const l = lines[j]!;
      if (/^\s+at /.test(l) || /^.* => \.?\/?\S+:\d+:\d+$/.test(l)) break;
      if (l.trim() !== "") body.push(l.trim());
    }
    details.set(`${m[2]!.replace(/^(\.\/)?/, "./")} => ${m[1]!.trim()}`, body.join(" | "));
  }
  const out: { test: string; detail: string }[] = [];
  for (const test of names) out.push({ test, detail: details.get(test) ?? "" });
  if (out.length === 0 && /\bFAILED\b|error: /.test(output) && !/^ok \|/m.test(output)) {
    const tail = lines.filter((l) => l.trim() !== "").slice(-6).join(" | ");
    out.push({ test: "(the run itself)", detail: tail });
  }
  return out;
}

function startHog(cores: number): Deno.ChildProcess[] {
  return Array.from({ length: cores }, () =>
    new Deno.Command(Deno.execPath(), {
      args: ["eval", "let x = 0; for (;;) { x = (x * 31 + 7) | 0; }"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn());
}

async function runSuite(files: string[]): Promise<{ ok: boolean; output: string; ms: number }> {
  const t0 = performance.now();
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "test",
      "--allow-read",
      "--allow-write",
      "--allow-net",
      "--allow-env",
      "--allow-run",
      "--parallel",
      ...files,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return {
    ok: r.success,
    output: dec.decode(r.stdout) + dec.decode(r.stderr),
    ms: performance.now() - t0,
  };
}

async function main(argv: string[]): Promise<number> {
  let a;
  try {
    a = parseArgs({
      args: argv.filter((x, i) => !(i === 0 && x === "--")),
      options: {
        rounds: { type: "string", default: "10" },
        concurrent: { type: "string", default: "2" },
        "no-hog": { type: "boolean", default: false },
        filter: { type: "string" },
        all: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    console.error(`test-stress: ${(e as Error).message}`);
    return 2;
  }
  if (a.help) {
    console.log(
      "deno task test-stress [--rounds 10] [--concurrent 2] [--no-hog] [--filter REGEX] [--all]",
    );
    return 0;
  }
  const rounds = Number(a.rounds);
  const concurrent = Number(a.concurrent);
  if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(concurrent) || concurrent < 1) {
    console.error("test-stress: --rounds and --concurrent take whole numbers of at least 1");
    return 2;
  }
  let files = a.all ? await testFiles("tests") : await realTimeTestFiles("tests");
  if (a.filter !== undefined) {
    const re = new RegExp(a.filter);
    files = files.filter((f) => re.test(f));
  }
  if (files.length === 0) {
    console.error("test-stress: no test file matches");
    return 2;
  }
  const cores = navigator.hardwareConcurrency;
  console.log(
    `${files.length} test files × ${rounds} rounds, ${concurrent} at once` +
      (a["no-hog"] ? "" : `, ${cores} busy processes beside them`),
  );
  const hog = a["no-hog"] ? [] : startHog(cores);
  const failures: Failure[] = [];
  let passed = 0;
  let failed = 0;
  let next = 1;
  try {
    const lane = async () => {
      while (next <= rounds) {
        const round = next++;
        const r = await runSuite(files);
        const bad = failedTests(r.output);
        if (r.ok && bad.length === 0) {
          passed++;
          console.log(`round ${round}: ok (${(r.ms / 1000).toFixed(0)} s)`);
        } else {
          failed++;
          const log = await Deno.makeTempFile({
            prefix: `distlab_stress_round${round}_`,
            suffix: ".log",
          });
          await Deno.writeTextFile(log, r.output);
          const list = bad.length > 0 ? bad : [{ test: "(the run itself)", detail: "" }];
          for (const f of list) failures.push({ round, ...f });
          console.log(
            `round ${round}: FAILED (${(r.ms / 1000).toFixed(0)} s): ` +
              list.map((f) => f.test).join("; ") + ` (output: ${log})`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: concurrent }, lane));
  } finally {
    for (const p of hog) {
      try {
        p.kill("SIGKILL");
      } catch { /* already gone */ }
      await p.status;
    }
  }
  if (failures.length > 0) {
    console.log("\nfailures:");
    for (const f of failures) {
      console.log(`  round ${f.round}: ${f.test}`);
      if (f.detail !== "") console.log(`    ${f.detail.slice(0, 800)}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
