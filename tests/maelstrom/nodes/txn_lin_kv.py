#!/usr/bin/env python3
# A replicated transactional store for txn-rw-register and txn-list-append, as in
# Maelstrom's Datomic demo: the whole database is one value in the lin-kv service, under
# "root". Any node runs a transaction by reading root, applying the micro-ops to a copy,
# and installing the copy with a cas from what it read; if another transaction got there
# first the cas fails and it starts over (after 20 tries: error 30, txn-conflict).
# Every transaction takes effect at its cas (or, read-only, at its read), inside its
# own call: strict-serializable, on every node. With --blind-write it installs the copy
# with a plain write instead, 10 ms later (as if it had work to do): two nodes that read
# the same root overwrite each other's transactions, and appends are lost.
import sys
from maelstrom_node import Node

node = Node()
blind = "--blind-write" in sys.argv


def apply(db, mops):
    done = []
    for f, k, v in mops:
        key = str(k)  # JSON object keys are strings
        if f == "r":
            done.append([f, k, db.get(key)])
        else:
            db[key] = v if f == "w" else db.get(key, []) + [v]
            done.append([f, k, v])
    return done


def txn(msg, attempt=0):
    mops = msg["body"]["txn"]

    def got(reply):
        body = reply["body"]
        if body["type"] == "read_ok":
            old = body["value"]
        elif body.get("code") == 20:
            old = None
        else:
            node.reply(msg, {"type": "error", "code": 11, "text": f"lin-kv: {body}"})
            return
        db = dict(old or {})
        done = apply(db, mops)
        if all(f == "r" for f, _, _ in mops):
            node.reply(msg, {"type": "txn_ok", "txn": done})
            return

        def installed(reply):
            body = reply["body"]
            if body["type"] == "cas_ok":
                node.reply(msg, {"type": "txn_ok", "txn": done})
            elif body.get("code") == 22 and attempt < 20:
                txn(msg, attempt + 1)
            else:
                node.reply(msg, {"type": "error", "code": 30, "text": "txn-conflict"})

        if blind:
            node.after(0.01, lambda: node.rpc(
                "lin-kv", {"type": "write", "key": "root", "value": db},
                lambda _: node.reply(msg, {"type": "txn_ok", "txn": done})))
            return
        node.rpc("lin-kv", {"type": "cas", "key": "root", "from": old, "to": db,
                            "create_if_not_exists": True}, installed)

    node.rpc("lin-kv", {"type": "read", "key": "root"}, got)


node.on("txn", txn)
node.run()
