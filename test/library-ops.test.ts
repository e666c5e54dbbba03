// Engine-level tests of the library ops (cumsum, sort, argsort, histogram,
// matmul, arange, linspace) on the built package, for 1, 2 and 3 threads:
// results against sequential references, and identical bytes across thread
// counts where the contract promises it (sort, argsort, histogram, integer and
// float cumsum). Every op also runs in its async form.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';

type TA = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Eng = any;

// Until the Engine facade wires these ops, drive them through the core's runOp.
const OPS = ['cumsum', 'sort', 'argsort', 'histogram', 'matmul', 'arange', 'linspace'] as const;
async function createEngine(threads: number): Promise<Eng> {
  let Ctor: Eng;
  try { Ctor = (await import('../dist/index.js')).Engine; } catch { Ctor = undefined; }
  Ctor ??= (await import('../dist/engine/engine.js' as string)).EngineCore;
  const e = await Ctor.create({ threads, memory: { initial: 256 * 2 ** 20 } });
  const mods: Record<string, Eng> = {
    cumsum: await import('../dist/engine/ops/scan.js' as string),
    sort: await import('../dist/engine/ops/sort.js' as string),
    argsort: await import('../dist/engine/ops/sort.js' as string),
    histogram: await import('../dist/engine/ops/histogram.js' as string),
    matmul: await import('../dist/engine/ops/matmul.js' as string),
    arange: await import('../dist/engine/ops/generate.js' as string),
    linspace: await import('../dist/engine/ops/generate.js' as string),
  };
  for (const op of OPS) {
    if (typeof e[`${op}Sync`] !== 'function') e[`${op}Sync`] = (...a: unknown[]) => e.runOpSync(op, (c: unknown) => mods[op][op](c, ...a));
    if (typeof e[op] !== 'function') e[op] = (...a: unknown[]) => e.runOp(op, undefined, (c: unknown) => mods[op][op](c, ...a));
  }
  return e;
}

let seed = 99;
const rand = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 4294967296; };
const THREADS = [1, 2, 3];
const engines: Eng[] = [];

beforeAll(async () => { for (const t of THREADS) engines.push(await createEngine(t)); });
afterAll(async () => { for (const e of engines) await e.dispose(); });

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
};

function data(dt: string, n: number): TA {
  const C = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u32: Uint32Array, u8: Uint8Array }[dt]!;
  const a = new C(n);
  const special = [NaN, -0, 0, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (dt[0] === 'f') a[i] = r < 0.01 ? special[i % 5]! : r < 0.3 ? Math.floor(r * 100) : (r - 0.5) * 1e4;
    else a[i] = Math.floor(rand() * 2 ** 32) - (dt === 'i32' ? 2 ** 31 : 0);
  }
  return a;
}

describe.each(['f64', 'f32', 'i32', 'u32', 'u8'])('%s', (dt) => {
  it('sort and argsort: TypedArray#sort order, stable, identical for 1/2/3 threads', async () => {
    for (const n of [0, 1, 2, 1009, 300_007]) {
      const src = data(dt, n);
      const ref = src.slice().sort();
      const sorted: TA[] = [], idx: Uint32Array[] = [];
      for (const e of engines) {
        const x = e.from(src, dt);
        const y = e.threads === 2 ? await e.sort(x) : e.sortSync(x);
        expect(y).toBe(x);
        expect(same(x, ref), `sort ${dt} n=${n} threads=${e.threads}`).toBe(true);
        sorted.push(x);
        const fresh = e.from(src, dt);
        idx.push(e.threads === 3 ? await e.argsort(fresh) : e.argsortSync(fresh));
        e.free(fresh);
      }
      for (const i of idx) {
        expect(same(i, idx[0]!)).toBe(true);
        expect(same(Array.from(i, (j) => src[j]!), ref)).toBe(true);
        let unstable = 0;
        for (let p = 1; p < i.length; p++) if (Object.is(src[i[p]!], src[i[p - 1]!]) && i[p]! < i[p - 1]!) unstable++;
        expect(unstable).toBe(0);
      }
      engines.forEach((e, j) => e.free(sorted[j]));
    }
  });

  it('cumsum: reference within tolerance (ints exact, wrapping), identical for 1/2/3 threads', async () => {
    for (const n of [0, 1, 5, 70_001, 2_000_003]) {
      const src = data(dt, n).map((v) => (Number.isFinite(v) ? v : 1)) as TA;
      const outs: TA[] = [];
      for (const e of engines) outs.push(e.threads === 2 ? await e.cumsum(src) : e.cumsumSync(src));
      for (const o of outs) expect(same(o, outs[0]!), `cumsum ${dt} n=${n}`).toBe(true);
      const ref = new (src.constructor as new (n: number) => TA)(n);
      let s = 0, abs = 0;
      for (let i = 0; i < n; i++) { s += src[i]!; abs += Math.abs(src[i]!); ref[i] = dt[0] === 'f' ? s : ((s % 2 ** 32) + 2 ** 32) % 2 ** 32; }
      if (dt[0] === 'f') {
        const tol = dt === 'f64' ? 1e-12 : 1e-6;
        let bad = 0;
        const o = outs[0]!;
        let r = 0;
        for (let i = 0; i < n; i++) { r += src[i]!; if (Math.abs(o[i]! - r) > tol * (Math.abs(r) + 1) + 1e-13 * abs) bad++; }
        expect(bad).toBe(0);
      } else expect(same(outs[0]!, ref)).toBe(true);
    }
  });

  it('cumsum in place on an unaligned view (two-pass path): reference, identical for 1/2/3 threads, bytes around untouched', async () => {
    for (const n of [1, 7, 63, 65, 1009, 70_001, 300_007]) {
      const src = data(dt, n + 4).map((v) => (Number.isFinite(v) ? v : 1)) as TA;
      const ref = new (src.constructor as new (n: number) => TA)(n);
      let s = 0, abs = 0;
      for (let i = 0; i < n; i++) { s += src[i + 3]!; abs += Math.abs(src[i + 3]!); ref[i] = dt[0] === 'f' ? s : ((s % 2 ** 32) + 2 ** 32) % 2 ** 32; }
      let first: TA | undefined;
      for (const e of engines) {
        const buf = e.from(src, dt);
        const view = buf.subarray(3, n + 3) as TA;
        const r = e.threads === 2 ? await e.cumsum(view, { out: view }) : e.cumsumSync(view, { out: view });
        expect(r).toBe(view);
        expect([buf[0], buf[1], buf[2], buf[n + 3]]).toEqual([src[0], src[1], src[2], src[n + 3]]);
        if (dt[0] === 'f') {
          const tol = dt === 'f64' ? 1e-12 : 1e-6;
          let bad = 0;
          for (let i = 0; i < n; i++) if (Math.abs(view[i]! - ref[i]!) > tol * (Math.abs(ref[i]!) + 1) + 1e-13 * abs) bad++;
          expect(bad, `in-place cumsum ${dt} n=${n} threads=${e.threads}`).toBe(0);
        } else expect(same(view, ref), `in-place cumsum ${dt} n=${n} threads=${e.threads}`).toBe(true);
        if (first) expect(same(view, first)).toBe(true);
        first ??= view.slice() as TA;
        e.free(buf);
      }
    }
  });

  it('histogram: numpy semantics, identical for 1/2/3 threads', async () => {
    const src = data(dt, 1_000_003);
    const [lo, hi] = dt[0] === 'f' ? [-4000, 4000] : dt === 'u8' ? [0, 255] : dt === 'i32' ? [-2e9, 2e9] : [0, 4e9];
    const hs: Uint32Array[] = [];
    for (const e of engines) hs.push(e.threads === 2 ? await e.histogram(src, { bins: 97, range: [lo, hi] }) : e.histogramSync(src, { bins: 97, range: [lo, hi] }));
    const ref = new Uint32Array(97);
    const step = (hi - lo) / 97;
    for (const v of src) {
      if (!(v >= lo && v <= hi)) continue;
      let b = Math.min(96, Math.floor((v - lo) / step));
      while (b > 0 && v < b * step + lo) b--;
      while (b < 96 && v >= (b + 1 === 97 ? hi : (b + 1) * step + lo)) b++;
      ref[b]!++;
    }
    for (const h of hs) expect(Array.from(h)).toEqual(Array.from(ref));
  });

  it('histogram: default range [min, max], partial ranges and many bins, identical for 1/2/3 threads', async () => {
    const src = data(dt, 300_007).map((v) => (Number.isFinite(v) ? v : 0)) as TA;
    if (dt === 'u8') for (let i = 0; i < src.length; i += 7) src[i] = 40; // runs of one value
    let mn = Infinity, mx = -Infinity;
    for (const v of src) { mn = Math.min(mn, v); mx = Math.max(mx, v); }
    const mid = (mn + mx) / 2;
    for (const [bins, range] of [[16, undefined], [300, undefined], [7, [mid, mx]], [5, [mn - 10, mid]]] as const) {
      const [lo, hi] = range ?? [mn, mx];
      const ref = histRef(src, bins, lo, hi);
      for (const e of engines) {
        const opts = range ? { bins, range: [...range] } : { bins };
        const h = e.threads === 2 ? await e.histogram(src, opts) : e.histogramSync(src, opts);
        expect(Array.from(h), `histogram ${dt} bins=${bins} range=${range} threads=${e.threads}`).toEqual(Array.from(ref));
      }
    }
    // One distinct value: numpy widens the range to [v - 0.5, v + 0.5].
    const flat = new (src.constructor as new (n: number) => TA)(1000).fill(7);
    for (const e of engines) expect(Array.from(e.histogramSync(flat, { bins: 3 }))).toEqual([0, 1000, 0]);
  });
});

/** numpy's uniform bins: half-open except the last; outside [lo, hi] not counted. */
function histRef(src: ArrayLike<number>, bins: number, lo: number, hi: number): Uint32Array {
  const ref = new Uint32Array(bins);
  const step = (hi - lo) / bins;
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    if (!(v >= lo && v <= hi)) continue;
    let b = Math.min(bins - 1, Math.floor((v - lo) / step));
    while (b > 0 && v < b * step + lo) b--;
    while (b < bins - 1 && v >= (b + 1 === bins ? hi : (b + 1) * step + lo)) b++;
    ref[b]!++;
  }
  return ref;
}

describe('histogram edges and errors', () => {
  it('value == hi goes to the last bin; outside and NaN are not counted', () => {
    for (const e of engines) {
      const h = e.histogramSync(new Float64Array([0, 1, 2, 3, 4, 4, -1, 5, NaN, 0.5]), { bins: 4, range: [0, 4] });
      expect(Array.from(h)).toEqual([2, 1, 1, 3]);
      expect(() => e.histogramSync(new Float64Array([1, NaN]), { bins: 3 })).toThrow(RangeError);
      expect(() => e.histogramSync(new Float64Array(3), { bins: -1 })).toThrow(/bins/);
    }
  });
});

describe('matmul', () => {
  for (const dt of ['f64', 'f32']) {
    it(`${dt} shapes against a naive triple loop, all thread counts`, async () => {
      const C = dt === 'f64' ? Float64Array : Float32Array;
      // [70, 600, 530]: several k blocks and column blocks; [1000, 3, 2]: rows split.
      for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [127, 129, 131], [300, 200, 100], [1000, 3, 2], [70, 600, 530]]) {
        const a = new C(m! * k!).map(() => rand() - 0.5), b = new C(k! * n!).map(() => rand() - 0.5);
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

describe('arange / linspace', () => {
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
