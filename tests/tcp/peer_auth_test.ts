/**
 * The TCP transport with a shared key (`--token`), in one process on loopback: peers with
 * the same token talk; a wrong token, or none where one is required, is refused with one
 * log line on each side and the listener goes on; after a sound handshake a forged,
 * replayed or reordered frame is refused and its connection closed. The handshake's
 * proofs and the frame tags are checked on their own too.
 */

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { notYet, waitFor } from "../support/deadline.ts";
import { type Address, PeerTransport } from "../../nodes/tcp/peer_transport.ts";
import type { WireDelivery } from "../../nodes/worker_protocol.ts";
import { checkedFrameReader, encodeCheckedFrame } from "../../nodes/tcp/checked_frame.ts";
import { decodeWire, encodeWire } from "../../nodes/tcp/wire_codec.ts";
import {
  type FrameSeal,
  frameSeal,
  freshNonce,
  handshakeProof,
  proofHolds,
  type Transcript,
} from "../../nodes/tcp/peer_auth.ts";
import { freePort, HOST } from "./processes.ts";

const TOKEN = "correct-horse-battery";

interface Node {
  t: PeerTransport;
  got: WireDelivery[];
  logs: string[];
}

function node(id: string, peers: Record<string, Address>, token?: string): Node {
  const got: WireDelivery[] = [];
  const logs: string[] = [];
  const t = PeerTransport.listen({
    id,
    listen: { hostname: HOST, port: 0 },
    peers: new Map(Object.entries(peers)),
    onBatch: (_from, batch) => got.push(...batch),
    log: (line) => logs.push(line),
    backoff: { baseMs: 10, maxMs: 200 },
    helloTimeoutMs: 2_000,
    ...(token !== undefined ? { token } : {}),
  });
  return { t, got, logs };
}

const msg = (from: string, i: number): WireDelivery => ({
  from,
  body: { i },
  lamport: i,
  vclock: { [from]: i },
});

const frame = (m: unknown) => encodeCheckedFrame(encodeWire(m));

/** Reads one handshake frame from a raw connection. */
async function readFrame(c: Deno.TcpConn): Promise<Record<string, unknown>> {
  const reader = checkedFrameReader();
  const buf = new Uint8Array(4096);
  for (;;) {
    const n = await c.read(buf);
    if (n === null) throw new Error("closed during the handshake");
    const got = reader.push(buf.subarray(0, n));
    if (got.length > 0) return decodeWire(got[0]!) as Record<string, unknown>;
  }
}

/** Dials `addr` by hand as `from` with `token`, through the whole handshake. */
async function handDial(
  addr: Address,
  from: string,
  to: string,
  token: string,
): Promise<{ conn: Deno.TcpConn; seal: FrameSeal }> {
  const conn = await Deno.connect(addr);
  const dialerNonce = freshNonce();
  await conn.write(frame({ type: "hello", from, to, nonce: dialerNonce }));
  const challenge = await readFrame(conn);
  assert.equal(challenge.type, "challenge");
  const t: Transcript = { from, to, dialerNonce, listenerNonce: String(challenge.nonce) };
  assert.ok(proofHolds(token, "listener", t, challenge.proof), "the listener proves the token");
  await conn.write(frame({ type: "proof", proof: handshakeProof(token, "dialer", t) }));
  assert.deepEqual(await readFrame(conn), { type: "welcome" });
  return { conn, seal: frameSeal(token, t) };
}

/** Waits until the node closes `conn` (the read ends or is reset). */
async function closedByPeer(conn: Deno.TcpConn): Promise<"closed"> {
  const buf = new Uint8Array(64);
  try {
    while ((await conn.read(buf)) !== null) { /* nothing more is sent */ }
  } catch {
    // reset
  }
  conn.close();
  return "closed";
}

Deno.test("peer auth: proofs are bound to the side, both nonces and the token; tags to the order", () => {
  const t: Transcript = { from: "n1", to: "n2", dialerNonce: freshNonce(), listenerNonce: "bb" };
  const p = handshakeProof(TOKEN, "dialer", t);
  assert.ok(proofHolds(TOKEN, "dialer", t, p));
  assert.ok(!proofHolds(TOKEN, "listener", t, p), "one side's proof is not the other's");
  assert.ok(!proofHolds("another-token", "dialer", t, p));
  assert.ok(!proofHolds(TOKEN, "dialer", { ...t, listenerNonce: "cc" }, p), "fresh nonce");
  assert.ok(!proofHolds(TOKEN, "dialer", { ...t, from: "n3" }, p), "the sender's name");
  assert.ok(!proofHolds(TOKEN, "dialer", t, "zz"), "not hex");
  assert.ok(!proofHolds(TOKEN, "dialer", t, undefined));
  assert.ok(
    !p.includes(Array.from(new TextEncoder().encode(TOKEN), (b) => b.toString(16)).join("")),
  );

  const out = frameSeal(TOKEN, t);
  const into = frameSeal(TOKEN, t);
  const a = out.seal(new Uint8Array([1]));
  const b = out.seal(new Uint8Array([2]));
  assert.throws(() => into.open(b), /frame 0 fails its authentication tag/, "reordered");
  assert.deepEqual(into.open(a), new Uint8Array([1]));
  assert.throws(() => into.open(a), /frame 1 fails/, "replayed");
  const forged = b.slice();
  forged[forged.length - 1] ^= 1;
  assert.throws(() => into.open(forged), /fails its authentication tag/, "a flipped bit");
  assert.deepEqual(into.open(b), new Uint8Array([2]));
  assert.throws(() => into.open(new Uint8Array(5)), /no room for its tag/);
  const other = frameSeal(TOKEN, { ...t, listenerNonce: "cc" });
  assert.throws(() => other.open(out.seal(new Uint8Array([3]))), /fails/, "another session");
});

Deno.test("peer auth: a frame's tag is HMAC-SHA256 under the session key over its number and payload", () => {
  const t: Transcript = { from: "n1", to: "n2", dialerNonce: "aa", listenerNonce: "bb" };
  const key = createHmac("sha256", TOKEN)
    .update(JSON.stringify(["distlab-tcp-v1", "session", "n1", "n2", "aa", "bb"]))
    .digest();
  const seal = frameSeal(TOKEN, t);
  for (const [n, size] of [0, 1, 63, 64, 65, 15_000].entries()) {
    const payload = new Uint8Array(size).map((_, i) => (i * 31 + n) & 0xff);
    const seq = new Uint8Array(8);
    new DataView(seq.buffer).setBigUint64(0, BigInt(n));
    const want = createHmac("sha256", key).update(seq).update(payload).digest();
    assert.deepEqual(new Uint8Array(seal.tag(payload)), new Uint8Array(want), `frame ${n}`);
  }
});

Deno.test("peer auth: nodes with the same token talk, in order", async () => {
  const b = node("n2", { n1: { hostname: HOST, port: freePort() } }, TOKEN);
  const a = node("n1", { n2: b.t.address }, TOKEN);
  try {
    for (let i = 0; i < 40; i++) a.t.send("n2", [msg("n1", 2 * i), msg("n1", 2 * i + 1)]);
    await waitFor("80 messages arrive", () => b.got.length === 80 || notYet(b.got.length));
    assert.deepEqual(b.got.map((d) => (d.body as { i: number }).i), [...Array(80).keys()]);
    assert.deepEqual(b.t.inbound, ["n1"]);
  } finally {
    a.t.close();
    b.t.close();
  }
});

Deno.test("peer auth: a wrong token, or none, is refused with a log line on both sides; the node goes on", async () => {
  const b = node("n2", {
    n1: { hostname: HOST, port: freePort() },
    n3: { hostname: HOST, port: freePort() },
    n4: { hostname: HOST, port: freePort() },
  }, TOKEN);
  const wrong = node("n3", { n2: b.t.address }, "not-the-token");
  const none = node("n4", { n2: b.t.address });
  const a = node("n1", { n2: b.t.address }, TOKEN);
  try {
    wrong.t.send("n2", [msg("n3", 1)]);
    none.t.send("n2", [msg("n4", 1)]);
    await waitFor("both refusals are logged at n2", () => {
      const text = b.logs.join("\n");
      return (
        /refused 127\.0\.0\.1:\d+: 'n3' does not share this cluster's token/.test(text) &&
        /refused 127\.0\.0\.1:\d+: 'n2' requires a token but 'n4' gave none/.test(text)
      ) || notYet(b.logs);
    });
    await waitFor(
      "the dialers hear why",
      () =>
        (wrong.logs.some((l) =>
          /^tcp n3: cannot reach n2 at .*: its token is not ours \(its proof does not match\)/.test(
            l,
          )
        ) &&
          none.logs.some((l) =>
            /^tcp n4: cannot reach n2 .*it refused us: 'n2' requires a token/.test(l)
          )) ||
        notYet([...wrong.logs, ...none.logs]),
    );
    for (const l of [...b.logs, ...wrong.logs, ...none.logs]) assert.doesNotMatch(l, /\n/);
    // Redials are refused again, but the reason is said once.
    assert.equal(b.logs.filter((l) => /'n3' does not share/.test(l)).length, 1, b.logs.join("\n"));
    assert.ok(![...b.logs, ...wrong.logs, ...none.logs].some((l) => l.includes(TOKEN)));
    // A node with a token refuses to talk to one without: the other way round too.
    const plain = node("n5", { n6: { hostname: HOST, port: freePort() } });
    const keyed = node("n6", { n5: plain.t.address }, TOKEN);
    try {
      keyed.t.send("n5", [msg("n6", 1)]);
      await waitFor(
        "n5 without a token refuses n6 with one",
        () =>
          plain.logs.some((l) => /refused .*'n6' has a token but 'n5' has none/.test(l)) ||
          notYet(plain.logs),
      );
      assert.equal(plain.got.length, 0);
    } finally {
      plain.t.close();
      keyed.t.close();
    }
    // The right token still gets through; nothing of the others did.
    a.t.send("n2", [msg("n1", 7)]);
    await waitFor("n1's message arrives", () => b.got.length === 1 || notYet(b.got));
    assert.deepEqual(b.got.map((d) => d.from), ["n1"]);
    assert.equal(wrong.t.stats("n2")?.connected, false);
    assert.equal(none.t.stats("n2")?.connected, false);
  } finally {
    a.t.close();
    b.t.close();
    wrong.t.close();
    none.t.close();
  }
});

Deno.test("peer auth: after the handshake a forged, replayed or reordered frame is refused and the connection closed", async () => {
  const b = node("n2", {
    n1: { hostname: HOST, port: freePort() },
    n3: { hostname: HOST, port: freePort() },
  }, TOKEN);
  try {
    // A dialer that answers the challenge with a proof made from another token.
    const liar = await Deno.connect(b.t.address);
    const dialerNonce = freshNonce();
    await liar.write(frame({ type: "hello", from: "n1", to: "n2", nonce: dialerNonce }));
    const challenge = await readFrame(liar);
    const t = { from: "n1", to: "n2", dialerNonce, listenerNonce: String(challenge.nonce) };
    await liar.write(frame({ type: "proof", proof: handshakeProof("not-the-token", "dialer", t) }));
    assert.equal((await readFrame(liar)).type, "reject");
    assert.equal(await closedByPeer(liar), "closed");
    assert.ok(
      b.logs.some((l) => /refused .*: 'n1' has another token \(its proof/.test(l)),
      b.logs.join("\n"),
    );

    // A sound frame, then the very same bytes again.
    let { conn, seal } = await handDial(b.t.address, "n1", "n2", TOKEN);
    const sealed = encodeCheckedFrame(seal.seal(encodeWire([msg("n1", 1)])));
    await conn.write(sealed);
    await waitFor("the sound frame is delivered", () => b.got.length === 1 || notYet(b.got));
    await conn.write(sealed);
    assert.equal(await closedByPeer(conn), "closed");
    await waitFor(
      "the replay is refused",
      () =>
        b.logs.some((l) =>
          /^tcp n2: refused n1 \(127\.0\.0\.1:\d+\): frame 1 fails its authentication tag/.test(l)
        ) || notYet(b.logs),
    );

    // Two frames sent out of order.
    ({ conn, seal } = await handDial(b.t.address, "n1", "n2", TOKEN));
    const first = encodeCheckedFrame(seal.seal(encodeWire([msg("n1", 2)])));
    const second = encodeCheckedFrame(seal.seal(encodeWire([msg("n1", 3)])));
    await conn.write(second);
    await conn.write(first);
    assert.equal(await closedByPeer(conn), "closed");

    // A frame whose payload was changed on the way (its checksum made good again), and
    // one sealed with another session's key.
    ({ conn, seal } = await handDial(b.t.address, "n1", "n2", TOKEN));
    const body = seal.seal(encodeWire([msg("n1", 4)]));
    body[body.length - 2] ^= 0x20;
    await conn.write(encodeCheckedFrame(body));
    assert.equal(await closedByPeer(conn), "closed");
    const stale = frameSeal(TOKEN, {
      from: "n1",
      to: "n2",
      dialerNonce: freshNonce(),
      listenerNonce: freshNonce(),
    });
    ({ conn } = await handDial(b.t.address, "n1", "n2", TOKEN));
    await conn.write(encodeCheckedFrame(stale.seal(encodeWire([msg("n1", 5)]))));
    assert.equal(await closedByPeer(conn), "closed");
    // An unsealed frame, as a node without a token would send it.
    ({ conn } = await handDial(b.t.address, "n1", "n2", TOKEN));
    await conn.write(encodeCheckedFrame(encodeWire([msg("n1", 6)])));
    assert.equal(await closedByPeer(conn), "closed");

    await waitFor(
      "every bad frame is refused",
      () =>
        b.logs.filter((l) => /fails its authentication tag/.test(l)).length >= 5 ||
        notYet(b.logs),
    );
    assert.deepEqual(b.got.map((d) => (d.body as { i: number }).i), [1], "only the sound one");
    // And the node goes on: a proper dial still works.
    ({ conn, seal } = await handDial(b.t.address, "n1", "n2", TOKEN));
    await conn.write(encodeCheckedFrame(seal.seal(encodeWire([msg("n1", 8)]))));
    await waitFor("a new sound frame", () => b.got.length === 2 || notYet(b.got));
    conn.close();
  } finally {
    b.t.close();
  }
});

Deno.test("peer auth: before it is admitted, a connection may not send a large frame", async () => {
  const b = node("n2", { n1: { hostname: HOST, port: freePort() } }, TOKEN);
  try {
    // A header announcing 1 MiB, under the 16 MiB a peer may send once admitted.
    const conn = await Deno.connect(b.t.address);
    await conn.write(new Uint8Array([0, 0x10, 0, 4, 1, 2, 3, 4]));
    assert.equal(await closedByPeer(conn), "closed");
    await waitFor(
      "the refusal is logged",
      () =>
        b.logs.some((l) => /^tcp n2: refused 127\.0\.0\.1:\d+: oversized/.test(l)) ||
        notYet(b.logs),
    );
    // Once admitted, a frame of 1 MiB goes through.
    const { conn: c, seal } = await handDial(b.t.address, "n1", "n2", TOKEN);
    const big: WireDelivery = { ...msg("n1", 1), body: { i: 1, pad: "x".repeat(1 << 20) } };
    const bytes = encodeCheckedFrame(seal.seal(encodeWire([big])));
    for (let at = 0; at < bytes.length;) at += await c.write(bytes.subarray(at));
    await waitFor("the big frame arrives", () => b.got.length === 1 || notYet(b.got.length));
    c.close();
  } finally {
    b.t.close();
  }
});
