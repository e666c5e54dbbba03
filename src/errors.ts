/**
 * Every error wasmpar raises on its own account is a WasmparError with a stable
 * `code`, so callers can branch on `err.code` across realms and bundles where
 * `instanceof` may fail. Wrong arguments use the built-in TypeError/RangeError.
 */
export class WasmparError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A kernel trapped (unreachable, out-of-bounds access, ...). The engine stays usable. */
export class KernelError extends WasmparError {
  /** The kernel (export) name that trapped, when known. */
  readonly kernel: string | undefined;
  constructor(message: string, options?: { cause?: unknown; kernel?: string }) {
    super('ERR_KERNEL', message, options);
    this.kernel = options?.kernel;
  }
}

/** A worker thread died while it held work. The pool replaces it. */
export class WorkerCrashError extends WasmparError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_WORKER_CRASH', message, options);
  }
}

/** The operation was aborted through its AbortSignal (or its future was cancelled). */
export class CancelledError extends WasmparError {
  constructor(message = 'The operation was cancelled', options?: { cause?: unknown }) {
    super('ERR_CANCELLED', message, options);
  }
}

export class TimeoutError extends WasmparError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_TIMEOUT', message, options);
  }
}

/** The shared heap cannot grow far enough (beyond `memory.maximum`). */
export class OutOfMemoryError extends WasmparError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_OUT_OF_MEMORY', message, options);
  }
}

/** The engine (or pool/executor) was disposed or shut down. */
export class DisposedError extends WasmparError {
  constructor(message = 'The engine has been disposed', options?: { cause?: unknown }) {
    super('ERR_DISPOSED', message, options);
  }
}

/** Run-time AssemblyScript compilation failed; the message carries the diagnostics. */
export class CompileError extends WasmparError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_COMPILE', message, options);
  }
}

/** A wasm module breaks the kernel rules (data segments, start function, own memory, ...). */
export class KernelRuleError extends WasmparError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_KERNEL_RULE', message, options);
  }
}

/** A service wasmpar depends on (Redis, for the 'bullmq' backend) cannot be reached, or was lost. */
export class ConnectionError extends WasmparError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CONNECTION', message, options);
  }
}

/** A call came in a state that does not allow it: a pool's join() before its close() or terminate(). */
export class StateError extends WasmparError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_STATE', message, options);
  }
}

/** A task pool cannot run anything: its initializer failed (Python's BrokenProcessPool). */
export class BrokenPoolError extends WasmparError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_BROKEN_POOL', message, options);
  }
}

/**
 * The host cannot do what was asked: no SharedArrayBuffer (a page that is not
 * cross-origin isolated), the built-in kernels missing or unreachable, a *Sync
 * op on a thread that may not block (a browser's main thread), an optional
 * package a feature needs (bullmq) not installed.
 */
export class EnvironmentError extends WasmparError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ENVIRONMENT', message, options);
  }
}
