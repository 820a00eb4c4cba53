/**
 * Japanese for the `partitioning` scenario's narration: English template → Japanese, values as
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
 * import { JA } from "./partitioning.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  "Partitioning: ranges, hashing and the consistent-hash ring (§5).":
    "パーティショニング: 範囲、ハッシュ、コンシステントハッシュのリング (§5)。",
  '1. Range partitioning, three shards {0} (split before "h" and "o").\n   Keys are folded to lower case first (Unicode NFKC, then lower case): compared\n   raw, \'Z\' < \'a\', so with splits "H" and "O" every lowercase key would sort past\n   "O" and land in O-Z. The raw column shows that mistake; hash mod 3 beside it:':
    '1. 範囲による分割 (レンジパーティショニング)。3 つのシャード {0} ("h" と "o" の手前で分ける)。\n   キーはまず小文字に揃える (Unicode NFKC のあと小文字化)。そのまま比べると \'Z\' < \'a\'\n   なので、分割点を "H" と "O" にすると小文字のキーはすべて "O" より後ろに並び、\n   O-Z に入ってしまう。その誤りを「そのまま」の列に、hash mod 3 を隣に示す:',
  '   A range query for keys from "a" to "c" ({0}) reads\n   {1} shard with ranges and {2} with hashing: ranges keep neighbours\n   together, hashing scatters them.':
    '   "a" から "c" までのキーを範囲検索すると ({0})、範囲分割では {1} 個の\n   シャード、ハッシュ分割では {2} 個を読む: 範囲分割は隣り合うキーをまとめて置き、\n   ハッシュ分割はばらばらにする。',
  '   The other side: {0} sequential keys order-0001...order-1000 all start\n   with "o": the busiest range shard takes {1} of them (a hot spot),\n   the busiest hash shard {2}.':
    '   裏返しの面もある: 連番のキー order-0001...order-1000 の {0} 個はすべて "o" で\n   始まるので、最も忙しい範囲シャードがその {1} を引き受ける (ホットスポット)。\n   ハッシュ分割で最も忙しいシャードは {2}。',
  "2. The chapter's ring: hash space 0..2^32 drawn as 0..360 degrees, one token per node.\n   A key belongs to the first node clockwise from its hash (past 360 it wraps to 0).":
    "2. 章のリング: ハッシュ空間 0..2^32 を 0..360 度の円として描き、ノードごとにトークンは 1 つ。\n   キーは、そのハッシュから時計回りに進んで最初に出会うノードのもの (360 を越えたら 0 に戻る)。",
  "{0} deg": "{0} 度",
  "   Some keys:": "   いくつかのキー:",
  "   {0} joins at {1} deg: it takes the arc (30, {2}] from Node-B, {3} of the ring.\n   Of {4} keys, {5} moved ({6}), all from {7} to {8}; no other node noticed.":
    "   {0} が {1} 度に参加する: Node-B から弧 (30, {2}] を引き取る。リングの {3}。\n   {4} 個のキーのうち {5} 個 ({6}) が移動し、すべて {7} から {8} へ。他のノードは何も気づかない。",
  "   {0} leaves instead: its arc (120, 210] goes to the next node clockwise;\n   {1} keys moved ({2}), from {3} to {4} only.":
    "   代わりに {0} が抜けると、その弧 (120, 210] は時計回りで次のノードに移る。\n   移動したキーは {1} 個 ({2})、{3} から {4} へのものだけ。",
  "3. A fifth node joins four ({0} keys; the ring has 256 virtual nodes each):":
    "3. 4 台に 5 台目が加わる (キー {0} 個。リングはノードごとに仮想ノード 256 個):",
  "consistent hash": "コンシステントハッシュ",
  "   The chapter says hash mod N moves all the data; precisely, a key stays only when\n   hash mod 4 = hash mod 5, about 1 in 5, so about N/(N+1) move, and most of them\n   between nodes that were already there. The ring moves only what the new node takes.":
    "   章では hash mod N はデータをすべて動かすとしているが、正確には、キーが動かないのは\n   hash mod 4 = hash mod 5 のときだけで、それがおよそ 5 個に 1 個。つまり約 N/(N+1) が動き、\n   その大半は前からいたノード同士の移動である。リングで動くのは新しいノードが引き取る分だけだ。",
  "4. Virtual nodes: {0} nodes, each placing V tokens at hashed positions\n   ({1} keys; cv = standard deviation / mean of the keys per node).":
    "4. 仮想ノード: {0} 台のノードが、それぞれ V 個のトークンをハッシュで決まる位置に置く\n   (キー {1} 個。cv = ノードごとのキー数の標準偏差 / 平均)。",
  "   One token per node at a hashed position leaves arcs of very different lengths;\n   many small arcs per node average out (the spread falls roughly as 1/sqrt(V)). The\n   chapter's ring is even only because its four positions were chosen 90 deg apart.":
    "   ハッシュで決まる位置にノードごと 1 トークンだと、弧の長さが大きくばらつく。\n   ノードごとに小さな弧を多く持てば平均化される (ばらつきはおよそ 1/sqrt(V) で減る)。\n   章のリングが均等なのは、4 つの位置をちょうど 90 度ずつ離して選んでいるからにすぎない。",
  "key": "キー",
  "range shard": "範囲シャード",
  "raw (wrong)": "そのまま (誤り)",
  "hash mod 3": "hash mod 3",
  "node": "ノード",
  "position": "位置",
  "owns the arc": "受け持つ弧",
  "share": "割合",
  "hash position": "ハッシュ位置",
  "owner": "所有者",
  "scheme": "方式",
  "keys moved": "移動したキー",
  "expected": "期待値",
  "moved between old nodes": "既存ノード間の移動",
  "V per node": "ノードごとの V",
  "load spread (cv)": "負荷のばらつき (cv)",
  "about 1/sqrt(V)": "およそ 1/sqrt(V)",
  "busiest / mean": "最大 / 平均",
};
