/**
 * Byzantine nodes in the simulator: a node keeps running its protocol's code, but what
 * it sends is rewritten on its way out, before the link seals it (a Byzantine node holds
 * its own link keys, so integrity does not stop it):
 *
 * - `equivocate`: the truth to some peers and a lie to the others (different messages
 *   to different peers; the split is by peer number, the same for every liar, so liars
 *   that collude tell each correct node one consistent story);
 * - `lie`: every message is a lie (forged votes and acknowledgements, higher terms,
 *   ballots and views);
 * - `silent`: nothing to some peers (those with an even number), the truth to the rest;
 * - `replay`: the truth, and now and then an old message it sent before, again.
 *
 * What a lie is depends on the protocol: its descriptor's `byzantine.lie` if it has one
 * (PBFT's re-signs a forged digest with the liar's own key), else a generic one that sets
 * every boolean to true and raises every term-, ballot-, view- or epoch-like number.
 *
 * @module
 */

import type { NodeId } from "../../protocols/node.ts";
import type { Outgoing } from "../node_host.ts";

/**
 * The Byzantine behaviours.
 *
 * @example
 * ```ts
 * import { BYZANTINE_MODES } from "./byzantine.ts";
 * BYZANTINE_MODES.includes("equivocate"); // true
 * ```
 */
export const BYZANTINE_MODES = ["equivocate", "lie", "silent", "replay"] as const;

/**
 * One Byzantine behaviour.
 *
 * @example
 * ```ts
 * import type { ByzantineMode } from "./byzantine.ts";
 * const m: ByzantineMode = "silent";
 * ```
 */
export type ByzantineMode = typeof BYZANTINE_MODES[number];

/**
 * A protocol's lie: a well-formed message that says something else. `shared` is one map
 * per run that every liar sees (colluding liars agree on their story).
 *
 * @example
 * ```ts
 * import type { Liar } from "./byzantine.ts";
 * const liar: Liar = (body) => ({ ...(body as object), granted: true });
 * ```
 */
export type Liar = (body: unknown, from: NodeId, shared: Map<string, unknown>) => unknown;

const LIFTED = /term|ballot|view|epoch|^v$/i;

/**
 * The generic lie: booleans become true (a vote granted, an append acknowledged) and
 * numbers named like a term, ballot, view or epoch go up by one.
 *
 * @example
 * ```ts
 * import { genericLie } from "./byzantine.ts";
 * genericLie({ type: "vote", term: 3, granted: false }); // { type: "vote", term: 4, granted: true }
 * ```
 */
export function genericLie(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    out[k] = typeof v === "boolean" ? true : typeof v === "number" && LIFTED.test(k) ? v + 1 : v;
  }
  return out;
}

/** Peers a liar lies to (equivocate) or ignores (silent): those with an even number. */
function misled(to: NodeId): boolean {
  return Number(to.replace(/\D/g, "")) % 2 === 0;
}

/**
 * Which nodes are Byzantine in a run, how, and the rewriting of their messages.
 *
 * @example
 * ```ts
 * import { Byzantine } from "./byzantine.ts";
 * const b = new Byzantine();
 * b.set("n1", "silent");
 * b.rewrite("n1", [{ to: "n2", body: 1, lamport: 1, vclock: {} }], () => 0.5).length; // 0
 * ```
 */
export class Byzantine {
  #modes = new Map<NodeId, ByzantineMode>();
  #ever = new Set<NodeId>();
  #sent = new Map<NodeId, Outgoing[]>();
  #shared = new Map<string, unknown>();
  /** The protocol's lie (default: {@link genericLie}). */
  liar: Liar = genericLie;

  /** Makes `node` Byzantine in `mode`, or (null) correct again. */
  set(node: NodeId, mode: ByzantineMode | null): void {
    if (mode === null) this.#modes.delete(node);
    else {
      this.#modes.set(node, mode);
      this.#ever.add(node);
    }
  }

  /** `node`'s mode now, or null. */
  modeOf(node: NodeId): ByzantineMode | null {
    return this.#modes.get(node) ?? null;
  }

  /** Every node that has been Byzantine in this run (it promises nothing). */
  ever(): ReadonlySet<NodeId> {
    return this.#ever;
  }

  /** What `from` really sends instead of `messages` (the same array when it is correct). */
  rewrite(from: NodeId, messages: readonly Outgoing[], random: () => number): readonly Outgoing[] {
    if (this.#modes.size === 0) return messages; // nobody lies: no lookup per flush
    const mode = this.#modes.get(from);
    if (mode === undefined || messages.length === 0) return messages;
    const out: Outgoing[] = [];
    const lie = (m: Outgoing): Outgoing => ({ ...m, body: this.liar(m.body, from, this.#shared) });
    for (const m of messages) {
      switch (mode) {
        case "lie":
          out.push(lie(m));
          break;
        case "equivocate":
          out.push(misled(m.to) ? lie(m) : m);
          break;
        case "silent":
          if (!misled(m.to)) out.push(m);
          break;
        case "replay": {
          out.push(m);
          let old = this.#sent.get(from);
          if (old === undefined) this.#sent.set(from, old = []);
          if (old.length > 0 && random() < 0.3) {
            const o = old[Math.floor(random() * old.length)]!;
            out.push({ ...o, to: m.to });
          }
          if (old.length < 256) old.push(m);
          else old[Math.floor(random() * old.length)] = m;
          break;
        }
      }
    }
    return out;
  }
}

const RUNS = new WeakMap<object, Byzantine>();

/**
 * The Byzantine state of a runtime (a simulation), created on first use.
 *
 * @example
 * ```ts
 * import { byzantineOf } from "./byzantine.ts";
 * const run = {};
 * byzantineOf(run) === byzantineOf(run); // true
 * ```
 */
export function byzantineOf(runtime: object): Byzantine {
  let b = RUNS.get(runtime);
  if (b === undefined) RUNS.set(runtime, b = new Byzantine());
  return b;
}

/**
 * Parses `--byzantine n1=lie,n2=equivocate` (empty or `none`: no node).
 *
 * @example
 * ```ts
 * import { parseByzantine } from "./byzantine.ts";
 * parseByzantine("n1=lie,n2=silent"); // { n1: "lie", n2: "silent" }
 * ```
 */
export function parseByzantine(text: string): Record<NodeId, ByzantineMode> {
  const out: Record<NodeId, ByzantineMode> = {};
  if (text.trim() === "" || text === "none") return out;
  for (const part of text.split(",")) {
    const [node, mode] = part.split("=").map((s) => s.trim());
    if (!node || !(BYZANTINE_MODES as readonly string[]).includes(mode ?? "")) {
      throw new Error(
        `--byzantine: '${part}' is not NODE=MODE (modes: ${BYZANTINE_MODES.join(", ")})`,
      );
    }
    out[node] = mode as ByzantineMode;
  }
  return out;
}
