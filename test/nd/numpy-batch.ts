// Runs a batch of numpy snippets in one /usr/bin/python3 process: each case is
// { code, env } where env maps names to { data, shape, dtype } arrays (or plain
// JSON); the snippet leaves its answer in `r`. Returns each r as JSON (arrays via
// tolist(), errors as { error: message }).
import { spawnSync } from 'node:child_process';

export interface PyArray { data: number[]; shape: number[]; dtype: string }
export interface PyCase { code: string; env?: Record<string, unknown> }

const PRELUDE = `
import json, sys, numpy as np
DT = {'f64': np.float64, 'f32': np.float32, 'i32': np.int32, 'u32': np.uint32, 'u8': np.uint8}
def arr(v):
    if isinstance(v, dict) and 'shape' in v and 'data' in v:
        return np.array(v['data'], dtype=DT[v['dtype']]).reshape(v['shape'])
    return v
def enc(r):
    if isinstance(r, np.ndarray): return {'shape': list(r.shape), 'values': np.asarray(r, dtype=np.float64).ravel().tolist(), 'dtype': str(r.dtype)}
    if isinstance(r, (np.generic,)): return float(r)
    if isinstance(r, tuple): return [enc(x) for x in r]
    return r
out = []
for case in json.load(sys.stdin):
    env = {k: arr(v) for k, v in case.get('env', {}).items()}
    env['np'] = np
    try:
        with np.errstate(all='ignore'):
            exec(case['code'], env)
        out.append(enc(env.get('r')))
    except Exception as e:
        out.append({'error': type(e).__name__ + ': ' + str(e)})
json.dump(out, sys.stdout, allow_nan=True)
`;

export function numpyBatch(cases: PyCase[]): unknown[] {
  const res = spawnSync('/usr/bin/python3', ['-c', PRELUDE], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 1 << 28, timeout: 120_000 });
  if (res.status !== 0) throw new Error(`numpy batch failed: ${res.stderr || res.error}`);
  return JSON.parse(res.stdout.replace(/\bNaN\b/g, '"NaN"').replace(/-Infinity\b/g, '"-Infinity"').replace(/\bInfinity\b/g, '"Infinity"'), (_k, v) =>
    v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v);
}

/** A deterministic PRNG (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);
