/**
 * Maelstrom's `kafka` workload: append-only logs by string key. `send` (`key`, `msg`) →
 * `send_ok` (`offset`); `poll` (`offsets`: key → first offset wanted) → `poll_ok`
 * (`msgs`: key → `[offset, msg]` pairs); `commit_offsets` (`offsets`) and
 * `list_committed_offsets` (`keys`) → `offsets`. Each client polls from where its last
 * poll ended and commits what it has seen.
 *
 * The checker looks for: two messages acknowledged at one offset, or a poll showing at an
 * offset another message than the one acknowledged there; a poll whose offsets do not
 * strictly increase (internal nonmonotonic); a poll that skips an offset known to hold an
 * acknowledged message (a lost write); offsets given by `send_ok` going backwards between
 * sends that did not overlap in time; committed offsets going backwards in the same way.
 *
 * @module
 */

import { canonicalJson } from "../../checker/canonical_json.ts";
import type { HistoryEvent } from "../../history/event.ts";
import {
  completedOps,
  completeWith,
  type Invocation,
  type Verdict,
  type Workload,
} from "../workload.ts";

type Pairs = Record<string, [number, unknown][]>;

/**
 * A kafka workload over `keyCount` keys.
 *
 * @example
 * ```ts
 * import { kafkaWorkload } from "./kafka.ts";
 * import { createRng } from "../../protocols/random.ts";
 * kafkaWorkload(2).invoke(createRng(1), 0).body.type; // "send", "poll", "commit_offsets" or "list_committed_offsets"
 * ```
 */
export function kafkaWorkload(keyCount: number): Workload {
  const keys = Array.from({ length: keyCount }, (_, i) => String(i));
  let nextMsg = 0;
  /** Each process's next offset to poll, per key. */
  const positions = new Map<number, Record<string, number>>();
  const owner = new WeakMap<Invocation, number>();
  const pos = (p: number) => {
    let m = positions.get(p);
    if (m === undefined) positions.set(p, m = Object.fromEntries(keys.map((k) => [k, 0])));
    return m;
  };
  return {
    name: "kafka",
    invoke(rng, process) {
      const r = rng.next();
      let inv: Invocation;
      if (r < 0.5) {
        const key = keys[rng.int(keys.length)]!;
        const msg = nextMsg++;
        inv = { f: "send", key, value: msg, body: { type: "send", key, msg } };
      } else if (r < 0.8) {
        const offsets = { ...pos(process) };
        inv = { f: "poll", value: offsets, body: { type: "poll", offsets } };
      } else if (r < 0.9) {
        const offsets: Record<string, number> = {};
        for (const [k, o] of Object.entries(pos(process))) if (o > 0) offsets[k] = o - 1;
        inv = { f: "commit_offsets", value: offsets, body: { type: "commit_offsets", offsets } };
      } else {
        inv = {
          f: "list_committed_offsets",
          body: { type: "list_committed_offsets", keys },
        };
      }
      owner.set(inv, process);
      return inv;
    },
    complete(inv, reply) {
      switch (inv.f) {
        case "send":
          return completeWith(reply, "send", (b) => ({ msg: inv.value, offset: b.offset }));
        case "poll": {
          const c = completeWith(reply, "poll", (b) => b.msgs ?? {});
          const p = owner.get(inv);
          if (
            c.type === "ok" && p !== undefined && typeof c.value === "object" && c.value !== null
          ) {
            const at = pos(p);
            for (const [k, pairs] of Object.entries(c.value as Pairs)) {
              const last = Array.isArray(pairs) ? pairs[pairs.length - 1] : undefined;
              if (
                Array.isArray(last) && typeof last[0] === "number" && last[0] + 1 > (at[k] ?? 0)
              ) {
                at[k] = last[0] + 1;
              }
            }
          }
          return c;
        }
        case "commit_offsets":
          return completeWith(reply, "commit_offsets", () => inv.value);
        default:
          return completeWith(reply, "list_committed_offsets", (b) => b.offsets ?? {});
      }
    },
    check(history) {
      return checkKafka(history);
    },
  };
}

/**
 * The kafka checker (see the module description).
 *
 * @example
 * ```ts
 * import { checkKafka } from "./kafka.ts";
 * checkKafka([]).valid; // true
 * ```
 */
export function checkKafka(history: readonly HistoryEvent[]): Verdict {
  const ops = completedOps(history);
  const problems: string[] = [];
  const counts: Record<string, number> = {};
  const note = (kind: string, text: string) => {
    counts[kind] = (counts[kind] ?? 0) + 1;
    if (counts[kind] <= 3) problems.push(text);
  };
  /** key → offset → acknowledged message. */
  const acked = new Map<string, Map<number, unknown>>();
  const sends: { key: string; offset: number; call: number; ret: number; msg: unknown }[] = [];
  for (const { invoke, done } of ops) {
    if (invoke.f !== "send" || done?.type !== "ok") continue;
    const v = done.value as { msg: unknown; offset: unknown };
    if (typeof v?.offset !== "number" || invoke.key === undefined) {
      note("malformed", `send_ok without an integer offset: ${JSON.stringify(done.value)}`);
      continue;
    }
    let m = acked.get(invoke.key);
    if (m === undefined) acked.set(invoke.key, m = new Map());
    const before = m.get(v.offset);
    if (before !== undefined && canonicalJson(before) !== canonicalJson(v.msg)) {
      note(
        "duplicate-offset",
        `key ${invoke.key}: offset ${v.offset} acknowledged for message ${
          JSON.stringify(before)
        } and again for ${JSON.stringify(v.msg)}`,
      );
    }
    m.set(v.offset, v.msg);
    sends.push({
      key: invoke.key,
      offset: v.offset,
      call: invoke.time,
      ret: done.time,
      msg: v.msg,
    });
  }
  // Offsets given to sends that did not overlap in time must increase.
  const byKey = new Map<string, typeof sends>();
  for (const s of sends) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s]);
  for (const [key, list] of byKey) {
    const sorted = [...list].sort((a, b) => a.ret - b.ret);
    let maxDone: (typeof sends)[number] | undefined = undefined;
    const byCall = [...list].sort((a, b) => a.call - b.call);
    let i = 0;
    for (const s of byCall) {
      while (i < sorted.length && sorted[i]!.ret < s.call) {
        if (maxDone === undefined || sorted[i]!.offset > maxDone.offset) maxDone = sorted[i];
        i++;
      }
      if (maxDone !== undefined && s.offset <= maxDone.offset) {
        note(
          "send-order",
          `key ${key}: message ${JSON.stringify(s.msg)} was sent after ${
            JSON.stringify(maxDone.msg)
          } was acknowledged at offset ${maxDone.offset}, yet got offset ${s.offset}: offsets went backwards`,
        );
      }
    }
  }
  for (const { invoke, done } of ops) {
    if (invoke.f !== "poll" || done?.type !== "ok") continue;
    const from = (invoke.value ?? {}) as Record<string, number>;
    for (const [key, pairs] of Object.entries((done.value ?? {}) as Pairs)) {
      if (!Array.isArray(pairs)) continue;
      let prev: number | undefined = undefined;
      for (const pair of pairs) {
        const [offset, msg] = Array.isArray(pair) ? pair : [undefined, undefined];
        if (typeof offset !== "number") {
          note("malformed", `poll_ok pair is not [offset, msg]: ${JSON.stringify(pair)}`);
          continue;
        }
        if (prev !== undefined && offset <= prev) {
          note(
            "internal-nonmonotonic",
            `key ${key}: one poll returned offset ${offset} after ${prev}: offsets out of order`,
          );
        }
        const want = acked.get(key)?.get(offset);
        if (want !== undefined && canonicalJson(want) !== canonicalJson(msg)) {
          note(
            "inconsistent",
            `key ${key}: a poll shows ${JSON.stringify(msg)} at offset ${offset}, where ${
              JSON.stringify(want)
            } was acknowledged`,
          );
        }
        prev = offset;
      }
      // Within the span a poll covered, every acknowledged offset must be there.
      const offsets = pairs.map((p) => (Array.isArray(p) ? p[0] : undefined)).filter((
        o,
      ): o is number => typeof o === "number");
      if (offsets.length === 0) continue;
      const lo = Math.max(from[key] ?? 0, Math.min(...offsets));
      const hi = Math.max(...offsets);
      const seen = new Set(offsets);
      for (const o of acked.get(key)?.keys() ?? []) {
        if (o >= lo && o <= hi && !seen.has(o)) {
          note(
            "lost-write",
            `key ${key}: a poll from ${lo} to ${hi} skipped offset ${o}, which holds an acknowledged message`,
          );
        }
      }
    }
  }
  // Committed offsets must not go backwards between lists that did not overlap.
  const lists = ops.filter(({ invoke, done }) =>
    invoke.f === "list_committed_offsets" && done?.type === "ok"
  )
    .map(({ invoke, done }) => ({
      call: invoke.time,
      ret: done!.time,
      offsets: (done!.value ?? {}) as Record<string, number>,
    }));
  for (const a of lists) {
    for (const b of lists) {
      if (a.ret >= b.call) continue;
      for (const [k, o] of Object.entries(a.offsets)) {
        const later = b.offsets[k];
        if (typeof later === "number" && later < o) {
          note(
            "committed-nonmonotonic",
            `key ${k}: committed offset went from ${o} back to ${later}`,
          );
        }
      }
    }
  }
  const details = { "acknowledged-sends": sends.length, anomalies: counts };
  return problems.length === 0
    ? {
      valid: true,
      explanation: `${sends.length} acknowledged sends; no lost, reordered or inconsistent offsets`,
      details,
    }
    : { valid: false, explanation: problems.join("; "), details };
}
