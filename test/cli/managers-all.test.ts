// Issue 14's "Done when", as one real world: a private TMUX_TMPDIR with tmux's "default" server and a
// private `-L deck` server, and on them at once the reference orchestrator (a fake one, a script named
// real_mcp_server.py, its JSON workspace in ~/.claude-orchestrator/workspaces), claude-squad
// (~/.claude-squad/state.json) and agent-deck (state.db in $XDG_DATA_HOME, its instances on -L deck by
// tmux_socket_name). Each has an active agent, an orphan and a leak: the orchestrator's a fake
// claude's MCP child traced by its stream log (its session killed before orch-top ever looked),
// claude-squad's a HUP-proof child of a session killed between two looks, agent-deck's a HUP-proof
// child traced by its own AGENTDECK_INSTANCE_ID (killed before any look). `orch-top --snapshot
// --json` with no flags lists each one's; `--reap` removes exactly those, never the active agents,
// the personal sessions, or a leftover whose AGENTDECK_INSTANCE_ID no state names.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/types.js';
import { alive, descendantsOf, ProcessPool, waitFor } from '../helpers/world.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'orch-top.js');
const FIX = join(import.meta.dirname, '..', 'fixtures');
const pool = new ProcessPool();
let dir: string;
let savedTmpdir: string | undefined;

// As in test/attack/servers-claude-evidence.test.ts: HUP-proof, a hook line then the init line, an MCP
// child carrying CLAUDE_CODE_SESSION_ID.
const FAKE_CLAUDE = `#!/bin/sh
trap '' HUP
SID=$(cat /proc/sys/kernel/random/uuid)
echo '{"type":"system","subtype":"hook_response","hook_name":"SessionStart:startup","session_id":"'$SID'"}'
echo '{"type":"system","subtype":"init","cwd":"/x","session_id":"'$SID'","tools":[],"mcp_servers":[],"permissionMode":"bypassPermissions","apiKeySource":"none"}'
CLAUDE_CODE_SESSION_ID=$SID CLAUDECODE=1 sh -c "trap '' HUP; exec sleep 600" &
wait
`;
const HUP_PROOF = `sh -c "trap '' HUP; exec sleep 600" & wait`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-all-'));
  savedTmpdir = process.env.TMUX_TMPDIR;
  // The fixtures' tmux calls (and their teardown) go to the private socket directory.
  process.env.TMUX_TMPDIR = join(dir, 'tmux');
  mkdirSync(process.env.TMUX_TMPDIR);
});
afterEach(() => pool.teardown());
afterAll(() => {
  if (savedTmpdir === undefined) delete process.env.TMUX_TMPDIR;
  else process.env.TMUX_TMPDIR = savedTmpdir;
  rmSync(dir, { recursive: true, force: true });
});

function orchTop(args: string[]) {
  return execa('node', [BIN, ...args], {
    reject: false,
    env: {
      NO_COLOR: '1',
      HOME: join(dir, 'home'),
      TMUX_TMPDIR: join(dir, 'tmux'),
      TMUX: '',
      XDG_CONFIG_HOME: join(dir, 'config'),
      XDG_DATA_HOME: join(dir, 'data'),
      XDG_STATE_HOME: join(dir, 'state'),
      CLAUDE_ORCHESTRATOR_WORKSPACE: '',
    },
    cwd: dir,
    timeout: 60_000,
  });
}
const look = async () => {
  const r = await orchTop(['--snapshot', '--json']);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Snapshot;
};

/** The orchestrator's workspace: its JSON registry, and the logs dir its deploy command tees to. */
function writeOrchestrator(home: string): string {
  const ws = join(home, '.claude-orchestrator', 'workspaces');
  mkdirSync(join(ws, 'registry'), { recursive: true });
  mkdirSync(join(ws, 'logs'));
  const started = new Date(Date.now() - 3_600_000).toISOString().slice(0, -1);
  const a = (session: string, status: string) => ({
    task_id: 'TASK-1',
    type: 'worker',
    parent: 'orchestrator',
    started_at: started,
    tmux_session: session,
    status,
  });
  const agents = { 'builder-1': a('agent_builder-1', 'running'), 'done-2': a('agent_done-2', 'completed'), 'mcp-3': a('agent_mcp-3', 'running') };
  writeFileSync(join(ws, 'registry', 'GLOBAL_REGISTRY.json'), JSON.stringify({ tasks: { 'TASK-1': { description: 't', status: 'INITIALIZED' } }, agents }));
  return ws;
}

/** claude-squad's state.json (session/storage.go InstanceData), as it saves it. */
function writeClaudeSquad(home: string): void {
  const row = (title: string, status: number) => ({
    title,
    path: '/home/user/repo',
    branch: `user/${title}`,
    status,
    height: 40,
    width: 120,
    created_at: new Date(Date.now() - 600_000).toISOString(),
    updated_at: new Date().toISOString(),
    auto_yes: false,
    program: 'claude',
    worktree: {
      repo_path: '/home/user/repo',
      worktree_path: '',
      session_name: title,
      branch_name: `user/${title}`,
      base_commit_sha: '0123abcd',
      is_existing_branch: false,
    },
    diff_stats: { added: 0, removed: 0, content: '' },
  });
  mkdirSync(join(home, '.claude-squad'), { recursive: true });
  const state = { help_screens_seen: 1, instances: [row('fixauth', 1), row('crashed', 0), row('leaky', 0)] };
  writeFileSync(join(home, '.claude-squad', 'state.json'), JSON.stringify(state, null, '  '));
}

const DECK = { work: '1a2b3c4d-1755870000', old: '5e6f7a8b-1755870100', gone: '9c0d1e2f-1755870200' };

/** agent-deck's state.db (the fixture's schema), its instances on -L deck. */
function writeAgentDeck(): void {
  const profile = join(dir, 'data', 'agent-deck', 'profiles', 'default');
  mkdirSync(profile, { recursive: true });
  const db = new Database(join(profile, 'state.db'));
  db.exec(readFileSync(join(FIX, 'agent-deck', 'schema.sql'), 'utf8'));
  db.exec('DELETE FROM instances');
  const ins = db.prepare(
    "INSERT INTO instances (id,title,project_path,tool,status,tmux_session,tmux_socket_name,created_at) VALUES (?,?,'/home/user/repo','claude',?,?,'deck',?)",
  );
  const created = Math.floor(Date.now() / 1000) - 600;
  ins.run(DECK.work, 'work', 'waiting', 'agentdeck_work_aaaa1111', created);
  ins.run(DECK.old, 'old', 'stopped', 'agentdeck_old_bbbb2222', created);
  ins.run(DECK.gone, 'gone', 'running', 'agentdeck_gone_cccc3333', created);
  db.close();
}

/** The one process under a pane whose environment carries `needle`. */
const carrying = (panePid: number, needle: string) =>
  descendantsOf(panePid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(needle) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep');
    } catch {
      return false;
    }
  });

it('with no flags, lists every manager’s agents, orphans and leaks on every server, and --reap removes exactly those', async () => {
  const home = join(dir, 'home');
  const ws = writeOrchestrator(home);
  writeClaudeSquad(home);
  writeAgentDeck();
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'claude'), FAKE_CLAUDE);
  chmodSync(join(bin, 'claude'), 0o755);
  const orch = pool.orchestrator('real_mcp_server.py', undefined, { env: { CLAUDE_ORCHESTRATOR_WORKSPACE: ws } }).pid!;

  const def = pool.adoptTmuxServer('default');
  const deck = pool.adoptTmuxServer('deck');
  // The active agents and the personal sessions, and claude-squad's agent that will leak. A cron
  // `--reap` looks (nothing to remove yet) and remembers the panes it saw.
  for (const s of ['agent_builder-1', 'claudesquad_fixauth', 'notes']) def.newSession(s);
  def.newSession('claudesquad_leaky', HUP_PROOF);
  for (const s of ['agentdeck_work_aaaa1111', 'scratch']) deck.newSession(s);
  const leakyPane = def.panePid('=claudesquad_leaky:');
  const leaky = await waitFor(() => carrying(leakyPane, '')[0], 5_000, "the leaky agent's child");
  pool.track(leaky);
  const early = await orchTop(['--reap']);
  expect(early.stderr).not.toMatch(/Error|at .*\.js/);
  expect(def.sessions()).toEqual(['agent_builder-1', 'claudesquad_fixauth', 'claudesquad_leaky', 'notes']);
  def.tmux('kill-session', '-t', '=claudesquad_leaky');

  // The orphans: the orchestrator's finished agent, claude-squad's crashed one (its pane dead, kept by
  // remain-on-exit), agent-deck's stopped one.
  def.newSession('agent_done-2');
  def.newSession('claudesquad_crashed');
  deck.newSession('agentdeck_old_bbbb2222');
  def.tmux('set-option', '-w', '-t', '=claudesquad_crashed:', 'remain-on-exit', 'on');
  process.kill(def.panePid('=claudesquad_crashed:'), 'SIGKILL');
  await waitFor(() => def.tmux('display-message', '-p', '-t', '=claudesquad_crashed:', '#{pane_dead}').trim() === '1', 5_000, 'the dead pane');

  // Killed before orch-top ever looks: the orchestrator's claude agent, agent-deck's, and a personal
  // session's child carrying an instance id no state names.
  def.newSession('agent_mcp-3', `PATH=${bin}:${process.env.PATH} sh -c 'echo prompt | claude | tee ${ws}/logs/mcp-3_stream.jsonl; sleep 600'`);
  deck.newSession('agentdeck_gone_cccc3333', `AGENTDECK_INSTANCE_ID=${DECK.gone} ${HUP_PROOF}`);
  deck.newSession('stray', `AGENTDECK_INSTANCE_ID=ffffffff-1755870300 ${HUP_PROOF}`);
  const panes = { mcp: def.panePid('=agent_mcp-3:'), gone: deck.panePid('=agentdeck_gone_cccc3333:'), stray: deck.panePid('=stray:') };
  const mcp = await waitFor(
    () => {
      const k = carrying(panes.mcp, 'CLAUDE_CODE_SESSION_ID=');
      return k.length === 1 && readFileSync(join(ws, 'logs', 'mcp-3_stream.jsonl'), 'utf8').includes('"init"') ? k[0] : null;
    },
    10_000,
    'the fake claude and its MCP child',
  );
  const fakeClaude = descendantsOf(panes.mcp).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('/claude'))!;
  const [gone, stray] = await waitFor(() => {
    const k = [carrying(panes.gone, 'AGENTDECK_INSTANCE_ID='), carrying(panes.stray, 'AGENTDECK_INSTANCE_ID=')];
    return k.every((x) => x.length === 1) ? k.map((x) => x[0]!) : null;
  }, 5_000);
  for (const p of [mcp, fakeClaude, gone!, stray!]) pool.track(p);
  def.tmux('kill-session', '-t', '=agent_mcp-3');
  deck.tmux('kill-session', '-t', '=agentdeck_gone_cccc3333');
  deck.tmux('kill-session', '-t', '=stray');
  await waitFor(() => ![leakyPane, panes.mcp, panes.gone, panes.stray].some(alive), 5_000, 'the killed panes to end');

  const snap = await look();
  const by = new Map(snap.sessions.map((s) => [s.name, s]));
  const row = (name: string) => {
    const s = by.get(name);
    return s && [s.source, s.server, s.status];
  };
  expect(row('agent_builder-1')).toEqual(['orchestrator', 'default', 'active']);
  expect(row('agent_done-2')).toEqual(['orchestrator', 'default', 'orphan']);
  expect(row('claudesquad_fixauth')).toEqual(['claude-squad', 'default', 'active']);
  expect(row('claudesquad_crashed')).toEqual(['claude-squad', 'default', 'orphan']);
  expect(row('agentdeck_work_aaaa1111')).toEqual(['agent-deck', '-L deck', 'active']);
  expect(row('agentdeck_old_bbbb2222')).toEqual(['agent-deck', '-L deck', 'orphan']);
  expect(by.has('notes') || by.has('scratch')).toBe(false);
  expect(snap.sessions).toHaveLength(6);
  expect(by.get('agent_builder-1')!.ownedBy).toBe(orch);

  const leaked = new Map(snap.leaked.map((l) => [l.pid, l]));
  expect(leaked.get(mcp)).toMatchObject({ agentId: 'mcp-3', sessionName: 'agent_mcp-3' });
  expect(leaked.get(fakeClaude)).toMatchObject({ agentId: 'mcp-3' });
  expect(leaked.get(leaky)).toMatchObject({ sessionName: 'claudesquad_leaky', server: 'default' });
  expect(leaked.get(gone!)).toMatchObject({ agentId: DECK.gone, sessionName: 'agentdeck_gone_cccc3333', server: '-L deck' });
  expect(leaked.get(gone!)!.reason).toMatch(/AGENTDECK_INSTANCE_ID names agent-deck instance/);
  expect(leaked.has(stray!)).toBe(false);
  expect(snap.strays.map((s) => s.pid)).toContain(stray);
  // The states still say running for the three killed agents: ghosts, each with its source.
  expect(snap.ghosts.map((g) => [g.tmuxSession, g.source]).sort()).toEqual([
    ['agent_mcp-3', 'orchestrator'],
    ['agentdeck_gone_cccc3333', 'agent-deck'],
    ['claudesquad_leaky', 'claude-squad'],
  ]);

  const reap = await orchTop(['--reap']);
  expect(reap.stderr).not.toMatch(/Error|at .*\.js/);
  await waitFor(() => ![mcp, fakeClaude, leaky, gone!].some(alive), 10_000, 'the leftovers to be gone');
  expect(def.sessions()).toEqual(['agent_builder-1', 'claudesquad_fixauth', 'notes']);
  expect(deck.sessions()).toEqual(['agentdeck_work_aaaa1111', 'scratch']);
  expect(alive(stray!)).toBe(true);
  expect(alive(orch)).toBe(true);
});
