// Loads better-sqlite3 the first time a SQLite file is actually found, and remembers the outcome. A
// machine whose native addon cannot load (another Node ABI, a missing build) then loses only the
// SQLite state files, reported one line each; the JSON registries and everything else keep working.
// Must not open any database itself (the readers do, read-only).
//
// Why require and not import(): the readers are synchronous by design (better-sqlite3 is), and so are
// their callers (discovery runs before a tick's parallel reads). createRequire keeps them synchronous
// and is still lazy: nothing is loaded until the first call.

import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

export type SqliteDriver = typeof BetterSqlite3;

let loaded: { Database: SqliteDriver } | { error: string } | undefined;

/** better-sqlite3 with its addon loaded, or why it cannot be (one line); cached for the process. */
export function loadSqlite(): { Database: SqliteDriver } | { error: string } {
  if (loaded) return loaded;
  try {
    const Database = createRequire(import.meta.url)('better-sqlite3') as SqliteDriver;
    // The package loads its native addon on the first open, not on require: open one in memory now,
    // so a broken addon is found here, once, and not as a puzzling error on every file.
    new Database(':memory:').close();
    loaded = { Database };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    loaded = { error: message.split('\n')[0]!.trim() || 'the native module did not load' };
  }
  return loaded;
}
