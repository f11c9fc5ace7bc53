// The output formats, one module each behind one interface: the list, and what each writes.
import { describe, expect, it } from 'vitest';
import { classify, emptyHistory } from '../../../src/model/classify.js';
import { makePlan } from '../../../src/model/plan.js';
import { snapshotDocument } from '../../../src/render/document.js';
import { FORMAT_NAMES, FORMATS, formatNamed } from '../../../src/render/formats/index.js';
import { renderPlanText } from '../../../src/render/plan.js';
import { renderSnapshotText } from '../../../src/render/text.js';
import { makePaint } from '../../../src/render/theme.js';
import { cfg, NOW, richSnapshot, world } from '../rich-world.js';

const opts = { paint: makePaint(false), width: 160 };
const snap = richSnapshot();
const plan = makePlan(snap, { kind: 'reap' }, { graceMs: 2_000, server: { socketName: 'orchdoc' } });
const clean = classify(world([], [], [], NOW + 3_000), cfg, emptyHistory());
const execution = { results: [], durationMs: 5, clean: true, remaining: [] };

describe('the list of formats', () => {
  it('is text then json, one name each, every one found by its name', () => {
    expect(FORMAT_NAMES).toEqual(['text', 'json']);
    for (const f of FORMATS) expect(formatNamed(f.name)).toBe(f);
    expect(() => formatNamed('xml')).toThrow(/no output format 'xml'/);
  });

  it('every format writes both documents, ending in a newline', () => {
    for (const f of FORMATS) {
      expect(f.snapshot(snap, opts).endsWith('\n'), f.name).toBe(true);
      expect(f.report({ dryRun: true, before: snap, plan }, opts).endsWith('\n'), f.name).toBe(true);
    }
  });
});

describe('json', () => {
  it('is the document, indented by two, one line feed after it', () => {
    expect(formatNamed('json').snapshot(snap, opts)).toBe(JSON.stringify(snapshotDocument(snap), null, 2) + '\n');
    const r = JSON.parse(formatNamed('json').report({ dryRun: false, before: snap, plan, after: clean, execution, remaining: [], completed: true }, opts));
    expect(r).toMatchObject({ dryRun: false, clean: true, durationMs: 5, before: snap.summary, summary: clean.summary });
  });
});

describe('text', () => {
  const text = formatNamed('text');
  it('a snapshot is the tables', () => {
    expect(text.snapshot(snap, opts)).toBe(renderSnapshotText(snap, opts));
  });

  it('a dry run is the plan and says nothing was touched', () => {
    expect(text.report({ dryRun: true, before: snap, plan }, opts)).toBe(renderPlanText(plan, opts) + 'dry run: nothing was touched\n');
  });

  it('a clean shutdown ends with "cleanup completed"; a reap does not; what is left is listed', () => {
    const shutdown = { ...plan, intent: { kind: 'shutdown' as const } };
    expect(
      text
        .report({ dryRun: false, before: snap, plan: shutdown, after: clean, execution, remaining: [], completed: true }, opts)
        .endsWith('cleanup completed\n'),
    ).toBe(true);
    // Nothing left, but the run stopped on an error: not "completed".
    expect(text.report({ dryRun: false, before: snap, plan: shutdown, after: clean, execution, remaining: [], completed: false }, opts)).not.toContain(
      'cleanup completed',
    );
    const reap = text.report({ dryRun: false, before: snap, plan, after: clean, execution, remaining: [], completed: true }, opts);
    expect(reap).toContain('AFTER  ');
    expect(reap).not.toContain('cleanup completed');
    const left = text.report(
      { dryRun: false, before: snap, plan, after: snap, execution, remaining: ['zombie 103 of 101', 'orphan session $2'], completed: false },
      opts,
    );
    expect(left).toContain('2 left:\n  zombie 103 of 101\n  orphan session $2\n');
  });
});
