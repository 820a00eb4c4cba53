/**
 * A small Chrome DevTools Protocol client for the dashboard's browser tests: it starts
 * Debian's Chromium headless with `--remote-debugging-port=0`, reads the DevTools
 * address from its stderr, and drives one page over a WebSocket (flat sessions). It
 * needs only what `deno task test` grants (run, net, read, write, env); playwright-core
 * also asks for `--allow-sys` at import.
 *
 * Input is real: clicks and pointer moves are dispatched as mouse events at an
 * element's centre, so the page's own handlers (and shift-click) run as for a person.
 */

import assert from "node:assert/strict";
import { deadlineMs } from "../support/deadline.ts";

/** Where the browser is: `CHROMIUM` overrides Debian's path. */
export const CHROMIUM = Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--no-default-browser-check",
  "--hide-scrollbars",
  "--remote-debugging-port=0",
];

type Json = Record<string, unknown>;
interface Pending {
  resolve(v: Json): void;
  reject(e: Error): void;
  method: string;
}

/** A running Chromium and its DevTools connection. */
export class Chromium {
  readonly #child: Deno.ChildProcess;
  readonly #ws: WebSocket;
  readonly #dir: string;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<(method: string, params: Json, session?: string) => void>();
  #nextId = 1;
  #closed = false;

  private constructor(child: Deno.ChildProcess, ws: WebSocket, dir: string) {
    this.#child = child;
    this.#ws = ws;
    this.#dir = dir;
    ws.onmessage = (ev) => {
      const m = JSON.parse(ev.data as string);
      if (typeof m.id === "number") {
        const p = this.#pending.get(m.id);
        if (p === undefined) return;
        this.#pending.delete(m.id);
        if (m.error) p.reject(new Error(`${p.method}: ${m.error.message}`));
        else p.resolve(m.result ?? {});
      } else {
        for (const l of this.#listeners) l(m.method, m.params ?? {}, m.sessionId);
      }
    };
    ws.onclose = () => {
      for (const p of this.#pending.values()) p.reject(new Error("the browser closed"));
      this.#pending.clear();
    };
  }

  /** Starts Chromium; fails with a clear message when it is not installed. */
  static async launch(): Promise<Chromium> {
    try {
      await Deno.stat(CHROMIUM);
    } catch {
      assert.fail(
        `Chromium is not installed at ${CHROMIUM}: the dashboard's browser tests need it. ` +
          "Install Debian's package with `apt-get update && apt-get install -y chromium` " +
          "(`deno task test` does so as root on Debian), or set CHROMIUM to its path.",
      );
    }
    const dir = await Deno.makeTempDir({ prefix: "distlab-chromium-" });
    const child = new Deno.Command(CHROMIUM, {
      args: [...ARGS, `--user-data-dir=${dir}`, "about:blank"],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const url = await devtoolsUrl(child.stderr);
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
    return new Chromium(child, ws, dir);
  }

  /** Sends a command (to the browser, or to a page's `session`). */
  send(method: string, params: Json = {}, session?: string): Promise<Json> {
    if (this.#closed) return Promise.reject(new Error("the browser is closed"));
    const id = this.#nextId++;
    const { promise, resolve, reject } = Promise.withResolvers<Json>();
    this.#pending.set(id, { resolve, reject, method });
    this.#ws.send(
      JSON.stringify({ id, method, params, ...(session ? { sessionId: session } : {}) }),
    );
    return promise;
  }

  /** Hears every event; returns the function that stops it. */
  on(listener: (method: string, params: Json, session?: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Opens a page of `width` × `height` CSS pixels. */
  async newPage(width: number, height: number): Promise<CdpPage> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    const page = new CdpPage(this, sessionId as string);
    await page.send("Runtime.enable");
    await page.send("Page.enable");
    await page.send("Emulation.setDeviceMetricsOverride", {
      width,
      height,
      deviceScaleFactor: 1,
      mobile: false,
    });
    return page;
  }

  /** Saves downloads into `dir`, each named by its guid. */
  async allowDownloads(dir: string): Promise<void> {
    await this.send("Browser.setDownloadBehavior", {
      behavior: "allowAndName",
      downloadPath: dir,
      eventsEnabled: true,
    });
  }

  /** Ends the browser (politely, then by force) and removes its profile. */
  async close(): Promise<void> {
    if (this.#closed) return;
    // Browser.close lets Chromium end its helper processes, which may still be writing
    // to the profile; killing only the main process can leave the profile behind.
    const exited = this.#child.status;
    await Promise.race([
      this.send("Browser.close").catch(() => {}),
      new Promise((r) => setTimeout(r, 2000)),
    ]);
    this.#closed = true;
    const timer = setTimeout(() => {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // Already exited.
      }
    }, 3000);
    await exited;
    clearTimeout(timer);
    try {
      this.#ws.close();
    } catch {
      // Already closed.
    }
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        await Deno.remove(this.#dir, { recursive: true });
        return;
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

/** Reads stderr until Chromium says where DevTools listens, then keeps draining it. */
async function devtoolsUrl(stderr: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<string> {
  const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = setTimeout(() => reader.cancel(), deadlineMs("long"));
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(text);
      if (m !== null) {
        // Keep reading so that a full pipe never blocks the browser.
        (async () => {
          try {
            while (!(await reader.read()).done) { /* discard */ }
          } catch {
            // The browser ended.
          }
        })();
        return m[1]!;
      }
    }
  } finally {
    clearTimeout(deadline);
  }
  throw new Error(`Chromium did not start DevTools:\n${text.slice(-2000)}`);
}

/** One page of the browser. */
export class CdpPage {
  readonly #browser: Chromium;
  readonly #session: string;
  /** Uncaught exceptions and console errors of the page. */
  readonly errors: string[] = [];

  constructor(browser: Chromium, session: string) {
    this.#browser = browser;
    this.#session = session;
    browser.on((method, params, s) => {
      if (s !== session) return;
      if (method === "Runtime.exceptionThrown") {
        const d = params.exceptionDetails as {
          text?: string;
          exception?: { description?: string };
        };
        this.errors.push(d.exception?.description ?? d.text ?? "exception");
      } else if (method === "Runtime.consoleAPICalled" && params.type === "error") {
        const args = params.args as { value?: unknown; description?: string }[];
        this.errors.push(args.map((a) => String(a.value ?? a.description)).join(" "));
      }
    });
  }

  send(method: string, params: Json = {}): Promise<Json> {
    return this.#browser.send(method, params, this.#session);
  }

  /** Navigates and waits for the page's load event. */
  async goto(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) => {
      const off = this.#browser.on((method, _p, s) => {
        if (s === this.#session && method === "Page.loadEventFired") {
          off();
          resolve();
        }
      });
    });
    const r = await this.send("Page.navigate", { url });
    if (typeof r.errorText === "string") throw new Error(`cannot open ${url}: ${r.errorText}`);
    await loaded;
  }

  /**
   * Runs `fn(arg)` in the page (its source is sent, so it must not use outer variables)
   * and returns its JSON result; a promise is awaited.
   */
  async evaluate<A, T>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T> {
    const r = await this.send("Runtime.evaluate", {
      expression: `(${fn.toString()})(${JSON.stringify(arg ?? null)})`,
      awaitPromise: true,
      returnByValue: true,
    });
    if (r.exceptionDetails !== undefined) {
      const d = r.exceptionDetails as { text?: string; exception?: { description?: string } };
      throw new Error(`in the page: ${d.exception?.description ?? d.text}`);
    }
    return (r.result as { value: T }).value;
  }

  /** The centre of the element `selector` matches, in CSS pixels. */
  async centre(selector: string): Promise<{ x: number; y: number }> {
    // A click lands where the element is now: scrolled into view, and on top there (not
    // under a tooltip, nor moved by a layout change since). Under load the page may be
    // mid-layout, so look again until it holds.
    let last = "";
    for (const end = performance.now() + deadlineMs("short");;) {
      const p = await this.evaluate((sel: string) => {
        const el = document.querySelector(sel);
        if (el === null) return null;
        el.scrollIntoView({ block: "center", inline: "center" });
        const r = el.getBoundingClientRect();
        const x = r.left + r.width / 2;
        const y = r.top + r.height / 2;
        const hit = document.elementFromPoint(x, y);
        const onTop = hit !== null && (hit === el || el.contains(hit));
        const what = hit === null ? "nothing" : `${hit.tagName.toLowerCase()}#${hit.id}`;
        return { x, y, onTop, what };
      }, selector);
      if (p === null) throw new Error(`nothing matches ${selector}`);
      if (p.onTop) return { x: p.x, y: p.y };
      last = p.what;
      if (performance.now() > end) {
        throw new Error(`${selector} is covered by ${last} where it would be clicked`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Clicks the element's centre with the mouse (holding shift if asked). */
  async click(selector: string, options: { shift?: boolean } = {}): Promise<void> {
    const { x, y } = await this.centre(selector);
    const modifiers = options.shift ? 8 : 0;
    await this.send("Input.dispatchMouseEvent", { type: "mouseMoved", x, y, modifiers });
    for (const type of ["mousePressed", "mouseReleased"]) {
      await this.send("Input.dispatchMouseEvent", {
        type,
        x,
        y,
        button: "left",
        clickCount: 1,
        modifiers,
      });
    }
  }

  /** Moves the mouse to (x, y). */
  async mouseMove(x: number, y: number): Promise<void> {
    await this.send("Input.dispatchMouseEvent", { type: "mouseMoved", x, y });
  }

  /** Types `value` into an input (replacing what it held). */
  async fill(selector: string, value: string): Promise<void> {
    await this.click(selector);
    await this.evaluate(
      (sel: string) => (document.querySelector(sel) as HTMLInputElement).select(),
      selector,
    );
    await this.send("Input.insertText", { text: value });
  }

  /** Chooses `value` in a `<select>`, as a person would (a change event follows). */
  async select(selector: string, value: string): Promise<void> {
    await this.evaluate(([sel, v]: [string, string]) => {
      const el = document.querySelector(sel) as HTMLSelectElement;
      el.value = v;
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }, [selector, value] as [string, string]);
  }

  /** The element's text, or null when nothing matches. */
  text(selector: string): Promise<string | null> {
    return this.evaluate(
      (sel: string) => document.querySelector(sel)?.textContent ?? null,
      selector,
    );
  }

  /** How many elements match. */
  count(selector: string): Promise<number> {
    return this.evaluate((sel: string) => document.querySelectorAll(sel).length, selector);
  }

  /** An attribute of every element that matches. */
  attrs(selector: string, name: string): Promise<(string | null)[]> {
    return this.evaluate(
      ([sel, n]: [string, string]) =>
        [...document.querySelectorAll(sel)].map((e) => e.getAttribute(n)),
      [selector, name] as [string, string],
    );
  }

  /**
   * Waits, in the page and checked every animation frame, until `fn()` is true (so no
   * frame is missed); fails after `ms`.
   */
  async waitInPage(fn: () => boolean, ms = deadlineMs("cluster")): Promise<void> {
    // Built as one expression: the page's policy forbids eval, DevTools' own evaluate not.
    const r = await this.send("Runtime.evaluate", {
      expression: `new Promise((resolve) => {
        const cond = (${fn.toString()});
        const end = performance.now() + ${ms};
        const tick = () => {
          if (cond()) resolve(true);
          else if (performance.now() > end) resolve(false);
          else requestAnimationFrame(tick);
        };
        tick();
      })`,
      awaitPromise: true,
      returnByValue: true,
    });
    if (r.exceptionDetails !== undefined) {
      throw new Error(`in the page: ${JSON.stringify(r.exceptionDetails)}`);
    }
    if ((r.result as { value: boolean }).value !== true) {
      assert.fail(
        `timed out after ${ms} ms waiting in the page for ${fn.toString().slice(0, 120)}`,
      );
    }
  }

  /** A PNG of the viewport. */
  async screenshot(): Promise<Uint8Array> {
    const { data } = await this.send("Page.captureScreenshot", { format: "png" });
    return Uint8Array.from(atob(data as string), (c) => c.charCodeAt(0));
  }

  /** Clicks `selector` and returns the text of the file it downloads (into `dir`). */
  async download(selector: string, dir: string, ms = deadlineMs("short")): Promise<string> {
    const done = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no download from ${selector} within ${ms} ms`));
      }, ms);
      const off = this.#browser.on((method, params) => {
        if (method === "Browser.downloadProgress" && params.state === "completed") {
          clearTimeout(timer);
          off();
          resolve(params.guid as string);
        }
      });
    });
    await this.click(selector);
    const guid = await done;
    return await Deno.readTextFile(`${dir}/${guid}`);
  }
}
