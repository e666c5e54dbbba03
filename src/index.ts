export { Engine, Kernel, KernelModule } from './kernels/engine.js';
export type { ParallelOptions, Combine, CompileOptions } from './kernels/engine.js';
export type { EngineOptions, OpOptions, OutOptions, VarianceOptions, MapOp } from './engine/engine.js';
export type { Dtype, TypedArray } from './memory/dtypes.js';
export {
  WasmparError, KernelError, WorkerCrashError, CancelledError, TimeoutError, OutOfMemoryError, DisposedError,
  CompileError, KernelRuleError,
} from './errors.js';
