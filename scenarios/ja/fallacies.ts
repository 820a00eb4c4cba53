/**
 * Japanese for the `fallacies` scenario's narration: English template → Japanese, values as
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
 * import { JA } from "./fallacies.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  "every call ok in a few ms": "どの呼び出しも数 ms で ok",
  "{0} messages lost; {1} calls timed out, outcome unknown":
    "{0} 件のメッセージが失われ、{1} 回の呼び出しがタイムアウト (結果不明)",
  "median call {0} ms (baseline a few ms)": "呼び出しの中央値 {0} ms (基準は数 ms)",
  "50 forwards/s meet 40/s: a queue; p99 {0} ms":
    "毎秒 50 件の転送が毎秒 40 件の上限にぶつかり、待ち行列ができる。p99 {0} ms",
  "{0} reads answered ok with a value nobody wrote: nothing flags them":
    "{0} 回の読み取りが、誰も書いていない値で ok と答えた: それを知らせるものは何もない",
  "ok via n2 {0}, via n3 {1}: the route through n3 is gone":
    "n2 経由の成功 {0}、n3 経由 {1}: n3 を通る経路が消えた",
  "X's \"heal all\" ended Y's loss test after {0} ms of the planned 1500":
    "X の「すべて修復」が Y の損失テストを終わらせた: 予定 1500 ms のうち {0} ms で",
  "{0} messages and {1} bytes per call": "呼び出し 1 回あたり {0} 件のメッセージと {1} バイト",
  "median via n2 {0} ms, via n3 {1} ms": "中央値は n2 経由 {0} ms、n3 経由 {1} ms",
  'n3\'s writes are stored under an undefined key: {0} acknowledged writes lost, {1} wrong answers, all "ok"':
    'n3 の書き込みは未定義のキーの下に保存される: 確認応答済みの書き込み {0} 件が失われ、誤答 {1} 件、すべて "ok"',
  'The eight fallacies of distributed computing (§2), each made false on a running\ncluster: register protocol, n1 owns the data, n2 and n3 forward to it; a client\nalternates between n2 and n3 every {0} ms (writes of fresh keys, reads of the\nlast key written), {1} ms timeout; the fault is on from t={2} to t={3} ms.\nFigures are for the calls started while the fault was on; "wrong" counts reads\nanswered ok with a value other than the one written; "dropped" counts messages.':
    "分散コンピューティングの 8 つの誤解 (§2) を、動いているクラスタの上で 1 つずつ\n偽にしてみる: register プロトコル、データは n1 が持ち、n2 と n3 はそこへ転送する。\nクライアントは {0} ms ごとに n2 と n3 を交互に呼ぶ (新しいキーへの書き込みと、最後に\n書いたキーの読み取り)。タイムアウトは {1} ms。障害は t={2} から t={3} ms まで。\n数値は障害中に始まった呼び出しのもの。「誤答」は書いた値と異なる値で ok と答えた\n読み取りの数、「損失」は失われたメッセージの数。",
  "What each one shows:": "それぞれが示すこと:",
  "6 in detail: operator X isolates n3 for maintenance (t=500..1500 ms); operator Y,\n  unaware of X, adds 30% loss on n2's links for a test (t=1000..2500 ms).":
    "6 の詳細: 運用者 X が保守のため n3 を隔離する (t=500..1500 ms)。運用者 Y は X を知らずに、\n  テストのため n2 のリンクに 30% の損失を加える (t=1000..2500 ms)。",
  "yes": "はい",
  "no": "いいえ",
  '  A global "heal" is one administrator\'s habit; with two, each removes only its own\n  fault, by id.':
    "  全体を一度に「修復」するのは管理者が 1 人のときの習慣だ。2 人いるなら、\n  それぞれが自分の障害だけを ID で取り除く。",
  "7 in detail: every message is JSON, and every message also carries the sender's\n  Lamport and vector clocks, whose size grows with the number of nodes it has heard of:":
    "7 の詳細: メッセージはすべて JSON で、さらに送信者のランポート時計とベクトル時計を\n  運ぶ。時計の大きさは、送信者が知っているノードの数とともに増える:",
  "  At {0} nodes the clocks are {1}x the payload: serialising and sending them is not free.":
    "  {0} ノードでは時計がペイロードの {1} 倍になる: そのシリアライズと送信はただではない。",
  '8 in detail: two kinds of heterogeneity. A slower machine (n3 runs 30% of the\n  time) slows and fails the calls routed through it. A rolling upgrade (n3 still on\n  a release whose forwards call the key "name") is worse: n1 does not check the\n  forwarded operation, stores the value under an undefined key and answers ok. Messages\n  need a version, and a receiver must refuse what it does not understand.':
    '8 の詳細: 不均一さには 2 種類ある。遅いマシン (n3 は時間の 30% しか動かない) は、\n  そこを通る呼び出しを遅くし、失敗させる。ローリングアップグレード (n3 はまだ、\n  転送でキーを "name" と呼ぶ古いリリースのまま) はもっと悪い: n1 は転送された操作を\n  検査せず、値を未定義のキーの下に保存して ok と答える。メッセージにはバージョンが\n  必要で、受信側は理解できないものを拒否しなければならない。',
  "#": "#",
  "fallacy": "誤解",
  "fault": "障害",
  "calls": "呼び出し",
  "ok": "成功",
  "failed": "失敗",
  "timeout": "タイムアウト",
  "wrong": "誤答",
  "p50 ms": "p50 ms",
  "p99 ms": "p99 ms",
  "dropped": "損失",
  "(baseline)": "(基準)",
  "none": "なし",
  "The network is reliable": "ネットワークは信頼できる",
  "20% of messages lost": "メッセージの 20% が失われる",
  "Latency is zero": "レイテンシはゼロである",
  "50 ± 10 ms per message": "メッセージごとに 50 ± 10 ms",
  "Bandwidth is infinite": "帯域幅は無限である",
  "40 messages/s per link": "リンクごとに毎秒 40 メッセージ",
  "The network is secure": "ネットワークは安全である",
  "10% of n1's answers altered": "n1 の応答の 10% が改ざんされる",
  "Topology doesn't change": "トポロジは変化しない",
  "n3 cut off from n1": "n3 が n1 から切り離される",
  "There is one administrator": "管理者は 1 人である",
  "two operators change faults at once": "2 人の運用者が同時に障害を変更する",
  "Transport cost is zero": "転送コストはゼロである",
  "(accounted, not injected)": "(注入せず計測のみ)",
  "The network is homogeneous": "ネットワークは均一である",
  "n3 a slower machine": "n3 が遅いマシン",
  "n3 runs an older message format": "n3 が古いメッセージ形式のまま",
  "X ends its work by": "X の作業の終え方",
  "Y's loss lasted": "Y の損失の継続時間",
  "messages Y's rule dropped": "Y のルールで失われたメッセージ",
  "Y's rule still there at the end": "最後に Y のルールが残っていたか",
  "heal all": "すべて修復",
  "remove own fault": "自分の障害だけ削除",
  "nodes": "ノード数",
  "messages/call": "メッセージ/呼び出し",
  "payload bytes/msg": "ペイロード バイト/メッセージ",
  "clock bytes/msg": "時計 バイト/メッセージ",
  "bytes/call": "バイト/呼び出し",
};
