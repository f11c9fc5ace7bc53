#!/usr/bin/env node
// `npm run bench`: what orch-top costs, side by side in one run on its own load (a private tmux
// server with BENCH_SESSIONS agent sessions, BENCH_EXTRA extra sleeping processes). Prints figures
// and the targets of issue 13; asserts nothing (tests never assert timings). Tears down everything
// it started (bench/load.js), even on failure or Ctrl-C.
//
//   BENCH_WINDOW_MS   each CPU window (default 30000; the console's CPU is the median of three)
//   BENCH_WARMUP_MS   before the first window (default 15000)
//   BENCH_RSS_MS      how long the console runs before its RSS is read (default 300000: 5 minutes)
//   BENCH_BEFORE      another built orch-top checkout (e.g. the base commit) measured beside this one
//   BENCH_V8          V8 flags for more consoles beside, ';' between sets, to see whether they pay
//   BENCH_SESSIONS=200 BENCH_EXTRA=2000
// A quick run while developing: BENCH_WINDOW_MS=5000 BENCH_WARMUP_MS=5000 BENCH_RSS_MS=30000 npm run bench
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { addSleepers, capture, stopScreens, cpuTicks, growTo, loadSocket, processCount, rssMb, scratch, screen, startSessions, teardown } from './load.js';
import { frameCosts } from './frames.js';
import { readerCosts, tickCosts } from './ticks.js';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 200);
const EXTRA = Number(process.env.BENCH_EXTRA ?? 2000);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 30_000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 15_000);
const RSS_MS = Number(process.env.BENCH_RSS_MS ?? 300_000);
const BEFORE = process.env.BENCH_BEFORE ? resolve(process.env.BENCH_BEFORE) : null;
const V8 = process.env.BENCH_V8 ?? '';
const HERE = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CLK = 100;

process.on('exit', teardown);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => process.exit(130));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const say = (s = '') => console.log(s);
const watchArgs = ['-L', loadSocket, '--orchestrator-match', 'no_such_orchestrator_in_the_bench'];
// orch-top's state (pane memory, audit log) goes to the scratch directory, never the user's.
const stateEnv = { HOME: scratch, XDG_STATE_HOME: join(scratch, 'state'), XDG_CONFIG_HOME: join(scratch, 'config') };

/** htop (apt-get when missing) and btop when present, at a 1 s refresh. */
function tools() {
  if (spawnSync('sh', ['-c', 'command -v htop']).status !== 0) {
    say('  (installing htop with apt-get)');
    spawnSync('sh', ['-c', 'apt-get install -y htop >/dev/null 2>&1 || (apt-get update >/dev/null 2>&1 && apt-get install -y htop >/dev/null 2>&1)']);
  }
  const out = [];
  if (spawnSync('sh', ['-c', 'command -v htop']).status === 0) out.push({ name: 'htop -d 10', cmd: 'htop -d 10' });
  if (spawnSync('sh', ['-c', 'command -v btop']).status === 0) {
    mkdirSync(join(scratch, 'config', 'btop'), { recursive: true });
    writeFileSync(join(scratch, 'config', 'btop', 'btop.conf'), 'update_ms = 1000\n');
    out.push({ name: 'btop at 1000 ms', cmd: 'btop --utf-force', env: { ...stateEnv, LANG: 'C.UTF-8' } });
  }
  return out;
}

/** Every console and tool at once on the same load; CPU in windows, then RSS until RSS_MS. */
async function sideBySide() {
  const node = process.execPath;
  const consoles = [
    { name: 'orch-top console (this)', cmd: `${node} ${HERE}/bin/orch-top.js ${watchArgs.join(' ')} --interval 1s`, env: stateEnv, ours: 'after' },
  ];
  if (BEFORE)
    consoles.push({
      name: 'orch-top console (before)',
      cmd: `${node} ${BEFORE}/bin/orch-top.js ${watchArgs.join(' ')} --interval 1s`,
      env: stateEnv,
      ours: 'before',
    });
  if (V8)
    consoles.push({
      name: `orch-top console (${V8})`,
      cmd: `${node} ${V8} ${HERE}/bin/orch-top.js ${watchArgs.join(' ')} --interval 1s`,
      env: stateEnv,
      ours: 'v8',
    });
  const all = [...consoles, ...tools()];
  all.forEach((x, i) => {
    x.pid = screen(`s${i}`, x.cmd, x.env ?? {});
    x.session = `s${i}`;
    x.cpu = [];
    x.rss = [];
  });
  await sleep(WARMUP_MS);
  const t0 = Date.now();
  for (let w = 0; w < 3; w++) {
    const before = all.map((x) => cpuTicks(x.pid));
    const start = performance.now();
    await sleep(WINDOW_MS);
    const secs = (performance.now() - start) / 1000;
    all.forEach((x, i) => x.cpu.push(((cpuTicks(x.pid) - before[i]) / CLK / secs) * 100));
    for (const x of all) x.rss.push(rssMb(x.pid));
  }
  while (Date.now() - t0 < RSS_MS - WARMUP_MS) {
    await sleep(Math.min(10_000, RSS_MS - WARMUP_MS - (Date.now() - t0)));
    for (const x of consoles) x.rss.push(rssMb(x.pid));
  }
  for (const x of consoles) x.rss.push(rssMb(x.pid));
  for (const x of all) x.screenOk = capture(x.session).trim().length > 0;
  const ok = consoles.every((c) => /claude-agent-/.test(capture(c.session)));
  stopScreens();
  return { all, consoles, ok };
}

function printSideBySide({ all, consoles, ok }) {
  const htop = all.find((x) => x.name.startsWith('htop'));
  say(`\nSide by side, ${SESSIONS} agent sessions + ${EXTRA} extra processes (${processCount()} in all), 160×50, 1 s interval`);
  say(`  CPU: median of three ${WINDOW_MS / 1000} s windows after ${WARMUP_MS / 1000} s; RSS after ${(RSS_MS / 60_000).toFixed(1)} min`);
  say(`  ${'what'.padEnd(34)} ${'CPU % of a core'.padEnd(26)} ${'× htop'.padEnd(7)} RSS MB`);
  for (const x of all) {
    const cpu = median(x.cpu);
    const ratio = htop ? cpu / median(htop.cpu) : NaN;
    const rss = x.rss.at(-1);
    say(`  ${x.name.padEnd(34)} ${`${f1(cpu)} (${x.cpu.map(f1).join(', ')})`.padEnd(26)} ${f1(ratio).padEnd(7)} ${f1(rss)}`);
  }
  for (const c of consoles) {
    const r = c.rss.filter(Number.isFinite);
    const third = Math.max(1, Math.floor(r.length / 3));
    const rise = median(r.slice(-third)) - median(r.slice(0, third));
    c.flat = rise < Math.max(5, 0.05 * median(r));
    say(`  ${c.name} RSS samples (MB): ${r.map((x) => x.toFixed(0)).join(' ')} → ${c.flat ? 'flat' : `rising (+${rise.toFixed(0)} MB)`}`);
  }
  if (!ok) say('  WARNING: a console did not show the agent sessions: its figures are not comparable');
}

/** `orch-top --snapshot --json` wall time against ps + one tmux list-panes, median of 5 each. */
function snapshotVsFloor() {
  const wall = (cmd, args, env = {}) => {
    const xs = [];
    for (let i = 0; i < 6; i++) {
      const t = performance.now();
      spawnSync(cmd, args, { env: { ...process.env, ...env, TMUX: '' }, stdio: ['ignore', 'ignore', 'ignore'] });
      if (i) xs.push(performance.now() - t); // the first run warms the page cache
    }
    return median(xs);
  };
  const floor = wall('ps', ['-eo', 'pid,ppid,pgid,sid,stat,lstart,rss,args']) + wall('tmux', ['-L', loadSocket, 'list-panes', '-a']);
  const snap = (dir) => wall(process.execPath, [`${dir}/bin/orch-top.js`, '--snapshot', '--json', ...watchArgs], stateEnv);
  const node = wall(process.execPath, ['-e', '']);
  const version = wall(process.execPath, [`${HERE}/bin/orch-top.js`, '--version']);
  const rows = [['this', snap(HERE)]];
  if (BEFORE) rows.push(['before', snap(BEFORE)]);
  say(`\n--snapshot --json wall time (median of 5), the floor: ps -eo pid,ppid,pgid,sid,stat,lstart,rss,args + one tmux list-panes -a = ${f1(floor)} ms`);
  for (const [label, ms] of rows) say(`  orch-top ${label.padEnd(7)} ${f1(ms)} ms = ${(ms / floor).toFixed(2)}× the floor`);
  say(`  start-up alone: node -e '' ${f1(node)} ms; orch-top --version (node + the CLI's imports) ${f1(version)} ms`);
  return rows[0][1] / floor;
}

try {
  const t0 = performance.now();
  startSessions(SESSIONS);
  say(`orch-top bench: node ${process.version}, ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} cores, tmux -L ${loadSocket}`);
  // Cost per tick as the machine grows: ~500, then the side-by-side load, then ~5,000 processes.
  const perTick = [];
  await growTo(500);
  perTick.push(await tickCosts(watchArgs));
  await addSleepers(Math.max(0, EXTRA - (processCount() - 500)));
  say(`  setup ${((performance.now() - t0) / 1000).toFixed(1)} s, ${processCount()} processes`);
  perTick.push(await tickCosts(watchArgs));
  await readerCosts(say, watchArgs);
  await frameCosts(say, watchArgs);
  const sbs = await sideBySide();
  printSideBySide(sbs);
  const snapRatio = snapshotVsFloor();
  await growTo(5000);
  perTick.push(await tickCosts(watchArgs));
  say('\nCost per tick, in-process (the console runs the same Engine.tick in its worker), CPU ms:');
  say(`  ${'processes'.padEnd(10)} ${'whole scan'.padEnd(11)} ${'partial'.padEnd(9)} ${'at 1 s'.padEnd(8)} per 1,000 processes at 1 s`);
  for (const t of perTick)
    say(`  ${String(t.procs).padEnd(10)} ${f1(t.whole).padEnd(11)} ${f1(t.partial).padEnd(9)} ${f1(t.avg).padEnd(8)} ${f1((t.avg / t.procs) * 1000)}`);
  const ours = sbs.all[0];
  const htop = sbs.all.find((x) => x.name.startsWith('htop'));
  const cpuRatio = htop ? median(ours.cpu) / median(htop.cpu) : NaN;
  // Linear: what each further 1,000 processes add stays about the same (the fixed part, tmux and the
  // registries, is not per process).
  const per = perTick.slice(1).map((t, i) => ((t.avg - perTick[i].avg) / (t.procs - perTick[i].procs)) * 1000);
  const linear = per.every((x) => x > 0) && Math.max(...per) / Math.min(...per) < 2;
  say('\nTargets (issue 13):');
  say(`  console CPU ≤ 0.5× htop: ${f1(cpuRatio)}× → ${cpuRatio <= 0.5 ? 'holds' : 'MISSED'}`);
  say(
    `  console RSS ≤ 100 MB, flat: ${f1(ours.rss.at(-1))} MB, ${sbs.consoles[0].flat ? 'flat' : 'rising'} → ${ours.rss.at(-1) <= 100 && sbs.consoles[0].flat ? 'holds' : 'MISSED'}`,
  );
  say(`  --snapshot ≤ 1.0× the floor: ${snapRatio.toFixed(2)}× → ${snapRatio <= 1 ? 'holds' : 'MISSED'}`);
  say(`  per-tick cost linear (each further 1,000 processes add within 2× the same): ${per.map(f1).join(', ')} ms → ${linear ? 'holds' : 'MISSED'}`);
} finally {
  teardown();
}
