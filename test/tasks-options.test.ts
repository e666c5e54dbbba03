// Task-API arguments: unknown option keys are a TypeError naming the key and the
// known ones; a non-iterable is a TypeError; timeouts are milliseconds.
import { afterAll, describe, expect, it } from 'vitest';
import { Executor, Future, Pool, TimeoutError, asCompleted, delayed, parallel, parallelConfig, wait } from '../dist/index.js';
import { watchdog } from './helpers/tasks.js';

const pools: Pool[] = [];
const executors: Executor[] = [];
afterAll(async () => {
  await Promise.all([...pools.map((p) => p.terminate()), ...executors.map((e) => e.shutdown({ cancelFutures: true }))]);
});

describe('unknown option keys', () => {
  const cases: Array<[string, () => unknown, string, string]> = [
    ['new Pool', () => new Pool({ worker: 2 } as never), 'worker', 'workers'],
    ['parallel', () => parallel({ n_jobs: 2 } as never), 'n_jobs', 'nJobs'],
    ['parallelConfig', () => parallelConfig({ njobs: 2 } as never, () => 0), 'njobs', 'nJobs'],
    ['new Executor', () => new Executor({ max_workers: 2 } as never), 'max_workers', 'maxWorkers'],
    ['wait', () => wait([], { return_when: 'FIRST_COMPLETED' } as never), 'return_when', 'returnWhen'],
    ['asCompleted', () => asCompleted([], { timeOut: 5 } as never), 'timeOut', 'timeout'],
    ['result', () => new Future().result({ timeOut: 5 } as never), 'timeOut', 'timeout'],
  ];
  for (const [where, call, key, known] of cases) {
    it(`${where}({ ${key} }) names the key and the known ones`, async () => {
      let err: unknown;
      try { await call(); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).toContain(`'${key}'`);
      expect((err as Error).message).toContain(`'${known}'`);
    });
  }

  it('a bad backend or nJobs names the constructor or function it was given to', async () => {
    const bad: Array<[() => unknown, RegExp]> = [
      [() => new Pool({ backend: 'async' } as never), /^new Pool: backend must be/],
      [() => new Executor({ backend: 'toString' } as never), /^new Executor: backend must be/],
      [() => parallel({ backend: 'threads' } as never), /^parallel: backend must be/],
      [() => parallel({ nJobs: 0 }), /^parallel: nJobs == 0/],
      [() => parallel({ nJobs: 1.5 }), /^parallel: nJobs must be an integer/],
    ];
    for (const [call, re] of bad) expect(call).toThrow(re);
  });

  it('method options too: Pool.map({ chunksize }), Executor.map({ buffer_size }), shutdown({ cancel_futures })', async () => {
    const pool = new Pool({ workers: 1 });
    pools.push(pool);
    await expect(pool.map((x: number) => x, [1], { chunksize: 1 } as never)).rejects.toThrow(/'chunksize'.*'chunkSize'/);
    const ex = new Executor({ maxWorkers: 1, backend: 'async' });
    executors.push(ex);
    expect(() => ex.map((x: number) => x, [1], { buffer_size: 1 } as never)).toThrow(/'buffer_size'.*'bufferSize'/);
    await expect(ex.shutdown({ cancel_futures: true } as never)).rejects.toThrow(/'cancel_futures'.*'cancelFutures'/);
  });
});

describe('non-iterables', () => {
  it('Pool.map(f, 5), starmap and imap are a TypeError (not an empty result)', async () => {
    const pool = new Pool({ workers: 1 });
    pools.push(pool);
    await expect(pool.map((x: number) => x, 5 as never)).rejects.toThrow(TypeError);
    await expect(pool.starmap((x: number) => x, 5 as never)).rejects.toThrow(TypeError);
    expect(() => pool.imap((x: number) => x, 5 as never)).toThrow(TypeError);
    expect(() => pool.imapUnordered((x: number) => x, null as never)).toThrow(TypeError);
    expect(await watchdog(pool.map((x: number) => x + 1, [1, 2]))).toEqual([2, 3]);
  });
});

describe('timeouts are milliseconds', () => {
  it('result({ timeout: 30 }) rejects after ~30 ms, not 30 s; the message says ms', async () => {
    const f = new Future<number>();
    const err = await watchdog(f.result({ timeout: 30 }).catch((e: unknown) => e), 5_000);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toMatch(/30 ms/);
  });
  it('wait({ timeout: 30 }) and asCompleted({ timeout: 30 }) return within the watchdog', async () => {
    const f = new Future<number>();
    const r = await watchdog(wait([f], { timeout: 30 }), 5_000);
    expect(r.notDone.has(f)).toBe(true);
    const it = asCompleted([f], { timeout: 30 });
    await expect(watchdog(it.next(), 5_000)).rejects.toThrow(/30 ms/);
  });
  it("parallel({ timeout: 100 }) ends a stuck worker task with TimeoutError on the 'worker' backend", async () => {
    const stuck = () => { for (;;); };
    const err = await watchdog(parallel({ nJobs: 2, timeout: 100 })([delayed(stuck)()]).catch((e: unknown) => e), 10_000);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toMatch(/100 ms/);
  });
});
