/**
 * Japanese for the `cap_exercise` scenario's narration: English template → Japanese, values as
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
 * import { JA } from "./cap_exercise.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  "a balance of {0}": "残高 {0}",
  '"balance unavailable, try again later" — never a wrong figure; after heal {0}':
    "「残高を表示できません。しばらくしてからお試しください」 — 誤った数字は決して出ない。修復後は {0}",
  "a balance of {0} although the ATM already paid out 30 (the account holds 70); after heal {1}":
    "残高 {0}。ATM はすでに 30 を払い出している (口座には 70 しかない) のに。修復後は {1}",
  "{0} followers": "フォロワー {0} 人",
  "a profile page that fails to load its count; after heal {0}":
    "数を読み込めないプロフィールページ。修復後は {0}",
  "{0} followers (two behind) during the partition; after heal {1}":
    "分断中はフォロワー {0} 人 (2 人分遅れている)。修復後は {1}",
  "{0} confirmed booking(s) ({1}); at the gate seat 12A is {2}":
    "確定した予約 {0} 件 ({1})。搭乗口では座席 12A は {2}",
  'reader A\'s comment is refused ("posting unavailable, try later"); the page then shows {0}':
    "読者 A のコメントは拒否される (「投稿できません。後でお試しください」)。その後ページには {0} が表示される",
  "both comments accepted; after heal the page gets {0}, merges them and shows {1}":
    "両方のコメントが受け付けられる。修復後、ページは {0} を受け取り、マージして {1} を表示する",
  "{0} holder(s) during the partition ({1})": "分断中のロック保持者 {0} 人 ({1})",
  ": both run the nightly billing — customers are charged twice":
    ": 両方が夜間の請求処理を実行する — 顧客は二重に請求される",
  "; after heal the lock reads {0}": "。修復後、ロックの値は {0}",
  "cap-exercise: CP or AP? Five services under one partition (seed {0})\n  CP store: Raft KV, leader n1; AP store: quorum KV, N=3 R=2 W=2, sloppy quorum\n  partition {{1}} | {{2}}; fresh stores per service\n  The chapter's hint: ask what the worst case is when consistency breaks.":
    "cap-exercise: CP か AP か? 1 つの分断の下での 5 つのサービス (シード {0})\n  CP ストア: Raft KV、リーダーは n1。AP ストア: クォーラム KV、N=3 R=2 W=2、スロッピークォーラム\n  分断 {{1}} | {{2}}。サービスごとに新しいストアを使う\n  章のヒント: 一貫性が崩れたときの最悪のケースは何かを考える。",
  '({0}) {1} — key "{2}"': '({0}) {1} — キー "{2}"',
  "  before the partition: {0} (CP {1}, AP {2})": "  分断の前: {0} (CP {1}, AP {2})",
  "  before the partition: {0} is absent (null)": "  分断の前: {0} は存在しない (null)",
  "  partition: Raft elects a leader on the majority side; quorum nodes suspect the far side":
    "  分断: Raft は多数派側でリーダーを選び、クォーラムのノードは反対側を疑う",
  "  {0} (minority side, via {1}) {2}": "  {0} (少数派側、{1} 経由) が{2}",
  "  {0} (majority side, via {1}) {2}": "  {0} (多数派側、{1} 経由) が{2}",
  "    {0} — (nothing to do)": "    {0} — (何もしない)",
  "  heal: both stores converge": "  修復: 両方のストアが収束する",
  "  A user sees on CP: {0}": "  CP でユーザーに見えるもの: {0}",
  "  A user sees on AP: {0}": "  AP でユーザーに見えるもの: {0}",
  "  Choose {0}: {1}": "  {0} を選ぶ: {1}",
  "Summary:": "まとめ:",
  "held by {0}: DOUBLE-BOOKED": "{0} が保持: 二重予約",
  "none": "なし",
  "use case": "ユースケース",
  "worst case when consistency breaks": "一貫性が崩れたときの最悪のケース",
  "choose": "選択",
  "Online bank balance inquiry": "オンラインバンキングの残高照会",
  "Follower count display": "フォロワー数の表示",
  "Airline seat booking": "航空券の座席予約",
  "News-site comments": "ニュースサイトのコメント",
  "Distributed lock / leader election": "分散ロック / リーダー選出",
  "a customer spends money that is not there": "顧客がないお金を使ってしまう",
  "a count a few followers behind": "数人分遅れた数",
  "two passengers, one seat": "1 つの座席に 2 人の乗客",
  "a comment appears late": "コメントの表示が遅れる",
  "two holders act at once": "2 つの保持者が同時に動く",
  "Alice": "Alice",
  "Bob": "Bob",
  "Alice's banking app": "Alice のバンキングアプリ",
  "a new follower": "新しいフォロワー",
  "another new follower": "もう 1 人の新しいフォロワー",
  "a visitor": "訪問者",
  "the visitor": "その訪問者",
  "an ATM": "ATM",
  "an operator": "運用者",
  "reader A": "読者 A",
  "reader B": "読者 B",
  "the article page": "記事ページ",
  "the gate agent": "搭乗口の係員",
  "worker A": "ワーカー A",
  "worker B": "ワーカー B",
  "books the last seat, 12A": "最後の座席 12A を予約する",
  "checks it holds the lock before billing": "請求処理の前に自分がロックを持っているか確かめる",
  "follows": "フォローする",
  "loads the comments again": "コメントをもう一度読み込む",
  "loads the comments": "コメントを読み込む",
  "looks up seat 12A at boarding": "搭乗時に座席 12A を調べる",
  "merges siblings (union of comments, written with the read's context)":
    "兄弟値をマージする (コメントの和集合を、読み取りのコンテキスト付きで書く)",
  "opens the profile page": "プロフィールページを開く",
  "pays out 30": "30 を払い出す",
  "posts a comment": "コメントを投稿する",
  "reads the lock": "ロックを読む",
  "reloads the page": "ページを再読み込みする",
  "shows the balance again": "残高をもう一度表示する",
  "shows the balance": "残高を表示する",
  "takes the lock (free → worker-A)": "ロックを取る (空き → worker-A)",
  "takes the lock (free → worker-B)": "ロックを取る (空き → worker-B)",
  "a balance is a statement about money: shown too high, the customer spends money that is not there; a short 'try again later' is the lesser harm.":
    "残高はお金についての言明だ: 高く表示すれば顧客はないお金を使ってしまう。短い「後でお試しください」の方が害は小さい。",
  "a count a little behind for a few seconds harms nobody, while a page that fails to load is what every visitor notices.":
    "数秒だけ少し遅れた数は誰も傷つけないが、読み込めないページには訪問者の誰もが気づく。",
  "two confirmed passengers for one seat are found out at the gate, where it costs most; refusing one booking during the partition costs a retry.":
    "1 つの座席に確定した 2 人の乗客は搭乗口で発覚し、そこで最も高くつく。分断中に予約を 1 つ断っても、かかるのは再試行だけだ。",
  "a comment shown late or out of order harms nobody, and comment lists merge without loss (their union); refusing to post throws away what the reader wrote.":
    "コメントの表示が遅れても順序が前後しても誰も傷つかず、コメントの一覧は失うことなくマージできる (和集合)。投稿を拒めば読者が書いたものを捨てることになる。",
  "a lock two workers hold is no lock at all: both act, and the damage is done before anyone merges anything; a lock service must refuse rather than grant twice.":
    "2 つのワーカーが持てるロックはロックではない: 両方が動き、誰かが何かをマージする前に被害が出る。ロックサービスは二重に与えるくらいなら拒まなければならない。",
  " and ": " と ",
};
