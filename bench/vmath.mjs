// Single-thread speed of the vector math (map kernels, pow) against glibc on
// the same inputs (the `wasmpar bench` math maps' ramps, 32K elements: in
// cache, so this measures the functions): scalar libm, libmvec with AVX2 (4
// f64 / 8 f32 lanes) and libmvec as -march=native picks it (AVX-512 here: 8 /
// 16 lanes). ns per element, best of 150 runs each, and wasmpar's speed
// relative to each (> 1: wasmpar faster); sin and cos also with the values in
// ramp order and on a ramp over [0, 0.78) (wasmpar only: smooth data runs one
// polynomial, small arguments skip the reduction). The 2-thread figures at 8M elements:
// `npx wasmpar bench --filter map-`.
// Run: node bench/vmath.mjs (after npm run build; needs cc with OpenMP for the C columns).
// --baseline <kernels.wasm> adds an older build's ns (e.g. one compiled from `git archive <commit>
// assembly asconfig.json`), measured in the same run; --filter <op> keeps the rows starting with op.
import { writeMathTables } from '../dist/runtime/math-tables.js';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
function instance(file) {
  const memory = new WebAssembly.Memory({ initial: 1024, maximum: 65536, shared: true });
  writeMathTables(memory); // as the engine does (exp and pow read their tables from the memory)
  const ex = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), { env: { memory, abort() { throw new Error('abort'); } } }).exports;
  return { memory, ex };
}
const current = instance(join(here, '../build/kernels.wasm'));
const baseline = arg('--baseline') && instance(arg('--baseline'));
const only = arg('--filter') ?? '';

const N = 32768, X = 1 << 16, B = X + N * 8, O = B + N * 8;
const RAMP = { exp: [2000, 0, 1e-2, -10], log: [100000, 1, 1e-3, 0], sin: [6283, 0, 1e-3, 0], cos: [6283, 0, 1e-3, 0], tanh: [1000, 0, 1e-2, -5], sigmoid: [2000, 0, 1e-2, -10], pow: [1000, 1, 1e-2, 0] };

function wasmNs({ memory, ex }, op, dt, order = 'random') {
  const T = dt === 'f64' ? Float64Array : Float32Array;
  const x = new T(memory.buffer, X, N), b = new T(memory.buffer, B, N);
  const [m, c, s, lo] = RAMP[op];
  // The C harness's values: i spread by a prime stride.
  // 'ramp': the same values in ramp order (sin and cos run one polynomial where neighbours share a quadrant
  // parity); 'small': a ramp over [0, 0.78) (sin and cos skip the reduction there).
  const ramp = order === 'small' ? [780, 0, 1e-3, 0] : [m, c, s, lo];
  for (let i = 0; i < N; i++) {
    x[i] = (((order === 'random' ? i * 7919 : i) % ramp[0]) + ramp[1]) * ramp[2] + ramp[3];
    b[i] = ((i * 104729) % 1009) * 1e-2 - 5;
  }
  const name = `${op}_${dt}`;
  const f = op === 'pow' ? () => ex[name](0, N, X, B, O) : () => ex[name](0, N, X, O);
  for (let r = 0; r < 100; r++) f(); // past tier-up (a background compile on a busy machine can take a while)
  let best = Infinity;
  for (let r = 0; r < 150; r++) { const t0 = process.hrtime.bigint(); f(); best = Math.min(best, Number(process.hrtime.bigint() - t0)); }
  return best / N;
}

const VARIANTS = { libm: [], 'libmvec AVX2': ['-DVEC', '-mno-avx512f'], 'libmvec native': ['-DVEC'] };
function cNs() {
  const cc = process.env.CC || 'cc';
  const out = {};
  mkdirSync(join(here, 'native/bin'), { recursive: true });
  for (const [label, extra] of Object.entries(VARIANTS)) {
    const bin = join(here, `native/bin/vmath-${label.replace(/\W+/g, '-')}`);
    const r = spawnSync(cc, ['-O3', '-march=native', '-ffast-math', '-fopenmp', ...extra, join(here, 'native/vmath.c'), '-o', bin, '-lm'], { encoding: 'utf8' });
    if (r.status !== 0) { console.log(`${label}: skipped (${(r.stderr || r.error?.message || '').split('\n')[0]})`); continue; }
    const run = spawnSync(bin, { encoding: 'utf8' });
    out[label] = Object.fromEntries(run.stdout.trim().split('\n').map((l) => l.split(' ')).map(([k, v]) => [k, Number(v)]));
  }
  return out;
}

const c = cNs();
const rows = [];
for (const op of Object.keys(RAMP)) for (const dt of ['f64', 'f32']) {
  const k = `${op}_${dt}`;
  if (!k.startsWith(only)) continue;
  const w = wasmNs(current, op, dt);
  const row = { op: k, ...(baseline ? { 'baseline ns': wasmNs(baseline, op, dt).toFixed(2) } : {}), 'wasmpar ns': w.toFixed(2) };
  if (op === 'sin' || op === 'cos') {
    row['wasmpar ns, ramp order'] = wasmNs(current, op, dt, 'ramp').toFixed(2);
    row['wasmpar ns, ramp over [0, 0.78)'] = wasmNs(current, op, dt, 'small').toFixed(2);
  }
  for (const label of Object.keys(c)) { row[`${label} ns`] = c[label][k].toFixed(2); row[`vs ${label}`] = (c[label][k] / w).toFixed(2); }
  rows.push(row);
}
console.table(rows);
