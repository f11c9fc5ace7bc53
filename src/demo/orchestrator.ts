// The demo's stand-in for the orchestrator server process: started by the demo sandbox
// (src/demo/sandbox.ts) as `node dist/demo/orchestrator.js --workspace <ws>`, detached, with its
// stdout/stderr going to a log in the workspace. It only has to look and behave like a long-running
// server to orch-top: a recognisable command line, CLAUDE_ORCHESTRATOR_WORKSPACE in its environment,
// a steady descriptor count (it opens nothing after start), and a clean exit on SIGTERM.
// The sandbox, not this process, writes the registry and makes the tmux sessions.

const i = process.argv.indexOf('--workspace');
const workspace = i >= 0 ? process.argv[i + 1] : undefined;
if (!workspace) {
  process.stderr.write('usage: orchestrator.js --workspace DIR\n');
  process.exit(2);
}

const log = (msg: string) => {
  try {
    process.stdout.write(`${new Date().toISOString()} orchestrator[${process.pid}] ${msg}\n`);
  } catch {
    /* log gone: keep serving */
  }
};

log(`serving workspace ${workspace} (CLAUDE_ORCHESTRATOR_WORKSPACE=${process.env.CLAUDE_ORCHESTRATOR_WORKSPACE ?? ''})`);
const heartbeat = setInterval(() => log('alive'), 60_000);

const shutdown = (sig: NodeJS.Signals) => {
  log(`${sig}: shutting down`);
  clearInterval(heartbeat);
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
