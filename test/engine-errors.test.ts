// Bad arguments: every class throws TypeError/RangeError naming the argument;
// the async form returns a rejected promise (never throws); nothing is written
// and no scratch memory leaks.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Engine, OutOfMemoryError } from '../dist/index.js';
import { SENTINEL, disposeAll, settle, withTimeout } from './helpers/engine-ref.js';

let engines: Engine[];
beforeAll(async () => {
  engines = await withTimeout(Promise.all([Engine.create({ threads: 1 }), Engine.create({ threads: 3, inlineThreshold: 0 })]), 30_000, 'create');
});
afterAll(() => disposeAll(engines));

const T = 10_000;
const N = 8;

interface Fixture {
  a: Float64Array; b: Float64Array; out: Float64Array; short: Float64Array; ia: Int32Array; iout: Int32Array;
  fa: Float64Array; fout: Float64Array; freed: Float64Array;
}

function fixture(e: Engine): Fixture {
  const a = e.from(Float64Array.from({ length: N }, (_, i) => i + 1));
  const b = e.from(Float64Array.from({ length: N }, (_, i) => 10 * i));
  const out = e.alloc('f64', N).fill(SENTINEL.f64);
  const short = e.alloc('f64', N - 1).fill(SENTINEL.f64);
  const ia = e.from(Int32Array.from({ length: N }, (_, i) => i), 'i32');
  const iout = e.alloc('i32', N).fill(SENTINEL.i32);
  const fa = Float64Array.from({ length: N }, (_, i) => -i); // foreign
  const fout = new Float64Array(N).fill(SENTINEL.f64);
  const freed = e.alloc('f64', N);
  e.free(freed);
  return { a, b, out, short, ia, iout, fa, fout, freed };
}

type Call = (e: any, f: Fixture, s: string) => unknown;
/** [label, call (s = '' or 'Sync'), error class, what the message must name] */
const CASES: Array<[string, Call, typeof TypeError | typeof RangeError, RegExp]> = [
  ['length mismatch', (e, f, s) => e[`add${s}`](f.a, f.short, { out: f.out }), RangeError, /\bb\b.*length 7/],
  ['length mismatch, foreign operand', (e, f, s) => e[`multiply${s}`](f.fa, f.short, { out: f.fout }), RangeError, /\bb\b/],
  ['out too short', (e, f, s) => e[`add${s}`](f.a, f.b, { out: f.short }), RangeError, /\bout\b/],
  ['out too short for map', (e, f, s) => e[`map${s}`]('sqrt', f.fa, { out: f.short }), RangeError, /\bout\b/],
  ['dst length mismatch in copy', (e, f, s) => e[`copy${s}`](f.a, f.short), RangeError, /\bdst\b/],
  ['dot length mismatch', (e, f, s) => e[`dot${s}`](f.a, f.short), RangeError, /\bb\b/],
  ['axpy length mismatch', (e, f, s) => e[`axpy${s}`](2, f.a, f.short), RangeError, /\by\b/],
  ['unknown map op', (e, f, s) => e[`map${s}`]('cube', f.a, { out: f.out }), TypeError, /\bop\b.*'cube'/],
  ['map op of the wrong type', (e, f, s) => e[`map${s}`](42, f.a, { out: f.out }), TypeError, /\bop\b/],
  ['float-only map on integers', (e, f, s) => e[`map${s}`]('sqrt', f.ia, { out: f.iout }), TypeError, /float|dtype/],
  ['exp on integers', (e, f, s) => e[`map${s}`]('exp', f.ia, { out: f.iout }), TypeError, /float|dtype/],
  ['axpy on integers', (e, f, s) => e[`axpy${s}`](2, f.ia, f.iout), TypeError, /\bx\b.*'i32'/],
  ['mismatched operand dtypes', (e, f, s) => e[`add${s}`](f.a, f.ia, { out: f.out }), TypeError, /\bb\b.*'i32'/],
  ['mismatched out dtype', (e, f, s) => e[`subtract${s}`](f.a, f.b, { out: f.iout }), TypeError, /\bout\b/],
  ['mismatched dot dtypes', (e, f, s) => e[`dot${s}`](f.a, f.ia), TypeError, /\bb\b/],
  ['mismatched copy dtypes', (e, f, s) => e[`copy${s}`](f.a, f.iout), TypeError, /\bdst\b/],
  ['non-array operand', (e, f, s) => e[`add${s}`]([1, 2, 3, 4, 5, 6, 7, 8], f.b, { out: f.out }), TypeError, /\ba\b.*Array\(8\)/],
  ['string second operand', (e, f, s) => e[`add${s}`](f.a, '2', { out: f.out }), TypeError, /\bb\b/],
  ['non-array to a reduction', (e, _f, s) => e[`sum${s}`]({ length: 3 }), TypeError, /\bx\b/],
  ['unsupported typed array', (e, _f, s) => e[`sum${s}`](new Int16Array(4)), TypeError, /\bx\b.*Int16Array/],
  ['Uint8ClampedArray', (e, f, s) => e[`map${s}`]('abs', new Uint8ClampedArray(N), { out: f.out }), TypeError, /\bx\b/],
  ['non-integer scalar with an integer array', (e, f, s) => e[`add${s}`](f.ia, 1.5, { out: f.iout }), RangeError, /\bb\b.*integer/],
  ['fill value not a number', (e, f, s) => e[`fill${s}`](f.out, '3'), TypeError, /\bvalue\b/],
  ['axpy alpha not a number', (e, f, s) => e[`axpy${s}`]('2', f.a, f.out), TypeError, /\balpha\b/],
  ['bad ddof', (e, f, s) => e[`variance${s}`](f.a, { ddof: -1 }), RangeError, /\bddof\b/],
  ['non-integer ddof', (e, f, s) => e[`std${s}`](f.a, { ddof: 0.5 }), RangeError, /\bddof\b/],
  ['freed input', (e, f, s) => e[`add${s}`](f.freed, f.b, { out: f.out }), TypeError, /\ba\b.*freed/],
  ['freed out', (e, f, s) => e[`add${s}`](f.a, f.b, { out: f.freed }), TypeError, /\bout\b.*freed/],
  ['async JS function', (e, f, s) => e[`map${s}`](async (v: number) => v, f.a, { out: f.out }), TypeError, /function/],
  ['options not an object', (e, f, s) => e[`add${s}`](f.a, f.b, 5), TypeError, /options/],
  ['options is an array', (e, f, s) => e[`sum${s}`](f.a, f.out), TypeError, /options/],
  ['signal not an AbortSignal', (e, f, s) => e[`add${s}`](f.a, f.b, { out: f.out, signal: {} }), TypeError, /signal/],
  ['signal not an AbortSignal (reduction)', (e, f, s) => e[`sum${s}`](f.a, { signal: 'abort' }), TypeError, /signal/],
];

function snapshot(f: Fixture): number[][] {
  return [f.a, f.b, f.out, f.short, f.ia, f.iout, f.fa, f.fout].map((x) => [...x]);
}

describe.each([['t1', 0], ['t3-noinline', 1]] as const)('bad arguments on %s', (_label, ei) => {
  for (const [label, callFn, Err, names] of CASES) {
    it(`${label}: sync throws ${Err.name}, async rejects, nothing written`, async () => {
      const e = engines[ei]!;
      const f = fixture(e);
      const before = snapshot(f);
      const inUse = e.bytesInUse;
      let syncErr: unknown;
      try { callFn(e, f, 'Sync'); } catch (err) { syncErr = err; }
      expect(syncErr, 'sync form throws').toBeInstanceOf(Err);
      expect((syncErr as Error).message).toMatch(names);

      let p: unknown;
      let thrown: unknown;
      try { p = callFn(e, f, ''); } catch (err) { thrown = err; }
      expect(thrown, `async form must return a rejected promise, not throw (${String(thrown)})`).toBeUndefined();
      expect(p).toBeInstanceOf(Promise);
      const r = await settle(p as Promise<unknown>, T, label);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toBeInstanceOf(Err);
        expect((r.error as Error).message).toMatch(names);
      }
      expect(snapshot(f), 'inputs and outputs unchanged').toEqual(before);
      expect(e.bytesInUse, 'no scratch leaked').toBe(inUse);
    });
  }

  it('the engine still computes correctly after all those errors', async () => {
    const e = engines[ei]!;
    const f = fixture(e);
    await withTimeout(e.add(f.a, f.b, { out: f.out }), T, 'add');
    expect([...f.out]).toEqual([...f.a].map((v, i) => v + f.b[i]!));
  });
});

describe('Engine.create and memory argument checks', () => {
  const BAD: Array<[string, unknown, typeof TypeError | typeof RangeError, RegExp]> = [
    ['threads 0', { threads: 0 }, RangeError, /threads/],
    ['threads 1.5', { threads: 1.5 }, RangeError, /threads/],
    ['threads 1000', { threads: 1000 }, RangeError, /threads/],
    ['threads as a string', { threads: '2' }, TypeError, /threads/],
    ['negative memory.initial', { memory: { initial: -1 } }, RangeError, /memory\.initial/],
    ['fractional memory.maximum', { memory: { maximum: 1e6 + 0.5 } }, RangeError, /memory\.maximum/],
    ['memory.maximum beyond 4 GiB', { memory: { maximum: 2 ** 33 } }, RangeError, /memory\.maximum/],
    ['memory.initial above maximum', { memory: { initial: 64 << 20, maximum: 8 << 20 } }, RangeError, /memory\.initial/],
    ['memory.initial below the control block', { memory: { initial: 4096 } }, RangeError, /memory\.initial/],
    ['negative spin', { spin: -1 }, RangeError, /spin/],
    ['negative inlineThreshold', { inlineThreshold: -1 }, RangeError, /inlineThreshold/],
    ['options not an object', 7, TypeError, /options/],
    ['memory as a string', { memory: '64MB' }, TypeError, /memory/],
    ['memory.initial as a string', { memory: { initial: '64MB' } }, TypeError, /memory\.initial/],
    ['an unknown key (thread)', { thread: 2 }, TypeError, /unknown option 'thread'.*'threads'/],
    ['an unknown memory key', { memory: { max: 2 ** 30 } }, TypeError, /unknown option 'max'.*'maximum'/],
  ];
  for (const [label, opts, Err, re] of BAD) {
    it(`Engine.create rejects ${label}`, async () => {
      let p: unknown;
      expect(() => { p = Engine.create(opts as any); }).not.toThrow();
      const r = await settle(p as Promise<Engine>, T, label);
      if (r.ok) await r.value.dispose();
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toBeInstanceOf(Err);
        expect(r.error.message).toMatch(re);
      }
    });
  }

  it('alloc and from name their bad arguments', () => {
    const e = engines[0]!;
    expect(() => e.alloc('f16' as any, 4)).toThrow(TypeError);
    expect(() => e.alloc('f16' as any, 4)).toThrow(/dtype/);
    expect(() => e.alloc('f64', -1)).toThrow(RangeError);
    expect(() => e.alloc('f64', 1.5)).toThrow(/\bn\b/);
    expect(() => e.alloc('f64', 2 ** 40)).toThrow(OutOfMemoryError);
    expect(() => e.alloc('f64', 2 ** 40)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_MEMORY' }));
    expect(() => e.from(42 as any)).toThrow(TypeError);
    expect(() => e.from([1, 2], 'int64' as any)).toThrow(/dtype/);
  });
});

describe('failed ops release the result array they allocated', () => {
  // Without `out`, an op allocates its result before running; when the op then
  // fails (closure refused, kernel error, cancellation) that array is unreachable.
  const k = 3;
  const CASES: Array<[string, (e: Engine, x: Float64Array) => Promise<unknown> | unknown]> = [
    ['closure refused (sync)', (e, x) => e.mapSync((v) => v * k, x)],
    ['closure refused (async)', (e, x) => e.map((v) => v * k, x)],
    ['kernel error (sync)', (e, x) => e.mapSync((v) => { if (v === 5) throw new Error('boom'); return v; }, x)],
    ['kernel error (async)', (e, x) => e.map((v) => { if (v === 5) throw new Error('boom'); return v; }, x)],
    ['already-aborted signal', (e, x) => e.add(x, x, { signal: AbortSignal.abort() })],
    ['already-aborted signal (map)', (e, x) => e.map('exp', x, { signal: AbortSignal.abort() })],
  ];
  for (const [label, call] of CASES) {
    it(label, async () => {
      const e = engines[1]!;
      const x = e.from(Float64Array.from({ length: 10_000 }, (_, i) => i % 10));
      const attempt = async () => { try { await call(e, x); } catch { /* expected */ } };
      await withTimeout(attempt(), T, label); // first use may cache a JS function's source
      const before = e.bytesInUse;
      await withTimeout(attempt(), T, label);
      expect(e.bytesInUse - before, 'bytes leaked by one failed op').toBe(0);
      e.free(x);
    });
  }
});

describe('option keys and aborted signals (both forms)', () => {
  // [op call with the given options, the keys the message must list]
  const OPS: Array<[string, (e: any, f: Fixture, s: string, o: object) => unknown, RegExp]> = [
    ['histogram', (e, f, s, o) => e[`histogram${s}`](f.a, o), /'bins', 'range', 'out'/],
    ['add', (e, f, s, o) => e[`add${s}`](f.a, f.b, o), /'signal', 'out'/],
    ['sum', (e, f, s, o) => e[`sum${s}`](f.a, o), /'signal'/],
    ['map', (e, f, s, o) => e[`map${s}`]('sqrt', f.a, o), /'out'/],
    ['linspace', (e, _f, s, o) => e[`linspace${s}`](0, 1, 5, 'f64', o), /'endpoint', 'out'/],
    ['matmul', (e, f, s, o) => e[`matmul${s}`](f.a, f.b, { m: 2, k: 4, n: 2, ...o }), /'m', 'k', 'n', 'out'/],
    ['parallelFor', (e, _f, s, o) => e[`parallelFor${s}`](undefined, 4, o), /'chunkSize'/],
  ];
  for (const [name, call, known] of OPS) {
    for (const s of ['', 'Sync']) {
      it(`${name}${s}: an unknown option key is a TypeError naming it and the known ones; nothing written`, async () => {
        const e = engines[1]!;
        const f = fixture(e);
        const before = e.bytesInUse;
        let thrown: unknown;
        let p: unknown;
        try { p = call(e, f, s, { bin: 3 }); } catch (err) { thrown = err; }
        if (s === '') {
          expect(thrown).toBeUndefined();
          const r = await settle(p as Promise<unknown>, T, name);
          expect(r.ok).toBe(false);
          if (!r.ok) thrown = r.error;
        }
        expect(thrown).toBeInstanceOf(TypeError);
        expect((thrown as Error).message).toMatch(new RegExp(`^${name}${s}: unknown option 'bin'`));
        expect((thrown as Error).message).toMatch(known);
        expect(e.bytesInUse).toBe(before);
      });
    }
  }

  it('an argument past the options object is a TypeError naming the op and its parameters (both forms); nothing written', async () => {
    const e = engines[1]!;
    const f = fixture(e);
    const calls: Array<[string, (s: string) => unknown]> = [
      ['add', (s) => (e as any)[`add${s}`](f.a, f.b, { out: f.out }, f.b)],
      ['sum', (s) => (e as any)[`sum${s}`](f.a, {}, 1)],
      ['map', (s) => (e as any)[`map${s}`]('sqrt', f.a, { out: f.out }, 'x')],
      ['cumsum', (s) => (e as any)[`cumsum${s}`](f.a, { out: f.out }, f.out)],
    ];
    for (const [name, call] of calls) {
      for (const s of ['', 'Sync']) {
        let thrown: unknown;
        try { const p = call(s); if (s === '') { const r = await settle(p as Promise<unknown>, T, name); if (!r.ok) thrown = r.error; } } catch (err) { thrown = err; }
        expect(thrown, `${name}${s}`).toBeInstanceOf(TypeError);
        expect((thrown as Error).message).toMatch(new RegExp(`^${name}${s}: takes \\(.*options\\); got \\d arguments`));
        expect(Array.from(f.out).every((v) => v === SENTINEL.f64), `${name}${s} wrote out`).toBe(true);
      }
    }
    // A trailing undefined is an absent argument, not an extra one.
    expect(e.sumSync(f.a, undefined, undefined)).toBe(e.sumSync(f.a));
    expect(() => e.varianceSync(f.a, { ddof: '1' as any })).toThrow(/^varianceSync: ddof must be a number; got '1'/);
  });

  it('a Sync op with an already-aborted signal throws CancelledError and writes nothing', () => {
    for (const e of engines) {
      const f = fixture(e);
      const signal = AbortSignal.abort();
      const before = e.bytesInUse;
      expect(() => e.mapSync('sqrt', f.a, { out: f.out, signal })).toThrow(expect.objectContaining({ code: 'ERR_CANCELLED' }));
      expect(() => e.addSync(f.a, f.b, { signal })).toThrow(expect.objectContaining({ name: 'CancelledError' }));
      expect([...f.out].every((v) => v === SENTINEL.f64)).toBe(true);
      expect(e.bytesInUse).toBe(before);
    }
  });

  it('linspace endpoint must be a boolean', async () => {
    const e = engines[0]!;
    expect(() => e.linspaceSync(0, 1, 5, 'f64', { endpoint: 'no' as any })).toThrow(/endpoint/);
    const r = await settle(e.linspace(0, 1, 5, 'f64', { endpoint: 1 as any }), T, 'linspace');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBeInstanceOf(TypeError);
  });
});

describe('foreign and odd data', () => {
  it('a detached typed array is a TypeError naming the op and the argument, in every form', async () => {
    const e = engines[1]!;
    const detached = () => { const a = new Float64Array(8).fill(1); structuredClone(a, { transfer: [a.buffer] }); return a; };
    const before = e.bytesInUse;
    const x = e.from([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => e.sumSync(detached())).toThrow(/^sumSync: x is a Float64Array whose ArrayBuffer was detached/);
    expect(() => e.addSync(x, detached())).toThrow(/^addSync: b .*detached/);
    expect(() => e.mapSync('abs', x, { out: detached() })).toThrow(/^mapSync: out .*detached/);
    const r = await settle(e.add(detached(), x), T, 'add');
    expect(r.ok).toBe(false);
    if (!r.ok) { expect(r.error).toBeInstanceOf(TypeError); expect(r.error.message).toMatch(/^add: a .*detached/); }
    expect(() => e.from(detached())).toThrow(TypeError);
    e.free(x);
    expect(e.bytesInUse).toBe(before);
  });

  it('from() of non-numbers is a TypeError naming the element, and allocates nothing', () => {
    const e = engines[0]!;
    const before = e.bytesInUse;
    for (const bad of [[1n], [1, 2, 'x'], new Set([1, null]), { length: 2, 0: 1, 1: {} }]) {
      expect(() => e.from(bad as any)).toThrow(TypeError);
      expect(() => e.from(bad as any)).toThrow(/^from: data\[\d\] must be a number/);
    }
    expect(() => e.from(new BigInt64Array(2) as any)).toThrow(TypeError);
    expect(() => e.from({ length: -1 } as any)).toThrow(/^from: data.length must be a non-negative integer/);
    expect(e.bytesInUse).toBe(before);
  });

  it('from() of a typed array wasmpar has no dtype for copies it into the smallest dtype that holds it', () => {
    const e = engines[0]!;
    const cases: Array<[ArrayLike<number>, string, number[]]> = [
      [new Int8Array([-128, 5, 127]), 'Int32Array', [-128, 5, 127]], [new Int16Array([-32768, 7]), 'Int32Array', [-32768, 7]],
      [new Uint16Array([65535, 1]), 'Uint32Array', [65535, 1]], [new Uint8ClampedArray([255, 0]), 'Uint8Array', [255, 0]],
    ];
    for (const [src, ctor, want] of cases) {
      const got = e.from(src);
      expect(got.constructor.name).toBe(ctor);
      expect(Array.from(got)).toEqual(want);
      e.free(got);
    }
    const f = e.from(new Int16Array([3, -4]), 'f32');
    expect(Array.from(f)).toEqual([3, -4]);
    e.free(f);
  });
});
