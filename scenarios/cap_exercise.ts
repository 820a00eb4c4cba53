/**
 * Scenario `cap-exercise` (chapter exercise 1): CP or AP for five services? Each one
 * gets a small concrete workload, run on the CP store (Raft KV) and on the AP store
 * (quorum KV) under the same partition {n1, n2} | {n3, n4, n5}, and the scenario prints
 * what a user on each side would see, then the recommended choice with its reason.
 *
 * The chapter's hint is the method: ask what the worst case is when consistency
 * breaks. If it is a wrong amount of money, a seat sold twice or a lock held twice,
 * refusing (CP) is the lesser harm; if it is a number a little behind or a comment a
 * little late, answering (AP) is.
 *
 * Every use case starts from fresh stores with the same seed, so each is independent
 * and the output is the same on every run.
 *
 * @module
 */

import type { KvOp } from "../protocols/kv.ts";
import type { NodeId } from "../protocols/node.ts";
import type { QuorumKvOp } from "../protocols/quorum/request.ts";
import {
  createCapStore,
  describeOp,
  describeOutcome,
  MAJORITY,
  MINORITY,
  type Outcome,
  showValue,
} from "./cap.ts";
import { paragraphs, type Scenario, table } from "./scenario.ts";
import { type Tr, translator } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";
import { JA } from "./ja/cap_exercise.ts";
import { JA as CAP_JA } from "./ja/cap.ts";

const SEED = 1;

/**
 * One client action: who, through which node, what. `op` may depend on what this
 * client's previous action returned on the same store (an application merging
 * siblings); `null` means there is nothing to do on that store.
 */
interface Action {
  readonly id: string;
  readonly who: string;
  readonly node: NodeId;
  readonly does: string;
  readonly op: KvOp | ((previous: Outcome | undefined) => QuorumKvOp | null);
}

/** Both stores' outcomes of one action (absent where the action had nothing to do). */
interface Pair {
  readonly cp?: Outcome;
  readonly ap?: Outcome;
}

interface UseCase {
  readonly title: string;
  readonly key: string;
  /** Written by the application through n1 before the partition. */
  readonly initial?: unknown;
  readonly during: readonly Action[];
  readonly after: readonly Action[];
  /** What a user sees on each store, from the outcomes by action id. */
  readonly sees: (r: (id: string) => Pair, t: Tr) => { cp: string; ap: string };
  /** The worst case when consistency breaks, in a few words (for the summary). */
  readonly worst: string;
  readonly choice: "CP" | "AP";
  readonly why: string;
}

const ok = (o: Outcome | undefined) => o?.status === "ok";
const isSiblings = (v: unknown): v is { siblings: unknown[]; context: Record<string, number> } =>
  v !== null && typeof v === "object" && "siblings" in v;

/** The holders a read of a seat or lock names: one value, or every sibling. */
function holders(o: Outcome | undefined): unknown[] {
  if (!ok(o)) return [];
  const v = o!.value;
  return isSiblings(v) ? v.siblings : v === null ? [] : [v];
}

const SEAT = "flight-42:seat-12A";
const LOCK = "lock:nightly-billing";
const COMMENTS = "article-7:comments";

const CASES: readonly UseCase[] = [
  {
    title: "Online bank balance inquiry",
    worst: "a customer spends money that is not there",
    key: "balance:alice",
    initial: 100,
    during: [
      {
        id: "withdraw",
        who: "an ATM",
        node: "n3",
        does: "pays out 30",
        op: { f: "cas", key: "balance:alice", value: [100, 70] },
      },
      {
        id: "inquiry",
        who: "Alice's banking app",
        node: "n2",
        does: "shows the balance",
        op: { f: "read", key: "balance:alice" },
      },
    ],
    after: [{
      id: "later",
      who: "Alice's banking app",
      node: "n1",
      does: "shows the balance again",
      op: { f: "read", key: "balance:alice" },
    }],
    sees: (r, t) => ({
      cp: ok(r("inquiry").cp)
        ? t`a balance of ${showValue(r("inquiry").cp!.value)}`
        : t`"balance unavailable, try again later" — never a wrong figure; after heal ${
          showValue(r("later").cp?.value)
        }`,
      ap: t`a balance of ${
        showValue(r("inquiry").ap?.value)
      } although the ATM already paid out 30 (the account holds 70); after heal ${
        showValue(r("later").ap?.value)
      }`,
    }),
    choice: "CP",
    why:
      "a balance is a statement about money: shown too high, the customer spends money that is not there; a short 'try again later' is the lesser harm.",
  },
  {
    title: "Follower count display",
    worst: "a count a few followers behind",
    key: "followers:@distlab",
    initial: 1000,
    during: [
      {
        id: "follow1",
        who: "a new follower",
        node: "n4",
        does: "follows",
        op: { f: "cas", key: "followers:@distlab", value: [1000, 1001] },
      },
      {
        id: "follow2",
        who: "another new follower",
        node: "n5",
        does: "follows",
        op: { f: "cas", key: "followers:@distlab", value: [1001, 1002] },
      },
      {
        id: "view",
        who: "a visitor",
        node: "n2",
        does: "opens the profile page",
        op: { f: "read", key: "followers:@distlab" },
      },
    ],
    after: [{
      id: "later",
      who: "the visitor",
      node: "n1",
      does: "reloads the page",
      op: { f: "read", key: "followers:@distlab" },
    }],
    sees: (r, t) => ({
      cp: ok(r("view").cp)
        ? t`${showValue(r("view").cp!.value)} followers`
        : t`a profile page that fails to load its count; after heal ${
          showValue(r("later").cp?.value)
        }`,
      ap: t`${
        showValue(r("view").ap?.value)
      } followers (two behind) during the partition; after heal ${showValue(r("later").ap?.value)}`,
    }),
    choice: "AP",
    why:
      "a count a little behind for a few seconds harms nobody, while a page that fails to load is what every visitor notices.",
  },
  {
    title: "Airline seat booking",
    worst: "two passengers, one seat",
    key: SEAT,
    initial: "free",
    during: [
      {
        id: "alice",
        who: "Alice",
        node: "n1",
        does: "books the last seat, 12A",
        op: { f: "cas", key: SEAT, value: ["free", "alice"] },
      },
      {
        id: "bob",
        who: "Bob",
        node: "n3",
        does: "books the last seat, 12A",
        op: { f: "cas", key: SEAT, value: ["free", "bob"] },
      },
    ],
    after: [{
      id: "gate",
      who: "the gate agent",
      node: "n4",
      does: "looks up seat 12A at boarding",
      op: { f: "read", key: SEAT },
    }],
    sees: (r, t) => {
      const confirmed = (s: "cp" | "ap") => ["alice", "bob"].filter((id) => ok(r(id)[s]));
      const at = (s: "cp" | "ap") => holders(r("gate")[s]);
      const text = (s: "cp" | "ap") => {
        const c = confirmed(s);
        const g = at(s);
        return t`${c.length} confirmed booking(s) (${
          c.join(", ") || t`none`
        }); at the gate seat 12A is ${
          g.length > 1 ? t`held by ${g.join(t.text(" and "))}: DOUBLE-BOOKED` : g[0]
        }`;
      };
      return { cp: text("cp"), ap: text("ap") };
    },
    choice: "CP",
    why:
      "two confirmed passengers for one seat are found out at the gate, where it costs most; refusing one booking during the partition costs a retry.",
  },
  {
    title: "News-site comments",
    worst: "a comment appears late",
    key: COMMENTS,
    initial: ["first!"],
    during: [
      {
        id: "postA",
        who: "reader A",
        node: "n1",
        does: "posts a comment",
        op: { f: "cas", key: COMMENTS, value: [["first!"], ["first!", "A: great piece"]] },
      },
      {
        id: "postB",
        who: "reader B",
        node: "n3",
        does: "posts a comment",
        op: { f: "cas", key: COMMENTS, value: [["first!"], ["first!", "B: I disagree"]] },
      },
    ],
    after: [
      {
        id: "read",
        who: "the article page",
        node: "n1",
        does: "loads the comments",
        op: { f: "read", key: COMMENTS },
      },
      {
        id: "merge",
        who: "the article page",
        node: "n1",
        does: "merges siblings (union of comments, written with the read's context)",
        op: (previous) => {
          const v = previous?.value;
          if (!isSiblings(v)) return null;
          const seen = new Set<string>();
          const union: unknown[] = [];
          for (const list of v.siblings as unknown[][]) {
            for (const c of list) {
              if (!seen.has(JSON.stringify(c))) union.push(c);
              seen.add(JSON.stringify(c));
            }
          }
          return { f: "write", key: COMMENTS, value: union, context: v.context };
        },
      },
      {
        id: "final",
        who: "the article page",
        node: "n4",
        does: "loads the comments again",
        op: { f: "read", key: COMMENTS },
      },
    ],
    sees: (r, t) => ({
      cp: t`reader A's comment is refused ("posting unavailable, try later"); the page then shows ${
        showValue(r("final").cp?.value)
      }`,
      ap: t`both comments accepted; after heal the page gets ${
        showValue(r("read").ap?.value)
      }, merges them and shows ${showValue(r("final").ap?.value)}`,
    }),
    choice: "AP",
    why:
      "a comment shown late or out of order harms nobody, and comment lists merge without loss (their union); refusing to post throws away what the reader wrote.",
  },
  {
    title: "Distributed lock / leader election",
    worst: "two holders act at once",
    key: LOCK,
    during: [
      {
        id: "takeA",
        who: "worker A",
        node: "n1",
        does: "takes the lock (free → worker-A)",
        op: { f: "cas", key: LOCK, value: [null, "worker-A"] },
      },
      {
        id: "takeB",
        who: "worker B",
        node: "n3",
        does: "takes the lock (free → worker-B)",
        op: { f: "cas", key: LOCK, value: [null, "worker-B"] },
      },
      {
        id: "checkA",
        who: "worker A",
        node: "n2",
        does: "checks it holds the lock before billing",
        op: { f: "read", key: LOCK },
      },
      {
        id: "checkB",
        who: "worker B",
        node: "n5",
        does: "checks it holds the lock before billing",
        op: { f: "read", key: LOCK },
      },
    ],
    after: [{
      id: "after",
      who: "an operator",
      node: "n1",
      does: "reads the lock",
      op: { f: "read", key: LOCK },
    }],
    sees: (r, t) => {
      const holding = (s: "cp" | "ap") =>
        (["A", "B"] as const).filter((w) =>
          ok(r(`take${w}`)[s]) && holders(r(`check${w}`)[s]).includes(`worker-${w}`)
        ).map((w) => `worker-${w}`);
      const text = (s: "cp" | "ap") => {
        const h = holding(s);
        return t`${h.length} holder(s) during the partition (${h.join(", ") || t`none`})` +
          (h.length > 1 ? t`: both run the nightly billing — customers are charged twice` : "") +
          t`; after heal the lock reads ${showValue(r("after")[s]?.value)}`;
      };
      return { cp: text("cp"), ap: text("ap") };
    },
    choice: "CP",
    why:
      "a lock two workers hold is no lock at all: both act, and the damage is done before anyone merges anything; a lock service must refuse rather than grant twice.",
  },
];

/** Splits `text` into lines of at most `width` characters, later lines indented by `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
  const lead = /^ */.exec(text)![0];
  const lines: string[] = [];
  let line = lead;
  for (const word of text.slice(lead.length).split(" ")) {
    const next = line.trim() === "" ? line + word : `${line} ${word}`;
    if (next.length > width && line.trim() !== "") {
      lines.push(line);
      line = indent + word;
    } else line = next;
  }
  if (line.trim() !== "") lines.push(line);
  return lines;
}

const WIDTH = 96;
const LABEL = { cp: "CP  Raft KV:  ", ap: "AP  quorum KV:" } as const;

/** Each use case's outcomes, by store and action id. */
type CapExerciseResult = Record<
  string,
  { cp: Record<string, Outcome>; ap: Record<string, Outcome> }
>;

async function run(out: (line: string) => void, lang: Lang = "en"): Promise<CapExerciseResult> {
  // The stores' own words (refusals, siblings, ...) are the cap scenario's.
  const t = translator(lang, CAP_JA, JA);
  const tell = paragraphs(out);
  // Japanese has no spaces to break at: a long line stays whole.
  const say = (text: string, indent = "    ") => {
    for (const l of lang === "ja" ? [text] : wrap(text, WIDTH, indent)) out(l);
  };
  tell(
    t`cap-exercise: CP or AP? Five services under one partition (seed ${SEED})\n  CP store: Raft KV, leader n1; AP store: quorum KV, N=3 R=2 W=2, sloppy quorum\n  partition {${
      MINORITY.join(", ")
    }} | {${
      MAJORITY.join(", ")
    }}; fresh stores per service\n  The chapter's hint: ask what the worst case is when consistency breaks.`,
  );
  const summary: string[][] = [
    ["use case", "worst case when consistency breaks", "choose"].map(t.text),
  ];
  const found: CapExerciseResult = {};

  for (const [i, c] of CASES.entries()) {
    const stores = { cp: createCapStore("CP", SEED), ap: createCapStore("AP", SEED) };
    const results = { cp: new Map<string, Outcome>(), ap: new Map<string, Outcome>() };
    const last = { cp: new Map<string, Outcome>(), ap: new Map<string, Outcome>() };
    out("");
    tell(t`(${i + 1}) ${t.text(c.title)} — key "${c.key}"`);
    if (c.initial !== undefined) {
      const op: KvOp = { f: "write", key: c.key, value: c.initial };
      const cp = stores.cp.call("app", "n1", op);
      const ap = stores.ap.call("app", "n1", op);
      tell(t`  before the partition: ${describeOp(op)} (CP ${cp.status}, AP ${ap.status})`);
    } else tell(t`  before the partition: ${c.key} is absent (null)`);
    stores.cp.partition();
    stores.ap.partition();
    tell(
      t`  partition: Raft elects a leader on the majority side; quorum nodes suspect the far side`,
    );
    const act = (actions: readonly Action[]) => {
      for (const a of actions) {
        tell(
          MINORITY.includes(a.node)
            ? t`  ${t.text(a.who)} (minority side, via ${a.node}) ${t.text(a.does)}`
            : t`  ${t.text(a.who)} (majority side, via ${a.node}) ${t.text(a.does)}`,
        );
        for (const s of ["cp", "ap"] as const) {
          const op = typeof a.op === "function" ? a.op(last[s].get(a.who)) : a.op;
          if (op === null) {
            tell(t`    ${LABEL[s]} — (nothing to do)`);
            continue;
          }
          const o = stores[s].call(a.who, a.node, op);
          last[s].set(a.who, o);
          results[s].set(a.id, o);
          say(`    ${LABEL[s]} ${describeOutcome(op, o, t)}`, "                   ");
        }
      }
    };
    act(c.during);
    stores.cp.heal();
    stores.ap.heal();
    tell(t`  heal: both stores converge`);
    act(c.after);
    const seen = c.sees((id) => ({ cp: results.cp.get(id), ap: results.ap.get(id) }), t);
    say(t`  A user sees on CP: ${seen.cp}`, "                     ");
    say(t`  A user sees on AP: ${seen.ap}`, "                     ");
    say(t`  Choose ${c.choice}: ${t.text(c.why)}`, "             ");
    summary.push([t.text(c.title), t.text(c.worst), c.choice]);
    found[c.title] = {
      cp: Object.fromEntries(results.cp),
      ap: Object.fromEntries(results.ap),
    };
  }

  out("");
  tell(t`Summary:`);
  for (const l of table(summary)) out("  " + l);
  await Promise.resolve();
  return found;
}

/**
 * The `cap-exercise` scenario.
 *
 * @example
 * ```ts
 * import { scenario } from "./cap_exercise.ts";
 * import { collectLines } from "./scenario.ts";
 * const lines = await collectLines(scenario);
 * lines[0]; // "cap-exercise: CP or AP? Five services under one partition (seed 1)"
 * ```
 */
export const scenario: Scenario = {
  name: "cap-exercise",
  description: "exercise 1: bank balance, follower count, seat booking, comments, lock — " +
    "each on Raft KV (CP) and quorum KV (AP) under one partition, and which to choose",

  descriptionJa:
    "演習 1: 口座残高、フォロワー数、座席予約、コメント、ロックを、同じ分断の下で Raft KV (CP) とクォーラム KV (AP) それぞれに流し、どちらを選ぶか",
  run: (out, _flags, lang) => run(out, lang),
};
