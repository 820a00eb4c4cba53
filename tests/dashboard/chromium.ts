/**
 * The browser tests' Chromium: Debian's `chromium` (or `CHROMIUM`) driven with
 * `puppeteer-core` — never a browser download — behind the few verbs the tests use.
 * Clicks land where their element is now (scrolled into view, on top of the page, the
 * page given time while it is mid-layout) or say what covers it; waits in the page run
 * per frame; deadlines come from `tests/support/deadline.ts`.
 *
 * @module
 */

import puppeteer, { type Browser, type CDPSession, type Page } from "puppeteer-core";
import { deadlineMs } from "../support/deadline.ts";

/** The browser binary. */
export const CHROMIUM = Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";

/** A headless Chromium with its own empty profile. */
export class Chromium {
  readonly #browser: Browser;
  readonly #cdp: CDPSession;
  readonly #profile: string;

  private constructor(browser: Browser, cdp: CDPSession, profile: string) {
    this.#browser = browser;
    this.#cdp = cdp;
    this.#profile = profile;
  }

  /** Starts Chromium (headless, no sandbox as root, no network of its own). */
  static async launch(): Promise<Chromium> {
    const profile = await Deno.makeTempDir({ prefix: "distlab_chromium_" });
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profile,
      timeout: deadlineMs("long"),
      protocolTimeout: deadlineMs("long"),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const cdp = await browser.target().createCDPSession();
    return new Chromium(browser, cdp, profile);
  }

  /** A new page of the given viewport. */
  async newPage(width: number, height: number): Promise<BrowserPage> {
    const page = await this.#browser.newPage();
    await page.setViewport({ width, height, deviceScaleFactor: 1 });
    return new BrowserPage(page, this.#cdp);
  }

  /** Saves downloads into `dir`, each named by its guid. */
  async allowDownloads(dir: string): Promise<void> {
    await this.#cdp.send("Browser.setDownloadBehavior", {
      behavior: "allowAndName",
      downloadPath: dir,
      eventsEnabled: true,
    });
  }

  /** Ends the browser and removes its profile. */
  async close(): Promise<void> {
    await this.#browser.close().catch(() => {});
    await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
  }
}

/** One page, and the verbs the tests use on it. */
export class BrowserPage {
  readonly #page: Page;
  readonly #cdp: CDPSession;
  /** Uncaught exceptions and console errors of the page (503 answers aside). */
  readonly errors: string[] = [];
  /**
   * URLs the API answered 503 (Retry-After) — a live cluster says so when a node went
   * down between the page's view and its request, or the checker is busy. Chromium logs
   * each as a console error; a test says which ones it accepts.
   */
  readonly unavailable: string[] = [];

  constructor(page: Page, cdp: CDPSession) {
    this.#page = page;
    this.#cdp = cdp;
    page.on("pageerror", (e) => this.errors.push(e instanceof Error ? e.message : String(e)));
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      if (/^Failed to load resource: .*status of 503\b/.test(m.text())) {
        this.unavailable.push(m.location()?.url ?? "");
      } else this.errors.push(m.text());
    });
  }

  /** Navigates and waits for the page's load event. */
  async goto(url: string): Promise<void> {
    await this.#page.goto(url, { waitUntil: "load", timeout: deadlineMs("long") });
  }

  /** Runs `fn(arg)` in the page and returns its (JSON) result; a promise is awaited. */
  evaluate<A, T>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T> {
    return this.#page.evaluate(fn as (a: unknown) => T | Promise<T>, arg ?? null) as Promise<T>;
  }

  /** Where a click on `selector` lands: its centre, once it is in view and on top. */
  async centre(selector: string): Promise<{ x: number; y: number }> {
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
    const keyboard = this.#page.keyboard;
    if (options.shift) await keyboard.down("Shift");
    try {
      await this.#page.mouse.click(x, y);
    } finally {
      if (options.shift) await keyboard.up("Shift");
    }
  }

  /** Moves the mouse to (x, y). */
  async mouseMove(x: number, y: number): Promise<void> {
    await this.#page.mouse.move(x, y);
  }

  /** Types `value` into an input (replacing what it held). */
  async fill(selector: string, value: string): Promise<void> {
    await this.click(selector);
    await this.evaluate(
      (sel: string) => (document.querySelector(sel) as HTMLInputElement).select(),
      selector,
    );
    await this.#page.keyboard.sendCharacter(value);
  }

  /** Chooses `value` in a select element (firing its change event). */
  async select(selector: string, value: string): Promise<void> {
    await this.#page.select(selector, value);
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

  /** Attribute `name` of every element that matches. */
  attrs(selector: string, name: string): Promise<(string | null)[]> {
    return this.evaluate(
      ([sel, n]: [string, string]) =>
        [...document.querySelectorAll(sel)].map((e) => e.getAttribute(n)),
      [selector, name] as [string, string],
    );
  }

  /**
   * Waits until `fn` holds in the page, checking it every frame (so a state that lasts a
   * frame is seen); its source is sent, so it must not use outer variables.
   */
  async waitInPage(fn: () => boolean, ms = deadlineMs("cluster")): Promise<void> {
    try {
      await this.#page.waitForFunction(fn, { polling: "raf", timeout: ms });
    } catch (e) {
      throw new Error(
        `timed out after ${ms} ms waiting in the page for ${fn.toString().slice(0, 120)}: ${
          e instanceof Error ? e.message : e
        }`,
      );
    }
  }

  /** A PNG of the viewport. */
  async screenshot(): Promise<Uint8Array> {
    return new Uint8Array(await this.#page.screenshot({ type: "png" }));
  }

  /** Clicks `selector` and returns the text of the file it downloads (into `dir`). */
  async download(selector: string, dir: string, ms = deadlineMs("short")): Promise<string> {
    const done = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#cdp.off("Browser.downloadProgress", onProgress);
        reject(new Error(`no download from ${selector} within ${ms} ms`));
      }, ms);
      const onProgress = (p: { state: string; guid: string }) => {
        if (p.state !== "completed") return;
        clearTimeout(timer);
        this.#cdp.off("Browser.downloadProgress", onProgress);
        resolve(p.guid);
      };
      this.#cdp.on("Browser.downloadProgress", onProgress);
    });
    await this.click(selector);
    const guid = await done;
    return await Deno.readTextFile(`${dir}/${guid}`);
  }
}
