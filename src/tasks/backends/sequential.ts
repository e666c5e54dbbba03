/** Backend 'sequential': calls run one after another on the calling thread (also what nJobs = 1 means). */
import type { BackendOptions } from './backend.js';
import { LocalBackend } from './local.js';

export const sequentialBackend = (options: BackendOptions): LocalBackend => new LocalBackend('sequential', options);
