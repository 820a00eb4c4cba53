#!/usr/bin/env python3
# A g-counter that keeps one shared total in seq-kv and adds by read-then-write (no
# cas): a stale read, or two nodes adding at once, loses an add. The checker must catch
# a final value below the acknowledged sum.
from maelstrom_node import Node

node = Node()


def add(msg):
    delta = msg["body"]["delta"]

    def got(reply):
        body = reply["body"]
        current = body["value"] if body["type"] == "read_ok" else 0
        node.rpc("seq-kv", {"type": "write", "key": "total", "value": current + delta},
                 lambda _: node.reply(msg, {"type": "add_ok"}))

    node.rpc("seq-kv", {"type": "read", "key": "total"}, got)


def read(msg):
    def got(reply):
        body = reply["body"]
        node.reply(msg, {"type": "read_ok", "value": body["value"] if body["type"] == "read_ok" else 0})

    node.rpc("seq-kv", {"type": "read", "key": "total"}, got)


node.on("add", add)
node.on("read", read)
node.run()
