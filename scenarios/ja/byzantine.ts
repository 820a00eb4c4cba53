/**
 * Japanese for the `byzantine` scenario's narration: English template → Japanese, values
 * as {0}, {1}, … (see i18n/catalogue.ts). Terms follow docs/glossary.md.
 *
 * @module
 */

import type { Catalogue } from "../../i18n/catalogue.ts";

/**
 * The catalogue.
 *
 * @example
 * ```ts
 * import { JA } from "./byzantine.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  "A Byzantine node runs and answers, but what it says may be false. Seed {0}; each\nrun starts a fresh cluster, times are ms since it started.":
    "ビザンチンノードは動いていて応答もするが、その内容が偽りかもしれない。シード {0}。\n各実行は新しいクラスタで始まり、時刻はその開始からの ms。",
  "1. Raft trusts every vote and every acknowledgement. Five raft-kv nodes behind a\n   bridge: {n1,n2} and {n4,n5} cannot reach each other, n3 reaches both, so every\n   majority (3 of 5) holds n3. An honest n3 votes once per term, so only one side can\n   elect a leader. Here n3 lies, in the simulator's lie mode, with a lie of its own:\n   a vote it refuses is sent as granted, and nothing else changes.":
    "1. Raft はあらゆる投票と確認応答を信じる。5 台の raft-kv ノードをブリッジ状に分断する:\n   {n1,n2} と {n4,n5} は互いに届かず、n3 だけが両側に届く。したがってどの過半数 (5 台中 3 台) にも\n   n3 が入る。正直な n3 は任期ごとに 1 回しか投票しないので、リーダーを選べるのは片側だけだ。\n   ここでは n3 がシミュレータの lie モードで、独自の嘘をつく: 拒否した投票を「与えた」として\n   送り、それ以外は何も変えない。",
  "pre-vote": "事前投票",
  "vote": "投票",
  "  {0}  n3 grants {1} its {2} for term {3} (the truth)":
    "  {0}  n3 が {1} に任期 {3} の{2}を与える (本当のこと)",
  '  {0}  n3\'s code refuses {1} its {2} for term {3}; {4} is told "granted"':
    '  {0}  n3 のコードは {1} への任期 {3} の{2}を拒むが、{4} には「与えた」("granted") と伝わる',
  "  {0}  {1} becomes leader of term {2}": "  {0}  {1} が任期 {2} のリーダーになる",
  "  t={0} ms, Raft's invariants: {1}": "  t={0} ms、Raft の不変条件: {1}",
  "election safety: {0} and {1} both leaders in term {2}":
    "選挙の安全性の違反: 任期 {2} に {0} と {1} の両方がリーダー",
  "agreement: {0} decided {1} at sequence {2}, {3} decided {4}":
    "合意の違反: シーケンス番号 {2} で {0} は {1} を、{3} は {4} を決定した",
  "  client → {0}: {1} → {2}": "  クライアント → {0}: {1} → {2}",
  "  linearizability checker: {0}": "  線形化可能性チェッカー: {0}",
  "linearizable": "線形化可能",
  "not-linearizable": "線形化可能でない",
  "unknown": "判定不能",
  '  — the read at {0} returned "left" after the write of "right" at {1} had been\n  acknowledged: no order of the four calls explains that.':
    '  — {1} への "right" の書き込みが確認応答された後に、{0} での読み取りが "left" を返した:\n  4 つの呼び出しをどう並べてもこれは説明できない。',
  "  The same seed and bridge, three ways for n3:":
    "  同じシードと同じブリッジで、n3 のふるまいを 3 通りに変える:",
  "honest": "正直",
  "generic lie (terms + 1)": "汎用の嘘 (任期 + 1)",
  "forged votes": "偽の投票",
  "leaders at 1 s": "1 秒時点のリーダー",
  "invariants": "不変条件",
  "writes ok": "成功した書き込み",
  "checker": "チェッカー",
  "x after heal": "修復後の x",
  "hold": "成立",
  "holds": "成立",
  "VIOLATED": "違反",
  "  Honest, n3 gives its one vote of term 1 to one side; the other side's write fails.\n  The generic lie claims a higher term in every message, so a candidate that hears n3\n  steps down before it wins: no leader, nothing commits — a liar can stop Raft. A forged\n  vote costs it nothing and breaks safety: two leaders in one term, two committed values\n  for x, and two halves that stay different after the heal.":
    "  正直な n3 は任期 1 のただ 1 票を片側に与え、もう片側の書き込みは失敗する。\n  汎用の嘘はすべてのメッセージでより大きな任期を名乗るので、n3 の応答を受けた候補者は\n  勝つ前に退く: リーダーはおらず、何もコミットされない — 嘘をつくノードは Raft を止められる。\n  偽の投票は嘘つきに何の代償もなく安全性を壊す: 1 つの任期に 2 つのリーダー、x にコミット\n  された 2 つの値、そして修復後も食い違ったままの 2 つの半分。",
  "  Leaders 2 s after the heal: honest {0}; generic lie {1}; forged votes {2}.":
    "  修復の 2 秒後のリーダー: 正直 {0}。汎用の嘘 {1}。偽の投票 {2}。",
  "none": "なし",
  "2. PBFT with 4 replicas tolerates f = 1 liar: every step waits for 2f + 1 = 3 matching\n   signed votes, and a client believes a result only when f + 1 = 2 replicas agree.\n   n1, the primary of view 0, is Byzantine; links are authenticated (HMAC-SHA256), so\n   n1 cannot speak for another replica. Three clients for 3 s, each mode in turn:":
    "2. 4 レプリカの PBFT は f = 1 台の嘘つきに耐える: どの段階も署名付きの一致する投票を\n   2f + 1 = 3 票待ち、クライアントは f + 1 = 2 台のレプリカが一致したときだけ結果を信じる。\n   ビュー 0 のプライマリ n1 がビザンチンノードで、リンクは認証されている (HMAC-SHA256) ので\n   n1 は他のレプリカになりすませない。3 つのクライアントで 3 秒、モードを 1 つずつ試す:",
  "operations": "操作数",
  "views at the end": "最後のビュー",
  "agreement": "合意",
  "data": "データ",
  "same on n2-n4": "n2-n4 で同じ",
  "differs": "食い違う",
  "  A lying or equivocating primary cannot gather 3 votes for two different requests at\n  one sequence number: any two groups of 3 among 4 share 2 replicas, at least one of\n  them correct, and a correct replica votes once. The backups time out and elect a new\n  primary (view 1).":
    "  嘘をつく、あるいは相手ごとに違うことを言うプライマリでも、1 つのシーケンス番号で 2 つの\n  異なる要求にそれぞれ 3 票を集めることはできない: 4 台中 3 台の組どうしは必ず 2 台を共有し、\n  そのうち少なくとも 1 台は正しく、正しいレプリカは 1 回しか投票しない。バックアップは\n  タイムアウトし、新しいプライマリを選ぶ (ビュー 1)。",
  "3. Why 3f + 1. A quorum of q among n replicas must form while f liars stay silent\n   (q ≤ n − f), and two quorums must share a correct replica, since the liars among the\n   shared ones can vote both ways (2q − n ≥ f + 1). Together: n ≥ 3f + 1.":
    "3. なぜ 3f + 1 か。n 台のレプリカのうち q 台のクォーラムは、f 台の嘘つきが黙っていても\n   そろわなければならない (q ≤ n − f)。また 2 つのクォーラムは正しいレプリカを共有しなければ\n   ならない。共有する中の嘘つきは両方に投票できるからだ (2q − n ≥ f + 1)。合わせると n ≥ 3f + 1。",
  "quorum": "クォーラム",
  "live: q ≤ n − f": "活性: q ≤ n − f",
  "shared: 2q − n": "共有: 2q − n",
  "safe: shared ≥ f + 1": "安全: 共有 ≥ f + 1",
  "yes": "はい",
  "no": "いいえ",
  "  With 3 replicas and 1 liar, no quorum is both. Both choices, run:":
    "  3 レプリカで嘘つきが 1 台なら、両方を満たすクォーラムはない。2 つの選択肢を実際に動かす:",
  "no answer": "応答なし",
  "  a) quorum {0} (f = 1): n3 is silent towards n2. n2 never sees 3 prepares, so it\n     never commits; n1 needs n2's commit for its 3. After 3 s the client writing x=1 at\n     n1 has {1}; requests executed per replica: {2}; views reached:\n     {3} — view changes need 3 votes too. Safe, and stopped for good.":
    "  a) クォーラム {0} (f = 1): n3 は n2 に対して沈黙する。n2 には prepare が 3 つそろわないので\n     コミットしない。n1 が 3 つの commit をそろえるには n2 の commit が要る。3 秒後、n1 で x=1 を\n     書くクライアントは{1}。レプリカごとの実行済み要求: {2}。到達したビュー:\n     {3} — ビュー変更にも 3 票が要る。安全だが、完全に止まったまま。",
  "  b) quorum {0} (f = 0, what ⌊(3 − 1) / 3⌋ gives): n1 sends n3 the client's write\n     x=1 and n2 a no-op at sequence 1 (truth to odd peers, lies to even ones). n2's quorum\n     is {n1, n2}, n3's is {n1, n3}: they share only n1.":
    "  b) クォーラム {0} (f = 0、⌊(3 − 1) / 3⌋ の値): n1 はシーケンス番号 1 に、n3 へはクライアントの\n     書き込み x=1 を、n2 へは何もしない操作 (no-op) を送る (奇数番のピアには本当を、偶数番には嘘を)。\n     n2 のクォーラムは {n1, n2}、n3 のは {n1, n3}: 共有するのは n1 だけだ。",
  "a no-op": "何もしない操作 (no-op)",
  "nothing": "なし",
  "{0} decided {1}, holds x = {2}": "{0} は {1} を決定し、x = {2}",
  "     t={0} ms, PBFT's invariants: {1}\n     {2}; {3}. The client at n3 was told: {4}.":
    "     t={0} ms、PBFT の不変条件: {1}\n     {2}。{3}。n3 のクライアントへの答えは {4}。",
  "  So a Byzantine-tolerant system needs at least 4 replicas for one liar, 7 for two —\n  the chapter's bound: fewer than a third of the nodes may fail that way. And the lie\n  needs no broken link: every message here was authentic. Signatures and MACs say who\n  spoke, not whether it told the truth.":
    "  だからビザンチン障害に耐えるには、嘘つき 1 台に少なくとも 4 レプリカ、2 台なら 7 レプリカが要る\n  — 章の示す上限どおり、そう故障してよいのは全体の 3 分の 1 未満だ。しかも嘘にはリンクの\n  破れなど要らない: ここでのメッセージはすべて本物だった。署名や MAC が示すのは誰が言ったか\n  であって、それが本当かではない。",
};
