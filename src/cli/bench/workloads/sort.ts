import * as js from '../js-chunks.js';
import { CHUNKS_URL, chunks, count, nativeForm, peerForms, plainJs, pythonForms, shared, uniform, wasmForms } from '../forms.js';
import type { Workload } from '../types.js';

const MB = 1 << 20;

export default {
  name: 'sort',
  title: 'sort (ascending, in place)',
  unit: 'Melem/s',
  size: { quick: 1 * MB, full: 8 * MB },
  work: (n) => n / 1e6,
  describe: (n) => `${count(n)} f64`,
  notes: 'Each op copies the same unsorted data in, then sorts. Peers sort one chunk per thread, then the main thread merges; plain-js is Float64Array#sort; native is a parallel quicksort (OpenMP tasks).',
  contenders: {
    ...wasmForms((e, n) => {
      const src = new Float64Array(n), x = e.alloc('f64', n);
      uniform(src, 7, 2, -1);
      return { op: () => { x.set(src); e.sortSync(x); }, free: [x] };
    }),
    'plain-js': plainJs((n) => {
      const src = new Float64Array(n), x = new Float64Array(n);
      uniform(src, 7, 2, -1);
      return () => { x.set(src); x.sort(); };
    }),
    ...peerForms((pool, ctx, n) => {
      const src = new Float64Array(n), x = shared(Float64Array, n), tmp = new Float64Array(n);
      uniform(src, 7, 2, -1);
      const parts = chunks(n, ctx.threads);
      return async () => {
        x.set(src);
        await Promise.all(parts.map(([s, e]) => pool.call(CHUNKS_URL, 'sortRange', [x, s, e])));
        js.mergeRuns(x, tmp, [0, ...parts.map(([, e]) => e)]);
      };
    }),
    native: nativeForm('sort'),
    ...pythonForms('sort', ['numpy']),
  },
} satisfies Workload;
