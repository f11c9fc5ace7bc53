// `--snapshot` (`--json`): one look for CI, a table or the JSON document, and an exit code that fails
// the build on leftovers (1) or on a look that could not see what it was asked to (3).

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../config.js';
import { tmuxAvailable, tmuxError } from '../model/servers.js';
import type { Snapshot } from '../model/types.js';
import { formatNamed } from '../render/formats/index.js';
import { inert, inertDeep } from '../render/inert.js';
import { foundNothing, type LookedAt, nothingFoundLines } from '../render/text.js';
import { colorWanted, makePaint } from '../render/theme.js';
import { EXIT, makeLooker, type RunCtx } from './looker.js';

async function takeSnapshot(config: Config, ctx: Omit<RunCtx, 'out' | 'err'>): Promise<Snapshot> {
  // One look for CI reads what earlier runs remembered, and writes nothing.
  return makeLooker(config, ctx, 'read').look();
}

export async function runSnapshot(config: Config, ctx: RunCtx): Promise<number> {
  const snap = await takeSnapshot(config, ctx);
  const paint = makePaint(colorWanted(ctx.out, ctx.env));
  ctx.out.write(formatNamed(config.format).snapshot(snap, { paint, width: ctx.out.isTTY ? (ctx.out.columns ?? 120) : 160 }));
  // Found nothing: say where it looked and how to point it elsewhere (stderr: the document stays exact).
  const tmuxBad = !tmuxAvailable(snap) || tmuxError(snap) !== null;
  if (foundNothing(snap) && !tmuxBad) ctx.err.write(`${nothingFoundLines(inertDeep(snap), inertDeep(lookedAt(config, ctx)), paint).join('\n')}\n`);
  if (tmuxBad) {
    ctx.err.write(`orch-top: ${inert(tmuxError(snap) ?? 'tmux is not available')}\n`);
    return EXIT.usage;
  }
  if (snap.incomplete.length) {
    ctx.err.write(`orch-top: incomplete look: ${inert(snap.incomplete.join('; '))}\n`);
    return EXIT.incomplete;
  }
  return snap.summary.findings > 0 ? EXIT.findings : EXIT.clean;
}

/** The places a look with this config reads workspaces from (collectors/orchestrator-workspaces.ts's order). */
export function lookedAt(config: Config, ctx: Pick<RunCtx, 'env' | 'cwd'>): LookedAt {
  const home = ctx.env.HOME || homedir();
  const envWs = ctx.env.CLAUDE_ORCHESTRATOR_WORKSPACE;
  const index = join(home, '.claude-orchestrator', 'global_registry.sqlite3');
  return {
    flags: config.workspaces,
    places: [
      {
        what: "the orchestrator's index of projects",
        path: index,
        held: existsSync(index) ? 'lists no active workspace' : 'not there',
      },
      { what: '$CLAUDE_ORCHESTRATOR_WORKSPACE', path: envWs ? resolve(ctx.cwd, envWs) : null, held: envWs ? undefined : 'not set' },
      { what: 'the home workspace', path: join(home, '.claude-orchestrator', 'workspaces') },
      { what: 'this directory', path: join(ctx.cwd, '.agent-workspace') },
    ],
    prefixes: config.prefixes,
    orchestratorMatch: config.orchestratorMatch.source,
  };
}
