// The MCP server's plan book: an id per plan, used once, only before it expires; and the comparison
// that refuses a plan whose targets are not those of a plan made now. Pure: a fake clock and ids.
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/model/plan.js';
import { changedTargets, describeChange, PlanBook, targetsOf } from '../../src/mcp/plans.js';
import { makeSnapshot } from '../helpers/snapshot.js';

const plan = (snap = makeSnapshot()) => makePlan(snap, { kind: 'reap' }, { graceMs: 1000, server: { socketName: 'test' } });

describe('PlanBook', () => {
  it('gives each plan an id that works once, before it expires', () => {
    let n = 0;
    const book = new PlanBook(60_000, () => `plan-${++n}`);
    const a = book.add(plan(), 1_000);
    expect(a).toMatchObject({ id: 'plan-1', madeAt: 1_000, expiresAt: 61_000, usedAt: null });
    expect(book.take('plan-1', 2_000)).toEqual({ booked: expect.objectContaining({ id: 'plan-1' }) });
    expect(book.take('plan-1', 3_000)).toEqual({ error: expect.stringMatching(/^plan plan-1 was already used at .*ask plan_cleanup for a new one$/) });
    book.add(plan(), 10_000);
    expect(book.take('plan-2', 70_000)).toEqual({ error: expect.stringMatching(/^plan plan-2 expired at 1970-01-01T00:01:10.000Z \(plans are kept 60 s\)/) });
    expect(book.take('plan-9', 70_000)).toEqual({ error: "no plan has the id 'plan-9' (plans are kept 60 s): ask plan_cleanup for one" });
  });

  it('forgets used and expired plans after half an hour (their ids become unknown)', () => {
    let n = 0;
    const book = new PlanBook(1_000, () => `plan-${++n}`);
    book.add(plan(), 0);
    book.add(plan(), 40 * 60_000);
    expect(book.take('plan-1', 40 * 60_000)).toEqual({ error: expect.stringMatching(/^no plan has the id 'plan-1'/) });
  });
});

describe('targetsOf and changedTargets', () => {
  it('names sessions by id and name and processes by (pid, start time)', () => {
    const t = targetsOf(plan());
    expect(t).toContain('session $2 agent_bravo');
    expect(t).toContain('pid 2001 (start time 20010)');
    expect(t).toContain('pid 5001 (start time 50010)');
    expect(changedTargets(t, targetsOf(plan()))).toBeNull();
  });

  it('a reused pid, a session gone and a new one are changes, each named', () => {
    const before = targetsOf(plan());
    const snap = makeSnapshot();
    snap.processes = snap.processes.map((p) => (p.pid === 2001 ? { ...p, startTime: 99999 } : p));
    snap.sessions = snap.sessions.filter((s) => s.id !== '$3');
    const c = changedTargets(before, targetsOf(plan(snap)));
    expect(c?.gone).toEqual(expect.arrayContaining(['session $3 claude-agent-charlie', 'pid 2001 (start time 20010)']));
    expect(c?.added).toEqual(['pid 2001 (start time 99999)']);
    expect(describeChange(c!)).toMatch(/^no longer there or no longer to be cleaned: .*; new since the plan: pid 2001 \(start time 99999\)$/);
    expect(describeChange({ gone: ['a', 'b', 'c'], added: [] }, 2)).toBe('no longer there or no longer to be cleaned: a, b and 1 more');
  });
});
