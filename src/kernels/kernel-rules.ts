/** The kernel rules (DESIGN "Kernel rules"), checked on an inspected module: each broken rule is named with its fix. */
import { KernelRuleError } from '../errors.js';
import { ALLOCATOR_EXPORTS, MAX_PAGES, inspectKernelModule, type KernelModuleInfo } from './wasm-inspect.js';

/**
 * Throws KernelRuleError naming every rule the module breaks. `maximumPages`
 * is the maximum of the engine's memory: a memory import must declare at least
 * that much, or instantiation against a grown memory fails.
 */
export function checkKernelRules(info: KernelModuleInfo, options: { maximumPages?: number } = {}): void {
  const maximumPages = options.maximumPages ?? MAX_PAGES;
  const broken: string[] = [];
  const fail = (rule: string) => { broken.push(rule); };

  if (info.dataSegments > 0) {
    fail(`the module has ${info.dataSegments} data segment(s). Every thread instantiates the module against the same shared memory, so active data would be re-applied at each instantiation over live arrays. Remove static data: strings, array literals, StaticArray constants, memory.data, and Math functions that use lookup tables (Math.sin/cos/exp/log/pow...).`);
  }
  if (info.hasStart) {
    fail('the module has a start function (AssemblyScript emits one for top-level statements or globals initialised at run time). It would run once per thread; move the code into the kernel, and use only inline constants at top level.');
  }
  if (info.definesMemory) {
    fail('the module defines its own memory instead of importing the engine\'s shared one. Compile with --importMemory --sharedMemory --maximumMemory 65536 (import env.memory).');
  }
  const m = info.memoryImport;
  if (m) {
    const where = `${m.module}.${m.name}`;
    if (m.module !== 'env' || m.name !== 'memory') fail(`the memory is imported as ${where}; it must be imported as env.memory.`);
    if (m.memory64) fail('the memory import is 64-bit (memory64); kernels use a 32-bit shared memory.');
    if (!m.shared) fail('the env.memory import is not shared. Compile with --sharedMemory --maximumMemory 65536.');
    else if (m.maximum === null || m.maximum < maximumPages) {
      fail(`the env.memory import allows at most ${m.maximum ?? '(none)'} pages; the engine's memory may grow to ${maximumPages}. Compile with --maximumMemory ${maximumPages}.`);
    }
  }
  for (const imp of info.otherImports) {
    if (imp.module === 'env' && imp.name === 'abort' && imp.kind === 'function') continue;
    fail(`the module imports ${imp.module}.${imp.name} (a ${imp.kind}); a kernel may import only env.memory and env.abort. (trace(), Math.random() and console calls need host imports.)`);
  }
  const allocator = [...info.exports, ...info.otherExports].map((e) => e.name).filter((n) => ALLOCATOR_EXPORTS.has(n));
  if (allocator.length > 0) {
    fail(`the module exports ${allocator.join(', ')}: it carries a runtime that allocates, which several instances over one memory would corrupt. Compile with --runtime stub without --exportRuntime, and do not use \`new\`.`);
  }
  if (info.exportedMutableGlobals.length > 0) {
    fail(`the module exports mutable global(s) ${info.exportedMutableGlobals.join(', ')}; each thread has its own copy, so kernels must not keep state in globals.`);
  }
  if (info.mutableGlobals > 0) {
    fail(`the module defines ${info.mutableGlobals} mutable global(s): each thread's instance has its own copy, so a kernel that keeps state there (or an allocator offset / stack pointer, as a runtime or a C toolchain adds) behaves differently per thread. Use \`const\` at top level and keep state in memory you pass in.`);
  }
  for (const e of info.otherExports) {
    if (e.kind === 'function' && e.params && e.params.length >= 2 && e.params[0] === 'i32' && e.params[1] === 'i32') {
      fail(`export "${e.name}" looks like a kernel (start: i32, end: i32, ...) but ${e.reason}: JavaScript numbers pass only as i32, f32 or f64 (use f64 instead of i64, and pointers as usize/i32); results may be void, i32, f32 or f64.`);
    }
  }
  if (info.exports.length === 0) {
    fail('the module exports no kernel: a kernel is an exported function (start: i32, end: i32, ...args: i32|f32|f64) returning void or an i32/f32/f64 partial.');
  }
  if (broken.length === 1) throw new KernelRuleError(`Kernel rule broken: ${broken[0]}`);
  if (broken.length > 1) throw new KernelRuleError(`Kernel rules broken:\n${broken.map((b) => `- ${b}`).join('\n')}`);
}

/** inspectKernelModule + checkKernelRules, plus WebAssembly.validate so a corrupt binary fails here. */
export function inspectAndCheck(bytes: Uint8Array, options?: { maximumPages?: number }): KernelModuleInfo {
  const info = inspectKernelModule(bytes);
  // slice(): validate() wants an unshared buffer, and bytes may be a view of shared memory.
  const own = (bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice()) as Uint8Array<ArrayBuffer>;
  if (!WebAssembly.validate(own)) throw new KernelRuleError('Not a valid WebAssembly module (WebAssembly.validate failed)');
  checkKernelRules(info, options);
  return info;
}
