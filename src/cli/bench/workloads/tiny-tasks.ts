import { Pool } from '../../../index.js';
import * as js from '../js-chunks.js';
import { CHUNKS_URL, chunks, count, peerForms, plainJs } from '../forms.js';
import { local } from '../timing.js';
import type { Workload } from '../types.js';

/** The tiny task of tiny-tasks, tiny-parallel and round-trip. */
export const inc = (x: number) => x + 1;
/** The peers' best shot: the caller batches the items into 8 hand-made chunks. */
const PEER_CHUNKS = 8;

/** The peers' form, shared with tiny-parallel: n items in PEER_CHUNKS chunks, one task each. */
export const tinyPeers = peerForms((pool, _ctx, n) => {
  const xs = Array.from({ length: n }, (_, i) => i);
  const parts = chunks(n, PEER_CHUNKS).map(([s, e]) => xs.slice(s, e));
  return async () => (await Promise.all(parts.map((p) => pool.call(CHUNKS_URL, 'incChunk', [p])))).flat();
});

export default {
  name: 'tiny-tasks',
  title: '100k tiny tasks x => x + 1',
  unit: 'Mtasks/s',
  size: { quick: 100_000, full: 100_000 },
  work: (n) => n / 1e6,
  describe: (n) => `${count(n)} tasks`,
  notes: `wasmpar: Pool.map(fn, items) (it batches by itself); peers: ${PEER_CHUNKS} hand-made chunks of items, one task each; plain-js: items.map(fn).`,
  contenders: {
    wasmpar: async (ctx, n) => {
      const pool = new Pool({ workers: ctx.threads });
      const xs = Array.from({ length: n }, (_, i) => i);
      return local(() => pool.map(inc, xs), { dispose: () => pool.terminate() });
    },
    'plain-js': plainJs((n) => {
      const xs = Array.from({ length: n }, (_, i) => i);
      return () => xs.map(js.inc);
    }),
    ...tinyPeers,
  },
} satisfies Workload;
