// matmul: the op generator driven directly against build/kernels.wasm
// (test/helpers/op-harness.ts: chunks in shuffled order, scratch poisoned), then
// the engine's op for 1, 2 and 3 threads, sync and async (test/helpers/op-engines.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matmul } from '../src/engine/ops/matmul.js';
import { setupKernels, CTOR, drive, rand, randomArray } from './helpers/op-harness.js';
import { createEngines, disposeEngines, rand as engineRand, type Eng } from './helpers/op-engines.js';

let engines: Eng[] = [];
beforeAll(async () => {
  await setupKernels();
  engines = await createEngines();
});
afterAll(() => disposeEngines(engines));

describe('matmul', () => {
  for (const dt of ['f64', 'f32'] as const) {
    for (const [m, kk, n] of [[1, 1, 1], [3, 5, 7], [127, 129, 131], [300, 200, 100], [1, 300, 1], [9, 1, 9], [5, 0, 3], [513, 17, 2]]) {
      it(`${dt} ${m}×${kk}×${n}`, () => {
        const a = randomArray(dt, m! * kk!), b = randomArray(dt, kk! * n!);
        for (let i = 0; i < a.length; i++) a[i] = rand() - 0.5;
        for (let i = 0; i < b.length; i++) b[i] = rand() - 0.5;
        const out = new CTOR[dt](m! * n!).fill(NaN);
        const c = drive('matmul', (ctx) => matmul(ctx, a, b, { m, k: kk, n, out }));
        expect(c).toBe(out);
        for (let i = 0; i < m!; i++) for (let j = 0; j < n!; j++) {
          let s = 0;
          for (let p = 0; p < kk!; p++) s += a[i * kk! + p]! * b[p * n! + j]!;
          expect(Math.abs(c[i * n! + j]! - s)).toBeLessThan(dt === 'f64' ? 1e-12 * (kk! + 1) : 1e-5 * (kk! + 1));
        }
      });
    }
  }
  it('rejects bad shapes and dtypes', () => {
    expect(() => drive('matmul', (ctx) => matmul(ctx, new Float64Array(6), new Float64Array(6), { m: 2, k: 3, n: 3 }))).toThrow(RangeError);
    expect(() => drive('matmul', (ctx) => matmul(ctx, new Int32Array(4), new Int32Array(4), { m: 2, k: 2, n: 2 }))).toThrow(/i32/);
  });
});

describe('engine matmul', () => {
  for (const dt of ['f64', 'f32']) {
    it(`${dt} shapes against a naive triple loop, all thread counts`, async () => {
      const C = dt === 'f64' ? Float64Array : Float32Array;
      // [70, 600, 530]: several k blocks and column blocks; [1000, 3, 2]: rows split.
      for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [127, 129, 131], [300, 200, 100], [1000, 3, 2], [70, 600, 530]]) {
        const a = new C(m! * k!).map(() => engineRand() - 0.5), b = new C(k! * n!).map(() => engineRand() - 0.5);
        const ref = new Float64Array(m! * n!);
        for (let i = 0; i < m!; i++) for (let p = 0; p < k!; p++) { const av = a[i * k! + p]!; for (let j = 0; j < n!; j++) ref[i * n! + j] += av * b[p * n! + j]!; }
        let first: Float64Array | Float32Array | undefined;
        for (const e of engines) {
          const c = e.threads === 2 ? await e.matmul(a, b, { m, k, n }) : e.matmulSync(a, b, { m, k, n });
          expect(c).toBeInstanceOf(C);
          // Items depend on the shapes alone: every thread count sums in the same order.
          if (first) expect(Array.from(c), `${m}×${k}×${n} threads=${e.threads}`).toEqual(Array.from(first));
          first ??= c;
          let worst = 0;
          for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(c[i] - ref[i]!));
          expect(worst, `${m}×${k}×${n} threads=${e.threads}`).toBeLessThan(dt === 'f64' ? 1e-12 * k! : 1e-5 * k!);
        }
      }
    });
  }
  it('rejects unsupported dtypes and mismatched shapes', () => {
    const e = engines[0];
    expect(() => e.matmulSync(new Int32Array(4), new Int32Array(4), { m: 2, k: 2, n: 2 })).toThrow(TypeError);
    expect(() => e.matmulSync(new Float64Array(6), new Float64Array(6), { m: 2, k: 3, n: 3 })).toThrow(RangeError);
  });
});
