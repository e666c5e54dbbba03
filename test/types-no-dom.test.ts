// The public .d.ts files in a Node-only TypeScript project (no lib DOM, skipLibCheck
// off): test/types/no-dom/ must compile, including every @ts-expect-error line.
// (test/package/ checks the same from the packed tarball.)
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

describe('public types without lib DOM', () => {
  it('engine.memory, user kernels and their arguments, executor.map: test/types/no-dom compiles', async () => {
    const result = await new Promise<{ code: number; out: string }>((resolve) => {
      // timeout is the watchdog: a hung compiler fails the test.
      execFile(process.execPath, [tsc, '-p', 'test/types/no-dom/tsconfig.json'], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, out: stdout + stderr }));
    });
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  }, 70_000);

  it("a browser project (lib es2022 + DOM, no @types/node): test/types/no-node compiles (Symbol.asyncDispose from the package's lib reference)", async () => {
    const result = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, [tsc, '-p', 'test/types/no-node/tsconfig.json'], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, out: stdout + stderr }));
    });
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  }, 70_000);
});
