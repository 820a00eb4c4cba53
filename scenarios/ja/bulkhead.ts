/**
 * Japanese for the `bulkhead` scenario's narration: English template → Japanese, values as
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
 * import { JA } from "./bulkhead.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  'Bulkhead: one slow dependency must not take every caller with it (§9).\n  A front end takes a request for service A every {0} ms and for B every {1} ms;\n  each call holds a worker slot until it is answered or times out ({2} ms).\n  A is reached through n2, B through n3 (register cluster, n1 owns the data).\n  From t={3} to t={4} ms the n2-n1 link is {5} ms slower: A hangs, B is healthy.\n  Two ways to give out {6} slots: one shared pool, or a bulkhead of {7} per service.\n  A request that finds no free slot is refused at once.\n  ("after" starts {8} ms after the heal, once A\'s hanging calls have ended.)':
    "バルクヘッド (隔壁): 遅い依存先が 1 つあっても、呼び出し側すべてを道連れにしてはならない (§9)。\n  フロントエンドはサービス A へのリクエストを {0} ms ごとに、B へは {1} ms ごとに受け付ける。\n  呼び出しは応答が来るかタイムアウト ({2} ms) するまでワーカースロットを 1 つ占有する。\n  A へは n2 経由、B へは n3 経由で届く (register クラスタ、データは n1 が持つ)。\n  t={3} から t={4} ms まで n2-n1 間のリンクが {5} ms 遅くなる: A は応答が滞り、B は健全なまま。\n  {6} 個のスロットの配り方は 2 通り: 全体で 1 つの共有プールか、サービスごとに {7} 個ずつの隔壁か。\n  空きスロットのないリクエストはその場で拒否される。\n  (「復旧後」は修復から {8} ms 後、A の滞った呼び出しがすべて終わってから始まる。)",
  "one pool of {0}": "共有プール {0}",
  "With one pool, A's hanging calls held up to {0} of the {1} slots and B's\n  requests succeeded only {2} of the time though B itself was fine:\n  the failure spread from A to B through the shared resource.\nWith bulkheads, A could hold at most {3} slots; B succeeded {4} of the time.\n  A's extra requests were refused at once instead of waiting a second each, which\n  also tells A's callers about the problem sooner.":
    "共有プールでは、A の滞った呼び出しが {1} 個のスロットのうち最大 {0} 個を握り、\n  B 自身は健全だったのに、B のリクエストの成功率は {2} にとどまった:\n  共有資源を通じて、A の障害が B に広がったのである。\n隔壁ありでは、A が握れるのは最大 {3} スロット。B の成功率は {4} だった。\n  A の余ったリクエストは 1 秒ずつ待たされる代わりにすぐ拒否されるので、\n  A の呼び出し元も問題に早く気づける。",
  "pool": "プール",
  "phase": "段階",
  "service": "サービス",
  "requests": "リクエスト",
  "ok": "成功",
  "refused": "拒否",
  "timeout": "タイムアウト",
  "ok rate": "成功率",
  "p99 ms": "p99 ms",
  "before": "障害前",
  "A slow": "A 遅延中",
  "after": "復旧後",
};
