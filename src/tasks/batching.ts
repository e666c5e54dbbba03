/**
 * joblib's auto-batching (`_AutoBatchingMixin`), ported: a batch should take
 * between MIN and MAX seconds, so tiny tasks are grouped until messaging costs
 * vanish, and slow ones go one by one. Durations are the worker's own time
 * running the batch (not queueing time, which pipelining would inflate).
 */
export const MIN_IDEAL_BATCH_DURATION = 0.2;
export const MAX_IDEAL_BATCH_DURATION = 2;
/** What a seeded batch should take (s): a round trip (tens of µs) is then a few % of it. */
export const SEED_BATCH_DURATION = 0.001;
const MAX_SEED = 1 << 20;

export class AutoBatcher {
  effectiveBatchSize = 1;
  smoothedBatchDuration = 0;
  /** Called with joblib's verbose>=10 messages. */
  readonly #note: ((msg: string) => void) | undefined;

  constructor(note?: (msg: string) => void) {
    this.#note = note;
  }

  /**
   * Start from `perCallSeconds` measured on earlier batches of the same function
   * (the worker pool outlives a run, as joblib's loky executor does) rather than
   * from 1: enough calls for SEED_BATCH_DURATION, where the message round trip
   * no longer shows. Doubling from 1 costs a round trip per step, a dozen for
   * tasks of tens of ns. Only before the first batch has been measured.
   */
  seed(perCallSeconds: number): void {
    if (this.effectiveBatchSize !== 1 || this.smoothedBatchDuration !== 0) return;
    const size = Math.min(MAX_SEED, Math.floor(SEED_BATCH_DURATION / Math.max(perCallSeconds, 1e-9)));
    if (size <= 1) return;
    this.effectiveBatchSize = size;
    this.#note?.(`Earlier batches of this function took ${(perCallSeconds * 1e6).toFixed(3)}us per task. Setting batch_size=${size}.`);
  }

  computeBatchSize(): number {
    const old = this.effectiveBatchSize;
    const d = this.smoothedBatchDuration;
    let size: number;
    if (d > 0 && d < MIN_IDEAL_BATCH_DURATION) {
      // Doubling the ideal avoids being too conservative; at most doubling per step keeps it stable.
      const ideal = Math.floor((old * MIN_IDEAL_BATCH_DURATION) / d) * 2;
      size = Math.max(Math.min(2 * old, ideal), 1);
      this.effectiveBatchSize = size;
      this.#note?.(`Batch computation too fast (${d.toFixed(4)}s.) Setting batch_size=${size}.`);
    } else if (d > MAX_IDEAL_BATCH_DURATION && old >= 2) {
      const ideal = Math.floor((old * MIN_IDEAL_BATCH_DURATION) / d);
      size = Math.max(2 * ideal, 1);
      this.effectiveBatchSize = size;
      // Forget the old duration: the next batches are of a different size.
      this.smoothedBatchDuration = 0;
      this.#note?.(`Batch computation too slow (${d.toFixed(4)}s.) Setting batch_size=${size}.`);
    } else {
      size = old;
    }
    return size;
  }

  /** Only batches of the current size tell us about the current size. */
  batchCompleted(batchSize: number, seconds: number): void {
    if (batchSize !== this.effectiveBatchSize) return;
    const old = this.smoothedBatchDuration;
    this.smoothedBatchDuration = old === 0 ? seconds : 0.8 * old + 0.2 * seconds;
  }
}
