"""A small single-threaded Maelstrom node library for the test nodes: handlers by
message type, RPCs with callbacks, and timers, all on one select() loop."""
import heapq, itertools, json, os, select, sys, time


class Node:
    def __init__(self):
        self.id = None
        self.ids = []
        self.handlers = {}
        self.callbacks = {}
        self.timers = []
        self.seq = itertools.count()
        self.next_msg_id = 0
        self.on_init = None

    def on(self, type_, fn):
        self.handlers[type_] = fn

    def log(self, text):
        print(text, file=sys.stderr, flush=True)

    def send(self, dest, body):
        self.next_msg_id += 1
        body = dict(body, msg_id=self.next_msg_id)
        sys.stdout.write(json.dumps({"src": self.id, "dest": dest, "body": body}) + "\n")
        sys.stdout.flush()
        return self.next_msg_id

    def reply(self, req, body):
        self.send(req["src"], dict(body, in_reply_to=req["body"]["msg_id"]))

    def rpc(self, dest, body, callback):
        msg_id = self.send(dest, body)
        self.callbacks[msg_id] = callback
        return msg_id

    def after(self, secs, fn):
        heapq.heappush(self.timers, (time.monotonic() + secs, next(self.seq), fn))

    def every(self, secs, fn):
        def tick():
            fn()
            self.after(secs, tick)
        self.after(secs, tick)

    def _handle(self, msg):
        body = msg["body"]
        if body["type"] == "init":
            self.id = body["node_id"]
            self.ids = body["node_ids"]
            if self.on_init:
                self.on_init()
            self.reply(msg, {"type": "init_ok"})
            return
        cb = self.callbacks.pop(body.get("in_reply_to"), None)
        if cb is not None:
            cb(msg)
            return
        fn = self.handlers.get(body["type"])
        if fn is None:
            if "msg_id" in body:
                self.reply(msg, {"type": "error", "code": 10, "text": "not supported"})
            return
        fn(msg)

    def run(self):
        buf = b""
        while True:
            now = time.monotonic()
            while self.timers and self.timers[0][0] <= now:
                _, _, fn = heapq.heappop(self.timers)
                fn()
            timeout = max(0.0, self.timers[0][0] - now) if self.timers else None
            ready, _, _ = select.select([0], [], [], timeout)
            if not ready:
                continue
            chunk = os.read(0, 65536)
            if not chunk:
                return
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                if line.strip():
                    self._handle(json.loads(line))
