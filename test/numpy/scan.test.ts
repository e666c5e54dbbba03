// cumsum against numpy on every path (single chunk, two-pass in place, look-back
// into a separate out), every dtype, 1-3 threads. Integers: exact against
// np.cumsum(x, dtype=x.dtype) (wasmpar wraps in the dtype; numpy would upcast,
// a documented difference). Floats: wherever numpy's prefix is ±Infinity or NaN
// ours is exactly the same; elsewhere within 8 eps · Σ|x| (f64; f32: 1 ulp) of
// the exact prefix (numpy sums sequentially, wasmpar compensates).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../dist/index.js';
import { CTOR, createEngines, disposeAll, DTYPES, ENGINE_CONFIGS, isFloat, ulps, type Dtype, type TA } from '../helpers/engine-ref.js';
import { data, fmt, onEngine } from './cases.js';
import { numpyBatch, numpySuite, type OracleResult } from './oracle.js';

let engines: Engine[];
beforeAll(async () => { engines = await createEngines(); });
afterAll(() => disposeAll(engines));

// 1 chunk, 2 chunks (two-pass / short look-back), the long look-back chunks, a million.
const SIZES = [1, 2, 33, 1000, 32_768, 32_769, 100_003, 262_145, 1_000_003];

/** Float inputs that exercise non-finite prefixes, each placed at `at` (chunk boundaries included). */
function floatCases(d: Dtype, n: number, seed: number): Array<{ name: string; x: TA }> {
  const big = d === 'f64' ? 1e308 : 3e38;
  const out: Array<{ name: string; x: TA }> = [];
  const base = () => data(d, n, seed, { lo: -1, hi: 1 });
  out.push({ name: 'plain', x: base() });
  out.push({ name: 'specials', x: data(d, n, seed + 1, { special: 3 / n, pool: [Infinity, -Infinity, NaN, -0] }) });
  for (const at of [0, n >> 1, 32_767, 32_768, 131_071, n - 2].filter((a, i, all) => a >= 0 && a < n && all.indexOf(a) === i)) {
    const inf = CTOR[d].from({ length: n }, () => 1) as TA;
    inf[at] = Infinity;
    out.push({ name: `Infinity at ${at}`, x: inf });
    if (at + 2 < n) {
      const ov = base();
      ov[at] = big; ov[at + 1] = big; ov[at + 2] = -big; // overflows at at+1 and would come back
      out.push({ name: `overflow at ${at + 1}`, x: ov });
      const both = base();
      both[at] = Infinity; both[at + 2] = -Infinity;
      out.push({ name: `Infinity then -Infinity at ${at}`, x: both });
    }
  }
  const neg = CTOR[d].from({ length: n }, () => -0) as TA;
  out.push({ name: 'all -0', x: neg });
  return out;
}

numpySuite('cumsum vs numpy', () => {
  for (const d of DTYPES) {
    it(`${d}: every path, in place and into out`, { timeout: 240_000 }, async () => {
      const runs: Array<{ label: string; got: TA; x: TA }> = [];
      for (const n of SIZES) {
        const cases = isFloat(d) ? floatCases(d, n, n) : [{ name: 'random', x: data(d, n, n) }];
        for (const { name, x } of cases) {
          for (const [ei, e] of engines.entries()) {
            // The big sizes: a few cases, on 2-3 threads (where chunks run in parallel).
            if (n > 100_003 && (ei === 0 || !/^(plain|specials|Infinity at 131071|overflow at 32769|all -0)$/.test(name))) continue;
            for (const inPlace of [false, true]) {
              const X = onEngine(e, x, 1);
              const O = inPlace ? X : onEngine(e, new CTOR[d](n) as TA, 2);
              const got = (ei === 1 ? e.cumsumSync(X.view, { out: O.view }) : await e.cumsum(X.view, { out: O.view })).slice() as TA;
              X.free(); if (!inPlace) O.free();
              runs.push({ label: `${ENGINE_CONFIGS[ei]!.label} ${d} n=${n} ${name} ${inPlace ? 'in place' : 'into out'}`, got, x });
            }
          }
        }
      }
      // One numpy call per distinct input (runs share inputs across engines and paths).
      const inputs = [...new Set(runs.map((r) => r.x))];
      const code = isFloat(d)
        ? 'out = np.cumsum(x); ref = np.cumsum(x.astype(np.longdouble)).astype(np.float64); cabs = np.cumsum(np.abs(x.astype(np.longdouble))).astype(np.float64)'
        : 'out = np.cumsum(x, dtype=x.dtype)';
      const res = await numpyBatch(inputs.map((x) => ({ code, inputs: { x }, returns: isFloat(d) ? ['out', 'ref', 'cabs'] : ['out'] })));
      const errors: string[] = [];
      for (const r of runs) {
        const o = res[inputs.indexOf(r.x)] as OracleResult;
        const want = o.out!.data as TA;
        let bad = 0, first = '';
        for (let i = 0; i < want.length; i++) {
          const g = r.got[i]!, w = want[i]!;
          let ok: boolean;
          // Equal to numpy is always right (the scan turns sequential, as numpy is, just before a non-finite prefix).
          if (!isFloat(d) || !Number.isFinite(w) || Object.is(g, w)) ok = Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w));
          else if (d === 'f64') ok = Math.abs(g - (o.ref!.data as Float64Array)[i]!) <= 8 * 2 ** -52 * (o.cabs!.data as Float64Array)[i]! && (w !== 0 || Object.is(g, w) || g !== 0);
          else ok = ulps(g, Math.fround((o.ref!.data as Float64Array)[i]!), true) <= 1;
          if (!ok && bad++ === 0) first = `[${i}] got ${fmt(g)}, numpy ${fmt(w)} (x ${fmt(r.x[i]!)})`;
        }
        if (bad) errors.push(`${r.label}: ${bad} differ, first ${first}`);
      }
      expect(errors.slice(0, 12).join('\n')).toBe('');
    });
  }

  it('the reported cases: cumsum([Infinity, 1 × 32]) and an overflow stay Infinity', async () => {
    const e = engines[0]!;
    const a = e.from([Infinity, ...Array(32).fill(1)], 'f64');
    expect([...await e.cumsum(a)].every((v) => v === Infinity)).toBe(true);
    const b = e.from([1e308, 1e308, -1e308, 1, 2, 3], 'f64');
    expect([...await e.cumsum(b)]).toEqual([1e308, Infinity, Infinity, Infinity, Infinity, Infinity]);
  });
});
