/**
 * engine.expression(): a parsed expression bound to this engine. The public
 * Engine (src/kernels/kernel-engine.ts) extends this class and gets
 * evaluate / evaluateSync from EXPR_OPS (expr-ops.ts).
 */
import { NdEngine } from '../nd/nd-engine.js';
import { Expression, type EvaluateOptions } from './evaluate.js';
import type { ExpressionResult, ExpressionVars } from './expr-ops.js';

/** A compiled expression: call it (async) or `.sync` it with the variables. */
export interface CompiledExpression {
  <R extends ExpressionResult = ExpressionResult>(vars: ExpressionVars, opts?: EvaluateOptions): Promise<R>;
  sync<R extends ExpressionResult = ExpressionResult>(vars: ExpressionVars, opts?: EvaluateOptions): R;
  readonly source: string;
  /** The variable names it reads, in order of first use. */
  readonly names: readonly string[];
}

type Evaluator = {
  evaluate(source: unknown, vars: ExpressionVars, opts?: EvaluateOptions): Promise<ExpressionResult>;
  evaluateSync(source: unknown, vars: ExpressionVars, opts?: EvaluateOptions): ExpressionResult;
};

export class ExprEngine extends NdEngine {
  /**
   * Parse `source` now (a SyntaxError throws here) and return a reusable
   * function; each call with new dtypes or shapes compiles once, then is cached.
   */
  expression(source: string): CompiledExpression {
    this.assertLive('expression');
    const expr = new Expression(source, 'expression');
    const self = this as unknown as Evaluator;
    const f = ((vars: ExpressionVars, opts?: EvaluateOptions) => self.evaluate(expr, vars, opts)) as CompiledExpression;
    Object.defineProperties(f, {
      sync: { value: (vars: ExpressionVars, opts?: EvaluateOptions) => self.evaluateSync(expr, vars, opts) },
      source: { value: source, enumerable: true },
      names: { value: expr.names, enumerable: true },
    });
    return f;
  }
}
