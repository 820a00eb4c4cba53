/**
 * The page's client of the HTTP API (`/api/v1`): JSON requests that turn RFC 9457
 * problems into readable errors, with the bearer token (the page's `?access_token=`)
 * sent as a header.
 *
 * @module
 */

/**
 * An answer: `ok` with the JSON body, or not, with the problem's detail.
 *
 * @example
 * ```ts
 * import type { ApiResult } from "./api_client.ts";
 * const r: ApiResult = { ok: false, status: 503, data: null, error: "no leader" };
 * ```
 */
export type ApiResult = { ok: boolean; status: number; data: unknown; error: string };

/**
 * Talks to the API of the server that served the page.
 *
 * @example
 * ```ts
 * import { ApiClient } from "./api_client.ts";
 * const api = new ApiClient("/api/v1", null);
 * const r = await api.request("GET", "/cluster");
 * if (r.ok) console.log(r.data);
 * ```
 */
export class ApiClient {
  #base;
  #token;

  /**
   * @param base the API's path, e.g. `/api/v1`
   * @param token a bearer token, if the server needs one
   */
  constructor(base: string, token: string | null) {
    this.#base = base;
    this.#token = token;
  }

  /**
   * The URL of `path`, relative to the API.
   */
  url(path: string): string {
    return this.#base + path;
  }

  /**
   * The headers every request carries (the bearer token, if any).
   */
  headers(): Record<string, string> {
    return this.#token === null ? {} : { authorization: `Bearer ${this.#token}` };
  }

  /**
   * Sends a request; a JSON `body` is sent as JSON.
   */
  async request(method: string, path: string, body?: unknown): Promise<ApiResult> {
    const init: RequestInit = { method, headers: this.headers() };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { ...this.headers(), "content-type": "application/json" };
    }
    let res;
    try {
      res = await fetch(this.url(path), init);
    } catch (e) {
      return { ok: false, status: 0, data: null, error: `network error: ${String(e)}` };
    }
    const text = await res.text();
    let data: unknown = null;
    try {
      data = text === "" ? null : JSON.parse(text);
    } catch {
      data = text;
    }
    if (res.ok) return { ok: true, status: res.status, data, error: "" };
    const p = (data ?? {}) as { detail?: unknown; title?: unknown };
    const error = typeof p.detail === "string"
      ? p.detail
      : typeof p.title === "string"
      ? p.title
      : `HTTP ${res.status}`;
    return { ok: false, status: res.status, data, error };
  }

  /**
   * The text of `path` (e.g. the JSON Lines history), or null on failure.
   */
  async text(path: string): Promise<string | null> {
    try {
      const res = await fetch(this.url(path), { headers: this.headers() });
      return res.ok ? await res.text() : null;
    } catch {
      return null;
    }
  }

  /**
   * Posts `text` to a path of the server outside the API (the dashboard's own routes).
   */
  async postText(path: string, text: string): Promise<unknown> {
    const res = await fetch(path, {
      method: "POST",
      headers: { ...this.headers(), "content-type": "text/plain" },
      body: text,
    });
    return res.ok ? await res.json() : null;
  }
}
