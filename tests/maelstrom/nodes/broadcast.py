#!/usr/bin/env python3
# broadcast: keep a set; every 50 ms send each neighbour what it has not acknowledged
# (anti-entropy survives partitions and lost messages).
import sys
from maelstrom_node import Node

node = Node()
seen = set()
neighbours = []
acked = {}  # neighbour -> values it confirmed
gossip = "--no-gossip" not in sys.argv


def topology(msg):
    neighbours[:] = msg["body"]["topology"].get(node.id, [])
    for n in neighbours:
        acked.setdefault(n, set())
    node.reply(msg, {"type": "topology_ok"})


def broadcast(msg):
    seen.add(msg["body"]["message"])
    node.reply(msg, {"type": "broadcast_ok"})


def read(msg):
    node.reply(msg, {"type": "read_ok", "messages": sorted(seen)})


def got_gossip(msg):
    values = msg["body"]["values"]
    seen.update(values)
    node.send(msg["src"], {"type": "gossip_ok", "values": values})


def gossip_ok(msg):
    acked.setdefault(msg["src"], set()).update(msg["body"]["values"])


def tick():
    for n in neighbours:
        todo = seen - acked[n]
        if todo:
            node.send(n, {"type": "gossip", "values": sorted(todo)})


node.on("topology", topology)
node.on("broadcast", broadcast)
node.on("read", read)
node.on("gossip", got_gossip)
node.on("gossip_ok", gossip_ok)
if gossip:
    node.every(0.05, tick)
node.run()
