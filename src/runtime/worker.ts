/**
 * Worker entry for Node.js: the init comes as workerData, messages on the
 * parent port, and process 'exit' is the hook for a thread that ends mid-job.
 * The protocol itself is in worker-loop.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runWorker } from './worker-loop.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';

const port = parentPort!;

runWorker(workerData as WorkerInit, {
  post: (msg: FromWorker) => port.postMessage(msg),
  onMessage: (handler) => port.on('message', (msg: ToWorker) => handler(msg)),
  onAbruptEnd: (hook) => process.on('exit', () => { hook(); }),
  close: () => port.close(),
});
