// map: the built-in ops against Math.* (exact ops bit-exact, the table-free SIMD
// approximations within 4 ulp), integer maps, and JS-function maps on threads 1/2/3.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../dist/index.js';
import {
  APPROX_MAPS, BIG, DTYPES, ENGINE_CONFIGS, EXACT_MAPS, FLOATS, INT_MAPS, INTS, MAP_RANGE, SIZES, createEngines,
  describeMismatch, disposeAll, firstMismatch, guarded, make, random, refMap, withTimeout, type Dtype, type TA,
} from './helpers/engine-ref.js';

let engines: Engine[];
beforeAll(async () => { engines = await createEngines(); });
afterAll(() => disposeAll(engines));

const T = 20_000;
const SPECIALS = [NaN, 0, -0, Infinity, -Infinity, 0.5, -0.5, 1.5, 2.5, -2.5, 3.5, 1e-310, -1e-310, 2 ** 52 + 1, -(2 ** 53), 1e300, -1];

/** Random data in the op's specified range, with the special values at the front. */
function data(op: string, d: Dtype, n: number, seed: number): TA {
  const [lo, hi] = MAP_RANGE[op] ?? [-1e3, 1e3];
  const x = op === 'log' ? logUniform(d, n, seed, lo, hi) : random(d, n, seed, lo, hi);
  const specials = op === 'sin' || op === 'cos' ? SPECIALS.filter((v) => !(Math.abs(v) > TRIG_LIMIT)) : SPECIALS;
  for (let i = 0; i < Math.min(n, specials.length); i++) x[i] = specials[i]!;
  return x;
}

/** sin/cos reduce the argument exactly only up to 2^27*pi/2 (table-free; assembly/vmath.ts documents it). */
const TRIG_LIMIT = 2 ** 27 * Math.PI / 2;

function logUniform(d: Dtype, n: number, seed: number, lo: number, hi: number): TA {
  const u = random('f64', n, seed, Math.log(lo), Math.log(hi));
  const x = make(d, n);
  for (let i = 0; i < n; i++) x[i] = Math.exp(u[i]!);
  return x;
}

function check(got: TA, want: TA, label: string, tol: number, d: Dtype, input: TA): void {
  const i = firstMismatch(got, want, tol, d === 'f32');
  expect(i, `${label}: ${describeMismatch(got, want, i, input)}`).toBe(-1);
}

describe.each(ENGINE_CONFIGS.map((c, i) => [c.label, i] as const))('map on %s', (_label, ei) => {
  for (const d of FLOATS) {
    for (const op of [...EXACT_MAPS, ...APPROX_MAPS]) {
      it(`'${op}' ${d}: sync, async, in place, sizes 0..65537`, async () => {
        const e = engines[ei]!;
        const tol = APPROX_MAPS.includes(op) ? 4 : 0;
        for (const n of SIZES) {
          const x = data(op, d, n, n + 11);
          const want = refMap(op, d, x);
          const X = e.from(x, d) as TA;
          const r1 = e.mapSync(op as any, X);
          check(r1, want, `${op} ${d} n=${n} sync`, tol, d, x);
          const out = make(d, n); // foreign out
          expect(await withTimeout(e.map(op as any, X, { out }), T, `map ${op}`)).toBe(out);
          check(out, want, `${op} ${d} n=${n} async`, tol, d, x);
          expect(firstMismatch(X, x)).toBe(-1);
          await withTimeout(e.map(op as any, X, { out: X }), T, 'in place');
          check(X, want, `${op} ${d} n=${n} in place`, tol, d, x);
          e.free(X); e.free(r1);
        }
        const x = data(op, d, 1021, 5);
        const g = guarded(e, d, 1021, 3, x);
        e.mapSync(op as any, g.view, { out: g.view });
        check(g.view, refMap(op, d, x), `${op} ${d} unaligned view`, tol, d, x);
        expect(g.intact(), 'bytes outside the view are untouched').toBe(true);
        g.free();
      });
    }
  }

  for (const d of INTS) {
    it(`integer maps ${d}: abs/neg/square wrap like typed arrays; floor/ceil/round are the identity`, async () => {
      const e = engines[ei]!;
      for (const n of SIZES) {
        const x = random(d, n, n + 3);
        if (d === 'i32' && n > 2) { x[0] = -2147483648; x[1] = -1; }
        for (const op of INT_MAPS) {
          const want = refMap(op, d, x);
          const r = await withTimeout(e.map(op as any, x), T, `${op} ${d}`);
          check(r, want, `${op} ${d} n=${n}`, 0, d, x);
          const g = guarded(e, d, n, 1, x);
          e.mapSync(op as any, g.view, { out: g.view });
          check(g.view, want, `${op} ${d} view`, 0, d, x);
          expect(g.intact()).toBe(true);
          g.free(); e.free(r);
        }
      }
    });
  }

  it('sin/cos beyond the exact-reduction range stay finite in [-1, 1]', () => {
    const e = engines[ei]!;
    const x = Float64Array.from([2 ** 52 + 1, -(2 ** 53), 1e300, -1e300, 3e8, 1e20]);
    for (const op of ['sin', 'cos'] as const) {
      for (const v of e.mapSync(op, x)) expect(v >= -1 && v <= 1, `${op} -> ${v}`).toBe(true);
    }
  });

  it('~2.5M f64: sin async and sync agree with Math.sin within 4 ulp', async () => {
    const e = engines[ei]!;
    const x = random('f64', BIG, 3, -50, 50);
    const X = e.from(x, 'f64');
    const r = await withTimeout(e.map('sin', X), 30_000, 'sin big');
    check(r, refMap('sin', 'f64', x), 'sin big', 4, 'f64', x);
    const r2 = e.mapSync('sin', X);
    expect(firstMismatch(r2, r), 'sync and async forms compute the same bits').toBe(-1);
    e.free(X); e.free(r); e.free(r2);
  });

  describe('JS function maps', () => {
    for (const d of DTYPES) {
      it(`(v) => v * v - 1 on ${d}, sizes 0..65537, sync and async, views`, async () => {
        const e = engines[ei]!;
        for (const n of SIZES) {
          const x = random(d, n, n + 17, -50, 50);
          const want = make(d, n);
          for (let i = 0; i < n; i++) want[i] = x[i]! * x[i]! - 1;
          const X = e.from(x, d) as TA;
          const r1 = await withTimeout(e.map((v) => v * v - 1, X), T, 'js map');
          check(r1, want, `js map ${d} n=${n}`, 0, d, x);
          const r2 = e.mapSync((v) => v * v - 1, x); // foreign input
          check(r2, want, `js map sync ${d} n=${n}`, 0, d, x);
          const g = guarded(e, d, n, 3, x);
          await withTimeout(e.map((v) => v * v - 1, g.view, { out: g.view }), T, 'js map view');
          check(g.view, want, `js map view ${d} n=${n}`, 0, d, x);
          expect(g.intact()).toBe(true);
          g.free(); e.free(X); e.free(r1); e.free(r2);
        }
      });
    }

    it('a JS map may write a different dtype through out', async () => {
      const e = engines[ei]!;
      const x = e.from(random('f64', 65537, 2, 0, 255), 'f64');
      const out = e.alloc('u8', x.length);
      await withTimeout(e.map((v) => Math.floor(v), x, { out }), T, 'f64 -> u8');
      const want = new Uint8Array(x.length);
      for (let i = 0; i < x.length; i++) want[i] = Math.floor(x[i]!);
      check(out, want, 'f64 -> u8', 0, 'u8', x as TA);
      e.free(x); e.free(out);
    });

    it('Math.sqrt (a native function) is accepted', async () => {
      const e = engines[ei]!;
      const x = random('f64', 65537, 9, 0, 1e6);
      const r = await withTimeout(e.map(Math.sqrt, x), T, 'Math.sqrt');
      check(r, refMap('sqrt', 'f64', x), 'Math.sqrt', 0, 'f64', x);
      e.free(r);
    });

    it('a closure is refused with a TypeError that says so, sync and async', async () => {
      const e = engines[ei]!;
      const k = 3;
      const x = e.from([1, 2, 3, 4], 'f64');
      const out = e.alloc('f64', 4).fill(-5);
      expect(() => e.mapSync((v) => v * k, x, { out })).toThrow(TypeError);
      expect(() => e.mapSync((v) => v * k, x, { out })).toThrow(/closure/);
      let thrown: unknown;
      const p = e.map((v) => v * k, x, { out });
      await withTimeout(p.catch((err) => { thrown = err; }), T, 'closure');
      expect(thrown).toBeInstanceOf(TypeError);
      expect(String((thrown as Error).message)).toMatch(/closure/);
      expect([...out]).toEqual([-5, -5, -5, -5]);
      e.free(x); e.free(out);
    });
  });
});
