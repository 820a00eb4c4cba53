// `maelstrom test … --serve`: the run's process nodes in distlab's API while it runs —
// nodes, their messages as events, crash / restart / pause from the API, partitions
// applied by the host's fault path, the run's history — and after it ends.
import assert from "node:assert/strict";
import { createParser } from "eventsource-parser";
import { parseTestArgs } from "../../maelstrom/args.ts";
import { type RunOutcome, runTest } from "../../maelstrom/run.ts";
import type { TraceEvent } from "../../nodes/trace.ts";
import { deadlineMs, notYet, waitFor, within } from "../support/deadline.ts";
import { maelstromCommand, NODES } from "./harness.ts";
import { cli } from "../e2e/cluster_client.ts";

interface NodeView {
  id: string;
  up: boolean;
  paused: boolean;
  role: string;
  pid?: number;
  status: { sent: number; received: number };
}

async function json<T>(res: Response | Promise<Response>, status = 200): Promise<T> {
  const r = await res;
  const text = await r.text();
  assert.equal(r.status, status, text);
  return JSON.parse(text) as T;
}

const post = (url: string, body?: unknown) =>
  fetch(url, {
    method: "POST",
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });

/** Every event of an SSE stream, as it comes; `close()` ends the stream. */
async function events(url: string): Promise<{ seen: TraceEvent[]; close(): void }> {
  const seen: TraceEvent[] = [];
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  assert.equal(res.status, 200);
  const parser = createParser({
    onEvent: (e) => {
      if (e.data !== "") seen.push(JSON.parse(e.data) as TraceEvent);
    },
  });
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for await (const chunk of res.body!) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // aborted
    }
  })();
  return { seen, close: () => abort.abort() };
}

/** An in-process `maelstrom test … --serve 0` run, ended by `finish()` (or the deadline). */
interface LiveRun {
  /** Where the run is served (no trailing slash). */
  readonly base: string;
  readonly lines: string[];
  /** Ends the client phase now and waits for the run's outcome. */
  finish(): Promise<RunOutcome>;
  /** Ends the run if it still runs, stops serving and removes its store. */
  cleanup(): Promise<void>;
}

async function liveRun(args: string[]): Promise<LiveRun> {
  const store = await Deno.makeTempDir({ prefix: "distlab-maelstrom-live-" });
  const lines: string[] = [];
  const stop = new AbortController();
  const run = runTest(
    parseTestArgs([
      "test",
      // Ended by `finish` once the test has seen what it waits for; this is a backstop.
      "--time-limit",
      String(deadlineMs("long") / 1000),
      "--init-timeout",
      String(deadlineMs("short") / 1000),
      ...args,
      "--store",
      store,
      "--serve",
      "0",
    ]),
    (l) => lines.push(l),
    { stop: stop.signal },
  );
  const cleanup = async () => {
    stop.abort();
    const outcome = await run.catch(() => null);
    await outcome?.live?.close();
    await Deno.remove(store, { recursive: true });
  };
  try {
    const base = await waitFor("the run prints its URL", () => {
      const m = lines.map((l) => /^live: (http:\/\/\S+)\/ /.exec(l)).find((x) => x !== null);
      return m?.[1] ?? notYet(lines);
    }, { timeout: "short" });
    return {
      base,
      lines,
      finish: () => {
        stop.abort();
        return within("the run ends", run, "long");
      },
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

Deno.test("maelstrom --serve: process nodes live in the API, driven by it, kept after the run", async () => {
  const live = await liveRun([
    "-w",
    "broadcast",
    "--bin",
    `${NODES}broadcast.py`,
    "--node-count",
    "3",
    "--topology",
    "line",
    "--rate",
    "20",
    "--recovery-time",
    "1",
  ]);
  const { base, lines } = live;
  const stream: { close(): void }[] = [];
  try {
    const api = `${base}/api/v1`;

    // The nodes, as the host knows them: starting, then up.
    const wrong: NodeView[] = [];
    const cluster = await waitFor("every node up", async () => {
      const c = await json<{ protocol: string; nodes: NodeView[] }>(fetch(`${api}/cluster`));
      wrong.push(...c.nodes.filter((n) => !n.up && n.role !== "starting"));
      return c.nodes.every((n) => n.up) ? c : notYet(c.nodes);
    }, { timeout: "short" });
    assert.deepEqual(wrong, [], "a node is starting or up, never down, before the run begins");
    assert.equal(cluster.protocol, "maelstrom:broadcast");
    assert.deepEqual(cluster.nodes.map((n) => n.id), ["n0", "n1", "n2"]);

    // The CLI's status table: no leader, and what the host knows of each node.
    const status = (await cli(base, "status")).join("\n");
    assert.match(status, /maelstrom:broadcast/);
    assert.match(status, /ROLE +PID +SENT +RECEIVED/);
    for (const id of ["n0", "n1", "n2"]) {
      assert.match(status, new RegExp(`^${id} +up +node +\\d+`, "m"));
    }

    // Messages: client ↔ node and node ↔ node, with the host's Lamport clocks.
    const sse = await events(`${api}/events?kind=send,deliver,drop,crash,restart,pause,resume`);
    stream.push(sse);
    await waitFor("a client's send to a node and its delivery", () => {
      const send = sse.seen.find((e) =>
        e.kind === "send" && /^c\d+$/.test(e.node) && /^n\d$/.test(e.peer ?? "")
      );
      const deliver = sse.seen.find((e) =>
        e.kind === "deliver" && /^n\d$/.test(e.node) && /^c\d+$/.test(e.peer ?? "")
      );
      return send !== undefined && deliver !== undefined
        ? { send, deliver }
        : notYet(sse.seen.length);
    });
    const gossip = await waitFor(
      "a node-to-node delivery",
      () =>
        sse.seen.find((e) =>
          e.kind === "deliver" && /^n\d$/.test(e.node) && /^n\d$/.test(e.peer ?? "")
        ) ?? notYet(sse.seen.slice(-3)),
    );
    assert.ok(typeof gossip.lamport === "number" && gossip.lamport > 1, JSON.stringify(gossip));

    // What each node printed and was handed, client and service messages included.
    const counted = await json<{ nodes: NodeView[] }>(fetch(`${api}/cluster`));
    for (const n of counted.nodes) {
      assert.ok(n.status.sent > 1 && n.status.received > 1, JSON.stringify(n));
    }

    // A partition through the API: the host's fault path drops gossip across it. While
    // gossip is flowing, before the crash below (a restarted node gets no topology, so
    // gossip across the cut would then depend on fresh broadcasts arriving at n0).
    await json(post(`${api}/faults/partition`, { groups: [["n0"], ["n1", "n2"]] }), 201);
    await waitFor(
      "a gossip message dropped by the partition",
      () =>
        sse.seen.find((e) =>
          e.kind === "drop" && e.reason === "partition" &&
          ((e.node === "n0") !== (e.peer === "n0"))
        ) ?? notYet(sse.seen.filter((e) => e.kind === "drop").slice(-3)),
    );
    await json(post(`${api}/faults/heal`));

    // Crash from the API: SIGKILL, and the node is down.
    const before = await json<NodeView>(fetch(`${api}/nodes/n1`));
    assert.ok(before.up && typeof before.pid === "number", JSON.stringify(before));
    const crashed = await json<NodeView>(post(`${api}/nodes/n1/crash`));
    assert.equal(crashed.up, false);
    const down = await json<{ nodes: NodeView[] }>(fetch(`${api}/cluster`));
    assert.equal(down.nodes.find((n) => n.id === "n1")?.up, false);
    await waitFor(
      "n1's crash event",
      () => sse.seen.some((e) => e.kind === "crash" && e.node === "n1"),
    );
    await waitFor("the killed process is gone", () => {
      try {
        Deno.kill(before.pid!, "SIGCONT");
        return notYet("alive");
      } catch {
        return true;
      }
    }, { timeout: "short" });

    // Restart: a new process, initialised again.
    const restarted = await json<NodeView>(post(`${api}/nodes/n1/restart`));
    assert.equal(restarted.up, true);
    assert.ok(restarted.pid !== before.pid, `a new process: ${restarted.pid}`);

    // Pause and resume: SIGSTOP / SIGCONT.
    assert.equal((await json<NodeView>(post(`${api}/nodes/n2/pause`))).paused, true);
    assert.equal((await json<NodeView>(post(`${api}/nodes/n2/resume`))).paused, false);

    // What the host cannot do is said, not faked.
    const skew = await fetch(`${api}/faults/clock`, {
      method: "POST",
      body: JSON.stringify({ node: "n0", skewMs: 100 }),
      headers: { "content-type": "application/json" },
    });
    assert.equal(skew.status, 409);
    assert.match(((await skew.json()) as { type: string }).type, /not-supported$/);

    // The run's history, as it runs.
    const history = await waitFor("the run's operations in /history", async () => {
      const text = await (await fetch(`${api}/history`)).text();
      const ops = text.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
      return ops.some((e) => e.type === "ok" && e.f === "broadcast") ? ops : notYet(ops.length);
    });
    assert.ok(history.every((e) => typeof e.process === "number" && typeof e.time === "number"));

    // The run ends (early, as a person's stop would), checks and reports; the API stays.
    const outcome = await live.finish();
    assert.ok(outcome.exitCode === 0 || outcome.exitCode === 1, lines.join("\n"));
    assert.ok(lines.some((l) => /^(valid|INVALID|unknown): /.test(l)), lines.join("\n"));
    assert.ok(outcome.live !== undefined);
    const after = await json<{ nodes: NodeView[] }>(fetch(`${api}/cluster`));
    assert.deepEqual(after.nodes.map((n) => [n.id, n.up]), [["n0", false], ["n1", false], [
      "n2",
      false,
    ]]);
    const late = await fetch(`${api}/nodes/n0/crash`, { method: "POST" });
    assert.equal(late.status, 409);
    await late.body?.cancel();
  } finally {
    for (const s of stream) s.close();
    await live.cleanup();
  }
});

/** `deno run maelstrom.ts ARGS` as the task runs it, its output read as it comes. */
function command(args: string[]) {
  const child = maelstromCommand(args).spawn();
  let out = "";
  let err = "";
  const read = async (s: ReadableStream<Uint8Array>, add: (t: string) => void) => {
    const d = new TextDecoder();
    for await (const chunk of s) add(d.decode(chunk, { stream: true }));
  };
  const done = Promise.all([
    read(child.stdout, (t) => out += t),
    read(child.stderr, (t) => err += t),
  ]).then(() => child.status);
  return { child, out: () => out, err: () => err, done };
}

Deno.test("maelstrom --serve: the command keeps serving the finished run until Ctrl-C", async () => {
  const store = await Deno.makeTempDir({ prefix: "distlab-maelstrom-live-" });
  const run = command([
    "test",
    "-w",
    "echo",
    "--bin",
    `${NODES}echo.py`,
    "--node-count",
    "2",
    "--time-limit",
    "1",
    "--rate",
    "20",
    "--store",
    store,
    "--serve",
    "0",
  ]);
  try {
    const base = await waitFor(
      "the run ends and still serves",
      () =>
        /^still serving (http:\/\/\S+)\/ /m.exec(run.out())?.[1] ?? notYet(run.out() + run.err()),
      { timeout: "long" },
    );
    assert.match(run.out(), /^live: http:\/\/127\.0\.0\.1:\d+\/ \(dashboard\)/m);
    assert.match(run.out(), /^valid: /m);
    const cluster = await json<{ nodes: NodeView[] }>(fetch(`${base}/api/v1/cluster`));
    assert.deepEqual(cluster.nodes.map((n) => n.id), ["n0", "n1"]);
    const history = await (await fetch(`${base}/api/v1/history`)).text();
    assert.match(history, /"f":"echo"/);
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    await page.body?.cancel();
    run.child.kill("SIGINT");
    const status = await within("the command stops on SIGINT", run.done, "short");
    assert.equal(status.code, 0, run.out() + run.err());
    assert.match(run.out(), /stopped$/m);
  } finally {
    try {
      run.child.kill("SIGKILL");
    } catch {
      // it has exited
    }
    await run.done;
    await Deno.remove(store, { recursive: true });
  }
});

Deno.test("maelstrom --serve: a bad port is bad input, said in one line", async () => {
  for (const port of ["http", "70000", "-1"]) {
    const r = command(["test", "-w", "echo", "--bin", `${NODES}echo.py`, "--serve", port]);
    const status = await within(`--serve ${port}`, r.done, "long");
    assert.equal(status.code, 2, r.out() + r.err());
    const first = r.err().split("\n")[0]!;
    assert.match(
      first,
      port === "-1"
        ? /^error: /
        : new RegExp(`^error: invalid --serve '${port}': expected a port number from 0 to 65535$`),
    );
  }
  // A port that is taken: one line naming it, exit 2.
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const store = await Deno.makeTempDir({ prefix: "distlab-maelstrom-live-" });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    const r = command([
      "test",
      "-w",
      "echo",
      "--bin",
      `${NODES}echo.py`,
      "--store",
      store,
      "--serve",
      String(port),
    ]);
    const status = await within("a taken port", r.done, "long");
    assert.equal(status.code, 2, r.out() + r.err());
    const errors = r.out().split("\n").filter((l) => l.startsWith("error:"));
    assert.equal(errors.length, 1, r.out());
    assert.match(errors[0]!, new RegExp(`^error: cannot serve on port ${port}: `));
  } finally {
    taken.close();
    await Deno.remove(store, { recursive: true });
  }
});

Deno.test("maelstrom --serve: the nemesis's steps are fault events, partitions with their groups", async () => {
  const live = await liveRun([
    "-w",
    "echo",
    "--bin",
    `${NODES}echo.py`,
    "--node-count",
    "3",
    "--nemesis",
    "partition",
    "--nemesis-interval",
    "0.2",
  ]);
  let sse: { seen: TraceEvent[]; close(): void } | null = null;
  try {
    const stream = await events(`${live.base}/api/v1/events?kind=fault`);
    sse = stream;
    const step = await waitFor(
      "a nemesis partition as a fault event",
      () =>
        stream.seen.find((e) => {
          const d = e.data as { action?: unknown; groups?: unknown; nemesis?: unknown };
          return e.kind === "fault" && e.node === "*" && d.nemesis === true &&
            d.action === "partition" && Array.isArray(d.groups);
        }) ?? notYet(stream.seen),
    );
    const groups = (step.data as { groups: string[][] }).groups;
    assert.deepEqual(groups.flat().sort(), ["n0", "n1", "n2"]);
  } finally {
    sse?.close();
    await live.cleanup();
  }
});
