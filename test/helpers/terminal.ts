// A real terminal for whole-program tests of the console: a tmux server on a private socket whose one
// session runs `orch-top` in a shell, as a person would start it. `send-keys` types, `capture-pane`
// reads the screen (and `-e` its attributes: the selected row is drawn inverse). The shell prints the
// exit status (`EXIT=N`) and the terminal's modes after orch-top ends (`TTY=…`), then sleeps, so a
// test reads both from the screen. Everything is torn down by the ProcessPool, even on failure: orch-top
// first gets SIGTERM and the time to quit as it would, then the terminal server goes.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_MARK } from '../setup-run-mark.js';
import { type ProcessPool, type TmuxServerFixture, alive, childrenOf, sleep, waitFor } from './world.js';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'orch-top.js');

/** One shell word. */
export const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface TerminalOptions {
  width: number;
  height: number;
  /** orch-top's arguments. */
  args: string[];
  /** Its whole environment besides PATH, TERM, LANG and the run mark (it starts from an empty one: nothing leaks in from the test runner). */
  env: Record<string, string>;
  cwd: string;
  tag?: string;
}

export interface ScreenLine {
  text: string;
  /** The line's first cell is drawn inverse (the selected row, the active tab). */
  inverse: boolean;
}

export class Terminal {
  readonly server: TmuxServerFixture;
  /** The shell in the terminal (orch-top's parent). */
  readonly shell: number;
  private orchTop: number | null = null;

  constructor(pool: ProcessPool, opts: TerminalOptions) {
    this.server = pool.tmuxServer(opts.tag ?? 'term');
    // No status line (the window is all pane, so the console gets exactly width×height), no user config.
    const conf = join(opts.cwd, `tmux-${this.server.socketName}.conf`);
    writeFileSync(conf, 'set -g status off\nset -g remain-on-exit off\n');
    // The run mark crosses `env -i`: what orch-top starts from here is this run's (.ci/run's leak scan).
    const mark = process.env[RUN_MARK] ? { [RUN_MARK]: process.env[RUN_MARK] } : {};
    const env = Object.entries({ PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...mark, ...opts.env }).map(([k, v]) => shq(`${k}=${v}`));
    const script = [
      `cd ${shq(opts.cwd)} && env -i TERM="$TERM" ${env.join(' ')} ${shq(process.execPath)} ${shq(BIN)} ${opts.args.map(shq).join(' ')}`,
      'echo EXIT=$?',
      // The modes a restored terminal is back in (cooked: icanon echo; raw mode would show -icanon -echo).
      `echo TTY=$(stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo|isig)' | tr '\\n' ' ')`,
      'sleep 600',
    ].join('; ');
    this.server.tmux('-f', conf, 'new-session', '-d', '-s', 'ui', '-x', String(opts.width), '-y', String(opts.height), 'sh', '-c', script);
    this.shell = this.server.panePid('=ui:');
    pool.atTeardown(() => this.close());
  }

  /** The screen as text, one line per row (tmux trims each line's trailing blanks). */
  screen(): string {
    return this.server.tmux('capture-pane', '-p', '-t', '=ui:').replace(/\n$/, '');
  }

  /** The screen with the inverse attribute of each line's first cell. */
  lines(): ScreenLine[] {
    return parseStyled(this.server.tmux('capture-pane', '-p', '-e', '-t', '=ui:').replace(/\n$/, ''));
  }

  /** Keys by tmux name ("K", "Escape", "Enter", "j"). */
  press(...keys: string[]): void {
    for (const k of keys) this.server.tmux('send-keys', '-t', '=ui:', k);
  }

  /** Literal text. */
  type(text: string): void {
    this.server.tmux('send-keys', '-t', '=ui:', '-l', text);
  }

  /** Polls the screen until it matches; resolves with it (or fails showing the screen as it was last). */
  async until(test: RegExp | ((screen: string) => boolean), what: string, timeoutMs = 15_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      let s: string;
      try {
        s = this.screen();
        if (typeof test === 'function' ? test(s) : test.test(s)) return s;
      } catch (e) {
        s = `(no screen: ${(e as Error).message})`;
      }
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen is:\n${s.replace(/\n+$/, '')}`);
      await sleep(50);
    }
  }

  /** The poller's tick count on the header ("tick N at …"), or null before the first. */
  tick(screen = this.screen()): number | null {
    const m = /\btick (\d+) at /.exec(screen);
    return m ? Number(m[1]) : null;
  }

  /** Resolves once the header shows `n` more ticks than now: real time has passed, the console is live. */
  async ticks(n: number, timeoutMs = 10_000): Promise<string> {
    const from = this.tick() ?? 0;
    return this.until((s) => (this.tick(s) ?? 0) >= from + n, `${n} more ticks after tick ${from}`, timeoutMs);
  }

  /** The orch-top process (the shell's child running bin/orch-top.js), once it runs. */
  async pid(): Promise<number> {
    this.orchTop ??= await waitFor(() => childrenOf(this.shell).find((c) => cmdline(c)[1] === BIN) ?? null, 10_000, 'orch-top to start');
    return this.orchTop;
  }

  /** orch-top's exit status as the shell printed it, once it has. */
  async exitStatus(timeoutMs = 15_000): Promise<number> {
    const s = await this.until(/^EXIT=\d+$/m, 'orch-top to exit', timeoutMs);
    return Number(/^EXIT=(\d+)$/m.exec(s)![1]);
  }

  /** The terminal's modes after orch-top, as the shell printed them ("icanon echo isig"). */
  async ttyModes(): Promise<string[]> {
    const s = await this.until(/^TTY=.*\S/m, 'the terminal modes');
    return /^TTY=(.*)$/m.exec(s)![1]!.trim().split(/\s+/);
  }

  /** The alternate screen and the cursor, as tmux tracks them for the pane. */
  mode(): { alternateScreen: boolean; cursorVisible: boolean } {
    const [alt, cursor] = this.server.tmux('display-message', '-p', '-t', '=ui:', '#{alternate_on} #{cursor_flag}').trim().split(' ');
    return { alternateScreen: alt === '1', cursorVisible: cursor === '1' };
  }

  resize(width: number, height: number): void {
    this.server.tmux('resize-window', '-t', '=ui:', '-x', String(width), '-y', String(height));
  }

  /** Ends orch-top if it still runs (SIGTERM, and the time to quit as its handler does), then the terminal. */
  async close(): Promise<void> {
    const pid = this.orchTop ?? childrenOf(this.shell).find((c) => cmdline(c)[1] === BIN) ?? null;
    if (pid && alive(pid)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const end = Date.now() + 10_000;
      while (Date.now() < end && alive(pid)) await sleep(50);
    }
    this.server.kill();
  }
}

/** A process's command line as its words ([] when gone). */
export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Every live process: pid, ppid and command line, from /proc. */
export function processes(): { pid: number; ppid: number; args: string[] }[] {
  const out: { pid: number; ppid: number; args: string[] }[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const pid = Number(d);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || fields[0] === 'X') continue;
      out.push({ pid, ppid: Number(fields[1]), args: cmdline(pid) });
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/**
 * `capture-pane -e` output as lines of text, each with whether its first cell is inverse. tmux writes
 * an SGR only where the attributes change, so the state carries over from line to line.
 */
export function parseStyled(styled: string): ScreenLine[] {
  const out: ScreenLine[] = [];
  let inverse = false;
  for (const raw of styled.split('\n')) {
    let text = '';
    let first: boolean | null = null;
    for (let i = 0; i < raw.length; ) {
      if (raw[i] === '\u001b') {
        const m = /^\u001b\[([0-9;:]*)([A-Za-z])/.exec(raw.slice(i)) ?? /^\u001b[\s\S]?/.exec(raw.slice(i))!;
        if (m[2] === 'm') {
          const ps = (m[1] ?? '').split(';').map((p) => (p === '' ? 0 : Number(p.split(':')[0])));
          for (let k = 0; k < ps.length; k++) {
            const p = ps[k]!;
            if (p === 0) inverse = false;
            else if (p === 7) inverse = true;
            else if (p === 27) inverse = false;
            else if (p === 38 || p === 48 || p === 58) k += ps[k + 1] === 5 ? 2 : ps[k + 1] === 2 ? 4 : 0;
          }
        }
        i += m[0].length;
        continue;
      }
      first ??= inverse;
      text += raw[i];
      i += 1;
    }
    out.push({ text, inverse: first ?? false });
  }
  return out;
}
