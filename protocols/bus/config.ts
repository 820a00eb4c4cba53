/**
 * The shape of a message bus: which topics exist, how many partitions each has, which
 * brokers hold each partition's replicas and which of them leads it, and how many
 * replicas must have a message before it is acknowledged.
 *
 * Placement is static and deterministic — partition `p` of a topic lives on brokers
 * `p, p+1, …` (mod the broker count), and the first of them is its preferred leader
 * (the leader of its first epoch; later leaders are elected, see `election.ts`) — so
 * every node, and every client, computes the same map from the options alone. A key always
 * lands in the same partition (MurmurHash3 of the key), which is what keeps the
 * messages of one key in order.
 *
 * Options: `topics` (name → `{ partitions, replicas }`, default
 * `{ events: { partitions: 3, replicas: 3 } }`), `brokers` (node ids, default all
 * nodes), `acks` (`"quorum"` — a majority of the replicas, the default; `"all"`; or
 * `"leader"`).
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import { byNodeIndex } from "../node_order.ts";
import { murmur3 } from "../../partitioning/hash.ts";

/**
 * How many replicas must hold a message before it is acknowledged. The high watermark
 * (what consumers may read) always needs a majority; `"all"` waits besides for every
 * follower still in sync (the ISR: one silent or behind for `isrLagMs` leaves it), and
 * `"leader"` answers as soon as the leader holds it — which a failover may lose (Kafka's
 * `acks=1`).
 *
 * @example
 * ```ts
 * import type { Acks } from "./config.ts";
 * const acks: Acks = "quorum";
 * ```
 */
export type Acks = "leader" | "quorum" | "all";

/**
 * One topic's layout.
 *
 * @example
 * ```ts
 * import type { TopicConfig } from "./config.ts";
 * const events: TopicConfig = { partitions: 3, replicas: 3 };
 * ```
 */
export interface TopicConfig {
  readonly partitions: number;
  readonly replicas: number;
}

/**
 * The whole bus layout.
 *
 * @example
 * ```ts
 * import { busConfig } from "./config.ts";
 * const c = busConfig(["n1", "n2", "n3"], { topics: { events: { partitions: 3, replicas: 3 } } });
 * c.brokers; // ["n1", "n2", "n3"]
 * ```
 */
export interface BusConfig {
  readonly topics: Readonly<Record<string, TopicConfig>>;
  readonly brokers: readonly NodeId[];
  readonly acks: Acks;
}

/**
 * Reads the bus layout from the options; `nodes` are the cluster's node ids.
 *
 * @example
 * ```ts
 * import { busConfig } from "./config.ts";
 * const c = busConfig(["n1", "n2", "n3"], { topics: { orders: { partitions: 2, replicas: 3 } } });
 * c.brokers; // ["n1", "n2", "n3"]
 * c.acks; // "quorum"
 * ```
 */
export function busConfig(
  nodes: readonly NodeId[],
  options: Readonly<Record<string, unknown>>,
): BusConfig {
  const brokers = options.brokers === undefined
    ? [...nodes].sort(byNodeIndex)
    : (options.brokers as unknown[]).map(String);
  if (brokers.length === 0) throw new Error("the bus needs at least one broker");
  for (const b of brokers) {
    if (!nodes.includes(b)) throw new Error(`broker ${b} is not a node`);
  }
  const raw = (options.topics ?? { events: { partitions: 3, replicas: 3 } }) as Record<
    string,
    Partial<TopicConfig>
  >;
  const topics: Record<string, TopicConfig> = {};
  for (const [name, t] of Object.entries(raw)) {
    if (name === "" || name.includes("/")) throw new Error(`bad topic name '${name}'`);
    const partitions = t.partitions ?? 1;
    const replicas = Math.min(t.replicas ?? 3, brokers.length);
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new Error(`topic ${name}: partitions must be a positive integer`);
    }
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new Error(`topic ${name}: replicas must be a positive integer`);
    }
    topics[name] = { partitions, replicas };
  }
  const acks = options.acks ?? "quorum";
  if (acks !== "leader" && acks !== "quorum" && acks !== "all") {
    throw new Error(`option acks must be "leader", "quorum" or "all"`);
  }
  return { topics, brokers, acks };
}

/**
 * The partition a key belongs to.
 *
 * @example
 * ```ts
 * import { busConfig, partitionOf } from "./config.ts";
 * const c = busConfig(["n1"], {});
 * partitionOf(c, "events", "order-7") === partitionOf(c, "events", "order-7"); // true
 * ```
 */
export function partitionOf(config: BusConfig, topic: string, key: string): number {
  const t = topicOf(config, topic);
  return murmur3(key) % t.partitions;
}

/**
 * The replicas of a partition, preferred leader first.
 *
 * @example
 * ```ts
 * import { busConfig, replicasOf } from "./config.ts";
 * replicasOf(busConfig(["n1", "n2", "n3"], {}), "events", 1); // ["n2", "n3", "n1"]
 * ```
 */
export function replicasOf(config: BusConfig, topic: string, partition: number): NodeId[] {
  const t = topicOf(config, topic);
  const b = config.brokers;
  return Array.from({ length: t.replicas }, (_, i) => b[(partition + i) % b.length]!);
}

/**
 * The preferred leader of a partition: the leader of its first epoch, and where a
 * client looks first (a broker that does not lead answers with a hint).
 *
 * @example
 * ```ts
 * import { busConfig, leaderOf } from "./config.ts";
 * leaderOf(busConfig(["n1", "n2", "n3"], {}), "events", 2); // "n3"
 * ```
 */
export function leaderOf(config: BusConfig, topic: string, partition: number): NodeId {
  return replicasOf(config, topic, partition)[0]!;
}

/**
 * How many replicas (leader included) must hold a message before it is acknowledged.
 *
 * @example
 * ```ts
 * import { ackQuorum, busConfig } from "./config.ts";
 * ackQuorum(busConfig(["n1", "n2", "n3"], {}), "events"); // 2
 * ```
 */
export function ackQuorum(config: BusConfig, topic: string): number {
  const r = topicOf(config, topic).replicas;
  return config.acks === "all" ? r : config.acks === "leader" ? 1 : Math.floor(r / 2) + 1;
}

/**
 * The topic's config; throws a one-line error for an unknown topic.
 *
 * @example
 * ```ts
 * import { busConfig, topicOf } from "./config.ts";
 * topicOf(busConfig(["n1"], {}), "events").partitions; // 3
 * ```
 */
export function topicOf(config: BusConfig, topic: string): TopicConfig {
  const t = config.topics[topic];
  if (t === undefined) {
    throw new Error(`unknown topic '${topic}' (known: ${Object.keys(config.topics).join(", ")})`);
  }
  return t;
}

/**
 * Spreads a topic's partitions over the members of a consumer group (range assignment):
 * the partitions `me` should consume. Members are sorted, so every member computes the
 * same assignment.
 *
 * @example
 * ```ts
 * import { assignPartitions } from "./config.ts";
 * assignPartitions(5, ["c2", "c1"], "c1"); // [0, 1, 2]
 * assignPartitions(5, ["c2", "c1"], "c2"); // [3, 4]
 * ```
 */
export function assignPartitions(
  partitions: number,
  members: readonly string[],
  me: string,
): number[] {
  const sorted = [...members].sort();
  const i = sorted.indexOf(me);
  if (i < 0) return [];
  const per = Math.floor(partitions / sorted.length), extra = partitions % sorted.length;
  const start = i * per + Math.min(i, extra);
  const count = per + (i < extra ? 1 : 0);
  return Array.from({ length: count }, (_, k) => start + k);
}
