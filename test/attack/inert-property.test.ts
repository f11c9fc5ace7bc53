// Rule 7 (issue 12), the sanitizer alone: for any string, what inert() gives a terminal has no C0
// control, no DEL, no C1 code point, no ESC and no bidi control; printable text passes unchanged;
// and the text views (tables, plans) built from hostile strings carry none of them either.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inert, inertDeep } from '../../src/render/inert.js';
import { renderTable } from '../../src/render/table.js';
import { makePaint } from '../../src/render/theme.js';

const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const utf8 = (s: string) => Buffer.from(s, 'utf8');
/** The bytes hold no C0, DEL or ESC, and the decoded text no C1 or bidi control. */
function terminalSafe(s: string): boolean {
  const bytes = utf8(s);
  if (bytes.some((b) => b < 0x20 || b === 0x7f)) return false;
  return !FORBIDDEN.test(bytes.toString('utf8'));
}

/** Strings that favour the dangerous parts: controls, escape sequences, C1, bidi, printable text. */
const hostile = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0x7f, max: 0x9f }).map((c) => String.fromCharCode(c)),
      fc.constantFrom(
        '\u001b]0;title\u0007',
        '\u001b]52;c;cHduZWQ=\u0007',
        '\u001b[2J',
        '\u001bP+q\u001b\\',
        '\u202e',
        '\u2066',
        '\u2069',
        '\u2028',
        '\n',
        '\r\n',
      ),
      fc.string({ unit: 'binary' }),
    ),
  )
  .map((parts) => parts.join(''));

describe('inert()', () => {
  it('leaves nothing a terminal would act on, for any string', () => {
    fc.assert(
      fc.property(hostile, (s) => terminalSafe(inert(s))),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => terminalSafe(inert(s))),
      { numRuns: 2000 },
    );
  });

  it('passes printable ASCII and UTF-8 text unchanged, byte for byte', () => {
    const printable = fc.string({ unit: 'grapheme' }).filter((s) => !FORBIDDEN.test(s));
    fc.assert(
      fc.property(printable, (s) => inert(s) === s),
      { numRuns: 2000 },
    );
    for (const s of ['agent_code_auditor-213536-71587d', 'naïve café ✓ 日本語 🚀', 'back\\slash and $HOME', '']) expect(inert(s)).toBe(s);
  });

  it('is idempotent: what it shows is shown again the same', () => {
    fc.assert(
      fc.property(hostile, (s) => inert(inert(s)) === inert(s)),
      { numRuns: 1000 },
    );
  });

  it('shows whole escape sequences as text in one notation', () => {
    expect(inert('\u001b]0;x\u0007')).toBe('\\e]0;x\\a');
    expect(inert('\u001b]52;c;cHduZWQ=\u0007')).toBe('\\e]52;c;cHduZWQ=\\a');
    expect(inert('a\u001b[2Jb')).toBe('a\\e[2Jb');
    expect(inert('one\ntwo\r\tthree')).toBe('one\\ntwo\\r\\tthree');
    expect(inert('\u0000\u001f\u007f')).toBe('\\x00\\x1f\\x7f');
    expect(inert('\u009b2J\u009d0;x')).toBe('\\u009b2J\\u009d0;x');
    expect(inert('evil\u202etxt.exe\u2066\u2069')).toBe('evil\\u202etxt.exe\\u2066\\u2069');
  });

  it('inertDeep reaches every string of plain objects and arrays, and keeps the rest', () => {
    const x = { a: '\u001b[2J', n: 3, b: [{ c: 'x\ny' }, null, true], m: new Map([['k', '\u001b']]) };
    const y = inertDeep(x);
    expect(y).toEqual({ a: '\\e[2J', n: 3, b: [{ c: 'x\\ny' }, null, true], m: x.m });
    expect(x.a).toBe('\u001b[2J');
  });
});

describe('a table of hostile cells', () => {
  it('has one line per row and nothing a terminal acts on', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(hostile, hostile), { minLength: 1, maxLength: 5 }), (rows) => {
        const lines = renderTable(
          rows,
          [
            { header: 'NAME', get: (r) => r[0], priority: 0 },
            { header: 'COMMAND', get: (r) => r[1], flex: true },
          ],
          makePaint(false),
          80,
        );
        return lines.length === rows.length + 1 && lines.every(terminalSafe);
      }),
      { numRuns: 500 },
    );
  });
});
