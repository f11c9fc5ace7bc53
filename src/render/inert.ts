// Outside strings made safe for a terminal (issue 12, rule 7). Command lines, process names, session
// and window names, registry fields and file excerpts are written by whoever controls them; printed
// as they are, an OSC sequence sets the window title or the clipboard, a CSI clears the screen, a
// newline breaks a row and a bidi override reorders what follows. Every one of them is shown as text
// instead, in one notation (the one C, bash's $'…' and the shell's printf understand):
//
//   ESC → \e   BEL → \a   BS → \b   TAB → \t   LF → \n   VT → \v   FF → \f   CR → \r
//   other C0 controls and DEL → \xNN            (\x00 … \x1f, \x7f)
//   C1 controls U+0080–U+009F → \u0080 … \u009f (the 8-bit CSI U+009B, OSC U+009D …)
//   bidi embeddings, overrides and isolates U+202A–U+202E, U+2066–U+2069, the marks U+200E, U+200F,
//   U+061C, and the line/paragraph separators U+2028, U+2029 → \u202e …
//
// So a whole escape sequence stays readable (`\e]0;title\a`, `\e[2J`) and nothing of it is emitted.
// A backslash itself is left as it is: printable text passes unchanged, byte for byte. Pure. JSON
// output does not use this: JSON.stringify's own escaping keeps it exact.

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same set without the global flag, for the fast test (a /g regex's test() keeps state). */
const ANY_UNSAFE = new RegExp(UNSAFE.source);

const NAMED: Record<string, string> = {
  '\u001b': '\\e',
  '\u0007': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
};

const hex = (c: number, digits: number) => c.toString(16).padStart(digits, '0');

function shown(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const c = ch.charCodeAt(0);
  return c < 0x80 ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`;
}

/** `s` with every control, escape and bidi character shown as text (see the table above). */
export function inert(s: string): string {
  return ANY_UNSAFE.test(s) ? s.replace(UNSAFE, shown) : s;
}

/**
 * A copy of `x` with every string in it (values of plain objects and arrays, at any depth) made
 * inert: the text views take the snapshot or the plan through this once, so no field can be
 * forgotten. Numbers, booleans, null and anything that is not a plain object or array are kept as
 * they are.
 */
export function inertDeep<T>(x: T): T {
  if (typeof x === 'string') return inert(x) as T;
  if (Array.isArray(x)) return x.map((v) => inertDeep(v)) as T;
  if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = inertDeep(v);
    return out as T;
  }
  return x;
}
