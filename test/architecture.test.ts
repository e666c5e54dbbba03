/**
 * The layering of src/ (BRIEF / DESIGN "Layout"), checked on every import:
 * a file imports only from its own layer or below, no import cycle exists
 * (type-only imports included: they couple files just the same), and no file
 * grows past MAX_LINES.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const MAX_LINES = 300;

/** Lowest first. A file may import from its own rank or a lower one. */
const LAYERS: Array<[rank: number, test: (path: string) => boolean]> = [
  [0, (p) => p === 'errors.ts'],
  [1, (p) => p.startsWith('memory/') || p.startsWith('runtime/')],
  [2, (p) => p.startsWith('engine/')],
  [3, (p) => p.startsWith('nd/')],
  [4, (p) => p.startsWith('expr/')],
  [5, (p) => p.startsWith('kernels/')],
  [6, (p) => p.startsWith('tasks/')],
  [7, (p) => p.startsWith('cli/') || p === 'index.ts' || p === 'browser.ts'],
];

function layerOf(path: string): number {
  for (const [rank, test] of LAYERS) if (test(path)) return rank;
  throw new Error(`${path} belongs to no layer: add its folder to LAYERS in test/architecture.test.ts`);
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return walk(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Drops comments, so that an example in a doc comment is not read as an import. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

// static imports and re-exports, dynamic import('...') and new URL('...', import.meta.url) (worker entries)
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)'([^']+)'/g;

function importsOf(file: string): string[] {
  const text = stripComments(readFileSync(file, 'utf8'));
  const out: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[1]!;
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    if (!target.startsWith(src + '/') || !target.endsWith('.ts')) continue;
    out.push(relative(src, target));
  }
  return out;
}

const files = walk(src).map((f) => relative(src, f)).sort();
const graph = new Map(files.map((f) => [f, importsOf(join(src, f))]));

describe('architecture of src/', () => {
  it('finds the source files and their imports', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(graph.get('index.ts')!.length).toBeGreaterThan(0);
    for (const [file, deps] of graph) for (const d of deps) expect(files, `${file} imports missing ${d}`).toContain(d);
  });

  it('imports only from its own layer or below', () => {
    const upward: string[] = [];
    for (const [file, deps] of graph) {
      for (const d of deps) if (layerOf(d) > layerOf(file)) upward.push(`${file} -> ${d}`);
    }
    expect(upward).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'visiting');
      stack.push(f);
      for (const d of graph.get(f) ?? []) {
        const s = state.get(d);
        if (s === 'visiting') cycles.push([...stack.slice(stack.indexOf(d)), d].join(' -> '));
        else if (s === undefined) visit(d);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it(`keeps every file at most ${MAX_LINES} lines`, () => {
    const long = files
      .map((f) => [f, readFileSync(join(src, f), 'utf8').split('\n').length - 1] as const)
      .filter(([, n]) => n > MAX_LINES)
      .map(([f, n]) => `${f}: ${n} lines`);
    expect(long).toEqual([]);
  });

  it('the checker itself catches an upward import and a cycle', () => {
    expect(layerOf('runtime/pool.ts')).toBeLessThan(layerOf('engine/engine.ts'));
    expect(layerOf('tasks/worker/pool.ts')).toBeGreaterThan(layerOf('kernels/engine.ts'));
    expect(() => layerOf('elsewhere/x.ts')).toThrow(/no layer/);
    const text = "import type { A } from './a.js';\n// import { B } from './b.js';\nexport { C } from '../c.js';\nconst u = new URL('./w.js', import.meta.url);";
    expect([...stripComments(text).matchAll(SPECIFIER)].map((m) => m[1])).toEqual(['./a.js', '../c.js', './w.js']);
  });
});
