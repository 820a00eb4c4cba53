#!/usr/bin/env python3
# A one-node transactional store for Maelstrom's txn-rw-register and txn-list-append
# workloads ("r", "w" and "append" micro-ops). By default each transaction runs whole
# as its message arrives: serializable, and in real-time order. Two broken modes:
#   --interleave         runs one micro-op per timer tick, straight on the shared state,
#                        so concurrent transactions see each other's uncommitted and
#                        intermediate writes (G1b, G1c);
#   --no-conflict-check  reads from a snapshot taken when the transaction begins and
#                        installs its writes 30 ms later without checking whether anyone
#                        wrote the same keys meanwhile: concurrent updates are lost.
import sys
from maelstrom_node import Node

node = Node()
data = {}  # key -> value (rw-register) or list (list-append)


def apply(state, mops):
    done = []
    for f, k, v in mops:
        if f == "r":
            done.append([f, k, state.get(k)])
            continue
        state[k] = v if f == "w" else state.get(k, []) + [v]
        done.append([f, k, v])
    return done


def txn(msg):
    node.reply(msg, {"type": "txn_ok", "txn": apply(data, msg["body"]["txn"])})


def txn_interleaved(msg):
    mops, done = msg["body"]["txn"], []

    def step(i):
        if i == len(mops):
            node.reply(msg, {"type": "txn_ok", "txn": done})
            return
        done.extend(apply(data, [mops[i]]))
        node.after(0.002, lambda: step(i + 1))

    step(0)


def txn_unchecked(msg):
    mops = msg["body"]["txn"]
    snapshot = dict(data)
    done = apply(snapshot, mops)
    written = {k for f, k, _ in mops if f != "r"}

    def commit():
        for k in written:
            data[k] = snapshot[k]
        node.reply(msg, {"type": "txn_ok", "txn": done})

    node.after(0.03, commit)


if "--interleave" in sys.argv:
    node.on("txn", txn_interleaved)
elif "--no-conflict-check" in sys.argv:
    node.on("txn", txn_unchecked)
else:
    node.on("txn", txn)
node.run()
