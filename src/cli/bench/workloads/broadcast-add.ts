import { CHUNKS_URL, chunks, nativeForm, peerForms, plainJs, pythonForms, shared, wasmForms } from '../forms.js';
import * as js from '../js-chunks.js';
import { COLS, describeNd, elements, fillMatrix, fillRow, ndSize, rowsOf } from '../nd.js';
import type { Workload } from '../types.js';

export default {
  name: 'broadcast-add',
  title: 'broadcast add: matrix + row',
  unit: 'Melem/s',
  size: ndSize,
  work: (n) => elements(n) / 1e6,
  describe: describeNd,
  notes: 'wasmpar: engine.addSync(a, b, { out }) with a (rows, 1024) and b (1024,) NDArrays; numpy: np.add(a, b, out=out); peers and native: a band of rows per thread.',
  contenders: {
    ...wasmForms((e, n) => {
      const a = e.zeros([rowsOf(n), COLS]), b = e.zeros([COLS]), out = e.zeros([rowsOf(n), COLS]);
      fillMatrix(a.data); fillRow(b.data);
      return { op: () => e.addSync(a, b, { out }), free: [a.data, b.data, out.data] };
    }),
    'plain-js': plainJs((n) => {
      const a = new Float64Array(elements(n)), b = new Float64Array(COLS), out = new Float64Array(elements(n));
      fillMatrix(a); fillRow(b);
      return () => js.broadcastAdd(a, b, out, COLS, 0, rowsOf(n));
    }),
    ...peerForms((pool, ctx, n) => {
      const a = shared(Float64Array, elements(n)), b = shared(Float64Array, COLS), out = shared(Float64Array, elements(n));
      fillMatrix(a); fillRow(b);
      const bands = chunks(rowsOf(n), ctx.threads);
      return () => Promise.all(bands.map(([r0, r1]) => pool.call(CHUNKS_URL, 'broadcastAdd', [a, b, out, COLS, r0, r1])));
    }),
    native: async (ctx, n) => nativeForm('broadcast-add')(ctx, elements(n)),
    ...pythonForms('broadcast-add', ['numpy'], (n) => ({ rows: rowsOf(n), cols: COLS })),
  },
} satisfies Workload;
