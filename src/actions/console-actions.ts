// The console's one door to acting: it turns a key's intent into a Plan (for the confirm dialog) and
// runs a confirmed plan through the one cleanup run (cleanup-run.ts), showing its progress in the
// store's activity and every outcome in the event log. One plan at a time: a second is refused with a
// message, never interleaved. Components reach it through this interface only (UI tests fake it).

import type { StoreApi } from 'zustand/vanilla';
import { AuditOpenError, defaultAuditPath } from './audit.js';
import { runCleanupPlan, type CleanupEvent, type CleanupResult } from './cleanup-run.js';
import type { ExecuteOptions } from './execute.js';
import type { Config } from '../config.js';
import { resultLine, type Outcome } from '../model/outcome.js';
import { intentLabel, makePlan, type Intent, type Plan } from '../model/plan.js';
import type { Snapshot } from '../model/types.js';
import type { Poller } from '../store/poller.js';
import type { AppState, EventLevel } from '../store/store.js';

export interface ActionService {
  /** The plan for an intent against the latest snapshot (null before the first one). */
  plan(intent: Intent): Plan | null;
  /** Runs a confirmed plan; resolves when it has finished (refused at once while another runs). */
  run(plan: Plan): Promise<void>;
  /** Nothing more is signalled; the running plan reports what stands. */
  cancel(): void;
  busy(): boolean;
  /** Looks now (Ctrl-L). */
  refresh(): void;
  /** Resolves when no plan runs. */
  idle(): Promise<void>;
}

export interface ConsoleActionDeps {
  store: StoreApi<AppState>;
  config: Config;
  env: NodeJS.ProcessEnv;
  poller: Pick<Poller, 'tickNow' | 'tickFresh'>;
  /** Test hooks for the executor (poll interval, kill wait). */
  execute?: Pick<ExecuteOptions, 'pollMs' | 'killWaitMs' | 'reapWaitMs' | 'signal'>;
}

const OUTCOME_LEVEL: Record<Outcome, EventLevel> = { exited: 'info', killed: 'warn', gone: 'info', 'skipped-reused': 'warn', denied: 'error', failed: 'error' };

export function createConsoleActions(deps: ConsoleActionDeps): ActionService {
  const { store, config, poller } = deps;
  const log = (level: EventLevel, text: string) => store.getState().log(level, text);
  let running: Promise<void> | null = null;
  let abort: AbortController | null = null;
  return {
    plan(intent) {
      const snap = store.getState().snapshot;
      return snap ? makePlan(snap, intent, { graceMs: config.graceMs, server: config.server, asRoot: process.getuid?.() === 0 }) : null;
    },
    run(plan) {
      if (running) {
        log('warn', `${intentLabel(plan.intent)}: refused: "${store.getState().activity?.label ?? 'an action'}" is still running (c cancels it)`);
        return Promise.resolve();
      }
      abort = new AbortController();
      running = runInConsole(deps, plan, abort.signal).finally(() => {
        running = null;
        abort = null;
      });
      return running;
    },
    cancel() {
      if (!abort || abort.signal.aborted) return;
      store.getState().updateActivity({ cancelling: true });
      log('warn', 'cancelling: nothing more will be signalled');
      abort.abort('console');
    },
    busy: () => running !== null,
    refresh() {
      void poller.tickNow();
    },
    async idle() {
      while (running) await running;
    },
  };
}

/** One confirmed plan through the one cleanup run, shown in the store as it goes. */
async function runInConsole(deps: ConsoleActionDeps, plan: Plan, abort: AbortSignal): Promise<void> {
  const { store, config, env, poller } = deps;
  const label = intentLabel(plan.intent);
  /** A look through the poller (the worker, the same history): the executor's view of the world. */
  const look = async (): Promise<Snapshot> => {
    await poller.tickFresh();
    const s = store.getState();
    if (s.tick.error || !s.snapshot) throw new Error(`could not look: ${s.tick.error ?? 'no snapshot'}`);
    return s.snapshot;
  };
  try {
    const result = await runCleanupPlan({
      plan,
      before: store.getState().snapshot!,
      audit: { path: config.auditLog ?? defaultAuditPath(env), mode: 'console' },
      env,
      requestedBy: `orch-top console (user ${env.USER ?? env.LOGNAME ?? '?'})`,
      look,
      onEvent: (e) => showEvent(store, label, plan, e),
      abort,
      execute: deps.execute,
    });
    showResult(store, label, plan, result);
  } catch (e) {
    // An act that cannot be recorded is not taken (DESIGN.md, rule 7).
    store.getState().log('error', `${label}: not run: ${e instanceof AuditOpenError ? e.message : (e as Error).message}`);
  } finally {
    store.getState().setActivity(null);
  }
}

/** A run's events as the store's activity (the header's progress) and the event log. */
function showEvent(store: StoreApi<AppState>, label: string, plan: Plan, e: CleanupEvent): void {
  const a = store.getState();
  switch (e.event) {
    case 'started':
      a.setActivity({
        label,
        startedAt: Date.now(),
        steps: plan.steps.length,
        targets: 0,
        phase: 1,
        done: 0,
        total: 0,
        graceLeftMs: null,
        results: 0,
        cancelling: false,
      });
      a.log('info', `▶ ${e.line}`);
      break;
    case 'begin':
      a.updateActivity({ targets: e.targets });
      break;
    case 'progress':
      a.updateActivity({ phase: e.phase, done: e.done, total: e.total, graceLeftMs: e.graceLeftMs });
      break;
    case 'result':
      a.updateActivity({ results: (a.activity?.results ?? 0) + 1 });
      a.log(OUTCOME_LEVEL[e.result.outcome], resultLine(e.result));
      break;
    case 'signal':
      if (e.error) a.log('error', `${e.signal} to pid ${e.pid}: ${e.error}`);
      break;
    case 'tmux':
      if (e.error) a.log('warn', `tmux ${e.command} ${e.session}: ${e.error}`);
      break;
    case 'end':
      break;
  }
}

/** How the run ended, in the event log: ✓ when nothing is left, else ✗ and what is. */
function showResult(store: StoreApi<AppState>, label: string, plan: Plan, r: CleanupResult): void {
  const log = (level: EventLevel, text: string) => store.getState().log(level, text);
  if (r.error) log('error', `${label}: stopped by an error: ${r.error}`);
  if (r.shutdown) log(r.shutdown.error ? 'error' : 'info', r.shutdown.error ?? `shutdown state written to ${r.shutdown.path}`);
  if (r.survived.length === 0 && !r.cancelledBy) {
    log('info', `✓ ${r.summary}${plan.intent.kind === 'shutdown' ? ' · cleanup completed' : ''}`);
    return;
  }
  log('warn', `✗ ${r.summary}; ${r.survived.length} left`);
  for (const s of r.survived.slice(0, 10)) log('warn', `  left: ${s}`);
}
