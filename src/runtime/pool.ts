/**
 * The worker threads of one engine, on any host: spawn with an explicit ready
 * handshake, broadcast module loads (acknowledged by every worker), and heal —
 * a worker that dies is replaced with a fresh one that gets every module loaded
 * so far. The host only says how to start a thread and how to hear it die
 * (StartThread: threads-node.ts, threads-browser.ts), as WorkerHost does on the
 * worker side. Job dispatch never goes through messages: see dispatcher.ts.
 */
import { KernelError, WorkerCrashError } from '../errors.js';
import type { LoadedModule, NumericPool, NumericPoolOptions, StartThread, Thread } from './numeric-pool.js';
import type { FromWorker, ToWorker } from './protocol.js';
import type { WasmModule } from '../memory/wasm-types.js';

const STARTUP_TIMEOUT_MS = 30_000;

interface Slot {
  thread: Thread;
  ready: boolean;
  gone: boolean;
  /** Resolves when the thread is gone. */
  exited: Promise<void>;
}

export class WorkerPool implements NumericPool {
  readonly #startThread: StartThread;
  readonly #opts: NumericPoolOptions;
  readonly #slots: Array<Slot | undefined> = [];
  readonly #modules: LoadedModule[] = [];
  #closing = false;

  private constructor(startThread: StartThread, opts: NumericPoolOptions) {
    this.#startThread = startThread;
    this.#opts = opts;
  }

  static async start(startThread: StartThread, opts: NumericPoolOptions, modules: LoadedModule[]): Promise<WorkerPool> {
    const pool = new WorkerPool(startThread, opts);
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

  /** Start worker `index` and resolve once it has instantiated everything and said ready. */
  #spawn(index: number): Promise<void> {
    const { memory, spin } = this.#opts;
    const thread = this.#startThread({ index, memory, modules: this.#modules, spin });
    let markExited!: () => void;
    const slot: Slot = { thread, ready: false, gone: false, exited: new Promise<void>((resolve) => { markExited = resolve; }) };
    this.#slots[index] = slot;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new WorkerCrashError(`worker ${index} did not become ready within ${STARTUP_TIMEOUT_MS} ms`));
        thread.terminate();
      }, STARTUP_TIMEOUT_MS);
      thread.onMessage((msg) => {
        if (msg.type === 'ready') {
          clearTimeout(timer);
          slot.ready = true;
          // Unref only after the handshake (a top-level `await Engine.create()` needs
          // the worker to keep the process alive until then), and never while closing:
          // an awaited dispose() must settle even when nothing else is pending.
          if (!this.#closing) thread.hold(false);
          resolve();
        } else if (msg.type === 'startup-error') {
          clearTimeout(timer);
          reject(new WorkerCrashError(`worker ${index} failed to start: ${msg.message}`));
          thread.terminate();
        }
      });
      thread.onGone((why) => {
        clearTimeout(timer);
        slot.gone = true;
        markExited();
        if (!slot.ready) { reject(new WorkerCrashError(`worker ${index} failed to start: ${why}`)); return; }
        if (this.#slots[index] !== slot || this.#closing) return;
        this.#slots[index] = undefined;
        this.#opts.onExit(index);
        // Heal: a replacement gets every module loaded so far.
        this.#spawn(index).catch(() => { /* stays empty; the engine runs with one thread fewer */ });
      });
    });
  }

  /** Send a message to every live worker and wait for each one's acknowledgement. */
  async #broadcast(msg: ToWorker, isAck: (m: FromWorker) => boolean): Promise<void> {
    const waits: Array<Promise<void>> = [];
    for (const slot of this.#slots) {
      if (!slot?.ready || slot.gone) continue;
      const { thread } = slot;
      waits.push(new Promise<void>((resolve, reject) => {
        const stop = thread.onMessage((m) => {
          if (!isAck(m)) return;
          done();
          const error = (m as { error?: string }).error;
          if (error) reject(new KernelError(`a worker could not instantiate the module: ${error}`)); else resolve();
        });
        const done = () => { stop(); if (!this.#closing) thread.hold(false); };
        // A worker that dies before acknowledging is replaced, and its
        // replacement is spawned with the module already in its list.
        void slot.exited.then(() => { done(); resolve(); });
        thread.hold(true);
        thread.post(msg);
      }));
    }
    await Promise.all(waits);
  }

  async load(slot: number, module: WasmModule): Promise<void> {
    this.#modules.push({ slot, module });
    await this.#broadcast({ type: 'load', slot, module }, (m) => m.type === 'loaded' && m.slot === slot);
  }

  /**
   * Wait for every worker to exit after the EXIT command; terminate stragglers.
   * A replacement still starting when EXIT was published sees it on arrival
   * (worker-loop.ts), so it leaves too.
   */
  async close(graceMs = 2000): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#slots.map(async (slot) => {
      if (!slot) return;
      // Keep the process alive until the workers are gone: an awaited dispose()
      // must settle even when nothing else is pending.
      slot.thread.hold(true);
      const timer = setTimeout(() => slot.thread.terminate(), graceMs);
      (timer as { unref?: () => void }).unref?.();
      await slot.exited;
      clearTimeout(timer);
    }));
  }

  async terminate(): Promise<void> {
    this.#closing = true;
    for (const slot of this.#slots) slot?.thread.terminate();
    await Promise.all(this.#slots.map((slot) => slot?.exited));
  }
}
