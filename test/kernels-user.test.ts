// Engine-level user kernels: compiled and loaded wasm modules run with
// parallelFor / parallelReduce / map, JS function maps, argument checks, traps,
// the compile cache and the Mandelbrot example. Runs on 1, 2 and 3 threads (the
// last with inlineThreshold 0, so every multi-chunk job goes through the workers).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Engine, KernelError, KernelRuleError, CompileError, CancelledError, EnvironmentError } from '../dist/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const T = 30_000;

/** No await in this file can hang: each settles or fails with a label. */
function guard<V>(p: Promise<V>, label: string, ms = T): Promise<V> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const dog = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`watchdog: ${label} did not settle within ${ms} ms`)), ms); });
  return Promise.race([p, dog]).finally(() => clearTimeout(timer));
}
const failure = (p: Promise<unknown>, label: string) => guard(p.then(() => null, (e) => e), label);
function thrown(fn: () => unknown): any {
  try { fn(); } catch (e) { return e; }
  return null;
}

function run(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return guard(new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: root, timeout: 90_000, encoding: 'utf8', env: { ...process.env, ...opts.env } }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr })); else resolve(stdout);
    });
  }), `node ${args.join(' ')}`, 100_000);
}

const SOURCE = `
export function axpb(start: i32, end: i32, x: usize, y: usize, a: f64, b: f64): void {
  for (let i = start; i < end; i++) store<f64>(y + (<usize>i << 3), a * load<f64>(x + (<usize>i << 3)) + b);
}
export function sum_f64(start: i32, end: i32, x: usize): f64 {
  let s = 0.0;
  for (let i = start; i < end; i++) s += load<f64>(x + (<usize>i << 3));
  return s;
}
export function min_f64(start: i32, end: i32, x: usize): f64 {
  let m = Infinity;
  for (let i = start; i < end; i++) m = min<f64>(m, load<f64>(x + (<usize>i << 3)));
  return m;
}
export function max_f64(start: i32, end: i32, x: usize): f64 {
  let m = -Infinity;
  for (let i = start; i < end; i++) m = max<f64>(m, load<f64>(x + (<usize>i << 3)));
  return m;
}
export function scale_i32(start: i32, end: i32, x: usize, k: i32): void {
  for (let i = start; i < end; i++) store<i32>(x + (<usize>i << 2), load<i32>(x + (<usize>i << 2)) * k);
}
export function trap_on(start: i32, end: i32, x: usize, bad: f64): void {
  for (let i = start; i < end; i++) if (load<f64>(x + (<usize>i << 3)) == bad) unreachable();
}
export function oob(start: i32, end: i32): f64 {
  return load<f64>(<usize>0xfffffff0);
}
export function sq(start: i32, end: i32, x: usize, out: usize): void {
  for (let i = start; i < end; i++) { const v = load<f64>(x + (<usize>i << 3)); store<f64>(out + (<usize>i << 3), v * v); }
}
`;

const CONFIGS = [
  { label: 't1', threads: 1 },
  { label: 't2', threads: 2 },
  { label: 't3-noinline', threads: 3, inlineThreshold: 0 },
];
const SIZES = [0, 1, 2, 7, 13, 127, 1021, 65537, 1_000_000];

let engines: Engine[] = [];
let mods: any[] = [];
let cacheDir: string;

beforeAll(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), 'wasmpar-uk-cache-'));
  engines = await guard(Promise.all(CONFIGS.map(({ label: _l, ...o }) => Engine.create(o))), 'Engine.create');
  mods = await guard(Promise.all(engines.map((e) => e.compile(SOURCE, { cacheDir }))), 'compile', 120_000);
}, 150_000);

afterAll(async () => {
  await guard(Promise.all(engines.map((e) => e.dispose())), 'dispose');
  rmSync(cacheDir, { recursive: true, force: true });
});

/** Integer-valued data: sums are exact in f64, so any combine order gives the reference. */
function ints(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s % 2001) - 1000; });
}
function floats(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s / 2 ** 32 - 0.5) * 1e3 * (1 + (s & 7)); });
}

describe.each(CONFIGS.map((c, i) => [c.label, i] as const))('compiled kernels on %s', (_label, ci) => {
  const engine = () => engines[ci]!;
  const mod = () => mods[ci]!;

  it('parallelFor writes arrays; parallelReduce sum/min/max match references on every size', async () => {
    const e = engine(), m = mod();
    expect(m.kernels).toEqual(['axpb', 'sum_f64', 'min_f64', 'max_f64', 'scale_i32', 'trap_on', 'oob', 'sq']);
    for (const n of SIZES) {
      const data = ints(n, n + 1);
      const x = e.from(data), y = e.alloc('f64', n);
      await guard(e.parallelFor(m.axpb, n, x, y, 2.5, -1), `axpb ${n}`);
      for (let i = 0; i < n; i++) if (y[i] !== 2.5 * data[i]! - 1) expect.fail(`axpb n=${n} i=${i}: ${y[i]}`);
      e.parallelForSync(m.axpb, n, y, y, 0.5, 1, { chunkSize: 1000 }); // in place
      for (let i = 0; i < n; i++) if (y[i] !== 0.5 * (2.5 * data[i]! - 1) + 1) expect.fail(`axpb in place n=${n} i=${i}`);

      const sum = data.reduce((a, b) => a + b, 0);
      const lo = n ? Math.min(...data.slice(0, 1e5)) : Infinity;
      expect(await guard(e.parallelReduce(m.sum_f64, n, 'sum', x), 'sum')).toBe(sum);
      expect(e.parallelReduceSync(m.sum_f64, n, 'sum', x, { chunkSize: 4099 })).toBe(sum);
      const min = await guard(e.parallelReduce(m.min_f64, n, 'min', x), 'min');
      const max = e.parallelReduceSync(m.max_f64, n, 'max', x);
      let mn = Infinity, mx = -Infinity;
      for (const v of data) { if (v < mn) mn = v; if (v > mx) mx = v; }
      expect([min, max]).toEqual([mn, mx]);
      if (n <= 1e5) expect(min).toBe(lo);
      e.free(x); e.free(y);
    }
  });

  it('stages foreign (non-shared) arrays and writes them back; in-place unaligned views work', async () => {
    const e = engine(), m = mod();
    const base = e.bytesInUse;
    const x = Float64Array.from(ints(70_001, 3));
    const y = new Float64Array(x.length).fill(NaN);
    await guard(e.parallelFor(m.axpb, x.length, x, y, 3, 0.5), 'foreign');
    expect(Array.from(x)).toEqual(ints(70_001, 3)); // input untouched
    for (let i = 0; i < x.length; i++) if (y[i] !== 3 * x[i]! + 0.5) expect.fail(`foreign y[${i}]`);
    expect(e.parallelReduceSync(m.sum_f64, x.length, 'sum', x)).toBe(ints(70_001, 3).reduce((a, b) => a + b, 0));
    const k = Int32Array.from([1, -2, 3, 40_000]);
    e.parallelForSync(m.scale_i32, k.length, k, 3);
    expect(Array.from(k)).toEqual([3, -6, 9, 120_000]);
    const shared = e.from(ints(1001, 9));
    const view = shared.subarray(1); // aligned to 8, not 16
    e.parallelForSync(m.axpb, view.length, view, view, 1, 1);
    expect(Array.from(shared)).toEqual(ints(1001, 9).map((v, i) => (i === 0 ? v : v + 1)));
    e.free(shared);
    expect(e.bytesInUse).toBe(base); // staging copies freed
  });

  it('map(kernel) with the signature (start, end, x, out)', async () => {
    const e = engine(), m = mod();
    for (const n of [0, 1, 17, 65537]) {
      const x = e.from(ints(n, n));
      const out = e.alloc('f64', n);
      expect(await guard(e.map(m.sq, x, { out }), 'map kernel')).toBe(out);
      expect(Array.from(out)).toEqual(ints(n, n).map((v) => v * v));
      const fresh = e.mapSync(m.sq, Float64Array.from(x));
      expect(Array.from(fresh)).toEqual(ints(n, n).map((v) => v * v));
      e.free(x); e.free(out);
    }
    expect(thrown(() => e.mapSync(m.axpb, new Float64Array(4)))).toBeInstanceOf(TypeError);
  });

  it('a trap rejects with KernelError (name + trap message) and the next op is correct', async () => {
    const e = engine(), m = mod();
    const base = e.bytesInUse;
    const n = 200_000;
    const x = e.from(ints(n, 5));
    x[n - 3] = 12345.5;
    const err = await failure(e.parallelFor(m.trap_on, n, x, 12345.5), 'trap async');
    expect(err).toBeInstanceOf(KernelError);
    expect(err).toMatchObject({ code: 'ERR_KERNEL', kernel: 'trap_on' });
    expect(err.message).toMatch(/trap_on/);
    expect(err.message).toMatch(/unreachable/);
    const syncErr = thrown(() => e.parallelForSync(m.trap_on, n, x, 12345.5, { chunkSize: 512 }));
    expect(syncErr).toMatchObject({ code: 'ERR_KERNEL', kernel: 'trap_on' });
    const oob = await failure(e.parallelReduce(m.oob, 10_000, 'sum'), 'oob');
    expect(oob).toBeInstanceOf(KernelError);
    expect(oob.message).toMatch(/oob/);
    expect(oob.message).toMatch(/out of bounds/);
    // A foreign output of a trapping op is not written back, and its staging is freed.
    const foreign = new Float64Array(1000).fill(12345.5);
    expect(await failure(e.parallelFor(m.trap_on, 1000, foreign, 12345.5), 'foreign trap')).toBeInstanceOf(KernelError);

    const y = e.alloc('f64', n);
    await guard(e.parallelFor(m.axpb, n, x, y, 2, 0), 'after trap');
    for (let i = 0; i < n; i++) if (y[i] !== 2 * x[i]!) expect.fail(`after trap y[${i}]`);
    expect(e.parallelReduceSync(m.sum_f64, n, 'sum', x)).toBe(Array.from(x).reduce((a, b) => a + b, 0));
    expect(await guard(e.sum(x), 'builtin sum after trap')).toBe(Array.from(x).reduce((a, b) => a + b, 0));
    e.free(x); e.free(y);
    expect(e.bytesInUse).toBe(base);
  });
});

describe('parallelReduce determinism', () => {
  it('float sums are bit-identical across thread counts, sync and async, and close to the exact sum', async () => {
    const data = floats(1_000_003, 7);
    const bits = new Set<string>();
    for (const [i, e] of engines.entries()) {
      const m = mods[i];
      const x = e.from(data);
      for (const opts of [undefined, { chunkSize: 1000 }]) {
        const a = await guard(e.parallelReduce(m.sum_f64, x.length, 'sum', x, ...(opts ? [opts] : [])), 'float sum');
        const s = e.parallelReduceSync(m.sum_f64, x.length, 'sum', x, ...(opts ? [opts] : []));
        expect(s).toBe(a);
        bits.add(`${opts?.chunkSize}:${a}`);
      }
      e.free(x);
    }
    expect(bits.size).toBe(2); // one value per chunking, whatever the engine
    let s = 0, c = 0; // Neumaier
    for (const v of data) { const t = s + v; c += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s; s = t; }
    const got = Number([...bits][0]!.split(':')[1]);
    expect(Math.abs(got - (s + c))).toBeLessThan(1e-12 * data.reduce((a, v) => a + Math.abs(v), 0));
  });
});

describe('argument checks', () => {
  it('wrong count, wrong types, another engine, bad n / chunkSize / combine', async () => {
    const [e, other] = engines as [Engine, Engine];
    const m = mods[0], mo = mods[1];
    const x = e.alloc('f64', 100);
    const cases: Array<[string, () => unknown, any, RegExp]> = [
      ['too few args', () => e.parallelForSync(m.axpb, 10, x, x, 1), RangeError, /takes 4 argument.*got 3/],
      ['too many args', () => e.parallelForSync(m.sum_f64, 10, x, 1), RangeError, /takes 1 argument.*got 2/],
      ['a string arg', () => e.parallelForSync(m.axpb, 10, x, x, 'two', 1), TypeError, /args\[2\].*number or a typed array/],
      ['an array for an f64 param', () => e.parallelForSync(m.axpb, 10, x, x, x, 1), TypeError, /args\[2\] is an array.*f64/],
      ['a bigint', () => e.parallelForSync(m.scale_i32, 10, x, 2n), TypeError, /args\[1\]/],
      ['not a kernel', () => e.parallelForSync('axpb' as any, 10), TypeError, /kernel must be a Kernel/],
      ['a kernel of another engine', () => e.parallelForSync(mo.axpb, 10, x, x, 1, 1), TypeError, /another engine/],
      ['n negative', () => e.parallelForSync(m.axpb, -1, x, x, 1, 1), RangeError, /\bn must be/],
      ['n fractional', () => e.parallelReduceSync(m.sum_f64, 2.5, 'sum', x), RangeError, /\bn must be/],
      ['chunkSize 0', () => e.parallelForSync(m.axpb, 10, x, x, 1, 1, { chunkSize: 0 }), RangeError, /chunkSize/],
      ['chunkSize 1.5', () => e.parallelReduceSync(m.sum_f64, 10, 'sum', x, { chunkSize: 1.5 }), RangeError, /chunkSize/],
      ['chunkSize string', () => e.parallelForSync(m.axpb, 10, x, x, 1, 1, { chunkSize: '8' }), RangeError, /chunkSize/],
      ['too many partials', () => e.parallelReduceSync(m.sum_f64, 1_000_000, 'sum', x, { chunkSize: 64 }), RangeError, /chunkSize.*5632 partials/],
      ['combine avg', () => e.parallelReduceSync(m.sum_f64, 10, 'avg' as any, x), TypeError, /combine must be 'sum', 'min' or 'max'/],
      ['options.signal not a signal', () => e.parallelReduceSync(m.sum_f64, 10, 'sum', x, { signal: 5 }), TypeError, /parallelReduceSync: options\.signal/],
      ['reduce with a void kernel', () => e.parallelReduceSync(m.axpb, 10, 'sum', x, x, 1, 1), TypeError, /returns nothing/],
    ];
    for (const [label, fn, type, message] of cases) {
      const err = thrown(fn);
      expect(err, label).toBeInstanceOf(type);
      expect(err.message, label).toMatch(message);
    }
    // The async forms reject with the same errors.
    expect(await failure(e.parallelFor(mo.axpb, 10, x, x, 1, 1), 'async another engine')).toBeInstanceOf(TypeError);
    expect(await failure(e.parallelReduce(m.sum_f64, 10, 'median' as any, x), 'async combine')).toBeInstanceOf(TypeError);
    expect(await failure(e.parallelFor(m.axpb, 10, x, x, 1, 1, { chunkSize: -4 }), 'async chunkSize')).toBeInstanceOf(RangeError);
    const ac = new AbortController();
    ac.abort();
    expect(await failure(e.parallelFor(m.axpb, 10, x, x, 1, 1, { signal: ac.signal }), 'aborted')).toBeInstanceOf(CancelledError);
    // A trailing undefined is an absent options argument, not a kernel argument.
    expect(e.parallelReduceSync(m.sum_f64, 100, 'sum', x, undefined)).toBe(0);
    // Empty ranges: identities, and nothing runs.
    expect([e.parallelReduceSync(m.sum_f64, 0, 'sum', x), e.parallelReduceSync(m.min_f64, 0, 'min', x), e.parallelReduceSync(m.max_f64, 0, 'max', x)])
      .toEqual([0, Infinity, -Infinity]);
    e.free(x);
    expect(other.threads).toBe(2);
  });
});

// ---- load: bytes, paths, URLs, and the kernel rules ------------------------

const leb = (n: number): number[] => {
  const out: number[] = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return out;
};
const str = (s: string) => [...leb(s.length), ...new TextEncoder().encode(s)];
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];

/** A module importing env.memory (shared, max 65536) with one empty kernel `k(start, end)`, plus the asked-for rule breaks. */
function assemble({ start = false, data = false } = {}): Uint8Array {
  const bytes = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([[0x60, 2, 0x7f, 0x7f, 0], [0x60, 0, 0]])),
    ...section(2, vec([[...str('env'), ...str('memory'), 2, 3, 1, ...leb(65536)]])),
    ...section(3, vec([[0], [1]])),
    ...section(7, vec([[...str('k'), 0, 0]]))];
  if (start) bytes.push(...section(8, leb(1)));
  bytes.push(...section(10, vec([[2, 0, 0x0b], [2, 0, 0x0b]])));
  if (data) bytes.push(...section(11, vec([[0, 0x41, ...leb(1024), 0x0b, ...str('xyz')]])));
  return new Uint8Array(bytes);
}

describe('engine.load', () => {
  it('loads .bytes, a path, a file: URL object and a file: URL string', async () => {
    const e = engines[2]!;
    const dir = mkdtempSync(join(tmpdir(), 'wasmpar-uk-load-'));
    try {
      const file = join(dir, 'kernels.wasm');
      writeFileSync(file, mods[0].bytes);
      const loaded = [
        await guard(e.load(mods[0].bytes), 'load bytes'),
        await guard(e.load(mods[0].bytes.buffer.slice(0)), 'load ArrayBuffer'),
        await guard(e.load(file), 'load path'),
        await guard(e.load(pathToFileURL(file)), 'load URL'),
        await guard(e.load(pathToFileURL(file).href), 'load URL string'),
      ];
      const x = e.from(ints(50_000, 11));
      const want = ints(50_000, 11).reduce((a, b) => a + b, 0);
      for (const m of loaded) {
        expect(m.kernels).toEqual(mods[0].kernels);
        expect(await guard(e.parallelReduce(m.sum_f64, x.length, 'sum', x), 'loaded sum')).toBe(want);
        expect(m.kernel('sum_f64')).toBe(m.sum_f64);
      }
      e.free(x);
      const plain = await guard(e.load(assemble()), 'load handcrafted');
      await guard(e.parallelFor(plain.k, 100_000), 'run handcrafted');
      expect(thrown(() => plain.kernel('nope')).message).toMatch(/no kernel named 'nope'.*'k'/);
      // An EnvironmentError naming the op and the path, with the system error as its cause.
      const missing = await failure(e.load(join(dir, 'missing.wasm')), 'missing file');
      expect(missing).toBeInstanceOf(EnvironmentError);
      expect(missing).toMatchObject({ code: 'ERR_ENVIRONMENT', cause: { code: 'ENOENT' } });
      expect((missing as Error).message).toMatch(/^load: cannot read .*missing\.wasm: ENOENT/);
      expect(await failure(e.load(42 as any), 'bad source')).toBeInstanceOf(TypeError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['a data segment', { data: true }, /data segment/],
    ['a start function', { start: true }, /start function/],
  ])('refuses a module with %s (KernelRuleError naming the rule)', async (_l, spec, rule) => {
    const err = await failure(engines[1]!.load(assemble(spec)), 'load rule');
    expect(err).toBeInstanceOf(KernelRuleError);
    expect(err.code).toBe('ERR_KERNEL_RULE');
    expect(err.message).toMatch(rule);
  });
});

// ---- JS function kernels ----------------------------------------------------

const JS_DTYPES = [['f64', Float64Array], ['f32', Float32Array], ['i32', Int32Array], ['u32', Uint32Array], ['u8', Uint8Array]] as const;

describe('map with a JS function', () => {
  it('matches a plain JS loop on every dtype, size and thread count', async () => {
    const fns = [(v: number) => v * v - 1, (v: number) => Math.sqrt(Math.abs(v)) + 0.25, function half(v: number) { return v / 2; }];
    for (const e of engines) {
      for (const [dtype, Ctor] of JS_DTYPES) {
        for (const n of [0, 1, 7, 1021, 100_003]) {
          const src = ints(n, n + 2);
          const x = e.from(src, dtype);
          for (const fn of fns) {
            const want = new Ctor(n);
            for (let i = 0; i < n; i++) want[i] = fn(x[i]!);
            const got = await guard(e.map(fn, x), `map ${dtype} ${n}`);
            expect(got).toBeInstanceOf(Ctor);
            if (!got.every((v: number, i: number) => Object.is(v, want[i]))) expect.fail(`map ${fn} ${dtype} n=${n} on ${e.threads} threads`);
            const out = new Float64Array(n); // foreign, another dtype
            e.mapSync(fn, x, { out });
            for (let i = 0; i < n; i++) if (!Object.is(out[i], fn(x[i]!))) expect.fail(`mapSync out f64 ${dtype} n=${n} i=${i}`);
          }
          e.free(x);
        }
      }
    }
  });

  it('refuses a closure with a TypeError that says so and points to compile', async () => {
    const k = 3;
    for (const e of engines) {
      const x = e.from([1, 2, 3]);
      const err = await failure(e.map((v: number) => v * k, x), 'closure');
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toMatch(/closure/);
      expect(err.message).toMatch(/engine\.compile/);
      expect(thrown(() => e.mapSync((v: number) => v + k, x))?.message).toMatch(/closure/);
      expect(thrown(() => e.mapSync(((v: number) => v * 2).bind(null), x))).toBeInstanceOf(TypeError);
      // A closure read only on a path the probe did not take fails in the kernel, not silently.
      const big = e.from(new Float64Array(100_000).fill(-1).map((v, i) => (i === 99_999 ? 1 : v)));
      const late = await failure(e.map((v: number) => (v > 0 ? v * k : v), big), 'late closure');
      expect(late).toBeInstanceOf(KernelError);
      expect(late.message).toMatch(/ReferenceError/);
      expect(Array.from(await guard(e.map((v: number) => v * 3, x), 'after closure'))).toEqual([3, 6, 9]);
      e.free(x); e.free(big);
    }
  });
});

// ---- compile errors and the cache -------------------------------------------

describe('engine.compile', () => {
  it('turns diagnostics into a CompileError with line:col', async () => {
    const err = await failure(engines[0]!.compile('export function f(start: i32, end: i32): i32 {\n  let x = 1;\n  return y;\n}\n', { cacheDir }), 'compile error');
    expect(err).toBeInstanceOf(CompileError);
    expect(err.code).toBe('ERR_COMPILE');
    expect(err.message).toMatch(/Cannot find name 'y'.*kernel\.ts\(3,10\)/);
    expect(await failure(engines[0]!.compile(42 as any), 'compile non-string')).toBeInstanceOf(TypeError);
  });

  it('a second compile of the same source returns the same module; a new process hits the disk cache without the compiler', async () => {
    const e = engines[1]!;
    expect(await guard(e.compile(SOURCE, { cacheDir }), 'compile again')).toBe(mods[1]);
    const files = readdirSync(cacheDir).filter((f) => f.endsWith('.wasm'));
    expect(files.length).toBeGreaterThanOrEqual(1);
    expect(files.some((f) => readFileSync(join(cacheDir, f)).equals(Buffer.from(mods[1].bytes)))).toBe(true);

    // The child cannot import the compiler at all: a cache hit must not need it,
    // and a miss must say how to install it.
    const dir = mkdtempSync(join(tmpdir(), 'wasmpar-uk-child-'));
    try {
      writeFileSync(join(dir, 'hooks.mjs'), `export async function resolve(s, c, next) {
        if (s === 'assemblyscript/asc') throw Object.assign(new Error('blocked by test'), { code: 'ERR_MODULE_NOT_FOUND' });
        return next(s, c);
      }`);
      writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});`);
      writeFileSync(join(dir, 'child.mjs'), `
        import { Engine } from ${JSON.stringify(pathToFileURL(join(root, 'dist/index.js')).href)};
        const engine = await Engine.create({ threads: 2 });
        const mod = await engine.compile(${JSON.stringify(SOURCE)}, { cacheDir: ${JSON.stringify(cacheDir)} });
        const x = engine.from([1, 2, 3, 4]);
        const sum = await engine.parallelReduce(mod.sum_f64, 4, 'sum', x);
        const miss = await engine.compile('export function g(start: i32, end: i32): void {}', { cacheDir: false }).catch((e) => e.message);
        await engine.dispose();
        console.log(JSON.stringify({ sum, kernels: mod.kernels.length, miss }));
      `);
      const out = JSON.parse((await run(['--import', pathToFileURL(join(dir, 'register.mjs')).href, join(dir, 'child.mjs')])).trim().split('\n').pop()!);
      expect(out).toMatchObject({ sum: 10, kernels: 8 });
      expect(out.miss).toMatch(/npm install assemblyscript/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

// ---- Mandelbrot ---------------------------------------------------------------

describe('examples/mandelbrot', () => {
  it('the kernel on every engine equals the JS reference, default and 1-row chunks', async () => {
    const render = await import(pathToFileURL(join(root, 'examples/mandelbrot/render.mjs')).href);
    const source = readFileSync(join(root, 'examples/mandelbrot/kernel.ts'), 'utf8');
    const [w, h, iter] = [97, 61, 300];
    const v = render.view(w, h);
    const want = render.renderJs(w, h, iter, v);
    for (const e of engines) {
      const mod = await guard(e.compile(source, { cacheDir }), 'compile mandelbrot', 120_000);
      for (const chunkSize of [undefined, 1]) {
        const out = e.alloc('u32', w * h);
        await guard(e.parallelFor(mod.mandelbrot, h, out, w, h, v.x0, v.y0, v.dx, v.dy, iter, chunkSize ? { chunkSize } : undefined), 'mandelbrot');
        expect(out).toEqual(want);
        e.free(out);
      }
    }
  }, 120_000);

  it('index.mjs: the engine image equals the --direct image', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasmpar-uk-mandel-'));
    try {
      const script = join(root, 'examples/mandelbrot/index.mjs');
      const common = ['--size', '200x150', '--iter', '200'];
      const a = await run([script, ...common, '--threads', '2', '--out', join(dir, 'engine.png')]);
      const b = await run([script, ...common, '--direct', '--out', join(dir, 'direct.png')]);
      expect(a).toMatch(/2 thread/);
      expect(b).toMatch(/direct/);
      const png = readFileSync(join(dir, 'engine.png'));
      expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
      expect(png.equals(readFileSync(join(dir, 'direct.png')))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 200_000);
});
