/** Backend 'async': promise-returning calls run concurrently on the calling thread, at most `concurrency` batches in flight. */
import type { BackendOptions } from './backend.js';
import { LocalBackend } from './local.js';

export const asyncBackend = (options: BackendOptions): LocalBackend => new LocalBackend('async', options);
