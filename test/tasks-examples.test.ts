import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function run(script: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // timeout is the watchdog: a hung example is killed and fails the test.
    execFile(process.execPath, [script], { cwd: root, timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(Object.assign(err, { stdout, stderr })) : resolve({ stdout, stderr }),
    );
  });
}

describe('seed examples', () => {
  it('pool: Pool.map(square, range(10))', async () => {
    expect((await run('examples/seed/pool.mjs')).stdout).toBe('[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]\n');
  });

  it('joblib: parallel({ nJobs: 4 }) over delayed(square)', async () => {
    expect((await run('examples/seed/joblib.mjs')).stdout).toBe('[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]\n');
  });

  it('executor: 3 URLs through asCompleted, one failing', async () => {
    const { stdout } = await run('examples/seed/executor.mjs');
    // Lines come in completion order; the port is chosen by the OS.
    const lines = stdout.replace(/127\.0\.0\.1:\d+/g, 'HOST').trimEnd().split('\n').sort();
    expect(lines).toEqual([
      "'http://HOST/index.html' page is 1234 bytes",
      "'http://HOST/missing.html' generated an exception: HTTP Error 404: Not Found",
      "'http://HOST/news.html' page is 5678 bytes",
    ]);
  });
});
