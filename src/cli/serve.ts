// `--serve`: headless, for systemd or any supervisor. Polls through the same engine, store and
// poller as the console; keeps the pane memory current (saved atomically every tick), records the
// history (history/db.ts, one transaction per tick), reaps on a schedule (`--reap-every`: the same
// plan, cleanup run and audit log as --reap; never two at once), serves /metrics and /healthz
// (`--listen`), and logs one line per event on stdout. SIGTERM/SIGINT cancel a running reap, flush
// and exit 0; SIGHUP re-reads the config (a bad one keeps the old and says why). One per state
// directory (history/lock.ts).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { defaultAuditPath } from '../actions/audit.js';
import { runCleanupPlan } from '../actions/cleanup-run.js';
import { hasProcfs } from '../collectors/procfs.js';
import { parseCli, stateDir, UsageError, type Config } from '../config.js';
import { Engine } from '../engine.js';
import { tailAudit } from '../history/audit-tail.js';
import { HistoryDb, historyPath } from '../history/db.js';
import { acquireLock, lockPath } from '../history/lock.js';
import { resultLine, type Outcome } from '../model/outcome.js';
import { makePlan } from '../model/plan.js';
import type { Snapshot } from '../model/types.js';
import { renderMetrics } from '../render/formats/prometheus.js';
import { inert } from '../render/inert.js';
import { startPoller, type Poller } from '../store/poller.js';
import type { EventLevel } from '../store/store.js';
import { watchSnapshots } from '../store/watch.js';
import { EXIT, makeStore, type RunCtx } from './looker.js';

/** Prune the history this often (and at start). */
const PRUNE_EVERY_MS = 10 * 60_000;
const OUTCOMES: Outcome[] = ['exited', 'killed', 'gone', 'skipped-reused', 'denied', 'failed'];

/** Characters a JSON line may carry raw that a terminal would act on (C1, bidi, line separators). */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export type Logger = (level: EventLevel, text: string, fields?: Record<string, unknown>) => void;

/** One line per event: `ISO-time level text` (inert), or one JSON object (exact, terminal-safe). */
export function makeLogger(out: RunCtx['out'], format: () => 'text' | 'json'): Logger {
  return (level, text, fields = {}) => {
    const time = new Date().toISOString();
    if (format() === 'json') {
      const line = JSON.stringify({ time, level, msg: text, ...fields }).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      out.write(`${line}\n`);
    } else out.write(`${time} ${level} ${inert(text)}\n`);
  };
}

interface Service {
  config: Config;
  engine: Engine;
  poller: Poller | null;
  history: HistoryDb | null;
  acts: Record<Outcome, number>;
  reap: { running: Promise<void> | null; abort: AbortController | null; timer: NodeJS.Timeout | null };
  stopping: boolean;
  /** The last tick, as /metrics and /healthz see it. */
  last: { snapshot: Snapshot; at: number; ms: number | null } | null;
}

export async function runServe(config: Config, ctx: RunCtx, argv: string[] = []): Promise<number> {
  const say = (line: string) => ctx.err.write(`orch-top: ${inert(line)}\n`);
  if (!hasProcfs()) {
    say('--serve needs /proc (Linux): its lock and its reaps check each process by its start time');
    return EXIT.usage;
  }
  const lock = acquireLock(lockPath(ctx.env));
  if ('heldBy' in lock) {
    say(`--serve is already running for ${stateDir(ctx.env)} (pid ${lock.heldBy}); one per state directory`);
    return EXIT.usage;
  }
  if ('error' in lock) {
    say(lock.error);
    return EXIT.usage;
  }
  const { store, history: seed, save } = makeStore(config, ctx.env, 'read-write');
  const svc: Service = {
    config,
    engine: new Engine(config, { env: ctx.env, cwd: ctx.cwd, extraWorkspaces: ctx.extraWorkspaces, history: seed }),
    poller: null,
    history: null,
    acts: Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>,
    reap: { running: null, abort: null, timer: null },
    stopping: false,
    last: null,
  };
  const log = makeLogger(ctx.out, () => svc.config.logFormat);
  const http = config.listen ? await listen(config.listen, (req, res) => serveHttp(svc, req, res)) : null;
  if (http && 'error' in http) {
    lock.release();
    say(http.error);
    return EXIT.usage;
  }
  if (lock.tookOver) log('warn', `took the lock over from pid ${lock.tookOver}, which is gone`);
  svc.history = openHistory(config, ctx, log);
  log('info', `serving: every ${config.intervalMs / 1000} s, state ${stateDir(ctx.env)}${describeExtras(config, http)}`);
  // The store's events (what appeared, what went, slow ticks, failures) are the log.
  let printed = 0;
  store.subscribe((s) => {
    for (const e of s.events) if (e.seq > printed) log(e.level, e.text);
    printed = s.events.at(-1)?.seq ?? printed;
  });
  watchSnapshots(store);
  let lastPrune = 0;
  store.subscribe((s, prev) => {
    if (s.snapshot === prev.snapshot || !s.snapshot) return;
    svc.last = { snapshot: s.snapshot, at: s.tick.lastAt ?? Date.now(), ms: s.tick.durationMs };
    const problem = save(svc.engine.seen);
    if (problem) log('warn', problem);
    lastPrune = record(svc, ctx, s.snapshot, s.tick.durationMs, lastPrune, log);
  });
  svc.poller = startPoller(store, () => svc.engine.tick());
  scheduleReap(svc, ctx, store, log);
  return new Promise<number>((resolve) => {
    const stop = async (sig: NodeJS.Signals) => {
      if (svc.stopping) return;
      svc.stopping = true;
      log('info', `${sig}: stopping${svc.reap.running ? ' (cancelling the running reap)' : ''}`);
      if (svc.reap.timer) clearTimeout(svc.reap.timer);
      svc.reap.abort?.abort(sig);
      await svc.reap.running;
      await svc.poller?.stop();
      const problem = save(svc.engine.seen);
      if (problem) log('warn', problem);
      svc.history?.close();
      if (http && 'server' in http) await new Promise((r) => http.server.close(() => r(null)));
      lock.release();
      for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.removeAllListeners(s);
      log('info', 'stopped');
      resolve(EXIT.clean);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', () => reload(svc, ctx, argv, store, log));
  });
}

function describeExtras(config: Config, http: { server: Server; address: string } | null): string {
  const parts: string[] = [];
  if (http) parts.push(`; /metrics and /healthz on http://${http.address}`);
  if (config.reapEveryMs) parts.push(`; a reap every ${config.reapEveryMs / 1000} s`);
  return parts.join('');
}

function openHistory(config: Config, ctx: RunCtx, log: Logger): HistoryDb | null {
  const db = HistoryDb.open(historyPath(ctx.env), { retentionMs: config.historyRetentionMs, maxBytes: config.historyMaxBytes });
  if ('error' in db) {
    log('error', `${db.error}; serving without a history`);
    return null;
  }
  return db;
}

/** The tick into the history (and the audit log's new acts); prunes now and then. Returns when it last pruned. */
function record(svc: Service, ctx: RunCtx, snap: Snapshot, durationMs: number | null, lastPrune: number, log: Logger): number {
  const db = svc.history;
  if (!db) return lastPrune;
  try {
    db.recordTick(snap, durationMs);
    tailAudit(db, svc.config.auditLog ?? defaultAuditPath(ctx.env));
    if (Date.now() - lastPrune < PRUNE_EVERY_MS) return lastPrune;
    const { deleted } = db.prune();
    if (deleted)
      log('info', `history: pruned ${deleted} old rows (retention ${svc.config.historyRetentionMs / 3_600_000} h, cap ${svc.config.historyMaxBytes} bytes)`);
    return Date.now();
  } catch (e) {
    log('error', `history: ${(e as Error).message}`);
    return lastPrune;
  }
}

type StoreOf = ReturnType<typeof makeStore>['store'];

/** The next scheduled reap, one period from now; a reap still running when it is due is skipped and logged. */
function scheduleReap(svc: Service, ctx: RunCtx, store: StoreOf, log: Logger): void {
  if (svc.reap.timer) clearTimeout(svc.reap.timer);
  svc.reap.timer = null;
  const every = svc.config.reapEveryMs;
  if (!every || svc.stopping) return;
  svc.reap.timer = setTimeout(() => {
    if (svc.reap.running) log('warn', 'scheduled reap skipped: the previous one is still running');
    else
      svc.reap.running = scheduledReap(svc, ctx, store, log).finally(() => {
        svc.reap.running = null;
      });
    scheduleReap(svc, ctx, store, log);
  }, every);
}

/** One reap: a fresh look, the plan, and the one cleanup run (audit log, look after, pane memory). */
async function scheduledReap(svc: Service, ctx: RunCtx, store: StoreOf, log: Logger): Promise<void> {
  const look = async (): Promise<Snapshot> => {
    await svc.poller!.tickFresh();
    const s = store.getState();
    if (s.tick.error || !s.snapshot) throw new Error(`could not look: ${s.tick.error ?? 'no snapshot'}`);
    return s.snapshot;
  };
  try {
    const before = await look();
    const { config } = svc;
    const plan = makePlan(
      before,
      { kind: 'reap', ...(config.enforceLimits ? { enforceLimits: true } : {}) },
      { graceMs: config.graceMs, server: config.server, asRoot: process.getuid?.() === 0 },
    );
    if (plan.refused || plan.steps.length === 0) {
      if (plan.refused) log('warn', `scheduled reap refused: ${plan.refused}`);
      return;
    }
    svc.reap.abort = new AbortController();
    const result = await runCleanupPlan({
      plan,
      before,
      audit: { path: config.auditLog ?? defaultAuditPath(ctx.env), mode: 'serve' },
      env: ctx.env,
      requestedBy: `orch-top --serve (user ${ctx.env.USER ?? ctx.env.LOGNAME ?? '?'})`,
      look,
      onEvent: (e) => {
        if (e.event === 'started') log('info', `scheduled ${e.line}`);
        if (e.event === 'result') {
          svc.acts[e.result.outcome]++;
          log(e.result.outcome === 'failed' || e.result.outcome === 'denied' ? 'error' : 'info', resultLine(e.result), { outcome: e.result.outcome });
        }
      },
      abort: svc.reap.abort.signal,
    });
    log(result.clean ? 'info' : 'warn', `${result.summary} · ${result.message}`);
    if (result.auditError) log('error', result.auditError);
  } catch (e) {
    log('error', `scheduled reap not run: ${(e as Error).message}`);
  } finally {
    svc.reap.abort = null;
  }
}

/** SIGHUP: the config read again with the same flags; what to watch, the interval, grace, schedule and log format apply now. */
function reload(svc: Service, ctx: RunCtx, argv: string[], store: StoreOf, log: Logger): void {
  let next: Config;
  try {
    const parsed = parseCli(argv, ctx.env, ctx.cwd);
    if (parsed.kind !== 'run') return;
    next = parsed.config;
  } catch (e) {
    log('error', `SIGHUP: the config was not reloaded: ${e instanceof UsageError ? e.message : (e as Error).message}; keeping the old one`);
    return;
  }
  const old = svc.config;
  svc.config = next;
  svc.engine = new Engine(next, { env: ctx.env, cwd: ctx.cwd, extraWorkspaces: ctx.extraWorkspaces, history: svc.engine.seen });
  store.getState().setInterval(next.intervalMs);
  if (next.reapEveryMs !== old.reapEveryMs) scheduleReap(svc, ctx, store, log);
  const restart = JSON.stringify(next.listen) !== JSON.stringify(old.listen) ? '; a new --listen needs a restart' : '';
  log('info', `SIGHUP: config reloaded${next.configFile ? ` from ${next.configFile}` : ''} (every ${next.intervalMs / 1000} s)${restart}`);
}

/** Listens, or one line (a port in use, a bad address). */
async function listen(at: { host: string; port: number }, handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  return new Promise<{ server: Server; address: string } | { error: string }>((resolve) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'the port is in use' : e.code === 'EACCES' ? 'permission denied' : e.message;
      resolve({ error: `--listen ${at.host}:${at.port}: ${why}; nothing was started` });
    });
    server.listen(at.port, at.host, () => {
      const a = server.address();
      const port = typeof a === 'object' && a ? a.port : at.port;
      resolve({ server, address: `${at.host.includes(':') ? `[${at.host}]` : at.host}:${port}` });
    });
  });
}

/** The last tick is stale after three intervals (at least 15 s): a service that stopped looking. */
export function staleAfterMs(intervalMs: number): number {
  return Math.max(15_000, 3 * intervalMs);
}

function serveHttp(svc: Service, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  const text = (code: number, body: string) => res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${body}\n`);
  if (req.method !== 'GET' && req.method !== 'HEAD') return void text(405, 'method not allowed');
  const state = svc.last;
  if (path === '/healthz') {
    if (!state?.at) return void text(503, 'starting: no tick yet');
    const age = Date.now() - state.at;
    const stale = age > staleAfterMs(svc.config.intervalMs);
    return void text(stale ? 503 : 200, `${stale ? 'stale' : 'ok'}: last tick ${(age / 1000).toFixed(1)} s ago (interval ${svc.config.intervalMs / 1000} s)`);
  }
  if (path === '/metrics') {
    if (!state?.snapshot) return void text(503, 'no tick yet');
    renderMetrics({ snapshot: state.snapshot, tickMs: state.ms, tickAt: state.at, acts: { ...svc.acts }, historyBytes: svc.history?.sizeBytes() ?? null })
      .then((m) => res.writeHead(200, { 'Content-Type': m.contentType }).end(m.text))
      .catch((e: Error) => text(500, `metrics failed: ${e.message}`));
    return;
  }
  text(404, 'not found: /metrics and /healthz are served');
}
