// The 'bullmq' backend over loopback Redis with 2 `wasmpar worker` processes:
// 1. 10,000 tiny tasks: parallel({ backend: 'bullmq' }) (auto-batched) vs one BullMQ job
//    per task (Executor.submit on the same queue and workers), interleaved, best of 3 each;
// 2. 200 tasks of 20 ms over the 2 workers (concurrency 1 each): makespan vs the ideal 2 s, beside
//    the same tasks on the local 'worker' backend with 2 threads (the machine's own share of the gap);
// 3. one task's round trip through Redis (Executor.submit, nothing else in flight), median.
// Run after building: node bench/bullmq.mjs   (starts its own redis-server on a free port)
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { delayed, Executor, parallel } from '../dist/index.js';

const REDIS = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
const QUEUE = 'wasmpar-bench';
const N_TINY = 10_000;
const cli = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

function start(cmd, args, ready) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${cmd} not ready in 15 s:\n${out}`)), 15_000);
    const on = (d) => {
      out += d;
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', (code) => reject(new Error(`${cmd} exited (${code}):\n${out}`)));
  });
}
const stop = (child) =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });

const port = await freePort();
const redis = await start(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept/);
const connection = `redis://127.0.0.1:${port}`;
const workers = await Promise.all(
  [0, 1].map(() => start(process.execPath, [cli, 'worker', '--redis', connection, '--queue', QUEUE, '--concurrency', '1'], /ready/)),
);
const opts = { backend: 'bullmq', connection, queue: QUEUE };

try {
  const inc = (x) => x + 1;
  const spin = (ms) => {
    const end = performance.now() + ms;
    while (performance.now() < end);
    return ms;
  };
  const ex = new Executor({ ...opts, maxWorkers: 2 });
  const tiny = Array.from({ length: N_TINY }, (_, i) => delayed(inc)(i));
  const par = parallel({ ...opts, nJobs: 2 });
  // Warm up both paths (task threads started, source compiled on each worker).
  await par(tiny.slice(0, 2000));
  await Promise.all(Array.from({ length: 200 }, (_, i) => ex.submit(inc, i)));

  const best = { batched: Infinity, perTask: Infinity };
  for (let r = 0; r < 3; r++) {
    let t0 = performance.now();
    const a = await par(tiny);
    best.batched = Math.min(best.batched, performance.now() - t0);
    if (a[N_TINY - 1] !== N_TINY) throw new Error('parallel: wrong result');
    t0 = performance.now();
    const b = await Promise.all(Array.from({ length: N_TINY }, (_, i) => ex.submit(inc, i)));
    best.perTask = Math.min(best.perTask, performance.now() - t0);
    if (b[N_TINY - 1] !== N_TINY) throw new Error('submit: wrong result');
  }
  const rate = (ms) => Math.round(N_TINY / (ms / 1000));
  console.log(`tiny tasks (x => x + 1), ${N_TINY} tasks, 2 worker processes, loopback Redis, best of 3`);
  console.log(`  parallel({ backend: 'bullmq' }) (auto-batched)  ${best.batched.toFixed(0).padStart(7)} ms  ${String(rate(best.batched)).padStart(8)} tasks/s`);
  console.log(`  one BullMQ job per task (Executor.submit)       ${best.perTask.toFixed(0).padStart(7)} ms  ${String(rate(best.perTask)).padStart(8)} tasks/s`);
  console.log(`  ratio: ${(best.perTask / best.batched).toFixed(1)}x (target >= 10x)`);

  // Interleaved with the same work on the local 'worker' backend (2 threads): on a loaded
  // machine neither reaches the ideal, and the pair shows what Redis adds.
  const spins = Array.from({ length: 200 }, () => delayed(spin)(20));
  const local = parallel({ nJobs: 2 });
  await local(spins.slice(0, 4));
  const spans = { bullmq: Infinity, local: Infinity };
  for (let r = 0; r < 3; r++) {
    let t0 = performance.now();
    const out = await parallel({ ...opts, nJobs: 2 })(spins);
    spans.bullmq = Math.min(spans.bullmq, performance.now() - t0);
    if (out.length !== 200) throw new Error('makespan: lost results');
    t0 = performance.now();
    await local(spins);
    spans.local = Math.min(spans.local, performance.now() - t0);
  }
  console.log('200 tasks x 20 ms, 2 workers, best of 3 (ideal 2000 ms; target <= 1.25x):');
  console.log(`  bullmq, 2 worker processes   makespan ${spans.bullmq.toFixed(0).padStart(5)} ms = ${(spans.bullmq / 2000).toFixed(3)}x ideal`);
  console.log(`  local 'worker' backend       makespan ${spans.local.toFixed(0).padStart(5)} ms = ${(spans.local / 2000).toFixed(3)}x ideal (same machine, same moment)`);
  console.log(`  bullmq / local: ${(spans.bullmq / spans.local).toFixed(3)}`);

  const rts = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    await ex.submit(inc, i);
    rts.push(performance.now() - t0);
  }
  rts.sort((x, y) => x - y);
  const q = (p) => rts[Math.floor(p * (rts.length - 1))].toFixed(2);
  console.log(`one task's round trip through Redis (Executor.submit, nothing else in flight): median ${q(0.5)} ms, p10 ${q(0.1)}, p90 ${q(0.9)} (200 calls)`);
  await ex.shutdown();
} finally {
  await Promise.all(workers.map(stop));
  await stop(redis);
}
