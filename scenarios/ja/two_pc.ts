/**
 * Japanese for the `two_pc` scenario's narration: English template → Japanese, values as
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
 * import { JA } from "./two_pc.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  "coordinator: ACK for {0} from {1}": "コーディネーター: {1} から {0} の ACK",
  " (a duplicate: {0} is already finished; ignored)": " (重複: {0} はもう終わっているので無視する)",
  "coordinator: prepare {0} → {1}": "コーディネーター: {0} の Prepare → {1}",
  "votes YES on {0}, prepared record logged, locks {1}":
    "{0} に YES を投票し、準備完了の記録をログに書き、{1} をロックする",
  "votes NO on {0} ({1})": "{0} に NO を投票 ({1})",
  "coordinator: decision {0} for {1} logged": "コーディネーター: {1} の決定 {0} をログに書いた",
  " (presumed abort: no record of it)": " (推定アボート: 記録がない)",
  "commits {0}, releases its lock, sends ACK": "{0} をコミットし、ロックを解放して ACK を送る",
  "aborts {0}, releases its lock": "{0} をアボートし、ロックを解放する",
  "coordinator: every participant acknowledged {0}; it is finished":
    "コーディネーター: 参加者全員が {0} に ACK を返した。完了",
  "was blocked on {0} for {1} ms": "{0} で {1} ms ブロックしていた",
  "recovers: log says commit, re-sends it for {0}":
    "回復: ログにはコミットとあるので、{0} に再送する",
  "recovers: {0} still prepared, lock re-taken": "回復: {0} はまだ準備完了のまま。ロックを取り直す",
  "CRASHES": "クラッシュ",
  "Two-phase commit of an EC-site order: n1 coordinator, n2 inventory, n3 payment, n4 delivery.":
    "EC サイトの注文の 2 フェーズコミット: n1 がコーディネーター、n2 が在庫、n3 が決済、n4 が配送。",
  "1. Happy path: every participant votes yes, the coordinator logs COMMIT, and each\n   participant answers the commit with an ACK, so the coordinator can forget o1.":
    "1. 正常系: 参加者全員が yes に投票し、コーディネーターが COMMIT をログに書く。各参加者は\n   コミットに ACK で答えるので、コーディネーターは o1 を忘れてよくなる。",
  "   client: {0}": "   クライアント: {0}",
  "2. The payment service votes no for o2: the coordinator aborts everywhere.":
    "2. 決済サービスが o2 に no を投票する: コーディネーターはすべての参加者でアボートする。",
  "   client: {0}\n   No ACKs for an abort. The chapter's figure draws ACKs after a commit; distlab uses\n   presumed abort, so a transaction the coordinator has no record of is aborted, and\n   only commits need acknowledging before the coordinator may forget them.":
    "   クライアント: {0}\n   アボートには ACK がない。章の図はコミットの後に ACK を描いているが、distlab は\n   推定アボート (presumed abort) を使う。コーディネーターに記録のないトランザクションは\n   アボートとみなすので、忘れる前に確認応答が必要なのはコミットだけである。",
  "3. The coordinator crashes after every participant voted yes on o3, before it decides.":
    "3. 参加者全員が o3 に yes を投票した後、決定する前にコーディネーターがクラッシュする。",
  "   Two seconds later the participants are still blocked — they promised to commit if told\n   to and may not decide alone — and they hold their locks all the while:":
    "   2 秒後も参加者はブロックしたまま — 言われればコミットすると約束したので、自分だけでは\n   決められない — そしてその間ずっとロックを握っている:",
  "   A read of stock/item-1 at n2: {0} units, locked by {1}.\n   client: {2}\n   The coordinator restarts. Presumed abort: it has no record of o3, so o3 aborted.":
    "   n2 で stock/item-1 を読むと: 在庫 {0}、{1} がロック中。\n   クライアント: {2}\n   コーディネーターが再起動する。推定アボート: o3 の記録がないので、o3 はアボートされた。",
  "4. The coordinator logs COMMIT for o4, its commit messages are lost, and it crashes.":
    "4. コーディネーターが o4 の COMMIT をログに書くが、コミットのメッセージが失われ、クラッシュする。",
  "   client: {0} (the decision was on disk before the answer)":
    "   クライアント: {0} (応答する前に決定はディスクにあった)",
  "   The coordinator restarts, reads COMMIT in its log and re-sends it.":
    "   コーディネーターが再起動し、ログの COMMIT を読んで再送する。",
  "Coordinator totals: {0} committed, {1} aborted.":
    "コーディネーターの集計: コミット {0} 件、アボート {1} 件。",
  "node": "ノード",
  "role": "役割",
  "locks": "ロック",
  "in doubt": "未決",
  "blocked since": "ブロック開始",
  "suspects": "疑っている相手",
  "coordinator": "コーディネーター",
  "inventory": "在庫",
  "payment": "決済",
  "delivery": "配送",
  "all voted yes": "全員が yes",
  "payment refused o2": "決済が o2 を拒否",
  "ok: committed": "ok: コミット済み",
  "fail: aborted: n3 (payment) voted no: payment refused o2":
    "fail: アボート: n3 (決済) が no に投票: 決済が o2 を拒否",
  "no answer (the outcome is unknown to the client)": "応答なし (クライアントには結果がわからない)",
  "5. The same crash under Paxos Commit (Gray and Lamport): each participant's vote is\n   chosen by its own Paxos instance among three acceptors (n1, n2, n3), so when the\n   coordinator dies after every prepare, n2 takes over, finishes the instances and\n   decides — proposing abort for any vote it cannot find. The coordinator stays down\n   for 2 s, then 4 s:":
    "5. 同じクラッシュを Paxos Commit (Gray と Lamport) で: 各参加者の投票は 3 つのアクセプター\n   (n1、n2、n3) の間の参加者ごとの Paxos インスタンスで決まる。だからコーディネーターが\n   全員の Prepare の後に落ちても、n2 が引き継いでインスタンスを終わらせ、決定する —\n   見つからない投票にはアボートを提案する。コーディネーターは 2 秒、次に 4 秒落ちたまま:",
  "protocol": "プロトコル",
  "coordinator down": "コーディネーター停止",
  "locks held": "ロック保持",
  "blocked": "ブロック",
  "released while down": "停止中に解放",
  "decision": "決定",
  "decided by": "決定したノード",
  "messages per transaction": "トランザクションあたりのメッセージ",
  "yes": "はい",
  "no": "いいえ",
  "commit": "コミット",
  "abort": "アボート",
  "   2PC blocks for as long as the coordinator is down ({0} ms, then {1} ms);\n   Paxos Commit does not block: its participants wait {2} ms, the takeover delay,\n   however long the coordinator stays down. The price is messages: {3} per\n   transaction against 2PC's {4} (here F = 1: two more acceptors hear every vote).":
    "   2PC はコーディネーターが落ちている間ずっとブロックする ({0} ms、次に {1} ms)。\n   Paxos Commit はブロックしない: 参加者が待つのは引き継ぎの遅延 {2} ms だけで、\n   コーディネーターがどれだけ長く落ちていても変わらない。代償はメッセージ数: トランザクション\n   あたり {3} 通、2PC は {4} 通 (ここでは F = 1: 2 つの追加のアクセプターがすべての投票を聞く)。",
};
