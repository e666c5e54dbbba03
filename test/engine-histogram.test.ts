// histogram: the op generator driven directly against build/kernels.wasm
// (test/helpers/op-harness.ts: chunks in shuffled order, scratch poisoned), then
// the engine's op for 1, 2 and 3 threads, sync and async (test/helpers/op-engines.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { histogram } from '../src/engine/ops/histogram.js';
import { setupKernels, DTS, drive, randomArray, type TA } from './helpers/op-harness.js';
import { createEngines, disposeEngines, data, histRef, type Eng } from './helpers/op-engines.js';

let engines: Eng[] = [];
beforeAll(async () => {
  await setupKernels();
  engines = await createEngines();
});
afterAll(() => disposeEngines(engines));

describe('histogram', () => {
  const ref = (x: TA, bins: number, lo: number, hi: number) => {
    const c = new Uint32Array(bins);
    const step = (hi - lo) / bins;
    const edge = (i: number) => (i === bins ? hi : i * step + lo);
    for (const v of x) {
      if (!(v >= lo && v <= hi)) continue;
      let b = 0;
      while (b < bins - 1 && v >= edge(b + 1)) b++;
      c[b]!++;
    }
    return c;
  };
  for (const dt of DTS) {
    it(`histogram ${dt}`, () => {
      for (const n of [0, 1, 2, 97, 100003]) {
        const x = randomArray(dt, n, 'special');
        const lo = dt === 'u8' ? 10 : dt === 'u32' ? 1e9 : -3e5, hi = dt === 'u8' ? 200 : dt === 'u32' ? 3e9 : 2.5e5;
        for (const bins of [1, 7, 64]) {
          const h = drive('histogram', (ctx) => histogram(ctx, x, { bins, range: [lo, hi] }));
          expect(Array.from(h), `${dt} n=${n} bins=${bins}`).toEqual(Array.from(ref(x, bins, lo, hi)));
        }
      }
    });
  }
  it('u8 from 2M values (counted by pairs of bytes): odd sizes, odd offsets, runs, default range', () => {
    for (const [n, off] of [[2 * 2 ** 20, 0], [2 * 2 ** 20 + 1, 1], [3_000_017, 3], [4_194_301, 2]] as const) {
      const buf = randomArray('u8', n + off) as Uint8Array;
      const x = buf.subarray(off);
      for (let i = 0; i < n; i += 5) x[i] = 200; // runs of one value, and pairs of it
      x.fill(3, 1_000_000, 1_300_000);
      let mn = 255, mx = 0;
      for (const v of x) { mn = Math.min(mn, v); mx = Math.max(mx, v); }
      for (const [bins, range] of [[256, [0, 256]], [7, [10, 200]], [13, undefined]] as const) {
        const [lo, hi] = range ?? [mn, mx];
        const h = drive('histogram', (ctx) => histogram(ctx, x, range ? { bins, range: [...range] } : { bins }));
        expect(Array.from(h), `u8 n=${n} off=${off} bins=${bins}`).toEqual(Array.from(histRef(x, bins, lo, hi)));
      }
    }
  });
  it('edges: value == hi in the last bin, outside and NaN not counted, default range', () => {
    const x = new Float64Array([0, 1, 2, 3, 4, 4, -1, 5, NaN, 0.5]);
    expect(Array.from(drive('histogram', (ctx) => histogram(ctx, x, { bins: 4, range: [0, 4] })))).toEqual([2, 1, 1, 3]);
    const y = new Float64Array([0, 1, 2, 3, 4, 4]);
    expect(Array.from(drive('histogram', (ctx) => histogram(ctx, y, { bins: 4 })))).toEqual([1, 1, 1, 3]);
    expect(Array.from(drive('histogram', (ctx) => histogram(ctx, new Float64Array([5, 5]), { bins: 2 })))).toEqual([0, 2]);
    expect(() => drive('histogram', (ctx) => histogram(ctx, x, { bins: 4 }))).toThrow(RangeError);
    expect(() => drive('histogram', (ctx) => histogram(ctx, y, { bins: 0 }))).toThrow(/bins/);
  });
});

describe.each(['f64', 'f32', 'i32', 'u32', 'u8'])('engine %s', (dt) => {
  it('histogram: numpy semantics, identical for 1/2/3 threads', async () => {
    const src = data(dt, 1_000_003);
    const [lo, hi] = dt[0] === 'f' ? [-4000, 4000] : dt === 'u8' ? [0, 255] : dt === 'i32' ? [-2e9, 2e9] : [0, 4e9];
    const hs: Uint32Array[] = [];
    for (const e of engines) hs.push(e.threads === 2 ? await e.histogram(src, { bins: 97, range: [lo, hi] }) : e.histogramSync(src, { bins: 97, range: [lo, hi] }));
    const ref = new Uint32Array(97);
    const step = (hi - lo) / 97;
    for (const v of src) {
      if (!(v >= lo && v <= hi)) continue;
      let b = Math.min(96, Math.floor((v - lo) / step));
      while (b > 0 && v < b * step + lo) b--;
      while (b < 96 && v >= (b + 1 === 97 ? hi : (b + 1) * step + lo)) b++;
      ref[b]!++;
    }
    for (const h of hs) expect(Array.from(h)).toEqual(Array.from(ref));
  });

  it('histogram: default range [min, max], partial ranges and many bins, identical for 1/2/3 threads', async () => {
    const src = data(dt, 300_007).map((v) => (Number.isFinite(v) ? v : 0)) as TA;
    if (dt === 'u8') for (let i = 0; i < src.length; i += 7) src[i] = 40; // runs of one value
    let mn = Infinity, mx = -Infinity;
    for (const v of src) { mn = Math.min(mn, v); mx = Math.max(mx, v); }
    const mid = (mn + mx) / 2;
    for (const [bins, range] of [[16, undefined], [300, undefined], [7, [mid, mx]], [5, [mn - 10, mid]]] as const) {
      const [lo, hi] = range ?? [mn, mx];
      const ref = histRef(src, bins, lo, hi);
      for (const e of engines) {
        const opts = range ? { bins, range: [...range] } : { bins };
        const h = e.threads === 2 ? await e.histogram(src, opts) : e.histogramSync(src, opts);
        expect(Array.from(h), `histogram ${dt} bins=${bins} range=${range} threads=${e.threads}`).toEqual(Array.from(ref));
      }
    }
    // One distinct value: numpy widens the range to [v - 0.5, v + 0.5].
    const flat = new (src.constructor as new (n: number) => TA)(1000).fill(7);
    for (const e of engines) expect(Array.from(e.histogramSync(flat, { bins: 3 }))).toEqual([0, 1000, 0]);
  });
});

describe('engine u8 by pairs', () => {
  it('u8 from 2M values: identical to the reference for 1/2/3 threads, sync and async', async () => {
    const n = 2_500_003;
    const src = data('u8', n + 1).subarray(1);
    for (let i = 0; i < n; i += 3) src[i] = 17;
    const ref = histRef(src, 256, 0, 256);
    for (const e of engines) {
      const h = e.threads === 2 ? await e.histogram(src, { bins: 256, range: [0, 256] }) : e.histogramSync(src, { bins: 256, range: [0, 256] });
      expect(Array.from(h), `threads=${e.threads}`).toEqual(Array.from(ref));
    }
  });
});

describe('histogram edges and errors', () => {
  it('value == hi goes to the last bin; outside and NaN are not counted', () => {
    for (const e of engines) {
      const h = e.histogramSync(new Float64Array([0, 1, 2, 3, 4, 4, -1, 5, NaN, 0.5]), { bins: 4, range: [0, 4] });
      expect(Array.from(h)).toEqual([2, 1, 1, 3]);
      expect(() => e.histogramSync(new Float64Array([1, NaN]), { bins: 3 })).toThrow(RangeError);
      expect(() => e.histogramSync(new Float64Array(3), { bins: -1 })).toThrow(/bins/);
    }
  });
});
