#!/usr/bin/env python3
# g-counter by gossip: an add is applied here, acknowledged, and sent to every peer,
# resent every 50 ms until the peer confirms. With --dedupe a peer applies each add once
# (by its id); without, a resent add is counted again: the bug the checker must catch.
import sys
from maelstrom_node import Node

node = Node()
total = [0]
applied = set()
unconfirmed = {}  # (peer, add id) -> delta
dedupe = "--dedupe" in sys.argv
counter = [0]


def add(msg):
    delta = msg["body"]["delta"]
    total[0] += delta
    counter[0] += 1
    add_id = f"{node.id}-{counter[0]}"
    for peer in node.ids:
        if peer != node.id:
            unconfirmed[(peer, add_id)] = delta
            node.send(peer, {"type": "inc", "id": add_id, "delta": delta})
    node.reply(msg, {"type": "add_ok"})


def inc(msg):
    body = msg["body"]
    if not dedupe or body["id"] not in applied:
        applied.add(body["id"])
        total[0] += body["delta"]
    node.send(msg["src"], {"type": "inc_ok", "id": body["id"]})


def inc_ok(msg):
    unconfirmed.pop((msg["src"], msg["body"]["id"]), None)


def resend():
    for (peer, add_id), delta in list(unconfirmed.items()):
        node.send(peer, {"type": "inc", "id": add_id, "delta": delta})


def read(msg):
    node.reply(msg, {"type": "read_ok", "value": total[0]})


node.on("add", add)
node.on("inc", inc)
node.on("inc_ok", inc_ok)
node.on("read", read)
node.every(0.05, resend)
node.run()
