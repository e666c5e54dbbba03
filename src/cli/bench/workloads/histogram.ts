/**
 * The histogram family, 256 bins each: `histogram` (f64 uniform in [0, 1), with
 * every contender), and the variants (`--filter histogram-`): f64 skewed
 * (u^4: a quarter of the values in the first bin, runs of one bin), f32
 * uniform and skewed, i32 in [0, 1000) over [0, 1000], u8 over [0, 256].
 * native and native-1t are the plain C loop (native-histogram.ts) on all
 * threads and on one, the references for wasmpar and wasm-1t.
 */
import * as js from '../js-chunks.js';
import { CHUNKS_URL, chunks, count, native1tForm, nativeForm, peerForms, plainJs, pythonForms, shared, uniform, wasmForms } from '../forms.js';
import type { Workload } from '../types.js';

const MB = 1 << 20;
const BINS = 256;

type Dt = 'f64' | 'f32' | 'i32' | 'u8';
const NP = { f64: 'float64', f32: 'float32', i32: 'int32', u8: 'uint8' } as const;

interface Variant { name: string; what: string; dt: Dt; power: number; scale: number }

const VARIANTS: Variant[] = [
  { name: 'histogram-skewed', what: 'f64 skewed (u^4) over [0, 1]', dt: 'f64', power: 4, scale: 1 },
  { name: 'histogram-f32', what: 'f32 uniform over [0, 1]', dt: 'f32', power: 1, scale: 1 },
  { name: 'histogram-f32-skewed', what: 'f32 skewed (u^4) over [0, 1]', dt: 'f32', power: 4, scale: 1 },
  { name: 'histogram-i32', what: 'i32 in [0, 1000) over [0, 1000]', dt: 'i32', power: 1, scale: 1000 },
  { name: 'histogram-u8', what: 'u8 over [0, 256]', dt: 'u8', power: 1, scale: 256 },
];

function variant(v: Variant): Workload {
  const range: [number, number] = [0, v.scale];
  return {
    name: v.name,
    title: `histogram, 256 bins, ${v.what}`,
    unit: 'Melem/s',
    size: { quick: 2 * MB, full: 8 * MB },
    work: (n) => n / 1e6,
    describe: (n) => `${count(n)} ${v.dt}`,
    contenders: {
      ...wasmForms((e, n) => {
        const u = new Float64Array(n);
        uniform(u);
        const x = e.alloc(v.dt, n);
        for (let i = 0; i < n; i++) x[i] = v.dt === 'f64' || v.dt === 'f32' ? u[i]! ** v.power : Math.floor(u[i]! * v.scale);
        return { op: () => e.histogramSync(x, { bins: BINS, range }), free: [x] };
      }),
      native: nativeForm(v.name),
      'native-1t': native1tForm(v.name),
      ...pythonForms('histogram', ['numpy'], () => ({ dtype: NP[v.dt], power: v.power, scale: v.scale, lo: range[0], hi: range[1] })),
    },
  };
}

const base: Workload = {
  name: 'histogram',
  title: 'histogram, 256 bins over [0, 1]',
  unit: 'Melem/s',
  size: { quick: 2 * MB, full: 8 * MB },
  work: (n) => n / 1e6,
  describe: (n) => `${count(n)} f64`,
  contenders: {
    ...wasmForms((e, n) => {
      const x = e.alloc('f64', n);
      uniform(x);
      return { op: () => e.histogramSync(x, { bins: BINS, range: [0, 1] }), free: [x] };
    }),
    'plain-js': plainJs((n) => {
      const x = new Float64Array(n);
      uniform(x);
      return () => js.histogram(x, 0, n, BINS, 0, 1);
    }),
    ...peerForms((pool, ctx, n) => {
      const x = shared(Float64Array, n);
      uniform(x);
      const parts = chunks(n, ctx.threads);
      return async () => {
        const counts = new Uint32Array(BINS);
        for (const c of (await Promise.all(parts.map(([s, e]) => pool.call(CHUNKS_URL, 'histogram', [x, s, e, BINS, 0, 1])))) as Uint32Array[]) {
          for (let b = 0; b < BINS; b++) counts[b]! += c[b]!;
        }
      };
    }),
    native: nativeForm('histogram'),
    'native-1t': native1tForm('histogram'),
    ...pythonForms('histogram', ['numpy']),
  },
};

export default [base, ...VARIANTS.map(variant)];
