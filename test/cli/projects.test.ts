// The orchestrator as it runs today, end to end: its SQLite state copied from the real fixture, found
// through its global registry with no --workspace flag, sessions named as its agents on a private
// tmux server, one orchestrator per project, recorded pids, and --reap removing exactly what it may.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/types.js';
import { copyFixture } from '../helpers/fixtures.js';
import { ProcessPool, alive, waitFor, type TmuxServerFixture } from '../helpers/world.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'orch-top.js');
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'real-state');
const A = {
  running: 'investigator-101502-3f9a1c',
  working: 'builder-101610-8e2d44',
  reviewing: 'reviewer-102201-c0ffee',
  completed: 'tester-101733-5b6a7d',
  failed: 'fixer-101802-77aa01',
  killed: 'builder-101905-deadbe',
};
const session = (id: string) => `agent_${id}`;

const pool = new ProcessPool();
let dir: string;
let home: string;
let ws: string;
let server: TmuxServerFixture;
// A pattern no other test's processes match, so parallel test files never see each other's orchestrators.
const MATCH = `fake_orchestrator_projects_${process.pid}`;

const copy = copyFixture;
/** Read-write access to a copy: the test plays the orchestrator. */
function write(path: string, fn: (db: Database.Database) => void) {
  const db = new Database(path);
  try {
    db.pragma('foreign_keys = OFF');
    fn(db);
  } finally {
    db.close();
  }
}
const statePath = (w: string) => join(w, 'registry', 'state.sqlite3');

/** A second project: the fixture's state with every agent id given another suffix. */
function secondProject(name: string): string {
  const w = join(dir, name, '.agent-workspace');
  copy(join(FIXTURE, '.agent-workspace'), w);
  write(statePath(w), (db) => {
    db.exec(`UPDATE agents SET agent_id = agent_id || '-${name}', tmux_session = tmux_session || '-${name}'`);
  });
  return w;
}

function orchTop(args: string[], env: NodeJS.ProcessEnv = {}) {
  return execa('node', [BIN, ...args], {
    reject: false,
    env: { NO_COLOR: '1', HOME: home, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), CLAUDE_ORCHESTRATOR_WORKSPACE: '', ...env },
    cwd: dir,
    timeout: 30_000,
  });
}
const snapshotOf = async (args: string[] = []) => {
  const r = await orchTop(['--snapshot', '--json', '-L', server.socketName, '--orchestrator-match', MATCH, ...args]);
  return { r, snap: JSON.parse(r.stdout) as Snapshot };
};
/** A fake orchestrator serving `workspace` (its environment says so, as the real one's does). */
function orchestrator(workspace: string | null) {
  const cp = pool.orchestrator(MATCH, undefined, {
    env: workspace ? { CLAUDE_ORCHESTRATOR_WORKSPACE: workspace } : { CLAUDE_ORCHESTRATOR_WORKSPACE: '' },
  });
  return waitFor(() => (readFileSync(`/proc/${cp.pid}/cmdline`, 'utf8').includes(MATCH) ? cp.pid! : null), 3000, 'the fake orchestrator');
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-projects-'));
  home = join(dir, 'home');
  copy(join(FIXTURE, 'home'), home);
  ws = join(dir, 'payments', '.agent-workspace');
  copy(join(FIXTURE, '.agent-workspace'), ws);
  // The global registry lists the copy (the fixture's row names /tmp/orch-top-real-state).
  write(join(home, '.claude-orchestrator', 'global_registry.sqlite3'), (db) => {
    db.prepare('UPDATE task_index SET workspace_base = ?').run(ws);
    db.prepare("UPDATE known_workspaces SET workspace_base = ?, client_cwd = ?, project_name = 'payments'").run(ws, join(dir, 'payments'));
  });
  server = pool.tmuxServer('proj');
});
afterEach(async () => {
  await pool.teardown();
  rmSync(dir, { recursive: true, force: true });
});
afterAll(() => pool.teardown());

describe("today's orchestrator (SQLite state, global registry)", () => {
  it('with no --workspace, finds the project through the global registry and judges its sessions', async () => {
    for (const id of [A.running, A.completed, A.failed, A.killed]) server.newSession(session(id), 'sleep 600');
    server.newSession('agent_personal-notes', 'sleep 600'); // an agent_… session no state names
    await orchestrator(ws);
    const { r, snap } = await snapshotOf();
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    expect(snap.workspaces).toEqual([{ path: ws, project: 'payments', how: 'global-registry', readable: true, error: null, agents: 6 }]);
    expect(snap.orchestrators).toHaveLength(1);
    expect(snap.orchestrators[0]).toMatchObject({ workspace: ws, placedBy: 'env', project: 'payments' });

    const byName = new Map(snap.sessions.map((s) => [s.name, s]));
    expect([...byName.keys()].sort()).toEqual([A.completed, A.failed, A.killed, A.running].map(session).sort());
    for (const [id, status] of [
      [A.completed, 'completed'],
      [A.failed, 'failed'],
      [A.killed, 'killed'],
    ] as const) {
      expect(byName.get(session(id))).toMatchObject({
        status: 'orphan',
        reasons: ['terminal-status'],
        reason: `registry says ${status}`,
        registryStatus: status,
        registrySource: 'sqlite',
        project: 'payments',
        agentId: id,
        taskId: 'TASK-20261125-101500-a1b2c3d4',
      });
    }
    expect(byName.get(session(A.running))).toMatchObject({ status: 'active', registryStatus: 'running', ownedBy: snap.orchestrators[0]!.pid });
    // Active agents without a session are ghosts; the personal agent_… session is not ours.
    expect(snap.ghosts.map((g) => [g.agentId, g.registryStatus, g.registrySource, g.project])).toEqual([
      [A.working, 'working', 'sqlite', 'payments'],
      [A.reviewing, 'reviewing', 'sqlite', 'payments'],
    ]);
    expect(snap.tmux[0]!.otherSessions).toBe(1);
    expect(snap.summary).toMatchObject({ sessions: 4, orphans: 3, ghosts: 2 });
  });

  it('an agent_… session no state names is selected only by a prefix', async () => {
    server.newSession('agent_personal-notes', 'sleep 600');
    const plain = await snapshotOf();
    expect(plain.snap.sessions).toEqual([]);
    const prefixed = await snapshotOf(['--prefix', 'agent_']);
    expect(prefixed.snap.sessions.map((s) => [s.name, s.reason])).toEqual([['agent_personal-notes', 'orchestrator not running; not in any registry']]);
  });

  it("one orchestrator per project: a live server of project A never makes B's sessions look owned", async () => {
    const wsB = secondProject('billing');
    server.newSession(session(A.running), 'sleep 600');
    server.newSession(session(`${A.running}-billing`), 'sleep 600');
    const orchA = await orchestrator(ws);
    const { snap } = await snapshotOf(['--workspace', ws, '--workspace', wsB]);
    const a = snap.sessions.find((s) => s.name === session(A.running))!;
    const b = snap.sessions.find((s) => s.name === session(`${A.running}-billing`))!;
    expect(a).toMatchObject({ status: 'active', ownedBy: orchA, project: 'payments' });
    expect(b).toMatchObject({ status: 'orphan', reasons: ['orchestrator-down'], project: 'billing', ownedBy: null });
    // B's server starts: now both are owned, each by its own.
    const orchB = await orchestrator(wsB);
    const both = await snapshotOf(['--workspace', ws, '--workspace', wsB]);
    expect(both.snap.orchestrators.map((o) => [o.pid, o.project]).sort()).toEqual(
      [
        [orchA, 'payments'],
        [orchB, 'billing'],
      ].sort(),
    );
    expect(both.snap.sessions.map((s) => [s.name, s.status, s.ownedBy]).sort()).toEqual(
      [
        [session(A.running), 'active', orchA],
        [session(`${A.running}-billing`), 'active', orchB],
      ].sort(),
    );
  });

  it('recorded claude_pid attributes a process that outlived its session; a pid older than its agent is not attributed', async () => {
    const older = pool.spawn('sleep', ['600']).pid!; // started before the agent: a reused pid, not its process
    await waitFor(() => alive(older), 2000);
    const survivor = pool.spawn('sleep', ['601']).pid!;
    const future = new Date(Date.now() + 3_600_000);
    const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, -1);
    write(statePath(ws), (db) => {
      // It ended after the survivor started: inside the agent's life (an agent with no end and a session
      // never seen gives no bound, so its recorded pid would be no evidence).
      db.prepare('UPDATE agents SET claude_pid = ?, started_at = ?, completed_at = ? WHERE agent_id = ?').run(
        survivor,
        local(new Date(Date.now() - 60_000)),
        local(new Date(Date.now() + 1_000)),
        A.failed,
      );
      db.prepare('UPDATE agents SET claude_pid = ?, started_at = ? WHERE agent_id = ?').run(older, local(future), A.killed);
    });
    server.newSession('scratch', 'sleep 600');
    const { snap } = await snapshotOf();
    expect(snap.leaked.map((l) => [l.pid, l.agentId])).toEqual([[survivor, A.failed]]);
    expect(snap.leaked[0]!.reason).toBe(`recorded as claude_pid of agent ${A.failed}, whose session ${session(A.failed)} is gone`);
    expect(snap.strays.map((s) => s.pid)).not.toContain(older);

    // --reap removes exactly that; the older process and the ghosts stay, and a ghost is not a failure.
    const r = await orchTop(['--reap', '--json', '--grace', '1s', '-L', server.socketName, '--orchestrator-match', MATCH]);
    expect(r.stderr).toBe('');
    const rep = JSON.parse(r.stdout) as Snapshot & { results: { target: { pid?: number }; outcome: string }[]; left: { what: string }[] };
    expect(rep.results.map((x) => [x.target.pid, x.outcome])).toEqual([[survivor, 'exited']]);
    expect(alive(survivor)).toBe(false);
    expect(alive(older)).toBe(true);
    expect(rep.summary.ghosts).toBe(3); // running, working, reviewing: no sessions
    expect(rep.left.filter((l) => l.what.startsWith('ghost agent'))).toHaveLength(3);
    expect(r.exitCode).toBe(0);
  });

  it('--reap removes exactly the orphans and leaks of the project, and nothing of the other sessions', async () => {
    for (const id of [A.running, A.completed, A.failed]) server.newSession(session(id), 'sleep 600');
    server.newSession('scratch', 'sleep 600');
    await orchestrator(ws);
    const r = await orchTop(['--reap', '--grace', '1s', '-L', server.socketName, '--orchestrator-match', MATCH]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(server.sessions()).toEqual([session(A.running), 'scratch'].sort());
    expect(r.stdout).toMatch(/ghost agent builder-101610-8e2d44/);
  });

  it('a locked state database never lets a stale JSON registry make --reap kill a live agent', async () => {
    // SQLite (today) says running; the JSON an older version left says completed.
    mkdirSync(join(ws, 'registry'), { recursive: true });
    writeFileSync(
      join(ws, 'registry', 'GLOBAL_REGISTRY.json'),
      JSON.stringify({ agents: { [A.running]: { task_id: 'TASK-20261125-101500-a1b2c3d4', status: 'completed', tmux_session: session(A.running) } } }),
    );
    write(statePath(ws), (db) => db.pragma('journal_mode = DELETE')); // a writer's lock blocks readers only without WAL
    server.newSession(session(A.running), 'sleep 600');
    const pane = server.panePid(`=${session(A.running)}:`);
    await orchestrator(ws);
    const unlocked = await snapshotOf();
    expect(unlocked.snap.sessions.find((s) => s.name === session(A.running))).toMatchObject({
      status: 'active',
      registryStatus: 'running',
      registrySource: 'sqlite',
    });
    const holder = new Database(statePath(ws));
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const locked = await snapshotOf();
      expect(locked.snap.workspaces[0]!.error).toBe(`${statePath(ws)}: database is locked`);
      // Only the JSON was read: it says completed, but a registry read in part is not believed.
      expect(locked.snap.sessions.find((s) => s.name === session(A.running))).toMatchObject({
        status: 'active',
        registryStatus: 'completed',
        registrySource: 'json',
      });
      const r = await orchTop(['--reap', '--grace', '1s', '-L', server.socketName, '--orchestrator-match', MATCH]);
      expect(r.stdout).toContain('nothing to do');
      expect(alive(pane)).toBe(true);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('a broken world is one line per workspace, never a crash and never exit 2', async () => {
    const corrupt = join(dir, 'corrupt');
    mkdirSync(join(corrupt, 'registry'), { recursive: true });
    writeFileSync(statePath(corrupt), 'this is not a database, it is text');
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const noTable = join(dir, 'newer-schema');
    mkdirSync(join(noTable, 'registry'), { recursive: true });
    write(statePath(noTable), (db) => db.exec('CREATE TABLE agents_v2 (id TEXT)'));
    const locked = join(dir, 'locked');
    mkdirSync(join(locked, 'registry'), { recursive: true });
    write(statePath(locked), (db) => {
      db.pragma('journal_mode = DELETE');
      db.exec("CREATE TABLE agents (agent_id TEXT, status TEXT, tmux_session TEXT); INSERT INTO agents VALUES ('a', 'running', 'agent_a')");
    });
    const holder = new Database(statePath(locked));
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const { r, snap } = await snapshotOf(['--workspace', corrupt, '--workspace', file, '--workspace', noTable, '--workspace', locked, '--workspace', ws]);
      expect(r.exitCode).not.toBe(2);
      const err = new Map(snap.workspaces.map((w) => [w.path, w.error]));
      expect(err.get(corrupt)).toBe(`${statePath(corrupt)}: file is not a database`);
      expect(err.get(file)).toBe(`workspace ${file}: is not a directory`);
      expect(err.get(noTable)).toMatch(new RegExp(`^${statePath(noTable)}: no agents table`));
      expect(err.get(locked)).toBe(`${statePath(locked)}: database is locked`);
      expect(err.get(ws)).toBeNull();
      for (const e of snap.workspaces.map((w) => w.error).filter(Boolean)) expect(e).not.toContain('\n');
      // The good workspace still counts: its agents are there (three ghosts with no sessions).
      expect(snap.ghosts.length).toBe(3);
      const text = await orchTop(['--snapshot', '-L', server.socketName, '--orchestrator-match', MATCH, '--workspace', locked, '--workspace', ws]);
      expect(text.stdout).toContain('database is locked');
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });
});
