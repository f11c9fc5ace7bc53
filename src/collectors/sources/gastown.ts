// gastown (github.com/steveyegge/gastown, read at a8bd79bf86683d49c558a30e826fcfff1fbd6ced; binary
// `gt`): the town root is $GT_TOWN_ROOT, $GT_ROOT, or ~/gt, holding mayor/town.json. Session names
// (internal/session/names.go): hq-mayor, hq-deacon, hq-boot, hq-overseer (the human), hq-dog-<name>,
// and <prefix>-witness|refinery|crew-<name>|<polecat>, where <prefix> is the rig's beads prefix in
// mayor/rigs.json (`rigs.<rig>.beads.prefix`, default `gt`), not the rig name. There is no file
// listing the agents that should exist (polecats live in beads), crew sessions are never
// auto-killed ("human-managed"), and sessions keep remain-on-exit on, so a dead pane is kept on
// purpose: its sessions are recognised and watched, never orphans by a rule of ours (its doctor's
// orphan check needs its rig layout and beads, which orch-top does not read). They live on the town
// socket (`-L <town>-<6 hex>`, internal/session/registry.go), which is watched like any server.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { homeOf, readJsonState } from './manager-common.js';
import type { AgentStateSource, FindContext, Found } from './source.js';

const HQ = '^hq-(mayor|deacon|boot|overseer|dog-.+)$';

function findTown(ctx: FindContext): Found {
  const env = ctx.env.GT_TOWN_ROOT || ctx.env.GT_ROOT;
  const town = env || join(homeOf(ctx), 'gt');
  return { refs: existsSync(join(town, 'mayor', 'town.json')) ? [{ path: town, how: env ? 'env' : 'home', project: 'gastown' }] : [], errors: [] };
}

/** Each rig's beads prefix (default `gt`), from mayor/rigs.json (or the copy at the town root). */
export function rigPrefixes(data: unknown): string[] {
  const rigs = (data as { rigs?: unknown } | null)?.rigs;
  if (typeof rigs !== 'object' || rigs === null) return [];
  const out = new Set<string>();
  for (const rig of Object.values(rigs as Record<string, unknown>)) {
    const p = (rig as { beads?: { prefix?: unknown } } | null)?.beads?.prefix;
    // A prefix is a plain word; anything else is not turned into a pattern.
    out.add(typeof p === 'string' && /^[A-Za-z0-9_-]{1,40}$/.test(p) ? p : 'gt');
  }
  return [...out].sort();
}

export const gastown: AgentStateSource = {
  name: 'gastown',
  manager: 'gastown',
  precedence: 1,
  claim: {
    manager: 'gastown',
    prefixes: [],
    sockets: null,
    patterns: [HQ],
    ownerPrograms: ['gt'],
    unknownOrphans: false,
    deadPanesOrphan: false,
    neverOrphan: ['.'],
    auxPrefixes: [],
  },
  find: findTown,
  normalise: () => 'unknown',
  async read(town) {
    const file = [join(town, 'mayor', 'rigs.json'), join(town, 'rigs.json')].find((f) => existsSync(f));
    if (!existsSync(join(town, 'mayor', 'town.json'))) return { present: false, readOk: false, agents: [], project: null, errors: [] };
    if (!file) return { present: true, readOk: true, agents: [], project: null, errors: [] };
    const r = readJsonState(file);
    if ('missing' in r) return { present: true, readOk: true, agents: [], project: null, errors: [] };
    if ('error' in r) return { present: true, readOk: false, agents: [], project: null, errors: [r.error] };
    const prefixes = rigPrefixes(r.value);
    return { present: true, readOk: true, agents: [], project: null, errors: [], patterns: prefixes.map((p) => `^${p}-.+$`) };
  },
};
