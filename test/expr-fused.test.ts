// The fused path (src/expr/fused.ts): expressions over contiguous arrays of one
// float dtype run as a generated wasm kernel. Its results must have exactly the
// bits of the VM (the fused path turned off) and of the same computation done
// with separate ops; the kernel reaches every thread with the job (threads 1-3,
// sync and async, a worker replaced after a crash, a second engine); the
// encoder's modules validate.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { CancelledError, Engine } from '../dist/index.js';
import { fusionStats, generate, setFusion } from '../dist/expr/fused.js';
import { Expression } from '../dist/expr/evaluate.js';
import { encodeModule, Code, I32, sleb, uleb } from '../dist/expr/wasm-encode.js';
import {
  CTOR, createEngines, disposeAll, ENGINE_CONFIGS, guarded, random, rng, settle, sleep, withTimeout, type TA,
} from './helpers/engine-ref.js';
import { gen, isF, store, useVars, MIXED_VARS, type Dt } from './helpers/expr-trees.js';

let engines: Engine[];
beforeAll(async () => { engines = await createEngines(); });
afterAll(async () => { setFusion(true); useVars(MIXED_VARS); await disposeAll(engines); });
const T = 30_000;

const bitsOf = (x: ArrayLike<number>) => Array.from(x, (v) => (Object.is(v, -0) ? '-0' : String(v)));
const firstDiff = (got: ArrayLike<number>, want: ArrayLike<number>) => {
  const g = bitsOf(got), w = bitsOf(want);
  const at = g.findIndex((v, j) => v !== w[j]);
  return at === -1 && g.length === w.length ? 'ok' : `at ${at}: got ${g[at]} want ${w[at]}`;
};

/** The VM's result for the same call (the fused path off), then the fused one; asserts the fused path ran. */
function bothWays<R>(run: () => R, fused = true): { vm: R; jit: R } {
  setFusion(false);
  let vm: R;
  try { vm = run(); } finally { setFusion(true); }
  const before = fusionStats.runs;
  const jit = run();
  expect(fusionStats.runs > before, 'the fused path ran').toBe(fused);
  return { vm, jit };
}

function program(source: string, dts: Record<string, Dt>) {
  const ops = new Map(Object.entries(dts).map(([k, dt]) => [k, { kind: 'array' as const, dt }]));
  return new Expression(source, 'test').program(Object.values(dts).join(','), () => ops, 'test');
}

describe('wasm encoder', () => {
  it('LEB128 encodings', () => {
    const u = (v: number) => { const o: number[] = []; uleb(o, v); return o; };
    const s = (v: number) => { const o: number[] = []; sleb(o, v); return o; };
    expect(u(0)).toEqual([0]);
    expect(u(127)).toEqual([127]);
    expect(u(128)).toEqual([0x80, 1]);
    expect(u(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(u(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(s(0)).toEqual([0]);
    expect(s(-1)).toEqual([0x7f]);
    expect(s(63)).toEqual([63]);
    expect(s(64)).toEqual([0xc0, 0]);
    expect(s(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('a hand-written module validates, instantiates on a shared memory and runs', () => {
    // add(start, end, p): i32 sum of (end - start) and the word at p.
    const body = new Code().u(0x20, 1).u(0x20, 0).op(0x6b).u(0x20, 2).op(0x28, 2, 0).op(0x6a);
    const bytes = encodeModule({ memory: { module: 'env', name: 'memory' }, imports: [], func: { name: 'run', params: [I32, I32, I32], results: [I32], locals: [], body } });
    expect(WebAssembly.validate(bytes)).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    new Int32Array(memory.buffer)[4] = 40;
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    expect((inst.exports.run as (a: number, b: number, c: number) => number)(3, 5, 16)).toBe(42);
  });

  it('generated kernels validate; programs that need the VM generate nothing', () => {
    const fusable: Array<[string, Record<string, Dt>]> = [
      ['2*a + 3*b', { a: 'f64', b: 'f64' }], ['a*b - 4.1*a > 2.5*b', { a: 'f64', b: 'f64' }],
      ['a*b - 4.1*a > 2.5*b', { a: 'f32', b: 'f32' }], ['where((a > b) & ~(b < 1), a**2, -b) / a**0.5', { a: 'f64', b: 'f64' }],
      ['sqrt(abs(a)) / round(b) + (a > b)', { a: 'f32', b: 'f32' }], ['a', { a: 'f64' }], ['maximum(floor(a), ceil(b)) - clip(a, 0, 1)', { a: 'f64', b: 'f64' }],
      ['a * 0.5 + i - u / w > f', { a: 'f64', i: 'i32', u: 'u8', w: 'u32', f: 'f32' }], ['sqrt(b) * u', { b: 'f32', u: 'u8' }],
      // Transcendental functions: the built-in kernels called per block.
      ['sin(a) + b', { a: 'f64', b: 'f64' }], ['sin(a)**2 + cos(b)**2', { a: 'f32', b: 'f32' }], ['exp(-a*a) > tanh(i)', { a: 'f64', i: 'i32' }],
    ];
    for (const [src, dts] of fusable) {
      const bytes = generate(program(src, dts));
      expect(bytes, src).toBeInstanceOf(Uint8Array);
      expect(WebAssembly.validate(bytes!), src).toBe(true);
    }
    const vm: Array<[string, Record<string, Dt>]> = [
      ['a + sqrt(b)', { a: 'f64', b: 'f32' }], ['a + b', { a: 'i32', b: 'i32' }], ['a + (i + 1)', { a: 'f64', i: 'i32' }],
      ['a ** b', { a: 'f32', b: 'f32' }], ['sin(b) + a', { a: 'f64', b: 'f32' }], ['a % b', { a: 'f64', b: 'f64' }], ['sum(a * b)', { a: 'f64', b: 'f64' }],
      ['where(m, a, b)', { m: 'bool', a: 'f64', b: 'f64' }],
    ];
    for (const [src, dts] of vm) expect(generate(program(src, dts)), src).toBeUndefined();
  });
});

describe('fused path: the VM\'s bits, every thread', () => {
  it('2*a + 3*b and the comparison, every size, unaligned views, threads 1-3, sync and async', async () => {
    const SIZES = [0, 1, 2, 3, 5, 7, 13, 31, 127, 1021, 65537, 100_003];
    for (const [k, e] of engines.entries()) {
      for (const dt of ['f64', 'f32'] as const) {
        for (const n of SIZES) {
          const A = guarded(e, dt, n, 1, random(dt, n, n + 1, -4, 4));
          const B = guarded(e, dt, n, 3, random(dt, n, n + 2, -4, 4));
          const label = `${ENGINE_CONFIGS[k]!.label} ${dt} n=${n}`;
          for (const [src, outDt] of [['2*a + 3*b', dt], ['a*b - 4.1*a > 2.5*b', 'u8'], ['where(a > b, a*a, b*0.5) + a/b', dt]] as const) {
            const O = guarded(e, outDt, n, 5);
            const { vm, jit } = bothWays(() => e.evaluateSync(src, { a: A.view, b: B.view }) as TA, n > 0);
            expect(firstDiff(jit, vm), `${label}: ${src}`).toBe('ok');
            await withTimeout(e.evaluate(src, { a: A.view, b: B.view }, { out: O.view }), T, label);
            expect(firstDiff(O.view, vm), `${label}: ${src} async into out`).toBe('ok');
            expect(O.intact(), `${label}: ${src} wrote outside out`).toBe(true);
            O.free();
          }
          A.free(); B.free();
        }
      }
    }
  }, 120_000);

  it('transcendental functions: kernel calls per block with fused passes between them, the VM\'s bits and the separate ops\' bits', async () => {
    // Around the block sizes (256 and 512), values crossing one or two calls, a mask result, out aliasing an operand.
    const SIZES = [1, 3, 17, 255, 257, 511, 512, 513, 4099, 65537, 100_003];
    const SOURCES = [
      'sin(a)**2 + cos(b)**2', 'sin(a)', 'exp(-a*a) * b + 1', 'tanh(sin(a) + log(abs(b) + 1)) > 0.1',
      'sigmoid(a) * cos(b*2) - sqrt(abs(a))', 'where(exp(a) > b, a, sin(b*b))', 'where(a > b, exp(a), sin(b*b))', 'cos(sin(a) * 2 + b) / (1 + exp(b))',
    ];
    for (const [k, e] of engines.entries()) {
      for (const dt of ['f64', 'f32'] as const) {
        for (const n of SIZES) {
          const A = guarded(e, dt, n, 1, random(dt, n, n + 7, -6, 6));
          const B = guarded(e, dt, n, 3, random(dt, n, n + 8, -3, 3));
          const label = `${ENGINE_CONFIGS[k]!.label} ${dt} n=${n}`;
          for (const src of SOURCES) {
            const { vm, jit } = bothWays(() => e.evaluateSync(src, { a: A.view, b: B.view }) as TA);
            expect(firstDiff(jit, vm), `${label}: ${src}`).toBe('ok');
            const O = guarded(e, vm instanceof Uint8Array ? 'u8' : dt, n, 5);
            await withTimeout(e.evaluate(src, { a: A.view, b: B.view }, { out: O.view }), T, label);
            expect(firstDiff(O.view, vm), `${label}: ${src} async into out`).toBe('ok');
            expect(O.intact(), `${label}: ${src} wrote outside out`).toBe(true);
            O.free();
          }
          // The separate ops, and the result written over an operand.
          const t1 = e.mapSync('sin', A.view), t2 = e.mapSync('cos', B.view);
          const s1 = e.mapSync('square', t1), s2 = e.mapSync('square', t2);
          const want = e.addSync(s1, s2);
          const a2 = e.from(A.view, dt), b2 = e.from(B.view, dt);
          e.evaluateSync('sin(a)**2 + cos(b)**2', { a: a2, b: B.view }, { out: a2 });
          expect(firstDiff(a2, want), `${label}: separate ops, out = a`).toBe('ok');
          e.evaluateSync('sin(a)**2 + cos(b)**2', { a: A.view, b: b2 }, { out: b2 });
          expect(firstDiff(b2, want), `${label}: separate ops, out = b`).toBe('ok');
          for (const x of [t1, t2, s1, s2, want, a2, b2]) e.free(x);
          A.free(); B.free();
        }
      }
    }
  }, 120_000);

  it('random trees (depth 1-6; f64, f32 or mixed dtypes) equal the separate ops and the VM bit for bit', async () => {
    const r = rng(20261201);
    let fusedCases = 0;
    try {
      for (let t = 0; t < 240; t++) {
        // f64 only, f32 only, or every dtype (ints and f32 widened to f64 fuse too).
        useVars([{ a: 'f64', c: 'f64' }, { b: 'f32', d: 'f32' }, MIXED_VARS][t % 3]!);
        const g = gen(r, 1 + (t % 6));
        if (g.type === 'scalar') continue;
        const k = t % engines.length;
        const e = engines[k]!;
        const n = [1, 7, 64, 257, 1000, 40_009][t % 6]!;
        const vars = {
          a: e.from(random('f64', n, t, -4, 4)), c: e.from(random('f64', n, t + 5, -4, 4)),
          b: e.from(random('f32', n, t + 1, -4, 4), 'f32'), d: e.from(random('f32', n, t + 6, -4, 4), 'f32'), k: 3, x: 0.75,
          i: e.from(random('f64', n, t + 2, -50, 50).map(Math.round), 'i32'), u: e.from(random('f64', n, t + 3, 0, 20).map(Math.round), 'u8'),
          w: e.from(random('f64', n, t + 4, 0, 100).map(Math.round), 'u32'),
        };
        (e as unknown as { __vars: unknown }).__vars = vars;
        const want = g.ev(e, n) as { dt: Dt; x: TA };
        const label = `${ENGINE_CONFIGS[k]!.label} n=${n}: ${g.src}`;
        setFusion(false);
        const vm = e.evaluateSync(g.src, vars) as TA;
        setFusion(true);
        const before = fusionStats.runs;
        const got = (t % 2 ? e.evaluateSync(g.src, vars) : await withTimeout(e.evaluate(g.src, vars), 20_000, label)) as TA;
        if (fusionStats.runs > before) fusedCases++;
        expect(got.constructor.name, label).toBe(CTOR[store(want.dt)].name);
        expect(firstDiff(got, want.x), label).toBe('ok');
        expect(firstDiff(got, vm), `${label} (vs VM)`).toBe('ok');
        if (isF(want.dt)) expect(Object.is(e.evaluateSync<number>(`sum(${g.src})`, vars), e.sumSync(want.x)), `sum(${label})`).toBe(true);
      }
    } finally {
      useVars(MIXED_VARS);
    }
    // Most trees fuse (not those with %, integer arithmetic, f32 math inside f64, ...).
    expect(fusedCases).toBeGreaterThan(100);
  }, 120_000);

  it('hand-over: a new kernel reaches workers with its first job; a second engine and a replaced worker get it too', async () => {
    const n = 400_000;
    const src = 'where(a > 0.5, sqrt(a) * 1.25, a / 3) - 0.125 * a';
    const mk = (e: Engine) => { const a = e.alloc('f64', n); for (let i = 0; i < n; i++) a[i] = (i % 977) / 500; return a; };
    const ref = (() => { const a = mk(engines[0]!); const r = bothWays(() => engines[0]!.evaluateSync(src, { a }) as Float64Array); expect(firstDiff(r.jit, r.vm)).toBe('ok'); return r.vm; })();
    const e3 = await withTimeout(Engine.create({ threads: 3, inlineThreshold: 0 }), T, 'create');
    const e2 = await withTimeout(Engine.create({ threads: 2 }), T, 'create');
    try {
      const a3 = mk(e3), a2 = mk(e2);
      // First use on each engine: async on one, sync on the other; then alternate.
      expect(firstDiff(await withTimeout(e3.evaluate(src, { a: a3 }), T, 'e3') as Float64Array, ref)).toBe('ok');
      expect(firstDiff(e2.evaluateSync(src, { a: a2 }) as Float64Array, ref)).toBe('ok');
      for (let i = 0; i < 3; i++) {
        expect(firstDiff(e3.evaluateSync(src, { a: a3 }) as Float64Array, ref)).toBe('ok');
        expect(firstDiff(await withTimeout(e2.evaluate(src, { a: a2 }), T, 'e2') as Float64Array, ref)).toBe('ok');
      }
      // A worker dies; its replacement has never seen the kernel.
      (globalThis as any).__wasmparTestMain = true;
      const x = e3.from(Float64Array.from({ length: 200_000 }, (_, i) => i % 10));
      // Only workers exit; the calling thread's chunks are slowed down so that, on a loaded
      // machine, it cannot take every chunk before a worker enters.
      const crash = (v: number) => {
        if (!(globalThis as any).__wasmparTestMain) { if (v === 7) process.exit(1); return v; }
        const until = performance.now() + 0.02;
        while (performance.now() < until);
        return v;
      };
      await settle(e3.map(crash, x), T, 'crash');
      const deadline = Date.now() + 10_000;
      while (e3.stats().workersReplaced < 1 && Date.now() < deadline) await sleep(50);
      expect(e3.stats().workersReplaced, 'a worker was replaced').toBeGreaterThanOrEqual(1);
      await sleep(200);
      for (let i = 0; i < 4; i++) expect(firstDiff(await withTimeout(e3.evaluate(src, { a: a3 }), T, 'after heal') as Float64Array, ref)).toBe('ok');
    } finally {
      delete (globalThis as any).__wasmparTestMain;
      await withTimeout(Promise.all([e3.dispose(), e2.dispose()]), T, 'dispose');
    }
  }, 60_000);

  it('cancellation on the fused path: the signal rejects with CancelledError; the engine keeps working', async () => {
    const e = engines[2]!;
    const n = 2_000_003;
    const a = e.alloc('f64', n).fill(0.5);
    const ac = new AbortController();
    const p = e.evaluate('where(a > 0.25, a * a - a / 3, -a) + sqrt(a)', { a }, { signal: ac.signal });
    ac.abort();
    const r = await settle(p, T, 'cancel');
    if (!r.ok) expect(r.error).toBeInstanceOf(CancelledError);
    const pre = new AbortController(); pre.abort();
    const r2 = await settle(e.evaluate('a * 2', { a }, { signal: pre.signal }), T, 'pre-aborted');
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error).toBeInstanceOf(CancelledError);
    const { vm, jit } = bothWays(() => e.evaluateSync('where(a > 0.25, a * a - a / 3, -a) + sqrt(a)', { a }) as Float64Array);
    expect(firstDiff(jit, vm)).toBe('ok');
    e.free(a);
  });

  it('no full-size temporaries: memory in use after an evaluation is only the result', () => {
    const e = engines[1]!;
    const n = 1_000_000;
    const a = e.alloc('f64', n), b = e.alloc('f64', n), out = e.alloc('f64', n);
    const before = e.bytesInUse;
    const before2 = e.stats().peakBytes;
    for (const src of ['(a*a + b*b) / (a - b) - a*b', 'sin(a)**2 + cos(b)**2']) {
      e.evaluateSync(src, { a, b }, { out });
      expect(e.bytesInUse, src).toBe(before);
      // The peak grows by at most the frame, its block temporaries and the kernel's bytes (a few KiB),
      // far below one n-element temporary.
      expect(e.stats().peakBytes - Math.max(before, before2), src).toBeLessThan(64 * 1024);
    }
    for (const x of [a, b, out]) e.free(x);
  });
});
