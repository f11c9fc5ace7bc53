// Test fixtures that make real things and always take them down again: private tmux servers,
// sleepers, zombie makers. Every test that makes something registers it here and calls
// `teardown()` in afterEach/finally, so a failing test still leaves nothing behind.
//
// NOTE: pid 1 on these machines (process_api) reaps orphaned zombies only lazily, about 1.4 s later
// (measured), so a test that ends a zombie maker polls for the reaping. Zombie makers here reap their
// own children on SIGTERM, and teardown sends SIGTERM first and waits; SIGKILL is the last resort.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let counter = 0;
/** A socket name no other test (or run) uses. */
export function uniqueSocket(tag = 't'): string {
  counter += 1;
  return `orchtop-test-${tag}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until fn returns a truthy value (or throws after timeoutMs). Never sleep-and-hope. */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 5_000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(25);
  }
}

/** State letter of a pid from /proc, or null when it is gone. */
export function procState(pid: number): string | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}
export const alive = (pid: number) => {
  const s = procState(pid);
  return s !== null && s !== 'Z' && s !== 'X';
};

/** Children of a pid (direct), from /proc. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const c = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
        if (c) out.push(...c.split(' ').map(Number));
      } catch {
        /* gone */
      }
    }
  } catch {
    /* gone */
  }
  return out;
}

/** A private tmux server. `kill()` ends it; safe to call twice. */
export class TmuxServerFixture {
  readonly socketName: string;
  /** A new private server (a unique socket name); or, given `socketName`, one something else started. */
  constructor(tag = 't', socketName?: string) {
    this.socketName = socketName ?? uniqueSocket(tag);
  }
  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socketName, ...args], {
      encoding: 'utf8',
      env: { ...process.env, TMUX: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 5_000,
    });
  }
  /** Starts a detached session running `command` (a shell command line); returns its id ("$N"). */
  newSession(name: string, command = 'sleep 600', opts: { width?: number; height?: number } = {}): string {
    return this.tmux(
      'new-session',
      '-d',
      '-P',
      '-F',
      '#{session_id}',
      '-s',
      name,
      '-x',
      String(opts.width ?? 80),
      '-y',
      String(opts.height ?? 24),
      command,
    ).trim();
  }
  /** Pane pid of a target. NB: a pane target needs `=name:` (with the colon); `-t =name` prints nothing. */
  panePid(target: string): number {
    const pid = Number(this.tmux('display-message', '-p', '-t', target, '#{pane_pid}').trim());
    if (!pid) throw new Error(`no pane for target ${target}`);
    return pid;
  }
  sessions(): string[] {
    try {
      return this.tmux('list-sessions', '-F', '#{session_name}').split('\n').filter(Boolean).sort();
    } catch {
      return [];
    }
  }
  serverPid(): number | null {
    try {
      return Number(this.tmux('display-message', '-p', '#{pid}').trim());
    } catch {
      return null;
    }
  }
  /**
   * Kills the server: first TERM every pane's process tree (so zombie makers reap), then KILL what
   * ignored it (a test may leave a TERM-and-HUP-proof pane behind on purpose), then kill-server.
   */
  kill(): void {
    try {
      const pids = this.tmux('list-panes', '-a', '-F', '#{pane_pid}').split('\n').filter(Boolean).map(Number);
      const trees = pids.flatMap((p) => [p, ...descendantsOf(p)]);
      for (const p of pids) killTree(p);
      const end = Date.now() + 1_000;
      while (Date.now() < end && trees.some(alive)) execFileSync('sleep', ['0.02']);
      for (const p of trees)
        if (alive(p))
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            /* gone */
          }
    } catch {
      /* no server */
    }
    try {
      this.tmux('kill-server');
    } catch {
      /* already gone */
    }
    // tmux 3.3a leaves the socket file behind after kill-server.
    rmSync(`${process.env.TMUX_TMPDIR || '/tmp'}/tmux-${process.getuid?.() ?? 0}/${this.socketName}`, { force: true });
  }
}

/** Every descendant of a pid, from /proc. */
export function descendantsOf(pid: number): number[] {
  const out: number[] = [];
  for (const c of childrenOf(pid)) out.push(c, ...descendantsOf(c));
  return out;
}

/** SIGTERM a process and all its descendants (deepest first, so zombie makers reap before dying). */
export function killTree(pid: number, signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const c of childrenOf(pid)) killTree(c, signal);
  try {
    process.kill(pid, signal);
  } catch {
    /* gone */
  }
}

/** Tracks everything a test spawned; `teardown()` ends it all (TERM, wait, KILL what remains). */
export class ProcessPool {
  private readonly children: ChildProcess[] = [];
  private readonly pids = new Set<number>();
  private readonly servers: TmuxServerFixture[] = [];
  private readonly hooks: (() => void | Promise<void>)[] = [];
  /** What goes once every process is gone (a fake orchestrator's script: removed earlier, a node still
   *  starting would print MODULE_NOT_FOUND). */
  private readonly afterKill: (() => void)[] = [];

  spawn(cmd: string, args: string[] = [], opts: { env?: NodeJS.ProcessEnv; detached?: boolean } = {}): ChildProcess {
    const cp = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...opts.env },
      detached: opts.detached ?? false,
    });
    cp.stdout?.resume();
    this.children.push(cp);
    if (cp.pid) this.pids.add(cp.pid);
    return cp;
  }

  /**
   * A fake orchestrator: node running a script named `<name>.js` (orch-top matches the orchestrator by
   * an interpreter's script argument, never by a word anywhere in the command line). Its directory
   * goes at teardown.
   */
  orchestrator(name: string, body = 'setInterval(() => {}, 1e6)', opts: { env?: NodeJS.ProcessEnv; args?: string[] } = {}): ChildProcess {
    const dir = mkdtempSync(join(tmpdir(), 'orchtop-orch-'));
    const script = join(dir, `${name}.js`);
    writeFileSync(script, body);
    this.afterKill.push(() => rmSync(dir, { recursive: true, force: true }));
    return this.spawn(process.execPath, [script, ...(opts.args ?? [])], { env: opts.env });
  }

  /** Also kill this pid at teardown (something the test started indirectly). */
  track(pid: number): void {
    this.pids.add(pid);
  }

  tmuxServer(tag = 't'): TmuxServerFixture {
    const s = new TmuxServerFixture(tag);
    this.servers.push(s);
    return s;
  }

  /** Also kill this tmux server at teardown (one the program under test started, e.g. the demo's). */
  adoptTmuxServer(socketName: string): TmuxServerFixture {
    const s = new TmuxServerFixture('adopted', socketName);
    this.servers.push(s);
    return s;
  }

  /** Run first at teardown, newest first: e.g. let a program under test quit before its servers go. */
  atTeardown(fn: () => void | Promise<void>): void {
    this.hooks.push(fn);
  }

  /** A sleeper that ignores SIGHUP and has `kids` sleeping children that ignore it too. */
  hupIgnorer(kids = 2): ChildProcess {
    const body = `trap '' HUP; ${Array.from({ length: kids }, () => 'sleep 600 &').join(' ')} wait`;
    return this.spawn('sh', ['-c', body]);
  }

  /**
   * A parent that makes `n` zombies and never waits for them until SIGTERM, when it reaps them all and
   * exits. Resolves once the zombies exist.
   */
  async zombieMaker(n = 2): Promise<{ pid: number; zombies: number[] }> {
    const cp = this.spawn('perl', ['-e', ZOMBIE_MAKER_PERL, String(n)]);
    const pid = cp.pid!;
    const zombies = await waitFor(
      () => {
        const kids = childrenOf(pid).filter((c) => procState(c) === 'Z');
        return kids.length >= n ? kids : null;
      },
      5_000,
      `${n} zombies under ${pid}`,
    );
    return { pid, zombies };
  }

  async teardown(): Promise<void> {
    for (const h of this.hooks.splice(0).reverse()) {
      try {
        await h();
      } catch {
        /* teardown goes on */
      }
    }
    for (const s of this.servers.splice(0)) s.kill();
    const pids = [...this.pids];
    for (const p of pids) killTree(p, 'SIGTERM');
    const end = Date.now() + 3_000;
    while (Date.now() < end && pids.some(alive)) await sleep(25);
    for (const p of pids) if (alive(p)) killTree(p, 'SIGKILL');
    // Our direct children must be waited for, or they would be our zombies.
    await Promise.all(
      this.children.splice(0).map((cp) => new Promise<void>((r) => (cp.exitCode !== null || cp.signalCode !== null ? r() : cp.once('exit', () => r())))),
    );
    this.pids.clear();
    for (const f of this.afterKill.splice(0)) f();
  }
}

/** perl: fork N children that exit at once; keep them as zombies until SIGTERM, then reap and exit. */
export const ZOMBIE_MAKER_PERL = `
use POSIX ();
$| = 1;
my $n = $ARGV[0] || 2;
$SIG{TERM} = sub { 1 while waitpid(-1, 0) > 0; POSIX::_exit(0) };
$SIG{HUP} = 'IGNORE';
for (1..$n) { my $p = fork(); POSIX::_exit(0) if defined $p && $p == 0; }
print "ready\\n";
sleep 1 while 1;
`;
