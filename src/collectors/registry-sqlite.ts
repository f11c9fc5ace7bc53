// Reads the orchestrator's SQLite state (versions from early 2026), read-only:
//   <workspace>/registry/state.sqlite3                      one project's tasks and agents
//   ~/.claude-orchestrator/global_registry.sqlite3          every workspace the orchestrator has seen
//
// Read discipline. The orchestrator writes these databases (WAL journal) while orch-top reads them,
// and it must never wait on us:
// - open read-only (`readonly: true, fileMustExist: true`): orch-top never writes, never creates a
//   database, never checkpoints. (SQLite itself creates the -wal/-shm files beside a WAL database
//   when none exist, even for a read-only connection; that is the only trace we leave.)
// - a busy timeout of 250 ms: a rollback-journal database under a writer's EXCLUSIVE lock, or a WAL
//   database in exclusive locking mode, is retried for at most 250 ms, then reported as "database is
//   locked" for this tick; the next tick tries again.
// - short autocommit SELECTs only, no explicit transaction: each statement's read snapshot ends with
//   the statement, so no read mark stays in the WAL to hold back the writer's checkpoints.
// - open and close per read (the handle is closed in `finally`): nothing is held between ticks, not
//   even a file descriptor, so a database replaced, deleted or restored between ticks is simply read
//   afresh, and a crash of ours never leaves a reader the orchestrator would have to work around.
// - schema drift is tolerated: columns are found with PRAGMA table_info; only agents.agent_id (and
//   known_workspaces.workspace_base) is required, every other column reads as null when missing.
// - every failure is one line that starts with the file's path; nothing here throws.
//
// Cost: opening per tick (open + 4 statements + close) is well under a millisecond next to a tick of
// tens (the bench prints it); a locked database costs the whole 250 ms busy timeout on that tick,
// because better-sqlite3 is synchronous.

import { accessSync, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Database as BetterSqliteDb } from 'better-sqlite3';
import type { RegistryAgent } from '../model/types.js';
import { fsReason } from '../files.js';
import { registryAgent, str } from './registry-agent.js';
import { checkRegularFile } from './regular-file.js';
import { loadSqlite } from './sqlite-driver.js';

const BUSY_TIMEOUT_MS = 250;

export interface SqliteState {
  /** The database file exists (it may still be unreadable: see error). */
  present: boolean;
  agents: RegistryAgent[];
  /** From the tasks' project or client_cwd column when the schema has one, else null. */
  project: string | null;
  /** One line starting with the file path; null when fine. */
  error: string | null;
}

export interface KnownWorkspace {
  path: string;
  project: string | null;
  clientCwd: string | null;
  active: boolean;
  lastAccessed: string | null;
}

export interface GlobalRegistry {
  present: boolean;
  workspaces: KnownWorkspace[];
  error: string | null;
}

type Row = Record<string, unknown>;
type Db = BetterSqliteDb;

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();

export function statePath(workspace: string): string {
  return join(workspace, 'registry', 'state.sqlite3');
}

function globalRegistryPath(home: string): string {
  return join(home, '.claude-orchestrator', 'global_registry.sqlite3');
}

/** The column names of a table; empty when the table does not exist. */
export function columnsOf(db: Db, table: string): Set<string> {
  return new Set((db.prepare(`PRAGMA table_info(${q(table)})`).all() as Row[]).map((r) => String(r.name)));
}

/** `t."col" AS alias` when the column exists, else `NULL AS alias`. */
export const pick = (cols: Set<string>, table: string, col: string, alias = col) =>
  cols.has(col) ? `${table}.${q(col)} AS ${q(alias)}` : `NULL AS ${q(alias)}`;

/** Why a file could not be read, as the tail of one line. */
function describe(path: string, e: unknown): string {
  const err = e as { code?: string; message?: string };
  const code = err.code ?? '';
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED') return 'database is locked';
  if (code === 'SQLITE_NOTADB') return 'file is not a database';
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_')) return 'database disk image is malformed';
  if (code === 'EACCES' || code === 'EPERM') return fsReason(e);
  if (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_CANTOPEN_') || code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_')) {
    try {
      accessSync(path, constants.R_OK);
    } catch {
      return 'permission denied';
    }
    // A WAL database needs its -shm file; a reader that may not create it cannot open the database.
    try {
      accessSync(dirname(path), constants.W_OK);
    } catch {
      return `${oneLine(err.message ?? code)} (cannot create its -wal/-shm files: directory not writable)`;
    }
  }
  return oneLine(err.message ?? String(e));
}

/**
 * Opens `path` read-only, runs `read`, closes. `absent` when the file does not exist; a directory, a
 * SchemaError, a driver that cannot load or any SQLite error becomes one line starting with the path.
 */
export class SchemaError extends Error {}

export function withDb<T>(path: string, read: (db: Db) => T): { absent: true } | { value: T } | { error: string } {
  // A regular file only, checked before SQLite opens it: a FIFO would block the open for ever.
  const file = checkRegularFile(path);
  if ('missing' in file) return { absent: true };
  if ('error' in file) return { error: `${path}: ${file.error}` };
  // Loaded only now that a file is there: a broken native module costs SQLite files, nothing else.
  const driver = loadSqlite();
  if ('error' in driver) return { error: `${path}: cannot read SQLite: ${driver.error}` };
  let db: Db | null = null;
  try {
    db = new driver.Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    return { value: read(db) };
  } catch (e) {
    return { error: `${path}: ${e instanceof SchemaError ? e.message : describe(path, e)}` };
  } finally {
    try {
      db?.close();
    } catch {
      /* closing a read-only handle cannot lose anything */
    }
  }
}

/** Agents (and the project) of one workspace's `registry/state.sqlite3`. */
export function readSqliteState(workspace: string): SqliteState {
  const path = statePath(workspace);
  const r = withDb(path, (db) => {
    const a = columnsOf(db, 'agents');
    if (!a.has('agent_id'))
      throw new SchemaError(a.size ? 'agents table has no agent_id column (schema not recognised)' : 'no agents table (schema not recognised)');
    const t = columnsOf(db, 'tasks');
    const withTask = a.has('task_id') && t.has('task_id') && (t.has('description') || t.has('task_description'));
    const select = [
      'a."agent_id" AS "agent_id"',
      ...['task_id', 'type', 'status', 'tmux_session', 'parent', 'started_at', 'last_update', 'completed_at', 'terminated_at', 'claude_pid', 'cursor_pid'].map(
        (c) => pick(a, 'a', c),
      ),
      withTask ? pick(t, 't', t.has('description') ? 'description' : 'task_description', 'task_description') : 'NULL AS "task_description"',
    ];
    const rows = db
      .prepare(`SELECT ${select.join(', ')} FROM "agents" AS a${withTask ? ' LEFT JOIN "tasks" AS t ON t."task_id" = a."task_id"' : ''}`)
      .all() as Row[];

    // The project: a `project` column when there is one, else the basename of the latest client_cwd.
    let project: string | null = null;
    const projectCol = t.has('project') ? 'project' : t.has('project_name') ? 'project_name' : t.has('client_cwd') ? 'client_cwd' : null;
    if (projectCol) {
      const order = t.has('updated_at') ? ' ORDER BY "updated_at" DESC' : t.has('created_at') ? ' ORDER BY "created_at" DESC' : '';
      // An unexpanded ${workspaceFolder} is data, not a name: skipped.
      const row = db
        .prepare(`SELECT ${q(projectCol)} AS v FROM "tasks" WHERE ${q(projectCol)} <> '' AND instr(${q(projectCol)}, '\${') = 0${order} LIMIT 1`)
        .get() as Row | undefined;
      const v = str(row?.v);
      if (v) project = projectCol === 'client_cwd' ? basename(v) || null : v;
    }

    const agents: RegistryAgent[] = [];
    for (const row of rows) {
      const agentId = str(row.agent_id);
      if (!agentId) continue;
      agents.push(registryAgent(agentId, row, 'sqlite', path, str(row.task_description)));
    }
    agents.sort((x, y) => x.agentId.localeCompare(y.agentId));
    return { agents, project };
  });
  if ('absent' in r) return { present: false, agents: [], project: null, error: null };
  if ('error' in r) return { present: true, agents: [], project: null, error: r.error };
  return { present: true, agents: r.value.agents, project: r.value.project, error: null };
}

const truthy = (v: unknown): boolean => {
  if (v === null || v === undefined) return true; // no is_active column (or NULL): its default is 1
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v) !== 0;
  if (typeof v === 'string') return !['0', 'false', 'no', ''].includes(v.trim().toLowerCase());
  return Boolean(v);
};

/** The workspaces listed in `<home>/.claude-orchestrator/global_registry.sqlite3`, most recently accessed first. */
export function readGlobalRegistry(home: string): GlobalRegistry {
  const path = globalRegistryPath(home);
  const r = withDb(path, (db) => {
    const k = columnsOf(db, 'known_workspaces');
    if (!k.has('workspace_base'))
      throw new SchemaError(
        k.size ? 'known_workspaces table has no workspace_base column (schema not recognised)' : 'no known_workspaces table (schema not recognised)',
      );
    const select = ['k."workspace_base" AS "workspace_base"', ...['project_name', 'client_cwd', 'last_accessed', 'is_active'].map((c) => pick(k, 'k', c))];
    const order = k.has('last_accessed') ? ' ORDER BY k."last_accessed" DESC, k."workspace_base"' : ' ORDER BY k."workspace_base"';
    const rows = db.prepare(`SELECT ${select.join(', ')} FROM "known_workspaces" AS k${order}`).all() as Row[];
    const out: KnownWorkspace[] = [];
    for (const row of rows) {
      const p = str(row.workspace_base);
      if (!p) continue;
      out.push({
        path: p,
        project: str(row.project_name),
        clientCwd: str(row.client_cwd),
        active: truthy(row.is_active),
        lastAccessed: str(row.last_accessed),
      });
    }
    return out;
  });
  if ('absent' in r) return { present: false, workspaces: [], error: null };
  if ('error' in r) return { present: true, workspaces: [], error: r.error };
  return { present: true, workspaces: r.value, error: null };
}
