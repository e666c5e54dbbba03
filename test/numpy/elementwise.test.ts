// Elementwise ops against numpy: fill, copy, map, the binary ops (array and
// scalar operands), clip and axpy, on every dtype, sizes 0..1e6, special values,
// unaligned views, 1-3 threads. Exact unless stated: transcendental maps and
// float pow within 2 ulp of numpy (each side within 1 ulp of the true value;
// numpy's own sin/cos and f32 loops within 4), special values exact; wasmpar's
// accuracy itself is checked against mpmath in accuracy.test.ts. maximum,
// minimum and clip compare ±0 as equal (numpy returns the second operand on a
// tie; wasmpar orders -0 < +0, documented in the README).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../dist/index.js';
import { createEngines, CTOR, disposeAll, DTYPES, ENGINE_CONFIGS, isFloat, type Dtype, type TA } from '../helpers/engine-ref.js';
import { data, LARGE, mismatch, NP, onEngine, SIZES, specials } from './cases.js';
import { numpyBatch, numpySuite, type OracleCase, type OracleResult } from './oracle.js';

let engines: Engine[];
beforeAll(async () => { engines = await createEngines(); });
afterAll(() => disposeAll(engines));

interface Run { label: string; got: TA; f32: boolean; ulps?: number; zeroSign?: boolean; inputs: Array<TA | number>; np: OracleCase }

/** Run every case's numpy side in one batch and report all mismatches at once. */
async function check(runs: Run[]): Promise<void> {
  const res = await numpyBatch(runs.map((r) => r.np));
  const errors: string[] = [];
  runs.forEach((r, i) => {
    const o = res[i]!;
    if ('error' in o) { errors.push(`${r.label}: numpy raised ${o.error}`); return; }
    const m = mismatch(r.got, (o as OracleResult).out!.data as ArrayLike<number>, r.f32, { label: r.label, ulps: r.ulps, zeroSign: r.zeroSign, inputs: r.inputs });
    if (m) errors.push(m);
  });
  expect(errors.slice(0, 12).join('\n')).toBe('');
}

const sizesFor = (big: boolean) => (big ? [...SIZES, LARGE] : SIZES);
const EXACT_MAPS = ['abs', 'neg', 'sqrt', 'square', 'floor', 'ceil', 'round'] as const;
const NP_MAP: Record<string, string> = {
  abs: 'np.abs(x)', neg: 'np.negative(x)', sqrt: 'np.sqrt(x)', square: 'np.square(x)', floor: 'np.floor(x)', ceil: 'np.ceil(x)',
  round: 'np.rint(x)', exp: 'np.exp(x)', log: 'np.log(x)', sin: 'np.sin(x)', cos: 'np.cos(x)', tanh: 'np.tanh(x)',
};
const INT_MAPS = ['abs', 'neg', 'square', 'floor', 'ceil', 'round'];

numpySuite('elementwise ops vs numpy', () => {
  for (const d of DTYPES) {
    it(`${d}: fill and copy`, { timeout: 240_000 }, async () => {
      const runs: Run[] = [];
      for (const [ei, e] of engines.entries()) {
        for (const n of [0, 1, 7, 1021, 131_101]) {
          const values = isFloat(d) ? [...specials(d), 0.1, -2.5e-310, 1e39] : [...specials(d), 3.9, -7.5, 300, 2 ** 33 + 5];
          for (const v of values) {
            const t = onEngine(e, new CTOR[d](n), 1);
            const got = (ei % 2 ? e.fillSync(t.view, v) : await e.fill(t.view, v)).slice() as TA;
            t.free();
            // numpy stores a Python number into the dtype as a C cast would; integers wrap like the typed array.
            runs.push({ label: `${ENGINE_CONFIGS[ei]!.label} fill ${d} n=${n} v=${v}`, got, f32: d === 'f32', inputs: [], np: {
              code: `out = np.full(n, ${NP[d]}(v) if isinstance(v, float) else np.array(v).astype(${NP[d]}))`, inputs: { n, v } } });
          }
          const src = data(d, n, 7 + n, { special: 0.1 });
          const s = onEngine(e, src, 1), t = onEngine(e, new (src.constructor as any)(n), 3);
          const got = (await e.copy(s.view, t.view)).slice() as TA;
          s.free(); t.free();
          runs.push({ label: `copy ${d} n=${n}`, got, f32: d === 'f32', inputs: [], np: { code: 'out = x.copy()', inputs: { x: src } } });
        }
      }
      await check(runs);
    });

    it(`${d}: map (${isFloat(d) ? 'every op' : INT_MAPS.join(', ')})`, { timeout: 240_000 }, async () => {
      const runs: Run[] = [];
      const ops = isFloat(d) ? Object.keys(NP_MAP) : INT_MAPS;
      for (const [ei, e] of engines.entries()) {
        for (const n of sizesFor(ei === 1)) {
          for (const op of ops) {
            const wide = op === 'exp' ? [-750, 750] : op === 'log' ? [0, 1e10] : op === 'tanh' ? [-25, 25] : [-1e4, 1e4];
            const x = data(d, n, 100 + n, { lo: wide[0], hi: wide[1], special: 0.05 });
            const a = onEngine(e, x, n % 2);
            const res = (ei === 2 ? e.mapSync(op as any, a.view) : await e.map(op as any, a.view)) as TA;
            const got = res.slice() as TA;
            a.free(); e.free(res);
            const exact = (EXACT_MAPS as readonly string[]).includes(op);
            // numpy 1.24's own f64 sin/cos (its SIMD loops) are up to 3 ulp off here, where wasmpar's are
            // correctly rounded in these samples (mpmath decides: accuracy.test.ts); f32 loops are up to ~4.
            const tol = exact ? 0 : d === 'f32' ? 4 : op === 'sin' || op === 'cos' ? 4 : 2;
            runs.push({ label: `${ENGINE_CONFIGS[ei]!.label} map ${op} ${d} n=${n}`, got, f32: d === 'f32', ulps: tol, inputs: [x],
              np: { code: `out = ${isFloat(d) ? NP_MAP[op] : op === 'abs' ? 'np.abs(x)' : op === 'neg' ? 'np.negative(x)' : op === 'square' ? 'np.square(x)' : 'x'}`, inputs: { x } } });
          }
        }
      }
      await check(runs);
    });

    it(`${d}: add, subtract, multiply, divide, maximum, minimum, pow — array and scalar operands`, { timeout: 240_000 }, async () => {
      const runs: Run[] = [];
      const OPS = ['add', 'subtract', 'multiply', 'divide', 'maximum', 'minimum', 'pow'] as const;
      const npOp = (op: string) => (op === 'divide' ? (isFloat(d) ? 'np.true_divide' : 'np.floor_divide') : op === 'pow' ? 'np.power' : `np.${op}`);
      for (const [ei, e] of engines.entries()) {
        for (const n of sizesFor(ei === 2)) {
          for (const op of OPS) {
            const isPow = op === 'pow';
            // numpy refuses negative integer exponents (wasmpar's choice is documented); pow bases stay small.
            const a = isPow && !isFloat(d) ? data(d, n, 3 * n + 1, { lo: d === 'i32' ? -20 : 0, hi: 20 }) : data(d, n, 3 * n + 1, { special: 0.1, lo: isPow ? -4 : undefined, hi: isPow ? 4 : undefined });
            const b = isPow && !isFloat(d) ? data(d, n, 5 * n + 2, { lo: 0, hi: 40 }) : data(d, n, 5 * n + 2, { special: 0.1, lo: isPow ? -40 : undefined, hi: isPow ? 40 : undefined });
            const A = onEngine(e, a, 1), B = onEngine(e, b, 2);
            const got = (ei === 1 ? (e as any)[`${op}Sync`](A.view, B.view) : await (e as any)[op](A.view, B.view)) as TA;
            runs.push({ label: `${ENGINE_CONFIGS[ei]!.label} ${op} ${d} n=${n}`, got: got.slice() as TA, f32: d === 'f32', ulps: isPow && isFloat(d) ? 2 : 0,
              zeroSign: op === 'maximum' || op === 'minimum', inputs: [a, b], np: { code: `out = ${npOp(op)}(a, b)`, inputs: { a, b } } });
            e.free(got);
            const scalars = isPow ? (isFloat(d) ? [0, 1, 2, 3, -1, 0.5, -0.5, 2.5, NaN, Infinity, -Infinity] : [0, 1, 2, 7, 31, 32, 33]) : isFloat(d) ? [0, -0, 1.5, NaN, Infinity, -Infinity, 1e-310, 0.1] : d === 'i32' ? [0, 1, -1, 7, -2147483648, 2147483647] : [0, 1, 7, d === 'u8' ? 255 : 4294967295];
            for (const s of n > 32_771 ? scalars.slice(0, 3) : scalars) {
              if (op === 'divide' && s === 0 && !isFloat(d) && n > 0) continue; // covered by array operands
              const got2 = (await (e as any)[op](A.view, s)) as TA;
              runs.push({ label: `${op}(${d} array, ${s}) n=${n}`, got: got2.slice() as TA, f32: d === 'f32', ulps: isPow && isFloat(d) ? 2 : 0,
                zeroSign: op === 'maximum' || op === 'minimum', inputs: [a, s], np: { code: `out = ${npOp(op)}(a, ${NP[d]}(s))`, inputs: { a, s } } });
              e.free(got2);
            }
            if (!isFloat(d) && (op === 'maximum' || op === 'minimum')) {
              // A bound the dtype cannot hold, on the side the array never reaches: numpy's result is x itself.
              const s = op === 'maximum' ? (d === 'i32' ? -(2 ** 31) - 5 : -3) : d === 'u8' ? 300 : 2 ** 32 + 5;
              const got3 = (ei === 0 ? (e as any)[`${op}Sync`](A.view, s) : await (e as any)[op](A.view, s)) as TA;
              runs.push({ label: `${op}(${d} array, ${s}) n=${n}`, got: got3.slice() as TA, f32: false, inputs: [a, s],
                np: { code: `out = np.${op}(a.astype(np.int64), s).astype(a.dtype)`, inputs: { a, s } } });
              e.free(got3);
            }
            A.free(); B.free();
          }
        }
      }
      await check(runs);
    });

    it(`${d}: clip, lo > hi included`, { timeout: 240_000 }, async () => {
      const runs: Run[] = [];
      const bounds: Array<[number, number]> = isFloat(d)
        ? [[-1, 1], [0, 0], [-0, 0], [5, -5], [-Infinity, 3], [1e-310, 1e-300], [0.1, 0.7], [NaN, 1], [0, NaN]]
        : d === 'u8' ? [[3, 200], [0, 255], [-5, 300], [9, 2], [7, 7]] : [[-5, 5], [0, 1e9], [-3e9, 3e9], [9, 2], [7, 7]];
      for (const [ei, e] of engines.entries()) {
        for (const n of sizesFor(ei === 0)) {
          const x = data(d, n, 11 * n + 3, { special: 0.1, lo: isFloat(d) ? -10 : undefined, hi: isFloat(d) ? 10 : undefined });
          const X = onEngine(e, x, 1);
          for (const [lo, hi] of bounds) {
            const got = (ei === 2 ? e.clipSync(X.view, lo, hi) : await e.clip(X.view, lo, hi)) as TA;
            runs.push({ label: `${ENGINE_CONFIGS[ei]!.label} clip(${d}, ${lo}, ${hi}) n=${n}`, got: got.slice() as TA, f32: d === 'f32', zeroSign: true, inputs: [x],
              np: { code: 'out = np.clip(x, lo, hi)', inputs: { x, lo, hi } } });
            e.free(got);
          }
          X.free();
        }
      }
      await check(runs);
    });
  }

  it('axpy (f64, f32): y + alpha * x rounded as numpy rounds it', { timeout: 240_000 }, async () => {
    const runs: Run[] = [];
    for (const d of ['f64', 'f32'] as Dtype[]) {
      for (const [ei, e] of engines.entries()) {
        for (const n of sizesFor(ei === 1)) {
          for (const alpha of [2.5, -0.1, 0, NaN, Infinity]) {
            const x = data(d, n, 13 * n, { special: 0.05 }), y = data(d, n, 17 * n, { special: 0.05 });
            const X = onEngine(e, x, 1), Y = onEngine(e, y, 0);
            const got = (await e.axpy(alpha, X.view as Float64Array, Y.view as Float64Array)).slice();
            X.free(); Y.free();
            runs.push({ label: `${ENGINE_CONFIGS[ei]!.label} axpy ${d} alpha=${alpha} n=${n}`, got, f32: d === 'f32', inputs: [x, y],
              np: { code: `out = y + ${NP[d]}(alpha) * x`, inputs: { x, y, alpha } } });
          }
        }
      }
    }
    await check(runs);
  });
});
