import { delayed, parallel } from '../../../index.js';
import { count } from '../forms.js';
import { local } from '../timing.js';
import type { Workload } from '../types.js';
import { inc, tinyPeers } from './tiny-tasks.js';

export default {
  name: 'tiny-parallel',
  title: '100k tiny tasks x => x + 1 through joblib-style parallel()',
  unit: 'Mtasks/s',
  size: { quick: 100_000, full: 100_000 },
  work: (n) => n / 1e6,
  describe: (n) => `${count(n)} tasks`,
  notes:
    "wasmpar: parallel({ nJobs })(calls), calls = items.map((x) => delayed(fn)(x)) made before timing, as the peers' chunks are " +
    '(auto batch size, as joblib); peers: 8 hand-made chunks of items, one task each (as in tiny-tasks).',
  contenders: {
    wasmpar: async (ctx, n) => {
      const run = parallel({ nJobs: ctx.threads });
      const calls = Array.from({ length: n }, (_, i) => delayed(inc)(i));
      // The worker pool behind parallel() is shared and kept for the process (as joblib's loky executor): nothing to dispose.
      return local(() => run(calls));
    },
    ...tinyPeers,
  },
} satisfies Workload;
