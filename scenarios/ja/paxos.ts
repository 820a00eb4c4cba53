/**
 * Japanese for the `paxos` scenario's narration: English template → Japanese, values as
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
 * import { JA } from "./paxos.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  "  {0} {1} learns {2} (a majority accepted it)": "  {0} {1} が {2} を学習 (過半数が受理した)",
  '1. Two proposers race: n1 proposes "red", n5 proposes "blue".':
    '1. 2 人の提案者 (Proposer) が競う: n1 は "red" を、n5 は "blue" を提案する。',
  "{0}'s client is told {1}": "{0} のクライアントへの答えは {1}",
  "  learned: {0}; Accepted messages delivered: {1}":
    "  学習した値: {0}。配送された Accepted メッセージ: {1}",
  "  agreement: {0} ({1} instance decided, one value)":
    "  合意: {0} (決定したインスタンスは {1} 個、値は 1 つ)",
  '2. A Promise carries an accepted value, and the next proposer adopts it.\n   Where this differs from the chapter: its figure draws Promise(n) alone. Here, as in\n   Lamport\'s Paxos, a Promise also carries the highest-ballot value its acceptor has\n   accepted, and a proposer that hears of one must propose that value instead of its\n   own — it cannot know whether that value was already chosen.\n   n4 is down throughout. n1 proposes "red"; the answers of n3 and n5 to n1 are slow,\n   and once every Prepare has arrived, n1\'s links to n3 and n5 are cut: n1\'s\n   Accept("red") reaches only n2 (and n1 itself). Then n1 crashes.':
    '2. Promise は受理済みの値を運び、次の提案者はそれを採用する。\n   章との違い: 章の図は Promise(n) だけを描く。ここでは Lamport の Paxos と同じく、\n   Promise はその受理者 (Acceptor) がすでに受理した値のうちバロット番号の最も大きいものも\n   運ぶ。それを知った提案者は、自分の値の代わりにその値を提案しなければならない —\n   その値がすでに選ばれたかどうかを知るすべがないからだ。\n   n4 はずっと停止している。n1 が "red" を提案する。n3 と n5 から n1 への応答は遅く、\n   すべての Prepare が届いたところで n1 から n3、n5 へのリンクが切られる: n1 の\n   Accept("red") は n2 (と n1 自身) にしか届かない。そして n1 がクラッシュする。',
  '   t={0}ms n1 crashes. Accepted "red": n1, {1} — not a majority, so nothing is chosen yet.':
    '   t={0}ms n1 がクラッシュ。"red" を受理したのは n1, {1} — 過半数ではないので、まだ何も選ばれていない。',
  "   t={0}ms {1} -> n5  {2}": "   t={0}ms {1} -> n5  {2}",
  '   t={0}ms n5 -> {1}  {2}  ← n5 adopted "red"':
    '   t={0}ms n5 -> {1}  {2}  ← n5 は "red" を採用した',
  '   n5 proposes "blue". Only n2, n3 and n5 are up, so every majority includes n2:':
    '   n5 が "blue" を提案する。稼働しているのは n2、n3、n5 だけなので、どの過半数にも n2 が入る:',
  '   n5\'s client proposed "blue" and is told {0}.\n   Had a majority accepted "red" before the crash, "red" would have been chosen; any\n   later majority overlaps that one, so adopting the value is what keeps a chosen\n   value chosen.':
    '   n5 のクライアントは "blue" を提案し、答えは {0}。\n   クラッシュ前に過半数が "red" を受理していれば "red" が選ばれていた。その後の過半数は\n   必ずそれと重なるので、値を採用することこそが、選ばれた値を選ばれたままにする。',
  "   agreement: {0}": "   合意: {0}",
  "3. Duelling proposers: n1, n3 and n5 propose at once (links 1-10 ms), seeds 1-10.":
    "3. 決闘する提案者: n1、n3、n5 が同時に提案する (リンク 1-10 ms)、シード 1-10。",
  "randomized": "ランダム",
  "none": "なし",
  "  Without backoff a beaten proposer outbids at once and pre-empts the winner's\n  Accept; with it, one proposer usually finishes both phases alone.\n  This is the FLP impossibility result (Fischer, Lynch, Paterson, 1985) at work: in an\n  asynchronous network where even one node may fail, no deterministic protocol can\n  guarantee that it decides. Paxos stays safe in every run above and gives up only\n  guaranteed progress; random backoff (or a timeout-elected leader) makes a decision\n  very likely, never certain.":
    "  バックオフがないと、負けた提案者はすぐにより大きな番号で提案し直し、勝者の Accept を\n  先回りしてつぶす。バックオフがあれば、たいてい 1 つの提案者が単独で両フェーズを終える。\n  ここで働いているのが FLP 不可能性定理 (Fischer, Lynch, Paterson, 1985) だ: 1 台でも\n  故障しうる非同期ネットワークでは、決定に必ず至ることを保証できる決定的なプロトコルはない。\n  上のどの実行でも Paxos は安全性を保っており、手放しているのは進行の保証だけである。\n  ランダムなバックオフ (やタイムアウトで選ばれるリーダー) は決定をきわめて起こりやすく\n  するが、確実にはしない。",
  "4. A minority never decides alone: {n1,n2} | {n3,n4,n5}.":
    "4. 少数派は単独では決して決定しない: {n1,n2} | {n3,n4,n5}。",
  "  after 2 s: n1 started {0} rounds; decided anywhere: {1}; n1's client: {2}":
    "  2 秒後: n1 は {0} ラウンドを開始した。どこかで決定したか: {1}。n1 のクライアント: {2}",
  "  t={0}ms n4's client is told {1}": "  t={0}ms n4 のクライアントへの答えは {1}",
  "  majority side learned: {0}; minority: {1}": "  多数派側が学習した値: {0}。少数派: {1}",
  "  t={0}ms heal": "  t={0}ms 修復",
  "  n1's client is finally told {0}; n1 learned {1}":
    "  n1 のクライアントへの答えはようやく {0}。n1 が学習した値は {1}",
  "  agreement after the heal: {0}": "  修復後の合意: {0}",
  "Each part runs on a fresh five-node cluster; times are ms since that part began.":
    "各パートは新しい 5 ノードのクラスタで動く。時刻はそのパートの開始からの ms。",
  "holds": "成立",
  "VIOLATED": "違反",
  "no answer": "応答なし",
  "true": "はい",
  "false": "いいえ",
  "backoff": "バックオフ",
  "rounds per seed": "シードごとのラウンド数",
  "mean": "平均",
  "max": "最大",
  "mean ms": "平均 ms",
};
