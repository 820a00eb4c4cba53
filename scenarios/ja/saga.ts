/**
 * Japanese for the `saga` scenario's narration: English template → Japanese, values as
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
 * import { JA } from "./saga.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  "{0} for {1}: done": "{1}: {0} — 完了",
  "{0} for {1}: FAILED ({2})": "{1}: {0} — 失敗 ({2})",
  "{0} for {1} again: answered from its record (key {2}/{3})":
    "{1}: {0} をもう一度 — 記録から応答した (キー {2}/{3})",
  "{0} for {1}": "{1}: {0}",
  "orchestrator: compensate {0} ({1}) in reverse: {2}":
    "オーケストレータ: {0} を補償する ({1})。逆順に: {2}",
  "{0} ends {1}": "{0} は {1} で終了",
  "orchestrator recovers: resumes {0} from its saga log":
    "オーケストレータが回復: Saga ログから {0} を再開する",
  "CRASHES": "クラッシュ",
  "A. Orchestrated: n1 runs the saga and logs every transition before the next command.\n   A step gets 3 attempts; a step still unanswered then counts as failed.":
    "A. オーケストレーション型: n1 が Saga を動かし、次のコマンドを出す前に遷移をすべてログに書く。\n   各ステップは 3 回まで試し、それでも応答がなければ失敗とみなす。",
  "A1. Happy path.": "A1. 正常系。",
  "    client: {0}": "    クライアント: {0}",
  "A2. Payment refuses o2; the payment answer is slow, and a reader looks at the stock meanwhile.":
    "A2. 決済が o2 を拒否する。決済の応答は遅く、その間に読み手が在庫を見る。",
  '    read of stock/item-1 at n2: {0}  ← includes o2\'s reservation (order o2 reads "{1}")':
    '    n2 で stock/item-1 を読むと: {0}  ← o2 の確保分を含む (注文 o2 の状態は "{1}")',
  '    client: {0}\n    The reader saw stock reserved for an order that was then compensated: sagas give up\n    isolation; the order\'s "pending" state is the only (semantic) lock.\n    T2 failed outright, so it changed nothing and has no compensation to run: only C1.':
    '    クライアント: {0}\n    読み手は、後で補償されることになる注文のために確保された在庫を見た: Saga は分離性\n    (Isolation) を手放している。注文の "pending" 状態が唯一の (意味的な) ロックである。\n    T2 はそもそも失敗したので何も変えておらず、実行すべき補償もない: C1 だけ。',
  "A3. The orchestrator crashes after T2 ran but before it heard so.":
    "A3. T2 が実行された後、その結果を聞く前にオーケストレータがクラッシュする。",
  "    saga log on n1's disk: state {0}, steps done: {1}":
    "    n1 のディスク上の Saga ログ: 状態 {0}、完了したステップ: {1}",
  "    The repeated T2 was answered from the service's record: alice paid once.\n    client: {0} (the client's request died with the crash)\n    saga log: {1}":
    "    繰り返された T2 にはサービスの記録から応答した: alice の支払いは 1 回だけ。\n    クライアント: {0} (クライアントのリクエストはクラッシュとともに消えた)\n    Saga ログ: {1}",
  "A4. T3 runs, but its answers to the orchestrator are lost: C3 → C2 → C1.\n    The chapter's example compensates C3 → C2 → C1 after T3 fails. Where this differs:\n    a step that fails outright changed nothing and needs no compensation (A2). C3 runs\n    when T3's outcome is unknown — it may have happened — as here: n4 arranges the\n    delivery, every answer from n4 to n1 is lost, and after 3 attempts the orchestrator\n    compensates everything, T3 first.":
    "A4. T3 は実行されるが、オーケストレータへの応答が失われる: C3 → C2 → C1。\n    章の例では T3 が失敗した後に C3 → C2 → C1 と補償する。ここが違う点: そもそも失敗した\n    ステップは何も変えていないので補償はいらない (A2)。C3 が実行されるのは T3 の結果が\n    わからない — 実行されたかもしれない — ときで、ここがまさにそうだ: n4 は配送を手配するが、\n    n4 から n1 への応答はすべて失われ、3 回試した後にオーケストレータは T3 から順にすべてを\n    補償する。",
  "    when the orchestrator gave up: stock {0}, balance {1}, slots {2} — T3 had taken its slot.":
    "    オーケストレータが諦めた時点: 在庫 {0}、残高 {1}、配送枠 {2} — T3 は枠を 1 つ取っていた。",
  "    client: {0}\n    Every counter is back where A3 left it: the delivery slot, alice's money and the\n    stock were each given back once.":
    "    クライアント: {0}\n    どのカウンタも A3 の後の値に戻った: 配送枠、alice のお金、在庫はそれぞれ 1 回ずつ\n    返された。",
  "B. Choreographed: no orchestrator. Each service consumes the saga topic on the bus (broker n5)\n   and reacts to its neighbour's events; outcomes go out through a durable outbox.\n   (A fresh five-node cluster: its times start again at 0.)":
    "B. コレオグラフィー型: オーケストレータはいない。各サービスがバス (ブローカー n5) 上の saga\n   トピックを購読し、隣のサービスのイベントに反応する。結果は永続的なアウトボックスから出ていく。\n   (新しい 5 ノードのクラスタなので、時刻はまた 0 から始まる。)",
  "B1. Happy path.": "B1. 正常系。",
  "    events on the bus: {0}\n    client: {1}": "    バス上のイベント: {0}\n    クライアント: {1}",
  "B2. Delivery refuses o6: the failure travels back up the chain.":
    "B2. 配送が o6 を拒否する: 失敗がチェーンをさかのぼって伝わる。",
  "The EC-site order as a saga: T1 reserve stock → T2 take payment → T3 arrange delivery;\non failure the compensations C3 → C2 → C1 undo what was done, in reverse.\nn1 order service, n2 inventory, n3 payment, n4 delivery.":
    "Saga としての EC サイトの注文: T1 在庫を確保 → T2 決済を実行 → T3 配送を手配。\n失敗したら補償 C3 → C2 → C1 が、済んだことを逆順に取り消す。\nn1 が注文サービス、n2 が在庫、n3 が決済、n4 が配送。",
  "T1 reserve stock": "T1 在庫を確保",
  "T2 take payment": "T2 決済を実行",
  "T3 arrange delivery": "T3 配送を手配",
  "C1 return stock": "C1 在庫を戻す",
  "C2 refund": "C2 返金する",
  "C3 cancel delivery": "C3 配送をキャンセル",
  "payment refused o2": "決済が o2 を拒否",
  "delivery refused o6": "配送が o6 を拒否",
  "no answer from delivery after 3 attempts": "3 回試しても配送から応答なし",
  "ok: done": "ok: 完了",
  "no answer yet": "まだ応答なし",
  "fail: compensated: payment refused o2": "fail: 補償済み: 決済が o2 を拒否",
  "fail: compensated: no answer from delivery after 3 attempts":
    "fail: 補償済み: 3 回試しても配送から応答なし",
  "fail: compensated: delivery refused o6": "fail: 補償済み: 配送が o6 を拒否",
};
