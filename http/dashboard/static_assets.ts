/**
 * The dashboard's files, served by the app itself so that the dashboard works offline:
 * the page, styles and icon (`dashboard/static/`), and its script, bundled in memory by
 * `Deno.bundle` from `dashboard/main.ts` and the project's modules it imports (so
 * nothing is copied for the browser). Each file is read or built once, on first use.
 *
 * @module
 */

/**
 * Every file the dashboard serves, by name, with its content type. A test checks that
 * this list and `dashboard/static/` (with the bundle) agree.
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
 * The page's script is one bundle: `dashboard/main.ts` and every module it imports — the
 * page's own and the project's it shares with the rest (the ShiViz export, history
 * pairing, the event-stream reader, the status columns) — built once, in memory.
 */
const BUNDLED = "main.js";

const DASHBOARD = new URL("../../dashboard/", import.meta.url);

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
  readonly #entry: URL;

  /**
   * `base`: the folder of the page, styles and icon (default: `dashboard/static/`);
   * `entry`: the script's entry module (default: `dashboard/main.ts`).
   */
  constructor(base: URL = new URL("static/", DASHBOARD), entry = new URL("main.ts", DASHBOARD)) {
    this.#base = base;
    this.#entry = entry;
  }

  /** The file called `name` and its content type, or null if it is not a dashboard file. */
  async get(name: string): Promise<{ body: Uint8Array<ArrayBuffer>; type: string } | null> {
    const type = Object.hasOwn(DASHBOARD_ASSETS, name) ? DASHBOARD_ASSETS[name] : undefined;
    if (type === undefined) return null;
    let body = this.#cache.get(name);
    if (body === undefined) {
      body = name === BUNDLED ? bundle(this.#entry) : read(new URL(name, this.#base));
      this.#cache.set(name, body);
      body.catch(() => this.#cache.delete(name)); // try again next time
    }
    return { body: await body, type };
  }
}

async function bundle(entry: URL): Promise<Uint8Array<ArrayBuffer>> {
  const r = await Deno.bundle({
    entrypoints: [entry.protocol === "file:" ? decodeURIComponent(entry.pathname) : entry.href],
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
