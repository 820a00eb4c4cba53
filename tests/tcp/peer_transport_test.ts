/**
 * The TCP transport between node processes, in one process on loopback: batches arrive
 * in order with their sender named by the handshake; garbage, a bad checksum, an
 * oversized frame and a colliding node id are each refused with one clear log line while
 * the node goes on; a peer that restarts is dialed again and gets what was queued; a full
 * queue drops and counts.
 */

import assert from "node:assert/strict";
import { notYet, waitFor } from "../support/deadline.ts";
import { type Address, PeerTransport } from "../../nodes/tcp/peer_transport.ts";
import type { WireDelivery } from "../../nodes/worker_protocol.ts";
import { encodeCheckedFrame, encodeCheckedFrames } from "../../nodes/tcp/checked_frame.ts";
import { encodeBatch, encodeWire } from "../../nodes/tcp/wire_codec.ts";
import { freePort, HOST } from "./processes.ts";

interface Node {
  t: PeerTransport;
  got: WireDelivery[];
  logs: string[];
}

function node(
  id: string,
  peers: Record<string, Address>,
  port = 0,
  queueLimit?: number,
  maxFrameBytes?: number,
): Node {
  const got: WireDelivery[] = [];
  const logs: string[] = [];
  const t = PeerTransport.listen({
    id,
    listen: { hostname: HOST, port },
    peers: new Map(Object.entries(peers)),
    onBatch: (_from, batch) => got.push(...batch),
    log: (line) => logs.push(line),
    backoff: { baseMs: 10, maxMs: 200 },
    helloTimeoutMs: 2_000,
    ...(queueLimit !== undefined ? { queueLimit } : {}),
    ...(maxFrameBytes !== undefined ? { maxFrameBytes } : {}),
  });
  return { t, got, logs };
}

const msg = (from: string, i: number): WireDelivery => ({
  from,
  body: { i, m: new Map([["k", i]]) },
  lamport: i,
  vclock: { [from]: i },
});

async function raw(addr: Address, bytes: Uint8Array): Promise<"closed"> {
  const c = await Deno.connect(addr);
  await c.write(bytes).catch(() => 0);
  // The node closes the connection: the read ends (or is reset).
  const buf = new Uint8Array(64);
  try {
    while ((await c.read(buf)) !== null) { /* the node answers nothing but a refusal */ }
  } catch {
    // reset
  }
  c.close();
  return "closed";
}

Deno.test("tcp transport: batches arrive in order, named by the handshake, structured-clone intact", async () => {
  const b = node("n2", { n1: { hostname: HOST, port: freePort() } });
  const a = node("n1", { n2: b.t.address });
  try {
    for (let i = 0; i < 50; i++) a.t.send("n2", [msg("n1", 2 * i), msg("n1", 2 * i + 1)]);
    await waitFor("100 messages arrive", () => b.got.length === 100 || notYet(b.got.length));
    assert.deepEqual(b.got.map((d) => (d.body as { i: number }).i), [...Array(100).keys()]);
    assert.ok((b.got[7]!.body as { m: Map<string, number> }).m instanceof Map);
    // A frame cannot speak for another node: `from` is the handshake's.
    a.t.send("n2", [{ ...msg("n1", 100), from: "n3" }]);
    await waitFor("the forged one arrives", () => b.got.length === 101);
    assert.equal(b.got[100]!.from, "n1");
    assert.deepEqual(b.t.inbound, ["n1"]);
  } finally {
    a.t.close();
    b.t.close();
  }
});

Deno.test("tcp transport: garbage, a bad checksum and an oversized frame are refused with a log line; the node goes on", async () => {
  const b = node("n2", { n1: { hostname: HOST, port: freePort() } });
  const a = node("n1", { n2: b.t.address });
  try {
    const garbage = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert.equal(await raw(b.t.address, garbage), "closed");
    const badSum = new Uint8Array([0, 0, 0, 6, 0xde, 0xad, 0xbe, 0xef, 1, 2]);
    assert.equal(await raw(b.t.address, badSum), "closed");
    const oversized = new Uint8Array([0x7f, 0, 0, 0, 1, 2, 3]);
    assert.equal(await raw(b.t.address, oversized), "closed");
    // A sound frame whose content is not ours.
    const alien = encodeCheckedFrame(new TextEncoder().encode("AAAA"));
    assert.equal(await raw(b.t.address, alien), "closed");
    const refused = () => b.logs.filter((l) => l.startsWith("tcp n2: refused 127.0.0.1:"));
    // (b's own dialing of the absent n1 logs too: count refusals only.)
    await waitFor("four refusals are logged", () => refused().length >= 4 || notYet(b.logs));
    const refusals = refused();
    assert.equal(refusals.length, 4, b.logs.join("\n"));
    assert.match(refusals[0]!, /oversized: frame of \d+ bytes exceeds the limit/);
    assert.match(refusals[1]!, /checksum: bad checksum/);
    assert.match(refusals[2]!, /oversized/);
    assert.match(refusals[3]!, /undecodable handshake: unknown encoding 0x41/);
    for (const l of refusals) assert.doesNotMatch(l, /\n/, "one line each");
    // The node still serves its real peers.
    a.t.send("n2", [msg("n1", 1)]);
    await waitFor("a real peer's message arrives", () => b.got.length === 1);
  } finally {
    a.t.close();
    b.t.close();
  }
});

Deno.test("tcp transport: a colliding node id is refused, on both sides, with a reason", async () => {
  const b = node("n2", {
    n1: { hostname: HOST, port: freePort() },
    n3: { hostname: HOST, port: freePort() },
  });
  const a = node("n1", { n2: b.t.address });
  try {
    a.t.send("n2", [msg("n1", 1)]);
    await waitFor("n1 is connected", () => b.got.length === 1);
    // A second process claiming n1.
    const twin = node("n1", { n2: b.t.address });
    // One claiming n2 itself, and one n2 does not know.
    const self = node("n2", { n2b: b.t.address });
    const stranger = node("n9", { n2: b.t.address });
    try {
      // The twin redials with backoff and is refused each time: wait for each reason.
      const reasons = [
        /node id 'n1' collides: it is already connected from 127\.0\.0\.1:\d+/,
        /it dialed node 'n2b' but this is 'n2'/,
        /node id 'n9' is not a peer \(peers: n1, n3\)/,
        /node id 'n2' collides with this node's own id/,
      ];
      // A process that says it is n2, to n2.
      const hello = encodeWire({ type: "hello", from: "n2", to: "n2" });
      assert.equal(await raw(b.t.address, encodeCheckedFrame(hello)), "closed");
      await waitFor("each refusal is logged", () => {
        const text = b.logs.join("\n");
        return reasons.every((r) => r.test(text)) || notYet(b.logs);
      });
      await waitFor(
        "the twin hears why",
        () =>
          twin.logs.some((l) => /cannot reach n2 .*it refused us: node id 'n1' collides/.test(l)) ||
          notYet(twin.logs),
      );
      twin.t.send("n2", [msg("n1", 99)]);
      // The genuine n1 still works, and nothing of the twin's got through.
      a.t.send("n2", [msg("n1", 2)]);
      await waitFor("the genuine n1's next message", () => b.got.length === 2);
      assert.deepEqual(b.got.map((d) => (d.body as { i: number }).i), [1, 2]);
      assert.equal(twin.t.stats("n2")?.connected, false);
    } finally {
      twin.t.close();
      self.t.close();
      stranger.t.close();
    }
  } finally {
    a.t.close();
    b.t.close();
  }
});

Deno.test("tcp transport: a peer that restarts is dialed again and gets what was queued meanwhile", async () => {
  const port = freePort();
  let b = node("n2", { n1: { hostname: HOST, port: freePort() } }, port);
  const a = node("n1", { n2: { hostname: HOST, port } });
  try {
    a.t.send("n2", [msg("n1", 1)]);
    await waitFor("the first message", () => b.got.length === 1);
    b.t.close();
    await waitFor(
      "n1 sees the link lost",
      () => a.t.stats("n2")?.connected === false || notYet(a.t.stats("n2")),
    );
    // While n2 is down, messages wait in the bounded queue.
    a.t.send("n2", [msg("n1", 2), msg("n1", 3)]);
    assert.equal(a.t.stats("n2")?.queued, 2);
    b = node("n2", { n1: { hostname: HOST, port: freePort() } }, port);
    await waitFor(
      "the queued messages arrive at the new n2",
      () => b.got.length === 2 || notYet(b.got.length),
    );
    assert.deepEqual(b.got.map((d) => (d.body as { i: number }).i), [2, 3]);
    assert.equal(a.t.stats("n2")?.connects, 2);
    assert.ok(a.logs.some((l) => l === "tcp n1: link to n2 is up"), a.logs.join("\n"));
  } finally {
    a.t.close();
    b.t.close();
  }
});

Deno.test("tcp transport: a full send queue drops what does not fit and counts it", () => {
  const a = node("n1", { n2: { hostname: HOST, port: freePort() } }, 0, 5);
  try {
    assert.equal(a.t.send("n2", [msg("n1", 1), msg("n1", 2), msg("n1", 3)]), 0);
    assert.equal(a.t.send("n2", [msg("n1", 4), msg("n1", 5), msg("n1", 6)]), 1);
    assert.equal(a.t.send("n2", [msg("n1", 7)]), 1);
    assert.deepEqual(a.t.stats("n2"), {
      connected: false,
      queued: 5,
      dropped: 2,
      lost: 0,
      connects: 0,
    });
    assert.equal(a.t.send("n7", [msg("n1", 1)]), 1, "no such peer: dropped");
  } finally {
    a.t.close();
  }
});

Deno.test("tcp transport: a message over the frame limit is dropped and logged; the rest of its batch goes", async () => {
  const b = node("n2", { n1: { hostname: HOST, port: freePort() } });
  const a = node("n1", { n2: b.t.address }, 0, undefined, 1024);
  try {
    const big: WireDelivery = { ...msg("n1", 2), body: { i: 2, pad: "x".repeat(4000) } };
    assert.equal(a.t.send("n2", [msg("n1", 1), big, msg("n1", 3)]), 1);
    await waitFor("the two that fit arrive", () => b.got.length === 2 || notYet(b.got.length));
    assert.deepEqual(b.got.map((d) => (d.body as { i: number }).i), [1, 3]);
    assert.ok(
      a.logs.some((l) =>
        /dropped a message to n2 of \d+ bytes: over the frame limit of 1024/.test(l)
      ),
      a.logs.join("\n"),
    );
    assert.equal(a.t.stats("n2")?.dropped, 1);
    assert.equal(a.t.stats("n2")?.connects, 1, "the link stayed up");
  } finally {
    a.t.close();
    b.t.close();
  }
});

Deno.test("tcp transport: an admitted peer's malformed batch is refused with a log line; the node goes on", async () => {
  const b = node("n2", { n1: { hostname: HOST, port: freePort() } });
  try {
    const bad: [string, RegExp][] = [
      [`B[[],1,{"n1":1}]`, /undecodable message from n1: not a batch of messages/],
      [`B[[],"1",{"n1":1},"x"]`, /undecodable message from n1: message 0 has no Lamport time/],
      [`J[{"from":"n1","body":1,"lamport":1}]`, /message 0 has no vector clock/],
    ];
    for (const [i, [payload]] of bad.entries()) {
      const c = await Deno.connect(b.t.address);
      await c.write(encodeCheckedFrame(encodeWire({ type: "hello", from: "n1", to: "n2" })));
      const welcome = new Uint8Array(64);
      assert.ok((await c.read(welcome)) !== null, "welcomed");
      await c.write(encodeCheckedFrame(new TextEncoder().encode(payload)));
      const buf = new Uint8Array(64);
      try {
        while ((await c.read(buf)) !== null) { /* closed by the node */ }
      } catch {
        // reset
      }
      c.close();
      await waitFor(
        `refusal ${i} is logged`,
        () => b.logs.filter((l) => l.includes("refused n1")).length > i || notYet(b.logs),
      );
    }
    const refusals = b.logs.filter((l) => l.includes("refused n1"));
    for (const [i, [, why]] of bad.entries()) assert.match(refusals[i]!, why);
    assert.equal(b.got.length, 0);
    // A well-formed batch from a fresh connection still goes through.
    const a = node("n1", { n2: b.t.address });
    try {
      a.t.send("n2", [msg("n1", 1)]);
      await waitFor("a real peer's message arrives", () => b.got.length === 1);
    } finally {
      a.t.close();
    }
  } finally {
    b.t.close();
  }
});

Deno.test("tcp transport: the frames of one read reach the node as one batch, in order; those before a bad one still arrive", async () => {
  const batches: WireDelivery[][] = [];
  const logs: string[] = [];
  const b = PeerTransport.listen({
    id: "n2",
    listen: { hostname: HOST, port: 0 },
    peers: new Map([["n1", { hostname: HOST, port: freePort() }]]),
    onBatch: (_from, batch) => batches.push(batch),
    log: (line) => logs.push(line),
    backoff: { baseMs: 10, maxMs: 200 },
    helloTimeoutMs: 2_000,
  });
  const frames = (...payloads: Uint8Array[]) => encodeCheckedFrames(payloads);
  const one = (i: number) => encodeBatch([msg("n1", i)]);
  try {
    for (const [i, last] of [[0, one(2)], [1, new TextEncoder().encode("Bnot json")]] as const) {
      const c = await Deno.connect(b.address);
      await c.write(encodeCheckedFrame(encodeWire({ type: "hello", from: "n1", to: "n2" })));
      assert.ok((await c.read(new Uint8Array(64))) !== null, "welcomed");
      // One write of three frames: on loopback, one read.
      await c.write(frames(one(0), one(1), last));
      if (i === 1) {
        await waitFor("the bad frame is refused", () => logs.some((l) => /undecodable/.test(l)));
      } else {
        await waitFor("three messages arrive", () => batches.flat().length === 3);
      }
      c.close();
      await waitFor("the link is gone", () => b.inbound.length === 0);
    }
    const seen = batches.map((batch) => batch.map((d) => (d.body as { i: number }).i));
    // Each connection's read: one batch (a starved machine may split a write in two reads).
    assert.deepEqual(seen.flat(), [0, 1, 2, 0, 1]);
    assert.ok(seen.length <= 4, JSON.stringify(seen));
  } finally {
    b.close();
  }
});
