import * as js from '../js-chunks.js';
import { CHUNKS_URL, chunks, count, nativeForm, peerForms, plainJs, pythonForms, shared, uniform, wasmForms } from '../forms.js';
import type { Workload } from '../types.js';

const MB = 1 << 20;

export default {
  name: 'cumsum',
  title: 'cumsum',
  unit: 'Melem/s',
  size: { quick: 2 * MB, full: 8 * MB },
  work: (n) => n / 1e6,
  describe: (n) => `${count(n)} f64`,
  notes: 'Peers and native: a two-pass scan (chunk totals, then each chunk from its offset).',
  contenders: {
    ...wasmForms((e, n) => {
      const x = e.alloc('f64', n), y = e.alloc('f64', n);
      uniform(x);
      return { op: () => e.cumsumSync(x, { out: y }), free: [x, y] };
    }),
    'plain-js': plainJs((n) => {
      const x = new Float64Array(n), y = new Float64Array(n);
      uniform(x);
      return () => js.scanFrom(x, y, 0, n, 0);
    }),
    ...peerForms((pool, ctx, n) => {
      const x = shared(Float64Array, n), y = shared(Float64Array, n);
      uniform(x);
      const parts = chunks(n, ctx.threads);
      return async () => {
        const totals = (await Promise.all(parts.map(([s, e]) => pool.call(CHUNKS_URL, 'chunkTotal', [x, s, e])))) as number[];
        let offset = 0;
        await Promise.all(parts.map(([s, e], k) => {
          const from = offset;
          offset += totals[k]!;
          return pool.call(CHUNKS_URL, 'scanFrom', [x, y, s, e, from]);
        }));
      };
    }),
    native: nativeForm('cumsum'),
    ...pythonForms('cumsum', ['numpy']),
  },
} satisfies Workload;
