#!/usr/bin/env python3
# unique-ids: node id plus a local counter is unique across the cluster.
from maelstrom_node import Node

node = Node()
count = [0]


def generate(msg):
    count[0] += 1
    node.reply(msg, {"type": "generate_ok", "id": f"{node.id}-{count[0]}"})


node.on("generate", generate)
node.run()
