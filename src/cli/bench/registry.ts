/**
 * The workloads: every module in ./workloads/ whose default export is a Workload
 * (or an array of them: a family such as the math maps). Adding a workload is
 * adding one file there; ORDER only fixes where the
 * known ones appear in the report (others follow, by name).
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../usage.js';
import { MATH_OPS, mathName } from './math-inputs.js';
import type { Workload, WorkloadModule } from './types.js';

const DIR = new URL('./workloads/', import.meta.url);
const MATH = MATH_OPS.flatMap((op) => [mathName(op, false), mathName(op, true)]);
const ORDER = ['map-square', ...MATH, 'axpy', 'sum', 'dot', 'sum-small', 'cumsum', 'sort', 'histogram', 'histogram-skewed', 'histogram-f32', 'histogram-f32-skewed', 'histogram-i32', 'histogram-u8', 'matmul', 'mandelbrot', 'axis-sum', 'broadcast-add', 'expr', 'tiny-tasks', 'round-trip', 'uneven-tasks'];

export async function loadWorkloads(): Promise<Workload[]> {
  const files = readdirSync(fileURLToPath(DIR)).filter((f) => /\.(js|mjs)$/.test(f) && !f.startsWith('_'));
  const mods = await Promise.all(files.map(async (f) => ((await import(new URL(f, DIR).href)) as WorkloadModule).default));
  const rank = (w: Workload) => { const i = ORDER.indexOf(w.name); return i < 0 ? ORDER.length : i; };
  return mods.flat().filter((w) => w && typeof w.name === 'string' && w.contenders).sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/**
 * `--filter a,b`: each item picks the workloads whose name equals it, or else
 * contains it. An item matching nothing is a UsageError naming the known ones.
 */
export function selectWorkloads(all: Workload[], filter: string | undefined): Workload[] {
  if (!filter) return all;
  const picked = new Set<Workload>();
  for (const item of filter.split(',').map((s) => s.trim()).filter(Boolean)) {
    const exact = all.filter((w) => w.name === item);
    const found = exact.length ? exact : all.filter((w) => w.name.includes(item));
    if (!found.length) throw new UsageError(`wasmpar bench: --filter ${JSON.stringify(item)} matches no workload; known: ${all.map((w) => w.name).join(', ')}`);
    for (const w of found) picked.add(w);
  }
  return all.filter((w) => picked.has(w));
}
