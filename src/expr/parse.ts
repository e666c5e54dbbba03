/**
 * Tokenizer and precedence-climbing parser for the expression language.
 * Precedence follows Python (and so numexpr), lowest first:
 *   comparisons  <  |  <  &  <  + -  <  * / %  <  unary - + ~  <  **
 * so `a > 0 & b > 0` groups as `a > (0 & b) > 0`, exactly as numexpr reads it:
 * write `(a > 0) & (b > 0)`. Comparisons do not chain. Columns are 1-based.
 */
export type Node =
  | { k: 'num'; value: number; int: boolean; col: number }
  | { k: 'name'; name: string; col: number }
  | { k: 'unary'; op: '-' | '+' | '~'; x: Node; col: number }
  | { k: 'binary'; op: string; a: Node; b: Node; col: number }
  | { k: 'call'; fn: string; args: Node[]; col: number };

interface Token { t: 'num' | 'name' | 'op' | 'end'; s: string; col: number }

const OPERATORS = ['**', '<=', '>=', '==', '!=', '<', '>', '+', '-', '*', '/', '%', '&', '|', '~', '(', ')', ','];
const NUMBER = /^(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

function syntaxError(op: string, what: string, col: number): SyntaxError {
  return new SyntaxError(`${op}: ${what} at column ${col}`);
}

function tokenize(src: string, op: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') { i++; continue; }
    const rest = src.slice(i);
    const num = NUMBER.exec(rest);
    if (num) {
      // "2a" or "1.5.3": a number runs into something it cannot be followed by.
      const after = rest[num[0].length];
      if (after !== undefined && /[A-Za-z0-9_.]/.test(after)) throw syntaxError(op, `invalid number '${num[0]}${after}'`, i + 1);
      out.push({ t: 'num', s: num[0], col: i + 1 }); i += num[0].length; continue;
    }
    const name = NAME.exec(rest);
    if (name) { out.push({ t: 'name', s: name[0], col: i + 1 }); i += name[0].length; continue; }
    const sym = OPERATORS.find((o) => rest.startsWith(o));
    if (!sym) throw syntaxError(op, `unexpected '${ch}'`, i + 1);
    out.push({ t: 'op', s: sym, col: i + 1 }); i += sym.length;
  }
  out.push({ t: 'end', s: '', col: src.length + 1 });
  return out;
}

const COMPARE = new Set(['<', '<=', '>', '>=', '==', '!=']);
/** Binary levels above comparisons, lowest first. */
const LEVELS: ReadonlyArray<ReadonlySet<string>> = [new Set(['|']), new Set(['&']), new Set(['+', '-']), new Set(['*', '/', '%'])];

export function parse(src: string, op: string): Node {
  if (typeof src !== 'string') throw new TypeError(`${op}: the expression must be a string; got ${typeof src}`);
  const toks = tokenize(src, op);
  let p = 0;
  const peek = () => toks[p]!;
  const unexpected = (t: Token) => syntaxError(op, t.t === 'end' ? 'unexpected end of expression' : `unexpected '${t.s}'`, t.col);
  const expect = (s: string) => {
    const t = peek();
    if (t.t !== 'op' || t.s !== s) throw unexpected(t);
    p++;
  };

  const comparison = (): Node => {
    let a = level(0);
    const t = peek();
    if (t.t === 'op' && COMPARE.has(t.s)) {
      p++;
      a = { k: 'binary', op: t.s, a, b: level(0), col: t.col };
      const u = peek();
      if (u.t === 'op' && COMPARE.has(u.s)) throw syntaxError(op, `comparisons do not chain: unexpected '${u.s}' (use &)`, u.col);
    }
    return a;
  };
  const level = (l: number): Node => {
    if (l === LEVELS.length) return unary();
    let a = level(l + 1);
    for (;;) {
      const t = peek();
      if (t.t !== 'op' || !LEVELS[l]!.has(t.s)) return a;
      p++;
      a = { k: 'binary', op: t.s, a, b: level(l + 1), col: t.col };
    }
  };
  const unary = (): Node => {
    const t = peek();
    if (t.t === 'op' && (t.s === '-' || t.s === '+' || t.s === '~')) {
      p++;
      return { k: 'unary', op: t.s, x: unary(), col: t.col };
    }
    return power();
  };
  const power = (): Node => {
    const base = atom();
    const t = peek();
    if (t.t === 'op' && t.s === '**') {
      p++;
      return { k: 'binary', op: '**', a: base, b: unary(), col: t.col }; // right-assoc; -a**-b = -(a**(-b))
    }
    return base;
  };
  const atom = (): Node => {
    const t = peek();
    if (t.t === 'num') { p++; return { k: 'num', value: Number(t.s), int: /^\d+$/.test(t.s), col: t.col }; }
    if (t.t === 'name') {
      p++;
      const u = peek();
      if (u.t === 'op' && u.s === '(') {
        p++;
        const args: Node[] = [];
        if (!(peek().t === 'op' && peek().s === ')')) {
          for (;;) {
            args.push(comparison());
            const v = peek();
            if (v.t === 'op' && v.s === ',') { p++; continue; }
            break;
          }
        }
        expect(')');
        return { k: 'call', fn: t.s, args, col: t.col };
      }
      return { k: 'name', name: t.s, col: t.col };
    }
    if (t.t === 'op' && t.s === '(') {
      p++;
      const e = comparison();
      expect(')');
      return e;
    }
    throw unexpected(t);
  };

  const root = comparison();
  if (peek().t !== 'end') throw unexpected(peek());
  return root;
}

/** Every variable name the expression reads, in first-use order. */
export function namesOf(node: Node, out: string[] = []): string[] {
  switch (node.k) {
    case 'name': if (!out.includes(node.name) && node.name !== 'True' && node.name !== 'False') out.push(node.name); break;
    case 'unary': namesOf(node.x, out); break;
    case 'binary': namesOf(node.a, out); namesOf(node.b, out); break;
    case 'call': for (const a of node.args) namesOf(a, out); break;
    default: break;
  }
  return out;
}
