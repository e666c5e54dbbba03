/**
 * The workerpool worker script: workerpool is resolved by the parent (from the
 * user's project) and its path handed over in workerData.
 */
import { workerData } from 'node:worker_threads';
import run from './peer-task.js';

const workerpool = (await import(workerData.workerpool as string)) as { default?: { worker(fns: object): void }; worker?(fns: object): void };
(workerpool.default ?? workerpool).worker!({ run });
