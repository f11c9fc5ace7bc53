// What an output format is: how one look and one cleanup report are written for --format NAME.
// Types only. A format decides nothing (exit codes, what to look at): it writes what it is given.

import type { Snapshot } from '../../model/types.js';
import type { CleanupReport } from '../document.js';
import type { Paint } from '../theme.js';

export interface FormatOptions {
  /** Colour, or none (NO_COLOR, not a terminal): formats that are not for people ignore it. */
  paint: Paint;
  /** Columns to fit; formats that are not tables ignore it. */
  width: number;
}

export interface OutputFormat {
  /** --format NAME and `format` in the config file. */
  readonly name: string;
  /** One look (--snapshot). */
  snapshot(snap: Snapshot, opts: FormatOptions): string;
  /** A cleanup's report (--reap, --shutdown, either with --dry-run). */
  report(r: CleanupReport, opts: FormatOptions): string;
}
