// The bench's in-process figures: what one tick costs (whole /proc scan and partial), and the /proc
// reader against ps-list and pidusage, the libraries it replaces (why procfs.ts reads /proc itself).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pidusage from 'pidusage';
import psList from 'ps-list';
import { ProcReader } from '../dist/collectors/procfs.js';
import { listPanes } from '../dist/collectors/tmux.js';
import { parseCli } from '../dist/config.js';
import { Engine, FULL_SCAN_MS } from '../dist/engine.js';
import { HistoryDb } from '../dist/history/db.js';
import { classify, emptyHistory } from '../dist/model/classify.js';
import { processCount } from './load.js';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
async function perRun(n, fn, clock = cpuMs) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = clock();
    await fn();
    out.push(clock() - t);
  }
  return out;
}
const wall = () => performance.now();

export function configOf(watchArgs) {
  const r = parseCli(['--snapshot', ...watchArgs], process.env);
  if (r.kind !== 'run') throw new Error('bad bench args');
  return r.config;
}

/** CPU ms of one Engine.tick: with a whole /proc scan, with a partial one, and their mix at a 1 s interval. */
export async function tickCosts(watchArgs) {
  const config = configOf(watchArgs);
  const whole = new Engine(config, { fullScanMs: 0 });
  const partial = new Engine(config, { fullScanMs: Number.POSITIVE_INFINITY });
  for (let i = 0; i < 3; i++) await Promise.all([whole.tick(), partial.tick()]);
  const w = median(await perRun(10, () => whole.tick()));
  const p = median(await perRun(10, () => partial.tick()));
  const perScan = FULL_SCAN_MS / 1000; // ticks per whole scan at a 1 s interval
  return { procs: processCount(), whole: w, partial: p, avg: (w + (perScan - 1) * p) / perScan };
}

/** This reader against ps-list and pidusage, tmux, and the model alone (wall ms, medians). */
export async function readerCosts(say, watchArgs) {
  const fmt = (xs) => `${median(xs).toFixed(1)} ms`;
  const cold = new ProcReader();
  const coldMs = (await perRun(1, () => cold.readTable(), wall))[0];
  const warm = new ProcReader();
  warm.readTable();
  const whole = await perRun(10, () => warm.readTable(), wall);
  const part = await perRun(10, () => warm.readTable({ watch: new Set() }), wall);
  const pids = [...warm.readTable().procs.keys()];
  say(`\nThe /proc reader (src/collectors/procfs.ts) against the libraries it replaces, ${pids.length} processes, wall time:`);
  say(`  this reader, whole table        ${fmt(whole)} warm, ${coldMs.toFixed(1)} ms cold; partial (new pids only) ${fmt(part)}`);
  say(`  ps-list (all processes)         ${fmt(await perRun(5, () => psList(), wall))} (and it lacks state, sid and start time)`);
  say(`  pidusage (every pid)            ${fmt(await perRun(3, () => pidusage(pids).catch(() => null), wall))} (CPU and memory only)`);
  const engine = new Engine(configOf(watchArgs));
  await engine.tick();
  say(`  one tmux list-panes -a          ${fmt(await perRun(10, () => listPanes(engine.config.server), wall))}`);
  const raw = await engine.collect();
  const snap = classify(raw, engine.classifyConfig(), engine.seen);
  say(
    `  classify alone (model)          ${fmt(await perRun(10, () => classify(raw, engine.classifyConfig(), emptyHistory()), wall))}; snapshot ${snap.summary.sessions} sessions, ${snap.summary.processes} watched processes`,
  );
  say(`  history, ms per tick recorded   ${historyCost(snap)} (--serve: one transaction a tick; per-process rows every 30 s)`);
}

/** What --serve's history costs a tick (src/history/db.ts), in a temporary database: counts only, and with the per-process rows. */
function historyCost(snap) {
  const dir = mkdtempSync(join(tmpdir(), 'orchtop-bench-history-'));
  try {
    const open = (procStepMs) => HistoryDb.open(join(dir, `h${procStepMs}.sqlite3`), { retentionMs: 7 * 86_400_000, maxBytes: 64 * 1024 * 1024, procStepMs });
    const counts = open(Number.POSITIVE_INFINITY);
    const full = open(0);
    let t = Date.now();
    const at = () => ({ ...snap, takenAt: new Date((t += 1000)).toISOString() });
    const c = median(perRunSync(20, () => counts.recordTick(at(), 10)));
    const f = median(perRunSync(20, () => full.recordTick(at(), 10)));
    counts.close();
    full.close();
    return `${c.toFixed(2)} ms counts only, ${f.toFixed(2)} ms with ${snap.processes.length} process rows`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function perRunSync(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}
