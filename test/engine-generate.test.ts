// arange and linspace: the op generator driven directly against build/kernels.wasm
// (test/helpers/op-harness.ts: chunks in shuffled order, scratch poisoned), then
// the engine's op for 1, 2 and 3 threads, sync and async (test/helpers/op-engines.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arange, linspace } from '../src/engine/ops/generate.js';
import { setupKernels, drive } from './helpers/op-harness.js';
import { createEngines, disposeEngines, type Eng } from './helpers/op-engines.js';

let engines: Eng[] = [];
beforeAll(async () => {
  await setupKernels();
  engines = await createEngines();
});
afterAll(() => disposeEngines(engines));

describe('arange / linspace', () => {
  it('arange like numpy', () => {
    expect(Array.from(drive('arange', (ctx) => arange(ctx, 5)))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(drive('arange', (ctx) => arange(ctx, 1, 2, 0.25)))).toEqual([1, 1.25, 1.5, 1.75]);
    expect(Array.from(drive('arange', (ctx) => arange(ctx, 0.5, 3, 0.5, 'i32')))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(drive('arange', (ctx) => arange(ctx, 10, 0, -3, 'u8')))).toEqual([10, 7, 4, 1]);
    expect(drive('arange', (ctx) => arange(ctx, 3, 1)).length).toBe(0);
    const big = drive('arange', (ctx) => arange(ctx, 0, 100003, 1, 'u32'));
    expect(big.every((v: number, i: number) => v === i)).toBe(true);
    expect(() => drive('arange', (ctx) => arange(ctx, 0, 1, 0))).toThrow(RangeError);
  });
  it('linspace like numpy', () => {
    expect(Array.from(drive('linspace', (ctx) => linspace(ctx, 0, 1, 5)))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(drive('linspace', (ctx) => linspace(ctx, 2, 3, 1)))).toEqual([2]);
    expect(Array.from(drive('linspace', (ctx) => linspace(ctx, 0, 1, 4, 'f64', { endpoint: false })))).toEqual([0, 0.25, 0.5, 0.75]);
    expect(Array.from(drive('linspace', (ctx) => linspace(ctx, -1, 1, 5, 'i32')))).toEqual([-1, -1, 0, 0, 1]);
    const l = drive('linspace', (ctx) => linspace(ctx, 0.1, 0.7, 100003)) as Float64Array;
    const step = 0.6 / 100002;
    expect(l[100002]).toBe(0.7);
    expect(l.slice(0, -1).every((v, i) => v === i * step + 0.1)).toBe(true);
  });
});

describe('engine arange / linspace', () => {
  it('numpy values and lengths', async () => {
    for (const e of engines) {
      expect(Array.from(e.arangeSync(0, 1, 0.25))).toEqual([0, 0.25, 0.5, 0.75]);
      expect(Array.from(await e.arange(5, undefined, undefined, 'i32'))).toEqual([0, 1, 2, 3, 4]);
      const big = e.arangeSync(0, 1_000_000, 1, 'u32');
      expect(big.length).toBe(1_000_000);
      expect(big[999_999]).toBe(999_999);
      const l = e.linspaceSync(0, 1, 1_000_001);
      expect(l[1_000_000]).toBe(1);
      expect(l[500_000]).toBe(0.5);
      expect(() => e.arangeSync(0, 1, 0)).toThrow(RangeError);
      expect(() => e.linspaceSync(0, 1, 5, 'i16')).toThrow(TypeError);
    }
  });
});
