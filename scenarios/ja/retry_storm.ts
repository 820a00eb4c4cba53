/**
 * Japanese for the `retry_storm` scenario's narration: English template → Japanese, values as
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
 * import { JA } from "./retry_storm.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  'Retry storm: N clients increment ONE counter with read + compare-and-set (§9).\n  n1 owns "{0}" (register protocol, linearizable); clients reach it via n2 / n3,\n  so each call crosses two 1-3 ms links. A client whose cas loses backs off, then\n  reads and tries again until its own increment lands. Backoff per variant\n  (resilience/backoff.ts): base {1} ms, cap {2} ms.\n  Every figure is the mean over seeds {3}; all clients start at t=0.':
    'リトライの嵐: N 個のクライアントが 1 つのカウンタを読み取り + compare-and-set で増やす (§9)。\n  "{0}" は n1 が持つ (register プロトコル、線形化可能)。クライアントは n2 / n3 経由で届くので、\n  呼び出しは毎回 1-3 ms のリンクを 2 本通る。cas に負けたクライアントはバックオフしてから\n  読み直し、自分の加算が通るまで繰り返す。バックオフは方式ごとに\n  (resilience/backoff.ts) 基準 {1} ms、上限 {2} ms。\n  数値はどれもシード {3} の平均。全クライアントが t=0 で一斉に始める。',
  "1. Total calls (reads + cas) until every client's increment succeeded":
    "1. 全クライアントの加算が成功するまでの呼び出し総数 (読み取り + cas)",
  "variant": "方式",
  "calls/N² at N={0}": "N={0} での 呼び出し/N²",
  "2. Virtual time until all N clients succeeded (ms)":
    "2. N 個のクライアント全員が成功するまでの仮想時間 (ms)",
  "3. Growth of the calls from N={0} to N={1} (N² would be x{2})":
    "3. N={0} から N={1} への呼び出し数の伸び (N² なら x{2})",
  "  {0} x{1}": "  {0} x{1}",
  "  At N={0}, full jitter needs {1}% of the calls and {2}% of the time\n  of exponential backoff without jitter: clients that collided wait the same delay\n  and collide again. No backoff finishes soonest only because this store has spare\n  capacity: its extra calls are free here, and are load on a real, busy server.\n  Every run ended with the counter equal to N: {3}":
    "  N={0} では、フルジッターはジッターなしの指数バックオフに比べて呼び出し {1}%、\n  時間 {2}% で済む: ぶつかったクライアント同士が同じだけ待つと、またぶつかるからだ。\n  バックオフなしが最も早く終わるのは、このストアに余力があるからにすぎない。\n  ここでは余分な呼び出しがただだが、本物の忙しいサーバーでは負荷になる。\n  どの実行でも最後にカウンタが N に等しかったか: {3}",
  "yes": "はい",
  "NO": "いいえ",
  "no backoff": "バックオフなし",
  "exponential, no jitter": "指数、ジッターなし",
  "full jitter": "フルジッター",
  "equal jitter": "イコールジッター",
  "decorrelated jitter": "非相関ジッター",
};
