// A plan and an execution as text: what --dry-run prints, what --reap/--shutdown report, and the
// lines the console's confirm dialog shows. Pure.

import { describeTarget, formatGrace, outcomeCounts, type Execution, type Outcome } from '../model/outcome.js';
import { intentLabel, type Plan, type ProcTarget, type Step } from '../model/plan.js';
import { plural, truncate } from './format.js';
import { inertDeep } from './inert.js';
import type { Paint, Tone } from './theme.js';

// Re-exported for the views that import it from here (ui/Header, ui/use-console-keys).
export { formatGrace };

function procLine(t: ProcTarget, width: number): string {
  const head = `pid ${String(t.pid).padEnd(7)} `;
  const role = `  ${t.role}`;
  return head + truncate(t.command, Math.max(10, width - head.length - role.length - 8)) + role;
}

/** One line naming a step's target (no processes). */
function stepTitle(s: Step, plan: Pick<Plan, 'servers'>): string {
  switch (s.kind) {
    case 'orchestrator':
      return `orchestrator pid ${s.processes[0]?.pid ?? '?'}${s.processes.length > 1 ? ` and ${plural(s.processes.length - 1, 'child', 'children')}` : ''}`;
    case 'session':
      // A session id means nothing without its server: named whenever the plan spans several.
      return `session ${s.session.id} ${s.session.name}${s.server && (plan.servers?.length ?? 0) > 1 ? ` on tmux ${s.server.socket}` : ''} (${plural(s.processes.length, 'process', 'processes')})`;
    case 'leaked':
      return `leaked pid ${s.processes[0]?.pid ?? '?'}${s.processes.length > 1 ? ` and ${plural(s.processes.length - 1, 'child', 'children')}` : ''}`;
    case 'zombies':
      return `${plural(s.zombies.length, 'zombie')} of pid ${s.parent.pid}`;
  }
}

function stepHow(s: Step, graceMs: number): string {
  const g = formatGrace(graceMs);
  switch (s.kind) {
    case 'orchestrator':
    case 'leaked':
      return `SIGTERM, up to ${g}, then SIGKILL`;
    case 'session':
      return `SIGTERM its processes, kill-session -t ${s.session.id}, SIGKILL survivors after ${g}`;
    case 'zombies':
      return s.parentStep !== null
        ? `reaped when step ${s.parentStep} ends their parent`
        : s.nudgeOnly && s.parent.role === 'tmux-server'
          ? 'SIGCHLD to the tmux server so it reaps them (the server is never terminated)'
          : s.nudgeOnly
            ? 'SIGCHLD to the parent only; it is never terminated (an active agent would end)'
            : `SIGCHLD to the parent; after ${g}, SIGTERM it so init reaps them`;
  }
}

/** The plan as text; its outside strings (names, command lines, reasons) shown inert. */
export function renderPlanText(outside: Plan, opts: { paint: Paint; width?: number; detail?: boolean }): string {
  const plan = inertDeep(outside);
  const { paint } = opts;
  const width = opts.width ?? 120;
  const detail = opts.detail ?? true;
  const out: string[] = [];
  out.push(`${paint('heading', 'PLAN')}  ${intentLabel(plan.intent)} · grace ${formatGrace(plan.graceMs)} · tmux ${plan.socket} · based on ${plan.basedOn}`);
  if (plan.refused) {
    out.push(`  ${paint('error', `refused: ${plan.refused}`)}`);
    return out.join('\n') + '\n';
  }
  if (!plan.steps.length) out.push(`  ${paint('ok', 'nothing to do')}`);
  const phases = new Set(plan.steps.map((s) => s.phase)).size;
  for (const s of plan.steps) {
    const phase = phases > 1 ? paint('dim', `[phase ${s.phase}] `) : '';
    out.push(`  ${String(s.id).padStart(2)}  ${phase}${paint('accent', stepTitle(s, plan))}  ${paint('dim', '—')} ${s.reason}`);
    out.push(`      ${paint('dim', stepHow(s, plan.graceMs))}`);
    if (!detail) continue;
    const procs = s.kind === 'zombies' ? [s.parent, ...s.zombies] : s.processes;
    for (const t of procs) out.push(`        ${procLine(t, width - 8)}`);
  }
  if (plan.left.length) {
    out.push(paint('heading', 'LEFT ALONE'));
    for (const l of plan.left) out.push(`  ${l.what}: ${paint('dim', l.why)}`);
  }
  return out.join('\n') + '\n';
}

const TONE: Record<Outcome, Tone> = { exited: 'ok', killed: 'warn', gone: 'dim', 'skipped-reused': 'warn', denied: 'error', failed: 'error' };

/** One line per result, grouped by step, in plan order. */
export function renderResultsText(outsidePlan: Plan, outsideEx: Execution, opts: { paint: Paint; width?: number }): string {
  const plan = inertDeep(outsidePlan);
  const ex = inertDeep(outsideEx);
  const { paint } = opts;
  const width = opts.width ?? 120;
  const out: string[] = [];
  out.push(
    `${paint('heading', 'RESULTS')}  ${plural(ex.results.length, 'target')} in ${ex.durationMs < 1000 ? `${ex.durationMs} ms` : `${(ex.durationMs / 1000).toFixed(1)} s`}: ${outcomeCounts(ex.results)}`,
  );
  for (const s of plan.steps) {
    const rs = ex.results.filter((r) => r.step === s.id);
    out.push(`  ${String(s.id).padStart(2)}  ${stepTitle(s, plan)}`);
    for (const r of rs) {
      const outcome = paint(TONE[r.outcome], r.outcome.padEnd(14));
      const sent = r.sent.length ? paint('dim', r.sent.join(' → ')) : '';
      const tail = [sent, r.detail ? paint('dim', r.detail) : ''].filter(Boolean).join('  ');
      out.push(`      ${outcome} ${truncate(describeTarget(r), Math.max(20, width - 24 - tail.length))}  ${tail}`);
    }
  }
  return out.join('\n') + '\n';
}
