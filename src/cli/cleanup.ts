// `--reap` and `--shutdown` (and `--dry-run` of either): look, plan, print or execute, look again,
// report, exit 0 when nothing is left and 1 when something remains. Usage and environment errors are
// found before anything is touched and exit 2. The run itself is actions/cleanup-run.ts; this module
// only asks for it, shows its progress and prints its result.

import { hasProcfs } from '../collectors/procfs.js';
import { AuditOpenError, defaultAuditPath } from '../actions/audit.js';
import { runCleanupPlan, type CleanupEvent, type CleanupResult } from '../actions/cleanup-run.js';
import type { Config } from '../config.js';
import { makePlan, type Intent, type Plan } from '../model/plan.js';
import type { Snapshot } from '../model/types.js';
import { formatNamed } from '../render/formats/index.js';
import { inert } from '../render/inert.js';
import { colorWanted, makePaint, type Paint } from '../render/theme.js';
import { tmuxAvailable, tmuxError } from '../model/servers.js';
import { EXIT, makeLooker, type RunCtx } from './looker.js';

type Say = (line: string) => void;

export async function runCleanup(config: Config, ctx: RunCtx): Promise<number> {
  // Lines carry outside strings (paths, names, errors): shown inert.
  const say: Say = (line) => ctx.err.write(`orch-top: ${inert(line)}\n`);
  // Every signal is preceded by a start-time check in /proc/PID/stat: without /proc, nothing can be
  // checked, so nothing is signalled.
  if (!hasProcfs()) {
    say("cleaning up needs /proc (Linux) to check each process's start time before signalling it; nothing was touched");
    return EXIT.usage;
  }
  const looker = makeLooker(config, ctx, config.dryRun ? 'read' : 'read-write');
  const before = await looker.look();
  if (!tmuxAvailable(before) || tmuxError(before)) {
    say(`${tmuxError(before) ?? 'tmux is not available'}; nothing was touched`);
    return EXIT.usage;
  }
  const intent: Intent =
    config.mode === 'shutdown'
      ? { kind: 'shutdown', ...(config.orchestratorPid !== null ? { orchestratorPid: config.orchestratorPid } : {}) }
      : { kind: 'reap', ...(config.enforceLimits ? { enforceLimits: true } : {}) };
  const plan = makePlan(before, intent, { graceMs: config.graceMs, server: config.server, asRoot: process.getuid?.() === 0 });
  if (plan.refused) {
    say(`${config.mode === 'shutdown' ? '--shutdown' : '--reap'} refused: ${plan.refused}; nothing was touched`);
    return EXIT.usage;
  }
  const paint = makePaint(colorWanted(ctx.out, ctx.env));
  const width = ctx.out.isTTY ? (ctx.out.columns ?? 120) : 160;
  if (config.dryRun) {
    ctx.out.write(formatNamed(config.format).report({ dryRun: true, before, plan }, { paint, width }));
    if (plan.steps.length) return EXIT.findings;
    if (before.incomplete.length) {
      say(`incomplete look: ${before.incomplete.join('; ')}`);
      return EXIT.incomplete;
    }
    return EXIT.clean;
  }
  let result: CleanupResult;
  try {
    result = await runWithCancel(config, ctx, say, plan, before, looker);
  } catch (e) {
    if (!(e instanceof AuditOpenError)) throw e;
    say(`${e.message}; nothing was touched`);
    return EXIT.usage;
  }
  if (result.auditError) say(`${result.auditError}; the plan still ran to its end (every SIGTERM got its SIGKILL)`);
  if (!result.after) {
    say(`could not look after the cleanup: ${result.lookError}`);
    return EXIT.findings;
  }
  report(config, ctx, say, { plan, before, after: result.after, result, paint, width });
  if (result.cancelledBy) return CANCEL_EXIT[result.cancelledBy] ?? 143;
  if (!result.clean) return EXIT.findings;
  // Clean, but the look was not whole: something asked for could not be seen (it may hold more).
  const incomplete = [...new Set([...before.incomplete, ...result.after.incomplete])];
  if (incomplete.length) {
    say(`incomplete look: ${incomplete.join('; ')}`);
    return EXIT.incomplete;
  }
  return EXIT.clean;
}

/** 128 + the signal's number: how a run cancelled by it exits. */
const CANCEL_EXIT: Partial<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/**
 * The run, with Ctrl-C, SIGTERM or SIGHUP (the terminal closed) while it runs: send nothing more,
 * report what stands, exit 130/143/129. A second one exits at once.
 */
async function runWithCancel(
  config: Config,
  ctx: RunCtx,
  say: Say,
  plan: Plan,
  before: Snapshot,
  looker: ReturnType<typeof makeLooker>,
): Promise<CleanupResult> {
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(CANCEL_EXIT[sig] ?? 143);
    say(`${sig}: cancelling; nothing more will be signalled (again to quit at once)`);
    abort.abort(sig);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const sig of signals) process.on(sig, onSignal);
  const tty = !!(ctx.err as NodeJS.WriteStream).isTTY;
  let lastProgress = 0;
  const onEvent = (e: CleanupEvent) => {
    if (e.event !== 'progress' || !tty || Date.now() - lastProgress <= 100) return;
    lastProgress = Date.now();
    ctx.err.write(`\r\u001b[2Korch-top: phase ${e.phase}: ${e.done}/${e.total} settled, ${(e.graceLeftMs / 1000).toFixed(1)} s of grace left`);
  };
  try {
    return await runCleanupPlan({
      plan,
      before,
      audit: { path: config.auditLog ?? defaultAuditPath(ctx.env), mode: config.mode },
      env: ctx.env,
      requestedBy: `orch-top --shutdown (user ${ctx.env.USER ?? ctx.env.LOGNAME ?? '?'})`,
      // Looks again with the history of the first look (so what the plan's panes left can be traced).
      look: () => looker.look(0),
      saveMemory: looker.save,
      onEvent,
      abort: abort.signal,
    });
  } finally {
    if (tty && lastProgress) ctx.err.write('\r\u001b[2K');
    for (const sig of signals) process.off(sig, onSignal);
  }
}

interface Report {
  plan: Plan;
  before: Snapshot;
  after: Snapshot;
  result: CleanupResult;
  paint: Paint;
  width: number;
}

function report(config: Config, ctx: RunCtx, say: Say, r: Report): void {
  const { result } = r;
  if (result.memoryProblem) say(result.memoryProblem);
  if (result.error) say(`the cleanup stopped by an error: ${result.error}`);
  if (result.shutdown?.error) say(result.shutdown.error);
  else if (result.shutdown && !config.json) say(`shutdown state written to ${result.shutdown.path}`);
  const { plan, before, after, paint, width } = r;
  ctx.out.write(
    formatNamed(config.format).report(
      { dryRun: false, before, plan, after, execution: result.execution, remaining: result.survived, completed: result.clean },
      { paint, width },
    ),
  );
}
