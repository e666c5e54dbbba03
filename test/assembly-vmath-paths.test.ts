// The vector math runs 4 vectors at a time on a fast path when no lane is
// special (NaN, infinite, subnormal, near overflow...) and on the full path
// otherwise; a tail element runs the full path alone. Both paths must give the
// same bits, or a result would depend on its neighbours and on where a chunk or
// subarray starts. Each element here is computed inside a long run with special
// values sprinkled in, and alone: the two must be identical.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { rng } from './helpers/engine-ref.js';
import { writeMathTables } from '../dist/runtime/math-tables.js';

let ex: Record<string, (...a: number[]) => void>;
let buf: SharedArrayBuffer;
beforeAll(() => {
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
  writeMathTables(memory); // the engine does this at memory creation
  const bytes = readFileSync(new URL('../build/kernels.wasm', import.meta.url));
  ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, abort: () => { throw new Error('abort'); } } }).exports as never;
  buf = memory.buffer as unknown as SharedArrayBuffer;
});

const X = 1 << 16, Y = X + (1 << 20), O = Y + (1 << 20), N = 4096;
const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 5e-324, -1e-310, 1e-300, 709.9, -745.5, 800, -800, 1e308, -1];

function values(seed: number, lo: number, hi: number, f32: boolean): number[] {
  const r = rng(seed);
  return Array.from({ length: N }, (_, i) => {
    const v = i % 37 === 5 ? SPECIAL[(i / 37 | 0) % SPECIAL.length]! : lo + (hi - lo) * r();
    return f32 ? Math.fround(v) : v;
  });
}

function bitsEqual(a: number, b: number): boolean { return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)); }

describe('vmath: the fast and the full path give the same bits', () => {
  const RANGE: Record<string, [number, number]> = { exp: [-700, 700], log: [1e-3, 1e3], tanh: [-25, 25], sigmoid: [-700, 700], pow: [1e-3, 10] };
  for (const f32 of [false, true]) {
    for (const op of Object.keys(RANGE)) {
      it(`${op}_${f32 ? 'f32' : 'f64'}: in a run with specials and alone`, () => {
        const T = f32 ? Float32Array : Float64Array;
        const xs = values(3, ...RANGE[op]!, f32), ys = values(4, -40, 40, f32);
        new T(buf, X, N).set(xs); new T(buf, Y, N).set(ys);
        const name = `${op}_${f32 ? 'f32' : 'f64'}`;
        const call = (s: number, e: number) => op === 'pow' ? ex[name]!(s, e, X, Y, O) : ex[name]!(s, e, X, O);
        call(0, N);
        const run = T.from(new T(buf, O, N));
        for (let i = 0; i < N; i++) {
          call(i, i + 1);
          const alone = new T(buf, O, N)[i]!;
          if (!bitsEqual(run[i]!, alone)) expect.fail(`${name}(${xs[i]}${op === 'pow' ? `, ${ys[i]}` : ''}): ${run[i]} in the run, ${alone} alone`);
        }
      });
    }
  }
});

describe('pow: results near the exponent range ends take the full path, with the same bits', () => {
  // y·ln x spread over [-760, 720]: some lanes of a vector over/underflow or
  // round to a subnormal, their neighbours do not, and the whole vector is
  // redone on the full path; every element must still match its lone result.
  for (const f32 of [false, true]) {
    it(`pow_${f32 ? 'f32' : 'f64'}`, () => {
      const T = f32 ? Float32Array : Float64Array;
      const r = rng(11);
      const xs: number[] = [], ys: number[] = [];
      for (let i = 0; i < N; i++) {
        const x = Math.exp(-6 + 12 * r());
        const t = f32 ? -110 + 210 * r() : -760 + 1480 * r();
        xs.push(f32 ? Math.fround(x) : x);
        ys.push(f32 ? Math.fround(t / Math.log(x)) : t / Math.log(x));
      }
      new T(buf, X, N).set(xs); new T(buf, Y, N).set(ys);
      const name = `pow_${f32 ? 'f32' : 'f64'}`;
      ex[name]!(0, N, X, Y, O);
      const run = T.from(new T(buf, O, N));
      let fin = 0;
      for (let i = 0; i < N; i++) {
        ex[name]!(i, i + 1, X, Y, O);
        const alone = new T(buf, O, N)[i]!;
        if (!bitsEqual(run[i]!, alone)) expect.fail(`${name}(${xs[i]}, ${ys[i]}): ${run[i]} in the run, ${alone} alone`);
        if (alone > 0 && Number.isFinite(alone)) fin++;
      }
      // Most results are finite and nonzero: the run is not all overflow.
      expect(fin).toBeGreaterThan(N / 2);
    });
  }
});

describe('sin, cos: the one-kernel, both-kernel and slow loops give the same bits', () => {
  // A step whose lanes are all within ±0.78 skips the reduction, one whose lanes
  // share a quadrant parity runs one kernel, a mixed step both, a step with a rare
  // lane (huge, or near a multiple of π/2) the slow reduction.
  // Segments of each kind, of random lengths, so that every loop hands over to
  // every other at every offset; each element must match its lone result.
  function mixed(seed: number, f32: boolean): number[] {
    const r = rng(seed), xs: number[] = [];
    while (xs.length < N) {
      const len = 1 + Math.floor(r() * 40), kind = Math.floor(r() * 6);
      // Ramps start anywhere, or near ±0.78 (where steps stop skipping the reduction).
      const start = r() < 0.5 ? -20 + 40 * r() : (r() < 0.5 ? 1 : -1) * (0.76 + 0.03 * r());
      for (let j = 0; j < len && xs.length < N; j++) {
        const v = kind === 0 ? start + j * 1e-3 // one parity for a while
          : kind === 5 ? -0.8 + 1.6 * r() // small: no reduction, mostly
          : kind === 1 ? -1e4 + 2e4 * r() // parities mixed
          : kind === 2 ? Math.round(start / (Math.PI / 2)) * (Math.PI / 2) * (1 + (r() - 0.5) * 1e-12) // y0 small: rare
          : kind === 3 ? (r() < 0.5 ? 1e22 : 3e6) * (1 + r()) // past the fast reduction's range
          : SPECIAL[Math.floor(r() * SPECIAL.length)]!;
        xs.push(f32 ? Math.fround(v) : v);
      }
    }
    return xs;
  }
  for (const f32 of [false, true]) {
    for (const op of ['sin', 'cos']) {
      it(`${op}_${f32 ? 'f32' : 'f64'}`, () => {
        const T = f32 ? Float32Array : Float64Array;
        const name = `${op}_${f32 ? 'f32' : 'f64'}`;
        for (const seed of [5, 6, 7]) {
          const xs = mixed(seed, f32);
          new T(buf, X, N).set(xs);
          ex[name]!(0, N, X, O);
          const run = T.from(new T(buf, O, N));
          for (let i = 0; i < N; i++) {
            ex[name]!(i, i + 1, X, O);
            const alone = new T(buf, O, N)[i]!;
            if (!bitsEqual(run[i]!, alone)) expect.fail(`${name}(${xs[i]}): ${run[i]} in the run, ${alone} alone`);
          }
        }
      });
    }
  }
});
