// Tiny-task throughput and single-task round trip: wasmpar's task APIs vs piscina, same thread count.
// Run after building: node bench/tasks.mjs [threads] [--rt]   (--rt: round trips only)
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { Pool, Executor, parallel, delayed } from '../dist/tasks/index.js';

const args = process.argv.slice(2);
const rtOnly = args.includes('--rt');
const threads = Number(args.find((a) => !a.startsWith('--')) ?? Math.min(4, availableParallelism()));
const N = 100_000;
const RT_ROUNDS = 40;
const RT_PER_ROUND = 100;
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

/**
 * Round trips, interleaved call by call (rotating who goes first each round),
 * so drift in machine load hits every contestant alike. Each call is awaited
 * before the next starts: nothing else is in flight. Returns per contestant
 * the median, p10 and p90 in µs.
 */
async function roundTrips(contestants) {
  const samples = contestants.map(() => []);
  for (let r = 0; r < RT_ROUNDS * RT_PER_ROUND; r++) {
    for (let j = 0; j < contestants.length; j++) {
      const k = (j + r) % contestants.length;
      const t0 = performance.now();
      const v = await contestants[k][1](r);
      samples[k].push(performance.now() - t0);
      if (v !== r + 1) throw new Error(`${contestants[k][0]}: wrong result ${v}`);
    }
  }
  return samples.map((t) => {
    t.sort((a, b) => a - b);
    const q = (p) => t[Math.floor(p * (t.length - 1))] * 1000;
    return { median: q(0.5), p10: q(0.1), p90: q(0.9) };
  });
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

const rate = (ms) => Math.round(N / (ms / 1000));
if (!rtOnly) {
  const tPiscina = await best('piscina', () => Promise.all(xs.map((x) => piscina.run(x))));
  const tPool = await best('Pool.map', () => pool.map(inc, xs));
  const tasks = xs.map((x) => delayed(inc)(x));
  const tParallel = await best('parallel', () => par(tasks));
  const tImap = await best('imap', async () => {
    let n = 0;
    for await (const _ of pool.imap(inc, xs, { chunkSize: 1000 })) n++;
    if (n !== N) throw new Error('imap lost results');
  });
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
}

const contestants = [
  ['piscina.run', (i) => piscina.run(i)],
  ['Pool.apply', (i) => pool.apply(inc, [i])],
  ['Executor.submit', (i) => ex.submit(inc, i)],
];
const rt = await roundTrips(contestants);
console.log(
  `single-task round trip, ${threads} threads (median of ${RT_ROUNDS * RT_PER_ROUND}, interleaved call by call, nothing else in flight)`,
);
for (let k = 0; k < contestants.length; k++) {
  const { median, p10, p90 } = rt[k];
  const vs = k === 0 ? '' : `  (${(rt[0].median / median).toFixed(2)}× piscina speed)`;
  console.log(
    `  ${contestants[k][0].padEnd(18)} ${median.toFixed(1).padStart(6)} µs  p10 ${p10.toFixed(1)}  p90 ${p90.toFixed(1)}${vs}`,
  );
}

await piscina.destroy();
await pool.terminate();
await ex.shutdown();
