/**
 * Japanese for the `cap` scenario's narration: English template → Japanese, values as
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
 * import { JA } from "./cap.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  "not within the time allowed (unexpected)": "期限内に起きなかった (想定外)",
  "after {0} ms": "{0} ms 後",
  "n1 hears from no majority and steps down (CheckQuorum) {0};":
    "n1 は過半数から連絡がなく、(CheckQuorum により) 退く: {0}。",
  "{0} is elected leader of term {1} on the majority side {2}":
    "{0} が多数派側で任期 {1} のリーダーに選ばれる: {2}",
  "every node's phi-accrual detector suspects the far side {0};":
    "全ノードの phi 累積検出器が反対側を疑う: {0}。",
  "from now on a coordinator sends each write to the healthy nodes on its own side":
    "以後、コーディネーターは書き込みを自分の側の健全なノードに送る",
  "n1, n2 hear leader {0} (term {1}) and catch up":
    "n1、n2 がリーダー {0} (任期 {1}) を知り、追いつく",
  "from its log: replicas agree {0} of heal": "ログから: 修復の {0} にレプリカが一致",
  "detectors trust the far side again; hinted handoff and anti-entropy bring":
    "検出器が反対側を再び信頼する。ヒンテッドハンドオフとアンチエントロピーで",
  "every replica of every key up to date: replicas agree {0} of heal":
    "全キーの全レプリカが最新になる: 修復の {0} にレプリカが一致",
  "siblings [{0}]": "兄弟値 [{0}]",
  "refused: {0}{1}": "拒否: {0}{1}",
  "unknown outcome: {0}{1}": "結果不明: {0}{1}",
  "no answer in {0} ms{1}": "{0} ms 以内に応答なし{1}",
  "client {0} (minority side, via {1})": "クライアント {0} (少数派側、{1} 経由)",
  "client {0} (majority side, via {1})": "クライアント {0} (多数派側、{1} 経由)",
  "Step {0} — {1} sends {2}\n  Raft KV (CP):   {3}\n  quorum KV (AP): {4}":
    "ステップ {0} — {1} が {2} を送る\n  Raft KV (CP):   {3}\n  quorum KV (AP): {4}",
  "node": "ノード",
  "side": "側",
  "holds {0}": "{0} の保持内容",
  "minority": "少数派",
  "majority": "多数派",
  "{0} (not a replica of {1})": "{0} ({1} のレプリカではない)",
  "cap: one partition, two stores, the same clients (seed {0})\n  CP: Raft KV on n1…n5, leader n1 (moved there, so it ends up on the minority side)\n  AP: quorum KV on n1…n5, N=3 R=2 W=2, sloppy quorum; {1}'s preference list is {2}\n  client A reaches only n1, n2; client B reaches only n3, n4, n5":
    "cap: 1 つの分断、2 つのストア、同じクライアント (シード {0})\n  CP: n1…n5 上の Raft KV、リーダーは n1 (そこへ移してあるので少数派側に入る)\n  AP: n1…n5 上のクォーラム KV、N=3 R=2 W=2、スロッピークォーラム。{1} の優先リストは {2}\n  クライアント A は n1、n2 にだけ、クライアント B は n3、n4、n5 にだけ届く",
  "  Where this differs from the chapter's CAP triangle: each system is named by the two\n  corners it keeps, so CP is the C–P side (Raft KV here), AP the A–P side (quorum KV)\n  and CA the C–A side. The chapter's figure prints CP beside the C–A side and CA beside\n  the C–P side. CA is only open to a system a partition cannot split — a single node.":
    "  章の CAP の三角形との違い: ここでは各システムを保つ 2 つの頂点で呼ぶので、CP は C–P の辺\n  (ここでは Raft KV)、AP は A–P の辺 (クォーラム KV)、CA は C–A の辺になる。章の図では\n  C–A の辺の横に CP、C–P の辺の横に CA と書かれている。CA を選べるのは、分断で割れる\n  ことのないシステム — つまり単一ノード — だけである。",
  "Partition: {{0}} | {{1}}": "分断: {{0}} | {{1}}",
  "{0} (stand-in)": "{0} (代役)",
  "  → the quorum KV's {0} is stale: B's cas to 2 was acknowledged,\n    although W + R = {1} > N = {2}. That rule promises overlap only when both\n    quorums come from {3}'s preference list {{4}}. Here the\n    write was acked by {5} and the read answered by {6}:":
    "  → クォーラム KV の {0} は古い値だ: B の 2 への cas は確認応答されていたのに、\n    W + R = {1} > N = {2} にもかかわらず。この規則が重なりを約束するのは、両方の\n    クォーラムが {3} の優先リスト {{4}} から選ばれるときだけだ。ここでは\n    書き込みに確認応答したのは {5}、読み取りに答えたのは {6}:",
  "    no node in common. A sloppy quorum counts stand-ins (hint holders outside the list)\n    to stay available, and gives up the overlap to do so.":
    "    共通のノードはない。スロッピークォーラムは可用性を保つために代役 (リスト外でヒントを\n    預かるノード) も数に入れ、その代わりに重なりを手放す。",
  "    in common: {0}. A sloppy quorum counts stand-ins (hint holders outside the list)\n    to stay available, and gives up the overlap to do so.":
    "    共通のノード: {0}。スロッピークォーラムは可用性を保つために代役 (リスト外でヒントを\n    預かるノード) も数に入れ、その代わりに重なりを手放す。",
  "  → the quorum KV's cas is not atomic: it read 1 on this side and wrote over it,\n    unaware of B's 2 on the other side (two concurrent versions now exist)":
    "  → クォーラム KV の cas はアトミックではない: こちら側で 1 を読んでそれを上書きしたが、\n    反対側の B の 2 のことは知らない (並行する 2 つのバージョンができた)",
  "Heal": "修復",
  "Side by side:": "並べて比べると:",
  "Each replica's data after heal:\n  Raft KV (CP):":
    "修復後の各レプリカのデータ:\n  Raft KV (CP):",
  "  quorum KV (AP):": "  quorum KV (AP):",
  "  {0}: strongest model(s): {1}": "  {0}: 最も強いモデル: {1}",
  "History check (classifyHistory over each store's {0} operations):":
    "履歴の検査 (各ストアの {0} 個の操作に classifyHistory をかける):",
  "  The quorum KV is causal — the chapter's third level — though not sequential: A's\n  stale read had nothing of B's in its causal past (A had never seen B's 2), and the\n  two cas, each based on 1, are concurrent; siblings [2, 3] keep both. The checker\n  treats a cas as a read then a write: causal consistency cannot make it atomic.":
    "  クォーラム KV は因果一貫性 — 章の 3 番目のレベル — を満たすが、逐次一貫性は満たさない:\n  A の古い読み取りの因果的な過去には B の操作が何もなく (A は B の 2 を一度も見ていない)、\n  どちらも 1 を前提にした 2 つの cas は並行である。兄弟値 [2, 3] が両方を残す。検査器は\n  cas を読み取りと書き込みの組として扱う: 因果一貫性では cas をアトミックにはできない。",
  "What CAP says, as measured here:\n  Raft KV chose consistency: {0} of {1} minority-side reads returned data during the partition,\n    while the majority side kept serving reads and writes.\n  quorum KV chose availability: {2} of {3} minority-side reads answered, the first with data\n    the majority had already overwritten; two concurrent writes became siblings\n    that every reader now sees until the application merges them.\n  Both converged after heal: Raft KV {4}, quorum KV {5}.":
    "ここで測った CAP の意味:\n  Raft KV は一貫性を選んだ: 分断中に少数派側の読み取り {1} 回のうち、データを返したのは {0} 回。\n    その間も多数派側は読み書きに応え続けた。\n  クォーラム KV は可用性を選んだ: 少数派側の読み取り {3} 回のうち {2} 回が答え、最初の答えは\n    多数派がすでに上書きしたデータだった。並行する 2 つの書き込みは兄弟値になり、\n    アプリケーションがマージするまで、どの読み手にも見える。\n  修復後に収束したか: Raft KV {4}、クォーラム KV {5}。",
  "PACELC (the chapter's FAQ, Q3): with a Partition, choose A or C — the table above.\nElse, with no partition, choose Latency or Consistency. Fresh stores, no partition,\nlinks {0}–{1} ms, {2} reads of {3} per setting (quorum writes use W=2;\nquorum reads go through a node outside x's preference list):":
    "PACELC (章の FAQ、Q3): 分断 (Partition) があれば A か C を選ぶ — 上の表がそれだ。\nそうでなければ (Else)、分断がなくてもレイテンシ (Latency) か一貫性 (Consistency) を選ぶ。\n新しいストア、分断なし、リンク {0}–{1} ms、設定ごとに {3} を {2} 回読む (クォーラムの書き込みは W=2、\nクォーラムの読み取りは x の優先リスト外のノードを通す):",
  "yes": "はい",
  "no": "いいえ",
  "  Waiting for more replies buys the overlap with the last write and costs latency on\n  every read, partition or not; the level can be chosen per operation, as with\n  DynamoDB's strongly consistent reads.":
    "  より多くの応答を待てば直前の書き込みとの重なりが手に入るが、分断があってもなくても\n  すべての読み取りでレイテンシを払う。DynamoDB の強い整合性の読み取りのように、\n  レベルは操作ごとに選べる。",
  "none": "なし",
  "step": "ステップ",
  "client sent": "クライアントの送信",
  "store": "ストア",
  "setting": "設定",
  "every read meets the last write": "どの読み取りも直前の書き込みと重なる",
  "mean ms": "平均 ms",
  "p99 ms": "p99 ms",
  "not leader; no leader on this side": "リーダーではない。こちら側にリーダーがいない",
  "linearizable (6 steps)": "線形化可能 (6 ステップ)",
  "implied by linearizable": "線形化可能性から従う",
  "no read returns a value overwritten in its causal past (across keys)":
    "因果的な過去で上書きされた値を返す読み取りはない (キーをまたいで)",
  "no violation found (per key)": "違反は見つからない (キーごと)",
  "all 5 replicas agree on every key": "5 つのレプリカがすべてのキーで一致",
  "all 3 replicas agree on every key": "3 つのレプリカがすべてのキーで一致",
  'Key "x": #3 p0 cas x 1→3 cannot be linearized …': 'キー "x": #3 p0 cas x 1→3 は線形化できない …',
  'No order of the 8 operations of key "x" that keeps each process\'s own order is legal …':
    'キー "x" の 8 個の操作を、各プロセス自身の順序を保ったまま正しく並べる方法はない …',
  "no violation found (per key); 2 read(s) named no unique write and were skipped":
    "違反は見つからない (キーごと)。2 回の読み取りは書き込みを一意に特定できないので除いた",
  "linearizable read at the leader (ReadIndex)": "リーダーでの線形化可能な読み取り (ReadIndex)",
  "read consistency ONE": "読み取りの一貫性レベル ONE",
  "read consistency QUORUM": "読み取りの一貫性レベル QUORUM",
  "read consistency ALL": "読み取りの一貫性レベル ALL",
  "acked by {0}": "確認応答: {0}",
  " (stand-in {0})": " (代役 {0})",
  "{0} for {1}": "{0} が {1} の代わり",
};
