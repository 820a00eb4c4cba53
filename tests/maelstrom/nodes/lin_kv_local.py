#!/usr/bin/env python3
# A lin-kv node that does not replicate: it answers from its own dict and tells its
# peers about a write afterwards, once, best effort. Under a partition the copies drift
# apart; the linearizability checker must catch it.
from maelstrom_node import Node

node = Node()
data = {}


def read(msg):
    key = str(msg["body"]["key"])
    if key in data:
        node.reply(msg, {"type": "read_ok", "value": data[key]})
    else:
        node.reply(msg, {"type": "error", "code": 20, "text": "key does not exist"})


def tell_peers(key, value):
    for peer in node.ids:
        if peer != node.id:
            node.send(peer, {"type": "replicate", "key": key, "value": value})


def write(msg):
    key = str(msg["body"]["key"])
    data[key] = msg["body"]["value"]
    node.reply(msg, {"type": "write_ok"})
    tell_peers(key, data[key])


def cas(msg):
    body = msg["body"]
    key = str(body["key"])
    if key not in data:
        node.reply(msg, {"type": "error", "code": 20, "text": "key does not exist"})
    elif data[key] != body["from"]:
        node.reply(msg, {"type": "error", "code": 22, "text": f"value is {data[key]}"})
    else:
        data[key] = body["to"]
        node.reply(msg, {"type": "cas_ok"})
        tell_peers(key, data[key])


def replicate(msg):
    data[msg["body"]["key"]] = msg["body"]["value"]


node.on("read", read)
node.on("write", write)
node.on("cas", cas)
node.on("replicate", replicate)
node.run()
