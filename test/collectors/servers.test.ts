// Which servers a look asks (every socket of the user's tmux directory, default first), and the
// stream logs' claude session ids, read bounded from regular files only.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeLogReader, initSessionId, LOG_HEAD_BYTES } from '../../src/collectors/claude-logs.js';
import { discoverServers, isNarrowed, socketDirOf } from '../../src/collectors/tmux-servers.js';
import type { WorkspaceState } from '../../src/model/types.js';
import { agent } from '../model/synthetic.js';

let dir: string;
const uid = process.getuid?.() ?? 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchtop-srv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bindSocket = (path: string) => execFileSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', path]);

describe('discoverServers', () => {
  it('the default server first, then every socket the user owns there; files, symlinks and the missing dir are not servers', () => {
    const env = { TMUX_TMPDIR: join(dir, 'a') };
    expect(discoverServers(env, uid)).toEqual([{}]); // no directory yet: only the default
    const sockDir = socketDirOf(env, uid);
    mkdirSync(sockDir, { recursive: true, mode: 0o700 });
    bindSocket(join(sockDir, 'default'));
    bindSocket(join(sockDir, 'claude-swarm-1'));
    bindSocket(join(sockDir, 'gt'));
    writeFileSync(join(sockDir, 'notes'), 'x');
    symlinkSync(join(sockDir, 'gt'), join(sockDir, 'link'));
    expect(discoverServers(env, uid)).toEqual([{}, { socketName: 'claude-swarm-1' }, { socketName: 'gt' }]);
    expect(discoverServers(env, uid + 1)).toEqual([{}]); // another uid's directory is not ours
    expect(isNarrowed({})).toBe(false);
    expect(isNarrowed({ socketName: 'gt' })).toBe(true);
  });
});

describe('claude stream logs', () => {
  const SID = '0b7c6f3e-1111-4222-8333-444455556666';
  const init = JSON.stringify({ type: 'system', subtype: 'init', session_id: SID, tools: [], permissionMode: 'default', apiKeySource: 'none' });
  const hook = JSON.stringify({ type: 'system', subtype: 'hook_response', session_id: SID });

  it('the init line may come after hook lines; a cut last line, another shape or a bad id is no id', () => {
    expect(initSessionId(`${hook}\nnot json\n${init}\n`)).toBe(SID);
    expect(initSessionId(`${hook}\n${init}`)).toBeNull(); // cut by the bound: not read
    expect(initSessionId(`${JSON.stringify({ type: 'system', subtype: 'init', session_id: 'a b\u001b' })}\n`)).toBeNull();
    expect(initSessionId(`${JSON.stringify({ type: 'assistant', session_id: SID })}\n`)).toBeNull();
  });

  it("reads each agent's log bounded, only as a regular file, and caches it while the file is the same", () => {
    const ws = join(dir, 'ws');
    mkdirSync(join(ws, 'logs'), { recursive: true });
    const state = (ids: string[]): WorkspaceState[] => [
      { path: ws, project: null, how: 'flag', readable: true, error: null, agents: ids.map((i) => agent(i, 'running')) },
    ];
    writeFileSync(join(ws, 'logs', 'a-1_stream.jsonl'), `${hook}\n${init}\n`);
    // Past the bound, the init line is not read.
    writeFileSync(join(ws, 'logs', 'b-2_stream.jsonl'), `${'x'.repeat(LOG_HEAD_BYTES)}\n${init}\n`);
    execFileSync('mkfifo', [join(ws, 'logs', 'c-3_stream.jsonl')]);
    const r = new ClaudeLogReader();
    expect(r.read(state(['a-1', 'b-2', 'c-3', '../x']))).toEqual([
      { sessionId: SID, agentId: 'a-1', workspace: ws, log: join(ws, 'logs', 'a-1_stream.jsonl') },
    ]);
    // The log grows: the init line read once stands.
    appendFileSync(join(ws, 'logs', 'a-1_stream.jsonl'), `${JSON.stringify({ type: 'assistant', session_id: SID })}\n`);
    expect(r.read(state(['a-1'])).map((l) => l.sessionId)).toEqual([SID]);
  });
});
