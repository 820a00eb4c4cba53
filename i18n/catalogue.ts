/**
 * Japanese for narration written in English. The English stays in the code where it is
 * printed, so the narration reads in place; each scenario (or front end) keeps a plain
 * catalogue from its English templates to Japanese ones. A template's values are
 * numbered `{0}`, `{1}`, … so that Japanese may put them in its own order.
 *
 * A template with no Latin letters outside its values (a table row, a blank line) needs
 * no entry. A missing entry prints the English: the tests fail on English sentences in
 * Japanese output, and on catalogue entries nothing uses.
 *
 * @module
 */

import type { Lang } from "./lang.ts";

/**
 * English template (values as `{0}`, `{1}`, …) → Japanese template.
 *
 * @example
 * ```ts
 * import type { Catalogue } from "./catalogue.ts";
 * const ja: Catalogue = { "{0} nodes are up": "{0} 台のノードが稼働中" };
 * ```
 */
export type Catalogue = Readonly<Record<string, string>>;

/**
 * Turns text into the chosen language: as a tag (`t\`${n} nodes are up\``) or on a
 * plain string (`t.text("leader")`).
 *
 * @example
 * ```ts
 * import { translator, type Tr } from "./catalogue.ts";
 * const t: Tr = translator("ja", { "{0} nodes are up": "{0} 台のノードが稼働中" });
 * t`${3} nodes are up`; // "3 台のノードが稼働中"
 * ```
 */
export interface Tr {
  (strings: TemplateStringsArray, ...values: unknown[]): string;
  /** `s` looked up as a template with no values. */
  text(s: string): string;
  readonly lang: Lang;
}

/** Every key looked up since the last `takeUsedKeys()`, for the stale-entry test. */
const used = new Set<string>();

/**
 * The keys looked up since the last call (and forgets them): lets a test find catalogue
 * entries that no narration uses any more.
 *
 * @example
 * ```ts
 * import { takeUsedKeys, translator } from "./catalogue.ts";
 * translator("ja", { "hi": "やあ" }).text("hi");
 * takeUsedKeys().has("hi"); // true
 * ```
 */
export function takeUsedKeys(): Set<string> {
  const out = new Set(used);
  used.clear();
  return out;
}

/**
 * The key of a template: its literal parts joined by `{0}`, `{1}`, ….
 *
 * @example
 * ```ts
 * import { templateKey } from "./catalogue.ts";
 * templateKey(["", " of ", " nodes"]); // "{0} of {1} nodes"
 * ```
 */
export function templateKey(strings: readonly string[]): string {
  return strings.reduce((acc, s, i) => i === 0 ? s : `${acc}{${i - 1}}${s}`, "");
}

function fill(template: string, values: readonly unknown[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i) => {
    const n = Number(i);
    return n < values.length ? String(values[n]) : m;
  });
}

/**
 * A translator for `lang` over catalogue `ja` (one or several merged).
 *
 * @example
 * ```ts
 * import { translator } from "./catalogue.ts";
 * translator("en", { "hi": "やあ" }).text("hi"); // "hi"
 * translator("ja", { "hi": "やあ" }).text("hi"); // "やあ"
 * ```
 */
export function translator(lang: Lang, ...ja: readonly Catalogue[]): Tr {
  const merged: Record<string, string> = Object.assign({}, ...ja);
  const look = (key: string, values: readonly unknown[]): string => {
    if (lang === "ja" && /[A-Za-z]/.test(key.replace(/\{\d+\}/g, ""))) {
      used.add(key);
      const j = merged[key];
      if (j !== undefined) return fill(j, values);
    }
    return fill(key, values);
  };
  const t =
    ((strings: TemplateStringsArray, ...values: unknown[]) =>
      look(templateKey(strings), values)) as Tr;
  t.text = (s: string) => look(s, []);
  Object.defineProperty(t, "lang", { value: lang });
  return t;
}
