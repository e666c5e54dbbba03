// Tiny-task throughput and single-task round trip: wasmpar's task APIs vs piscina, same thread count.
// Run after building: node bench/tasks.mjs [threads]
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { Pool, Executor, parallel, delayed } from '../dist/tasks/index.js';

const threads = Number(process.argv[2] ?? Math.min(4, availableParallelism()));
const N = 100_000;
const ROUND_TRIPS = 2_000;
const xs = Array.from({ length: N }, (_, i) => i);
const inc = (x) => x + 1;

async function best(label, fn, reps = 5) {
  let bestMs = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await fn();
    bestMs = Math.min(bestMs, performance.now() - t0);
  }
  return bestMs;
}

async function roundTrip(submit) {
  const times = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const t0 = performance.now();
    await submit(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1] * 1000; // median, µs
}

const piscina = new Piscina({
  filename: new URL('./tasks-piscina-worker.mjs', import.meta.url).href,
  minThreads: threads,
  maxThreads: threads,
});
const pool = new Pool({ workers: threads });
const ex = new Executor({ maxWorkers: threads });
const par = parallel({ nJobs: threads });

// Warm up: start every pool's threads and compile the task once.
await Promise.all(xs.slice(0, 1000).map((x) => piscina.run(x)));
await pool.map(inc, xs.slice(0, 1000));
await ex.submit(inc, 1);
await par(xs.slice(0, 1000).map((x) => delayed(inc)(x)));

const tPiscina = await best('piscina', () => Promise.all(xs.map((x) => piscina.run(x))));
const tPool = await best('Pool.map', () => pool.map(inc, xs));
const tasks = xs.map((x) => delayed(inc)(x));
const tParallel = await best('parallel', () => par(tasks));
const tImap = await best('imap', async () => {
  let n = 0;
  for await (const _ of pool.imap(inc, xs, { chunkSize: 1000 })) n++;
  if (n !== N) throw new Error('imap lost results');
});

const rtPiscina = await roundTrip((i) => piscina.run(i));
const rtExecutor = await roundTrip((i) => ex.submit(inc, i));
const rtPool = await roundTrip((i) => pool.apply(inc, [i]));

const rate = (ms) => Math.round(N / (ms / 1000));
const rows = [
  ['piscina run() ×100k', tPiscina, rate(tPiscina), 1],
  ['Pool.map', tPool, rate(tPool), tPiscina / tPool],
  ['parallel/delayed (auto batch)', tParallel, rate(tParallel), tPiscina / tParallel],
  ['Pool.imap (chunkSize 1000)', tImap, rate(tImap), tPiscina / tImap],
];
console.log(`tiny tasks (x => x + 1), ${N} tasks, ${threads} threads, best of 5`);
for (const [name, ms, r, x] of rows) {
  console.log(`  ${name.padEnd(32)} ${ms.toFixed(1).padStart(8)} ms  ${String(r).padStart(10)} tasks/s  ${x.toFixed(1)}× piscina`);
}
console.log(`single-task round trip (median of ${ROUND_TRIPS}, nothing else in flight)`);
console.log(`  piscina.run               ${rtPiscina.toFixed(1)} µs`);
console.log(`  Executor.submit           ${rtExecutor.toFixed(1)} µs  (${(rtPiscina / rtExecutor).toFixed(2)}× piscina speed)`);
console.log(`  Pool.apply                ${rtPool.toFixed(1)} µs  (${(rtPiscina / rtPool).toFixed(2)}× piscina speed)`);

await piscina.destroy();
await pool.terminate();
await ex.shutdown();
