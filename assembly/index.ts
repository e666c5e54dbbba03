// The built-in kernel module: every family re-exported from one wasm, so each
// thread instantiates one module against the shared memory.
export * from './elementwise';
