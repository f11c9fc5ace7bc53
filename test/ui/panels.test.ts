// What each panel shows, as pure data (src/ui/panels.ts): the `/` filter, every sort order of every
// panel and its reverse, the process tree, ids stable across refreshes, the columns at 80 and 120.
import { describe, expect, it } from 'vitest';
import type { ProcessView, Snapshot } from '../../src/model/types.js';
import { layoutColumns } from '../../src/render/table.js';
import type { LogEvent } from '../../src/store/store.js';
import {
  PANEL_SPECS,
  PANELS,
  processesPanel,
  sessionsPanel,
  visibleRows,
  type PanelId,
  type PanelSpec,
  type ProcRow,
  type RowsCtx,
  type ViewCtx,
} from '../../src/ui/panels.js';
import { makeSnapshot, NOW } from '../helpers/snapshot.js';

const EVENTS: LogEvent[] = [
  { seq: 1, at: NOW - 3_000, level: 'info', text: 'first look: 3 agent sessions' },
  { seq: 2, at: NOW - 2_000, level: 'warn', text: 'orphan: session $2 agent_bravo' },
  { seq: 3, at: NOW - 1_000, level: 'error', text: 'poll failed: tmux timed out' },
];
type Ctx = ViewCtx & RowsCtx;
const ctx = (snap: Snapshot = makeSnapshot(), over: Partial<Ctx> = {}): Ctx => ({ snap, now: NOW, events: EVENTS, scope: null, ...over });
const P = (sort = 0, reverse = false, filter = '') => ({ sort, reverse, filter });
// biome-ignore lint/suspicious/noExplicitAny: the helper takes any panel, whatever its row type.
const ids = (spec: PanelSpec<any>, c: Ctx, p = P()) => visibleRows(spec, c, p).map((r) => spec.rowId(r));

/** A deeper process tree: 1001 has two children, the first of which has one. */
function deepTree(): Snapshot {
  const s = makeSnapshot();
  const base = s.processes.find((p) => p.pid === 1002)!;
  const extra: ProcessView[] = [
    { ...base, pid: 1004, startTime: 10040, ppid: 1001, command: 'node tool.js', cpu: 9 },
    { ...base, pid: 1005, startTime: 10050, ppid: 1002, command: 'bash -c make', cpu: 3 },
  ];
  return { ...s, processes: [...s.processes, ...extra], sessions: s.sessions.map((x) => (x.id === '$1' ? { ...x, processes: [1001, 1002, 1004, 1005] } : x)) };
}

describe('the / filter', () => {
  const names = (filter: string) => visibleRows(sessionsPanel, ctx(), P(1, false, filter)).map((r) => r.name);

  it.each([
    ['', ['agent_alpha', 'agent_bravo', 'claude-agent-charlie']],
    ['   ', ['agent_alpha', 'agent_bravo', 'claude-agent-charlie']],
    ['ALPHA', ['agent_alpha']],
    ['Orphan', ['agent_bravo', 'claude-agent-charlie']],
    ['orphan registry', ['agent_bravo', 'claude-agent-charlie']], // "registry says…" / "not in any registry"
    ['registry orphan completed', ['agent_bravo']], // every word, any order
    ['orphan alpha', []], // alpha is active: one word missing is no match
    ['task-1 payments', ['agent_alpha', 'agent_bravo']], // fields the narrow table does not show
    ['$3', ['claude-agent-charlie']], // the session id
    ['  bravo   completed ', ['agent_bravo']], // extra blanks are no words
    ['nothing-like-this', []],
  ])('%j keeps %j', (filter, want) => {
    expect(names(filter)).toEqual(want);
  });

  it('searches each panel over what its rows say', () => {
    expect(ids(PANEL_SPECS.processes, ctx(), P(0, false, 'LEAKED'))).toEqual(['5001:50010']);
    expect(ids(PANEL_SPECS.processes, ctx(), P(0, false, 'agent_alpha worker'))).toEqual(['1002:10020']);
    expect(ids(PANEL_SPECS.processes, ctx(), P(0, false, '(orchestrator)'))).toEqual(['4000:40000']);
    expect(ids(PANEL_SPECS.zombies, ctx(), P(0, false, 'elsewhere'))).toEqual(['7001:70010']);
    expect(ids(PANEL_SPECS.zombies, ctx(), P(0, false, 'perl in scope'))).toEqual(['1003:10030']);
    expect(ids(PANEL_SPECS.descriptors, ctx(), P(0, false, 'growing'))).toEqual(['1001:10010']);
    expect(ids(PANEL_SPECS.log, ctx(), P(0, false, 'ERROR'))).toEqual(['3']);
    expect(ids(PANEL_SPECS.log, ctx(), P(0, false, 'warn bravo'))).toEqual(['2']);
  });
});

describe('sort orders', () => {
  // Every order of every panel: a permutation of the rows, its keys in the order's direction (largest
  // first for desc ones), reversed by r; ties keep the model's order either way.
  const cases = PANELS.flatMap(({ id }) => PANEL_SPECS[id].sorts.map((s: { label: string }, i: number) => [id, i, s.label] as const));

  it.each(cases)('%s by %i (%s), and reversed', (panel: PanelId, sort: number) => {
    const spec = PANEL_SPECS[panel];
    const c = ctx(deepTree());
    const model = spec.rows(c).map((r: unknown) => spec.rowId(r));
    for (const reverse of [false, true]) {
      const rows = visibleRows(spec, c, P(sort, reverse));
      const got = rows.map((r: unknown) => spec.rowId(r));
      expect([...got].sort()).toEqual([...model].sort());
      if (spec.tree && sort === 0) {
        expect(got).toEqual(reverse ? [...model].reverse() : model);
        continue;
      }
      const order = spec.sorts[sort]!;
      const dir = (order.desc ? -1 : 1) * (reverse ? -1 : 1);
      for (let i = 1; i < rows.length; i++) {
        const a = order.key(rows[i - 1]);
        const b = order.key(rows[i]);
        expect(a === b || (a < b ? 1 : -1) === dir, `${panel}/${order.label}: ${String(a)} before ${String(b)}`).toBe(true);
        if (a === b) expect(model.indexOf(got[i - 1]!)).toBeLessThan(model.indexOf(got[i]!));
      }
    }
  });

  it("the sort index wraps around the panel's orders", () => {
    const n = sessionsPanel.sorts.length;
    expect(ids(sessionsPanel, ctx(), P(n + 1))).toEqual(ids(sessionsPanel, ctx(), P(1)));
  });

  it('sessions by status: orphans, then ghosts, then active; by cpu: largest first', () => {
    const snap = makeSnapshot({
      ghosts: [
        {
          agentId: 'echo',
          taskId: null,
          tmuxSession: 'agent_echo',
          project: 'payments-api',
          workspace: '/w',
          registryStatus: 'running',
          registrySource: 'json',
        },
      ],
    });
    expect(visibleRows(sessionsPanel, ctx(snap), P(0)).map((r) => r.status)).toEqual(['orphan', 'orphan', 'ghost', 'active']);
    const busy = makeSnapshot();
    busy.sessions[2]!.cpu = 50;
    expect(visibleRows(sessionsPanel, ctx(busy), P(3)).map((r) => r.name)[0]).toBe('claude-agent-charlie');
    expect(
      visibleRows(sessionsPanel, ctx(busy), P(3, true))
        .map((r) => r.name)
        .at(-1),
    ).toBe('claude-agent-charlie');
  });
});

describe('the process tree', () => {
  const tree = () => visibleRows(processesPanel, ctx(deepTree()), P(0));

  it('parents above their children, children by pid, with guides', () => {
    const rows = tree();
    expect(rows.map((r) => `${r.guide}${r.p.pid}`)).toEqual(['4000', '1001', '├─ 1002', '│  └─ 1005', '└─ 1004', '2001', '3001', '5001']);
    const at = new Map(rows.map((r, i) => [r.p.pid, i]));
    for (const r of rows) if (at.has(r.p.ppid) && r.p.ppid !== r.p.pid) expect(at.get(r.p.ppid)!).toBeLessThan(at.get(r.p.pid)!);
    for (const r of rows) expect(r.guide.length).toBe(r.depth * 3);
  });

  it('roots: the orchestrator first, then by session name, leaked last', () => {
    const roots = tree().filter((r) => r.depth === 0);
    expect(roots.map((r) => `${r.p.role} ${r.session}`)).toEqual([
      'orchestrator (orchestrator)',
      'pane agent_alpha',
      'pane agent_bravo',
      'pane claude-agent-charlie',
      'leaked agent_delta (gone)',
    ]);
  });

  it('any other order is a flat list: no guides', () => {
    const flat = visibleRows(processesPanel, ctx(deepTree()), P(1)); // cpu
    expect(flat[0]!.p.pid).toBe(1004);
    expect(flat.every((r: ProcRow) => r.guide === '')).toBe(true);
  });

  it("one session's tree (a), with a leaked process counted to its traced session", () => {
    expect(tree().length).toBe(8);
    expect(visibleRows(processesPanel, ctx(deepTree(), { scope: '$1' }), P(0)).map((r) => r.p.pid)).toEqual([1001, 1002, 1005, 1004]);
    expect(visibleRows(processesPanel, ctx(deepTree(), { scope: '$9' }), P(0)).map((r) => r.p.pid)).toEqual([5001]);
    expect(visibleRows(processesPanel, ctx(deepTree(), { scope: '$404' }), P(0))).toEqual([]);
  });

  it('a process that is its own parent is a root, not a loop', () => {
    const s = makeSnapshot();
    s.processes.push({ ...s.processes[1]!, pid: 6000, ppid: 6000, startTime: 60000, sessionId: null, role: 'leaked' });
    const rows = visibleRows(processesPanel, ctx(s), P(0));
    expect(rows.filter((r) => r.p.pid === 6000)).toHaveLength(1);
  });
});

describe('row ids', () => {
  it('are stable across refreshes and unique per panel; a reused pid with a new start time is a new row', () => {
    for (const { id } of PANELS) {
      const spec = PANEL_SPECS[id];
      const a = ids(spec, ctx());
      expect(ids(spec, ctx()), id).toEqual(a);
      expect(new Set(a).size, id).toBe(a.length);
    }
    const s = makeSnapshot();
    s.processes = s.processes.map((p) => (p.pid === 3001 ? { ...p, startTime: 99999 } : p));
    expect(ids(processesPanel, ctx(s))).toContain('3001:99999');
    expect(ids(processesPanel, ctx(s))).not.toContain('3001:30010');
  });
});

describe('columns', () => {
  const headers = (panel: PanelId, width: number) => {
    const c = ctx();
    const spec = PANEL_SPECS[panel];
    return layoutColumns(spec.rows(c), spec.columns(c, width), width - 1, 1).columns.map((x) => x.header);
  };

  it('at 120 columns Sessions shows everything but the least important', () => {
    expect(headers('sessions', 120)).toEqual(
      expect.arrayContaining(['SESSION', 'STATUS', 'WHY', 'AGENT', 'TASK', 'PROJECT', 'AGE', 'PROCS', 'CPU%', 'RSS', 'FDS']),
    );
  });

  it.each([
    ['sessions', ['SESSION', 'STATUS', 'WHY'], ['AGENT', 'TYPE', 'PANES', 'TASK', 'PROJECT']],
    ['processes', ['PID', 'ROLE', 'COMMAND'], ['THR']],
    ['zombies', ['PID', 'COMMAND', 'PARENT', 'SCOPE'], []],
    ['descriptors', ['PID', 'FDS', 'TREND', 'COMMAND'], []],
    ['log', ['TIME', 'LEVEL', 'EVENT'], []],
  ] as const)('at 80 columns %s keeps %j and drops %j', (panel, kept, dropped) => {
    const h = headers(panel, 80);
    for (const k of kept) expect(h, panel).toContain(k);
    for (const d of dropped) expect(h, panel).not.toContain(d);
    expect(h.length).toBeLessThanOrEqual(headers(panel, 120).length);
  });
});

describe('details (Enter)', () => {
  it('each panel expands its first row into lines', () => {
    for (const { id } of PANELS) {
      const spec = PANEL_SPECS[id];
      const c = ctx();
      const row = spec.rows(c)[0];
      expect(spec.detail(row, c).length, id).toBeGreaterThan(0);
    }
  });

  it('a zombie says what z will do to its parent', () => {
    const z = PANEL_SPECS.zombies;
    const c = ctx();
    const [inScope, elsewhere] = z.rows(c);
    expect(z.detail(inScope, c).join(' ')).toContain('z sends SIGCHLD, then ends the parent');
    expect(z.detail(elsewhere, c).join(' ')).toContain('never touched');
  });
});
