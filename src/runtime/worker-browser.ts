/**
 * Worker entry for browsers (a module Worker). There is no workerData, so the
 * WorkerInit (shared memory, compiled modules, spin, index) is the FIRST message;
 * later messages are module loads. The protocol itself is in worker-loop.ts.
 *
 * There is no process 'exit' either. A kernel that calls self.close() would keep
 * running to the end of the task (close() only stops the event loop) and could
 * even join the next job, so close() is wrapped: it throws, which fails the
 * current op as a KernelError and unwinds through the normal check-out; the
 * thread then marks itself DEAD, says so, and closes from a microtask, after the
 * loop has reached its await. Any other death reaches the pool as an 'error'
 * event on the Worker.
 */
import { KernelError } from '../errors.js';
import { runWorker } from './worker-loop.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';

interface WorkerScope {
  postMessage(msg: unknown): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void, options?: { once?: boolean }): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
const realClose = scope.close.bind(scope);
const post = (msg: FromWorker) => scope.postMessage(msg);

scope.addEventListener('message', (first: MessageEvent) => {
  const init = first.data as WorkerInit;
  let abruptEnd: () => boolean = () => false;
  let closing = false;
  scope.close = () => {
    if (!closing) {
      closing = true;
      queueMicrotask(() => {
        if (abruptEnd()) post({ type: 'closed', index: init.index, expected: false });
        realClose();
      });
    }
    throw new KernelError(`worker ${init.index} was closed by a kernel (self.close()); the pool replaces it`);
  };
  // Listeners added while the first message is being dispatched do not see it,
  // so the init never reaches the loop's handler as a ToWorker.
  runWorker(init, {
    post,
    onMessage: (handler) => scope.addEventListener('message', (e: MessageEvent) => handler(e.data as ToWorker)),
    onAbruptEnd: (hook) => { abruptEnd = hook; },
    close: () => {
      post({ type: 'closed', index: init.index, expected: true });
      realClose();
    },
  });
}, { once: true });
