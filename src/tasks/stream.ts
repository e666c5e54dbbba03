/**
 * Lazy, windowed mapping of an (async) iterable through chunk jobs: at most
 * `window` chunks are submitted ahead of the consumer, the input is read only
 * as fast as that window drains (so infinite inputs work), and when the
 * consumer stops early or an error surfaces, chunks that have not started are
 * cancelled. Used by Pool.imap/imapUnordered and Executor.map.
 */
import type { BatchOutcome } from './batch.js';
import type { ChunkHandle } from './batch.js';
import { abortPromise, deadlinePromise, toAsyncIterator } from './common.js';

export interface StreamOptions {
  chunkSize: number;
  window: number;
  ordered: boolean;
  signal?: AbortSignal;
  /** Executor.map's timeout: each result must be ready by `at` (performance.now() time). */
  deadline?: { at: number; ms: number; what: string };
  /** The Pool's or Executor's open streams: at close(), this one reads the rest of its input at once. */
  streams?: OpenStreams;
}

/**
 * The streams of one Pool or Executor still reading their input. Python submits a whole
 * imap / Executor.map at the call, so close() or shutdown() lets it finish: here each open
 * stream then reads and submits the rest of its input, before the workers are closed.
 */
export class OpenStreams {
  readonly #drains = new Set<() => Promise<void>>();

  get size(): number { return this.#drains.size; }

  add(drain: () => Promise<void>): () => void {
    this.#drains.add(drain);
    return () => this.#drains.delete(drain);
  }

  /** Resolves once every open stream has submitted all of its input (or failed reading it). */
  drain(): Promise<void> {
    return Promise.all([...this.#drains].map((d) => d())).then(() => {});
  }
}

/** Registered at the call (not at the first next()), so that a loop not yet started also survives close(). */
export function streamChunks<A, R>(
  source: Iterable<A> | AsyncIterable<A>,
  start: (items: A[]) => ChunkHandle,
  opts: StreamOptions,
): AsyncGenerator<R, void, undefined> {
  const it = toAsyncIterator(source, 'iterable');
  const stops = [abortPromise(opts.signal), deadlinePromise(opts.deadline, opts.deadline?.what ?? '')].filter((s) => s !== undefined);
  const race = <T>(p: Promise<T>): Promise<T> => (stops.length ? Promise.race([p, ...stops.map((s) => s.promise)]) : p);
  const pending: ChunkHandle[] = [];
  const finished: { h: ChunkHandle; out?: BatchOutcome; err?: unknown; failed: boolean }[] = [];
  let wake: (() => void) | undefined;
  let exhausted = false;
  // The input's own error: as Python's imap, it surfaces after the results of what was read before it.
  let inputError: { err: unknown } | undefined;

  const launch = (items: A[]): void => {
    const h = start(items);
    pending.push(h);
    if (!opts.ordered) {
      h.promise.then(
        (out) => finished.push({ h, out, failed: false }),
        (err) => finished.push({ h, err, failed: true }),
      ).finally(() => wake?.());
    }
  };

  let stopped = false;
  /** Reads chunks while the window has room; `force`: one chunk even when it has none (a drain). */
  const fillSome = async (force: boolean): Promise<void> => {
    while (!exhausted && !stopped && (force || pending.length < opts.window)) {
      force = false;
      const items: A[] = [];
      while (items.length < opts.chunkSize) {
        let r: IteratorResult<A>;
        try {
          r = await it.next();
        } catch (err) {
          inputError = { err };
          r = { done: true, value: undefined };
        }
        if (r.done) {
          exhausted = true;
          break;
        }
        items.push(r.value);
      }
      if (items.length) launch(items);
    }
  };
  // One reader at a time: the consumer's refill and a drain must not split the input between them.
  let filling: Promise<void> | undefined;
  const fill = (force = false): Promise<void> => (filling ??= fillSome(force).finally(() => { filling = undefined; }));
  const unregister = opts.streams?.add(async () => {
    try {
      // A chunk per turn of the event loop: results keep arriving, and a consumer reading
      // a very long (or endless) input can still stop the loop.
      while (!exhausted && !stopped) {
        await fill(true);
        await new Promise((r) => setImmediate(r));
      }
    } catch {
      // the consumer meets the error at its next read
    }
    unregister?.();
  });
  return run(unregister);

  async function* run(unregister: (() => void) | undefined): AsyncGenerator<R, void, undefined> {
    try {
      await race(fill());
      while (pending.length) {
        let out: BatchOutcome;
        if (opts.ordered) {
          out = await race(pending[0]!.promise);
          pending.shift();
        } else {
          while (finished.length === 0) await race(new Promise<void>((r) => (wake = r)));
          const f = finished.shift()!;
          pending.splice(pending.indexOf(f.h), 1);
          if (f.failed) throw f.err;
          out = f.out!;
        }
        // Refill before handing values out, so workers stay busy while the consumer works.
        if (!out.hasError) await race(fill());
        for (const v of out.values) yield v as R;
        if (out.hasError) throw out.error;
      }
      if (inputError) throw inputError.err;
    } finally {
      stopped = true;
      unregister?.();
      for (const h of pending) h.cancel();
      for (const s of stops) s.dispose();
      if (!exhausted) await it.return?.();
    }
  }
}
