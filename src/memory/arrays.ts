/**
 * Typed arrays on the shared heap: allocation, freeing, and telling the engine's
 * own arrays (used in place, zero copy) from foreign ones (staged by copy).
 */
import type { Heap } from './heap.js';
import { DTYPES, describe, dtypeOf, type Dtype, type TypedArray } from './dtypes.js';

export type Location = 'own' | 'foreign' | 'freed' | 'unallocated';

export class ArrayRegistry {
  readonly heap: Heap;
  /** The exact views handed out by alloc/from whose block was freed. */
  #freed = new WeakSet<object>();
  /** Block start for each view handed out, so free() of that view is O(1). */
  #blockOf = new WeakMap<object, number>();
  /** Block start → ops (queued or running) that use the block in place: free() refuses it. */
  #pins = new Map<number, number>();

  constructor(heap: Heap) {
    this.heap = heap;
  }

  /** A zero-filled typed array of `n` elements on the shared memory. */
  alloc(dtype: Dtype, n: number): TypedArray {
    const info = DTYPES[dtype];
    const ptr = this.heap.alloc(n * info.bytes);
    const view = new info.ctor(this.heap.buffer, ptr, n);
    // Blocks are recycled, so a fresh block may hold an old array's bytes.
    view.fill(0);
    this.#blockOf.set(view, ptr);
    return view;
  }

  /** Free the block behind `array` (one returned by alloc/from, or a view that starts at its block). */
  free(array: unknown, name = 'array'): void {
    const dtype = dtypeOf(array);
    if (!dtype) throw new TypeError(`${name} must be a typed array returned by engine.alloc or engine.from; got ${describe(array)}`);
    const view = array as TypedArray;
    if (this.#freed.has(view)) throw new TypeError(`${name} was already freed (double free)`);
    if (!this.heap.owns(view.buffer)) {
      throw new TypeError(`${name} does not live in this engine's memory (only arrays from engine.alloc/engine.from can be freed)`);
    }
    const start = this.#blockOf.get(view) ?? view.byteOffset;
    if (!this.heap.isLiveStart(start)) {
      const inside = this.heap.blockContaining(view.byteOffset, view.byteLength);
      throw new TypeError(inside
        ? `${name} is a view into a block it does not start; free the array engine.alloc returned`
        : `${name} was already freed (double free), or was never allocated`);
    }
    if (this.#pins.has(start)) {
      throw new TypeError(`${name} is in use by an op that has not settled (queued or running); await that op, then free the array`);
    }
    this.heap.free(start);
    this.#blockOf.delete(view);
    this.#freed.add(view);
  }

  /** Mark the block under `view` (an 'own' array) as used by an op until `unpin`; returns the block start. */
  pin(view: TypedArray): number {
    const start = this.#blockOf.get(view) ?? this.heap.blockContaining(view.byteOffset, view.byteLength)!.start;
    this.#pins.set(start, (this.#pins.get(start) ?? 0) + 1);
    return start;
  }

  unpin(start: number): void {
    const n = this.#pins.get(start)!;
    if (n > 1) this.#pins.set(start, n - 1);
    else this.#pins.delete(start);
  }

  locate(view: TypedArray): Location {
    // Fast path: the exact view alloc/from returned, still live (free() forgets it).
    if (this.#blockOf.has(view)) return 'own';
    if (!this.heap.owns(view.buffer)) return 'foreign';
    if (this.#freed.has(view)) return 'freed';
    return this.heap.blockContaining(view.byteOffset, view.byteLength) ? 'own' : 'unallocated';
  }
}
