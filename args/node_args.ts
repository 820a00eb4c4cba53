/**
 * The arguments of `deno task node`: one node as an OS process talking to its peers over
 * TCP.
 *
 * ```
 * deno task node --id n1 --listen 127.0.0.1:7001 \
 *   --peers n2=127.0.0.1:7002,n3=127.0.0.1:7003 --control http://127.0.0.1:8080 \
 *   [--data-dir DIR] [--protocol raft-kv] [--queue-limit N] [--token T]
 * ```
 *
 * Listening on anything but loopback needs a token (`--token` or `DISTLAB_TOKEN`): peers
 * must then prove they know it and every frame is authenticated with it
 * (`nodes/tcp/peer_auth.ts`), and the node presents it to control.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { NodeId } from "../protocols/node.ts";
import { checkNodeIds } from "../nodes/faults/topology.ts";
import type { Address } from "../nodes/tcp/peer_transport.ts";
import type { TcpNodeOptions } from "../nodes/tcp/tcp_node.ts";
import { bearerToken, UsageError } from "./cluster_args.ts";
import { parseInteger, stripDashDash } from "./cli_args.ts";

/**
 * The usage text of `deno task node`.
 *
 * @example
 * ```ts
 * import { NODE_USAGE } from "./node_args.ts";
 * NODE_USAGE.startsWith("usage: deno task node"); // true
 * ```
 */
export const NODE_USAGE =
  `usage: deno task node --id ID --listen HOST:PORT --peers ID=HOST:PORT,… \\
         --control URL [--data-dir DIR] [--protocol NAME] [--queue-limit N] [--token T]

Runs one node as an OS process of its own. It talks to its peers directly over TCP and
to the control process (deno task cluster --external ID,…) at URL, which starts it,
pushes fault rules to it and serves the API, CLI and dashboard.

  --id ID               this node's id (must be one of the cluster's --external ids)
  --listen HOST:PORT    where peers reach this node (port 0: any free port)
  --peers LIST          every other node as ID=HOST:PORT, comma-separated
  --control URL         the control process's API, e.g. http://127.0.0.1:8080
  --data-dir DIR        keep this node's log in DIR/<id>.log (default: the cluster's)
  --protocol NAME       the protocol this node expects to run (checked at start)
  --queue-limit N       messages each peer's send queue holds before it drops (10000)
  --token T             the cluster's shared key (or DISTLAB_TOKEN): peers prove they
                        know it, every frame between them is authenticated with it, and
                        control must have the same --token. Required to --listen on
                        anything but loopback (0.0.0.0, a LAN address, ::)
`;

/**
 * Parsed `deno task node` arguments.
 *
 * @example
 * ```ts
 * import type { NodeArgs } from "./node_args.ts";
 * const a: NodeArgs = {
 *   id: "n1", listen: { hostname: "127.0.0.1", port: 7001 }, peers: new Map(),
 *   control: "http://127.0.0.1:8080", help: false,
 * };
 * ```
 */
export interface NodeArgs extends Omit<TcpNodeOptions, "log"> {
  readonly help: boolean;
}

/**
 * Whether `hostname` is a loopback address (`localhost`, `127.x.x.x`, `::1`): only there
 * may a node listen without a token.
 *
 * @example
 * ```ts
 * import { isLoopback } from "./node_args.ts";
 * isLoopback("127.0.0.1"); // true
 * isLoopback("0.0.0.0"); // false
 * ```
 */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * `HOST:PORT` as an {@link Address}; throws a {@link UsageError} naming `what`.
 *
 * @example
 * ```ts
 * import { parseAddress } from "./node_args.ts";
 * parseAddress("127.0.0.1:7001", "--listen"); // { hostname: "127.0.0.1", port: 7001 }
 * ```
 */
export function parseAddress(text: string, what: string): Address {
  const at = text.lastIndexOf(":");
  const hostname = text.slice(0, at).replace(/^\[(.*)\]$/, "$1");
  const port = Number(text.slice(at + 1));
  if (at <= 0 || hostname === "" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`${what}: '${text}' is not HOST:PORT`);
  }
  return { hostname, port };
}

/**
 * Parses `deno task node` arguments; throws {@link UsageError} on bad input. `env` gives
 * environment variables (`DISTLAB_TOKEN`); none when omitted.
 *
 * @example
 * ```ts
 * import { parseNodeArgs } from "./node_args.ts";
 * const a = parseNodeArgs([
 *   "--id", "n1", "--listen", "127.0.0.1:7001", "--peers", "n2=127.0.0.1:7002",
 *   "--control", "http://127.0.0.1:8080",
 * ]);
 * a.peers.get("n2")?.port; // 7002
 * ```
 */
export function parseNodeArgs(
  argv: readonly string[],
  env?: (name: string) => string | undefined,
): NodeArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: stripDashDash(argv),
      strict: true,
      allowPositionals: false,
      options: {
        id: { type: "string" },
        listen: { type: "string" },
        peers: { type: "string" },
        control: { type: "string" },
        "data-dir": { type: "string" },
        protocol: { type: "string" },
        "queue-limit": { type: "string" },
        token: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const help = values.help === true;
  const need = (name: string, v: string | undefined): string => {
    if (v === undefined || v === "") throw new UsageError(`--${name} is required`);
    return v;
  };
  if (help) {
    return {
      id: "",
      listen: { hostname: "", port: 0 },
      peers: new Map(),
      control: "",
      help,
    };
  }
  const id = need("id", values.id);
  try {
    checkNodeIds([id]);
  } catch (e) {
    throw new UsageError(`--id: ${(e as Error).message}`);
  }
  const listen = parseAddress(need("listen", values.listen), "--listen");
  const token = bearerToken(values.token ?? env?.("DISTLAB_TOKEN"));
  if (token === undefined && !isLoopback(listen.hostname)) {
    throw new UsageError(
      `refusing to --listen on non-loopback '${listen.hostname}' without --token (or ` +
        "DISTLAB_TOKEN): anyone who can reach it could speak for a node",
    );
  }
  const peers = new Map<NodeId, Address>();
  for (const item of (values.peers ?? "").split(",").filter((s) => s !== "")) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UsageError(`--peers: '${item}' is not ID=HOST:PORT`);
    const peer = item.slice(0, eq);
    try {
      checkNodeIds([peer]);
    } catch (e) {
      throw new UsageError(`--peers: ${(e as Error).message}`);
    }
    if (peer === id) throw new UsageError(`--peers: '${peer}' is this node's own id`);
    if (peers.has(peer)) throw new UsageError(`--peers: '${peer}' is given twice`);
    peers.set(peer, parseAddress(item.slice(eq + 1), `--peers ${peer}`));
  }
  const control = need("control", values.control);
  let url: URL;
  try {
    url = new URL(control);
  } catch {
    throw new UsageError(`--control: '${control}' is not a URL (e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--control: '${control}' must be an http:// or https:// URL`);
  }
  let queueLimit: number | undefined;
  if (values["queue-limit"] !== undefined) {
    try {
      queueLimit = parseInteger(values["queue-limit"], "queue-limit", 1, 10_000_000);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  return {
    id,
    listen,
    peers,
    control,
    help,
    ...(values["data-dir"] !== undefined ? { dataDir: values["data-dir"] } : {}),
    ...(values.protocol !== undefined ? { protocol: values.protocol } : {}),
    ...(queueLimit !== undefined ? { queueLimit } : {}),
    ...(token !== undefined ? { token } : {}),
  };
}
