/** How parallel() hands results out: a list in input order, or a generator (ordered or in completion order). */
import { CancelledError } from '../errors.js';
import { concatValues } from './batch.js';
import type { ReturnAs } from './parallel-options.js';
import { ParallelRun, type RunOptions } from './parallel-run.js';

/**
 * Batches that arrive out of order, handed on in input order. Kept by batch rather
 * than written into the list at their index: an index far past the list's end
 * would turn it into a slow dictionary-mode array.
 */
class InOrder {
  /** Results handed on so far: the start of the next batch to hand on. */
  next = 0;
  readonly #early = new Map<number, unknown[]>();

  /** Calls `take` with every batch now in order (this one, then any held back it unblocks). */
  add(start: number, values: unknown[], take: (values: unknown[]) => void): void {
    if (start !== this.next) {
      this.#early.set(start, values);
      return;
    }
    let vs: unknown[] | undefined = values;
    while (vs !== undefined) {
      this.#early.delete(this.next);
      this.next += vs.length;
      take(vs);
      // An empty batch (a failing call first) ends the chain: the run has failed.
      vs = vs.length > 0 ? this.#early.get(this.next) : undefined;
    }
  }
}

export function runBatches(
  tasks: Iterable<unknown>,
  opts: RunOptions,
  returnAs: ReturnAs,
): Promise<unknown[]> | AsyncGenerator<unknown, void, undefined> {
  if (returnAs === 'list') {
    return new Promise<unknown[]>((resolve, reject) => {
      const parts: unknown[][] = [];
      const order = new InOrder();
      const keep = (values: unknown[]) => parts.push(values);
      const d: ParallelRun = new ParallelRun(
        tasks,
        opts,
        (start, values) => order.add(start, values, keep),
        () => (d.failed ? reject(d.error) : resolve(concatValues(parts))),
      );
      d.start();
    });
  }
  return generate(tasks, opts, returnAs === 'generator');
}

async function* generate(tasks: Iterable<unknown>, opts: RunOptions, ordered: boolean): AsyncGenerator<unknown, void, undefined> {
  // Batches ready to yield, in the order they are to be yielded; `at` is the position in the first.
  const ready: unknown[][] = [];
  let at = 0;
  const order = new InOrder();
  const take = (values: unknown[]) => {
    if (values.length > 0) ready.push(values);
  };
  let wake: (() => void) | undefined;
  const d = new ParallelRun(
    tasks,
    opts,
    (start, values) => {
      if (ordered) order.add(start, values, take);
      else take(values);
      wake?.();
    },
    () => wake?.(),
  );
  d.start();
  let yielded = 0;
  try {
    for (;;) {
      while (ready.length > 0) {
        const batch = ready[0]!;
        while (at < batch.length) {
          const v = batch[at++];
          yielded++;
          yield v;
        }
        ready.shift();
        at = 0;
      }
      if (d.failed) throw d.error;
      if (d.finished) return;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    if (!d.finished && !d.failed) d.fail(new CancelledError('the consumer stopped early'), yielded);
  }
}
