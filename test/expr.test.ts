// engine.evaluate / evaluateSync / expression: language, dtypes, every error
// class (raised before anything is written), reductions bit-identical across
// threads and forms, sizes and unaligned views, cancellation, memory.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { CancelledError, type Engine } from '../dist/index.js';
import {
  ENGINE_CONFIGS, SIZES, createEngines, disposeAll, firstMismatch, guarded, random, settle, withTimeout, type TA,
} from './helpers/engine-ref.js';
import { fusionFromEnv } from './helpers/expr-trees.js';

let engines: Engine[];
beforeAll(async () => { await fusionFromEnv(); engines = await createEngines(); });
afterAll(() => disposeAll(engines));
const T = 30_000;

const bits = (x: ArrayLike<number>) => Array.from(x, (v) => (Object.is(v, -0) ? '-0' : String(v)));

describe('evaluate: elementwise results equal the separate ops', () => {
  it('2*a + 3*b, every size, unaligned views, threads 1-3, sync and async', async () => {
    for (const [k, e] of engines.entries()) {
      for (const n of SIZES) {
        const A = guarded(e, 'f64', n, 1, random('f64', n, n + 1));
        const B = guarded(e, 'f64', n, 3, random('f64', n, n + 2));
        const O = guarded(e, 'f64', n, 5);
        const want = e.addSync(e.multiplySync(A.view, 2), e.multiplySync(B.view, 3));
        await withTimeout(e.evaluate('2*a + 3*b', { a: A.view, b: B.view }, { out: O.view }), T, 'evaluate');
        expect(bits(O.view), `${ENGINE_CONFIGS[k]!.label} n=${n}`).toEqual(bits(want));
        expect(O.intact()).toBe(true);
        const s = e.evaluateSync('2*a + 3*b', { a: A.view, b: B.view }) as Float64Array;
        expect(bits(s)).toEqual(bits(want));
        for (const x of [A, B, O]) x.free();
        e.free(want); e.free(s);
      }
    }
  });

  it('a*b - 4.1*a > 2.5*b gives u8 0/1 equal to the composed comparison', async () => {
    const e = engines[1]!;
    const n = 70_001;
    const a = e.from(random('f64', n, 7)), b = e.from(random('f64', n, 8));
    const c = await withTimeout(e.evaluate<Uint8Array>('a*b - 4.1*a > 2.5*b', { a, b }), T, 'evaluate');
    expect(c).toBeInstanceOf(Uint8Array);
    const l = e.subtractSync(e.multiplySync(a, b), e.multiplySync(a, 4.1)), r = e.multiplySync(b, 2.5);
    expect(Array.from(c)).toEqual(Array.from(l, (v, i) => (v > r[i]! ? 1 : 0)));
  });

  it('sin(a)**2 + cos(b)**2 equals map + square + add (x**2 is square, as in numpy), f64 and f32', async () => {
    for (const dt of ['f64', 'f32'] as const) {
      const e = engines[2]!;
      const n = 5003;
      const a = e.from(random(dt, n, 1, -50, 50), dt), b = e.from(random(dt, n, 2, -50, 50), dt);
      const got = await withTimeout(e.evaluate('sin(a)**2 + cos(b)**2', { a, b }), T, 'evaluate') as TA;
      const want = e.addSync(e.mapSync('square', e.mapSync('sin', a)), e.mapSync('square', e.mapSync('cos', b)));
      expect(got.constructor).toBe(want.constructor);
      expect(bits(got)).toEqual(bits(want));
      // and within 1 ulp per step of the same thing spelled with pow
      const viaPow = e.addSync(e.powSync(e.mapSync('sin', a), 2), e.powSync(e.mapSync('cos', b), 2));
      expect(firstMismatch(got, viaPow, 3, dt === 'f32')).toBe(-1);
    }
  });

  it('a leaf or a constant-only branch is copied / filled into out', () => {
    const e = engines[0]!;
    const a = e.from([1, -2, 3]);
    expect(Array.from(e.evaluateSync('a', { a }) as TA)).toEqual([1, -2, 3]);
    expect(Array.from(e.evaluateSync('+a', { a }) as TA)).toEqual([1, -2, 3]);
    expect(Array.from(e.evaluateSync('where(True, 7, a)', { a }) as TA)).toEqual([7, 7, 7]);
    expect(Array.from(e.evaluateSync('2 - a', { a }) as TA)).toEqual([1, 4, -1]);
    expect(Array.from(e.evaluateSync('(1 + 2) ** 2 / a', { a }) as TA)).toEqual([9, -4.5, 3]);
  });

  it('out may be an input (exact alias)', () => {
    const e = engines[1]!;
    const n = 100_003;
    const a = e.from(random('f64', n, 3));
    const want = e.addSync(e.multiplySync(a, a), 1);
    e.evaluateSync('a*a + 1', { a }, { out: a });
    expect(bits(a)).toEqual(bits(want));
  });

  it('a length-1 array broadcasts like a number of its dtype', () => {
    const e = engines[0]!;
    const a = e.from([1, 2, 3, 4], 'f32'), s = e.from([0.1], 'f32');
    const got = e.evaluateSync('a * s', { a, s }) as Float32Array;
    expect(got).toBeInstanceOf(Float32Array);
    expect(Array.from(got)).toEqual(Array.from(e.multiplySync(a, Math.fround(0.1))));
  });
});

describe('number-only parts are computed as Python computes them', () => {
  // Each source against the same expression with the number-only part written out.
  const cases: Array<[string, string, Record<string, number>]> = [
    ['i + 2**-1', 'i + 0.5', {}], ['u8 * 2**-1', 'u8 * 0.5', {}], ['i + k**n', 'i + 0.1111111111111111', { k: 3, n: -2 }],
    ['i + k**2', 'i + 9', { k: 3 }], ['i + pow(k, 2)', 'i + 9', { k: 3 }], ['f + pow(x, k)', 'f + 0.421875', { x: 0.75, k: 3 }],
    ['f * pow(2, -1)', 'f * 0.5', {}], ['f + 1 ** nan', 'f + 1', { nan: NaN }], ['f + pow(1, nan)', 'f + 1', { nan: NaN }],
    ['f + (-1) ** inf', 'f + 1', { inf: Infinity }], ['f + nan ** 0', 'f + 1', { nan: NaN }], ['where(k > 2, i, 2**-1)', 'where(k > 2, i, 0.5)', { k: 3 }],
  ];
  it.each(cases)('%s is %s', (src, same) => {
    const e = engines[0]!;
    const vars = { i: e.from([-3, 0, 2, 7], 'i32'), u8: e.from([0, 1, 200, 255], 'u8'), f: e.from([0.5, -1, 2, 3]) };
    const want = e.evaluateSync(same, { ...vars, k: 3 }) as TA;
    const got = e.evaluateSync(src, { ...vars, ...(cases.find((c) => c[0] === src)![2]) }) as TA;
    expect(got.constructor.name).toBe(want.constructor.name);
    expect(bits(got)).toEqual(bits(want));
  });
});

describe('pow(x, y) is numpy.power, x ** y takes numpy\'s fast paths', () => {
  it('pow(a, literal) has the bits of engine.pow and of pow(a, y) from vars; a ** 0.5 is sqrt, a ** 2 square, a ** -1 is 1/a', async () => {
    for (const [k, e] of engines.entries()) {
      for (const dt of ['f64', 'f32'] as const) {
        const a = e.from([-Infinity, -0, 0, 4, -4, 2.5, 1e-30, Infinity, NaN, 3], dt);
        for (const y of [0.5, 2, -1, 3, -0.5]) {
          const label = `${ENGINE_CONFIGS[k]!.label} ${dt} y=${y}`;
          const want = bits(await withTimeout(e.pow(a, y), T, label) as TA);
          expect(bits(e.evaluateSync(`pow(a, ${y})`, { a }) as TA), `${label} pow(a, literal)`).toEqual(want);
          expect(bits(e.evaluateSync('pow(a, y)', { a, y }) as TA), `${label} pow(a, y)`).toEqual(want);
        }
        expect(bits(e.evaluateSync('a ** 0.5', { a }) as TA)).toEqual(bits(e.mapSync('sqrt', a)));
        expect(bits(e.evaluateSync('a ** 2', { a }) as TA)).toEqual(bits(e.mapSync('square', a)));
        expect(bits(e.evaluateSync('a ** -1', { a }) as TA)).toEqual(bits(e.divideSync(e.from(Array(10).fill(1), dt), a)));
      }
    }
  });
});

describe('dtypes: numpy promotion', () => {
  const cases: Array<[string, string]> = [
    ['i + f', 'Float64Array'], ['i + u8', 'Int32Array'], ['u8 + u', 'Uint32Array'], ['i + u', 'Float64Array'],
    ['f32 + u8', 'Float32Array'], ['f32 + i', 'Float64Array'], ['f32 * 4.1', 'Float32Array'], ['u8 + 1', 'Uint8Array'],
    ['u8 + 1.5', 'Float64Array'], ['i / 2', 'Float64Array'], ['f32 / u8', 'Float32Array'], ['sqrt(u8)', 'Float32Array'],
    ['sqrt(i)', 'Float64Array'], ['floor(i)', 'Int32Array'], ['i > 0', 'Uint8Array'], ['(i > 0) & (u8 < 3)', 'Uint8Array'],
    ['where(i > 0, u8, f32)', 'Float32Array'], ['where(i, 1, 0)', 'Int32Array'], ['i % 3', 'Int32Array'], ['~u8', 'Uint8Array'],
    ['abs(u)', 'Uint32Array'], ['-u8', 'Uint8Array'], ['(i > 0) + 1', 'Int32Array'], ['maximum(f32, 2)', 'Float32Array'],
  ];
  it.each(cases)('%s -> %s', (src, ctor) => {
    const e = engines[0]!;
    const vars = { i: e.from([-3, 0, 2, 7], 'i32'), u: e.from([1, 2, 3, 4], 'u32'), u8: e.from([0, 1, 200, 255], 'u8'), f: e.from([0.5, -1, 2, 3]), f32: e.from([0.5, -1, 2, 3], 'f32') };
    const r = e.evaluateSync(src, vars) as TA;
    expect(r.constructor.name).toBe(ctor);
    expect(r.length).toBe(4);
  });

  it('integer arithmetic wraps like the typed array; % and / follow numpy', () => {
    const e = engines[0]!;
    const i = e.from([-7, 7, -2147483648, 5, 0], 'i32'), j = e.from([2, -2, -1, 0, 3], 'i32');
    expect(Array.from(e.evaluateSync('i % j', { i, j }) as TA)).toEqual([1, -1, 0, 0, 0]);
    expect(Array.from(e.evaluateSync('i / j', { i, j }) as TA)).toEqual([-3.5, -3.5, 2147483648, Infinity, 0]);
    expect(Array.from(e.evaluateSync('i * j', { i, j }) as TA)).toEqual([-14, -14, -2147483648, 0, 0]);
    const f = e.from([-7.5, 7.5, 5, -0.0]), g = e.from([2, -2, 0, 3]);
    expect(bits(e.evaluateSync('f % g', { f, g }) as TA)).toEqual(bits([0.5, -0.5, NaN, 0]));
  });

  it('comparisons and logic are 0/1; ~ on booleans is logical, on integers bitwise', () => {
    const e = engines[0]!;
    const a = e.from([NaN, 1, 2, -0]), u = e.from([0, 1, 0xf0, 255], 'u8');
    expect(Array.from(e.evaluateSync('a == a', { a }) as TA)).toEqual([0, 1, 1, 1]);
    expect(Array.from(e.evaluateSync('a != a', { a }) as TA)).toEqual([1, 0, 0, 0]);
    expect(Array.from(e.evaluateSync('~(a > 1) | (a == 0)', { a }) as TA)).toEqual([1, 1, 0, 1]);
    expect(Array.from(e.evaluateSync('~u', { u }) as TA)).toEqual([255, 254, 0x0f, 0]);
    expect(Array.from(e.evaluateSync('u & 0x0f'.replace('0x0f', '15'), { u }) as TA)).toEqual([0, 1, 0, 15]);
  });

  it('& and | of integers with a number or a length-1 array equal a JS loop at every size (block tails included)', async () => {
    const ctors = { i32: Int32Array, u32: Uint32Array, u8: Uint8Array } as const;
    for (const [k, e] of engines.entries()) {
      for (const dt of ['i32', 'u32', 'u8'] as const) {
        const C = ctors[dt];
        for (const n of [1, 2, 3, 5, 7, 9, 255, 257, 1030]) {
          const x = e.from(random('f64', n, n + k, 0, 200).map(Math.round), dt);
          const one = e.from([0x0f0], dt);
          for (const [src, f] of [['x | 1', (v: number) => v | 1], ['x & 6', (v: number) => v & 6], ['1 | x', (v: number) => v | 1], ['x | one', (v: number) => v | 0xf0], ['one & x', (v: number) => v & 0xf0]] as const) {
            const label = `${ENGINE_CONFIGS[k]!.label} ${dt} n=${n}: ${src}`;
            const want = C.from(x, f);
            const got = (n % 2 ? e.evaluateSync(src, { x, one }) : await withTimeout(e.evaluate(src, { x, one }), T, label)) as TA;
            expect(got.constructor, label).toBe(C);
            expect(firstMismatch(got, want), label).toBe(-1);
            e.free(got);
          }
          e.free(x); e.free(one);
        }
      }
    }
  });
});

describe('reductions', () => {
  it('sum(a*b) has the bits of sum(multiply(a, b)) for threads 1-3, sync and async', async () => {
    for (const n of [0, 1, 255, 257, 1023, 1025, 65537, 300_007]) {
      const results: number[] = [];
      for (const e of engines) {
        const a = e.from(random('f64', n, 11)), b = e.from(random('f64', n, 12));
        const want = e.sumSync(e.multiplySync(a, b));
        results.push(await withTimeout(e.evaluate<number>('sum(a*b)', { a, b }), T, 'sum'));
        results.push(e.evaluateSync<number>('sum(a*b)', { a, b }));
        expect(Object.is(results[results.length - 1], want), `n=${n}`).toBe(true);
        expect(Object.is(e.evaluateSync<number>('mean(a*b)', { a, b }), n === 0 ? NaN : want / n), `mean n=${n}`).toBe(true);
        if (n > 0) expect(Object.is(want, e.dotSync(a, b)), `dot n=${n}`).toBe(true);
      }
      expect(new Set(results).size).toBe(1);
    }
  });

  it('min, max, mean, prod and integer sums', async () => {
    for (const e of engines) {
      const n = 100_003;
      const a = e.from(random('f64', n, 4)), i = e.from(random('i32', n, 5).map((v) => v % 1000), 'i32');
      expect(e.evaluateSync('max(a - 1)', { a })).toBe(e.maxSync(e.subtractSync(a, 1)));
      expect(e.evaluateSync('min(-a)', { a })).toBe(e.minSync(e.mapSync('neg', a)));
      expect(e.evaluateSync('mean(a)', { a })).toBe(e.meanSync(a));
      expect(e.evaluateSync('sum(i * 3)', { i })).toBe(e.sumSync(e.multiplySync(i, 3)));
      expect(e.evaluateSync('sum(i > 0)', { i })).toBe(Array.from(i).filter((v) => v > 0).length);
      const small = e.from([1.5, -2, 3, 0.25]);
      expect(e.evaluateSync('prod(small * 2)', { small })).toBe(3 * -4 * 6 * 0.5);
      expect(await e.evaluate('max(a * 1)', { a: e.from([1, NaN, 2]) })).toBeNaN();
    }
  });

  it('empty: sum 0, prod 1, mean NaN, min/max a RangeError', () => {
    const e = engines[0]!;
    const a = e.alloc('f64', 0);
    expect(e.evaluateSync('sum(a)', { a })).toBe(0);
    expect(e.evaluateSync('prod(a)', { a })).toBe(1);
    expect(e.evaluateSync('mean(a)', { a })).toBeNaN();
    expect(() => e.evaluateSync('min(a)', { a })).toThrow(RangeError);
  });
});

describe('errors, all before anything is written', () => {
  const syntax: Array<[string, RegExp]> = [
    ['2*a + )', /evaluateSync: unexpected '\)' at column 7/],
    ['a +', /unexpected end of expression at column 4/],
    ['(a', /unexpected end of expression at column 3/],
    ['a $ b', /unexpected '\$' at column 3/],
    ['2a', /invalid number '2a' at column 1/],
    ['a < b < 1', /comparisons do not chain.*column 7/],
    ['sin(a,)', /unexpected '\)' at column 7/],
  ];
  it.each(syntax)('SyntaxError: %s', (src, re) => {
    const e = engines[0]!;
    const a = e.from([1, 2]), b = e.from([1, 2]);
    expect(() => e.evaluateSync(src, { a, b })).toThrow(SyntaxError);
    expect(() => e.evaluateSync(src, { a, b })).toThrow(re);
    expect(() => e.expression(src)).toThrow(SyntaxError);
  });

  const types: Array<[string, Record<string, unknown>, RegExp, ErrorConstructor]> = [
    ['a + c', {}, /unknown name 'c'.*column 5/, TypeError],
    ['foo(a)', {}, /unknown function 'foo'/, TypeError],
    // Object.prototype's members are not functions of the language.
    ['toString(a)', {}, /unknown function 'toString'/, TypeError],
    ['constructor(a)', {}, /unknown function 'constructor'/, TypeError],
    ['sin(a, a)', {}, /sin takes 1 argument; got 2/, TypeError],
    ['where(a, a)', {}, /where takes 3 arguments; got 2/, TypeError],
    ['1 + sum(a)', {}, /sum is only allowed as the outermost call/, TypeError],
    ['a & a', {}, /'&' needs boolean or integer operands/, TypeError],
    ['(a > 0) + (a > 1)', {}, /on two booleans/, TypeError],
    ['a + s', { s: 'x' }, /variable 's' must be a typed array.*or a number; got 'x'/, TypeError],
    ['a + s', { s: new Int16Array(2) }, /variable 's' must be a typed array/, TypeError],
    ['a + s', { s: [1, 2] }, /variable 's' must be a typed array/, TypeError],
    ['a + b3', { b3: new Float64Array(3) }, /could not be broadcast together with shapes \(2,\) \(3,\)/, RangeError],
    ['u + 300', { u: new Uint8Array(2) }, /^evaluate(Sync)?: the number 300, which does not fit the dtype 'u8'/, RangeError],
    ['u + k', { u: new Uint8Array(2), k: -1 }, /'k' is -1, which does not fit the dtype 'u8'/, RangeError],
    ['u * (100 + 200)', { u: new Uint8Array(2) }, /the number at column 10 is 300, which does not fit the dtype 'u8'/, RangeError],
    ['2 + 3', {}, /no array operand/, TypeError],
  ];
  it.each(types)('%s', async (src, extra, re, cls) => {
    for (const e of engines) {
      const a = e.from([1, 2]);
      const out = e.from([-9, -9]);
      const used = e.bytesInUse;
      const vars = { a, ...extra } as never;
      expect(() => e.evaluateSync(src, vars, { out } as never)).toThrow(cls);
      expect(() => e.evaluateSync(src, vars, { out } as never)).toThrow(re);
      const r = await settle(e.evaluate(src, vars, { out } as never), T, 'evaluate');
      expect(r.ok).toBe(false);
      expect((r as { error: Error }).error).toBeInstanceOf(cls);
      expect(Array.from(out)).toEqual([-9, -9]);
      expect(e.bytesInUse).toBe(used);
    }
  });

  it('bad vars, out and options', async () => {
    const e = engines[1]!;
    const a = e.from([1, 2, 3]);
    expect(() => e.evaluateSync('a', null as never)).toThrow(/vars must be an object/);
    expect(() => e.evaluateSync(42 as never, { a })).toThrow(/must be a string/);
    expect(() => e.evaluateSync('a > 1', { a }, { out: new Float64Array(3) })).toThrow(/out has dtype 'f64' but the result has dtype 'u8'/);
    expect(() => e.evaluateSync('a + 1', { a }, { out: e.alloc('f64', 2) })).toThrow(RangeError);
    expect(() => e.evaluateSync('sum(a)', { a }, { out: e.alloc('f64', 3) })).toThrow(/out is not used by a reduction over every element/);
    expect(() => e.evaluateSync('a', { a }, { outt: 1 } as never)).toThrow(/outt/);
    expect(() => e.evaluateSync('a + 1', { a }, { axis: 0 })).toThrow(/axis and keepdims apply to an outermost reduction/);
    const freed = e.from([1, 2, 3]);
    e.free(freed);
    expect(() => e.evaluateSync('a + f', { a, f: freed })).toThrow(/freed/);
  });
});

describe('expression(): compiled once, reused', () => {
  it('names, sync and async, new dtypes compile on first use', async () => {
    for (const e of engines) {
      const f = e.expression('where(a > k, sqrt(a), -b * c)');
      expect(f.names).toEqual(['a', 'k', 'b', 'c']);
      expect(f.source).toBe('where(a > k, sqrt(a), -b * c)');
      for (const dt of ['f64', 'f32'] as const) {
        const a = e.from([1, 4, 9, 16], dt), b = e.from([1, 2, 3, 4], dt);
        const want = [-1, -4, 3, 4].map((v) => (dt === 'f32' ? Math.fround(v) : v));
        expect(Array.from(f.sync({ a, b, c: 1, k: 5 }) as TA)).toEqual([-1, -2, 3, 4]);
        expect(Array.from(await withTimeout(f({ a, b, c: b, k: 5 }), T, 'f') as TA)).toEqual(want);
      }
    }
  });

  it('an argument past the options is a TypeError (sync) or a rejection (async), nothing written', async () => {
    const e = engines[0]!;
    const f = e.expression('a * 2');
    const a = e.from([1, 2, 3]), out = e.from([7, 7, 7]);
    expect(() => (f.sync as (...x: unknown[]) => unknown)({ a }, { out }, 1)).toThrow('expression.sync: a compiled expression takes (vars, options); got 3 arguments');
    await expect((f as (...x: unknown[]) => Promise<unknown>)({ a }, { out }, {})).rejects.toThrow(TypeError);
    expect(Array.from(out)).toEqual([7, 7, 7]);
    // A trailing undefined is no argument.
    expect(Array.from((f.sync as (...x: unknown[]) => TA)({ a }, { out }, undefined))).toEqual([2, 4, 6]);
  });
});

describe('cancellation and memory', () => {
  it('an AbortSignal cancels mid-evaluation and frees the scratch frame', async () => {
    const e = engines[1]!;
    const n = 4_000_000;
    const a = e.alloc('f64', n).fill(0.5), out = e.alloc('f64', n);
    const used = e.bytesInUse;
    const ac = new AbortController();
    const p = e.evaluate('sin(a)*cos(a) + tanh(a)*exp(a) + log(a + 2)', { a }, { out, signal: ac.signal });
    setTimeout(() => ac.abort(), 5);
    const r = await settle(p, T, 'cancel');
    expect(r.ok).toBe(false);
    expect((r as { error: Error }).error).toBeInstanceOf(CancelledError);
    expect(e.bytesInUse).toBe(used);
    // the engine still works
    expect(e.evaluateSync('sum(a)', { a })).toBe(n * 0.5);
  });

  it('8M elements allocate no more than out plus a few blocks per thread', async () => {
    for (const e of engines) {
      const n = 8_000_000;
      const a = e.alloc('f64', n), b = e.alloc('f64', n), out = e.alloc('f64', n);
      const before = e.bytesInUse;
      const p = e.evaluate('sin(a)**2 + cos(b)**2 + 2*a*b', { a, b }, { out });
      const during = e.bytesInUse;
      await withTimeout(p, T, 'evaluate');
      // 3 temporaries x 8 KiB per thread, plus the program (under 4 KiB).
      expect(during - before).toBeLessThanOrEqual(e.threads * 4 * 8192 + 4096);
      expect(e.bytesInUse).toBe(before);
      const fresh = e.evaluate('2*a + 3*b', { a, b });
      const duringFresh = e.bytesInUse;
      const r = await withTimeout(fresh, T, 'evaluate') as TA;
      expect(duringFresh - before).toBeLessThanOrEqual(n * 8 + e.threads * 4 * 8192 + 4096);
      e.free(r); e.free(a); e.free(b); e.free(out);
    }
  });
});
