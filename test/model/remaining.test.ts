import { describe, expect, it } from 'vitest';
import { makePlan, type Intent } from '../../src/model/plan.js';
import { remainingAfter } from '../../src/model/remaining.js';
import { leaked, session, snapshot, view, zombie } from './synthetic.js';

const before = snapshot({ sessions: [session('$1', 'claude-agent-1', { processes: [100] })], processes: [view(100, { sessionId: '$1' })] });
const after = snapshot({
  sessions: [session('$1', 'claude-agent-1'), session('$2', 'claude-agent-2', { reason: 'all panes dead' })],
  leaked: [leaked(300, { sessionId: '$1' }), leaked(301)],
  zombies: [zombie(7, 100, true), zombie(8, 1, false)],
});
const left = (intent: Intent) => remainingAfter(makePlan(before, intent, { graceMs: 1, server: {} }), after);

describe('remainingAfter', () => {
  it('a reap answers for orphans, leaks and zombies in scope', () => {
    expect(left({ kind: 'reap' })).toEqual([
      'orphan session $1 claude-agent-1 (orchestrator not running)',
      'orphan session $2 claude-agent-2 (all panes dead)',
      'leaked pid 300 leak300 (its pane %9 is gone)',
      'leaked pid 301 leak301 (its pane %9 is gone)',
      'zombie 7 of pid 100 (cmd100)',
    ]);
  });

  it('K does not answer for zombies; reaping zombies answers for nothing else', () => {
    expect(left({ kind: 'kill-orphans' }).some((l) => l.startsWith('zombie'))).toBe(false);
    expect(left({ kind: 'reap-zombies' })).toEqual(['zombie 7 of pid 100 (cmd100)']);
  });

  it('killing one session answers for it and for the leaks traced to it', () => {
    expect(left({ kind: 'kill-session', sessionId: '$1' })).toEqual([
      'session $1 claude-agent-1 is still there',
      'leaked pid 300 leak300 (its pane %9 is gone)',
    ]);
  });
});
