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
    // An argument past the options is a mistake, never ignored (as for every op).
    const extra = (name: string, n: number) =>
      new TypeError(`${name}: a compiled expression takes (vars, options); got ${n} arguments`);
    const f = ((vars: ExpressionVars, opts?: EvaluateOptions, ...rest: unknown[]) =>
      rest.some((r) => r !== undefined) ? Promise.reject(extra('expression', 2 + rest.length)) : self.evaluate(expr, vars, opts)) as CompiledExpression;
    Object.defineProperties(f, {
      sync: {
        value: (vars: ExpressionVars, opts?: EvaluateOptions, ...rest: unknown[]) => {
          if (rest.some((r) => r !== undefined)) throw extra('expression.sync', 2 + rest.length);
          return self.evaluateSync(expr, vars, opts);
        },
      },
      source: { value: source, enumerable: true },
      names: { value: expr.names, enumerable: true },
    });
    return f;
  }
}
