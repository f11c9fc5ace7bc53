// Rule 5 (issue 12): who the orchestrator is. When the orchestrator itself runs `orch-top --reap`, its
// live agents stay owned; `--shutdown` from inside it refuses; an editor naming the script (another
// user's, as root) is not the orchestrator; a pattern that backtracks for ever in a backtracking engine
// finishes.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ProcessPool, alive, childrenOf, waitFor } from '../helpers/world.js';
import { BIN, orchTop, writeWorkspace } from './attack-world.js';

const pool = new ProcessPool();
const dir = mkdtempSync(join(tmpdir(), 'orchtop-attack-o-'));
afterEach(() => pool.teardown());
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const isRoot = process.getuid?.() === 0;

/** A fake orchestrator (`sh fake_orch_N.sh`) whose own child runs orch-top with `args`, then waits. */
async function orchestratorRuns(tag: string, args: string[]) {
  const script = join(dir, `fake_orch_${tag}_${process.pid}.sh`);
  const out = join(dir, `${tag}.out`);
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(script, `node ${q(BIN)} ${args.map(q).join(' ')} >${q(out)} 2>&1; echo $? >${q(`${out}.rc`)}\nexec sleep 600\n`);
  const env = { NO_COLOR: '1', HOME: dir, XDG_STATE_HOME: join(dir, `state-${tag}`), XDG_CONFIG_HOME: join(dir, 'config'), CLAUDE_ORCHESTRATOR_WORKSPACE: '' };
  const orch = pool.spawn('sh', [script], { env: { ...process.env, ...env } });
  const rc = await waitFor(() => (existsSync(`${out}.rc`) ? readFileSync(`${out}.rc`, 'utf8').trim() : null), 30_000, 'orch-top to finish');
  return { orch: orch.pid!, rc: Number(rc), out: readFileSync(out, 'utf8'), match: `fake_orch_${tag}_${process.pid}\\.sh` };
}

describe('the orchestrator is its own ancestor', () => {
  it('its child running orch-top --reap touches none of its live agents', async () => {
    const ws = writeWorkspace(join(dir, 'ws-reap'), [{ id: 'o1', session: 'agent_o1', status: 'running' }]);
    const server = pool.tmuxServer('oanc');
    server.newSession('agent_o1', 'sleep 600');
    const pane = server.panePid('=agent_o1:');
    const r = await orchestratorRuns('reap', [
      '--reap',
      '--grace',
      '1s',
      '-L',
      server.socketName,
      '--workspace',
      ws,
      '--orchestrator-match',
      `fake_orch_reap_${process.pid}\\.sh`,
    ]);
    expect(r.out).not.toContain('orchestrator not running');
    expect(r.rc, r.out).toBe(0);
    expect(server.sessions()).toEqual(['agent_o1']);
    expect(alive(pane)).toBe(true);
    expect(alive(r.orch)).toBe(true);
  });

  it('--shutdown from inside it refuses, exit 2, nothing touched', async () => {
    const ws = writeWorkspace(join(dir, 'ws-shut'), [{ id: 'o2', session: 'agent_o2', status: 'running' }]);
    const server = pool.tmuxServer('oshut');
    server.newSession('agent_o2', 'sleep 600');
    const pane = server.panePid('=agent_o2:');
    const r = await orchestratorRuns('shut', [
      '--shutdown',
      '--grace',
      '1s',
      '-L',
      server.socketName,
      '--workspace',
      ws,
      '--orchestrator-match',
      `fake_orch_shut_${process.pid}\\.sh`,
    ]);
    expect(r.rc, r.out).toBe(2);
    expect(r.out).toContain('a shutdown would kill orch-top itself');
    expect(alive(r.orch)).toBe(true);
    expect(alive(pane)).toBe(true);
  });
});

describe('command-line matching', () => {
  it.skipIf(!isRoot)("as root, another user's `vim real_mcp_server.py` is not the orchestrator and --shutdown leaves it alone", async () => {
    const runuser = pool.spawn('runuser', ['-u', 'nobody', '--', 'bash', '-c', 'exec -a vim perl -e "sleep 600" real_mcp_server.py']);
    const isVim = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('vim\0');
      } catch {
        return false;
      }
    };
    // runuser may exec or fork: the editor is it or its child.
    const vim = await waitFor(() => [runuser.pid!, ...childrenOf(runuser.pid!)].find(isVim) ?? null, 5000, 'the editor look-alike');
    pool.track(vim);
    const server = pool.tmuxServer('ovim');
    server.newSession('scratch', 'sleep 600');
    const r = await orchTop(dir, ['--shutdown', '--json', '--grace', '1s', '-L', server.socketName]);
    const doc = JSON.parse(r.stdout) as { orchestrators: unknown[]; plan: { kind: string }[] };
    expect(doc.orchestrators).toEqual([]);
    expect(doc.plan.filter((s) => s.kind === 'orchestrator')).toEqual([]);
    expect(alive(vim)).toBe(true);
  });
  if (!isRoot) console.log('skipped: another user via runuser needs root');

  it('--orchestrator-match (a+)+$ against a long argv finishes; a pattern RE2 cannot compile is exit 2 naming it', async () => {
    pool.spawn('bash', ['-c', `exec -a ${'a'.repeat(3000)}! sleep 600`]);
    pool.spawn('bash', ['-c', `exec -a ${'a'.repeat(3000)} sleep 600`]);
    const server = pool.tmuxServer('oredos');
    const r = await orchTop(dir, ['--snapshot', '--json', '-L', server.socketName, '--orchestrator-match', '(a+)+$']);
    expect(r.timedOut).toBe(false);
    const doc = JSON.parse(r.stdout) as { orchestrators: { command: string }[] };
    expect(doc.orchestrators.map((o) => o.command.length)).toEqual([3000 + ' 600'.length]);
    const bad = await orchTop(dir, ['--snapshot', '-L', server.socketName, '--orchestrator-match', '(a)\\1']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("--orchestrator-match: '(a)\\1' is not a valid regular expression");
  });
});
