// The console's read of the history (history.sqlite3, which only `--serve` writes): the last day,
// read-only, grouped in SQL into the buckets the console draws (model/history-series.ts), so a read
// is a few thousand rows however long the day was. The console runs it on its main thread every
// ~30 s: the wait on a busy database is short, and any failure (missing, locked, corrupt) is one line.

import { existsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { loadSqlite } from '../collectors/sqlite-driver.js';
import { DAY, HOUR, type RecentHistoryRows } from '../model/history-series.js';

function query(db: BetterSqlite3.Database, now: number): RecentHistoryRows {
  const daySince = now - DAY.buckets * DAY.bucketMs;
  const hourSince = now - HOUR.buckets * HOUR.bucketMs;
  const step = HOUR.bucketMs;
  const ticks = db
    .prepare(
      `SELECT (at / ${step}) * ${step} AS at, MAX(sessions) AS sessions, MAX(orphans) AS orphans, MAX(zombies) AS zombies, MAX(leaked) AS leaked
       FROM ticks WHERE at >= ? GROUP BY at / ${step} ORDER BY 1`,
    )
    .all(daySince) as RecentHistoryRows['ticks'];
  const procs = (since: number, bucketMs: number) =>
    db
      .prepare(
        `SELECT (at / ${bucketMs}) * ${bucketMs} AS at, pid, start_time AS startTime, MAX(fds) AS fds
         FROM procs WHERE at >= ? AND fds IS NOT NULL GROUP BY pid, start_time, at / ${bucketMs}`,
      )
      .all(since) as RecentHistoryRows['procsHour'];
  return { ticks, procsHour: procs(hourSince, HOUR.bucketMs), procsDay: procs(daySince, DAY.bucketMs) };
}

/** The last day of the history at `path`, read-only; null when there is none; an error is one line. */
export function readRecentHistory(path: string, now: number): RecentHistoryRows | null | { error: string } {
  if (!existsSync(path)) return null;
  const sqlite = loadSqlite();
  if ('error' in sqlite) return { error: `SQLite is not available (${sqlite.error})` };
  let db: BetterSqlite3.Database | undefined;
  try {
    // Read-only, not immutable: the live --serve's WAL is read too. Nothing is ever written from here.
    db = new sqlite.Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 250');
    return query(db, now);
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
