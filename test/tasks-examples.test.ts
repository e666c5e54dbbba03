import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const names = ['pool', 'executor', 'joblib'];

function run(file: string, args: string[] = [], timeout = 30_000): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // timeout is the watchdog: a hung example (or compiler) is killed and fails the test.
    execFile(process.execPath, [file, ...args], { cwd: root, timeout }, (err, stdout, stderr) =>
      err ? reject(Object.assign(err, { stdout, stderr })) : resolve({ stdout, stderr }),
    );
  });
}

// The examples are TypeScript importing 'wasmpar' (the built dist/); compile them here so the test
// checks the sources as they are, whether or not `npm run build` ran since they changed.
beforeAll(async () => {
  await run(fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), ['-p', 'examples/tsconfig.json'], 60_000);
}, 70_000);

describe('seed examples (TypeScript, compiled)', () => {
  it('emit no `await using`: Node 20 cannot parse it', () => {
    for (const name of names) {
      const js = readFileSync(new URL(`../dist-examples/seed/${name}.js`, import.meta.url), 'utf8');
      expect(js).not.toMatch(/await\s+using\s/);
    }
  });

  it('pool: Pool.map(square, range(10))', async () => {
    expect((await run('dist-examples/seed/pool.js')).stdout).toBe('[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]\n');
  });

  it('joblib: parallel({ nJobs: 4 }) over delayed(square)', async () => {
    expect((await run('dist-examples/seed/joblib.js')).stdout).toBe('[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]\n');
  });

  it('executor: 3 URLs through asCompleted, one failing', async () => {
    const { stdout } = await run('dist-examples/seed/executor.js');
    // Lines come in completion order; the port is chosen by the OS.
    const lines = stdout.replace(/127\.0\.0\.1:\d+/g, 'HOST').trimEnd().split('\n').sort();
    expect(lines).toEqual([
      "'http://HOST/index.html' page is 1234 bytes",
      "'http://HOST/missing.html' generated an exception: HTTP Error 404: Not Found",
      "'http://HOST/news.html' page is 5678 bytes",
    ]);
  });
});
