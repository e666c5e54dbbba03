/**
 * The shared heap: a first-fit free list with coalescing over one shared
 * WebAssembly.Memory, managed from the engine's thread only (kernels never
 * allocate, so no lock is needed). Blocks are 64-byte aligned — a cache line, and
 * enough for any v128 access — and the memory grows on demand up to its maximum.
 *
 * Shared memory never moves: views made before `memory.grow` stay valid for
 * their range, but `memory.buffer` afterwards is a NEW SharedArrayBuffer object.
 * We remember every buffer object this memory has handed out so that "is this
 * array on our memory?" stays a cheap identity check.
 */
import { OutOfMemoryError } from '../errors.js';
import type { WasmMemory } from './wasm-types.js';

export const PAGE_BYTES = 65536;
/** Bytes below this are the control block (see runtime/protocol.ts). */
export const HEAP_BASE = 65536;
export const ALIGN = 64;

interface Block { start: number; size: number }

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

export class Heap {
  readonly memory: WasmMemory;
  readonly maximumBytes: number;
  #buffers = new WeakSet<ArrayBufferLike>();
  #currentBuffer: SharedArrayBuffer;
  /** Free blocks sorted by start, never adjacent (coalesced on free). */
  #free: Block[] = [];
  /** Live blocks sorted by start (for containment checks) + size by start. */
  #liveStarts: number[] = [];
  #liveSize = new Map<number, number>();
  #end: number;

  constructor(memory: WasmMemory, maximumBytes: number) {
    this.memory = memory;
    this.maximumBytes = maximumBytes;
    this.#currentBuffer = memory.buffer as unknown as SharedArrayBuffer;
    this.#buffers.add(this.#currentBuffer);
    this.#end = this.#currentBuffer.byteLength;
    if (this.#end > HEAP_BASE) this.#free.push({ start: HEAP_BASE, size: this.#end - HEAP_BASE });
  }

  /** The current (longest) buffer object: make new views on this one. */
  get buffer(): SharedArrayBuffer {
    const buf = this.memory.buffer as unknown as SharedArrayBuffer;
    if (buf !== this.#currentBuffer) {
      this.#currentBuffer = buf;
      this.#buffers.add(buf);
    }
    return buf;
  }

  /** True when `buffer` is (a past or present view of) this heap's memory. */
  owns(buffer: ArrayBufferLike): boolean {
    if (this.#buffers.has(buffer)) return true;
    // Another thread may have grown the memory; refresh once before saying no.
    return this.buffer === buffer;
  }

  get bytesInUse(): number { return this.#inUse; }
  /** The most bytes ever in use at once. */
  get peakBytes(): number { return this.#peak; }
  #inUse = 0;
  #peak = 0;


  /** Allocate `bytes` (rounded up to 64), returning the block's byte address. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, alignUp(bytes, ALIGN));
    let index = this.#findFit(size);
    if (index < 0) {
      this.#grow(size);
      index = this.#findFit(size);
      if (index < 0) throw new OutOfMemoryError(`cannot allocate ${bytes} bytes`);
    }
    const block = this.#free[index]!;
    const start = block.start;
    if (block.size === size) this.#free.splice(index, 1);
    else { block.start += size; block.size -= size; }
    this.#liveSize.set(start, size);
    this.#inUse += size;
    if (this.#inUse > this.#peak) this.#peak = this.#inUse;
    this.#liveStarts.splice(this.#upperBound(this.#liveStarts, start), 0, start);
    return start;
  }

  /** Return a block. Throws if `ptr` is not the start of a live block. */
  free(ptr: number): void {
    const size = this.#liveSize.get(ptr);
    if (size === undefined) throw new RangeError(`free: no live block at ${ptr}`);
    this.#liveSize.delete(ptr);
    this.#inUse -= size;
    this.#liveStarts.splice(this.#upperBound(this.#liveStarts, ptr) - 1, 1);
    this.#insertFree(ptr, size);
  }

  isLiveStart(ptr: number): boolean { return this.#liveSize.has(ptr); }

  /** The live block that contains [ptr, ptr + byteLength), if any. */
  blockContaining(ptr: number, byteLength: number): { start: number; size: number } | undefined {
    const i = this.#upperBound(this.#liveStarts, ptr) - 1;
    if (i < 0) return undefined;
    const start = this.#liveStarts[i]!;
    const size = this.#liveSize.get(start)!;
    return ptr + byteLength <= start + size ? { start, size } : undefined;
  }

  #findFit(size: number): number {
    const free = this.#free;
    for (let i = 0; i < free.length; i++) if (free[i]!.size >= size) return i;
    return -1;
  }

  #grow(needed: number): void {
    const current = this.#end;
    // Grow geometrically (amortized O(1) growth) but never past the maximum.
    const lastFree = this.#free[this.#free.length - 1];
    const tailFree = lastFree && lastFree.start + lastFree.size === current ? lastFree.size : 0;
    const minTarget = current + (needed - tailFree);
    let target = Math.max(minTarget, Math.min(current * 2, current + 1024 * 1024 * 1024));
    target = Math.min(alignUp(target, PAGE_BYTES), this.maximumBytes);
    if (target < minTarget) {
      throw new OutOfMemoryError(
        `cannot allocate ${needed} bytes: the shared memory would exceed its maximum of ${this.maximumBytes} bytes ` +
        `(${this.bytesInUse} bytes in use); free arrays or create the engine with a larger memory.maximum`);
    }
    try {
      this.memory.grow((target - current) / PAGE_BYTES);
    } catch (cause) {
      throw new OutOfMemoryError(`cannot grow the shared memory to ${target} bytes`, { cause });
    }
    this.#end = target;
    void this.buffer; // register the new buffer object
    this.#insertFree(current, target - current);
  }

  #insertFree(start: number, size: number): void {
    const free = this.#free;
    let i = 0;
    while (i < free.length && free[i]!.start < start) i++;
    const prev = free[i - 1];
    const next = free[i];
    if (prev && prev.start + prev.size === start) {
      prev.size += size;
      if (next && prev.start + prev.size === next.start) { prev.size += next.size; free.splice(i, 1); }
    } else if (next && start + size === next.start) {
      next.start = start; next.size += size;
    } else {
      free.splice(i, 0, { start, size });
    }
  }

  #upperBound(sorted: number[], value: number): number {
    let lo = 0, hi = sorted.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid]! <= value) lo = mid + 1; else hi = mid; }
    return lo;
  }
}
