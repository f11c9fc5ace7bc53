// Executes a Plan: the only code in orch-top that kills a tmux session, and (through signal.ts) the
// only code that signals a process on a plan's behalf.
//
// The rules (DESIGN.md, "Safety rules for anything that kills"):
// - a process is (pid, start time): signal.ts re-reads the start time right before every signal; a
//   mismatch means the pid was reused and the target is skipped (`skipped-reused`).
// - never pid 0/1/2, orch-top or its ancestors, or the tmux server, whatever the plan says.
// - sessions are targeted by id (`$3`) on the server their step names, after checking that the id
//   still has the plan's name on that server (same pid): `kill-session -t name` falls back to a
//   prefix match, ids never do, and an id means nothing on another server.
// - a session's processes get SIGTERM first (tmux's kill-session only sends SIGHUP), then the session
//   is killed, then survivors get SIGKILL when the grace period ends; then nothing of it may be left.
// - every target of a phase shares one grace period, polled: 100 sessions take one grace period.
// - ESRCH is `gone`, EPERM is `denied` (reported once, not retried), anything else `failed`.

import { ProcReader } from '../collectors/procfs.js';
import { listPanes } from '../collectors/tmux.js';
import { runTmux } from '../collectors/tmux-exec.js';
import type { ActEvent, ActResult, Execution, Outcome } from '../model/outcome.js';
import type { Plan, PlanServer, ProcTarget, SessionStep, Step, ZombieStep } from '../model/plan.js';
import { sameSession } from '../model/servers.js';
import type { Snapshot } from '../model/types.js';
import { sleep } from '../sleep.js';
import { isAlive, protectedPids, signalChecked, type Signaller } from './signal.js';

export type { ActEvent, ActResult } from '../model/outcome.js';

export interface ExecuteOptions {
  reader?: ProcReader;
  /** kill(2); injected by tests (EPERM). */
  signal?: Signaller;
  /** A fresh look at the world through the engine and model (the caller's, with its history): how
   *  the executor learns what belongs to a session at execution and what it left behind. */
  look?: () => Promise<Snapshot>;
  onEvent?: (e: ActEvent) => void;
  pollMs?: number;
  /** How long SIGKILL may take to land before the target is called a failure. */
  killWaitMs?: number;
  /** How long init may take to reap orphaned zombies: it does so lazily. */
  reapWaitMs?: number;
  /** Cancel (Ctrl-C, the console's cancel key): no signal is sent after it; what is pending is
   *  reported as it stands (`failed`, "cancelled") and the execution returns at once. */
  abort?: AbortSignal;
}

/** One execution's shared state: what every phase reads and appends to. */
interface Run {
  plan: Plan;
  opts: ExecuteOptions;
  reader: ProcReader;
  signal: Signaller | undefined;
  emit: (e: ActEvent) => void;
  pollMs: number;
  killWaitMs: number;
  reapWaitMs: number;
  t0: number;
  results: ActResult[];
  protect: Map<number, string>;
  /** The tmux servers of the plan, as last seen: never terminated (SIGCHLD only). */
  tmuxServerPids: Set<number>;
}

interface Tracked {
  step: number;
  t: ProcTarget;
  /** Found at execution in the session's panes (not in the plan's list). */
  extra: string | null;
  sent: string[];
  /** When SIGKILL is due; when SIGKILL was sent, when to give up. */
  killAt: number;
  giveUpAt: number | null;
  done: ActResult | null;
}

interface ZombieParent {
  tr: Tracked;
  state: 'nudged' | 'terminating' | 'settled';
}

/** One phase's targets: its steps run together and share one grace period. */
interface Phase {
  phase: number;
  steps: Step[];
  tracked: Tracked[];
  byPid: Map<number, Tracked>;
  /** The planned sessions still there, on the same server, with the same name. */
  live: SessionStep[];
  /** Each server of the phase's sessions as seen at its start (by label): its pid, or null. */
  serverPids: Map<string, number | null>;
  start: number;
  zsteps: ZombieStep[];
  zombieParents: Map<number, ZombieParent>;
  sessionOutcome: Map<number, { ok: boolean; error: string | null }>;
}

export async function executePlan(plan: Plan, opts: ExecuteOptions = {}): Promise<Execution> {
  const run = makeRun(plan, opts);
  run.emit({ event: 'begin', intent: plan.intent.kind, steps: plan.steps.length, targets: countTargets(plan), graceMs: plan.graceMs });
  if (plan.refused) {
    run.emit({ event: 'end', clean: false, remaining: 0, durationMs: 0 });
    return { results: run.results, durationMs: 0, clean: false, remaining: [] };
  }
  const phases = [...new Set(plan.steps.map((s) => s.phase))].sort((a, b) => a - b);
  for (const phase of phases)
    await runPhase(
      run,
      plan.steps.filter((s) => s.phase === phase),
      phase,
    );
  const remaining = run.results.filter((r) => r.outcome === 'denied' || r.outcome === 'failed');
  const durationMs = Date.now() - run.t0;
  run.emit({ event: 'end', clean: remaining.length === 0, remaining: remaining.length, durationMs });
  return { results: run.results, durationMs, clean: remaining.length === 0, remaining };
}

function makeRun(plan: Plan, opts: ExecuteOptions): Run {
  const reader = opts.reader ?? new ProcReader();
  return {
    plan,
    opts,
    reader,
    signal: opts.signal,
    emit: opts.onEvent ?? (() => {}),
    pollMs: opts.pollMs ?? 50,
    killWaitMs: opts.killWaitMs ?? 2_000,
    reapWaitMs: opts.reapWaitMs ?? 5_000,
    t0: Date.now(),
    results: [],
    protect: protectedPids(reader),
    tmuxServerPids: new Set([plan.serverPid, ...(plan.servers ?? []).map((s) => s.serverPid)].filter((p): p is number => p !== null)),
  };
}

function countTargets(plan: Plan): number {
  return plan.steps.reduce(
    (n, s) => n + (s.kind === 'zombies' ? s.zombies.length + (s.parentStep === null ? 1 : 0) : s.processes.length + (s.kind === 'session' ? 1 : 0)),
    0,
  );
}

function finish(run: Run, r: ActResult): ActResult {
  run.results.push(r);
  run.emit({ event: 'result', result: r });
  return r;
}

const aborted = (run: Run) => !!run.opts.abort?.aborted;

function newTracked(step: number, t: ProcTarget, extra: string | null): Tracked {
  return { step, t, extra, sent: [], killAt: 0, giveUpAt: null, done: null };
}

function procResult(run: Run, tr: Tracked, outcome: Outcome, detail: string | null): ActResult {
  tr.done = finish(run, {
    step: tr.step,
    target: { kind: 'process', pid: tr.t.pid, startTime: tr.t.startTime, command: tr.t.command, role: tr.t.role },
    outcome,
    sent: tr.sent,
    detail: tr.extra && detail ? `${detail} (${tr.extra})` : (detail ?? tr.extra),
    ms: Date.now() - run.t0,
  });
  return tr.done;
}

/** A target that ended by itself or after its signals. */
const endedResult = (run: Run, tr: Tracked) => procResult(run, tr, tr.sent.includes('SIGKILL') ? 'killed' : 'exited', null);

/**
 * One signal to one tracked target, with the identity check right before it. Returns false (and
 * records the outcome) when the target must not or cannot be signalled any more.
 */
function send(run: Run, tr: Tracked, sig: NodeJS.Signals): boolean {
  const why = run.protect.get(tr.t.pid);
  // The one signal the tmux server ever gets: SIGCHLD, so it reaps dead panes it lost track of
  // (WORKAROUND(tmux 3.3a): see nudgeServer).
  const isServer = run.tmuxServerPids.has(tr.t.pid);
  const serverNudge = sig === 'SIGCHLD' && tr.t.role === 'tmux-server' && isServer && why === undefined;
  if (!serverNudge && (why !== undefined || isServer)) {
    procResult(run, tr, 'failed', `refused: pid ${tr.t.pid} is ${why ?? 'the tmux server'}`);
    return false;
  }
  if (aborted(run)) {
    procResult(run, tr, 'failed', tr.sent.length ? `cancelled after ${tr.sent.join(', ')}: still running` : 'cancelled before it was signalled');
    return false;
  }
  const r = signalChecked(tr.t, sig, run);
  const first = tr.sent.length === 0;
  const signalEvent = (error: string | null) =>
    run.emit({ event: 'signal', step: tr.step, pid: tr.t.pid, startTime: tr.t.startTime, command: tr.t.command, signal: sig, error });
  if (r.sent) {
    tr.sent.push(sig);
    signalEvent(null);
    return true;
  }
  switch (r.why) {
    case 'protected':
      procResult(run, tr, 'failed', `refused: pid ${tr.t.pid} is ${r.detail}`);
      break;
    case 'no-process':
      procResult(run, tr, first ? 'gone' : 'exited', first ? 'no such process when its turn came' : null);
      break;
    case 'reused':
      if (first) procResult(run, tr, 'skipped-reused', `pid ${tr.t.pid} now belongs to another process (start time ${r.startTime}, planned ${tr.t.startTime})`);
      else procResult(run, tr, 'exited', 'exited; its pid now belongs to another process');
      break;
    case 'zombie':
      procResult(run, tr, first ? 'gone' : 'exited', first ? 'already exited (a zombie waiting for its parent)' : null);
      break;
    case 'ESRCH':
      signalEvent(r.code);
      procResult(run, tr, first ? 'gone' : 'exited', null);
      break;
    case 'EPERM':
      signalEvent(r.code);
      procResult(run, tr, 'denied', `${sig}: operation not permitted (another user's process?)`);
      break;
    case 'error':
      signalEvent(r.code || r.message);
      procResult(run, tr, 'failed', `${sig}: ${r.message}`);
  }
  return false;
}

/** The server a session step names (a plan made before steps named theirs: the plan's own). */
function serverOfStep(run: Run, s: SessionStep): PlanServer {
  return s.server ?? { socket: run.plan.socket, target: run.plan.server, socketPath: run.plan.socketPath, serverPid: run.plan.serverPid };
}

type SessionsNow = { serverPid: number | null; byId: Map<string, string>; error: string | null };

/** The sessions on each server of these steps now, one `list-panes -a` per server (by label), in parallel. */
async function sessionsNow(run: Run, steps: SessionStep[]): Promise<Map<string, SessionsNow>> {
  const servers = new Map<string, PlanServer>();
  for (const s of steps) servers.set(serverOfStep(run, s).socket, serverOfStep(run, s));
  const looks = await Promise.all(
    [...servers.values()].map(async (srv): Promise<[string, SessionsNow]> => {
      const st = await listPanes(srv.target);
      if (st.running && st.serverPid !== null) run.tmuxServerPids.add(st.serverPid);
      return [srv.socket, { serverPid: st.running ? st.serverPid : null, byId: new Map(st.panes.map((p) => [p.sessionId, p.sessionName])), error: st.error }];
    }),
  );
  return new Map(looks);
}

/**
 * What belongs to the sessions now, as the model sees it (a fresh look): their processes (pane
 * trees, same-session-id members, processes whose $TMUX_PANE names their panes) and, once they are
 * killed, what they left (leaked, traced to them). The plan's list was true when it was made; this
 * catches what was started since, and what survived. Without `look`, only the plan's list counts.
 */
async function membersNow(
  run: Run,
  steps: SessionStep[],
  serverPids: ReadonlyMap<string, number | null>,
): Promise<Map<number, { step: number; t: ProcTarget }>> {
  const found = new Map<number, { step: number; t: ProcTarget }>();
  if (!run.opts.look || !steps.length) return found;
  const snap = await run.opts.look();
  // Only the steps whose server is still the one the phase checked (same pid): ids of another mean nothing.
  const samePid = (label: string) => {
    const now = snap.tmux.find((t) => t.socket === label);
    return now !== undefined && (now.running ? now.serverPid : null) === (serverPids.get(label) ?? null);
  };
  const mine = steps.filter((s) => samePid(serverOfStep(run, s).socket));
  const stepOf = (ref: { sessionId: string | null; server?: string | null }) =>
    mine.find((s) => sameSession(ref, { id: s.session.id, server: serverOfStep(run, s).socket }))?.id;
  const add = (step: number, t: ProcTarget) => {
    if (!found.has(t.pid) && !run.protect.has(t.pid) && !run.tmuxServerPids.has(t.pid)) found.set(t.pid, { step, t });
  };
  const views = new Map(snap.processes.map((p) => [p.pid, p]));
  for (const s of snap.sessions) {
    const step = stepOf({ sessionId: s.id, server: s.server });
    if (step === undefined) continue;
    for (const pid of s.processes) {
      const v = views.get(pid);
      if (v && v.state !== 'Z') add(step, { pid, startTime: v.startTime, command: v.command, role: v.role });
    }
  }
  for (const l of snap.leaked) {
    const step = l.sessionId ? stepOf(l) : undefined;
    if (step !== undefined) add(step, { pid: l.pid, startTime: l.startTime, command: l.command, role: 'leaked' });
  }
  return found;
}

async function runPhase(run: Run, steps: Step[], phase: number): Promise<void> {
  const ph: Phase = {
    phase,
    steps,
    tracked: [],
    byPid: new Map(),
    live: [],
    serverPids: new Map(),
    start: 0,
    zsteps: steps.filter((s): s is ZombieStep => s.kind === 'zombies'),
    zombieParents: new Map(),
    sessionOutcome: new Map(),
  };
  await checkSessions(run, ph);
  await trackTargets(run, ph);
  await terminateAll(run, ph);
  nudgeZombieParents(run, ph);
  await pollUntilSettled(run, ph);
  await settleZombies(run, ph);
  if (ph.live.length) await verifySessions(run, ph);
}

function track(ph: Phase, step: number, t: ProcTarget, extra: string | null): void {
  if (ph.byPid.has(t.pid)) return;
  const tr = newTracked(step, t, extra);
  ph.tracked.push(tr);
  ph.byPid.set(t.pid, tr);
}

/** Are the phase's sessions still the planned ones? Those that are not get their outcome now. */
async function checkSessions(run: Run, ph: Phase): Promise<void> {
  const sessionSteps = ph.steps.filter((s): s is SessionStep => s.kind === 'session');
  if (!sessionSteps.length) return;
  const now = await sessionsNow(run, sessionSteps);
  for (const [label, ls] of now) ph.serverPids.set(label, ls.serverPid);
  for (const s of sessionSteps) {
    const srv = serverOfStep(run, s);
    const ls = now.get(srv.socket)!;
    const planned = srv.serverPid;
    const base = { step: s.id, target: { kind: 'session' as const, id: s.session.id, name: s.session.name }, sent: [] as string[], ms: Date.now() - run.t0 };
    if (ls.error) finish(run, { ...base, outcome: 'failed', detail: `tmux: ${ls.error}` });
    else if (ls.serverPid === null || !ls.byId.has(s.session.id))
      finish(run, { ...base, outcome: 'gone', detail: 'the session ended before its turn; nothing else was touched' });
    else if (planned !== null && ls.serverPid !== planned)
      finish(run, {
        ...base,
        outcome: 'skipped-reused',
        detail: `the tmux server restarted since the plan (pid ${ls.serverPid}, planned ${planned}): session ids may name other sessions`,
      });
    else if (ls.byId.get(s.session.id) !== s.session.name)
      finish(run, { ...base, outcome: 'skipped-reused', detail: `session ${s.session.id} is now named ${ls.byId.get(s.session.id)}` });
    else ph.live.push(s);
  }
}

/** The plan's processes of live sessions, orchestrators and leaks, and what a fresh look adds. */
async function trackTargets(run: Run, ph: Phase): Promise<void> {
  for (const s of ph.steps) {
    if (s.kind === 'session') {
      if (!ph.live.includes(s)) continue;
      for (const t of s.processes) track(ph, s.id, t, null);
    } else if (s.kind === 'orchestrator' || s.kind === 'leaked') for (const t of s.processes) track(ph, s.id, t, null);
  }
  for (const [, f] of await membersNow(run, ph.live, ph.serverPids)) track(ph, f.step, f.t, 'found in the session at execution');
}

/** SIGTERM to every process, then kill-session for every live session. */
async function terminateAll(run: Run, ph: Phase): Promise<void> {
  ph.start = Date.now();
  for (const tr of ph.tracked) {
    tr.killAt = ph.start + run.plan.graceMs;
    send(run, tr, 'SIGTERM');
  }
  await Promise.all(ph.live.map((s) => killSession(run, ph, s)));
}

async function killSession(run: Run, ph: Phase, s: SessionStep): Promise<void> {
  if (aborted(run)) {
    const target = { kind: 'session' as const, id: s.session.id, name: s.session.name };
    finish(run, { step: s.id, target, outcome: 'failed', sent: [], detail: 'cancelled before kill-session', ms: Date.now() - run.t0 });
    return;
  }
  const r = await runTmux(serverOfStep(run, s).target, ['kill-session', '-t', s.session.id]);
  const error = r.exitCode === 0 ? null : r.error;
  run.emit({ event: 'tmux', step: s.id, session: s.session.id, name: s.session.name, command: `kill-session -t ${s.session.id}`, error });
  // Its result waits for the verification: a session that closed by itself once its processes
  // ended makes kill-session fail ("can't find session", "no current target").
  ph.sessionOutcome.set(s.id, { ok: r.exitCode === 0, error: r.exitCode === 0 ? null : (r.error ?? 'tmux failed') });
}

/** SIGCHLD to the zombies' parents that no other step terminates. */
function nudgeZombieParents(run: Run, ph: Phase): void {
  for (const z of ph.zsteps) {
    if (z.parentStep !== null) continue;
    const tr = newTracked(z.id, z.parent, null);
    ph.zombieParents.set(z.id, { tr, state: send(run, tr, 'SIGCHLD') ? 'nudged' : 'settled' });
  }
}

function zombiesLeft(run: Run, z: ZombieStep): ProcTarget[] {
  return z.zombies.filter((t) => {
    const st = run.reader.readStat(t.pid);
    return !!st && st.startTime === t.startTime && st.state === 'Z';
  });
}

/** Poll until every target is settled; SIGKILL at the end of the grace period. */
async function pollUntilSettled(run: Run, ph: Phase): Promise<void> {
  const total = ph.tracked.length + ph.zsteps.length;
  for (;;) {
    const now = Date.now();
    if (aborted(run)) {
      settleOnAbort(run, ph);
      return;
    }
    const pending = zombieParentsTick(run, ph, now) + trackedTick(run, ph, now);
    run.emit({ event: 'progress', phase: ph.phase, done: Math.max(0, total - pending), total, graceLeftMs: Math.max(0, ph.start + run.plan.graceMs - now) });
    if (pending === 0) return;
    await sleep(run.pollMs);
  }
}

function settleOnAbort(run: Run, ph: Phase): void {
  for (const tr of ph.tracked) {
    if (tr.done) continue;
    if (isAlive(run.reader, tr.t)) procResult(run, tr, 'failed', `cancelled after ${tr.sent.join(', ') || 'nothing'}: still running`);
    else endedResult(run, tr);
  }
  for (const zp of ph.zombieParents.values()) if (zp.state === 'nudged') zp.state = 'settled';
}

/**
 * A zombie parent that has not reaped by the end of the grace period is terminated, so init reaps
 * them; from then on it is a target like any other. Returns how many are still pending.
 */
function zombieParentsTick(run: Run, ph: Phase, now: number): number {
  const deadline = ph.start + run.plan.graceMs;
  let pending = 0;
  for (const z of ph.zsteps) {
    const zp = ph.zombieParents.get(z.id);
    if (!zp || zp.state !== 'nudged') continue;
    if (zombiesLeft(run, z).length === 0) zp.state = 'settled';
    else if (now >= deadline && z.nudgeOnly)
      zp.state = 'settled'; // never terminate the tmux server, nor a parent inside an active agent
    else if (now >= deadline) {
      if (send(run, zp.tr, 'SIGTERM')) {
        zp.state = 'terminating';
        zp.tr.killAt = now + run.plan.graceMs;
        ph.tracked.push(zp.tr);
      } else zp.state = 'settled';
    } else pending++;
  }
  return pending;
}

/** Judges every tracked target once; returns how many are still pending. */
function trackedTick(run: Run, ph: Phase, now: number): number {
  let pending = 0;
  for (const tr of ph.tracked) {
    if (tr.done) continue;
    if (!isAlive(run.reader, tr.t)) {
      endedResult(run, tr);
      continue;
    }
    if (tr.giveUpAt === null && now >= tr.killAt) {
      if (send(run, tr, 'SIGKILL')) {
        tr.giveUpAt = now + run.killWaitMs;
        pending++;
      }
      continue;
    }
    if (tr.giveUpAt !== null && now >= tr.giveUpAt) {
      const st = run.reader.readStat(tr.t.pid);
      procResult(
        run,
        tr,
        'failed',
        `still alive ${run.killWaitMs} ms after SIGKILL (state ${st?.state ?? '?'}${st?.state === 'D' ? ': uninterruptible sleep' : ''})`,
      );
      continue;
    }
    pending++;
  }
  return pending;
}

/** Zombies are reaped by their parent, or by init once the parent is gone: wait, then judge them. */
async function settleZombies(run: Run, ph: Phase): Promise<void> {
  await Promise.all(
    ph.zsteps.map(async (z) => {
      // Init reaps what a terminated parent left, lazily: wait for it. A nudged server had its grace period.
      const deadline = Date.now() + (z.nudgeOnly ? 0 : run.reapWaitMs);
      let left = zombiesLeft(run, z);
      while (left.length && Date.now() < deadline && !aborted(run)) {
        await sleep(run.pollMs);
        left = zombiesLeft(run, z);
      }
      const zp = ph.zombieParents.get(z.id);
      for (const t of z.zombies) {
        const still = left.some((l) => l.pid === t.pid);
        finish(run, {
          step: z.id,
          target: { kind: 'zombie', pid: t.pid, startTime: t.startTime, ppid: z.parent.pid },
          outcome: still ? 'failed' : 'exited',
          sent: [],
          detail: zombieDetail(z, zp, still),
          ms: Date.now() - run.t0,
        });
      }
    }),
  );
}

function zombieDetail(z: ZombieStep, zp: ZombieParent | undefined, still: boolean): string {
  const server = z.nudgeOnly && z.parent.role === 'tmux-server';
  if (still)
    return `still defunct: ${server ? 'the tmux server' : `its parent ${z.parent.pid}`} ${zp?.tr.done?.outcome === 'denied' ? 'may not be signalled' : 'has not reaped it'}${z.nudgeOnly && !server ? ' (it is in an active agent session: only nudged, never terminated)' : ''}`;
  if (zp && zp.state === 'settled' && !zp.tr.done) return server ? 'reaped by the tmux server after SIGCHLD' : 'reaped by its parent after SIGCHLD';
  return 'reaped once its parent was gone';
}

/** Verify: no session left, nothing of theirs alive. */
async function verifySessions(run: Run, ph: Phase): Promise<void> {
  for (const pid of new Set(ph.serverPids.values())) if (pid !== null) await nudgeServer(run, ph, pid);
  const now = await sessionsNow(run, ph.live);
  await killLate(run, ph, await membersNow(run, ph.live, ph.serverPids));
  for (const s of ph.live) {
    const o = ph.sessionOutcome.get(s.id);
    const label = serverOfStep(run, s).socket;
    const ls = now.get(label);
    const still = !!ls && ls.byId.get(s.session.id) === s.session.name && ls.serverPid === ph.serverPids.get(label);
    finish(run, {
      step: s.id,
      target: { kind: 'session', id: s.session.id, name: s.session.name },
      outcome: still ? 'failed' : o?.ok ? 'killed' : 'exited',
      sent: o ? [`kill-session -t ${s.session.id}`] : [],
      detail: still ? `still exists after kill-session${o?.error ? ` (${o.error})` : ''}` : o?.ok ? null : 'it closed by itself once its processes ended',
      ms: Date.now() - run.t0,
    });
  }
}

/**
 * The pane processes just ended are the tmux server's children.
 * WORKAROUND(tmux 3.3a): a server under load can lose a SIGCHLD and keep them as zombies; nudge it,
 * once, and give it a moment.
 */
async function nudgeServer(run: Run, ph: Phase, serverPid: number): Promise<void> {
  const unreaped = () =>
    ph.tracked.filter((tr) => {
      const st = run.reader.readStat(tr.t.pid);
      return st && st.startTime === tr.t.startTime && st.state === 'Z' && st.ppid === serverPid;
    });
  if (serverPid === null || !unreaped().length || aborted(run)) return;
  // The server as it is now (it is not a plan target, so it has no planned start time); gone or not
  // signalled, init reaps.
  const key = { pid: serverPid, startTime: run.reader.readStartTime(serverPid) ?? 0 };
  if (signalChecked(key, 'SIGCHLD', run).sent) {
    run.emit({ event: 'signal', step: 0, pid: serverPid, startTime: key.startTime, command: 'tmux server', signal: 'SIGCHLD', error: null });
  }
  const until = Date.now() + 1_000;
  while (unreaped().length && Date.now() < until) await sleep(run.pollMs);
}

/** What appeared in the sessions during the grace period gets SIGKILL at once. */
async function killLate(run: Run, ph: Phase, after: Map<number, { step: number; t: ProcTarget }>): Promise<void> {
  const late: Tracked[] = [];
  for (const [pid, f] of after) {
    const tr = ph.byPid.get(pid);
    if (tr && tr.t.startTime === f.t.startTime) continue; // already judged (a failure is recorded)
    const n = newTracked(f.step, f.t, 'appeared during the grace period');
    if (send(run, n, 'SIGKILL')) late.push(n);
  }
  if (!late.length) return;
  const until = Date.now() + run.killWaitMs;
  while (late.some((n) => !n.done) && Date.now() < until) {
    for (const n of late) if (!n.done && !isAlive(run.reader, n.t)) procResult(run, n, 'killed', null);
    if (late.some((n) => !n.done)) await sleep(run.pollMs);
  }
  for (const n of late) if (!n.done) procResult(run, n, 'failed', `still alive ${run.killWaitMs} ms after SIGKILL`);
}
