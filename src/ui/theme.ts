// The console's colours, as meanings. Components ask for a token (`error`, `selected`, `title`),
// never for "red"; this is the one place that maps tokens to Ink text props, and the one place that
// honours NO_COLOR and colourless terminals: without colour, tokens keep their weight (bold, dim,
// inverse) and lose their hue, so the selection and the severities still read.

import { createContext, useContext } from 'react';
import type { Tone } from '../render/theme.js';

export type Token = Tone | 'selected' | 'lost' | 'tab' | 'tabActive' | 'border' | 'key' | 'muted';

export interface TextStyle {
  color?: string;
  bold?: boolean;
  dimColor?: boolean;
  inverse?: boolean;
  underline?: boolean;
}

export interface Theme {
  color: boolean;
  style(token: Token | null | undefined): TextStyle;
}

const HUES: Partial<Record<Token, string>> = {
  error: 'red',
  warn: 'yellow',
  ok: 'green',
  accent: 'cyan',
  border: 'gray',
  key: 'cyan',
  tabActive: 'cyan',
  lost: 'yellow',
};
const WEIGHT: Record<Token, TextStyle> = {
  error: { bold: true },
  warn: {},
  ok: {},
  dim: { dimColor: true },
  heading: { bold: true },
  accent: {},
  selected: { inverse: true },
  lost: { inverse: true, dimColor: true },
  tab: {},
  tabActive: { inverse: true, bold: true },
  border: {},
  key: { bold: true },
  muted: { dimColor: true },
};

export function makeTheme(color: boolean): Theme {
  return {
    color,
    style(token) {
      if (!token) return {};
      const hue = color ? HUES[token] : undefined;
      return hue ? { ...WEIGHT[token], color: hue } : WEIGHT[token];
    },
  };
}

export const ThemeContext = createContext<Theme>(makeTheme(false));
export const useTheme = () => useContext(ThemeContext);
