/**
 * The task APIs on backend 'bullmq', against a real redis-server and real
 * `wasmpar worker` processes (test/helpers/redis.ts starts and stops them).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCompleted, CancelledError, ConnectionError, delayed, Executor, parallel, Pool, TimeoutError, wait } from '../src/index.js';
import { freePort, redisMissing, startRedis, startWorker, type RedisServer, type WorkerProcess } from './helpers/redis.js';
import { collect, watchdog } from './helpers/tasks.js';

const missing = redisMissing();
const QUEUE = 'wp-test';
const spin = (ms: number, value: unknown) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
  return value;
};
const tasks = new URL('./helpers/bullmq-tasks.mjs', import.meta.url);
const mark = { module: tasks, name: 'mark' };
const flaky = { module: tasks, name: 'flaky' };
const untilAborted = { module: tasks, name: 'untilAborted' };
const square = (x: number) => x * x;

describe.skipIf(missing)(`backend 'bullmq'${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let redis: RedisServer;
  const workers: WorkerProcess[] = [];
  let dir: string;
  let connection: string;
  const opts = () => ({ backend: 'bullmq' as const, connection, queue: QUEUE });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wasmpar-bullmq-'));
    // A module only the workers can see (relative to their working directory).
    writeFileSync(join(dir, 'tasks.mjs'), 'export function cube(x) { return x * x * x; }\nexport const where = () => process.cwd();\n');
    redis = await startRedis();
    connection = redis.url;
    const args = ['--redis', connection, '--queue', QUEUE, '--concurrency', '2', '--verbose', '--lock-duration', '2000', '--stalled-interval', '1000'];
    workers.push(await startWorker(args, { cwd: dir }), await startWorker(args, { cwd: dir }));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
    for (const w of workers) expect(w.process.exitCode ?? w.process.signalCode).not.toBeNull();
    if (redis) expect(redis.process.exitCode ?? redis.process.signalCode).not.toBeNull();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('parallel: ordered results, generators, typed arrays and non-finite numbers', async () => {
    const xs = Array.from({ length: 997 }, (_, i) => i);
    expect(await watchdog(parallel({ ...opts(), nJobs: 4 })(xs.map((i) => delayed(square)(i))))).toEqual(xs.map((i) => i * i));
    const gen = parallel({ ...opts(), nJobs: 3, returnAs: 'generator_unordered' })(xs.slice(0, 50).map((i) => delayed(square)(i)));
    expect((await collect(gen)).sort((a, b) => a - b)).toEqual(xs.slice(0, 50).map((i) => i * i));
    const twice = (a: Float64Array) => a.map((v) => v * 2);
    const [r] = await watchdog(parallel({ ...opts(), nJobs: 2 })([delayed(twice)(new Float64Array([1, NaN, -0, Infinity]))]));
    expect(r).toBeInstanceOf(Float64Array);
    expect(Array.from(r!)).toEqual([2, NaN, -0, Infinity]);
  });

  it('auto-batching: many tiny tasks travel as far fewer jobs', async () => {
    const n = 20_000;
    const before = await completedJobs();
    const out = await watchdog(parallel({ ...opts(), nJobs: 4 })(Array.from({ length: n }, (_, i) => delayed(square)(i))), 60_000);
    expect(out[n - 1]).toBe((n - 1) ** 2);
    const jobs = (await completedJobs()) - before;
    expect(jobs).toBeGreaterThan(0);
    expect(jobs).toBeLessThan(n / 10);
  });

  it('module references resolve on the worker, relative to its working directory', async () => {
    const cube = { module: './tasks.mjs', name: 'cube' };
    expect(await watchdog(parallel({ ...opts(), nJobs: 2 })([2, 3].map((x) => delayed(cube)(x))))).toEqual([8, 27]);
    await using ex = new Executor(opts());
    expect(await watchdog(ex.submit({ module: './tasks.mjs', name: 'where' }))).toBe(dir);
  });

  it('Executor: futures, asCompleted, wait modes, remote errors with class, message and stack', async () => {
    await using ex = new Executor({ ...opts(), maxWorkers: 4 });
    const fs = [0, 1, 2, 3].map((i) => ex.submit(spin, 50 * i, i));
    const seen: number[] = [];
    for await (const f of asCompleted(fs, { timeout: 20_000 })) seen.push(await f);
    expect(seen.sort()).toEqual([0, 1, 2, 3]);
    const bad = ex.submit((x: number) => {
      throw new RangeError(`bad ${x}`);
    }, 7);
    const slow = ex.submit(spin, 300, 'slow');
    const res = await watchdog(wait([bad, slow], { returnWhen: 'FIRST_EXCEPTION', timeout: 20_000 }));
    expect(res.done.has(bad)).toBe(true);
    const err = (await bad.exception()) as Error;
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toBe('bad 7');
    expect(err.stack).toMatch(/^RangeError: bad 7\n\s+at /);
    expect(await watchdog(slow)).toBe('slow');
    const ordered = await collect(ex.map(square, [1, 2, 3, 4, 5], { chunkSize: 2 }));
    expect(ordered).toEqual([1, 4, 9, 16, 25]);
  });

  it('Future states follow the job: pending, running, finished', async () => {
    await using ex = new Executor(opts());
    const f = ex.submit(spin, 600, 'x');
    expect(f.running() || !f.done()).toBe(true);
    await watchdog(until(() => f.running()), 10_000, 'running state');
    expect(await watchdog(f)).toBe('x');
    expect(f.done() && !f.running() && !f.cancelled()).toBe(true);
  });

  it('cancel: a queued task is removed and never runs; a running one is stopped', async () => {
    const log = join(dir, 'cancel.log');
    await using ex = new Executor({ ...opts(), maxWorkers: 8 });
    // Occupy all 4 worker slots, then queue one more and cancel it.
    const busy = [0, 1, 2, 3].map((i) => ex.submit(mark, log, `busy${i}`, 800));
    await watchdog(until(() => busy.every((f) => f.running())), 10_000, 'busy tasks running');
    const queued = ex.submit(mark, log, 'queued', 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(queued.cancel()).toBe(true);
    expect(queued.cancelled()).toBe(true);
    await expect(queued.result()).rejects.toBeInstanceOf(CancelledError);
    await watchdog(Promise.all(busy));
    const long = ex.submit(mark, log, 'long', 20_000);
    await watchdog(until(() => long.running()), 10_000, 'long task running');
    await watchdog(until(() => readFileSync(log, 'utf8').includes('long start')), 10_000, 'long task started');
    expect(long.cancel()).toBe(false); // Python: a running call cannot be cancelled...
    await expect(watchdog(long.result(), 10_000)).rejects.toBeInstanceOf(CancelledError); // ...but its job is stopped
    // The slot it held is free again long before the 20 s the task would have taken.
    expect(await watchdog(ex.submit(square, 9), 10_000)).toBe(81);
    await new Promise((r) => setTimeout(r, 300));
    const text = readFileSync(log, 'utf8');
    expect(text).not.toContain('queued start');
    expect(text).not.toContain('long end');
  });

  it('cancel of a running task reaches it cooperatively: its AbortSignal fires on the worker', async () => {
    const log = join(dir, 'coop.log');
    await using ex = new Executor(opts());
    const f = ex.submit(untilAborted, log);
    await watchdog(until(() => readFileSync(log, 'utf8').includes('waiting')), 10_000, 'task waiting');
    expect(f.cancel()).toBe(false);
    await expect(watchdog(f.result(), 10_000)).rejects.toBeInstanceOf(CancelledError);
    await watchdog(until(() => readFileSync(log, 'utf8').includes('stopped cooperatively')), 10_000, 'signal seen by the task');
  });

  it('timeouts, size limits and option errors are clear', async () => {
    await expect(watchdog(parallel({ ...opts(), nJobs: 2, timeout: 200 })([delayed(spin)(5000, 1)]))).rejects.toBeInstanceOf(TimeoutError);
    // A timeout no timer can wait for means none (Infinity must not reach the worker as JSON null).
    expect(await watchdog(parallel({ ...opts(), nJobs: 2, timeout: Infinity })([delayed(spin)(50, 7)]))).toEqual([7]);
    await using ex = new Executor({ ...opts(), maxPayloadBytes: 1000 });
    await expect(watchdog(ex.submit(square, new Float64Array(1000) as never))).rejects.toThrow(/maxPayloadBytes/);
    expect(() => new Executor({ backend: 'bullmq' } as never)).toThrow(/needs a `connection`/);
    expect(() => new Executor({ ...opts(), attempts: 0 })).toThrow(RangeError);
  });

  it('attempts: a failing batch is retried', async () => {
    const count = join(dir, 'flaky.count');
    writeFileSync(count, '');
    await using ex = new Executor({ ...opts(), attempts: 3, backoff: 10 });
    expect(await watchdog(ex.submit(flaky, count))).toBe('ok');
    expect(readFileSync(count, 'utf8')).toBe('xx');
  });

  it('verbose progress names the backend', async () => {
    const lines: string[] = [];
    await watchdog(parallel({ ...opts(), nJobs: 2, verbose: 10, log: (l) => lines.push(l) })([1, 2, 3].map((x) => delayed(square)(x))));
    expect(lines.join('\n')).toMatch(/BullmqBackend/);
    expect(workers.some((w) => /job \S+ \(\d+ tasks?\) done in/.test(w.output()))).toBe(true);
  });

  it('Pool.map on the queue', async () => {
    await using pool = new Pool({ ...opts(), workers: 3 });
    expect(await watchdog(pool.map(square, [1, 2, 3, 4]))).toEqual([1, 4, 9, 16]);
  });

  it('a result whose event was trimmed from the stream is still delivered (the client looks the job up)', async () => {
    await using ex = new Executor(opts());
    const f = ex.submit(spin, 2500, 'late');
    await watchdog(until(() => f.running()), 10_000, 'running');
    // spawnSync blocks this thread: an unrelated event answers the read this client has pending, so
    // no read waits when the job completes; the stream is emptied before this client reads again.
    const key = `bull:${QUEUE}:events`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
      import { Redis } from 'ioredis';
      const c = new Redis(${JSON.stringify(connection)});
      if ((await c.llen('bull:${QUEUE}:active')) === 0) process.exit(4); // too late: the job already finished
      const from = (await c.xadd('${key}', '*', 'event', 'unrelated'));
      const completed = async () => (await c.xrange('${key}', '(' + from, '+')).some(([, f]) => f[1] === 'completed');
      const end = Date.now() + 10000;
      while (!(await completed())) {
        if (Date.now() > end) process.exit(3);
        await new Promise((r) => setTimeout(r, 20));
      }
      await c.xtrim('${key}', 'MAXLEN', 0);
      c.disconnect();`], { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 20_000 });
    expect(r.status, String(r.stderr)).toBe(0);
    expect(await watchdog(f, 15_000, 'result after the trim')).toBe('late');
  });

  it('a worker killed mid-batch: the batch reruns on another worker, its result arrives once', async () => {
    const q = 'wp-kill';
    const log = join(dir, 'kill.log');
    const args = ['--redis', connection, '--queue', q, '--concurrency', '1', '--lock-duration', '1000', '--stalled-interval', '500'];
    const a = await startWorker(args);
    const b = await startWorker(args);
    try {
      await using ex = new Executor({ backend: 'bullmq', connection, queue: q });
      const f = ex.submit(mark, log, 'victim', 1500);
      await watchdog(until(() => readFileSync(log, 'utf8').includes('victim start')), 10_000, 'batch started');
      const pid = Number(/victim start (\d+)/.exec(readFileSync(log, 'utf8'))![1]);
      const victim = [a, b].find((w) => w.process.pid === pid)!;
      expect(victim).toBeDefined();
      victim.process.kill('SIGKILL');
      expect(await watchdog(f, 30_000, 'retried batch')).toBe('victim');
      const starts = readFileSync(log, 'utf8').match(/victim start \d+/g)!;
      expect(starts.length).toBe(2);
      expect(starts[1]).not.toBe(starts[0]);
      // Exactly once: nothing else arrives for it.
      expect(f.done()).toBe(true);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('Redis down at start: a ConnectionError within the connect timeout, and shutdown works', async () => {
    const port = await freePort();
    await using ex = new Executor({ backend: 'bullmq', connection: `redis://127.0.0.1:${port}`, connectTimeout: 500 });
    const err = await watchdog(ex.submit(square, 2).exception(), 10_000);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(new RegExp(`cannot connect to Redis at redis://127.0.0.1:${port}`));
    await expect(watchdog(parallel({ backend: 'bullmq', connection: `redis://127.0.0.1:${port}`, connectTimeout: 500, nJobs: 2 })([delayed(square)(1)]), 10_000)).rejects.toBeInstanceOf(ConnectionError);
  });

  it('Redis lost mid-run: pending futures reject with a ConnectionError; the executor still shuts down', async () => {
    const r2 = await startRedis();
    const w = await startWorker(['--redis', r2.url, '--queue', 'lost', '--concurrency', '1']);
    try {
      const ex = new Executor({ backend: 'bullmq', connection: r2.url, queue: 'lost', connectTimeout: 500 });
      const f = ex.submit(spin, 3000, 1);
      await watchdog(until(() => f.running()), 10_000, 'running');
      r2.process.kill('SIGKILL');
      const err = await watchdog(f.exception(), 10_000, 'rejection after Redis died');
      expect(err).toBeInstanceOf(ConnectionError);
      await expect(watchdog(ex.submit(square, 1).exception(), 5000)).resolves.toBeInstanceOf(ConnectionError);
      await watchdog(ex.shutdown(), 10_000, 'shutdown without Redis');
    } finally {
      await w.stop();
      await r2.stop();
    }
  });

  async function completedJobs(): Promise<number> {
    const { Redis } = await import('ioredis');
    const c = new Redis(connection);
    try {
      return await c.zcard(`bull:${QUEUE}:completed`);
    } finally {
      c.disconnect();
    }
  }
});

/** Polls `cond`; gives up (rejects) after `ms`, so a wait can never hang the suite. */
function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      let ok = false;
      try {
        ok = cond();
      } catch {
        // a file not written yet
      }
      if (ok || Date.now() > deadline) {
        clearInterval(t);
        if (ok) resolve();
        else reject(new Error(`watchdog: condition not met within ${ms} ms`));
      }
    }, 20);
  });
}
