// Direct tests of the elementwise and reduction kernels in build/kernels.wasm:
// instantiated here against a shared memory, arrays placed at 64-byte-aligned
// and odd-element addresses, chunks starting at non-zero indices, guard
// elements around every output, compared against plain typed-array references.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { writeMathTables } from '../dist/runtime/math-tables.js';

type DT = 'f64' | 'f32' | 'i32' | 'u32' | 'u8';
type TA = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;
const DTYPES: DT[] = ['f64', 'f32', 'i32', 'u32', 'u8'];
const CTOR = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u32: Uint32Array, u8: Uint8Array } as const;
const SIZES = [0, 1, 2, 3, 7, 13, 128, 129, 1000, 4099];
const isFloat = (dt: DT) => dt === 'f64' || dt === 'f32';
// [start index, element offset of a, of b, of out] from a 64-byte boundary
const LAYOUTS = [[0, 0, 0, 0], [0, 1, 1, 1], [3, 1, 0, 2], [5, 0, 3, 1]];
const GUARD = 4;

let memory: WebAssembly.Memory;
let k: Record<string, (...args: number[]) => number>;
let heap = 65536;

beforeAll(async () => {
  const bytes = readFileSync(new URL('../build/kernels.wasm', import.meta.url));
  const mod = await WebAssembly.compile(bytes);
  memory = new WebAssembly.Memory({ initial: 512, maximum: 65536, shared: true });
  writeMathTables(memory); // the engine does this at memory creation
  const env: Record<string, unknown> = { memory };
  if (WebAssembly.Module.imports(mod).some((i) => i.name === 'abort')) env.abort = () => { throw new Error('abort'); };
  const inst = await WebAssembly.instantiate(mod, { env } as WebAssembly.Imports);
  k = inst.exports as typeof k;
});

function alloc(dt: DT, n: number, offElems = 0): { ptr: number; v: TA } {
  const C = CTOR[dt];
  const base = (heap + 63) & ~63;
  const ptr = base + offElems * C.BYTES_PER_ELEMENT;
  heap = ptr + (n + 1) * C.BYTES_PER_ELEMENT;
  if (heap > memory.buffer.byteLength - 1024) throw new Error('test heap full');
  return { ptr, v: new C(memory.buffer, ptr, n) };
}
const reset = () => { heap = 65536; };

let seed = 12345;
function rand(): number { // mulberry32, deterministic
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function randomValue(dt: DT): number {
  const small = rand() < 0.5;
  switch (dt) {
    case 'f64': case 'f32': return (rand() < 0.05) ? 0 : (rand() - 0.5) * 2 ** Math.floor(rand() * 40 - 20);
    case 'i32': return small ? Math.floor(rand() * 201) - 100 : (rand() * 2 ** 32) | 0;
    case 'u32': return small ? Math.floor(rand() * 100) : (rand() * 2 ** 32) >>> 0;
    case 'u8': return Math.floor(rand() * 256);
  }
}
function fillRandom(v: TA, dt: DT) { for (let i = 0; i < v.length; i++) v[i] = randomValue(dt); }
const SPECIALS = [NaN, 0, -0, Infinity, -Infinity, 1, -1];
function sprinkle(v: TA, count: number) {
  for (let j = 0; j < count && v.length; j++) v[Math.floor(rand() * v.length)] = SPECIALS[Math.floor(rand() * SPECIALS.length)];
}
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

function floorDivRef(dt: DT, a: number, b: number): number {
  if (b === 0) return 0;
  if (dt === 'u32' || dt === 'u8') return Math.floor(a / b);
  const A = BigInt(a), B = BigInt(b);
  let q = A / B;
  if (A % B !== 0n && (A < 0n) !== (B < 0n)) q -= 1n;
  return Number(BigInt.asIntN(32, q));
}
const BIN: Record<string, (dt: DT, a: number, b: number) => number> = {
  add: (_, a, b) => a + b,
  subtract: (_, a, b) => a - b,
  multiply: (dt, a, b) => dt === 'i32' || dt === 'u32' ? Math.imul(a, b) : a * b,
  divide: (dt, a, b) => isFloat(dt) ? a / b : floorDivRef(dt, a, b),
  maximum: (_, a, b) => Math.max(a, b),
  minimum: (_, a, b) => Math.min(a, b),
};

// Runs `run(start, end, ptrs...)` on [s, s+n) of arrays with guards, checks out.
function checkOut(dt: DT, out: TA, before: TA, s: number, n: number, expected: (i: number) => number, label: string) {
  const ref = new CTOR[dt](1);
  for (let i = 0; i < out.length; i++) {
    let want = before[i];
    if (i >= s && i < s + n) { ref[0] = expected(i); want = ref[0]; }
    if (!same(out[i], want)) throw new Error(`${label}: index ${i}: got ${out[i]}, want ${want}`);
  }
}

describe('elementwise kernels', () => {
  for (const dt of DTYPES) {
    it(`binary ops, array and scalar operand, ${dt}`, () => {
      for (const op of Object.keys(BIN)) for (const n of SIZES) for (const [s, oa, ob, oo] of LAYOUTS) {
        reset();
        const len = s + n + GUARD;
        const a = alloc(dt, len, oa), b = alloc(dt, len, ob), o = alloc(dt, len, oo);
        fillRandom(a.v, dt); fillRandom(b.v, dt); fillRandom(o.v, dt);
        if (isFloat(dt)) { sprinkle(a.v, 3); sprinkle(b.v, 3); }
        if (dt === 'i32' && n > 2) { a.v[s + 1] = -(2 ** 31); b.v[s + 1] = -1; b.v[s + 2] = 0; }
        if (!isFloat(dt) && n > 0) b.v[s] = 0;
        let before = o.v.slice();
        k[`${op}_${dt}`](s, s + n, a.ptr, b.ptr, o.ptr);
        checkOut(dt, o.v, before, s, n, (i) => BIN[op](dt, a.v[i], b.v[i]), `${op}_${dt} n=${n} s=${s}`);
        const scalars = isFloat(dt) ? [2.5, -0, NaN, -Infinity] : dt === 'i32' ? [7, -3, 0, -1] : [7, 0, 200];
        for (const sc of scalars) {
          const c = new CTOR[dt]([sc])[0];
          before = o.v.slice();
          k[`${op}s_${dt}`](s, s + n, a.ptr, sc, o.ptr);
          checkOut(dt, o.v, before, s, n, (i) => BIN[op](dt, a.v[i], c), `${op}s_${dt}(${sc}) n=${n} s=${s}`);
        }
      }
    });

    it(`binary ops in place (out == a, out == b), ${dt}`, () => {
      for (const op of Object.keys(BIN)) for (const n of [13, 1000]) for (const which of ['a', 'b']) {
        reset();
        const a = alloc(dt, n, 1), b = alloc(dt, n, 0);
        fillRandom(a.v, dt); fillRandom(b.v, dt);
        const a0 = a.v.slice(), b0 = b.v.slice();
        const o = which === 'a' ? a : b;
        k[`${op}_${dt}`](0, n, a.ptr, b.ptr, o.ptr);
        checkOut(dt, o.v, o.v.slice(), 0, n, (i) => BIN[op](dt, a0[i], b0[i]), `${op}_${dt} out==${which}`);
      }
    });

    it(`fill, copy, clip, ${dt}`, () => {
      const values = isFloat(dt) ? [3.25, -0, NaN, Infinity] : [5, -3, 300, 2 ** 32 + 7, 1.7, -1.7];
      const bounds: [number, number][] = isFloat(dt) ? [[-0.5, 0.75], [-Infinity, 0], [0, 0]] :
        dt === 'i32' ? [[-50, 60], [-(2 ** 40), 3], [2.5, 9.5]] : [[10, 90], [0, 2 ** 40], [2.5, 9.5]];
      for (const n of SIZES) for (const [s, oa, , oo] of LAYOUTS) {
        reset();
        const len = s + n + GUARD;
        const x = alloc(dt, len, oa), o = alloc(dt, len, oo);
        fillRandom(x.v, dt); fillRandom(o.v, dt);
        if (isFloat(dt)) sprinkle(x.v, 4);
        for (const val of values) {
          const before = o.v.slice();
          k[`fill_${dt}`](s, s + n, o.ptr, val);
          checkOut(dt, o.v, before, s, n, () => val, `fill_${dt}(${val}) n=${n} s=${s}`);
        }
        let before = o.v.slice();
        k[`copy_${dt}`](s, s + n, x.ptr, o.ptr);
        checkOut(dt, o.v, before, s, n, (i) => x.v[i], `copy_${dt} n=${n} s=${s}`);
        for (const [lo, hi] of bounds) {
          fillRandom(o.v, dt);
          before = o.v.slice();
          k[`clip_${dt}`](s, s + n, x.ptr, lo, hi, o.ptr);
          const l = isFloat(dt) ? lo : Math.ceil(lo), h = isFloat(dt) ? hi : Math.floor(hi);
          checkOut(dt, o.v, before, s, n, (i) => Math.min(Math.max(x.v[i], l), h), `clip_${dt}(${lo},${hi}) n=${n} s=${s}`);
        }
      }
    });
  }

  for (const dt of ['f64', 'f32'] as DT[]) {
    it(`axpy ${dt}`, () => {
      for (const n of SIZES) for (const [s, ox, oy] of LAYOUTS) for (const alpha of [0.1, -3, NaN]) {
        reset();
        const len = s + n + GUARD;
        const x = alloc(dt, len, ox), y = alloc(dt, len, oy);
        fillRandom(x.v, dt); fillRandom(y.v, dt);
        const before = y.v.slice();
        k[`axpy_${dt}`](s, s + n, alpha, x.ptr, y.ptr);
        const a = dt === 'f32' ? Math.fround(alpha) : alpha;
        const r = dt === 'f32' ? Math.fround : (v: number) => v;
        checkOut(dt, y.v, before, s, n, (i) => r(before[i] + r(a * x.v[i])), `axpy_${dt} n=${n}`);
      }
    });
  }
});

// Neumaier-compensated sum: the high-precision reference for float reductions.
function neumaier(terms: number[]): number {
  let sum = 0, c = 0;
  for (const t of terms) {
    const u = sum + t;
    c += Math.abs(sum) >= Math.abs(t) ? (sum - u) + t : (t - u) + sum;
    sum = u;
  }
  return sum + c;
}
function expectClose(got: number, terms: number[], label: string) {
  const want = neumaier(terms);
  const mag = terms.reduce((acc, t) => acc + Math.abs(t), 0);
  const tol = (Math.log2(Math.max(terms.length, 2)) + 2) * 2 ** -52 * mag;
  if (!(Math.abs(got - want) <= tol)) throw new Error(`${label}: got ${got}, want ${want} (tol ${tol})`);
}
function wrapSum(dt: DT, xs: bigint[]): number {
  const t = xs.reduce((a, b) => a + b, 0n);
  return Number(dt === 'i32' ? BigInt.asIntN(64, t) : BigInt.asUintN(64, t));
}

describe('reduction kernels', () => {
  for (const dt of DTYPES) {
    it(`sum, sumsq, sumsqdev, dot, ${dt}`, () => {
      for (const n of SIZES.filter((m) => m > 0)) for (const [s, oa, ob] of LAYOUTS) {
        reset();
        const len = s + n + GUARD;
        const a = alloc(dt, len, oa), b = alloc(dt, len, ob);
        fillRandom(a.v, dt); fillRandom(b.v, dt);
        const xs = Array.from(a.v.subarray(s, s + n)), ys = Array.from(b.v.subarray(s, s + n));
        const label = `${dt} n=${n} s=${s}`;
        const sum = k[`sum_${dt}`](s, s + n, a.ptr);
        // i32/u32 Σx² and Σx·y store exact (Σhi, Σlo) halves (assembly/reduce-exact.ts).
        const wide = dt === 'i32' || dt === 'u32';
        const halves = (call: (o: number) => number) => {
          if (!wide) return call(0);
          const o = alloc('f64', 2);
          call(o.ptr);
          return BigInt(o.v[0]) * 2n ** 32n + BigInt(o.v[1]);
        };
        const sq = halves((o) => (wide ? k[`sumsq_${dt}`](s, s + n, a.ptr, o, 1 << 30) : k[`sumsq_${dt}`](s, s + n, a.ptr)));
        const dot = halves((o) => (wide ? k[`dot_${dt}`](s, s + n, a.ptr, b.ptr, o, 1 << 30) : k[`dot_${dt}`](s, s + n, a.ptr, b.ptr)));
        const mean = xs.reduce((p, q) => p + q, 0) / n;
        expectClose(k[`sumsqdev_${dt}`](s, s + n, a.ptr, mean), xs.map((v) => (v - mean) ** 2), `sumsqdev ${label}`);
        if (isFloat(dt)) {
          expectClose(sum, xs, `sum ${label}`);
          expectClose(sq, xs.map((v) => v * v), `sumsq ${label}`);
          expectClose(dot, xs.map((v, i) => v * ys[i]), `dot ${label}`);
        } else {
          const X = xs.map(BigInt), Y = ys.map(BigInt);
          expect(sum, `sum ${label}`).toBe(wrapSum(dt, X));
          const exact = (t: bigint[]) => t.reduce((p, q) => p + q, 0n);
          expect(sq, `sumsq ${label}`).toBe(wide ? exact(X.map((v) => v * v)) : wrapSum(dt, X.map((v) => v * v)));
          expect(dot, `dot ${label}`).toBe(wide ? exact(X.map((v, i) => v * Y[i])) : wrapSum(dt, X.map((v, i) => v * Y[i])));
        }
      }
    });

    it(`min, max, argmin, argmax, ${dt}`, () => {
      const cases = isFloat(dt) ? ['random', 'specials', 'zeros', 'nan-last', 'inf'] : ['random', 'const'];
      for (const n of SIZES.filter((m) => m > 0)) for (const [s, oa] of LAYOUTS) for (const kind of cases) {
        reset();
        const x = alloc(dt, s + n + GUARD, oa);
        fillRandom(x.v, dt);
        const v = x.v.subarray(s, s + n);
        if (kind === 'specials') sprinkle(v, 3);
        if (kind === 'zeros') for (let i = 0; i < n; i++) v[i] = rand() < 0.5 ? 0 : -0;
        if (kind === 'nan-last') v[n - 1] = NaN;
        if (kind === 'inf') { v[Math.floor(rand() * n)] = Infinity; v[Math.floor(rand() * n)] = -Infinity; }
        if (kind === 'const') v.fill(v[0]);
        let mn = v[0], mx = v[0], imn = 0, imx = 0, inan = -1;
        for (let i = 0; i < n; i++) {
          mn = Math.min(mn, v[i]); mx = Math.max(mx, v[i]);
          if (inan < 0 && Number.isNaN(v[i])) inan = i;
          if (v[i] < v[imn]) imn = i;
          if (v[i] > v[imx]) imx = i;
        }
        if (inan >= 0) imn = imx = inan;
        const label = `${dt} ${kind} n=${n} s=${s}`;
        expect(same(k[`min_${dt}`](s, s + n, x.ptr), mn), `min ${label}`).toBe(true);
        expect(same(k[`max_${dt}`](s, s + n, x.ptr), mx), `max ${label}`).toBe(true);
        expect(k[`argmin_${dt}`](s, s + n, x.ptr), `argmin ${label}`).toBe(s + imn);
        expect(k[`argmax_${dt}`](s, s + n, x.ptr), `argmax ${label}`).toBe(s + imx);
      }
    });
  }

  it('integer sums are exact where a double accumulator is not', () => {
    reset();
    const n = 4099;
    const x = alloc('u32', n);
    x.v.fill(2 ** 32 - 1);
    const o = alloc('f64', 2);
    k.sumsq_u32(0, n, x.ptr, o.ptr, n);
    // Past 2^64: exact in the (Σhi, Σlo) halves, where 64-bit lanes wrapped.
    expect(BigInt(o.v[0]) * 2n ** 32n + BigInt(o.v[1])).toBe(BigInt(n) * (2n ** 32n - 1n) ** 2n);
    // products overflow 2^53 and cancel: a double accumulator gets 2^31 + 3
    const a = alloc('i32', 16), b = alloc('i32', 16);
    a.v.fill(0); b.v.fill(0);
    a.v[0] = 2 ** 31 - 1; b.v[0] = 2 ** 31 - 1;
    a.v[5] = 2 ** 31 - 1; b.v[5] = -(2 ** 31 - 2);
    a.v[13] = 3; b.v[13] = 1;
    k.dot_i32(0, 16, a.ptr, b.ptr, o.ptr, 16);
    expect(o.v[0] * 2 ** 32 + o.v[1]).toBe(2 ** 31 + 2);
  });

  it('pairwise summation beats naive summation on adversarial input', () => {
    reset();
    // 1 followed by halves of an ulp: a running sum never moves off 1.
    const n = 4099;
    const x = alloc('f64', n);
    x.v.fill(2 ** -53); x.v[0] = 1;
    let naive = 0;
    for (let i = 0; i < n; i++) naive += x.v[i];
    const exact = 1 + (n - 1) * 2 ** -53;
    expect(naive).toBe(1);
    // only the block holding the 1 drops its halves: error stays within log2(n) ulps
    const err = Math.abs(k.sum_f64(0, n, x.ptr) - exact);
    expect(err).toBeLessThanOrEqual(Math.log2(n) * 2 ** -52);
    expect(err * 100).toBeLessThan(exact - naive);

    reset();
    const m = 1_000_000;
    const y = alloc('f64', m);
    y.v.fill(0.1);
    let nv = 0;
    for (let i = 0; i < m; i++) nv += y.v[i];
    const want = neumaier(Array.from(y.v));
    const errNaive = Math.abs(nv - want), errPairwise = Math.abs(k.sum_f64(0, m, y.ptr) - want);
    expect(errNaive).toBeGreaterThan(1e-7);
    expect(errPairwise * 1000).toBeLessThan(errNaive);
  });
});
