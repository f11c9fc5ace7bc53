// Reads files whose path someone else may control (a pid file, the orchestrator's registries, a
// config file) without ever hanging or filling memory: the path must name a regular file, opened
// with O_NONBLOCK (so a FIFO cannot block the open), checked with fstat on the open descriptor (so
// what is read is what was checked), and read with a size cap. A FIFO, a device such as /dev/zero,
// a directory or a file over the cap is one line of error, nothing read.

import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { fsReason } from '../files.js';

export type FileRead = { text: string } | { missing: true } | { error: string };

export const KiB = 1024;
export const MiB = 1024 * KiB;

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'is a directory';
  if (st.isFIFO()) return 'is a FIFO, not a regular file';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'is a device, not a regular file';
  if (st.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

function sizeWords(n: number): string {
  return n >= MiB ? `${Math.round(n / MiB)} MiB` : `${Math.round(n / KiB)} KiB`;
}

/** The file's text (UTF-8), `missing` when there is nothing at the path, or why it was not read. */
export function readRegularFile(path: string, maxBytes: number): FileRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { missing: true };
    return { error: fsReason(e) };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { error: kindOf(st) };
    if (st.size > maxBytes) return { error: `is larger than ${sizeWords(maxBytes)} (${st.size} bytes): not read` };
    // Read at most one byte past the cap: a file growing while it is read is caught too.
    const buf = Buffer.alloc(Math.min(maxBytes + 1, Math.max(st.size + 1, 4 * KiB)));
    let n = 0;
    for (;;) {
      if (n === buf.length) break;
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > maxBytes) return { error: `is larger than ${sizeWords(maxBytes)}: not read` };
    return { text: buf.toString('utf8', 0, n) };
  } catch (e) {
    return { error: fsReason(e) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether a path names a regular file, without opening it (for files another library opens, such as
 * SQLite databases): `missing`, ok, or why not.
 */
export function checkRegularFile(path: string, maxBytes = Number.POSITIVE_INFINITY): { ok: true } | { missing: true } | { error: string } {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: true };
    return { error: fsReason(e) };
  }
  if (!st.isFile()) return { error: kindOf(st) };
  if (st.size > maxBytes) return { error: `is larger than ${sizeWords(maxBytes)} (${st.size} bytes): not read` };
  return { ok: true };
}
