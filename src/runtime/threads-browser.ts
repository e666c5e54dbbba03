/**
 * Browser threads for the numeric pool (pool.ts): module Workers. There is no
 * workerData, so the WorkerInit goes as the first message; and no 'exit' event,
 * so a death shows up as an 'error' event (the worker is then terminated to be
 * sure) or as a 'closed' message (worker-browser.ts says it is going, after the
 * EXIT command or because a kernel called self.close()).
 */
import type { StartThread } from './numeric-pool.js';
import type { FromWorker } from './protocol.js';

// What usually makes the worker script fail to load: the package was
// re-bundled and the worker's URL (relative to this file) points at no script.
const BUNDLER_HINT = 'Its script is wasmpar/dist/runtime/worker-browser.js, loaded with '
  + "new Worker(new URL('./worker-browser.js', import.meta.url), { type: 'module' }): if a bundler or dev server "
  + "re-bundled wasmpar and that URL now points at no script, serve wasmpar unbundled (Vite: optimizeDeps: { exclude: ['wasmpar'] }).";

export const startBrowserThread: StartThread = (init) => {
  // Written literally so that bundlers (Vite, webpack 5, esbuild) find and emit the worker file.
  const worker = new Worker(new URL('./worker-browser.js', import.meta.url), { type: 'module', name: `wasmpar-${init.index}` });
  const goneListeners: Array<(why: string) => void> = [];
  let gone: string | undefined;
  const end = (why: string): void => {
    if (gone !== undefined) return;
    gone = why;
    worker.terminate();
    for (const listener of goneListeners) listener(why);
  };
  worker.addEventListener('message', (e: MessageEvent) => {
    const msg = e.data as FromWorker;
    if (msg.type === 'closed') end(msg.expected ? 'closed after the EXIT command' : 'closed by a kernel (self.close())');
  });
  const onError = (e: Event): void => {
    const message = e instanceof ErrorEvent ? e.message : '';
    end(message || (e.type === 'error' ? `the worker script failed to load or threw. ${BUNDLER_HINT}` : e.type));
  };
  worker.addEventListener('error', onError);
  worker.addEventListener('messageerror', onError);
  // The handshake's first half, queued until the module has evaluated and listens.
  worker.postMessage(init);
  return {
    onMessage(listener) {
      const wrapped = (e: MessageEvent) => listener(e.data as FromWorker);
      worker.addEventListener('message', wrapped);
      return () => worker.removeEventListener('message', wrapped);
    },
    onGone(listener) {
      if (gone !== undefined) listener(gone);
      else goneListeners.push(listener);
    },
    post: (msg) => worker.postMessage(msg),
    terminate: () => end('terminated'),
    hold: () => {},
  };
};
