/// <reference lib="esnext.disposable" preserve="true" />
// Preserved in browser.d.ts: Engine's [Symbol.asyncDispose] type-checks in a browser project whose lib stops at
// es2022 and has no @types/node (which declares it for Node projects, also on TypeScript < 5.2).
/**
 * wasmpar for browsers: the same engine (built-in ops, prebuilt kernel modules,
 * parallelFor / parallelReduce, JS-function map) on module Workers. The page must
 * be cross-origin isolated (COOP: same-origin, COEP: require-corp) for shared memory.
 *
 * Not here, for now: `engine.compile` (the AssemblyScript compiler is a large
 * Node-side dependency; compile ahead of time and `engine.load` the bytes or a
 * URL) and the task APIs (Pool, Executor, parallel), which are built on
 * node:worker_threads. On a browser's main thread the *Sync ops throw (the main
 * thread may not block); they work inside a Worker.
 */
import { browserPlatform } from './engine/platform-browser.js';
import type { Platform } from './engine/platform.js';
import { Kernel, KernelEngine, KernelModule } from './kernels/kernel-engine.js';

export class Engine extends KernelEngine {
  static override platform: Platform | undefined = browserPlatform;
}

export { Kernel, KernelModule };
export type { ParallelForOptions, Combine, KernelArg, KernelArgs, KernelExports } from './kernels/kernel-engine.js';
export type { MapOp, KernelOps } from './kernels/kernel-engine.js';
export type { MapOpName } from './engine/core-ops.js';
export type { EngineOptions, OpOptions, OutOptions, VarianceOptions, HistogramOptions, MatmulOptions, LinspaceOptions } from './engine/options.js';
export type { Dtype, TypedArray } from './memory/dtypes.js';
export { NDArray } from './nd/ndarray.js';
export type { NDInput, NDObject, NdOutOptions, AxisOptions, AxisVarianceOptions, OneAxisOptions, ArgOptions, JoinOptions, NdOps } from './nd/nd-ops.js';
export type { SliceSpec } from './nd/slice.js';
export type { CompiledExpression } from './expr/expr-engine.js';
export type { EvaluateOptions, ExpressionVars, ExpressionResult, ExprOps } from './expr/expr-ops.js';
export type { KernelModuleInfo } from './kernels/wasm-inspect.js';
export {
  WasmparError, KernelError, WorkerCrashError, CancelledError, TimeoutError, OutOfMemoryError, DisposedError,
  KernelRuleError, EnvironmentError,
} from './errors.js';
