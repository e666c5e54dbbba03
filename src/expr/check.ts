/**
 * Type check: the parsed expression plus the dtype of each operand gives a
 * typed tree (Ir) with every cast explicit and every number-only part folded
 * into a Scalar. All errors about names, functions, arity and dtypes are
 * raised here, before anything is allocated or written.
 */
import { foldBinary, foldNot, foldUnary, foldWhere, type Scalar, type Vars } from './fold.js';
import { firstElement } from './bind.js';
import { MAP_FUNCS, OP, type Reduction } from './opcodes.js';
import type { Node } from './parse.js';
import { floatFor, isFloat, isInt, promote, scalarDt, withScalar, type Dt, type Operand } from './types.js';

export type { Operand };

export type Ir =
  | { k: 'var'; name: string; dt: Dt; strided?: boolean }
  | { k: 'const'; dt: Dt; of: Scalar; what: string; broadcast?: string }
  | { k: 'op'; op: number; dt: Dt; opDt: Dt; args: Ir[] }
  | { k: 'cast'; dt: Dt; x: Ir };
type Typed = Ir | Scalar;

export interface Checked { root: Ir; reduce: Reduction | undefined }

const REDUCTIONS = new Set(['sum', 'prod', 'min', 'max', 'mean']);
// No prototype: a name such as 'toString' or 'constructor' is an unknown function, not Object.prototype's.
const FUNCS: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, { where: 3, maximum: 2, minimum: 2, clip: 3, pow: 2 });
for (const f of MAP_FUNCS) FUNCS[f] = 1;
const KNOWN_FUNCS = [...Object.keys(FUNCS), ...REDUCTIONS].sort().join(', ');

const ARITH: Record<string, number> = { '+': OP.ADD, '-': OP.SUB, '*': OP.MUL, '/': OP.DIV, '%': OP.MOD, '**': OP.POW, maximum: OP.MAX, minimum: OP.MIN, pow: OP.POW };
const COMPARE: Record<string, number> = { '<': OP.LT, '<=': OP.LE, '>': OP.GT, '>=': OP.GE, '==': OP.EQ, '!=': OP.NE };

const isScalar = (t: Typed): t is Scalar => t.k === 'scalar';
/** A fold of literals is a literal: its value needs no variables. */
function literal(s: Scalar, ...from: Scalar[]): Scalar {
  return from.every((f) => f.literal !== undefined) ? { ...s, literal: s.value({}) } : s;
}

export function check(root: Node, operands: ReadonlyMap<string, Operand>, op: string): Checked {
  const fail = (msg: string, col: number) => new TypeError(`${op}: ${msg} (column ${col})`);

  const cast = (x: Ir, dt: Dt): Ir => {
    if (x.dt === dt) return x;
    // bool and u8 share storage: relabelling needs no instruction.
    if ((x.dt === 'bool' && dt === 'u8') || (x.dt === 'u8' && dt === 'bool')) return { ...x, dt } as Ir;
    if (x.k === 'const') return { ...x, dt };
    return { k: 'cast', dt, x };
  };
  const at = (t: Typed, dt: Dt, what: string): Ir => (isScalar(t) ? { k: 'const', dt, of: t, what } : cast(t, dt));
  /** The dtype two operands (arrays or weak scalars) combine to. */
  const common = (a: Typed, b: Typed): Dt => {
    if (isScalar(a) && isScalar(b)) return scalarDt(a.kind, b.kind);
    if (isScalar(a)) return withScalar((b as Ir).dt, a.kind);
    if (isScalar(b)) return withScalar(a.dt, b.kind);
    return promote(a.dt, b.dt);
  };
  const describeNode = (n: Node): string => {
    if (n.k === 'num') return `the number ${n.value}`;
    if (n.k === 'unary' && n.op === '-' && n.x.k === 'num') return `the number -${n.x.value}`;
    return n.k === 'name' ? `'${n.name}'` : `the number at column ${n.col}`;
  };

  const arith = (name: string, a: Typed, b: Typed, na: Node, nb: Node, col: number): Typed => {
    if (isScalar(a) && isScalar(b)) return literal(foldBinary(name, a, b, op), a, b);
    let dt = common(a, b);
    // Only the operator, as in numpy: a ** 0.5 is sqrt(a), but pow(a, 0.5) is numpy.power,
    // the pow kernel (pow(-inf, 0.5) is inf, not NaN), whether 0.5 is written or passed in vars.
    if (name === '**' && isScalar(b) && b.literal !== undefined) {
      const p = power(a as Ir, dt, b.literal);
      if (p) return p;
    }
    if (!isScalar(a) && !isScalar(b) && a.dt === 'bool' && b.dt === 'bool' && name !== 'maximum' && name !== 'minimum' && name !== '/') {
      throw fail(`'${name}' on two booleans is not supported; use | or & (or compare them)`, col);
    }
    if (name === '/' && !isFloat(dt)) dt = 'f64'; // true division, as numpy's / on integers
    if (dt === 'bool' && name !== 'maximum' && name !== 'minimum') dt = 'u8';
    return { k: 'op', op: ARITH[name]!, dt, opDt: dt, args: [at(a, dt, describeNode(na)), at(b, dt, describeNode(nb))] };
  };

  /**
   * numpy's fast paths for an array to a literal power (x**2 is square(x),
   * x**0.5 is sqrt(x), x**-1 is 1/x): exact or correctly rounded, and much
   * cheaper than pow.
   */
  const power = (a: Ir, dt: Dt, e: number): Ir | undefined => {
    const dtOut = dt === 'bool' ? 'u8' : dt;
    const x = cast(a, dtOut);
    if (e === 1) return x;
    if (e === 2) return { k: 'op', op: OP.SQUARE, dt: dtOut, opDt: dtOut, args: [x] };
    if (!isFloat(dtOut)) return undefined;
    if (e === 0.5) return { k: 'op', op: OP.SQRT, dt: dtOut, opDt: dtOut, args: [x] };
    if (e === -1) return { k: 'op', op: OP.DIV, dt: dtOut, opDt: dtOut, args: [{ k: 'const', dt: dtOut, of: { k: 'scalar', kind: 'int', value: () => 1 }, what: '1' }, x] };
    return undefined;
  };

  const compare = (name: string, a: Typed, b: Typed, na: Node, nb: Node): Typed => {
    if (isScalar(a) && isScalar(b)) return foldBinary(name, a, b, op);
    const dt = common(a, b);
    return { k: 'op', op: COMPARE[name]!, dt: 'bool', opDt: dt, args: [at(a, dt, describeNode(na)), at(b, dt, describeNode(nb))] };
  };

  const bitwise = (name: string, a: Typed, b: Typed, na: Node, nb: Node, col: number): Typed => {
    for (const t of [a, b]) {
      if ((isScalar(t) && t.kind === 'float') || (!isScalar(t) && isFloat(t.dt))) {
        throw fail(`'${name}' needs boolean or integer operands; got a float`, col);
      }
    }
    if (isScalar(a) && isScalar(b)) return foldBinary(name, a, b, op);
    const dt = common(a, b);
    if (isFloat(dt)) throw fail(`'${name}' on i32 and u32 operands is not supported (no common integer dtype)`, col);
    return { k: 'op', op: name === '&' ? OP.AND : OP.OR, dt, opDt: dt, args: [at(a, dt, describeNode(na)), at(b, dt, describeNode(nb))] };
  };

  const unaryFn = (fn: string, x: Typed, col: number): Typed => {
    if (isScalar(x)) return literal(foldUnary(fn, x), x);
    const dt = x.dt;
    const code = OP.ABS + MAP_FUNCS.indexOf(fn as (typeof MAP_FUNCS)[number]);
    if (fn === 'floor' || fn === 'ceil' || fn === 'round') {
      if (dt === 'bool') throw fail(`${fn} of a boolean is not supported`, col);
      return isInt(dt) ? x : { k: 'op', op: code, dt, opDt: dt, args: [x] };
    }
    if (fn === 'abs' || fn === 'neg' || fn === 'square') {
      if (dt === 'bool') {
        if (fn === 'neg') throw fail('neg (unary -) of a boolean is not supported; use ~', col);
        return x; // |b| = b² = b for 0/1
      }
      if (fn === 'abs' && (dt === 'u32' || dt === 'u8')) return x;
      return { k: 'op', op: code, dt, opDt: dt, args: [x] };
    }
    const f = floatFor(dt);
    return { k: 'op', op: code, dt: f, opDt: f, args: [cast(x, f)] };
  };

  const where = (c: Typed, a: Typed, b: Typed, na: Node, nb: Node): Typed => {
    if (isScalar(c)) {
      // A number-only condition picks a branch once per call; both branches must
      // have the same type whichever it picks, so they still combine.
      if (isScalar(a) && isScalar(b)) return foldWhere(c, a, b);
      const dt = common(a, b);
      const pick: Ir = { k: 'op', op: OP.WHERE, dt, opDt: dt, args: [{ k: 'const', dt: 'bool', of: c, what: 'the condition' }, at(a, dt, describeNode(na)), at(b, dt, describeNode(nb))] };
      return pick;
    }
    const cond: Ir = c.dt === 'bool' ? c : { k: 'op', op: OP.NE, dt: 'bool', opDt: c.dt, args: [c, { k: 'const', dt: c.dt, of: { k: 'scalar', kind: 'int', value: () => 0 }, what: '0' }] };
    const dt = common(a, b);
    return { k: 'op', op: OP.WHERE, dt, opDt: dt, args: [cond, at(a, dt, describeNode(na)), at(b, dt, describeNode(nb))] };
  };

  const walk = (n: Node, top: boolean): Typed => {
    switch (n.k) {
      case 'num': return { k: 'scalar', kind: n.int ? 'int' : 'float', value: () => n.value, literal: n.value };
      case 'name': {
        if (n.name === 'True' || n.name === 'False') { const v = n.name === 'True' ? 1 : 0; return { k: 'scalar', kind: 'bool', value: () => v, literal: v }; }
        const o = operands.get(n.name);
        if (!o) throw fail(`unknown name '${n.name}'; pass it in vars`, n.col);
        const name = n.name;
        if (o.kind === 'array' && o.broadcast) {
          const kind = isFloat(o.dt) ? 'float' : o.dt === 'bool' ? 'bool' : 'int';
          return { k: 'const', dt: o.dt, of: { k: 'scalar', kind, value: (v: Vars) => firstElement(v[name]) }, what: `the one element of '${name}'`, broadcast: name };
        }
        if (o.kind === 'array') return { k: 'var', name, dt: o.dt, strided: o.strided };
        return { k: 'scalar', kind: o.int ? 'int' : 'float', value: (v: Vars) => v[name] as number };
      }
      case 'unary': {
        const x = walk(n.x, false);
        if (n.op === '+') return x;
        if (n.op === '-') return unaryFn('neg', x, n.col);
        if (isScalar(x)) return x.kind === 'float' ? (() => { throw fail("'~' needs a boolean or integer operand; got a float", n.col); })() : foldNot(x);
        if (isFloat(x.dt)) throw fail("'~' needs a boolean or integer operand; got a float", n.col);
        const ones: Scalar = { k: 'scalar', kind: 'int', value: () => (x.dt === 'bool' ? 1 : x.dt === 'u8' ? 255 : x.dt === 'u32' ? 4294967295 : -1) };
        return { k: 'op', op: OP.XOR, dt: x.dt, opDt: x.dt, args: [x, { k: 'const', dt: x.dt, of: ones, what: '~' }] };
      }
      case 'binary': {
        const a = walk(n.a, false), b = walk(n.b, false);
        if (n.op in COMPARE) return compare(n.op, a, b, n.a, n.b);
        if (n.op === '&' || n.op === '|') return bitwise(n.op, a, b, n.a, n.b, n.col);
        return arith(n.op, a, b, n.a, n.b, n.col);
      }
      case 'call': {
        if (REDUCTIONS.has(n.fn)) {
          if (!top) throw fail(`${n.fn} is only allowed as the outermost call`, n.col);
          if (n.args.length !== 1) throw fail(`${n.fn} takes 1 argument; got ${n.args.length}`, n.col);
          return walk(n.args[0]!, false);
        }
        const arity = FUNCS[n.fn];
        if (arity === undefined) throw fail(`unknown function '${n.fn}'; known functions: ${KNOWN_FUNCS}`, n.col);
        if (n.args.length !== arity) throw fail(`${n.fn} takes ${arity} argument${arity > 1 ? 's' : ''}; got ${n.args.length}`, n.col);
        const args = n.args.map((a) => walk(a, false));
        if (arity === 1) return unaryFn(n.fn, args[0]!, n.col);
        if (n.fn === 'where') return where(args[0]!, args[1]!, args[2]!, n.args[1]!, n.args[2]!);
        if (n.fn === 'clip') {
          const lo = arith('maximum', args[0]!, args[1]!, n.args[0]!, n.args[1]!, n.col);
          return arith('minimum', lo, args[2]!, n.args[0]!, n.args[2]!, n.col);
        }
        return arith(n.fn, args[0]!, args[1]!, n.args[0]!, n.args[1]!, n.col);
      }
    }
  };

  const reduce = root.k === 'call' && REDUCTIONS.has(root.fn) ? (root.fn as Reduction) : undefined;
  const typed = walk(root, true);
  if (isScalar(typed)) throw new TypeError(`${op}: the expression has no array operand; use plain JS arithmetic for numbers`);
  return { root: typed, reduce };
}
