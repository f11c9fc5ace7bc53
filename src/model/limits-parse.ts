// The `limits` of a config file (and the --max-* flags), parsed strictly: every bad value (negative,
// zero where zero means nothing, a wrong unit, an unknown key) is a UsageError naming its key. Pure:
// JSON in, a Limits (plain data: it crosses to the collector's worker by structured clone) out.

import { UsageError } from './usage-error.js';

/** The per-agent limits, by their config key. */
export type AgentLimitName = 'maxRss' | 'maxCpu' | 'maxProcesses' | 'maxFds' | 'maxAge' | 'maxIdle';
export type LimitName = AgentLimitName | 'maxAgents';

/** One limit: bytes (maxRss), a count (maxProcesses, maxFds), ms (maxAge, maxIdle) or percent of a core (maxCpu). */
export interface Limit {
  value: number;
  /** Hard: `--reap --enforce-limits` ends an agent over it. Soft: reported only. */
  hard: boolean;
}

/** maxCpu: over `value` percent of one core for at least `forMs` (0: at any look). */
export interface CpuLimit extends Limit {
  forMs: number;
}

export interface AgentLimits {
  maxRss?: Limit;
  maxCpu?: CpuLimit;
  maxProcesses?: Limit;
  maxFds?: Limit;
  maxAge?: Limit;
  maxIdle?: Limit;
}

/** A project's limits: the per-agent ones and how many agent sessions it may have. */
export interface ProjectLimits extends AgentLimits {
  maxAgents?: number;
}

/** The parsed `limits` key: the defaults, then overrides per project, then per agent type (the most specific wins). */
export interface Limits extends ProjectLimits {
  projects: Record<string, ProjectLimits>;
  types: Record<string, AgentLimits>;
}

export const NO_LIMITS: Limits = { projects: {}, types: {} };

export const AGENT_LIMITS: readonly AgentLimitName[] = ['maxRss', 'maxCpu', 'maxProcesses', 'maxFds', 'maxAge', 'maxIdle'];

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
};
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

type Where = string;
const bad = (where: Where, msg: string) => new UsageError(`${where}: ${msg}`);
const shown = (v: unknown) => JSON.stringify(v) ?? String(v);

function positive(n: number, where: Where, raw: unknown): number {
  if (!Number.isFinite(n)) throw bad(where, `${shown(raw)} is not a number`);
  if (n < 0) throw bad(where, `${shown(raw)} is negative`);
  if (n === 0) throw bad(where, `${shown(raw)} is zero (leave the key out for no limit)`);
  return n;
}

/** "2GB", "512MiB", "1.5 GiB", or a number of bytes. Units: B, KB, MB, GB, TB (1000s), KiB, MiB, GiB, TiB (1024s). */
export function parseSize(raw: unknown, where: Where): number {
  if (typeof raw === 'number') return Math.round(positive(raw, where, raw));
  if (typeof raw !== 'string') throw bad(where, `${shown(raw)} is not a size (use e.g. 512MiB, 2GB or a number of bytes)`);
  if (/^\s*-/.test(raw)) throw bad(where, `${shown(raw)} is negative`);
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)?\s*$/.exec(raw);
  const unit = m?.[2] ?? 'B';
  if (!m || !Object.hasOwn(SIZE_UNITS, unit)) throw bad(where, `${shown(raw)} is not a size (units: ${Object.keys(SIZE_UNITS).join(', ')}; e.g. 512MiB, 2GB)`);
  return Math.round(positive(Number(m[1]) * SIZE_UNITS[unit]!, where, raw));
}

/** "30m", "8h", "1d", "500ms", or a number of seconds. */
export function parseLimitDuration(raw: unknown, where: Where): number {
  if (typeof raw === 'number') return Math.round(positive(raw, where, raw) * 1000);
  if (typeof raw !== 'string') throw bad(where, `${shown(raw)} is not a duration (use e.g. 90s, 30m, 8h, 1d)`);
  if (/^\s*-/.test(raw)) throw bad(where, `${shown(raw)} is negative`);
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(raw);
  if (!m) throw bad(where, `${shown(raw)} is not a duration (use e.g. 90s, 30m, 8h, 1d)`);
  return Math.round(positive(Number(m[1]) * DURATION_UNITS[m[2] ?? 's']!, where, raw));
}

function parseCount(raw: unknown, where: Where, zeroOk = false): number {
  const n = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw bad(where, `${shown(raw)} is not a whole number`);
  if (n < 0) throw bad(where, `${shown(raw)} is negative`);
  if (n === 0 && !zeroOk) throw bad(where, `${shown(raw)} is zero (leave the key out for no limit)`);
  return n;
}

/** maxCpu: "150%/2m" (over 150 % of a core for 2 minutes), or "150%" (at any look). */
export function parseCpu(raw: unknown, where: Where): { value: number; forMs: number } {
  if (typeof raw !== 'string') throw bad(where, `${shown(raw)} is not a CPU limit (use "PERCENT%/DURATION", e.g. "150%/2m")`);
  if (/^\s*-/.test(raw)) throw bad(where, `${shown(raw)} is negative`);
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*(?:\/\s*(.+?))?\s*$/.exec(raw);
  if (!m) throw bad(where, `${shown(raw)} is not a CPU limit (use "PERCENT%/DURATION", e.g. "150%/2m")`);
  const value = positive(Number(m[1]), where, raw);
  return { value, forMs: m[2] === undefined ? 0 : parseLimitDuration(m[2], `${where} (its window)`) };
}

type ValueParser = (raw: unknown, where: Where) => number | { value: number; forMs: number };
const PARSERS: Record<AgentLimitName, ValueParser> = {
  maxRss: parseSize,
  maxCpu: parseCpu,
  maxProcesses: (r, w) => parseCount(r, w),
  maxFds: (r, w) => parseCount(r, w),
  maxAge: parseLimitDuration,
  maxIdle: parseLimitDuration,
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One limit: its plain value (soft), or `{ "value": …, "hard": true|false }`. */
export function parseLimit(name: AgentLimitName, raw: unknown, where: Where, hardByDefault = false): Limit | CpuLimit {
  let value = raw;
  let hard = hardByDefault;
  if (isObject(raw)) {
    for (const k of Object.keys(raw))
      if (k !== 'value' && k !== 'hard') throw bad(`${where}.${k}`, `unknown key (a limit is a value, or { "value": …, "hard": true })`);
    if (!Object.hasOwn(raw, 'value')) throw bad(where, 'has no "value"');
    if (Object.hasOwn(raw, 'hard') && typeof raw.hard !== 'boolean') throw bad(`${where}.hard`, 'must be true or false');
    value = raw.value;
    hard = raw.hard === true;
  }
  const parsed = PARSERS[name](value, isObject(raw) ? `${where}.value` : where);
  return typeof parsed === 'number' ? { value: parsed, hard } : { ...parsed, hard };
}

function parseSet(raw: unknown, where: Where, allowed: readonly string[]): ProjectLimits {
  if (!isObject(raw)) throw bad(where, 'must be a JSON object');
  const out: ProjectLimits = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!allowed.includes(k)) {
      const hint = k === 'maxAgents' ? ' (maxAgents is per project: the top level or projects.NAME)' : ` (known: ${allowed.join(', ')})`;
      throw bad(`${where}.${k}`, `unknown key${hint}`);
    }
    if (k === 'maxAgents') out.maxAgents = parseCount(v, `${where}.maxAgents`, true);
    else if (k !== 'projects' && k !== 'types') Object.assign(out, { [k]: parseLimit(k as AgentLimitName, v, `${where}.${k}`) });
  }
  return out;
}

function parseGroup<T>(raw: unknown, where: Where, each: (v: unknown, where: Where) => T): Record<string, T> {
  if (!isObject(raw)) throw bad(where, 'must be a JSON object of names');
  const out: Record<string, T> = Object.create(null);
  for (const [name, v] of Object.entries(raw)) {
    if (!name.trim()) throw bad(where, 'a name is empty');
    out[name] = each(v, `${where}.${name}`);
  }
  return out;
}

/**
 * The config file's `limits` value; `where` names it in messages ("config /x.json: limits"). Throws
 * a UsageError naming the key for anything wrong.
 */
export function parseLimits(raw: unknown, where: string): Limits {
  const top = parseSet(raw, where, [...AGENT_LIMITS, 'maxAgents', 'projects', 'types']);
  const r = raw as Record<string, unknown>;
  const projects = r.projects === undefined ? {} : parseGroup(r.projects, `${where}.projects`, (v, w) => parseSet(v, w, [...AGENT_LIMITS, 'maxAgents']));
  const types = r.types === undefined ? {} : parseGroup(r.types, `${where}.types`, (v, w) => parseSet(v, w, AGENT_LIMITS) as AgentLimits);
  return { ...top, projects, types };
}

/** The limits one agent session is held to: the defaults, its project's, then its type's. */
export function limitsFor(limits: Limits, project: string | null, type: string | null): AgentLimits {
  const p = project !== null && Object.hasOwn(limits.projects, project) ? limits.projects[project] : undefined;
  const t = type !== null && Object.hasOwn(limits.types, type) ? limits.types[type] : undefined;
  const out: AgentLimits = {};
  for (const k of AGENT_LIMITS) {
    const v = t?.[k] ?? p?.[k] ?? limits[k];
    if (v) Object.assign(out, { [k]: v });
  }
  return out;
}

/** A project's cap on agent sessions, or null for none. */
export function maxAgentsFor(limits: Limits, project: string | null): number | null {
  const p = project !== null && Object.hasOwn(limits.projects, project) ? limits.projects[project] : undefined;
  return p?.maxAgents ?? limits.maxAgents ?? null;
}

export const hasLimits = (l: Limits): boolean =>
  AGENT_LIMITS.some((k) => l[k]) || l.maxAgents !== undefined || Object.keys(l.projects).length > 0 || Object.keys(l.types).length > 0;
