// The built-in kernel module: every family re-exported from one wasm, so each
// thread instantiates one module against the shared memory.
export * from './elementwise';
export * from './clip-axpy';
export * from './reduce';
export * from './reduce-exact';
export * from './reduce-extremes';
export * from './scan';
export * from './scan-lookback';
export * from './scan-lookback-int';
export * from './sort';
export * from './histogram';
export * from './histogram-int';
export * from './histogram-u8';
export * from './linalg';
export * from './generate';
export * from './map';
export * from './pow';
export * from './strided';
export * from './strided-reduce';
export * from './strided-scan';
export { expr_run, expr_claim, expr_release } from './expr-vm';
