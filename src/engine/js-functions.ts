/**
 * JS functions as map kernels. A function is shipped by its source and compiled
 * on each thread in a scope that holds only globals, so it must not read
 * variables from its closure: we detect that up front and say so.
 */
import { compileJsFunction } from '../runtime/kernel-table.js';

const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;

/** The source to ship for `fn`, or a TypeError explaining why it cannot be shipped. */
export function functionSource(fn: (...args: never[]) => unknown, op: string): string {
  const text = Function.prototype.toString.call(fn);
  if (NATIVE.test(text)) {
    // Math.sin and friends are natives with a well-known name: ship the name.
    const name = fn.name;
    if (name && (Math as unknown as Record<string, unknown>)[name] === fn) return `Math.${name}`;
    throw new TypeError(`${op}: ${fn.name || 'the function'} is a native or bound function; its source cannot be shipped to worker threads. Wrap it: (v) => ...`);
  }
  if (/^(async\s|class\s|function\s*\*|async\s*function)/.test(text)) {
    throw new TypeError(`${op}: the function must be a plain synchronous function (v) => ...; got ${text.slice(0, 40)}`);
  }
  return text;
}

/**
 * Compile in a globals-only scope and call once on a sample: a ReferenceError
 * there means the function reads a variable from its closure.
 */
export function probeFunction(source: string, sample: number | undefined, op: string): void {
  let compiled: (v: number) => unknown;
  try {
    compiled = compileJsFunction(source) as (v: number) => unknown;
  } catch (err) {
    throw new TypeError(`${op}: the function's source cannot be compiled on its own (${(err as Error).message}); write it as an arrow or function expression, e.g. (v) => v * 2`);
  }
  if (sample === undefined) return;
  try {
    compiled(sample);
  } catch (err) {
    if (err instanceof ReferenceError) {
      throw new TypeError(
        `${op}: the function reads a variable from its closure (${err.message}). Functions run on worker threads ` +
        'and see only globals: inline the value into the function, or write the kernel in AssemblyScript ' +
        '(engine.compile) or as a wasm module (engine.load).');
    }
    // Any other error is the function's own; it surfaces as a KernelError when the op runs.
  }
}
