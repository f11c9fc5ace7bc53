// Rule 2, the parser: whatever bytes a pane's process or a session's owner puts in a value, the
// list-panes parser never yields a pane that was not a real pane, nor a pane pid or server pid that
// is not one of the input's real fields; and a real line parses back to itself. Values are escaped
// the way tmux 3.3a escapes every field orch-top asks for (it no longer asks for the one tmux prints
// raw); a tmux (or a fake one) printing anything else at all is covered by arbitrary lines.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PANE_FORMAT, parsePaneLines } from '../../src/collectors/tmux.js';
import type { TmuxPane } from '../../src/model/types.js';

const SEP = '\u001f';

/** tmux 3.3a's escaping of a format value (utf8_stravis, VIS_OCTAL | VIS_CSTYLE | VIS_TAB | VIS_NL). */
function tmuxEscape(v: string): string {
  let out = '';
  for (const ch of v) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) for (const b of Buffer.from(ch, 'utf8')) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return out;
}

interface Real {
  pane: TmuxPane;
  serverPid: number;
  socketPath: string;
}

function line(r: Real): string {
  const p = r.pane;
  return [
    p.sessionId,
    p.sessionName,
    p.sessionCreated,
    p.sessionAttached,
    p.windowId,
    p.windowIndex,
    p.paneId,
    p.paneIndex,
    p.panePid,
    p.paneDead ? 1 : 0,
    p.paneDeadStatus ?? '',
    r.serverPid,
    r.socketPath,
  ].join(SEP);
}

const nat = fc.integer({ min: 0, max: 1_000_000 });
const anyText = fc.string({ unit: 'binary', maxLength: 40 });
const realPane = (serverPid: number, socketPath: string) =>
  fc
    .record({
      s: nat,
      name: anyText,
      created: nat,
      attached: fc.integer({ min: 0, max: 5 }),
      w: nat,
      wi: fc.integer({ min: 0, max: 99 }),
      p: nat,
      pi: fc.integer({ min: 0, max: 99 }),
      pid: fc.integer({ min: 2, max: 4_194_304 }),
      dead: fc.boolean(),
      status: fc.option(fc.integer({ min: 0, max: 255 }), { nil: null }),
    })
    .map(
      (x): Real => ({
        serverPid,
        socketPath,
        pane: {
          sessionId: `$${x.s}`,
          sessionName: tmuxEscape(x.name),
          sessionCreated: x.created,
          sessionAttached: x.attached,
          windowId: `@${x.w}`,
          windowIndex: x.wi,
          paneId: `%${x.p}`,
          paneIndex: x.pi,
          panePid: x.pid,
          paneDead: x.dead,
          paneDeadStatus: x.dead ? x.status : null,
        },
      }),
    );
const server = fc.record({ pid: fc.integer({ min: 2, max: 4_194_304 }), sock: anyText.map((s) => `/tmp/tmux-0/${tmuxEscape(s)}`) });
const realWorld = server.chain(({ pid, sock }) => fc.array(realPane(pid, sock), { minLength: 1, maxLength: 8 }));

describe('parsePaneLines against hostile values', () => {
  it('asks tmux for no field it prints raw', () => {
    expect(PANE_FORMAT).not.toMatch(/pane_current_command|pane_title|window_name|pane_current_path/);
  });

  it('a real answer parses back to itself, whatever the session names hold', () => {
    fc.assert(
      fc.property(realWorld, (reals) => {
        const r = parsePaneLines(`${reals.map(line).join('\n')}\n`);
        expect(r.dropped).toBe(0);
        expect(r.panes).toEqual(reals.map((x) => x.pane));
        expect(r.serverPid).toBe(reals[0]!.serverPid);
        expect(r.socketPath).toBe(reals[0]!.socketPath);
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary bytes in any field (escaped as tmux escapes, or a field replaced whole) never forge a pane or a pid', () => {
    const tampered = realWorld.chain((reals) =>
      fc.tuple(fc.constant(reals), fc.array(fc.record({ row: fc.nat(), field: fc.nat({ max: 12 }), value: anyText, raw: fc.boolean() }), { maxLength: 6 })),
    );
    fc.assert(
      fc.property(tampered, ([reals, edits]) => {
        const rows = reals.map((x) => line(x).split(SEP));
        for (const e of edits) {
          const row = rows[e.row % rows.length]!;
          // A value the pane's owner chose: escaped as tmux does, or (a broken or fake tmux) raw.
          row[e.field] = e.raw ? e.value : tmuxEscape(e.value);
        }
        const text = `${rows.map((r) => r.join(SEP)).join('\n')}\n`;
        const r = parsePaneLines(text);
        const inputLines = new Set(text.split('\n'));
        const realPids = new Set(rows.map((f) => f[8]));
        const realServers = new Set(rows.map((f) => f[11]));
        // Every pane is exactly one input line's fields: nothing is stitched from two lines.
        for (const p of r.panes) expect(inputLines.has(line({ pane: p, serverPid: r.serverPid!, socketPath: r.socketPath! }))).toBe(true);
        // An answer with nothing dropped (the only one orch-top acts on) names only real pids.
        if (r.dropped === 0) {
          for (const p of r.panes) expect(realPids.has(String(p.panePid))).toBe(true);
          if (r.serverPid !== null) expect(realServers.has(String(r.serverPid))).toBe(true);
        }
        expect(r.panes.length + r.dropped).toBe(text.split('\n').length - 1);
      }),
      { numRuns: 500 },
    );
  });

  it('a raw newline or 0x1f in a value (the old #{pane_current_command} attack) cannot add a pane: the answer is dropped in part and reported', () => {
    fc.assert(
      fc.property(realWorld, fc.integer({ min: 2, max: 4_194_304 }), anyText, (reals, victim, junk) => {
        const r0 = reals[0]!;
        // The forged line names the victim as an agent pane, with the real server pid and socket path.
        const forged = line({ ...r0, pane: { ...r0.pane, sessionId: '$999999', sessionName: 'claude-agent-forged', paneId: '%999999', panePid: victim } });
        const rows = reals.map(line);
        rows[0] = `${rows[0]}${SEP}${junk}\n${forged}`; // the old format's 14th field, printed raw
        const r = parsePaneLines(`${rows.join('\n')}\n`);
        expect(r.dropped).toBeGreaterThan(0);
        expect(r.firstBad).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }),
      { numRuns: 300 },
    );
  });

  it('every line must name the same server and socket: one that differs is dropped', () => {
    fc.assert(
      fc.property(realWorld, fc.integer({ min: 2, max: 4_194_304 }), (reals, other) => {
        fc.pre(reals.length > 1 && other !== reals[0]!.serverPid);
        const rows = reals.map((x, i) => line(i === reals.length - 1 ? { ...x, serverPid: other } : x));
        const r = parsePaneLines(`${rows.join('\n')}\n`);
        expect(r.dropped).toBe(1);
        expect(r.serverPid).toBe(reals[0]!.serverPid);
      }),
      { numRuns: 200 },
    );
  });
});
