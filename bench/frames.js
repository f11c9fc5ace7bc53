// The console's cost per frame, in-process: the whole screen (rows sorted, filtered, laid out, drawn)
// with a real snapshot, per panel, at 120×40 — what a new snapshot costs the main thread, and what the
// first frame (a mount) costs. React's production build, as bin/orch-top.js runs it.
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { render, renderToString } from 'ink';
import React from 'react';
import { Engine } from '../dist/engine.js';
import { createAppStore } from '../dist/store/store.js';
import { Console } from '../dist/ui/Console.js';
import { createViewStore } from '../dist/ui/view-store.js';
import { configOf } from './ticks.js';

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
async function wallEach(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

class Out extends EventEmitter {
  columns = 120;
  rows = 40;
  writes = 0;
  write = () => {
    this.writes++;
    return true;
  };
}
class In extends EventEmitter {
  isTTY = true;
  setRawMode() {}
  setEncoding() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read() {
    return null;
  }
}

export async function frameCosts(say, watchArgs) {
  const store = createAppStore({ intervalMs: 1000 });
  const engine = new Engine(configOf(watchArgs));
  store.getState().ingest(await engine.tick(), 0);
  const service = { plan: () => null, run: async () => {}, cancel() {}, busy: () => false, refresh() {}, idle: async () => {} };
  say('\nThe console per frame, in-process (120×40, median ms): a new snapshot drawn; a mount');
  for (const panel of ['sessions', 'processes', 'zombies', 'descriptors']) {
    const el = () =>
      React.createElement(Console, { store, service, quit() {}, view: createViewStore({ panel }), size: { columns: 120, rows: 40 }, clockEveryMs: 0 });
    renderToString(el(), { columns: 120 });
    const mount = median(await wallEach(10, () => renderToString(el(), { columns: 120 })));
    const out = new Out();
    const app = render(el(), { stdout: out, stdin: new In(), debug: true, patchConsole: false, exitOnCtrlC: false });
    const update = await wallEach(20, async () => {
      const w = out.writes;
      store.setState({ snapshot: { ...store.getState().snapshot } });
      while (out.writes === w) await new Promise((r) => setImmediate(r));
    });
    app.unmount();
    say(`  ${panel.padEnd(12)} update ${median(update).toFixed(1)} ms; mount ${mount.toFixed(1)} ms`);
  }
}
