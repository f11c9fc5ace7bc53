// The plans the MCP server has handed out (plan_cleanup) and may carry out (cleanup): each under an
// id, until it expires or is used once. A plan is run only on a world that still matches it: the
// caller makes the plan again from a fresh look, and its targets — sessions by id and name,
// processes as (pid, start time) — must be the same as those the client was shown. Pure: the clock
// and the ids are given.

import type { Plan } from '../model/plan.js';

export interface BookedPlan {
  id: string;
  plan: Plan;
  madeAt: number;
  expiresAt: number;
  /** What the plan touches, one string each (targetsOf). */
  targets: string[];
  usedAt: number | null;
}

/** Every target of a plan, as one comparable string each, sorted. */
export function targetsOf(plan: Plan): string[] {
  const out = new Set<string>();
  const proc = (p: { pid: number; startTime: number; command: string }) => `pid ${p.pid} (start time ${p.startTime})`;
  for (const s of plan.steps) {
    if (s.kind === 'session') out.add(`session ${s.session.id} ${s.session.name}`);
    if (s.kind === 'zombies') {
      out.add(`zombie parent ${proc(s.parent)}`);
      for (const z of s.zombies) out.add(`zombie ${proc(z)}`);
    } else for (const p of s.processes) out.add(proc(p));
  }
  return [...out].sort();
}

/** What differs between the targets the client was shown and those of a plan made now; null: the same. */
export function changedTargets(shown: string[], now: string[]): { gone: string[]; added: string[] } | null {
  const a = new Set(shown);
  const b = new Set(now);
  const gone = shown.filter((t) => !b.has(t));
  const added = now.filter((t) => !a.has(t));
  return gone.length || added.length ? { gone, added } : null;
}

/** One sentence for a change, with at most `max` targets named on each side. */
export function describeChange(c: { gone: string[]; added: string[] }, max = 5): string {
  const list = (xs: string[]) => xs.slice(0, max).join(', ') + (xs.length > max ? ` and ${xs.length - max} more` : '');
  const parts: string[] = [];
  if (c.gone.length) parts.push(`no longer there or no longer to be cleaned: ${list(c.gone)}`);
  if (c.added.length) parts.push(`new since the plan: ${list(c.added)}`);
  return parts.join('; ');
}

/** How long a used or expired plan is still remembered, so its id gets a precise refusal. */
const REMEMBER_MS = 30 * 60_000;

export class PlanBook {
  private readonly plans = new Map<string, BookedPlan>();

  constructor(
    readonly ttlMs: number,
    private readonly newId: () => string,
  ) {}

  add(plan: Plan, now: number): BookedPlan {
    this.forgetOld(now);
    const booked: BookedPlan = { id: this.newId(), plan, madeAt: now, expiresAt: now + this.ttlMs, targets: targetsOf(plan), usedAt: null };
    this.plans.set(booked.id, booked);
    return booked;
  }

  /** The plan of `id`, now used (it cannot be run twice), or why not. */
  take(id: string, now: number): { booked: BookedPlan } | { error: string } {
    const b = this.plans.get(id);
    if (!b) return { error: `no plan has the id '${id}' (plans are kept ${this.ttlMs / 1000} s): ask plan_cleanup for one` };
    if (b.usedAt !== null) return { error: `plan ${id} was already used at ${new Date(b.usedAt).toISOString()}: ask plan_cleanup for a new one` };
    if (now >= b.expiresAt)
      return { error: `plan ${id} expired at ${new Date(b.expiresAt).toISOString()} (plans are kept ${this.ttlMs / 1000} s): ask plan_cleanup for a new one` };
    b.usedAt = now;
    return { booked: b };
  }

  private forgetOld(now: number): void {
    for (const [id, b] of this.plans) if (now - b.expiresAt > REMEMBER_MS) this.plans.delete(id);
  }
}
