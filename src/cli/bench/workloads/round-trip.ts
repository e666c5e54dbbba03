import { Executor } from '../../../index.js';
import { CHUNKS_URL, peerForms } from '../forms.js';
import { local } from '../timing.js';
import type { Workload } from '../types.js';
import { inc } from './tiny-tasks.js';

export default {
  name: 'round-trip',
  title: 'one task round trip (submit, await result)',
  unit: 'kcalls/s',
  size: { quick: 1, full: 1 },
  work: () => 1e-3,
  describe: () => '1 task in flight',
  notes: 'wasmpar: await executor.submit(fn, i); peers: await pool.run(task). Nothing else in flight.',
  contenders: {
    wasmpar: async (ctx) => {
      const ex = new Executor({ maxWorkers: ctx.threads });
      let i = 0;
      return local(() => ex.submit(inc, i++), { dispose: () => ex.shutdown() });
    },
    ...peerForms((pool) => {
      let i = 0;
      return () => pool.call(CHUNKS_URL, 'inc', [i++]);
    }),
  },
} satisfies Workload;
