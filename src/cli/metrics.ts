// `--metrics`: one look (like --snapshot, reading what earlier runs remembered and writing nothing),
// printed in the Prometheus text format for node_exporter's textfile collector or a one-off scrape.
// Exit 0 with the exposition; 2 with one line on stderr and nothing on stdout when tmux cannot be
// looked at (so `orch-top --metrics > f.tmp && mv f.tmp f.prom` keeps the last good file).

import { statSync } from 'node:fs';
import type { Config } from '../config.js';
import { tmuxAvailable, tmuxError } from '../model/servers.js';
import { historyPath } from '../history/db.js';
import type { Outcome } from '../model/outcome.js';
import { inert } from '../render/inert.js';
import { renderMetrics } from '../render/formats/prometheus.js';
import { EXIT, makeLooker, type RunCtx } from './looker.js';

/** A one-shot acts on nothing: every outcome is zero (a Record, so a new outcome must be listed). */
const NO_ACTS: Record<Outcome, number> = { exited: 0, killed: 0, gone: 0, 'skipped-reused': 0, denied: 0, failed: 0 };

/** Where --serve records its history (issue 15): the database and its write-ahead log. */
export function historyBytes(env: NodeJS.ProcessEnv): number | null {
  let total: number | null = null;
  for (const path of [historyPath(env), `${historyPath(env)}-wal`]) {
    try {
      const st = statSync(path);
      if (st.isFile()) total = (total ?? 0) + st.size;
    } catch {
      /* none */
    }
  }
  return total;
}

export async function runMetrics(config: Config, ctx: RunCtx): Promise<number> {
  const t0 = Date.now();
  const snapshot = await makeLooker(config, ctx, 'read').look();
  const tickAt = Date.now();
  if (!tmuxAvailable(snapshot) || tmuxError(snapshot)) {
    ctx.err.write(`orch-top: ${inert(tmuxError(snapshot) ?? 'tmux is not available')}\n`);
    return EXIT.usage;
  }
  // The look's gaps are a series of their own (orch_top_look_incomplete); said here too.
  if (snapshot.incomplete.length) ctx.err.write(`orch-top: incomplete look: ${inert(snapshot.incomplete.join('; '))}\n`);
  const { text } = await renderMetrics({ snapshot, tickMs: tickAt - t0, tickAt, acts: NO_ACTS, historyBytes: historyBytes(ctx.env) });
  ctx.out.write(text);
  return EXIT.clean;
}
