// Soak for the task APIs (npm run test:soak): >= 100k tasks through Pool, Executor
// (both backends), parallel() and imap, with a crash and a timeout now and then;
// the caller's V8 heap and the process RSS (which holds the task workers' heaps
// too) are sampled after each round. Fails (exit 1) when either grows past its
// bound between the end of the warm-up and the end.
//   node --expose-gc test/soak/tasks-soak.mjs [rounds]
import { Executor, Pool, delayed, parallel } from '../../dist/index.js';

const ROUNDS = Number(process.argv[2] ?? 12);
const PER_ROUND = 10_000;
const WARMUP_ROUNDS = 2;
/** Bounds on growth from the end of the warm-up to the end, in MiB. */
const HEAP_BOUND_MIB = 8;
const RSS_BOUND_MIB = 24;
const MiB = 1024 * 1024;

const gc = globalThis.gc ?? (() => {});
const inc = (x) => x + 1;
const pool = new Pool({ workers: 2 });
const ex = new Executor({ maxWorkers: 2 });
const io = new Executor({ maxWorkers: 8, backend: 'async' });
let tasks = 0;

async function round(r) {
  // 4000 single submits, 3000 through Pool.map in chunks, 2000 through parallel, 1000 through imap.
  const fs = [];
  for (let i = 0; i < 4000; i++) fs.push((i % 2 ? ex : io).submit(inc, i));
  const got = await Promise.all(fs);
  if (got[3999] !== 4000) throw new Error('wrong executor result');
  const m = await pool.map(inc, Array.from({ length: 3000 }, (_, i) => i), { chunkSize: 100 });
  if (m[2999] !== 3000) throw new Error('wrong pool.map result');
  const p = await parallel({ nJobs: 2 })(Array.from({ length: 2000 }, (_, i) => delayed(inc)(i)));
  if (p[1999] !== 2000) throw new Error('wrong parallel result');
  let n = 0;
  for await (const v of pool.imap(inc, Array.from({ length: 1000 }, (_, i) => i), { chunkSize: 50 })) n += v > 0 ? 1 : 0;
  if (n !== 1000) throw new Error('wrong imap count');
  // Faults now and then: a crashing task and a timed-out one; the pools heal.
  if (r % 4 === 3) {
    const crash = await pool.apply(() => process.exit(1)).catch((e) => e.code);
    if (crash !== 'ERR_WORKER_CRASH') throw new Error(`crash: ${crash}`);
    const slow = await parallel({ nJobs: 2, timeout: 50 })([delayed(() => { for (;;); })()]).catch((e) => e.code);
    if (slow !== 'ERR_TIMEOUT') throw new Error(`timeout: ${slow}`);
  }
  tasks += PER_ROUND;
}

const samples = [];
const t0 = performance.now();
for (let r = 0; r < ROUNDS; r++) {
  await round(r);
  gc();
  await new Promise((res) => setTimeout(res, 20));
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  samples.push({ tasks, rss, heapUsed });
  console.log(`${String(tasks).padStart(7)} tasks  heap ${(heapUsed / MiB).toFixed(1).padStart(6)} MiB  rss ${(rss / MiB).toFixed(1).padStart(6)} MiB  ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
await Promise.all([pool.terminate(), ex.shutdown(), io.shutdown()]);

const base = samples[WARMUP_ROUNDS - 1];
const last = samples[samples.length - 1];
const heapGrowth = (last.heapUsed - base.heapUsed) / MiB;
const rssGrowth = (last.rss - base.rss) / MiB;
console.log(`growth after ${base.tasks} tasks to ${last.tasks}: heap ${heapGrowth.toFixed(1)} MiB (bound ${HEAP_BOUND_MIB}), rss ${rssGrowth.toFixed(1)} MiB (bound ${RSS_BOUND_MIB})`);
if (!globalThis.gc) console.log('(run with --expose-gc for stable heap figures)');
if (heapGrowth > HEAP_BOUND_MIB || rssGrowth > RSS_BOUND_MIB) {
  console.log('FAIL: memory grows');
  process.exit(1);
}
console.log('ok');
