// The console's reader of the history, on a real database: what it reads again and again (keeping
// the day's ended buckets from the reads before) is what one fresh read finds; it reads a live
// writer's WAL; missing is null and corrupt is one line, which also forgets what it kept.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { HistoryDb } from '../../src/history/db.js';
import { RecentHistoryReader, readRecentHistory } from '../../src/history/recent.js';
import { buildHistorySeries } from '../../src/model/history-series.js';

const root = mkdtempSync(join(tmpdir(), 'orchtop-recent-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const MIN = 60_000;

/** A writer as --serve keeps it (HistoryDb: WAL, open), with rows put straight into its schema. */
function writer(path: string) {
  const h = HistoryDb.open(path, { retentionMs: 7 * 1440 * MIN, maxBytes: 2 ** 30 });
  if ('error' in h) throw new Error(h.error);
  h.close();
  const db = new Database(path);
  const tick = db.prepare('INSERT INTO ticks VALUES (?, 2, ?, 0, 0, 0, 0, 0, 0, 10, 50, 5)');
  const proc = db.prepare("INSERT INTO procs VALUES (?, ?, ?, 'pane', NULL, 'node agent.js', 0, 0, ?)");
  return {
    db,
    /** Minute `from` to `to` (exclusive) before `now`: a tick and two processes' descriptors each. */
    write(now: number, from: number, to: number) {
      db.transaction(() => {
        for (let m = from; m > to; m--) {
          const at = now - m * MIN;
          tick.run(at, m % 7 === 0 ? 1 : 0);
          proc.run(at, 10, 100, 20 + (m % 5));
          proc.run(at, 11, 110, 1000 - m);
        }
      })();
    },
  };
}

describe('RecentHistoryReader', () => {
  it('reading again and again finds what one fresh read does, while a writer adds rows', () => {
    const path = join(root, 'a.sqlite3');
    const w = writer(path);
    const t0 = Date.parse('2026-11-25T12:03:00Z');
    w.write(t0, 2000, 0);
    const reader = new RecentHistoryReader(path);
    for (let step = 0; step < 40; step++) {
      const now = t0 + step * 30_000;
      if (step) w.write(now, 1, 0);
      const kept = reader.read(now);
      const fresh = readRecentHistory(path, now);
      expect(kept).not.toBeNull();
      expect(JSON.stringify(buildHistorySeries(kept as never, now))).toBe(JSON.stringify(buildHistorySeries(fresh as never, now)));
    }
    const s = buildHistorySeries(reader.read(t0 + 40 * 30_000) as never, t0 + 40 * 30_000);
    expect(Object.keys(s.fds).sort()).toEqual(['10:100', '11:110']);
    expect(s.day.orphans.filter((v) => v !== null).length).toBeGreaterThan(100);
    w.db.close();
  });

  it('is null without a database, and one line for a corrupt one (and forgets what it kept)', () => {
    const path = join(root, 'b.sqlite3');
    const reader = new RecentHistoryReader(path);
    expect(reader.read(Date.now())).toBeNull();
    const w = writer(path);
    const now = Date.now();
    w.write(now, 120, 0);
    w.db.close();
    expect((reader.read(now) as { procsDay: unknown[] }).procsDay.length).toBeGreaterThan(0);
    rmSync(path, { force: true });
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    writeFileSync(path, 'not a database '.repeat(200));
    expect(reader.read(now)).toEqual({ error: 'file is not a database' });
    rmSync(path);
    const w2 = writer(path);
    w2.db.close();
    expect((reader.read(now) as { procsDay: unknown[] }).procsDay).toEqual([]);
  });
});
