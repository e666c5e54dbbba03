/**
 * Kernel-library speed targets (issue 3), measured side by side in one run:
 *   1. sort 10M f64, 2 threads, vs Float64Array.prototype.sort               (>= 5x)
 *   2. cumsum 8M f64, 2 threads, vs the engine's own copy of the same array  (>= 0.7x copy's speed)
 *   3. matmul f32 512³: 2 threads vs 1 thread (>= 1.8x), vs a plain JS i-k-j loop (>= 8x), GFLOP/s;
 *      beside it @tensorflow/tfjs-backend-wasm's matMul when that package resolves
 *   4. histogram 8M f64 into 256 bins: 2 threads vs 1 thread                 (>= 1.7x)
 *
 *   node bench/library.mjs            (BENCH_QUICK=1 for a shorter run)
 */
import os from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { interleave, markdownTable, median, QUICK, quietRatio, writeResults } from './report.mjs';

async function createEngine(threads) {
  const { Engine } = await import('../dist/index.js');
  return Engine.create({ threads, memory: { initial: 1024 * 2 ** 20 } });
}

async function tfjsMatMul(N) {
  try {
    // TFJS_DIR: a directory where the two packages are installed outside this project.
    const require = createRequire(process.env.TFJS_DIR ? join(process.env.TFJS_DIR, 'index.js') : import.meta.url);
    const tf = require('@tensorflow/tfjs-core');
    require('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
    const a = tf.randomUniform([N, N], 0, 1, 'float32'), b = tf.randomUniform([N, N], 0, 1, 'float32');
    return { fn: () => { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); }, threads: 'tfjs default' };
  } catch (err) {
    return { skipped: `@tensorflow/tfjs-backend-wasm not available (${err.code ?? err.message})` };
  }
}

const N_SORT = 10_000_000, N_SCAN = 8 * 1024 * 1024, N_HIST = 8 * 1024 * 1024, N_MM = 512;
const e2 = await createEngine(2);
const e1 = await createEngine(1);

let seed = 7;
const rand = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 4294967296; };
const sortSrc = new Float64Array(N_SORT).map(() => rand() * 2 - 1);
const sortX = e2.alloc('f64', N_SORT);
const jsX = new Float64Array(N_SORT);
const scanX = e2.alloc('f64', N_SCAN), scanY = e2.alloc('f64', N_SCAN);
for (let i = 0; i < N_SCAN; i++) { scanX[i] = rand(); scanY[i] = 0; }
const H = { 2: e2.from(scanX), 1: e1.from(scanX) };
const scanY1 = e1.alloc('f64', N_SCAN);
// The other dtypes' cumsum beside their own copy (information, no target).
const SCAN_DT = Object.fromEntries(['f32', 'i32', 'u8'].map((dt) => {
  const x = e2.alloc(dt, N_SCAN), y = e2.alloc(dt, N_SCAN);
  for (let i = 0; i < N_SCAN; i++) x[i] = dt === 'f32' ? rand() : Math.floor(rand() * 1000);
  return [dt, { x, y }];
}));
const MM = {};
for (const [t, e] of [[2, e2], [1, e1]]) {
  MM[t] = { a: e.alloc('f32', N_MM * N_MM), b: e.alloc('f32', N_MM * N_MM), c: e.alloc('f32', N_MM * N_MM) };
  for (let i = 0; i < N_MM * N_MM; i++) { MM[t].a[i] = rand(); MM[t].b[i] = rand(); }
}
const jsA = MM[2].a.slice(), jsB = MM[2].b.slice(), jsC = new Float32Array(N_MM * N_MM);
function jsMatmul(a, b, c, n) {
  c.fill(0);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
    const av = a[i * n + k], ci = i * n, bk = k * n;
    for (let j = 0; j < n; j++) c[ci + j] += av * b[bk + j];
  }
}
const tfjs = await tfjsMatMul(N_MM);
const shape = { m: N_MM, k: N_MM, n: N_MM };

// Sorting 10M with Float64Array#sort takes over a second: its own short rounds.
const sortTasks = [
  { name: 'sort 10M 2T', fn: () => { sortX.set(sortSrc); e2.sortSync(sortX); } },
  { name: 'Float64Array#sort 10M', fn: () => { jsX.set(sortSrc); jsX.sort(); } },
];
const tasks = [
  { name: 'cumsum 8M 2T', fn: () => { e2.cumsumSync(scanX, { out: scanY }); } },
  { name: 'copy 8M 2T', fn: () => { e2.copySync(scanX, scanY); } },
  { name: 'cumsum 8M 1T', fn: () => { e1.cumsumSync(H[1], { out: scanY1 }); } },
  ...Object.entries(SCAN_DT).flatMap(([dt, { x, y }]) => [
    { name: `cumsum ${dt} 8M 2T`, fn: () => { e2.cumsumSync(x, { out: y }); } },
    { name: `copy ${dt} 8M 2T`, fn: () => { e2.copySync(x, y); } },
  ]),
  { name: 'histogram 8M 2T', fn: () => { e2.histogramSync(H[2], { bins: 256, range: [0, 1] }); } },
  { name: 'histogram 8M 1T', fn: () => { e1.histogramSync(H[1], { bins: 256, range: [0, 1] }); } },
  { name: 'matmul f32 512 2T', fn: () => { e2.matmulSync(MM[2].a, MM[2].b, { ...shape, out: MM[2].c }); } },
  { name: 'matmul f32 512 1T', fn: () => { e1.matmulSync(MM[1].a, MM[1].b, { ...shape, out: MM[1].c }); } },
  { name: 'js i-k-j 512', fn: () => jsMatmul(jsA, jsB, jsC, N_MM) },
];
if (tfjs.fn) tasks.push({ name: 'tfjs-wasm matMul 512', fn: tfjs.fn });

const t0 = performance.now();
const loadBefore = os.loadavg()[0];
const S = await interleave(sortTasks, { rounds: QUICK ? 2 : 3, time: 0, iterations: 2, warmupTime: 0 });
const R = await interleave(tasks);
const elapsed = (performance.now() - t0) / 1000;

const rows = [];
function row(op, res, subject, ref, target, min, extra = '') {
  const q = quietRatio(res.p50[subject], res.load[subject], res.p50[ref], res.load[ref]);
  rows.push({
    op, wasmpar: median(res.p50[subject]), reference: median(res.p50[ref]), ratio: q.ratio,
    note: `${q.quiet ? `${q.used} quiet rounds` : 'busy machine'}${extra}`, target, pass: min === undefined ? undefined : q.ratio >= min,
  });
}
const gflops = (name) => (2 * N_MM ** 3 / (median(R.p50[name]) * 1e-3) / 1e9).toFixed(1);
row('sort 10M f64, 2 threads (vs Float64Array#sort)', S, 'sort 10M 2T', 'Float64Array#sort 10M', '≥ 5×', 5);
row('cumsum 8M f64, 2 threads (vs engine copy, 2 threads)', R, 'cumsum 8M 2T', 'copy 8M 2T', '≥ 0.7×', 0.7);
row('cumsum 8M f64: 2 threads vs 1 thread', R, 'cumsum 8M 2T', 'cumsum 8M 1T');
for (const dt of Object.keys(SCAN_DT)) row(`cumsum 8M ${dt}, 2 threads (vs engine copy of ${dt})`, R, `cumsum ${dt} 8M 2T`, `copy ${dt} 8M 2T`);
row('matmul f32 512³: 2 threads vs 1 thread', R, 'matmul f32 512 2T', 'matmul f32 512 1T', '≥ 1.8×', 1.8, `; ${gflops('matmul f32 512 2T')} vs ${gflops('matmul f32 512 1T')} GFLOP/s`);
row('matmul f32 512³, 2 threads (vs JS i-k-j loop)', R, 'matmul f32 512 2T', 'js i-k-j 512', '≥ 8×', 8, `; JS ${gflops('js i-k-j 512')} GFLOP/s`);
if (tfjs.fn) row('matmul f32 512³, 2 threads (vs tfjs-backend-wasm matMul)', R, 'matmul f32 512 2T', 'tfjs-wasm matMul 512', 'reference', undefined, `; tfjs ${gflops('tfjs-wasm matMul 512')} GFLOP/s`);
else rows.push({ op: 'tfjs-backend-wasm matMul 512³', wasmpar: median(R.p50['matmul f32 512 2T']), reference: tfjs.skipped });
row('histogram 8M f64, 256 bins: 2 threads vs 1 thread', R, 'histogram 8M 2T', 'histogram 8M 1T', '≥ 1.7×', 1.7);

const table = markdownTable(rows);
const load = `load average ${loadBefore.toFixed(2)} → ${os.loadavg()[0].toFixed(2)} on ${os.availableParallelism()} cores`;
console.log(`\n## wasmpar kernel library — ${QUICK ? 'quick' : 'full'} run, ${elapsed.toFixed(1)} s, ${load}\n`);
console.log(table);
console.log('\nratio = reference time / wasmpar time (> 1: wasmpar faster); medians over interleaved rounds (see bench/report.mjs).');
const file = writeResults('library', { rows, table, load, sort: S, rounds: R, sizes: { N_SORT, N_SCAN, N_HIST, N_MM } });
console.log(`results: ${file}`);
await e1.dispose();
await e2.dispose();
