/**
 * Which scenario shows which part of the chapter "分散システム": every section and each of
 * the three exercises, topic by topic. `deno task scenario` lists scenarios this way, and
 * a test fails when a section has none or a scenario is in no section.
 *
 * @module
 */

import type { Scenario } from "./scenario.ts";
import type { Lang } from "../i18n/lang.ts";
import { displayWidth, padEndWidth } from "../i18n/width.ts";

/**
 * One section (or exercise) of the chapter and the scenarios that show its topics.
 *
 * @example
 * ```ts
 * import type { ChapterSection } from "./chapter_map.ts";
 * const s: ChapterSection = {
 *   id: "§7",
 *   heading: "時間と順序",
 *   title: "time and order",
 *   topics: [{ topic: "Lamport and vector clocks", scenario: "clocks" }],
 * };
 * ```
 */
export interface ChapterSection {
  /** `§1`…`§9` or `exercise 1`…`exercise 3`. */
  readonly id: string;
  /** The chapter's own heading. */
  readonly heading: string;
  readonly title: string;
  readonly topics: readonly { readonly topic: string; readonly scenario: string }[];
}

/**
 * The chapter, section by section, with a scenario for each topic.
 *
 * @example
 * ```ts
 * import { CHAPTER_SECTIONS } from "./chapter_map.ts";
 * CHAPTER_SECTIONS.find((s) => s.id === "§2")!.topics[0]!.scenario; // "fallacies"
 * ```
 */
export const CHAPTER_SECTIONS: readonly ChapterSection[] = [
  {
    id: "§1",
    heading: "なぜ分散システムが必要か",
    title: "why distribute",
    topics: [
      { topic: "scaling data out over machines", scenario: "partitioning" },
      { topic: "staying available when a machine fails", scenario: "replication-modes" },
    ],
  },
  {
    id: "§2",
    heading: "分散システムの8つの誤解",
    title: "the eight fallacies",
    topics: [
      { topic: "each fallacy as a fault", scenario: "fallacies" },
      { topic: "the network is secure: an authentic message that lies", scenario: "byzantine" },
    ],
  },
  {
    id: "§3",
    heading: "CAP定理と一貫性モデル",
    title: "CAP and consistency models",
    topics: [{ topic: "CP and AP under one partition", scenario: "cap" }],
  },
  {
    id: "§4",
    heading: "コンセンサスアルゴリズム",
    title: "consensus",
    topics: [
      { topic: "Paxos", scenario: "paxos" },
      { topic: "Raft", scenario: "raft-failover" },
      { topic: "Byzantine nodes: Raft deceived, PBFT with 3f + 1 replicas", scenario: "byzantine" },
    ],
  },
  {
    id: "§5",
    heading: "分散データストア",
    title: "distributed data stores",
    topics: [
      { topic: "sync, semi-sync and async replication", scenario: "replication-modes" },
      { topic: "range and hash partitioning", scenario: "partitioning" },
      { topic: "consistent hashing and virtual nodes", scenario: "partitioning" },
      { topic: "quorums", scenario: "kv-quorum" },
    ],
  },
  {
    id: "§6",
    heading: "分散トランザクション",
    title: "distributed transactions",
    topics: [
      { topic: "two-phase commit", scenario: "2pc" },
      { topic: "sagas", scenario: "saga" },
    ],
  },
  {
    id: "§7",
    heading: "時間と順序",
    title: "time and order",
    topics: [{ topic: "Lamport and vector clocks", scenario: "clocks" }],
  },
  {
    id: "§8",
    heading: "分散アーキテクチャパターン",
    title: "architecture patterns",
    topics: [{ topic: "event sourcing and CQRS", scenario: "event-sourcing" }],
  },
  {
    id: "§9",
    heading: "障害とリカバリ",
    title: "failures and recovery",
    topics: [
      {
        topic: "crash detection at scale: all-to-all heartbeats against SWIM",
        scenario: "swim",
      },
      { topic: "gray failure", scenario: "gray-failure" },
      { topic: "circuit breaker", scenario: "circuit-breaker" },
      { topic: "bulkhead", scenario: "bulkhead" },
      { topic: "retry with backoff and jitter", scenario: "retry-storm" },
      { topic: "Byzantine failures: tolerated below a third of the nodes", scenario: "byzantine" },
    ],
  },
  {
    id: "exercise 1",
    heading: "演習1: CAP定理の適用",
    title: "applying CAP",
    topics: [{ topic: "CP or AP, case by case", scenario: "cap-exercise" }],
  },
  {
    id: "exercise 2",
    heading: "演習2: Raftのシミュレーション",
    title: "simulating Raft",
    topics: [{ topic: "a leader cut off and replaced", scenario: "raft-failover" }],
  },
  {
    id: "exercise 3",
    heading: "演習3: 分散KVストアの設計",
    title: "designing a distributed KV store",
    topics: [{ topic: "N, W, R and what they buy", scenario: "kv-quorum" }],
  },
];

/**
 * The scenario names of a section, each once, in topic order.
 *
 * @example
 * ```ts
 * import { CHAPTER_SECTIONS, sectionScenarios } from "./chapter_map.ts";
 * sectionScenarios(CHAPTER_SECTIONS.find((s) => s.id === "§5")!);
 * // ["replication-modes", "partitioning", "kv-quorum"]
 * ```
 */
export function sectionScenarios(section: ChapterSection): string[] {
  return [...new Set(section.topics.map((t) => t.scenario))];
}

/**
 * The lines `deno task scenario` prints without a name: every section with its
 * scenarios, then every scenario with its description. In Japanese a section shows the
 * chapter's own heading.
 *
 * @example
 * ```ts
 * import { scenarioListing } from "./chapter_map.ts";
 * scenarioListing([{ name: "clocks", description: "Lamport", run() {} }])[0];
 * // "usage: deno task scenario <name>"
 * ```
 */
export function scenarioListing(scenarios: readonly Scenario[], lang: Lang = "en"): string[] {
  const ja = lang === "ja";
  const lines = ja
    ? [
      "使い方: deno task scenario <名前> [--lang ja|en]",
      "",
      "章の節ごと (用語は docs/glossary.md):",
    ]
    : ["usage: deno task scenario <name> [--lang ja|en]", "", "by chapter section:"];
  const id = (s: ChapterSection) => ja ? s.id.replace("exercise ", "演習 ") : s.id;
  const idWidth = Math.max(...CHAPTER_SECTIONS.map((s) => displayWidth(id(s))));
  for (const s of CHAPTER_SECTIONS) {
    const title = ja ? s.heading.replace(/^演習\d: /, "") : s.title;
    lines.push(`  ${padEndWidth(id(s), idWidth)}  ${title}: ${sectionScenarios(s).join(", ")}`);
  }
  lines.push("", ja ? "シナリオ:" : "scenarios:");
  const nameWidth = Math.max(20, ...scenarios.map((s) => s.name.length));
  for (const s of scenarios) {
    const d = ja ? s.descriptionJa ?? s.description : s.description;
    lines.push(`  ${s.name.padEnd(nameWidth)} ${d}`);
  }
  return lines;
}
