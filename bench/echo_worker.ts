/**
 * The raw anchor of `router_bench.ts`: a Worker that bounces messages with a peer Worker
 * over a `MessagePort`, one `postMessage` per message, no router in between.
 *
 * Main posts `{ port, id, window, warmupMs, measureMs }` (window > 0: this Worker
 * serves first). The Worker bounces every message it gets, counts those that arrive
 * during the measuring window (after the warm-up), then stops bouncing and posts
 * `{ received, seconds }` to main. It keeps time itself because a busy port can starve
 * messages from main.
 *
 * @module
 */

interface Envelope {
  from: string;
  body: { type: "ball"; seq: number };
  lamport: number;
  vclock: Record<string, number>;
}

interface Start {
  port: MessagePort;
  id: string;
  window: number;
  warmupMs: number;
  measureMs: number;
}

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<Start>) => void) | null;
  postMessage(m: { received: number; seconds: number }): void;
};

scope.onmessage = (e) => {
  const { port, id, window, warmupMs, measureMs } = e.data;
  const begin = performance.now() + warmupMs;
  const end = begin + measureMs;
  let received = 0;
  let lamport = 0;
  let done = false;
  // The same envelope the router carries: sender, body and both logical clocks.
  const send = (body: Envelope["body"]) => {
    lamport++;
    port.postMessage({ from: id, body, lamport, vclock: { n1: lamport, n2: lamport } });
  };
  const finish = () => {
    if (done) return;
    done = true;
    port.close();
    scope.postMessage({ received, seconds: measureMs / 1000 });
  };
  // Once the peer has finished no message comes to notice the end, so a timer does.
  setTimeout(finish, warmupMs + measureMs + 20);
  port.onmessage = (ev: MessageEvent<Envelope>) => {
    if (done) return;
    const now = performance.now();
    if (now >= end) return finish();
    if (now >= begin) received++;
    if (ev.data.lamport > lamport) lamport = ev.data.lamport;
    send(ev.data.body);
  };
  for (let i = 0; i < window; i++) send({ type: "ball", seq: i });
};
