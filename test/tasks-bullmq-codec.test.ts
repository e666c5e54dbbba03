import { describe, expect, it } from 'vitest';
import { decodePayload, encodePayload } from '../src/tasks/backends/bullmq-codec.js';
import { parseWorkerArgs } from '../src/cli/worker.js';

const roundTrip = (v: unknown) => decodePayload(encodePayload(v, 1 << 30, 'the value'));

describe('bullmq payload codec', () => {
  it('keeps every typed array type, its values and length, over views at any offset', () => {
    const ctors = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array];
    for (const C of ctors) {
      for (const n of [0, 1, 7, 1031]) {
        const base = new C(n + 3);
        for (let i = 0; i < base.length; i++) base[i] = (i * 37) % 200;
        const view = base.subarray(1, 1 + n); // unaligned start within the buffer
        const back = roundTrip([view]) as [typeof view];
        expect(back[0]).toBeInstanceOf(C);
        expect(Array.from(back[0])).toEqual(Array.from(view));
        expect(back[0].byteOffset).toBe(0);
      }
    }
    // A view of shared memory (engine.alloc's arrays) travels as a copy of its elements.
    const shared = new Int32Array(new SharedArrayBuffer(16)).fill(-3);
    expect(Array.from(roundTrip(shared) as Int32Array)).toEqual([-3, -3, -3, -3]);
    const big = roundTrip(new BigInt64Array([-5n, 1n << 62n])) as BigInt64Array;
    expect(Array.from(big)).toEqual([-5n, 1n << 62n]);
  });

  it('sends typed arrays as base64, not as numbers', () => {
    const a = new Float64Array(1000).map((_, i) => Math.PI * i);
    const s = encodePayload(a, 1 << 30, 'x');
    expect(s.length).toBeLessThan(a.byteLength * 1.4);
  });

  it('keeps NaN, ±Infinity, -0, undefined, BigInt, Date, Map, Set and nesting', () => {
    const v = {
      nums: [NaN, Infinity, -Infinity, -0, 0, 1.5],
      u: [1, undefined, 3],
      big: 12345678901234567890n,
      when: new Date(1234567),
      m: new Map<unknown, unknown>([['a', new Float32Array([1, 2])]]),
      s: new Set([1, 'two']),
      ab: new Uint8Array([9, 8, 7]).buffer,
    };
    const b = roundTrip(v) as typeof v;
    expect(b.nums[0]).toBeNaN();
    expect(b.nums.slice(1)).toEqual([Infinity, -Infinity, -0, 0, 1.5]);
    expect(Object.is(b.nums[3], -0)).toBe(true);
    expect(b.u.length).toBe(3);
    expect(b.u[1]).toBeUndefined();
    expect(b.big).toBe(12345678901234567890n);
    expect(b.when).toEqual(new Date(1234567));
    expect((b.m.get('a') as Float32Array)[1]).toBe(2);
    expect([...b.s]).toEqual([1, 'two']);
    expect(Array.from(new Uint8Array(b.ab))).toEqual([9, 8, 7]);
    expect(roundTrip(undefined)).toBeUndefined();
  });

  it('refuses what cannot travel, naming it', () => {
    expect(() => encodePayload([() => 1], 1e6, 'the arguments')).toThrow(/the arguments cannot be sent through Redis: a function/);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => encodePayload(cyc, 1e6, 'the arguments')).toThrow(/cycle/);
    expect(() => encodePayload(new SharedArrayBuffer(8), 1e6, 'x')).toThrow(/SharedArrayBuffer/);
    expect(() => encodePayload({ $wasmpar: 1 }, 1e6, 'x')).toThrow(/\$wasmpar/);
  });

  it('enforces the size limit with a clear RangeError', () => {
    const a = new Float64Array(100_000);
    expect(() => encodePayload([a], 100_000, 'the arguments of a batch of 1 task')).toThrow(RangeError);
    expect(() => encodePayload([a], 100_000, 'the arguments of a batch of 1 task')).toThrow(/over the limit .*maxPayloadBytes/);
    expect(() => encodePayload([a], 2_000_000, 'x')).not.toThrow();
  });
});

describe('wasmpar worker arguments', () => {
  it('parses flags, with = or a separate value', () => {
    const p = parseWorkerArgs(['--redis', 'redis://h:1', '--queue=q', '--concurrency', '3', '--threads=2', '--verbose']);
    expect(p).toMatchObject({ redis: 'redis://h:1', queue: 'q', concurrency: 3, threads: 2, verbose: true });
  });
  it('rejects unknown flags and bad numbers, naming them', () => {
    const base = ['--redis', 'redis://h:1', '--queue', 'q'];
    expect(() => parseWorkerArgs([...base, '--concurency', '3'])).toThrow(/concurency.*--concurrency/);
    expect(() => parseWorkerArgs([...base, '--concurrency', '0'])).toThrow(/--concurrency must be an integer/);
    expect(() => parseWorkerArgs(['--redis', 'redis://h:1'])).toThrow(/--queue <name> are required/);
    expect(parseWorkerArgs(['--help'])).toBeUndefined();
  });
});
