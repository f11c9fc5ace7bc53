// The places agent managers keep their state, found and read through the sources (collectors/sources):
// each source's `find` says where, each place is read by every source that found it, and their records
// are merged (the higher precedence wins an agent both name). A place that is gone or unreadable is
// reported on its own line; the others still load. Read-only; decides nothing about sessions.

import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ManagerClaim, RegistryAgent, WorkspaceHow, WorkspaceState } from '../model/types.js';
import { fsReason, realpathOr } from '../files.js';
import { projectOf } from './registry-json.js';
import { SOURCES, type AgentStateSource, type FindContext, type SourceRead, type WorkspaceRef } from './sources/index.js';

export { discoverWorkspaces } from './orchestrator-workspaces.js';

/** A place to read and the sources that read it. */
export interface Place {
  ref: WorkspaceRef;
  sources: readonly AgentStateSource[];
}

/**
 * Every place to read this look: `extra` first (the demo's; read by every source), then what each
 * distinct find function returns (called once however many sources share it), one per exact path.
 */
export function findPlaces(
  ctx: FindContext,
  extra: { path: string; how: WorkspaceHow }[] = [],
  sources: readonly AgentStateSource[] = SOURCES,
): { places: Place[]; errors: string[] } {
  const errors: string[] = [];
  const byPath = new Map<string, { ref: WorkspaceRef; sources: AgentStateSource[] }>();
  for (const ref of extra) if (!byPath.has(ref.path)) byPath.set(ref.path, { ref, sources: [...sources] });
  const finds = [...new Set(sources.map((s) => s.find))];
  for (const find of finds) {
    const found = find(ctx);
    errors.push(...found.errors);
    const finders = sources.filter((s) => s.find === find);
    for (const ref of found.refs) {
      const place = byPath.get(ref.path) ?? byPath.set(ref.path, { ref, sources: [] }).get(ref.path)!;
      for (const s of finders) if (!place.sources.includes(s)) place.sources.push(s);
    }
  }
  // Keep the list's order of sources within a place: it is the order of their error lines.
  const places = [...byPath.values()].map((p) => ({ ref: p.ref, sources: sources.filter((s) => p.sources.includes(s)) }));
  return { places, errors };
}

/** Merges what the sources read of one place: agents by precedence, errors in list order. */
function merge(reads: { source: AgentStateSource; read: SourceRead }[]): {
  agents: RegistryAgent[];
  project: string | null;
  readOk: boolean;
  errors: string[];
} {
  const byId = new Map<string, RegistryAgent>();
  const rising = [...reads].sort((a, b) => a.source.precedence - b.source.precedence);
  for (const { read } of rising) for (const a of read.agents) byId.set(a.agentId, a);
  const project = [...rising].reverse().find((r) => r.read.project !== null)?.read.project ?? null;
  return {
    agents: [...byId.values()].sort((a, b) => a.agentId.localeCompare(b.agentId)),
    project,
    readOk: reads.some((r) => r.read.readOk),
    errors: reads.flatMap((r) => r.read.errors),
  };
}

/** The naming and ownership rules of the agent manager whose state is here (the first whose state was found), with the patterns its state adds. */
function claimOf(reads: { source: AgentStateSource; read: SourceRead }[]): ManagerClaim | null {
  const r = reads.find((x) => x.source.claim && x.read.present);
  if (!r?.source.claim) return null;
  return { ...r.source.claim, patterns: [...r.source.claim.patterns, ...(r.read.patterns ?? [])] };
}

export async function readWorkspace(ws: WorkspaceRef, sources: readonly AgentStateSource[] = SOURCES): Promise<WorkspaceState> {
  const base = { path: ws.path, realPath: realpathOr(ws.path), how: ws.how, project: ws.project ?? projectOf(ws.path) };
  try {
    if (!statSync(ws.path).isDirectory()) return { ...base, readable: false, error: `workspace ${ws.path}: is not a directory`, agents: [] };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ...base, readable: false, gone: code === 'ENOENT', error: `workspace ${ws.path}: ${fsReason(e)}`, agents: [] };
  }
  const reads = await Promise.all(sources.map(async (source) => ({ source, read: await source.read(ws.path) })));
  const m = merge(reads);
  const claim = claimOf(reads);
  return {
    ...(claim ? { claim } : {}),
    ...base,
    // <project>/.agent-workspace names its project; a workspace elsewhere (CLAUDE_ORCHESTRATOR_WORKSPACE)
    // is named by the client_cwd its tasks record.
    project: ws.project ?? (/^\.?agent-workspace$/.test(basename(ws.path)) ? projectOf(ws.path) : (m.project ?? projectOf(ws.path))),
    // Readable: a source was read, or nothing failed (a workspace with no registry yet).
    readable: m.readOk || m.errors.length === 0,
    error: m.errors.length ? m.errors.join('; ') : null,
    agents: m.agents,
  };
}
