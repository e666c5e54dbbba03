// Engine soak: ≥100k mixed ops (both forms, concurrent async batches, aborts, bad
// arguments, alloc/free churn) on one 3-thread engine. Samples the engine heap
// (bytes in use), the V8 heap (after a GC) and RSS every SAMPLE ops, and fails
// (exit 1) unless they stay flat after warm-up within the bounds below.
// Run: npm run test:soak   (node --expose-gc test/soak/engine-soak.mjs [ops])
import { Engine } from '../../dist/index.js';

const OPS = Number(process.argv[2] ?? process.env.WASMPAR_SOAK_OPS ?? 100_000);
const SAMPLE = 5_000;
const WARMUP = 20_000;
/** Growth allowed from the first sample after warm-up to the last. */
const BOUNDS = { engineBytes: 0, v8HeapMiB: 8, rssMiB: 48 };

let seed = 12345;
const rand = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 4294967296; };
const pick = (a) => a[Math.floor(rand() * a.length)];
const size = () => (rand() < 0.8 ? 1 + Math.floor(rand() * 2000) : 2000 + Math.floor(rand() * 60_000));
const DTYPES = ['f64', 'f32', 'i32', 'u32', 'u8'];
const MiB = 1024 * 1024;
const gc = globalThis.gc ?? (() => {});

const e = await Engine.create({ threads: 3 });
const base = e.bytesInUse;
let done = 0, expectedErrors = 0, cancelled = 0;

/** One mixed op on fresh arrays it frees again; returns a promise for async forms. */
async function one(sync) {
  const d = pick(DTYPES), n = size();
  const x = e.from(Float64Array.from({ length: n }, () => Math.floor(rand() * 200) - 100), d);
  const y = e.alloc(d, n);
  const S = sync ? 'Sync' : '';
  const call = (name, ...args) => e[`${name}${S}`](...args);
  const free = [x, y];
  try {
    const r = rand();
    if (r < 0.15) await call('add', x, x, { out: y });
    else if (r < 0.25) await call('map', pick(['abs', 'neg', 'square']), x, { out: x });
    else if (r < 0.35) await call('sum', x);
    else if (r < 0.42) await call('cumsum', x, { out: y });
    else if (r < 0.48) await call('sort', x);
    else if (r < 0.53) free.push(await call('argsort', x));
    else if (r < 0.58) free.push(await call('histogram', x, { bins: 16, range: [-100, 100] }));
    else if (r < 0.62 && (d === 'f64' || d === 'f32')) {
      const k = Math.max(1, Math.floor(Math.sqrt(Math.min(n, 4096))));
      const a = e.alloc(d, k * k); free.push(a);
      free.push(await call('matmul', a, a, { m: k, k, n: k }));
    } else if (r < 0.7) await call('max', x);
    else if (r < 0.75) {
      // A bad argument: a clear error, nothing leaked.
      const z = e.alloc(d, n + 1);
      free.push(z);
      try { await call('add', x, z); } catch { expectedErrors++; }
    } else if (r < 0.8 && !sync) {
      const ac = new AbortController();
      // Big enough to go to the workers in several chunks, so the abort lands mid-op or in the queue.
      const xf = e.alloc('f64', 300_000);
      free.push(xf);
      const p = e.map('sqrt', xf, { signal: ac.signal });
      ac.abort();
      try { free.push(await p); } catch { cancelled++; }
    } else await call('fill', y, 3);
  } finally {
    for (const a of free) e.free(a);
  }
  done++;
}

const samples = [];
function sample() {
  gc(); gc();
  const m = process.memoryUsage();
  const s = e.stats();
  samples.push({ ops: done, engineBytes: e.bytesInUse - base, v8HeapMiB: m.heapUsed / MiB, rssMiB: m.rss / MiB, memoryMiB: s.memoryBytes / MiB, peakMiB: s.peakBytes / MiB });
}

const started = Date.now();
sample();
while (done < OPS) {
  if (rand() < 0.3) {
    // A concurrent batch of async ops.
    await Promise.all(Array.from({ length: 8 }, () => one(false)));
  } else {
    await one(rand() < 0.5);
  }
  if (Math.floor(done / SAMPLE) > samples.length - 1) sample();
}
sample();
const seconds = (Date.now() - started) / 1000;
const stats = e.stats();
await e.dispose();

console.log(`engine soak: ${done} ops in ${seconds.toFixed(1)} s (${expectedErrors} bad-argument errors, ${cancelled} cancelled by their signal)`);
console.log('ops      engineBytes  v8HeapMiB  rssMiB  memoryMiB  peakMiB');
for (const s of samples) {
  console.log(`${String(s.ops).padStart(7)}  ${String(s.engineBytes).padStart(11)}  ${s.v8HeapMiB.toFixed(1).padStart(9)}  ${s.rssMiB.toFixed(1).padStart(6)}  ${s.memoryMiB.toFixed(0).padStart(9)}  ${s.peakMiB.toFixed(1).padStart(7)}`);
}
console.log('stats:', JSON.stringify(stats));
const after = samples.filter((s) => s.ops >= WARMUP);
const first = after[0], last = after[after.length - 1];
const growth = { engineBytes: last.engineBytes - 0, v8HeapMiB: last.v8HeapMiB - first.v8HeapMiB, rssMiB: last.rssMiB - first.rssMiB };
const failures = Object.entries(BOUNDS).filter(([k, bound]) => growth[k] > bound);
console.log(`growth after ${WARMUP} ops: engine ${growth.engineBytes} B (bound ${BOUNDS.engineBytes}), V8 heap ${growth.v8HeapMiB.toFixed(2)} MiB (bound ${BOUNDS.v8HeapMiB}), RSS ${growth.rssMiB.toFixed(1)} MiB (bound ${BOUNDS.rssMiB})`);
if (stats.opsFailed < expectedErrors || samples.some((s) => s.engineBytes !== 0) || failures.length) {
  console.error(`engine soak FAILED: ${failures.map(([k]) => k).join(', ') || 'engine bytes not back to the baseline at a sample'}`);
  process.exit(1);
}
console.log('engine soak passed');
