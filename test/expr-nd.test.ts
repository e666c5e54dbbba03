// Expressions over N-d operands: numpy broadcasting, transposed / reversed /
// sliced views (gathered block by block), size-1 operands, N-d `out`, an out
// that shares bytes with a gathered operand — against numpy and the N-d ops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, NDArray } from '../dist/index.js';
import { createEngines, disposeAll, ENGINE_CONFIGS, rng, withTimeout } from './helpers/engine-ref.js';
import { fusionFromEnv } from './helpers/expr-trees.js';
import { numpyBatch, numpySuite, type OracleCase } from './numpy/oracle.js';

let engines: Engine[];
beforeAll(async () => { await fusionFromEnv(); engines = await createEngines(); }, 60_000);
afterAll(async () => { await disposeAll(engines); });

const bits = (x: ArrayLike<number>) => Array.from(x, (v) => (Object.is(v, -0) ? '-0' : String(v)));
/** The elements of a view in C order. */
const flat = (a: NDArray) => (a.toArray() as unknown[]).flat(Infinity as 1) as number[];

/** A random view of `shape`: maybe transposed, maybe reversed along some dims, over a bigger base. */
function view(e: Engine, r: () => number, shape: number[], dtype: 'f64' | 'f32' | 'i32' = 'f64'): NDArray {
  const perm = shape.map((_, i) => i);
  if (r() < 0.5) perm.reverse();
  const baseShape = perm.map((p) => shape[p]! + 1);
  const base = e.zeros(baseShape, dtype);
  for (let i = 0; i < base.data.length; i++) base.data[i] = dtype === 'i32' ? Math.floor(r() * 40) - 20 : (r() - 0.5) * 8;
  const v = base.slice(...baseShape.map((n) => (r() < 0.5 ? [n - 1, 0, -1] : [1, n, 1]) as [number, number, number]));
  const inv = perm.map((_, i) => perm.indexOf(i));
  return v.transpose(inv);
}

describe('N-d operands', () => {
  it('broadcasting and views give the N-d ops\' bits; threads 1-3, sync and async', async () => {
    const r = rng(7);
    const shapes: Array<[number[], number[]]> = [[[4, 3], [3]], [[4, 1], [1, 5]], [[2, 3, 4], [3, 1]], [[5, 7], [5, 7]], [[3, 1, 2], [1, 4, 1]], [[300, 9], [9]]];
    for (const [k, e] of engines.entries()) {
      for (const [sa, sb] of shapes) {
        const a = view(e, r, sa), b = view(e, r, sb);
        const want = e.addSync(e.multiplySync(a, 2) as NDArray, e.multiplySync(b, 3) as NDArray) as NDArray;
        const got = (k % 2 ? e.evaluateSync('2*a + 3*b', { a, b }) : await withTimeout(e.evaluate('2*a + 3*b', { a, b }), 20_000, 'nd')) as NDArray;
        expect(got.shape, `${ENGINE_CONFIGS[k]!.label} ${sa} ${sb}`).toEqual(want.shape);
        expect(bits(flat(got))).toEqual(bits(flat(want)));
        const s = e.evaluateSync<number>('sum(a * b)', { a, b });
        expect(s).toBeCloseTo(flat(e.multiplySync(a, b) as NDArray).reduce((x, y) => x + y, 0), 9);
      }
    }
  });

  it('a typed array broadcasts against an NDArray; the result is an NDArray', () => {
    const e = engines[1]!;
    const m = e.ndarray(e.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    const row = e.from([10, 20, 30]);
    const got = e.evaluateSync('m * row + 1', { m, row }) as NDArray;
    expect(got.toArray()).toEqual([[11, 41, 91], [41, 101, 181]]);
    expect(e.evaluateSync('max(m.T)'.replace('m.T', 't'), { t: m.T })).toBe(6);
    const one = e.ndarray(e.from([2]), [1, 1]);
    expect((e.evaluateSync('m ** one', { m, one }) as NDArray).toArray()).toEqual([[1, 4, 9], [16, 25, 36]]);
  });

  it('out: an N-d view of the result shape; one that aliases a gathered input is still right', () => {
    const e = engines[2]!;
    const n = 64;
    const m = e.zeros([n, n]);
    for (let i = 0; i < n * n; i++) m.data[i] = i;
    const want = flat(m.T).map((v, i) => v - m.data[i]!);
    // out is m itself while m.T is read: blocks written early would be read later.
    e.evaluateSync('t - m', { t: m.T, m }, { out: m });
    expect(Array.from(m.data)).toEqual(want);
    const o = e.zeros([n, n]);
    expect(e.evaluateSync('t * 2', { t: m.T }, { out: o })).toBe(o);
    expect(() => e.evaluateSync('t * 2', { t: m.T }, { out: e.zeros([n, n + 1]) })).toThrow(RangeError);
    expect(() => e.evaluateSync('t * 2', { t: m.T }, { out: e.zeros([n, n]).T })).toThrow(/C-contiguous/);
    expect(() => e.evaluateSync('a + b', { a: e.zeros([2, 3]), b: e.zeros([4]) })).toThrow(/could not be broadcast together with shapes \(2,3\) \(4,\)/);
  });
});

describe('reductions along axes', () => {
  it('sum/prod/min/max/mean with axis and keepdims equal the N-d reduction of the materialised expression', async () => {
    const r = rng(3);
    for (const e of engines) {
      const a = view(e, r, [4, 5, 3]), b = view(e, r, [5, 1]);
      const inner = e.addSync(e.multiplySync(a, 2) as NDArray, b) as NDArray;
      for (const kind of ['sum', 'prod', 'min', 'max', 'mean'] as const) {
        for (const axis of [0, -1, [0, 2], [1]] as const) {
          for (const keepdims of [false, true]) {
            const want = (e as unknown as Record<string, (x: NDArray, o: object) => NDArray | number>)[`${kind}Sync`]!(inner, { axis, keepdims });
            const got = await withTimeout(e.evaluate(`${kind}(2*a + b)`, { a, b }, { axis: axis as number | number[], keepdims }), 20_000, 'axis');
            const label = `${kind} axis=${JSON.stringify(axis)} keepdims=${keepdims}`;
            if (typeof want === 'number') expect(got, label).toBe(want);
            else {
              expect((got as NDArray).shape, label).toEqual(want.shape);
              expect(bits(flat(got as NDArray)), label).toEqual(bits(flat(want)));
            }
          }
        }
      }
    }
  });
});

numpySuite('N-d expressions vs numpy', () => {
  it('dtypes and values of broadcast, strided expressions', async () => {
    const e = engines[0]!;
    const r = rng(99);
    const srcs = ['where(a > b, sqrt(abs(a)), -b * 2)', 'a * b - 4.1 * a > 2.5 * b', 'sin(a)**2 + cos(b)**2', 'clip(a, -1, 1) % 0.75', 'i * 3 + (a > 0)', 'maximum(i, b) / 2'];
    const cases: OracleCase[] = [];
    const gots: NDArray[] = [];
    for (const src of srcs) {
      const a = view(e, r, [6, 5]), b = view(e, r, [5], 'f32'), i = view(e, r, [6, 1], 'i32');
      gots.push(e.evaluateSync(src, { a, b, i }) as NDArray);
      const asNp = (x: NDArray) => ({ data: x.data, shape: x.shape, strides: x.strides, offset: x.offset });
      cases.push({ code: `out = ${src.replace(/where/g, 'np.where').replace(/sqrt|abs|sin|cos|maximum/g, (f) => `np.${f}`).replace(/clip\(a, -1, 1\)/, 'np.clip(a, -1, 1)')}`, inputs: { a: asNp(a), b: asNp(b), i: asNp(i) } });
    }
    const res = await numpyBatch(cases);
    res.forEach((r0, k) => {
      if ('error' in r0) throw new Error(`${srcs[k]}: numpy raised ${r0.error}`);
      const want = r0.out!;
      const got = gots[k]!;
      const dt = { float64: 'f64', float32: 'f32', int32: 'i32', bool: 'u8' }[want.dtype];
      expect(got.dtype, srcs[k]).toBe(dt);
      expect(got.shape).toEqual(want.shape);
      const g = flat(got), w = Array.from(want.data as ArrayLike<number>);
      for (let j = 0; j < w.length; j++) {
        // b is f32: a step done in f32 carries f32 rounding into an f64 result
        const tol = srcs[k]!.includes('b') ? 1e-6 : 4e-16;
        expect(Math.abs(g[j]! - w[j]!) <= tol * Math.max(1, Math.abs(w[j]!)) || (Number.isNaN(g[j]) && Number.isNaN(w[j])), `${srcs[k]} at ${j}: ${g[j]} vs ${w[j]}`).toBe(true);
      }
    });
  });
});

numpySuite('expressions vs numexpr', () => {
  it('the same source gives the same values as numexpr.evaluate', async () => {
    const e = engines[1]!;
    const r = rng(5);
    const n = 2003;
    const a = e.from(Array.from({ length: n }, () => (r() - 0.5) * 10)), b = e.from(Array.from({ length: n }, () => (r() - 0.5) * 10));
    const srcs = ['2*a + 3*b', 'a*b - 4.1*a > 2.5*b', 'sin(a)**2 + cos(b)**2', 'where(a > 0, sqrt(abs(a)), -b * 2)', '(a > 1) & (b < 0) | ~(a < -3)', 'a**3 - b / (1 + abs(a))', 'exp(-abs(a)) * tanh(b)', 'sum(a*b)', 'max(a - b)', 'prod(a / a)'];
    const cases: OracleCase[] = srcs.map((src) => ({
      code: `import numexpr as ne\nout = ne.evaluate(${JSON.stringify(src)}, local_dict={'a': a, 'b': b})`, inputs: { a, b },
    }));
    const res = await numpyBatch(cases);
    res.forEach((r0, k) => {
      if ('error' in r0) throw new Error(`${srcs[k]}: numexpr raised ${r0.error}`);
      const got = e.evaluateSync(srcs[k]!, { a, b });
      const g = typeof got === 'number' ? [got] : Array.from(got as ArrayLike<number>);
      const w = Array.from(r0.out!.data as ArrayLike<number>);
      expect(g.length, srcs[k]).toBe(w.length);
      for (let j = 0; j < w.length; j++) {
        const ok = Math.abs(g[j]! - w[j]!) <= 1e-12 * Math.max(1, Math.abs(w[j]!)) || (Number.isNaN(g[j]) && Number.isNaN(w[j]));
        expect(ok, `${srcs[k]} at ${j}: ${g[j]} vs numexpr ${w[j]}`).toBe(true);
      }
    });
  });
});
