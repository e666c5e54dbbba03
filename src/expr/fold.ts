/**
 * Parts of an expression that involve only numbers are computed once per call
 * in JS, as Python computes numbers (numpy's scalars): int / int is a float,
 * % takes the sign of the divisor, round is half to even. The value is a thunk
 * because a number may come from `vars` and change from call to call.
 */
import type { ScalarKind } from './types.js';

export type Vars = Readonly<Record<string, unknown>>;
/** `literal`: the value when it depends on no variable (known when the expression is compiled). */
export interface Scalar { k: 'scalar'; kind: ScalarKind; value: (vars: Vars) => number; literal?: number }

/** Python's float modulo: fmod, then the sign of the divisor. */
export function pyMod(a: number, b: number, int: boolean, op: string): number {
  if (b === 0) {
    if (int) throw new RangeError(`${op}: integer modulo by zero`);
    return NaN;
  }
  let m = a % b;
  if (m !== 0) { if ((b < 0) !== (m < 0)) m += b; } else m = b < 0 ? -0 : 0;
  return m;
}

/** C99/numpy pow, as the pow kernel computes it: pow(1, y) and pow(x, 0) are 1 (NaN too), pow(-1, ±Infinity) is 1. */
export function cPow(x: number, y: number): number {
  if (x === 1 || y === 0 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
  return Math.pow(x, y);
}

/** numpy.round: half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const higher = (a: ScalarKind, b: ScalarKind): ScalarKind => (a === 'float' || b === 'float' ? 'float' : 'int');

export function foldBinary(op: string, a: Scalar, b: Scalar, name: string): Scalar {
  const fa = a.value, fb = b.value;
  const k = higher(a.kind, b.kind);
  const s = (kind: ScalarKind, value: (v: Vars) => number): Scalar => ({ k: 'scalar', kind, value });
  switch (op) {
    case '+': return s(k, (v) => fa(v) + fb(v));
    case '-': return s(k, (v) => fa(v) - fb(v));
    case '*': return s(k, (v) => fa(v) * fb(v));
    case '/': return s('float', (v) => fa(v) / fb(v));
    case '%': return s(k, (v) => pyMod(fa(v), fb(v), k === 'int', name));
    // Python: int ** int is an int only for an exponent >= 0 (2 ** -1 is 0.5); the
    // sign of an exponent read from vars is unknown until the call, so that is a float.
    case '**': case 'pow': return s(k === 'int' && !(b.literal !== undefined && b.literal >= 0) ? 'float' : k, (v) => cPow(fa(v), fb(v)));
    case 'maximum': return s(k, (v) => Math.max(fa(v), fb(v)));
    case 'minimum': return s(k, (v) => Math.min(fa(v), fb(v)));
    case '<': return s('bool', (v) => +(fa(v) < fb(v)));
    case '<=': return s('bool', (v) => +(fa(v) <= fb(v)));
    case '>': return s('bool', (v) => +(fa(v) > fb(v)));
    case '>=': return s('bool', (v) => +(fa(v) >= fb(v)));
    case '==': return s('bool', (v) => +(fa(v) === fb(v)));
    case '!=': return s('bool', (v) => +(fa(v) !== fb(v)));
    case '&': return s(a.kind === 'bool' && b.kind === 'bool' ? 'bool' : 'int', (v) => fa(v) & fb(v));
    case '|': return s(a.kind === 'bool' && b.kind === 'bool' ? 'bool' : 'int', (v) => fa(v) | fb(v));
    default: throw new Error(`internal: no scalar fold for ${op}`);
  }
}

const SIGMOID = (x: number) => 1 / (1 + Math.exp(-x));
const UNARY: Record<string, [(x: number) => number, 'same' | 'float']> = {
  abs: [Math.abs, 'same'], neg: [(x) => -x, 'same'], square: [(x) => x * x, 'same'],
  sqrt: [Math.sqrt, 'float'], exp: [Math.exp, 'float'], log: [Math.log, 'float'], sin: [Math.sin, 'float'],
  cos: [Math.cos, 'float'], tanh: [Math.tanh, 'float'], sigmoid: [SIGMOID, 'float'],
  floor: [Math.floor, 'same'], ceil: [Math.ceil, 'same'], round: [roundHalfEven, 'same'],
};

export function foldUnary(fn: string, x: Scalar): Scalar {
  const [f, kind] = UNARY[fn]!;
  const fx = x.value;
  const k: ScalarKind = kind === 'float' ? 'float' : x.kind === 'bool' ? 'int' : x.kind;
  return { k: 'scalar', kind: k, value: (v) => f(fx(v)) };
}

export function foldNot(x: Scalar): Scalar {
  const fx = x.value;
  return x.kind === 'bool' ? { k: 'scalar', kind: 'bool', value: (v) => (fx(v) ? 0 : 1) } : { k: 'scalar', kind: 'int', value: (v) => ~fx(v) };
}

export function foldWhere(c: Scalar, a: Scalar, b: Scalar): Scalar {
  const fc = c.value, fa = a.value, fb = b.value;
  const kind: ScalarKind = a.kind === b.kind ? a.kind : higher(a.kind, b.kind);
  return { k: 'scalar', kind, value: (v) => (fc(v) ? fa(v) : fb(v)) };
}
