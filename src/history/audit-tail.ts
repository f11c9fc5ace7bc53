// The audit log (actions/audit.ts) is where every mode records its acts: --serve's own scheduled
// reaps, a --reap from cron, the console's keys, a --shutdown. The history reads what was appended
// since its last read, so "every act and outcome" and "each shutdown's last log line" are in the
// history whoever acted. Where it stopped (the file's inode and offset) is kept in the database, so
// a restart neither repeats nor skips records; a rotated or truncated log is read from its start.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { AuditRecord, HistoryDb } from './db.js';

const MAX_READ = 1024 * 1024;

/** Records what the audit log gained since the last call; returns how many records. */
export function tailAudit(db: HistoryDb, path: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    // No log yet: whatever appears later is new.
    if (db.meta('audit') === null) db.setMeta('audit', '0:0');
    return 0;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return 0;
    const [ino, off] = (db.meta('audit') ?? '').split(':').map(Number);
    // First sight of this log: start from its end (older acts predate the history).
    let offset = ino === st.ino && off !== undefined && off <= st.size ? off : db.meta('audit') === null ? st.size : 0;
    if (offset >= st.size) {
      db.setMeta('audit', `${st.ino}:${offset}`);
      return 0;
    }
    const buf = Buffer.alloc(Math.min(MAX_READ, st.size - offset));
    const n = readSync(fd, buf, 0, buf.length, offset);
    const text = buf.subarray(0, n).toString('utf8');
    // Only whole lines: a line being written is read next time.
    const end = text.lastIndexOf('\n');
    if (end < 0) return 0;
    const records: AuditRecord[] = [];
    for (const line of text.slice(0, end).split('\n'))
      try {
        const r = JSON.parse(line) as AuditRecord;
        if (r && typeof r === 'object') records.push(r);
      } catch {
        /* not a record */
      }
    offset += Buffer.byteLength(text.slice(0, end + 1));
    db.recordAudit(records);
    db.setMeta('audit', `${st.ino}:${offset}`);
    return records.length;
  } finally {
    closeSync(fd);
  }
}
