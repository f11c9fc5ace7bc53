// Rule 7 (issue 12) on the bytes of real output: a process whose argv carries OSC 0 (window title),
// OSC 52 (clipboard), CSI 2J and a newline; a zombie whose comm carries ESC; a registry whose agent
// id, status and task description carry them. --snapshot text, --reap --dry-run text, the error lines
// and the console's screen hold no ESC (NO_COLOR: orch-top's own SGR is off) and no other control but
// the newline ending each line, the hostile text shows as text, and the rows stay rows.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Terminal } from '../helpers/terminal.js';
import { ProcessPool, childrenOf, procState, waitFor } from '../helpers/world.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'orch-top.js');
const pool = new ProcessPool();
let dir: string;
let ws: string;

const OSC_TITLE = '\u001b]0;PWNED-TITLE\u0007';
const OSC_CLIP = '\u001b]52;c;cHduZWQ=\u0007';
const CSI_CLEAR = '\u001b[2J';
const EVIL_ARGV0 = `evil${OSC_TITLE}${OSC_CLIP}${CSI_CLEAR}\nSECOND-LINE`;
const EVIL_AGENT = `bad${OSC_TITLE}agent`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-inert-'));
  ws = join(dir, 'ws');
  mkdirSync(join(ws, 'registry'), { recursive: true });
  const registry = {
    tasks: { 'TASK-1': { description: `fix it${CSI_CLEAR}\n${OSC_CLIP}`, status: 'INITIALIZED' } },
    agents: {
      [EVIL_AGENT]: { task_id: 'TASK-1', type: 'x', tmux_session: `agent_${EVIL_AGENT}`, status: 'running', started_at: '2026-01-01T00:00:00' },
    },
  };
  writeFileSync(join(ws, 'registry', 'GLOBAL_REGISTRY.json'), JSON.stringify(registry));
});
afterEach(() => pool.teardown());
afterAll(async () => {
  await pool.teardown();
  rmSync(dir, { recursive: true, force: true });
});

const ENV = () => ({ NO_COLOR: '1', HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), CLAUDE_ORCHESTRATOR_WORKSPACE: '' });
const orchTop = (args: string[]) => execa('node', [BIN, ...args], { reject: false, env: ENV(), cwd: dir, timeout: 30_000 });

/** No byte a terminal acts on but the newline that ends a line; no C1 or bidi control either. */
function expectInert(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  const bad = [...bytes].filter((b) => (b < 0x20 && b !== 0x0a) || b === 0x7f);
  expect(bad, `control bytes in:\n${text}`).toEqual([]);
  expect(text).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
}

/** An agent session whose pane runs a process with a hostile argv, and a zombie whose comm has ESC. */
async function hostileWorld() {
  const server = pool.tmuxServer('inert');
  // The hostile argv is a background child's: the pane's foreground process (what tmux itself
  // reports as the pane's command) stays bash, so this tests the views, not the tmux parser.
  const evil = join(dir, 'evil.sh');
  writeFileSync(evil, `exec -a "$(printf 'evil\\033]0;PWNED-TITLE\\007\\033]52;c;cHduZWQ=\\007\\033[2J\\nSECOND-LINE')" sleep 600 &\nwait\n`);
  server.newSession('claude-agent-evil', `bash ${evil}`);
  const script = join(dir, 'zombie-comm.pl');
  writeFileSync(script, 'if (fork() == 0) { open(my $c, ">", "/proc/self/comm"); print $c "z\\e]0;ZT\\a"; close $c; exit 0 } sleep 600;\n');
  server.newSession('claude-agent-zombie', `exec perl ${script}`);
  const parent = server.panePid('=claude-agent-zombie:');
  await waitFor(() => childrenOf(parent).find((c) => procState(c) === 'Z'), 5_000, 'the zombie');
  return server;
}

describe('text output of hostile strings', () => {
  it('--snapshot: no escape reaches the terminal, the text shows, rows stay rows', async () => {
    const server = await hostileWorld();
    const r = await orchTop(['-L', server.socketName, '--snapshot', '--workspace', ws]);
    expect(r.exitCode).toBe(1);
    expectInert(r.stdout);
    expectInert(r.stderr);
    // (A session's own processes are not listed in the text tables; the plan and the console show them.)
    expect(r.stdout).toContain('z\\e]0;ZT\\a');
    expect(r.stdout).toContain('bad\\e]0;PWNED-TITLE\\aagent');
    // The newline in the argv did not start a row of its own.
    expect(r.stdout.split('\n').filter((l) => /^\s*SECOND-LINE/.test(l))).toEqual([]);
  });

  it('--snapshot --json stays exact: the strings are there as they were', async () => {
    const server = await hostileWorld();
    const r = await orchTop(['-L', server.socketName, '--snapshot', '--json', '--workspace', ws]);
    const doc = JSON.parse(r.stdout);
    expect(doc.processes.map((p: { command: string }) => p.command)).toContainEqual(expect.stringContaining(EVIL_ARGV0));
    expect(doc.ghosts.map((g: { agentId: string }) => g.agentId)).toContain(EVIL_AGENT);
  });

  it('--reap --dry-run: the plan is inert', async () => {
    const server = await hostileWorld();
    const r = await orchTop(['-L', server.socketName, '--reap', '--dry-run']);
    expect(r.exitCode).toBe(1);
    expectInert(r.stdout);
    expect(r.stdout).toContain('evil\\e]0;PWNED-TITLE\\a\\e]52;c;cHduZWQ=\\a\\e[2J\\nSECOND-LINE');
    expect(r.stdout.split('\n').filter((l) => /^\s*SECOND-LINE/.test(l))).toEqual([]);
  });

  it('error lines: a hostile path or config value is shown, not emitted', async () => {
    const r1 = await orchTop(['--snapshot', '--workspace', join(dir, `gone${OSC_TITLE}\nx`)]);
    expect(r1.exitCode).toBe(3);
    expectInert(r1.stderr);
    expect(r1.stderr).toContain('gone\\e]0;PWNED-TITLE\\a\\nx');
    const cfg = join(dir, 'evil.json');
    writeFileSync(cfg, JSON.stringify({ socketName: `a/${CSI_CLEAR}` }));
    const r2 = await orchTop(['--config', cfg, '--snapshot']);
    expect(r2.exitCode).toBe(2);
    expectInert(r2.stderr);
    expect(r2.stderr.trim().split('\n')).toHaveLength(1);
    const r3 = await orchTop(['--snapshot', `--bogus${OSC_CLIP}`]);
    expect(r3.exitCode).toBe(2);
    expectInert(r3.stderr);
  });
});

describe('the console in a real terminal', () => {
  it('shows hostile strings as text and never sets the title', async () => {
    const server = await hostileWorld();
    const term = new Terminal(pool, {
      width: 160,
      height: 40,
      args: ['-L', server.socketName, '--workspace', ws, '--interval', '500ms'],
      env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), CLAUDE_ORCHESTRATOR_WORKSPACE: '' },
      cwd: dir,
    });
    await waitFor(() => term.server.tmux('capture-pane', '-p', '-t', '=ui:').includes('claude-agent-evil'), 20_000, 'the console');
    term.server.tmux('send-keys', '-t', '=ui:', '2');
    await waitFor(() => term.server.tmux('capture-pane', '-p', '-t', '=ui:').includes('evil\\e]0;PWNED'), 10_000, 'the process row');
    const title = term.server.tmux('display-message', '-p', '-t', '=ui:', '#{pane_title}');
    expect(title).not.toContain('PWNED');
    const screen = term.server.tmux('capture-pane', '-p', '-t', '=ui:');
    expect(screen.split('\n').filter((l) => /^\s*SECOND-LINE/.test(l))).toEqual([]);
  });
});
