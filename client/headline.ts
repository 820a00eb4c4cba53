/**
 * The one-line summary of a cluster that its protocol's display asks for — who leads and
 * in which term, who plays a named role, or a leaderless protocol's settings — as parts
 * each front end joins in its own way (`cli status`: `leader n1 (term 2)`; the
 * dashboard's header: `leader n1 · term 2`).
 *
 * @module
 */

import type { ProtocolDisplay } from "../protocols/display.ts";
import type { NodeRow } from "./status_columns.ts";

/**
 * A headline: `subject` (`leader n1`, `coordinator n1`, `leaderless`, `no leader`) and
 * `details` (`term 2`; `N=3`, `R=2`, `W=2`). `kind` is the display's headline kind.
 *
 * @example
 * ```ts
 * import type { Headline } from "./headline.ts";
 * const h: Headline = { kind: "leader", subject: "leader n1", details: ["term 2"] };
 * ```
 */
export interface Headline {
  readonly kind: ProtocolDisplay["headline"]["kind"];
  readonly subject: string;
  readonly details: readonly string[];
}

/**
 * The headline of a cluster whose leader (as the API names it) is `leader` in `term`.
 *
 * @example
 * ```ts
 * import { headline } from "./headline.ts";
 * import { DEFAULT_DISPLAY } from "../protocols/display.ts";
 * headline(DEFAULT_DISPLAY, "n1", 2, []).details; // ["term 2"]
 * ```
 */
export function headline(
  display: ProtocolDisplay,
  leader: string | null,
  term: number | null,
  nodes: readonly Pick<NodeRow, "id" | "up" | "role" | "status">[],
): Headline {
  const h = display.headline;
  switch (h.kind) {
    case "leaderless": {
      const s = nodes.find((n) => n.up && h.fields.every((f) => n.status?.[f] !== undefined))
        ?.status;
      const details = s === undefined ? [] : h.fields.map((f) => `${f.toUpperCase()}=${s[f]}`);
      return { kind: h.kind, subject: "leaderless", details };
    }
    case "role": {
      const c = nodes.find((n) => n.role === h.role);
      return {
        kind: h.kind,
        subject: c === undefined ? `no ${h.role} up` : `${h.role} ${c.id}`,
        details: [],
      };
    }
    case "leader":
      if (leader === null) return { kind: h.kind, subject: `no ${h.noun}`, details: [] };
      return {
        kind: h.kind,
        subject: `${h.noun} ${leader}`,
        details: term === null ? [] : [`${h.term} ${term}`],
      };
  }
}
