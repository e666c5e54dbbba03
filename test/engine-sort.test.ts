// sort and argsort: the op generator driven directly against build/kernels.wasm
// (test/helpers/op-harness.ts: chunks in shuffled order, scratch poisoned), then
// the engine's op for 1, 2 and 3 threads, sync and async (test/helpers/op-engines.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argsort, sort } from '../src/engine/ops/sort.js';
import { setupKernels, DTS, SIZES, drive, randomArray, same, type TA } from './helpers/op-harness.js';
import { createEngines, disposeEngines, data, same as sameValues, type Eng } from './helpers/op-engines.js';

let engines: Eng[] = [];
beforeAll(async () => {
  await setupKernels();
  engines = await createEngines();
});
afterAll(() => disposeEngines(engines));

describe('sort / argsort', () => {
  for (const dt of DTS) {
    it(`sort ${dt} matches TypedArray#sort`, () => {
      for (const n of SIZES) {
        for (const kind of ['random', 'dups', 'sorted', 'reversed', 'special'] as const) {
          const x = randomArray(dt, n, kind);
          const ref = x.slice().sort();
          drive('sort', (ctx) => sort(ctx, x));
          expect(same(x, ref), `${dt} n=${n} ${kind}`).toBe(true);
        }
      }
    });
    it(`argsort ${dt} is a stable sort permutation`, () => {
      for (const n of SIZES) {
        for (const kind of ['random', 'dups', 'special'] as const) {
          const x = randomArray(dt, n, kind);
          const idx = drive('argsort', (ctx) => argsort(ctx, x)) as Uint32Array;
          const ref = Array.from({ length: n }, (_, i) => i);
          const key = (i: number) => x[i]!;
          const cmp = (a: number, b: number) => {
            const ka = key(a), kb = key(b);
            const na = Number.isNaN(ka), nb = Number.isNaN(kb);
            if (na || nb) return na && nb ? a - b : na ? 1 : -1;
            if (ka !== kb) return ka < kb ? -1 : 1;
            const za = Object.is(ka, -0), zb = Object.is(kb, -0);
            return za !== zb ? (za ? -1 : 1) : a - b;
          };
          ref.sort(cmp);
          expect(Array.from(idx), `${dt} n=${n} ${kind}`).toEqual(ref);
        }
      }
    });
  }
  it('places NaN, ±0, ±Infinity like Float64Array#sort', () => {
    const x = new Float64Array([NaN, 0, -0, Infinity, -Infinity, -NaN, 5, -5, 0, -0, NaN]);
    const ref = x.slice().sort();
    drive('sort', (ctx) => sort(ctx, x));
    expect(same(x, ref)).toBe(true);
  });
  it('sorts 2M f64 with many chunks', () => {
    const x = randomArray('f64', 2_000_003);
    const ref = x.slice().sort();
    drive('sort', (ctx) => sort(ctx, x));
    expect(same(x, ref)).toBe(true);
  });
});

describe.each(['f64', 'f32', 'i32', 'u32', 'u8'])('engine %s', (dt) => {
  it('sort and argsort: TypedArray#sort order, stable, identical for 1/2/3 threads', async () => {
    for (const n of [0, 1, 2, 1009, 300_007]) {
      const src = data(dt, n);
      const ref = src.slice().sort();
      const sorted: TA[] = [], idx: Uint32Array[] = [];
      for (const e of engines) {
        const x = e.from(src, dt);
        const y = e.threads === 2 ? await e.sort(x) : e.sortSync(x);
        expect(y).toBe(x);
        expect(sameValues(x, ref), `sort ${dt} n=${n} threads=${e.threads}`).toBe(true);
        sorted.push(x);
        const fresh = e.from(src, dt);
        idx.push(e.threads === 3 ? await e.argsort(fresh) : e.argsortSync(fresh));
        e.free(fresh);
      }
      for (const i of idx) {
        expect(sameValues(i, idx[0]!)).toBe(true);
        expect(sameValues(Array.from(i, (j) => src[j]!), ref)).toBe(true);
        let unstable = 0;
        for (let p = 1; p < i.length; p++) if (Object.is(src[i[p]!], src[i[p - 1]!]) && i[p]! < i[p - 1]!) unstable++;
        expect(unstable).toBe(0);
      }
      engines.forEach((e, j) => e.free(sorted[j]));
    }
  });

});
