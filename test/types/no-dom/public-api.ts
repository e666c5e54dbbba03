// Compiled by test/types-no-dom.test.ts; every @ts-expect-error line must be an error.
import { type Engine, Executor, KernelRuleError, type Kernel, type KernelArg } from 'wasmpar';

export async function memory(engine: Engine): Promise<number> {
  const bytes: number = engine.memory.buffer.byteLength;
  const view = new Float64Array(engine.memory.buffer, 0, 1);
  // @ts-expect-error engine.memory is typed, not any
  const wrong: string = engine.memory;
  return bytes + view.length + wrong.length;
}

export async function userKernels(engine: Engine): Promise<number> {
  // The README's pattern: kernels are properties of the module.
  const mod = await engine.compile(`export function axpb(start: i32, end: i32, x: usize, y: usize, a: f64, b: f64): void {}`);
  const x = engine.from([1, 2, 3, 4]);
  const y = engine.alloc('f64', 4);
  await engine.parallelFor(mod.axpb, x.length, x, y, 2, 1);
  await engine.parallelFor(mod.axpb, x.length, x, y, 2, 1, { chunkSize: 2 });
  engine.parallelForSync(mod.axpb, x.length, x, y, 2, 1);
  const k: Kernel = mod.axpb;
  const args: KernelArg[] = [x, y, 2, 1];
  await engine.parallelFor(k, x.length, ...args);
  // @ts-expect-error a string is no kernel argument
  await engine.parallelFor(mod.axpb, x.length, 'x');
  const named = await engine.compile<'axpb'>('...');
  await engine.parallelFor(named.axpb, 4, x, y, 1, 0);
  // @ts-expect-error only 'axpb' was named
  named.axpd;
  const bytes: Uint8Array = mod.bytes;
  const loaded = await engine.load(bytes);
  const s: number = await engine.parallelReduce(loaded.sumsq, x.length, 'sum', x);
  // @ts-expect-error combine is 'sum' | 'min' | 'max'
  await engine.parallelReduce(loaded.sumsq, x.length, 'avg', x);
  return s + (KernelRuleError.name.length);
}

export async function executorMap(): Promise<void> {
  const ex = new Executor({ maxWorkers: 2 });
  for await (const r of ex.map((a: number, b: string) => `${a}${b}`, [1, 2], ['a', 'b'])) {
    const t: string = r;
    void t;
  }
  for await (const r of ex.map((a: number) => a * 2, [1, 2], { chunkSize: 2 })) {
    const t: number = r;
    void t;
  }
  // @ts-expect-error the iterable's elements must fit the function's parameter
  ex.map((a: number) => a * 2, ['x']);
  await ex.shutdown();
}
