/**
 * The dashboard in Japanese or English. The page is written in English; this module puts
 * its labels, tooltips (`title`) and accessible names (`aria-label`) into the chosen
 * language, and keeps doing so for text the views write later, so no view needs to know
 * which language is shown. The default comes from the browser (`navigator.language`);
 * the header's switch changes it and the choice is remembered for the next visit.
 *
 * @module
 */

import type { Catalogue } from "../i18n/catalogue.ts";
import { type Lang, langFromTag } from "../i18n/lang.ts";

/**
 * The page's English → Japanese. A key with `{0}` matches text with any value in its place.
 * Terms follow docs/glossary.md.
 *
 * @example
 * ```ts
 * import { DASHBOARD_JA } from "./i18n.ts";
 * DASHBOARD_JA["leader"]; // "リーダー"
 * ```
 */
export const DASHBOARD_JA: Catalogue = {
  "distlab — live dashboard": "distlab — ライブダッシュボード",
  "no leader": "リーダーなし",
  "leaderless": "リーダーなし",
  "connecting…": "接続中…",
  "connected": "接続済み",
  "reconnecting…": "再接続中…",
  "pause or resume the live view (events are buffered)":
    "ライブ表示を一時停止・再開する (イベントはバッファーにためる)",
  "pause": "一時停止",
  "play": "再生",
  "play the next buffered event": "バッファーの次のイベントを再生する",
  "step": "コマ送り",
  "speed": "速度",
  "slow the view down (events are buffered)": "表示を遅くする (イベントはバッファーにためる)",
  "jump to the present": "現在に戻る",
  "live": "ライブ",
  "● live": "● ライブ",
  "{0} buffered": "バッファー {0} 件",
  "paused": "一時停止中",
  "Cluster": "クラスタ",
  "click a node to select it, shift-click to select more":
    "ノードをクリックで選択、Shift+クリックで追加選択",
  "the cluster: nodes on a ring": "クラスタ: リング上のノード",
  "leader": "リーダー",
  "follower": "フォロワー",
  "candidate": "候補者",
  "pre-candidate": "事前候補者",
  "crashed": "クラッシュ",
  "paused · arc: election timeout ·": "一時停止 · 弧: 選挙タイムアウト ·",
  "message": "メッセージ",
  "dropped": "損失",
  "duplicate": "重複",
  "Controls": "操作",
  "Selected:": "選択中:",
  "none": "なし",
  "crash": "クラッシュ",
  "restart": "再起動",
  "resume": "再開",
  "time out": "タイムアウト",
  "fire the election timeout now": "選挙タイムアウトを今すぐ発火させる",
  "clear": "解除",
  "the selected node, in the columns its protocol declares":
    "選択中のノード (プロトコルが宣言する列で)",
  "the selected node's status": "選択中のノードの状態",
  "Partition:": "分断:",
  "no groups yet": "グループはまだない",
  "the selected nodes become one group": "選択中のノードを 1 つのグループにする",
  "add selection as group": "選択をグループに追加",
  "partition": "分断する",
  "cut the selected node off": "選択中のノードを切り離す",
  "isolate": "隔離",
  "Link faults": "リンクの障害",
  "from": "送信元",
  "to": "宛先",
  "loss %": "損失 %",
  "delay ms": "遅延 ms",
  "dup %": "重複 %",
  "apply": "適用",
  "Clock": "時計",
  "Byzantine": "ビザンチン",
  "mode": "モード",
  "equivocate": "二枚舌 (equivocate)",
  "lie": "嘘 (lie)",
  "silent": "沈黙 (silent)",
  "replay": "再送 (replay)",
  "honest": "正直 (honest)",
  "rewrite what the node sends: lies to even-numbered peers (equivocate), to all (lie), nothing to them (silent), old messages again (replay); honest ends it":
    "ノードが送るものを書き換える: 番号が偶数のピアに嘘 (equivocate)、全員に嘘 (lie)、偶数のピアに何も送らない (silent)、古いメッセージを再送 (replay)。honest で元に戻る",
  "up,byzantine:{0}": "稼働中、ビザンチン: {0}",
  "paused,byzantine:{0}": "一時停止中、ビザンチン: {0}",
  "crashed,byzantine:{0}": "クラッシュ、ビザンチン: {0}",
  "node": "ノード",
  "skew ms": "スキュー ms",
  "drift": "ドリフト",
  "set": "設定",
  "Active faults": "有効な障害",
  "heal all": "すべて修復",
  "no network faults": "ネットワーク障害なし",
  "Client": "クライアント",
  "key": "キー",
  "value": "値",
  "expected": "期待値",
  "for cas": "cas 用",
  "write": "書き込み",
  "read": "読み取り",
  "delete": "削除",
  "no request yet": "リクエストはまだない",
  "where?": "どこ?",
  "where the key lives on the hash ring": "キーがハッシュリングのどこにあるか",
  "{0}: preference list {1} · versions on {2}": "{0}: 優先リスト {1} · 版を持つノード {2}",
  "{0}: preference list {1} · no versions yet": "{0}: 優先リスト {1} · 版はまだない",
  "Nodes": "ノード",
  "the protocol's columns; a log's entries show their term, solid: committed":
    "プロトコルの列。ログのエントリは任期を示し、塗りつぶしはコミット済み",
  "Space-time": "時空図",
  "hover for Lamport and vector clocks": "ホバーで論理時計とベクトル時計",
  "time window": "時間幅",
  "space-time diagram": "時空図",
  "Client operations": "クライアント操作",
  "latency and throughput; shaded: faults": "レイテンシとスループット。網掛けは障害",
  "checking…": "検査中…",
  "client operations over time": "時間に沿ったクライアント操作",
  "linearizable": "線形化可能",
  "not linearizable": "線形化不可能",
  "none (click a node; shift-click for more)": "なし (ノードをクリック。Shift+クリックで追加)",
  "leader {0} · term {1}": "リーダー {0} · 任期 {1}",
  "leader {0}": "リーダー {0}",
  "leader {0} · last index {1}": "リーダー {0} · 最終インデックス {1}",
  "{0} ops: {1} ok, {2} fail, {3} unknown · latency p50 {4} ms, p99 {5} ms":
    "操作 {0} 件: 成功 {1}、失敗 {2}、不明 {3} · レイテンシ p50 {4} ms、p99 {5} ms",
  "{0} ops: {1} ok, {2} fail, {3} unknown": "操作 {0} 件: 成功 {1}、失敗 {2}、不明 {3}",
  "term": "任期",
  "commit · last": "コミット · 最終",
  "commit / last / applied": "コミット / 最終 / 適用済み",
  "match": "match",
  "next": "next",
  "state": "状態",
  "behind": "遅れ",
  "up": "稼働中",
  "down": "停止",
  // The status table's headers, as the protocols declare them (the CLI says the same).
  "NODE": "ノード",
  "STATE": "状態",
  "ROLE": "役割",
  "TERM": "任期",
  "COMMIT": "コミット",
  "LEADER": "リーダー",
  "SEEN": "最終応答",
  "SUSPECTED-BY": "疑っているノード",
  "BREAKER": "ブレーカー",
  "ABORTED": "アボート",
  "BLOCKED": "ブロック",
  "COMMITTED": "コミット済み",
  "EPOCH": "エポック",
  "HINTS": "ヒント",
  "IN-DOUBT": "未決",
  "KEYS": "キー数",
  "LAG": "遅れ",
  "LOCKS": "ロック",
  "MODE": "モード",
  "SEQ": "シーケンス",
  "SIBLINGS": "兄弟値",
  "SUSPECTS": "疑っている相手",
  "VOTING": "投票中",
  "language": "言語",
  // Finding a node by name, and views of many nodes.
  "find": "検索",
  "node name": "ノード名",
  "find a node by name": "名前でノードを探す",
  "find a node by name: it is ringed, its rows marked and scrolled to; Enter selects it":
    "名前でノードを探す: リング上で囲み、表の行に印を付けてそこまでスクロールする。Enter で選択する",
  "no node matches {0}": "{0} に一致するノードはない",
  "{0} of {1} nodes shown (select or search to choose)":
    "{1} ノード中 {0} ノードを表示 (選択か検索で選ぶ)",
  "{0} nodes on compact rows; select or search to focus":
    "{0} ノードを詰めて表示。選択か検索で絞り込む",
  "the language of the page": "ページの言語",
};

const ATTRS = ["title", "aria-label", "placeholder"] as const;

/** The catalogue's keys with a value in them, as patterns; the longest (most specific) first. */
const PATTERNS: readonly { re: RegExp; ja: string }[] = Object.entries(DASHBOARD_JA)
  .filter(([k]) => /\{\d+\}/.test(k))
  .sort(([a], [b]) => b.length - a.length)
  .map(([k, ja]) => ({
    re: new RegExp(
      "^" + k.split(/\{\d+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("(.+?)") +
        "$",
    ),
    ja,
  }));

/**
 * `text` in Japanese if the catalogue has it (surrounding spaces kept), else undefined.
 *
 * @example
 * ```ts
 * import { toJapanese } from "./i18n.ts";
 * toJapanese(" leader "); // " リーダー "
 * toJapanese("3 buffered"); // "バッファー 3 件"
 * toJapanese("leader n3 · last index 6"); // "リーダー n3 · 最終インデックス 6"
 * toJapanese("n1"); // undefined
 * ```
 */
export function toJapanese(text: string): string | undefined {
  const core = text.trim();
  if (core === "") return undefined;
  let ja = DASHBOARD_JA[core];
  if (ja === undefined) {
    for (const p of PATTERNS) {
      const m = p.re.exec(core);
      if (m !== null) {
        ja = p.ja.replace(/\{(\d+)\}/g, (_, i) => m[Number(i) + 1] ?? "");
        break;
      }
    }
  }
  if (ja === undefined) return undefined;
  const start = text.indexOf(core);
  return text.slice(0, start) + ja + text.slice(start + core.length);
}

/** What was on the page before it was put into Japanese, to put it back. */
const originals = new WeakMap<Node, { en: string; ja: string }>();

function translateText(node: Text, lang: Lang): void {
  const text = node.data;
  const seen = originals.get(node);
  if (lang === "en") {
    if (seen !== undefined && text === seen.ja) node.data = seen.en;
    return;
  }
  if (seen !== undefined && text === seen.ja) return;
  const ja = toJapanese(text);
  if (ja === undefined) return;
  originals.set(node, { en: text, ja });
  node.data = ja;
}

function translateAttrs(el: Element, lang: Lang): void {
  for (const name of ATTRS) {
    const value = el.getAttribute(name);
    const en = el.getAttribute(`data-en-${name}`);
    if (lang === "en") {
      if (en !== null && value !== en) el.setAttribute(name, en);
      continue;
    }
    if (value === null) continue;
    const source = en !== null && value === (toJapanese(en) ?? en) ? en : value;
    const ja = toJapanese(source);
    if (ja === undefined || value === ja) continue;
    el.setAttribute(`data-en-${name}`, source);
    el.setAttribute(name, ja);
  }
}

/**
 * Puts everything under `root` into `lang`: text and the attributes people read.
 *
 * @example
 * ```ts ignore
 * import { translateTree } from "./i18n.ts";
 * translateTree(document.body, "ja");
 * ```
 */
export function translateTree(root: Node, lang: Lang): void {
  if (root.nodeType === Node.TEXT_NODE) {
    const parent = root.parentElement;
    if (parent === null || !["SCRIPT", "STYLE"].includes(parent.tagName)) {
      translateText(root as Text, lang);
    }
    return;
  }
  if (root.nodeType !== Node.ELEMENT_NODE && root.nodeType !== Node.DOCUMENT_NODE) return;
  if (root.nodeType === Node.ELEMENT_NODE) translateAttrs(root as Element, lang);
  for (const child of Array.from(root.childNodes)) translateTree(child, lang);
}

/**
 * The language the page starts in: the one chosen before on this browser, else the
 * browser's own.
 *
 * @example
 * ```ts ignore
 * import { initialLang } from "./i18n.ts";
 * initialLang(); // "ja" in a Japanese browser
 * ```
 */
export function initialLang(): Lang {
  const saved = globalThis.localStorage?.getItem("distlab-lang");
  return saved === "ja" || saved === "en" ? saved : langFromTag(navigator.language);
}

/**
 * Shows the page in `lang` now and for whatever the views write later; returns a
 * function that switches the language (the header's select calls it).
 *
 * @example
 * ```ts ignore
 * import { initialLang, startTranslating } from "./i18n.ts";
 * const setLang = startTranslating(document, initialLang());
 * setLang("en");
 * ```
 */
export function startTranslating(doc: Document, lang: Lang): (lang: Lang) => void {
  let current = lang;
  const apply = () => {
    doc.documentElement.lang = current;
    doc.body.dataset.lang = current;
    translateTree(doc.head, current);
    translateTree(doc.body, current);
  };
  // Views replace text as the cluster changes: translate what they write as they write it.
  const observer = new MutationObserver((records) => {
    if (current === "en") return;
    for (const r of records) {
      if (r.type === "characterData") translateTree(r.target, current);
      else if (r.type === "attributes") translateAttrs(r.target as Element, current);
      else for (const n of Array.from(r.addedNodes)) translateTree(n, current);
    }
  });
  observer.observe(doc.documentElement, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: [...ATTRS],
  });
  apply();
  return (next) => {
    current = next;
    globalThis.localStorage?.setItem("distlab-lang", next);
    apply();
  };
}
