// The demo's agent process: what runs in (or escapes from) a demo agent's tmux pane, one behaviour per
// run. Started by the demo sandbox (src/demo/sandbox.ts) as
//   node dist/demo/agent.js --agent <agent id> --behaviour <behaviour>
// The agent id stays in argv on purpose: orch-top traces leaked processes partly by the agent id in
// their command line, so process.title is never set (it would overwrite argv in /proc/PID/cmdline).
import { openSync } from 'node:fs';

const BEHAVIOURS = [
  'lingering-finished', // finished its work, but the process (and session) stays
  'healthy', // an idle, well-behaved agent
  'fd-leaker', // opens one more descriptor every LEAK_EVERY_MS
  'child', // a background child of the HUP-ignoring shell: survives SIGHUP
  'survivor', // started in the background of a pane that will be killed: survives SIGHUP
  'stray', // idle process of a prefixed session no registry knows
] as const;
type Behaviour = (typeof BEHAVIOURS)[number];

const LEAK_EVERY_MS = 250;
// About 8 minutes of visible growth, and far below any sane RLIMIT_NOFILE.
const LEAK_CAP = 2_000;

function arg(name: string): string | null {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? null) : null;
}

const agentId = arg('agent');
const behaviour = arg('behaviour') as Behaviour | null;
if (!agentId || !behaviour || !BEHAVIOURS.includes(behaviour)) {
  process.stderr.write(`usage: agent.js --agent ID --behaviour (${BEHAVIOURS.join('|')})\n`);
  process.exit(2);
}

// The pane's terminal can vanish under us (killed session): a failed write must not crash the agent,
// or the demo would lose the very processes it is meant to show.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
const say = (line: string) => {
  try {
    process.stdout.write(`${JSON.stringify({ type: 'demo', agent: agentId, behaviour, t: new Date().toISOString(), msg: line })}\n`);
  } catch {
    /* no terminal any more */
  }
};

// A SIGHUP handler, not SIG_IGN: node resets inherited SIG_IGN dispositions at startup, so a
// `trap '' HUP` in the parent shell does not reach a node child. A no-op handler has the same effect.
function ignoreHup(): void {
  process.on('SIGHUP', () => {});
}

// Keeps the event loop alive without waking up.
const idle = () => setInterval(() => {}, 1 << 30);

switch (behaviour) {
  case 'lingering-finished':
    say('task completed; result reported to the orchestrator (the process lingers on)');
    idle();
    break;
  case 'healthy':
    say('working');
    setInterval(() => say('still working'), 30_000);
    break;
  case 'fd-leaker': {
    say(`leaking one descriptor every ${LEAK_EVERY_MS} ms (cap ${LEAK_CAP})`);
    let opened = 0;
    const leak = () => {
      if (opened >= LEAK_CAP) return;
      try {
        openSync('/dev/null', 'r'); // never closed: that is the point
        opened += 1;
      } catch {
        opened = LEAK_CAP; // a descriptor limit lower than the cap: stop instead of failing forever
      }
    };
    leak();
    setInterval(leak, LEAK_EVERY_MS);
    break;
  }
  case 'child':
  case 'survivor':
    ignoreHup();
    idle();
    break;
  case 'stray':
    say('an agent-looking session nobody registered');
    idle();
    break;
}
