// One signal to one process named by (pid, start time): the only place orch-top calls kill(2). It
// refuses the pids never to touch, re-reads the start time right before sending (a mismatch means the
// pid was reused), and names what kill(2) said. It decides nothing about what happens next: the
// executor and the demo's last-resort teardown each turn the answer into their own outcome.
//
// Between the start-time read and kill(2) lies a window of microseconds that only pidfd_send_signal
// could close, and Node has no pidfd API; a pid would have to be freed, cycled through and reused
// inside it.

import type { ProcReader } from '../collectors/procfs.js';
import { neverSignal, selfAndAncestors } from '../model/process-index.js';

export type Signaller = (pid: number, signal: NodeJS.Signals) => void;

/** What a process is known by, when it is to be signalled. */
export interface ProcKey {
  pid: number;
  startTime: number;
}

export type StatReader = Pick<ProcReader, 'readStat'>;

export type SignalResult =
  | { sent: true }
  | { sent: false; why: 'protected'; detail: string }
  /** No such process when it was read. */
  | { sent: false; why: 'no-process' }
  | { sent: false; why: 'reused'; startTime: number }
  /** It has exited and waits for its parent (a zombie). */
  | { sent: false; why: 'zombie' }
  /** kill(2) failed: ESRCH (gone meanwhile), EPERM (another user's), or anything else. */
  | { sent: false; why: 'ESRCH' | 'EPERM' | 'error'; code: string; message: string };

const killPid: Signaller = (pid, sig) => void process.kill(pid, sig);

/** Never targets, whatever a plan says: the kernel's first pids, orch-top and every ancestor. */
export function protectedPids(reader: StatReader): Map<number, string> {
  return neverSignal(selfAndAncestors((pid) => reader.readStat(pid)?.ppid));
}

/** Running (neither exited nor a zombie) and still the same process. Liveness is /proc state, never
 *  kill(pid, 0), which succeeds on a zombie. */
export function isAlive(reader: StatReader, k: ProcKey): boolean {
  const st = reader.readStat(k.pid);
  return !!st && st.startTime === k.startTime && st.state !== 'Z' && st.state !== 'X';
}

export function signalChecked(
  k: ProcKey,
  sig: NodeJS.Signals,
  ctx: { reader: StatReader; protect: ReadonlyMap<number, string>; signal?: Signaller },
): SignalResult {
  const why = ctx.protect.get(k.pid);
  if (why !== undefined) return { sent: false, why: 'protected', detail: why };
  const st = ctx.reader.readStat(k.pid);
  if (!st) return { sent: false, why: 'no-process' };
  if (st.startTime !== k.startTime) return { sent: false, why: 'reused', startTime: st.startTime };
  if (st.state === 'Z' || st.state === 'X') return { sent: false, why: 'zombie' };
  try {
    (ctx.signal ?? killPid)(k.pid, sig);
    return { sent: true };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const message = (e as Error).message;
    return { sent: false, why: code === 'ESRCH' || code === 'EPERM' ? code : 'error', code, message };
  }
}
