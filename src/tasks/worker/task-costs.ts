/**
 * What a task function costs, measured: a moving average of the worker's time
 * per call, per function. The pool queues a batch behind a busy worker only
 * when what that worker holds is measured tiny (then the message round trip,
 * not the wait, is what matters); anything unmeasured or longer waits for an
 * idle worker, so a short task is never stuck behind a long one.
 */
import type { WireFn } from './protocol.js';
import type { TaskJob } from './task-slot.js';

/** A batch at most this long (ms) may wait behind another on a busy worker. */
export const TINY_BATCH_MS = 1;

export class TaskCosts {
  readonly #perCall = new WeakMap<WireFn, number>();

  record(job: TaskJob, ms: number): void {
    const per = ms / Math.max(1, job.calls.length);
    for (const f of job.fns) {
      const old = this.#perCall.get(f);
      this.#perCall.set(f, old === undefined ? per : 0.7 * old + 0.3 * per);
    }
  }

  /** The measured time per call of `f` in ms, if it has run. */
  perCall(f: WireFn): number | undefined {
    return this.#perCall.get(f);
  }

  /** Whether the batch is measured tiny: every function it calls has run before, and cheaply. */
  isTiny(job: TaskJob): boolean {
    let worst = 0;
    for (const f of job.fns) {
      const c = this.#perCall.get(f);
      if (c === undefined) return false;
      if (c > worst) worst = c;
    }
    return worst * job.calls.length <= TINY_BATCH_MS;
  }
}
