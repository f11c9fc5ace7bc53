// The console's read of the history (history.sqlite3, which only `--serve` writes): the last day,
// read-only, grouped in SQL into the buckets the console draws (model/history-series.ts), so a read
// hands over a few thousand rows however long the day was. The console runs it on its main thread
// every ~30 s: the wait on a busy database is short, what did not change is not read again, and any
// failure (missing, locked, corrupt) is one line.

import { existsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { loadSqlite } from '../collectors/sqlite-driver.js';
import { DAY, type FdSample, HOUR, type RecentHistoryRows, type TickSample } from '../model/history-series.js';

const SLACK_MS = 60_000;

/**
 * Reads the last day again and again (the console: every ~30 s), re-reading only what can have
 * changed: the ticks and the hour are small, but a day of per-process rows is most of a read, so its
 * 10-minute buckets that ended (a minute ago, for a tick still being written) are kept from the
 * reads before. A failed read forgets them.
 */
export class RecentHistoryReader {
  private dayRows: FdSample[] = [];
  private doneUntil = 0;

  constructor(readonly path: string) {}

  read(now: number): RecentHistoryRows | null | { error: string } {
    const r = withDatabase(this.path, (db) => this.query(db, now));
    if (r === null || 'error' in r) {
      this.dayRows = [];
      this.doneUntil = 0;
    }
    return r;
  }

  private query(db: BetterSqlite3.Database, now: number): RecentHistoryRows {
    const daySince = (Math.floor(now / DAY.bucketMs) + 1 - DAY.buckets) * DAY.bucketMs;
    const hourSince = now - HOUR.buckets * HOUR.bucketMs;
    const step = HOUR.bucketMs;
    const ticks = db
      .prepare(
        `SELECT (at / ${step}) * ${step} AS at, MAX(sessions) AS sessions, MAX(orphans) AS orphans, MAX(zombies) AS zombies, MAX(leaked) AS leaked
         FROM ticks WHERE at >= ? GROUP BY at / ${step} ORDER BY 1`,
      )
      .all(daySince) as TickSample[];
    const from = Math.max(daySince, this.doneUntil);
    const fresh = procs(db, from, DAY.bucketMs);
    this.dayRows = [...this.dayRows.filter((r) => r.at >= daySince && r.at < from), ...fresh];
    this.doneUntil = Math.floor((now - SLACK_MS) / DAY.bucketMs) * DAY.bucketMs;
    return { ticks, procsHour: procs(db, hourSince, HOUR.bucketMs), procsDay: this.dayRows };
  }
}

/** Each process's largest descriptor count per bucket since `since`. */
function procs(db: BetterSqlite3.Database, since: number, bucketMs: number): FdSample[] {
  return db
    .prepare(
      `SELECT (at / ${bucketMs}) * ${bucketMs} AS at, pid, start_time AS startTime, MAX(fds) AS fds
       FROM procs WHERE at >= ? AND fds IS NOT NULL GROUP BY pid, start_time, at / ${bucketMs}`,
    )
    .all(since) as FdSample[];
}

/** The last day of the history at `path`, read-only, once; null when there is none; an error is one line. */
export function readRecentHistory(path: string, now: number): RecentHistoryRows | null | { error: string } {
  return new RecentHistoryReader(path).read(now);
}

function withDatabase<T>(path: string, f: (db: BetterSqlite3.Database) => T): T | null | { error: string } {
  if (!existsSync(path)) return null;
  const sqlite = loadSqlite();
  if ('error' in sqlite) return { error: `SQLite is not available (${sqlite.error})` };
  let db: BetterSqlite3.Database | undefined;
  try {
    // Read-only, not immutable: the live --serve's WAL is read too. Nothing is ever written from here.
    db = new sqlite.Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 250');
    return f(db);
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    try {
      db?.close();
    } catch {
      /* closing a broken handle */
    }
  }
}
