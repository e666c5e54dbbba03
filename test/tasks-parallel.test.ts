import { cpus, availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { delayed, parallel, parallelConfig } from '../dist/tasks/index.js';
import { collect, watchdog } from './helpers/tasks.js';

const square = (x: number) => x * x;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
void cpus;

describe('parallel / delayed', () => {
  it('runs delayed calls in order on workers', async () => {
    expect(await watchdog(parallel({ nJobs: 2 })(range(10).map((i) => delayed(square)(i))))).toEqual(range(10).map(square));
    // Different functions in one batch.
    const mixed = [delayed((a: number) => a + 1)(1), delayed((s: string) => s.toUpperCase())('x'), delayed(square)(3)];
    expect(await watchdog(parallel({ nJobs: 2, batchSize: 3 })(mixed))).toEqual([2, 'X', 9]);
  });

  it('calls of one, none and several arguments in one batch, array arguments included', async () => {
    const count = (...args: unknown[]) => args;
    const calls = [delayed(count)(1), delayed(count)([2, 3]), delayed(count)(), delayed(count)(4, 5), delayed(count)(undefined)];
    for (const batchSize of [1, 2, 5]) {
      expect(await watchdog(parallel({ nJobs: 2, batchSize })(calls))).toEqual([[1], [[2, 3]], [], [4, 5], [undefined]]);
    }
    // Numbers, many of them (they travel packed): exact values, -0 and NaN included.
    const nums = range(300).map((i) => (i % 7 === 0 ? -0 : i % 11 === 0 ? NaN : i / 3));
    const got = await watchdog(parallel({ nJobs: 2, batchSize: 64 })(nums.map((x) => delayed((v: number) => v)(x))));
    expect(got.length).toBe(300);
    for (let i = 0; i < 300; i++) expect(Object.is(got[i], nums[i])).toBe(true);
    // All unary, arrays as the one argument: each still arrives as one argument.
    const arrays = [delayed(count)([1]), delayed(count)([]), delayed(count)([1, 2])];
    expect(await watchdog(parallel({ nJobs: 2, batchSize: 3 })(arrays))).toEqual([[[1]], [[]], [[1, 2]]]);
  });

  it('nJobs arithmetic, readable as .nJobs', () => {
    const n = availableParallelism();
    expect(parallel({ nJobs: 3 }).nJobs).toBe(3);
    expect(parallel({ nJobs: -1 }).nJobs).toBe(n);
    expect(parallel({ nJobs: -2 }).nJobs).toBe(Math.max(n - 1, 1));
    expect(parallel({ nJobs: -1000 }).nJobs).toBe(1);
    expect(parallel().nJobs).toBe(1);
    expect(() => parallel({ nJobs: 0 })).toThrow(RangeError);
    expect(() => parallel({ nJobs: 1.5 })).toThrow(RangeError);
    expect(parallel({ nJobs: 1 }).backend).toBe('sequential');
  });

  it('nJobs 1 runs sequentially in this thread (closures allowed)', async () => {
    const seen: number[] = [];
    const out = await watchdog(parallel({ nJobs: 1 })(range(5).map((i) => delayed((x: number) => (seen.push(x), x * 2))(i))));
    expect(out).toEqual([0, 2, 4, 6, 8]);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it("backend 'async' runs promise functions here, at most nJobs at a time", async () => {
    let inFlight = 0;
    let peak = 0;
    const job = async (i: number) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return i;
    };
    expect(await watchdog(parallel({ nJobs: 3, backend: 'async' })(range(12).map((i) => delayed(job)(i))))).toEqual(range(12));
    expect(peak).toBe(3);
  });

  it('returnAs generator (ordered) and generator_unordered', async () => {
    const gen = parallel({ nJobs: 2, returnAs: 'generator' })(range(20).map((i) => delayed(square)(i)));
    expect(await collect(gen)).toEqual(range(20).map(square));
    const un = parallel({ nJobs: 2, returnAs: 'generator_unordered' })(range(20).map((i) => delayed(square)(i)));
    expect((await collect(un)).sort((a, b) => a - b)).toEqual(range(20).map(square));
  });

  it('the first error rejects promptly and cancels what has not started', async () => {
    // Every task counts itself in shared memory; task 2 throws. Far fewer than all must have run.
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const task = (i: number, c: Int32Array) => {
      Atomics.add(c, 0, 1);
      if (i === 2) throw new TypeError(`task ${i} failed`);
      const end = Date.now() + 20;
      while (Date.now() < end);
      return i;
    };
    const err = await watchdog(parallel({ nJobs: 2 })(range(200).map((i) => delayed(task)(i, counter))).catch((e: unknown) => e));
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe('task 2 failed');
    expect(Atomics.load(counter, 0)).toBeLessThan(50);
  });

  it('generator mode yields up to the failing position, then throws', async () => {
    const f = (i: number) => {
      if (i === 4) throw new Error('four');
      return i;
    };
    const got: number[] = [];
    const err = await watchdog(
      (async () => {
        try {
          for await (const v of parallel({ nJobs: 2, returnAs: 'generator', batchSize: 1 })(range(8).map((i) => delayed(f)(i)))) got.push(v as number);
        } catch (e) {
          return e;
        }
      })(),
    );
    expect((err as Error).message).toBe('four');
    expect(got).toEqual(range(got.length));
    expect(got.length).toBeLessThanOrEqual(4);
  });

  it('auto-batching grows batches on 20k tiny tasks', async () => {
    const lines: string[] = [];
    const out = await watchdog(
      parallel({ nJobs: 2, verbose: 10, log: (l) => lines.push(l) })(range(20_000).map((i) => delayed((x: number) => x + 1)(i))),
    );
    expect(out.length).toBe(20_000);
    expect(out[19_999]).toBe(20_000);
    const sizes = lines.map((l) => /Setting batch_size=(\d+)/.exec(l)?.[1]).filter(Boolean).map(Number);
    expect(sizes.length).toBeGreaterThan(3);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(64);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeGreaterThanOrEqual(sizes[i - 1]);
  });

  it('auto batch size: a function that ran before starts from its measured cost, a new one from 1', async () => {
    const tiny = (x: number) => x + 1;
    const sizes = async (fn: (x: number) => number) => {
      const lines: string[] = [];
      const run = parallel({ nJobs: 2, verbose: 10, log: (l) => lines.push(l) });
      const out = await watchdog(run(range(5000).map((i) => delayed(fn)(i))));
      expect(out).toEqual(range(5000).map((i) => i + 1));
      return lines.filter((l) => /batch_size=/.test(l));
    };
    const first = await sizes(tiny);
    expect(first[0]).toMatch(/too fast .* Setting batch_size=2\.$/);
    const again = await sizes(tiny);
    const m = /Earlier batches of this function took [\d.]+us per task\. Setting batch_size=(\d+)\.$/.exec(again[0] ?? '');
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(2);
    // The same source in another function object is another function: not measured yet.
    const fresh = await sizes((x: number) => x + 1);
    expect(fresh[0]).toMatch(/Setting batch_size=2\.$/);
    // Explicit batch sizes are kept as they are.
    const lines: string[] = [];
    await watchdog(parallel({ nJobs: 2, batchSize: 3, verbose: 10, log: (l) => lines.push(l) })(range(30).map((i) => delayed(tiny)(i))));
    expect(lines.some((l) => /batch_size=/.test(l))).toBe(false);
  });

  it("verbose writes joblib's progress lines", async () => {
    const lines: string[] = [];
    await watchdog(parallel({ nJobs: 2, verbose: 5, batchSize: 1, log: (l) => lines.push(l) })(range(50).map((i) => delayed(square)(i))));
    expect(lines[0]).toBe('[Parallel(n_jobs=2)]: Using backend WorkerBackend with 2 concurrent workers.');
    expect(lines.at(-1)).toMatch(/^\[Parallel\(n_jobs=2\)\]: Done  50 out of  50 \| elapsed: +\d+\.\ds finished$/);
    for (const l of lines.slice(1, -1)) {
      expect(l).toMatch(/^\[Parallel\(n_jobs=2\)\]: Done +\d+ (tasks {6}|out of +\d+ )\| elapsed: +\d+\.\ds( remaining: +\d+\.\ds)?$/);
    }
    const seq: string[] = [];
    await parallel({ nJobs: 1, verbose: 1, log: (l) => seq.push(l) })([delayed(square)(2)]);
    expect(seq.at(-1)).toMatch(/Done   1 out of   1 \| elapsed: .* finished$/);
  });

  it('timeout: a task that runs too long rejects with TimeoutError, and the pool recovers', async () => {
    const stuck = () => {
      for (;;);
    };
    const err = await watchdog(parallel({ nJobs: 2, timeout: 200 })([delayed(stuck)()]).catch((e: unknown) => e));
    expect(err).toMatchObject({ code: 'ERR_TIMEOUT' });
    expect(await watchdog(parallel({ nJobs: 2 })(range(4).map((i) => delayed(square)(i))))).toEqual([0, 1, 4, 9]);
  });

  it('a timeout beyond what setTimeout can wait does not fire early, also once multiplied by a batch', async () => {
    const later = async (v: number) => { await new Promise((r) => setTimeout(r, 20)); return v; };
    for (const backend of ['worker', 'async', 'sequential'] as const) {
      // 3e7 ms is a valid timer, but a batch of 100 gets 3e9 ms: past the 2^31 - 1 ms a timer can wait.
      for (const timeout of [2 ** 31, 1e12, 3e7]) {
        const out = await watchdog(parallel({ nJobs: 2, backend, timeout, batchSize: 100 })(range(101).map((i) => delayed(later)(i))));
        expect(out).toEqual(range(101));
      }
    }
  });

  it('parallelConfig scopes defaults over async code', async () => {
    await parallelConfig({ nJobs: 3, backend: 'async' }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      const p = parallel();
      expect(p.nJobs).toBe(3);
      expect(p.backend).toBe('async');
      expect(parallel({ nJobs: 2 }).nJobs).toBe(2);
      await parallelConfig({ verbose: 0 }, async () => {
        expect(parallel().nJobs).toBe(3);
      });
    });
    expect(parallel().nJobs).toBe(1);
  });

  it('reads its input lazily (preDispatch) and refuses non-delayed items', async () => {
    // Every task but the first waits at a gate, so however late this test resumes after
    // the first result, only what preDispatch (and the two blocked workers) allow was pulled.
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const gated = (g: Int32Array, i: number) => {
      if (i > 0) Atomics.wait(g, 0, 0, 30_000);
      return i * i;
    };
    let pulled = 0;
    function* tasks() {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield delayed(gated)(gate, i);
      }
    }
    const gen = parallel({ nJobs: 2, returnAs: 'generator', batchSize: 1, preDispatch: '2*n_jobs' })(tasks());
    try {
      const first = await watchdog(gen.next());
      expect(first.value).toBe(0);
      expect(pulled).toBeLessThan(100);
    } finally {
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      await watchdog(gen.return(undefined));
    }
    await expect(parallel({ nJobs: 2 })([1 as never])).rejects.toThrow(TypeError);
    expect(() => parallel({ preDispatch: 'lots' })).toThrow(RangeError);
    expect(() => parallel({ batchSize: 0 })).toThrow(RangeError);
  });

  it('module-reference tasks', async () => {
    const mod = { module: new URL('./helpers/task-module.mjs', import.meta.url), name: 'slowDouble' };
    expect(await watchdog(parallel({ nJobs: 2 })([1, 2, 3].map((i) => delayed(mod)(i))))).toEqual([2, 4, 6]);
  });
});
