/**
 * Japanese for the `circuit_breaker` scenario's narration: English template → Japanese, values as
 * {0}, {1}, … (see i18n/catalogue.ts). Terms follow docs/glossary.md.
 *
 * @module
 */

import type { Catalogue } from "../../i18n/catalogue.ts";

/**
 * The catalogue.
 *
 * @example
 * ```ts
 * import { JA } from "./circuit_breaker.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  'Circuit breaker: a client calls n1, n2, n3 through one breaker per node (§9).\n  register protocol: n1 owns the data, n2 and n3 forward to it; client links 1-3 ms.\n  Every {0} ms the client sends each node one call (alternately a write and a\n  read of "x") with a {1} ms timeout. Each node\'s breaker judges its last {2}\n  calls and opens at >= {3}% failed (once it holds {4} calls); it stays\n  open {5} ms, then lets {6} trial calls through (half-open): if they\n  succeed it closes, otherwise it opens again.':
    'サーキットブレーカー: クライアントは n1、n2、n3 をノードごとに 1 つのブレーカー越しに呼ぶ (§9)。\n  register プロトコル: データは n1 が持ち、n2 と n3 はそこへ転送する。クライアントのリンクは 1-3 ms。\n  クライアントは {0} ms ごとに各ノードへ呼び出しを 1 つ送る ("x" への書き込みと読み取りを交互に、\n  タイムアウトは {1} ms)。各ノードのブレーカーは直近 {2} 回の呼び出しで判断し、\n  ({4} 回分たまっていれば) 失敗が {3}% 以上で開く。開いたまま {5} ms 待ち、\n  それから試しの呼び出しを {6} 回だけ通す (半開): 成功すれば閉じ、失敗すればまた開く。',
  "Timeline (virtual time):": "時系列 (仮想時間):",
  "  {0} n3: {1} calls were refused at once since it opened":
    "  {0} n3: 開いてから {1} 回の呼び出しがその場で拒否された",
  ", trials again at t={0}ms": "、t={0}ms に再び試す",
  "  {0} {1} breaker {2} -> {3} ({4}){5}": "  {0} {1} のブレーカー {2} -> {3} ({4}){5}",
  "  {0} n3: call refused at once (0 ms, not {1} ms); trials resume in {2} ms":
    "  {0} n3: 呼び出しはその場で拒否 ({1} ms ではなく 0 ms)。{2} ms 後に試しを再開する",
  "  {0} n3: half-open trial call sent": "  {0} n3: 半開の試し呼び出しを送信",
  "trial call": "試し呼び出し",
  "call": "呼び出し",
  "  {0} n3: {1} sent at t={2} timed out ({3} ms)":
    "  {0} n3: t={2} に送った{1}がタイムアウト ({3} ms)",
  "  {0} n3: trial call answered {1} in {2} ms": "  {0} n3: 試し呼び出しに {2} ms で {1} の応答",
  "  {0} n3 paused (gray failure: alive, takes requests, processes none)":
    "  {0} n3 を一時停止 (グレー障害: 生きていてリクエストも受け取るが、何も処理しない)",
  "  {0} n3 resumed": "  {0} n3 を再開",
  "n3's late answers (after their callers had timed out): {0}. A timeout is an\n  indefinite failure: the writes among them took effect after the client gave up.\nOutcomes that arrived after their breaker had changed state: {1} (calls\n  already in flight when it opened; ignored, as stale, like CircuitBreaker.execute).":
    "n3 の遅れた応答 (呼び出し側がタイムアウトした後に届いたもの): {0}。タイムアウトは\n  結果不明の失敗であり、その中の書き込みはクライアントが諦めた後に反映されている。\nブレーカーの状態が変わった後に届いた結果: {1} (開いた時点ですでに送られていた\n  呼び出し。CircuitBreaker.execute と同じく、古い結果として無視する)。",
  "Calls to n3 by phase (latency as the client saw it, virtual ms):":
    "n3 への呼び出しを段階ごとに (レイテンシはクライアントから見たもの、仮想 ms):",
  "The other nodes while n3 was paused (t={0}..{1}ms):":
    "n3 が一時停止していた間の他のノード (t={0}..{1}ms):",
  "Summary:": "まとめ:",
  "  n3's breaker opened {0} times, first at t={1}ms ({2} ms after the pause);\n  it closed at t={3}ms ({4} ms after the resume, at the first trials after it).\n  fast failures: {5}, p99 {6} ms against a {7} ms timeout: callers learn at once.":
    "  n3 のブレーカーは {0} 回開いた。最初は t={1}ms (一時停止から {2} ms 後)。\n  閉じたのは t={3}ms (再開から {4} ms 後、再開後の最初の試しで)。\n  即時の失敗: {5} 回、p99 {6} ms (タイムアウトは {7} ms): 呼び出し側はすぐに知ることができる。",
  "  n1 and n2 during the pause: {0} of {1} calls ok, their breakers never left closed: {2}.":
    "  一時停止中の n1 と n2: {1} 回中 {0} 回の呼び出しが成功し、ブレーカーは閉じたままだったか: {2}。",
  "true": "はい",
  "false": "いいえ",
  "phase": "段階",
  "calls": "呼び出し",
  "ok": "成功",
  "timeout": "タイムアウト",
  "refused": "拒否",
  "node": "ノード",
  "breaker changes": "ブレーカーの状態変化",
  "closed, before the pause": "closed、一時停止前",
  "closed, n3 paused": "closed、n3 一時停止中",
  "refused (open / trials taken)": "拒否 (open / 試し枠を使用済み)",
  "half-open trials, n3 paused": "半開の試し、n3 一時停止中",
  "half-open trials, n3 resumed": "半開の試し、n3 再開後",
  "closed, after recovery": "closed、回復後",
};
