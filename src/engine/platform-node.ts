/** The Node.js host: os core count, build/kernels.wasm from disk, node:worker_threads. */
import { availableParallelism } from 'node:os';
import { WorkerPool } from '../runtime/pool.js';
import { startNodeThread } from '../runtime/threads-node.js';
import { builtinModule } from './builtin-module.js';
import type { Platform } from './platform.js';

export const nodePlatform: Platform = {
  defaultThreads: () => availableParallelism(),
  builtinModule,
  startPool: (options, modules) => WorkerPool.start(startNodeThread, options, modules),
};
