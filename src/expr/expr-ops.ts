/**
 * The expression op, declared once (see src/engine/op-decl.ts): `evaluate` and
 * `evaluateSync` are derived from EXPR_OPS by the public Engine.
 */
import type { NDArray } from '../nd/ndarray.js';
import { ND_OPS, type NDInput, type NdOps } from '../nd/nd-ops.js';
import type { Mode, OpDecls, Ret } from '../engine/op-decl.js';
import type { TypedArray } from '../memory/dtypes.js';
import { evaluate, Expression, expressionFor, type EvaluateOptions } from './evaluate.js';

/** An operand: a typed array, an NDArray, a scijs/stdlib ndarray, or a number. */
export type ExpressionVars = Readonly<Record<string, NDInput | number>>;
/** A typed array (all operands 1-d typed arrays), an NDArray (some operand N-d), or a number (a reduction). */
export type ExpressionResult = TypedArray | NDArray | number;

export interface ExprOps<M extends Mode = 'sync'> extends NdOps<M> {
  /**
   * Evaluate an array expression in one pass over the data (numexpr.evaluate):
   * an array (into `out` if given), or a number when the outermost call is a
   * reduction (sum, prod, min, max, mean).
   */
  evaluate<R extends ExpressionResult = ExpressionResult>(source: string, vars: ExpressionVars, opts?: EvaluateOptions): Ret<R, M>;
}

export const EXPR_OPS: OpDecls<ExprOps> = {
  ...ND_OPS,
  evaluate: {
    params: ['source', 'vars'], options: ['out', 'axis', 'keepdims'],
    // engine.expression() passes its parsed Expression here instead of a string.
    run: (c, source, vars, o) => evaluate(c, (source as unknown) instanceof Expression ? (source as unknown as Expression) : expressionFor(source, c.op), vars, o ?? {}),
  },
};

export type { EvaluateOptions };
