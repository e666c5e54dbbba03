/**
 * The numpy / numexpr contenders: a Python process that serves timing requests
 * over stdin/stdout (one JSON line each way), so that interleaving the rounds
 * costs no interpreter start-up. Each (contender, workload, n) is set up once
 * (data, one warm-up call), then timed for the requested budget.
 *
 * numpy runs its element-wise ops on one thread (that is numpy); its matmul
 * uses the BLAS it was built with, limited to the bench's thread count through
 * the *_NUM_THREADS variables set at spawn. numexpr runs on the bench's threads.
 */
import { MATH_INPUTS, MATH_OPS } from './math-inputs.js';

const RAMPS = JSON.stringify(Object.fromEntries(MATH_OPS.map((op) => [op, [MATH_INPUTS[op].x, MATH_INPUTS[op].y ?? [1, 0, 0, 0]]])));

export const PYTHON_SOURCE = `
import json, sys, time
import numpy as np
try:
    import numexpr as ne
except Exception as e:
    ne = None
    NE_ERR = str(e)

cache = {}

def data(w, n):
    i = np.arange(n, dtype=np.float64)
    return (i % 1000) * 1e-3, np.ones(n)

# The math maps (math-inputs.ts): map-<op>[-f32] on ramps (i % m + c) * step + lo.
RAMPS = json.loads('${RAMPS}')
NUMPY_MATH = {
    'exp': lambda x, b, y: np.exp(x, out=y), 'log': lambda x, b, y: np.log(x, out=y),
    'sin': lambda x, b, y: np.sin(x, out=y), 'cos': lambda x, b, y: np.cos(x, out=y),
    'tanh': lambda x, b, y: np.tanh(x, out=y), 'pow': lambda x, b, y: np.power(x, b, out=y),
    'sigmoid': lambda x, b, y: np.divide(1, np.add(1, np.exp(np.negative(x, out=y), out=y), out=y), out=y),
}
NUMEXPR_MATH = {'exp': 'exp(x)', 'log': 'log(x)', 'sin': 'sin(x)', 'cos': 'cos(x)', 'tanh': 'tanh(x)', 'sigmoid': 'one / (one + exp(-x))', 'pow': 'x ** b'}

def math_form(c, w, n):
    op, f32 = (w[4:-4], True) if w.endswith('-f32') else (w[4:], False)
    dt = np.float32 if f32 else np.float64
    i = np.arange(n, dtype=np.float64)
    ramp = lambda r: ((i % r[0]) + r[1]) * r[2] + r[3]
    x, b = ramp(RAMPS[op][0]).astype(dt), ramp(RAMPS[op][1]).astype(dt)
    y = np.zeros(n, dtype=dt)
    if c == 'numpy':
        f = NUMPY_MATH[op]
        return (lambda: f(x, b, y)), None
    d = {'x': x, 'b': b, 'one': dt(1)}  # a typed 1: an int literal would widen f32 to f64
    return (lambda: ne.evaluate(NUMEXPR_MATH[op], local_dict=d, out=y)), None

def make(c, w, n, threads, args):
    if c == 'numexpr':
        if ne is None:
            return 'skip', 'numexpr does not import: ' + NE_ERR
        ne.set_num_threads(threads)
    E = ne.evaluate if ne is not None else None
    if w.startswith('map-') and w != 'map-square':
        return math_form(c, w, n)
    if w in ('map-square', 'axpy', 'sum', 'dot'):
        x, y = data(w, n)
        a = 1e-9
        if c == 'numpy':
            return {
                'map-square': lambda: np.square(x, out=y),
                'axpy': lambda: np.add(y, a * x, out=y),
                'sum': lambda: x.sum(),
                'dot': lambda: np.dot(x, y),
            }[w], None
        d = {'x': x, 'y': y, 'a': a}
        return {
            'map-square': lambda: E('x * x', local_dict=d, out=y),
            'axpy': lambda: E('y + a * x', local_dict=d, out=y),
            'sum': lambda: E('sum(x)', local_dict=d),
            'dot': lambda: E('sum(x * y)', local_dict=d),
        }[w], None
    if c == 'numexpr' and w == 'expr':
        x, y = data(w, n)
        out = np.empty(n)
        return (lambda: E(args['numexpr'], local_dict={'a': x, 'b': y}, out=out)), None
    if c != 'numpy':
        return 'skip', 'no numexpr form'
    rng = np.random.default_rng(7)
    if w == 'cumsum':
        x = rng.random(n); y = np.empty(n)
        return (lambda: np.cumsum(x, out=y)), None
    if w == 'sort':
        src = rng.random(n) * 2 - 1; x = np.empty(n)
        def f():
            x[:] = src
            x.sort()
        return f, None
    if w == 'histogram':
        # args (the histogram family, workloads/histogram.ts): dtype, skew power, scale, range
        x = (rng.random(n) ** args.get('power', 1) * args.get('scale', 1)).astype(args.get('dtype', 'float64'))
        r = (float(args.get('lo', 0)), float(args.get('hi', 1)))
        return (lambda: np.histogram(x, bins=256, range=r)), None
    if w == 'matmul':
        a = rng.random((n, n), dtype=np.float32); b = rng.random((n, n), dtype=np.float32)
        c_ = np.empty((n, n), dtype=np.float32)
        return (lambda: np.matmul(a, b, out=c_)), None
    if w in ('axis-sum', 'broadcast-add'):
        r, k = args['rows'], args['cols']
        a = (np.arange(r * k, dtype=np.float64) % 1000 * 1e-3).reshape(r, k)
        if w == 'axis-sum':
            out = np.empty(k)
            return (lambda: np.sum(a, axis=0, out=out)), None
        b = np.arange(k, dtype=np.float64); out = np.empty((r, k))
        return (lambda: np.add(a, b, out=out)), None
    if w == 'expr':
        x, y = data(w, n)
        return (lambda: eval(args['numpy'], {'np': np, 'a': x, 'b': y})), None
    return 'skip', 'no numpy form'

for line in sys.stdin:
    req = json.loads(line)
    key = (req['contender'], req['workload'], req['n'], json.dumps(req.get('args')))
    try:
        if key not in cache:
            cache.clear()
            f, why = make(req['contender'], req['workload'], req['n'], req['threads'], req.get('args') or {})
            if f == 'skip':
                print(json.dumps({'skip': why}), flush=True)
                continue
            f()
            cache[key] = f
        f = cache[key]
        out = []
        until = time.perf_counter() + req['budget'] / 1000
        while True:
            t0 = time.perf_counter(); f(); t1 = time.perf_counter()
            out.append((t1 - t0) * 1000)
            if t1 >= until or len(out) >= 100000:
                break
        print(json.dumps({'ms': out}), flush=True)
    except Exception as e:
        print(json.dumps({'error': type(e).__name__ + ': ' + str(e)}), flush=True)
`;
