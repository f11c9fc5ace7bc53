// What the MCP tools answer from one snapshot: the JSON document's names and counts, every kind of
// the findings table with its reason, limits exceeded read defensively, and text that is inert.
import { describe, expect, it } from 'vitest';
import { FINDING_KINDS } from '../../src/model/findings.js';
import { findingsResult, findingsText, resourceUsage, resourceUsageText, spawnRoomText } from '../../src/mcp/results.js';
import { snapshotDocument } from '../../src/render/document.js';
import { makeSnapshot, NOW } from '../helpers/snapshot.js';
import type { OverLimitView } from '../../src/model/types.js';

describe('resourceUsage', () => {
  it("has the document's summary and sessions, with age, filtered by project, agent or session", () => {
    const snap = makeSnapshot();
    const r = resourceUsage(snap, {});
    expect(r.summary).toEqual(snapshotDocument(snap).summary);
    expect(r.sessions.map((s) => s.id)).toEqual(['$1', '$2', '$3']);
    expect(r.sessions[0]).toMatchObject({ name: 'agent_alpha', status: 'active', cpu: 1, rss: 50 * 2 ** 20, fds: 20, processes: [1001, 1002], ageMs: 120_000 });
    expect(resourceUsage(snap, { project: 'payments-api' }).sessions.map((s) => s.id)).toEqual(['$1', '$2']);
    expect(resourceUsage(snap, { agentId: 'bravo' }).sessions.map((s) => s.id)).toEqual(['$2']);
    expect(resourceUsage(snap, { session: '$3' }).sessions.map((s) => s.name)).toEqual(['claude-agent-charlie']);
    expect(resourceUsage(snap, { session: 'agent_alpha' }).sessions.map((s) => s.id)).toEqual(['$1']);
    expect(resourceUsage(snap, { session: 'nope' }).sessions).toEqual([]);
  });
});

describe('findingsResult', () => {
  it('counts every kind of the table as the summary does, and gives each finding its reason', () => {
    const snap = makeSnapshot();
    const r = findingsResult(snap, undefined);
    for (const k of FINDING_KINDS) expect(r.counts[k], k).toBe(snap.summary[k]);
    expect(r.counts.overLimit).toBe(0);
    expect(r.findings.map((f) => f.kind)).toEqual(['orphans', 'orphans', 'leaked', 'zombies', 'fdGrowth']);
    expect(r.findings[0]).toMatchObject({
      what: 'session $2 agent_bravo',
      reason: 'registry says completed',
      sessionId: '$2',
      severity: 'error',
      reapRemoves: true,
    });
    expect(r.findings[2]).toMatchObject({ what: 'pid 5001 node agent.js --agent delta', reason: 'its pane %9 is gone', pid: 5001, startTime: 50010 });
    expect(r.findings[4]?.reason).toBe('descriptors rising steadily: 90 open, +240.0/min over 8 samples');
    expect(findingsResult(snap, 'zombies').findings.map((f) => f.pid)).toEqual([1003]);
    expect(findingsResult(snap, 'ghosts').findings).toEqual([]);
  });

  it('limits exceeded are findings of their own kind, with the limit, how far over and for how long', () => {
    const over: OverLimitView = {
      sessionId: '$1',
      server: 'default',
      sessionName: 'agent_alpha',
      agentId: 'alpha',
      project: 'p',
      agentType: 'worker',
      limit: 'maxRss',
      hard: true,
      value: 3e9,
      max: 2e9,
      unit: 'bytes',
      by: 1e9,
      since: NOW - 90_000,
      forMs: 90_000,
      reason: 'maxRss 2.8 GiB > 1.9 GiB, by 954 MiB, for 1m30s',
    };
    const snap = { ...makeSnapshot(), overLimit: [over] };
    const r = findingsResult(snap, 'overLimit');
    expect(r.counts.overLimit).toBe(1);
    expect(r.findings).toEqual([
      expect.objectContaining({
        kind: 'overLimit',
        what: 'session $1 agent_alpha',
        reason: 'maxRss 2.8 GiB > 1.9 GiB, by 954 MiB, for 1m30s (hard limit)',
        sessionId: '$1',
      }),
    ]);
    expect(findingsResult(makeSnapshot(), 'overLimit').findings).toEqual([]);
  });
});

describe('text results', () => {
  it('are inert: an escape in a command line or a name is shown, never emitted', () => {
    const snap = makeSnapshot();
    snap.sessions[1] = { ...snap.sessions[1]!, name: 'agent_\u001b]0;pwned\u0007', reason: 'registry says \u001b[2Jdone' };
    snap.leaked[0] = { ...snap.leaked[0]!, command: 'evil\u009b31m\nrow' };
    const texts = [resourceUsageText(resourceUsage(snap, {})), findingsText(findingsResult(snap, undefined))];
    for (const t of texts) {
      expect(t).not.toMatch(/[\u001b\u0007\u009b]/);
      expect(t).toContain('agent_\\e]0;pwned\\a');
    }
    expect(texts[1]).toContain('evil\\u009b31m\\nrow');
    // The structured result stays exact.
    expect(resourceUsage(snap, {}).sessions[1]?.name).toBe('agent_\u001b]0;pwned\u0007');
  });

  it('can_spawn says whether one more fits and how much room is left', () => {
    expect(spawnRoomText({ allowed: true, project: null, agents: 2, maxAgents: null, room: null, reasons: [] })).toBe(
      'one more agent fits: 2 active agents, no maxAgents limit, room not limited\n',
    );
    expect(spawnRoomText({ allowed: false, project: 'p\u001bx', agents: 4, maxAgents: 4, room: 0, reasons: ['maxAgents 4 reached'] })).toBe(
      'one more agent in project p\\ex does not fit: 4 active agents, maxAgents 4, room for 0 more agents\n  maxAgents 4 reached\n',
    );
  });
});
