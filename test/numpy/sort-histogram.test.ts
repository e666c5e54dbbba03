// sort, argsort and histogram against numpy, exactly: every dtype, special
// values, sizes 0..1e6, unaligned views, 1-3 threads.
// - sort: np.sort (NaN last); ±0 compare equal (wasmpar puts -0 first, as
//   TypedArray#sort does; numpy leaves them in any order).
// - argsort: stable, and -0 before +0: numpy's lexsort on (value, sign of zero)
//   is that order exactly (np.argsort(kind='stable') alone agrees wherever no
//   -0 and +0 meet).
// - histogram: np.histogram's counts, default and given ranges, values on the
//   edges, f32 data binned in f32 as numpy does.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../dist/index.js';
import { createEngines, CTOR, disposeAll, DTYPES, ENGINE_CONFIGS, isFloat, type TA } from '../helpers/engine-ref.js';
import { data, mismatch, onEngine } from './cases.js';
import { numpyBatch, numpySuite, type OracleResult } from './oracle.js';

let engines: Engine[];
beforeAll(async () => { engines = await createEngines(); });
afterAll(() => disposeAll(engines));

const SIZES = [0, 1, 2, 17, 1021, 40_009, 1_000_003];

numpySuite('sort, argsort, histogram vs numpy', () => {
  for (const d of DTYPES) {
    it(`${d}: sort and argsort`, { timeout: 240_000 }, async () => {
      const runs: Array<{ label: string; x: TA; sorted: TA; idx: Uint32Array }> = [];
      for (const n of SIZES) {
        // Few distinct values too: ties exercise stability.
        for (const x of [data(d, n, n + 3, { special: 0.05 }), data(d, n, n + 4, { lo: isFloat(d) ? -3 : 0, hi: 3, special: isFloat(d) ? 0.3 : 0, pool: isFloat(d) ? [0, -0, NaN] : undefined })]) {
          if (isFloat(d)) for (let i = 0; i < n; i++) x[i] = n > 100 ? x[i]! : Math.round(x[i]!); // ties
          for (const [ei, e] of engines.entries()) {
            if (n > 40_009 && ei === 0) continue;
            const X = onEngine(e, x, 1);
            const idx = (ei === 2 ? e.argsortSync(X.view) : await e.argsort(X.view)).slice();
            const sorted = (await e.sort(X.view)).slice() as TA;
            X.free();
            runs.push({ label: `${ENGINE_CONFIGS[ei]!.label} ${d} n=${n}`, x, sorted, idx });
          }
        }
      }
      const inputs = [...new Set(runs.map((r) => r.x))];
      const res = await numpyBatch(inputs.map((x) => ({
        code: "out = np.sort(x)\nz = np.signbit(x) & (x == 0) if x.dtype.kind == 'f' else np.zeros(len(x), bool)\nidx = np.lexsort((~z, x)).astype(np.uint32)",
        inputs: { x }, returns: ['out', 'idx'] })));
      const errors: string[] = [];
      for (const r of runs) {
        const o = res[inputs.indexOf(r.x)] as OracleResult;
        const m1 = mismatch(r.sorted, o.out!.data as TA, d === 'f32', { label: `sort ${r.label}`, zeroSign: true });
        const m2 = mismatch(r.idx, o.idx!.data as Uint32Array, false, { label: `argsort ${r.label}` });
        if (m1) errors.push(m1);
        if (m2) errors.push(m2);
      }
      expect(errors.slice(0, 12).join('\n')).toBe('');
    });

    it(`${d}: histogram, default and given ranges, values on the edges`, { timeout: 240_000 }, async () => {
      const runs: Array<{ label: string; got: Uint32Array; np: { code: string; inputs: Record<string, unknown> } }> = [];
      const ranges: Array<[number, number] | undefined> = isFloat(d)
        ? [undefined, [0, 1], [-1, 1], [0.1, 0.7], [-50, 50.5], [3, 3], [-1e-300, 1e-300]]
        : d === 'u8' ? [undefined, [0, 255], [10, 200], [7, 7], [0, 256]] : [undefined, [-1000, 1000], [0, 4294967295], [5, 5]];
      for (const n of [1, 2, 31, 1021, 40_009, 1_000_003]) {
        const pools = isFloat(d) ? [0.7, 0.1, 0.2, 0.3, 0.6, 0.9, 1, 0, -0, -1, NaN, Infinity, 3, 50.5, -50] : undefined;
        const x = data(d, n, 5 * n + 1, { special: 0.2, pool: pools, lo: isFloat(d) ? -1 : d === 'i32' ? -2000 : undefined, hi: isFloat(d) ? 1 : d === 'i32' ? 2000 : undefined });
        const finiteX = isFloat(d) ? (x.map((v) => (Number.isFinite(v) ? v : 0)) as TA) : x;
        for (const range of ranges) {
          const xx = range === undefined ? finiteX : x; // numpy refuses a non-finite autodetected range
          for (const bins of [1, 3, 10, 256]) {
            for (const [ei, e] of engines.entries()) {
              if (n > 40_009 && ei === 0) continue;
              if (n > 1021 && bins === 3) continue;
              const X = onEngine(e, xx, 1);
              const got = (await e.histogram(X.view, range ? { bins, range } : { bins })).slice();
              X.free();
              runs.push({ label: `${ENGINE_CONFIGS[ei]!.label} ${d} n=${n} bins=${bins} range=${range ?? 'auto'}`, got,
                np: { code: range ? 'out = np.histogram(x, bins=b, range=(lo, hi))[0].astype(np.uint32)' : 'out = np.histogram(x, bins=b)[0].astype(np.uint32)',
                  inputs: range ? { x: xx, b: bins, lo: range[0], hi: range[1] } : { x: xx, b: bins } } });
            }
          }
        }
      }
      const res = await numpyBatch(runs.map((r) => r.np as any));
      const errors: string[] = [];
      runs.forEach((r, i) => {
        const o = res[i]!;
        if ('error' in o) { errors.push(`${r.label}: numpy raised ${o.error}`); return; }
        const m = mismatch(r.got, (o as OracleResult).out!.data as Uint32Array, false, { label: r.label });
        if (m) errors.push(m);
      });
      expect(errors.slice(0, 12).join('\n')).toBe('');
    });
  }

  it('the reported case: histogram(Float32Array [0.7], bins 10, range [0, 1]) counts bin 7', async () => {
    const h = await engines[0]!.histogram(new CTOR.f32([0.7]), { bins: 10, range: [0, 1] });
    expect([...h].indexOf(1)).toBe(7);
  });
});
