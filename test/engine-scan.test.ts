// cumsum: the op generator driven directly against build/kernels.wasm
// (test/helpers/op-harness.ts: chunks in shuffled order, scratch poisoned), then
// the engine's op for 1, 2 and 3 threads, sync and async (test/helpers/op-engines.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cumsum } from '../src/engine/ops/scan.js';
import { setupKernels, CTOR, DTS, SIZES, alloc, drive, randomArray, resetHeap, same, type TA } from './helpers/op-harness.js';
import { createEngines, disposeEngines, data, same as sameValues, type Eng } from './helpers/op-engines.js';

let engines: Eng[] = [];
beforeAll(async () => {
  await setupKernels();
  engines = await createEngines();
});
afterAll(() => disposeEngines(engines));

describe('cumsum', () => {
  for (const dt of DTS) {
    it(`cumsum ${dt}`, () => {
      for (const n of [...SIZES, 1_000_003]) {
        const x = randomArray(dt, n, dt[0] === 'f' ? 'random' : 'random');
        const y = drive('cumsum', (ctx) => cumsum(ctx, x)) as TA;
        expect(y.length).toBe(n);
        if (dt[0] === 'f') {
          let s = 0, abs = 0, bad = 0;
          for (let i = 0; i < n; i++) {
            s += x[i]!; abs += Math.abs(x[i]!);
            if (Math.abs(y[i]! - s) > (dt === 'f64' ? 1e-12 : 2e-6) * (abs + 1)) bad++;
          }
          expect(bad, `${dt} n=${n}`).toBe(0);
        } else {
          const ref = new CTOR[dt](n);
          let s = 0;
          for (let i = 0; i < n; i++) { s = (s + x[i]!) % 2 ** 40; ref[i] = s; }
          expect(same(y, ref), `${dt} n=${n}`).toBe(true);
        }
      }
    });
  }
  it('cumsum in place (out = x) and f64 error stays small over 1M terms', () => {
    const n = 1_000_000;
    const x = alloc('f64', n) as Float64Array;
    for (let i = 0; i < n; i++) x[i] = 0.1;
    drive('cumsum', (ctx) => cumsum(ctx, x, { out: x }));
    expect(Math.abs(x[n - 1]! - 100000)).toBeLessThan(1e-9);
    resetHeap();
  });
});

describe.each(['f64', 'f32', 'i32', 'u32', 'u8'])('engine %s', (dt) => {
  it('cumsum: reference within tolerance (ints exact, wrapping), identical for 1/2/3 threads', async () => {
    for (const n of [0, 1, 5, 70_001, 2_000_003]) {
      const src = data(dt, n).map((v) => (Number.isFinite(v) ? v : 1)) as TA;
      const outs: TA[] = [];
      for (const e of engines) outs.push(e.threads === 2 ? await e.cumsum(src) : e.cumsumSync(src));
      for (const o of outs) expect(sameValues(o, outs[0]!), `cumsum ${dt} n=${n}`).toBe(true);
      const ref = new (src.constructor as new (n: number) => TA)(n);
      let s = 0, abs = 0;
      for (let i = 0; i < n; i++) { s += src[i]!; abs += Math.abs(src[i]!); ref[i] = dt[0] === 'f' ? s : ((s % 2 ** 32) + 2 ** 32) % 2 ** 32; }
      if (dt[0] === 'f') {
        const tol = dt === 'f64' ? 1e-12 : 1e-6;
        let bad = 0;
        const o = outs[0]!;
        let r = 0;
        for (let i = 0; i < n; i++) { r += src[i]!; if (Math.abs(o[i]! - r) > tol * (Math.abs(r) + 1) + 1e-13 * abs) bad++; }
        expect(bad).toBe(0);
      } else expect(sameValues(outs[0]!, ref)).toBe(true);
    }
  });

  it('cumsum in place on an unaligned view (two-pass path): reference, identical for 1/2/3 threads, bytes around untouched', async () => {
    for (const n of [1, 7, 63, 65, 1009, 70_001, 300_007]) {
      const src = data(dt, n + 4).map((v) => (Number.isFinite(v) ? v : 1)) as TA;
      const ref = new (src.constructor as new (n: number) => TA)(n);
      let s = 0, abs = 0;
      for (let i = 0; i < n; i++) { s += src[i + 3]!; abs += Math.abs(src[i + 3]!); ref[i] = dt[0] === 'f' ? s : ((s % 2 ** 32) + 2 ** 32) % 2 ** 32; }
      let first: TA | undefined;
      for (const e of engines) {
        const buf = e.from(src, dt);
        const view = buf.subarray(3, n + 3) as TA;
        const r = e.threads === 2 ? await e.cumsum(view, { out: view }) : e.cumsumSync(view, { out: view });
        expect(r).toBe(view);
        expect([buf[0], buf[1], buf[2], buf[n + 3]]).toEqual([src[0], src[1], src[2], src[n + 3]]);
        if (dt[0] === 'f') {
          const tol = dt === 'f64' ? 1e-12 : 1e-6;
          let bad = 0;
          for (let i = 0; i < n; i++) if (Math.abs(view[i]! - ref[i]!) > tol * (Math.abs(ref[i]!) + 1) + 1e-13 * abs) bad++;
          expect(bad, `in-place cumsum ${dt} n=${n} threads=${e.threads}`).toBe(0);
        } else expect(sameValues(view, ref), `in-place cumsum ${dt} n=${n} threads=${e.threads}`).toBe(true);
        if (first) expect(sameValues(view, first)).toBe(true);
        first ??= view.slice() as TA;
        e.free(buf);
      }
    }
  });

});
