// Copies of the read-only fixtures in test/fixtures (copied from the reference orchestrator's own files), made writable, for tests that must open them
// (even a read-only open of a WAL database writes -wal/-shm files beside it: never open in place).
import { chmodSync, cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** Copies a fixture folder and makes the copy writable (the fixtures are read-only). */
export function copyFixture(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
  const walk = (p: string) => {
    chmodSync(p, 0o755);
    for (const e of readdirSync(p, { withFileTypes: true })) e.isDirectory() ? walk(join(p, e.name)) : chmodSync(join(p, e.name), 0o644);
  };
  walk(to);
}
