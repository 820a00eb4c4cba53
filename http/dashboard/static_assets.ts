/**
 * The dashboard's files (`static/`): the page, its ES modules, styles and icon, served
 * by the app itself so that the dashboard works offline. Each file is read once, on
 * first use, from beside this module (a `file:` URL when run from a checkout).
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
export const DASHBOARD_ASSETS: Readonly<Record<string, string>> = Object.fromEntries([
  ...[
    "api_client.js",
    "cluster_model.js",
    "controls.js",
    "dom.js",
    "event_log.js",
    "frame_stats.js",
    "log_view.js",
    "main.js",
    "message_matcher.js",
    "playback.js",
    "raft_log.js",
    "ring_layout.js",
    "ring_view.js",
    "shiviz.js",
    "spacetime.js",
    "spacetime_view.js",
    "sse_reader.js",
    "time_base.js",
    "timeline.js",
    "timeline_view.js",
    "types.js",
  ].map((name) => [name, "text/javascript; charset=utf-8"]),
  ["index.html", "text/html; charset=utf-8"],
  ["style.css", "text/css; charset=utf-8"],
  ["views.css", "text/css; charset=utf-8"],
  ["favicon.svg", "image/svg+xml"],
]);

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
      body = read(new URL(name, this.#base));
      this.#cache.set(name, body);
      body.catch(() => this.#cache.delete(name)); // try again next time
    }
    return { body: await body, type };
  }
}

async function read(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  if (url.protocol === "file:") return await Deno.readFile(url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot load ${url.href}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
