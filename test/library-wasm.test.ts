// The library ops (cumsum, sort, argsort, histogram, matmul, arange, linspace)
// driven directly against build/kernels.wasm: each op generator's jobs are run
// chunk by chunk, in a shuffled chunk order (order independence), on one
// shared memory, with scratch poisoned (no reads of uninitialized scratch).
// Compared with sequential references.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { cumsum } from '../src/engine/ops/scan.js';
import { sort, argsort } from '../src/engine/ops/sort.js';
import { histogram } from '../src/engine/ops/histogram.js';
import { matmul } from '../src/engine/ops/matmul.js';
import { arange, linspace } from '../src/engine/ops/generate.js';

type DT = 'f64' | 'f32' | 'i32' | 'u32' | 'u8';
type TA = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;
const CTOR = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u32: Uint32Array, u8: Uint8Array } as const;
const dtOf = (x: TA): DT => (x instanceof Float64Array ? 'f64' : x instanceof Float32Array ? 'f32' : x instanceof Int32Array ? 'i32' : x instanceof Uint32Array ? 'u32' : 'u8');

let memory: WebAssembly.Memory;
let k: Record<string, (...args: number[]) => number>;
let heap = 65536;
let seed = 12345;
const rand = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 4294967296; };

beforeAll(async () => {
  const mod = await WebAssembly.compile(readFileSync(new URL('../build/kernels.wasm', import.meta.url)));
  memory = new WebAssembly.Memory({ initial: 1024, maximum: 65536, shared: true });
  const env: Record<string, unknown> = { memory };
  if (WebAssembly.Module.imports(mod).some((i) => i.name === 'abort')) env.abort = () => { throw new Error('abort'); };
  k = (await WebAssembly.instantiate(mod, { env } as WebAssembly.Imports)).exports as typeof k;
});

function alloc(dt: DT, n: number): TA {
  const C = CTOR[dt];
  const ptr = (heap + 63) & ~63;
  heap = ptr + Math.max(1, n) * C.BYTES_PER_ELEMENT;
  const need = heap + 1024 - memory.buffer.byteLength;
  if (need > 0) memory.grow(Math.ceil(need / 65536));
  return new C(memory.buffer, ptr, n);
}

/** Stand-in for the engine's OpContext: bump allocation on the test memory. */
class FakeCtx {
  threads = 1;
  copyBack: Array<[TA, TA]> = [];
  constructor(readonly op: string) {}
  place(x: unknown, name: string, opts: { dtypes?: DT[]; dtype?: DT } = {}, back = false) {
    if (!ArrayBuffer.isView(x)) throw new TypeError(`${this.op}: ${name} must be a typed array`);
    const v = x as TA, dtype = dtOf(v);
    if (opts.dtypes && !opts.dtypes.includes(dtype)) throw new TypeError(`${this.op}: ${name} has dtype '${dtype}'`);
    if (opts.dtype && opts.dtype !== dtype) throw new TypeError(`${this.op}: ${name} has dtype '${dtype}'`);
    if (v.buffer === memory.buffer) return { ptr: v.byteOffset, length: v.length, dtype, view: v };
    const s = alloc(dtype, v.length); s.set(v);
    if (back) this.copyBack.push([s, v]);
    return { ptr: s.byteOffset, length: v.length, dtype, view: s, user: v };
  }
  input(x: unknown, name: string, opts?: { dtypes?: DT[]; dtype?: DT }) { return this.place(x, name, opts); }
  inout(x: unknown, name: string, opts?: { dtypes?: DT[]; dtype?: DT }) { return this.place(x, name, opts, true); }
  output(out: unknown, name: string, dtype: DT, length: number) {
    if (out === undefined) { const v = alloc(dtype, length); v.fill(7 as never); return { ptr: v.byteOffset, length, dtype, view: v }; }
    if ((out as TA).length !== length) throw new RangeError(`${this.op}: ${name} length`);
    return this.place(out, name, { dtype }, true);
  }
  scratch(dtype: DT, length: number) {
    const v = alloc(dtype, length);
    new Uint8Array(v.buffer, v.byteOffset, v.byteLength).fill(0xa5);
    return { ptr: v.byteOffset, length, dtype, view: v };
  }
  result(arg: { view: TA; user?: TA }) { return arg.user ?? arg.view; }
}

/** Run an op's jobs sequentially, each job's chunks in a shuffled order. */
function drive<T>(op: string, make: (ctx: never) => Generator<any, T, any>): T {
  const ctx = new FakeCtx(op);
  const mark = heap;
  const gen = make(ctx as never);
  let step = gen.next();
  while (!step.done) {
    const job = step.value;
    const fn = k[job.kernel];
    if (!fn) throw new Error(`missing kernel ${job.kernel}`);
    const chunk = job.chunk ?? 1000;
    const chunks = job.n === 0 ? 0 : Math.ceil(job.n / chunk);
    const order = Array.from({ length: chunks }, (_, i) => i);
    for (let i = chunks - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; }
    const partials = new Float64Array(chunks);
    for (const c of order) partials[c] = fn(c * chunk, Math.min(job.n, (c + 1) * chunk), ...job.args);
    step = gen.next(job.partials ? partials : undefined);
  }
  for (const [from, to] of ctx.copyBack) to.set(from);
  const result = step.value;
  // Results on the test memory must survive the heap reset: copy them out.
  const copy = ArrayBuffer.isView(result) && (result as TA).buffer === memory.buffer ? (result as TA).slice() : result;
  heap = mark;
  return copy as T;
}

function randomArray(dt: DT, n: number, kind: 'random' | 'dups' | 'sorted' | 'reversed' | 'special' = 'random'): TA {
  const a = new CTOR[dt](n);
  const special = [NaN, -0, 0, Infinity, -Infinity, -NaN, 1e-310, -1e-310, 1, -1];
  for (let i = 0; i < n; i++) {
    let v: number;
    if (kind === 'dups') v = Math.floor(rand() * 5) - 2;
    else if (kind === 'special' && dt[0] === 'f' && rand() < 0.3) v = special[Math.floor(rand() * special.length)]!;
    else v = dt === 'u8' ? rand() * 256 : dt === 'u32' ? rand() * 4294967296 : dt === 'i32' ? (rand() - 0.5) * 4294967296 : (rand() - 0.5) * 1e6;
    a[i] = dt[0] === 'f' ? v : Math.floor(v);
  }
  if (kind === 'sorted') a.sort();
  if (kind === 'reversed') a.sort().reverse();
  return a;
}

const SIZES = [0, 1, 2, 3, 7, 97, 1009, 65537, 300007];
const DTS: DT[] = ['f64', 'f32', 'i32', 'u32', 'u8'];
const same = (a: TA, b: TA) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => Object.is(v, b[i]));

describe('sort / argsort', () => {
  for (const dt of DTS) {
    it(`sort ${dt} matches TypedArray#sort`, () => {
      for (const n of SIZES) {
        for (const kind of ['random', 'dups', 'sorted', 'reversed', 'special'] as const) {
          const x = randomArray(dt, n, kind);
          const ref = x.slice().sort();
          drive('sort', (ctx) => sort(ctx, x));
          expect(same(x, ref), `${dt} n=${n} ${kind}`).toBe(true);
        }
      }
    });
    it(`argsort ${dt} is a stable sort permutation`, () => {
      for (const n of SIZES) {
        for (const kind of ['random', 'dups', 'special'] as const) {
          const x = randomArray(dt, n, kind);
          const idx = drive('argsort', (ctx) => argsort(ctx, x)) as Uint32Array;
          const ref = Array.from({ length: n }, (_, i) => i);
          const key = (i: number) => x[i]!;
          const cmp = (a: number, b: number) => {
            const ka = key(a), kb = key(b);
            const na = Number.isNaN(ka), nb = Number.isNaN(kb);
            if (na || nb) return na && nb ? a - b : na ? 1 : -1;
            if (ka !== kb) return ka < kb ? -1 : 1;
            const za = Object.is(ka, -0), zb = Object.is(kb, -0);
            return za !== zb ? (za ? -1 : 1) : a - b;
          };
          ref.sort(cmp);
          expect(Array.from(idx), `${dt} n=${n} ${kind}`).toEqual(ref);
        }
      }
    });
  }
  it('places NaN, ±0, ±Infinity like Float64Array#sort', () => {
    const x = new Float64Array([NaN, 0, -0, Infinity, -Infinity, -NaN, 5, -5, 0, -0, NaN]);
    const ref = x.slice().sort();
    drive('sort', (ctx) => sort(ctx, x));
    expect(same(x, ref)).toBe(true);
  });
  it('sorts 2M f64 with many chunks', () => {
    const x = randomArray('f64', 2_000_003);
    const ref = x.slice().sort();
    drive('sort', (ctx) => sort(ctx, x));
    expect(same(x, ref)).toBe(true);
  });
});

describe('cumsum', () => {
  for (const dt of DTS) {
    it(`cumsum ${dt}`, () => {
      for (const n of [...SIZES, 1_000_003]) {
        const x = randomArray(dt, n, dt[0] === 'f' ? 'random' : 'random');
        const y = drive('cumsum', (ctx) => cumsum(ctx, x)) as TA;
        expect(y.length).toBe(n);
        if (dt[0] === 'f') {
          let s = 0, abs = 0, bad = 0;
          for (let i = 0; i < n; i++) {
            s += x[i]!; abs += Math.abs(x[i]!);
            if (Math.abs(y[i]! - s) > (dt === 'f64' ? 1e-12 : 2e-6) * (abs + 1)) bad++;
          }
          expect(bad, `${dt} n=${n}`).toBe(0);
        } else {
          const ref = new CTOR[dt](n);
          let s = 0;
          for (let i = 0; i < n; i++) { s = (s + x[i]!) % 2 ** 40; ref[i] = s; }
          expect(same(y, ref), `${dt} n=${n}`).toBe(true);
        }
      }
    });
  }
  it('cumsum in place (out = x) and f64 error stays small over 1M terms', () => {
    const n = 1_000_000;
    const x = alloc('f64', n) as Float64Array;
    for (let i = 0; i < n; i++) x[i] = 0.1;
    drive('cumsum', (ctx) => cumsum(ctx, x, { out: x }));
    expect(Math.abs(x[n - 1]! - 100000)).toBeLessThan(1e-9);
    heap = 65536;
  });
});

describe('histogram', () => {
  const ref = (x: TA, bins: number, lo: number, hi: number) => {
    const c = new Uint32Array(bins);
    const step = (hi - lo) / bins;
    const edge = (i: number) => (i === bins ? hi : i * step + lo);
    for (const v of x) {
      if (!(v >= lo && v <= hi)) continue;
      let b = 0;
      while (b < bins - 1 && v >= edge(b + 1)) b++;
      c[b]!++;
    }
    return c;
  };
  for (const dt of DTS) {
    it(`histogram ${dt}`, () => {
      for (const n of [0, 1, 2, 97, 100003]) {
        const x = randomArray(dt, n, 'special');
        const lo = dt === 'u8' ? 10 : dt === 'u32' ? 1e9 : -3e5, hi = dt === 'u8' ? 200 : dt === 'u32' ? 3e9 : 2.5e5;
        for (const bins of [1, 7, 64]) {
          const h = drive('histogram', (ctx) => histogram(ctx, x, { bins, range: [lo, hi] }));
          expect(Array.from(h), `${dt} n=${n} bins=${bins}`).toEqual(Array.from(ref(x, bins, lo, hi)));
        }
      }
    });
  }
  it('edges: value == hi in the last bin, outside and NaN not counted, default range', () => {
    const x = new Float64Array([0, 1, 2, 3, 4, 4, -1, 5, NaN, 0.5]);
    expect(Array.from(drive('histogram', (ctx) => histogram(ctx, x, { bins: 4, range: [0, 4] })))).toEqual([2, 1, 1, 3]);
    const y = new Float64Array([0, 1, 2, 3, 4, 4]);
    expect(Array.from(drive('histogram', (ctx) => histogram(ctx, y, { bins: 4 })))).toEqual([1, 1, 1, 3]);
    expect(Array.from(drive('histogram', (ctx) => histogram(ctx, new Float64Array([5, 5]), { bins: 2 })))).toEqual([0, 2]);
    expect(() => drive('histogram', (ctx) => histogram(ctx, x, { bins: 4 }))).toThrow(RangeError);
    expect(() => drive('histogram', (ctx) => histogram(ctx, y, { bins: 0 }))).toThrow(/bins/);
  });
});

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
