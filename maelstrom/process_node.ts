/**
 * One node as one OS process: started with `Deno.Command`, fed Maelstrom lines on stdin,
 * read line by line on stdout, its stderr kept whole in a log file (and its tail in
 * memory, for error messages). Crash is SIGKILL, pause SIGSTOP, resume SIGCONT.
 *
 * @module
 */

const encoder = new TextEncoder();
/**
 * How long, after the process exited and its stdin was closed, its pipes may stay open
 * (held by a child it left behind) before the host stops reading them.
 */
const ORPHAN_GRACE_MS = 2000;
/** How much of stderr is kept in memory to quote when the node misbehaves. */
const TAIL_CHARS = 400;

/**
 * What a process node is started with.
 *
 * @example
 * ```ts ignore
 * import type { ProcessNodeOptions } from "./process_node.ts";
 * const o: ProcessNodeOptions = {
 *   id: "n0", command: ["./node.py"], logFile: "store/n0.log",
 *   onLine: (line) => console.log(line), onExit: (code) => console.log(code),
 * };
 * ```
 */
export interface ProcessNodeOptions {
  readonly id: string;
  /** The program and its arguments. */
  readonly command: readonly string[];
  /** Where stderr goes (appended: a restarted node's log continues). */
  readonly logFile: string;
  /** Each line the process prints on stdout, without its newline. */
  readonly onLine: (line: string) => void;
  /** The process ended; `signal` is set when a signal ended it. */
  readonly onExit: (code: number, signal: string | null) => void;
}

/**
 * A running node process.
 *
 * @example
 * ```ts ignore
 * import { spawnProcessNode } from "./process_node.ts";
 * const n = await spawnProcessNode({ id: "n0", command: ["./echo.py"], logFile: "n0.log", onLine: console.log, onExit: () => {} });
 * n.send('{"src":"c1","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0"]}}');
 * n.kill();
 * ```
 */
export interface ProcessNode {
  readonly id: string;
  readonly pid: number;
  /** Writes one line (a newline is added). Lines written while one write is pending are batched. */
  send(line: string): void;
  /** SIGKILL. */
  kill(): void;
  /** SIGSTOP: alive but not running. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** The last characters the process wrote on stderr. */
  stderrTail(): string;
  /** Resolves once the process has exited and its output is read and logged. */
  readonly done: Promise<void>;
}

/**
 * Why a node's program could not be started (missing, not executable).
 *
 * @example
 * ```ts
 * import { SpawnError } from "./process_node.ts";
 * new SpawnError("n0", "./missing.py", "No such file or directory").message;
 * ```
 */
export class SpawnError extends Error {
  /** Says which node and program. */
  constructor(node: string, program: string, why: string) {
    super(`node ${node}: cannot start ${program}: ${why}`);
    this.name = "SpawnError";
  }
}

/**
 * Starts a node process. Throws {@link SpawnError} when the program cannot be started.
 *
 * @example
 * ```ts ignore
 * import { spawnProcessNode } from "./process_node.ts";
 * const n = await spawnProcessNode({ id: "n0", command: ["python3", "node.py"], logFile: "n0.log", onLine: console.log, onExit: () => {} });
 * ```
 */
export async function spawnProcessNode(o: ProcessNodeOptions): Promise<ProcessNode> {
  const [program, ...args] = o.command;
  if (program === undefined) throw new SpawnError(o.id, "(nothing)", "empty command");
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "no such file or program"
      : e instanceof Deno.errors.PermissionDenied
      ? "permission denied (is it executable?)"
      : (e as Error).message;
    throw new SpawnError(o.id, program, why);
  }
  const log = await Deno.open(o.logFile, { create: true, append: true });
  let tail = "";
  const decoder = new TextDecoder();
  const stderrDone = readChunks(child.stderr, async (chunk) => {
    await log.write(chunk);
    tail = (tail + decoder.decode(chunk, { stream: true })).slice(-TAIL_CHARS);
  });
  stderrDone.done.finally(() => log.close());
  const stdoutDone = readLines(child.stdout, o.onLine);

  const writer = child.stdin.getWriter();
  let pending: string[] = [];
  let writing = false;
  let closed = false;
  const flush = async () => {
    writing = true;
    try {
      while (pending.length > 0 && !closed) {
        const batch = pending.join("");
        pending = [];
        await writer.write(encoder.encode(batch));
      }
    } catch {
      closed = true; // the process is gone; its messages are lost, as on a dead host
    } finally {
      writing = false;
    }
  };
  const status = child.status.then(async (s) => {
    closed = true;
    // Close stdin first: a program started through a wrapper (`deno task …`) leaves a
    // child behind that holds stdout open until it reads EOF.
    writer.close().catch(() => {});
    const read = Promise.allSettled([stdoutDone.done, stderrDone.done]);
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const late = new Promise<void>((resolve) => timer = setTimeout(resolve, ORPHAN_GRACE_MS));
    await Promise.race([read, late]);
    clearTimeout(timer);
    stdoutDone.cancel();
    stderrDone.cancel();
    await read;
    o.onExit(s.code, s.signal);
  });
  const signal = (sig: Deno.Signal) => {
    try {
      child.kill(sig);
    } catch {
      // already exited
    }
  };
  return {
    id: o.id,
    pid: child.pid,
    send(line) {
      if (closed) return;
      pending.push(line + "\n");
      if (!writing) void flush();
    },
    kill: () => signal("SIGKILL"),
    pause: () => signal("SIGSTOP"),
    resume: () => signal("SIGCONT"),
    stderrTail: () => tail,
    done: status,
  };
}

/** A stream being read to its end, which can be cut short. */
interface Reading {
  readonly done: Promise<void>;
  cancel(): void;
}

function readChunks(
  stream: ReadableStream<Uint8Array>,
  onChunk: (chunk: Uint8Array) => void | Promise<void>,
): Reading {
  const reader = stream.getReader();
  const done = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        await onChunk(value);
      }
    } catch {
      // the pipe broke with the process, or the read was cancelled
    }
  })();
  return { done, cancel: () => void reader.cancel().catch(() => {}) };
}

function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Reading {
  let rest = "";
  const decoder = new TextDecoder();
  const r = readChunks(stream, (chunk) => {
    rest += decoder.decode(chunk, { stream: true });
    let nl = rest.indexOf("\n");
    if (nl < 0) return;
    let start = 0;
    while (nl >= 0) {
      const line = rest.slice(start, nl);
      if (line.trim() !== "") onLine(line);
      start = nl + 1;
      nl = rest.indexOf("\n", start);
    }
    rest = rest.slice(start);
  });
  return {
    done: r.done.then(() => {
      if (rest.trim() !== "") onLine(rest);
    }),
    cancel: r.cancel,
  };
}
