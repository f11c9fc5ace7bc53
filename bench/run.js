#!/usr/bin/env node
// `npm run bench`: how fast and how big one tick is, on a private tmux server with N agent sessions.
// Prints figures; asserts nothing (tests never assert timings). Tears down everything it started.
//   BENCH_SESSIONS=200 BENCH_TICKS=30 npm run bench
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { performance, monitorEventLoopDelay } from 'node:perf_hooks';
import psList from 'ps-list';
import pidusage from 'pidusage';
import { parseCli } from '../dist/config.js';
import { Engine, classifyConfigOf } from '../dist/engine.js';
import { ProcReader } from '../dist/collectors/procfs.js';
import { listPanes } from '../dist/collectors/tmux.js';
import { createAppStore } from '../dist/store/store.js';
import { workerCollector, inProcessCollector } from '../dist/collector.js';
import { classify, emptyHistory } from '../dist/model/classify.js';
import { makePlan } from '../dist/model/plan.js';
import { executePlan } from '../dist/actions/execute.js';
import { makeLooker } from '../dist/cli/main.js';
import React from 'react';
import { render, renderToString } from 'ink';
import { EventEmitter } from 'node:events';
import { Console } from '../dist/ui/Console.js';
import { createViewStore } from '../dist/ui/view-store.js';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 200);
const TICKS = Number(process.env.BENCH_TICKS ?? 30);
// Background processes, so the /proc scan sees a busy machine (DESIGN.md measured 2,266).
const EXTRA = Number(process.env.BENCH_EXTRA ?? 2000);
const socket = `orchtop-bench-${process.pid}`;
const tmux = (...a) => execFileSync('tmux', ['-L', socket, ...a], { encoding: 'utf8', env: { ...process.env, TMUX: '' } });

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(1)} ms, p90 ${q(0.9).toFixed(1)} ms, min ${s[0].toFixed(1)} ms`;
};
async function time(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

let cleaned = false;
let extra = null;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  try {
    tmux('kill-server');
  } catch {
    /* gone */
  }
  rmSync(`${process.env.TMUX_TMPDIR || '/tmp'}/tmux-${process.getuid()}/${socket}`, { force: true });
  // The sleepers share one process group: end them all; their shell waits for (reaps) them.
  if (extra?.pid)
    try {
      process.kill(-extra.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

try {
  const t0 = performance.now();
  if (EXTRA > 0) {
    extra = spawn('sh', ['-c', `trap 'kill 0; wait; exit 0' TERM; i=0; while [ $i -lt ${EXTRA} ]; do sleep 3600 & i=$((i+1)); done; echo up; wait`], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await new Promise((r) => extra.stdout.once('data', r));
  }
  tmux('new-session', '-d', '-s', 'claude-agent-0', 'sleep 3600');
  for (let i = 1; i < SESSIONS; i++) tmux('new-session', '-d', '-s', `claude-agent-${i}`, 'sleep 3600');
  const procCount = execFileSync('ps', ['-e', '--no-headers'], { encoding: 'utf8' }).trim().split('\n').length;
  console.log(`orch-top bench: ${SESSIONS} agent sessions on tmux -L ${socket}, ${procCount} processes, node ${process.version}, ${TICKS} ticks each`);
  console.log(`  setup                       ${(performance.now() - t0).toFixed(0)} ms`);

  const r = parseCli(['--snapshot', '-L', socket, '--orchestrator-match', 'no-such-orchestrator'], process.env);
  const config = r.config;

  console.log(`  tmux list-panes -a (1 call) ${stats(await time(TICKS, () => listPanes(config.server)))}`);

  const cold = new ProcReader();
  const coldT = await time(1, () => cold.readTable());
  console.log(`  /proc table, cold cache     ${coldT[0].toFixed(1)} ms`);
  const warm = new ProcReader();
  warm.readTable();
  console.log(`  /proc table, warm cache     ${stats(await time(TICKS, () => warm.readTable()))}`);
  console.log(`  ps-list (all processes)     ${stats(await time(Math.min(TICKS, 10), () => psList()))}`);
  const pids = [...warm.readTable().procs.keys()];
  console.log(`  pidusage (all ${pids.length} pids)  ${stats(await time(Math.min(TICKS, 5), () => pidusage(pids).catch(() => null)))}`);

  const engine = new Engine(config);
  const coldTick = await time(1, () => engine.collect());
  console.log(`  whole collect, first tick   ${coldTick[0].toFixed(1)} ms (reads every environment once)`);
  const store = createAppStore({ classifyConfig: () => classifyConfigOf(config), intervalMs: 1000 });
  const ticks = await time(TICKS, async () => {
    const t = performance.now();
    const raw = await engine.collect();
    store.getState().ingest(raw, performance.now() - t);
  });
  console.log(`  whole tick (collect+model)  ${stats(ticks)}`);
  const raw = await engine.collect();
  console.log(`  classify alone              ${stats(await time(TICKS, () => classify(raw, classifyConfigOf(config), emptyHistory())))}`);
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  for (let i = 0; i < 10; i++) {
    const raw2 = await engine.collect();
    store.getState().ingest(raw2, 0);
  }
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - w0;
  console.log(
    `  CPU per tick                ${((cpu.user + cpu.system) / 1000 / 10).toFixed(1)} ms (${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(0)}% of a core while ticking back to back)`,
  );
  console.log(`  at a 1 s interval           ~${((cpu.user + cpu.system) / 1000 / 10 / 10).toFixed(1)}% of one core`);
  global.gc?.();
  const m = process.memoryUsage();
  console.log(`  memory after ${TICKS * 2 + 12} ticks       rss ${(m.rss / 2 ** 20).toFixed(0)} MB, heap ${(m.heapUsed / 2 ** 20).toFixed(0)} MB`);
  // How long the main thread is blocked while ticking: in-process vs in a worker thread.
  for (const [label, make] of [
    ['in-process', inProcessCollector],
    ['worker thread', workerCollector],
  ]) {
    const c = make(config);
    await c.collect();
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    for (let i = 0; i < 10; i++) await c.collect();
    h.disable();
    await c.close();
    console.log(`  event-loop delay, ${label.padEnd(13)} max ${(h.max / 1e6).toFixed(1)} ms, p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms (10 ticks)`);
  }
  const snap = store.getState().snapshot;
  console.log(`  snapshot                    ${snap.summary.sessions} sessions, ${snap.summary.processes} watched processes, ${snap.summary.orphans} orphans`);

  // The console's cost per frame: the whole screen (rows sorted, filtered, laid out, drawn) with this
  // snapshot, per panel, at 120×40 — what each tick costs the main thread on top of the ingest, and
  // what the first frame (a mount) costs.
  const service = { plan: () => null, run: async () => {}, cancel() {}, busy: () => false, refresh() {}, idle: async () => {} };
  for (const panel of ['sessions', 'processes', 'zombies', 'descriptors']) {
    const frame = () =>
      renderToString(
        React.createElement(Console, { store, service, quit() {}, view: createViewStore({ panel }), size: { columns: 120, rows: 40 }, clockEveryMs: 0 }),
        { columns: 120 },
      );
    frame();
    const mount = stats(await time(Math.min(TICKS, 10), frame));
    // A new snapshot into a mounted console (what a tick does): React reconciles, Ink lays out and
    // writes the frame; measured until the write.
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
    const out = new Out();
    const app = render(
      React.createElement(Console, { store, service, quit() {}, view: createViewStore({ panel }), size: { columns: 120, rows: 40 }, clockEveryMs: 0 }),
      { stdout: out, stdin: new In(), debug: true, patchConsole: false, exitOnCtrlC: false },
    );
    const update = await time(Math.min(TICKS, 20), async () => {
      const w = out.writes;
      store.setState({ snapshot: { ...store.getState().snapshot } });
      while (out.writes === w) await new Promise((r) => setImmediate(r));
    });
    app.unmount();
    console.log(`  console ${panel.padEnd(12)}        update ${stats(update)}; mount ${mount}`);
  }

  // Cleanup: every session is an orphan (no orchestrator). One shared grace period, polled.
  const GRACE = 2000;
  const reapOnce = async (label) => {
    const looker = makeLooker(config, { env: process.env, cwd: process.cwd(), extraWorkspaces: [] });
    const before = await looker.look();
    const tp = performance.now();
    const plan = makePlan(before, { kind: 'reap' }, { graceMs: GRACE, server: config.server });
    const planMs = performance.now() - tp;
    const m0 = process.memoryUsage().rss;
    const ex = await executePlan(plan, { look: () => looker.look(0) });
    const counts = {};
    for (const x of ex.results) counts[x.outcome] = (counts[x.outcome] ?? 0) + 1;
    const left = (await looker.look(0)).summary.sessions;
    console.log(
      `  reap ${label.padEnd(22)} plan ${planMs.toFixed(1)} ms, execute ${ex.durationMs} ms (grace ${GRACE} ms), ${Object.entries(counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}; ${left} sessions left; rss +${((process.memoryUsage().rss - m0) / 2 ** 20).toFixed(0)} MB`,
    );
  };
  await reapOnce(`${SESSIONS} sessions (exit on TERM)`);
  const STUBBORN = Math.min(100, SESSIONS);
  for (let i = 0; i < STUBBORN; i++) tmux('new-session', '-d', '-s', `claude-agent-s${i}`, `sh -c "trap '' TERM HUP; sleep 3600"`);
  await reapOnce(`${STUBBORN} sessions (ignore TERM)`);
} finally {
  cleanup();
}
