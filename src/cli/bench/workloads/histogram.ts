import * as js from '../js-chunks.js';
import { CHUNKS_URL, chunks, count, nativeForm, peerForms, plainJs, pythonForms, shared, uniform, wasmForms } from '../forms.js';
import type { Workload } from '../types.js';

const MB = 1 << 20;
const BINS = 256;

export default {
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
    ...pythonForms('histogram', ['numpy']),
  },
} satisfies Workload;
