#!/usr/bin/env python3
# Broken unique-ids: a local counter alone, so two nodes hand out the same ids.
from maelstrom_node import Node

node = Node()
count = [0]


def generate(msg):
    count[0] += 1
    node.reply(msg, {"type": "generate_ok", "id": count[0]})


node.on("generate", generate)
node.run()
