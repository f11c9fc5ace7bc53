// The demo sandbox, checked with independent tools (tmux, ps, /proc, the registry files): every
// behaviour really exists after startDemo(), and nothing of it exists after stop() or after an
// interrupted process that installed installDemoCleanup(). Real tmux, real processes; run
// `npm run build` first (the sandbox runs dist/demo/*.js).
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSqliteState } from '../../src/collectors/registry-sqlite.js';
import { readWorkspace } from '../../src/collectors/workspaces.js';
import { startDemo, type DemoSandbox } from '../../src/demo/sandbox.js';
import { alive, procState, sleep, waitFor } from '../helpers/world.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE_DIR = `${ROOT}test/fixtures/real-workspace`;
const DIST_SANDBOX = `${ROOT}dist/demo/sandbox.js`;
const STATE_FIXTURE_FILE = `${ROOT}test/fixtures/real-state/.agent-workspace/registry/state.sqlite3`;

/** The SQLite workspace's own temp dir: <tmp>/orch-top-demo-sqlite-XXXXXX/checkout-service/.agent-workspace. */
const sqliteRootOf = (sqliteWorkspace: string) => dirname(dirname(sqliteWorkspace));

function assertBuilt(): void {
  for (const name of ['agent', 'orchestrator', 'sandbox', 'sqlite-state']) {
    const src = `${ROOT}src/demo/${name}.ts`;
    const out = `${ROOT}dist/demo/${name}.js`;
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) {
      throw new Error(`${out} is missing or older than ${src}: run \`npm run build\` first`);
    }
  }
}

interface PsRow {
  pid: number;
  ppid: number;
  stat: string;
  args: string;
}
function ps(): PsRow[] {
  return execFileSync('ps', ['-ww', '-eo', 'pid=,ppid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s*(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), stat: m[3]!, args: m[4]! }));
}

function tmux(socket: string, ...args: string[]): { ok: boolean; out: string; err: string } {
  try {
    const out = execFileSync('tmux', ['-L', socket, ...args], {
      encoding: 'utf8',
      env: { ...process.env, TMUX: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 5_000,
    });
    return { ok: true, out, err: '' };
  } catch (e) {
    return { ok: false, out: '', err: String((e as { stderr?: string }).stderr ?? e) };
  }
}

const status = (pid: number) => readFileSync(`/proc/${pid}/status`, 'utf8');
const sigMask = (pid: number, name: 'SigIgn' | 'SigCgt') => BigInt(`0x${new RegExp(`^${name}:\\s*([0-9a-f]+)`, 'm').exec(status(pid))![1]}`);
const environ = (pid: number) =>
  Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
  );
const fdCount = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

interface Footprint {
  socket: string;
  workspace: string;
  /** The SQLite workspace's temp dir. */
  sqliteRoot: string;
  serverPid: number | null;
  pids: number[];
  /** pid -> start time, so "gone" is not fooled by a reused pid. */
  starts: Map<number, string>;
  zombies: number[];
}
const startTime = (pid: number) => {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
};

/** Everything of a sandbox that is visible from outside: by socket, workspace and agent ids in argv. */
function footprint(d: Pick<DemoSandbox, 'socketName' | 'workspace' | 'sqliteWorkspace' | 'agents' | 'orchestratorPid'>): Footprint {
  const rows = ps();
  const marks = [d.socketName, d.workspace, ...d.agents.map((a) => a.agentId), '--agent stray'];
  const server = tmux(d.socketName, 'display-message', '-p', '#{pid}');
  const serverPid = server.ok ? Number(server.out.trim()) : null;
  const pids = new Set<number>([d.orchestratorPid]);
  for (const r of rows) if (marks.some((m) => r.args.includes(m))) pids.add(r.pid);
  if (serverPid) pids.add(serverPid);
  // and every descendant (tail in scratch, the zombies)
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rows) if (pids.has(r.ppid) && !pids.has(r.pid) && r.ppid !== 1) pids.add(r.pid), (grew = true);
  }
  const zombies = rows.filter((r) => r.stat.startsWith('Z') && pids.has(r.ppid)).map((r) => r.pid);
  const starts = new Map([...pids].map((p) => [p, startTime(p) ?? '']));
  return { socket: d.socketName, workspace: d.workspace, sqliteRoot: sqliteRootOf(d.sqliteWorkspace), serverPid, pids: [...pids], starts, zombies };
}

async function expectGone(f: Footprint): Promise<void> {
  expect(tmux(f.socket, 'list-sessions').ok).toBe(false);
  expect(existsSync(`/tmp/tmux-${process.getuid?.() ?? 0}/${f.socket}`)).toBe(false);
  expect(existsSync(f.workspace)).toBe(false);
  expect(existsSync(dirname(dirname(f.workspace)))).toBe(false); // the JSON project's temp dir
  expect(existsSync(f.sqliteRoot)).toBe(false);
  // Dead processes may linger as zombies of init for a moment (it reaps lazily here): poll.
  await waitFor(() => f.pids.every((p) => !alive(p)), 5_000, `all of ${f.pids.join(' ')} dead`);
  // ... and reaped, by us, by the zombie maker, or by init.
  await waitFor(() => f.pids.every((p) => startTime(p) !== f.starts.get(p)), 5_000, `all of ${f.pids.join(' ')} reaped`);
  await waitFor(
    () => !ps().some((r) => r.stat.startsWith('Z') && (f.pids.includes(r.ppid) || f.zombies.includes(r.pid))),
    5_000,
    'no zombie left by the sandbox',
  );
  expect(ps().some((r) => r.args.includes(f.socket) || r.args.includes(f.workspace))).toBe(false);
}

describe('orch-top --demo sandbox', () => {
  let demo: DemoSandbox;
  let startedIn = 0;
  // The misbehaving agents are the JSON workspace's; the SQLite workspace reuses some behaviours.
  const byBehaviour = (b: string) => demo.agents.find((a) => a.registry === 'json' && a.behaviour === b)!;
  const jsonAgents = () => demo.agents.filter((a) => a.registry === 'json');

  beforeAll(async () => {
    assertBuilt();
    const t = Date.now();
    demo = await startDemo();
    await demo.crash();
    startedIn = Date.now() - t;
  });
  afterAll(async () => {
    await demo?.stop();
  });

  it('starts quickly, on a private socket, with one agent of each behaviour', () => {
    expect(startedIn).toBeLessThan(3_000);
    expect(demo.socketName).toMatch(/^orch-top-demo-\d+-[0-9a-f]+$/);
    expect(demo.server).toEqual({ socketName: demo.socketName });
    expect(demo.prefix).toBe('claude-agent-');
    expect(demo.notes).toEqual([]); // perl is present here
    expect(
      jsonAgents()
        .map((a) => a.behaviour)
        .sort(),
    ).toEqual(['crashed-leaker', 'fd-leaker', 'ghost', 'healthy', 'hup-ignorer', 'lingering-finished', 'zombie-parent'].sort());
    expect(demo.agents.filter((a) => a.registry === 'sqlite').map((a) => [a.behaviour, a.registryStatus])).toEqual([
      ['lingering-finished', 'phase_completed'],
      ['healthy', 'reviewing'],
      ['ghost', 'blocked'],
    ]);
    expect(demo.workspaces).toEqual([demo.workspace, demo.sqliteWorkspace]);
    for (const a of demo.agents) expect(a.workspace).toBe(a.registry === 'json' ? demo.workspace : demo.sqliteWorkspace);
    for (const a of demo.agents) {
      expect(a.agentId).toMatch(/^[a-z_]+-\d{6}-[0-9a-f]{6}$/);
      expect(a.session).toBe(`agent_${a.agentId}`);
    }
  });

  it('writes the registry in the real orchestrator format, listing every agent', () => {
    const global = JSON.parse(readFileSync(`${demo.workspace}/registry/GLOBAL_REGISTRY.json`, 'utf8'));
    const realGlobal = JSON.parse(readFileSync(`${FIXTURE_DIR}/registry/GLOBAL_REGISTRY.json`, 'utf8'));
    expect(Object.keys(global)).toEqual(Object.keys(realGlobal));
    expect(Object.keys(global.tasks)).toEqual([demo.taskId]);
    expect(demo.taskId).toMatch(/^TASK-\d{8}-\d{6}-[0-9a-f]{8}$/);
    expect(Object.keys(global.tasks[demo.taskId]).sort()).toEqual(Object.keys(Object.values(realGlobal.tasks)[0] as object).sort());
    const realAgentKeys = new Set([...Object.values(realGlobal.agents).flatMap((a) => Object.keys(a as object)), 'terminated_at', 'termination_reason']);
    for (const a of jsonAgents()) {
      const g = global.agents[a.agentId];
      expect(g, a.agentId).toBeDefined();
      expect(g.status).toBe(a.registryStatus);
      expect(g.tmux_session).toBe(a.session);
      expect(g.task_id).toBe(demo.taskId);
      for (const k of Object.keys(g)) expect(realAgentKeys.has(k), k).toBe(true);
    }
    expect(global.total_agents_spawned).toBe(jsonAgents().length);
    for (const a of demo.agents.filter((x) => x.registry === 'sqlite')) expect(global.agents[a.agentId], a.agentId).toBeUndefined();
    expect(global.active_agents).toBe(4); // zombie-parent, fd-leaker, healthy, ghost

    const taskFile = `${demo.workspace}/${demo.taskId}/AGENT_REGISTRY.json`;
    const task = JSON.parse(readFileSync(taskFile, 'utf8'));
    const realTaskDir = readdirSync(FIXTURE_DIR).find((n) => n.startsWith('TASK-20251017-215604'))!;
    const realTask = JSON.parse(readFileSync(`${FIXTURE_DIR}/${realTaskDir}/AGENT_REGISTRY.json`, 'utf8'));
    expect(Object.keys(task)).toEqual(Object.keys(realTask));
    expect(task.workspace).toBe(`${demo.workspace}/${demo.taskId}`);
    expect(task.workspace_base).toBe(demo.workspace);
    expect(task.active_count).toBe(4);
    expect(task.agent_hierarchy.orchestrator).toEqual(jsonAgents().map((a) => a.agentId));
    const realEntryKeys = new Set([...realTask.agents.flatMap((a: object) => Object.keys(a)), 'terminated_at', 'termination_reason']);
    expect(task.agents.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual(jsonAgents().map((a) => [a.agentId, a.registryStatus]));
    for (const entry of task.agents) for (const k of Object.keys(entry)) expect(realEntryKeys.has(k), k).toBe(true);
    // Atomic writes leave no temp files behind.
    expect(readdirSync(`${demo.workspace}/${demo.taskId}`).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it('has the agent sessions, the stray and scratch, and neither the ghost nor the crashed agent session', () => {
    const names = tmux(demo.socketName, 'list-sessions', '-F', '#{session_name}').out.split('\n').filter(Boolean).sort();
    const expected = [
      ...demo.agents.filter((a) => a.behaviour !== 'ghost' && a.behaviour !== 'crashed-leaker').map((a) => a.session!),
      'claude-agent-stray',
      'scratch',
    ].sort();
    expect(names).toEqual(expected);
    expect(byBehaviour('ghost').sessionId).toBeNull();
    expect(byBehaviour('crashed-leaker').sessionId).toBeNull();
  });

  it('runs the orchestrator detached, recognisable, with CLAUDE_ORCHESTRATOR_WORKSPACE', () => {
    const row = ps().find((r) => r.pid === demo.orchestratorPid)!;
    expect(row).toBeDefined();
    expect(row.args).toContain('orchestrator');
    expect(row.args).toContain(`--workspace ${demo.workspace}`);
    expect(alive(demo.orchestratorPid)).toBe(true);
    expect(environ(demo.orchestratorPid).CLAUDE_ORCHESTRATOR_WORKSPACE).toBe(demo.workspace);
    // its own process group and session (fields 5 and 6 of stat)
    const stat = readFileSync(`/proc/${demo.orchestratorPid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    expect(Number(f[2])).toBe(demo.orchestratorPid);
    expect(Number(f[3])).toBe(demo.orchestratorPid);
  });

  it('puts the agent id in the command line of every process of every agent', () => {
    const rows = ps();
    for (const a of demo.agents.filter((x) => x.pid !== null)) {
      const tree = new Set([a.pid!]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const r of rows) if (tree.has(r.ppid) && !tree.has(r.pid)) tree.add(r.pid), (grew = true);
      }
      for (const r of rows.filter((x) => tree.has(x.pid) && !x.stat.startsWith('Z'))) expect(r.args, a.behaviour).toContain(a.agentId);
    }
  });

  it('keeps 3 zombies under the perl zombie maker of the zombie-parent agent', () => {
    const z = byBehaviour('zombie-parent');
    const rows = ps();
    const parent = rows.find((r) => r.pid === z.pid)!;
    expect(parent.args).toMatch(/^perl /);
    expect(parent.args).toContain(z.agentId);
    const zombies = rows.filter((r) => r.ppid === z.pid && r.stat.startsWith('Z'));
    expect(zombies).toHaveLength(3);
    for (const r of zombies) expect(procState(r.pid)).toBe('Z');
  });

  it('has a hup-ignorer whose shell ignores SIGHUP and whose two children survive one', async () => {
    const h = byBehaviour('hup-ignorer');
    expect(sigMask(h.pid!, 'SigIgn') & 1n).toBe(1n); // trap '' HUP
    const kids = ps().filter((r) => r.ppid === h.pid);
    expect(kids).toHaveLength(2);
    for (const k of kids) {
      expect(k.args).toContain(`--agent ${h.agentId} --behaviour child`);
      // node resets inherited SIG_IGN at startup, so the children catch SIGHUP and do nothing with it
      expect((sigMask(k.pid, 'SigIgn') | sigMask(k.pid, 'SigCgt')) & 1n).toBe(1n);
    }
    for (const k of kids) process.kill(k.pid, 'SIGHUP');
    await sleep(300);
    for (const k of kids) expect(alive(k.pid)).toBe(true);
  });

  it('has an fd leaker whose descriptor count rises', async () => {
    const pid = byBehaviour('fd-leaker').pid!;
    const before = fdCount(pid);
    await sleep(1_100);
    const after = fdCount(pid);
    expect(after - before).toBeGreaterThanOrEqual(2);
  });

  it('keeps the orchestrator descriptor count steady', async () => {
    const before = fdCount(demo.orchestratorPid);
    await sleep(500);
    expect(fdCount(demo.orchestratorPid)).toBe(before);
  });

  it('leaks the crashed agent survivor: alive, HUP-proof, TMUX naming this server and a pane that is gone', () => {
    const c = byBehaviour('crashed-leaker');
    const row = ps().find((r) => r.pid === c.pid)!;
    expect(row.args).toContain(`--agent ${c.agentId} --behaviour survivor`);
    expect(alive(c.pid!)).toBe(true);
    const env = environ(c.pid!);
    const server = tmux(demo.socketName, 'display-message', '-p', '#{socket_path},#{pid}').out.trim();
    expect(env.TMUX?.startsWith(`${server},`)).toBe(true);
    expect(env.TMUX_PANE).toMatch(/^%\d+$/);
    const panes = tmux(demo.socketName, 'list-panes', '-a', '-F', '#{pane_id}').out.split('\n').filter(Boolean);
    expect(panes.length).toBeGreaterThan(0);
    expect(panes).not.toContain(env.TMUX_PANE);
    // re-parented away from the (dead) pane shell: not a child of the tmux server any more
    expect(row.ppid).not.toBe(Number(server.split(',').pop()));
  });

  it('stop() leaves nothing behind, and a second stop() is fine', async () => {
    const f = footprint(demo);
    expect(f.serverPid).not.toBeNull();
    expect(f.zombies).toHaveLength(3);
    expect(f.pids.length).toBeGreaterThanOrEqual(12);
    await demo.stop();
    await expectGone(f);
    await demo.stop();
  });
});

describe('orch-top --demo on a machine without perl', () => {
  it('skips the zombie agent and says so', async () => {
    assertBuilt();
    const demo = await startDemo({ perl: '/nonexistent/perl' });
    try {
      expect(demo.notes).toEqual([expect.stringMatching(/^perl not found.*no zombie agent/)]);
      expect(demo.agents.map((a) => a.behaviour)).not.toContain('zombie-parent');
      expect(demo.agents.filter((a) => a.registry === 'json')).toHaveLength(6);
      expect(demo.agents.filter((a) => a.registry === 'sqlite')).toHaveLength(3);
      const global = JSON.parse(readFileSync(`${demo.workspace}/registry/GLOBAL_REGISTRY.json`, 'utf8'));
      expect(Object.keys(global.agents)).toHaveLength(6);
      expect(ps().some((r) => r.args.startsWith('perl') && demo.agents.some((a) => r.args.includes(a.agentId)))).toBe(false);
    } finally {
      const f = footprint(demo);
      await demo.stop();
      await expectGone(f);
    }
  });
});

describe("orch-top --demo's workspace in today's format (SQLite)", () => {
  let demo: DemoSandbox;
  const sqliteAgents = () => demo.agents.filter((a) => a.registry === 'sqlite');
  const byStatus = (status: string) => sqliteAgents().find((a) => a.registryStatus === status)!;
  type MasterRow = { type: string; name: string; tbl_name: string; sql: string | null };
  const master = (path: string) => {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid').all() as MasterRow[];
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    assertBuilt();
    demo = await startDemo();
    await demo.crash();
  });
  afterAll(async () => {
    await demo?.stop();
  });

  it('is a workspace of its own project, each project in a temp dir of its own', () => {
    const ws = demo.sqliteWorkspace;
    expect(basename(ws)).toBe('.agent-workspace');
    expect(basename(dirname(ws))).toBe('checkout-service');
    expect(basename(sqliteRootOf(ws))).toMatch(/^orch-top-demo-sqlite-/);
    expect(basename(dirname(demo.workspace))).toBe('payments-api');
    expect(basename(demo.workspace)).toBe('.agent-workspace');
    expect(dirname(sqliteRootOf(ws))).toBe(dirname(dirname(dirname(demo.workspace))));
    expect(statSync(`${ws}/registry/state.sqlite3`).isFile()).toBe(true);
    expect(statSync(`${ws}/${demo.sqliteTaskId}`).isDirectory()).toBe(true);
    expect(demo.sqliteTaskId).toMatch(/^TASK-\d{8}-\d{6}-[0-9a-f]{8}$/);
    expect(demo.sqliteTaskId).not.toBe(demo.taskId);
    // Today's format only: no JSON registry beside it.
    expect(existsSync(`${ws}/registry/GLOBAL_REGISTRY.json`)).toBe(false);
    expect(existsSync(`${ws}/${demo.sqliteTaskId}/AGENT_REGISTRY.json`)).toBe(false);
  });

  it('writes state.sqlite3 with the real orchestrator schema, in WAL mode, closed cleanly', () => {
    const path = `${demo.sqliteWorkspace}/registry/state.sqlite3`;
    // Before anyone opens it: no -wal/-shm left by the writer, and the header says WAL (bytes 18-19 = 2).
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(existsSync(`${path}-shm`)).toBe(false);
    const header = Buffer.alloc(20);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, header, 0, 20, 0);
    } finally {
      closeSync(fd);
    }
    expect(header.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    expect([header[18], header[19]]).toEqual([2, 2]);
    // The fixture is copied first: opening a WAL database creates files beside it, even read-only.
    const tmp = mkdtempSync(join(tmpdir(), 'orch-top-demo-test-'));
    try {
      copyFileSync(STATE_FIXTURE_FILE, `${tmp}/state.sqlite3`);
      const real = master(`${tmp}/state.sqlite3`);
      expect(real.length).toBeGreaterThan(10);
      expect(master(path)).toEqual(real);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const task = db.prepare('SELECT * FROM tasks').all() as Record<string, unknown>[];
      expect(task).toHaveLength(1);
      expect(task[0]).toMatchObject({
        task_id: demo.sqliteTaskId,
        workspace: `${demo.sqliteWorkspace}/${demo.sqliteTaskId}`,
        workspace_base: demo.sqliteWorkspace,
        client_cwd: dirname(demo.sqliteWorkspace),
        status: 'INITIALIZED',
      });
      const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
      const rows = db.prepare('SELECT * FROM agents ORDER BY started_at').all() as Record<string, unknown>[];
      expect(rows.map((r) => [r.agent_id, r.status, r.tmux_session, r.task_id])).toEqual(
        sqliteAgents().map((a) => [a.agentId, a.registryStatus, a.session, demo.sqliteTaskId]),
      );
      for (const r of rows) {
        expect(r.started_at).toMatch(iso);
        expect(r.last_update).toMatch(iso);
        if (r.status === 'phase_completed') expect(r.completed_at).toMatch(iso);
        else expect(r.completed_at).toBeNull();
        expect(r.claude_pid).toBeNull(); // the orchestrator does not fill them yet
      }
    } finally {
      db.close();
    }
  });

  it('is read by readSqliteState and readWorkspace: three agents from SQLite with the statuses written', async () => {
    const st = readSqliteState(demo.sqliteWorkspace);
    expect(st.error).toBeNull();
    expect(st.present).toBe(true);
    expect(st.project).toBe('checkout-service');
    expect(st.agents.map((a) => [a.agentId, a.status, a.source, a.tmuxSession, a.taskId])).toEqual(
      sqliteAgents()
        .map((a) => [a.agentId, a.registryStatus, 'sqlite', a.session, demo.sqliteTaskId])
        .sort((x, y) => x[0]!.localeCompare(y[0]!)),
    );
    expect(st.agents.map((a) => a.status).sort()).toEqual(['blocked', 'phase_completed', 'reviewing']);
    expect(st.agents.find((a) => a.status === 'phase_completed')!.completedAt).not.toBeNull();
    const ws = await readWorkspace({ path: demo.sqliteWorkspace, how: 'demo' });
    expect(ws).toMatchObject({ project: 'checkout-service', readable: true, error: null });
    expect(ws.agents.every((a) => a.source === 'sqlite')).toBe(true);
    expect(ws.agents).toHaveLength(3);
    // The JSON workspace does not see them (and has no state.sqlite3 of its own).
    expect(readSqliteState(demo.workspace)).toMatchObject({ present: false, agents: [] });
  });

  it('has live sessions for the reviewing and the phase_completed agent on the demo server, none for the blocked ghost', () => {
    const listed = tmux(demo.socketName, 'list-sessions', '-F', '#{session_name} #{session_id}').out.split('\n').filter(Boolean);
    const ids = new Map(listed.map((l) => l.split(' ') as [string, string]));
    const rows = ps();
    for (const [status, behaviour] of [
      ['reviewing', 'healthy'],
      ['phase_completed', 'lingering-finished'],
    ] as const) {
      const a = byStatus(status);
      expect(a.behaviour).toBe(behaviour);
      expect(ids.get(a.session!), status).toBe(a.sessionId);
      const panePid = Number(tmux(demo.socketName, 'display-message', '-p', '-t', a.sessionId!, '#{pane_pid}').out.trim());
      expect(panePid).toBe(a.pid);
      expect(alive(a.pid!)).toBe(true);
      // the same agent process as the JSON workspace's agents
      expect(rows.find((r) => r.pid === a.pid)!.args).toMatch(new RegExp(`dist/demo/agent\\.js --agent ${a.agentId} --behaviour ${behaviour}$`));
      const cwd = tmux(demo.socketName, 'display-message', '-p', '-t', a.sessionId!, '#{pane_current_path}').out.trim();
      expect(cwd).toBe(`${demo.sqliteWorkspace}/${demo.sqliteTaskId}`);
    }
    const ghost = byStatus('blocked');
    expect(ghost.behaviour).toBe('ghost');
    expect(ghost.session).toBe(`agent_${ghost.agentId}`);
    expect(ids.has(ghost.session!)).toBe(false);
    expect(ghost.sessionId).toBeNull();
    expect(ghost.pid).toBeNull();
    expect(rows.some((r) => r.args.includes(ghost.agentId))).toBe(false);
  });

  it('stop() removes the SQLite workspace and leaves no process of its agents', async () => {
    const f = footprint(demo);
    const live = sqliteAgents().filter((a) => a.pid !== null);
    expect(live).toHaveLength(2);
    for (const a of live) expect(f.pids).toContain(a.pid);
    expect(existsSync(f.sqliteRoot)).toBe(true);
    await demo.stop();
    await expectGone(f);
    expect(existsSync(demo.sqliteWorkspace)).toBe(false);
    expect(ps().some((r) => sqliteAgents().some((a) => r.args.includes(a.agentId)))).toBe(false);
  });
});

describe('installDemoCleanup in an interrupted orch-top --demo', () => {
  // A child process stands in for orch-top: it starts the demo, installs the cleanup, reports, waits.
  const child = (after: 'wait' | 'exit') => {
    const code = `
      import { startDemo, installDemoCleanup } from ${JSON.stringify(pathToFileURL(DIST_SANDBOX).href)};
      const d = await startDemo();
      installDemoCleanup(d);
      process.stdout.write(JSON.stringify({ socketName: d.socketName, workspace: d.workspace, sqliteWorkspace: d.sqliteWorkspace, orchestratorPid: d.orchestratorPid, agents: d.agents }) + '\\n');
      ${after === 'exit' ? "process.stdin.once('data', () => process.exit(0));" : 'setInterval(() => {}, 1000);'}
    `;
    const cp = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    cp.stdout.on('data', (b) => (out += b));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => cp.once('exit', (code, signal) => r({ code, signal })));
    const ready = waitFor(() => (out.includes('\n') ? JSON.parse(out.split('\n')[0]!) : null), 15_000, 'the child demo');
    return { cp, ready, exited };
  };

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`tears down on ${sig} and dies by it`, async () => {
      assertBuilt();
      const { cp, ready, exited } = child('wait');
      try {
        const d = await ready;
        const f = footprint(d);
        expect(f.serverPid).not.toBeNull();
        cp.kill(sig);
        const r = await exited;
        expect(r.signal).toBe(sig); // the shell reports 130 / 143
        await expectGone(f);
      } finally {
        if (cp.exitCode === null && cp.signalCode === null) cp.kill('SIGKILL');
      }
    });
  }

  it('tears down synchronously when the process exits without stop()', async () => {
    assertBuilt();
    const { cp, ready, exited } = child('exit');
    const d = await ready;
    const f = footprint(d);
    expect(f.serverPid).not.toBeNull();
    cp.stdin!.write('exit\n');
    const r = await exited;
    expect(r.code).toBe(0);
    await expectGone(f);
  });
});
