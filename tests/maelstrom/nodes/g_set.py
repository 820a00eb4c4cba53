#!/usr/bin/env python3
# g-set as a state-based CRDT: every 50 ms each node sends its whole set to every peer,
# and a node merges what it receives by union.
from maelstrom_node import Node

node = Node()
elements = set()


def add(msg):
    elements.add(msg["body"]["element"])
    node.reply(msg, {"type": "add_ok"})


def read(msg):
    node.reply(msg, {"type": "read_ok", "value": sorted(elements)})


def merge(msg):
    elements.update(msg["body"]["elements"])


def share():
    for peer in node.ids:
        if peer != node.id:
            node.send(peer, {"type": "merge", "elements": sorted(elements)})


node.on("add", add)
node.on("read", read)
node.on("merge", merge)
node.every(0.05, share)
node.run()
