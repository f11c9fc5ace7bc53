// Executes a Plan: the only code in orch-top that signals a process or kills a tmux session.
//
// The rules (DESIGN.md, "Safety rules for anything that kills"):
// - a process is (pid, start time): the start time is re-read from /proc/PID/stat right before every
//   signal; a mismatch means the pid was reused and the target is skipped (`skipped-reused`). Between
//   that read and kill(2) lies a window of microseconds that only pidfd_send_signal could close, and
//   Node has no pidfd API; a pid would have to be freed, cycled through and reused inside it.
// - never pid 0/1/2, orch-top or its ancestors, or the tmux server, whatever the plan says.
// - sessions are targeted by id (`$3`), after checking that the id still has the plan's name on the
//   plan's server: `kill-session -t name` falls back to a prefix match, ids never do.
// - a session's processes get SIGTERM first (tmux's kill-session only sends SIGHUP), then the session
//   is killed, then survivors get SIGKILL when the grace period ends; then nothing of it may be left.
// - every target of a phase shares one grace period, polled: 100 sessions take one grace period.
// - liveness is /proc state (a zombie has exited), never kill(pid, 0), which succeeds on a zombie.
// - ESRCH is `gone`, EPERM is `denied` (reported once, not retried), anything else `failed`.

import { ProcReader } from '../collectors/procfs.js';
import { listPanes } from '../collectors/tmux.js';
import { selfAndAncestors } from '../engine.js';
import { runTmux } from '../collectors/tmux-exec.js';
import type { Plan, ProcTarget, SessionStep, Step, ZombieStep } from '../model/plan.js';
import type { Snapshot } from '../model/types.js';

export type Outcome = 'exited' | 'killed' | 'gone' | 'skipped-reused' | 'denied' | 'failed';

export type ResultTarget =
  | { kind: 'process'; pid: number; startTime: number; command: string; role: string }
  | { kind: 'session'; id: string; name: string }
  | { kind: 'zombie'; pid: number; startTime: number; ppid: number };

export interface ActResult {
  step: number;
  target: ResultTarget;
  outcome: Outcome;
  /** Signals sent, in order ("SIGTERM", "SIGKILL", "SIGCHLD"), or tmux commands run. */
  sent: string[];
  /** One sentence: why it ended so, or the error. */
  detail: string | null;
  /** From the start of the execution to the outcome. */
  ms: number;
}

/** What the executor reports as it goes: the audit log and the console's event log both take these. */
export type ActEvent =
  | { event: 'begin'; intent: string; steps: number; targets: number; graceMs: number }
  | { event: 'signal'; step: number; pid: number; startTime: number; command: string; signal: string; error: string | null }
  | { event: 'tmux'; step: number; session: string; name: string; command: string; error: string | null }
  | { event: 'result'; result: ActResult }
  | { event: 'progress'; phase: number; done: number; total: number; graceLeftMs: number }
  | { event: 'end'; clean: boolean; remaining: number; durationMs: number };

export interface Execution {
  results: ActResult[];
  durationMs: number;
  /** Every target is gone (exited, killed, gone, or not ours any more: skipped-reused). */
  clean: boolean;
  /** The targets that are still there or could not be checked (denied, failed). */
  remaining: ActResult[];
}

export type Signaller = (pid: number, signal: NodeJS.Signals) => void;

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
  /** How long init may take to reap orphaned zombies (it does so lazily: ~1.4 s seen here). */
  reapWaitMs?: number;
  /** Cancel (Ctrl-C, the console's cancel key): no signal is sent after it; what is pending is
   *  reported as it stands (`failed`, "cancelled") and the execution returns at once. */
  abort?: AbortSignal;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? '';
}

/** Never targets, whatever a plan says: the kernel's first pids, orch-top and every ancestor. */
function protectedPids(reader: ProcReader): Map<number, string> {
  const self = selfAndAncestors((pid) => reader.readStat(pid)?.ppid);
  return new Map<number, string>([
    ...self.ancestors.map((pid) => [pid, 'an ancestor of orch-top'] as [number, string]),
    [0, 'the kernel'],
    [1, 'init'],
    [2, 'the kernel thread daemon'],
    [self.pid, 'orch-top itself'],
  ]);
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

export async function executePlan(plan: Plan, opts: ExecuteOptions = {}): Promise<Execution> {
  const reader = opts.reader ?? new ProcReader();
  const signal: Signaller = opts.signal ?? ((pid, sig) => void process.kill(pid, sig));
  const emit = opts.onEvent ?? (() => {});
  const pollMs = opts.pollMs ?? 50;
  const killWaitMs = opts.killWaitMs ?? 2_000;
  const reapWaitMs = opts.reapWaitMs ?? 5_000;
  const t0 = Date.now();
  const results: ActResult[] = [];
  const finish = (r: ActResult) => {
    results.push(r);
    emit({ event: 'result', result: r });
    return r;
  };
  const protect = protectedPids(reader);
  let tmuxServerPid: number | null = plan.serverPid;
  const sessionOutcome = new Map<number, { ok: boolean; error: string | null }>();
  const targetCount = plan.steps.reduce((n, s) => n + (s.kind === 'zombies' ? s.zombies.length + (s.parentStep === null ? 1 : 0) : s.processes.length + (s.kind === 'session' ? 1 : 0)), 0);
  emit({ event: 'begin', intent: plan.intent.kind, steps: plan.steps.length, targets: targetCount, graceMs: plan.graceMs });

  if (plan.refused) {
    emit({ event: 'end', clean: false, remaining: 0, durationMs: 0 });
    return { results, durationMs: 0, clean: false, remaining: [] };
  }

  const phases = [...new Set(plan.steps.map((s) => s.phase))].sort((a, b) => a - b);
  for (const phase of phases) {
    await runPhase(plan.steps.filter((s) => s.phase === phase), phase);
  }

  const remaining = results.filter((r) => r.outcome === 'denied' || r.outcome === 'failed');
  const durationMs = Date.now() - t0;
  emit({ event: 'end', clean: remaining.length === 0, remaining: remaining.length, durationMs });
  return { results, durationMs, clean: remaining.length === 0, remaining };

  // -------------------------------------------------------------------------------------------------

  function procResult(tr: Tracked, outcome: Outcome, detail: string | null): ActResult {
    tr.done = finish({
      step: tr.step,
      target: { kind: 'process', pid: tr.t.pid, startTime: tr.t.startTime, command: tr.t.command, role: tr.t.role },
      outcome,
      sent: tr.sent,
      detail: tr.extra && detail ? `${detail} (${tr.extra})` : (detail ?? tr.extra),
      ms: Date.now() - t0,
    });
    return tr.done;
  }

  /** Is the target itself still alive (not exited, not a zombie, pid not reused)? */
  function alive(t: ProcTarget): boolean {
    const st = reader.readStat(t.pid);
    return !!st && st.startTime === t.startTime && st.state !== 'Z' && st.state !== 'X';
  }

  /**
   * One signal to one tracked target, with the identity check right before it. Returns false (and
   * records the outcome) when the target must not or cannot be signalled any more.
   */
  function send(tr: Tracked, sig: NodeJS.Signals): boolean {
    const why = protect.get(tr.t.pid);
    // The one signal the tmux server ever gets: SIGCHLD, so it reaps dead panes it lost track of.
    const serverNudge = sig === 'SIGCHLD' && tr.t.role === 'tmux-server' && tr.t.pid === tmuxServerPid && why === undefined;
    if (!serverNudge && (why !== undefined || tr.t.pid === tmuxServerPid)) {
      procResult(tr, 'failed', `refused: pid ${tr.t.pid} is ${why ?? 'the tmux server'}`);
      return false;
    }
    if (opts.abort?.aborted) {
      procResult(tr, 'failed', tr.sent.length ? `cancelled after ${tr.sent.join(', ')}: still running` : 'cancelled before it was signalled');
      return false;
    }
    const st = reader.readStat(tr.t.pid);
    const first = tr.sent.length === 0;
    if (!st) {
      procResult(tr, first ? 'gone' : 'exited', first ? 'no such process when its turn came' : null);
      return false;
    }
    if (st.startTime !== tr.t.startTime) {
      if (first) procResult(tr, 'skipped-reused', `pid ${tr.t.pid} now belongs to another process (start time ${st.startTime}, planned ${tr.t.startTime})`);
      else procResult(tr, 'exited', `exited; its pid now belongs to another process`);
      return false;
    }
    if (st.state === 'Z' || st.state === 'X') {
      procResult(tr, first ? 'gone' : 'exited', first ? 'already exited (a zombie waiting for its parent)' : null);
      return false;
    }
    try {
      signal(tr.t.pid, sig);
    } catch (e) {
      const code = errCode(e);
      emit({ event: 'signal', step: tr.step, pid: tr.t.pid, startTime: tr.t.startTime, command: tr.t.command, signal: sig, error: code || (e as Error).message });
      if (code === 'ESRCH') procResult(tr, first ? 'gone' : 'exited', null);
      else if (code === 'EPERM') procResult(tr, 'denied', `${sig}: operation not permitted (another user's process?)`);
      else procResult(tr, 'failed', `${sig}: ${(e as Error).message}`);
      return false;
    }
    tr.sent.push(sig);
    emit({ event: 'signal', step: tr.step, pid: tr.t.pid, startTime: tr.t.startTime, command: tr.t.command, signal: sig, error: null });
    return true;
  }

  /** The sessions on the plan's server now, from the one `list-panes -a` the collectors use. */
  async function sessionsNow(): Promise<{ serverPid: number | null; byId: Map<string, string>; error: string | null }> {
    const st = await listPanes(plan.server);
    return { serverPid: st.running ? st.serverPid : null, byId: new Map(st.panes.map((p) => [p.sessionId, p.sessionName])), error: st.error };
  }

  /**
   * What belongs to the sessions now, as the model sees it (a fresh look): their processes (pane
   * trees, same-session-id members, processes whose $TMUX_PANE names their panes) and, once they are
   * killed, what they left (leaked, traced to them). The plan's list was true when it was made; this
   * catches what was started since, and what survived. Without `look`, only the plan's list counts.
   */
  async function membersNow(steps: SessionStep[], serverPid: number | null): Promise<Map<number, { step: number; t: ProcTarget }>> {
    const found = new Map<number, { step: number; t: ProcTarget }>();
    if (!opts.look || !steps.length) return found;
    const snap = await opts.look();
    if (snap.tmux.serverPid !== serverPid) return found;
    const stepOf = new Map(steps.map((s) => [s.session.id, s.id]));
    const add = (step: number, t: ProcTarget) => {
      if (!found.has(t.pid) && !protect.has(t.pid) && t.pid !== serverPid) found.set(t.pid, { step, t });
    };
    const views = new Map(snap.processes.map((p) => [p.pid, p]));
    for (const s of snap.sessions) {
      const step = stepOf.get(s.id);
      if (step === undefined) continue;
      for (const pid of s.processes) {
        const v = views.get(pid);
        if (v && v.state !== 'Z') add(step, { pid, startTime: v.startTime, command: v.command, role: v.role });
      }
    }
    for (const l of snap.leaked) {
      const step = l.sessionId ? stepOf.get(l.sessionId) : undefined;
      if (step !== undefined) add(step, { pid: l.pid, startTime: l.startTime, command: l.command, role: 'leaked' });
    }
    return found;
  }

  async function runPhase(steps: Step[], phase: number): Promise<void> {
    const tracked: Tracked[] = [];
    const byPid = new Map<number, Tracked>();
    const track = (step: number, t: ProcTarget, extra: string | null) => {
      if (byPid.has(t.pid)) return;
      const tr: Tracked = { step, t, extra, sent: [], killAt: 0, giveUpAt: null, done: null };
      tracked.push(tr);
      byPid.set(t.pid, tr);
    };

    // ---- sessions: are they still the planned ones? --------------------------------------------
    const sessionSteps = steps.filter((s): s is SessionStep => s.kind === 'session');
    const liveSessions: SessionStep[] = [];
    let serverPid: number | null = null;
    if (sessionSteps.length) {
      const ls = await sessionsNow();
      serverPid = ls.serverPid;
      tmuxServerPid = ls.serverPid;
      for (const s of sessionSteps) {
        const target = { kind: 'session' as const, id: s.session.id, name: s.session.name };
        const base = { step: s.id, target, sent: [] as string[], ms: Date.now() - t0 };
        if (ls.error) finish({ ...base, outcome: 'failed', detail: `tmux: ${ls.error}` });
        else if (ls.serverPid === null || !ls.byId.has(s.session.id))
          finish({ ...base, outcome: 'gone', detail: 'the session ended before its turn; nothing else was touched' });
        else if (plan.serverPid !== null && ls.serverPid !== plan.serverPid)
          finish({ ...base, outcome: 'skipped-reused', detail: `the tmux server restarted since the plan (pid ${ls.serverPid}, planned ${plan.serverPid}): session ids may name other sessions` });
        else if (ls.byId.get(s.session.id) !== s.session.name)
          finish({ ...base, outcome: 'skipped-reused', detail: `session ${s.session.id} is now named ${ls.byId.get(s.session.id)}` });
        else liveSessions.push(s);
      }
    }
    for (const s of steps) {
      if (s.kind === 'session') {
        if (!liveSessions.includes(s)) continue;
        for (const t of s.processes) track(s.id, t, null);
      } else if (s.kind === 'orchestrator' || s.kind === 'leaked') for (const t of s.processes) track(s.id, t, null);
    }
    for (const [, f] of await membersNow(liveSessions, serverPid)) track(f.step, f.t, 'found in the session at execution');

    // ---- SIGTERM to every process, then kill-session -------------------------------------------
    const start = Date.now();
    for (const tr of tracked) {
      tr.killAt = start + plan.graceMs;
      send(tr, 'SIGTERM');
    }
    await Promise.all(
      liveSessions.map(async (s) => {
        const target = { kind: 'session' as const, id: s.session.id, name: s.session.name };
        if (opts.abort?.aborted) {
          finish({ step: s.id, target, outcome: 'failed', sent: [], detail: 'cancelled before kill-session', ms: Date.now() - t0 });
          return;
        }
        const r = await runTmux(plan.server, ['kill-session', '-t', s.session.id]);
        emit({ event: 'tmux', step: s.id, session: s.session.id, name: s.session.name, command: `kill-session -t ${s.session.id}`, error: r.exitCode === 0 ? null : r.error });
        // Its result waits for the verification below: a session that closed by itself once its
        // processes ended makes kill-session fail ("can't find session", "no current target").
        sessionOutcome.set(s.id, { ok: r.exitCode === 0, error: r.exitCode === 0 ? null : (r.error ?? 'tmux failed') });
      }),
    );

    // ---- zombies: SIGCHLD to the parents that nothing else terminates ---------------------------
    const zsteps = steps.filter((s): s is ZombieStep => s.kind === 'zombies');
    const zombieParents = new Map<number, { tr: Tracked; state: 'nudged' | 'terminating' | 'settled' }>();
    for (const z of zsteps) {
      if (z.parentStep !== null) continue;
      const tr: Tracked = { step: z.id, t: z.parent, extra: null, sent: [], killAt: 0, giveUpAt: null, done: null };
      zombieParents.set(z.id, { tr, state: send(tr, 'SIGCHLD') ? 'nudged' : 'settled' });
    }
    const zombieDeadline = start + plan.graceMs;
    const zombieLeft = (z: ZombieStep) =>
      z.zombies.filter((t) => {
        const st = reader.readStat(t.pid);
        return !!st && st.startTime === t.startTime && st.state === 'Z';
      });

    // ---- poll until every target is settled; SIGKILL at the end of the grace period -------------
    const total = tracked.length + zsteps.length;
    for (;;) {
      const now = Date.now();
      let pending = 0;
      if (opts.abort?.aborted) {
        for (const tr of tracked) {
          if (tr.done) continue;
          if (alive(tr.t)) procResult(tr, 'failed', `cancelled after ${tr.sent.join(', ') || 'nothing'}: still running`);
          else procResult(tr, tr.sent.includes('SIGKILL') ? 'killed' : 'exited', null);
        }
        for (const zp of zombieParents.values()) if (zp.state === 'nudged') zp.state = 'settled';
        break;
      }
      // A zombie parent that has not reaped by the end of the grace period is terminated, so init
      // reaps them; from then on it is a target like any other.
      for (const z of zsteps) {
        const zp = zombieParents.get(z.id);
        if (!zp || zp.state !== 'nudged') continue;
        if (zombieLeft(z).length === 0) zp.state = 'settled';
        else if (now >= zombieDeadline && z.nudgeOnly) zp.state = 'settled'; // never terminate the tmux server
        else if (now >= zombieDeadline) {
          if (send(zp.tr, 'SIGTERM')) {
            zp.state = 'terminating';
            zp.tr.killAt = now + plan.graceMs;
            tracked.push(zp.tr);
          } else zp.state = 'settled';
        } else pending++;
      }
      for (const tr of tracked) {
        if (tr.done) continue;
        if (!alive(tr.t)) {
          procResult(tr, tr.sent.includes('SIGKILL') ? 'killed' : 'exited', null);
          continue;
        }
        if (tr.giveUpAt === null && now >= tr.killAt) {
          if (send(tr, 'SIGKILL')) {
            tr.giveUpAt = now + killWaitMs;
            pending++;
          }
          continue;
        }
        if (tr.giveUpAt !== null && now >= tr.giveUpAt) {
          const st = reader.readStat(tr.t.pid);
          procResult(tr, 'failed', `still alive ${killWaitMs} ms after SIGKILL (state ${st?.state ?? '?'}${st?.state === 'D' ? ': uninterruptible sleep' : ''})`);
          continue;
        }
        pending++;
      }
      emit({ event: 'progress', phase, done: Math.max(0, total - pending), total, graceLeftMs: Math.max(0, start + plan.graceMs - now) });
      if (pending === 0) break;
      await sleep(pollMs);
    }

    // ---- zombies: reaped by their parent, or by init once the parent is gone --------------------
    await Promise.all(
      zsteps.map(async (z) => {
        // Init reaps what a terminated parent left, lazily: wait for it. A nudged server had its grace period.
        const deadline = Date.now() + (z.nudgeOnly ? 0 : reapWaitMs);
        let left = zombieLeft(z);
        while (left.length && Date.now() < deadline && !opts.abort?.aborted) {
          await sleep(pollMs);
          left = zombieLeft(z);
        }
        const zp = zombieParents.get(z.id);
        for (const t of z.zombies) {
          const still = left.some((l) => l.pid === t.pid);
          finish({
            step: z.id,
            target: { kind: 'zombie', pid: t.pid, startTime: t.startTime, ppid: z.parent.pid },
            outcome: still ? 'failed' : 'exited',
            sent: [],
            detail: still
              ? `still defunct: ${z.nudgeOnly ? 'the tmux server' : `its parent ${z.parent.pid}`} ${zp?.tr.done?.outcome === 'denied' ? 'may not be signalled' : 'has not reaped it'}`
              : zp && zp.state === 'settled' && !zp.tr.done
                ? z.nudgeOnly ? 'reaped by the tmux server after SIGCHLD' : 'reaped by its parent after SIGCHLD'
                : 'reaped once its parent was gone',
            ms: Date.now() - t0,
          });
        }
      }),
    );
    // ---- verify: no session left, nothing of theirs alive ---------------------------------------
    if (liveSessions.length) {
      // The pane processes just ended are the tmux server's children; a server that lost a SIGCHLD
      // (tmux 3.3a, under load) keeps them as zombies: nudge it, once, and give it a moment.
      const unreaped = () =>
        tracked.filter((tr) => {
          const st = reader.readStat(tr.t.pid);
          return st && st.startTime === tr.t.startTime && st.state === 'Z' && st.ppid === serverPid;
        });
      if (serverPid !== null && unreaped().length && !opts.abort?.aborted) {
        try {
          signal(serverPid, 'SIGCHLD');
          emit({ event: 'signal', step: 0, pid: serverPid, startTime: reader.readStartTime(serverPid) ?? 0, command: 'tmux server', signal: 'SIGCHLD', error: null });
        } catch {
          /* the server is gone: init reaps */
        }
        const until = Date.now() + 1_000;
        while (unreaped().length && Date.now() < until) await sleep(pollMs);
      }
      const ls = await sessionsNow();
      const after = await membersNow(liveSessions, serverPid);
      const late: Tracked[] = [];
      for (const [pid, f] of after) {
        const tr = byPid.get(pid);
        if (tr && tr.t.startTime === f.t.startTime) continue; // already judged (a failure is recorded)
        const n: Tracked = { step: f.step, t: f.t, extra: 'appeared during the grace period', sent: [], killAt: 0, giveUpAt: null, done: null };
        if (send(n, 'SIGKILL')) late.push(n);
      }
      if (late.length) {
        const until = Date.now() + killWaitMs;
        while (late.some((n) => !n.done) && Date.now() < until) {
          for (const n of late) if (!n.done && !alive(n.t)) procResult(n, 'killed', null);
          if (late.some((n) => !n.done)) await sleep(pollMs);
        }
        for (const n of late) if (!n.done) procResult(n, 'failed', `still alive ${killWaitMs} ms after SIGKILL`);
      }
      for (const s of liveSessions) {
        const o = sessionOutcome.get(s.id);
        const still = ls.byId.get(s.session.id) === s.session.name && ls.serverPid === serverPid;
        finish({
          step: s.id,
          target: { kind: 'session', id: s.session.id, name: s.session.name },
          outcome: still ? 'failed' : o?.ok ? 'killed' : 'exited',
          sent: o ? [`kill-session -t ${s.session.id}`] : [],
          detail: still ? `still exists after kill-session${o?.error ? ` (${o.error})` : ''}` : o?.ok ? null : 'it closed by itself once its processes ended',
          ms: Date.now() - t0,
        });
      }
    }
  }
}
