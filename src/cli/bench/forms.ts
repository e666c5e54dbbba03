/**
 * Building blocks for workload files: how each kind of contender turns a
 * workload into a Runner, so that a workload file only says what differs.
 */
import type { Engine } from '../../index.js';
import type { BenchContext } from './context.js';
import type { PeerName, PeerPool } from './peers.js';
import { local } from './timing.js';
import type { ContenderFactory, ContenderName, Runner } from './types.js';

export const CHUNKS_URL = new URL('./js-chunks.js', import.meta.url).href;

type Op = () => unknown;

/**
 * The wasmpar form on an engine of `threads` threads: `setup` allocates in the
 * engine (the fast path: arrays in its shared memory) and returns the op; the
 * arrays it lists in `free` are returned to the heap afterwards.
 */
export type EngineSetup = (engine: Engine, n: number) => { op: Op; free?: ArrayBufferView[] } | Promise<{ op: Op; free?: ArrayBufferView[] }>;

export function onEngine(threads: 'all' | 1, setup: EngineSetup): ContenderFactory {
  return async (ctx, n) => {
    const engine = await ctx.engine(threads === 'all' ? ctx.threads : 1);
    const { op, free = [] } = await setup(engine, n);
    return local(op, { dispose: () => { for (const a of free) engine.free(a as never); } });
  };
}

/** The same setup as wasmpar on all threads and as `wasm-1t` on one thread. */
export function wasmForms(setup: EngineSetup): Partial<Record<ContenderName, ContenderFactory>> {
  return { wasmpar: onEngine('all', setup), 'wasm-1t': onEngine(1, setup) };
}

/** plain-js: an op built from ordinary JS arrays on the main thread. */
export function plainJs(setup: (n: number) => Op): ContenderFactory {
  return async (_ctx, n) => local(setup(n));
}

/** A typed array over a SharedArrayBuffer (what the peers' workers can share). */
export function shared<T extends Float64Array | Float32Array | Uint32Array>(Ctor: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, n: number): T {
  return new Ctor(new SharedArrayBuffer(Math.max(1, n) * Ctor.BYTES_PER_ELEMENT));
}

/** [start, end) of `count` near-equal chunks of [0, n). */
export function chunks(n: number, count: number): Array<[number, number]> {
  const k = Math.max(1, Math.min(count, n));
  return Array.from({ length: k }, (_, i) => [Math.floor((n * i) / k), Math.floor((n * (i + 1)) / k)] as [number, number]);
}

/**
 * The three worker-pool peers: `setup(pool, ctx, n)` returns the op, which sends
 * chunk tasks (functions of js-chunks.ts or of the workload's own module) to the pool.
 */
export function peerForms(setup: (pool: PeerPool, ctx: BenchContext, n: number) => Op): Partial<Record<ContenderName, ContenderFactory>> {
  const form = (name: PeerName): ContenderFactory => async (ctx, n) => local(setup(await ctx.peer(name), ctx, n));
  return { piscina: form('piscina'), tinypool: form('tinypool'), workerpool: form('workerpool') };
}

/** native: the C server's form of the workload (same name), with extra numeric args. */
export function nativeForm(workload: string, args: (n: number) => number[] = () => []): ContenderFactory {
  return async (ctx, n): Promise<Runner> => (await ctx.native()).runner(workload, n, ctx.threads, args(n));
}

/** native-1t: the same C loop on one OpenMP thread (the reference for wasm-1t). */
export function native1tForm(workload: string, args: (n: number) => number[] = () => []): ContenderFactory {
  return async (ctx, n): Promise<Runner> => (await ctx.native()).runner(workload, n, 1, args(n));
}

/** libm: the C server's scalar-libm form of a math map (native-math.ts). */
export function libmForm(workload: string): ContenderFactory {
  return nativeForm(`${workload}/libm`);
}

/** numpy / numexpr: the Python server's form of the workload. */
export function pythonForms(workload: string, which: Array<'numpy' | 'numexpr'>, args?: (n: number) => Record<string, unknown>): Partial<Record<ContenderName, ContenderFactory>> {
  const out: Partial<Record<ContenderName, ContenderFactory>> = {};
  for (const c of which) out[c] = async (ctx, n) => (await ctx.python()).runner(c, workload, n, ctx.threads, args?.(n));
  return out;
}

/** Element counts for people: 1048576 -> "1M", 100000 -> "100k". */
export function count(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)}M`;
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024}K`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

/** Deterministic uniform [0, 1) values (an LCG: the same data on every JS side, any run). */
export function uniform(out: { length: number; [i: number]: number }, seed = 7, scale = 1, shift = 0): void {
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s / 4294967296) * scale + shift;
  }
}
