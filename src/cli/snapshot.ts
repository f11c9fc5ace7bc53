// `--snapshot` (`--json`): one look for CI, a table or the JSON document, and an exit code that fails
// the build on leftovers.

import type { Config } from '../config.js';
import type { Snapshot } from '../model/types.js';
import { formatNamed } from '../render/formats/index.js';
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
    ctx.err.write(`orch-top: ${snap.tmux.error ?? 'tmux is not available'}\n`);
    return EXIT.usage;
  }
  return snap.summary.findings > 0 ? EXIT.findings : EXIT.clean;
}
