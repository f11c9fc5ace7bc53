// Each manager's naming and status words, exactly as its source code has them (the commits are in
// each module's header), and its reader on a state written in its own format.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentDeckDataRoot, agentDeckState } from '../../../src/collectors/sources/agent-deck.js';
import { agentOfEmpires, aoeSessionName, aoeState } from '../../../src/collectors/sources/agent-of-empires.js';
import { claudeSquad, claudeSquadSessionName, claudeSquadState } from '../../../src/collectors/sources/claude-squad.js';
import { gastown, rigPrefixes } from '../../../src/collectors/sources/gastown.js';

const dir = mkdtempSync(join(tmpdir(), 'orchtop-managers-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx = (env: NodeJS.ProcessEnv = {}) => ({ flags: [], env, cwd: dir, home: join(dir, 'home') });

describe('claude-squad', () => {
  it('names sessions as toClaudeSquadTmuxName does (Go \\s only, "." → "_")', () => {
    expect(claudeSquadSessionName('fix auth.go')).toBe('claudesquad_fixauth_go');
    expect(claudeSquadSessionName('a\u00a0b')).toBe('claudesquad_a\u00a0b'); // NBSP is not Go's \s
    for (const w of ['running', 'ready', 'loading', 'paused']) expect(claudeSquadState(w)).toBe('active');
    expect(claudeSquadState('status 7')).toBe('unknown');
  });
  it('reads its state.json; a broken one is one line naming the file', async () => {
    const d = join(dir, 'cs');
    mkdirSync(d);
    writeFileSync(join(d, 'state.json'), JSON.stringify({ help_screens_seen: 0, instances: [{ title: 'x.y', status: 0, program: 'claude' }] }));
    const r = await claudeSquad.read(d);
    expect(r.agents.map((a) => [a.agentId, a.tmuxSession, a.status, a.state])).toEqual([['x.y', 'claudesquad_x_y', 'running', 'active']]);
    writeFileSync(join(d, 'state.json'), '{');
    const bad = await claudeSquad.read(d);
    expect(bad).toMatchObject({ present: true, readOk: false });
    expect(bad.errors[0]).toMatch(/state\.json: not valid JSON/);
  });
});

describe('agent-deck', () => {
  it('stopped is terminal; error (unclear) is unknown; the rest active', () => {
    expect(agentDeckState('stopped')).toBe('terminal');
    expect(agentDeckState('error')).toBe('unknown');
    for (const w of ['running', 'waiting', 'idle', 'starting', 'queued']) expect(agentDeckState(w)).toBe('active');
  });
  it('finds its data root as EffectiveDataDir does: XDG with a marker, else legacy with one, else XDG', () => {
    const xdg = join(dir, 'xdg');
    expect(agentDeckDataRoot(ctx({ XDG_DATA_HOME: xdg }))).toBe(join(xdg, 'agent-deck'));
    mkdirSync(join(dir, 'home', '.agent-deck', 'profiles'), { recursive: true });
    expect(agentDeckDataRoot(ctx({ XDG_DATA_HOME: xdg }))).toBe(join(dir, 'home', '.agent-deck'));
    mkdirSync(join(xdg, 'agent-deck', 'profiles'), { recursive: true });
    expect(agentDeckDataRoot(ctx({ XDG_DATA_HOME: xdg }))).toBe(join(xdg, 'agent-deck'));
  });
});

describe('agent-of-empires', () => {
  it('names sessions as sanitize_session_name + truncate_id do', () => {
    expect(aoeSessionName('fix auth', '9f8e7d6c5b4a3f2e')).toBe('aoe_fix_auth_9f8e7d6c');
    expect(aoeSessionName('Ünïcode ok/x', 'abcdef0123456789')).toBe('aoe_Ünïcode_ok_x_abcdef01');
    expect(aoeSessionName('a'.repeat(30), '0123456789abcdef')).toBe(`aoe_${'a'.repeat(20)}_01234567`);
    expect(aoeState('stopped')).toBe('unknown'); // not settled by its source
  });
  it('reads a profile’s sessions.json (a top-level array)', async () => {
    const d = join(dir, 'aoe');
    mkdirSync(d);
    writeFileSync(
      join(d, 'sessions.json'),
      JSON.stringify([{ id: '9f8e7d6c5b4a3f2e', title: 'fix auth', project_path: '/r', created_at: '2026-05-30T10:00:00Z', status: 'waiting' }]),
    );
    const r = await agentOfEmpires.read(d);
    expect(r.agents.map((a) => [a.tmuxSession, a.state])).toEqual([['aoe_fix_auth_9f8e7d6c', 'active']]);
  });
});

describe('gastown', () => {
  it('learns each rig’s beads prefix (default gt) as a session pattern; a prefix that is not a plain word is not one', async () => {
    expect(rigPrefixes({ rigs: { gastown: { beads: { prefix: 'gt' } }, web: { beads: { prefix: 'wb' } }, odd: { beads: { prefix: '.*' } } } })).toEqual([
      'gt',
      'wb',
    ]);
    const town = join(dir, 'town');
    mkdirSync(join(town, 'mayor'), { recursive: true });
    writeFileSync(join(town, 'mayor', 'town.json'), JSON.stringify({ type: 'town', version: 1, name: 'town' }));
    writeFileSync(join(town, 'mayor', 'rigs.json'), JSON.stringify({ version: 1, rigs: { web: { beads: { prefix: 'wb' } } } }));
    expect(gastown.find(ctx({ GT_TOWN_ROOT: town })).refs.map((r) => r.path)).toEqual([town]);
    expect((await gastown.read(town)).patterns).toEqual(['^wb-.+$']);
  });
});
