/**
 * Maelstrom's nemesis on process nodes: every `--nemesis-interval` seconds (on average)
 * it alternately starts and ends a fault. `partition` splits the nodes into two random
 * halves (a majority and a minority) through distlab's network, `kill` SIGKILLs a random
 * node and later starts a new process for it, `pause` SIGSTOPs one and later SIGCONTs
 * it. At the end everything is healed.
 *
 * @module
 */

import type { Rng } from "../protocols/random.ts";
import type { Host } from "./host.ts";

/**
 * The faults `--nemesis` accepts.
 *
 * @example
 * ```ts
 * import { NEMESES } from "./nemesis.ts";
 * NEMESES.includes("partition"); // true
 * ```
 */
export const NEMESES: readonly string[] = ["partition", "kill", "pause"];

/**
 * One nemesis step, for the journal and the console.
 *
 * @example
 * ```ts
 * import type { NemesisEvent } from "./nemesis.ts";
 * const e: NemesisEvent = { time: 5.1, action: "start-partition", value: [["n0", "n1"], ["n2"]] };
 * ```
 */
export interface NemesisEvent {
  /** ms since the run began. */
  readonly time: number;
  readonly action: string;
  readonly value?: unknown;
}

/**
 * A running nemesis.
 *
 * @example
 * ```ts ignore
 * import { startNemesis } from "./nemesis.ts";
 * const n = startNemesis(host, ["partition"], 5000, rng, 10_000, (e) => console.log(e));
 * await n.stop(); // heals everything
 * ```
 */
export interface Nemesis {
  /** Stops scheduling faults and heals every one in force. */
  stop(): Promise<void>;
}

/**
 * Starts faults `faults` on `host`, one change every `intervalMs` (±50%).
 *
 * @example
 * ```ts ignore
 * import { startNemesis } from "./nemesis.ts";
 * const n = startNemesis(host, [], 1000, rng, 10_000, () => {}); // no faults: does nothing
 * await n.stop();
 * ```
 */
export function startNemesis(
  host: Host,
  faults: readonly string[],
  intervalMs: number,
  rng: Rng,
  initTimeoutMs: number,
  log: (e: NemesisEvent) => void,
): Nemesis {
  const t0 = performance.now();
  const nodes = host.network.nodes;
  const say = (action: string, value?: unknown) =>
    log({
      time: Math.round(performance.now() - t0),
      action,
      ...(value === undefined ? {} : { value }),
    });
  let timer: ReturnType<typeof setTimeout> | undefined = undefined;
  let stopped = false;
  let active: string | null = null;
  let pending: Promise<void> = Promise.resolve();
  const pick = () => nodes[rng.int(nodes.length)]!;
  const killed = new Set<string>();
  const paused = new Set<string>();

  const heal = async (what: string | null) => {
    if (what === "partition") {
      host.network.healPartitions();
      say("stop-partition");
    } else if (what === "pause") {
      for (const n of paused) host.resume(n);
      say("resume", [...paused]);
      paused.clear();
    } else if (what === "kill") {
      const ids = [...killed];
      killed.clear();
      say("restart", ids);
      await Promise.all(ids.map((n) => host.restart(n, initTimeoutMs)));
    }
  };

  const step = () => {
    if (stopped) return;
    pending = pending.then(async () => {
      if (active !== null) {
        const a = active;
        active = null;
        await heal(a);
      } else if (faults.length > 0) {
        const f = faults[rng.int(faults.length)]!;
        active = f;
        if (f === "partition") {
          const shuffled = [...nodes];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = rng.int(i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          const half = Math.floor(shuffled.length / 2);
          const groups = [shuffled.slice(0, half).sort(), shuffled.slice(half).sort()];
          host.network.partition(groups);
          say("start-partition", groups);
        } else if (f === "pause") {
          const n = pick();
          paused.add(n);
          host.pause(n);
          say("pause", n);
        } else if (f === "kill") {
          const n = pick();
          killed.add(n);
          host.crash(n);
          say("kill", n);
        }
      }
    }).catch((e) => say("error", (e as Error).message));
    timer = setTimeout(step, intervalMs * (0.5 + rng.next()));
  };
  if (faults.length > 0) timer = setTimeout(step, intervalMs * (0.5 + rng.next()));

  return {
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await pending;
      const a = active;
      active = null;
      await heal(a);
    },
  };
}
