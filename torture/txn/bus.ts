/**
 * The `bus` torture workload: producers that retry each record until it is
 * acknowledged, one consumer per partition that now and then "crashes" and resumes from
 * its committed offset; both follow the partition's leader as it moves (a `not-leader`
 * hint, or the next replica when there is none or no answer). After every change the
 * replica checks (one leader per epoch, committed records agree, a new leader holds
 * every acknowledged record, consumers see only committed records, in offset order);
 * at each crash or restart and at the end the exhaustive ones; at the end every
 * acknowledged record committed, durable on a quorum and consumed.
 *
 * @module
 */

import { bus, type BusNode } from "../../protocols/bus/bus.ts";
import { ackQuorum, busConfig, partitionOf, replicasOf } from "../../protocols/bus/config.ts";
import type { PollResult } from "../../protocols/bus/message.ts";
import {
  type BusReplicaView,
  createBusChecker,
  durableReplicaViews,
  liveReplicaViews,
} from "../../protocols/bus/invariants.ts";
import type { Simulation } from "../../nodes/simulator.ts";
import type { NodeId, Reply } from "../../protocols/node.ts";
import { ERROR } from "../../protocols/errors.ts";
import { diskFingerprint, type TxnWorkload, upDownWatch } from "./harness.ts";

/**
 * The message bus with one topic of three partitions, each on three replicas.
 *
 * @example
 * ```ts
 * import { busWorkload } from "./bus.ts";
 * busWorkload.harness(busWorkload.defaults).nodes; // 3
 * ```
 */
export const busWorkload: TxnWorkload = {
  defaults: { topics: { events: { partitions: 3, replicas: 3 } } },
  harness(options) {
    const checker = createBusChecker();
    const consumed = new Map<string, Set<number>>(); // partition → offsets
    let late: string | null = null; // a violation found outside a step check
    // Live replicas of running brokers at every step; at the end, every node's disk.
    const replicas = (sim: Simulation, durable: boolean): BusReplicaView[] =>
      durable
        ? durableReplicaViews(
          busConfig(sim.nodes, options),
          sim.nodes,
          (n) => sim.disk(n).inspect(),
        )
        : liveReplicaViews(
          sim.nodes.map((n) => [n, (sim.host(n)?.node as BusNode | undefined)?.broker ?? null]),
        );
    // Every replica's log from its start, with a checker of its own.
    const exhaustive = (sim: Simulation) => createBusChecker().observe(replicas(sim, false));
    const restarted = upDownWatch(); // a crash or restart: the exhaustive checks too
    return {
      protocol: bus,
      nodes: 3,
      options,
      fingerprint: diskFingerprint(),
      exhaustive,
      check(sim) {
        // The checker looks only at what each replica added since it last looked.
        const bad = checker.observe(replicas(sim, false));
        if (bad !== null) return bad;
        if (late !== null) {
          const msg = late;
          late = null;
          return msg;
        }
        return restarted(sim) ? exhaustive(sim) : null;
      },
      start(sim, rng, clients, untilMs, ops) {
        const config = busConfig(sim.nodes, options);
        // Whom the clients take for each partition's leader: the preferred one at first,
        // then the hint of a `not-leader` answer, or the next replica.
        const leaders = new Map<number, NodeId>();
        const leaderOf = (p: number) => leaders.get(p) ?? replicasOf(config, "events", p)[0]!;
        const follow = (p: number, reply: Reply) => {
          if (reply.type === "ok") return;
          if (reply.type === "fail" && reply.code !== ERROR["not-leader"]) return;
          const hint = reply.type === "fail" ? (reply as { leader?: NodeId }).leader : undefined;
          const replicas = replicasOf(config, "events", p);
          leaders.set(
            p,
            hint !== undefined && replicas.includes(hint)
              ? hint
              : replicas[(replicas.indexOf(leaderOf(p)) + 1) % replicas.length]!,
          );
        };
        // Producers: each sends its records one at a time, retrying the same seq until it
        // is acknowledged, so its records must appear once each, in order.
        for (let c = 1; c <= clients; c++) {
          let seq = 0, retrying = false;
          const send = () => {
            if (!retrying && sim.now() >= untilMs) return; // no new records after the faults
            if (sim.now() >= untilMs + 4000) return;
            const key = `p${c}-k${seq % 4}`, value = { c, seq };
            const partition = partitionOf(config, "events", key);
            let done = false;
            const retry = (reply: Reply) => {
              done = true;
              retrying = true;
              follow(partition, reply);
              sim.after(30 + rng.next() * 70, send);
            };
            const op = {
              f: "produce",
              topic: "events",
              key,
              value,
              producer: `client-${c}`,
              seq,
            };
            ops.invoked++;
            sim.request(leaderOf(partition), op, c, (reply) => {
              ops[reply.type]++;
              if (done) return;
              if (reply.type !== "ok") return retry(reply);
              done = true;
              retrying = false;
              const offset = (reply.value as { offset: number }).offset;
              late ??= checker.acknowledged({ topic: "events", partition, offset, key, value });
              seq++;
              sim.after(rng.next() * 30, send);
            });
            sim.after(1000, () => done || retry({ type: "info", code: 0, error: "no answer" }));
          };
          sim.after(rng.next() * 50, send);
        }
        // One consumer per partition in group "g"; now and then it "crashes" and resumes
        // from the committed offset, which redelivers what it had not committed.
        for (let p = 0; p < config.topics.events!.partitions; p++) {
          let position: number | null = null;
          const poll = () => {
            if (sim.now() > untilMs + 8000) return;
            let done = false;
            const again = (reply?: Reply) => {
              if (done) return;
              done = true;
              follow(p, reply ?? { type: "info", code: 0, error: "no answer" });
              sim.after(20 + rng.next() * 30, poll);
            };
            const op = position === null
              ? { f: "poll", topic: "events", partition: p, group: "g", max: 20 }
              : { f: "poll", topic: "events", partition: p, group: "g", offset: position, max: 20 };
            sim.request(leaderOf(p), op, 100 + p, (reply) => {
              if (done) return;
              if (reply.type === "ok") {
                const r = reply.value as PollResult;
                const from = position ?? r.committed;
                r.records.forEach((rec, i) => {
                  if (rec.offset !== from + i) late ??= `poll of events/${p} skipped an offset`;
                  late ??= checker.delivered({
                    topic: "events",
                    partition: p,
                    offset: rec.offset,
                    key: rec.key,
                    value: rec.value,
                  });
                  let set = consumed.get(`events/${p}`);
                  if (set === undefined) consumed.set(`events/${p}`, set = new Set());
                  set.add(rec.offset);
                });
                position = from + r.records.length;
                if (r.records.length > 0) {
                  sim.request(leaderOf(p), {
                    f: "commit",
                    topic: "events",
                    partition: p,
                    group: "g",
                    offset: position,
                  }, 100 + p);
                }
                if (rng.next() < 0.05) position = null; // consumer crash
              }
              again(reply);
            });
            sim.after(500, again);
          };
          sim.after(rng.next() * 50, poll);
        }
      },
      settled(sim) {
        const all = replicas(sim, true);
        const bad = checker.observe(all) ??
          checker.checkDurable(all, (topic) => ackQuorum(busConfig(sim.nodes, options), topic));
        if (bad !== null) return bad;
        if (late !== null) return late;
        const committed = new Map<string, number>(); // partition → highest high watermark
        for (const v of all) {
          const pk = `${v.topic}/${v.partition}`;
          committed.set(pk, Math.max(committed.get(pk) ?? 0, v.hw));
        }
        for (const [pk, hw] of committed) {
          const got = consumed.get(pk) ?? new Set();
          for (let o = 0; o < hw; o++) {
            if (!got.has(o)) return `${pk}@${o} was committed but never consumed`;
          }
        }
        return null;
      },
    };
  },
};
