/**
 * Finds English left in Japanese output: a run of three or more English words in a row
 * (a sentence or a phrase), outside quotes and apart from names — protocol and message
 * names, identifiers, units — that stay as they are in both languages.
 *
 * @module
 */

/** Words that are names, not English prose: message and protocol names, the chapter's own Latin terms. */
const NAMES = new Set([
  "Paxos",
  "Raft",
  "Multi",
  "Saga",
  "Lamport",
  "Prepare",
  "Promise",
  "Accept",
  "Accepted",
  "Nack",
  "Commit",
  "Abort",
  "Yes",
  "No",
  "Closed",
  "Open",
  "Half",
  "Dynamo",
  "Cassandra",
  "Kafka",
  "Jepsen",
  "Maelstrom",
  "etcd",
  "ms",
  "ok",
  "fail",
  "info",
  "null",
  "true",
  "false",
]);

/**
 * The runs of three or more English words in `line` (empty when there are none).
 *
 * @example
 * ```ts
 * import { englishRuns } from "./untranslated.ts";
 * englishRuns("n1 がリーダーになった"); // []
 * englishRuns("n1 becomes the leader"); // ["becomes the leader"]
 * englishRuns('値 "hello world again" を書く'); // [] (quoted: a value)
 * englishRuns("使い方: deno task cli help"); // [] (a command)
 * ```
 */
export function englishRuns(line: string): string[] {
  // Quoted text and code are values and identifiers, not prose.
  const bare = line.replace(/"[^"]*"|'[^']*'|`[^`]*`|「[^」]*」|\bdeno task [\w-]+/g, " ");
  const runs: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length >= 3) runs.push(run.join(" "));
    run = [];
  };
  for (const raw of bare.split(/\s+/)) {
    const word = raw.replace(/^[([{<,;:.!?]+|[)\]}>,;:.!?]+$/g, "");
    const english = /^(?:[A-Z]?[a-z]+(?:'[a-z]+)?|a|I)$/.test(word) && !NAMES.has(word);
    if (
      english && raw === word + raw.slice(word.length) &&
      /^[([{<]*$/.test(raw.slice(0, raw.indexOf(word)))
    ) {
      run.push(word);
      // A sentence may continue past a comma; a full stop or a colon ends the run.
      if (/[.:;!?]$/.test(raw)) flush();
    } else flush();
  }
  flush();
  return runs;
}
