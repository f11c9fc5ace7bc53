// Every output format, in one list: a new one (Prometheus, later) is one module beside these and one
// line here; --format and the config file accept exactly these names.

import type { OutputFormat } from './format.js';
import { jsonFormat } from './json.js';
import { textFormat } from './text.js';

export const FORMATS: readonly OutputFormat[] = [textFormat, jsonFormat];

export const FORMAT_NAMES: readonly string[] = FORMATS.map((f) => f.name);

/** The format called `name`; config.ts has checked it, so an unknown name is a bug. */
export function formatNamed(name: string): OutputFormat {
  const f = FORMATS.find((x) => x.name === name);
  if (!f) throw new Error(`no output format '${name}'`);
  return f;
}

export type { FormatOptions, OutputFormat } from './format.js';
