// What a look was asked to see and could not (issue 12, rule 11): a --workspace (or the config's
// workspaces) that is missing or unreadable, a registry in any workspace that could not be read,
// an --orchestrator-pid or --pidfile naming no live process. One plain line each; --snapshot exits 3
// on any of them ("incomplete look"), and so does a --reap or --shutdown that otherwise ends clean,
// so a CI job with a typo in a path is never green. A discovered workspace that no longer exists (a
// stale entry of the global registry) was not asked for by name: it is reported, not incomplete. Pure.

import type { RawWorld } from './types.js';

export function incompleteOf(raw: Pick<RawWorld, 'workspaces' | 'orchestrator'>): string[] {
  const out: string[] = [];
  for (const w of raw.workspaces) {
    if (!w.error) continue;
    const asked = w.how === 'flag' || w.how === 'config';
    if (w.gone && !asked) continue;
    out.push(w.readable ? `a registry of workspace ${w.path} could not be read: ${w.error}` : w.error);
  }
  if (raw.orchestrator.error) out.push(raw.orchestrator.error);
  return out;
}
