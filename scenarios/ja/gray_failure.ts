/**
 * Japanese for the `gray_failure` scenario's narration: English template → Japanese, values as
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
 * import { JA } from "./gray_failure.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  "Gray failure: n3 is slow and lossy, not down (§9).\n  From t={0} to t={1} ms every message to or from n3 takes {2} ± {3} ms\n  (instead of 1-3 ms) and is lost with probability {4}. n3's process\n  runs normally.":
    "グレー障害: n3 は落ちてはいないが、遅くて取りこぼしが多い (§9)。\n  t={0} から t={1} ms まで、n3 との間のメッセージはすべて {2} ± {3} ms かかり\n  (通常は 1-3 ms)、確率 {4} で失われる。n3 のプロセス自体は普段どおり動いている。",
  "1. The clients' view: register protocol (n1 owns the data, n2 and n3 forward to it);\n   every {0} ms a client calls each node with a {1} ms timeout.\n   (Calls started in the {2} ms after the heal are left out: they meet the\n   backlog of the fault.)":
    "1. クライアントから見た姿: register プロトコル (データは n1 が持ち、n2 と n3 が転送する)。\n   クライアントは {0} ms ごとに各ノードを {1} ms のタイムアウト付きで呼ぶ。\n   (修復後 {2} ms の間に始まった呼び出しは除く: 障害中にたまった分に\n   巻き込まれるため。)",
  "   Through n3, {0} of calls succeeded, with a median of {1} ms;\n   the rest timed out, their outcome unknown to the client. n1 and n2 did not change.":
    "   n3 経由の呼び出しで成功したのは {0}、中央値は {1} ms。\n   残りはタイムアウトし、クライアントには結果がわからない。n1 と n2 は変わらなかった。",
  "2. The failure detector's view: the heartbeat protocol (a beat every 100 ms; fixed\n   timeout 500 ms; phi-accrual threshold 8), what n1 thinks of n3 during the fault,\n   against the same four seconds with n3 paused (alive but processing nothing):":
    "2. 障害検出器から見た姿: heartbeat プロトコル (ハートビートは 100 ms ごと、固定\n   タイムアウトは 500 ms、phi 累積検出の閾値は 8) で、障害中に n1 が n3 をどう見ていたか。\n   比較として、同じ 4 秒間 n3 を一時停止した場合 (生きているが何も処理しない):",
  "gray (slow, lossy)": "グレー (遅い・損失あり)",
  "paused": "一時停止",
  "fixed timeout": "固定タイムアウト",
  "phi accrual": "phi 累積",
  "never": "なし",
  "after {0} ms": "{0} ms 後",
  "   While a third of n3's calls failed, n1 suspected it for at most {0} of the\n   time, in short spells. A heartbeat only needs to arrive now and then; a client\n   needs its own answer in time. Gray failure shows in what clients experience\n   (latency and error rate per node, which the circuit-breaker scenario acts on),\n   not in liveness checks.":
    "   n3 への呼び出しの 3 分の 1 が失敗していた間、n1 が n3 を疑っていたのは長くても\n   時間の {0} で、それも短い間だけだった。ハートビートはときどき届けば足りるが、\n   クライアントには自分の応答が時間内に必要だ。グレー障害はクライアントの体験\n   (ノードごとのレイテンシとエラー率。circuit-breaker シナリオはこれを使う) に現れ、\n   死活監視には現れない。",
  "phase": "段階",
  "node": "ノード",
  "calls": "呼び出し",
  "ok": "成功",
  "timeout": "タイムアウト",
  "ok rate": "成功率",
  "p50 ms": "p50 ms",
  "p99 ms": "p99 ms",
  "gray": "グレー",
  "healthy": "健全",
  "n3 was": "n3 の状態",
  "detector": "検出器",
  "suspected for": "疑われた割合",
  "suspicion episodes": "疑いの回数",
  "first suspicion": "最初の疑い",
  "healed": "修復後",
};
