/**
 * The expression ops on the engine: evaluate / evaluateSync, and expression(),
 * a parsed expression bound to this engine. The public Engine inherits them
 * (src/kernels/kernel-engine.ts extends this class).
 */
import { EngineCore } from '../engine/engine.js';
import type { TypedArray } from '../memory/dtypes.js';
import { evaluate, Expression, expressionFor, type EvaluateOptions } from './evaluate.js';

export type ExpressionVars = Readonly<Record<string, TypedArray | number>>;
export type ExpressionResult = TypedArray | number;

/** A compiled expression: call it (async) or `.sync` it with the variables. */
export interface CompiledExpression {
  <R extends ExpressionResult = ExpressionResult>(vars: ExpressionVars, opts?: EvaluateOptions): Promise<R>;
  sync<R extends ExpressionResult = ExpressionResult>(vars: ExpressionVars, opts?: EvaluateOptions): R;
  readonly source: string;
  /** The variable names it reads, in order of first use. */
  readonly names: readonly string[];
}

export class ExprEngine extends EngineCore {
  /**
   * Evaluate an array expression in one pass over the data (numexpr.evaluate):
   * an array result (in `out` if given), or a number for an outermost reduction.
   */
  evaluate<R extends ExpressionResult = ExpressionResult>(source: string, vars: ExpressionVars, opts?: EvaluateOptions): Promise<R> {
    return this.runOp<ExpressionResult, EvaluateOptions>('evaluate', opts, (c, o) => evaluate(c, expressionFor(source, 'evaluate'), vars, o)) as Promise<R>;
  }

  evaluateSync<R extends ExpressionResult = ExpressionResult>(source: string, vars: ExpressionVars, opts?: EvaluateOptions): R {
    return this.runOpSync<ExpressionResult, EvaluateOptions>('evaluateSync', opts, (c, o) => evaluate(c, expressionFor(source, 'evaluateSync'), vars, o)) as R;
  }

  /** Parse `source` now (a SyntaxError throws here) and return a reusable function. */
  expression(source: string): CompiledExpression {
    this.assertLive('expression');
    const expr = new Expression(source, 'expression');
    const f = (<R extends ExpressionResult>(vars: ExpressionVars, opts?: EvaluateOptions): Promise<R> =>
      this.runOp<ExpressionResult, EvaluateOptions>('expression', opts, (c, o) => evaluate(c, expr, vars, o)) as Promise<R>) as CompiledExpression;
    Object.defineProperties(f, {
      sync: { value: <R extends ExpressionResult>(vars: ExpressionVars, opts?: EvaluateOptions): R =>
        this.runOpSync<ExpressionResult, EvaluateOptions>('expression.sync', opts, (c, o) => evaluate(c, expr, vars, o)) as R },
      source: { value: source, enumerable: true },
      names: { value: expr.names, enumerable: true },
    });
    return f;
  }
}

export type { EvaluateOptions };
