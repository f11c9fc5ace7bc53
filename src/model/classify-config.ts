// What classify is told: the session prefixes, the socket path panes' $TMUX names, the growth
// detector's settings and how much history to keep. Data only.

import { DEFAULT_GROWTH, type GrowthOptions } from './growth.js';
import { type Limits, NO_LIMITS } from './limits-parse.js';

export interface ClassifyConfig {
  /** Session name prefixes that make a session an agent session (default ["claude-agent-"]). */
  prefixes: string[];
  /** The socket path the watched server has (or would have): how $TMUX of its panes reads. */
  socketPath: string | null;
  growth: GrowthOptions;
  /** Samples of descriptor history kept per process. */
  historySize: number;
  /** How long a pane that is gone is remembered, to trace what it left behind. */
  paneRetentionMs: number;
  /** The resource limits agent sessions are held to (model/limits.ts); none by default. */
  limits: Limits;
  /** How old a session an agent manager's state does not know must be to be an orphan (claude-squad
   *  saves its state only after a start). */
  sourceGraceMs: number;
}

export const DEFAULT_CLASSIFY: ClassifyConfig = {
  prefixes: ['claude-agent-'],
  socketPath: null,
  growth: DEFAULT_GROWTH,
  historySize: 60,
  paneRetentionMs: 24 * 3_600_000,
  limits: NO_LIMITS,
  sourceGraceMs: 10_000,
};
