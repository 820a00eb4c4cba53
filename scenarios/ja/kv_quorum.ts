/**
 * Japanese for the `kv_quorum` scenario's narration: English template → Japanese, values as
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
 * import { JA } from "./kv_quorum.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  "  PUT {0}={1} via {2}: ok at t={3}, W={4} acknowledged by {5}, clock {6}":
    "  PUT {0}={1} ({2} 経由): t={3} に ok、W={4} (確認応答: {5})、クロック {6}",
  "  PUT {0}={1} via {2}: {3} ({4})": "  PUT {0}={1} ({2} 経由): {3} ({4})",
  "  GET {0} via {1}: {2} {3}": "  GET {0} ({1} 経由): {2} {3}",
  " (answered from {0}, context {1})": " ({0} が応答、コンテキスト {1})",
  "  read repair: {0}, the coordinator, updates its own older copy":
    "  読み取り修復: コーディネーターの {0} が自分の古いコピーを更新する",
  "  read repair: {0} sends the merged value to {1}, whose reply was older":
    "  読み取り修復: {0} が、古い応答を返した {1} にマージ後の値を送る",
  "replica": "レプリカ",
  "state": "状態",
  "holds {0}": "{0} の保持内容",
  "hints kept": "保持中のヒント",
  "down": "停止",
  "(on disk, unreadable)": "(ディスク上にあるが読めない)",
  "for {0}: {1}": "{0} 宛て: {1}",
  "up, suspects {0}": "稼働中、{0} を疑っている",
  "up": "稼働中",
  "kv-quorum: Dynamo-style quorum KV on {0} with N=3, W=2, R=2 (seed {1})\nAnti-entropy is off here, so hinted handoff and read repair are the only repairs.":
    "kv-quorum: Dynamo 風のクォーラム KV を {0} 上で、N=3, W=2, R=2 (シード {1})\nここではアンチエントロピーを切っているので、修復はヒンテッドハンドオフと読み取り修復だけ。",
  'Key "{0}" hashes onto the ring with preference list {1}.':
    'キー "{0}" はリング上でハッシュされ、優先リストは {1}。',
  "Step 1 — a PUT with every node up": "ステップ 1 — 全ノード稼働中の PUT",
  "Step 2 — n3 crashes; a PUT while it is down": "ステップ 2 — n3 がクラッシュする。停止中の PUT",
  "  n1's phi-accrual detector suspects n3 after {0} without pings":
    "  n1 の phi 累積障害検出器は、ping が途絶えて {0} 後に n3 を疑う",
  "  W=2 is met by n1 and n2; with no fourth node to stand in, the coordinator n1\n  keeps a hint for n3 (the write it missed), to hand back when n3 returns":
    "  W=2 は n1 と n2 で満たされる。代わりを務める 4 台目がいないので、コーディネーターの n1 は\n  n3 宛てのヒント (n3 が取りこぼした書き込み) を保持し、n3 が戻ったら渡す",
  "Step 3 — a GET through another node (R=2) sees the new value":
    "ステップ 3 — 別のノード経由の GET (R=2) は新しい値を見る",
  "Step 4 — n3 restarts: hinted handoff": "ステップ 4 — n3 が再起動する: ヒンテッドハンドオフ",
  "  n3 restarts at t={0} from its disk, still holding the old value:":
    "  n3 は t={0} にディスクから再起動する。古い値を持ったまま:",
  "  at t={0} n1 trusts n3 again and hands the hint off; n3 merges it (from {1}) and n1 drops the hint:":
    "  t={0} に n1 は n3 を再び信頼してヒントを渡す。n3 はそれをマージし ({1} から)、n1 はヒントを捨てる:",
  "Step 5 — a lost message, then read repair":
    "ステップ 5 — メッセージが失われ、そのあと読み取り修復",
  "  the link n1 → n3 drops messages; n3 is not suspected (its pings still reach n1), so no hint":
    "  リンク n1 → n3 がメッセージを落とす。n3 の ping は n1 に届き続けるので疑われず、ヒントも作られない",
  "  link healed; 200 ms later n3 is still stale:": "  リンクを修復。200 ms 後も n3 は古いまま:",
  "Step 6 — W=1, R=1 (R + W = 2 ≤ N = 3): a stale read":
    "ステップ 6 — W=1, R=1 (R + W = 2 ≤ N = 3): 古い値の読み取り",
  "  the links n1 → n2 and n1 → n3 drop messages":
    "  リンク n1 → n2 と n1 → n3 がメッセージを落とす",
  "  acknowledged by n1 alone; n2 and n3 never got it":
    "  n1 だけが確認応答した。n2 と n3 には届いていない",
  "  n3 answers from its own copy: {0} — older than a write acknowledged before this read began":
    "  n3 は自分のコピーから答える: {0} — この読み取りが始まる前に確認応答された書き込みより古い",
  "  links healed; n3, the coordinator, kept collecting the other replies after answering,\n  and n1's newer one makes it repair the stale replicas (too late for that client):":
    "  リンクを修復。コーディネーターの n3 は応答した後も他の応答を集め続け、\n  n1 からの新しい値を見て古いレプリカを修復する (そのクライアントには手遅れだが):",
  "  a GET with consistency ALL now reads the acknowledged value everywhere:":
    "  一貫性レベル ALL の GET なら、今はどこでも確認応答済みの値が読める:",
  "Stale-read check over this scenario's {0} reads: {1} stale":
    "このシナリオの {0} 回の読み取りに対する古い値の検査: 古い値 {1} 件",
  "  GET {0} at t={1} returned {2}, missing PUT {3} acknowledged at t={4}":
    "  t={1} の GET {0} は {2} を返し、t={4} に確認応答された PUT {3} を見落とした",
  "With W=2, R=2 every read quorum overlaps every write quorum (2 + 2 > 3): steps 1–5 had {0} stale reads.\nWith W=1, R=1 they need not overlap: step 6 had {1}.":
    "W=2, R=2 では、どの読み取りクォーラムもどの書き込みクォーラムと重なる (2 + 2 > 3): ステップ 1–5 の古い読み取りは {0} 件。\nW=1, R=1 では重なるとは限らない: ステップ 6 では {1} 件。",
};
