/**
 * Japanese for the `event_sourcing` scenario's narration: English template → Japanese, values as
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
 * import { JA } from "./event_sourcing.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  "no answer": "応答なし",
  "ok (stream version {0})": "ok (ストリームのバージョン {0})",
  "insufficient stock of {0}: {1} available, {2} wanted": "在庫不足 ({0}): 在庫 {1}、要求 {2}",
  "store: conflict on {0} — expected version {1}, it is at {2}":
    "ストア: {0} で競合 — 期待したバージョンは {1} だが、現在は {2}",
  "command node: re-reads {0} and decides again (conflict {1})":
    "コマンドノード: {0} を読み直して判断し直す (競合 {1} 回目)",
  "Event sourcing + CQRS: n1 event store, n2 and n4 command nodes, n3 query node.\nThe stock of 'apple' is never stored: it is the fold of stream item-apple's events.":
    "イベントソーシング + CQRS: n1 がイベントストア、n2 と n4 がコマンドノード、n3 がクエリノード。\n'apple' の在庫はどこにも保存されない: ストリーム item-apple のイベントを畳み込んだ結果である。",
  "1. Commands, and two command nodes racing for the last units.":
    "1. コマンドと、最後の在庫を奪い合う 2 つのコマンドノード。",
  "   add-stock 10 at n2: {0}\n   reserve o1 ×3 at n2: {1}\n   Now n2 and n4 both decide a reservation of 5 against version 2 (7 available):":
    "   n2 で add-stock 10: {0}\n   n2 で reserve o1 ×3: {1}\n   ここで n2 と n4 が、どちらもバージョン 2 (在庫 7) を前提に 5 個の確保を決める:",
  "   reserve o2 ×5 at n2: {0}\n   reserve o3 ×5 at n4: {1}":
    "   n2 で reserve o2 ×5: {0}\n   n4 で reserve o3 ×5: {1}",
  "   release o1 at n4: {0}": "   n4 で release o1: {0}",
  "   The stream (the only state there is):": "   ストリーム (状態はこれしかない):",
  "2. Time travel: the query node replays the stream up to any version or time.":
    "2. 過去の状態の再現: クエリノードはストリームを任意のバージョンや時刻まで再生できる。",
  "version {0}": "バージョン {0}",
  "time {0} ms": "時刻 {0} ms",
  "3. The query node is cut off from the store while commands keep coming.":
    "3. コマンドが届き続けるなか、クエリノードがストアから切り離される。",
  "   n3 answers stock = {0} (as of position {1}); the store has {2} events.\n   Heal: the projection catches up, three events per fetch (its first fetch after the\n   heal waits for the one lost in the partition to time out).":
    "   n3 の答えは在庫 = {0} (位置 {1} 時点)。ストアには {2} 件のイベントがある。\n   修復: プロジェクションが 1 回の取得につき 3 件ずつ追いつく (修復後の最初の取得は、\n   分断中に失われた取得がタイムアウトするのを待つ)。",
  "healed +{0} ms": "修復 +{0} ms",
  "   n3 answers stock = {0} (as of position {1}).": "   n3 の答えは在庫 = {0} (位置 {1} 時点)。",
  "4. The query node crashes: its projection is gone, and it is rebuilt by replaying the store.":
    "4. クエリノードがクラッシュする: プロジェクションは消え、ストアを再生して作り直される。",
  "version": "バージョン",
  "position": "位置",
  "event": "イベント",
  "data": "データ",
  "at": "時刻",
  "as of": "時点",
  "available": "在庫",
  "reserved": "確保済み",
  "moment": "時点",
  "store head": "ストアの先頭",
  "projection at": "プロジェクションの位置",
  "lag (known)": "遅れ (既知)",
  "stale for": "古さ",
  "cut off": "切断中",
  "stock": "在庫",
  "restarted": "再起動",
};
