// The aliasing audit: every op that writes an array, with that array exactly
// equal to an input, or overlapping one by a few elements either way, on
// guarded unaligned views (test/helpers/op-cases.ts). The result must equal the
// same op on fresh arrays, and no byte outside the written array may change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../dist/index.js';
import { createEngines, disposeAll, withTimeout } from './helpers/engine-ref.js';
import { OPS, runCase, type Alias } from './helpers/op-cases.js';

let engines: Engine[];
beforeAll(async () => { engines = await createEngines(); }, 40_000);
afterAll(() => disposeAll(engines));

const LAYOUTS: Array<[Alias, number]> = [['same', 0], ['shift', 1], ['shift', -1], ['shift', 3]];
// 40_000 is past one chunk of sort/argsort/cumsum (32K), so their multi-chunk paths run.
const SIZES = [5, 4099, 40_000];

describe('an output or in-place array aliasing an input (exactly or partly)', () => {
  for (const op of OPS.filter((o) => o.writes)) {
    it(`${op.name}: same result as on fresh arrays, nothing written outside`, async () => {
      let k = 0;
      for (const dtype of op.dtypes.filter((d) => d !== 'f32' || op.name === 'argsort')) {
        for (const n of SIZES) {
          for (const [alias, shift] of LAYOUTS) {
            const engine = n > 10_000 ? 2 : (k % 3);
            const params = { op, dtype, n, seed: 1000 + k, alias, shift, target: k, jitter: [k % 5, (k * 3) % 7], sync: k % 2 === 0, engine };
            k++;
            await withTimeout(runCase(engines, params, false), 20_000, op.name);
          }
        }
      }
      expect(k).toBeGreaterThan(0);
    }, 120_000);
  }

  it('argsort with out = x (u32, the reported case) sorts correctly and leaves the next allocation alone', async () => {
    for (const e of engines) {
      for (const sync of [true, false]) {
        const a = e.alloc('u32', 4096), b = e.alloc('u32', 16).fill(0xdeadbeef);
        for (let i = 0; i < a.length; i++) a[i] = (i * 7) % 13;
        const x = a.slice();
        const r = sync ? e.argsortSync(a, { out: a }) : await withTimeout(e.argsort(a, { out: a }), 10_000, 'argsort');
        expect(r).toBe(a);
        const want = Array.from(x.keys()).sort((i, j) => x[i]! - x[j]! || i - j);
        expect(Array.from(a)).toEqual(want);
        expect(Array.from(b).every((v) => v === 0xdeadbeef)).toBe(true);
        e.free(a); e.free(b);
      }
    }
  });
});
