// `--mcp`: orch-top as an MCP server on stdio (src/mcp/server.ts has the tools). One engine and
// store for the whole session, so history (CPU over an interval, descriptor trends, the panes seen)
// builds up between calls; looks are serialized. stdout carries only the protocol: every line of
// our own goes to stderr. The server ends when stdin ends (the client closed), or on SIGINT, SIGTERM
// or SIGHUP; a running cleanup is then cancelled (nothing more is signalled) and awaited.

import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { defaultAuditPath } from '../actions/audit.js';
import { runCleanupPlan, type CleanupResult } from '../actions/cleanup-run.js';
import { hasProcfs } from '../collectors/procfs.js';
import { parseDuration, UsageError, type Config } from '../config.js';
import { createMcpServer } from '../mcp/server.js';
import { makePlan, type Plan } from '../model/plan.js';
import type { Snapshot } from '../model/types.js';
import { inert } from '../render/inert.js';
import { version } from '../version.js';
import { EXIT, makeLooker, type RunCtx } from './looker.js';

/** How long a plan from plan_cleanup may be carried out (ORCH_TOP_MCP_PLAN_TTL changes it: 500ms to 10m). */
export const PLAN_TTL_MS = 60_000;

function planTtlMs(env: NodeJS.ProcessEnv): number {
  const text = env.ORCH_TOP_MCP_PLAN_TTL;
  if (text === undefined || text === '') return PLAN_TTL_MS;
  const ms = parseDuration(text, 'ORCH_TOP_MCP_PLAN_TTL');
  if (ms < 500 || ms > 600_000) throw new UsageError('ORCH_TOP_MCP_PLAN_TTL: must be between 500ms and 10m');
  return ms;
}

const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** One at a time, in order: the engine's ticks must not overlap. */
function serialized<T>(f: () => Promise<T>): () => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return () => {
    const next = last.then(f, f);
    last = next.catch(() => {});
    return next;
  };
}

export async function runMcp(config: Config, ctx: RunCtx, stdin: NodeJS.ReadStream): Promise<number> {
  const say = (line: string) => ctx.err.write(`orch-top: ${inert(line)}\n`);
  if (config.mcpAllowCleanup && !hasProcfs()) {
    say("--mcp-allow-cleanup needs /proc (Linux) to check each process's start time before signalling it");
    return EXIT.usage;
  }
  let ttlMs: number;
  try {
    ttlMs = planTtlMs(ctx.env);
  } catch (e) {
    say((e as Error).message);
    return EXIT.usage;
  }
  const looker = makeLooker(config, ctx, config.mcpAllowCleanup ? 'read-write' : 'read');
  const look = serialized(() => looker.look(0));
  const auditPath = config.auditLog ?? defaultAuditPath(ctx.env);
  const abort = new AbortController();
  let runningCleanup: Promise<CleanupResult> | null = null;
  const run = (plan: Plan, before: Snapshot): Promise<CleanupResult> => {
    runningCleanup = runCleanupPlan({
      plan,
      before,
      audit: { path: auditPath, mode: 'mcp' },
      env: ctx.env,
      requestedBy: `orch-top --mcp (user ${ctx.env.USER ?? ctx.env.LOGNAME ?? '?'})`,
      look,
      saveMemory: looker.save,
      abort: abort.signal,
    });
    return runningCleanup;
  };
  const server = createMcpServer({
    version: version(),
    look,
    plan: (snap) => makePlan(snap, { kind: 'reap' }, { graceMs: config.graceMs, server: config.server, asRoot: process.getuid?.() === 0 }),
    run,
    allowCleanup: config.mcpAllowCleanup,
    limits: config.limits,
    auditPath,
    planTtlMs: ttlMs,
    newPlanId: () => `plan-${randomBytes(8).toString('hex')}`,
  });
  const ended = new Promise<string | null>((resolve) => {
    stdin.once('end', () => resolve(null));
    stdin.once('close', () => resolve(null));
    for (const sig of Object.keys(SIGNAL_EXIT)) process.once(sig, () => resolve(sig));
  });
  await server.connect(new StdioServerTransport(stdin, ctx.out as unknown as Writable));
  say(`MCP server on stdio, ${config.mcpAllowCleanup ? `cleanup allowed (audit log ${auditPath})` : 'read-only'}`);
  const by = await ended;
  if (runningCleanup) {
    abort.abort(by ?? 'client closed');
    await (runningCleanup as Promise<CleanupResult>).catch(() => {});
  }
  await server.close().catch(() => {});
  // Nothing of ours should hold the event loop now; if something does, the process still ends.
  setTimeout(() => process.exit(by ? SIGNAL_EXIT[by] : EXIT.clean), 1_000).unref();
  return by ? (SIGNAL_EXIT[by] ?? 143) : EXIT.clean;
}
