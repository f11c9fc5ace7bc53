// The history database and --report on a history written with known rows: retention and the size
// cap prune the oldest rows, the acts and shutdowns come from the audit log, and the report's
// verdicts and exit codes follow the rows (0 every metric holds, 1 one fails, 2 no history).
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { tailAudit } from '../../src/history/audit-tail.js';
import { HistoryDb } from '../../src/history/db.js';
import { buildReport } from '../../src/model/report.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'orch-top.js');
const root = mkdtempSync(join(tmpdir(), 'orchtop-history-'));
let state: string;
let path: string;
beforeEach(() => {
  state = mkdtempSync(join(root, 'state-'));
  mkdirSync(join(state, 'orch-top'));
  path = join(state, 'orch-top', 'history.sqlite3');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const MIN = 60_000;
const open = (opts = { retentionMs: 7 * 24 * 60 * MIN, maxBytes: 64 * 1024 * 1024 }) => {
  const db = HistoryDb.open(path, opts);
  if ('error' in db) throw new Error(db.error);
  return db;
};

/** Known rows straight into the schema: one tick a minute for `minutes`, the counts from `at(i)`. */
function writeTicks(now: number, minutes: number, at: (i: number) => { orphans?: number; zombies?: number; leaked?: number }) {
  open().close();
  const db = new Database(path);
  const ins = db.prepare('INSERT INTO ticks VALUES (?, 3, ?, ?, 0, ?, 0, 0, 0, 40, 100, 5)');
  for (let i = 0; i < minutes; i++) {
    const c = at(i);
    ins.run(now - (minutes - i) * MIN, c.orphans ?? 0, c.zombies ?? 0, c.leaked ?? 0);
  }
  return db;
}

function report(args: string[]) {
  return execa('node', [BIN, '--report', ...args], { reject: false, env: { NO_COLOR: '1', HOME: root, XDG_STATE_HOME: state, XDG_CONFIG_HOME: root } });
}

describe('the history database', () => {
  it('is mode 0600 in WAL mode, and retention drops rows older than it', () => {
    const now = Date.now();
    writeTicks(now, 120, () => ({})).close();
    const db = open({ retentionMs: 30 * MIN, maxBytes: 64 * 1024 * 1024 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(db.read(0).ticks).toHaveLength(120);
    db.prune(now);
    const left = db.read(0).ticks;
    expect(left.length).toBe(30);
    expect(left[0]!.at).toBeGreaterThanOrEqual(now - 30 * MIN);
    db.close();
    expect(new Database(path, { readonly: true }).pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('the size cap drops the oldest rows until the file fits', () => {
    const now = Date.now();
    const raw = writeTicks(now, 1, () => ({}));
    const ins = raw.prepare('INSERT INTO procs VALUES (?, ?, 1, ?, NULL, ?, 0.5, 1000, 10)');
    raw.transaction(() => {
      for (let i = 0; i < 40_000; i++) ins.run(now - (40_000 - i) * 1000, i, 'pane', `command ${'x'.repeat(60)} ${i}`);
    })();
    raw.close();
    const cap = 1024 * 1024;
    const db = open({ retentionMs: 7 * 24 * 60 * MIN, maxBytes: cap });
    expect(db.sizeBytes()).toBeGreaterThan(cap);
    db.prune(now);
    expect(db.sizeBytes()).toBeLessThanOrEqual(cap);
    const procs = db.read(0).procs;
    expect(procs.length).toBeGreaterThan(0);
    // The newest rows stay.
    expect(Math.max(...procs.map((p) => p.pid))).toBe(39_999);
    db.close();
  });

  it('takes acts and shutdowns from the audit log, once each, across a restart', () => {
    const audit = join(state, 'orch-top', 'audit.jsonl');
    let db = open();
    tailAudit(db, audit);
    const time = new Date().toISOString();
    appendFileSync(
      audit,
      `${JSON.stringify({ time, mode: 'reap', event: 'result', target: { kind: 'session', id: '$1', name: 'claude-agent-a' }, outcome: 'killed' })}\n`,
    );
    appendFileSync(audit, `${JSON.stringify({ time, mode: 'shutdown', event: 'done', message: '1 left' })}\n{"half":`);
    expect(tailAudit(db, audit)).toBe(2);
    db.close();
    db = open();
    appendFileSync(audit, `1}\n${JSON.stringify({ time, mode: 'shutdown', event: 'done', message: 'cleanup completed' })}\n`);
    tailAudit(db, audit);
    const rows = db.read(0);
    expect(rows.acts.map((a) => [a.target, a.outcome])).toEqual([['session $1 claude-agent-a', 'killed']]);
    expect(rows.shutdowns.map((s) => [s.lastLine, s.clean])).toEqual([
      ['1 left', 0],
      ['cleanup completed', 1],
    ]);
    db.close();
  });
});

describe('orch-top --report on known rows', () => {
  it('no history: exit 2 and how to start recording', async () => {
    const r = await report([]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^orch-top: no history at .*history\.sqlite3; start recording with `orch-top --serve`/);
  });

  it('every metric holds: an orphan that was reaped, zero at the end; exit 0', async () => {
    const now = Date.now();
    const db = writeTicks(now, 60, (i) => ({ orphans: i >= 10 && i < 15 ? 2 : 0 }));
    db.prepare('INSERT INTO orphans VALUES (?, ?, ?, ?, ?)').run('1:$4:1', 'claude-agent-old', 'registry says completed', now - 50 * MIN, now - 46 * MIN);
    db.prepare('INSERT INTO shutdowns VALUES (?, ?, ?, ?)').run(now - 5 * MIN, 'shutdown', 'cleanup completed', 1);
    db.close();
    const r = await report(['--since', '2h']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/HOLDS {2}orphan sessions: 0 at the end, at most 2 at once, 1 different over the period/);
    expect(r.stdout).toMatch(/claude-agent-old: orphan for 4\.0 min \(registry says completed\)/);
    expect(r.stdout).toMatch(/HOLDS {2}shutdowns ending "cleanup completed": 1 of 1 \(100 %\)/);
    expect(r.stdout).toMatch(/^ {7}[▁█]+ {2}max 2$/m);
  });

  it('a zombie at the end, an unclean shutdown and a growing descriptor count fail; exit 1; --since narrows', async () => {
    const now = Date.now();
    const db = writeTicks(now, 60, (i) => ({ zombies: i > 50 ? 1 : 0 }));
    db.prepare('INSERT INTO shutdowns VALUES (?, ?, ?, ?)').run(now - 30 * MIN, 'shutdown', '2 left', 0);
    const ins = db.prepare('INSERT INTO procs VALUES (?, 4242, 99, ?, NULL, ?, 0, 1000, ?)');
    for (let i = 0; i < 30; i++) ins.run(now - (30 - i) * MIN, 'orchestrator', 'python real_mcp_server.py', 20 + 2 * i);
    db.close();
    const r = await report(['--since', '2h', '--json']);
    expect(r.exitCode).toBe(1);
    const doc = JSON.parse(r.stdout);
    const m = Object.fromEntries(doc.metrics.map((x: { key: string }) => [x.key, x]));
    expect([m.zombies.holds, m.shutdowns.holds, m.descriptors.holds, m.orphans.holds]).toEqual([false, false, false, true]);
    expect(m.descriptors.details[0]).toMatch(/^pid 4242 python real_mcp_server\.py: 20 → 78 descriptors, \+2\.00\/min$/);
    // The last 5 minutes hold 4 ticks (the one 5 minutes before the rows' "now" is just out), no shutdown.
    const recent = JSON.parse((await report(['--since', '5m', '--json'])).stdout);
    expect(recent.ticks).toBe(4);
    expect(recent.metrics.find((x: { key: string }) => x.key === 'shutdowns').summary).toBe('no shutdown in the period');
  });

  it('buildReport: nothing recorded in the period is no report', () => {
    expect(buildReport({ ticks: [], orphans: [], leaks: [], procs: [], acts: [], shutdowns: [] }, { since: 0, now: 1 })).toBeNull();
  });
});
