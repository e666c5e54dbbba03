/**
 * The seed's three programs, rerun on backend 'bullmq' (a real redis-server and
 * two `wasmpar worker` processes): the same output as on their own backends.
 * Each compiled program gets one change, made here and checked to apply once:
 * its Pool / Executor / parallel options gain `backend: 'bullmq'` and the connection.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisMissing, startRedis, startWorker, type RedisServer, type WorkerProcess } from './helpers/redis.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const missing = redisMissing();
const QUEUE = 'wp-seed';

const edits: Record<string, [from: string, to: string]> = {
  joblib: ['parallel({ nJobs: 4 })', 'parallel({ nJobs: 4, ...__bullmq })'],
  pool: ['new Pool({ workers: 4 })', 'new Pool({ workers: 4, ...__bullmq })'],
  executor: ["new Executor({ maxWorkers: 3, backend: 'async' })", "new Executor({ maxWorkers: 3, backend: 'async', ...__bullmq })"],
};

function run(file: string, env: Record<string, string>, timeout = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    // timeout is the watchdog: a hung program is killed and fails the test.
    execFile(process.execPath, [file], { cwd: root, timeout, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      err ? reject(Object.assign(err, { stdout, stderr })) : resolve(stdout),
    );
  });
}

describe.skipIf(missing)(`seed programs on backend 'bullmq'${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let redis: RedisServer;
  const workers: WorkerProcess[] = [];
  const written: string[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    if (!existsSync(`${root}dist-examples/seed/pool.js`)) {
      await run(`${root}node_modules/typescript/bin/tsc`, {}, 60_000).catch(() => {});
    }
    redis = await startRedis();
    const args = ['--redis', redis.url, '--queue', QUEUE, '--concurrency', '2', '--verbose'];
    workers.push(await startWorker(args), await startWorker(args));
    env = { WASMPAR_BULLMQ: JSON.stringify({ backend: 'bullmq', connection: redis.url, queue: QUEUE }) };
  }, 90_000);

  afterAll(async () => {
    for (const f of written) rmSync(f, { force: true });
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
    for (const w of workers) expect(w.process.exitCode ?? w.process.signalCode).not.toBeNull();
  }, 60_000);

  async function runOnBullmq(name: string): Promise<string> {
    const [from, to] = edits[name]!;
    const js = readFileSync(`${root}dist-examples/seed/${name}.js`, 'utf8');
    expect(js.split(from).length - 1, `${name}.js contains ${from} once`).toBe(1);
    const file = `${root}dist-examples/seed/${name}.bullmq-test.js`;
    writeFileSync(file, `const __bullmq = JSON.parse(process.env.WASMPAR_BULLMQ);\n${js.replace(from, to)}`);
    written.push(file);
    const jobs = () => workers.reduce((n, w) => n + (w.output().match(/: job \S+ \(/g)?.length ?? 0), 0);
    const before = jobs();
    const out = await run(file, env);
    // It really ran on the workers (each logs one line per batch with --verbose).
    await new Promise((r) => setTimeout(r, 100));
    expect(jobs()).toBeGreaterThan(before);
    return out;
  }

  it('joblib: parallel({ nJobs: 4 }) over delayed(square)', async () => {
    expect(await runOnBullmq('joblib')).toBe('[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]\n');
  });

  it('pool: Pool.map(square, range(10))', async () => {
    expect(await runOnBullmq('pool')).toBe('[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]\n');
  });

  it('executor: 3 URLs through asCompleted, one failing (the fetches run in the worker processes)', async () => {
    const out = await runOnBullmq('executor');
    const lines = out.replace(/127\.0\.0\.1:\d+/g, 'HOST').trimEnd().split('\n').sort();
    expect(lines).toEqual([
      "'http://HOST/index.html' page is 1234 bytes",
      "'http://HOST/missing.html' generated an exception: HTTP Error 404: Not Found",
      "'http://HOST/news.html' page is 5678 bytes",
    ]);
  });
});
