// Random expression trees for the expression suites: each Gen has the source
// text and a reference evaluation done step by step with separate wasmpar ops
// (and exact JS loops for the steps wasmpar has no op for: comparisons, where,
// bitwise, %, casts). The reference reads the variables from `e.__vars`.
import type { Engine } from '../../dist/index.js';
import type { Dtype, TA } from './engine-ref.js';

export type Dt = Dtype | 'bool';
type Kind = 'int' | 'float';
type V = { s: true; kind: Kind; v: number } | { s: false; dt: Dt; x: TA };
export const isF = (d: Dt) => d === 'f64' || d === 'f32';
export const store = (d: Dt): Dtype => (d === 'bool' ? 'u8' : d);

// The promotion rules the README documents (numpy's, over wasmpar's dtypes).
function promote(a: Dt, b: Dt): Dt {
  if (a === b) return a;
  if (a === 'bool') return b;
  if (b === 'bool') return a;
  if (a === 'f64' || b === 'f64') return 'f64';
  if (a === 'f32' || b === 'f32') return a === 'u8' || b === 'u8' ? 'f32' : 'f64';
  if (a === 'u8') return b;
  if (b === 'u8') return a;
  return 'f64';
}
const withScalar = (d: Dt, k: Kind): Dt => (k === 'int' ? (d === 'bool' ? 'i32' : d) : isF(d) ? d : 'f64');
const common = (a: V, b: V): Dt => (a.s ? withScalar((b as { dt: Dt }).dt, a.kind) : b.s ? withScalar(a.dt, b.kind) : promote(a.dt, b.dt));

export interface Gen { src: string; ev: (e: Engine, n: number) => V; type: Dt | 'scalar' }

/** The array variables trees draw from, by name. */
export const MIXED_VARS: Record<string, Dtype> = { a: 'f64', b: 'f32', i: 'i32', u: 'u8', w: 'u32' };
let VARS = MIXED_VARS;
/** Draw leaves from these variables from now on. */
export function useVars(vars: Record<string, Dtype>): void { VARS = vars; }
const NUMS: Array<[string, Kind, number]> = [['k', 'int', 3], ['x', 'float', 0.75], ['2', 'int', 2], ['0.5', 'float', 0.5], ['3', 'int', 3], ['1.5', 'float', 1.5]];
const MAPS = ['abs', 'neg', 'sqrt', 'square', 'exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'floor', 'ceil', 'round'];
const FLOAT_ONLY = new Set(['sqrt', 'exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid']);

function asArray(e: Engine, v: V, dt: Dt, n: number): TA {
  const d = store(dt);
  if (v.s) return e.alloc(d, n).fill(v.v) as TA;
  if (store(v.dt) === d) return v.x;
  const out = e.alloc(d, n) as TA;
  out.set(v.x);
  return out;
}

function engineBinary(e: Engine, op: string, a: TA, b: TA): TA {
  return (e as unknown as Record<string, (a: TA, b: TA) => TA>)[`${op}Sync`]!(a, b);
}

function pyModF(a: number, b: number, f32: boolean): number {
  const r = (v: number) => (f32 ? Math.fround(v) : v);
  let m = a % b;
  if (b === 0) return NaN;
  if (m !== 0) { if ((b < 0) !== (m < 0)) m = r(m + b); } else m = b < 0 ? -0 : 0;
  return m;
}
function pyModI(a: number, b: number): number {
  if (b === 0) return 0;
  let m = a % b;
  if (m !== 0 && (m < 0) !== (b < 0)) m += b;
  return m;
}

function arith(op: string, A: Gen, B: Gen): Gen {
  const sym: Record<string, string> = { add: '+', subtract: '-', multiply: '*', divide: '/', mod: '%', pow: '**' };
  const src = op === 'maximum' || op === 'minimum' ? `${op}(${A.src}, ${B.src})` : `(${A.src} ${sym[op]} ${B.src})`;
  return {
    src, type: A.type === 'scalar' && B.type === 'scalar' ? 'scalar' : 'f64',
    ev: (e, n) => {
      const a = A.ev(e, n), b = B.ev(e, n);
      let dt = common(a, b);
      if (dt === 'bool') dt = 'u8';
      if (op === 'divide' && !isF(dt)) dt = 'f64';
      if (op === 'pow' && b.s && !a.s) {
        const x = asArray(e, a, dt, n);
        if (b.v === 2) return { s: false, dt, x: e.mapSync('square', x) as TA };
        if (b.v === 0.5 && isF(dt)) return { s: false, dt, x: e.mapSync('sqrt', x) as TA };
      }
      const x = asArray(e, a, dt, n), y = asArray(e, b, dt, n);
      if (op === 'mod') {
        const out = e.alloc(store(dt), n) as TA;
        for (let j = 0; j < n; j++) out[j] = isF(dt) ? pyModF(x[j]!, y[j]!, dt === 'f32') : pyModI(x[j]!, y[j]!);
        return { s: false, dt, x: out };
      }
      return { s: false, dt, x: engineBinary(e, op, x, y) };
    },
  };
}

export function gen(r: () => number, depth: number): Gen {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  if (depth <= 1 || r() < 0.15) {
    if (r() < 0.8) {
      const name = pick(Object.keys(VARS));
      const dt = VARS[name]!;
      return { src: name, type: dt, ev: (e, n) => ({ s: false, dt, x: (e as unknown as { __vars: Record<string, TA> }).__vars[name]!.subarray(0, n) as TA }) };
    }
    const [src, kind, v] = pick(NUMS);
    return { src, type: 'scalar', ev: () => ({ s: true, kind, v }) };
  }
  const numeric = (): Gen => {
    for (;;) { const g = gen(r, depth - 1); if (g.type !== 'bool' && g.type !== 'scalar') return g; }
  };
  const any = (): Gen => { for (;;) { const g = gen(r, depth - 1); if (g.type !== 'bool') return g; } };
  const bool = (): Gen => compare(r, numeric(), any());
  const choice = r();
  if (choice < 0.25) {
    const fn = pick(MAPS);
    const A = numeric();
    return {
      src: `${fn}(${A.src})`, type: 'f64',
      ev: (e, n) => {
        const a = A.ev(e, n) as { dt: Dt; x: TA };
        if (!isF(a.dt) && (fn === 'floor' || fn === 'ceil' || fn === 'round' || (fn === 'abs' && a.dt !== 'i32'))) return a;
        const f = FLOAT_ONLY.has(fn) && !isF(a.dt) ? (a.dt === 'u8' ? 'f32' : 'f64') : a.dt;
        return { s: false, dt: f, x: e.mapSync(fn as never, asArray(e, a, f, n)) as TA };
      },
    };
  }
  if (choice < 0.6) {
    const op = pick(['add', 'subtract', 'multiply', 'divide', 'maximum', 'minimum', 'mod', 'pow']);
    const A = numeric();
    const B = op === 'pow' && r() < 0.7 ? gen(r, 1) : any();
    return arith(op, A, B);
  }
  if (choice < 0.75) {
    const C = r() < 0.7 ? bool() : numeric(), A = any(), B = any();
    return {
      src: `where(${C.src}, ${A.src}, ${B.src})`, type: 'f64',
      ev: (e, n) => {
        const c = C.ev(e, n) as { x: TA }, a = A.ev(e, n), b = B.ev(e, n);
        const dt = a.s && b.s ? (a.kind === 'float' || b.kind === 'float' ? 'f64' : 'i32') : common(a, b);
        const x = asArray(e, a, dt, n), y = asArray(e, b, dt, n);
        const out = e.alloc(store(dt), n) as TA;
        for (let j = 0; j < n; j++) out[j] = c.x[j] !== 0 ? x[j]! : y[j]!; // NaN is true, as in numpy
        return { s: false, dt, x: out };
      },
    };
  }
  if (choice < 0.85) {
    const A = bool(), B = bool();
    const op = pick(['&', '|']);
    const not = r() < 0.5;
    return {
      src: `${not ? '~' : ''}((${A.src}) ${op} (${B.src}))`, type: 'bool',
      ev: (e, n) => {
        const a = A.ev(e, n) as { x: TA }, b = B.ev(e, n) as { x: TA };
        const out = e.alloc('u8', n) as TA;
        for (let j = 0; j < n; j++) out[j] = ((op === '&' ? a.x[j]! & b.x[j]! : a.x[j]! | b.x[j]!) ^ (not ? 1 : 0));
        return { s: false, dt: 'bool', x: out };
      },
    };
  }
  if (choice < 0.93) {
    const A = numeric();
    const lo = pick([0, 1, 2]), hi = lo + pick([0.5, 3]);
    return {
      src: `clip(${A.src}, ${lo}, ${hi})`, type: 'f64',
      ev: (e, n) => {
        const a = A.ev(e, n);
        const l: V = { s: true, kind: 'int', v: lo }, h: V = { s: true, kind: Number.isInteger(hi) ? 'int' : 'float', v: hi };
        const d1 = common(a, l);
        const m = engineBinary(e, 'maximum', asArray(e, a, d1, n), asArray(e, l, d1, n));
        const v1: V = { s: false, dt: d1, x: m };
        const d2 = common(v1, h);
        return { s: false, dt: d2, x: engineBinary(e, 'minimum', asArray(e, v1, d2, n), asArray(e, h, d2, n)) };
      },
    };
  }
  const A = numeric();
  return { src: `(-${A.src})`, type: 'f64', ev: (e, n) => { const a = A.ev(e, n) as { dt: Dt; x: TA }; return { s: false, dt: a.dt, x: e.mapSync('neg', a.x) as TA }; } };
}

function compare(r: () => number, A: Gen, B: Gen): Gen {
  const op = ['<', '<=', '>', '>=', '==', '!='][Math.floor(r() * 6)]!;
  const f: Record<string, (x: number, y: number) => boolean> = { '<': (x, y) => x < y, '<=': (x, y) => x <= y, '>': (x, y) => x > y, '>=': (x, y) => x >= y, '==': (x, y) => x === y, '!=': (x, y) => x !== y };
  return {
    src: `(${A.src} ${op} ${B.src})`, type: 'bool',
    ev: (e, n) => {
      const a = A.ev(e, n), b = B.ev(e, n);
      const dt = common(a, b);
      const x = asArray(e, a, dt, n), y = asArray(e, b, dt, n);
      const out = e.alloc('u8', n) as TA;
      for (let j = 0; j < n; j++) out[j] = f[op]!(x[j]!, y[j]!) ? 1 : 0;
      return { s: false, dt: 'bool', x: out };
    },
  };
}


/**
 * WASMPAR_EXPR_FUSION=off runs an expression suite with the fused path off
 * (every expression on the VM): `WASMPAR_EXPR_FUSION=off npx vitest run test/expr`.
 */
export async function fusionFromEnv(): Promise<void> {
  const { setFusion } = await import('../../dist/expr/fused.js');
  setFusion(process.env.WASMPAR_EXPR_FUSION !== 'off');
}
