/**
 * Japanese for the `raft_failover` scenario's narration: English template → Japanese, values as
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
 * import { JA } from "./raft_failover.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  "cut off": "切断中",
  "{0}  {1}: election timeout; pre-vote for term {2} (asks first, without raising its term)":
    "{0}  {1}: 選挙タイムアウト。任期 {2} の事前投票 (PreVote) を求める (任期を上げる前にまず尋ねる)",
  "{0}  {1}: election timeout; becomes Candidate, term {2}, votes for itself, asks the others":
    "{0}  {1}: 選挙タイムアウト。候補者になり、任期 {2}、自分に投票して他のノードに投票を求める",
  " — it still hears a leader": " — まだリーダーからの連絡がある",
  "{0}  {1} grants pre-vote to {2} (term {3})": "{0}  {1} が {2} に事前投票を与える (任期 {3})",
  "{0}  {1} refuses pre-vote to {2} (term {3})": "{0}  {1} が {2} への事前投票を拒む (任期 {3})",
  "{0}  {1} grants vote to {2} (term {3})": "{0}  {1} が {2} に投票する (任期 {3})",
  "{0}  {1} refuses vote to {2} (term {3})": "{0}  {1} が {2} への投票を拒む (任期 {3})",
  "{0}  {1} is now {2} (term {3})": "{0}  {1} は{2}になった (任期 {3})",
  "raft-failover{0}: 5 nodes, heartbeat 50 ms, election timeout 150–300 ms (seed {1})":
    "raft-failover{0}: 5 ノード、ハートビート 50 ms、選挙タイムアウト 150–300 ms (シード {1})",
  "  The chapter's Raft: three roles only (Leader, Follower, Candidate); PreVote and\n  CheckQuorum are turned off (raft options preVote=false, checkQuorum=false).":
    "  章の Raft: 役割は 3 つだけ (リーダー、フォロワー、候補者)。PreVote と CheckQuorum は\n  切ってある (raft のオプション preVote=false, checkQuorum=false)。",
  "  distlab's default Raft: PreVote and CheckQuorum are on. The chapter's Raft has three\n  roles; PreVote adds a fourth, the pre-candidate, and CheckQuorum makes a leader that\n  hears no majority step down. `--plain` runs the chapter's Raft instead.":
    "  distlab の既定の Raft: PreVote と CheckQuorum が有効。章の Raft の役割は 3 つだが、\n  PreVote は 4 つ目の役割「事前候補者」を加え、CheckQuorum は過半数から連絡のない\n  リーダーを自ら退かせる。`--plain` を付けると章の Raft で動く。",
  "  Times are ms since n1's network fails (t=0), on one clock for the whole run.":
    "  時刻は n1 のネットワークが落ちた時点 (t=0) からの ms。実行全体で 1 つの時計を使う。",
  "Initial state: n1 is Leader in term 3; x=1 (log index 4) is committed on every node.":
    "初期状態: n1 が任期 3 のリーダー。x=1 (ログのインデックス 4) は全ノードでコミット済み。",
  "Step 1 — t=0: n1's network fails (every link to and from n1 is cut).\n  A client sends write x=2 to n1: n1 appends it at index 5 (term 3) but cannot reach\n  a majority, so it never commits.":
    "ステップ 1 — t=0: n1 のネットワークが落ちる (n1 との間のリンクがすべて切れる)。\n  クライアントが n1 に x=2 の書き込みを送る: n1 はそれをインデックス 5 (任期 3) に追加するが、\n  過半数に届かないので決してコミットされない。",
  "Step 2 — t={0}: {1} won a majority and leads term {2}. n1, cut off, still believes it leads term 3:":
    "ステップ 2 — t={0}: {1} が過半数の票を得て任期 {2} のリーダーになった。切り離された n1 は、まだ自分が任期 3 のリーダーだと思っている:",
  "  Index {0} now differs: term {1} (x=2) on n1, term {2} ({3}'s no-op) on {4}.":
    "  インデックス {0} が食い違う: n1 では任期 {1} (x=2)、{4} では任期 {2} ({3} の no-op)。",
  "  Without CheckQuorum nothing tells n1 it has lost its majority. A leader has no\n  election timer, so n1 keeps sending heartbeats into the cut and stays Leader of\n  term 3 until the heal at t={0} — two leaders, of different terms, at once.":
    "  CheckQuorum がなければ、n1 に過半数を失ったと教えるものは何もない。リーダーには\n  選挙タイマーがないので、n1 は切れたリンクにハートビートを送り続け、t={0} の修復まで\n  任期 3 のリーダーのままでいる — 任期の異なる 2 人のリーダーが同時にいることになる。",
  "  With CheckQuorum, a leader that has not heard from a majority for an election\n  timeout steps down — so n1 stops claiming leadership before it hears of term {0}.\n  Then, as a follower, it times out again and again; each time it asks for a\n  pre-vote, hears nothing, and keeps term 3:":
    "  CheckQuorum があれば、選挙タイムアウトの間に過半数から連絡のないリーダーは退く —\n  だから n1 は任期 {0} のことを知る前にリーダーであることをやめる。\n  その後フォロワーとして何度もタイムアウトし、そのたびに事前投票を求めるが返事はなく、\n  任期 3 のままでいる:",
  "  write x=2 sent to n1: {0}\n  Just before the heal (t={1}):":
    "  n1 に送った x=2 の書き込み: {0}\n  修復の直前 (t={1}):",
  "Step 3 — t={0}: n1's network comes back.": "ステップ 3 — t={0}: n1 のネットワークが戻る。",
  "  n1 hears of term {0} (> 3) from the others: it is Follower of term {1}, and its\n  uncommitted entry at index {2} (term {3}, x=2) is overwritten by the leader's entry of term {4}.":
    "  n1 は他のノードから任期 {0} (> 3) のことを知る: 任期 {1} のフォロワーになり、\n  インデックス {2} にあった未コミットのエントリ (任期 {3}、x=2) はリーダーの任期 {4} のエントリで上書きされる。",
  "  n1 led term 3 from before t=0 until t={0}, after the heal at t={1}.":
    "  n1 は t=0 より前から t={0} まで任期 3 をリードしていた。修復は t={1}。",
  "  PreVote is why n1's return is quiet: after stepping down it could not win a\n  pre-vote while cut off, so it never raised its term and does not depose the\n  healthy leader when it rejoins.":
    "  n1 の復帰が静かなのは PreVote のおかげだ: 退いた後、切り離されている間は事前投票に\n  勝てないので任期を上げることがなく、戻ったときに健全なリーダーを引きずり下ろさない。",
  "  read x via {0}: {1} — the write n1 accepted alone was lost,\n  and its client was told {2} ({3}), never ok.":
    "  {0} 経由で x を読む: {1} — n1 が単独で受け付けた書き込みは失われ、\n  そのクライアントへの答えは {2} ({3}) で、ok になることはない。",
  "Beside it, the chapter's plain Raft (`--plain`: no PreVote, no CheckQuorum):\n  n1 stays Leader of term 3 until the heal (t={0}) and only steps down at t={1}, when\n  it hears term {2}; here CheckQuorum ended its lead at t={3}.\n  The data is the same either way: the entry n1 took alone is overwritten, x stays 1.":
    "それと並べて、章の素の Raft (`--plain`: PreVote なし、CheckQuorum なし):\n  n1 は修復 (t={0}) まで任期 3 のリーダーのままで、任期 {2} を知る t={1} になって\n  ようやく退く。こちらでは CheckQuorum が t={3} に n1 のリードを終わらせた。\n  データはどちらでも同じ: n1 が単独で受け取ったエントリは上書きされ、x は 1 のまま。",
  "Beside it, distlab's default (PreVote and CheckQuorum, `raft-failover` without flags):\n  n1 steps down by itself at t={0}, well before the heal (t={1}), so\n  clients of n1 are told early that it no longer leads. Safety is the same: a leader\n  of an old term can never commit, because no majority accepts its entries.\n  PreVote matters for a node cut off as a follower: plain Raft lets it raise its term\n  at every timeout and depose the healthy leader when it returns; PreVote stops that.":
    "それと並べて、distlab の既定 (PreVote と CheckQuorum、フラグなしの `raft-failover`):\n  n1 は修復 (t={1}) よりずっと前の t={0} に自分から退くので、n1 のクライアントは\n  もうリードしていないことを早く知らされる。安全性は同じ: 古い任期のリーダーは決して\n  コミットできない。そのエントリを受け入れる過半数がいないからだ。\n  PreVote が効くのは、フォロワーとして切り離されたノードだ: 素の Raft ではタイムアウト\n  のたびに任期を上げ、戻ったときに健全なリーダーを退かせてしまう。PreVote はそれを防ぐ。",
  "no answer yet": "まだ応答なし",
  "nothing": "何も",
  "outcome unknown": "結果不明",
  "not applied": "適用されず",
  "Leader": "リーダー",
  "Follower": "フォロワー",
  "Candidate": "候補者",
  "Pre-candidate": "事前候補者",
  "Down": "停止",
  "node": "ノード",
  "state": "状態",
  "term": "任期",
  "voted for": "投票先",
  "knows leader": "認識するリーダー",
  "log (term of entry 1..n)": "ログ (エントリ 1..n の任期)",
  "last index": "最終インデックス",
  "commit": "コミット",
  "network": "ネットワーク",
};
