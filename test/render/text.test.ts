import { describe, expect, it } from 'vitest';
import { formatAge, formatBytes, sparkline, truncate } from '../../src/render/format.js';
import { renderTable } from '../../src/render/table.js';
import { colorWanted, makePaint, stripAnsi } from '../../src/render/theme.js';

const plain = makePaint(false);

describe('format', () => {
  it('sizes, ages, sparklines, truncation', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(50 * 1024 * 1024), formatBytes(null)]).toEqual(['512B', '1.5K', '50M', 'n/a']);
    expect([formatAge(5_000), formatAge(192_000), formatAge(4 * 3600_000 + 5 * 60_000), formatAge(50 * 3600_000)]).toEqual(['5s', '3m12s', '4h05m', '2d02h']);
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([3, 3, 3])).toBe('▁▁▁');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });
});

describe('colour', () => {
  it('only on a terminal, never with NO_COLOR, never for TERM=dumb', () => {
    expect(colorWanted({ isTTY: true }, {})).toBe(true);
    expect(colorWanted({ isTTY: false }, {})).toBe(false);
    expect(colorWanted({ isTTY: true }, { NO_COLOR: '' })).toBe(false);
    expect(colorWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorWanted({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(makePaint(true)('error', 'x')).toBe('\u001b[31mx\u001b[39m');
    expect(plain('error', 'x')).toBe('x');
  });
});

describe('tables', () => {
  const rows = [
    { pid: 7, name: 'claude-agent-1', cmd: 'node agent.js --agent a-1 --behaviour healthy' },
    { pid: 12345, name: 'agent_x', cmd: 'sleep 600' },
  ];
  const cols = [
    { header: 'PID', get: (r: (typeof rows)[0]) => String(r.pid), align: 'right' as const, priority: 0 },
    { header: 'NAME', get: (r: (typeof rows)[0]) => r.name, priority: 2 },
    { header: 'COMMAND', get: (r: (typeof rows)[0]) => r.cmd, flex: true, priority: 1 },
  ];

  it('aligns columns', () => {
    expect(renderTable(rows, cols, plain)).toEqual([
      '    PID  NAME            COMMAND',
      '      7  claude-agent-1  node agent.js --agent a-1 --behaviour healthy',
      '  12345  agent_x         sleep 600',
    ]);
  });

  it('shrinks the flexible column, then drops low-priority columns, on narrow terminals', () => {
    const narrow = renderTable(rows, cols, plain, 40);
    expect(narrow.every((l) => l.length <= 40)).toBe(true);
    expect(narrow[1]).toContain('…');
    const tiny = renderTable(rows, cols, plain, 24);
    expect(tiny[0]).not.toContain('NAME');
    expect(tiny[0]).toContain('COMMAND');
  });

  it('colours cells by tone without breaking alignment', () => {
    const coloured = renderTable(rows, [...cols.slice(0, 2), { ...cols[2]!, tone: () => 'warn' as const }], makePaint(true));
    expect(coloured.map(stripAnsi)).toEqual(renderTable(rows, cols, plain));
  });
});
