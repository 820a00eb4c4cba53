import assert from "node:assert/strict";
import { createApp } from "../../http/app.ts";
import type { ClusterControl } from "../../http/cluster_control.ts";
import { type NodeInfo, startCluster } from "../../nodes/worker_cluster.ts";
import { Network } from "../../nodes/faults/network.ts";
import type { NodeId } from "../../protocols/node.ts";

/** A cluster that only records what it is asked to do. */
class FakeCluster implements ClusterControl {
  readonly protocol = "heartbeat";
  readonly nodes: readonly NodeId[] = ["n1", "n2", "n3"];
  readonly network = new Network(["n1", "n2", "n3"], () => 0.5);
  readonly calls: string[] = [];
  readonly up = new Set(this.nodes);
  readonly paused = new Set<NodeId>();
  failRestart = false;

  info(node: NodeId): Promise<NodeInfo> {
    const up = this.up.has(node);
    return Promise.resolve({
      id: node,
      up,
      paused: this.paused.has(node),
      status: up ? { role: "member", suspects: [] } : { role: "crashed" },
    });
  }
  statuses(): Promise<NodeInfo[]> {
    return Promise.all(this.nodes.map((n) => this.info(n)));
  }
  crash(node: NodeId): void {
    this.calls.push(`crash ${node}`);
    this.up.delete(node);
    this.paused.delete(node);
  }
  restart(node: NodeId): Promise<void> {
    this.calls.push(`restart ${node}`);
    if (this.failRestart) return Promise.reject(new Error(`node ${node} failed: disk full\nstack`));
    this.up.add(node);
    return Promise.resolve();
  }
  pause(node: NodeId): void {
    this.calls.push(`pause ${node}`);
    this.paused.add(node);
  }
  resume(node: NodeId): void {
    this.calls.push(`resume ${node}`);
    this.paused.delete(node);
  }
}

async function problemOf(res: Response): Promise<Record<string, unknown>> {
  assert.equal(res.headers.get("content-type"), "application/problem+json");
  return await res.json();
}

Deno.test("GET /api/v1/cluster shows the protocol, every node and the network", async () => {
  const cluster = new FakeCluster();
  cluster.crash("n3");
  cluster.network.partition([["n1"], ["n2", "n3"]]);
  const res = await createApp(cluster).request("/api/v1/cluster");
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.protocol, "heartbeat");
  assert.deepEqual(body.nodes.map((n: NodeInfo) => [n.id, n.up, n.paused]), [
    ["n1", true, false],
    ["n2", true, false],
    ["n3", false, false],
  ]);
  assert.deepEqual(body.nodes[2].status, { role: "crashed" });
  assert.deepEqual(body.network.blocks, [{ id: 1, kind: "partition", description: "n1 | n2,n3" }]);
});

Deno.test("POST /api/v1/nodes/{id}/{action} applies the action and returns the node", async () => {
  const cluster = new FakeCluster();
  const app = createApp(cluster);
  const post = (path: string) => app.request(path, { method: "POST" });

  let res = await post("/api/v1/nodes/n2/pause");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {
    id: "n2",
    up: true,
    paused: true,
    status: { role: "member", suspects: [] },
  });
  res = await post("/api/v1/nodes/n2/resume");
  assert.equal((await res.json()).paused, false);
  res = await post("/api/v1/nodes/n2/crash");
  assert.equal((await res.json()).up, false);
  res = await post("/api/v1/nodes/n2/restart");
  assert.equal((await res.json()).up, true);
  assert.deepEqual(cluster.calls, ["pause n2", "resume n2", "crash n2", "restart n2"]);
});

Deno.test("an unknown node is a 404 problem naming the known nodes", async () => {
  const cluster = new FakeCluster();
  const res = await createApp(cluster).request("/api/v1/nodes/n9/crash", { method: "POST" });
  assert.equal(res.status, 404);
  assert.deepEqual(await problemOf(res), {
    type: "/api/v1/problems/unknown-node",
    title: "Unknown node",
    status: 404,
    detail: "unknown node 'n9' (nodes: n1, n2, n3)",
    instance: "/api/v1/nodes/n9/crash",
    node: "n9",
  });
  assert.deepEqual(cluster.calls, [], "nothing was done");
});

Deno.test("unknown routes and actions are 404 problems", async () => {
  const cluster = new FakeCluster();
  const app = createApp(cluster);
  for (
    const [path, method] of [
      ["/api/v1/nodes/n1/explode", "POST"],
      ["/api/v1/nodes/n1/crash", "GET"],
      ["/api/v1/nope", "GET"],
    ] as const
  ) {
    const res = await app.request(path, { method });
    assert.equal(res.status, 404, `${method} ${path}`);
    const p = await problemOf(res);
    assert.equal(p.title, "Not Found");
    assert.equal(p.instance, path);
  }
  assert.deepEqual(cluster.calls, []);
});

Deno.test("a failing action is a 500 problem with a one-line detail", async () => {
  const cluster = new FakeCluster();
  cluster.failRestart = true;
  cluster.crash("n1");
  const res = await createApp(cluster).request("/api/v1/nodes/n1/restart", { method: "POST" });
  assert.equal(res.status, 500);
  const p = await problemOf(res);
  assert.equal(p.detail, "node n1 failed: disk full");
  assert.equal(p.status, 500);
});

Deno.test("the app drives a real Worker cluster", async () => {
  const cluster = await startCluster({ protocol: "heartbeat", nodes: 2, seed: 1 });
  try {
    const app = createApp(cluster);
    let res = await app.request("/api/v1/nodes/n2/pause", { method: "POST" });
    assert.deepEqual([(await res.json()).paused, cluster.isPaused("n2")], [true, true]);
    res = await app.request("/api/v1/nodes/n2/crash", { method: "POST" });
    assert.equal((await res.json()).up, false);
    res = await app.request("/api/v1/nodes/n2/restart", { method: "POST" });
    assert.equal((await res.json()).status.role, "member");
    res = await app.request("/api/v1/cluster");
    const body = await res.json();
    assert.deepEqual(body.nodes.map((n: NodeInfo) => n.up), [true, true]);
    assert.deepEqual(body.network.blocks, []);
  } finally {
    await cluster.close();
  }
});
