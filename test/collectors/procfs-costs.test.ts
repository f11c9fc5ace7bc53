// What the /proc reader does to cost less, checked on real /proc: the system constants from the
// auxiliary vector (no getconf), the partial table, descriptor kinds reused while the count stands.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAuxv, ProcReader } from '../../src/collectors/procfs.js';
import { ProcessPool, waitFor } from '../helpers/world.js';

const pool = new ProcessPool();
afterEach(() => pool.teardown());

describe('the auxiliary vector', () => {
  it('gives the page size and CLK_TCK that getconf gives', () => {
    const aux = parseAuxv(execFileSync('cat', ['/proc/self/auxv']));
    expect(aux.pageSize).toBe(Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' })));
    expect(aux.clockTicks).toBe(Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })));
  });

  it('reads 8-byte and 4-byte pairs up to AT_NULL, and nothing from garbage', () => {
    const b64 = Buffer.alloc(64);
    [
      [6, 16384],
      [17, 250],
      [0, 0],
      [6, 1],
    ].forEach(([t, v], i) => {
      b64.writeBigUInt64LE(BigInt(t!), i * 16);
      b64.writeBigUInt64LE(BigInt(v!), i * 16 + 8);
    });
    expect(parseAuxv(b64, 8)).toEqual({ pageSize: 16384, clockTicks: 250 });
    const b32 = Buffer.alloc(16);
    [6, 8192, 17, 100].forEach((x, i) => b32.writeUInt32LE(x, i * 4));
    expect(parseAuxv(b32, 4)).toEqual({ pageSize: 8192, clockTicks: 100 });
    expect(parseAuxv(Buffer.alloc(3), 8)).toEqual({ pageSize: null, clockTicks: null });
  });
});

describe('the partial table', () => {
  it('lists new processes and drops gone ones without a whole scan', async () => {
    const r = new ProcReader();
    r.readTable();
    const cp = pool.spawn('sleep', ['600']);
    const t = r.readTable({ watch: new Set() });
    expect(t.procs.get(cp.pid!)?.cmdline).toEqual(['sleep', '600']);
    cp.kill('SIGKILL');
    await waitFor(() => cp.exitCode !== null || cp.signalCode !== null, 3000, 'the exit');
    expect(r.readTable({ watch: new Set() }).procs.has(cp.pid!)).toBe(false);
  });
});

describe('descriptor kinds', () => {
  it('are reused while the count stands, and read again when it changes or when asked fresh', () => {
    const r = new ProcReader();
    const me = r.readTable().procs.get(process.pid)!;
    const first = r.countFds(me.pid, me.startTime, true, true);
    expect(r.countFds(me.pid, me.startTime, true, true)).toEqual(first);
    const fd = openSync('/etc/hostname', 'r');
    try {
      const more = r.countFds(me.pid, me.startTime, true, true);
      expect(more.count).toBe(first.count! + 1);
      expect(more.kinds!.file).toBe(first.kinds!.file + 1);
    } finally {
      closeSync(fd);
    }
    const fresh = r.countFds(me.pid, me.startTime, true, false);
    expect(Object.values(fresh.kinds!).reduce((a, b) => a + b, 0)).toBe(fresh.count);
  });
});
