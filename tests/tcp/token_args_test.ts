/**
 * A token where nodes can be reached from other hosts: `deno task node` refuses to listen
 * beyond loopback without one (one line, exit 2), as `deno task cluster --host` does; and
 * control refuses a node process that does not present the cluster's token.
 */

import assert from "node:assert/strict";
import { isLoopback, parseNodeArgs } from "../../args/node_args.ts";
import { parseClusterArgs, UsageError } from "../../args/cluster_args.ts";
import { main } from "../../node.ts";
import { NodeLinks } from "../../nodes/tcp/node_links.ts";
import { runTcpNode } from "../../nodes/tcp/tcp_node.ts";
import { notYet, waitFor, within } from "../support/deadline.ts";

const TOKEN = "correct-horse-battery";
const node = (listen: string, ...more: string[]) => [
  ...["--id", "n1", "--listen", listen, "--peers", "n2=10.0.0.2:7001"],
  ...["--control", "http://10.0.0.1:8080", ...more],
];

Deno.test("token args: --listen beyond loopback needs --token or DISTLAB_TOKEN; loopback does not", () => {
  for (const listen of ["0.0.0.0:7001", "192.168.1.20:7001", "[::]:7001", "example.org:7001"]) {
    assert.throws(() => parseNodeArgs(node(listen)), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /refusing to --listen on non-loopback '.*' without --token/);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
    assert.equal(parseNodeArgs(node(listen, "--token", TOKEN)).token, TOKEN);
    const env = (name: string) => name === "DISTLAB_TOKEN" ? TOKEN : undefined;
    assert.equal(parseNodeArgs(node(listen), env).token, TOKEN);
  }
  for (const listen of ["127.0.0.1:7001", "localhost:0", "[::1]:7001", "127.9.9.9:1"]) {
    assert.equal(parseNodeArgs(node(listen)).token, undefined, listen);
  }
  assert.throws(() => parseNodeArgs(node("0.0.0.0:7001", "--token", "short")), /8 to 256/);
  assert.ok(isLoopback("[::1]") && !isLoopback("::") && !isLoopback("128.0.0.1"));
});

Deno.test("token args: deno task node exits 2 with one line; so does cluster --external --host 0.0.0.0", async () => {
  const errors: string[] = [];
  const error = console.error;
  console.error = (...a: unknown[]) => errors.push(a.join(" "));
  try {
    assert.equal(await main(node("0.0.0.0:7001")), 2);
  } finally {
    console.error = error;
  }
  assert.equal(errors.length, 1, errors.join("\n"));
  assert.match(errors[0]!, /^distlab node: refusing to --listen on non-loopback '0\.0\.0\.0'/);

  // The real process, without DISTLAB_TOKEN in its environment.
  const env = { ...Deno.env.toObject() };
  delete env.DISTLAB_TOKEN;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      new URL("../../node.ts", import.meta.url).pathname,
      ...node("0.0.0.0:0"),
    ],
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 2, text);
  assert.equal(text.trim().split("\n").length, 1, text);
  assert.match(text, /without --token/);

  const ctx = { protocols: ["raft-kv"], cwd: "/tmp" };
  assert.throws(
    () => parseClusterArgs(["--external", "n1,n2,n3", "--host", "0.0.0.0"], ctx),
    /refusing to listen on non-loopback host '0\.0\.0\.0' without --token/,
  );
  const a = parseClusterArgs(
    ["--external", "n1,n2,n3", "--host", "0.0.0.0", "--token", TOKEN],
    ctx,
  );
  assert.equal(a.token, TOKEN);
});

Deno.test("token: control refuses a node link without the cluster's token, with a reason; the node exits 1", async () => {
  const logs: string[] = [];
  const links = new NodeLinks(["n1", "n2"], (l) => logs.push(l), TOKEN);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => links.accept(req),
  );
  const control = `http://127.0.0.1:${server.addr.port}`;
  const run = (token?: string) =>
    within(
      "the node gives up",
      runTcpNode({
        id: "n1",
        listen: { hostname: "127.0.0.1", port: 0 },
        peers: new Map(),
        control,
        log: (l) => logs.push(l),
        ...(token !== undefined ? { token } : {}),
      }),
      "short",
    );
  try {
    assert.equal(await run(), 1);
    assert.ok(
      logs.some((l) =>
        l ===
          "control: refused a node link: this cluster requires a token: start the node with --token"
      ),
      logs.join("\n"),
    );
    assert.ok(
      logs.some((l) =>
        /^node n1: control refused this node: this cluster requires a token/.test(l)
      ),
      logs.join("\n"),
    );
    assert.equal(await run("another-token"), 1);
    assert.ok(
      logs.some((l) =>
        /control refused this node: the node's --token is not the cluster's/.test(l)
      ),
    );
    assert.deepEqual(links.connected, []);
    // The right token is let in.
    const ok = runTcpNode({
      id: "n1",
      listen: { hostname: "127.0.0.1", port: 0 },
      peers: new Map(),
      control,
      log: (l) => logs.push(l),
      token: TOKEN,
    });
    await waitFor("n1 connects", () => links.connected.includes("n1") || notYet(links.connected));
    links.close();
    assert.equal(await within("n1 ends when control closes", ok, "short"), 1);
    assert.ok(!logs.some((l) => l.includes(TOKEN)), "the token is never logged");
  } finally {
    links.close();
    await server.shutdown();
  }
});

Deno.test("token args: the README's three-host commands parse", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const at = readme.indexOf("### Nodes on several hosts, with a token");
  const block = /```console\n([\s\S]*?)```/.exec(readme.slice(at))![1]!;
  // Joined at the backslashes, $DISTLAB_TOKEN filled in, split like a shell would.
  const commands = block.replace(/\\\n\s*/g, "").trim().split("\n").map((l) =>
    l.replace(/^host[ABC]\$ /, "").replaceAll('"$DISTLAB_TOKEN"', TOKEN).split(/\s+/)
  );
  const ctx = { protocols: ["raft-kv"], cwd: "/tmp" };
  const nodes = commands.filter((c) => c[2] === "node").map((c) => parseNodeArgs(c.slice(3)));
  assert.deepEqual(nodes.map((n) => n.id), ["n1", "n2", "n3"]);
  for (const n of nodes) {
    assert.equal(n.token, TOKEN);
    assert.equal(n.listen.hostname, "0.0.0.0");
    assert.equal(n.peers.size, 2);
  }
  const cluster = commands.find((c) => c[2] === "cluster")!;
  assert.deepEqual(parseClusterArgs(cluster.slice(3), ctx).external, ["n1", "n2", "n3"]);
  assert.equal(commands.length, 5);
});
