// The worker thread side of workerCollector: one Engine (and its /proc caches) per worker; each
// message asks for one tick and gets the RawWorld back. No policy, no store: just collect.
import { parentPort, workerData } from 'node:worker_threads';
import { endTmuxCalls } from './collectors/tmux-exec.js';
import { Engine } from './engine.js';
import type { WorkerInit } from './collector.js';
import type { History } from './model/classify.js';

const init = workerData as WorkerInit;
const engine = new Engine(init.config, { ...init.opts, env: init.opts.env });

parentPort!.on('message', async (m: { id: number; history?: History; close?: true }) => {
  // Closing: the tmux calls in flight end now (their process groups are detached and would outlive us).
  if (m.close) {
    endTmuxCalls();
    parentPort!.postMessage({ id: m.id, closed: true });
    return;
  }
  try {
    const raw = await engine.collect(m.history);
    parentPort!.postMessage({ id: m.id, raw });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error).message ?? String(e) });
  }
});
