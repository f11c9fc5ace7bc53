// Turns argv and the optional config file into one validated Config, or a UsageError (exit 2) that
// names the problem in one line. Reads the config file; touches nothing else.

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RE2JS } from 're2js';
import type { CommandMatcher } from './model/orchestrators.js';
import type { ManagerName, TmuxServer } from './model/types.js';
import { MiB, readRegularFile } from './collectors/regular-file.js';
import { FORMAT_NAMES } from './render/formats/index.js';
import { UsageError } from './model/usage-error.js';
import { type AgentLimitName, type Limits, NO_LIMITS, parseLimit, parseLimits } from './model/limits-parse.js';

export { UsageError } from './model/usage-error.js';

export type Mode = 'console' | 'snapshot' | 'reap' | 'shutdown' | 'metrics' | 'mcp' | 'serve' | 'report';

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
  /** --mcp-allow-cleanup: the MCP server's cleanup tool may run plans (else it is read-only). */
  mcpAllowCleanup: boolean;
  /** --serve --listen: where /metrics and /healthz are served; null: not served. */
  listen: { host: string; port: number } | null;
  /** --serve --reap-every: the period of the scheduled reap; null: off. */
  reapEveryMs: number | null;
  /** --serve's log lines: text (one line, an ISO time first) or json (one object a line). */
  logFormat: 'text' | 'json';
  /** --report --since: how far back the report looks. */
  sinceMs: number;
  /** The history database (--serve records it): rows older than this go. */
  historyRetentionMs: number;
  /** The history database's size cap: the oldest rows go when it is over. */
  historyMaxBytes: number;
  /** Resource limits (the config file's `limits`, the --max-* flags over its top level). */
  limits: Limits;
  /** --enforce-limits: a reap also ends agent sessions over a hard limit. */
  enforceLimits: boolean;
  /** --source: the agent managers to read (empty: every one whose state is found). */
  sources: ManagerName[];
  /** How old a session its manager's state does not know must be to be an orphan (--source-grace). */
  sourceGraceMs: number;
}

/** What --source takes, in SOURCES order (collectors/sources/index.ts MANAGER_NAMES; not imported
 *  here so that parsing flags loads no reader). */
export const MANAGERS: readonly ManagerName[] = ['orchestrator', 'claude-squad', 'agent-deck', 'gastown', 'agent-of-empires'];

const DEFAULTS = {
  prefixes: ['claude-agent-'],
  orchestratorMatch: 'real_mcp_server\\.py',
  intervalMs: 1_000,
  historySize: 60,
  graceMs: 5_000,
  /** --serve polls less often than the console: nobody is watching a screen. */
  serveIntervalMs: 5_000,
  sinceMs: 24 * 3_600_000,
  historyRetentionMs: 7 * 24 * 3_600_000,
  historyMaxBytes: 64 * 1024 * 1024,
  sourceGraceMs: 10_000,
};

function checkSource(name: string, what: string): ManagerName {
  if (!(MANAGERS as readonly string[]).includes(name)) throw new UsageError(`${what}: '${name}' is not a source (${MANAGERS.join(', ')})`);
  return name as ManagerName;
}

const MAX_GRACE_MS = 600_000;
const CONFIG_MAX_BYTES = 1 * MiB;

const MIN_INTERVAL_MS = 100;
const MAX_INTERVAL_MS = 3_600_000;

/** "500ms", "2s", "1.5s", "3m", "1h", "7d", or a bare number of seconds. */
export function parseDuration(text: string, what: string): number {
  if (/^\s*-/.test(text)) throw new UsageError(`${what}: '${text}' is negative; a duration is 0 or more (e.g. 500ms, 2s, 1m)`);
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new UsageError(`${what}: '${text}' is not a duration (use e.g. 500ms, 2s, 1m)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const ms = unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : unit === 'h' ? n * 3_600_000 : n * 86_400_000;
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
  metrics: { type: 'boolean' },
  mcp: { type: 'boolean' },
  'mcp-allow-cleanup': { type: 'boolean' },
  serve: { type: 'boolean' },
  report: { type: 'boolean' },
  listen: { type: 'string' },
  'reap-every': { type: 'string' },
  'log-format': { type: 'string' },
  since: { type: 'string' },
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
  source: { type: 'string', multiple: true },
  'source-grace': { type: 'string' },
  'orchestrator-pid': { type: 'string' },
  pidfile: { type: 'string' },
  'orchestrator-match': { type: 'string' },
  interval: { type: 'string' },
  sample: { type: 'string' },
  config: { type: 'string' },
  'enforce-limits': { type: 'boolean' },
  'max-rss': { type: 'string' },
  'max-cpu': { type: 'string' },
  'max-processes': { type: 'string' },
  'max-fds': { type: 'string' },
  'max-age': { type: 'string' },
  'max-idle': { type: 'string' },
  'max-agents': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** Keys a config file may hold, and what each must be. */
const FILE_KEYS: Record<string, 'string' | 'string[]' | 'number|string' | 'limits'> = {
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
  listen: 'number|string',
  reapEvery: 'number|string',
  logFormat: 'string',
  historyRetention: 'number|string',
  historyMaxBytes: 'number|string',
  limits: 'limits',
  sources: 'string[]',
  sourceGrace: 'number|string',
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
  listen?: number | string;
  reapEvery?: number | string;
  logFormat?: string;
  historyRetention?: number | string;
  historyMaxBytes?: number | string;
  limits?: unknown;
  sources?: string[];
  sourceGrace?: number | string;
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
    if (want === 'limits') continue; // parseLimits judges it whole, naming the key
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
  const file = data as FileConfig;
  if (file.limits !== undefined) file.limits = parseLimits(file.limits, `config ${path}: limits`);
  return file;
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
  if (file.sources !== undefined && file.sources.length === 0)
    throw new UsageError(`${what('sources')}: the list is empty (leave the key out for every source)`);
  for (const n of file.sources ?? []) checkSource(n, what('sources'));
  if (file.sourceGrace !== undefined) checkGrace(parseDuration(String(file.sourceGrace), what('sourceGrace')), what('sourceGrace'));
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

  const modes = (['snapshot', 'reap', 'shutdown', 'metrics', 'mcp', 'serve', 'report'] as const).filter((m) => v[m]);
  if (modes.length > 1) throw new UsageError(`--${modes[0]} and --${modes[1]} are two modes: give one`);
  const mode: Mode = modes[0] ?? 'console';
  const service = serviceOf(v, file, fileWhat, mode);
  if (v.json && mode === 'serve') throw new UsageError('--json goes with --snapshot, --reap, --shutdown or --report; --serve logs with --log-format json');
  // The console draws and the MCP server answers in its protocol: neither writes a format.
  const noFormat = mode === 'console' || mode === 'mcp';
  if (v.json && noFormat) throw new UsageError('--json goes with --snapshot, --reap or --shutdown');
  if (v.format !== undefined && noFormat) throw new UsageError('--format goes with --snapshot, --reap or --shutdown');
  if ((v.json || v.format !== undefined) && mode === 'metrics')
    throw new UsageError('--metrics writes the Prometheus text format: it takes no --json or --format');
  const format = formatOf(v, file, fileWhat);
  if (v.sample !== undefined && noFormat) throw new UsageError('--sample goes with --snapshot, --reap or --shutdown');
  if (v['mcp-allow-cleanup'] && mode !== 'mcp') throw new UsageError('--mcp-allow-cleanup goes with --mcp');
  if (v['dry-run'] && mode !== 'reap' && mode !== 'shutdown') throw new UsageError('--dry-run goes with --reap or --shutdown');
  const graceMs =
    v.grace !== undefined
      ? checkGrace(parseDuration(v.grace, '--grace'), '--grace')
      : file.grace !== undefined
        ? checkGrace(parseDuration(String(file.grace), fileWhat('grace')), fileWhat('grace'))
        : DEFAULTS.graceMs;
  if (v['audit-log'] === '') throw new UsageError('--audit-log: the path is empty');
  const auditLog = v['audit-log'] !== undefined ? resolve(cwd, v['audit-log']) : file.auditLog ? resolve(cwd, file.auditLog) : null;

  const limits = limitsOf(v, file);
  if (v['enforce-limits'] && mode !== 'reap' && mode !== 'serve') throw new UsageError('--enforce-limits goes with --reap (or --serve --reap-every)');
  const sources = [
    ...new Set(v.source ? v.source.map((n) => checkSource(n, '--source')) : (file.sources ?? []).map((n) => checkSource(n, fileWhat('sources')))),
  ];
  const sourceGraceMs =
    v['source-grace'] !== undefined
      ? checkGrace(parseDuration(v['source-grace'], '--source-grace'), '--source-grace')
      : file.sourceGrace !== undefined
        ? parseDuration(String(file.sourceGrace), fileWhat('sourceGrace'))
        : DEFAULTS.sourceGraceMs;

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
      intervalMs: mode === 'serve' && v.interval === undefined && file.interval === undefined ? DEFAULTS.serveIntervalMs : intervalMs,
      sampleMs,
      sampleGiven: sampleText !== undefined,
      historySize: DEFAULTS.historySize,
      configFile: explicitConfig || existsSync(configPath) ? configPath : null,
      dryRun: !!v['dry-run'],
      graceMs,
      auditLog,
      mcpAllowCleanup: !!v['mcp-allow-cleanup'],
      ...service,
      limits,
      enforceLimits: !!v['enforce-limits'],
      sources,
      sourceGraceMs,
    },
  };
}

type ServiceConfig = Pick<Config, 'listen' | 'reapEveryMs' | 'logFormat' | 'sinceMs' | 'historyRetentionMs' | 'historyMaxBytes'>;
type ServiceFlags = { listen?: string; 'reap-every'?: string; 'log-format'?: string; since?: string };

/** --serve's and --report's settings (flags beat the file); each goes only with its mode. */
function serviceOf(v: ServiceFlags, file: FileConfig, fileWhat: (k: string) => string, mode: Mode): ServiceConfig {
  for (const [flag, m] of [
    ['listen', 'serve'],
    ['reap-every', 'serve'],
    ['log-format', 'serve'],
    ['since', 'report'],
  ] as const)
    if (v[flag] !== undefined && mode !== m) throw new UsageError(`--${flag} goes with --${m}`);
  const pick = (flag: keyof ServiceFlags, key: keyof FileConfig): { text: string; what: string } | null =>
    v[flag] !== undefined ? { text: v[flag]!, what: `--${flag}` } : file[key] !== undefined ? { text: String(file[key]), what: fileWhat(key) } : null;
  const listen = pick('listen', 'listen');
  const reapEvery = pick('reap-every', 'reapEvery');
  const logFormat = pick('log-format', 'logFormat');
  if (logFormat && logFormat.text !== 'text' && logFormat.text !== 'json') throw new UsageError(`${logFormat.what}: '${logFormat.text}' is not text or json`);
  const since = v.since !== undefined ? parseDuration(v.since, '--since') : DEFAULTS.sinceMs;
  if (since <= 0) throw new UsageError('--since: must be more than 0 (e.g. 24h, 7d)');
  const retention =
    file.historyRetention !== undefined ? parseDuration(String(file.historyRetention), fileWhat('historyRetention')) : DEFAULTS.historyRetentionMs;
  if (retention < 60_000) throw new UsageError(`${fileWhat('historyRetention')}: at least 1m`);
  return {
    listen: listen ? parseListen(listen.text, listen.what) : null,
    reapEveryMs: reapEvery ? checkReapEvery(parseDuration(reapEvery.text, reapEvery.what), reapEvery.what) : null,
    logFormat: logFormat ? (logFormat.text as 'text' | 'json') : 'text',
    sinceMs: since,
    historyRetentionMs: retention,
    historyMaxBytes: file.historyMaxBytes !== undefined ? parseBytes(String(file.historyMaxBytes), fileWhat('historyMaxBytes')) : DEFAULTS.historyMaxBytes,
  };
}

function checkReapEvery(ms: number, what: string): number {
  if (ms < 1_000 || ms > 7 * 86_400_000) throw new UsageError(`${what}: must be between 1s and 7d`);
  return ms;
}

/** "9464" (loopback), "HOST:PORT", "[::1]:PORT": a non-loopback host only when written out. */
export function parseListen(text: string, what: string): { host: string; port: number } {
  const m = /^(?:(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):)?(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65_535) throw new UsageError(`${what}: '${text}' is not [HOST:]PORT (e.g. 9464 or 127.0.0.1:9464)`);
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port };
}

/** "64MB", "512KB", "1GB", "64MiB", or a bare number of bytes. */
export function parseBytes(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?\s*$/i.exec(text);
  if (!m) throw new UsageError(`${what}: '${text}' is not a size (e.g. 64MB)`);
  const unit = (m[2] ?? 'B').toLowerCase();
  const mult = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1;
  const bytes = Math.round(Number(m[1]) * mult);
  if (bytes < 1024 * 1024) throw new UsageError(`${what}: at least 1MB`);
  return bytes;
}

const LIMIT_FLAGS: [flag: string, key: AgentLimitName][] = [
  ['max-rss', 'maxRss'],
  ['max-cpu', 'maxCpu'],
  ['max-processes', 'maxProcesses'],
  ['max-fds', 'maxFds'],
  ['max-age', 'maxAge'],
  ['max-idle', 'maxIdle'],
];

/** The file's limits with the --max-* flags over its top level (a limit given by flag is hard: it is this run's explicit ask). */
function limitsOf(v: Record<string, unknown>, file: FileConfig): Limits {
  const out: Limits = { ...((file.limits as Limits | undefined) ?? NO_LIMITS) };
  for (const [flag, key] of LIMIT_FLAGS) {
    const text = v[flag];
    if (typeof text === 'string') Object.assign(out, { [key]: parseLimit(key, text, `--${flag}`, true) });
  }
  const agents = v['max-agents'];
  if (typeof agents === 'string') {
    if (!/^\s*\d+\s*$/.test(agents)) throw new UsageError(`--max-agents: '${agents}' is not a whole number of 0 or more`);
    out.maxAgents = Number(agents);
  }
  return out;
}

export const HELP = `orch-top — top for an AI-agent orchestrator: its tmux sessions, agent processes, zombies and
file descriptors, and what it leaves behind.

Usage:
  orch-top [options]                 the live console (needs a terminal)
  orch-top --snapshot [--json]       one look: a table (or JSON) and an exit code
  orch-top --reap [--dry-run]        remove what the orchestrator left behind (for cron and timers)
  orch-top --shutdown [--dry-run]    stop the orchestrator gracefully, then everything of its agents
  orch-top --metrics                 one look as Prometheus metrics (for node_exporter's textfile collector)
  orch-top --demo [--snapshot]       a sandboxed orchestrator with misbehaving agents, and orch-top on it
  orch-top --mcp                     an MCP server on stdio: resource_usage, findings, plan_cleanup, cleanup, can_spawn
  orch-top --serve [--listen PORT]   headless, for systemd: remember every pane, record the history, reap on a schedule
  orch-top --report [--since 24h]    the seed's success metrics from the history, each with its verdict

Modes:
      --snapshot                 print one snapshot and exit: 0 nothing found, 1 findings, 2 usage/environment error,
                                 3 an incomplete look (a --workspace, registry or --pidfile it could not see)
      --format text|json         how --snapshot, --reap and --shutdown write: tables (text, the default) or the
                                 versioned JSON document (--reap/--shutdown add plan and results)
      --json                     the same as --format json
      --metrics                  print one look in the Prometheus text format and exit: 0, or 2 on a
                                 usage/environment error (nothing on stdout then)
      --sample DURATION          with --snapshot or --metrics: watch this long first (CPU %, descriptor trends); default one tick
      --reap                     kill orphan sessions (their processes first), leaked processes, and get in-scope
                                 zombies reaped; then look again: 0 nothing left, 1 something remains
      --shutdown                 SIGTERM the orchestrator's tree, SIGKILL it after the grace period, then clean
                                 its agent sessions as --reap does; writes shutdown_state.json in its workspace
  -n, --dry-run                  with --reap/--shutdown: print the plan, touch nothing
      --grace DURATION           one grace period shared by every target between SIGTERM and SIGKILL (default 5s)
      --audit-log PATH           where every act is recorded (default $XDG_STATE_HOME/orch-top/audit.jsonl)
      --mcp                      serve MCP on stdin/stdout (for an orchestrator or any MCP client); read-only
      --mcp-allow-cleanup        with --mcp: let the cleanup tool run a plan from plan_cleanup (audit-logged)
      --serve                    run headless (default --interval 5s): keep the pane memory, record the history
                                 ($XDG_STATE_HOME/orch-top/history.sqlite3), log one line per event on stdout;
                                 SIGTERM/SIGINT stop it (exit 0), SIGHUP re-reads the config; one per state directory
      --listen [HOST:]PORT       with --serve: serve /metrics and /healthz (default host 127.0.0.1)
      --reap-every DURATION      with --serve: run --reap on this schedule (off by default)
      --log-format text|json     with --serve: text lines (an ISO time first) or one JSON object a line
      --report                   the success metrics over --since (default 24h) from the history: 0 every one
                                 holds, 1 one fails, 2 no history; --json for the document
      --since DURATION           with --report: how far back (e.g. 1h, 24h, 7d)
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
      --source NAME              read only this agent manager (repeatable): orchestrator, claude-squad,
                                 agent-deck, gastown, agent-of-empires. Default: every one whose state is found
      --source-grace DURATION    a manager's session its state does not know is an orphan only once this old
                                 (claude-squad saves its state after a start; default 10s)
      --orchestrator-pid PID     the orchestrator's pid
      --pidfile PATH             a file holding the orchestrator's pid
      --orchestrator-match RE    regex on command lines that finds the orchestrator (default real_mcp_server\\.py)
      --interval DURATION        time between polls (default 1s; 100ms to 1h)
      --config FILE              JSON config (default $XDG_CONFIG_HOME/orch-top/config.json when present);
                                 keys: socketName socketPath prefixes workspaces orchestratorPid pidfile
                                 orchestratorMatch interval sample grace auditLog format listen reapEvery
                                 logFormat historyRetention (default 7d) historyMaxBytes (default 64MB) limits sources
                                 sourceGrace.
                                 Flags beat the file.
Limits (per agent session; the config file's "limits" key has them per project and agent type, soft or hard):
      --max-rss SIZE             resident memory of an agent's processes together (e.g. 2GB, 512MiB)
      --max-cpu PCT%/DURATION    CPU of an agent's processes, percent of one core, sustained (e.g. 150%/2m)
      --max-processes N          processes in an agent session
      --max-fds N                open descriptors of an agent's processes together
      --max-age DURATION         time since the agent session was created (e.g. 8h, 1d)
      --max-idle DURATION        no CPU in any of the agent's processes for this long (e.g. 30m)
      --max-agents N             agent sessions per project (the guard before spawning; never enforced by a kill)
      --enforce-limits           with --reap (or --serve --reap-every): also end agent sessions over a hard limit
  -h, --help                     this text
  -V, --version                  the version

Durations: 500ms, 2s, 1.5m, 1h, 7d, or a number of seconds.
`;
