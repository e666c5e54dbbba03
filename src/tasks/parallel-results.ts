/** How parallel() hands results out: a list in input order, or a generator (ordered or in completion order). */
import { CancelledError } from '../errors.js';
import type { ReturnAs } from './parallel-options.js';
import { ParallelRun, type RunOptions } from './parallel-run.js';

export function runBatches(
  tasks: Iterable<unknown>,
  opts: RunOptions,
  returnAs: ReturnAs,
): Promise<unknown[]> | AsyncGenerator<unknown, void, undefined> {
  if (returnAs === 'list') {
    return new Promise<unknown[]>((resolve, reject) => {
      const results: unknown[] = [];
      const d: ParallelRun = new ParallelRun(
        tasks,
        opts,
        (start, values) => {
          for (let j = 0; j < values.length; j++) results[start + j] = values[j];
        },
        () => (d.failed ? reject(d.error) : resolve(results)),
      );
      d.start();
    });
  }
  return generate(tasks, opts, returnAs === 'generator');
}

async function* generate(tasks: Iterable<unknown>, opts: RunOptions, ordered: boolean): AsyncGenerator<unknown, void, undefined> {
  const buffered = new Map<number, unknown>();
  const arrivals: unknown[] = [];
  let wake: (() => void) | undefined;
  const d = new ParallelRun(
    tasks,
    opts,
    (start, values) => {
      if (ordered) for (let j = 0; j < values.length; j++) buffered.set(start + j, values[j]);
      else arrivals.push(...values);
      wake?.();
    },
    () => wake?.(),
  );
  d.start();
  let next = 0;
  try {
    for (;;) {
      if (ordered) {
        while (buffered.has(next)) {
          const v = buffered.get(next);
          buffered.delete(next++);
          yield v;
        }
      } else {
        while (arrivals.length) yield arrivals.shift();
      }
      if (d.failed) throw d.error;
      if (d.finished && (ordered ? !buffered.has(next) : arrivals.length === 0)) return;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    if (!d.finished && !d.failed) d.fail(new CancelledError('the consumer stopped early'), next);
  }
}
