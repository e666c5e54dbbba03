/** Node's threads for the numeric pool (pool.ts): node:worker_threads, init as workerData, death as 'exit'. */
import { Worker } from 'node:worker_threads';
import type { StartThread } from './numeric-pool.js';
import type { FromWorker } from './protocol.js';
import { workerExecArgv } from './worker-exec-argv.js';

export const startNodeThread: StartThread = (init) => {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init, execArgv: workerExecArgv() });
  // 'error' comes just before 'exit' and says why.
  let error: string | undefined;
  worker.on('error', (err) => { error ??= err.message; });
  return {
    onMessage(listener: (msg: FromWorker) => void) {
      worker.on('message', listener);
      return () => worker.off('message', listener);
    },
    onGone(listener) {
      worker.once('exit', (code) => listener(error ?? `exited with code ${code}`));
    },
    post: (msg) => worker.postMessage(msg),
    terminate: () => void worker.terminate(),
    hold: (keep) => { if (keep) worker.ref(); else worker.unref(); },
  };
};
