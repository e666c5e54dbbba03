# numexpr reference for bench/expr.mjs: the benchmark expressions with numexpr
# at the given thread count, median ms over reps, as one JSON line.
#   python3 bench/_numexpr.py <n> <threads> <reps>
import json, sys, time
import numpy as np
import numexpr as ne

n, threads, reps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
ne.set_num_threads(threads)
i = np.arange(n)
a = (i % 1000) * 1e-3
b = ((i * 7) % 1000) * 1e-3
pa = (i % 6283) * 1e-3
pb = ((i * 7) % 6283) * 1e-3
out = np.zeros(n)
mask = np.zeros(n, dtype=bool)
cases = {
    'axpb_ms': lambda: ne.evaluate('2*a + 3*b', out=out),
    'cmp_ms': lambda: ne.evaluate('a*b - 4.1*a > 2.5*b', out=mask),
    'trig_ms': lambda: ne.evaluate('sin(a)**2 + cos(b)**2', out=out),
    'dot_ms': lambda: ne.evaluate('sum(a*b)'),
    'trig_period_ms': lambda: ne.evaluate('sin(a)**2 + cos(b)**2', local_dict={'a': pa, 'b': pb}, out=out),
}
res = {'version': ne.__version__}
for name, f in cases.items():
    f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        ts.append((time.perf_counter() - t) * 1e3)
    res[name] = float(np.median(ts))
print(json.dumps(res))
