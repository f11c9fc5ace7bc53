// The console's one door to acting: it turns a key's intent into a Plan (for the confirm dialog) and
// runs a confirmed plan through executePlan, streaming progress into the store's activity and every
// outcome into the event log and the audit log. One plan at a time: a second is refused with a
// message, never interleaved. Components reach it through this interface only (UI tests fake it).

import type { StoreApi } from 'zustand/vanilla';
import { auditEvent, auditPlan, AuditOpenError, defaultAuditPath, openAuditLog, type AuditLog } from './audit.js';
import { executePlan, type ActEvent, type Execution, type ExecuteOptions } from './execute.js';
import type { Config } from '../config.js';
import { intentLabel, makePlan, type Intent, type Plan } from '../model/plan.js';
import type { Snapshot } from '../model/types.js';
import { describeTarget, formatGrace, outcomeCounts } from '../render/plan.js';
import type { Poller } from '../store/poller.js';
import type { AppState, EventLevel } from '../store/store.js';
import { recordShutdown, survivorsOf } from './record.js';

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

const OUTCOME_LEVEL: Record<string, EventLevel> = { exited: 'info', killed: 'warn', gone: 'info', 'skipped-reused': 'warn', denied: 'error', failed: 'error' };

export function createConsoleActions(deps: ConsoleActionDeps): ActionService {
  const { store, config, env, poller } = deps;
  const log = (level: EventLevel, text: string) => store.getState().log(level, text);
  let running: Promise<void> | null = null;
  let abort: AbortController | null = null;
  let audit: AuditLog | null = null;

  /** A look through the poller (the worker, the same history): the executor's view of the world. */
  const look = async (): Promise<Snapshot> => {
    await poller.tickFresh();
    const s = store.getState();
    if (s.tick.error || !s.snapshot) throw new Error(`could not look: ${s.tick.error ?? 'no snapshot'}`);
    return s.snapshot;
  };

  const execute = async (plan: Plan) => {
    const label = intentLabel(plan.intent);
    // An act that cannot be recorded is not taken (DESIGN.md, rule 7).
    try {
      audit ??= openAuditLog(config.auditLog ?? defaultAuditPath(env), 'console');
    } catch (e) {
      log('error', `${label}: not run: ${e instanceof AuditOpenError ? e.message : (e as Error).message}`);
      return;
    }
    abort = new AbortController();
    const startedAt = Date.now();
    const before = store.getState().snapshot!;
    const notes: string[] = [];
    store.getState().setActivity({ label, startedAt, steps: plan.steps.length, targets: 0, phase: 1, done: 0, total: 0, graceLeftMs: null, results: 0, cancelling: false });
    auditPlan(audit, plan);
    log('info', `▶ ${label}: ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}, grace ${formatGrace(plan.graceMs)}`);
    let execution: Execution | null = null;
    try {
      execution = await executePlan(plan, {
        ...deps.execute,
        look,
        abort: abort.signal,
        onEvent: (e: ActEvent) => {
          auditEvent(audit!, e);
          const a = store.getState();
          switch (e.event) {
            case 'begin':
              a.updateActivity({ targets: e.targets });
              break;
            case 'progress':
              a.updateActivity({ phase: e.phase, done: e.done, total: e.total, graceLeftMs: e.graceLeftMs });
              break;
            case 'result': {
              const r = e.result;
              a.updateActivity({ results: (a.activity?.results ?? 0) + 1 });
              const line = `${r.outcome}: ${describeTarget(r)}${r.sent.length ? ` [${r.sent.join(' → ')}]` : ''}${r.detail ? ` (${r.detail})` : ''}`;
              notes.push(line);
              log(OUTCOME_LEVEL[r.outcome] ?? 'info', line);
              break;
            }
            case 'signal':
              if (e.error) log('error', `${e.signal} to pid ${e.pid}: ${e.error}`);
              break;
            case 'tmux':
              if (e.error) log('warn', `tmux ${e.command} ${e.session}: ${e.error}`);
              break;
            case 'end':
              break;
          }
        },
      });
    } catch (e) {
      log('error', `${label}: stopped by an error: ${(e as Error).message}`);
      audit.write({ event: 'error', message: (e as Error).message });
    }
    const cancelled = abort.signal.aborted;
    abort = null;
    // The look after (the executor's last one may predate its last kills).
    let after: Snapshot | null = null;
    try {
      after = await look();
    } catch {
      /* reported by the poller */
    }
    const ex = execution ?? { results: [], durationMs: Date.now() - startedAt, clean: false, remaining: [] };
    const survived = survivorsOf(plan, ex, after);
    if (plan.intent.kind === 'shutdown') {
      const { path, error } = recordShutdown({ plan, execution: ex, before, survived, log: notes, startedAt: new Date(startedAt).toISOString(), reason: `orch-top console (user ${env.USER ?? env.LOGNAME ?? '?'})`, env, audit });
      log(error ? 'error' : 'info', error ?? `shutdown state written to ${path}`);
    }
    const took = ((Date.now() - startedAt) / 1000).toFixed(1);
    const summary = `${label}: ${cancelled ? 'cancelled' : 'done'} in ${took} s: ${outcomeCounts(ex.results)}`;
    if (survived.length === 0 && !cancelled) log('info', `✓ ${summary}${plan.intent.kind === 'shutdown' ? ' · cleanup completed' : ''}`);
    else {
      log('warn', `✗ ${summary}; ${survived.length} left`);
      for (const s of survived.slice(0, 10)) log('warn', `  left: ${s}`);
    }
    audit.write({ event: 'done', clean: survived.length === 0, remaining: survived, outcomes: outcomeCounts(ex.results), message: cancelled ? `cancelled; ${survived.length} left` : survived.length ? `${survived.length} left` : 'cleanup completed' });
    store.getState().setActivity(null);
  };

  return {
    plan(intent) {
      const snap = store.getState().snapshot;
      return snap ? makePlan(snap, intent, { graceMs: config.graceMs, server: config.server }) : null;
    },
    run(plan) {
      if (running) {
        log('warn', `${intentLabel(plan.intent)}: refused: "${store.getState().activity?.label ?? 'an action'}" is still running (c cancels it)`);
        return Promise.resolve();
      }
      running = execute(plan).finally(() => {
        running = null;
      });
      return running;
    },
    cancel() {
      if (!abort || abort.signal.aborted) return;
      store.getState().updateActivity({ cancelling: true });
      log('warn', 'cancelling: nothing more will be signalled');
      audit?.write({ event: 'cancel', by: 'console' });
      abort.abort();
    },
    busy: () => running !== null,
    refresh() {
      void poller.tickNow();
    },
    async idle() {
      while (running) await running;
      audit?.close();
      audit = null;
    },
  };
}
