/**
 * N-d speed targets (issue 11), side by side in one run, 2 threads, f64 4096×2048 unless said:
 *   1. sum(x, {axis: 0}) and sum(x, {axis: 1})  vs the full sum(x)                 (each ≥ 0.8×)
 *   2. add(x, row (2048,)) and add(x, col (4096,1)) vs add of two contiguous arrays (each ≥ 0.8×)
 *   3. copy(x.T), 4096×4096 f64                  vs copy of a contiguous array      (≥ 0.5×)
 *   4. sum / add on a C-contiguous N-d array     vs the same op on its flat data    (≥ 0.95×)
 *   5. batched matmul f32 64×(128×128 @ 128×128) vs one 512³ matmul, GFLOP/s       (≥ 0.6×; same flops)
 *   6. numpy (/usr/bin/python3, same machine, same shapes) for the axis sums, broadcast adds and
 *      transpose copy: ratio = numpy time / wasmpar time (> 1: wasmpar faster; numpy is 1 thread).
 *
 *   npm run build && node bench/nd.mjs        (BENCH_QUICK=1 for a shorter run)
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { Engine } from '../dist/index.js';
import { interleave, markdownTable, median, QUICK, QUIET_CORES, quietRatio, writeResults } from './report.mjs';

const R = 4096, C = 2048, T = 4096;
const e = await Engine.create({ threads: 2, memory: { initial: 1024 * 1024 * 1024 } });

const fillRandom = (a) => { for (let i = 0; i < a.length; i++) a[i] = ((i * 2654435761) % 1000) * 1e-3; };
const x = e.zeros([R, C]); fillRandom(x.data);
const y = e.zeros([R, C]); fillRandom(y.data);
const out = e.zeros([R, C]);
const row = e.zeros([C]); fillRandom(row.data);
const col = e.zeros([R, 1]); fillRandom(col.data);
const sq = e.zeros([T, T]); fillRandom(sq.data);
const sqOut = e.zeros([T, T]);
const ab = e.zeros([64, 128, 128], 'f32'); fillRandom(ab.data);
const bb = e.zeros([64, 128, 128], 'f32'); fillRandom(bb.data);
const cb = e.zeros([64, 128, 128], 'f32');
const a5 = e.alloc('f32', 512 * 512), b5 = e.alloc('f32', 512 * 512), c5 = e.alloc('f32', 512 * 512);
fillRandom(a5); fillRandom(b5);
const axis0 = e.zeros([C]), axis1 = e.zeros([R]);

let sink = 0;
const tasks = [
  { name: 'sum full', fn: () => { sink += e.sumSync(x); } },
  { name: 'sum flat', fn: () => { sink += e.sumSync(x.data); } },
  { name: 'sum axis 0', fn: () => { e.sumSync(x, { axis: 0, out: axis0 }); } },
  { name: 'sum axis 1', fn: () => { e.sumSync(x, { axis: 1, out: axis1 }); } },
  { name: 'add contiguous', fn: () => { e.addSync(x, y, { out }); } },
  { name: 'add flat', fn: () => { e.addSync(x.data, y.data, { out: out.data }); } },
  { name: 'add row', fn: () => { e.addSync(x, row, { out }); } },
  { name: 'add col', fn: () => { e.addSync(x, col, { out }); } },
  { name: 'copy contiguous', fn: () => { e.copySync(sq, sqOut); } },
  { name: 'copy transpose', fn: () => { e.copySync(sq.T, sqOut); } },
  { name: 'matmul batched', fn: () => { e.matmulSync(ab, bb, { out: cb }); } },
  { name: 'matmul 512', fn: () => { e.matmulSync(a5, b5, { m: 512, k: 512, n: 512, out: c5 }); } },
];

const t0 = performance.now();
const { p50: times, min: best, load: loads } = await interleave(tasks, { rounds: QUICK ? 3 : 7 });
const elapsed = (performance.now() - t0) / 1000;
const W = (name) => [times[name], loads[name]];
const rows = [];
function ratioRow(op, subject, ref, target, min) {
  const q = quietRatio(subject[0], subject[1], ref[0], ref[1]);
  rows.push({ op, wasmpar: median(subject[0]), reference: median(ref[0]), ratio: q.ratio, note: q.quiet ? `${q.used} quiet rounds` : 'busy machine', target, pass: min === undefined ? undefined : q.ratio >= min });
}
ratioRow('sum axis 0 vs full sum (4096×2048 f64)', W('sum axis 0'), W('sum full'), '≥ 0.8×', 0.8);
ratioRow('sum axis 1 vs full sum', W('sum axis 1'), W('sum full'), '≥ 0.8×', 0.8);
ratioRow('add(x, row (2048,)) vs contiguous add', W('add row'), W('add contiguous'), '≥ 0.8×', 0.8);
ratioRow('add(x, col (4096,1)) vs contiguous add', W('add col'), W('add contiguous'), '≥ 0.8×', 0.8);
ratioRow('copy(x.T) 4096² f64 vs contiguous copy', W('copy transpose'), W('copy contiguous'), '≥ 0.5×', 0.5);
ratioRow('sum of C-contiguous NDArray vs its flat data', W('sum full'), W('sum flat'), '≥ 0.95×', 0.95);
ratioRow('add of C-contiguous NDArrays vs flat data', W('add contiguous'), W('add flat'), '≥ 0.95×', 0.95);
ratioRow('matmul f32 64×(128³) vs one 512³ (GFLOP/s; equal flops)', W('matmul batched'), W('matmul 512'), '≥ 0.6×', 0.6);

// numpy on the same machine and shapes (one thread; best of several repeats).
const py = String.raw`
import json, timeit, numpy as np
x = (np.arange(4096*2048) * 2654435761 % 1000 * 1e-3).reshape(4096, 2048)
y = x.copy(); out = np.empty_like(x); row = x[0].copy(); col = x[:, :1].copy()
sq = (np.arange(4096*4096) % 1000 * 1e-3).reshape(4096, 4096); sqOut = np.empty_like(sq)
a0 = np.empty(2048); a1 = np.empty(4096)
def t(f, n=5): return min(timeit.repeat(f, number=1, repeat=n)) * 1e3
print(json.dumps({
  'sum axis 0': t(lambda: np.sum(x, axis=0, out=a0)), 'sum axis 1': t(lambda: np.sum(x, axis=1, out=a1)),
  'add row': t(lambda: np.add(x, row, out=out)), 'add col': t(lambda: np.add(x, col, out=out)),
  'copy transpose': t(lambda: np.copyto(sqOut, sq.T)), 'version': np.__version__ }))
`;
const res = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8', timeout: 300_000 });
let numpy;
if (res.status === 0) {
  numpy = JSON.parse(res.stdout);
  for (const name of ['sum axis 0', 'sum axis 1', 'add row', 'add col', 'copy transpose']) {
    // numpy's figure is its fastest of 5 runs; ours is the median over rounds of each round's fastest sample.
    const ours = median(best[name]);
    rows.push({ op: `${name} vs numpy ${numpy.version} (1 thread), best runs`, wasmpar: ours, reference: numpy[name], ratio: numpy[name] / ours, note: 'numpy best of 5; ours median of round bests' });
  }
} else rows.push({ op: 'numpy', wasmpar: '', reference: `skipped: ${res.stderr || res.error}` });

const table = markdownTable(rows);
const load = `load average ${os.loadavg()[0].toFixed(2)} on ${os.availableParallelism()} cores`;
console.log(`\n## wasmpar N-d — ${e.threads} threads, ${QUICK ? 'quick' : 'full'} run, ${times['sum full'].length} interleaved rounds, ${elapsed.toFixed(1)} s, ${load}\n`);
console.log(table);
console.log('\nratio = reference time / wasmpar time (> 1: wasmpar faster); medians over rounds, the ratio over rounds where other');
console.log(`processes used < ${QUIET_CORES} cores (all rounds if fewer than 2 were quiet).`);
const file = writeResults('nd', { rows, table, load, rounds: times, bestPerRound: best, foreignLoadPerRound: loads, numpy, sink });
console.log(`results: ${file}`);
await e.dispose();
