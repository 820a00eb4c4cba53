/**
 * Japanese for the `replication_modes` scenario's narration: English template → Japanese, values as
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
 * import { JA } from "./replication_modes.ts";
 * Object.keys(JA).length > 0; // true
 * ```
 */
export const JA: Catalogue = {
  "a backup caught up at change {0}: back to semi-sync":
    "バックアップが変更 {0} で追いついた: 準同期に戻る",
  "no backup acknowledged for {0} ms: falling back to async":
    "{0} ms の間どのバックアップからも確認応答がない: 非同期に切り替える",
  "  t={0}ms {1}: {2} after {3} ms (mode {4})": "  t={0}ms {1}: {3} ms 後に {2} (モード {4})",
  "  t={0}ms cut the links from n1 to both backups (failover off for this part)":
    "  t={0}ms n1 から両バックアップへのリンクを切る (この部分ではフェイルオーバーはしない)",
  "  t={0}ms heal": "  t={0}ms 修復",
  "Three nodes: n1 primary, n2 nearby backup (1-3 ms), n3 distant backup (8-16 ms).\n{0} clients write new keys from t={1}ms; n1 crashes at t={2}ms;\nthe most up-to-date backup takes over; then we look for every acknowledged write.":
    "3 台のノード: n1 がプライマリ、n2 が近くのバックアップ (1-3 ms)、n3 が遠くのバックアップ (8-16 ms)。\n{0} 個のクライアントが t={1}ms から新しいキーを書き込み、t={2}ms に n1 がクラッシュする。\n最も新しいバックアップが引き継いだあと、確認応答済みの書き込みがすべて残っているかを調べる。",
  "{0}: {1} writes acknowledged, {2} lost; new primary {3} after {4} ms; lag at the crash n2={5} ({6} ms) n3={7} ({8} ms)":
    "{0}: 確認応答済みの書き込み {1} 件、うち失われたもの {2} 件。{4} ms 後に新しいプライマリ {3}。クラッシュ時の遅れ n2={5} ({6} ms) n3={7} ({8} ms)",
  "Semi-sync's fallback (MySQL's rpl_semi_sync_master_timeout), semiSyncTimeoutMs=200:":
    "準同期のフォールバック (MySQL の rpl_semi_sync_master_timeout)、semiSyncTimeoutMs=200:",
  "mode": "モード",
  "acked writes": "確認応答済み書き込み",
  "acked writes lost": "失われた確認応答済み書き込み",
  "latency p50 ms": "レイテンシ p50 ms",
  "latency p99 ms": "レイテンシ p99 ms",
  "lag n2/n3 at crash": "クラッシュ時の遅れ n2/n3",
  "trade-off": "トレードオフ",
  "strong consistency, slow writes": "強い一貫性、遅い書き込み",
  "balanced": "バランス型",
  "weak consistency, fast writes": "弱い一貫性、速い書き込み",
  "write a, backups reachable": "a を書く (バックアップに届く)",
  "write b, backups cut off": "b を書く (バックアップから切断)",
  "write c, after the fallback": "c を書く (フォールバック後)",
  "write d, after the backups caught up": "d を書く (バックアップが追いついた後)",
};
