// Accuracy of the table-free map kernels (assembly/vmath.ts, assembly/map.ts)
// against V8's Math.*, measured in ulps over random ranges and special values,
// at aligned and unaligned addresses, in place, and for awkward sizes.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';
import { powC99 } from './helpers/engine-ref.js';
import { writeMathTables } from '../dist/runtime/math-tables.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wasmPath = join(root, 'build', 'kernels.wasm');
type Kernel = (...args: number[]) => void;
let ex: Record<string, Kernel>;
let buf: SharedArrayBuffer;
let bytes: Uint8Array;

beforeAll(() => {
  if (!existsSync(wasmPath)) execFileSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs')], { stdio: 'inherit', timeout: 120_000 });
  bytes = readFileSync(wasmPath);
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
  writeMathTables(memory); // the engine does this at memory creation
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: { memory, abort: () => { throw new Error('abort'); } },
  });
  ex = inst.exports as unknown as Record<string, Kernel>;
  buf = memory.buffer as unknown as SharedArrayBuffer;
});

// ---- ulp distance -----------------------------------------------------------
const f64b = new Float64Array(1), i64b = new BigInt64Array(f64b.buffer);
const f32b = new Float32Array(1), i32b = new Int32Array(f32b.buffer);
function ord64(x: number): bigint { f64b[0] = x; const b = i64b[0]; return b < 0n ? -(b & 0x7fffffffffffffffn) : b; }
function ord32(x: number): number { f32b[0] = x; const b = i32b[0]; return b < 0 ? -(b & 0x7fffffff) : b; }
/** ulps between a and b; NaN matches NaN only; a signed-zero mismatch counts as Infinity. */
function ulps(a: number, b: number, f32: boolean): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return Object.is(a, b) ? 0 : Infinity;
  if (f32) return Math.abs(ord32(a) - ord32(b));
  const d = ord64(a) - ord64(b);
  return Number(d < 0n ? -d : d);
}

// ---- running kernels ------------------------------------------------------------
const BASE = 1 << 16; // 64-byte aligned, above the reserved first 64 KiB
type Arr = Float64Array | Float32Array;
function ctor(f32: boolean) { return f32 ? Float32Array : Float64Array; }

/** Runs a unary kernel with x at BASE + shift bytes; out elsewhere, or in place. */
function run1(name: string, xs: ArrayLike<number>, f32: boolean, shift = 0, inPlace = false): Arr {
  const C = ctor(f32), n = xs.length, es = C.BYTES_PER_ELEMENT;
  const xa = BASE + shift, oa = inPlace ? xa : BASE + ((n * es + 127) & ~63) + 2 * shift;
  new C(buf, xa, n).set(xs);
  ex[name](0, n, xa, oa);
  return C.from(new C(buf, oa, n));
}
function run2(name: string, xs: ArrayLike<number>, ys: ArrayLike<number> | number, f32: boolean, shift = 0): Arr {
  const C = ctor(f32), n = xs.length, es = C.BYTES_PER_ELEMENT, stride = (n * es + 127) & ~63;
  const xa = BASE + shift, ya = xa + stride, oa = ya + stride + shift;
  new C(buf, xa, n).set(xs);
  if (typeof ys === 'number') ex[name](0, n, xa, ys, oa);
  else { new C(buf, ya, n).set(ys); ex[name](0, n, xa, ya, oa); }
  return C.from(new C(buf, oa, n));
}

function maxUlp(got: Arr, want: (i: number) => number, f32: boolean) {
  let max = 0, at = -1;
  for (let i = 0; i < got.length; i++) {
    const w = f32 ? Math.fround(want(i)) : want(i);
    const u = ulps(got[i], w, f32);
    if (u > max) { max = u; at = i; }
  }
  return { max, at, got: at >= 0 ? got[at] : 0, want: at >= 0 ? want(at) : 0 };
}

// ---- inputs -----------------------------------------------------------------------
let seed = 0x9e3779b9;
function rand(): number { // xorshift32: reproducible
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed / 4294967296;
}
const N = 20000;
const uni = (lo: number, hi: number) => Array.from({ length: N }, () => lo + (hi - lo) * rand());
const logUni = (lo: number, hi: number) => Array.from({ length: N }, () => Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rand()));
const both = (xs: number[]) => xs.concat(xs.map((v) => -v));
const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-310, -1e-310,
  Number.MAX_VALUE, -Number.MAX_VALUE, 1e-300, 1e300, 1, -1, 0.5, 2, 709.782712893384, 709.7827128933841, 710, -708.4,
  -745.1332191019411, -745.1332191019412, -746, 1e-20, -1e-20, 22, 23, -22, 40, -40, 3.4028234663852886e38];
const PI_MULTIPLES = Array.from({ length: 401 }, (_, k) => (k - 200) * (Math.PI / 2))
  .concat([1e5, 99999.5, 1647099.3, 355, 103993, 104348, 208341, 312689, 833719, 1146408, 4272943, 5419351,
    80143857, 165707065, 2e8, 210828714].flatMap((v) => [v, -v]));
// Past 2^27*pi/2 sin/cos switch from Cody-Waite to Payne-Hanek reduction.
const TRIG_LIMIT = 2 ** 27 * (Math.PI / 2);
// The double closest to a multiple of pi/2 (Kahan-McDonald: x mod pi/2 ~ 4.7e-19), its
// neighbours, and other classic hard cases of argument reduction.
const TRIG_HARD = [6381956970095103 * 2 ** 797, 5.319372648326541e255, 5.319372648326542e255, 1e22, 1e100, 1e300,
  Number.MAX_VALUE, 3.4028234663852886e38, 3e8, 1e10, 2 ** 53, 1e17, 2 ** 27 * 1.5707963267948966, 210828714.5, 2 ** 1000 * Math.PI];
const logBoth = (lo: number, hi: number) => both(logUni(lo, hi));

// sigmoid with 1 + e kept exact (a double-double reference, independent of the kernel's exp)
const splitH = (a: number) => { const c = 134217729 * a; return c - (c - a); };
function twoProdLo(a: number, b: number, p: number) {
  const ah = splitH(a), bh = splitH(b), al = a - ah, bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}
function sigmoidRef(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const e = Math.exp(-Math.abs(x)), dh = 1 + e, dl = (1 - dh) + e, n = x < 0 ? e : 1;
  const q = n / dh, p = q * dh;
  return q + (((n - p) - twoProdLo(q, dh, p)) - q * dl) / dh;
}

// op, reference, f64 bound, f64 inputs, f32 inputs (ranges where the f32 result is finite and meaningful)
const UNARY: [string, (x: number) => number, number, number[][], number[][]][] = [
  ['exp', Math.exp, 1, [uni(-745.2, 709.8), uni(-2, 2), uni(-750, -700), uni(700, 712)], [uni(-104, 89), uni(-2, 2), uni(-104, -87), uni(88, 89)]],
  ['log', Math.log, 1, [logUni(1e-300, 1e300), uni(0.5, 2), logUni(4.9e-324, 2.2e-308), uni(-5, 5)], [logUni(1e-45, 3e38), uni(0.5, 2), logUni(1e-45, 1e-37), uni(0.7, 1.42)]],
  ['sin', Math.sin, 1, [uni(-10, 10), uni(-1e5, 1e5), uni(-1.6e6, 1.6e6), logUni(1e-12, 1), logBoth(1e8, 1.7e308), both(TRIG_HARD)],
    [uni(-10, 10), uni(-1e5, 1e5), logBoth(1e8, 3.4e38)]],
  ['cos', Math.cos, 1, [uni(-10, 10), uni(-1e5, 1e5), uni(-1.6e6, 1.6e6), logUni(1e-12, 1), logBoth(1e8, 1.7e308), both(TRIG_HARD)],
    [uni(-10, 10), uni(-1e5, 1e5), logBoth(1e8, 3.4e38)]],
  ['tanh', Math.tanh, 2, [uni(-1, 1), uni(-25, 25), both(logUni(1e-310, 1))], [uni(-1, 1), uni(-12, 12), both(logUni(1e-45, 1)), uni(8, 11)]],
  ['sigmoid', sigmoidRef, 2, [uni(-40, 40), uni(-745, 745), both(logUni(1e-12, 1))], [uni(-40, 40), uni(-110, 110), uni(-150, -80), both(logUni(1e-45, 1))]],
  ['sqrt', Math.sqrt, 0, [logUni(1e-300, 1e300)], [logUni(1e-40, 1e38)]],
  ['abs', Math.abs, 0, [uni(-1e6, 1e6)], [uni(-1e6, 1e6)]],
  ['neg', (x) => -x, 0, [uni(-1e6, 1e6)], [uni(-1e6, 1e6)]],
  ['square', (x) => x * x, 0, [uni(-1e6, 1e6)], [uni(-1e3, 1e3)]],
  ['floor', Math.floor, 0, [uni(-1e6, 1e6)], [uni(-1e6, 1e6)]],
  ['ceil', Math.ceil, 0, [uni(-1e6, 1e6)], [uni(-1e6, 1e6)]],
];

describe('vmath: unary float kernels', () => {
  for (const [op, ref, bound, f64Inputs, f32Inputs] of UNARY) {
    it(`${op}_f64 within ${bound} ulp of Math (random ranges, specials, multiples of pi/2)`, () => {
      for (const xs of [...f64Inputs, SPECIAL, PI_MULTIPLES]) {
        const r = maxUlp(run1(`${op}_f64`, xs, false), (i) => ref(xs[i]), false);
        expect(r.max, `${op}(${xs[r.at]}) = ${r.got}, Math gives ${r.want}`).toBeLessThanOrEqual(bound);
      }
    });
    it(`${op}_f32 within ${Math.min(bound, 1)} ulp of fround(Math)`, () => {
      for (const xs of [...f32Inputs, SPECIAL]) {
        const xf = Float32Array.from(xs);
        const r = maxUlp(run1(`${op}_f32`, xf, true), (i) => ref(xf[i]), true);
        expect(r.max, `${op}(${xf[r.at]}) = ${r.got}, Math gives ${r.want}`).toBeLessThanOrEqual(Math.min(bound, 1));
      }
    });
  }

  it('sin/cos stay within 1 ulp on both sides of the switch to Payne-Hanek, mixed in one vector', () => {
    // Lanes of one vector on different sides of the limit, in both orders, and non-finite neighbours.
    const near = uni(TRIG_LIMIT * 0.999, TRIG_LIMIT * 1.001);
    const xs = near.flatMap((v, i) => (i % 2 ? [v, -3.25] : [7.5, -v])).concat([1e300, Infinity, NaN, 1e300, -1e22, 0.5]);
    for (const op of ['sin', 'cos'] as const) {
      const r = maxUlp(run1(`${op}_f64`, xs, false), (i) => Math[op](xs[i]), false);
      expect(r.max, `${op}(${xs[r.at]}) = ${r.got}, Math gives ${r.want}`).toBeLessThanOrEqual(1);
    }
  });

  it('round is half to even (numpy / f64.nearest)', () => {
    const xs = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999999999999996, 4503599627370495.5, 1e300, -0, NaN, Infinity, 0.49999999999999994];
    const want = [0, 2, 2, -0, -2, -2, 2, 4503599627370496, 1e300, -0, NaN, Infinity, 0];
    for (const f32 of [false, true]) {
      const got = run1(f32 ? 'round_f32' : 'round_f64', xs, f32);
      got.forEach((g, i) => {
        const x = f32 ? Math.fround(xs[i]) : xs[i];
        const w = f32 ? Math.fround(x - Math.floor(x) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x)) : want[i];
        expect(ulps(g, Object.is(x, -0) || (x < 0 && w === 0) ? -0 : w, f32), `round(${x})`).toBe(0);
      });
    }
  });

  it('works at every unaligned offset, in place, and for sizes 0, 1, 3, 17, 1000', () => {
    for (const [op, ref] of [['sin', Math.sin], ['exp', Math.exp], ['log', Math.log], ['sqrt', Math.sqrt]] as const) {
      for (const f32 of [false, true]) {
        const es = f32 ? 4 : 8;
        for (const n of [0, 1, 3, 17, 1000]) {
          const xs = uni(0.01, 50).slice(0, n);
          for (let shift = 0; shift < 16; shift += es) {
            for (const inPlace of [false, true]) {
              const sentinel = new Uint8Array(buf, BASE + shift + n * es, 8);
              sentinel.fill(0xa5);
              const got = run1(`${op}_${f32 ? 'f32' : 'f64'}`, xs, f32, shift, inPlace);
              const r = maxUlp(got, (i) => ref(f32 ? Math.fround(xs[i]) : xs[i]), f32);
              expect(r.max, `${op} n=${n} shift=${shift} inPlace=${inPlace}`).toBeLessThanOrEqual(1);
              if (inPlace) expect(Array.from(sentinel)).toEqual(new Array(8).fill(0xa5));
            }
          }
        }
      }
    }
  });

  it('a sub-range [start, end) touches only its elements', () => {
    const xs = uni(-3, 3).slice(0, 40);
    new Float64Array(buf, BASE, 40).set(xs);
    const out = new Float64Array(buf, BASE + 4096, 40);
    out.fill(7);
    ex.exp_f64(5, 31, BASE, BASE + 4096);
    for (let i = 0; i < 40; i++) {
      if (i < 5 || i >= 31) expect(out[i]).toBe(7);
      else expect(ulps(out[i], Math.exp(xs[i]), false)).toBeLessThanOrEqual(1);
    }
  });
});

describe('vmath: pow', () => {
  const SP = [0, -0, 1, -1, 2, -2, 0.5, -0.5, 3, -3, Infinity, -Infinity, NaN, 1e-310, -1e-310, 1e308, 0.1, 10, 1.5, -1.5, 2.5, 1024, -1075, 53, 1e20];
  const sx: number[] = [], sy: number[] = [];
  for (const a of SP) for (const b of SP) { sx.push(a); sy.push(b); }
  const ix: number[] = [], iy: number[] = [];
  for (let a = -20; a <= 20; a++) for (let b = -60; b <= 60; b++) { ix.push(a); iy.push(b); }
  const cases: [string, number[], number[]][] = [
    ['wide', logUni(1e-5, 1e5), uni(-60, 60)],
    ['near one, huge y', uni(1 - 1e-6, 1 + 1e-6), uni(-1e9, 1e9)],
    ['over/underflow edge', uni(0, 2), uni(-2000, 2000)],
    ['negative base, integer y', uni(-10, 0), uni(-30, 30).map(Math.round)],
    ['specials', sx, sy],
    ['integers', ix, iy],
  ];
  for (const [label, xs, ys] of cases) {
    it(`pow_f64 within 1 ulp of Math.pow (C99 special cases): ${label}`, () => {
      const r = maxUlp(run2('pow_f64', xs, ys, false, 8), (i) => powC99(xs[i], ys[i]), false);
      expect(r.max, `pow(${xs[r.at]}, ${ys[r.at]}) = ${r.got}, Math gives ${r.want}`).toBeLessThanOrEqual(1);
    });
    it(`pow_f32 within 1 ulp of fround(Math.pow): ${label}`, () => {
      const xf = Float32Array.from(xs), yf = Float32Array.from(ys);
      const r = maxUlp(run2('pow_f32', xf, yf, true, 4), (i) => powC99(xf[i], yf[i]), true);
      expect(r.max, `pow(${xf[r.at]}, ${yf[r.at]}) = ${r.got}`).toBeLessThanOrEqual(1);
    });
  }
  it('pows_f64 / pows_f32 take a scalar exponent', () => {
    const xs = logUni(1e-3, 1e3).slice(0, 1001);
    for (const s of [0, 1, 2, 0.5, -1, 3.7, -2.25, Infinity, NaN]) {
      const r = maxUlp(run2('pows_f64', xs, s, false), (i) => powC99(xs[i], s), false);
      expect(r.max, `pows_f64 s=${s}`).toBeLessThanOrEqual(1);
      const xf = Float32Array.from(xs);
      const r32 = maxUlp(run2('pows_f32', xf, s, true), (i) => powC99(xf[i], Math.fround(s)), true);
      expect(r32.max, `pows_f32 s=${s}`).toBeLessThanOrEqual(1);
    }
  });
});

describe('vmath: integer kernels', () => {
  const I32 = [0, 1, -1, 2, -2, 7, -7, 46341, -46341, 65535, 2147483647, -2147483648, 123456789, -987654321, 3, 5, 11];
  function wrapPow(base: bigint, e: bigint, bits: bigint, signed: boolean): number {
    if (e < 0n) return base === 1n ? 1 : signed && base === -1n ? (e % 2n ? -1 : 1) : 0;
    const m = 1n << bits;
    let r = 1n, b = ((base % m) + m) % m, k = e;
    while (k > 0n) { if (k & 1n) r = (r * b) % m; b = (b * b) % m; k >>= 1n; }
    return Number(signed ? BigInt.asIntN(Number(bits), r) : BigInt.asUintN(Number(bits), r));
  }
  function runInt(name: string, C: Int32ArrayConstructor | Uint32ArrayConstructor | Uint8ArrayConstructor,
    xs: number[], ys?: number[] | number, shift = 0): number[] {
    const n = xs.length, es = C.BYTES_PER_ELEMENT, stride = (n * es + 127) & ~63;
    const xa = BASE + shift, ya = xa + stride, oa = ya + stride + shift;
    new C(buf, xa, n).set(xs);
    if (ys === undefined) ex[name](0, n, xa, oa);
    else if (typeof ys === 'number') ex[name](0, n, xa, ys, oa);
    else { new C(buf, ya, n).set(ys); ex[name](0, n, xa, ya, oa); }
    return Array.from(new C(buf, oa, n));
  }
  const many = (k: number, lo: number, hi: number) => Array.from({ length: k }, () => Math.floor(lo + (hi - lo) * rand()));

  it('abs/neg/square wrap like the typed array', () => {
    for (const shift of [0, 4, 12]) {
      const xs = I32.concat(many(100, -(2 ** 31), 2 ** 31));
      expect(runInt('abs_i32', Int32Array, xs, undefined, shift)).toEqual(Array.from(Int32Array.from(xs, Math.abs)));
      expect(runInt('neg_i32', Int32Array, xs, undefined, shift)).toEqual(Array.from(Int32Array.from(xs, (v) => -v)));
      expect(runInt('square_i32', Int32Array, xs, undefined, shift)).toEqual(Array.from(Int32Array.from(xs, (v) => Math.imul(v, v))));
      const us = Array.from(Uint32Array.from(xs));
      expect(runInt('neg_u32', Uint32Array, us, undefined, shift)).toEqual(Array.from(Uint32Array.from(us, (v) => -v)));
      expect(runInt('square_u32', Uint32Array, us, undefined, shift)).toEqual(Array.from(Uint32Array.from(us, (v) => Math.imul(v, v))));
    }
    for (const shift of [0, 1, 7]) {
      const bs = Array.from({ length: 256 }, (_, i) => i).concat(many(37, 0, 256));
      expect(runInt('neg_u8', Uint8Array, bs, undefined, shift)).toEqual(Array.from(Uint8Array.from(bs, (v) => -v)));
      expect(runInt('square_u8', Uint8Array, bs, undefined, shift)).toEqual(Array.from(Uint8Array.from(bs, (v) => v * v)));
    }
  });

  it('integer pow: repeated squaring with wrap; negative exponents', () => {
    const bases = [0, 1, -1, 2, -2, 3, -3, 7, 10, -10, 255, 65537, 2147483647, -2147483648];
    const exps = [0, 1, 2, 3, 5, 10, 31, 32, 33, 63, 64, 100, 1000, 2147483647, -1, -2, -3, -2147483648];
    const xs: number[] = [], ys: number[] = [];
    for (const b of bases) for (const e of exps) { xs.push(b); ys.push(e); }
    expect(runInt('pow_i32', Int32Array, xs, ys)).toEqual(xs.map((b, i) => wrapPow(BigInt(b), BigInt(ys[i]), 32n, true)));
    const ux = Array.from(Uint32Array.from(xs)), uy = Array.from(Uint32Array.from(ys));
    expect(runInt('pow_u32', Uint32Array, ux, uy)).toEqual(ux.map((b, i) => wrapPow(BigInt(b), BigInt(uy[i]), 32n, false)));
    const bx = Array.from(Uint8Array.from(xs)), by = Array.from(Uint8Array.from(ys));
    expect(runInt('pow_u8', Uint8Array, bx, by)).toEqual(bx.map((b, i) => wrapPow(BigInt(b), BigInt(by[i]), 8n, false)));
    for (const s of [0, 1, 2, 3, 7, 31, 32, 33, 64, 1000, 1e12, 3.9, -1, -2, -3.5]) {
      const e = BigInt(Math.trunc(s));
      for (const shift of [0, 4]) {
        expect(runInt('pows_i32', Int32Array, bases.concat(bases), s, shift), `pows_i32 ${s}`)
          .toEqual(bases.concat(bases).map((b) => wrapPow(BigInt(b), e, 32n, true)));
        const ub = Array.from(Uint32Array.from(bases.concat(bases)));
        expect(runInt('pows_u32', Uint32Array, ub, s, shift), `pows_u32 ${s}`).toEqual(ub.map((b) => wrapPow(BigInt(b), e, 32n, false)));
      }
      const u8 = Array.from({ length: 256 }, (_, i) => i).concat([3, 5, 7]);
      expect(runInt('pows_u8', Uint8Array, u8, s, 3), `pows_u8 ${s}`).toEqual(u8.map((b) => wrapPow(BigInt(b), e, 8n, false)));
    }
  });
});

describe('vmath: module hygiene', () => {
  it('build/kernels.wasm has no data segments and no start function', () => {
    let pos = 8;
    const leb = () => { let r = 0, s = 0, b; do { b = bytes[pos++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return r >>> 0; };
    const sections: number[] = [];
    while (pos < bytes.length) {
      const id = bytes[pos++], size = leb(), end = pos + size;
      sections.push(id);
      if (id === 11) expect(leb(), 'data segment count').toBe(0);
      if (id === 12) expect(leb(), 'data count').toBe(0);
      pos = end;
    }
    expect(sections).not.toContain(8);
    const mod = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(mod).some((i) => i.kind === 'memory')).toBe(true);
  });
});
