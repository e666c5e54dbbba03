// N-d ops against numpy (test/numpy/oracle.ts): random shapes of 0–5 dims with
// size-0 and size-1 dims, random views (slices with negative steps, transposes,
// broadcasts), every dtype, threads 1–3, sync and async, keepdims, strided `out`
// views with guard elements around them, and numpy's errors.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CancelledError, type Engine, type NDArray } from '../../dist/index.js';
import { createEngines, disposeAll, settle, withTimeout } from '../helpers/engine-ref.js';
import { numpyBatch, numpySuite, type OracleCase, type OracleOutcome } from '../numpy/oracle.js';
import { rng } from './numpy-batch.js';

type D = 'f64' | 'f32' | 'i32' | 'u32' | 'u8';
const DT: D[] = ['f64', 'f32', 'i32', 'u32', 'u8'];
const FL: D[] = ['f64', 'f32'];

let engines: Engine[];
beforeAll(async () => { engines = await createEngines(); }, 60_000);
afterAll(async () => { await disposeAll(engines); });

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function randomShape(r: () => number, maxDims = 5, maxDim = 5): number[] {
  const nd = Math.floor(r() * (maxDims + 1));
  return Array.from({ length: nd }, () => { const u = r(); return u < 0.06 ? 0 : u < 0.25 ? 1 : 2 + Math.floor(r() * (maxDim - 1)); });
}

/** A random view of `shape` over a bigger base array: slices (negative steps), transposes. */
function randomView(e: Engine, r: () => number, shape: number[], dtype: D, lo = -20, hi = 20): NDArray {
  // Build a base 1–2 larger per dim, then slice (maybe reversed) and maybe transpose back.
  const perm = shape.map((_, i) => i);
  if (r() < 0.4) perm.sort(() => r() - 0.5);
  const baseShape = perm.map((p) => shape[p]! + (r() < 0.5 ? 1 : 0));
  const base = e.zeros(baseShape, dtype);
  for (let i = 0; i < base.data.length; i++) base.data[i] = dtype === 'u8' || dtype === 'u32' ? Math.floor(r() * (hi > 0 ? hi : 20)) : lo + Math.floor(r() * (hi - lo)) + (FL.includes(dtype) ? Math.floor(r() * 8) / 8 : 0);
  const specs = baseShape.map((n, i) => {
    const want = shape[perm[i]!]!;
    if (r() < 0.5) return [n - 1, n - 1 - want > -1 ? (n - 1 - want < 0 ? null : n - 1 - want) : null, -1] as [number, number | null, number];
    return [n - want, n, 1] as [number, number, number];
  });
  let v = base.slice(...specs);
  const inv = perm.map((_, i) => perm.indexOf(i));
  v = v.transpose(inv);
  expect([...v.shape]).toEqual(shape);
  return v;
}

/** A shape `b` broadcastable with `a`: drop leading dims, set some dims to 1. */
function broadcastPartner(r: () => number, a: number[]): number[] {
  const drop = Math.floor(r() * (a.length + 1));
  return a.slice(drop).map((d) => (r() < 0.3 ? 1 : d));
}

const toNum = (x: bigint | number) => Number(x);
function expectClose(got: ArrayLike<number>, want: ArrayLike<number | bigint>, dtype: string, label: string, rel = 0): void {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!, w = toNum(want[i]!);
    if (Number.isNaN(w)) { expect(Number.isNaN(g), `${label} [${i}] want NaN got ${g}`).toBe(true); continue; }
    if (rel === 0) { expect(g === w || (g === 0 && w === 0), `${label} [${i}] ${g} vs ${w} (${dtype})`).toBe(true); continue; }
    expect(g === w || Math.abs(g - w) <= rel * Math.max(1, Math.abs(w)), `${label} [${i}] ${g} vs ${w}`).toBe(true);
  }
}

/** Values of an NDArray (or number) in C order. */
const valuesOf = (x: NDArray | number): number[] => (typeof x === 'number' ? [x] : [...x]);
const shapeOf = (x: NDArray | number): number[] => (typeof x === 'number' ? [] : [...x.shape]);

interface Pending { label: string; got: NDArray | number | { error: string }; py: OracleCase; rel: number; numericError?: boolean }

async function compare(pending: Pending[]): Promise<void> {
  const res: OracleOutcome[] = await numpyBatch(pending.map((p) => p.py));
  pending.forEach((p, i) => {
    const want = res[i]!;
    if (typeof p.got === 'object' && 'error' in p.got) {
      expect('error' in want, `${p.label}: we threw "${p.got.error}" but numpy did not`).toBe(true);
      return;
    }
    if ('error' in want) throw new Error(`${p.label}: numpy raised ${String(want.error)} but we returned ${String(p.got)}`);
    const w = (want as Record<string, { shape: number[]; data: ArrayLike<number | bigint> }>).out!;
    expect(shapeOf(p.got), p.label).toEqual(w.shape);
    expectClose(valuesOf(p.got), w.data, '', p.label, p.rel);
  });
}

const NP: Record<string, string> = { add: 'np.add', subtract: 'np.subtract', multiply: 'np.multiply', maximum: 'np.maximum', minimum: 'np.minimum' };
const pyDt: Record<D, string> = { f64: 'np.float64', f32: 'np.float32', i32: 'np.int32', u32: 'np.uint32', u8: 'np.uint8' };

async function run<T>(e: Engine, sync: boolean, name: string, ...args: unknown[]): Promise<T | { error: string }> {
  try {
    const f = (e as unknown as Record<string, (...a: unknown[]) => unknown>)[sync ? `${name}Sync` : name]!;
    return (sync ? f.apply(e, args) : await withTimeout(f.apply(e, args) as Promise<unknown>, 20_000, name)) as T;
  } catch (err) {
    return { error: (err as Error).message };
  }
}

numpySuite('N-d ops vs numpy', () => {
  it('binary ops with broadcasting over random views, every dtype, threads 1–3, sync and async', async () => {
    const r = rng(7);
    const pending: Pending[] = [];
    for (let t = 0; t < 240; t++) {
      const e = engines[t % engines.length]!;
      const dtype = pick(r, DT);
      const op = pick(r, ['add', 'subtract', 'multiply', 'maximum', 'minimum', 'divide']);
      const sa = randomShape(r, 4);
      const sb = r() < 0.15 ? randomShape(r, 3) : broadcastPartner(r, sa);
      const a = randomView(e, r, sa, dtype), b = randomView(e, r, sb, dtype);
      const sync = r() < 0.5;
      const got = await run<NDArray>(e, sync, op, a, b);
      const npop = op === 'divide' ? (FL.includes(dtype) ? 'np.true_divide' : 'np.floor_divide') : NP[op]!;
      pending.push({ label: `${op} ${dtype} (${sa}) (${sb}) t${t}`, got: got as NDArray, rel: 0, py: { code: `out = ${npop}(a, b)`, inputs: { a, b } } });
    }
    await compare(pending);
  }, 120_000);

  it('scalar operands, map, clip and where on strided views', async () => {
    const r = rng(9);
    const pending: Pending[] = [];
    for (let t = 0; t < 150; t++) {
      const e = engines[t % engines.length]!;
      const dtype = pick(r, DT);
      const shape = randomShape(r, 4);
      const x = randomView(e, r, shape, dtype, 1, 30);
      const sync = r() < 0.5;
      const kind = t % 4;
      if (kind === 0) {
        const s = Math.floor(r() * 5) + 1;
        pending.push({ label: `multiply scalar ${dtype}`, got: await run<NDArray>(e, sync, 'multiply', x, s) as NDArray, rel: 0, py: { code: `out = np.multiply(x, ${pyDt[dtype]}(${s}))`, inputs: { x } } });
      } else if (kind === 1) {
        const op = FL.includes(dtype) ? pick(r, ['sqrt', 'exp', 'abs', 'neg', 'floor', 'log']) : pick(r, ['abs', 'neg', 'square', 'floor']);
        const np = { sqrt: 'np.sqrt', exp: 'np.exp', abs: 'np.abs', neg: 'np.negative', floor: 'np.floor', log: 'np.log', square: 'np.square' }[op]!;
        const intFloor = op === 'floor' && !FL.includes(dtype);
        pending.push({ label: `map ${op} ${dtype}`, got: await run<NDArray>(e, sync, 'map', op, x) as NDArray, rel: FL.includes(dtype) ? (dtype === 'f32' ? 1e-6 : 1e-14) : 0, py: { code: intFloor ? 'out = x.copy()' : `out = ${np}(x)`, inputs: { x } } });
      } else if (kind === 2) {
        // Bounds numpy accepts: lo > hi (hi everywhere), a NaN bound (no bound), an infinite one.
        const [lo, hi] = pick(r, [[5, 12], [12, 5], [NaN, 12], [5, NaN], [-Infinity, 12], [5, Infinity]] as const);
        const py = (v: number) => (Number.isNaN(v) ? 'np.nan' : v === Infinity ? 'np.inf' : v === -Infinity ? '-np.inf' : String(v));
        pending.push({ label: `clip ${dtype} (${lo}, ${hi}) ${x.isContiguous ? 'contiguous' : 'strided'}`, got: await run<NDArray>(e, sync, 'clip', x, lo, hi) as NDArray, rel: 0, py: { code: `out = np.clip(x, ${py(lo)}, ${py(hi)})`, inputs: { x } } });
        // A bound that is not an integer on an integer array is refused on every layout (the result keeps x's dtype).
        if (!FL.includes(dtype)) expect(await run<NDArray>(e, sync, 'clip', x, 5.5, 12), `clip ${dtype} 5.5`).toEqual({ error: expect.stringMatching(/^clip(Sync)?: lo must be an integer/) });
      } else {
        const c = randomView(e, r, broadcastPartner(r, shape), pick(r, DT), 0, 2);
        const y = randomView(e, r, broadcastPartner(r, shape), dtype);
        pending.push({ label: `where ${dtype} cond ${c.dtype}`, got: await run<NDArray>(e, sync, 'where', c, x, y) as NDArray, rel: 0, py: { code: 'out = np.where(c, x, y)', inputs: { c, x, y } } });
      }
    }
    await compare(pending);
  }, 120_000);

  it('reductions with axis (number, list, negative), keepdims, every dtype', async () => {
    const r = rng(13);
    const pending: Pending[] = [];
    const ops = ['sum', 'mean', 'min', 'max', 'argmin', 'argmax', 'variance', 'std', 'norm', 'prod', 'any', 'all'];
    for (let t = 0; t < 300; t++) {
      const e = engines[t % engines.length]!;
      const dtype = pick(r, DT);
      const op = ops[t % ops.length]!;
      // The first cases are big enough for the row-accumulating plan to split the reduced range.
      const shape = t < 36 ? pick(r, [[300, 257], [64, 3, 129], [40, 1000], [129, 5, 33]]) : randomShape(r, 5, 4);
      const x = randomView(e, r, shape, dtype, op === 'prod' ? 1 : -20, op === 'prod' ? (t < 36 ? 2 : 3) : 20);
      const nd = shape.length;
      const arg = op === 'argmin' || op === 'argmax';
      let axis: number | number[] | undefined;
      const u = r();
      if (u < 0.15 || nd === 0) axis = undefined;
      else if (u < 0.6 || arg) axis = Math.floor(r() * nd) - (r() < 0.3 ? nd : 0);
      else axis = shape.map((_, i) => i).filter(() => r() < 0.5).map((a) => (r() < 0.3 ? a - nd : a));
      const keepdims = !arg && r() < 0.3;
      const opts: Record<string, unknown> = {};
      if (axis !== undefined) opts.axis = axis;
      if (keepdims) opts.keepdims = true;
      const got = await run<NDArray | number>(e, r() < 0.5, op, x, opts);
      const np = { variance: 'np.var', norm: 'np.linalg.norm' }[op] ?? `np.${op}`;
      const ax = axis === undefined ? 'None' : Array.isArray(axis) ? `(${axis.join(',')}${axis.length === 1 ? ',' : ''})` : String(axis);
      let code = op === 'norm' ? `out = np.sqrt(np.sum(np.square(x.astype(np.float64)), axis=${ax}, keepdims=${keepdims ? 'True' : 'False'}))`
        : arg ? `out = ${np}(x, axis=${ax})` : `out = ${np}(x${op === 'any' || op === 'all' || op === 'min' || op === 'max' ? '' : ', dtype=np.float64'}, axis=${ax}, keepdims=${keepdims ? 'True' : 'False'})`;
      const axes = axis === undefined ? shape.map((_, i) => i) : (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + nd : a));
      const count = axes.reduce((p, a) => p * shape[a]!, 1);
      if ((op === 'min' || op === 'max' || arg) && count === 0) code = `raise ValueError("empty")`;
      const float = FL.includes(dtype);
      const rel = op === 'sum' || op === 'mean' || op === 'variance' || op === 'std' || op === 'norm' || op === 'prod' ? (dtype === 'f32' ? 1e-5 : 1e-12) : 0;
      pending.push({ label: `${op} ${dtype} (${shape}) axis=${JSON.stringify(axis)} keepdims=${keepdims}`, got: got as NDArray, rel: float || op !== 'sum' ? rel : 0, py: { code, inputs: { x } } });
    }
    await compare(pending);
  }, 180_000);

  it('variance and std with ddof, up to and past the reduced count (numpy: inf, or NaN for no spread)', async () => {
    const r = rng(29);
    const pending: Pending[] = [];
    for (let t = 0; t < 60; t++) {
      const e = engines[t % engines.length]!;
      const dtype = pick(r, DT);
      const shape = pick(r, [[3, 4], [2, 1, 5], [1, 3], [4]]);
      // Every third case constant along the reduced axis: zero spread.
      const x = t % 3 === 0 ? e.full(shape, 3, dtype) : randomView(e, r, shape, dtype, 0, 9);
      const axis = t % 4 === 0 ? undefined : Math.floor(r() * shape.length);
      const count = axis === undefined ? shape.reduce((p, d) => p * d, 1) : shape[axis]!;
      const ddof = Math.floor(r() * (count + 2));
      const op = t % 2 ? 'variance' : 'std';
      const got = await run<NDArray | number>(e, r() < 0.5, op, x, axis === undefined ? { ddof } : { axis, ddof });
      const np = op === 'variance' ? 'np.var' : 'np.std';
      pending.push({ label: `${op} ${dtype} (${shape}) axis=${axis} ddof=${ddof}`, got: got as NDArray, rel: dtype === 'f32' ? 1e-5 : 1e-12,
        py: { code: `out = ${np}(x, dtype=np.float64, axis=${axis ?? 'None'}, ddof=${ddof})`, inputs: { x } } });
    }
    await compare(pending);
  }, 120_000);

  it('argmin/argmax with keepdims along an axis, as numpy; keepdims without an axis on N-d is a TypeError', async () => {
    const r = rng(31);
    const pending: Pending[] = [];
    for (let t = 0; t < 40; t++) {
      const e = engines[t % engines.length]!;
      const dtype = pick(r, DT);
      const shape = randomShape(r, 4, 5).map((d) => Math.max(d, 1));
      if (shape.length === 0) shape.push(4);
      const x = randomView(e, r, shape, dtype);
      // A quarter without an axis: numpy's flat C-order index, kept as a 1×…×1 array.
      const axis = t % 4 === 3 ? undefined : Math.floor(r() * shape.length) - (r() < 0.4 ? shape.length : 0);
      const op = t % 2 ? 'argmax' : 'argmin';
      const got = await run<NDArray>(e, r() < 0.5, op, x, axis === undefined ? { keepdims: true } : { axis, keepdims: true });
      pending.push({ label: `${op} ${dtype} (${shape}) axis ${axis} keepdims`, got: got as NDArray, rel: 0, py: { code: `out = np.${op}(x, axis=${axis ?? 'None'}, keepdims=True)`, inputs: { x } } });
    }
    await compare(pending);
    const e = engines[0]!;
    const m = e.asarray([[1, 5, 2], [7, 0, 7]]);
    expect(e.argmaxSync(m, { keepdims: true }).shape).toEqual([1, 1]);
    expect(e.argmaxSync(m, { keepdims: true }).toArray()).toEqual([[3]]);
    expect(e.argminSync(m.T, { keepdims: true }).toArray()).toEqual([[3]]);
    const out = e.zeros([1, 1], 'u32');
    expect(e.argmaxSync(m, { keepdims: true, out })).toBe(out);
    expect(out.toArray()).toEqual([[3]]);
    expect(() => e.argmaxSync(m, { keepdims: true, out: e.zeros([1], 'u32') })).toThrow(/out/);
    expect(() => e.argmaxSync(e.zeros([0, 3]), { keepdims: true })).toThrow(RangeError);
    expect(e.argminSync(e.asarray([3, 1, 2]), { keepdims: true }).toArray()).toEqual([1]);
  }, 120_000);

  it('cumsum, sort and argsort along an axis', async () => {
    const r = rng(17);
    const pending: Pending[] = [];
    for (let t = 0; t < 150; t++) {
      const e = engines[t % engines.length]!;
      const dtype = pick(r, DT);
      const shape = randomShape(r, 4, 6);
      if (shape.length === 0) shape.push(3);
      const x = randomView(e, r, shape, dtype, 1, 9);
      const nd = shape.length;
      const axis = Math.floor(r() * nd) - (r() < 0.4 ? nd : 0);
      const kind = t % 3;
      if (kind === 0) {
        const got = await run<NDArray>(e, r() < 0.5, 'cumsum', x, { axis });
        pending.push({ label: `cumsum ${dtype} (${shape}) axis ${axis}`, got: got as NDArray, rel: dtype === 'f32' ? 1e-6 : 0, py: { code: `out = np.cumsum(x, axis=${axis}, dtype=x.dtype)`, inputs: { x } } });
      } else if (kind === 1) {
        const copy = e.copySync(x);
        const got = await run<NDArray>(e, r() < 0.5, 'argsort', x, { axis });
        pending.push({ label: `argsort ${dtype} (${shape}) axis ${axis}`, got: got as NDArray, rel: 0, py: { code: `out = np.argsort(x, axis=${axis}, kind='stable')`, inputs: { x: copy } } });
      } else {
        const copy = e.copySync(x);
        const got = await run<NDArray>(e, r() < 0.5, 'sort', x, { axis });
        pending.push({ label: `sort ${dtype} (${shape}) axis ${axis}`, got: 'error' in (got as object) ? got as { error: string } : e.copySync(x), rel: 0, py: { code: `out = np.sort(x, axis=${axis})`, inputs: { x: copy } } });
      }
    }
    await compare(pending);
  }, 120_000);

  it('matmul: 1-d promotion, 2-d, batched with broadcast batch dims; the flat form still works', async () => {
    const r = rng(19);
    const pending: Pending[] = [];
    for (let t = 0; t < 60; t++) {
      const e = engines[t % engines.length]!;
      const dtype = pick(r, FL);
      const m = 1 + Math.floor(r() * 7), k = Math.floor(r() * 6), n = 1 + Math.floor(r() * 7);
      const batchA = randomShape(r, 2, 3), batchB = broadcastPartner(r, batchA);
      const sa = r() < 0.15 ? [k] : [...batchA, m, k], sb = r() < 0.15 ? [k] : [...batchB, k, n];
      const a = randomView(e, r, sa, dtype), b = randomView(e, r, sb, dtype);
      const got = await run<NDArray | number>(e, r() < 0.5, 'matmul', a, b);
      pending.push({ label: `matmul ${dtype} (${sa}) @ (${sb})`, got: got as NDArray, rel: dtype === 'f32' ? 1e-5 : 1e-12, py: { code: 'out = np.matmul(a, b)', inputs: { a, b } } });
    }
    await compare(pending);
    const e = engines[1]!;
    const flat = e.matmulSync(e.from([1, 2, 3, 4]), e.from([1, 0, 0, 1]), { m: 2, k: 2, n: 2 });
    expect(flat).toBeInstanceOf(Float64Array);
    expect([...flat]).toEqual([1, 2, 3, 4]);
  }, 120_000);

  it('dot of 1-d views (a number) and of matrices (numpy.dot), histogram of any view (flattened), as numpy', async () => {
    const r = rng(23);
    const pending: Pending[] = [];
    for (let t = 0; t < 60; t++) {
      const e = engines[t % engines.length]!;
      const sync = r() < 0.5;
      if (t % 2 === 0) {
        const dtype = pick(r, t % 4 === 0 ? DT : FL);
        const n = Math.floor(r() * 9);
        const mat = DT.indexOf(dtype) < 2 && r() < 0.4;
        const sa = mat ? [1 + Math.floor(r() * 4), n] : [n], sb = mat ? [n, 1 + Math.floor(r() * 4)] : [n];
        const a = randomView(e, r, sa, dtype), b = randomView(e, r, sb, dtype);
        const got = await run<NDArray | number>(e, sync, 'dot', a, b);
        // numpy.dot wraps int32 products in int32; wasmpar's dot of integers is exact (README).
        const code = FL.includes(dtype) ? 'out = np.dot(a, b)' : 'out = np.dot(a.astype(np.float64), b.astype(np.float64))';
        pending.push({ label: `dot ${dtype} (${sa}) (${sb})`, got: got as NDArray, rel: dtype === 'f32' ? 1e-5 : 1e-12, py: { code, inputs: { a, b } } });
      } else {
        const dtype = pick(r, DT);
        const x = randomView(e, r, randomShape(r, 4), dtype, 0, 30);
        const bins = 1 + Math.floor(r() * 7);
        const got = await run<Uint32Array>(e, sync, 'histogram', x, { bins, range: [2, 25] });
        pending.push({ label: `histogram ${dtype} (${x.shape})`, got: 'error' in got ? got : e.ndarray(got, [bins]), rel: 0, py: { code: `out = np.histogram(x, bins=${bins}, range=(2, 25))[0]`, inputs: { x } } });
      }
    }
    await compare(pending);
    const e = engines[0]!;
    expect(await run(e, true, 'dot', e.zeros([2, 2, 2]), e.zeros([2, 2]))).toEqual({ error: expect.stringMatching(/^dotSync: operands must be 1-d or 2-d/) });
  }, 120_000);

  it('copy (transposes, tiled), concatenate, stack', async () => {
    const r = rng(23);
    const pending: Pending[] = [];
    for (let t = 0; t < 60; t++) {
      const e = engines[t % engines.length]!;
      const dtype = pick(r, DT);
      const shape = t < 6 ? [40 + t * 17, 33 + t * 5] : randomShape(r, 4, 6);
      const x = randomView(e, r, shape, dtype);
      const c = e.copySync(x);
      expect(c.isContiguous).toBe(true);
      pending.push({ label: `copy ${dtype} (${shape})`, got: c, rel: 0, py: { code: 'out = x.copy()', inputs: { x } } });
      if (shape.length > 0) {
        const ax = Math.floor(r() * shape.length);
        const s2 = shape.slice(); s2[ax] = Math.floor(r() * 3);
        const y = randomView(e, r, s2, dtype);
        pending.push({ label: `concatenate ${dtype}`, got: await run<NDArray>(e, r() < 0.5, 'concatenate', [x, y, x], { axis: ax }) as NDArray, rel: 0, py: { code: `out = np.concatenate([x, y, x], axis=${ax})`, inputs: { x, y } } });
      }
      const sax = Math.floor(r() * (shape.length + 1));
      pending.push({ label: `stack ${dtype}`, got: await run<NDArray>(e, r() < 0.5, 'stack', [x, c], { axis: sax }) as NDArray, rel: 0, py: { code: `out = np.stack([x, c], axis=${sax})`, inputs: { x, c } } });
    }
    await compare(pending);
  }, 120_000);

  it('a strided out view: only its elements change (guard elements around and between)', async () => {
    for (const e of engines) {
      for (const dtype of DT) {
        const big = e.full([7, 9], 77, dtype);
        const out = big.slice([1, 6, 2], [7, 0, -3]); // (3, 3), negative step
        const a = e.asarray([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype), b = e.asarray([1, 1, 2], dtype);
        const r = e.addSync(a.T, b, { out });
        expect(r).toBe(out);
        expect(out.toArray()).toEqual([[2, 5, 9], [3, 6, 10], [4, 7, 11]]);
        let changed = 0;
        for (let i = 0; i < big.data.length; i++) if (big.data[i] !== 77) changed++;
        expect(changed).toBe(9);
        // out aliasing its own input through a transpose: numpy's buffered semantics.
        const sq = e.asarray([[1, 2], [3, 4]], dtype);
        await e.add(sq, sq.T, { out: sq });
        expect(sq.toArray()).toEqual([[2, 5], [5, 8]]);
        const red = e.zeros([3], dtype === 'u8' || dtype === 'i32' || dtype === 'u32' ? 'f64' : dtype);
        e.sumSync(a, { axis: 0, out: red });
        expect([...red]).toEqual([12, 15, 18]);
      }
    }
  });

  it('numpy\'s errors, thrown (or rejected) before anything is written', async () => {
    const e = engines[1]!;
    const a = e.zeros([3, 4]), out = e.full([3, 4], 5);
    const cases: Array<[string, () => unknown, RegExp | string]> = [
      ['broadcast', () => e.addSync(a, e.zeros([5]), { out }), 'addSync: operands could not be broadcast together with shapes (3,4) (5,)'],
      ['axis', () => e.sumSync(a, { axis: 2 }), 'sumSync: axis 2 is out of bounds for an array of dimension 2'],
      ['negative axis', () => e.meanSync(a, { axis: -3 }), 'meanSync: axis -3 is out of bounds for an array of dimension 2'],
      ['duplicate axis', () => e.sumSync(a, { axis: [0, -2] }), /duplicate value in axis/],
      ['out shape', () => e.addSync(a, 1, { out: e.zeros([4, 3]) }), /non-broadcastable output operand with shape \(4,3\) doesn't match the broadcast shape \(3,4\)/],
      ['out dtype', () => e.addSync(a, a, { out: e.zeros([3, 4], 'f32') }), /out has dtype 'f32'/],
      ['dtype mix', () => e.addSync(a, e.zeros([3, 4], 'i32')), /b has dtype 'i32' but a has dtype 'f64'/],
      ['matmul core', () => e.matmulSync(e.zeros([2, 3]), e.zeros([4, 2])), /mismatch in its core dimension 0/],
      ['argmax list', () => e.argmaxSync(a, { axis: [0] } as never), /one axis/],
      ['empty min', () => e.minSync(e.zeros([0, 3]), { axis: 0 }), /zero-size array to reduction operation minimum/],
      ['concat dims', () => e.concatenateSync([a, e.zeros([3, 5])], { axis: 0 }), /along dimension 1, the array at index 0 has size 4 and the array at index 1 has size 5/],
      ['unknown key', () => e.sumSync(a, { axes: 1 } as never), /axes/],
      ['reshape', () => a.reshape(5, 2), 'reshape: cannot reshape array of size 12 into shape (5,2)'],
      ['bad scijs view', () => e.addSync({ data: new Float64Array(2), shape: [3], stride: [1], offset: 0 }, 1, { out: e.zeros([3]) }),
        'addSync: a is not a valid ndarray view: shape (3,) with strides (1) and offset 0 reaches elements 0..2, outside data of length 2'],
    ];
    for (const [label, f, msg] of cases) {
      expect(f, label).toThrow(msg);
      expect([...out].every((v) => v === 5), label).toBe(true);
    }
    await expect(e.add(a, e.zeros([5]), { out })).rejects.toThrow(RangeError);
    await expect(e.sum(a, { axis: 2 })).rejects.toThrow(RangeError);
    expect([...out].every((v) => v === 5)).toBe(true);
  });

  it('an integer scalar outside the dtype on a strided view: maximum/minimum clamp it as the 1-d op does, divide refuses it', async () => {
    const e = engines[1]!;
    for (const [dt, lo, hi] of [['u8', 0, 255], ['u32', 0, 2 ** 32 - 1], ['i32', -(2 ** 31), 2 ** 31 - 1]] as const) {
      const m = e.zeros([2, 3], dt);
      m.data.set([0, 5, 200, 7, 9, 100].map((v) => v + (dt === 'i32' ? -50 : 0)));
      const flat = [...e.copySync(m.T).data];
      for (const [b, sync] of [[lo - 1, true], [hi + 1, false]] as const) {
        const mx = sync ? e.maximumSync(m.T, b) : await withTimeout(e.maximum(m.T, b), 10_000, 'maximum');
        const mn = sync ? e.minimumSync(m.T, b) : await withTimeout(e.minimum(m.T, b), 10_000, 'minimum');
        // numpy: the exact value against an out-of-range scalar (its result dtype widens; here the values fit).
        expect([...mx.data], `${dt} maximum ${b}`).toEqual(flat.map((v) => Math.max(v, Math.min(Math.max(b, lo), hi))));
        expect([...mn.data], `${dt} minimum ${b}`).toEqual(flat.map((v) => Math.min(v, Math.min(Math.max(b, lo), hi))));
      }
      const out = e.full([3, 2], 3, dt);
      expect(() => e.divideSync(m.T, hi + 1, { out }), dt).toThrow(/divideSync: b must be an integer in/);
      await expect(e.divide(m.T, lo - 1, { out })).rejects.toThrow(RangeError);
      expect([...out.data].every((v) => v === 3)).toBe(true);
    }
  });

  it('a broadcast view (stride 0) as out is a TypeError for every op that takes an N-d out, nothing written (numpy: read-only)', async () => {
    const e = engines[2]!;
    const a = e.full([3, 4], 2), row = e.full([4], 5), col = e.full([3, 1], 5);
    const outs = [row.broadcastTo([3, 4]), col.broadcastTo([3, 4])];
    for (const out of outs) {
      const cases: Array<[string, () => unknown]> = [
        ['add', () => e.addSync(a, 1, { out })],
        ['map', () => e.mapSync('sqrt', a, { out })],
        ['where', () => e.whereSync(e.zeros([3, 4], 'u8'), a, a, { out })],
        ['cumsum', () => e.cumsumSync(a, { axis: 1, out })],
        ['sum axis', () => e.sumSync(e.zeros([2, 3, 4]), { axis: 0, out })],
        ['evaluate', () => e.evaluateSync('a * 2', { a }, { out })],
      ];
      for (const [label, f] of cases) expect(f, label).toThrow(/out is a broadcast view \(stride 0 on axis [01]\)/);
      await expect(e.add(a, 1, { out })).rejects.toThrow(TypeError);
    }
    expect([...row.data].every((v) => v === 5) && [...col.data].every((v) => v === 5)).toBe(true);
    // A size-1 axis may have any stride: still a valid out.
    const one = e.full([1, 4], 0);
    e.addSync(e.full([1, 4], 1), 1, { out: one.broadcastTo([1, 4]) });
    expect([...one.data]).toEqual([2, 2, 2, 2]);
  });

  it('a view over a detached (transferred) buffer: every op names the argument, before any view arithmetic', async () => {
    const e = engines[0]!;
    const detachedView = () => {
      const ab = new ArrayBuffer(48);
      const v = e.ndarray(new Float64Array(ab), [2, 3]);
      structuredClone(ab, { transfer: [ab] });
      return v;
    };
    const x = detachedView(), ok = e.zeros([2, 3]), out = e.full([2, 3], 5);
    const cases: Array<[string, () => unknown, string]> = [
      ['add a', () => e.addSync(x, ok, { out }), 'addSync: a is a view whose Float64Array'],
      ['add b', () => e.addSync(ok, x, { out }), 'addSync: b is a view whose Float64Array'],
      ['sum axis', () => e.sumSync(x, { axis: 0 }), 'sumSync: x is a view'],
      ['matmul', () => e.matmulSync(ok, x), 'matmulSync: b is a view'],
      ['copy', () => e.copySync(x, out), 'copySync: src is a view'],
      ['concatenate', () => e.concatenateSync([ok, x]), 'concatenateSync: arrays[1] is a view'],
      ['where', () => e.whereSync(ok, x, 1, { out }), 'whereSync: x is a view'],
      ['out', () => e.addSync(ok, ok, { out: detachedView() }), 'addSync: out is a view'],
    ];
    for (const [label, f, msg] of cases) {
      expect(f, label).toThrow(TypeError);
      expect(f, label).toThrow(msg);
      expect([...out].every((v) => v === 5), label).toBe(true);
    }
    await expect(withTimeout(e.sort(x, { axis: 0 }), 10_000, 'sort')).rejects.toThrow('sort: x is a view whose Float64Array');
  });

  it('cancelling a multi-step op (batched matmul) rejects with CancelledError and frees its fresh result', async () => {
    // Each batch's matmul pins the op's own fresh result as its `out`; the cleanup
    // used to free that result while still pinned: a TypeError, and the result leaked.
    for (const e of engines) {
      const a = e.full([12, 160, 160], 1), b = e.full([160, 160], 2);
      const base = e.bytesInUse;
      let cancelled = 0;
      for (const delay of [0, 0, 1, 1, 2, 4]) {
        const ac = new AbortController();
        const p = e.matmul(a, b, { signal: ac.signal });
        if (delay === 0) queueMicrotask(() => ac.abort()); else setTimeout(() => ac.abort(), delay);
        const r = await settle(p, 20_000, 'matmul');
        if (r.ok) e.free(r.value);
        else { expect(r.error).toBeInstanceOf(CancelledError); cancelled++; }
        expect(e.bytesInUse).toBe(base);
      }
      // One thread runs every job inline, before the abort can land.
      if (e.threads > 1) expect(cancelled).toBeGreaterThan(0);
      e.free(a); e.free(b);
    }
  });

  it('reductions are the same bits for 1, 2 and 3 threads, sync and async', async () => {
    const r = rng(29);
    for (const shape of [[300, 257], [64, 3, 129], [1000, 7]]) {
      const x = randomView(engines[0]!, r, shape, 'f64');
      const f32 = randomView(engines[0]!, r, shape, 'f32');
      for (const axis of [0, 1, -1, [0, 1]]) {
        const results = await Promise.all(engines.flatMap((e) => [
          Promise.resolve(e.sumSync(x, { axis })), e.sum(x, { axis }), e.variance(f32, { axis }), Promise.resolve(e.normSync(f32, { axis })),
        ]));
        for (let i = 4; i < results.length; i++) expect(valuesOf(results[i] as NDArray)).toEqual(valuesOf(results[i % 4] as NDArray));
      }
    }
  });

  it('ops take scijs ndarrays (the npm package) and stdlib ndarrays by duck typing, zero copy', async () => {
    const { default: ndarray } = await import('ndarray');
    const { default: StdlibNd } = await import('@stdlib/ndarray/ctor');
    for (const e of engines) {
      const data = e.from(Array.from({ length: 12 }, (_, i) => i));
      const sci = ndarray(data, [3, 4]).transpose(1, 0);            // (4, 3) view, strides (1, 4)
      const std = new (StdlibNd as any)('float64', data, [3, 4], [4, 1], 0, 'row-major');
      const sum0 = e.sumSync(sci, { axis: 0 }) as NDArray;
      expect([...sum0]).toEqual([6, 22, 38]);
      const added = await e.add(sci, std.data === data ? e.ndarray(data, [4, 3], { strides: [1, 4] }) : sci) as NDArray;
      expect(added.toArray()).toEqual([[0, 8, 16], [2, 10, 18], [4, 12, 20], [6, 14, 22]]);
      expect(e.maxSync(std, { axis: 1 }) as NDArray).toBeDefined();
      expect([...(e.maxSync(std, { axis: 1 }) as NDArray)]).toEqual([3, 7, 11]);
      const back = (e.copySync(sci) as NDArray).toScijs(ndarray);
      expect(back.get(3, 2)).toBe(11);
      e.free(data);
    }
  });

  it('a C-contiguous N-d op is the 1-d op on its flat data (same values, same kernels)', async () => {
    for (const e of engines) {
      const x = e.asarray(Array.from({ length: 6 }, (_, i) => Array.from({ length: 1001 }, (_, j) => Math.sin(i * 1001 + j))));
      expect(e.sumSync(x)).toBe(e.sumSync(x.data));
      expect([...(e.addSync(x, x) as NDArray)]).toEqual([...e.addSync(x.data, x.data)]);
      expect(e.stdSync(x)).toBe(e.stdSync(x.data));
      e.free(x);
    }
  });
});
