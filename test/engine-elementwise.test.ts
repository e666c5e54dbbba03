// Binary ops, fill, copy and axpy against sequential typed-array references:
// every dtype, awkward sizes, sync and async, threads 1/2/3 (3 with inlining
// off so even 1-element jobs cross the worker protocol), scalar operands,
// unaligned in-place views and foreign (staged) inputs and outputs.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../dist/index.js';
import {
  BIG, BINARY_OPS, CTOR, DTYPES, ENGINE_CONFIGS, FLOATS, SIZES, createEngines, describeMismatch, disposeAll,
  firstMismatch, guarded, INT_RANGE, isFloat, make, random, refBinary, withTimeout, type BinaryOp, type Dtype, type TA,
} from './helpers/engine-ref.js';

let engines: Engine[];
beforeAll(async () => { engines = await createEngines(); });
afterAll(() => disposeAll(engines));

const T = 20_000;

/** Operands that exercise each op's edge cases (NaN/±0/±Inf, zero divisors, MIN/-1, small exponents). */
function operands(op: BinaryOp, d: Dtype, n: number, seed: number): [TA, TA] {
  const a = random(d, n, seed), b = random(d, n, seed + 1);
  if (op === 'pow') {
    const r = random('f64', n, seed + 2, 0, 1);
    for (let i = 0; i < n; i++) {
      if (isFloat(d)) { a[i] = 0.01 + 20 * r[i]!; b[i] = -6 + 12 * ((i * 0.37) % 1); }
      else b[i] = d === 'i32' ? (i % 45) - 4 : i % 41;
    }
    if (isFloat(d) && n > 6) { a[0] = -2; b[0] = 3; a[1] = 0; b[1] = -1; a[2] = NaN; b[3] = NaN; a[4] = -8; b[4] = 0.5; a[5] = 1; b[5] = Infinity; }
    return [a, b];
  }
  if (op === 'divide') for (let i = 0; i < n; i += 5) b[i] = 0;
  if (!isFloat(d) && n > 3) { a[1] = d === 'i32' ? -2147483648 : 0; b[1] = d === 'i32' ? -1 : b[1]!; }
  if (isFloat(d) && n > 8) {
    a[0] = NaN; b[1] = NaN; a[2] = 0; b[2] = -0; a[3] = -0; b[3] = 0; a[4] = Infinity; b[4] = -Infinity; a[5] = -0; b[5] = -0;
  }
  return [a, b];
}

const scalars = (op: BinaryOp, d: Dtype): number[] =>
  op === 'pow' ? (isFloat(d) ? [2, 0.5, -1.5] : [0, 3, 33, -2]) : isFloat(d) ? [2.5, -0, NaN] : d === 'u8' ? [7, 300, -3, 0] : [7, -3, 0, 2 ** 32 + 5];

function expectSame(got: TA, want: TA, op: string, d: Dtype, input?: TA): void {
  const tol = op.startsWith('pow') && isFloat(d) ? 4 : 0;
  const i = firstMismatch(got, want, tol, d === 'f32');
  expect(i, `${op} ${d} n=${want.length}: ${describeMismatch(got, want, i, input)}`).toBe(-1);
}

describe.each(ENGINE_CONFIGS.map((c, i) => [c.label, i] as const))('elementwise on %s', (_label, ei) => {
  for (const d of DTYPES) {
    for (const op of BINARY_OPS) {
      it(`${op} ${d}: array and scalar operands, sync and async, sizes 0..65537`, async () => {
        const e = engines[ei]!;
        const sync = `${op}Sync` as const;
        for (const n of SIZES) {
          const [a, b] = operands(op, d, n, n * 7 + 1);
          const A = e.from(a, d) as TA, B = e.from(b, d) as TA;
          const want = refBinary(op, d, a, b);
          const r1 = (e as any)[sync](A, B) as TA;
          expectSame(r1, want, op, d, a);
          const r2 = await withTimeout((e as any)[op](A, B) as Promise<TA>, T, `${op} ${d} ${n}`);
          expectSame(r2, want, op, d, a);
          for (const s of scalars(op, d)) {
            if (op === 'divide' && !isFloat(d) && !(s >= INT_RANGE[d]![0] && s <= INT_RANGE[d]![1])) {
              // No wrapped or clamped divisor gives numpy's quotient: refused before anything is written.
              const out = e.alloc(d, n).fill(1);
              expect(() => e.divideSync(A, s, { out })).toThrow(/divideSync: b must be an integer in \[/);
              await expect(withTimeout(e.divide(A, s, { out }), T, `divide ${d} ${s}`)).rejects.toThrow(RangeError);
              expect(out.every((v) => v === 1)).toBe(true);
              e.free(out);
              continue;
            }
            const ws = refBinary(op, d, a, s);
            expectSame((e as any)[sync](A, s), ws, `${op}(x, ${s})`, d, a);
            const out = make(d, n); // foreign output: staged and copied back
            const r4 = await withTimeout((e as any)[op](A, s, { out }) as Promise<TA>, T, `${op} ${d} scalar`);
            expect(r4).toBe(out);
            expectSame(out, ws, `${op}(x, ${s}) async`, d, a);
          }
          expect(firstMismatch(A, a)).toBe(-1); // inputs untouched
          expect(firstMismatch(B, b)).toBe(-1);
          for (const r of [r1, r2, A, B]) e.free(r);
        }
      });
    }

    it(`${d}: unaligned subarray views (offsets 1, 3, 5) in place and into other views`, async () => {
      const e = engines[ei]!;
      for (const off of [1, 3, 5]) {
        for (const n of [7, 31, 1021, 65537]) {
          for (const op of ['add', 'multiply', 'maximum', 'divide'] as const) {
            const [a, b] = operands(op, d, n, off * 1000 + n);
            const want = refBinary(op, d, a, b);
            const ga = guarded(e, d, n, off, a), gb = guarded(e, d, n, (off + 2) % 6, b), go = guarded(e, d, n, 5 - off + 1);
            const r = await withTimeout((e as any)[op](ga.view, gb.view, { out: go.view }), T, 'views');
            expect(r).toBe(go.view);
            expectSame(go.view, want, `${op} view`, d, a);
            expect(go.intact() && ga.intact() && gb.intact(), 'bytes outside the views are untouched').toBe(true);
            expect(firstMismatch(ga.view, a)).toBe(-1);
            // in place: out is the first operand itself
            (e as any)[`${op}Sync`](ga.view, gb.view, { out: ga.view });
            expectSame(ga.view, want, `${op} in place`, d, a);
            expect(ga.intact()).toBe(true);
            ga.free(); gb.free(); go.free();
          }
        }
      }
    });

    it(`${d}: out partially overlapping an input gives the sequential (buffered) result`, async () => {
      const e = engines[ei]!;
      const n = 65537;
      const block = e.from(random(d, n + 3, 77), d) as TA;
      const orig = block.slice();
      const x = block.subarray(0, n) as TA, y = block.subarray(3, n + 3) as TA;
      const want = refBinary('add', d, orig.subarray(0, n) as TA, orig.subarray(3, n + 3) as TA);
      await withTimeout(e.add(x, y, { out: y }), T, 'overlap add');
      expectSame(y, want, 'add into an overlapping out', d);
      block.set(orig);
      e.copySync(x, y);
      expectSame(y, orig.subarray(0, n) as TA, 'copy into an overlapping dst', d);
      block.set(orig);
      await withTimeout(e.map((v) => v, y, { out: x }), T, 'overlap js map');
      expectSame(x, orig.subarray(3, n + 3) as TA, 'JS map into an overlapping out', d);
      e.free(block);
    });

    it(`${d}: foreign (plain, non-shared) inputs and outputs are staged`, async () => {
      const e = engines[ei]!;
      for (const n of [0, 5, 1021, 65537]) {
        const [a, b] = operands('subtract', d, n, 99 + n);
        const want = refBinary('subtract', d, a, b);
        const out = make(d, n).fill(1) as TA;
        const before = e.bytesInUse;
        expect(await withTimeout(e.subtract(a, b, { out }), T, 'foreign')).toBe(out);
        expectSame(out, want, 'subtract foreign', d, a);
        const r = e.subtractSync(a, b); // result allocated on the engine
        expectSame(r, want, 'subtract foreign sync', d, a);
        e.free(r);
        expect(e.bytesInUse, 'staging scratch is released').toBe(before);
        // an array of ANOTHER engine's memory is foreign here too
        const other = engines[(ei + 1) % engines.length]!;
        const A = other.from(a, d) as TA;
        const r2 = await withTimeout(e.subtract(A, b), T, 'other engine');
        expectSame(r2, want, 'subtract other-engine input', d, a);
        other.free(A); e.free(r2);
      }
    });

    it(`${d}: fill and copy, including views and foreign arrays`, async () => {
      const e = engines[ei]!;
      for (const n of SIZES) {
        const v = isFloat(d) ? -1.25 : 300.7; // stored as a typed array would store it
        const x = e.alloc(d, n) as TA;
        expect(await withTimeout(e.fill(x, v), T, 'fill')).toBe(x);
        expect(firstMismatch(x, make(d, n).fill(v))).toBe(-1);
        const src = random(d, n, n + 3);
        const dst = e.alloc(d, n) as TA;
        e.copySync(src, dst);
        expect(firstMismatch(dst, src)).toBe(-1);
        const fdst = make(d, n);
        await withTimeout(e.copy(dst, fdst), T, 'copy');
        expect(firstMismatch(fdst, src)).toBe(-1);
        e.free(x); e.free(dst);
      }
      const g = guarded(e, d, 1021, 3);
      e.fillSync(g.view, 9);
      expect(g.view.every((v) => v === 9) && g.intact()).toBe(true);
      g.free();
    });
  }

  for (const d of FLOATS) {
    const alpha = 0.7;
    /** f32 kernels round alpha to f32 and compute in f32, as numpy does for float32 arrays. */
    const ref = (x: TA, y: TA) => {
      const out = make(d, y.length);
      const a32 = Math.fround(alpha);
      for (let i = 0; i < y.length; i++) out[i] = d === 'f64' ? y[i]! + alpha * x[i]! : y[i]! + Math.fround(a32 * x[i]!);
      return out;
    };

    it(`axpy ${d}: x and y partially overlapping give y + alpha*x of the original values`, () => {
      const e = engines[ei]!;
      for (const n of [31, 65537]) {
        const block = e.from(random(d, n + 3, 8), d) as TA;
        const orig = block.slice() as TA;
        e.axpySync(alpha, block.subarray(0, n) as any, block.subarray(3) as any);
        expectSame(block.subarray(3) as TA, ref(orig.subarray(0, n) as TA, orig.subarray(3) as TA), `axpy overlapping x/y n=${n}`, d);
        e.free(block);
      }
    });

    it(`axpy ${d}: y += alpha*x in place, views and foreign y`, async () => {
      const e = engines[ei]!;
      for (const n of SIZES) {
        const x = random(d, n, n), y = random(d, n, n + 1);
        const want = ref(x, y);
        const Y = e.from(y, d) as TA;
        expect(await withTimeout(e.axpy(alpha, x, Y as any), T, 'axpy')).toBe(Y);
        expectSame(Y, want, 'axpy', d);
        const fy = new CTOR[d](y);
        const X = e.from(x, d) as TA;
        e.axpySync(alpha, X as any, fy as any); // foreign y is staged and written back
        expectSame(fy, want, 'axpy foreign y', d);
        e.free(Y); e.free(X);
      }
      const n = 1021, x = random(d, n, 5), y = random(d, n, 6);
      const gy = guarded(e, d, n, 3, y);
      e.axpySync(alpha, x as any, gy.view as any);
      expectSame(gy.view, ref(x, y), 'axpy view', d);
      expect(gy.intact()).toBe(true);
      gy.free();
    });
  }

  // Single-threaded large runs add nothing the small sizes do not cover; keep the suite fast.
  it.skipIf(ei !== 2)(`~2.5M elements: add f64, multiply f32 by a scalar, divide i32, axpy f64`, async () => {
    const e = engines[ei]!;
    const cases: Array<[BinaryOp, Dtype, boolean]> = [['add', 'f64', false], ['multiply', 'f32', true], ['divide', 'i32', false]];
    for (const [op, d, scalar] of cases) {
      const [a, b] = operands(op, d, BIG, 17);
      const A = e.from(a, d) as TA, B = e.from(b, d) as TA;
      const want = refBinary(op, d, a, scalar ? 3 : b);
      const r = await withTimeout((e as any)[op](A, scalar ? 3 : B) as Promise<TA>, 30_000, `${op} big`);
      expectSame(r, want, `${op} big`, d);
      e.free(A); e.free(B); e.free(r);
    }
    const x = random('f64', BIG, 1), y = random('f64', BIG, 2);
    const Y = e.from(y, 'f64'), X = e.from(x, 'f64');
    await withTimeout(e.axpy(-2, X, Y), 30_000, 'axpy big');
    let bad = -1;
    for (let i = 0; i < BIG; i++) if (!Object.is(Y[i], y[i]! + -2 * x[i]!)) { bad = i; break; }
    expect(bad).toBe(-1);
    e.free(X); e.free(Y);
  });
});
