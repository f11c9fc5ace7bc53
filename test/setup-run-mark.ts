// vitest globalSetup: marks this test run. Every process the tests start (workers, orch-top, tmux
// servers and their panes, sleepers, zombie makers) inherits ORCH_TOP_TEST_RUN from here, so .ci/run
// can find what this run left behind by that mark alone, and never mistakes another user's (or
// another run's) processes for ours. .ci/run chooses the id; a local run gets its own.
import { randomBytes } from 'node:crypto';

export const RUN_MARK = 'ORCH_TOP_TEST_RUN';

export default function setup(): void {
  process.env[RUN_MARK] ||= `local-${process.pid}-${randomBytes(6).toString('hex')}`;
}
