// The oracle itself: values, dtypes, N-d views and errors make the round trip intact.
import { expect, it } from 'vitest';
import { numpy, numpyBatch, numpySuite } from './oracle.js';

numpySuite('numpy oracle', () => {
  it('round-trips every dtype and special value bit for bit', async () => {
    const x = new Float64Array([NaN, Infinity, -Infinity, -0, 5e-324, 1.5]);
    const f = new Float32Array([NaN, -0, 1.4e-45, 0.7]);
    const i = new Int32Array([-(2 ** 31), 2 ** 31 - 1]);
    const u = new Uint32Array([2 ** 32 - 1]);
    const b = new Uint8Array([0, 255]);
    const r = await numpy('X, F, I, U, B = x, f, i, u, b', { x, f, i, u, b }, ['X', 'F', 'I', 'U', 'B']);
    expect(r.X!.dtype).toBe('float64'); expect([...r.X!.data as Float64Array]).toEqual([...x]);
    expect(Object.is((r.X!.data as Float64Array)[3], -0)).toBe(true);
    expect(r.F!.dtype).toBe('float32'); expect([...r.F!.data as Float32Array]).toEqual([...f]);
    expect([...r.I!.data as Int32Array]).toEqual([...i]);
    expect([...r.U!.data as Uint32Array]).toEqual([...u]);
    expect([...r.B!.data as Uint8Array]).toEqual([...b]);
  });

  it('passes scalars with their Python type and returns 0-d values', async () => {
    const r = await numpy('a = type(i).__name__ == "int"; b = type(z).__name__ == "float"; c = np.int64(2)**62; d = np.float32(0.1); e = n', { i: 3, z: -0, n: NaN }, ['a', 'b', 'c', 'd', 'e']);
    expect(r.a!.value).toBe(1); expect(r.b!.value).toBe(1);
    expect(r.c!.value).toBe(2n ** 62n);
    expect(r.d!.dtype).toBe('float32'); expect(r.d!.value).toBe(Math.fround(0.1));
    expect(r.e!.value).toBeNaN();
  });

  it('builds N-d views from strides and offsets in elements, negative included', async () => {
    const data = Float64Array.from({ length: 12 }, (_, k) => k);
    const r = await numpy('out = a', { a: { data, shape: [3, 2], strides: [-4, 1], offset: 8 } });
    expect(r.out!.shape).toEqual([3, 2]);
    expect([...r.out!.data as Float64Array]).toEqual([8, 9, 4, 5, 0, 1]);
  });

  it('reports what numpy raised, per case, without failing the batch', async () => {
    const [bad, good] = await numpyBatch([{ code: 'out = np.ones(2) + np.ones(3)' }, { code: 'out = np.arange(3)' }]);
    expect('error' in bad! && bad.error).toMatch(/^ValueError: operands could not be broadcast/);
    expect('out' in good! && good.out.dtype).toBe('int64');
  });
});
