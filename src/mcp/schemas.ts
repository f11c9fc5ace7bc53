// The MCP tools' input and output schemas (zod; the SDK turns them into JSON Schema for the client,
// which checks every structured result against them). Inputs are strict: an unknown argument is an
// error, not ignored. Outputs follow src/mcp/results.ts field by field; the summary and the plan's
// steps are open records (their keys are the JSON document's, which other issues extend).

import { z } from 'zod';
import { FINDINGS_TOOL_KINDS } from './results.js';

const text = (max: number) => z.string().min(1).max(max);
const nullableString = z.string().nullable();
const nullableNumber = z.number().nullable();

const look = {
  takenAt: z.string(),
  tmux: z.array(z.object({ socket: z.string(), available: z.boolean(), running: z.boolean(), stale: z.boolean(), error: nullableString })),
  errors: z.array(z.string()),
  incomplete: z.array(z.string()),
};

/** The JSON document's summary: a count under each of its keys. */
const summary = z.record(z.string(), z.number());

export const resourceUsageInput = z.strictObject({
  project: text(200).optional().describe('only agent sessions of this project'),
  agentId: text(200).optional().describe("only this agent's session"),
  session: text(200).optional().describe('only this session, by id ($N) or name'),
});

export const resourceUsageOutput = z.object({
  ...look,
  summary,
  orchestrators: z.array(z.object({ pid: z.number(), running: z.boolean(), project: nullableString, cpu: z.number(), rss: z.number(), fds: nullableNumber })),
  filter: z.object({ project: nullableString, agentId: nullableString, session: nullableString }),
  sessions: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      agentId: nullableString,
      taskId: nullableString,
      project: nullableString,
      status: z.string(),
      reason: nullableString,
      cpu: z.number(),
      rss: z.number(),
      fds: nullableNumber,
      processes: z.array(z.number()),
      created: z.number(),
      ageMs: z.number(),
    }),
  ),
});

export const findingsInput = z.strictObject({
  kind: z.enum(FINDINGS_TOOL_KINDS).optional().describe('only findings of this kind'),
});

export const findingsOutput = z.object({
  ...look,
  summary,
  counts: z.record(z.string(), z.number()),
  findings: z.array(
    z.object({
      kind: z.string(),
      label: z.string(),
      severity: z.enum(['error', 'warn']),
      reapRemoves: z.boolean(),
      what: z.string(),
      reason: z.string(),
      sessionId: nullableString,
      sessionName: nullableString,
      pid: nullableNumber,
      startTime: nullableNumber,
    }),
  ),
});

export const planCleanupInput = z.strictObject({});

/** A plan's step or an executor's result: the modules' own records, carried as they are. */
const record = z.looseObject({});

export const planCleanupOutput = z.object({
  planId: nullableString.describe('give it to cleanup; null when there is nothing to do'),
  expiresAt: nullableString,
  expiresInMs: nullableNumber,
  basedOn: z.string(),
  intent: z.string(),
  graceMs: z.number(),
  steps: z.array(record),
  left: z.array(z.object({ what: z.string(), why: z.string() })),
  summary,
});

export const cleanupInput = z.strictObject({
  planId: z
    .string()
    .regex(/^plan-[0-9a-f]{1,64}$/, 'a plan id from plan_cleanup (plan-…)')
    .describe('the planId plan_cleanup gave'),
});

export const cleanupOutput = z.object({
  planId: z.string(),
  clean: z.boolean(),
  message: z.string(),
  line: z.string(),
  results: z.array(record),
  remaining: z.array(z.string()),
  before: summary,
  after: summary.nullable(),
  auditLog: z.string(),
});

export const canSpawnInput = z.strictObject({
  project: text(200).optional().describe('the project the agent would join (default: any)'),
});

export const canSpawnOutput = z.object({
  allowed: z.boolean(),
  project: nullableString,
  agents: z.number(),
  maxAgents: nullableNumber,
  room: nullableNumber,
  reasons: z.array(z.string()),
});
