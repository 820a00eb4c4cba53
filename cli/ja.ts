/**
 * Japanese for the CLI's own words: help, usage errors, the status and ring tables'
 * headers. English template → Japanese (see i18n/catalogue.ts); terms follow
 * docs/glossary.md. Problem details from the server are printed as the server sends them.
 *
 * @module
 */

import type { Catalogue } from "../i18n/catalogue.ts";

/**
 * The catalogue.
 *
 * @example
 * ```ts
 * import { CLI_JA } from "./ja.ts";
 * CLI_JA["NODE"]; // "ノード"
 * ```
 */
export const CLI_JA: Catalogue = {
  "nodes with their protocol's state, suspicion, breakers and active faults":
    "ノードごとのプロトコルの状態、疑い、ブレーカー、有効な障害",
  "Columns suit the protocol: raft role/term/commit/leader; quorum-kv epoch/keys/siblings/hints/suspects; primary-backup epoch/mode/seq/lag; 2pc locks/in-doubt/blocked/voting. --json prints everything, protocol status included.":
    "列はプロトコルに合わせて変わる: raft は role/term/commit/leader、quorum-kv は epoch/keys/siblings/hints/suspects、primary-backup は epoch/mode/seq/lag、2pc は locks/in-doubt/blocked/voting。--json はプロトコルの状態を含めてすべてを出力する。",
  "the current leader and its term": "現在のリーダーとその任期",
  "write a value (JSON if it parses, else a string)":
    "値を書き込む (JSON として読めれば JSON、そうでなければ文字列)",
  "ask this node only (do not follow the leader)": "このノードだけに聞く (リーダーには転送しない)",
  "quorum-kv: replies a read waits for": "quorum-kv: 読み取りが待つ応答の数",
  "quorum-kv: acknowledgements a write waits for": "quorum-kv: 書き込みが待つ確認応答の数",
  "quorum-kv: ONE, QUORUM or ALL": "quorum-kv: ONE、QUORUM、ALL のいずれか",
  "quorum-kv: the context a read printed; the write supersedes its siblings":
    "quorum-kv: 読み取りが出力したコンテキスト。この書き込みはその兄弟値を置き換える",
  "read a value": "値を読み取る",
  "linearizable (default), lease or stale; quorum-kv: ONE, QUORUM or ALL":
    "linearizable (既定)、lease、stale のいずれか。quorum-kv では ONE、QUORUM、ALL",
  "delete a key": "キーを削除する",
  "compare and set: write NEW only if the value is EXPECTED (null: no value)":
    "compare-and-set: 値が EXPECTED のときだけ NEW を書く (null は値なし)",
  "run a protocol operation (2pc order, propose, produce, set-mode, …)":
    "プロトコルの操作を実行する (2pc の order、propose、produce、set-mode など)",
  "Without --node it goes to the leader, primary or coordinator, following hints. A refusal (an aborted order) exits 1 with the reason.":
    "--node がなければ、ヒントをたどってリーダー、プライマリ、コーディネーターに送る。拒否 (アボートされた注文など) は理由を表示して終了コード 1 で終わる。",
  "send to this node only": "このノードだけに送る",
  "quorum-kv: the hash ring's tokens and shares; --key: where a key lives":
    "quorum-kv: ハッシュリングのトークンと割合。--key でキーの置き場所",
  "show this key's replicas and versions": "このキーのレプリカとバージョンを表示する",
  "primary-backup: change the replication mode at the primary":
    "primary-backup: プライマリでレプリケーションモードを変える",
  "primary-backup: hand the primary role over (to --to, else the most up-to-date)":
    "primary-backup: プライマリの役割を引き渡す (--to へ、なければ最も新しいバックアップへ)",
  "the backup to promote": "昇格させるバックアップ",
  "send to this node only (the primary)": "このノード (プライマリ) だけに送る",
  "split the nodes into groups (GROUP: n1,n2); unlisted nodes form one more":
    "ノードをグループに分断する (GROUP: n1,n2)。指定のないノードはもう 1 つのグループになる",
  "cut one node off from all others": "1 台のノードを他のすべてから切り離す",
  "cut one direction: messages FROM -> TO are lost (TO -> FROM still arrive)":
    "片方向だけ切る: FROM -> TO のメッセージは失われる (TO -> FROM は届く)",
  "loss, delay, duplication, reordering… on FROM -> TO (* for any node)":
    "FROM -> TO のリンクに損失、遅延、重複、順序の入れ替えなどを加える (* はどのノードでも)",
  "probability a message is lost": "メッセージが失われる確率",
  "50ms, 20..80ms, exp:30ms or 50ms±10ms": "50ms、20..80ms、exp:30ms、50ms±10ms の形式",
  "probability a message arrives twice": "メッセージが 2 回届く確率",
  "probability a message leaves FIFO order": "メッセージが FIFO の順序を外れる確率",
  "probability a message body is altered": "メッセージの本体が改ざんされる確率",
  "messages in flight before tail drop": "末尾から捨てる前に転送中にできるメッセージの数",
  "messages per second": "毎秒のメッセージ数",
  "set a node's clock offset (+200ms, -50ms, 1s) and/or --drift (0.01 = 1% fast)":
    "ノードの時計のずれを設定する (+200ms、-50ms、1s)、--drift も可 (0.01 = 1% 速い)",
  "clock rate error, e.g. 0.01": "時計の進み方の誤差 (例: 0.01)",
  "remove every partition, cut and link fault": "分断、切断、リンクの障害をすべて取り除く",
  "make a node lie (--mode equivocate, lie, silent, replay) or honest again (--mode honest)":
    "ノードに嘘をつかせる (--mode equivocate、lie、silent、replay)、または正直に戻す (--mode honest)",
  "equivocate: lies to the peers with an even number, the truth to the others; lie: every message forged (votes granted, terms raised); silent: nothing to the even-numbered peers; replay: old messages again now and then; honest (or none): correct again.":
    "equivocate: 番号が偶数のピアには嘘を、ほかには真実を送る。lie: すべてのメッセージを偽造する (投票を与え、任期を上げる)。silent: 番号が偶数のピアには何も送らない。replay: 古いメッセージをときどき送り直す。honest (または none): 正しいノードに戻す。",
  "a storage fault on a node's file store (--fault KIND, once or --probability P; --fault none clears); needs a cluster with --data-dir":
    "ノードのファイルストアにストレージ障害を起こす (--fault 種類、一回または --probability P。--fault none で解除)。--data-dir 付きのクラスタが必要",
  "fsync-error: a sync fails (EIO) and the node stops; disk-full: an append fails (ENOSPC) and the node stops; torn-write: only part of a batch reaches the file and the node stops, its restart cuts the torn tail; bit-flip: a bit of a synced record changes; misdirected-write: a batch lands on an earlier record (both found by checksum at the next start: the node stays down as corrupted); read-error: a read fails (EIO) and the node stops. Without --probability the fault happens once, at its next chance.":
    "fsync-error: 同期が失敗し (EIO)、ノードは停止する。disk-full: 追記が失敗し (ENOSPC)、ノードは停止する。torn-write: バッチの一部だけがファイルに届き、ノードは停止し、再起動で破れた末尾を切り取る。bit-flip: 同期済みレコードの 1 ビットが変わる。misdirected-write: バッチが以前のレコードの上に書かれる (どちらも次の起動時にチェックサムで見つかり、ノードは corrupted として停止したままになる)。read-error: 読み出しが失敗し (EIO)、ノードは停止する。--probability がなければ障害は次の機会に一回だけ起きる。",
  "fsync-error, disk-full, torn-write, bit-flip, misdirected-write, read-error or none":
    "fsync-error、disk-full、torn-write、bit-flip、misdirected-write、read-error、none のいずれか",
  "probability per chance (each append, sync or read)":
    "機会ごとの確率 (追記、同期、読み出しのたび)",
  "equivocate, lie, silent, replay, or honest":
    "equivocate、lie、silent、replay、honest のいずれか",
  "list active faults and clocks": "有効な障害と時計を一覧する",
  "remove one fault by its id (see 'faults')": "障害を ID で 1 つ取り除く ('faults' を参照)",
  "crash a node (volatile state and unsynced writes lost)":
    "ノードをクラッシュさせる (揮発状態と同期前の書き込みは失われる)",
  "restart a crashed node from its storage": "クラッシュしたノードをストレージから再起動する",
  "pause a node: alive but processing nothing": "ノードを一時停止する: 生きているが何も処理しない",
  "resume a paused node": "一時停止したノードを再開する",
  "fire a node's election timeout now": "ノードの選挙タイムアウトを今すぐ発火させる",
  "hand leadership to NODE": "リーダーの役割を NODE に引き渡す",
  "add a node to the cluster or remove one": "クラスタにノードを追加する、または取り除く",
  "follow the cluster's events until Ctrl-C": "Ctrl-C まで、クラスタのイベントを追いかける",
  "Without --kind: every event but per-message ones; --kind send,deliver,drop (or all)\nadds those.":
    "--kind がなければ、メッセージごとのもの以外のすべてのイベント。--kind send,deliver,drop (または all)\nでそれらも加わる。",
  "only these kinds (election, role, commit, crash, …)":
    "これらの種類だけ (election、role、commit、crash など)",
  "only these nodes": "これらのノードだけ",
  "the client history of every KV request (JSON Lines; --json: an array)":
    "すべての KV リクエストのクライアント履歴 (JSON Lines。--json なら配列)",
  "the API (default $DISTLAB_URL or http://127.0.0.1:8080)":
    "API の URL (既定は $DISTLAB_URL か http://127.0.0.1:8080)",
  "bearer token (default $DISTLAB_TOKEN)": "Bearer トークン (既定は $DISTLAB_TOKEN)",
  "print the server's JSON instead of text": "テキストの代わりにサーバーの JSON を出力する",
  "retries of a 503, with backoff (default 4)": "503 の再試行回数、バックオフ付き (既定 4)",
  "show help": "ヘルプを表示する",
  "usage: deno task cli [options] <command> [arguments] [options]":
    "使い方: deno task cli [オプション] <コマンド> [引数] [オプション]",
  "commands:": "コマンド:",
  "options of every command (before or after it):":
    "どのコマンドにも使えるオプション (コマンドの前でも後でもよい):",
  'Values parse as JSON when they can (42, true, {"a":1}), else as strings.':
    '値は JSON として読めれば JSON (42、true、{"a":1})、そうでなければ文字列になる。',
  "'deno task cli help COMMAND' shows a command's own options.":
    "'deno task cli help COMMAND' でコマンドごとのオプションを表示する。",
  "usage: deno task cli {0}{1} [options]": "使い方: deno task cli {0}{1} [オプション]",
  "options:": "オプション:",
  "the language of the messages: ja or en (default from LC_ALL, LC_MESSAGES, LANG)":
    "メッセージの言語: ja か en (既定は LC_ALL、LC_MESSAGES、LANG から)",
  "error: {0} (see 'deno task cli help{1}')": "エラー: {0} ('deno task cli help{1}' を参照)",
  "error: {0}": "エラー: {0}",
  "unknown command '{0}'": "知らないコマンドです: '{0}'",
  "a command is needed, got '{0}'": "コマンドが必要ですが、'{0}' が渡されました",
  "{0} takes {1}, got {2}": "{0} の引数は {1} ですが、{2} が渡されました",
  "no arguments": "なし",
  "none": "なし",
  "--url must be an http(s) URL such as {0}, got '{1}'":
    "--url は {0} のような http(s) の URL でなければなりません ('{1}' が渡されました)",
  "--retries must be a whole number from 0 to 99, got '{0}'":
    "--retries は 0 から 99 までの整数でなければなりません ('{0}' が渡されました)",
  "retrying in {0} ms: {1}": "{0} ms 後に再試行: {1}",
  "unknown option '{0}' before the command": "コマンドの前に知らないオプションがあります: '{0}'",
  "{0} needs a value": "{0} には値が必要です",
  "a command is needed after {0}": "{0} の後にコマンドが必要です",
  "protocol {0}, {1}": "プロトコル {0}、{1}",
  "{0} nodes: {1}": "ノード {0} 台: {1}",
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
  "TOKENS": "トークン",
  "SHARE": "割合",
  "REPLICA": "レプリカ",
  "VERSIONS": "バージョン",
  "ring epoch {0} (as {1} sees it), N={2} R={3} W={4}, {5} tokens per node":
    "リングのエポック {0} ({1} から見て)、N={2} R={3} W={4}、ノードごとのトークン {5} 個",
  "membership still spreading: nodes differ on the epoch":
    "メンバー情報がまだ広がっている途中: ノードによってエポックが異なる",
  "crashed": "クラッシュ",
  "up": "稼働中",
  "up (not a member)": "稼働中 (メンバーではない)",
  "key {0}: hash {1} -> token {2} of {3}": "キー {0}: ハッシュ {1} -> {3} のトークン {2}",
  "preference list: {0}": "優先リスト: {0}",
  // What the commands print.
  "{0}: crashed": "{0}: クラッシュ",
  "paused": "一時停止中",
  "{0}: {1}, role {2}, term {3}": "{0}: {1}、役割 {2}、任期 {3}",
  "added {0}; members: {1}": "{0} を追加。メンバー: {1}",
  "removed {0}; members: {1}": "{0} を削除。メンバー: {1}",
  "healed: the network is reliable again": "修復: ネットワークはまた信頼できる",
  "no network faults": "ネットワーク障害なし",
  "{0}: honest again": "{0}: 正直に戻った",
  "{0}: Byzantine ({1})": "{0}: ビザンチン ({1})",
  "removed fault #{0}": "障害 #{0} を取り除いた",
  "{0} once": "{0} 一回",
  "{0}: down: {1}": "{0}: 停止: {1}",
  "{0}: no storage faults": "{0}: ストレージ障害なし",
  "{0}: disk {1}": "{0}: ディスク {1}",
  "{0}; injected {1}": "{0}。注入済み {1}",
  "watching {0}/api/v1/events (Ctrl-C stops)": "{0}/api/v1/events を監視中 (Ctrl-C で停止)",
};
