import { Pool } from '../../../index.js';
import * as js from '../js-chunks.js';
import { CHUNKS_URL, peerForms, plainJs } from '../forms.js';
import { local } from '../timing.js';
import type { Workload } from '../types.js';

/** Every 16th task is 40× heavier than the others: a good schedule starts the heavy ones early and keeps every thread busy. */
const units = (n: number) => Array.from({ length: n }, (_, i) => (i % 16 === 0 ? 2000 : 50));
const spin = (u: number) => {
  let s = 0;
  for (let i = 0; i < u * 2000; i++) s += Math.sqrt(i);
  return s;
};

export default {
  name: 'uneven-tasks',
  title: 'uneven tasks: makespan',
  unit: 'tasks/s',
  size: { quick: 32, full: 64 },
  work: (n) => n,
  describe: (n) => `${n} tasks, 1 in 16 is 40× heavier`,
  notes: 'wasmpar: Pool.map(fn, sizes); peers: one task per item; plain-js: a loop. Time per op is the makespan.',
  contenders: {
    wasmpar: async (ctx, n) => {
      const pool = new Pool({ workers: ctx.threads });
      const u = units(n);
      return local(() => pool.map(spin, u), { dispose: () => pool.terminate() });
    },
    'plain-js': plainJs((n) => {
      const u = units(n);
      return () => u.map(js.spin);
    }),
    ...peerForms((pool, _ctx, n) => {
      const u = units(n);
      return () => Promise.all(u.map((x) => pool.call(CHUNKS_URL, 'spin', [x])));
    }),
  },
} satisfies Workload;
