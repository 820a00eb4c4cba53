#!/usr/bin/env python3
# Answers init, then dies on the first request.
import json, sys

for line in sys.stdin:
    msg = json.loads(line)
    if msg["body"]["type"] == "init":
        reply = {"type": "init_ok", "in_reply_to": msg["body"]["msg_id"]}
        print(json.dumps({"src": msg["dest"], "dest": msg["src"], "body": reply}), flush=True)
    else:
        raise SystemExit("no handler for " + msg["body"]["type"])
