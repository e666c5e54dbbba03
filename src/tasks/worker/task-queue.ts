/** The task pool's FIFO of batches not yet sent: O(1) shift without Array#shift's copying, and a front for requeued batches. */
import type { Entry } from './task-slot.js';

export class TaskQueue {
  #items: Entry[] = [];
  #head = 0;
  #calls = 0;

  get length(): number { return this.#items.length - this.#head; }

  /** Task calls in the queued batches. */
  get calls(): number { return this.#calls; }

  push(entry: Entry): void {
    this.#items.push(entry);
    this.#calls += entry.job.calls.length;
  }

  shift(): Entry | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const entry = this.#items[this.#head++]!;
    this.#calls -= entry.job.calls.length;
    if (this.#head === this.#items.length) this.#reset([]);
    else if (this.#head > 1024 && this.#head * 2 > this.#items.length) this.#reset(this.#items.slice(this.#head));
    return entry;
  }

  /** Put batches back at the front, in order (those a dead or killed worker held). */
  unshift(entries: Entry[]): void {
    if (!entries.length) return;
    for (const e of entries) this.#calls += e.job.calls.length;
    this.#reset([...entries, ...this.#items.slice(this.#head)]);
  }

  /** Take `job`'s entry out of the queue; false if it is not queued. */
  remove(job: Entry['job']): boolean {
    for (let i = this.#head; i < this.#items.length; i++) {
      if (this.#items[i]!.job !== job) continue;
      this.#items.splice(i, 1);
      return true;
    }
    return false;
  }

  /** Remove and return everything queued. */
  drain(): Entry[] {
    const out = this.#items.slice(this.#head);
    this.#reset([]);
    this.#calls = 0;
    return out;
  }

  #reset(items: Entry[]): void {
    this.#items = items;
    this.#head = 0;
  }
}
