/**
 * Each protocol declares the trace event kinds it emits (`Protocol.events`), so that an
 * event filter naming a kind no one emits is refused instead of waiting forever. These
 * tests keep the declarations true: every `emit("kind"` in a protocol's folder is
 * declared, and a simulated run under faults emits nothing undeclared.
 */

import assert from "node:assert/strict";
import { protocolByName, protocolNames } from "../../protocols/registry.ts";
import { runSimulation } from "../../torture/sim_run.ts";
import { HOST_EVENT_KINDS } from "../../nodes/trace.ts";

/** Which folders' code each protocol runs (saga's choreography runs on the bus). */
const FOLDERS: Record<string, readonly string[]> = {
  "heartbeat": ["heartbeat"],
  "raft-kv": ["raft"],
  "register": ["register"],
  "lww": ["lww"],
  "quorum-kv": ["quorum"],
  "paxos-register": ["paxos/register.ts"],
  "paxos-kv": ["paxos/multi_paxos.ts"],
  "primary-backup": ["primary_backup"],
  "2pc": ["txn"],
  "paxos-commit": ["paxos_commit"],
  "bus": ["bus"],
  "saga": ["saga", "bus"],
  "event-sourcing": ["eventsourcing"],
  "pbft": ["pbft"],
  "swim": ["swim"],
};

async function sources(path: string): Promise<string[]> {
  const root = new URL(`../../protocols/${path}`, import.meta.url);
  const stat = await Deno.stat(root);
  if (stat.isFile) return [await Deno.readTextFile(root)];
  const out: string[] = [];
  for await (const e of Deno.readDir(root)) {
    if (e.isFile && e.name.endsWith(".ts")) {
      out.push(await Deno.readTextFile(new URL(e.name, root.href + "/")));
    }
  }
  return out;
}

Deno.test("every protocol is mapped to its folders here", () => {
  assert.deepEqual(Object.keys(FOLDERS).sort(), protocolNames());
});

Deno.test('every emit("kind") in a protocol\'s code is a kind it declares', async () => {
  for (const [name, folders] of Object.entries(FOLDERS)) {
    const declared = new Set(protocolByName(name).events ?? []);
    const emitted = new Set<string>();
    for (const f of folders) {
      for (const src of await sources(f)) {
        for (
          const m of src.matchAll(
            /\bemit\(\s*(?:[^,()"]*\?\s*)?"([a-z-]+)"(?:\s*:\s*"([a-z-]+)")?/g,
          )
        ) {
          emitted.add(m[1]!);
          if (m[2] !== undefined) emitted.add(m[2]);
        }
      }
    }
    const missing = [...emitted].filter((k) => !declared.has(k));
    assert.deepEqual(missing, [], `${name} emits kinds it does not declare`);
  }
});

Deno.test("a simulated run under faults emits only declared and host kinds", () => {
  const host = new Set<string>(HOST_EVENT_KINDS);
  for (const name of protocolNames()) {
    const p = protocolByName(name);
    const kv = p.check !== "none" &&
      !["2pc", "paxos-commit", "bus", "saga", "event-sourcing"].includes(
        name,
      );
    const r = runSimulation({
      protocol: name,
      nodes: 5,
      seed: 3,
      durationMs: 3000,
      nemesis: ["partition", "kill", "pause"],
      trace: "full",
      ...(kv ? { clients: 3 } : {}),
    });
    const declared = new Set(p.events ?? []);
    const stray = new Set<string>();
    for (const e of r.sim.trace()) {
      if (!host.has(e.kind) && !declared.has(e.kind)) stray.add(e.kind);
    }
    assert.deepEqual([...stray], [], `${name} emitted undeclared kinds`);
  }
});
