/**
 * Tuning data for src/runtime/scheduler.ts (DEFAULT_INLINE_WORK) and the spin
 * budget (protocol.ts DEFAULT_WORKER_SPIN / DEFAULT_CALLER_SPIN).
 *
 * Part 1: for n = 1K..1M, sumSync / copySync / axpySync with threads 2, run all
 * inline (inlineThreshold: Infinity) vs always parallel (inlineThreshold: 0).
 * The crossover is the smallest n from which parallel wins at every larger n.
 * Part 2: the `spin` option on a sequence of medium (parallel) ops, back to back
 * and with a gap of JS work between ops, which is where spinning pays or not.
 *
 *   node bench/inline-threshold.mjs      (BENCH_QUICK=1 for a shorter run)
 */
import { Engine } from '../dist/index.js';
import { fmtTime, interleave, median, QUICK, QUIET_CORES, quietRatio, writeResults } from './report.mjs';
import os from 'node:os';
import { CHUNK_WORK } from '../dist/runtime/scheduler.js';

const MAX = 1 << 20;
const sizes = [];
for (let n = 1 << 10; n <= MAX; n <<= 1) sizes.push(n);
const fmtN = (n) => (n >= 1 << 20 ? `${n >> 20}M` : `${n >> 10}K`);

async function setup(options) {
  const engine = await Engine.create({ threads: 2, ...options });
  const x = engine.alloc('f64', MAX), y = engine.alloc('f64', MAX);
  for (let i = 0; i < MAX; i++) { x[i] = i * 1e-6; y[i] = 1; }
  return { engine, x, y };
}

let sink = 0, flip = 1;
const OPS = {
  sum: (e, x) => { sink += e.sumSync(x); },
  copy: (e, x, y) => { e.copySync(x, y); },
  axpy: (e, x, y) => { e.axpySync((flip = -flip) * 1e-9, x, y); },
};

// ---------------------------------------------------------------- part 1

const inl = await setup({ inlineThreshold: Infinity });
const par = await setup({ inlineThreshold: 0 });
const tasks = [];
for (const n of sizes) {
  // Enough ops per sample that a sample lasts ~50 µs or more.
  const batch = Math.max(1, Math.round((1 << 16) / n));
  for (const [op, run] of Object.entries(OPS)) {
    for (const [mode, s] of [['inline', inl], ['parallel', par]]) {
      const x = s.x.subarray(0, n), y = s.y.subarray(0, n), e = s.engine;
      tasks.push({ name: `${op} ${n} ${mode}`, batch, fn: () => { for (let i = 0; i < batch; i++) run(e, x, y); } });
    }
  }
}
const { p50: t1, load: l1 } = await interleave(tasks, { rounds: QUICK ? 2 : 4, time: QUICK ? 15 : 40 });

const crossover = {};
const lines = ['| n | op | inline (1 thread) | always parallel (2 threads) | parallel speed-up |', '| --- | --- | --- | --- | --- |'];
for (const op of Object.keys(OPS)) {
  let cross = null;
  for (const n of sizes) {
    const a = t1[`${op} ${n} inline`], b = t1[`${op} ${n} parallel`];
    const speedup = quietRatio(b, l1[`${op} ${n} parallel`], a, l1[`${op} ${n} inline`]).ratio;
    lines.push(`| ${fmtN(n)} | ${op} | ${fmtTime(median(a))} | ${fmtTime(median(b))} | ${speedup.toFixed(2)}× |`);
    if (speedup > 1.05) cross ??= n; else cross = null;
  }
  crossover[op] = cross;
}
const foreign1 = median(Object.values(l1).flat());
console.log(`\n## Inline vs parallel (threads 2; other processes used a median of ${foreign1.toFixed(2)} cores, load average ${os.loadavg()[0].toFixed(2)})\n`);
console.log(lines.join('\n'));
console.log(`\nNote: with the default chunk (CHUNK_WORK ${CHUNK_WORK} elements for cost-1 ops) a job of one chunk always runs inline, so`);
console.log(`"always parallel" only differs from inline from n > ${CHUNK_WORK / 1024}K on.`);
const crossN = Math.max(...Object.values(crossover).map((c) => c ?? MAX * 2));
console.log(`\ncrossover (parallel > 1.05× inline from here on): ${Object.entries(crossover).map(([k, v]) => `${k} ${v ? fmtN(v) : '> 1M'}`).join(', ')}`);
await inl.engine.dispose();
await par.engine.dispose();

// ---------------------------------------------------------------- part 2

const SPINS = [0, 2000, 20000, 200000];
const N_MED = 256 * 1024;
const GAP_MS = 0.05;
const SEQ = 8;
// How long a spin budget lasts: the loops in worker.ts / dispatcher.ts are Atomics.load on a shared word.
const probe = new Int32Array(new SharedArrayBuffer(64));
function spinMicros(iters) {
  const reps = 20;
  const t = performance.now();
  for (let r = 0; r < reps; r++) { let v = 0; for (let i = 0; v === 0 && i < iters; i++) v = Atomics.load(probe, 0); sink += v; }
  return ((performance.now() - t) / reps) * 1e3;
}
spinMicros(200000);
const spinUs = Object.fromEntries(SPINS.map((s) => [s, spinMicros(s)]));

const engines = [];
for (const spin of SPINS) engines.push({ spin, ...(await setup({ spin })) });
function sequence(s, gap) {
  const x = s.x.subarray(0, N_MED), y = s.y.subarray(0, N_MED), e = s.engine;
  for (let k = 0; k < SEQ; k++) {
    if (gap) { const until = performance.now() + GAP_MS; while (performance.now() < until); }
    OPS[k % 3 === 0 ? 'sum' : k % 3 === 1 ? 'axpy' : 'copy'](e, x, y);
  }
}
const spinTasks = [];
for (const s of engines) {
  spinTasks.push({ name: `spin ${s.spin} b2b`, batch: SEQ, fn: () => sequence(s, false) });
  spinTasks.push({ name: `spin ${s.spin} gap`, batch: SEQ, fn: () => sequence(s, true) });
}
const { p50: t2, load: l2 } = await interleave(spinTasks, { rounds: QUICK ? 3 : 5, time: QUICK ? 40 : 100 });
const spinLines = [`| spin | spin window | per op, back to back | per op, ${GAP_MS * 1e3} µs JS gap (gap excluded) |`, '| --- | --- | --- | --- |'];
const spinResult = {};
for (const s of engines) {
  const b2b = median(t2[`spin ${s.spin} b2b`]);
  const gap = median(t2[`spin ${s.spin} gap`]) - GAP_MS;
  spinResult[s.spin] = { b2b, gap, windowUs: spinUs[s.spin] };
  spinLines.push(`| ${s.spin} | ${spinUs[s.spin].toFixed(1)} µs | ${fmtTime(b2b)} | ${fmtTime(gap)} |`);
}
const foreign2 = median(Object.values(l2).flat());
console.log(`\n## Spin budget: sequence of ${SEQ} medium ops (sum/axpy/copy on ${fmtN(N_MED)} f64, parallel), threads 2; other processes used ${foreign2.toFixed(2)} cores\n`);
console.log(spinLines.join('\n'));
for (const s of engines) await s.engine.dispose();

// ---------------------------------------------------------------- recommendation

const spinScore = (s) => spinResult[s].b2b + spinResult[s].gap;
const bestSpin = SPINS.reduce((a, b) => (spinScore(b) < spinScore(a) * 0.97 ? b : a));
const rec = {
  inlineThreshold: crossN <= MAX ? crossN : null,
  spin: bestSpin,
  note: crossN <= MAX
    ? `set DEFAULT_INLINE_WORK to about ${crossN} (cost-1 elements): parallel wins from n = ${fmtN(crossN)} for sum, copy and axpy`
    : 'parallel never won up to 1M: keep everything below 1M inline',
};
console.log('\n## Recommendation\n');
if (Math.max(foreign1, foreign2) > QUIET_CORES) {
  console.log(`(other processes kept ${Math.max(foreign1, foreign2).toFixed(2)} cores busy: with 2 cores, that leaves no core for the worker, so these figures describe an oversubscribed machine)\n`);
}
console.log(`- inline threshold: ${rec.note}.`);
console.log(`- spin: ${bestSpin} iterations (~${spinUs[bestSpin].toFixed(0)} µs window) gave the lowest per-op time (back to back + with a gap)` +
  ` (smallest budget within 3% of the best wins: spinning burns a core others could use).`);
const file = writeResults('inline-threshold', {
  inlineVsParallel: t1, inlineVsParallelForeignLoad: l1, crossover, spin: spinResult, spinRounds: t2, spinForeignLoad: l2, recommendation: rec, sink,
});
console.log(`results: ${file}`);
