/**
 * `deno task bench`: every benchmark, each printing its figures beside an anchor
 * measured in the same run. `deno task bench simulator checker` runs only those whose
 * names contain one of the words; `--name=value` words are left to the benchmarks
 * (`deno task bench soak --seconds=180`).
 *
 * @module
 */

const BENCHES: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  simulator: () => import("./simulator_bench.ts"),
  router: () => import("./router_bench.ts"),
  integrity: () => import("./integrity_bench.ts"),
  checker: () => import("./checker_bench.ts"),
  partitioning: () => import("./partitioning_bench.ts"),
  resilience: () => import("./resilience_bench.ts"),
  storage: () => import("./storage_bench.ts"),
  quorum: () => import("./quorum_bench.ts"),
  raft: () => import("./raft_bench.ts"),
  failover: () => import("./failover_bench.ts"),
  "raft-cluster": () => import("./raft_cluster_bench.ts"),
  api: () => import("./api_bench.ts"),
  paxos: () => import("./paxos_bench.ts"),
  pbft: () => import("./pbft_bench.ts"),
  txn: () => import("./txn_bench.ts"),
  dashboard: () => import("./dashboard_bench.ts"),
  steady: () => import("./steady_bench.ts"),
  soak: () => import("./soak_bench.ts"),
  overload: () => import("./overload_bench.ts"),
  torture: () => import("./torture_bench.ts"),
  maelstrom: () => import("./maelstrom_bench.ts"),
  kill9: () => import("./kill9_bench.ts"),
  tcp: () => import("./tcp_bench.ts"),
  scale: () => import("./scale_bench.ts"),
};

// `--name=value` flags are the benchmarks' own (e.g. `soak --seconds=180`).
const words = Deno.args.filter((a) => !a.startsWith("--"));
const unknown = words.filter((w) => !Object.keys(BENCHES).some((name) => name.includes(w)));
if (unknown.length > 0) {
  console.error(
    `bench: no benchmark matches '${unknown[0]}' (known: ${Object.keys(BENCHES).join(", ")})`,
  );
  Deno.exit(2);
}
for (const [name, load] of Object.entries(BENCHES)) {
  if (words.length > 0 && !words.some((w) => name.includes(w))) continue;
  console.log(`\n== ${name} ==`);
  await (await load()).run();
}
