/** concurrent.futures.as_completed and wait. Timeouts are in milliseconds. */
import { TimeoutError } from '../errors.js';
import { checkOptionKeys } from './common.js';
import { checkTimeout, Future, futureFailed } from './future.js';
import { timerFor } from './timer.js';

export type ReturnWhen = 'FIRST_COMPLETED' | 'FIRST_EXCEPTION' | 'ALL_COMPLETED';

export interface AsCompletedOptions {
  timeout?: number | null;
}

export interface WaitForOptions {
  returnWhen?: ReturnWhen;
  timeout?: number | null;
}

/**
 * A Future as asCompleted yields it. TypeScript types `for await (const f of it)`
 * as the awaited element (the future's value), although at run time the loop
 * gets the future itself; hiding `then` from the type keeps `f` typed as the
 * Future it is (still assignable to Future<T>, e.g. as a Map key).
 */
export type CompletedFuture<T> = Future<T> & { readonly then: never };

export interface DoneAndNotDone<T> {
  done: Set<Future<T>>;
  notDone: Set<Future<T>>;
}

function uniqueFutures<T>(futures: Iterable<Future<T>>, what: string): Future<T>[] {
  if (futures === null || typeof futures !== 'object' || typeof (futures as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${what}: futures must be an iterable of Future`);
  }
  // A Map iterates [key, value] pairs: accept Map<Future, x> like Python's dict of futures.
  const src = futures instanceof Map ? futures.keys() : futures;
  const set = new Set<Future<T>>();
  for (const f of src) {
    if (!(f instanceof Future)) throw new TypeError(`${what}: every item must be a Future`);
    set.add(f);
  }
  return [...set];
}

/**
 * Yields each future once, as it finishes (those already finished first).
 * Not an async generator on purpose: `yield` in one awaits thenables, and a
 * Future is one, so it would yield the value instead of the future.
 */
export function asCompleted<T>(
  futures: Iterable<Future<T>> | Map<Future<T>, unknown>,
  options: AsCompletedOptions = {},
): AsyncIterableIterator<CompletedFuture<T>> {
  const all = uniqueFutures(futures as Iterable<Future<T>>, 'asCompleted');
  checkOptionKeys(options, 'asCompleted', ['timeout']);
  const timeout = checkTimeout(options.timeout);
  const deadline = timeout === undefined ? undefined : performance.now() + timeout;
  const ready: Future<T>[] = [];
  const pending = new Set<Future<T>>();
  for (const f of all) {
    if (f.done()) ready.push(f);
    else pending.add(f);
  }
  let wake: (() => void) | undefined;
  let closed = false;
  for (const f of pending) {
    f.addDoneCallback(() => {
      if (!pending.delete(f)) return;
      ready.push(f);
      wake?.();
    });
  }
  const finish = (): IteratorResult<Future<T>> => {
    closed = true;
    pending.clear();
    return { value: undefined, done: true };
  };
  const iterator: AsyncIterableIterator<Future<T>> = {
    [Symbol.asyncIterator]() {
      return iterator;
    },
    async next(): Promise<IteratorResult<Future<T>>> {
      while (!closed) {
        if (ready.length) return { value: ready.shift()!, done: false };
        if (pending.size === 0) return finish();
        await new Promise<void>((resolve, reject) => {
          let timer: ReturnType<typeof setTimeout> | undefined;
          wake = () => {
            if (timer) clearTimeout(timer);
            wake = undefined;
            resolve();
          };
          if (deadline !== undefined) {
            timer = timerFor(Math.max(0, deadline - performance.now()), () => {
              wake = undefined;
              const n = pending.size;
              finish();
              reject(new TimeoutError(`${n} (of ${all.length}) futures unfinished after ${timeout} ms`));
            });
          }
        });
      }
      return { value: undefined, done: true };
    },
    async return(): Promise<IteratorResult<Future<T>>> {
      return finish();
    },
  };
  return iterator as AsyncIterableIterator<CompletedFuture<T>>;
}

/** Wait until the condition holds (or the timeout passes); never throws on timeout. */
export async function wait<T>(
  futures: Iterable<Future<T>> | Map<Future<T>, unknown>,
  options: WaitForOptions = {},
): Promise<DoneAndNotDone<T>> {
  const all = uniqueFutures(futures as Iterable<Future<T>>, 'wait');
  checkOptionKeys(options, 'wait', ['returnWhen', 'timeout']);
  const returnWhen = options.returnWhen ?? 'ALL_COMPLETED';
  if (returnWhen !== 'FIRST_COMPLETED' && returnWhen !== 'FIRST_EXCEPTION' && returnWhen !== 'ALL_COMPLETED') {
    throw new TypeError(`returnWhen must be 'FIRST_COMPLETED', 'FIRST_EXCEPTION' or 'ALL_COMPLETED', got ${String(returnWhen)}`);
  }
  const timeout = checkTimeout(options.timeout);
  const failed = (f: Future<T>) => futureFailed(f as Future<unknown>);
  const satisfied = (): boolean => {
    const done = all.filter((f) => f.done());
    if (done.length === all.length) return true;
    if (returnWhen === 'FIRST_COMPLETED') return done.length > 0;
    if (returnWhen === 'FIRST_EXCEPTION') return done.some(failed);
    return false;
  };
  if (!satisfied()) {
    await new Promise<void>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let finished = false;
      const check = () => {
        if (finished || !satisfied()) return;
        finished = true;
        if (timer) clearTimeout(timer);
        resolve();
      };
      timer = timerFor(timeout, () => {
        finished = true;
        resolve();
      });
      for (const f of all) if (!f.done()) f.addDoneCallback(check);
    });
  }
  const done = new Set<Future<T>>();
  const notDone = new Set<Future<T>>();
  for (const f of all) (f.done() ? done : notDone).add(f);
  return { done, notDone };
}
