// NDArray views against numpy: random shapes (0–5 dims, size-0 and size-1 dims),
// random chains of slice (negative steps), transpose, reshape, broadcastTo,
// squeeze, expandDims; every result compared element by element and by shape.
import { describe, expect, it } from 'vitest';
import { NDArray } from '../../dist/nd/ndarray.js';
import { broadcastShapes } from '../../dist/nd/broadcast.js';
import { normalizeAxes, reshapeStrides, cStrides, isCContiguous } from '../../dist/nd/shape.js';
import { planIteration, splitRows } from '../../dist/nd/plan.js';
import { toNDArray } from '../../dist/nd/interop.js';
import ndarray from 'ndarray';
import { flat, numpyBatch, rng } from './numpy-batch.js';

const pyIdx = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));

function randomShape(r: () => number, maxDims = 5): number[] {
  const nd = Math.floor(r() * (maxDims + 1));
  return Array.from({ length: nd }, () => { const u = r(); return u < 0.1 ? 0 : u < 0.3 ? 1 : 1 + Math.floor(r() * 5); });
}

interface Chain { js: (a: NDArray) => NDArray; py: string }

function randomStep(r: () => number, a: NDArray): Chain {
  const kind = Math.floor(r() * 6);
  if (kind === 0 && a.ndim > 0) {
    const specs: any[] = [], py: string[] = [];
    for (let d = 0; d < a.ndim; d++) {
      const n = a.shape[d]!, u = r();
      if (u < 0.2 && n > 0) { const i = Math.floor(r() * n) - (r() < 0.5 ? n : 0); specs.push(i); py.push(String(i)); }
      else if (u < 0.35) { specs.push(null); py.push(':'); }
      else {
        const pick = () => (r() < 0.3 ? null : Math.floor(r() * (2 * n + 3)) - n - 1);
        const step = r() < 0.3 ? null : (Math.floor(r() * 3) + 1) * (r() < 0.5 ? -1 : 1);
        const s = pick(), e = pick();
        specs.push([s, e, step]); py.push(`${pyIdx(s)}:${pyIdx(e)}:${pyIdx(step)}`);
      }
    }
    return { js: (x) => x.slice(...specs), py: `a = a[${py.join(',')}${py.length === 1 ? ',' : ''}]` };
  }
  if (kind === 1) {
    const perm = a.shape.map((_, i) => i).sort(() => r() - 0.5).map((p) => (r() < 0.3 ? p - a.ndim : p));
    return { js: (x) => x.transpose(perm), py: `a = a.transpose(${JSON.stringify(perm)})` };
  }
  if (kind === 2) {
    // reshape: regroup the size into random factors, maybe with one -1.
    const size = a.size;
    const dims: number[] = [];
    let rest = size;
    while (rest > 1 && dims.length < 4) { const f = [2, 3, 5].find((p) => rest % p === 0 && r() < 0.7); if (!f) break; dims.push(f); rest /= f; }
    if (rest !== 1 || size === 0) dims.push(rest);
    if (size === 0) dims.push(2);
    if (size > 0 && r() < 0.3) dims[Math.floor(r() * dims.length)] = -1;
    return { js: (x) => x.reshape(dims), py: `a = a.reshape(${JSON.stringify(dims)})` };
  }
  if (kind === 3) {
    const target = [Math.floor(r() * 3) + 1, ...a.shape.map((d) => (d === 1 ? Math.floor(r() * 3) + 1 : d))];
    return { js: (x) => x.broadcastTo(target), py: `a = np.broadcast_to(a, ${JSON.stringify(target)})` };
  }
  if (kind === 4) return { js: (x) => x.squeeze(), py: 'a = a.squeeze()' };
  const ax = Math.floor(r() * (a.ndim + 1));
  return { js: (x) => x.expandDims(ax), py: `a = np.expand_dims(a, ${ax})` };
}

describe('NDArray views vs numpy', () => {
  it('random chains of views give numpy\'s shapes and elements', () => {
    const r = rng(11);
    const cases: { py: string; env: any; got: { shape: number[]; values: number[] } | { error: string } }[] = [];
    for (let t = 0; t < 300; t++) {
      const shape = randomShape(r);
      const size = shape.reduce((p, d) => p * d, 1);
      const data = Float64Array.from({ length: size + 3 }, (_, i) => i - 1);
      let a = new NDArray(data, shape, undefined, 2);
      const steps: string[] = [];
      let got: any;
      try {
        for (let s = 0; s < 3; s++) { const st = randomStep(r, a); steps.push(st.py); a = st.js(a); }
        got = { shape: [...a.shape], values: flat(a.toArray()) };
        expect([...a].length).toBe(a.size);
      } catch (err) { got = { error: (err as Error).message, steps: steps.length }; }
      const steps0 = got.error ? steps.slice(0, got.steps + 1) : steps;
      cases.push({ py: `a = np.arange(${size}, dtype=np.float64) + 1 if False else np.arange(1, ${size + 1}, dtype=np.float64).reshape(${JSON.stringify(shape)})\n${steps0.join('\n')}\nr = np.asarray(a)`, env: {}, got });
    }
    const res = numpyBatch(cases.map((c) => ({ code: c.py, env: c.env }))) as any[];
    let errors = 0;
    cases.forEach((c, i) => {
      const want = res[i];
      if ('error' in c.got) { expect(want?.error, `${c.py}\n-> ours: ${c.got.error}`).toBeDefined(); errors++; return; }
      expect(want.error, c.py).toBeUndefined();
      expect(c.got.shape, c.py).toEqual(want.shape);
      expect(c.got.values, c.py).toEqual(want.values);
    });
    expect(errors).toBeLessThan(cases.length / 4);
  });

  it('reshape is a view when numpy\'s would be, a copy otherwise', () => {
    const a = new NDArray(new Float64Array(24).map((_, i) => i), [2, 3, 4]);
    expect(a.reshape(6, 4).data).toBe(a.data);
    expect(a.reshape([4, -1]).shape).toEqual([4, 6]);
    const t = a.transpose();
    expect(reshapeStrides(t.shape, t.strides, [24])).toBeUndefined();
    const c = t.reshape(24);
    expect(c.data).not.toBe(a.data);
    expect([...c]).toEqual([...t]);
    expect(a.slice(null, [null, null, -1]).reshape(2, 3, 2, 2).data).toBe(a.data);
    expect(() => a.reshape(5, 5)).toThrow('reshape: cannot reshape array of size 24 into shape (5,5)');
    expect(() => a.reshape(-1, -1)).toThrow(/only specify one unknown/);
  });

  it('get/set, toArray, toString like numpy', () => {
    const a = new NDArray(Float64Array.from([1, 2.5, 3, -4, 0, 6]), [2, 3]);
    expect(a.get(1, -1)).toBe(6);
    a.T.set(2, 0, 7);
    expect(a.get(0, 2)).toBe(7);
    expect(() => a.get(2, 0)).toThrow('get: index 2 is out of bounds for axis 0 with size 2');
    expect(a.toArray()).toEqual([[1, 2.5, 7], [-4, 0, 6]]);
    const res = numpyBatch([
      { code: 'r = str(np.array([[1, 2.5, 7], [-4, 0, 6]], dtype=np.float64))' },
      { code: 'r = str(np.arange(24, dtype=np.int32).reshape(2,3,4))' },
      { code: 'r = str(np.arange(2000, dtype=np.int32))' },
      { code: 'r = str(np.array([0.125, 10, 3], dtype=np.float64))' },
    ]) as string[];
    expect(a.toString()).toBe(res[0]);
    expect(new NDArray(Int32Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]).toString()).toBe(res[1]);
    expect(new NDArray(Int32Array.from({ length: 2000 }, (_, i) => i), [2000]).toString()).toBe(res[2]);
    expect(new NDArray(Float64Array.from([0.125, 10, 3]), [3]).toString()).toBe(res[3]);
  });

  it('toString prints floats, specials, 0-d, size-0 and long rows exactly as numpy str()', () => {
    const T = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u32: Uint32Array, u8: Uint8Array } as const;
    const ramp = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
    const cases: [keyof typeof T, number[], number[]][] = [
      ['f64', [2], [1e10, 1]], ['f64', [2], [0.1, 1e-5]], ['f64', [3], [NaN, -Infinity, 1]], ['f64', [2], [-0, 1]],
      ['f64', [2], [1.123456789, 2]], ['f64', [2], [123456789, 1.5]], ['f64', [2], [1000, 1]], ['f64', [2], [1001, 1]],
      ['f64', [3], [1e300, -1e-300, 0]], ['f64', [2], [NaN, NaN]], ['f64', [2], [Infinity, NaN]], ['f64', [2], [0.30000000000000004, 1]],
      ['f32', [4], [0.1, 1 / 3, 2.5, -7]], ['f32', [3], [1e-7, 1, 3e9]], ['u32', [3], [4294967295, 0, 1]], ['i32', [40], ramp(40, (i) => i * 37 - 500)],
      ['f64', [30], ramp(30, (i) => i * 1.5)], ['f64', [3, 20], ramp(60, Math.sin)], ['f64', [2000], ramp(2000, (i) => i / 7)],
      ['f64', [1200, 2], ramp(2400, (i) => i)], ['f64', [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 1e-9]],
      ['f64', [2, 0], []], ['u8', [0], []], ['f64', [], [1e20]], ['f64', [], [0.1]], ['f64', [], [-0]], ['f32', [], [0.1]],
      ['i32', [], [5]], ['f64', [], [1e-5]], ['f64', [], [123]], ['f64', [], [NaN]],
    ];
    const lit = (v: number) => (Number.isNaN(v) ? "float('nan')" : v === Infinity ? "float('inf')" : v === -Infinity ? "-float('inf')" : Object.is(v, -0) ? '-0.0' : String(v));
    const dt = { f64: 'float64', f32: 'float32', i32: 'int32', u32: 'uint32', u8: 'uint8' };
    const want = numpyBatch(cases.map(([d, s, v]) => ({ code: `r = str(np.array([${v.map(lit).join(',')}], dtype=np.${dt[d]}).reshape((${s.join(',')}${s.length === 1 ? ',' : ''})))` }))) as string[];
    cases.forEach(([d, s, v], k) => expect(new NDArray(T[d].from(v), s).toString(), `${d} (${s}) ${v.slice(0, 4)}`).toBe(want[k]));
  });

  it('scijs ndarray and stdlib ndarray round-trip by duck typing', async () => {
    const data = Float64Array.from({ length: 12 }, (_, i) => i);
    const s = ndarray(data, [3, 4]).transpose(1, 0).hi(3, 2).step(-1, 1);
    const v = toNDArray(s)!;
    expect(v.data).toBe(data);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) expect(v.get(i, j)).toBe(s.get(i, j));
    const back = v.toScijs(ndarray);
    expect(back.get(2, 1)).toBe(v.get(2, 1));
    const { default: Ctor } = await import('@stdlib/ndarray/ctor');
    const st = v.toStdlib(Ctor as any) as any;
    expect(st.get(1, 1)).toBe(v.get(1, 1));
    const w = toNDArray(st)!;
    expect(w.toArray()).toEqual(v.toArray());
  });

  it('bad views throw before anything changes', () => {
    const data = new Float64Array(6);
    expect(() => new NDArray(data, [2, 4])).toThrow(/outside data of length 6/);
    expect(() => new NDArray(data, [2, 3], [3, 1], 1)).toThrow(RangeError);
    const a = new NDArray(data, [2, 3]);
    expect(() => a.transpose(0, 0)).toThrow(/repeated axis/);
    expect(() => a.slice(0, 0, 0)).toThrow('slice: too many indices for array: array is 2-dimensional, but 3 were indexed');
    expect(() => a.slice(null, [0, 3, 0])).toThrow('slice: slice step cannot be zero');
    expect(() => a.squeeze(0)).toThrow(/size not equal to one/);
    expect(() => a.broadcastTo([3, 3])).toThrow(RangeError);
    expect(() => normalizeAxes(2, 2, 'sum')).toThrow('sum: axis 2 is out of bounds for an array of dimension 2');
    expect(() => broadcastShapes('add', [3, 4], [5])).toThrow('add: operands could not be broadcast together with shapes (3,4) (5,)');
  });
});

describe('iteration plans', () => {
  it('coalesce contiguous dims, drop size-1 dims, flip reversed dims', () => {
    const p = planIteration([4, 1, 5, 6], [cStrides([4, 1, 5, 6]), cStrides([4, 1, 5, 6])]);
    expect(p.outer).toEqual([]);
    expect(p.inner).toBe(120);
    const row = planIteration([4096, 2048], [[2048, 1], [2048, 1], [0, 1]]);
    expect(row.outer).toEqual([4096]);
    expect(row.innerStrides).toEqual([1, 1, 1]);
    const rev = planIteration([3, 4], [[4, 1], [-4, -1]]);
    expect(rev.inner).toBe(12);
    expect(rev.innerStrides).toEqual([1, -1]);
    const both = planIteration([3, 4], [[-4, -1], [-4, -1]]);
    expect(both.innerStrides).toEqual([1, 1]);
    expect(both.offsetDelta).toEqual([-11, -11]);
    expect(isCContiguous([3, 1, 4], [4, 99, 1])).toBe(true);
  });

  it('row splits depend on the shape alone', () => {
    const s = splitRows(4096, 2048);
    expect(s.segs).toBe(1);
    expect(s.units).toBe(4096);
    const long = splitRows(1, 10_000_000);
    expect(long.segs).toBeGreaterThan(1);
    expect(long.segLen % 64).toBe(0);
  });
});
