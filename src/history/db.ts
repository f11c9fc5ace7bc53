// The history database: what `--serve` saw over days, in $XDG_STATE_HOME/orch-top/history.sqlite3
// (our own file: WAL, mode 0600, written with better-sqlite3). Per tick the summary counts; per
// watched process (pid, start time) CPU, RSS and descriptors at a coarser step; every orphan
// session's first and last sighting; every act and outcome and each shutdown's last log line (read
// from the audit log, which every mode writes). Each tick is one transaction, so a kill -9 in the
// middle of a write loses at most that tick. Retention and a size cap prune the oldest rows.
// `--report` and the console read it (openHistoryReader: read-only). It decides nothing.

import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { loadSqlite } from '../collectors/sqlite-driver.js';
import { stateDir } from '../config.js';
import type { Snapshot } from '../model/types.js';
import type { HistoryRows } from '../model/report.js';

export function historyPath(env: NodeJS.ProcessEnv): string {
  return join(stateDir(env), 'history.sqlite3');
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ticks (at INTEGER NOT NULL, sessions INTEGER NOT NULL, orphans INTEGER NOT NULL, zombies INTEGER NOT NULL,
  zombies_other INTEGER NOT NULL, leaked INTEGER NOT NULL, strays INTEGER NOT NULL, ghosts INTEGER NOT NULL, fd_growth INTEGER NOT NULL,
  processes INTEGER NOT NULL, fds INTEGER, duration_ms REAL);
CREATE INDEX IF NOT EXISTS ticks_at ON ticks (at);
CREATE TABLE IF NOT EXISTS orphans (key TEXT PRIMARY KEY, name TEXT NOT NULL, reason TEXT, first_at INTEGER NOT NULL, last_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS leaks (key TEXT PRIMARY KEY, pid INTEGER NOT NULL, command TEXT NOT NULL, first_at INTEGER NOT NULL, last_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS procs (at INTEGER NOT NULL, pid INTEGER NOT NULL, start_time INTEGER NOT NULL, role TEXT NOT NULL,
  session TEXT, command TEXT NOT NULL, cpu REAL NOT NULL, rss INTEGER NOT NULL, fds INTEGER);
CREATE INDEX IF NOT EXISTS procs_at ON procs (at);
CREATE INDEX IF NOT EXISTS procs_key ON procs (pid, start_time, at);
CREATE TABLE IF NOT EXISTS acts (at INTEGER NOT NULL, mode TEXT NOT NULL, target TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT);
CREATE INDEX IF NOT EXISTS acts_at ON acts (at);
CREATE TABLE IF NOT EXISTS shutdowns (at INTEGER NOT NULL, mode TEXT NOT NULL, last_line TEXT NOT NULL, clean INTEGER NOT NULL);
`;

/** Tables pruned by age and by the size cap, with their time column. */
const TIMED = ['ticks', 'procs', 'acts', 'shutdowns'] as const;

export interface HistoryOptions {
  retentionMs: number;
  maxBytes: number;
  /** Per-process rows at most this often (default 30 s). */
  procStepMs?: number;
}

/** One act or a run's end, as the audit log records them (actions/audit.ts). */
export interface AuditRecord {
  time?: string;
  mode?: string;
  event?: string;
  target?: unknown;
  outcome?: string;
  detail?: string | null;
  message?: string;
  clean?: boolean;
}

export class HistoryDb {
  private readonly db: BetterSqlite3.Database;
  private lastProcsAt = 0;
  private readonly insertTick;
  private readonly upsertOrphan;
  private readonly upsertLeak;
  private readonly insertProc;
  private readonly insertAct;
  private readonly insertShutdown;

  private constructor(
    readonly path: string,
    private readonly opts: HistoryOptions,
    Database: typeof BetterSqlite3,
  ) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.db = new Database(path);
    chmodSync(path, 0o600);
    // Before WAL, which writes the header: a new file only takes auto_vacuum before that (the size cap needs it).
    this.db.pragma('auto_vacuum = INCREMENTAL');
    this.db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL keeps every committed tick through a kill -9 (a power cut may lose the last few).
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    for (const f of [`${path}-wal`, `${path}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
    this.insertTick = this.db.prepare(
      'INSERT INTO ticks VALUES (@at, @sessions, @orphans, @zombies, @zombiesOther, @leaked, @strays, @ghosts, @fdGrowth, @processes, @fds, @durationMs)',
    );
    this.upsertOrphan = this.db.prepare(
      'INSERT INTO orphans VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET last_at = excluded.last_at, reason = excluded.reason',
    );
    this.upsertLeak = this.db.prepare('INSERT INTO leaks VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET last_at = excluded.last_at');
    this.insertProc = this.db.prepare('INSERT INTO procs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.insertAct = this.db.prepare('INSERT INTO acts VALUES (?, ?, ?, ?, ?)');
    this.insertShutdown = this.db.prepare('INSERT INTO shutdowns VALUES (?, ?, ?, ?)');
  }

  /** Opens (creating) the database; an error is one line (a broken native addon, an unwritable directory). */
  static open(path: string, opts: HistoryOptions): HistoryDb | { error: string } {
    const sqlite = loadSqlite();
    if ('error' in sqlite) return { error: `history ${path}: SQLite is not available (${sqlite.error})` };
    try {
      return new HistoryDb(path, opts, sqlite.Database);
    } catch (e) {
      return { error: `history ${path}: ${(e as Error).message}` };
    }
  }

  /** One tick, in one transaction: the counts, the orphans and leaks seen, and per-process rows every procStepMs. */
  recordTick(snap: Snapshot, durationMs: number | null): void {
    const at = Date.parse(snap.takenAt);
    const s = snap.summary;
    const fds = snap.fds.reduce((a, f) => a + (f.count ?? 0), 0);
    const withProcs = at - this.lastProcsAt >= (this.opts.procStepMs ?? 30_000);
    this.db.transaction(() => {
      this.insertTick.run({ at, ...s, fds, durationMs });
      for (const o of snap.sessions) if (o.status === 'orphan') this.upsertOrphan.run(`${o.server}:${o.id}:${o.created}`, o.name, o.reason, at, at);
      for (const l of snap.leaked) this.upsertLeak.run(`${l.pid}:${l.startTime}`, l.pid, l.command, at, at);
      if (withProcs) this.recordProcs(snap, at);
    })();
    if (withProcs) this.lastProcsAt = at;
  }

  private recordProcs(snap: Snapshot, at: number): void {
    const fds = new Map(snap.fds.map((f) => [`${f.pid}:${f.startTime}`, f.count]));
    for (const p of snap.processes)
      this.insertProc.run(at, p.pid, p.startTime, p.role, p.sessionId, p.command.slice(0, 200), p.cpu, p.rss, fds.get(`${p.pid}:${p.startTime}`) ?? p.fds);
    for (const o of snap.orchestrators) this.insertProc.run(at, o.pid, o.startTime, 'orchestrator', null, o.command.slice(0, 200), o.cpu, o.rss, o.fds);
  }

  /** Acts and run ends from the audit log (every mode writes it): results are acts, a shutdown's end is its last line. */
  recordAudit(records: AuditRecord[]): void {
    if (!records.length) return;
    this.db.transaction(() => {
      for (const r of records) {
        const at = r.time ? Date.parse(r.time) : Date.now();
        if (!Number.isFinite(at)) continue;
        if (r.event === 'result' && typeof r.outcome === 'string')
          this.insertAct.run(at, r.mode ?? '?', describe(r.target), r.outcome, typeof r.detail === 'string' ? r.detail : null);
        else if (r.event === 'done' && r.mode === 'shutdown' && typeof r.message === 'string')
          this.insertShutdown.run(at, r.mode, r.message, r.message === 'cleanup completed' ? 1 : 0);
      }
    })();
  }

  meta(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Bytes on disk: the database and its WAL. */
  sizeBytes(): number {
    let n = 0;
    for (const f of [this.path, `${this.path}-wal`])
      try {
        n += statSync(f).size;
      } catch {
        /* not there */
      }
    return n;
  }

  /** Drops rows past the retention, then the oldest tenth while over the size cap; gives the space back. */
  prune(now = Date.now()): { deleted: number } {
    let deleted = 0;
    const cutoff = now - this.opts.retentionMs;
    this.db.transaction(() => {
      for (const t of TIMED) deleted += this.db.prepare(`DELETE FROM ${t} WHERE at < ?`).run(cutoff).changes;
      deleted += this.db.prepare('DELETE FROM orphans WHERE last_at < ?').run(cutoff).changes;
      deleted += this.db.prepare('DELETE FROM leaks WHERE last_at < ?').run(cutoff).changes;
    })();
    this.compact();
    for (let round = 0; round < 20 && this.sizeBytes() > this.opts.maxBytes; round++) {
      const span = this.db.prepare('SELECT MIN(at) AS lo, MAX(at) AS hi FROM ticks').get() as { lo: number | null; hi: number | null };
      const procSpan = this.db.prepare('SELECT MIN(at) AS lo, MAX(at) AS hi FROM procs').get() as { lo: number | null; hi: number | null };
      const lo = Math.min(span.lo ?? Infinity, procSpan.lo ?? Infinity);
      const hi = Math.max(span.hi ?? -Infinity, procSpan.hi ?? -Infinity);
      if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi <= lo) break;
      const cut = lo + Math.max(1, Math.floor((hi - lo) / 10));
      this.db.transaction(() => {
        for (const t of TIMED) deleted += this.db.prepare(`DELETE FROM ${t} WHERE at < ?`).run(cut).changes;
        deleted += this.db.prepare('DELETE FROM orphans WHERE last_at < ?').run(cut).changes;
        deleted += this.db.prepare('DELETE FROM leaks WHERE last_at < ?').run(cut).changes;
      })();
      this.compact();
    }
    return { deleted };
  }

  /** Free pages back to the file system, and the WAL folded in and truncated. */
  private compact(): void {
    this.db.pragma('incremental_vacuum');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      /* closing anyway */
    }
    this.db.close();
  }

  /** Everything since `since` (epoch ms), for the report and the console's graphs. */
  read(since: number): HistoryRows {
    return readRows(this.db, since);
  }
}

function describe(target: unknown): string {
  const t = target as Record<string, unknown> | null;
  if (!t || typeof t !== 'object') return '?';
  if (t.kind === 'session') return `session ${String(t.id)} ${String(t.name)}`;
  if (t.kind === 'zombie') return `zombie ${String(t.pid)} of ${String(t.ppid)}`;
  return `pid ${String(t.pid)} ${String(t.command ?? '').slice(0, 80)}`;
}

function readRows(db: BetterSqlite3.Database, since: number): HistoryRows {
  const all = <T>(sql: string): T[] => db.prepare(sql).all(since) as T[];
  return {
    ticks: all(
      'SELECT at, sessions, orphans, zombies, zombies_other AS zombiesOther, leaked, ghosts, fd_growth AS fdGrowth, processes, fds FROM ticks WHERE at >= ? ORDER BY at',
    ),
    orphans: all('SELECT key, name, reason, first_at AS firstAt, last_at AS lastAt FROM orphans WHERE last_at >= ? ORDER BY first_at'),
    leaks: all('SELECT key, pid, command, first_at AS firstAt, last_at AS lastAt FROM leaks WHERE last_at >= ? ORDER BY first_at'),
    procs: all('SELECT at, pid, start_time AS startTime, role, session, command, cpu, rss, fds FROM procs WHERE at >= ? ORDER BY pid, start_time, at'),
    acts: all('SELECT at, mode, target, outcome, detail FROM acts WHERE at >= ? ORDER BY at'),
    shutdowns: all('SELECT at, mode, last_line AS lastLine, clean FROM shutdowns WHERE at >= ? ORDER BY at'),
  };
}

/** The history read-only (the report, the console), or null when there is none; an error is one line. */
export function readHistory(path: string, since: number): HistoryRows | null | { error: string } {
  if (!existsSync(path)) return null;
  const sqlite = loadSqlite();
  if ('error' in sqlite) return { error: `history ${path}: SQLite is not available (${sqlite.error})` };
  let db: BetterSqlite3.Database | undefined;
  try {
    // Read-only, but not immutable: the WAL of a live --serve is read too.
    db = new sqlite.Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    return readRows(db, since);
  } catch (e) {
    return { error: `history ${path}: ${(e as Error).message}` };
  } finally {
    db?.close();
  }
}
