/**
 * numpy as a test oracle: run numpy (and mpmath) snippets on named arrays and get
 * the resulting arrays and scalars back, bit for bit.
 *
 *   import { numpy, numpySuite } from './numpy/oracle.js';   // from test/*.test.ts: './numpy/oracle.js'
 *
 *   numpySuite('cumsum vs numpy', () => {          // describe(), or a skip/fail when numpy is missing
 *     it('f64', async () => {
 *       const x = new Float64Array([Infinity, 1, 2]);
 *       const r = await numpy('out = np.cumsum(x)', { x });
 *       r.out.data   // Float64Array [Infinity, Infinity, Infinity]; r.out.dtype 'float64'; r.out.shape [3]
 *     });
 *   });
 *
 * API
 * - `numpy(code, inputs, returns = ['out'])`: one case. `numpyBatch(cases)` runs many
 *   cases in ONE python process (importing numpy costs ~100 ms; batch your cases).
 * - `code` is Python executed with `np` (numpy), `mp` (mpmath, mp.dps = 50) and every input
 *   bound as a variable. Results are the variables named in `returns`.
 * - Inputs: a typed array (1-d, dtype from its class: Float64Array → float64 ... Uint8Array →
 *   uint8; BigInt64Array → int64), an N-d view `{ data, shape, strides?, offset? }` (strides and
 *   offset in ELEMENTS, any sign, as NDArray / scijs / stdlib use them; scijs' `stride` too), a
 *   number (a Python int when it is a safe integer other than -0, else a Python float: pass
 *   `np.float32(v)` in the code for another type), a bigint (Python int), a boolean, a string,
 *   or an array of numbers (a Python list of those numbers).
 * - Every returned value is converted with `np.asarray` and comes back as
 *   `{ dtype, shape, data }` — `data` a typed array in C order (float64/float32/int32/uint32/
 *   uint8/int8/int16/uint16 as their typed arrays, int64/uint64 as BigInt64Array/BigUint64Array,
 *   bool as Uint8Array) — plus `value` for 0-d results: a number (a bigint for 64-bit ints
 *   outside ±2^53). Other dtypes (complex, float16, objects) are an error naming the variable.
 * - A case whose code raises comes back as `{ error: 'ValueError: ...' }` instead (numpy's
 *   own refusal is a result to compare with, not a harness failure); `numpy()` throws it.
 * - `numpyStatus()` says whether /usr/bin/python3 with numpy (and mpmath) is there, and why
 *   not. `numpySuite(name, body)` is `describe` when it is; otherwise the suite is skipped
 *   with the reason printed — except under CI=true, where a missing numpy FAILS.
 *
 * Transport: a JSON manifest plus one binary file of raw bytes, both ways, in a temp dir.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';

export const PYTHON = process.env.WASMPAR_PYTHON ?? '/usr/bin/python3';

type Typed = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array | Int8Array | Int16Array
  | Uint16Array | BigInt64Array | BigUint64Array;

export interface NdInput { data: Typed; shape: readonly number[]; strides?: readonly number[]; stride?: readonly number[]; offset?: number }
export type OracleInput = Typed | NdInput | number | bigint | boolean | string | readonly number[];

export interface OracleArray {
  dtype: string;
  shape: number[];
  data: Typed;
  /** For 0-d results: the scalar (a bigint only for 64-bit integers beyond 2^53). */
  value?: number | bigint;
}
export type OracleResult = Record<string, OracleArray>;
export interface OracleCase { code: string; inputs?: Record<string, OracleInput>; returns?: readonly string[] }
export type OracleOutcome = OracleResult | { error: string };

const NP_DTYPE: Array<[new (...a: never[]) => Typed, string]> = [
  [Float64Array, 'float64'], [Float32Array, 'float32'], [Int32Array, 'int32'], [Uint32Array, 'uint32'],
  [Uint8Array, 'uint8'], [Int8Array, 'int8'], [Int16Array, 'int16'], [Uint16Array, 'uint16'],
  [BigInt64Array, 'int64'], [BigUint64Array, 'uint64'],
];
const CTOR: Record<string, new (b: ArrayBuffer, o: number, n: number) => Typed> = {
  float64: Float64Array, float32: Float32Array, int32: Int32Array, uint32: Uint32Array, uint8: Uint8Array,
  int8: Int8Array, int16: Int16Array, uint16: Uint16Array, int64: BigInt64Array, uint64: BigUint64Array, bool: Uint8Array,
};

function npDtype(a: Typed): string {
  for (const [ctor, name] of NP_DTYPE) if (a instanceof ctor) return name;
  throw new TypeError(`oracle: unsupported typed array ${Object.prototype.toString.call(a)}`);
}

const SCRIPT = String.raw`
import json, sys, traceback
import numpy as np
try:
    import mpmath as mp
    mp.mp.dps = 50
except ImportError:
    mp = None
d = sys.argv[1]
man = json.load(open(d + '/in.json'))
blob = open(d + '/in.bin', 'rb').read()
out_meta, out_parts, pos = [], [], 0
def arr(spec):
    dt = np.dtype(spec['dtype'])
    base = np.frombuffer(blob, dtype=dt, count=spec['count'], offset=spec['byte']).copy()
    if 'shape' not in spec:
        return base
    shape, strides, off = spec['shape'], spec['strides'], spec['offset']
    if int(np.prod(shape)) == 0:
        return np.empty(shape, dtype=dt)
    idx = np.full(shape, off, dtype=np.int64)
    for j, (s, n) in enumerate(zip(strides, shape)):
        idx = idx + (np.arange(n, dtype=np.int64) * s).reshape([n if k == j else 1 for k in range(len(shape))])
    return np.asarray(base[idx])
def value(spec):
    k = spec['kind']
    if k == 'array': return arr(spec)
    if k == 'float': return float(np.frombuffer(blob, dtype=np.float64, count=1, offset=spec['byte'])[0])
    if k == 'list': return [float(v) for v in np.frombuffer(blob, dtype=np.float64, count=spec['count'], offset=spec['byte'])]
    if k == 'int': return int(spec['v'])
    return spec['v']
OK = {'float64','float32','int32','uint32','uint8','int8','int16','uint16','int64','uint64','bool'}
with np.errstate(all='ignore'):
    for case in man:
        ns = {'np': np, 'mp': mp}
        for name, spec in case['inputs'].items():
            ns[name] = value(spec)
        try:
            exec(case['code'], ns)
            res = {}
            for name in case['returns']:
                if name not in ns:
                    raise NameError('the code did not assign ' + name)
                a = np.asarray(ns[name]).copy(order='C')
                if a.dtype.name not in OK:
                    raise TypeError('%s has dtype %s, which the oracle does not return' % (name, a.dtype.name))
                b = a.tobytes()
                res[name] = {'dtype': a.dtype.name, 'shape': list(a.shape), 'byte': pos, 'len': len(b)}
                out_parts.append(b); pos += len(b)
                pad = (-pos) % 8
                out_parts.append(b'\0' * pad); pos += pad
            out_meta.append({'ok': res})
        except Exception as e:
            out_meta.append({'error': '%s: %s' % (type(e).__name__, e)})
open(d + '/out.bin', 'wb').write(b''.join(out_parts))
json.dump(out_meta, open(d + '/out.json', 'w'))
`;

interface Encoded { manifest: unknown[]; parts: Uint8Array[] }

function encode(cases: readonly OracleCase[]): Encoded {
  const parts: Uint8Array[] = [];
  let pos = 0;
  const put = (bytes: Uint8Array): number => {
    const at = pos;
    parts.push(bytes); pos += bytes.byteLength;
    const pad = (-pos) & 7;
    if (pad) { parts.push(new Uint8Array(pad)); pos += pad; }
    return at;
  };
  const copyBytes = (a: Typed) => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength) as ArrayBuffer);
  const spec = (name: string, v: OracleInput): unknown => {
    if (ArrayBuffer.isView(v)) {
      const a = v as Typed;
      return { kind: 'array', dtype: npDtype(a), count: a.length, byte: put(copyBytes(a)) };
    }
    if (typeof v === 'number') {
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) return { kind: 'int', v: String(v) };
      return { kind: 'float', byte: put(new Uint8Array(new Float64Array([v]).buffer)) };
    }
    if (typeof v === 'bigint') return { kind: 'int', v: v.toString() };
    if (typeof v === 'boolean' || typeof v === 'string') return { kind: 'plain', v };
    if (Array.isArray(v)) return { kind: 'list', count: v.length, byte: put(new Uint8Array(Float64Array.from(v).buffer)) };
    if (v && typeof v === 'object' && ArrayBuffer.isView((v as NdInput).data)) {
      const nd = v as NdInput;
      const shape = [...nd.shape];
      let strides = nd.strides ?? nd.stride;
      if (!strides) { strides = []; let s = 1; for (let i = shape.length - 1; i >= 0; i--) { (strides as number[])[i] = s; s *= shape[i]!; } }
      return { kind: 'array', dtype: npDtype(nd.data), count: nd.data.length, byte: put(copyBytes(nd.data)), shape, strides: [...strides], offset: nd.offset ?? 0 };
    }
    throw new TypeError(`oracle: input ${name} is not a typed array, N-d view, number, bigint, boolean, string or number[]`);
  };
  const manifest = cases.map((c) => ({
    code: c.code,
    returns: c.returns ?? ['out'],
    inputs: Object.fromEntries(Object.entries(c.inputs ?? {}).map(([k, v]) => [k, spec(k, v)])),
  }));
  return { manifest, parts };
}

function decode(meta: Array<{ ok?: Record<string, { dtype: string; shape: number[]; byte: number; len: number }>; error?: string }>, bin: Buffer): OracleOutcome[] {
  const buf = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  return meta.map((m) => {
    if (m.error !== undefined) return { error: m.error };
    const res: OracleResult = {};
    for (const [name, r] of Object.entries(m.ok!)) {
      const ctor = CTOR[r.dtype]!;
      const size = r.dtype === 'bool' ? 1 : (ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      const data = new ctor(buf, r.byte, r.len / size);
      const o: OracleArray = { dtype: r.dtype, shape: r.shape, data };
      if (r.shape.length === 0) {
        const v = data[0]!;
        o.value = typeof v === 'bigint' && v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
      }
      res[name] = o;
    }
    return res;
  });
}

/** Run many cases in one python process; each outcome is a result or `{ error }`. */
export async function numpyBatch(cases: readonly OracleCase[]): Promise<OracleOutcome[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wasmpar-oracle-'));
  try {
    const { manifest, parts } = encode(cases);
    writeFileSync(join(dir, 'in.json'), JSON.stringify(manifest));
    writeFileSync(join(dir, 'in.bin'), Buffer.concat(parts));
    await new Promise<void>((resolve, reject) => {
      const p = spawn(PYTHON, ['-c', SCRIPT, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (b) => { err += b; });
      const timer = setTimeout(() => { p.kill(); reject(new Error('oracle: python did not finish within 120 s')); }, 120_000);
      p.on('error', (e) => { clearTimeout(timer); reject(e); });
      p.on('exit', (code) => { clearTimeout(timer); code === 0 ? resolve() : reject(new Error(`oracle: python exited with ${code}: ${err}`)); });
    });
    return decode(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')), readFileSync(join(dir, 'out.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One case; numpy raising is thrown here as an Error with numpy's message. */
export async function numpy(code: string, inputs: Record<string, OracleInput> = {}, returns: readonly string[] = ['out']): Promise<OracleResult> {
  const [r] = await numpyBatch([{ code, inputs, returns }]);
  if ('error' in r!) throw new Error(`numpy raised ${r.error}\n  code: ${code}`);
  return r as OracleResult;
}

let status: { ok: boolean; reason: string; version?: string } | undefined;

/** Whether python3 with numpy and mpmath is available, and why not. Checked once. */
export function numpyStatus(): { ok: boolean; reason: string; version?: string } {
  if (status) return status;
  const r = spawnSync(PYTHON, ['-c', 'import numpy, mpmath; print(numpy.__version__)'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) status = { ok: false, reason: `${PYTHON} could not run (${r.error.message})` };
  else if (r.status !== 0) status = { ok: false, reason: `${PYTHON} lacks numpy or mpmath (${r.stderr.trim().split('\n').pop()}); apt-get install python3-numpy python3-mpmath` };
  else status = { ok: true, reason: '', version: r.stdout.trim() };
  return status;
}

/** `describe(name, body)` when numpy is there; else skipped with the reason, or failed under CI=true. */
export function numpySuite(name: string, body: () => void): void {
  const s = numpyStatus();
  if (s.ok) { describe(name, body); return; }
  if (process.env.CI === 'true') {
    describe(name, () => { it('needs numpy (CI=true)', () => { throw new Error(`numpy oracle unavailable under CI=true: ${s.reason}`); }); });
    return;
  }
  console.warn(`[numpy oracle] skipping "${name}": ${s.reason}`);
  describe.skip(name, body);
}
