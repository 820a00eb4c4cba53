/**
 * Link integrity (#19 item 2): CRC-32C and HMAC-SHA256 are right (known vectors,
 * WebCrypto), a checksum turns tampering into loss, and an HMAC also refuses a forged
 * sender and a replayed copy — in the module and through the simulator's message path.
 */

import assert from "node:assert/strict";
import { crc32c } from "../../nodes/faults/crc32c.ts";
import { hmacKey, hmacSha256, sha256, wordsToBytes } from "../../nodes/faults/hmac_sha256.ts";
import { LinkIntegrity, parseIntegrity, type Seal } from "../../nodes/faults/link_integrity.ts";
import { validateLinkFaults } from "../../nodes/faults/network.ts";
import { Simulation } from "../../nodes/simulator.ts";
import type { TraceEvent } from "../../nodes/trace.ts";
import type { Protocol } from "../../protocols/node.ts";
import { isNat } from "../../protocols/message_schema.ts";

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
const utf8 = (s: string) => new TextEncoder().encode(s);

Deno.test("crc32c: the check value of '123456789' and of the empty range", () => {
  assert.equal(crc32c(utf8("123456789")), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  // 32 bytes of zeros: RFC 3720 B.4.
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
});

Deno.test("sha256 and hmac-sha256 agree with WebCrypto at every padding boundary", async () => {
  assert.equal(
    hex(sha256(utf8("abc"))),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  const tag = new Int32Array(8);
  for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000]) {
    const msg = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
    const key = new Uint8Array((n % 90) + 1).map((_, i) => i * 3);
    const want = new Uint8Array(await crypto.subtle.digest("SHA-256", msg));
    assert.equal(hex(sha256(msg)), hex(want), `sha256 of ${n} bytes`);
    const k = await crypto.subtle.importKey(
      "raw",
      key,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", k, msg));
    hmacSha256(hmacKey(key), msg, 0, msg.length, tag);
    assert.equal(hex(wordsToBytes(tag)), hex(mac), `hmac of ${n} bytes, ${key.length}-byte key`);
  }
});

function copy(s: Seal): Seal {
  return { seq: s.seq, crc: s.crc, tag: s.tag.slice() };
}

Deno.test("crc32c refuses an altered body and nothing else", () => {
  const links = new LinkIntegrity(utf8("secret"));
  const body = { type: "append", term: 3, entries: [{ index: 4, term: 3 }] };
  const seal = copy(links.seal("crc32c", "n1", "n2", body));
  assert.equal(links.open("crc32c", "n1", "n2", body, seal), null);
  assert.equal(links.open("crc32c", "n1", "n2", structuredClone(body), seal), null);
  const altered = { ...body, term: 4 };
  assert.equal(links.open("crc32c", "n1", "n2", altered, seal), "corrupt");
  // A checksum authenticates nothing: another sender's name passes.
  assert.equal(links.open("crc32c", "n3", "n2", body, seal), null);
});

Deno.test("hmac-sha256 refuses an altered body, a forged sender, a reflected message and a replay", () => {
  const links = new LinkIntegrity(utf8("secret"));
  const body = { type: "vote-resp", term: 7, pre: false, granted: true };
  // n3 seals a message to n1 with its own key, and it is delivered as if from n2.
  const forged = copy(links.seal("hmac-sha256", "n3", "n1", body));
  assert.equal(links.open("hmac-sha256", "n2", "n1", body, forged), "unauthentic");
  const sealed = copy(links.seal("hmac-sha256", "n2", "n1", body));
  assert.equal(
    links.open("hmac-sha256", "n2", "n1", { ...body, granted: false }, sealed),
    "unauthentic",
  );
  // The same pair's key the other way round: the direction is inside the MAC.
  assert.equal(links.open("hmac-sha256", "n1", "n2", body, sealed), "unauthentic");
  assert.equal(links.open("hmac-sha256", "n2", "n1", body, sealed), null);
  assert.equal(links.open("hmac-sha256", "n2", "n1", body, sealed), "replay");
  // A forged sequence number does not verify either.
  assert.equal(links.open("hmac-sha256", "n2", "n1", body, { ...sealed, seq: 99 }), "unauthentic");
});

Deno.test("hmac-sha256: copies out of order are accepted once inside the window, older ones refused", () => {
  const links = new LinkIntegrity(utf8("k"));
  const seals = Array.from({ length: 40 }, (_, i) => copy(links.seal("hmac-sha256", "a", "b", i)));
  assert.equal(links.open("hmac-sha256", "a", "b", 5, seals[5]!), null);
  assert.equal(links.open("hmac-sha256", "a", "b", 2, seals[2]!), null); // late, unseen
  assert.equal(links.open("hmac-sha256", "a", "b", 2, seals[2]!), "replay");
  assert.equal(links.open("hmac-sha256", "a", "b", 39, seals[39]!), null);
  assert.equal(links.open("hmac-sha256", "a", "b", 3, seals[3]!), "replay"); // 36 behind: too old
  assert.equal(links.open("hmac-sha256", "a", "b", 20, seals[20]!), null);
});

Deno.test("integrity option: parsed and validated where fault rules are set", () => {
  assert.equal(parseIntegrity("hmac-sha256"), "hmac-sha256");
  assert.throws(() => parseIntegrity("md5"), /unknown integrity 'md5'/);
  assert.equal(validateLinkFaults({ integrity: "crc32c" }), null);
  assert.match(
    validateLinkFaults({ integrity: "rot13" as never }) ?? "",
    /integrity must be one of/,
  );
});

/** Each node sends a numbered ping to every peer on each of its first 100 ticks; it records what arrives. */
const pings: Protocol<{ type: "ping"; n: number }> = {
  name: "pings",
  description: "numbered pings",
  tickMs: 10,
  messages: { ping: (m) => isNat(m.n) },
  create: (ctx) => {
    let n = 0;
    const seen: number[] = [];
    return {
      tick() {
        if (n === 100) return; // then quiet, so nothing is left in flight at the end
        n++;
        for (const p of ctx.peers) ctx.send(p, { type: "ping", n });
      },
      message(_from, m) {
        seen.push(m.n);
      },
      request() {},
      status: () => ({ role: "pinger", seen: seen.length, last: seen.at(-1) }),
    };
  },
};

function drops(sim: Simulation): Map<string, number> {
  const by = new Map<string, number>();
  for (const e of sim.trace() as TraceEvent[]) {
    if (e.kind === "drop") by.set(e.reason ?? "", (by.get(e.reason ?? "") ?? 0) + 1);
  }
  return by;
}

Deno.test("simulator: with crc32c every tampered copy is refused and counted, none delivered", () => {
  const sim = new Simulation({
    protocol: pings,
    nodes: 3,
    seed: 4,
    trace: "full",
    integrity: "crc32c",
  });
  sim.network.addRule("*", "*", { tamper: 0.3 });
  const delivered: unknown[] = [];
  sim.onTrace((e) => {
    if (e.kind === "deliver") delivered.push(e.body);
  });
  sim.runFor(2000);
  const d = drops(sim);
  assert.ok(sim.stats.rejected > 100, `rejected ${sim.stats.rejected}`);
  assert.equal(d.get("corrupt"), sim.stats.rejected);
  assert.equal(sim.stats.delivered + sim.stats.rejected, sim.stats.sent);
  // Every delivered ping is one that was sent: n counts up per sender, so a tampered n
  // (n + 1…3) would show as a number some sender had not sent yet at that time.
  for (const b of delivered) assert.ok(isNat((b as { n: number }).n));
  // Without the checksum the schema refuses only the copies it can tell (a garbled
  // type); those with an altered number are delivered.
  const bare = new Simulation({ protocol: pings, nodes: 3, seed: 4 });
  bare.network.addRule("*", "*", { tamper: 0.3 });
  bare.runFor(2000);
  assert.ok(bare.stats.rejected > 0);
  assert.ok(bare.stats.rejected < sim.stats.rejected * 0.8, `${bare.stats.rejected}`);
  assert.equal(bare.stats.delivered + bare.stats.rejected, bare.stats.sent);
});

Deno.test("simulator: with hmac-sha256 a duplicated copy is refused as a replay", () => {
  const sim = new Simulation({
    protocol: pings,
    nodes: 3,
    seed: 5,
    trace: "full",
    integrity: "hmac-sha256",
  });
  sim.network.addRule("*", "*", { duplicate: 1 });
  sim.runFor(2000);
  assert.equal(sim.stats.duplicated, sim.stats.sent);
  assert.equal(drops(sim).get("replay"), sim.stats.sent);
  assert.equal(sim.stats.delivered, sim.stats.sent);
  // Each node saw each of its peers' pings exactly once.
  for (const n of sim.nodes) {
    const s = sim.status(n);
    assert.equal(s.seen, 2 * (s.last as number), n);
  }
});

Deno.test("integrity off changes nothing: same trace hash as a run that never heard of it", () => {
  const a = new Simulation({ protocol: pings, nodes: 3, seed: 9, trace: "hash" });
  const b = new Simulation({
    protocol: pings,
    nodes: 3,
    seed: 9,
    trace: "hash",
    integrity: "none",
  });
  a.runFor(1000);
  b.runFor(1000);
  assert.equal(a.traceHash(), b.traceHash());
  // And the option only refuses: with no tamper, crc32c delivers exactly the same.
  const c = new Simulation({
    protocol: pings,
    nodes: 3,
    seed: 9,
    trace: "hash",
    integrity: "crc32c",
  });
  c.runFor(1000);
  assert.equal(c.traceHash(), a.traceHash());
});
