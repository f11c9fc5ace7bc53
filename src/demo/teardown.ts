// Owns taking the demo sandbox down so that nothing of it is left: its processes through the
// executor (a Plan of its own, the same SIGTERM → grace → SIGKILL as any cleanup), then its private
// tmux server, its socket file and its workspaces. teardownSync is the last resort for an 'exit' hook
// (no event loop runs any more): the same targets, signalled through the same identity-checked
// helper, waited for by blocking. Neither touches anything outside the sandbox.

import type { ChildProcess } from 'node:child_process';
import { lstatSync, rmSync, unlinkSync } from 'node:fs';
import { executePlan } from '../actions/execute.js';
import { isAlive, protectedPids, signalChecked, type ProcKey } from '../actions/signal.js';
import { ProcReader } from '../collectors/procfs.js';
import { describeServer, runTmux, runTmuxSync, type TmuxResult } from '../collectors/tmux-exec.js';
import type { Plan, ProcTarget } from '../model/plan.js';
import type { ProcInfo, TmuxServer } from '../model/types.js';
import { sleep, sleepSync } from '../sleep.js';

export interface TeardownState {
  server: TmuxServer;
  /** Temp dirs to remove (the JSON workspace, the SQLite workspace's project). */
  roots: string[];
  socketPath: string | null;
  serverKey: ProcKey | null;
  zombieMaker: ProcKey | null;
  /** Every process the sandbox started or found (panes, children, the survivor, the orchestrator). */
  tracked: ProcKey[];
  orchestrator: ChildProcess | null;
  done: boolean;
  log: (line: string) => void;
}

const TERM_GRACE_MS = 2_000;
/** The zombie maker reaps its own children on SIGTERM; it gets this long before anything else. */
const ZOMBIE_PARENT_GRACE_MS = 3_000;
const KILL_WAIT_MS = 1_000;
const POLL_MS = 25;
const LIST_PANE_PIDS = ['list-panes', '-a', '-F', '#{pane_pid}'];

const proc = new ProcReader();

export async function teardown(st: TeardownState): Promise<void> {
  // 1. The zombie maker first, so it reaps its own children before anything can orphan them (its
  //    pane dying, or a SIGKILL below).
  if (st.zombieMaker && isAlive(proc, st.zombieMaker)) await executeDemoPlan(st, [target(st.zombieMaker, 'zombie-parent')], ZOMBIE_PARENT_GRACE_MS);
  // 2. Every process of the sandbox, gathered after that and before any other signal.
  await executeDemoPlan(st, gatherTargets(st, await runTmux(st.server, LIST_PANE_PIDS)), TERM_GRACE_MS);
  // 3. The private server. It may have exited already (its last session closed with its pane).
  await runTmux(st.server, ['kill-server']);
  if (st.serverKey) {
    const server = st.serverKey;
    const gone = async () => {
      const end = Date.now() + KILL_WAIT_MS;
      while (Date.now() < end && isAlive(proc, server)) await sleep(POLL_MS);
      return !isAlive(proc, server);
    };
    if (!(await gone()) && sendChecked(st, server, 'SIGTERM') && !(await gone())) sendChecked(st, server, 'SIGKILL');
  }
  removeSocket(st);
  // 4. Our own child must be waited for, or it stays our zombie; then the workspaces.
  await reapChild(st.orchestrator, 2_000);
  for (const root of st.roots) rmSync(root, { recursive: true, force: true });
}

/** The last resort of an 'exit' hook: the same targets, blocking waits, no executor (it is async). */
export function teardownSync(st: TeardownState): void {
  if (st.zombieMaker && sendChecked(st, st.zombieMaker, 'SIGTERM')) waitGoneSync([st.zombieMaker], ZOMBIE_PARENT_GRACE_MS);
  const targets = gatherTargets(st, runTmuxSync(st.server, LIST_PANE_PIDS));
  for (const k of targets) sendChecked(st, k, 'SIGTERM');
  waitGoneSync(targets, TERM_GRACE_MS);
  const stubborn = targets.filter((k) => isAlive(proc, k));
  for (const k of stubborn) sendChecked(st, k, 'SIGKILL');
  waitGoneSync(stubborn, KILL_WAIT_MS);
  runTmuxSync(st.server, ['kill-server']);
  if (st.serverKey) {
    waitGoneSync([st.serverKey], KILL_WAIT_MS);
    if (isAlive(proc, st.serverKey) && sendChecked(st, st.serverKey, 'SIGTERM')) waitGoneSync([st.serverKey], KILL_WAIT_MS);
    if (isAlive(proc, st.serverKey)) sendChecked(st, st.serverKey, 'SIGKILL');
  }
  removeSocket(st);
  // The orchestrator cannot be waited for without the event loop; the exiting process hands it to init.
  for (const root of st.roots) rmSync(root, { recursive: true, force: true });
}

function target(k: ProcKey, role: string, command = 'demo process'): ProcTarget {
  return { pid: k.pid, startTime: k.startTime, command, role };
}

/**
 * Every process of the sandbox: current panes, what was tracked, anything whose TMUX names this
 * server (a leak we did not start ourselves), and all their descendants. Gathered before any
 * signal, since killing a parent re-parents its children out of sight. Never orch-top, its
 * ancestors or the kernel's pids, never the server (it goes by kill-server), never a zombie.
 */
function gatherTargets(st: TeardownState, listed: TmuxResult): ProcTarget[] {
  const table = proc.readTable();
  const roots = new Set<number>();
  if (listed.exitCode === 0) for (const l of listed.stdout.split('\n')) if (/^\d+$/.test(l.trim())) roots.add(Number(l));
  for (const k of st.tracked) if (table.procs.get(k.pid)?.startTime === k.startTime) roots.add(k.pid);
  if (st.socketPath) {
    const prefix = `${st.socketPath},`;
    for (const p of table.procs.values()) if (proc.readEnvTrace(p.pid, p.startTime, p.comm)?.tmux?.startsWith(prefix)) roots.add(p.pid);
  }
  const kids = new Map<number, number[]>();
  for (const p of table.procs.values()) kids.set(p.ppid, [...(kids.get(p.ppid) ?? []), p.pid]);
  // A Set iterates over what is added during the loop: the roots, then all their descendants.
  const tree = new Set(roots);
  for (const pid of tree) for (const c of kids.get(pid) ?? []) tree.add(c);
  const never = protectedPids(proc);
  const out: ProcTarget[] = [];
  for (const pid of tree) {
    const p: ProcInfo | undefined = table.procs.get(pid);
    if (p && !never.has(pid) && pid !== st.serverKey?.pid && p.state !== 'Z') out.push(target(p, 'demo', p.cmdline.join(' ') || p.comm));
  }
  return out;
}

/** The demo's own plan: one step of its processes, on its own server (never signalled by the plan). */
function demoPlan(st: TeardownState, processes: ProcTarget[], graceMs: number): Plan {
  return {
    version: 1,
    intent: { kind: 'kill-leaked' },
    basedOn: new Date().toISOString(),
    server: st.server,
    socket: describeServer(st.server),
    socketPath: st.socketPath,
    serverPid: st.serverKey?.pid ?? null,
    graceMs,
    steps: [{ id: 1, phase: 1, kind: 'leaked', reason: 'the demo sandbox is being torn down', processes }],
    left: [],
    refused: null,
  };
}

async function executeDemoPlan(st: TeardownState, processes: ProcTarget[], graceMs: number): Promise<void> {
  if (!processes.length) return;
  await executePlan(demoPlan(st, processes, graceMs), {
    reader: proc,
    killWaitMs: KILL_WAIT_MS,
    onEvent: (e) => {
      if (e.event !== 'result') return;
      const r = e.result;
      if (r.outcome === 'skipped-reused' || r.outcome === 'denied' || r.outcome === 'failed')
        st.log(`demo: ${r.outcome}: ${r.detail ?? `pid ${'pid' in r.target ? r.target.pid : '?'}`}`);
    },
  });
}

/** One signal through the shared identity check; a reused pid is left alone, and said so. */
function sendChecked(st: TeardownState, k: ProcKey, sig: NodeJS.Signals): boolean {
  const r = signalChecked(k, sig, { reader: proc, protect: protectedPids(proc) });
  if (!r.sent && r.why === 'reused') st.log(`demo: pid ${k.pid} is another process now (start time ${r.startTime}, not ${k.startTime}): left alone`);
  return r.sent;
}

function waitGoneSync(keys: ProcKey[], ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end && keys.some((k) => isAlive(proc, k))) sleepSync(POLL_MS);
}

/** tmux leaves its socket file behind; remove ours (only ours, only once its server is gone). */
function removeSocket(st: TeardownState): void {
  if (!st.socketPath || (st.serverKey && isAlive(proc, st.serverKey))) return;
  try {
    if (lstatSync(st.socketPath).isSocket()) unlinkSync(st.socketPath);
  } catch {
    /* already gone */
  }
}

export function childGone(cp: ChildProcess): boolean {
  return cp.exitCode !== null || cp.signalCode !== null;
}

function reapChild(cp: ChildProcess | null, ms: number): Promise<void> {
  if (!cp || cp.pid === undefined || childGone(cp)) return Promise.resolve();
  return new Promise<void>((res) => {
    const t = setTimeout(res, ms);
    cp.once('exit', () => {
      clearTimeout(t);
      res();
    });
    if (childGone(cp)) res();
  });
}
