/**
 * A small WebAssembly binary reader that answers one question: can this module
 * be instantiated once per thread against the engine's ONE shared memory
 * without the instances corrupting each other? `WebAssembly.Module.imports()`
 * and `.exports()` do not give signatures, memory limits, data segments or a
 * start function, so the sections are read here (no dependency).
 */
import { KernelRuleError } from '../errors.js';

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';
export type ExternKind = 'function' | 'table' | 'memory' | 'global' | 'tag';

export interface ExportedFunction {
  name: string;
  params: ValType[];
  results: ValType[];
}

export interface MemoryImport {
  module: string;
  name: string;
  shared: boolean;
  /** Pages (64 KiB). */
  minimum: number;
  /** Pages, or null when the import declares no maximum. */
  maximum: number | null;
  memory64: boolean;
}

export interface KernelModuleInfo {
  /** Exported functions that fit the kernel ABI: (start: i32, end: i32, ...i32|f32|f64) -> void|i32|f32|f64. */
  exports: ExportedFunction[];
  /** Every other export (helpers, the memory, globals), with why it is not a kernel. */
  otherExports: Array<{ name: string; kind: ExternKind; reason: string; params?: ValType[]; results?: ValType[] }>;
  memoryImport: MemoryImport | null;
  /** Imports other than the memory (env.abort is allowed by the rules, anything else is not). */
  otherImports: Array<{ module: string; name: string; kind: ExternKind }>;
  dataSegments: number;
  hasStart: boolean;
  definesMemory: boolean;
  /** Mutable globals the module defines (each instance keeps its own copy). */
  mutableGlobals: number;
  /** Names of exported mutable globals (defined or re-exported imports). */
  exportedMutableGlobals: string[];
}

/** Page count the engine's memory may grow to; an import must allow at least this. */
export const MAX_PAGES = 65536;

const SECTION = { custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7, start: 8, element: 9, code: 10, data: 11, dataCount: 12, tag: 13 } as const;
const KINDS: ExternKind[] = ['function', 'table', 'memory', 'global', 'tag'];
const VALTYPES: Record<number, ValType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
/** Exports that give away an allocating runtime. */
export const ALLOCATOR_EXPORTS = new Set(['__new', '__alloc', '__pin', '__unpin', '__collect', '__renew', '__heap_base', '__data_end', 'malloc']);

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array, readonly end = bytes.length) {}

  byte(): number {
    if (this.pos >= this.end) throw new KernelRuleError('Not a valid WebAssembly module: unexpected end of section');
    return this.bytes[this.pos++]!;
  }

  /** Unsigned LEB128; arithmetic rather than shifts so memory64 limits above 2^31 stay exact. */
  u(): number {
    let result = 0, scale = 1, b: number;
    do {
      b = this.byte();
      result += (b & 0x7f) * scale;
      scale *= 128;
    } while (b & 0x80);
    return result;
  }

  /** Signed LEB128 is only ever skipped here (constant expressions). */
  skipLeb(): void {
    while (this.byte() & 0x80);
  }

  skip(n: number): void {
    this.pos += n;
    if (this.pos > this.end) throw new KernelRuleError('Not a valid WebAssembly module: truncated section');
  }

  name(): string {
    const len = this.u();
    const start = this.pos;
    this.skip(len);
    return new TextDecoder().decode(this.bytes.subarray(start, start + len));
  }

  valtype(): ValType {
    const b = this.byte();
    const t = VALTYPES[b];
    if (!t) throw new KernelRuleError(`Unsupported value type 0x${b.toString(16)} (GC/reference-type proposals are not supported in kernels)`);
    return t;
  }

  limits(): { shared: boolean; minimum: number; maximum: number | null; memory64: boolean } {
    const flags = this.u();
    const minimum = this.u();
    const maximum = flags & 1 ? this.u() : null;
    return { shared: (flags & 2) !== 0, minimum, maximum, memory64: (flags & 4) !== 0 };
  }

  /** Skips a constant expression (global initialisers, segment offsets) up to its `end`. */
  constExpr(): void {
    for (;;) {
      const op = this.byte();
      switch (op) {
        case 0x0b: return;
        case 0x41: case 0x42: this.skipLeb(); break; // i32.const, i64.const
        case 0x43: this.skip(4); break;
        case 0x44: this.skip(8); break;
        case 0x23: case 0xd2: this.u(); break; // global.get, ref.func
        case 0xd0: this.skipLeb(); break; // ref.null heaptype
        case 0x6a: case 0x6b: case 0x6c: case 0x7c: case 0x7d: case 0x7e: break; // extended-const arithmetic
        case 0xfd: // v128.const
          if (this.u() !== 12) throw new KernelRuleError('Unsupported SIMD opcode in a constant expression');
          this.skip(16);
          break;
        default:
          throw new KernelRuleError(`Unsupported opcode 0x${op.toString(16)} in a constant expression`);
      }
    }
  }
}

export function inspectKernelModule(bytes: Uint8Array): KernelModuleInfo {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('inspectKernelModule: bytes must be a Uint8Array');
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new KernelRuleError('Not a WebAssembly module (missing the \\0asm header)');
  }
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new KernelRuleError('Unsupported WebAssembly binary version (a component or a newer format?)');
  }

  const types: Array<{ params: ValType[]; results: ValType[] }> = [];
  const funcTypes: number[] = []; // function index space: imports first, then defined functions
  const globalMutable: boolean[] = []; // global index space, likewise
  const rawExports: Array<{ name: string; kind: ExternKind; index: number }> = [];
  const info: KernelModuleInfo = {
    exports: [], otherExports: [], memoryImport: null, otherImports: [],
    dataSegments: 0, hasStart: false, definesMemory: false, mutableGlobals: 0, exportedMutableGlobals: [],
  };

  const top = new Reader(bytes);
  top.pos = 8;
  while (top.pos < bytes.length) {
    const id = top.byte();
    const size = top.u();
    const start = top.pos;
    top.skip(size);
    const r = new Reader(bytes, start + size);
    r.pos = start;
    switch (id) {
      case SECTION.type:
        for (let n = r.u(); n > 0; n--) {
          const form = r.byte();
          if (form !== 0x60) throw new KernelRuleError(`Unsupported type form 0x${form.toString(16)} (GC proposal types are not supported)`);
          const params: ValType[] = [];
          for (let p = r.u(); p > 0; p--) params.push(r.valtype());
          const results: ValType[] = [];
          for (let q = r.u(); q > 0; q--) results.push(r.valtype());
          types.push({ params, results });
        }
        break;
      case SECTION.import:
        for (let n = r.u(); n > 0; n--) {
          const module = r.name();
          const name = r.name();
          const kindByte = r.byte();
          const kind = KINDS[kindByte];
          if (kind === 'function') funcTypes.push(r.u());
          else if (kind === 'table') { r.byte(); r.limits(); }
          else if (kind === 'memory') {
            const lim = r.limits();
            if (!info.memoryImport) { info.memoryImport = { module, name, ...lim }; continue; }
          } else if (kind === 'global') { r.valtype(); globalMutable.push(r.byte() === 1); }
          else if (kind === 'tag') { r.byte(); r.u(); }
          else throw new KernelRuleError(`Unknown import kind ${kindByte} for ${module}.${name}`);
          info.otherImports.push({ module, name, kind });
        }
        break;
      case SECTION.function:
        for (let n = r.u(); n > 0; n--) funcTypes.push(r.u());
        break;
      case SECTION.memory:
        if (r.u() > 0) info.definesMemory = true;
        break;
      case SECTION.global:
        for (let n = r.u(); n > 0; n--) {
          r.valtype();
          const mutable = r.byte() === 1;
          r.constExpr();
          globalMutable.push(mutable);
          if (mutable) info.mutableGlobals++;
        }
        break;
      case SECTION.export:
        for (let n = r.u(); n > 0; n--) {
          const name = r.name();
          const kind = KINDS[r.byte()] ?? 'tag';
          rawExports.push({ name, kind, index: r.u() });
        }
        break;
      case SECTION.start:
        info.hasStart = true;
        break;
      case SECTION.data:
        info.dataSegments = r.u();
        break;
      case SECTION.dataCount:
        info.dataSegments = Math.max(info.dataSegments, r.u());
        break;
    }
  }

  for (const e of rawExports) {
    if (e.kind === 'global' && globalMutable[e.index]) info.exportedMutableGlobals.push(e.name);
    if (e.kind !== 'function') {
      info.otherExports.push({ name: e.name, kind: e.kind, reason: `a ${e.kind}, not a function` });
      continue;
    }
    const typeIndex = funcTypes[e.index];
    const sig = typeIndex === undefined ? undefined : types[typeIndex];
    if (!sig) throw new KernelRuleError(`Export "${e.name}" refers to an unknown function or type`);
    const reason = notKernelReason(sig.params, sig.results);
    if (reason) info.otherExports.push({ name: e.name, kind: 'function', reason, params: sig.params, results: sig.results });
    else info.exports.push({ name: e.name, params: sig.params, results: sig.results });
  }
  return info;
}

function notKernelReason(params: ValType[], results: ValType[]): string | null {
  if (params.length < 2 || params[0] !== 'i32' || params[1] !== 'i32') return 'its first two parameters are not (start: i32, end: i32)';
  if (results.length > 1) return 'it returns several values';
  if (results.length === 1 && !['i32', 'f32', 'f64'].includes(results[0]!)) return `it returns ${results[0]}`;
  const bad = params.findIndex((p, i) => i >= 2 && !['i32', 'f32', 'f64'].includes(p));
  if (bad >= 0) return `parameter ${bad + 1} is ${params[bad]}`;
  return null;
}
