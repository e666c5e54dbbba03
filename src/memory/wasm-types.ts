/**
 * The WebAssembly types wasmpar's public declarations mention, without needing
 * lib "DOM": @types/node has no `WebAssembly` namespace, so a Node-only
 * TypeScript project (lib es2022, types node) would see `Cannot find namespace
 * 'WebAssembly'`, or `any` under skipLibCheck. Where the consumer's globals have
 * WebAssembly (lib DOM or WebWorker), these ARE its types; elsewhere they are
 * the structural shape wasmpar relies on.
 */

/** The part of a WebAssembly.Memory a Node-only program can use. */
export interface SharedMemoryShape {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(delta: number): number;
}

/** A compiled module: opaque where lib DOM is absent. */
export interface ModuleShape {
  readonly [Symbol.toStringTag]?: string;
}

export type WasmMemory = typeof globalThis extends { WebAssembly: { Memory: abstract new (...args: never[]) => infer M } } ? M : SharedMemoryShape;
export type WasmModule = typeof globalThis extends { WebAssembly: { Module: abstract new (...args: never[]) => infer M } } ? M : ModuleShape;
