// The MCP server's tools: resource_usage, findings, plan_cleanup, cleanup and can_spawn. Each looks
// through the caller's one engine (deps.look, history kept between calls), answers a structured
// result (an output schema) and the same as text, and says what went wrong as a tool error
// (isError) in one inert line. Read-only unless deps.allowCleanup: cleanup then runs a plan the
// client got from plan_cleanup, by its id, before it expires, and only on a world that still matches
// it, through the one cleanup run (deps.run: actions/cleanup-run.ts with the audit log). Knows no
// transport: cli/mcp.ts connects it to stdio.

import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { CleanupResult } from '../actions/cleanup-run.js';
import { spawnRoom, type Limits } from '../model/limits.js';
import type { Plan } from '../model/plan.js';
import { tmuxAvailable, tmuxError } from '../model/servers.js';
import type { Snapshot } from '../model/types.js';
import { reapDocument, snapshotDocument } from '../render/document.js';
import { textFormat } from '../render/formats/text.js';
import { inert } from '../render/inert.js';
import { makePaint } from '../render/theme.js';
import { changedTargets, describeChange, PlanBook, targetsOf } from './plans.js';
import { findingsResult, findingsText, resourceUsage, resourceUsageText, spawnRoomText } from './results.js';
import * as S from './schemas.js';

export interface McpDeps {
  version: string;
  /** One look through the run's engine (calls are serialized by the caller). */
  look: () => Promise<Snapshot>;
  /** The plan `--reap --dry-run` would print for this snapshot. */
  plan: (snap: Snapshot) => Plan;
  /** Runs a plan through the one cleanup run; throws AuditOpenError when nothing could be recorded. */
  run: (plan: Plan, before: Snapshot) => Promise<CleanupResult>;
  allowCleanup: boolean;
  limits: Limits;
  auditPath: string;
  planTtlMs: number;
  newPlanId: () => string;
  now?: () => number;
}

const WIDTH = 160;
const paint = makePaint(false);

const ok = <T extends Record<string, unknown>>(structured: T, text: string): CallToolResult => ({
  content: [{ type: 'text', text }],
  structuredContent: structured,
});

/** A refusal or failure: one inert line (it carries outside strings), nothing touched unless it says so. */
const refuse = (line: string): CallToolResult => ({ content: [{ type: 'text', text: inert(line) }], isError: true });

/** Why a look cannot be acted on (its tmux server could not be asked), or null. */
const unusable = (snap: Snapshot): string | null => (!tmuxAvailable(snap) || tmuxError(snap) ? (tmuxError(snap) ?? 'tmux is not available') : null);

export function createMcpServer(deps: McpDeps): McpServer {
  const server = new McpServer({ name: 'orch-top', version: deps.version });
  const now = deps.now ?? Date.now;
  const book = new PlanBook(deps.planTtlMs, deps.newPlanId);
  const gate: Gate = { running: false };
  const readOnly = { readOnlyHint: true, openWorldHint: false } as const;

  server.registerTool(
    'resource_usage',
    {
      title: 'Resource usage of the agents',
      description:
        "The look's summary (the counts of `orch-top --snapshot --json`) and, per agent session, its CPU (% of a core), RSS (bytes), processes, descriptors, age and status; filter by project, agent id or session.",
      inputSchema: S.resourceUsageInput,
      outputSchema: S.resourceUsageOutput,
      annotations: readOnly,
    },
    async (args) => {
      const r = resourceUsage(await deps.look(), args);
      return ok(r, resourceUsageText(r));
    },
  );

  server.registerTool(
    'findings',
    {
      title: 'What is left behind',
      description:
        'Orphan sessions, leaked processes, zombies, ghost agents, descriptor growth and limits exceeded, each with its reason; the counts use the summary keys of `orch-top --snapshot --json`.',
      inputSchema: S.findingsInput,
      outputSchema: S.findingsOutput,
      annotations: readOnly,
    },
    async ({ kind }) => {
      const r = findingsResult(await deps.look(), kind);
      return ok(r, findingsText(r));
    },
  );

  server.registerTool(
    'plan_cleanup',
    {
      title: 'Plan a cleanup',
      description: `The plan \`orch-top --reap --dry-run\` would print (nothing is touched), with an id for cleanup, valid ${deps.planTtlMs / 1000} s.`,
      inputSchema: S.planCleanupInput,
      outputSchema: S.planCleanupOutput,
      annotations: readOnly,
    },
    async () => planCleanup(deps, book, now),
  );

  server.registerTool(
    'cleanup',
    {
      title: 'Carry out a cleanup plan',
      description:
        'Runs a plan from plan_cleanup, by its id, before it expires and only if the world still matches it (the same sessions and processes); every act goes to the audit log. Refused unless orch-top --mcp was started with --mcp-allow-cleanup.',
      inputSchema: S.cleanupInput,
      outputSchema: S.cleanupOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    async ({ planId }) => cleanup(deps, book, now, gate, planId),
  );

  server.registerTool(
    'can_spawn',
    {
      title: 'Room for one more agent',
      description: 'Whether one more agent fits the configured limits (maxAgents per project), and how much room is left: the guard before spawning.',
      inputSchema: S.canSpawnInput,
      outputSchema: S.canSpawnOutput,
      annotations: readOnly,
    },
    async ({ project }) => {
      const room = spawnRoom(await deps.look(), deps.limits, project ?? null);
      return ok({ ...room, reasons: [...room.reasons] }, spawnRoomText(room));
    },
  );
  return server;
}

async function planCleanup(deps: McpDeps, book: PlanBook, now: () => number): Promise<CallToolResult> {
  const before = await deps.look();
  const cannot = unusable(before);
  if (cannot) return refuse(`no plan: ${cannot}`);
  const plan = deps.plan(before);
  if (plan.refused) return refuse(`no plan: ${plan.refused}`);
  const doc = reapDocument({ dryRun: true, before, plan });
  const booked = plan.steps.length ? book.add(plan, now()) : null;
  const structured = {
    planId: booked?.id ?? null,
    expiresAt: booked ? new Date(booked.expiresAt).toISOString() : null,
    expiresInMs: booked ? deps.planTtlMs : null,
    basedOn: plan.basedOn,
    intent: plan.intent.kind,
    graceMs: plan.graceMs,
    steps: doc.plan as unknown as Record<string, unknown>[],
    left: doc.left,
    summary: doc.summary,
  };
  let text = textFormat.report({ dryRun: true, before, plan }, { paint, width: WIDTH });
  if (booked) {
    const how = deps.allowCleanup ? 'run it with cleanup' : 'cleanup is not allowed: orch-top --mcp runs without --mcp-allow-cleanup';
    text += `plan ${booked.id}, valid until ${structured.expiresAt} (${deps.planTtlMs / 1000} s); ${how}\n`;
  }
  return ok(structured, text);
}

/** Only one cleanup at a time: a second call while one runs is refused. */
interface Gate {
  running: boolean;
}

async function cleanup(deps: McpDeps, book: PlanBook, now: () => number, gate: Gate, planId: string): Promise<CallToolResult> {
  if (!deps.allowCleanup)
    return refuse('cleanup is refused: orch-top --mcp runs read-only (start it with --mcp-allow-cleanup to allow it); nothing was touched');
  if (gate.running) return refuse('a cleanup is already running (one at a time); nothing was touched');
  const taken = book.take(planId, now());
  if ('error' in taken) return refuse(`${taken.error}; nothing was touched`);
  gate.running = true;
  try {
    // Look again and plan again: the targets must be those the client was shown.
    const before = await deps.look();
    const cannot = unusable(before);
    if (cannot) return refuse(`${cannot}; nothing was touched`);
    const plan = deps.plan(before);
    if (plan.refused) return refuse(`cleanup refused: ${plan.refused}; nothing was touched`);
    const change = changedTargets(taken.booked.targets, targetsOf(plan));
    if (change)
      return refuse(`the world changed since plan ${planId} was made: ${describeChange(change)}; nothing was touched; ask plan_cleanup for a new plan`);
    return cleanupResult(deps, planId, plan, before, await deps.run(plan, before));
  } catch (e) {
    return refuse(`${(e as Error).message}; nothing was touched`);
  } finally {
    gate.running = false;
  }
}

function cleanupResult(deps: McpDeps, planId: string, plan: Plan, before: Snapshot, result: CleanupResult): CallToolResult {
  const structured = {
    planId,
    clean: result.clean,
    message: result.message,
    line: result.summary,
    results: result.execution.results as unknown as Record<string, unknown>[],
    remaining: result.survived,
    before: snapshotDocument(before).summary,
    after: result.after ? snapshotDocument(result.after).summary : null,
    auditLog: deps.auditPath,
  };
  const problems = [
    result.error && `the cleanup stopped by an error: ${result.error}`,
    result.auditError && `${result.auditError}; the plan still ran to its end (every SIGTERM got its SIGKILL)`,
    result.lookError && `could not look after the cleanup: ${result.lookError}`,
    result.memoryProblem,
  ].filter((x): x is string => !!x);
  const report = result.after
    ? textFormat.report(
        { dryRun: false, before, plan, after: result.after, execution: result.execution, remaining: result.survived, completed: result.clean },
        { paint, width: WIDTH },
      )
    : '';
  const text = report + [...problems.map(inert), `${inert(result.summary)}; audit log ${inert(deps.auditPath)}`].join('\n') + '\n';
  return ok(structured, text);
}
