// Compile-time checks of the op types derived from the declarations (op-decl.ts):
// checked by test/engine-types.test.ts with tsc against the built package. Never run.
import type { Engine, Kernel, NDArray } from 'wasmpar';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const assert = <T extends true>(_: T): void => undefined;

export async function check(e: Engine, k: Kernel): Promise<void> {
  const f64 = e.alloc('f64', 4), i32 = e.alloc('i32', 4), f32 = e.alloc('f32', 4);
  // The result type follows the input, for both forms.
  assert<Equal<typeof f64, Float64Array>>(true);
  assert<Equal<Awaited<ReturnType<typeof e.add<Int32Array>>>, Int32Array>>(true);
  const a: Float64Array = await e.add(f64, 1);
  const b: Int32Array = e.addSync(i32, i32, { out: i32 });
  const c: Float32Array = e.mapSync('sqrt', f32);
  const d: Float64Array = await e.map((v) => v * 2, f64);
  const g: Float64Array = await e.map(k, f64);
  const h: number = e.sumSync(f64);
  const p: Promise<number> = e.sum(i32);
  const s: Float32Array = e.axpySync(2, f32, f32);
  const m: Float32Array = await e.matmul(f32, f32, { m: 2, k: 2, n: 2 });
  // arange / linspace return the typed array for their dtype (f64 by default).
  const r1: Float64Array = await e.arange(10);
  const r2: Int32Array = e.arangeSync(0, 10, 1, 'i32');
  const r3: Uint8Array = await e.linspace(0, 1, 5, 'u8');
  const r4: Float32Array = e.linspaceSync(0, 1, 5, 'f32', { endpoint: false });
  const v: void = await e.parallelFor(k, 10, f64, { chunkSize: 2 });
  const n: number = e.parallelReduceSync(k, 10, 'sum', f64);
  void [a, b, c, d, g, h, p, s, m, r1, r2, r3, r4, v, n];

  // N-d: a reduction over every axis is a number (as at run time); along an axis, an NDArray.
  const x = e.zeros([3, 4], 'f32');
  const t1: number = await e.sum(x);
  const t2: number = e.meanSync(x, { axis: null });
  const t3: number = await e.argmax(x, {});
  const t4: NDArray = await e.sum(x, { axis: 0 });
  const t5: NDArray = e.maxSync(x, { keepdims: true });
  const t6: NDArray = await e.sum(x, { out: e.zeros([]) });
  // Elementwise ops keep an NDArray's element type (both operands share a dtype).
  const t7: Float32Array = (await e.add(x, x.T.T)).data;
  const t8: Float32Array = e.mapSync('sqrt', x).data;
  const t9: Float32Array = (await e.clip(x, 0, 1)).data;
  void [t1, t2, t3, t4, t5, t6, t7, t8, t9];
  // @ts-expect-error: along an axis the result is an NDArray, not a number
  const bad2: number = await e.sum(x, { axis: 1 });

  // @ts-expect-error: MapOp is the union of op names, not any string
  e.mapSync('sinh', f64);
  // @ts-expect-error: operands of different dtypes
  e.addSync(f64, i32);
  // @ts-expect-error: the result of an i32 arange is not a Float64Array
  const bad: Float64Array = e.arangeSync(0, 3, 1, 'i32');
  // @ts-expect-error: axpy is float-only
  e.axpySync(1, i32, i32);
  // @ts-expect-error: the Sync form returns the value, not a Promise
  const notPromise: Promise<number> = e.sumSync(f64);
  void [bad, notPromise, bad2];
}
