/**
 * Leader elections of one partition among its replicas, decided by a majority of them
 * (Raft's election, per partition): a follower that hears no leader for its election
 * timeout moves to the next epoch, votes for itself (durably) and asks the other
 * replicas; a replica grants one vote per epoch, and only to a candidate whose log is at
 * least as complete as its own; a majority of votes makes the candidate the epoch's only
 * leader. Any message of a later epoch makes a replica adopt that epoch and step down.
 *
 * Before it stands, a follower asks for pre-votes (Raft's PreVote, thesis §9.6): would a
 * majority vote for it in the next epoch? A replica says yes only if its log is no more
 * complete and it has not heard from a live leader for `electionMs`; nothing changes on
 * either side. So a replica cut off by a partition does not keep raising its epoch, and
 * when it comes back it cannot unseat a leader the others still hear. A replica that
 * heard from its leader less than `electionMs` ago also ignores a real vote request (a
 * leader, always).
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import { atLeastAsComplete, lastEpoch, majority } from "./leader_epoch.ts";
import { becomeLeader, resign } from "./leader.ts";
import type { BusMessage } from "./message.ts";
import { saveEpoch } from "./partition.ts";
import { type BrokerCore, electionDeadline, type PartitionSlot } from "./slot.ts";

/**
 * Moves the slot to a later `epoch` it has just learnt of (no vote cast in it yet),
 * stepping down if it led or stood for election. `leader` is the epoch's leader, when
 * the message came from it.
 *
 * @example
 * ```ts
 * import { adoptEpoch } from "./election.ts";
 * import type { BrokerCore, PartitionSlot } from "./slot.ts";
 * declare const core: BrokerCore, slot: PartitionSlot;
 * adoptEpoch(core, slot, slot.replica.epoch + 1, null);
 * ```
 */
export function adoptEpoch(
  core: BrokerCore,
  slot: PartitionSlot,
  epoch: number,
  leader: NodeId | null,
): void {
  const r = slot.replica;
  if (epoch <= r.epoch) return;
  saveEpoch(core.host.storage, r, epoch, null);
  slot.votes.clear();
  if (slot.role === "leader") return resign(core, slot, leader);
  slot.role = "follower";
  slot.leader = leader;
}

/**
 * Asks the other replicas for pre-votes for the next epoch (its election timer has run
 * out); stands for election once a majority would vote for it.
 *
 * @example
 * ```ts
 * import { preCampaign } from "./election.ts";
 * import type { BrokerCore, PartitionSlot } from "./slot.ts";
 * declare const core: BrokerCore, slot: PartitionSlot;
 * preCampaign(core, slot, () => {});
 * ```
 */
export function preCampaign(
  core: BrokerCore,
  slot: PartitionSlot,
  answerPolls: (slot: PartitionSlot) => void,
): void {
  const { host } = core;
  const r = slot.replica;
  slot.electionAt = electionDeadline(core);
  slot.prevoting = true;
  slot.preVotes.clear();
  slot.preVotes.add(host.id);
  if (slot.preVotes.size >= majority(slot.replicas.length)) {
    return campaign(core, slot, answerPolls);
  }
  askVotes(core, slot, r.epoch + 1, true);
}

/**
 * Stands for election in the next epoch.
 *
 * @example
 * ```ts
 * import { campaign } from "./election.ts";
 * import type { BrokerCore, PartitionSlot } from "./slot.ts";
 * declare const core: BrokerCore, slot: PartitionSlot;
 * campaign(core, slot, () => {});
 * ```
 */
export function campaign(
  core: BrokerCore,
  slot: PartitionSlot,
  answerPolls: (slot: PartitionSlot) => void,
): void {
  const { host } = core;
  const r = slot.replica;
  saveEpoch(host.storage, r, r.epoch + 1, host.id);
  slot.prevoting = false;
  slot.role = "candidate";
  slot.leader = null;
  slot.votes.clear();
  slot.votes.add(host.id);
  slot.electionAt = electionDeadline(core);
  host.emit("bus-campaign", { topic: slot.topic, partition: slot.partition, epoch: r.epoch });
  if (slot.votes.size >= majority(slot.replicas.length)) {
    return becomeLeader(core, slot, answerPolls);
  }
  askVotes(core, slot, r.epoch, false);
}

/** Asks every other replica for its vote (or pre-vote) in `epoch`. */
function askVotes(core: BrokerCore, slot: PartitionSlot, epoch: number, pre: boolean): void {
  const { host } = core;
  const r = slot.replica;
  for (const to of slot.replicas) {
    if (to === host.id) continue;
    host.send(to, {
      type: "bus/vote",
      topic: slot.topic,
      partition: slot.partition,
      epoch,
      lastEpoch: lastEpoch(r.log),
      length: r.log.length,
      ...(pre ? { pre: true } : {}),
    });
  }
}

/**
 * A candidate asks for this replica's vote.
 *
 * @example
 * ```ts
 * import { onVote } from "./election.ts";
 * import type { BrokerCore, PartitionSlot } from "./slot.ts";
 * declare const core: BrokerCore, slot: PartitionSlot;
 * onVote(core, slot, "n2", {
 *   type: "bus/vote", topic: "t", partition: 0, epoch: 2, lastEpoch: 1, length: 4,
 * });
 * ```
 */
export function onVote(
  core: BrokerCore,
  slot: PartitionSlot,
  from: NodeId,
  m: Extract<BusMessage, { type: "bus/vote" }>,
): void {
  const { host, o } = core;
  const r = slot.replica;
  const hearsLeader = slot.role === "leader" || host.now() - slot.heardAt < o.electionMs;
  const complete = () =>
    atLeastAsComplete(m, { lastEpoch: lastEpoch(r.log), length: r.log.length });
  if (m.pre === true) {
    // Yes names the epoch asked about; no names ours, which a candidate behind adopts.
    const yes = m.epoch > r.epoch && !hearsLeader && complete();
    return host.send(from, {
      type: "bus/voted",
      topic: slot.topic,
      partition: slot.partition,
      epoch: yes ? m.epoch : r.epoch,
      granted: yes,
      pre: true,
    });
  }
  if (m.epoch > r.epoch) {
    // A leader we still hear makes us ignore it altogether (and not adopt its epoch).
    if (hearsLeader) return;
    adoptEpoch(core, slot, m.epoch, null);
  }
  const granted = m.epoch === r.epoch && (r.vote === null || r.vote === from) && complete();
  if (granted) {
    if (r.vote === null) saveEpoch(host.storage, r, r.epoch, from);
    slot.electionAt = electionDeadline(core);
  }
  host.send(from, {
    type: "bus/voted",
    topic: slot.topic,
    partition: slot.partition,
    epoch: r.epoch,
    granted,
  });
}

/**
 * A replica's answer to this candidate.
 *
 * @example
 * ```ts
 * import { onVoted } from "./election.ts";
 * import type { BrokerCore, PartitionSlot } from "./slot.ts";
 * declare const core: BrokerCore, slot: PartitionSlot;
 * onVoted(core, slot, "n2", {
 *   type: "bus/voted", topic: "t", partition: 0, epoch: 2, granted: true,
 * }, () => {});
 * ```
 */
export function onVoted(
  core: BrokerCore,
  slot: PartitionSlot,
  from: NodeId,
  m: Extract<BusMessage, { type: "bus/voted" }>,
  answerPolls: (slot: PartitionSlot) => void,
): void {
  const r = slot.replica;
  if (m.pre === true) {
    if (!m.granted) return m.epoch > r.epoch ? adoptEpoch(core, slot, m.epoch, null) : undefined;
    if (!slot.prevoting || slot.role === "leader" || m.epoch !== r.epoch + 1) return;
    slot.preVotes.add(from);
    if (slot.preVotes.size >= majority(slot.replicas.length)) campaign(core, slot, answerPolls);
    return;
  }
  if (m.epoch > r.epoch) return adoptEpoch(core, slot, m.epoch, null);
  if (slot.role !== "candidate" || m.epoch !== r.epoch || !m.granted) return;
  slot.votes.add(from);
  if (slot.votes.size >= majority(slot.replicas.length)) becomeLeader(core, slot, answerPolls);
}
