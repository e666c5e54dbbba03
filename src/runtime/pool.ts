/**
 * The worker threads of one engine: spawn with an explicit ready handshake,
 * broadcast module loads (acknowledged by every worker), and heal — a worker
 * that dies is replaced with a fresh one that gets every module loaded so far.
 * Job dispatch itself never goes through messages: see dispatcher.ts.
 */
import { Worker } from 'node:worker_threads';
import { WorkerCrashError } from '../errors.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';
import type { WasmMemory, WasmModule } from '../memory/wasm-types.js';

const STARTUP_TIMEOUT_MS = 30_000;

export interface PoolOptions {
  memory: WasmMemory;
  count: number;
  spin: number;
  /** Called (on the event loop) when worker `index` exits unexpectedly. */
  onExit: (index: number, code: number) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  exited: Promise<void>;
}

export class WorkerPool {
  readonly #opts: PoolOptions;
  readonly #slots: Array<Slot | undefined> = [];
  readonly #modules: Array<{ slot: number; module: WasmModule }> = [];
  #closing = false;

  private constructor(opts: PoolOptions) {
    this.#opts = opts;
  }

  static async start(opts: PoolOptions, modules: Array<{ slot: number; module: WasmModule }>): Promise<WorkerPool> {
    const pool = new WorkerPool(opts);
    pool.#modules.push(...modules);
    try {
      await Promise.all(Array.from({ length: opts.count }, (_, i) => pool.#spawn(i)));
    } catch (err) {
      await pool.terminate();
      throw err;
    }
    return pool;
  }

  get size(): number { return this.#opts.count; }

  /** Spawn worker `index` and resolve once it has instantiated everything and said ready. */
  #spawn(index: number): Promise<void> {
    const init: WorkerInit = {
      index,
      memory: this.#opts.memory,
      modules: this.#modules,
      spin: this.#opts.spin,
    };
    // Workers inherit the process's execArgv; flags about how the entry script is
    // read (node --input-type=module -e ...) do not apply to a worker file.
    const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type') && a !== '-e' && a !== '--eval');
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init, execArgv });
    const slot: Slot = { worker, ready: false, exited: new Promise((resolve) => worker.once('exit', () => resolve())) };
    this.#slots[index] = slot;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new WorkerCrashError(`worker ${index} did not become ready within ${STARTUP_TIMEOUT_MS} ms`));
        void worker.terminate();
      }, STARTUP_TIMEOUT_MS);
      const onMessage = (msg: FromWorker) => {
        if (msg.type === 'ready') {
          clearTimeout(timer);
          slot.ready = true;
          // Unref only after the handshake: a top-level `await Engine.create()`
          // needs the worker to keep the process alive until then.
          worker.unref();
          resolve();
        } else if (msg.type === 'startup-error') {
          clearTimeout(timer);
          reject(new WorkerCrashError(`worker ${index} failed to start: ${msg.message}`));
        }
      };
      worker.on('message', onMessage);
      worker.once('error', (err) => {
        clearTimeout(timer);
        if (!slot.ready) reject(new WorkerCrashError(`worker ${index} failed to start: ${err.message}`, { cause: err }));
      });
      worker.once('exit', (code) => {
        clearTimeout(timer);
        if (!slot.ready) { reject(new WorkerCrashError(`worker ${index} exited during start-up (code ${code})`)); return; }
        if (this.#slots[index] !== slot || this.#closing) return;
        this.#slots[index] = undefined;
        this.#opts.onExit(index, code);
        // Heal: a replacement gets every module and function loaded so far.
        this.#spawn(index).catch(() => { /* stays empty; the engine runs with one thread fewer */ });
      });
    });
  }

  /** Send a message to every live worker and wait for each one's acknowledgement. */
  async #broadcast(msg: ToWorker, isAck: (m: FromWorker) => boolean): Promise<void> {
    const waits: Array<Promise<void>> = [];
    for (const slot of this.#slots) {
      if (!slot?.ready) continue;
      const { worker } = slot;
      waits.push(new Promise<void>((resolve, reject) => {
        const onMessage = (m: FromWorker) => {
          if (!isAck(m)) return;
          cleanup();
          const error = (m as { error?: string }).error;
          if (error) reject(new Error(error)); else resolve();
        };
        // A worker that dies before acknowledging is replaced, and its
        // replacement is spawned with the module already in its list.
        const onExit = () => { cleanup(); resolve(); };
        const cleanup = () => { worker.off('message', onMessage); worker.off('exit', onExit); worker.unref(); };
        worker.on('message', onMessage);
        worker.once('exit', onExit);
        worker.ref();
        worker.postMessage(msg);
      }));
    }
    await Promise.all(waits);
  }

  async load(slot: number, module: WasmModule): Promise<void> {
    this.#modules.push({ slot, module });
    await this.#broadcast({ type: 'load', slot, module }, (m) => m.type === 'loaded' && m.slot === slot);
  }

  /** Wait for every worker to exit after the EXIT command; terminate stragglers. */
  async close(graceMs = 2000): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#slots.map(async (slot) => {
      if (!slot) return;
      // Keep the process alive until the workers are gone: an awaited dispose()
      // must settle even when nothing else is pending.
      slot.worker.ref();
      const timer = setTimeout(() => void slot.worker.terminate(), graceMs);
      timer.unref();
      await slot.exited;
      clearTimeout(timer);
    }));
  }

  async terminate(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#slots.map((slot) => slot?.worker.terminate()));
  }
}
