/**
 * The dashboard's files (`static/`): the page, its script, styles and icon, served by
 * the app itself so that the dashboard works offline. The script is bundled from the
 * page's modules and the project's TypeScript modules they import (so nothing is
 * copied for the browser); each file is read or built once, on first use.
 *
 * @module
 */

/**
 * Every file the dashboard serves, by name, with its content type. A test checks that
 * this list and the `static/` folder agree.
 *
 * @example
 * ```ts
 * import { DASHBOARD_ASSETS } from "./static_assets.ts";
 * DASHBOARD_ASSETS["main.js"]; // "text/javascript; charset=utf-8"
 * ```
 */
export const DASHBOARD_ASSETS: Readonly<Record<string, string>> = {
  "main.js": "text/javascript; charset=utf-8",
  "index.html": "text/html; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
  "views.css": "text/css; charset=utf-8",
  "favicon.svg": "image/svg+xml",
};

/**
 * The page's script is one bundle: `main.js` and every module it imports — the page's
 * own and the project's TypeScript modules it shares with the rest (the ShiViz export,
 * history pairing, the event-stream parser) — built once, in memory, by `Deno.bundle`.
 */
const BUNDLED = "main.js";

const BASE = new URL("./static/", import.meta.url);

/**
 * Reads the dashboard's files, each once.
 *
 * @example
 * ```ts
 * import { AssetStore } from "./static_assets.ts";
 * const assets = new AssetStore();
 * (await assets.get("index.html"))?.type; // "text/html; charset=utf-8"
 * (await assets.get("../secret")) ?? "not served"; // "not served"
 * ```
 */
export class AssetStore {
  readonly #cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  readonly #base: URL;

  /** `base`: the folder of the files (default: `static/` beside this module). */
  constructor(base: URL = BASE) {
    this.#base = base;
  }

  /** The file called `name` and its content type, or null if it is not a dashboard file. */
  async get(name: string): Promise<{ body: Uint8Array<ArrayBuffer>; type: string } | null> {
    const type = Object.hasOwn(DASHBOARD_ASSETS, name) ? DASHBOARD_ASSETS[name] : undefined;
    if (type === undefined) return null;
    let body = this.#cache.get(name);
    if (body === undefined) {
      const url = new URL(name, this.#base);
      body = name === BUNDLED && url.protocol === "file:" ? bundle(url) : read(url);
      this.#cache.set(name, body);
      body.catch(() => this.#cache.delete(name)); // try again next time
    }
    return { body: await body, type };
  }
}

async function bundle(entry: URL): Promise<Uint8Array<ArrayBuffer>> {
  const r = await Deno.bundle({
    entrypoints: [entry.pathname],
    write: false,
    platform: "browser",
    format: "esm",
  });
  const out = r.outputFiles?.[0]?.contents;
  if (!r.success || out === undefined) {
    const why = r.errors.map((e) => e.text).join("; ");
    throw new Error(`cannot bundle the dashboard's ${entry.pathname}: ${why}`);
  }
  return new Uint8Array(out);
}

async function read(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  if (url.protocol === "file:") return await Deno.readFile(url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot load ${url.href}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
