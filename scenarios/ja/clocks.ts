import type { Catalogue } from "../../i18n/catalogue.ts";
/** x */
export const JA: Catalogue = {
  "Logical clocks: the chapter's Lamport figure, then its vector clocks (§7).\n  Rules: a local event or a send adds 1; a receipt takes max(own, stamp) + 1.\n  A sends m1 to C, then m2 to B; B, after m2, sends m3 to both A and C; C ends\n  with a local event.":
    "論理時計: 章のランポート時計の図と、そのベクトル時計 (§7)。\n  規則: 内部イベントと送信はカウンタを 1 進める。受信は max(自分, 受け取った値) + 1。\n  A は C に m1、続いて B に m2 を送る。B は m2 を受けてから A と C の両方に m3 を送り、\n  最後に C で内部イベントが 1 つ起きる。",
  "Events with the textbook rule (one multicast = one send event):":
    "教科書どおりの規則 (1 回のマルチキャストは送信イベント 1 つ) で数えたイベント:",
  "event": "イベント",
  "process": "プロセス",
  "vector": "ベクトル",
  "Lamport times per process, three ways of counting the multicast m3:":
    "プロセスごとのランポート時刻 (マルチキャスト m3 の数え方を 3 通りで比べる):",
  "one event (chapter)": "1 イベント (章)",
  "per copy": "コピーごと",
  "simulator": "シミュレータ",
  "  With one event, B's send of m3 is 4 for both copies and C receives it at 5,\n  as in the chapter. distlab's node host stamps each copy as its own send (4 to A,\n  5 to C), so C receives at 6 and its local event is 7: still a valid Lamport\n  clock (every causal step increases), just with one more tick. The simulator run\n  of the same exchange agrees with the per-copy column.":
    "  1 イベントとして数えると、B の m3 送信は両方のコピーとも 4 で、C は 5 で受け取る。\n  これが章の図である。distlab のノードホストはコピーごとに別の送信として刻む\n  (A 宛て 4、C 宛て 5) ので、C の受信は 6、内部イベントは 7 になる。因果の各段で\n  値が増えるので、ランポート時計としてはこれも正しい。1 つ多く進むだけである。\n  同じやり取りをシミュレータで実際に流した結果は「コピーごと」の列と一致する。",
  "The chapter's vector comparisons:": "章のベクトル比較:",
  "neither is <= the other in every entry: concurrent": "要素がどれも相手以下ではない: 並行",
  "every entry <= and one < : the first happened before the second":
    "どの要素も <= で、少なくとも 1 つが < : 前者が後者より因果的に先行する",
  "every entry >= and one > : the second happened before the first":
    "どの要素も >= で、少なくとも 1 つが > : 後者が前者より因果的に先行する",
  "  {0} vs {1}: {2}": "  {0} と {1}: {2}",
  "  (In the figure, [A:1, B:0, C:0] is a1 and [A:2, B:1, C:0] is b1.)":
    "  (図では [A:1, B:0, C:0] が a1、[A:2, B:1, C:0] が b1 にあたる。)",
  "All {0} pairs of the figure's {1} events, by their vectors:\n  happened-before: {2}, and in every one of them L(a) < L(b)\n    (pairs where it fails: {3});\n  concurrent: {4}, of which {5} have different Lamport\n    times, so comparing Lamport times alone would order events that are unrelated:":
    "図の {1} 個のイベントからできる {0} 組すべてを、ベクトルで分類すると:\n  因果的に先行 (happened-before): {2} 組。そのどれでも L(a) < L(b) が成り立つ\n    (成り立たない組: {3})。\n  並行: {4} 組。うちランポート時刻が異なるものが {5} 組あり、\n    ランポート時刻だけを比べると、因果関係のないイベントにまで順序を付けてしまう:",
  "    {0} (L={1}) and {2} (L={3})": "    {0} (L={1}) と {2} (L={3})",
  "  Vector clocks tell the two cases apart; Lamport clocks only give a total order\n  consistent with causality.":
    "  ベクトル時計なら 2 つの場合を見分けられる。ランポート時計が与えるのは、\n  因果関係と矛盾しない全順序だけである。",
  // The figure's event labels (data in clocks.ts, translated where printed).
  "a1 send m1 to C": "a1 C に m1 を送信",
  "c1 receive m1": "c1 m1 を受信",
  "a2 send m2 to B": "a2 B に m2 を送信",
  "b1 receive m2": "b1 m2 を受信",
  "b2 send m3 to A and C": "b2 A と C に m3 を送信",
  "a3 receive m3": "a3 m3 を受信",
  "c2 receive m3": "c2 m3 を受信",
  "c3 local event": "c3 内部イベント",
};
