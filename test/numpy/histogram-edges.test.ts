// histogram against numpy where its fast path could go wrong: values exactly on
// every bin edge and one ulp either side of it (in the data's dtype), values
// crowded near the range's start (skewed), just outside the range, specials;
// bin counts on both sides of the kernels' table and fast-path limits (1024 /
// 1025 bins, ~65k bins, 200k bins), ranges far from 0 relative to their width,
// narrow f32 bins; integer data on integer-aligned bins, over ranges small
// enough for the table of values (assembly/histogram-int.ts) and too large for
// it; unaligned views, sizes that leave tails, threads 1-3, sync and async. The
// float kernels estimate each bin in f32 and take numpy's exact arithmetic only
// near a boundary (assembly/histogram.ts); every count must still equal numpy's.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../dist/index.js';
import { CTOR, createEngines, disposeAll, DTYPES, ENGINE_CONFIGS, isFloat, rng, type Dtype, type TA } from '../helpers/engine-ref.js';
import { mismatch, onEngine, specials } from './cases.js';
import { numpyBatch, numpySuite, type OracleResult } from './oracle.js';

let engines: Engine[];
beforeAll(async () => { engines = await createEngines(); });
afterAll(() => disposeAll(engines));

const f64 = new Float64Array(1), u64 = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1), u32 = new Int32Array(f32.buffer);
/** The neighbours of v one ulp away in the dtype (floats), or one unit (integers). */
function neighbours(d: Dtype, v: number): number[] {
  if (!isFloat(d)) return [v - 1, v, v + 1];
  if (d === 'f32') {
    f32[0] = v; const b = u32[0]!; const out = [f32[0]!];
    u32[0] = b + 1; out.push(f32[0]!); u32[0] = b - 1; out.push(f32[0]!);
    return out;
  }
  f64[0] = v; const b = u64[0]!; const out = [v];
  u64[0] = b + 1n; out.push(f64[0]!); u64[0] = b - 1n; out.push(f64[0]!);
  return out;
}

/** Data for one (dtype, bins, range): edges and their neighbours, skewed and uniform values, specials; shuffled. */
function edgeData(d: Dtype, n: number, bins: number, lo: number, hi: number, seed: number): TA {
  const r = rng(seed);
  const vals: number[] = [];
  const step = (hi - lo) / bins;
  const every = Math.max(1, Math.floor(bins / 300)); // at most ~300 edges, spread over the range
  for (let i = 0; i <= bins; i += every) vals.push(...neighbours(d, i === bins ? hi : i * step + lo));
  vals.push(...neighbours(d, hi), ...neighbours(d, lo));
  const a = new CTOR[d](n) as TA;
  const spec = specials(d);
  for (let i = 0; i < n; i++) {
    const k = r();
    const v = k < 0.3 ? vals[Math.floor(r() * vals.length)]!
      : k < 0.55 ? lo + (hi - lo) * r() ** 6 // crowded near the start
        : k < 0.9 ? lo + (hi - lo) * r()
          : k < 0.97 ? lo + (hi - lo) * (r() * 1.4 - 0.2) // partly outside
            : spec[Math.floor(r() * spec.length)]!;
    a[i] = isFloat(d) ? v : Math.round(v);
  }
  return a;
}

type Range = [number, number] | undefined;
const RANGES: Record<Dtype, Range[]> = {
  f64: [undefined, [0, 1], [-1, 1], [0.1, 0.7], [1000, 1001], [-3e5, 2.5e5], [1e-3, 1e-3 + 1e-9], [-2.5, 1e30]],
  f32: [undefined, [0, 1], [-1, 1], [0.1, 0.7], [1000, 1001], [-3e5, 2.5e5], [1, 1.0001], [-2.5, 1e30]],
  i32: [undefined, [0, 1000], [0, 256], [-1000, 1000], [-2e9, 2e9], [7, 7], [-0.5, 99.25]],
  u32: [undefined, [0, 1000], [0, 256], [0, 4e9], [3e9, 3e9 + 4096]],
  u8: [undefined, [0, 256], [0, 255], [10, 200]],
};
const BINS = [1, 7, 100, 256, 1024, 1025, 65_000, 200_000];

numpySuite('histogram vs numpy near bin edges', () => {
  for (const d of DTYPES) {
    it(`${d}: every count equals numpy's`, { timeout: 300_000 }, async () => {
      const runs: Array<{ label: string; got: Uint32Array; c: number }> = [];
      const cases: Array<{ code: string; inputs: Record<string, unknown> }> = [];
      let seed = 1;
      for (const range of RANGES[d]) {
        for (const bins of BINS) {
          if (bins > 1025 && (d === 'u8' || range === undefined)) continue;
          if (d === 'f32' && range?.[0] === 1 && bins > 1025) continue; // numpy's own f32 estimate leaves its bins (IndexError)
          for (const n of bins === 256 ? [1, 3, 5, 61_001] : [61_001]) {
            const [lo, hi] = range ?? (isFloat(d) ? [-0.3, 0.9] : d === 'i32' ? [-500, 800] : [3, 250]);
            let x = edgeData(d, n, bins, lo, hi, seed++);
            if (range === undefined && isFloat(d)) x = x.map((v) => (Math.abs(v) < 1e30 ? v : 0.5)) as TA; // numpy refuses a non-finite autodetected range (and overflows in f32 on a huge one)
            cases.push({ code: range ? 'out = np.histogram(x, bins=b, range=(float(lo), float(hi)))[0].astype(np.uint32)' : 'out = np.histogram(x, bins=b)[0].astype(np.uint32)',
              inputs: range ? { x, b: bins, lo: range[0], hi: range[1] } : { x, b: bins } });
            for (const [ei, e] of engines.entries()) {
              const X = onEngine(e, x, 1 + (ei % 2));
              const opts = range ? { bins, range } : { bins };
              const got = (ei === 1 ? await e.histogram(X.view, opts) : e.histogramSync(X.view, opts)).slice();
              X.free();
              runs.push({ label: `${ENGINE_CONFIGS[ei]!.label} ${d} n=${n} bins=${bins} range=${range ?? 'auto'}`, got, c: cases.length - 1 });
            }
          }
        }
      }
      const res = await numpyBatch(cases as any);
      const errors: string[] = [];
      for (const r of runs) {
        const o = res[r.c]!;
        if ('error' in o) { errors.push(`${r.label}: numpy raised ${o.error}`); continue; }
        const m = mismatch(r.got, (o as OracleResult).out!.data as Uint32Array, false, { label: r.label });
        if (m) errors.push(m);
      }
      expect(errors.slice(0, 12).join('\n')).toBe('');
    });
  }
});
