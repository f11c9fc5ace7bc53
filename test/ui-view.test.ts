// The console's pure parts: what each panel shows (filter, sort, tree), the view state (selection by
// id across refreshes, a vanished row), and the event lines a change between snapshots makes.
import { describe, expect, it } from 'vitest';
import { processesPanel, sessionsPanel, visibleRows, zombiesPanel, type ViewCtx } from '../src/ui/panels.js';
import { createViewStore, resolveCursor } from '../src/ui/view-store.js';
import { snapshotChanges } from '../src/store/watch.js';
import { makeSnapshot, NOW } from './helpers/snapshot.js';

const ctx = (over: Partial<ViewCtx> = {}): ViewCtx => ({ snap: makeSnapshot(), now: NOW, events: [], scope: null, ...over });
const names = (rows: { name: string }[]) => rows.map((r) => r.name);

describe('panels', () => {
  it('sessions: orphans first, then by name, age, cpu…; r reverses', () => {
    expect(names(visibleRows(sessionsPanel, ctx(), { sort: 0, reverse: false, filter: '' }))).toEqual(['agent_bravo', 'claude-agent-charlie', 'agent_alpha']);
    expect(names(visibleRows(sessionsPanel, ctx(), { sort: 1, reverse: false, filter: '' }))).toEqual(['agent_alpha', 'agent_bravo', 'claude-agent-charlie']);
    expect(names(visibleRows(sessionsPanel, ctx(), { sort: 1, reverse: true, filter: '' }))).toEqual(['claude-agent-charlie', 'agent_bravo', 'agent_alpha']);
  });

  it('the filter: case-insensitive, every word must match, over what the row shows', () => {
    const f = (filter: string) => names(visibleRows(sessionsPanel, ctx(), { sort: 1, reverse: false, filter }));
    expect(f('ORPHAN')).toEqual(['agent_bravo', 'claude-agent-charlie']);
    expect(f('orphan registry completed')).toEqual(['agent_bravo']);
    expect(f('payments')).toEqual(['agent_alpha', 'agent_bravo']);
    expect(f('nothing-like-this')).toEqual([]);
  });

  it('processes: a tree (children under parents with guides), the orchestrator first, leaked last; a sort flattens it', () => {
    const rows = visibleRows(processesPanel, ctx(), { sort: 0, reverse: false, filter: '' });
    expect(rows.map((r) => r.p.pid)).toEqual([4000, 1001, 1002, 2001, 3001, 5001]);
    expect(rows.find((r) => r.p.pid === 1002)!.guide).toBe('└─ ');
    expect(rows.find((r) => r.p.pid === 5001)!.session).toBe('agent_delta (gone)');
    const byPid = visibleRows(processesPanel, ctx(), { sort: 4, reverse: false, filter: '' });
    expect(byPid.map((r) => r.p.pid)).toEqual([1001, 1002, 2001, 3001, 4000, 5001]);
    expect(byPid.every((r) => r.guide === '')).toBe(true);
  });

  it('processes of one session only (a)', () => {
    const rows = visibleRows(processesPanel, ctx({ scope: '$1' }), { sort: 0, reverse: false, filter: '' });
    expect(rows.map((r) => r.p.pid)).toEqual([1001, 1002]);
  });

  it('zombies: in scope first, and where each parent stands', () => {
    const rows = visibleRows(zombiesPanel, ctx(), { sort: 0, reverse: false, filter: '' });
    expect(rows.map((z) => z.pid)).toEqual([1003, 7001]);
    const scope = zombiesPanel.columns(ctx(), 120).find((c) => c.header === 'SCOPE')!;
    expect(rows.map((z) => scope.get(z))).toEqual(['in scope', 'elsewhere']);
  });

  it('a session expands into its agent, panes and processes', () => {
    const alpha = sessionsPanel.rows(ctx()).find((r) => r.id === '$1')!;
    const lines = sessionsPanel.detail(alpha, ctx());
    expect(lines[0]).toMatch(/^\$1 agent_alpha · active · owned by orchestrator pid 4000/);
    expect(lines.some((l) => /pane %1 pid 1001 live/.test(l))).toBe(true);
    expect(lines.some((l) => /pid 1002 S descendant/.test(l))).toBe(true);
  });
});

describe('ghosts', () => {
  it('are rows of the Sessions panel, after the orphans, saying why, with nothing to count', () => {
    const snap = makeSnapshot({ ghosts: [{ agentId: 'echo', taskId: 'TASK-2', tmuxSession: 'agent_echo', project: 'payments-api', workspace: '/w', registryStatus: 'running', registrySource: 'sqlite' }] });
    const rows = visibleRows(sessionsPanel, ctx({ snap }), { sort: 0, reverse: false, filter: '' });
    expect(rows.map((r) => `${r.name} ${r.status}`)).toEqual(['agent_bravo orphan', 'claude-agent-charlie orphan', 'agent_echo ghost', 'agent_alpha active']);
    const ghost = rows[2]!;
    expect(ghost.why).toBe('registry says running; no such tmux session');
    expect(sessionsPanel.label(ghost)).toBe('ghost agent echo');
    const procs = sessionsPanel.columns(ctx({ snap }), 120).find((c) => c.header === 'PROCS')!;
    expect(procs.get(ghost)).toBe('-');
    expect(sessionsPanel.detail(ghost, ctx({ snap })).join(' ')).toContain('there is nothing to kill');
  });
});

describe('the view state', () => {
  const ids = ['$2', '$3', '$1'];
  const label = (id: string) => `session ${id}`;

  it('the selection is an id: it follows its row when the rows reorder', () => {
    const v = createViewStore();
    v.getState().move(1, ids, label);
    expect(v.getState().selected.sessions).toEqual({ id: '$3', label: 'session $3' });
    expect(resolveCursor(['$1', '$2', '$3'], v.getState().selected.sessions, 1)).toEqual({ index: 2, lost: null });
  });

  it('a row that vanished is lost, not replaced: the cursor stays where it was', () => {
    const v = createViewStore();
    v.getState().moveTo(1, ids, label); // on $3
    const r = resolveCursor(['$2', '$1'], v.getState().selected.sessions, 1);
    expect(r).toEqual({ index: 1, lost: { id: '$3', label: 'session $3' } });
    // Moving from a lost row starts where its cursor was drawn.
    v.getState().move(1, ['$2', '$1'], label);
    expect(v.getState().selected.sessions?.id).toBe('$1');
  });

  it('moves clamp at the ends; each panel keeps its own selection, sort and filter', () => {
    const v = createViewStore();
    v.getState().move(-5, ids, label);
    expect(v.getState().selected.sessions?.id).toBe('$2');
    v.getState().moveTo(-1, ids, label);
    expect(v.getState().selected.sessions?.id).toBe('$1');
    v.getState().cycleSort();
    v.getState().typeFilter('ab');
    v.getState().setPanel('zombies');
    expect(v.getState().params.zombies).toEqual({ sort: 0, reverse: false, filter: '' });
    expect(v.getState().params.sessions).toEqual({ sort: 1, reverse: false, filter: 'ab' });
    expect(v.getState().selected.zombies).toBeNull();
  });
});

describe('what a change between snapshots logs', () => {
  it('the first look, new orphans and leaks, sessions gone, problems starting and clearing', () => {
    const a = makeSnapshot();
    expect(snapshotChanges(null, a)[0]!.text).toMatch(/^first look: 3 agent sessions, 2 orphans/);
    const alpha = a.sessions[0]!;
    const b = makeSnapshot({
      sessions: [{ ...alpha, status: 'orphan', reason: 'registry says completed' }, a.sessions[2]!],
      errors: ['registry x: permission denied'],
    });
    const lines = snapshotChanges(a, b).map((c) => `${c.level} ${c.text}`);
    expect(lines).toContain('warn orphan: session $1 agent_alpha (registry says completed)');
    expect(lines).toContain('info session $2 agent_bravo is gone');
    expect(lines).toContain('warn registry x: permission denied');
    const c = makeSnapshot({ sessions: b.sessions, errors: [] });
    expect(snapshotChanges(b, c).map((x) => x.text)).toEqual(['cleared: registry x: permission denied']);
  });
});
