// Colour goes through semantic tokens; without colour (NO_COLOR, a terminal without it) a token keeps
// its weight and loses its hue, so the selection and the severities still read.
import { expect, it } from 'vitest';
import { makeTheme } from '../../src/ui/theme.js';

it('maps tokens to weights and, with colour, hues', () => {
  expect(makeTheme(true).style('error')).toEqual({ bold: true, color: 'red' });
  expect(makeTheme(false).style('error')).toEqual({ bold: true });
  expect(makeTheme(false).style('selected')).toEqual({ inverse: true });
  expect(makeTheme(false).style('lost')).toEqual({ inverse: true, dimColor: true });
  expect(makeTheme(false).style('warn')).toEqual({});
  expect(makeTheme(true).style(null)).toEqual({});
});
