// `--snapshot` (`--json`): one look for CI, a table or the JSON document, and an exit code that fails
// the build on leftovers (1) or on a look that could not see what it was asked to (3).

import type { Config } from '../config.js';
import type { Snapshot } from '../model/types.js';
import { formatNamed } from '../render/formats/index.js';
import { inert } from '../render/inert.js';
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
  if (!snap.tmux.available || snap.tmux.error) {
    ctx.err.write(`orch-top: ${inert(snap.tmux.error ?? 'tmux is not available')}\n`);
    return EXIT.usage;
  }
  if (snap.incomplete.length) {
    ctx.err.write(`orch-top: incomplete look: ${inert(snap.incomplete.join('; '))}\n`);
    return EXIT.incomplete;
  }
  return snap.summary.findings > 0 ? EXIT.findings : EXIT.clean;
}
