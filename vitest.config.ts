import { defineConfig } from 'vitest/config';

// The pure tests: no tmux, no spawned processes (temporary files at most). `npm run test:unit` runs
// them alone, in seconds; everything else is the `real` project (real tmux servers on private
// sockets, real processes, the packed tarball). A new folder of pure tests is added here.
const UNIT = [
  'test/model/**/*.test.ts',
  'test/render/**/*.test.ts',
  'test/store/**/*.test.ts',
  'test/ui/**/*.test.{ts,tsx}',
  'test/config.test.ts',
  'test/collectors/registry-json.test.ts',
  'test/config-format.test.ts',
  'test/lint/cycles.test.ts',
  'test/attack/inert-property.test.ts',
  'test/attack/config-strict.test.ts',
  'test/mcp/plans.test.ts',
  'test/mcp/results.test.ts',
];
const ALL = ['test/**/*.test.{ts,tsx}'];

export default defineConfig({
  test: {
    // Marks every process this run starts (test/setup-run-mark.ts; .ci/run looks for leftovers by it).
    globalSetup: ['test/setup-run-mark.ts'],
    // React's act environment, and a failure on act() warnings (component tests).
    setupFiles: ['test/setup-act.ts'],
    // Real tmux servers and real processes: give them room, and run files in separate processes so
    // one file's children never share a parent with another's.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    teardownTimeout: 30_000,
    // CI also writes a JSON report, from which .ci/run prints one plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.vitest-results.json' }]] : ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      { extends: true, test: { name: 'real', include: ALL, exclude: [...UNIT, 'test/fixtures/**'] } },
    ],
  },
});
