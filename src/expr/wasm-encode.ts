/**
 * A minimal WebAssembly binary encoder: just what a fused expression kernel
 * needs (the shared memory and some functions imported, one exported
 * function). Instructions are written as raw bytes by the caller through `Code`.
 */

export const I32 = 0x7f;
export const V128 = 0x7b;

/** An unsigned LEB128 of a non-negative integer below 2^32. */
export function uleb(out: number[], v: number): void {
  v >>>= 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

/** A signed LEB128 of a 32-bit integer. */
export function sleb(out: number[], v: number): void {
  v |= 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) { out.push(byte); return; }
    out.push(byte | 0x80);
  }
}

function name(out: number[], s: string): void {
  uleb(out, s.length);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i)); // ASCII names only
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  uleb(out, body.length);
  for (const b of body) out.push(b);
}

/** A function body under construction: raw instruction bytes plus helpers for the common encodings. */
export class Code {
  readonly bytes: number[] = [];
  op(...b: number[]): this { for (const x of b) this.bytes.push(x); return this; }
  /** An instruction with one unsigned immediate (local.get, call, br...). */
  u(opcode: number, imm: number): this { this.bytes.push(opcode); uleb(this.bytes, imm); return this; }
  i32(v: number): this { this.bytes.push(0x41); sleb(this.bytes, v); return this; }
  /** A SIMD instruction (0xfd prefix, LEB opcode), without immediates. */
  simd(opcode: number): this { this.bytes.push(0xfd); uleb(this.bytes, opcode); return this; }
  /** A SIMD memory instruction: alignment as log2, byte offset; `lane` for the *_lane forms. */
  mem(opcode: number, alignLog2: number, offset: number, lane?: number): this {
    this.simd(opcode);
    uleb(this.bytes, alignLog2);
    uleb(this.bytes, offset);
    if (lane !== undefined) this.bytes.push(lane);
    return this;
  }
  /** i8x16.shuffle with its 16 lane indices. */
  shuffle(lanes: readonly number[]): this { this.simd(0x0d); for (const l of lanes) this.bytes.push(l); return this; }
}

export interface Signature { params: readonly number[]; results: readonly number[] }

export interface ModuleSpec {
  /** The shared memory, imported as env.memory; its declared limits accept any engine memory. */
  memory: { module: string; name: string };
  /** Imported functions: function indices 0, 1, ... in this order (`call` takes them). */
  imports?: ReadonlyArray<Signature & { module: string; name: string }>;
  /** Mutable i32 globals, starting at 0 (an instance's own state: one per thread here). */
  globals?: number;
  /** The one defined function (index imports.length): its signature, locals (types in order) and body (without the final `end`). */
  func: Signature & { name: string; locals: readonly number[]; body: Code };
}

/** The module's bytes. */
export function encodeModule(spec: ModuleSpec): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const f = spec.func;
  const fns = spec.imports ?? [];
  // One type per distinct signature.
  const sigs: string[] = [];
  const typeOf = (s: Signature) => {
    const key = `${s.params.join(',')}:${s.results.join(',')}`;
    let t = sigs.indexOf(key);
    if (t < 0) { t = sigs.length; sigs.push(key); }
    return t;
  };
  const fnTypes = fns.map(typeOf);
  const funcType = typeOf(f);
  const types: number[] = [];
  uleb(types, sigs.length);
  for (const key of sigs) {
    const [params, results] = key.split(':').map((l) => (l ? l.split(',').map(Number) : []));
    types.push(0x60);
    uleb(types, params!.length); types.push(...params!);
    uleb(types, results!.length); types.push(...results!);
  }
  section(out, 1, types);

  const imports: number[] = [];
  uleb(imports, 1 + fns.length);
  name(imports, spec.memory.module); name(imports, spec.memory.name);
  // Shared, minimum 0 and maximum 65536 pages: an imported memory only has to fit inside these.
  imports.push(0x02, 0x03, 0x00); uleb(imports, 65536);
  for (const [k, g] of fns.entries()) {
    name(imports, g.module); name(imports, g.name);
    imports.push(0x00); uleb(imports, fnTypes[k]!);
  }
  section(out, 2, imports);

  const funcs: number[] = [1];
  uleb(funcs, funcType);
  section(out, 3, funcs); // one defined function

  if (spec.globals) {
    const globals: number[] = [];
    uleb(globals, spec.globals);
    for (let g = 0; g < spec.globals; g++) globals.push(I32, 0x01, 0x41, 0x00, 0x0b); // mut i32 = i32.const 0
    section(out, 6, globals);
  }

  const exports: number[] = [1];
  name(exports, f.name); exports.push(0x00); uleb(exports, fns.length); // the defined function follows the imports
  section(out, 7, exports);

  const body: number[] = [];
  // Locals as runs of one type.
  const runs: Array<[number, number]> = [];
  for (const t of spec.func.locals) {
    const last = runs[runs.length - 1];
    if (last && last[1] === t) last[0]++; else runs.push([1, t]);
  }
  uleb(body, runs.length);
  for (const [count, t] of runs) { uleb(body, count); body.push(t); }
  for (const b of spec.func.body.bytes) body.push(b);
  body.push(0x0b);
  const code: number[] = [];
  uleb(code, 1); uleb(code, body.length);
  for (const b of body) code.push(b);
  section(out, 10, code);
  return Uint8Array.from(out);
}
