// The main job (`npm start`): a real pipeline over 10M doubles, three ways.
//
//   signal  = sin(t) * 0.5 + noise            (generate + transform)
//   energy  = Σ signal², mean, std, max       (reduce)
//   gain    = 2·signal + background           (axpy)
//
// 1. plain JavaScript loops over Float64Arrays
// 2. wasmpar with 1 thread  (SIMD WebAssembly on the calling thread)
// 3. wasmpar with all threads (the calling thread + workers, one shared memory)
//
// Each variant is checked against the plain JS results before its time is shown.
import { availableParallelism } from 'node:os';
import { Engine } from '../dist/index.js';

const N = Number(process.env.DEMO_N ?? 10_000_000);
const REPS = Number(process.env.DEMO_REPS ?? 3);

function jsPipeline(t, noise, background, out, gain) {
  for (let i = 0; i < N; i++) out[i] = Math.sin(t[i]) * 0.5 + noise[i];
  let sum = 0, sumsq = 0, max = -Infinity;
  for (let i = 0; i < N; i++) { const v = out[i]; sum += v; sumsq += v * v; if (v > max) max = v; }
  const mean = sum / N;
  let dev = 0;
  for (let i = 0; i < N; i++) { const d = out[i] - mean; dev += d * d; }
  for (let i = 0; i < N; i++) gain[i] = background[i] + 2 * out[i];
  return { energy: sumsq, mean, std: Math.sqrt(dev / N), max };
}

async function enginePipeline(engine, t, noise, background, out, gain) {
  await engine.map('sin', t, { out });
  await engine.multiply(out, 0.5, { out });
  await engine.add(out, noise, { out });
  const [energy, mean, std, max] = [
    engine.normSync(out) ** 2, await engine.mean(out), await engine.std(out), await engine.max(out),
  ];
  await engine.copy(background, gain);
  await engine.axpy(2, out, gain);
  return { energy, mean, std, max };
}

function inputs(alloc) {
  const t = alloc(N), noise = alloc(N), background = alloc(N);
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < N; i++) { t[i] = i * 1e-4; noise[i] = (rand() - 0.5) * 0.1; background[i] = rand(); }
  return { t, noise, background, out: alloc(N), gain: alloc(N) };
}

function close(a, b, tol) { return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)); }

async function time(fn) {
  const times = [];
  let result;
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    result = await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], result };
}

console.log(`wasmpar demo: a generate → transform → reduce → axpy pipeline over ${N.toLocaleString()} f64 (median of ${REPS})\n`);

const plain = inputs((n) => new Float64Array(n));
const js = await time(() => jsPipeline(plain.t, plain.noise, plain.background, plain.out, plain.gain));
const rows = [{ name: 'plain JavaScript', threads: 1, ...js }];

const all = availableParallelism();
for (const threads of [...new Set([1, all])]) {
  const engine = await Engine.create({ threads });
  try {
    const d = inputs((n) => engine.alloc('f64', n));
    const run = await time(() => enginePipeline(engine, d.t, d.noise, d.background, d.out, d.gain));
    for (const key of ['energy', 'mean', 'std', 'max']) {
      if (!close(run.result[key], js.result[key], 1e-9)) throw new Error(`${key}: wasmpar ${run.result[key]} vs JS ${js.result[key]}`);
    }
    for (let i = 0; i < N; i += 9973) {
      if (!close(d.gain[i], plain.gain[i], 1e-12)) throw new Error(`gain[${i}]: ${d.gain[i]} vs ${plain.gain[i]}`);
    }
    rows.push({ name: `wasmpar, ${threads} thread${threads > 1 ? 's' : ''}`, threads, ...run });
  } finally {
    await engine.dispose();
  }
}

// Bytes touched per run: 8 passes read or write N doubles at least once each.
const bytes = N * 8 * 12;
console.log('| variant | threads | time (ms) | throughput (GB/s) | speed-up vs JS |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.threads} | ${r.ms.toFixed(1)} | ${(bytes / r.ms / 1e6).toFixed(2)} | ${(js.ms / r.ms).toFixed(2)}× |`);
}
const { energy, mean, std, max } = js.result;
console.log(`\nresults agree: energy ${energy.toFixed(3)}, mean ${mean.toFixed(6)}, std ${std.toFixed(6)}, max ${max.toFixed(6)}`);
