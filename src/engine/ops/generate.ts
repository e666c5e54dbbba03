/**
 * arange / linspace with numpy's arithmetic (see assembly/generate.ts): every
 * element is computed from its index, so chunks fill independently in parallel.
 */
import { checkDtype, DTYPES, type Dtype, type TypedArray } from '../../memory/dtypes.js';
import type { Op } from '../op.js';
import type { OpContext } from '../op-context.js';

export interface GenerateOptions { out?: unknown }
export interface LinspaceOptions extends GenerateOptions { endpoint?: boolean }

const MAX_LENGTH = 0x7fffffff;

function finite(ctx: OpContext, v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${ctx.op}: ${name} must be a finite number; got ${String(v)}`);
  return v;
}

/** arange(stop) | arange(start, stop, step = 1, dtype = 'f64'): [start, stop) by step. */
export function* arange(ctx: OpContext, start: unknown, stop?: unknown, step?: unknown, dtype?: unknown, opts?: GenerateOptions): Op<TypedArray> {
  let a = finite(ctx, start, 'start');
  let b: number;
  if (stop === undefined || stop === null) { b = a; a = 0; } else b = finite(ctx, stop, 'stop');
  const s = step === undefined ? 1 : finite(ctx, step, 'step');
  if (s === 0) throw new RangeError(`${ctx.op}: step must not be 0`);
  const dt: Dtype = dtype === undefined ? 'f64' : checkDtype(dtype, `${ctx.op}: dtype`);
  const len = Math.max(0, Math.ceil((b - a) / s));
  if (len > MAX_LENGTH) throw new RangeError(`${ctx.op}: the result would have ${len} elements; at most ${MAX_LENGTH}`);
  // numpy stores start and start + step in the dtype, then fills start + i * (their difference).
  let first: number, second: number, delta: number;
  if (dt === 'f64') { first = a; second = a + s; delta = second - first; }
  else if (dt === 'f32') { first = Math.fround(a); second = Math.fround(a + s); delta = Math.fround(second - first); }
  else { first = Math.trunc(a); second = Math.trunc(a + s); delta = second - first; }
  if (len > 0) fits(ctx, dt, first, first + (len - 1) * delta);
  const out = ctx.output(opts?.out, 'out', dt, len);
  if (len > 0) yield { kernel: `arange_${dt}`, n: len, args: [out.ptr, first, delta, second] };
  return ctx.result(out);
}

/** Integer dtypes: the first and last values (the others lie between) must be representable. */
function fits(ctx: OpContext, dt: Dtype, from: number, to: number): void {
  if (DTYPES[dt].float) return;
  const r = DTYPES[dt].range;
  for (const v of [from, to]) {
    if (!(v >= r[0] && v <= r[1])) {
      throw new RangeError(`${ctx.op}: the values run from ${from} to ${to}, outside dtype '${dt}' [${r[0]}, ${r[1]}]`);
    }
  }
}

/** linspace(start, stop, num = 50, dtype = 'f64', { endpoint = true }): the last value is exactly stop. */
export function* linspace(ctx: OpContext, start: unknown, stop: unknown, num?: unknown, dtype?: unknown, opts?: LinspaceOptions): Op<TypedArray> {
  const a = finite(ctx, start, 'start');
  const b = finite(ctx, stop, 'stop');
  const n = num === undefined ? 50 : num;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_LENGTH) {
    throw new RangeError(`${ctx.op}: num must be an integer in [0, ${MAX_LENGTH}]; got ${String(n)}`);
  }
  const dt: Dtype = dtype === undefined ? 'f64' : checkDtype(dtype, `${ctx.op}: dtype`);
  const endpoint = opts?.endpoint ?? true;
  if (typeof endpoint !== 'boolean') throw new TypeError(`${ctx.op}: endpoint must be true or false; got ${String(endpoint)}`);
  const div = endpoint ? n - 1 : n;
  const delta = b - a;
  const step = div > 0 ? delta / div : 0;
  // numpy: i * step + start, or (i / div) * delta + start where the step underflows to 0.
  const at = (i: number) => (endpoint && n > 1 && i === n - 1 ? b : step !== 0 ? i * step + a : div > 0 ? (i / div) * delta + a : a);
  if (n > 0) fits(ctx, dt, Math.floor(at(0)), Math.floor(at(n - 1)));
  const out = ctx.output(opts?.out, 'out', dt, n);
  // The kernel pins element num-1 to stop only when its `num` argument says so.
  if (n > 0) yield { kernel: `linspace_${dt}`, n, args: [out.ptr, a, step, b, endpoint ? n : 0, Math.max(div, 1), delta] };
  return ctx.result(out);
}
