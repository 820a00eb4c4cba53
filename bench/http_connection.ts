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
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.hostname}:${this.port}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    const payload = body ?? "";
    if (body !== undefined || method !== "GET") {
      head += `content-length: ${encoder.encode(payload).length}\r\n`;
    }
    const bytes = encoder.encode(`${head}\r\n${payload}`);
    const fresh = this.#conn === null;
    try {
      const conn = this.#conn ??= await Deno.connect({ hostname: this.hostname, port: this.port });
      await writeAll(conn, bytes);
      return await this.#answer(conn);
    } catch (e) {
      this.#drop();
      // A kept-alive connection the server closed meanwhile: one more try on a new one.
      if (fresh || !(e instanceof ConnectionClosed)) throw e;
      const conn = this.#conn = await Deno.connect({ hostname: this.hostname, port: this.port });
      await writeAll(conn, bytes);
      return await this.#answer(conn);
    }
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

  async #answer(conn: Deno.TcpConn): Promise<HttpAnswer> {
    let end: number;
    while ((end = headEnd(this.#buf, this.#have)) < 0) await this.#fill(conn);
    const head = latin1(this.#buf, 0, end);
    const status = Number(head.slice(9, 12));
    const length = header(head, "content-length");
    const chunked = /^transfer-encoding:\s*chunked/im.test(head);
    const retryAfter = header(head, "retry-after");
    const closing = /^connection:\s*close/im.test(head);
    this.#consume(end + 4);
    if (chunked) await this.#skipChunks(conn);
    else if (length !== undefined) {
      let left = Number(length);
      while (left > 0) {
        if (this.#have === 0) await this.#fill(conn);
        const take = Math.min(left, this.#have);
        this.#consume(take);
        left -= take;
      }
    }
    if (closing) this.#drop();
    return retryAfter === undefined
      ? { status }
      : { status, retryAfterSeconds: Number(retryAfter) };
  }

  async #skipChunks(conn: Deno.TcpConn): Promise<void> {
    for (;;) {
      let line: number;
      while ((line = lineEnd(this.#buf, this.#have)) < 0) await this.#fill(conn);
      const size = parseInt(latin1(this.#buf, 0, line), 16);
      this.#consume(line + 2);
      // The chunk and its CRLF (the last, empty chunk: no trailers expected).
      let left = size + 2;
      while (left > 0) {
        if (this.#have === 0) await this.#fill(conn);
        const take = Math.min(left, this.#have);
        this.#consume(take);
        left -= take;
      }
      if (size === 0) return;
    }
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
