#!/usr/bin/env python3
# A Maelstrom echo node: answers init and echo; everything else is an error 10.
import json, sys

node_id, next_id = None, 0
for line in sys.stdin:
    msg = json.loads(line)
    body = msg["body"]
    next_id += 1
    reply = {"msg_id": next_id, "in_reply_to": body.get("msg_id")}
    if body["type"] == "init":
        node_id = body["node_id"]
        reply["type"] = "init_ok"
    elif body["type"] == "echo":
        reply.update(type="echo_ok", echo=body["echo"])
    else:
        reply.update(type="error", code=10, text="not supported: " + body["type"])
    print(json.dumps({"src": node_id, "dest": msg["src"], "body": reply}), flush=True)
