// Turns argv and the optional config file into one validated Config, or a UsageError (exit 2) that
// names the problem in one line. Reads the config file; touches nothing else.

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RE2JS } from 're2js';
import type { CommandMatcher } from './model/orchestrators.js';
import type { TmuxServer } from './model/types.js';
import { MiB, readRegularFile } from './collectors/regular-file.js';
import { FORMAT_NAMES } from './render/formats/index.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export type Mode = 'console' | 'snapshot' | 'reap' | 'shutdown';

export interface Config {
  mode: Mode;
  demo: boolean;
  /** The output format of --snapshot/--reap/--shutdown: a name in render/formats (text, json). */
  format: string;
  /** format === 'json' (what --json says). */
  json: boolean;
  server: TmuxServer;
  prefixes: string[];
  /** Workspaces given by flag or config file; empty means "discover". */
  workspaces: string[];
  orchestratorPid: number | null;
  pidfile: string | null;
  /** Its source only (plain data); compileMatch makes the matcher, a linear-time engine (re2js), so a
   *  user's pattern cannot hang orch-top. */
  orchestratorMatch: { source: string };
  intervalMs: number;
  /** How long --snapshot samples before it reports (0: one tick). */
  sampleMs: number;
  /** Whether --sample was given (the demo picks its own default otherwise). */
  sampleGiven: boolean;
  historySize: number;
  configFile: string | null;
  /** --reap/--shutdown: print the plan, touch nothing. */
  dryRun: boolean;
  /** One grace period shared by every target: SIGTERM, then SIGKILL when it ends. */
  graceMs: number;
  /** The audit log's path; null: the default under $XDG_STATE_HOME. */
  auditLog: string | null;
}

const DEFAULTS = {
  prefixes: ['claude-agent-'],
  orchestratorMatch: 'real_mcp_server\\.py',
  intervalMs: 1_000,
  historySize: 60,
  graceMs: 5_000,
};

const MAX_GRACE_MS = 600_000;
const CONFIG_MAX_BYTES = 1 * MiB;

const MIN_INTERVAL_MS = 100;
const MAX_INTERVAL_MS = 3_600_000;

/** "500ms", "2s", "1.5s", "3m", "1h", or a bare number of seconds. */
export function parseDuration(text: string, what: string): number {
  if (/^\s*-/.test(text)) throw new UsageError(`${what}: '${text}' is negative; a duration is 0 or more (e.g. 500ms, 2s, 1m)`);
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new UsageError(`${what}: '${text}' is not a duration (use e.g. 500ms, 2s, 1m)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const ms = unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
  return Math.round(ms);
}

function parsePid(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > 2 ** 22) throw new UsageError(`${what}: '${text}' is not a process id`);
  return Number(text);
}

/** A user's regex, compiled by re2js (RE2: linear time, so `(a+)+$` cannot backtrack for ever). */
export function compileMatch(text: string): CommandMatcher {
  const re = RE2JS.compile(text);
  return { source: text, test: (s: string) => re.test(s) };
}

/** Checked here, kept as its source: a Config crosses to the collector's worker thread by structured clone. */
function parseRegex(text: string, what: string): { source: string } {
  if (!text) throw new UsageError(`${what}: the pattern is empty`);
  try {
    compileMatch(text);
    return { source: text };
  } catch (e) {
    throw new UsageError(
      `${what}: '${text}' is not a valid regular expression (${(e as Error).message}; orch-top takes RE2 syntax: no backreferences or lookaround)`,
    );
  }
}

function checkInterval(ms: number, what: string): number {
  if (ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) throw new UsageError(`${what}: must be between 100ms and 1h`);
  return ms;
}

function checkGrace(ms: number, what: string): number {
  if (ms > MAX_GRACE_MS) throw new UsageError(`${what}: at most 10m`);
  return ms;
}

function checkFormat(name: string, what: string): string {
  if (!FORMAT_NAMES.includes(name)) throw new UsageError(`${what}: '${name}' is not a format (${FORMAT_NAMES.join(', ')})`);
  return name;
}

/** --json is --format json; the flags beat the config file's `format`; text by default. */
function formatOf(v: { json?: boolean; format?: string }, file: FileConfig, fileWhat: (k: string) => string): string {
  const flag = v.format !== undefined ? checkFormat(v.format, '--format') : undefined;
  if (v.json && flag !== undefined && flag !== 'json') throw new UsageError(`--json is --format json: it contradicts --format ${flag}`);
  if (v.json) return 'json';
  return flag ?? (file.format !== undefined ? checkFormat(file.format, fileWhat('format')) : 'text');
}

function checkPrefix(p: string, what: string): string {
  if (!p.trim()) throw new UsageError(`${what}: a prefix cannot be empty (it would match every session)`);
  return p;
}

const OPTIONS = {
  snapshot: { type: 'boolean' },
  reap: { type: 'boolean' },
  shutdown: { type: 'boolean' },
  'dry-run': { type: 'boolean', short: 'n' },
  grace: { type: 'string' },
  'audit-log': { type: 'string' },
  demo: { type: 'boolean' },
  json: { type: 'boolean' },
  format: { type: 'string' },
  'socket-name': { type: 'string', short: 'L' },
  'socket-path': { type: 'string', short: 'S' },
  prefix: { type: 'string', multiple: true },
  workspace: { type: 'string', multiple: true },
  'orchestrator-pid': { type: 'string' },
  pidfile: { type: 'string' },
  'orchestrator-match': { type: 'string' },
  interval: { type: 'string' },
  sample: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** Keys a config file may hold, and what each must be. */
const FILE_KEYS: Record<string, 'string' | 'string[]' | 'number|string'> = {
  socketName: 'string',
  socketPath: 'string',
  prefixes: 'string[]',
  workspaces: 'string[]',
  orchestratorPid: 'number|string',
  pidfile: 'string',
  orchestratorMatch: 'string',
  interval: 'number|string',
  sample: 'number|string',
  grace: 'number|string',
  auditLog: 'string',
  format: 'string',
};

export type ParsedArgs = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: Config };

/** orch-top's state directory: $XDG_STATE_HOME/orch-top, default ~/.local/state/orch-top (audit log, pane memory). */
export function stateDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'orch-top');
}

function defaultConfigPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(base, 'orch-top', 'config.json');
}

interface FileConfig {
  socketName?: string;
  socketPath?: string;
  prefixes?: string[];
  workspaces?: string[];
  orchestratorPid?: number | string;
  pidfile?: string;
  orchestratorMatch?: string;
  interval?: number | string;
  sample?: number | string;
  grace?: number | string;
  auditLog?: string;
  format?: string;
}

function readConfigFile(path: string): FileConfig {
  // A regular file of at most 1 MiB: a FIFO or /dev/zero named as the config is one line, never a hang.
  const read = readRegularFile(path, CONFIG_MAX_BYTES);
  if ('missing' in read) throw new UsageError(`config ${path}: not found`);
  if ('error' in read) throw new UsageError(`config ${path}: ${read.error}`);
  const text = read.text;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`config ${path}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new UsageError(`config ${path}: must be a JSON object`);
  for (const [k, v] of Object.entries(data)) {
    // Own keys only: 'constructor' or 'toString' are not settings.
    const want = Object.hasOwn(FILE_KEYS, k) ? FILE_KEYS[k] : undefined;
    if (!want) throw new UsageError(`config ${path}: unknown key '${k}' (known: ${Object.keys(FILE_KEYS).join(', ')})`);
    const ok =
      want === 'string'
        ? typeof v === 'string'
        : want === 'string[]'
          ? Array.isArray(v) && v.every((x) => typeof x === 'string')
          : typeof v === 'number' || typeof v === 'string';
    if (!ok)
      throw new UsageError(
        `config ${path}: '${k}' must be ${want === 'string[]' ? 'a list of strings' : want === 'string' ? 'a string' : 'a number or a string'}`,
      );
  }
  checkFileValues(data as FileConfig, (k) => `config ${path}: ${k}`);
  return data as FileConfig;
}

/** The file's values as strictly as the flags': every bad one names its key (rule 10). */
function checkFileValues(file: FileConfig, what: (k: string) => string): void {
  if (file.socketName !== undefined && file.socketPath !== undefined)
    throw new UsageError(`${what('socketName')} and socketPath name two different tmux servers: give one`);
  if (file.socketName !== undefined) checkSocketName(file.socketName, what('socketName'));
  if (file.orchestratorPid !== undefined && file.pidfile !== undefined)
    throw new UsageError(`${what('orchestratorPid')} and pidfile both name the orchestrator: give one`);
  for (const k of ['socketPath', 'pidfile', 'auditLog'] as const) if (file[k] !== undefined) checkPath(file[k], what(k));
  for (const w of file.workspaces ?? []) checkPath(w, what('workspaces'));
  if (file.prefixes !== undefined && file.prefixes.length === 0)
    throw new UsageError(`${what('prefixes')}: the list is empty (leave the key out for the default)`);
  for (const p of file.prefixes ?? []) checkPrefix(p, what('prefixes'));
  if (typeof file.orchestratorPid === 'number' || typeof file.orchestratorPid === 'string') parsePid(String(file.orchestratorPid), what('orchestratorPid'));
}

function checkSocketName(name: string, what: string): string {
  if (name === '') throw new UsageError(`${what}: the name is empty`);
  if (name.includes('/')) throw new UsageError(`${what}: '${name}' is a path; a socket path goes in -S/socketPath`);
  return name;
}

function checkPath(p: string, what: string): string {
  if (p.trim() === '') throw new UsageError(`${what}: the path is empty`);
  return p;
}

/**
 * parseArgs takes `--grace -1` for a missing value followed by an option `-1`: a value that looks
 * like a negative number is glued to its option (`--grace=-1`), so it is judged as a value and
 * called bad, not missing.
 */
function glueNegativeValues(argv: string[]): string[] {
  const takesValue = new Map<string, string>();
  for (const [name, o] of Object.entries(OPTIONS)) {
    if (o.type !== 'string') continue;
    takesValue.set(`--${name}`, name);
    if ('short' in o) takesValue.set(`-${o.short}`, name);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = takesValue.get(argv[i]!);
    const next = argv[i + 1];
    if (name !== undefined && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(argv[i]!);
    if (argv[i] === '--') {
      out.push(...argv.slice(i + 1));
      break;
    }
  }
  return out;
}

/**
 * argv (without node and the script) → what to do. Flags beat the config file; the config file beats
 * the defaults. Throws UsageError for anything wrong, before anything is touched.
 */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: glueNegativeValues(argv), options: OPTIONS, strict: true, allowPositionals: false });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const msg = err.message.split('\n')[0]!;
    const opt = /'(-{1,2}[^' ]+)/.exec(msg)?.[1];
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${opt ?? msg} (see orch-top --help)`);
    if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
      throw new UsageError(`unexpected argument ${/'([^']*)'/.exec(msg)?.[1] ?? ''} (see orch-top --help)`);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${opt ?? 'option'}: ${/argument missing/.test(msg) ? 'needs a value' : msg}`);
    throw new UsageError(msg);
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help' };
  if (v.version) return { kind: 'version' };
  for (const k of ['pidfile', 'config'] as const) if (v[k] !== undefined) checkPath(v[k], `--${k}`);

  const explicitConfig = v.config !== undefined;
  const configPath = explicitConfig ? resolve(cwd, v.config!) : defaultConfigPath(env);
  const file: FileConfig = explicitConfig || existsSync(configPath) ? readConfigFile(configPath) : {};
  const fileWhat = (k: string) => `config ${configPath}: ${k}`;

  if (v['socket-name'] !== undefined && v['socket-path'] !== undefined)
    throw new UsageError('-L/--socket-name and -S/--socket-path name two different tmux servers: give one');
  if (v['socket-name'] === '') throw new UsageError('-L/--socket-name: the name is empty');
  if (v['socket-path'] === '') throw new UsageError('-S/--socket-path: the path is empty');
  if (v['socket-name']?.includes('/')) throw new UsageError(`-L/--socket-name: '${v['socket-name']}' is a path; use -S for a socket path`);
  let server: TmuxServer = {};
  if (v['socket-name']) server = { socketName: v['socket-name'] };
  else if (v['socket-path']) server = { socketPath: resolve(cwd, v['socket-path']) };
  else if (file.socketPath) server = { socketPath: resolve(cwd, file.socketPath) };
  else if (file.socketName) server = { socketName: file.socketName };

  const prefixes = v.prefix
    ? v.prefix.map((p) => checkPrefix(p, '--prefix'))
    : file.prefixes
      ? file.prefixes.map((p) => checkPrefix(p, fileWhat('prefixes')))
      : [...DEFAULTS.prefixes];

  const workspaces = v.workspace ? v.workspace.map((w) => resolve(cwd, checkPath(w, '--workspace'))) : (file.workspaces ?? []).map((w) => resolve(cwd, w));

  if (v['orchestrator-pid'] !== undefined && v.pidfile !== undefined)
    throw new UsageError('--orchestrator-pid and --pidfile both name the orchestrator: give one');
  const orchestratorPid =
    v['orchestrator-pid'] !== undefined
      ? parsePid(v['orchestrator-pid'], '--orchestrator-pid')
      : v.pidfile === undefined && file.orchestratorPid !== undefined
        ? parsePid(String(file.orchestratorPid), fileWhat('orchestratorPid'))
        : null;
  const pidfile = v.pidfile !== undefined ? resolve(cwd, v.pidfile) : orchestratorPid === null && file.pidfile ? resolve(cwd, file.pidfile) : null;
  const orchestratorMatch =
    v['orchestrator-match'] !== undefined
      ? parseRegex(v['orchestrator-match'], '--orchestrator-match')
      : parseRegex(file.orchestratorMatch ?? DEFAULTS.orchestratorMatch, fileWhat('orchestratorMatch'));

  const intervalMs =
    v.interval !== undefined
      ? checkInterval(parseDuration(v.interval, '--interval'), '--interval')
      : file.interval !== undefined
        ? checkInterval(parseDuration(String(file.interval), fileWhat('interval')), fileWhat('interval'))
        : DEFAULTS.intervalMs;
  const sampleText = v.sample ?? (file.sample !== undefined ? String(file.sample) : undefined);
  const sampleMs = sampleText !== undefined ? parseDuration(sampleText, v.sample !== undefined ? '--sample' : fileWhat('sample')) : 0;
  if (sampleMs > 600_000) throw new UsageError(`${v.sample !== undefined ? '--sample' : fileWhat('sample')}: at most 10m`);

  const modes = (['snapshot', 'reap', 'shutdown'] as const).filter((m) => v[m]);
  if (modes.length > 1) throw new UsageError(`--${modes[0]} and --${modes[1]} are two modes: give one`);
  const mode: Mode = modes[0] ?? 'console';
  if (v.json && mode === 'console') throw new UsageError('--json goes with --snapshot, --reap or --shutdown');
  if (v.format !== undefined && mode === 'console') throw new UsageError('--format goes with --snapshot, --reap or --shutdown');
  const format = formatOf(v, file, fileWhat);
  if (v.sample !== undefined && mode === 'console') throw new UsageError('--sample goes with --snapshot, --reap or --shutdown');
  if (v['dry-run'] && mode !== 'reap' && mode !== 'shutdown') throw new UsageError('--dry-run goes with --reap or --shutdown');
  const graceMs =
    v.grace !== undefined
      ? checkGrace(parseDuration(v.grace, '--grace'), '--grace')
      : file.grace !== undefined
        ? checkGrace(parseDuration(String(file.grace), fileWhat('grace')), fileWhat('grace'))
        : DEFAULTS.graceMs;
  if (v['audit-log'] === '') throw new UsageError('--audit-log: the path is empty');
  const auditLog = v['audit-log'] !== undefined ? resolve(cwd, v['audit-log']) : file.auditLog ? resolve(cwd, file.auditLog) : null;

  return {
    kind: 'run',
    config: {
      mode,
      demo: !!v.demo,
      format,
      json: format === 'json',
      server,
      prefixes,
      workspaces,
      orchestratorPid,
      pidfile,
      orchestratorMatch,
      intervalMs,
      sampleMs,
      sampleGiven: sampleText !== undefined,
      historySize: DEFAULTS.historySize,
      configFile: explicitConfig || existsSync(configPath) ? configPath : null,
      dryRun: !!v['dry-run'],
      graceMs,
      auditLog,
    },
  };
}

export const HELP = `orch-top — top for an AI-agent orchestrator: its tmux sessions, agent processes, zombies and
file descriptors, and what it leaves behind.

Usage:
  orch-top [options]                 the live console (needs a terminal)
  orch-top --snapshot [--json]       one look: a table (or JSON) and an exit code
  orch-top --reap [--dry-run]        remove what the orchestrator left behind (for cron and timers)
  orch-top --shutdown [--dry-run]    stop the orchestrator gracefully, then everything of its agents
  orch-top --demo [--snapshot]       a sandboxed orchestrator with misbehaving agents, and orch-top on it

Modes:
      --snapshot                 print one snapshot and exit: 0 nothing found, 1 findings, 2 usage/environment error,
                                 3 an incomplete look (a --workspace, registry or --pidfile it could not see)
      --format text|json         how --snapshot, --reap and --shutdown write: tables (text, the default) or the
                                 versioned JSON document (--reap/--shutdown add plan and results)
      --json                     the same as --format json
      --sample DURATION          with --snapshot: watch this long first (CPU %, descriptor trends); default one tick
      --reap                     kill orphan sessions (their processes first), leaked processes, and get in-scope
                                 zombies reaped; then look again: 0 nothing left, 1 something remains
      --shutdown                 SIGTERM the orchestrator's tree, SIGKILL it after the grace period, then clean
                                 its agent sessions as --reap does; writes shutdown_state.json in its workspace
  -n, --dry-run                  with --reap/--shutdown: print the plan, touch nothing
      --grace DURATION           one grace period shared by every target between SIGTERM and SIGKILL (default 5s)
      --audit-log PATH           where every act is recorded (default $XDG_STATE_HOME/orch-top/audit.jsonl)
      --demo                     start the demo sandbox (private tmux socket, temporary workspace) and watch it;
                                 everything it started is torn down on exit

What to watch:
  -L, --socket-name NAME         only the tmux server on socket NAME (as tmux -L); default: every server in the
                                 user's tmux directory ($TMUX_TMPDIR or /tmp, tmux-UID/) that answers
  -S, --socket-path PATH         the tmux server on socket PATH (as tmux -S)
      --prefix PREFIX            session-name prefix of agent sessions (repeatable; default claude-agent-)
      --workspace DIR            orchestrator workspace holding registry/ (repeatable). Default: every active
                                 workspace in ~/.claude-orchestrator/global_registry.sqlite3 (the orchestrator's
                                 index of projects), plus $CLAUDE_ORCHESTRATOR_WORKSPACE,
                                 ~/.claude-orchestrator/workspaces and ./.agent-workspace when they exist
      --orchestrator-pid PID     the orchestrator's pid
      --pidfile PATH             a file holding the orchestrator's pid
      --orchestrator-match RE    regex on command lines that finds the orchestrator (default real_mcp_server\\.py)
      --interval DURATION        time between polls (default 1s; 100ms to 1h)
      --config FILE              JSON config (default $XDG_CONFIG_HOME/orch-top/config.json when present);
                                 keys: socketName socketPath prefixes workspaces orchestratorPid pidfile
                                 orchestratorMatch interval sample grace auditLog format. Flags beat the file.
  -h, --help                     this text
  -V, --version                  the version

Durations: 500ms, 2s, 1.5m, 1h, or a number of seconds.
`;
