// The dispatch protocol with workers that never show up: a job must complete on
// the calling thread, and the workers it invited must be checked out so that
// the next job can be published. Each scenario runs in its own thread (a
// Dispatcher with "alive" workers that do not exist): if the protocol waited
// for them, runSync would block forever, and only a separate thread lets the
// watchdog see that and end it.
import { describe, it, expect } from 'vitest';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const dist = (p: string) => new URL(`../dist/${p}`, import.meta.url).href;
const wasm = fileURLToPath(new URL('../build/kernels.wasm', import.meta.url));

function runScenario(source: string, timeoutMs = 10_000): Promise<unknown> {
  const code = `
    import { parentPort } from 'node:worker_threads';
    import { readFileSync } from 'node:fs';
    const { Dispatcher } = await import(${JSON.stringify(dist('runtime/dispatcher.js'))});
    const { KernelTable } = await import(${JSON.stringify(dist('runtime/kernel-table.js'))});
    const P = await import(${JSON.stringify(dist('runtime/protocol.js'))});
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
    const table = new KernelTable(memory);
    const names = table.instantiate(0, new WebAssembly.Module(readFileSync(${JSON.stringify(wasm)})));
    ${source}
  `;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { void worker.terminate(); reject(new Error('scenario hung: the job waited for a worker that never came')); }, timeoutMs);
    worker.once('message', (m) => { clearTimeout(timer); void worker.terminate(); resolve(m); });
    worker.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

describe('dispatch protocol', () => {
  it('completes jobs when invited workers never enter, and checks them out', async () => {
    const result = await runScenario(`
      const d = new Dispatcher(table, 2, 100);
      const c = d.control;
      // Two workers that report alive but never run: asleep, descheduled, or busy.
      Atomics.store(c, P.STATUS + 0, P.STATUS_ALIVE);
      Atomics.store(c, P.STATUS + 1, P.STATUS_ALIVE);
      const ptr = 1 << 20, n = 100_000;
      const view = new Float64Array(memory.buffer, ptr, n);
      const out = [];
      for (const value of [2.5, -1]) {
        const job = { slot: 0, index: names.indexOf('fill_f64'), name: 'fill_f64', n, chunk: 1000, nChunks: 100,
          args: [ptr, value], partials: false, inline: false };
        d.runSync(job);
        const gen = Atomics.load(c, P.GEN);
        out.push({
          filled: view.every((v) => v === value),
          pending: Atomics.load(c, P.PENDING),
          checked: [Atomics.load(c, P.CHECKED + 0) === gen, Atomics.load(c, P.CHECKED + 1) === gen],
        });
      }
      // A worker that wakes now, still at the last generation, must find its entering CAS refused.
      const gen = Atomics.load(c, P.GEN), prev = Atomics.load(c, P.CHECKED + 0);
      const enters = prev !== gen && Atomics.compareExchange(c, P.CHECKED + 0, prev, P.entered(gen)) === prev;
      parentPort.postMessage({ out, enters });
    `);
    const check = { filled: true, pending: 0, checked: [true, true] };
    expect(result).toEqual({ out: [check, check], enters: false });
  });

  it('waits for a worker that entered, and takes its check-out', async () => {
    const result = await runScenario(`
      const { Worker } = await import('node:worker_threads');
      const memory2 = new WebAssembly.Memory({ initial: 1024, maximum: 65536, shared: true });
      const table2 = new KernelTable(memory2);
      table2.instantiate(0, new WebAssembly.Module(readFileSync(${JSON.stringify(wasm)})));
      const d = new Dispatcher(table2, 1, 100);
      const c = d.control;
      Atomics.store(c, P.STATUS + 0, P.STATUS_ALIVE);
      const ptr = 1 << 20, n = 4 << 20, MARK = (ptr >> 2) - 16, words = new Int32Array(memory2.buffer, 0, ptr >> 2);
      const job = { slot: 0, index: names.indexOf('fill_f64'), name: 'fill_f64', n, chunk: 1 << 16, nChunks: 64,
        args: [ptr, 7], partials: false, inline: false };
      // A stand-in worker: it enters as soon as the job is published (a few µs; the
      // job takes milliseconds), sleeps 50 ms, marks, then checks out like worker-loop.ts.
      const gen = Atomics.load(c, P.GEN) + 1;
      const helper = new Worker(\`
        const { parentPort, workerData: { c, words, gen, CHECKED, PENDING, GEN, MARK, entered } } = require('node:worker_threads');
        parentPort.postMessage('ready');
        while (Atomics.load(c, GEN) !== gen) ;
        const prev = Atomics.load(c, CHECKED);
        if (prev !== gen && Atomics.compareExchange(c, CHECKED, prev, entered) === prev) {
          Atomics.wait(c, GEN, gen, 50);
          Atomics.store(words, MARK, 1);
          Atomics.store(c, CHECKED, gen);
          Atomics.sub(c, PENDING, 1); Atomics.notify(c, PENDING);
        }
      \`, { eval: true, workerData: { c, words, gen, CHECKED: P.CHECKED, PENDING: P.PENDING, GEN: P.GEN, MARK, entered: P.entered(gen) } });
      await new Promise((resolve) => helper.once('message', resolve));
      d.runSync(job);
      // Read before anything else can run: the caller returned only after the check-out.
      const marked = Atomics.load(words, MARK);
      await helper.terminate();
      parentPort.postMessage({ marked, filled: new Float64Array(memory2.buffer, ptr, n).every((v) => v === 7),
        pending: Atomics.load(c, P.PENDING), checked: Atomics.load(c, P.CHECKED) === gen });
    `);
    expect(result).toEqual({ marked: 1, filled: true, pending: 0, checked: true });
  });
});
