// The ops' TypeScript types, derived once from the declarations (src/engine/op-decl.ts):
// test/types/engine-ops.ts must compile, including every @ts-expect-error line.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

describe('op types', () => {
  it('generic results, dtype-typed arange/linspace, MapOp names: test/types compiles', async () => {
    const result = await new Promise<{ code: number; out: string }>((resolve) => {
      // timeout is the watchdog: a hung compiler fails the test.
      execFile(process.execPath, [tsc, '-p', 'test/types/tsconfig.json'], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, out: stdout + stderr }));
    });
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  }, 70_000);
});
