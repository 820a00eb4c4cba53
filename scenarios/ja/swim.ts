/**
 * Japanese for the `swim` scenario's narration: English template → Japanese, values as
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
 * import { JA } from "./swim.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  "Failure detection at scale: all-to-all heartbeats against SWIM (§9).\n  heartbeat: every node sends a beat to every other every 100 ms and suspects a peer\n  by phi accrual. SWIM: every {0} ms a node pings one member, in round-robin order;\n  no ack within {1} ms, and it asks {2} others to ping it (ping-req); no ack by the\n  period's end, and the member is suspected. Suspicions, refutations and deaths ride\n  on the pings and acks themselves. Seed {3}, virtual time.":
    "大規模な障害検出: 全対全のハートビートと SWIM を比べる (§9)。\n  heartbeat: 各ノードが 100 ms ごとに他の全ノードへハートビートを送り、phi 累積で相手を疑う。\n  SWIM: 各ノードは {0} ms ごとにメンバーを 1 台だけ ping する (ラウンドロビン順)。\n  {1} ms 以内に ack が来なければ、他の {2} 台に代わりに ping を頼む (ping-req)。周期の終わりまでに\n  ack が来なければ、そのメンバーを疑う。疑い・反論・死亡の知らせは ping と ack 自体に\n  相乗りして広がる。シード {3}、仮想時間。",
  "1. Messages sent per node per second:": "1. ノード 1 台が 1 秒に送るメッセージ数:",
  "ratio": "比",
  "   Heartbeats cost each node N − 1 messages per beat: {0} per second at N = {1}.\n   SWIM's node sends one ping and answers about one per period, whatever N is; a crash\n   adds the ping-reqs of whoever probes the crashed node, and their pings.":
    "   ハートビートでは各ノードが 1 拍ごとに N − 1 通を送る: N = {1} では毎秒 {0} 通。\n   SWIM のノードは N によらず、1 周期に ping を 1 通送り、ほぼ 1 通に応答するだけだ。\n   クラッシュがあると、そのノードを調べた者の ping-req と、頼まれた側の ping が加わる。",
  "SWIM, {0} crashed": "SWIM ({0} クラッシュ時)",
  "2. {0} crashes. Seconds until the first node suspects it, until every node does,\n   and until every node has declared it dead (SWIM's suspicion timeout:\n   {1} × max(1, log10 N) periods, so a refutation has time to spread):":
    "2. {0} がクラッシュする。最初のノードが疑うまで、全ノードが疑うまで、全ノードが死亡と\n   判定するまでの秒数 (SWIM の疑いのタイムアウトは {1} × max(1, log10 N) 周期。\n   反論が広がる時間を残すため):",
  "never": "なし",
  "detector": "検出器",
  "first suspicion": "最初の疑い",
  "all suspect": "全員が疑う",
  "all declare dead": "全員が死亡判定",
  "(not run)": "(実行せず)",
  "   Heartbeats notice in a fraction of a second, since every node watches every\n   other. SWIM waits for someone's turn to probe {0} (about one prober per period),\n   then for the suspicion to spread and time out: seconds, growing with log N.\n   (N = 128 heartbeats are left out: {1} messages per 100 ms cost the simulator\n   seconds per simulated second; issue 23.)":
    "   ハートビートは全ノードが全ノードを見張っているので、1 秒もかからずに気づく。\n   SWIM は誰かが {0} を調べる番が来るのを待ち (1 周期におよそ 1 台)、そのあと疑いが\n   広がってタイムアウトするのを待つ: 数秒かかり、log N とともに伸びる。\n   (N = 128 のハートビートは省いた: 100 ms ごとに {1} 通のメッセージは、シミュレータに\n   シミュレーション 1 秒あたり数秒の計算を強いる。issue 23 を参照。)",
  "3. {0} nodes, {1}% of every message lost, {2} s, no crash:":
    "3. {0} ノード、全メッセージの {1}% を損失、{2} 秒、クラッシュなし:",
  "suspicions": "疑い",
  "live nodes suspected": "疑われた生存ノード",
  "refutations": "反論",
  "declared dead": "死亡判定",
  "   SWIM suspects live nodes when a ping and all {0} indirect probes are lost; each one\n   hears it, raises its incarnation and says it is alive, which overrides the suspicion\n   everywhere. Refutations: {1}; live nodes declared dead: {2}.\n   A member that is suspected is told so on every message sent to it, so it can\n   refute before the timeout.":
    "   SWIM は ping と {0} 本の間接プローブがすべて失われると生存ノードを疑う。疑われた\n   ノードはそれを聞くとインカーネーション番号を上げて生存を告げ、その知らせが各所の\n   疑いを上書きする。反論: {1} 回、死亡と判定された生存ノード: {2} 台。\n   疑われているメンバーには、送られるメッセージのたびにそのことが伝えられるので、\n   タイムアウトの前に反論できる。",
};
