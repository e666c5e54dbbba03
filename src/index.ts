/** wasmpar: parallel numeric compute on WebAssembly SIMD + threads over one shared memory. */
export { Engine, Kernel, KernelModule } from './kernels/engine.js';
export type { ParallelForOptions, Combine, CompileOptions, KernelArg, KernelArgs, KernelExports } from './kernels/engine.js';
export type { MapOp, KernelOps } from './kernels/kernel-engine.js';
export type { MapOpName } from './engine/core-ops.js';
export type { EngineOptions, OpOptions, OutOptions, VarianceOptions, HistogramOptions, MatmulOptions, LinspaceOptions } from './engine/options.js';
export type { Dtype, TypedArray } from './memory/dtypes.js';
export { NDArray } from './nd/ndarray.js';
export type { NDInput, NDObject, NdOutOptions, AxisOptions, AxisVarianceOptions, OneAxisOptions, ArgOptions, JoinOptions, NdOps } from './nd/nd-ops.js';
export type { SliceSpec } from './nd/slice.js';
export type { CompiledExpression } from './expr/expr-engine.js';
export type { EvaluateOptions, ExpressionVars, ExpressionResult, ExprOps } from './expr/expr-ops.js';
export {
  WasmparError, KernelError, WorkerCrashError, CancelledError, TimeoutError, OutOfMemoryError, DisposedError,
  CompileError, KernelRuleError, EnvironmentError, StateError, BrokenPoolError, ConnectionError,
} from './errors.js';
export * from './tasks/index.js';
