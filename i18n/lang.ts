/**
 * The two languages distlab speaks, and how a front end picks one: `--lang ja|en`, else
 * the locale (`LC_ALL`, then `LC_MESSAGES`, then `LANG`, as POSIX orders them).
 *
 * @module
 */

/**
 * A language distlab prints in.
 *
 * @example
 * ```ts
 * import type { Lang } from "./lang.ts";
 * const l: Lang = "ja";
 * ```
 */
export type Lang = "en" | "ja";

/**
 * Every language, in the order help lists them.
 *
 * @example
 * ```ts
 * import { LANGS } from "./lang.ts";
 * LANGS.includes("ja"); // true
 * ```
 */
export const LANGS: readonly Lang[] = ["en", "ja"];

/**
 * Whether `s` names a language distlab speaks.
 *
 * @example
 * ```ts
 * import { isLang } from "./lang.ts";
 * isLang("ja"); // true
 * isLang("fr"); // false
 * ```
 */
export function isLang(s: string): s is Lang {
  return (LANGS as readonly string[]).includes(s);
}

/**
 * The language a locale asks for: any `ja…` locale is Japanese, anything else English.
 * The first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and not empty decides.
 *
 * @example
 * ```ts
 * import { langFromEnv } from "./lang.ts";
 * langFromEnv((k) => ({ LANG: "ja_JP.UTF-8" } as Record<string, string>)[k]); // "ja"
 * langFromEnv(() => undefined); // "en"
 * ```
 */
export function langFromEnv(env: (name: string) => string | undefined): Lang {
  for (const name of ["LC_ALL", "LC_MESSAGES", "LANG"]) {
    const v = env(name);
    if (v !== undefined && v !== "") return /^ja/i.test(v) ? "ja" : "en";
  }
  return "en";
}

/**
 * The language a browser asks for (`navigator.language`): `ja…` is Japanese.
 *
 * @example
 * ```ts
 * import { langFromTag } from "./lang.ts";
 * langFromTag("ja-JP"); // "ja"
 * langFromTag("en-GB"); // "en"
 * ```
 */
export function langFromTag(tag: string | undefined): Lang {
  return tag !== undefined && /^ja\b/i.test(tag) ? "ja" : "en";
}

/**
 * Takes `--lang X` or `--lang=X` out of `args` wherever it stands; throws on a language
 * distlab does not speak. `lang` is undefined when the flag is absent.
 *
 * @example
 * ```ts
 * import { takeLangFlag } from "./lang.ts";
 * takeLangFlag(["clocks", "--lang", "ja"]); // { lang: "ja", rest: ["clocks"] }
 * takeLangFlag(["--lang=en", "help"]); // { lang: "en", rest: ["help"] }
 * ```
 */
export function takeLangFlag(args: readonly string[]): { lang?: Lang; rest: string[] } {
  const rest: string[] = [];
  let lang: Lang | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    let value: string | undefined;
    if (a === "--lang") {
      value = args[++i];
      if (value === undefined) throw new Error("--lang needs a value: ja or en");
    } else if (a.startsWith("--lang=")) value = a.slice("--lang=".length);
    else {
      rest.push(a);
      continue;
    }
    if (!isLang(value)) throw new Error(`--lang must be ja or en, got '${value}'`);
    lang = value;
  }
  return lang === undefined ? { rest } : { lang, rest };
}

/**
 * The language of this process's locale: from the environment when env access is
 * granted, else from `navigator.language`, which Deno derives from the same variables
 * (`LC_ALL`, `LC_MESSAGES`, `LANG`) without needing a permission.
 *
 * @example
 * ```ts
 * import { systemLang } from "./lang.ts";
 * ["en", "ja"].includes(systemLang()); // true
 * ```
 */
export function systemLang(): Lang {
  const granted = Deno.permissions.querySync({ name: "env" }).state === "granted";
  return granted ? langFromEnv((k) => Deno.env.get(k)) : langFromTag(navigator.language);
}
