// `orch-top --mcp` as an orchestrator's MCP client uses it: the SDK's own Client over stdio spawns
// `node bin/orch-top.js --mcp …` against a real world on a private tmux server (an orphan agent
// session, an agent session whose process keeps zombies, a personal session), and the world is
// checked afterwards with tmux and /proc.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProcessPool, ZOMBIE_MAKER_PERL, alive, childrenOf, procState, sleep, waitFor, type TmuxServerFixture } from '../helpers/world.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'orch-top.js');
const MATCH = `fake_orchestrator_mcp_${process.pid}`;
const pool = new ProcessPool();
let dir: string;
let stateHome: string;
const clients: Client[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-mcp-'));
  writeFileSync(join(dir, 'zombies.pl'), ZOMBIE_MAKER_PERL);
});
beforeEach(() => {
  stateHome = mkdtempSync(join(dir, 'state-'));
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => {});
  await pool.teardown();
});
afterAll(async () => {
  await pool.teardown();
  rmSync(dir, { recursive: true, force: true });
});

/** The environment orch-top runs in: the run's mark (process.env), a private home and state. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  const base = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  return {
    ...base,
    TMUX: '',
    NO_COLOR: '1',
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_STATE_HOME: stateHome,
    CLAUDE_ORCHESTRATOR_WORKSPACE: '',
    ...extra,
  };
}

const args = (w: World, more: string[] = []) => ['--mcp', '-L', w.server.socketName, '--orchestrator-match', MATCH, '--grace', '1s', ...more];

async function connect(w: World, more: string[] = [], extraEnv: Record<string, string> = {}) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, ...args(w, more)], env: env(extraEnv), cwd: dir, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const client = new Client({ name: 'orch-top-test', version: '0.0.1' });
  clients.push(client);
  await client.connect(transport);
  pool.track(transport.pid!);
  return { client, transport, stderr: () => stderr };
}

interface World {
  server: TmuxServerFixture;
  orphan: number;
  zombieParent: number;
  zombies: number[];
  scratch: number;
}

async function world(): Promise<World> {
  const server = pool.tmuxServer('mcp');
  server.newSession('claude-agent-orphan', 'sleep 600');
  server.newSession('claude-agent-zombies', `exec perl ${join(dir, 'zombies.pl')} 2`);
  server.newSession('scratch', 'sleep 600');
  const zombieParent = server.panePid('=claude-agent-zombies:');
  const zombies = await waitFor(
    () => {
      const z = childrenOf(zombieParent).filter((c) => procState(c) === 'Z');
      return z.length === 2 ? z : null;
    },
    5000,
    'two zombies',
  );
  return { server, orphan: server.panePid('=claude-agent-orphan:'), zombieParent, zombies, scratch: server.panePid('=scratch:') };
}

/** Everything of the world is still there: sessions, processes, zombies. */
function untouched(w: World): void {
  expect(w.server.sessions()).toEqual(['claude-agent-orphan', 'claude-agent-zombies', 'scratch']);
  for (const p of [w.orphan, w.zombieParent, w.scratch]) expect(alive(p)).toBe(true);
  for (const z of w.zombies) expect(procState(z)).toBe('Z');
}

async function snapshotJson(w: World) {
  const r = await execa('node', [BIN, '--snapshot', '--json', '-L', w.server.socketName, '--orchestrator-match', MATCH], {
    reject: false,
    env: env(),
    cwd: dir,
    timeout: 30_000,
  });
  return JSON.parse(r.stdout) as { summary: Record<string, number>; sessions: { id: string; name: string; status: string }[] };
}

type Result = { isError?: boolean; content: { type: string; text: string }[]; structuredContent?: Record<string, unknown> };
const call = async (c: Client, name: string, a: Record<string, unknown> = {}) => (await c.callTool({ name, arguments: a })) as Result;
const textOf = (r: Result) => r.content.map((x) => x.text).join('');
const auditPath = () => join(stateHome, 'orch-top', 'audit.jsonl');
/** The finding kinds' counts: those of the table, which --snapshot --json and the tools share. */
const KINDS = ['orphans', 'leaked', 'zombies', 'ghosts', 'fdGrowth'] as const;

describe('orch-top --mcp', () => {
  it('lists its five tools, each with an input and an output schema', async () => {
    const w = await world();
    const { client } = await connect(w);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['can_spawn', 'cleanup', 'findings', 'plan_cleanup', 'resource_usage']);
    for (const t of tools) {
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type).toBe('object');
      expect(t.description).toBeTruthy();
    }
    expect(tools.find((t) => t.name === 'cleanup')?.annotations).toMatchObject({ destructiveHint: true, readOnlyHint: false });
    expect(tools.find((t) => t.name === 'findings')?.annotations).toMatchObject({ readOnlyHint: true });
  });

  it("resource_usage and findings give --snapshot --json's names and counts", async () => {
    const w = await world();
    const doc = await snapshotJson(w);
    const { client } = await connect(w);
    const usage = await call(client, 'resource_usage');
    expect(usage.isError).toBeFalsy();
    const u = usage.structuredContent as {
      summary: Record<string, number>;
      sessions: { id: string; name: string; status: string; processes: number[]; rss: number }[];
    };
    expect(Object.keys(u.summary).sort()).toEqual(Object.keys(doc.summary).sort());
    for (const k of ['sessions', ...KINDS]) expect(u.summary[k], k).toBe(doc.summary[k]);
    expect(u.summary).toMatchObject({ sessions: 2, orphans: 2, zombies: 2 });
    expect(u.sessions.map((s) => [s.id, s.name, s.status]).sort()).toEqual(doc.sessions.map((s) => [s.id, s.name, s.status]).sort());
    expect(u.sessions.find((s) => s.name === 'claude-agent-orphan')?.processes).toEqual([w.orphan]);
    expect(textOf(usage)).toContain('claude-agent-orphan');
    expect(textOf(usage)).not.toContain('scratch');

    const one = (await call(client, 'resource_usage', { session: 'claude-agent-zombies' })).structuredContent as typeof u;
    expect(one.sessions.map((s) => s.name)).toEqual(['claude-agent-zombies']);
    const none = await call(client, 'resource_usage', { project: 'no-such-project' });
    expect((none.structuredContent as typeof u).sessions).toEqual([]);
    expect(textOf(none)).toContain('no agent session matches the filter');

    const f = await call(client, 'findings');
    const fs = f.structuredContent as { counts: Record<string, number>; findings: { kind: string; what: string; reason: string }[] };
    for (const k of KINDS) expect(fs.counts[k], k).toBe(doc.summary[k]);
    expect(fs.counts.overLimit).toBe(0);
    expect(fs.findings.filter((x) => x.kind === 'orphans').map((x) => x.what)).toEqual(
      expect.arrayContaining([expect.stringContaining('claude-agent-orphan'), expect.stringContaining('claude-agent-zombies')]),
    );
    for (const x of fs.findings) expect(x.reason).toBeTruthy();
    expect(textOf(f)).toContain('orchestrator not running');
    const z = (await call(client, 'findings', { kind: 'zombies' })).structuredContent as typeof fs;
    expect(z.findings.map((x) => x.kind)).toEqual(['zombies', 'zombies']);
    expect(z.counts.orphans).toBe(2);

    const room = await call(client, 'can_spawn', {});
    expect(room.isError).toBeFalsy();
    expect(room.structuredContent).toMatchObject({ allowed: true, project: null });
    expect(textOf(room)).toMatch(/^one more agent fits/);
    untouched(w);
  });

  it('with limits: findings name the agent over a limit, can_spawn says no at maxAgents, and nothing is ended', async () => {
    const w = await world();
    // Two agent sessions against a cap of 2 per project (none here: the sessions have no project), and
    // at most 1 process each: the zombie maker's pane holds its perl and the zombies' parent is it.
    const { client } = await connect(w, ['--max-agents', '2', '--max-processes', '1']);
    const f = await call(client, 'findings', { kind: 'overLimit' });
    expect(f.isError).toBeFalsy();
    const fs = f.structuredContent as { counts: Record<string, number>; findings: { kind: string; what: string; reason: string }[] };
    expect(fs.counts.overLimit).toBe(fs.findings.length);
    expect(fs.findings.every((x) => x.kind === 'overLimit')).toBe(true);
    const usage = (await call(client, 'resource_usage')).structuredContent as { summary: Record<string, number> };
    expect(usage.summary.overLimit).toBe(fs.counts.overLimit);
    const room = await call(client, 'can_spawn', {});
    expect(room.structuredContent).toMatchObject({ allowed: false, agents: 2, maxAgents: 2, room: 0 });
    expect(textOf(room)).toMatch(/maxAgents|no more|does not fit/i);
    untouched(w);
  });

  it('read-only by default: plan_cleanup gives a plan, cleanup is refused, nothing is killed', async () => {
    const w = await world();
    const { client } = await connect(w);
    const plan = await call(client, 'plan_cleanup');
    const p = plan.structuredContent as { planId: string; steps: { kind: string }[]; expiresInMs: number };
    expect(p.planId).toMatch(/^plan-[0-9a-f]+$/);
    expect(p.expiresInMs).toBe(60_000);
    expect(p.steps.map((s) => s.kind).sort()).toEqual(['session', 'session', 'zombies']);
    expect(textOf(plan)).toMatch(/^PLAN {2}reap/);
    expect(textOf(plan)).toContain('dry run: nothing was touched');
    const r = await call(client, 'cleanup', { planId: p.planId });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('--mcp-allow-cleanup');
    expect(textOf(r)).toContain('nothing was touched');
    untouched(w);
    expect(existsSync(auditPath())).toBe(false);
  });

  it('text results are inert: an OSC sequence in a command line is shown, never emitted; the structured result keeps it exact', async () => {
    const w = await world();
    w.server.newSession('claude-agent-evil', `bash -c 'exec -a "$(printf "\\033]0;pwned\\007")evil" sleep 600'`);
    const { client } = await connect(w);
    const plan = await call(client, 'plan_cleanup');
    const text = textOf(plan);
    expect(text).toContain('\\e]0;pwned\\aevil');
    expect(text).not.toMatch(/[\u001b\u0007]/);
    const steps = (plan.structuredContent as { steps: { processes?: { command: string }[] }[] }).steps;
    expect(steps.flatMap((s) => s.processes ?? []).map((p) => p.command)).toContain('\u001b]0;pwned\u0007evil 600');
  });

  it('with --mcp-allow-cleanup, plan_cleanup then cleanup removes the orphans and reaps the zombies, all in the audit log', async () => {
    const w = await world();
    const { client } = await connect(w, ['--mcp-allow-cleanup']);
    const p = (await call(client, 'plan_cleanup')).structuredContent as { planId: string };
    const r = await call(client, 'cleanup', { planId: p.planId });
    expect(r.isError, textOf(r)).toBeFalsy();
    const s = r.structuredContent as { clean: boolean; message: string; before: Record<string, number>; after: Record<string, number>; auditLog: string };
    expect(s).toMatchObject({ clean: true, message: 'cleanup completed', auditLog: auditPath() });
    expect(s.before).toMatchObject({ orphans: 2, zombies: 2 });
    expect(s.after).toMatchObject({ orphans: 0, zombies: 0 });
    expect(textOf(r)).toMatch(/RESULTS {2}\d+ targets/);
    expect(w.server.sessions()).toEqual(['scratch']);
    expect(alive(w.orphan)).toBe(false);
    expect(alive(w.zombieParent)).toBe(false);
    expect(alive(w.scratch)).toBe(true);
    await waitFor(() => w.zombies.every((z) => procState(z) === null), 5000, 'the zombies to be reaped');
    const lines = readFileSync(auditPath(), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ event: 'plan', mode: 'mcp' });
    expect(lines.filter((l) => l.event === 'signal').map((l) => l.pid)).toEqual(expect.arrayContaining([w.orphan, w.zombieParent]));
    expect(lines.at(-1)).toMatchObject({ event: 'done', clean: true, message: 'cleanup completed' });
    // A plan runs once.
    const again = await call(client, 'cleanup', { planId: p.planId });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toContain('already used');
  });

  it('a world that changed since the plan: refused, says what changed, nothing killed', async () => {
    const w = await world();
    const { client } = await connect(w, ['--mcp-allow-cleanup']);
    const p = (await call(client, 'plan_cleanup')).structuredContent as { planId: string };
    w.server.newSession('claude-agent-late', 'sleep 600');
    const r = await call(client, 'cleanup', { planId: p.planId });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/the world changed since plan plan-[0-9a-f]+ was made: new since the plan: .*session \$\d+ claude-agent-late/);
    expect(textOf(r)).toContain('nothing was touched');
    expect(w.server.sessions()).toEqual(['claude-agent-late', 'claude-agent-orphan', 'claude-agent-zombies', 'scratch']);
    for (const pid of [w.orphan, w.zombieParent, w.scratch]) expect(alive(pid)).toBe(true);
    expect(existsSync(auditPath())).toBe(false);
  });

  it('bad arguments, an unknown tool, a stale and an expired plan id: clear errors, nothing killed', async () => {
    const w = await world();
    const { client } = await connect(w, ['--mcp-allow-cleanup'], { ORCH_TOP_MCP_PLAN_TTL: '500ms' });
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['resource_usage', { project: 5 }, /Input validation error: .*project/],
      ['resource_usage', { bogus: true }, /Input validation error: .*bogus/],
      ['findings', { kind: 'everything' }, /Input validation error: .*kind/],
      ['cleanup', {}, /Input validation error: .*planId/],
      ['cleanup', { planId: '$(reboot)' }, /Input validation error: .*plan id from plan_cleanup/],
      ['cleanup', { planId: 'plan-0123456789abcdef' }, /no plan has the id 'plan-0123456789abcdef'.*nothing was touched/],
      ['no_such_tool', {}, /Tool no_such_tool not found/],
    ];
    for (const [name, a, want] of cases) {
      const r = await call(client, name, a);
      expect(r.isError, `${name} ${JSON.stringify(a)}`).toBe(true);
      expect(textOf(r)).toMatch(want);
    }
    const p = (await call(client, 'plan_cleanup')).structuredContent as { planId: string; expiresInMs: number };
    expect(p.expiresInMs).toBe(500);
    await sleep(700);
    const r = await call(client, 'cleanup', { planId: p.planId });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/plan plan-[0-9a-f]+ expired at .*nothing was touched/);
    untouched(w);
    expect(existsSync(auditPath())).toBe(false);
  });

  it('a bad ORCH_TOP_MCP_PLAN_TTL and --mcp with --json or --mcp-allow-cleanup alone: one line, exit 2', async () => {
    const run = (a: string[], e: Record<string, string> = {}) =>
      execa('node', [BIN, ...a], { reject: false, env: env(e), cwd: dir, timeout: 30_000, input: '' });
    const ttl = await run(['--mcp'], { ORCH_TOP_MCP_PLAN_TTL: '1h' });
    expect([ttl.exitCode, ttl.stdout, ttl.stderr]).toEqual([2, '', 'orch-top: ORCH_TOP_MCP_PLAN_TTL: must be between 500ms and 10m']);
    const json = await run(['--mcp', '--json']);
    expect([json.exitCode, json.stdout, json.stderr]).toEqual([2, '', 'orch-top: --json goes with --snapshot, --reap or --shutdown']);
    const alone = await run(['--snapshot', '--mcp-allow-cleanup']);
    expect([alone.exitCode, alone.stdout, alone.stderr]).toEqual([2, '', 'orch-top: --mcp-allow-cleanup goes with --mcp']);
  });

  it('stdout carries only the protocol, and the server exits 0 when its client closes stdin', async () => {
    const w = await world();
    const child = spawn(process.execPath, [BIN, ...args(w)], { env: env(), cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    pool.track(child.pid!);
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.resume();
    const exited = new Promise<[number | null, string | null]>((r) => child.once('exit', (code, sig) => r([code, sig])));
    const send = (m: object) => child.stdin.write(JSON.stringify(m) + '\n');
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'findings', arguments: {} } });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'plan_cleanup', arguments: {} } });
    await waitFor(() => out.split('\n').filter(Boolean).length >= 3, 20_000, 'three answers');
    child.stdin.end();
    expect(await exited).toEqual([0, null]);
    const messages = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { jsonrpc: string; id: number; result?: { isError?: boolean } });
    expect(messages.map((m) => [m.jsonrpc, m.id]).sort()).toEqual([
      ['2.0', 1],
      ['2.0', 2],
      ['2.0', 3],
    ]);
    expect(messages.every((m) => m.result && !m.result.isError)).toBe(true);
    untouched(w);
  });
});
