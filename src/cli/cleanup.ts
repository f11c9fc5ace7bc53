// `--reap` and `--shutdown` (and `--dry-run` of either): look, plan, print or execute, look again,
// report, exit 0 when nothing is left and 1 when something remains. Usage and environment errors are
// found before anything is touched and exit 2.

import { existsSync } from 'node:fs';
import { auditEvent, auditPlan, AuditOpenError, defaultAuditPath, openAuditLog, type AuditLog } from '../actions/audit.js';
import { executePlan, type ActEvent, type Execution } from '../actions/execute.js';
import type { Config } from '../config.js';
import { intentLabel, makePlan, type Intent } from '../model/plan.js';
import { describeTarget, outcomeCounts, renderPlanText, renderResultsText } from '../render/plan.js';
import { renderSnapshotText, summaryLine } from '../render/text.js';
import { colorWanted, makePaint } from '../render/theme.js';
import { EXIT, makeLooker, type RunCtx } from './main.js';
import { recordShutdown, survivorsOf } from '../actions/record.js';

export async function runCleanup(config: Config, ctx: RunCtx): Promise<number> {
  const paint = makePaint(colorWanted(ctx.out, ctx.env));
  const width = ctx.out.isTTY ? (ctx.out.columns ?? 120) : 160;
  const say = (line: string) => ctx.err.write(`orch-top: ${line}\n`);
  // Every signal is preceded by a start-time check in /proc/PID/stat: without /proc, nothing can be
  // checked, so nothing is signalled.
  if (!existsSync('/proc/self/stat')) {
    say('cleaning up needs /proc (Linux) to check each process\'s start time before signalling it; nothing was touched');
    return EXIT.usage;
  }
  const looker = makeLooker(config, ctx, config.dryRun ? 'read' : 'read-write');
  const before = await looker.look();

  if (!before.tmux.available || before.tmux.error) {
    say(`${before.tmux.error ?? 'tmux is not available'}; nothing was touched`);
    return EXIT.usage;
  }
  const intent: Intent = config.mode === 'shutdown' ? { kind: 'shutdown', ...(config.orchestratorPid !== null ? { orchestratorPid: config.orchestratorPid } : {}) } : { kind: 'reap' };
  const plan = makePlan(before, intent, { graceMs: config.graceMs, server: config.server });
  if (plan.refused) {
    say(`${config.mode === 'shutdown' ? '--shutdown' : '--reap'} refused: ${plan.refused}; nothing was touched`);
    return EXIT.usage;
  }

  if (config.dryRun) {
    if (config.json) ctx.out.write(JSON.stringify({ ...before, dryRun: true, intent: plan.intent, graceMs: plan.graceMs, plan: plan.steps, left: plan.left, results: [] }, null, 2) + '\n');
    else ctx.out.write(renderPlanText(plan, { paint, width }) + paint('dim', 'dry run: nothing was touched') + '\n');
    return plan.steps.length ? EXIT.findings : EXIT.clean;
  }

  let audit: AuditLog | null = null;
  if (plan.steps.length) {
    try {
      audit = openAuditLog(config.auditLog ?? defaultAuditPath(ctx.env), config.mode);
    } catch (e) {
      if (e instanceof AuditOpenError) {
        say(`${e.message}; nothing was touched`);
        return EXIT.usage;
      }
      throw e;
    }
  }
  const log: string[] = [];
  const note = (line: string) => {
    log.push(line);
    audit?.write({ event: 'note', message: line });
  };
  const startedAt = new Date().toISOString();
  // Ctrl-C (or SIGTERM) while it runs: send nothing more, report what stands, exit 130/143.
  // A second one exits at once.
  const abort = new AbortController();
  let interrupted: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) process.exit(sig === 'SIGINT' ? 130 : 143);
    interrupted = sig;
    say(`${sig}: cancelling; nothing more will be signalled (again to quit at once)`);
    audit?.write({ event: 'cancel', signal: sig });
    abort.abort();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const sig of signals) process.on(sig, onSignal);
  let execution: Execution = { results: [], durationMs: 0, clean: true, remaining: [] };
  try {
    if (plan.steps.length) {
      auditPlan(audit!, plan);
      note(`${intentLabel(plan.intent)}: ${plan.steps.length} steps, grace ${plan.graceMs} ms`);
      const tty = !!(ctx.err as NodeJS.WriteStream).isTTY;
      let lastProgress = 0;
      execution = await executePlan(plan, {
        look: () => looker.look(0),
        abort: abort.signal,
        onEvent: (e: ActEvent) => {
          if (audit) auditEvent(audit, e);
          if (e.event === 'progress' && tty && Date.now() - lastProgress > 100) {
            lastProgress = Date.now();
            ctx.err.write(`\r\u001b[2Korch-top: phase ${e.phase}: ${e.done}/${e.total} settled, ${(e.graceLeftMs / 1000).toFixed(1)} s of grace left`);
          }
          if (e.event === 'result') note(`${e.result.outcome}: ${describeTarget(e.result)}${e.result.detail ? ` (${e.result.detail})` : ''}`);
        },
      });
      if (tty) ctx.err.write('\r\u001b[2K');
    }

    // Look again, with the history of the first look (so what the plan's panes left can be traced).
    const after = await looker.look(0);
    const memoryProblem = looker.save();
    if (memoryProblem) say(memoryProblem);
    const survived = survivorsOf(plan, execution, after);
    const clean = survived.length === 0;

    if (config.mode === 'shutdown') {
      const { path, error } = recordShutdown({ plan, execution, before, survived, log, startedAt, reason: `orch-top --shutdown (user ${ctx.env.USER ?? ctx.env.LOGNAME ?? '?'})`, env: ctx.env, audit });
      if (error) say(error);
      else if (!config.json) ctx.err.write(`orch-top: shutdown state written to ${path}\n`);
    }

    if (config.json) {
      ctx.out.write(
        JSON.stringify(
          { ...after, dryRun: false, intent: plan.intent, graceMs: plan.graceMs, before: before.summary, plan: plan.steps, left: plan.left, results: execution.results, durationMs: execution.durationMs, clean, remaining: survived },
          null,
          2,
        ) + '\n',
      );
    } else {
      ctx.out.write(renderPlanText(plan, { paint, width, detail: false }));
      if (plan.steps.length) ctx.out.write(renderResultsText(plan, execution, { paint, width }));
      ctx.out.write(`${paint('heading', 'AFTER')}  ${summaryLine(after, paint)}\n`);
      if (!clean) {
        ctx.out.write(paint('error', `${survived.length} left:`) + '\n');
        for (const s of survived) ctx.out.write(`  ${s}\n`);
        if (after.summary.findings) ctx.out.write(renderSnapshotText(after, { paint, width }));
      }
      if (config.mode === 'shutdown' && clean) ctx.out.write('cleanup completed\n');
    }
    audit?.write({ event: 'done', clean, remaining: survived, outcomes: outcomeCounts(execution.results), message: clean ? 'cleanup completed' : interrupted ? `cancelled (${interrupted}); ${survived.length} left` : `${survived.length} left` });
    if (interrupted) return interrupted === 'SIGINT' ? 130 : 143;
    return clean ? EXIT.clean : EXIT.findings;
  } finally {
    for (const sig of signals) process.off(sig, onSignal);
    audit?.close();
  }
}
