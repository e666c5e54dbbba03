// Compiled by test/types-no-dom.test.ts, never run: a browser project without @types/node.
import { Engine, NDArray, type Dtype } from 'wasmpar/browser';

export async function use(): Promise<number> {
  const engine = await Engine.create({ threads: 2 });
  const x: NDArray = engine.zeros([2, 3], 'f32');
  const d: Dtype = x.dtype;
  const total: number = await engine.sum(x);
  await engine[Symbol.asyncDispose]();
  return total + d.length;
}
