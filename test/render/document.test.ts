// The public documents are an explicit mapping of the model: on a synthetic world in which every list
// of the snapshot has members (classified by the real model), the document is the same bytes as the
// snapshot itself serialised, which is what --snapshot --json printed before the mapping existed; the
// reap report keeps today's shape, key for key.
import { describe, expect, it } from 'vitest';
import { classify, emptyHistory } from '../../src/model/classify.js';
import { makePlan } from '../../src/model/plan.js';
import { reapDocument, snapshotDocument } from '../../src/render/document.js';
import { cfg, NOW, richSnapshot, world } from './rich-world.js';

describe('snapshotDocument', () => {
  const snap = richSnapshot();

  it('the world has something in every list (so the mapping of each is compared)', () => {
    for (const k of ['orchestrators', 'workspaces', 'sessions', 'processes', 'zombies', 'leaked', 'strays', 'fds', 'ghosts', 'errors'] as const)
      expect(snap[k].length, k).toBeGreaterThan(0);
    expect(snap.orchestrator).not.toBeNull();
    expect(snap.sessions.some((s) => s.agent) && snap.sessions.some((s) => !s.agent)).toBe(true);
    expect(snap.fds.some((f) => f.kinds)).toBe(true);
  });

  it('is the same bytes as the snapshot serialised', () => {
    expect(JSON.stringify(snapshotDocument(snap), null, 2)).toBe(JSON.stringify(snap, null, 2));
    const quiet = classify(world([], [], [], NOW), cfg, emptyHistory());
    expect(JSON.stringify(snapshotDocument(quiet))).toBe(JSON.stringify(quiet));
  });

  it('copies: the document shares no array or object with the model', () => {
    const doc = snapshotDocument(snap);
    doc.sessions[0]!.processes.push(-1);
    doc.errors.push('x');
    expect(snap.sessions[0]!.processes).not.toContain(-1);
    expect(snap.errors).not.toContain('x');
  });
});

describe('reapDocument', () => {
  const before = richSnapshot();
  const plan = makePlan(before, { kind: 'reap' }, { graceMs: 2_000, server: { socketName: 'orchdoc' } });

  it('--dry-run: the look before, then dryRun, intent, graceMs, plan, left and no results', () => {
    const doc = reapDocument({ dryRun: true, before, plan });
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(JSON.stringify(doc)).toBe(
      JSON.stringify({ ...before, dryRun: true, intent: plan.intent, graceMs: plan.graceMs, plan: plan.steps, left: plan.left, results: [] }),
    );
  });

  it('a run: the look after, the summary before, the plan, results, duration, clean and what remains', () => {
    const after = classify(world([], [], [], NOW + 3_000), cfg, emptyHistory());
    const execution = {
      results: [
        {
          step: 1,
          target: { kind: 'session' as const, id: '$2', name: 'agent_b-2' },
          outcome: 'killed' as const,
          sent: ['SIGTERM', 'SIGKILL'],
          detail: null,
          ms: 2001,
        },
      ],
      durationMs: 2003,
      clean: false,
      remaining: [],
    };
    const doc = reapDocument({ dryRun: false, before, plan, after, execution, remaining: ['zombie 103 of 101'], completed: false });
    expect(JSON.stringify(doc)).toBe(
      JSON.stringify({
        ...after,
        dryRun: false,
        intent: plan.intent,
        graceMs: plan.graceMs,
        before: before.summary,
        plan: plan.steps,
        left: plan.left,
        results: execution.results,
        durationMs: 2003,
        clean: false,
        remaining: ['zombie 103 of 101'],
      }),
    );
  });
});
