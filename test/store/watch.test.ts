// The event lines a change between two snapshots makes (src/store/watch.ts), and that the store logs
// them as snapshots arrive.
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/types.js';
import { createAppStore } from '../../src/store/store.js';
import { snapshotChanges, watchSnapshots } from '../../src/store/watch.js';
import { makeSnapshot } from '../helpers/snapshot.js';

const lines = (a: Snapshot | null, b: Snapshot) => snapshotChanges(a, b).map((c) => `${c.level} ${c.text}`);

describe('snapshotChanges', () => {
  it('the first look counts everything and lists the problems', () => {
    const s = makeSnapshot({ errors: ['registry /w: unreadable'] });
    expect(lines(null, s)).toEqual([
      'warn first look: 3 agent sessions, 2 orphans, 1 leaked, 1 zombies, 0 ghosts, 1 descriptor leaks',
      'warn registry /w: unreadable',
    ]);
    const clean = makeSnapshot({ summary: { ...s.summary, findings: 0 } });
    expect(lines(null, clean)[0]).toMatch(/^info first look/);
  });

  it('the same world twice says nothing', () => {
    expect(snapshotChanges(makeSnapshot(), makeSnapshot())).toEqual([]);
  });

  it('a new orphan, an orphan gone, an orphan no longer one', () => {
    const a = makeSnapshot();
    const [alpha, bravo] = a.sessions;
    const b = makeSnapshot({
      sessions: [
        { ...alpha!, status: 'orphan', reason: 'orchestrator is down', reasons: ['orchestrator-down'] },
        { ...bravo!, status: 'active', reason: null, reasons: [] },
        // charlie ($3) is gone
      ],
    });
    expect(lines(a, b)).toEqual([
      'warn orphan: session $1 agent_alpha (orchestrator is down)',
      'info session $2 agent_bravo is no longer an orphan',
      'info session $3 claude-agent-charlie is gone',
    ]);
  });

  it('an active session that ends is not an event (only orphans are findings)', () => {
    const a = makeSnapshot();
    expect(lines(a, makeSnapshot({ sessions: a.sessions.filter((s) => s.id !== '$1') }))).toEqual([]);
  });

  it('a new leaked process; a reused pid is a new process', () => {
    const a = makeSnapshot();
    const l = a.leaked[0]!;
    expect(lines(a, makeSnapshot({ leaked: [l, { ...l, pid: 5002, startTime: 50020, reason: 'its pane %8 is gone' }] }))).toEqual([
      'warn leaked: pid 5002 node agent.js --agent delta (its pane %8 is gone)',
    ]);
    expect(lines(a, makeSnapshot({ leaked: [{ ...l, startTime: 99 }] }))).toEqual([`warn leaked: pid 5001 ${l.command} (${l.reason})`]);
  });

  it('new zombies in scope, in one line; zombies elsewhere are not findings', () => {
    const a = makeSnapshot();
    const [inScope, elsewhere] = a.zombies;
    const b = makeSnapshot({
      zombies: [
        ...a.zombies,
        { ...inScope!, pid: 1006, startTime: 10060 },
        { ...inScope!, pid: 1007, startTime: 10070 },
        { ...elsewhere!, pid: 7002, startTime: 70020 },
      ],
    });
    expect(lines(a, b)).toEqual(['warn 2 new zombies in scope (pids 1006, 1007)']);
    expect(lines(a, makeSnapshot({ zombies: [...a.zombies, { ...inScope!, pid: 1008, startTime: 10080 }] }))).toEqual([
      'warn 1 new zombie in scope (pids 1008)',
    ]);
  });

  it('a descriptor leak starting', () => {
    const a = makeSnapshot();
    const b = makeSnapshot({ fds: a.fds.map((f) => (f.pid === 2001 ? { ...f, growth: true, count: 300, slopePerMin: 12.345 } : f)) });
    expect(lines(a, b)).toEqual(['warn descriptor leak: pid 2001 node agent.js --agent bravo at 300 (+12.3/min)']);
  });

  it('problems appearing and clearing, each once', () => {
    const a = makeSnapshot({ errors: ['tmux: timed out'] });
    const b = makeSnapshot({ errors: ['tmux: timed out', 'registry /w: unreadable'] });
    expect(lines(a, b)).toEqual(['warn registry /w: unreadable']);
    expect(lines(b, b)).toEqual([]);
    expect(lines(b, makeSnapshot())).toEqual(['info cleared: tmux: timed out', 'info cleared: registry /w: unreadable']);
  });

  it('an orchestrator going down and coming up', () => {
    const a = makeSnapshot();
    const down = makeSnapshot({ orchestrator: null, orchestrators: [] });
    expect(lines(a, down)).toEqual(['warn orchestrator pid 4000 is down']);
    expect(lines(down, a)).toEqual(['info orchestrator pid 4000 is up (payments-api)']);
    const restarted = makeSnapshot({ orchestrators: [{ ...a.orchestrators[0]!, startTime: 1 }] });
    expect(lines(a, restarted)).toEqual(['info orchestrator pid 4000 is up (payments-api)', 'warn orchestrator pid 4000 is down']);
  });
});

describe('watchSnapshots', () => {
  it("logs each new snapshot's changes, and nothing for other store changes", () => {
    const store = createAppStore({ classifyConfig: () => ({}) as never, intervalMs: 1_000 });
    const stop = watchSnapshots(store);
    const a = makeSnapshot();
    store.setState({ snapshot: a });
    expect(store.getState().events.map((e) => e.text)).toEqual([expect.stringMatching(/^first look/)]);
    store.getState().setPaused(true);
    store.setState({ snapshot: makeSnapshot({ errors: ['x failed'] }) });
    expect(
      store
        .getState()
        .events.map((e) => e.text)
        .slice(1),
    ).toEqual(['x failed']);
    stop();
    store.setState({ snapshot: makeSnapshot() });
    expect(store.getState().events).toHaveLength(2);
  });
});
