// The browser suite, run on the page's main thread by test/browser.test.ts through
// page.evaluate(() => window.wasmparSuite()). It returns plain data (checks with
// details); the test asserts on it. Every await has a watchdog, so it never hangs.
import { Engine, WasmparError } from '/dist/browser.js';

const WATCHDOG_MS = 30_000;
const SIZES = [0, 1, 1021, 1_000_000];

function withTimeout(p, ms, label) {
  let timer;
  const dog = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`watchdog: ${label} did not settle within ${ms} ms`)), ms); });
  return Promise.race([p, dog]).finally(() => clearTimeout(timer));
}
const guard = (p, label) => withTimeout(Promise.resolve(p), WATCHDOG_MS, label);

let seed = 12345;
const rand = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 4294967296; };
const randomF64 = (n) => Float64Array.from({ length: n }, () => rand() * 2 - 1);

function firstMismatch(got, want, tol) {
  if (got.length !== want.length) return `length ${got.length} != ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (tol === 0 ? !Object.is(g, w) : !(Math.abs(g - w) <= tol)) return `at ${i}: got ${g}, want ${w}`;
  }
  return null;
}

async function failure(p) {
  try { await p; return null; } catch (err) { return err; }
}

async function opsOn(engine, checks, sums) {
  const t = engine.threads;
  const check = (name, ok, detail = '') => checks.push({ name: `threads ${t}: ${name}`, ok: !!ok, detail: String(detail) });
  seed = 12345; // the same data for every engine, so sums can be compared bit for bit
  for (const n of SIZES) {
    const xs = randomF64(n), ys = randomF64(n);
    const x = engine.from(xs), y = engine.from(ys);

    const s = await guard(engine.sum(x), `sum ${n}`);
    let ref = 0, abs = 0;
    for (const v of xs) { ref += v; abs += Math.abs(v); }
    check(`sum n=${n}`, Math.abs(s - ref) <= 1e-12 * abs + 1e-300, `${s} vs ${ref}`);
    sums.push({ threads: t, n, sum: s });

    const sin = await guard(engine.map('sin', x), `map sin ${n}`);
    const mm = firstMismatch(sin, xs.map(Math.sin), 1e-14);
    check(`map('sin') n=${n}`, mm === null && sin.buffer === engine.memory.buffer, mm);
    // exp reads the 2^(i/N) table the engine writes into the memory (src/runtime/math-tables.ts).
    const expd = await guard(engine.map('exp', x), `map exp ${n}`);
    check(`map('exp') n=${n}`, firstMismatch(expd, xs.map(Math.exp), 1e-14) === null, firstMismatch(expd, xs.map(Math.exp), 1e-14));

    const sumAB = await guard(engine.add(x, y), `add ${n}`);
    check(`add n=${n}`, firstMismatch(sumAB, xs.map((v, i) => v + ys[i]), 0) === null, firstMismatch(sumAB, xs.map((v, i) => v + ys[i]), 0));

    // An expression over contiguous f64 operands runs as a generated wasm kernel, compiled on
    // this (main) thread and by each worker from the job's bytes: the separate ops' bits.
    const s2 = await guard(engine.multiply(x, 2), `multiply ${n}`), yy = await guard(engine.multiply(y, y), `square ${n}`);
    const want = await guard(engine.add(s2, yy), `add ${n}`);
    const ex = await guard(engine.evaluate('a*2 + b*b', { a: x, b: y }), `evaluate ${n}`);
    check(`evaluate('a*2 + b*b') n=${n}`, firstMismatch(ex, want, 0) === null, firstMismatch(ex, want, 0));
    const gt = await guard(engine.evaluate('a*b - 0.25*a > 0.5*b', { a: x, b: y }), `evaluate mask ${n}`);
    const gtRef = xs.map((v, i) => (v * ys[i] - 0.25 * v > 0.5 * ys[i] ? 1 : 0));
    check(`evaluate('a*b - 0.25*a > 0.5*b') n=${n}`, gt instanceof Uint8Array && firstMismatch(gt, gtRef, 0) === null, firstMismatch(gt, gtRef, 0));
    for (const a of [s2, yy, want, ex, gt]) engine.free(a);

    const yRef = ys.map((v, i) => v + 0.75 * xs[i]);
    await guard(engine.axpy(0.75, x, y), `axpy ${n}`);
    check(`axpy n=${n}`, firstMismatch(y, yRef, 0) === null, firstMismatch(y, yRef, 0));

    const js = await guard(engine.map((v) => v * 2 + 1, x), `map js ${n}`);
    check(`map(js function) n=${n}`, firstMismatch(js, xs.map((v) => v * 2 + 1), 0) === null, firstMismatch(js, xs.map((v) => v * 2 + 1), 0));

    if (n === 0) {
      const e1 = await failure(guard(engine.min(x), 'min empty'));
      const e2 = await failure(guard(engine.argmax(x), 'argmax empty'));
      check('min/argmax of an empty array reject with RangeError', e1 instanceof RangeError && e2 instanceof RangeError, `${e1} / ${e2}`);
    } else {
      let mn = Infinity, am = 0;
      for (let i = 0; i < n; i++) { if (xs[i] < mn) mn = xs[i]; if (xs[i] > xs[am]) am = i; }
      const gotMin = await guard(engine.min(x), `min ${n}`);
      const gotArg = await guard(engine.argmax(x), `argmax ${n}`);
      check(`min n=${n}`, gotMin === mn, `${gotMin} vs ${mn}`);
      check(`argmax n=${n}`, gotArg === am, `${gotArg} vs ${am}`);
    }
    for (const a of [x, y, sin, sumAB, js]) engine.free(a);
  }

  // The main thread may not block: every *Sync op refuses before touching anything.
  const x = engine.from([1, 2, 3]);
  const inUse = engine.bytesInUse;
  let syncErr = null;
  try { engine.sumSync(x); } catch (err) { syncErr = err; }
  check('sumSync on the main thread throws the clear error',
    syncErr instanceof Error && syncErr.code === 'ERR_ENVIRONMENT' && /use the async form \(await engine\.sum\(/.test(syncErr.message) && engine.bytesInUse === inUse,
    syncErr && syncErr.message);
  let mapErr = null;
  try { engine.mapSync('sin', x); } catch (err) { mapErr = err; }
  check('mapSync on the main thread throws too', mapErr instanceof Error && /engine\.map\(/.test(mapErr.message), mapErr && mapErr.message);
  check('async still works after a refused sync op', (await guard(engine.sum(x), 'sum after refusal')) === 6);
  engine.free(x);
}

async function userKernels(engine, checks) {
  const t = engine.threads;
  const check = (name, ok, detail = '') => checks.push({ name: `threads ${t}: ${name}`, ok: !!ok, detail: String(detail) });
  const mod = await guard(engine.load(new URL('/fixture/kernels.wasm', location.href)), 'load kernel module');
  const n = 100_003;
  const xs = randomF64(n);
  const x = engine.from(xs), y = engine.alloc('f64', n);
  await guard(engine.parallelFor(mod.axpb, n, x, y, 3, 1), 'parallelFor');
  check('load(URL) + parallelFor', firstMismatch(y, xs.map((v) => 3 * v + 1), 0) === null, firstMismatch(y, xs.map((v) => 3 * v + 1), 0));
  const s = await guard(engine.parallelReduce(mod.sum_f64, n, 'sum', x), 'parallelReduce');
  let ref = 0, abs = 0;
  for (const v of xs) { ref += v; abs += Math.abs(v); }
  check('parallelReduce sum', Math.abs(s - ref) <= 1e-12 * abs, `${s} vs ${ref}`);
  const bytes = new Uint8Array(await (await fetch('/fixture/kernels.wasm')).arrayBuffer());
  const again = await guard(engine.load(bytes), 'load bytes');
  check('load(bytes)', typeof again.axpb === 'object');
  engine.free(x); engine.free(y);
}

// A browser Worker has no 'exit' event: death reaches the pool as an 'error' event
// (terminate, tell the dispatcher, respawn) or, for self.close() in a kernel, as a
// failed op followed by a 'closed' message. Either way later ops must not hang.
async function crashes(checks) {
  const check = (name, ok, detail = '') => checks.push({ name: `crash: ${name}`, ok: !!ok, detail: String(detail) });
  const engine = await guard(Engine.create({ threads: 3, inlineThreshold: 0 }), 'create crash engine');
  const n = 200_000;
  const xs = randomF64(n);
  const x = engine.from(xs);
  const healthy = async (label) => {
    const outcomes = [];
    for (let round = 0; round < 6; round++) {
      try {
        const y = await guard(engine.map((v) => v * 3, x), `${label} round ${round}`);
        outcomes.push(firstMismatch(y, xs.map((v) => v * 3), 0) ?? 'ok');
        engine.free(y);
      } catch (err) {
        outcomes.push(err && err.name);
      }
    }
    // The first op after a death may be the one that finds the worker gone.
    const rest = outcomes.slice(1);
    check(`${label}: the engine heals, later ops are correct`, rest.every((o) => o === 'ok') && ['ok', 'WorkerCrashError'].includes(outcomes[0]), outcomes.join(','));
  };
  try {
    // An uncaught error in a worker's event loop: the Worker fires 'error'.
    const boom = (v) => {
      if (typeof WorkerGlobalScope !== 'undefined' && !globalThis.boomed) { globalThis.boomed = true; setTimeout(() => { throw new Error('boom'); }, 0); }
      return v + 1;
    };
    const y = await guard(engine.map(boom, x), 'map that schedules an uncaught error');
    check('the op itself completes', firstMismatch(y, xs.map((v) => v + 1), 0) === null);
    engine.free(y);
    await new Promise((r) => setTimeout(r, 200));
    await healthy('after an error event');

    // A kernel that closes its worker: that op fails, the thread is replaced.
    // The calling thread computes chunks too: on a loaded machine it could take them all
    // before any worker enters, and then nothing closes. Slowing the caller's chunks down
    // (a busy wait per element, off the workers) leaves the workers chunks to claim.
    const closer = (v) => {
      if (typeof WorkerGlobalScope !== 'undefined') { if (v > 0.99) self.close(); return v; }
      const until = performance.now() + 0.02;
      while (performance.now() < until);
      return v;
    };
    // If the caller still ran every chunk (no worker scheduled in time), nothing closed:
    // that attempt proves nothing either way, so it is repeated, a bounded number of times.
    let err = null;
    for (let attempt = 0; attempt < 4 && err === null; attempt++) {
      err = await failure(guard(engine.map(closer, x).then((y) => engine.free(y)), `map that calls self.close(), attempt ${attempt}`));
    }
    check('an op whose kernel calls self.close() rejects with a WasmparError', err instanceof WasmparError, err);
    await new Promise((r) => setTimeout(r, 200));
    await healthy('after self.close()');
  } finally {
    await guard(engine.dispose(), 'dispose crash engine');
  }
}

function inWorker() {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  return guard(new Promise((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
  }), 'dedicated worker').finally(() => worker.terminate());
}

window.wasmparSuite = async () => {
  const checks = [];
  const sums = [];
  const report = { crossOriginIsolated: globalThis.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, checks, sums, error: null };
  try {
    for (const threads of [2, 3]) {
      const engine = await guard(Engine.create({ threads, inlineThreshold: 0 }), `create threads ${threads}`);
      checks.push({ name: `threads ${threads}: engine.threads`, ok: engine.threads === threads, detail: String(engine.threads) });
      try {
        await opsOn(engine, checks, sums);
        await userKernels(engine, checks);
      } finally {
        await guard(engine.dispose(), `dispose threads ${threads}`);
      }
      const err = await failure(engine.sum(new Float64Array(4)));
      checks.push({ name: `threads ${threads}: ops after dispose reject with DisposedError`, ok: err instanceof WasmparError && err.code === 'ERR_DISPOSED', detail: String(err) });
    }
    await crashes(checks);
    report.worker = await inWorker();
  } catch (err) {
    report.error = `${err && err.stack || err}`;
  }
  return report;
};
window.wasmparReady = true;
