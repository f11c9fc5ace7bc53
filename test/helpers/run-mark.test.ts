// The run mark reaches what the tests start: the worker, a spawned child, a tmux server and the
// processes in its panes (.ci/run finds leftovers by it: test/setup-run-mark.ts).
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_MARK } from '../setup-run-mark.js';
import { ProcessPool, waitFor } from './world.js';

const environOf = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');

describe('the run mark', () => {
  const pool = new ProcessPool();
  afterAll(() => pool.teardown());

  it('is set in the worker and inherited by children, tmux servers and panes', async () => {
    const mark = process.env[RUN_MARK];
    expect(mark).toMatch(/\S/);
    const entry = `${RUN_MARK}=${mark}`;
    const child = pool.spawn('sleep', ['600']);
    expect(environOf(child.pid!)).toContain(entry);
    const server = pool.tmuxServer('mark');
    server.newSession('marked', 'sleep 600');
    const pane = await waitFor(() => server.panePid('=marked:'), 3_000, 'the pane');
    expect(environOf(server.serverPid()!)).toContain(entry);
    expect(environOf(pane)).toContain(entry);
  });
});
