/**
 * What a broker does as a partition's follower: it applies its leader's appends
 * (cutting off a disagreeing uncommitted tail, see `partition.ts`), answers with the
 * length it now shares with the leader, and counts the append as word from a live
 * leader (its election timer starts again). An append of an earlier epoch is refused
 * with the later epoch, which makes the stale leader step down.
 *
 * @module
 */

import type { NodeId } from "../node.ts";
import type { BusMessage } from "./message.ts";
import { applyAppend } from "./partition.ts";
import { type BrokerCore, electionDeadline, type PartitionSlot } from "./slot.ts";

/**
 * Handles an append from the leader of `m.epoch` (the slot has adopted any later epoch
 * already).
 *
 * @example
 * ```ts
 * import { onAppend } from "./follower.ts";
 * import type { BrokerCore, PartitionSlot } from "./slot.ts";
 * declare const core: BrokerCore, slot: PartitionSlot;
 * onAppend(core, slot, "n1", {
 *   type: "bus/append", topic: "t", partition: 0, epoch: 1, from: 0, prevEpoch: 0,
 *   entries: [], hw: 0, offsets: {}, offsetsVersion: 0,
 * });
 * ```
 */
export function onAppend(
  core: BrokerCore,
  slot: PartitionSlot,
  from: NodeId,
  m: Extract<BusMessage, { type: "bus/append" }>,
): void {
  const { host } = core;
  const r = slot.replica;
  const answer = (success: boolean, length: number) =>
    host.send(from, {
      type: "bus/appended",
      topic: m.topic,
      partition: m.partition,
      epoch: r.epoch,
      success,
      length,
      offsetsVersion: r.offsetsVersion,
    });
  if (m.epoch < r.epoch || slot.role === "leader") return answer(false, r.log.length);
  slot.role = "follower";
  slot.leader = from;
  slot.votes.clear();
  slot.prevoting = false;
  slot.heardAt = host.now();
  slot.electionAt = electionDeadline(core);
  const applied = applyAppend(
    host.storage,
    r,
    m.epoch,
    m.from,
    m.prevEpoch,
    m.entries,
    m.hw,
    m.offsets,
    m.offsetsVersion,
  );
  if ("shared" in applied) answer(true, applied.shared);
  else answer(false, applied.resend);
}
