/**
 * concurrent.futures.Future, as a PromiseLike: `await future` works, and so do
 * Python's result()/exception()/cancel()/done()/addDoneCallback().
 * Timeouts are in milliseconds, as everywhere in JS (setTimeout, AbortSignal.timeout).
 */
import { CancelledError, StateError, TimeoutError } from '../errors.js';
import { checkOptionKeys } from './common.js';
import { timerFor } from './timer.js';

type State = 'pending' | 'running' | 'finished' | 'cancelled';

export interface WaitOptions {
  /** Milliseconds; undefined or null waits forever. */
  timeout?: number | null;
}

export function checkTimeout(timeout: number | null | undefined, what = 'timeout'): number | undefined {
  if (timeout === undefined || timeout === null) return undefined;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw new RangeError(`${what} must be a number of milliseconds >= 0, got ${String(timeout)}`);
  }
  return timeout;
}

/** Synchronous "did it fail?" for wait(FIRST_EXCEPTION), without exposing it publicly. */
export let futureFailed: (f: Future<unknown>) => boolean;
/** For executors: how to ask the future's running task to stop (its AbortSignal; task-context.ts). */
export let setFutureAbort: (f: Future<unknown>, abort: () => void) => void;

export class Future<T = unknown> implements PromiseLike<T> {
  static {
    futureFailed = (f) => f.#state === 'finished' && f.#hasError;
    setFutureAbort = (f, abort) => {
      f.#abort = abort;
    };
  }

  #abort: (() => void) | undefined;
  #abortRequested = false;

  #state: State = 'pending';
  #value: T | undefined;
  #error: unknown;
  #hasError = false;
  #callbacks: ((f: Future<T>) => void)[] | undefined;
  #promise: Promise<T> | undefined;
  #resolveP: ((v: T) => void) | undefined;
  #rejectP: ((e: unknown) => void) | undefined;

  get [Symbol.toStringTag](): string {
    return 'Future';
  }

  /** True if the call was cancelled: while queued, or while running if the task then stopped with an error. */
  cancelled(): boolean {
    return this.#state === 'cancelled';
  }

  /** True while the call has been handed to a worker and has not finished. */
  running(): boolean {
    return this.#state === 'running';
  }

  /** True once finished (with a value or an error) or cancelled. */
  done(): boolean {
    return this.#state === 'finished' || this.#state === 'cancelled';
  }

  /**
   * Cancel the call if it has not started yet; returns whether the future is (now)
   * cancelled. A running call is asked to stop instead (its task's AbortSignal
   * fires) and this returns false, as Python's does; if the task then ends with an
   * error, the future ends cancelled (CancelledError, the task's error as cause).
   */
  cancel(): boolean {
    if (this.#state === 'finished') return false;
    if (this.#state === 'cancelled') return true;
    // A backend that can drop a queued call at its source ('bullmq') does it now; a running call is asked to stop.
    if (!this.#abortRequested) {
      this.#abortRequested = true;
      this.#abort?.();
    }
    if (this.#state === 'running') return false;
    this.#state = 'cancelled';
    this.#settle();
    return true;
  }

  /** The call's value; rejects with its error, CancelledError, or TimeoutError after `timeout` ms. */
  result(options: WaitOptions = {}): Promise<T> {
    checkOptionKeys(options, 'result', ['timeout']);
    const t = checkTimeout(options.timeout);
    return this.#waitDone(t).then(() => {
      if (this.#state === 'cancelled') throw new CancelledError('the future was cancelled', { cause: this.#error });
      if (this.#hasError) throw this.#error;
      return this.#value as T;
    });
  }

  /** The call's error, or undefined if it succeeded; rejects with CancelledError or TimeoutError. */
  exception(options: WaitOptions = {}): Promise<unknown> {
    checkOptionKeys(options, 'exception', ['timeout']);
    const t = checkTimeout(options.timeout);
    return this.#waitDone(t).then(() => {
      if (this.#state === 'cancelled') throw new CancelledError('the future was cancelled', { cause: this.#error });
      return this.#hasError ? this.#error : undefined;
    });
  }

  /** Call `cb(future)` when done; immediately if already done. */
  addDoneCallback(cb: (future: Future<T>) => void): void {
    if (typeof cb !== 'function') throw new TypeError('addDoneCallback: cb must be a function');
    if (this.done()) this.#call(cb);
    else (this.#callbacks ??= []).push(cb);
  }

  // biome-ignore lint/suspicious/noThenProperty: a Future is awaitable on purpose (PromiseLike), as the design says
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.#promise ??= this.#asPromise();
    return this.#promise.then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    this.#promise ??= this.#asPromise();
    return this.#promise.finally(onfinally);
  }

  // ---- for executors (Python's set_running_or_notify_cancel / set_result / set_exception) ----

  /** Mark running; false if it was cancelled meanwhile (the executor must then skip the call). */
  setRunningOrNotifyCancel(): boolean {
    if (this.#state === 'cancelled') return false;
    if (this.#state !== 'pending') throw new StateError(`Future in unexpected state ${this.#state}`);
    this.#state = 'running';
    return true;
  }

  /** Finish with `value`; a StateError if already done (Python's InvalidStateError). */
  setResult(value: T): void {
    this.#checkNotDone('setResult');
    this.#value = value;
    this.#state = 'finished';
    this.#settle();
  }

  /** Finish with `error` (cancelled instead if a stop was asked for); a StateError if already done. */
  setException(error: unknown): void {
    this.#checkNotDone('setException');
    this.#error = error;
    if (this.#abortRequested) {
      this.#state = 'cancelled';
      this.#settle();
      return;
    }
    this.#hasError = true;
    this.#state = 'finished';
    this.#settle();
  }

  #checkNotDone(what: string): void {
    if (this.done()) throw new StateError(`${what}: the future is already ${this.#state}`);
  }

  /** One promise hop, not result()'s three: this is on every `await future`. */
  #asPromise(): Promise<T> {
    const p = new Promise<T>((resolve, reject) => {
      this.#resolveP = resolve;
      this.#rejectP = reject;
    });
    if (this.done()) this.#settlePromise();
    return p;
  }

  #settlePromise(): void {
    if (this.#state === 'cancelled') this.#rejectP!(new CancelledError('the future was cancelled', { cause: this.#error }));
    else if (this.#hasError) this.#rejectP!(this.#error);
    else this.#resolveP!(this.#value as T);
  }

  #settle(): void {
    if (this.#resolveP) this.#settlePromise();
    const cbs = this.#callbacks;
    if (!cbs) return;
    this.#callbacks = undefined;
    for (const cb of cbs) this.#call(cb);
  }

  #call(cb: (f: Future<T>) => void): void {
    try {
      cb(this);
    } catch (e) {
      // Python logs and carries on: one bad callback must not break the others or the executor.
      console.error('wasmpar: exception in a Future done-callback:', e);
    }
  }

  #waitDone(timeout: number | undefined): Promise<void> {
    if (this.done()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = timerFor(timeout, () => reject(new TimeoutError(`the future did not finish within ${timeout} ms`)));
      this.addDoneCallback(() => {
        if (timer) clearTimeout(timer);
        resolve();
      });
    });
  }
}
