// Wrapping for text that is read, not scanned (an expanded row's details, a dialog's plan and its
// warnings): at spaces where it can, continued lines indented. SGR colour survives a break: the line
// that breaks inside a coloured span closes it and the next line reopens it.

import { stripAnsi } from '../render/theme.js';

const SGR = /\u001b\[[0-9;]*m/g;

/** The longest prefix of `line` that shows at most `width` characters, by visible length. */
function cutAt(line: string, width: number): number {
  let shown = 0;
  let i = 0;
  while (i < line.length && shown < width) {
    SGR.lastIndex = i;
    const m = SGR.exec(line);
    if (m && m.index === i) {
      i += m[0].length;
      continue;
    }
    i++;
    shown++;
  }
  return i;
}

/** The SGR that is open at the end of `text` ('' when none or reset). */
function openSgr(text: string): string {
  const all = text.match(SGR) ?? [];
  let open = '';
  for (const s of all) open = s === '\u001b[0m' || s === '\u001b[m' || /\u001b\[(22|39|49|23|24|27);?/.test(s) ? '' : open + s;
  return open;
}

export function wrapLine(line: string, width: number, indent = '  '): string[] {
  const w = Math.max(8, width);
  const out: string[] = [];
  let rest = line;
  while (stripAnsi(rest).length > w) {
    const hard = cutAt(rest, w);
    const space = rest.lastIndexOf(' ', hard);
    const at = space > 0 && stripAnsi(rest.slice(0, space)).length > w / 2 ? space : hard;
    const head = rest.slice(0, at);
    const open = openSgr(head);
    out.push(open ? `${head}\u001b[0m` : head);
    rest = indent + open + rest.slice(at).trimStart();
  }
  out.push(rest);
  return out;
}
