// One terminal line from styled segments, cut to the width with "…" where text was lost (never
// wrapped: a wrapped line would push the layout past the screen).

import { Text } from 'ink';
import { inert } from '../../render/inert.js';
import { useTheme, type Token } from '../theme.js';

export interface Segment {
  text: string;
  token?: Token | null;
}

export function Line({ segments, width, token }: { segments: Segment[]; width?: number; token?: Token | null }) {
  const theme = useTheme();
  // Cut (more than trailing blanks lost): the last column shown says so.
  const cut =
    width !== undefined &&
    width > 0 &&
    segments
      .map((s) => s.text)
      .join('')
      .trimEnd().length > width;
  let left = cut ? width - 1 : (width ?? Infinity);
  const parts: Segment[] = [];
  for (const s of segments) {
    if (left <= 0) break;
    // Every console line passes here: an outside string in it is shown inert, never emitted.
    const safe = inert(s.text);
    const text = safe.length > left ? safe.slice(0, left) : safe;
    left -= text.length;
    const prev = parts[parts.length - 1];
    if (prev && prev.token === s.token) prev.text += text;
    else parts.push({ text, token: s.token ?? null });
  }
  if (cut) {
    const last = parts[parts.length - 1];
    // Trailing blanks before the mark read as nothing lost: the mark goes right after the text.
    if (last) last.text = `${last.text.replace(/\s+$/, '')}…`;
    else parts.push({ text: '…', token: null });
    left = width - parts.reduce((n, p) => n + p.text.length, 0);
  }
  // A line styled as a whole (the selected row) fills the width, so the highlight is a bar.
  if (token && width !== undefined && left > 0 && left !== Infinity) parts.push({ text: ' '.repeat(left), token: null });
  return (
    <Text wrap="truncate" {...theme.style(token)}>
      {parts.map((p, i) =>
        p.token ? (
          <Text key={i} {...theme.style(p.token)}>
            {p.text}
          </Text>
        ) : (
          p.text
        ),
      )}
      {parts.length === 0 ? ' ' : ''}
    </Text>
  );
}
