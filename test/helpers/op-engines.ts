/** Engines with 1, 2 and 3 threads for the library-op suites, and their data and references. */
import { Engine } from '../../dist/index.js';

export type TA = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;
// biome-ignore lint/suspicious/noExplicitAny: the suites call ops by name
export type Eng = any;

export const THREADS = [1, 2, 3];

/** Call in beforeAll; dispose with disposeEngines in afterAll. */
export async function createEngines(): Promise<Eng[]> {
  const out: Eng[] = [];
  for (const threads of THREADS) out.push(await Engine.create({ threads, memory: { initial: 256 * 2 ** 20 } }));
  return out;
}

export async function disposeEngines(engines: Eng[]): Promise<void> {
  for (const e of engines) await e.dispose();
}

let seed = 99;
export const rand = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 4294967296; };

export { same } from './op-harness.js';

export function data(dt: string, n: number): TA {
  const C = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u32: Uint32Array, u8: Uint8Array }[dt]!;
  const a = new C(n);
  const special = [NaN, -0, 0, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (dt[0] === 'f') a[i] = r < 0.01 ? special[i % 5]! : r < 0.3 ? Math.floor(r * 100) : (r - 0.5) * 1e4;
    else a[i] = Math.floor(rand() * 2 ** 32) - (dt === 'i32' ? 2 ** 31 : 0);
  }
  return a;
}



/** numpy's uniform bins: half-open except the last; outside [lo, hi] not counted. */
export function histRef(src: ArrayLike<number>, bins: number, lo: number, hi: number): Uint32Array {
  const ref = new Uint32Array(bins);
  const step = (hi - lo) / bins;
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    if (!(v >= lo && v <= hi)) continue;
    let b = Math.min(bins - 1, Math.floor((v - lo) / step));
    while (b > 0 && v < b * step + lo) b--;
    while (b < bins - 1 && v >= (b + 1 === bins ? hi : (b + 1) * step + lo)) b++;
    ref[b]!++;
  }
  return ref;
}

