// The shared heap through the public API: zero-filled allocation (also of
// recycled blocks), growth that keeps old views valid, OutOfMemoryError past
// memory.maximum, and clear errors for double free / foreign / view / freed use.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Engine, OutOfMemoryError, WasmparError, DisposedError } from '../dist/index.js';
import { CTOR, DTYPES, SIZES, disposeAll, settle, withTimeout, type TA } from './helpers/engine-ref.js';

const MiB = 1 << 20;
const T = 15_000;
let main: Engine, small: Engine, tiny: Engine;

beforeAll(async () => {
  [main, small, tiny] = await withTimeout(Promise.all([
    Engine.create({ threads: 3, inlineThreshold: 0 }),
    // starts at 1 MiB so the tests below force growth while workers are running
    Engine.create({ threads: 2, inlineThreshold: 0, memory: { initial: 1 * MiB, maximum: 256 * MiB } }),
    Engine.create({ threads: 2, memory: { initial: 2 * MiB, maximum: 8 * MiB } }),
  ]), 30_000, 'create');
});
afterAll(() => disposeAll([main, small, tiny]));

describe('alloc / from', () => {
  it('alloc returns a zero-filled typed array of the right kind on the engine memory', () => {
    for (const d of DTYPES) {
      for (const n of SIZES) {
        const x = main.alloc(d, n) as TA;
        expect(x).toBeInstanceOf(CTOR[d]);
        expect(x.length).toBe(n);
        expect(x.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(x.byteOffset % 64, 'blocks are 64-byte aligned').toBe(0);
        expect(x.byteOffset).toBeGreaterThanOrEqual(65536); // never inside the control block
        expect(x.every((v) => v === 0)).toBe(true);
        main.free(x);
      }
    }
  });

  it('a recycled (dirty) block comes back zero-filled', () => {
    for (const d of DTYPES) {
      const x = main.alloc(d, 1021) as TA;
      x.fill(0xff);
      const at = x.byteOffset;
      main.free(x);
      const y = main.alloc(d, 1021) as TA;
      expect(y.byteOffset, 'first fit hands the same block back').toBe(at);
      expect(y.every((v) => v === 0)).toBe(true);
      main.free(y);
    }
  });

  it('from copies arrays, typed arrays and iterables, with the dtype inferred or given', () => {
    const a = main.from([1.5, 2, 3]);
    expect(a).toBeInstanceOf(Float64Array);
    expect([...a]).toEqual([1.5, 2, 3]);
    const b = main.from(new Int32Array([4, -5]));
    expect(b).toBeInstanceOf(Int32Array);
    const c = main.from(new Set([1, 2, 300]), 'u8');
    expect([...c]).toEqual([1, 2, 44]);
    const src = new Float32Array([1, 2]);
    const d = main.from(src);
    src[0] = 9;
    expect(d[0], 'a copy, not a view').toBe(1);
    for (const x of [a, b, c, d]) main.free(x);
  });

  it('allocations and ops do not leak: bytesInUse returns to its baseline', async () => {
    const base = main.bytesInUse;
    const x = main.alloc('f64', 65537);
    expect(main.bytesInUse).toBeGreaterThanOrEqual(65537 * 8);
    const foreign = new Float64Array(65537).fill(2);
    await withTimeout(main.add(foreign, foreign, { out: new Float64Array(65537) }), T, 'staged add');
    main.sumSync(foreign);
    main.free(x);
    expect(main.bytesInUse).toBe(base);
  });
});

describe('growth', () => {
  it('allocating past the initial size grows the memory; old views stay valid and in place', async () => {
    const e = small;
    const before = e.memory.buffer.byteLength;
    const old = e.alloc('f64', 60_000);
    for (let i = 0; i < old.length; i++) old[i] = i;
    const big = e.alloc('f64', 3_000_000); // 24 MB: well past the initial 1 MiB
    expect(e.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(old[59_999], 'old view still reads its data').toBe(59_999);
    // same bytes through a view on the new buffer object: the memory did not move
    const again = new Float64Array(e.memory.buffer, old.byteOffset, old.length);
    expect(again[12_345]).toBe(12_345);
    // the old view is still recognised as engine memory and used in place by every thread
    await withTimeout(e.multiply(old, 2, { out: old }), T, 'multiply old view');
    expect(again[12_345]).toBe(24_690);
    expect(e.sumSync(old)).toBe(59_999 * 60_000);
    // workers see the grown memory too
    big.fill(1);
    expect(await withTimeout(e.sum(big), T, 'sum big')).toBe(3_000_000);
    const sq = await withTimeout(e.map((v) => v + 1, big), T, 'js map after growth');
    expect(sq[2_999_999]).toBe(2);
    e.free(old); e.free(big); e.free(sq);
  });
});

describe('arrays above 2 GiB (addresses with bit 31 set)', () => {
  it('every op family, expressions included, gives the results it gives at low addresses', async () => {
    const e = await withTimeout(Engine.create({ threads: 2 }), T, 'create');
    try {
      const low = { a: e.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), b: e.from([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]) };
      // Untouched pages: the padding costs address space, not resident memory.
      for (let i = 0; i < 17; i++) e.alloc('u8', 128 * MiB);
      const high = { a: e.from(low.a), b: e.from(low.b) };
      expect(high.a.byteOffset).toBeGreaterThanOrEqual(2 ** 31);
      const run = async ({ a, b }: typeof low): Promise<unknown[]> => {
        const nd = (x: Float64Array) => e.ndarray(x, [2, 5]);
        const flat = (r: unknown) => (ArrayBuffer.isView(r) ? Array.from(r as TA) : r && typeof r === 'object' && 'toArray' in r ? (r as { toArray(): unknown }).toArray() : r);
        const ops: Array<() => unknown> = [
          () => e.evaluate('2*a + b', { a, b }), () => e.evaluate('a % 3 + sin(b)', { a, b }), () => e.evaluate('sum(a * b)', { a, b }),
          () => e.evaluate('where(a > 4, a, -b)', { a: nd(a).T, b: nd(b).T }), () => e.evaluateSync('max(a - b)', { a, b }),
          () => e.add(nd(a).T, nd(b).T), () => e.sum(nd(a), { axis: 0 }), () => e.cumsum(a), () => e.argsort(b),
          () => e.histogram(a, { bins: 3 }), () => e.matmul(nd(a), nd(b).T), () => e.map((v: number) => v * 3, a),
        ];
        const out: unknown[] = [];
        for (const op of ops) out.push(flat(await withTimeout(Promise.resolve(op()), T, 'op')));
        return out;
      };
      expect(await run(high)).toEqual(await run(low));
    } finally {
      await withTimeout(e.dispose(), T, 'dispose');
    }
  }, 60_000);
});

describe('out of memory (maximum 8 MiB)', () => {
  it('OutOfMemoryError (ERR_OUT_OF_MEMORY) past the maximum; freeing makes room again', () => {
    const e = tiny;
    const a = e.alloc('u8', 3 * MiB);
    const b = e.alloc('u8', 3 * MiB);
    let err: unknown;
    try { e.alloc('u8', 3 * MiB); } catch (x) { err = x; }
    expect(err).toBeInstanceOf(OutOfMemoryError);
    expect(err).toBeInstanceOf(WasmparError);
    expect((err as OutOfMemoryError).code).toBe('ERR_OUT_OF_MEMORY');
    expect(e.memory.buffer.byteLength).toBeLessThanOrEqual(8 * MiB);
    e.free(b);
    const c = e.alloc('u8', 3 * MiB);
    expect(c.every((v) => v === 0)).toBe(true);
    e.free(a); e.free(c);
  });

  it('an op whose result or staging does not fit fails cleanly (sync throws, async rejects) and leaks nothing', async () => {
    const e = tiny;
    const a = e.alloc('f64', 400_000); // 3.2 MB
    const b = e.alloc('f64', 400_000);
    const inUse = e.bytesInUse;
    expect(() => e.addSync(a, b)).toThrow(OutOfMemoryError);
    const r = await settle(e.add(a, b), T, 'add oom');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('ERR_OUT_OF_MEMORY');
    const foreign = new Float64Array(400_000).fill(1);
    expect(() => e.sumSync(foreign)).toThrow(OutOfMemoryError); // staging copy does not fit
    expect(e.bytesInUse).toBe(inUse);
    e.addSync(a, b, { out: a }); // in place needs no memory
    e.free(a); e.free(b);
  });

  it('alloc/free cycles reuse (coalesced) blocks instead of growing', () => {
    const e = tiny;
    for (let i = 0; i < 20; i++) {
      const parts = [e.alloc('u8', MiB), e.alloc('f64', MiB / 8), e.alloc('i32', MiB / 4)];
      for (const p of i % 2 ? parts : parts.reverse()) e.free(p);
      const whole = e.alloc('u8', 5 * MiB);
      e.free(whole);
    }
    expect(e.bytesInUse).toBe(0);
  });
});

describe('free', () => {
  it('double free, foreign arrays, views and non-arrays are clear TypeErrors', () => {
    const x = main.alloc('f64', 100);
    main.free(x);
    expect(() => main.free(x)).toThrow(TypeError);
    expect(() => main.free(x)).toThrow(/double free/);
    expect(() => main.free(new Float64Array(4))).toThrow(/does not live in this engine's memory/);
    const other = small.alloc('f64', 4);
    expect(() => main.free(other), "another engine's array").toThrow(TypeError);
    small.free(other);
    const y = main.alloc('i32', 100);
    expect(() => main.free(y.subarray(1))).toThrow(/view/);
    expect(() => main.free(y.subarray(5, 9))).toThrow(TypeError);
    expect(() => main.free([1, 2] as any)).toThrow(TypeError);
    main.free(y);
  });

  it('a freed array, or a view made of it before the free, cannot be used in an op', async () => {
    const x = main.alloc('f64', 1000);
    const view = x.subarray(3, 100);
    main.free(x);
    expect(() => main.sumSync(x)).toThrow(/freed/);
    expect(() => main.mapSync('abs', view)).toThrow(TypeError);
    const r = await settle(main.sum(x), T, 'sum freed');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBeInstanceOf(TypeError);
    // the block may be handed out again; the freed array itself stays refused
    const y = main.alloc('f64', 1000);
    expect(() => main.fillSync(x, 1)).toThrow(/freed/);
    expect(y.every((v) => v === 0)).toBe(true);
    main.free(y);
  });

  it('memory calls after dispose throw DisposedError', async () => {
    const e = await withTimeout(Engine.create({ threads: 1 }), T, 'create');
    const x = e.alloc('f64', 4);
    await withTimeout(e.dispose(), T, 'dispose');
    expect(() => e.alloc('f64', 4)).toThrow(DisposedError);
    expect(() => e.from([1])).toThrow(DisposedError);
    expect(() => e.free(x)).toThrow(DisposedError);
  });
});
