// The one place that decides colour. Views ask for a meaning (error, warn, ok, dim, heading), never
// for "red". NO_COLOR (any value) and non-terminals get plain text.

export type Tone = 'error' | 'warn' | 'ok' | 'dim' | 'heading' | 'accent';

const SGR: Record<Tone, [string, string]> = {
  error: ['\u001b[31m', '\u001b[39m'],
  warn: ['\u001b[33m', '\u001b[39m'],
  ok: ['\u001b[32m', '\u001b[39m'],
  dim: ['\u001b[2m', '\u001b[22m'],
  heading: ['\u001b[1m', '\u001b[22m'],
  accent: ['\u001b[36m', '\u001b[39m'],
};

export interface Paint {
  (tone: Tone, text: string): string;
  enabled: boolean;
}

export function colorWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return !!stream.isTTY && env.TERM !== 'dumb';
}

export function makePaint(enabled: boolean): Paint {
  const paint = ((tone: Tone, text: string) => (enabled && text ? SGR[tone][0] + text + SGR[tone][1] : text)) as Paint;
  paint.enabled = enabled;
  return paint;
}

/** Strips SGR sequences (for width measurement and tests). */
export const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');
