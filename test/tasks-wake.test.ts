/**
 * Idle task workers sleep in Atomics.wait and pull work with
 * receiveMessageOnPort instead of waiting in their event loop. These tests
 * cover what that must not break: sequential round trips after idle gaps,
 * async tasks (awaited, with later tasks queued behind them), console output
 * from tasks, terminating sleeping workers, and a script that never closes its
 * pool still exiting.
 */
import { execFile } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Executor, Pool } from '../dist/tasks/index.js';
import { watchdog } from './helpers/tasks.js';

const pool = new Pool({ workers: 2 });
afterAll(() => watchdog(pool.terminate(), 10_000, 'terminate'));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const distIndex = new URL('../dist/index.js', import.meta.url).href;

function runScript(source: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // timeout is the watchdog: a script kept alive by a sleeping worker is killed and fails the test.
    execFile(
      process.execPath,
      ['--input-type=module', '-e', source],
      { timeout: 20_000 },
      (err, stdout, stderr) => (err ? reject(Object.assign(err, { stdout, stderr })) : resolve({ stdout, stderr })),
    );
  });
}

describe('idle task workers (Atomics.wait wake-up)', () => {
  it('answers sequential round trips, including after idle gaps', async () => {
    for (let i = 0; i < 200; i++) {
      expect(await watchdog(pool.apply((x: number) => x + 1, [i]))).toBe(i + 1);
      if (i % 50 === 0) await sleep(20); // long enough for both workers to be asleep
    }
  });

  it('awaits async tasks, keeps later tasks behind them, then goes back to sleep', async () => {
    const slow = async (ms: number, v: string) => {
      await new Promise((r) => setTimeout(r, ms));
      return v;
    };
    const one = new Pool({ workers: 1 });
    try {
      const order: string[] = [];
      const a = one.apply(slow, [50, 'async']).then((v) => order.push(v));
      const b = one.apply((v: string) => v, ['sync']).then((v) => order.push(v));
      await watchdog(Promise.all([a, b]));
      expect(order).toEqual(['async', 'sync']);
      await sleep(20);
      expect(await watchdog(one.apply(slow, [1, 'again']))).toBe('again');
      expect(await watchdog(one.map((x: number) => x * 2, [1, 2, 3]))).toEqual([2, 4, 6]);
    } finally {
      await watchdog(one.terminate(), 10_000, 'terminate');
    }
  });

  it('terminates and joins workers that are asleep', async () => {
    const ex = new Executor({ maxWorkers: 2 });
    expect(await watchdog(ex.submit((x: number) => x, 1))).toBe(1);
    await sleep(20);
    await watchdog(ex.shutdown({ wait: true }), 10_000, 'shutdown');
  });

  it('prints task output, and a script that never closes its pool still exits', async () => {
    // Several calls on one worker: output written just before the worker goes to sleep must not be stranded.
    const { stdout } = await runScript(`
      import { Pool } from ${JSON.stringify(distIndex)};
      const pool = new Pool({ workers: 1 });
      for (let i = 0; i < 3; i++) {
        const r = await pool.apply((x) => { console.log('from worker', x); return x * 2; }, [i]);
        console.log('result', r);
      }
    `);
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual([
      'from worker 0', 'from worker 1', 'from worker 2', 'result 0', 'result 2', 'result 4',
    ]);
  });
});
