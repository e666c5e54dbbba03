/**
 * Each op is declared ONCE: its public signature (one line in a signature
 * interface such as `CoreOps` in core-ops.ts) and its declaration (parameter
 * names, option keys, the generator) in a table typed by that interface.
 * `defineOps` (engine.ts) derives both public forms on a class: `op()` → Promise and
 * `opSync()` → value. The types are derived too: `S<'async'>` and `SyncForms<S<'sync'>>` keep each
 * signature's generics (`add<T>(a: T, …): Promise<T>` and `addSync<T>(…): T`).
 *
 * How a higher layer (src/nd, src/expr, src/kernels) adds or widens ops:
 *   1. Signatures: `interface NdOps<M extends Mode = 'sync'> extends CoreOps<M> { … }`.
 *      A new op is a new member; a widened op is re-declared (overloads that keep
 *      the old signature first and put the widest LAST — `run` takes its
 *      parameter types from the last overload — e.g. `add<T extends TypedArray>(…): Ret<T, M>;
 *      add(a: NDArray | TypedArray, …): Ret<NDArray, M>;`).
 *   2. Declarations: `const ND_OPS: OpDecls<NdOps> = { ...CORE_OPS, add: { ...CORE_OPS.add,
 *      options: [...CORE_OPS.add.options, 'axis'], run: (c, a, b, o) => isNd(a) ? … :
 *      CORE_OPS.add.run(c, a, b, o) } }` — the wider generator falls back to the
 *      one below, so typed arrays keep their exact path.
 *   3. The public class (src/kernels/kernel-engine.ts) takes the top layer's
 *      table: its `KernelOps` extends the top signature interface and its table
 *      spreads the top table; `defineOps(KernelEngine, KERNEL_OPS)` and
 *      `interface KernelEngine extends KernelOps<'async'>, SyncForms<KernelOps<'sync'>> {}`
 *      do the rest.
 * Op classes extend `EngineCore`, which declares no op of its own, so a widened
 * signature never conflicts with a narrower one inherited from a base class.
 */
import type { Op } from './op.js';
import type { OpContext } from './op-context.js';

/** 'sync' for the `opSync` form, 'async' for the Promise form. */
export type Mode = 'async' | 'sync';
/** An op's result in a mode: `T` from `opSync`, `Promise<T>` from `op`. */
export type Ret<T, M extends Mode> = M extends 'sync' ? T : Promise<T>;

/** The runtime half of an op, typed by its public signature `F` (the Sync form). */
export interface OpDecl<F = (...args: never[]) => unknown> {
  /**
   * Names of the positional arguments; the options object comes right after them
   * (an absent or `undefined` one is `{}` by the time `run` sees it).
   */
  readonly params: readonly string[];
  /** Option keys besides `signal`; any other key is a TypeError naming the known ones. */
  readonly options: readonly string[];
  /**
   * True when the generator is correct with an output (or in/out array) that is
   * exactly one of its inputs — elementwise kernels, where element i is read
   * before it is written, or an op that picks an in-place path itself. Otherwise
   * (the default) such an output is computed in scratch and copied back. A
   * partial overlap is always computed in scratch.
   */
  readonly aliasSafe?: boolean;
  /** A variadic op splits its call's arguments into positional ones and the options itself. */
  readonly split?: (args: unknown[]) => [unknown[], unknown];
  /** The op's generator; runs after the options check, gets the positional arguments then the options. */
  readonly run: F extends (...args: infer A) => infer R ? (ctx: OpContext, ...args: A) => Op<R> : never;
}

/** The declaration table for a signature interface `S` (instantiate S in its 'sync' mode). */
export type OpDecls<S> = { readonly [K in keyof S]: OpDecl<S[K]> };

/** The `opSync` methods of a signature interface in its 'sync' mode (the `op` methods are `S<'async'>` itself). */
export type SyncForms<S> = { [K in keyof S & string as `${K}Sync`]: S[K] };

type AnyDecl = OpDecl<(...args: never[]) => unknown> & { run: (ctx: OpContext, ...args: unknown[]) => Op<unknown> };

/** How `installOps` runs a call; EngineCore provides it (engine.ts). */
export type OpRunner = (self: object, name: string, decl: AnyDecl, args: unknown[], sync: boolean) => unknown;

/** Define `name` and `nameSync` on `cls.prototype` for every declaration in `decls`. */
export function installOps(cls: { prototype: object }, decls: object, runner: OpRunner): void {
  for (const [name, decl] of Object.entries(decls) as Array<[string, AnyDecl]>) {
    const forms: Record<string, (this: object, ...args: unknown[]) => unknown> = {
      [name](...args) { return runner(this, name, decl, args, false); },
      [`${name}Sync`](...args) { return runner(this, `${name}Sync`, decl, args, true); },
    };
    for (const [key, value] of Object.entries(forms)) {
      Object.defineProperty(cls.prototype, key, { value, writable: true, configurable: true, enumerable: false });
    }
  }
}

/** Split a call's arguments into positional ones and the options object. */
export function splitCall(decl: AnyDecl, args: unknown[], op: string): [unknown[], unknown] {
  if (decl.split) return decl.split(args);
  // Always params.length positional arguments, so the options land in their slot.
  const n = decl.params.length;
  // An argument past the options is a mistake (add(a, b, c, d)), never ignored.
  for (let i = n + 1; i < args.length; i++) {
    if (args[i] !== undefined) throw new TypeError(`${op}: takes (${[...decl.params, 'options'].join(', ')}); got ${args.length} arguments`);
  }
  const positional = args.slice(0, n);
  while (positional.length < n) positional.push(undefined);
  return [positional, args[n]];
}

export type { AnyDecl };
