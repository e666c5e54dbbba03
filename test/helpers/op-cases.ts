// The engine's ops as data, for the aliasing audit (engine-alias.test.ts) and the
// fuzzer (engine-fuzz.test.ts): how to build each op's arguments, which array it
// writes, and (for ops whose semantics are settled) a JS reference. Every case
// places its arrays inside one guarded region of engine memory at element-aligned
// but otherwise arbitrary (not 64-byte aligned) offsets, so an op that writes
// outside its output, or reads an input after overwriting it, is caught.
import type { Engine } from '../../dist/index.js';
import { CTOR, type Dtype, type TA, isFloat, make, refBinary, refMap, rng, type BinaryOp } from './engine-ref.js';

const ALL: Dtype[] = ['f64', 'f32', 'i32', 'u32', 'u8'];
const BYTES: Record<Dtype, number> = { f64: 8, f32: 4, i32: 4, u32: 4, u8: 1 };

export interface OpSpec {
  name: string;
  dtypes: Dtype[];
  /** Lengths of the array inputs for a problem of size n. */
  inputs(n: number): number[];
  /** The array the op writes: an `out` of this dtype/length, or an input written in place. */
  writes: { out: (d: Dtype, n: number) => { dtype: Dtype; length: number }; required?: boolean } | { input: number } | null;
  call(e: Engine, sync: boolean, xs: TA[], out: TA | undefined, n: number): unknown;
  /** A JS reference (inputs are copies): the written array's values, or the scalar result. */
  ref?(xs: TA[], d: Dtype, n: number): ArrayLike<number> | number;
}

const same = (n: number) => [n];
const pair = (n: number) => [n, n];
const run = (e: any, sync: boolean, name: string, ...args: unknown[]) => e[sync ? `${name}Sync` : name](...args);
const outOf = (d: Dtype, n: number) => ({ dtype: d, length: n });
const u32Of = (_d: Dtype, n: number) => ({ dtype: 'u32' as Dtype, length: n });
const side = (n: number) => Math.max(1, Math.min(48, Math.round(Math.sqrt(n))));

function stableArgsort(x: TA): Uint32Array {
  const idx = Array.from({ length: x.length }, (_, i) => i);
  const key = (v: number) => v;
  idx.sort((i, j) => {
    const a = key(x[i]!), b = key(x[j]!);
    const an = Number.isNaN(a), bn = Number.isNaN(b);
    if (an || bn) return an && bn ? i - j : an ? 1 : -1;
    if (a < b) return -1;
    if (a > b) return 1;
    if (Object.is(a, -0) && Object.is(b, 0)) return -1;
    if (Object.is(a, 0) && Object.is(b, -0)) return 1;
    return i - j;
  });
  return Uint32Array.from(idx);
}

function intCumsum(x: TA, d: Dtype): TA {
  const out = make(d, x.length);
  let s = 0;
  for (let i = 0; i < x.length; i++) { s += x[i]!; out[i] = s; s = out[i]!; }
  return out;
}

const MAPS = ['abs', 'neg', 'sqrt', 'square', 'floor', 'ceil', 'round', 'exp', 'sin'];
const INT_OK = new Set(['abs', 'neg', 'square', 'floor', 'ceil', 'round']);
const EXACT = new Set(['abs', 'neg', 'sqrt', 'square', 'floor', 'ceil', 'round']);

export const OPS: OpSpec[] = [
  { name: 'fill', dtypes: ALL, inputs: same, writes: { input: 0 },
    call: (e, s, [x]) => run(e, s, 'fill', x, 7), ref: ([x], d) => make(d, x!.length).fill(7) },
  { name: 'copy', dtypes: ALL, inputs: same, writes: { out: outOf, required: true },
    call: (e, s, [x], out) => run(e, s, 'copy', x, out), ref: ([x]) => x! },
  ...MAPS.map((m): OpSpec => ({
    name: `map:${m}`, dtypes: INT_OK.has(m) ? ALL : ['f64', 'f32'], inputs: same, writes: { out: outOf },
    call: (e, s, [x], out) => run(e, s, 'map', m, x, out ? { out } : undefined),
    ...(EXACT.has(m) ? { ref: ([x]: TA[], d: Dtype) => refMap(m, d, x!) } : {}),
  })),
  ...(['add', 'subtract', 'multiply', 'divide', 'maximum', 'minimum', 'pow'] as BinaryOp[]).map((op): OpSpec => ({
    name: op, dtypes: ALL, inputs: pair, writes: { out: outOf },
    call: (e, s, [a, b], out) => run(e, s, op, a, b, out ? { out } : undefined),
    // pow's special cases and -0 in maximum/minimum are being settled against numpy elsewhere.
    ...(op !== 'pow' && op !== 'maximum' && op !== 'minimum' ? { ref: ([a, b]: TA[], d: Dtype) => refBinary(op, d, a!, b!) } : {}),
  })),
  { name: 'clip', dtypes: ['f64', 'f32'], inputs: same, writes: { out: outOf },
    call: (e, s, [x], out) => run(e, s, 'clip', x, -10, 10, out ? { out } : undefined),
    ref: ([x], d) => { const o = make(d, x!.length); for (let i = 0; i < o.length; i++) o[i] = Math.min(Math.max(x![i]!, -10), 10); return o; } },
  { name: 'axpy', dtypes: ['f64', 'f32'], inputs: pair, writes: { input: 1 },
    call: (e, s, [x, y]) => run(e, s, 'axpy', 2, x, y),
    ref: ([x, y], d) => { const o = make(d, x!.length); for (let i = 0; i < o.length; i++) o[i] = d === 'f32' ? Math.fround(Math.fround(2 * x![i]!) + y![i]!) : 2 * x![i]! + y![i]!; return o; } },
  ...['sum', 'min', 'max', 'argmin', 'argmax', 'mean', 'norm', 'variance'].map((r): OpSpec => ({
    name: r, dtypes: ALL, inputs: same, writes: null,
    call: (e, s, [x]) => run(e, s, r, x),
    ...(r === 'sum' ? { ref: ([x]: TA[], d: Dtype) => (isFloat(d) ? NaN : x!.reduce((t, v) => t + v, 0)) } : {}),
  })),
  { name: 'dot', dtypes: ALL, inputs: pair, writes: null, call: (e, s, [a, b]) => run(e, s, 'dot', a, b) },
  { name: 'cumsum', dtypes: ALL, inputs: same, writes: { out: outOf },
    call: (e, s, [x], out) => run(e, s, 'cumsum', x, out ? { out } : undefined),
    ref: ([x], d) => (isFloat(d) ? NaN : intCumsum(x!, d)) },
  { name: 'sort', dtypes: ALL, inputs: same, writes: { input: 0 },
    call: (e, s, [x]) => run(e, s, 'sort', x), ref: ([x]) => x!.slice().sort() },
  { name: 'argsort', dtypes: ALL, inputs: same, writes: { out: u32Of },
    call: (e, s, [x], out) => run(e, s, 'argsort', x, out ? { out } : undefined), ref: ([x]) => stableArgsort(x!) },
  { name: 'histogram', dtypes: ALL, inputs: same, writes: { out: (_d, n) => ({ dtype: 'u32', length: Math.max(1, n) }) },
    call: (e, s, [x], out, n) => run(e, s, 'histogram', x, { bins: Math.max(1, n), range: [-50, 50], ...(out ? { out } : {}) }) },
  { name: 'matmul', dtypes: ['f64', 'f32'], inputs: (n) => [side(n) ** 2, side(n) ** 2], writes: { out: (d, n) => outOf(d, side(n) ** 2) },
    call: (e, s, [a, b], out, n) => run(e, s, 'matmul', a, b, { m: side(n), k: side(n), n: side(n), ...(out ? { out } : {}) }) },
];

/** Where the written array goes relative to the inputs. */
export type Alias = 'fresh' | 'disjoint' | 'same' | 'shift';

export interface CaseParams {
  op: OpSpec; dtype: Dtype; n: number; seed: number; alias: Alias;
  /** For 'shift': the written array's start minus its target's, in its elements (non-zero). */
  shift: number; target: number; jitter: number[]; sync: boolean; engine: number;
}

/**
 * Input values, by seed: over the dtype's range (floats with a few NaN/±0/±Inf),
 * or few distinct small values (ops such as sort and argsort take other paths
 * when most key digits are constant).
 */
function fill(view: TA, d: Dtype, seed: number): void {
  const r = rng(seed);
  const specials = [NaN, -0, 0, Infinity, -Infinity];
  const few = seed % 3 === 1;
  for (let i = 0; i < view.length; i++) {
    if (few) view[i] = Math.floor(r() * 13) - (d === 'i32' || isFloat(d) ? 6 : 0);
    else if (isFloat(d)) view[i] = r() < 0.03 ? specials[Math.floor(r() * 5)]! : Math.round((r() * 200 - 100) * 64) / 64;
    else view[i] = Math.floor(r() * 4294967296);
  }
}

function sameValues(a: ArrayLike<number> | number, b: ArrayLike<number> | number): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

const describeCase = (p: CaseParams) =>
  `${p.op.name} ${p.dtype} n=${p.n} alias=${p.alias}${p.alias === 'shift' ? `(${p.shift})` : ''} target=${p.target} jitter=${p.jitter} ${p.sync ? 'sync' : 'async'} engine#${p.engine} seed=${p.seed}`;

/**
 * Run one case: the canonical result (fresh arrays, 1-thread engine, Sync form),
 * then the same op on guarded, offset, possibly aliased views on `engines[p.engine]`.
 * Throws a message naming the case on any difference.
 */
export async function runCase(engines: Engine[], p: CaseParams, withRef = true): Promise<void> {
  const { op, dtype: d, n } = p;
  const e = engines[p.engine]!, canon = engines[0]!;
  const lens = op.inputs(n);
  const w = op.writes;
  const outSpec = w && 'out' in w ? w.out(d, n) : undefined;
  const wIndex = w && 'input' in w ? w.input : -1;
  const fail = (msg: string) => { throw new Error(`${describeCase(p)}: ${msg}`); };

  // Layout: inputs one after another with guard gaps; the written array per p.alias.
  const GAP = 96;
  let cursor = GAP;
  const offs = lens.map((len, i) => {
    const at = cursor + p.jitter[i]! * BYTES[d];
    cursor = at + len * BYTES[d] + GAP;
    return at;
  });
  const wDtype = outSpec ? outSpec.dtype : d;
  const wLen = outSpec ? outSpec.length : wIndex >= 0 ? lens[wIndex]! : 0;
  const wb = BYTES[wDtype];
  let wOff = -1;
  const aliasable = outSpec ? lens.length > 0 : lens.length > 1;
  let alias = !aliasable && (p.alias === 'same' || p.alias === 'shift') ? 'disjoint' : p.alias;
  if (alias === 'fresh' && w && 'out' in w && w.required) alias = 'disjoint';
  const tgt = outSpec ? p.target % lens.length : (wIndex + 1 + (p.target % Math.max(1, lens.length - 1))) % lens.length;
  if (w && alias !== 'fresh') {
    if (alias === 'disjoint') { wOff = Math.ceil((cursor + p.jitter[0]! * wb) / wb) * wb; cursor = wOff + wLen * wb + GAP; }
    else wOff = Math.floor((offs[tgt]! + (alias === 'shift' ? p.shift * wb : 0)) / wb) * wb;
    if (wIndex >= 0) offs[wIndex] = wOff;
  }
  const total = Math.max(cursor, wOff + wLen * wb + GAP) + GAP;
  const region = e.alloc('u8', total);
  const r = rng(p.seed ^ 0x5bd1e995);
  const words = new Uint32Array(region.buffer, region.byteOffset, total >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = r() * 4294967296;
  for (let i = words.length * 4; i < total; i++) region[i] = r() * 256;
  const view = (dt: Dtype, off: number, len: number) => new CTOR[dt](region.buffer, region.byteOffset + off, len) as TA;
  // Inputs are filled in order (a later one overwrites an overlapping earlier one), then snapshotted.
  const xs = lens.map((len, i) => { const v = view(d, offs[i]!, len); fill(v, d, p.seed + i); return v; });
  const snaps = xs.map((x) => x.slice() as TA);
  const out = outSpec && alias !== 'fresh' ? view(outSpec.dtype, wOff, outSpec.length) : undefined;
  const before = region.slice();
  const inUse = e.bytesInUse;

  // The canonical run on fresh arrays.
  const fresh = snaps.map((s) => canon.from(s, d) as TA);
  const freshOut = outSpec && w && 'out' in w && w.required ? (canon.alloc(outSpec.dtype, outSpec.length) as TA) : undefined;
  let want: unknown;
  try {
    const res = op.call(canon, true, fresh, freshOut, n);
    want = typeof res === 'number' ? res : wIndex >= 0 ? fresh[wIndex]!.slice() : (res as TA).slice();
    if (ArrayBuffer.isView(res) && !fresh.includes(res as TA) && res !== freshOut) canon.free(res as TA);
  } catch (err) {
    want = err;
  } finally {
    for (const f of fresh) canon.free(f);
    if (freshOut) canon.free(freshOut);
  }

  let got: unknown;
  let res: unknown;
  try {
    res = op.call(e, p.sync, xs, out, n);
  } catch (err) {
    if (!p.sync) fail(`the async form threw instead of rejecting: ${(err as Error).message}`);
    got = err;
  }
  if (!p.sync && !(res instanceof Promise)) fail('the async form did not return a Promise');
  if (got === undefined) got = await Promise.resolve(res).catch((err: unknown) => err);
  try {
    if (want instanceof Error || got instanceof Error) {
      if (!(want instanceof Error && got instanceof Error && want.constructor === got.constructor)) {
        fail(`canonical ${want instanceof Error ? want.message : 'ok'} vs ${got instanceof Error ? got.message : 'ok'}`);
      }
      if (!bytesEqual(region, before)) fail('a failed op wrote memory');
      return;
    }
    // Where the result lives, and which bytes of the region may change.
    let written: TA | undefined, span: [number, number] | undefined;
    if (typeof want !== 'number') {
      if (wIndex >= 0) { written = xs[wIndex]!; span = [offs[wIndex]!, offs[wIndex]! + wLen * wb]; }
      else if (out) { written = out; span = [wOff, wOff + outSpec!.length * wb]; if (got !== out) fail('the result is not the out array'); }
      else written = got as TA;
      if (!sameValues(written, want as TA)) fail(`result differs from the canonical run: ${firstDiff(written, want as TA)}`);
    } else if (!Object.is(got, want)) fail(`got ${got}, canonical ${want}`);
    const [s0, s1] = span ?? [total, total];
    for (let i = 0; i < total; i++) {
      if (i === s0 && s1 > s0) { i = s1 - 1; continue; }
      if (region[i] !== before[i]) fail(`byte ${i} of the region changed outside the written array (span ${span ?? 'none'})`);
    }
    if (withRef && op.ref) {
      const ref = op.ref(snaps.map((s) => s.slice() as TA), d, n);
      const skip = typeof ref === 'number' && Number.isNaN(ref) && !(typeof want === 'number' && Number.isNaN(want));
      if (!skip && !sameValues(ref, want as TA | number)) fail(`canonical result differs from the JS reference: ${typeof ref === 'number' ? `${want} vs ${ref}` : firstDiff(want as TA, ref)}`);
    }
    if (written && !out && wIndex < 0) e.free(written);
    if (e.bytesInUse !== inUse) fail(`bytesInUse ${e.bytesInUse} after the op, ${inUse} before: scratch leaked`);
  } finally {
    e.free(region);
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): string {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `at ${i}: ${a[i]} vs ${b[i]}`;
  return 'same';
}
