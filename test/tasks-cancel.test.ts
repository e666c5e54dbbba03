// Cooperative cancellation of running tasks (the task's AbortSignal, from `this`
// or taskContext()), terminate() as the last resort, and pool/executor stats.
import { afterAll, describe, expect, it } from 'vitest';
import { CancelledError, Executor, Pool, delayed, parallel, taskContext, type TaskContext } from '../dist/index.js';
import { distIndex, runNode, scriptFile } from './helpers/run-node.js';
import { watchdog } from './helpers/tasks.js';

/** Waits (in the task) until its signal fires, marks flag[i] = 1, then throws the signal's reason. */
async function untilAborted(this: TaskContext, flag: Int32Array, i: number): Promise<never> {
  const signal = this.signal;
  await new Promise((resolve) => {
    if (signal.aborted) resolve(undefined);
    signal.addEventListener('abort', resolve, { once: true });
  });
  Atomics.store(flag, i, 1);
  throw signal.reason;
}

/** Polls until flag[i] is set (the task saw its abort), within the watchdog. */
async function flagged(flag: Int32Array, i: number): Promise<void> {
  await watchdog((async () => { while (Atomics.load(flag, i) === 0) await new Promise((r) => setTimeout(r, 5)); })(), 10_000, `flag ${i}`);
}

/** Resolves once the future is running. */
async function running(f: { running(): boolean; done(): boolean }): Promise<void> {
  await watchdog((async () => { while (!f.running() && !f.done()) await new Promise((r) => setTimeout(r, 2)); })(), 10_000, 'running');
}

const executors: Executor[] = [];
afterAll(async () => { await Promise.all(executors.map((e) => e.terminate())); });

describe('a running task is asked to stop through its AbortSignal', () => {
  for (const backend of ['worker', 'async'] as const) {
    it(`future.cancel() on a running task (backend '${backend}'): the signal fires, the future ends cancelled`, async () => {
      const ex = new Executor({ maxWorkers: 2, backend });
      executors.push(ex);
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const f = ex.submit(untilAborted, flag, 0);
      await running(f);
      expect(f.cancel()).toBe(false); // running: asked to stop, as Python's cancel() returns False
      await flagged(flag, 0);
      const err = await watchdog(f.result().catch((e: unknown) => e));
      expect(err).toBeInstanceOf(CancelledError);
      expect(f.cancelled()).toBe(true);
      expect(await watchdog(ex.submit((x: number) => x * 2, 21))).toBe(42);
    });

    it(`shutdown({ cancelFutures: true }) fires the signal of running tasks (backend '${backend}')`, async () => {
      const ex = new Executor({ maxWorkers: 1, backend });
      const flag = new Int32Array(new SharedArrayBuffer(8));
      const a = ex.submit(untilAborted, flag, 0);
      const queued = ex.submit(untilAborted, flag, 1);
      await running(a);
      await watchdog(ex.shutdown({ cancelFutures: true }));
      await flagged(flag, 0);
      expect(queued.cancelled()).toBe(true);
      expect(Atomics.load(flag, 1)).toBe(0);
    });
  }

  it('taskContext() in a module task and on the calling thread; outside a task it is a StateError', async () => {
    expect(() => taskContext()).toThrow(expect.objectContaining({ code: 'ERR_STATE' }));
    const ex = new Executor({ maxWorkers: 1, backend: 'async' });
    executors.push(ex);
    const seen = await watchdog(ex.submit(async () => taskContext().signal instanceof AbortSignal));
    expect(seen).toBe(true);
    const viaGlobal = new Pool({ workers: 1 });
    const r = await watchdog(viaGlobal.apply(() => {
      const ctx = (globalThis as any)[Symbol.for('wasmpar.taskContext')]();
      return ctx.signal.aborted;
    }));
    expect(r).toBe(false);
    await viaGlobal.terminate();
  });

  it('parallel stops at an error and fires the signal of tasks still running', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const boom = async (ms: number) => {
      await new Promise((r) => setTimeout(r, ms));
      throw new Error('boom');
    };
    const err = await watchdog(
      parallel({ nJobs: 2, batchSize: 1 })([delayed(untilAborted)(flag, 0), delayed(boom)(50)]).catch((e: unknown) => e),
    );
    expect((err as Error).message).toBe('boom');
    await flagged(flag, 0);
  });
});

describe('the last resort and the process', () => {
  it('an Executor with a never-returning task does not keep the process alive after shutdown({ wait: false, cancelFutures: true })', async () => {
    const file = scriptFile(`
      import { Executor } from '${distIndex}';
      const ex = new Executor({ maxWorkers: 1 });
      const f = ex.submit(() => { for (;;); });
      while (!f.running()) await new Promise((r) => setTimeout(r, 5));
      await ex.shutdown({ wait: false, cancelFutures: true });
      console.log('shut down');
    `);
    const r = await runNode([file], { timeout: 15_000 });
    expect(r.signal, 'the process had to be killed by the watchdog').toBe(null);
    expect(r.stdout.trim()).toBe('shut down');
    expect(r.code).toBe(0);
  });

  for (const n of [1, 3]) {
    it(`shutdown() after cancelling every queued future on a cold executor (maxWorkers ${n}) settles: the script runs on`, async () => {
      // The workers start with only cancelled work queued: they leave at once, and the process must not end under shutdown().
      const file = scriptFile(`
        import { Executor } from '${distIndex}';
        const ex = new Executor({ maxWorkers: ${n} });
        const fs = [1, 2, 3, 4].map((x) => ex.submit((v) => v, x));
        const cancelled = fs.map((f) => f.cancel());
        await ex.shutdown();
        console.log(cancelled.join(','), fs.every((f) => f.cancelled()), ex.stats().tasksCancelled);
      `);
      const r = await runNode([file], { timeout: 15_000 });
      expect(r.signal, 'the process had to be killed by the watchdog').toBe(null);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('true,true,true,true true 4');
    });
  }

  // joblib ends its workers when a call fails (or its generator is closed): a task stuck in a
  // synchronous loop, which cannot see its signal, must not keep a worker busy and Node alive.
  for (const how of ['another task fails', 'the generator consumer stops']) {
    it(`parallel ends a running task that ignores its signal when ${how}: the workers are whole again, the process exits`, async () => {
      const run = how === 'another task fails'
        ? `const err = await parallel({ nJobs: 2, batchSize: 1 })([delayed(() => { for (;;); })(), delayed(boom)()]).catch((e) => e);
           console.log(err.message);`
        : `for await (const v of parallel({ nJobs: 2, batchSize: 1, returnAs: 'generator' })([delayed((x) => x)(7), delayed(() => { for (;;); })()])) { console.log(v); break; }`;
      const file = scriptFile(`
        import { delayed, parallel } from '${distIndex}';
        const boom = async () => { await new Promise((r) => setTimeout(r, 50)); throw new Error('boom'); };
        ${run}
        // Two tasks that meet: both workers must be free (the stuck one replaced) for this to end.
        const meet = new Int32Array(new SharedArrayBuffer(4));
        const rendezvous = (m) => { Atomics.add(m, 0, 1); Atomics.notify(m, 0); while (Atomics.load(m, 0) < 2) Atomics.wait(m, 0, 1, 50); return Atomics.load(m, 0); };
        console.log((await parallel({ nJobs: 2, batchSize: 1 })([delayed(rendezvous)(meet), delayed(rendezvous)(meet)])).join(','));
      `);
      const r = await runNode([file], { timeout: 20_000 });
      expect(r.signal, 'the process had to be killed by the watchdog').toBe(null);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim().split('\n')).toEqual([how === 'another task fails' ? 'boom' : '7', '2,2']);
    });
  }

  it('executor.terminate() ends a stuck worker by force: its future rejects, the process can exit', async () => {
    const file = scriptFile(`
      import { Executor } from '${distIndex}';
      const ex = new Executor({ maxWorkers: 1 });
      const f = ex.submit(() => { for (;;); });
      while (!f.running()) await new Promise((r) => setTimeout(r, 5));
      await ex.terminate();
      const e = await f.result().catch((e) => e);
      console.log(e.code, f.done());
    `);
    const r = await runNode([file], { timeout: 15_000 });
    expect(r.signal).toBe(null);
    expect(r.stdout.trim()).toBe('ERR_CANCELLED true');
  });
});

describe('stats', () => {
  it('pool.stats(): completed, failed, cancelled, queue depth, workers replaced', async () => {
    const pool = new Pool({ workers: 2 });
    try {
      expect(pool.stats()).toMatchObject({ tasksCompleted: 0, tasksFailed: 0, queueDepth: 0, tasksRunning: 0, workersReplaced: 0 });
      await watchdog(pool.map((x: number) => x + 1, [1, 2, 3, 4, 5], { chunkSize: 1 }));
      await watchdog(pool.apply(() => { throw new Error('no'); }).catch(() => {}));
      const crash = await watchdog(pool.apply(() => process.exit(3)).catch((e: unknown) => e));
      expect(crash).toMatchObject({ code: 'ERR_WORKER_CRASH' });
      await watchdog(pool.apply((x: number) => x, [1]));
      const s = pool.stats();
      expect(s.tasksCompleted).toBe(6);
      expect(s.tasksFailed).toBe(2);
      expect(s.workersReplaced).toBe(1);
      expect(s.workers).toBe(2);
      expect(s.queueDepth + s.tasksRunning).toBe(0);
    } finally {
      await pool.terminate();
    }
  });

  it('executor.stats() on both backends counts cancelled and queued calls', async () => {
    for (const backend of ['worker', 'async'] as const) {
      const ex = new Executor({ maxWorkers: 1, backend });
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const a = ex.submit(untilAborted, flag, 0);
      const b = ex.submit((x: number) => x, 1);
      await running(a);
      expect(ex.stats()).toMatchObject({ queueDepth: 1, tasksRunning: 1 });
      expect(b.cancel()).toBe(true);
      a.cancel();
      await flagged(flag, 0);
      await watchdog(ex.shutdown());
      const s = ex.stats();
      expect(s.tasksCancelled, backend).toBe(1);
      expect(s.tasksFailed, backend).toBe(1);
    }
  });
});
