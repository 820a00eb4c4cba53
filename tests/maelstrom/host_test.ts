// The process-node host: node-to-node messages take distlab's fault path (a partition
// drops them, the host's Lamport clocks order them), crash is SIGKILL and restart a new
// process, pause is SIGSTOP until SIGCONT.
import assert from "node:assert/strict";
import { createRpc } from "../../maelstrom/client_rpc.ts";
import { type Host, startHost } from "../../maelstrom/host.ts";
import { createRng } from "../../protocols/random.ts";
import { deadlineMs, notYet, waitFor } from "../support/deadline.ts";
import { NODES } from "./harness.ts";

async function withHost(
  bin: string,
  ids: string[],
  f: (h: Host, rpc: ReturnType<typeof createRpc>) => Promise<void>,
) {
  const logDir = await Deno.makeTempDir();
  const rng = createRng(7);
  const fatal: string[] = [];
  const rpc = createRpc((src, dest, body) => host.sendToNode(src, dest, body));
  const host = startHost({
    nodeIds: ids,
    command: [bin],
    logDir,
    random: () => rng.next(),
    latency: { kind: "constant", ms: 0 },
    onClientMessage: (m) => rpc.deliver(m),
    onFatal: (l) => fatal.push(l),
  });
  try {
    await host.spawnAll();
    await Promise.all(ids.map((id) => host.init(id, deadlineMs("short"))));
    await f(host, rpc);
    assert.deepEqual(fatal, []);
  } finally {
    rpc.cancelAll();
    await host.close();
    await Deno.remove(logDir, { recursive: true });
  }
}

const T = deadlineMs("short");

Deno.test("a partition drops node-to-node messages; after healing they flow, Lamport-ordered", async () => {
  await withHost(`${NODES}broadcast.py`, ["n0", "n1"], async (host, rpc) => {
    const topo = { n0: ["n1"], n1: ["n0"] };
    await Promise.all(
      ["n0", "n1"].map((n) => rpc.call("c1", n, { type: "topology", topology: topo }, T)),
    );
    host.network.partition([["n0"], ["n1"]]);
    assert.equal(
      (await rpc.call("c1", "n0", { type: "broadcast", message: 7 }, T))?.type,
      "broadcast_ok",
    );
    await waitFor(
      "a gossip n0 → n1 dropped by the partition",
      () =>
        host.journal.find((e) =>
          e.kind === "drop" && e.src === "n0" && e.dest === "n1" && e.reason === "partition"
        ) ??
          notYet(host.journal.slice(-3)),
    );
    const read = await rpc.call("c2", "n1", { type: "read" }, T);
    assert.deepEqual(read?.messages, [], "n1 cannot have heard of 7 through the partition");
    host.network.healPartitions();
    await waitFor("n1 reads 7", async () => {
      const r = await rpc.call("c2", "n1", { type: "read" }, T);
      return JSON.stringify(r?.messages) === "[7]" ? true : notYet(r);
    });
    const recv = host.journal.find((e) => e.kind === "recv" && e.dest === "n1")!;
    const send = host.journal.find((e) =>
      e.kind === "send" && e.src === "n0" && JSON.stringify(e.body) === JSON.stringify(recv.body)
    )!;
    assert.ok(recv.lamport! > send.lamport!, `receive ${recv.lamport} after send ${send.lamport}`);
    assert.ok(host.counters.total.dropped > 0);
  });
});

/** The process's state letter from ps (T stopped, Z zombie), or null once it is gone. */
async function procState(pid: number): Promise<string | null> {
  // Deno does not let a test read /proc without --allow-all; ps says the same.
  const out = await new Deno.Command("ps", {
    args: ["-o", "stat=", "-p", String(pid)],
    stdout: "piped",
  })
    .output();
  const s = new TextDecoder().decode(out.stdout).trim();
  return s === "" ? null : s[0]!;
}

Deno.test("crash is SIGKILL and restart a new, initialised process; pause is SIGSTOP until resume", async () => {
  await withHost(`${NODES}echo.py`, ["n0"], async (host, rpc) => {
    const first = host.pid("n0")!;
    host.crash("n0");
    assert.equal(host.state("n0"), "crashed");
    await waitFor("the old process is gone", async () => {
      const s = await procState(first);
      return s === null || s === "Z" ? true : notYet(s);
    });
    await host.restart("n0", T);
    const second = host.pid("n0")!;
    assert.notEqual(second, first);
    assert.equal((await rpc.call("c1", "n0", { type: "echo", echo: "again" }, T))?.echo, "again");

    host.pause("n0");
    await waitFor("the process is stopped", async () => {
      const s = await procState(second);
      return s === "T" || notYet(s);
    });
    const pending = rpc.call("c1", "n0", { type: "echo", echo: "later" }, T);
    assert.equal(await procState(second), "T", "still stopped with a request waiting");
    host.resume("n0");
    assert.equal((await pending)?.echo, "later");
  });
});
