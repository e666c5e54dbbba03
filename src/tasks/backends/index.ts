/** The task backends by name (backend.ts says how to add one). */
import { asyncBackend } from './async.js';
import type { BackendOptions, TaskBackend } from './backend.js';
import { BullmqBackend } from './bullmq.js';
import type { BullmqOptions } from './bullmq-options.js';
import { sequentialBackend } from './sequential.js';
import { WorkerBackend } from './worker.js';

export type BackendName = 'worker' | 'async' | 'sequential' | 'bullmq';

const BACKENDS: Record<BackendName, (options: BackendOptions & BullmqOptions) => TaskBackend> = {
  worker: (options) => new WorkerBackend(options),
  async: asyncBackend,
  sequential: sequentialBackend,
  bullmq: (options) => new BullmqBackend(options),
};

export const BACKEND_NAMES = Object.keys(BACKENDS) as BackendName[];

export function isBackendName(name: unknown): name is BackendName {
  return typeof name === 'string' && Object.hasOwn(BACKENDS, name);
}

export function createBackend(name: BackendName, options: BackendOptions & BullmqOptions): TaskBackend {
  return BACKENDS[name](options);
}

export type { BackendJob, BackendOptions, TaskBackend, TaskCall } from './backend.js';
export { BULLMQ_OPTION_KEYS, type BullmqOptions } from './bullmq-options.js';
