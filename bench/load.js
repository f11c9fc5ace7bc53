// The bench's own load, and its teardown: agent sessions on a private tmux server, sleepers in
// process groups of their own, a private tmux server for the screens (160×50). Everything started
// here is ended by `teardown()`, which run.js calls on exit, on SIGINT/SIGTERM and on failure.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const loadSocket = `orchtop-bench-${process.pid}`;
export const viewSocket = `orchtop-bench-view-${process.pid}`;
export const scratch = mkdtempSync(join(tmpdir(), 'orchtop-bench-'));
const cleanEnv = { ...process.env, TMUX: '', TMUX_PANE: '' };

export const tmux = (socket, ...a) =>
  execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...a], { encoding: 'utf8', env: cleanEnv, stdio: ['ignore', 'pipe', 'ignore'] });

const groups = [];
/** Starts `n` sleepers in one process group (its shell waits for them); resolves when they run. */
export async function addSleepers(n) {
  if (n <= 0) return;
  const g = spawn('sh', ['-c', `trap 'kill 0; wait; exit 0' TERM; i=0; while [ $i -lt ${n} ]; do sleep 3600 & i=$((i+1)); done; echo up; wait`], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  groups.push(g);
  await new Promise((r) => g.stdout.once('data', r));
}

export function startSessions(n) {
  for (let i = 0; i < n; i++) tmux(loadSocket, 'new-session', '-d', '-s', `claude-agent-${i}`, 'sleep 3600');
}

export const processCount = () => readdirNumeric().length;
function readdirNumeric() {
  return execFileSync('ls', ['/proc'], { encoding: 'utf8' })
    .split('\n')
    .filter((x) => /^\d+$/.test(x));
}

/** Grows the machine's process count to about `total` with more sleepers. */
export async function growTo(total) {
  const now = processCount();
  if (total > now) await addSleepers(total - now);
}

/** A screen: `cmd` in a 160×50 window of the private view server; returns the pane's pid. */
export function screen(name, cmd, env = {}) {
  const exports = Object.entries(env)
    .map(([k, v]) => `${k}='${v}' `)
    .join('');
  tmux(viewSocket, 'new-session', '-d', '-x', '160', '-y', '50', '-s', name, `exec env ${exports}${cmd}`);
  return Number(tmux(viewSocket, 'display-message', '-p', '-t', `=${name}:`, '#{pane_pid}').trim());
}

export const capture = (name) => tmux(viewSocket, 'capture-pane', '-p', '-t', `=${name}:`);

/** utime + stime of a process and all its threads, in clock ticks (CLK_TCK 100 on Linux here). */
export function cpuTicks(pid) {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

export function rssMb(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Ends every screen (the view server); the load stays. */
export function stopScreens() {
  try {
    tmux(viewSocket, 'kill-server');
  } catch {
    /* not running */
  }
}

let done = false;
export function teardown() {
  if (done) return;
  done = true;
  for (const s of [viewSocket, loadSocket]) {
    try {
      tmux(s, 'kill-server');
    } catch {
      /* not running */
    }
    rmSync(`${process.env.TMUX_TMPDIR || '/tmp'}/tmux-${process.getuid()}/${s}`, { force: true });
  }
  for (const g of groups)
    try {
      process.kill(-g.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  rmSync(scratch, { recursive: true, force: true });
}
