#!/usr/bin/env python3
# A single-node kafka log (Gossip Glomers 5a): offsets count up per key, a poll returns
# up to 10 messages from the asked offset. With --reverse, a poll returns them newest
# first: the reordering the checker must catch.
import sys
from maelstrom_node import Node

node = Node()
logs = {}  # key -> list of messages; the offset is the index
committed = {}
reverse = "--reverse" in sys.argv


def send(msg):
    log = logs.setdefault(msg["body"]["key"], [])
    log.append(msg["body"]["msg"])
    node.reply(msg, {"type": "send_ok", "offset": len(log) - 1})


def poll(msg):
    out = {}
    for key, start in msg["body"]["offsets"].items():
        pairs = [[o, m] for o, m in enumerate(logs.get(key, []))][start:start + 10]
        if pairs:
            out[key] = list(reversed(pairs)) if reverse else pairs
    node.reply(msg, {"type": "poll_ok", "msgs": out})


def commit_offsets(msg):
    for key, offset in msg["body"]["offsets"].items():
        committed[key] = max(committed.get(key, 0), offset)
    node.reply(msg, {"type": "commit_offsets_ok"})


def list_committed_offsets(msg):
    keys = msg["body"]["keys"]
    node.reply(msg, {"type": "list_committed_offsets_ok",
                     "offsets": {k: committed[k] for k in keys if k in committed}})


node.on("send", send)
node.on("poll", poll)
node.on("commit_offsets", commit_offsets)
node.on("list_committed_offsets", list_committed_offsets)
node.run()
