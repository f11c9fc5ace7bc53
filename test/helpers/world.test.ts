import { afterEach, describe, expect, it } from 'vitest';
import { ProcessPool, procState, alive } from './world.js';

const pool = new ProcessPool();
afterEach(() => pool.teardown());

describe('test fixtures', () => {
  it('a zombie maker makes zombies and reaps them on teardown', async () => {
    const { pid, zombies } = await pool.zombieMaker(3);
    expect(zombies).toHaveLength(3);
    for (const z of zombies) expect(procState(z)).toBe('Z');
    await pool.teardown();
    expect(alive(pid)).toBe(false);
    for (const z of zombies) expect(procState(z)).toBeNull();
  });

  it('a private tmux server is gone after teardown', async () => {
    const s = pool.tmuxServer();
    s.newSession('a');
    expect(s.sessions()).toEqual(['a']);
    await pool.teardown();
    expect(s.sessions()).toEqual([]);
  });
});
