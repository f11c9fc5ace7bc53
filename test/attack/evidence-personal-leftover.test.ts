// Rule 4 (issue 12): evidence comes from the pane. A person's `nohup tail -f <agent-id>.jsonl &`, left
// by a closed personal session orch-top never saw, names an agent on its command line: it is an
// untraced stray, listed and never killed.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ProcessPool, alive, waitFor } from '../helpers/world.js';
import { orchTop, writeWorkspace } from './attack-world.js';

const pool = new ProcessPool();
const dir = mkdtempSync(join(tmpdir(), 'orchtop-attack-e-'));
afterEach(() => pool.teardown());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pidsOf(pattern: string): number[] {
  const out: number[] = [];
  for (const { pid, cmd } of listProcs()) if (cmd.startsWith(pattern)) out.push(pid);
  return out;
}
function listProcs(): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      out.push({ pid: Number(e), cmd: readFileSync(`/proc/${e}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {}
  }
  return out;
}

describe('a command line naming an agent is not evidence', () => {
  it('nohup tail -f <agent-id>.jsonl left by a closed personal session is listed, never killed', async () => {
    const id = `auditor-${process.pid}-abc`;
    const ws = writeWorkspace(join(dir, 'ws'), [{ id, session: `agent_${id}`, status: 'completed' }]);
    const log = join(dir, `${id}.jsonl`);
    writeFileSync(log, '{}\n');
    const orch = pool.spawn('sleep', ['600']).pid!;
    const server = pool.tmuxServer('etail');
    server.newSession('scratch', `sh -c 'nohup tail -f ${log} >/dev/null 2>&1 & sleep 600'`);
    const tail = await waitFor(() => pidsOf(`tail -f ${log}`)[0] ?? null, 5000, 'the tail');
    pool.track(tail);
    server.tmux('kill-session', '-t', '=scratch');
    server.newSession('keep', 'sleep 600'); // the server stays up, as a person's does
    await waitFor(() => (server.sessions().includes('scratch') ? null : true), 3000, 'scratch to close');
    const r = await orchTop(dir, ['--reap', '--json', '--grace', '1s', '-L', server.socketName, '--workspace', ws, '--orchestrator-pid', String(orch)]);
    const doc = JSON.parse(r.stdout) as { leaked: unknown[]; strays: { pid: number; reason: string }[]; plan: { kind: string }[] };
    expect(alive(tail), r.stdout + r.stderr).toBe(true);
    expect(doc.leaked).toEqual([]);
    expect(doc.plan.filter((s) => s.kind === 'leaked')).toEqual([]);
    expect(doc.strays.find((s) => s.pid === tail)?.reason).toContain(`its command line names agent ${id}, but nothing ties it to that agent's pane`);
  });
});
