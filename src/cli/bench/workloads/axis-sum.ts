import { CHUNKS_URL, chunks, nativeForm, peerForms, plainJs, pythonForms, shared, wasmForms } from '../forms.js';
import * as js from '../js-chunks.js';
import { COLS, describeNd, elements, fillMatrix, ndSize, rowsOf } from '../nd.js';
import type { Workload } from '../types.js';

export default {
  name: 'axis-sum',
  title: 'sum over axis 0 of a matrix',
  unit: 'Melem/s',
  size: ndSize,
  work: (n) => elements(n) / 1e6,
  describe: describeNd,
  notes: 'wasmpar: engine.sumSync(a, { axis: 0, out }) on an NDArray; numpy: np.sum(a, axis=0, out=out); peers and native: a band of rows per thread summed into its own row, then the rows added.',
  contenders: {
    ...wasmForms((e, n) => {
      const a = e.zeros([rowsOf(n), COLS]), out = e.zeros([COLS]);
      fillMatrix(a.data);
      return { op: () => e.sumSync(a, { axis: 0, out }), free: [a.data, out.data] };
    }),
    'plain-js': plainJs((n) => {
      const a = new Float64Array(elements(n));
      fillMatrix(a);
      return () => js.columnSums(a, COLS, 0, rowsOf(n));
    }),
    ...peerForms((pool, ctx, n) => {
      const a = shared(Float64Array, elements(n));
      fillMatrix(a);
      const bands = chunks(rowsOf(n), ctx.threads);
      return async () => {
        const parts = (await Promise.all(bands.map(([r0, r1]) => pool.call(CHUNKS_URL, 'columnSums', [a, COLS, r0, r1])))) as Float64Array[];
        const out = parts[0]!;
        for (const p of parts.slice(1)) for (let c = 0; c < COLS; c++) out[c]! += p[c]!;
      };
    }),
    native: async (ctx, n) => nativeForm('axis-sum')(ctx, elements(n)),
    ...pythonForms('axis-sum', ['numpy'], (n) => ({ rows: rowsOf(n), cols: COLS })),
  },
} satisfies Workload;
