// Issue 14 item 1: today's claude leaves evidence. A fake claude (a script named `claude`: HUP-proof,
// writing a stream-json log whose init line comes after a hook line, starting an MCP child whose
// environment carries CLAUDE_CODE_SESSION_ID) runs in an agent session the way the reference
// orchestrator deploys it (`claude … | tee <workspace>/logs/<agent id>_stream.jsonl`); the session is
// killed before orch-top ever looks. Its MCP child is traced to the agent by the log, the fake claude
// with it (same gone pane on the same server), and --reap removes both. An identical pair in a
// personal session, whose session id no agent's log names, is listed as untraced and left alone.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/types.js';
import { alive, descendantsOf, ProcessPool, waitFor } from '../helpers/world.js';
import { orchTop, writeWorkspace } from './attack-world.js';

const pool = new ProcessPool();
let dir: string;
let bin: string;

// HUP-proof like claude 2.1.27+; prints a hook line, then the init line; its MCP server (a HUP-proof
// sleeper) gets the session id in its environment, as claude 2.1.154+ gives it.
const FAKE_CLAUDE = `#!/bin/sh
trap '' HUP
SID=$(cat /proc/sys/kernel/random/uuid)
echo '{"type":"system","subtype":"hook_response","hook_name":"SessionStart:startup","session_id":"'$SID'"}'
echo '{"type":"system","subtype":"init","cwd":"/x","session_id":"'$SID'","tools":[],"mcp_servers":[{"name":"fake","status":"connected"}],"permissionMode":"bypassPermissions","apiKeySource":"none"}'
CLAUDE_CODE_SESSION_ID=$SID CLAUDECODE=1 sh -c "trap '' HUP; exec sleep 600" &
wait
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-claude-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'claude'), FAKE_CLAUDE);
  chmodSync(join(bin, 'claude'), 0o755);
});
afterEach(() => pool.teardown());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The processes a killed session's pane left: every live process whose $TMUX_PANE is that pane. */
function leftovers(panePid: number): number[] {
  return [panePid, ...descendantsOf(panePid)];
}

it("a killed agent session's claude MCP child is traced by the stream log and reaped; a personal one is left alone", async () => {
  const agentId = 'builder-101010-abc123';
  const session = `agent_${agentId}`;
  const ws = writeWorkspace(join(dir, 'ws'), [{ id: agentId, session, status: 'running' }]);
  mkdirSync(join(ws, 'logs'));
  const log = join(ws, 'logs', `${agentId}_stream.jsonl`);
  const s = pool.tmuxServer('claude');
  const path = `PATH=${bin}:${process.env.PATH}`;
  s.newSession(session, `${path} sh -c 'echo prompt | claude | tee ${log}; sleep 600'`);
  s.newSession('personal', `${path} sh -c 'echo hi | claude > /dev/null; sleep 600'`);
  const panes = [s.panePid(`=${session}:`), s.panePid('=personal:')];
  // Both claudes and their MCP children are up, and the agent's log has its init line.
  const mcp = await waitFor(
    () => {
      const kids = panes.map((p) => leftovers(p).filter((pid) => readFileSync(`/proc/${pid}/environ`, 'utf8').includes('CLAUDE_CODE_SESSION_ID=')));
      return kids.every((k) => k.length === 1) && readFileSync(log, 'utf8').includes('"init"') ? kids.map((k) => k[0]!) : null;
    },
    10_000,
    'the fake claudes and their MCP children',
  );
  const claudes = panes.map((p) => leftovers(p).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('/claude')));
  expect(claudes.every(Boolean)).toBe(true);
  for (const p of [...mcp, ...(claudes as number[])]) pool.track(p);
  // Both sessions are killed before orch-top ever looks: SIGHUP only, which they ignore.
  s.tmux('kill-session', '-t', `=${session}`);
  s.tmux('kill-session', '-t', '=personal');
  await waitFor(() => !panes.some(alive), 5_000, 'the panes to end');
  expect([...mcp, ...(claudes as number[])].every(alive)).toBe(true);

  const look = await orchTop(dir, ['-L', s.socketName, '--workspace', ws, '--snapshot', '--json']);
  const doc = JSON.parse(look.stdout) as Snapshot;
  const leaked = new Map(doc.leaked.map((l) => [l.pid, l]));
  expect(leaked.get(mcp[0]!)).toMatchObject({ agentId, sessionName: session });
  expect(leaked.get(mcp[0]!)!.reason).toMatch(/stream log names its CLAUDE_CODE_SESSION_ID/);
  expect(leaked.get(claudes[0]!)).toMatchObject({ agentId });
  expect(leaked.get(claudes[0]!)!.reason).toMatch(/names the same gone pane/);
  // The personal pair: same shape, a session id no log names: untraced, never a finding.
  expect(leaked.has(mcp[1]!)).toBe(false);
  expect(leaked.has(claudes[1]!)).toBe(false);
  expect(doc.strays.map((x) => x.pid)).toEqual(expect.arrayContaining([mcp[1], claudes[1]]));

  const reap = await orchTop(dir, ['-L', s.socketName, '--workspace', ws, '--reap', '--grace', '1']);
  expect(reap.stderr).not.toMatch(/Error|at .*\.js/);
  await waitFor(() => !alive(mcp[0]!) && !alive(claudes[0]!), 5_000, "the agent's leftovers to be gone");
  expect(alive(mcp[1]!)).toBe(true);
  expect(alive(claudes[1]!)).toBe(true);
});
