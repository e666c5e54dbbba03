// arange, linspace and matmul against numpy. arange and linspace exactly
// (numpy's arithmetic in the dtype: f32 arange in f32, linspace's small-step
// path, floor for integer dtypes); values outside an integer dtype are a
// RangeError (numpy wraps some and raises for others: documented). matmul
// within k · eps · Σ|a||b| of numpy's float64 product.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../dist/index.js';
import { createEngines, disposeAll, DTYPES, ENGINE_CONFIGS, type TA } from '../helpers/engine-ref.js';
import { data, mismatch } from './cases.js';
import { numpyBatch, numpySuite, type OracleResult } from './oracle.js';
import { NP } from './cases.js';

let engines: Engine[];
beforeAll(async () => { engines = await createEngines(); });
afterAll(() => disposeAll(engines));

const ARANGE: Array<[number, number, number]> = [
  [0, 10, 1], [0.1, 0.9, 0.2], [1, 2 ** 25 + 5, 2 ** 23], [5, -5, -0.7], [-3.5, 200.25, 0.5], [1e-310, 1e-309, 1e-311],
  [0, 1, 0.1], [100, 0, -3], [0, 1_000_003, 1], [2.5, 3.75, 0.125],
];
const LINSPACE: Array<[number, number, number, boolean]> = [
  [0, 1, 50, true], [0, 1e-323, 10, true], [-3.5, 2.5, 5, true], [1, 1, 3, true], [0, 10, 7, false], [5, -5, 1, true],
  [0, 255, 256, true], [0.1, 0.7, 1_000_003, true], [-1e300, 1e300, 11, true], [0, 1, 0, true], [0, 5e-324, 4, false],
];

const fitsNp = (d: string) => `np.all((v >= np.iinfo(${NP[d as keyof typeof NP]}).min) & (v <= np.iinfo(${NP[d as keyof typeof NP]}).max)) if ${d !== 'f64' && d !== 'f32'} else True`.replace(/ if (true|false) else/, (_, c) => ` if ${c === 'true' ? 'True' : 'False'} else`);

numpySuite('arange, linspace, matmul vs numpy', () => {
  it('arange and linspace on every dtype: values, or a RangeError where numpy\'s do not fit the dtype', { timeout: 240_000 }, async () => {
    const runs: Array<{ label: string; got: TA | Error; f32: boolean; np: { code: string; inputs: Record<string, any>; returns: string[] } }> = [];
    for (const d of DTYPES) {
      for (const [ei, e] of engines.entries()) {
        for (const [a, b, s] of ARANGE) {
          let got: TA | Error;
          try { got = (ei === 1 ? e.arangeSync(a, b, s, d) : await e.arange(a, b, s, d)).slice() as TA; } catch (err) { got = err as Error; }
          // numpy's int arange: from the truncated start and start + step; the values it would need in wider ints.
          runs.push({ label: `${ENGINE_CONFIGS[ei]!.label} arange(${a}, ${b}, ${s}, ${d})`, got, f32: d === 'f32', np: {
            code: d === 'f64' || d === 'f32' ? `out = np.arange(a, b, s, dtype=${NP[d]}); ok = True`
              : `v = np.arange(a, b, s, dtype=np.float64); v = np.trunc(a) + np.arange(len(v)) * (np.trunc(a + s) - np.trunc(a)); ok = ${fitsNp(d)}; out = v.astype(${NP[d]}) if ok else np.zeros(0, ${NP[d]})`,
            inputs: { a: a + 0.0 === a && Number.isInteger(a) ? a : a, b, s }, returns: ['out', 'ok'] } });
        }
        for (const [a, b, n, endpoint] of LINSPACE) {
          let got: TA | Error;
          try { got = (await e.linspace(a, b, n, d, { endpoint })).slice() as TA; } catch (err) { got = err as Error; }
          runs.push({ label: `${ENGINE_CONFIGS[ei]!.label} linspace(${a}, ${b}, ${n}, ${d}, endpoint ${endpoint})`, got, f32: d === 'f32', np: {
            code: `v = np.floor(np.linspace(a, b, n, endpoint=e)) if ${d !== 'f64' && d !== 'f32' ? 'True' : 'False'} else np.linspace(a, b, n, endpoint=e)\nok = ${fitsNp(d)}\nout = v.astype(${NP[d]}) if ok else np.zeros(0, ${NP[d]})`,
            inputs: { a: 1.0 * a, b: 1.0 * b, n, e: endpoint }, returns: ['out', 'ok'] } });
        }
      }
    }
    const res = await numpyBatch(runs.map((r) => r.np));
    const errors: string[] = [];
    runs.forEach((r, i) => {
      const o = res[i]!;
      if ('error' in o) { errors.push(`${r.label}: numpy raised ${o.error}`); return; }
      const ok = (o as OracleResult).ok!.value === 1;
      if (!ok) {
        if (!(r.got instanceof RangeError)) errors.push(`${r.label}: numpy's values do not fit the dtype; expected a RangeError, got ${r.got instanceof Error ? r.got : 'values'}`);
        return;
      }
      if (r.got instanceof Error) { errors.push(`${r.label}: ${r.got}`); return; }
      const m = mismatch(r.got, (o as OracleResult).out!.data as TA, r.f32, { label: r.label });
      if (m) errors.push(m);
    });
    expect(errors.slice(0, 12).join('\n')).toBe('');
  });

  it('the reported cases', async () => {
    const e = engines[0]!;
    expect((await e.arange(0.1, 0.9, 0.2, 'f32'))[2]).toBe(Math.fround(0.50000006));
    expect([...await e.linspace(0, 1e-323, 10)]).toEqual([0, 0, 0, 5e-324, 5e-324, 5e-324, 5e-324, 1e-323, 1e-323, 1e-323]);
    await expect(e.arange(1e19, 1e19 + 4096, 1, 'i32')).rejects.toThrow(RangeError);
    await expect(e.linspace(1e300, 1e300, 3, 'u8')).rejects.toThrow(RangeError);
  });

  it('matmul f64 and f32 within k · eps · Σ|a||b| of the exact product', { timeout: 240_000 }, async () => {
    const runs: Array<{ label: string; got: TA; f32: boolean; a: TA; b: TA; m: number; k: number; n: number }> = [];
    for (const d of ['f64', 'f32'] as const) {
      for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [17, 33, 9], [64, 64, 64], [127, 129, 131]]) {
        const a = data(d, m * k, m + k, { lo: -2, hi: 2 }), b = data(d, k * n, k + n, { lo: -2, hi: 2 });
        for (const [ei, e] of engines.entries()) {
          const A = e.from(a as Float64Array, d), B = e.from(b as Float64Array, d);
          const got = (await e.matmul(A as Float64Array, B as Float64Array, { m, k, n })).slice() as TA;
          e.free(A); e.free(B);
          runs.push({ label: `${ENGINE_CONFIGS[ei]!.label} matmul ${d} ${m}x${k}x${n}`, got, f32: d === 'f32', a, b, m, k, n });
        }
      }
    }
    const res = await numpyBatch(runs.map((r) => ({
      code: 'A = a.astype(np.float64).reshape(m, k); B = b.astype(np.float64).reshape(k, n)\nout = (A @ B).ravel(); bound = (np.abs(A) @ np.abs(B)).ravel()',
      inputs: { a: r.a, b: r.b, m: r.m, k: r.k, n: r.n }, returns: ['out', 'bound'] })));
    const errors: string[] = [];
    runs.forEach((r, i) => {
      const o = res[i] as OracleResult;
      const want = o.out!.data as Float64Array, bound = o.bound!.data as Float64Array;
      const eps = r.f32 ? 2 ** -23 : 2 ** -52;
      for (let j = 0; j < want.length; j++) {
        if (!(Math.abs(r.got[j]! - want[j]!) <= (r.k + 2) * eps * bound[j]!)) { errors.push(`${r.label} [${j}] got ${r.got[j]}, numpy ${want[j]}`); break; }
      }
    });
    expect(errors.slice(0, 12).join('\n')).toBe('');
  });
});
