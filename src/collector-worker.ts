// The worker thread side of workerCollector: one Engine (its /proc caches and the history) per
// worker. A 'tick' request gets the tick's Snapshot back; 'seen' gets the panes and sessions seen so
// far (the pane memory the console saves). No store, no screen.
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerInit, WorkerReply, WorkerRequest } from './collector.js';
import { endTmuxCalls } from './collectors/tmux-exec.js';
import { Engine } from './engine.js';

const init = workerData as WorkerInit;
const engine = new Engine(init.config, { ...init.opts, env: init.opts.env });

parentPort!.on('message', async (m: WorkerRequest) => {
  // Closing: the tmux calls in flight end now (their process groups are detached and would outlive us).
  if (m.kind === 'close') {
    endTmuxCalls();
    parentPort!.postMessage({ id: m.id, closed: true });
    return;
  }
  let reply: WorkerReply;
  try {
    reply = m.kind === 'seen' ? { id: m.id, seen: { panes: engine.seen.panes, sessions: engine.seen.sessions } } : { id: m.id, snapshot: await engine.tick() };
  } catch (e) {
    reply = { id: m.id, error: (e as Error).message ?? String(e) };
  }
  parentPort!.postMessage(reply);
});
