/**
 * A minimal HTTP/1.1 client connection for load generation: one keep-alive TCP
 * connection, one request at a time, the response's status kept and its body skipped.
 *
 * `fetch` costs a load process about 50 µs of CPU per request; on a 2-core machine
 * where the load shares the cores with the server, that made the load generator the
 * ceiling (a bare `Deno.serve` peaked near 15–18 k requests/s under `fetch`, with the
 * server at a quarter of a core). Written on `Deno.connect`, a request costs a few µs,
 * so what a benchmark measures is the server.
 *
 * @module
 */

const CR = 13;
const LF = 10;
const encoder = new TextEncoder();

/**
 * What a request got back: the status, and `Retry-After` in seconds when present.
 *
 * @example
 * ```ts
 * import type { HttpAnswer } from "./http_connection.ts";
 * const a: HttpAnswer = { status: 503, retryAfterSeconds: 1 };
 * ```
 */
export interface HttpAnswer {
  readonly status: number;
  readonly retryAfterSeconds?: number;
}

/**
 * One keep-alive connection to a loopback server.
 *
 * @example
 * ```ts ignore
 * import { HttpConnection } from "./http_connection.ts";
 * const c = new HttpConnection("127.0.0.1", 8080);
 * const { status } = await c.request("GET", "/api/v1/leader", {});
 * c.close();
 * ```
 */
export class HttpConnection {
  #conn: Deno.TcpConn | null = null;
  #buf = new Uint8Array(64 * 1024);
  #have = 0;

  constructor(readonly hostname: string, readonly port: number) {}

  /**
   * Sends one request and reads its whole answer. Reconnects once when the server
   * closed the connection between requests; any other failure is thrown.
   */
  async request(
    method: string,
    path: string,
    headers: Readonly<Record<string, string>>,
    body?: string,
  ): Promise<HttpAnswer> {
    const host = this.hostname.includes(":") ? `[${this.hostname}]` : this.hostname;
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}:${this.port}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    const payload = body ?? "";
    if (body !== undefined || method !== "GET") {
      head += `content-length: ${encoder.encode(payload).length}\r\n`;
    }
    const bytes = encoder.encode(`${head}\r\n${payload}`);
    const fresh = this.#conn === null;
    try {
      return await this.#exchange(bytes, method);
    } catch (e) {
      this.#drop();
      // A kept-alive connection the server closed meanwhile: one more try on a new one.
      if (fresh || !(e instanceof ConnectionClosed)) throw e;
    }
    try {
      return await this.#exchange(bytes, method);
    } catch (e) {
      this.#drop();
      throw e;
    }
  }

  async #exchange(bytes: Uint8Array, method: string): Promise<HttpAnswer> {
    const conn = this.#conn ??= await Deno.connect({ hostname: this.hostname, port: this.port });
    await writeAll(conn, bytes);
    return await this.#answer(conn, method);
  }

  /** Closes the connection (a later request opens a new one). */
  close(): void {
    this.#drop();
  }

  #drop(): void {
    try {
      this.#conn?.close();
    } catch {
      // already closed
    }
    this.#conn = null;
    this.#have = 0;
  }

  async #fill(conn: Deno.TcpConn): Promise<void> {
    if (this.#have === this.#buf.length) {
      const grown = new Uint8Array(this.#buf.length * 2);
      grown.set(this.#buf);
      this.#buf = grown;
    }
    const n = await conn.read(this.#buf.subarray(this.#have));
    if (n === null) throw new ConnectionClosed();
    this.#have += n;
  }

  /** Consumes `n` bytes from the front of the buffer. */
  #consume(n: number): void {
    this.#buf.copyWithin(0, n, this.#have);
    this.#have -= n;
  }

  async #answer(conn: Deno.TcpConn, method: string): Promise<HttpAnswer> {
    let end: number;
    for (;;) {
      while ((end = headEnd(this.#buf, this.#have)) < 0) await this.#fill(conn);
      // An interim answer (100 Continue, 103 Early Hints) comes before the real one.
      if (this.#buf[9] !== 0x31) break;
      this.#consume(end + 4);
    }
    const head = latin1(this.#buf, 0, end);
    if (!/^HTTP\/1\.[01] \d{3}/.test(head)) {
      throw new Error(`not an HTTP/1.1 answer: ${head.slice(0, 40)}`);
    }
    const status = Number(head.slice(9, 12));
    const length = header(head, "content-length");
    const chunked = /^transfer-encoding:[^\r\n]*chunked/im.test(head);
    const retryAfter = header(head, "retry-after");
    const closing = /^connection:\s*close/im.test(head);
    this.#consume(end + 4);
    // RFC 9112 §6.3: no body after HEAD, 204 or 304, whatever the head says.
    if (method === "HEAD" || status === 204 || status === 304) {
      // nothing to read
    } else if (chunked) await this.#skipChunks(conn);
    else if (length !== undefined) {
      let left = Number(length);
      if (!Number.isSafeInteger(left) || left < 0) throw new Error(`bad content-length ${length}`);
      while (left > 0) {
        if (this.#have === 0) await this.#fill(conn);
        const take = Math.min(left, this.#have);
        this.#consume(take);
        left -= take;
      }
    } else {
      // Neither a length nor chunks: the body runs to the end of the connection.
      try {
        for (;;) {
          this.#have = 0;
          await this.#fill(conn);
        }
      } catch (e) {
        if (!(e instanceof ConnectionClosed)) throw e;
      }
      this.#drop();
    }
    if (closing) this.#drop();
    const seconds = retryAfter === undefined ? NaN : Number(retryAfter);
    return Number.isFinite(seconds) ? { status, retryAfterSeconds: seconds } : { status };
  }

  async #skipChunks(conn: Deno.TcpConn): Promise<void> {
    for (;;) {
      const text = await this.#line(conn);
      const size = parseInt(text, 16);
      if (!Number.isSafeInteger(size) || size < 0) throw new Error(`bad chunk size ${text}`);
      if (size === 0) break;
      // The chunk and its CRLF.
      let left = size + 2;
      while (left > 0) {
        if (this.#have === 0) await this.#fill(conn);
        const take = Math.min(left, this.#have);
        this.#consume(take);
        left -= take;
      }
    }
    // Trailer fields, if any, up to the empty line.
    while ((await this.#line(conn)) !== "");
  }

  /** The next line (without its CRLF), consumed. */
  async #line(conn: Deno.TcpConn): Promise<string> {
    let end: number;
    while ((end = lineEnd(this.#buf, this.#have)) < 0) await this.#fill(conn);
    const text = latin1(this.#buf, 0, end);
    this.#consume(end + 2);
    return text;
  }
}

/** The server closed the connection before the whole answer arrived. */
class ConnectionClosed extends Error {
  constructor() {
    super("connection closed by the server");
  }
}

async function writeAll(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
}

/** Index of the `\r\n\r\n` that ends the head, or -1. */
function headEnd(buf: Uint8Array, have: number): number {
  for (let i = 3; i < have; i++) {
    if (buf[i] === LF && buf[i - 1] === CR && buf[i - 2] === LF && buf[i - 3] === CR) return i - 3;
  }
  return -1;
}

/** Index of the first `\r\n`, or -1. */
function lineEnd(buf: Uint8Array, have: number): number {
  for (let i = 1; i < have; i++) if (buf[i] === LF && buf[i - 1] === CR) return i - 1;
  return -1;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

/** A header's value in a head (case-insensitive name), or undefined. */
function header(head: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:\\s*(\\S+)`, "im").exec(head);
  return m === null ? undefined : m[1];
}
