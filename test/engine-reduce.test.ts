// Reductions against compensated references; bit-identical results across
// thread counts and between sync and async forms; NaN / ±0 / ties / empty arrays.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../dist/index.js';
import {
  BIG, DTYPES, ENGINE_CONFIGS, SIZES, compensatedSum, createEngines, disposeAll, guarded, isFloat, make, random,
  withTimeout, type Dtype, type TA,
} from './helpers/engine-ref.js';

let engines: Engine[];
beforeAll(async () => { engines = await createEngines(); });
afterAll(() => disposeAll(engines));

const T = 20_000;
type Red = 'sum' | 'mean' | 'min' | 'max' | 'argmin' | 'argmax' | 'norm' | 'variance' | 'std';
const REDS: Red[] = ['sum', 'mean', 'min', 'max', 'argmin', 'argmax', 'norm', 'variance', 'std'];

/** Integer data small enough that sums of squares stay exact in f64. */
const dataFor = (d: Dtype, n: number, seed: number): TA =>
  d === 'f64' || d === 'f32' ? random(d, n, seed, -1000, 1000) : d === 'u8' ? random(d, n, seed) : mod(random(d, n, seed), 100_000);

function mod(a: TA, m: number): TA { for (let i = 0; i < a.length; i++) a[i] = a[i]! % m; return a; }

function reference(op: Red, x: TA, ddof = 0): number {
  const n = x.length;
  const mean = compensatedSum(x) / n;
  switch (op) {
    case 'sum': return compensatedSum(x);
    case 'mean': return mean;
    case 'norm': return Math.sqrt(compensatedSum(x, (v) => v * v));
    case 'variance': return compensatedSum(x, (v) => (v - mean) ** 2) / (n - ddof);
    case 'std': return Math.sqrt(compensatedSum(x, (v) => (v - mean) ** 2) / (n - ddof));
    default: {
      let bi = 0;
      for (let i = 1; i < n; i++) if (op.endsWith('min') ? x[i]! < x[bi]! : x[i]! > x[bi]!) bi = i;
      return op.startsWith('arg') ? bi : x[bi]!;
    }
  }
}

/** Floats: pairwise/blocked sums err like log n; bound by eps * Σ|terms| * 8 (f32 data sums in f64 or f32). */
function tolerance(op: Red, d: Dtype, x: TA): number {
  if (['min', 'max', 'argmin', 'argmax'].includes(op) || (!isFloat(d) && (op === 'sum' || op === 'mean'))) return 0;
  const eps = d === 'f32' ? 2 ** -23 : 2 ** -52;
  const abs = compensatedSum(x, Math.abs) + 1;
  const sq = compensatedSum(x, (v) => v * v) + 1;
  if (op === 'sum') return 16 * eps * abs;
  if (op === 'mean') return 16 * eps * abs / x.length;
  if (op === 'norm') return 16 * eps * Math.sqrt(sq);
  if (op === 'variance') return 64 * eps * sq / x.length;
  return 64 * eps * Math.sqrt(sq / x.length);
}

const call = (e: Engine, op: Red, x: TA, sync: boolean): number | Promise<number> =>
  (e as any)[sync ? `${op}Sync` : op](x);

describe.each(ENGINE_CONFIGS.map((c, i) => [c.label, i] as const))('reductions on %s', (_label, ei) => {
  for (const d of DTYPES) {
    it(`${d}: every reduction vs reference, sync and async, sizes 1..65537, views and foreign arrays`, async () => {
      const e = engines[ei]!;
      for (const n of SIZES.filter((s) => s > 0)) {
        const x = dataFor(d, n, n * 3 + 1);
        const X = e.from(x, d) as TA;
        const g = guarded(e, d, n, 3, x);
        for (const op of REDS) {
          const want = reference(op, x);
          const tol = tolerance(op, d, x);
          const got = [call(e, op, X, true), await withTimeout(call(e, op, X, false) as Promise<number>, T, op),
            call(e, op, x, true), call(e, op, g.view, true)] as number[];
          for (const v of got) {
            if (tol === 0) expect(v, `${op} ${d} n=${n}`).toBe(want);
            else expect(Math.abs(v - want), `${op} ${d} n=${n}: ${v} vs ${want}`).toBeLessThanOrEqual(tol);
          }
          expect(Object.is(got[0], got[1]), `${op} sync/async bit-identical`).toBe(true);
        }
        // dot against a second array
        const y = dataFor(d, n, n + 5);
        const wantDot = compensatedSum(Float64Array.from(x, (v, i) => v * y[i]!));
        const dot = await withTimeout(e.dot(X, y), T, 'dot');
        const dtol = isFloat(d) ? 16 * (d === 'f32' ? 2 ** -23 : 2 ** -52) * (compensatedSum(Float64Array.from(x, (v, i) => Math.abs(v * y[i]!))) + 1) : 0;
        expect(Math.abs(dot - wantDot), `dot ${d} n=${n}`).toBeLessThanOrEqual(dtol);
        expect(Object.is(e.dotSync(X, y), dot)).toBe(true);
        expect(g.intact()).toBe(true);
        e.free(X); g.free();
      }
    });
  }

  it('ddof: variance and std divide by max(n - ddof, 0) as numpy: inf, or NaN when every deviation is 0', async () => {
    const e = engines[ei]!;
    const x = e.from([2, 4, 4, 4, 5, 5, 7, 9], 'f64');
    expect(e.varianceSync(x)).toBe(4);
    expect(await withTimeout(e.variance(x, { ddof: 1 }), T, 'variance')).toBeCloseTo(32 / 7, 14);
    expect(e.stdSync(x)).toBe(2);
    expect(await withTimeout(e.std(x, { ddof: 1 }), T, 'std')).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(e.varianceSync(x, { ddof: 8 })).toBe(Infinity);
    expect(await withTimeout(e.std(x, { ddof: 9 }), T, 'std')).toBe(Infinity);
    expect(e.varianceSync(e.from([5, 5, 5], 'f64'), { ddof: 3 })).toBeNaN();
    expect(e.varianceSync(e.from([1, 3], 'u8'), { ddof: 2 })).toBe(Infinity);
    expect(e.varianceSync(e.from([7, 7], 'u8'), { ddof: 4 })).toBeNaN();
    expect(e.varianceSync(e.from([], 'f64'), { ddof: 0 })).toBeNaN();
    expect(e.varianceSync(e.from([3], 'f64'))).toBe(0);
    // Two-pass variance does not cancel catastrophically around a large mean.
    const big = e.from(Float64Array.from({ length: 65537 }, (_, i) => 1e9 + (i % 2)), 'f64');
    expect(e.varianceSync(big)).toBeCloseTo(0.25, 6);
    e.free(x); e.free(big);
  });

  it('empty arrays: sum/norm/dot 0, mean/variance NaN, min/max/argmin/argmax RangeError (async rejects)', async () => {
    const e = engines[ei]!;
    for (const d of DTYPES) {
      const x = e.alloc(d, 0) as TA;
      expect(e.sumSync(x)).toBe(0);
      expect(await withTimeout(e.sum(x), T, 'sum')).toBe(0);
      expect(e.normSync(x)).toBe(0);
      expect(e.dotSync(x, make(d, 0))).toBe(0);
      expect(e.meanSync(x)).toBeNaN();
      expect(await withTimeout(e.mean(x), T, 'mean')).toBeNaN();
      expect(e.varianceSync(x)).toBeNaN();
      for (const op of ['min', 'max', 'argmin', 'argmax'] as const) {
        expect(() => (e as any)[`${op}Sync`](x)).toThrow(RangeError);
        let p: Promise<number> | undefined;
        expect(() => { p = (e as any)[op](x); }).not.toThrow();
        await expect(withTimeout(p!, T, op)).rejects.toThrow(RangeError);
      }
      e.free(x);
    }
  });

  for (const d of ['f64', 'f32'] as const) {
    it(`${d}: NaN propagates through min/max; argmin/argmax return the first NaN; ±0 and ties`, () => {
      const e = engines[ei]!;
      const n = 65537; // several chunks, so the cross-chunk combine is exercised too
      for (const at of [0, 5, 40_000, n - 1]) {
        const x = e.from(random(d, n, at), d) as TA;
        x[at] = NaN;
        x[Math.min(n - 1, at + 3)] = NaN;
        expect(e.minSync(x)).toBeNaN();
        expect(e.maxSync(x)).toBeNaN();
        expect(e.argminSync(x)).toBe(at);
        expect(e.argmaxSync(x)).toBe(at);
        e.free(x);
      }
      for (const [a, b] of [[0, -0], [-0, 0]]) {
        for (const split of [1, 40_000]) {
          const x = e.alloc(d, n) as TA;
          x.fill(1);
          x[0] = a!; x[split] = b!;
          expect(Object.is(e.minSync(x), -0), `min of {${a}, ${b}} is -0 (split ${split})`).toBe(true);
          x.fill(-1); x[0] = a!; x[split] = b!;
          expect(Object.is(e.maxSync(x), 0), `max of {${a}, ${b}} is +0 (split ${split})`).toBe(true);
          // ±0 compare equal: the first one wins, as in numpy
          x.fill(1); x[0] = a!; x[split] = b!;
          expect(e.argminSync(x)).toBe(0);
          x.fill(-1); x[0] = a!; x[split] = b!;
          expect(e.argmaxSync(x)).toBe(0);
          e.free(x);
        }
      }
      const ties = e.alloc(d, n) as TA;
      ties.fill(3); ties[100] = -7; ties[50_000] = -7; ties[200] = 9; ties[60_000] = 9;
      expect(e.argminSync(ties)).toBe(100);
      expect(e.argmaxSync(ties)).toBe(200);
      ties.fill(Infinity); ties[n - 1] = -Infinity;
      expect(e.minSync(ties)).toBe(-Infinity);
      expect(e.argminSync(ties)).toBe(n - 1);
      e.free(ties);
    });
  }

  it('u32 and i32 extremes and exact integer sums', () => {
    const e = engines[ei]!;
    const u = e.from([5, 0xffffffff, 0x80000000, 0, 7], 'u32');
    expect(e.maxSync(u)).toBe(0xffffffff);
    expect(e.argmaxSync(u)).toBe(1);
    expect(e.minSync(u)).toBe(0);
    expect(e.sumSync(u)).toBe(5 + 0xffffffff + 0x80000000 + 7);
    const i = e.from([5, -2147483648, 2147483647, -1], 'i32');
    expect(e.minSync(i)).toBe(-2147483648);
    expect(e.maxSync(i)).toBe(2147483647);
    expect(e.sumSync(i)).toBe(3);
    e.free(u); e.free(i);
  });
});

describe('bit-identical across threads 1/2/3 and sync/async on ~2.5M random elements', () => {
  for (const d of ['f64', 'f32', 'i32'] as const) {
    it(`${d}`, async () => {
      const x = random(d, BIG, 4242, -1e6, 1e6);
      const results: Record<string, number[]> = {};
      for (const [ei, e] of engines.entries()) {
        const X = e.from(x, d) as TA;
        const row: number[] = [];
        for (const op of ['sum', 'mean', 'norm', 'variance', 'min', 'argmax'] as const) {
          row.push(call(e, op, X, true) as number, await withTimeout(call(e, op, X, false) as Promise<number>, 30_000, `${op} big`));
        }
        const Y = e.from(random(d, BIG, 7, -1, 1), d) as TA;
        row.push(e.dotSync(X, Y), await withTimeout(e.dot(X, Y), 30_000, 'dot big'));
        results[ENGINE_CONFIGS[ei]!.label] = row;
        e.free(X); e.free(Y);
      }
      const [first, ...rest] = Object.values(results);
      for (let k = 0; k < first!.length; k += 2) expect(Object.is(first![k], first![k + 1]), `sync/async #${k / 2}`).toBe(true);
      for (const r of rest) expect(r.every((v, k) => Object.is(v, first![k]))).toBe(true);
      // and close to the compensated reference
      const want = compensatedSum(x);
      expect(Math.abs(first![0]! - want)).toBeLessThanOrEqual(16 * (d === 'f32' ? 2 ** -23 : 2 ** -52) * compensatedSum(x, Math.abs));
    });
  }
});
