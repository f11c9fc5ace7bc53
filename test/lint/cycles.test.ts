// No import cycle between the files of src/, nor between its folders (a root file counts as its own
// folder): layers that import each other are one layer. Static, dynamic and type imports all count.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..', '..', 'src');

function sourceFiles(dir: string, into: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, into);
    else if (/\.tsx?$/.test(name)) into.push(p);
  }
  return into;
}

type Graph = Map<string, Set<string>>;

function importGraph(files: string[]): Graph {
  const known = new Set(files);
  const graph: Graph = new Map();
  for (const f of files) {
    const deps = new Set<string>();
    for (const m of readFileSync(f, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.[^'"]+)['"]/g)) {
      const base = resolve(dirname(f), m[1]!).replace(/\.js$/, '');
      const hit = [`${base}.ts`, `${base}.tsx`].find((x) => known.has(x));
      if (hit) deps.add(hit);
    }
    graph.set(f, deps);
  }
  return graph;
}

/** Strongly connected components with more than one member, or a member importing itself (Tarjan). */
function cycles(g: Graph): string[][] {
  const out: string[][] = [];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const comp: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1 || g.get(v)?.has(v)) out.push(comp);
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return out;
}

function folderGraph(files: Graph): Graph {
  const folder = (f: string) => {
    const r = relative(SRC, f);
    return r.includes('/') ? r.split('/')[0]! : `(root)/${r}`;
  };
  const g: Graph = new Map();
  for (const [f, deps] of files) {
    const a = folder(f);
    if (!g.has(a)) g.set(a, new Set());
    for (const d of deps) if (folder(d) !== a) g.get(a)!.add(folder(d));
  }
  return g;
}

describe('imports in src/', () => {
  const graph = importGraph(sourceFiles(SRC));

  it('form no cycle between files', () => {
    expect(cycles(graph).map((c) => c.map((f) => relative(SRC, f)))).toEqual([]);
  });

  it('form no cycle between folders', () => {
    expect(cycles(folderGraph(graph))).toEqual([]);
  });

  it('the check finds a cycle when there is one', () => {
    const g: Graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(cycles(g).map((c) => c.sort())).toEqual([['a', 'b', 'c']]);
  });
});
