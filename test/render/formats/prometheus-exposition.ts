// A reader of the Prometheus text exposition (format 0.0.4) for the tests, and the format check that
// runs where promtool does not: every sample belongs to a family with HELP and TYPE, names carry the
// orch_top_ prefix, counters end in _total and nothing else does.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface Family {
  name: string;
  help: string | null;
  type: string | null;
  samples: Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function parseLabels(text: string, line: number): Record<string, string> {
  const out: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const m = LABEL.exec(text);
    if (!m) throw new Error(`line ${line}: bad labels {${text}}`);
    out[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return out;
}

/** Families by name, in order; throws on a line that is not HELP, TYPE, a comment, blank or a sample. */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, help: null, type: null, samples: [] }));
    return f;
  };
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'HELP') family(meta[2]!).help = meta[3]!;
      else family(meta[2]!).type = meta[3]!;
      return;
    }
    if (line.startsWith('#')) return;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`line ${i + 1}: not a sample: ${JSON.stringify(line)}`);
    const value = m[3] === 'NaN' ? Number.NaN : m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    if (m[3] !== 'NaN' && Number.isNaN(value)) throw new Error(`line ${i + 1}: bad value ${m[3]}`);
    family(m[1]!).samples.push({ name: m[1]!, labels: parseLabels(m[2] ?? '', i + 1), value });
  });
  return families;
}

/** The problems promtool's lint would also name (and the prefix); an empty list when there are none. */
export function formatProblems(text: string): string[] {
  const problems: string[] = [];
  for (const f of parseExposition(text).values()) {
    if (!f.name.startsWith('orch_top_')) problems.push(`${f.name}: no orch_top_ prefix`);
    if (!f.help) problems.push(`${f.name}: no help text`);
    if (!f.type) problems.push(`${f.name}: no TYPE`);
    if (f.type === 'counter' && !f.name.endsWith('_total')) problems.push(`${f.name}: counter metrics should have "_total" suffix`);
    if (f.type !== 'counter' && f.name.endsWith('_total')) problems.push(`${f.name}: non-counter metrics should not have "_total" suffix`);
    if (f.type !== 'histogram' && f.type !== 'summary' && /_(count|sum|bucket)$/.test(f.name)) problems.push(`${f.name}: reserved suffix`);
    if (/_(ms|millis|milliseconds|kb|mb|percent)$/.test(f.name)) problems.push(`${f.name}: not a base unit`);
    for (const s of f.samples) if (s.name !== f.name) problems.push(`${s.name}: sample outside its family ${f.name}`);
  }
  return problems;
}

/** The value of one series (labels matched exactly as given, others ignored), or undefined. */
export function seriesValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  return families.get(name)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

/** The sum over every series of a family. */
export const sumOf = (families: Map<string, Family>, name: string) => (families.get(name)?.samples ?? []).reduce((a, s) => a + s.value, 0);
