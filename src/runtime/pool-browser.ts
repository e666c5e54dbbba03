/**
 * The worker threads of one engine in a browser: module Workers, the same
 * explicit ready handshake as pool.ts (the WorkerInit goes as the first message,
 * since there is no workerData), acknowledged module broadcasts, and healing.
 * A Worker has no 'exit' event: a death shows up as an 'error' event (the
 * worker is then terminated to be sure) or as an unexpected 'closed' message
 * (worker-browser.ts); either way the dispatcher is told and a replacement spawned.
 */
import { WorkerCrashError } from '../errors.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';
import type { EnginePool, PoolStartOptions } from '../engine/platform.js';
import type { WasmModule } from '../memory/wasm-types.js';

const STARTUP_TIMEOUT_MS = 30_000;

// What usually makes the worker script fail to load: the package was
// re-bundled and the worker's URL (relative to this file) points at no file.
const BUNDLER_HINT = 'Its script is wasmpar/dist/runtime/worker-browser.js, loaded with '
  + "new Worker(new URL('./worker-browser.js', import.meta.url), { type: 'module' }): if a bundler or dev server "
  + "re-bundled wasmpar and that URL now points at no script, serve wasmpar unbundled (Vite: optimizeDeps: { exclude: ['wasmpar'] }).";

interface Slot {
  worker: Worker;
  ready: boolean;
  gone: boolean;
  /** Resolves when the worker has closed or been terminated. */
  exited: Promise<void>;
  markExited: () => void;
}

export class BrowserWorkerPool implements EnginePool {
  readonly #opts: PoolStartOptions;
  readonly #slots: Array<Slot | undefined> = [];
  readonly #modules: Array<{ slot: number; module: WasmModule }> = [];
  #closing = false;

  private constructor(opts: PoolStartOptions) {
    this.#opts = opts;
  }

  static async start(opts: PoolStartOptions, modules: Array<{ slot: number; module: WasmModule }>): Promise<BrowserWorkerPool> {
    const pool = new BrowserWorkerPool(opts);
    pool.#modules.push(...modules);
    try {
      await Promise.all(Array.from({ length: opts.count }, (_, i) => pool.#spawn(i)));
    } catch (err) {
      pool.terminate();
      throw err;
    }
    return pool;
  }

  get size(): number { return this.#opts.count; }

  #spawn(index: number): Promise<void> {
    const init: WorkerInit = {
      index,
      memory: this.#opts.memory,
      modules: this.#modules,
      spin: this.#opts.spin,
    };
    // Written literally so that bundlers (Vite, webpack 5, esbuild) find and emit the worker file.
    const worker = new Worker(new URL('./worker-browser.js', import.meta.url), { type: 'module', name: `wasmpar-${index}` });
    let markExited!: () => void;
    const exited = new Promise<void>((resolve) => { markExited = resolve; });
    const slot: Slot = { worker, ready: false, gone: false, exited, markExited };
    this.#slots[index] = slot;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new WorkerCrashError(`worker ${index} did not become ready within ${STARTUP_TIMEOUT_MS} ms`));
        this.#gone(slot);
      }, STARTUP_TIMEOUT_MS);
      worker.addEventListener('message', (e: MessageEvent) => {
        const msg = e.data as FromWorker;
        if (msg.type === 'ready') {
          clearTimeout(timer);
          slot.ready = true;
          resolve();
        } else if (msg.type === 'startup-error') {
          clearTimeout(timer);
          reject(new WorkerCrashError(`worker ${index} failed to start: ${msg.message}`));
          this.#gone(slot);
        } else if (msg.type === 'closed') {
          if (msg.expected) this.#gone(slot);
          else this.#died(index, slot);
        }
      });
      const onError = (e: Event) => {
        clearTimeout(timer);
        const message = e instanceof ErrorEvent ? e.message : e.type;
        if (!slot.ready) {
          reject(new WorkerCrashError(`worker ${index} failed to start: ${message || 'the worker script failed to load'}. ${BUNDLER_HINT}`));
          this.#gone(slot);
          return;
        }
        this.#died(index, slot);
      };
      worker.addEventListener('error', onError);
      worker.addEventListener('messageerror', onError);
      // The handshake's first half: a Worker has no workerData, so the init is the
      // first message (queued until the module has evaluated and listens).
      worker.postMessage(init);
    });
  }

  /** Terminate (idempotent) and resolve `exited`. */
  #gone(slot: Slot): void {
    if (slot.gone) return;
    slot.gone = true;
    slot.worker.terminate();
    slot.markExited();
  }

  /** A ready worker died: the dispatcher stops waiting for it, then a replacement starts. */
  #died(index: number, slot: Slot): void {
    this.#gone(slot);
    if (this.#slots[index] !== slot || this.#closing) return;
    this.#slots[index] = undefined;
    this.#opts.onExit(index);
    // Heal: a replacement gets every module and function loaded so far.
    this.#spawn(index).catch(() => { /* stays empty; the engine runs with one thread fewer */ });
  }

  /** Send a message to every live worker and wait for each one's acknowledgement. */
  async #broadcast(msg: ToWorker, isAck: (m: FromWorker) => boolean): Promise<void> {
    const waits: Array<Promise<void>> = [];
    for (const slot of this.#slots) {
      if (!slot?.ready || slot.gone) continue;
      const { worker } = slot;
      waits.push(new Promise<void>((resolve, reject) => {
        const onMessage = (e: MessageEvent) => {
          const m = e.data as FromWorker;
          if (!isAck(m)) return;
          worker.removeEventListener('message', onMessage);
          const error = (m as { error?: string }).error;
          if (error) reject(new Error(error)); else resolve();
        };
        worker.addEventListener('message', onMessage);
        // A worker that dies before acknowledging is replaced, and its
        // replacement is spawned with the module already in its list.
        void slot.exited.then(() => { worker.removeEventListener('message', onMessage); resolve(); });
        worker.postMessage(msg);
      }));
    }
    await Promise.all(waits);
  }

  async load(slot: number, module: WasmModule): Promise<void> {
    this.#modules.push({ slot, module });
    await this.#broadcast({ type: 'load', slot, module }, (m) => m.type === 'loaded' && m.slot === slot);
  }

  /** Wait for every worker to say it is closing after the EXIT command; terminate stragglers. */
  async close(graceMs = 2000): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#slots.map(async (slot) => {
      if (!slot) return;
      const timer = setTimeout(() => this.#gone(slot), graceMs);
      await slot.exited;
      clearTimeout(timer);
    }));
  }

  terminate(): void {
    this.#closing = true;
    for (const slot of this.#slots) if (slot) this.#gone(slot);
  }
}
