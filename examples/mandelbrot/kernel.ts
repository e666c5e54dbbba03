// A wasmpar user kernel (AssemblyScript). It follows the kernel rules: no `new`,
// no strings or arrays, no mutable globals, only raw loads/stores and SIMD.
//
// mandelbrot renders the image rows [start, end): `out` is the byte address of
// a u32 array of width*height escape counts (maxIter for points in the set).
// Rows near the set cost up to maxIter iterations per pixel and rows far from
// it a few, so the work per chunk is very uneven: that is what dynamic chunking
// balances.
//
// Two pixels at a time in f64x2 lanes. A lane that has escaped keeps iterating
// (its values only grow, then become inf/NaN) but stops counting: `active`
// is sticky, so each lane's count is exactly what the scalar loop computes.
export function mandelbrot(
  start: i32, end: i32, out: usize, width: i32, height: i32,
  x0: f64, y0: f64, dx: f64, dy: f64, maxIter: i32,
): void {
  const four = f64x2.splat(4.0);
  const two = f64x2.splat(2.0);
  for (let row = start; row < end; row++) {
    const ci = y0 + <f64>row * dy;
    const civ = f64x2.splat(ci);
    const line = out + (<usize>row * <usize>width << 2);
    let px = 0;
    for (; px + 1 < width; px += 2) {
      const cr = f64x2.replace_lane(f64x2.splat(x0 + <f64>px * dx), 1, x0 + <f64>(px + 1) * dx);
      let zr = f64x2.splat(0.0);
      let zi = f64x2.splat(0.0);
      let active = i64x2.splat(-1);
      let count = i64x2.splat(0);
      for (let it = 0; it < maxIter; it++) {
        const zr2 = f64x2.mul(zr, zr);
        const zi2 = f64x2.mul(zi, zi);
        active = v128.and(active, f64x2.le(f64x2.add(zr2, zi2), four));
        if (!v128.any_true(active)) break;
        count = i64x2.sub(count, active); // active lanes are -1
        zi = f64x2.add(f64x2.mul(f64x2.mul(two, zr), zi), civ);
        zr = f64x2.add(f64x2.sub(zr2, zi2), cr);
      }
      store<u32>(line + (<usize>px << 2), <u32>i64x2.extract_lane(count, 0));
      store<u32>(line + (<usize>(px + 1) << 2), <u32>i64x2.extract_lane(count, 1));
    }
    if (px < width) store<u32>(line + (<usize>px << 2), escape(x0 + <f64>px * dx, ci, maxIter));
  }
}

// The scalar loop, same operation order as the SIMD one (no fused multiply-add
// in wasm), so results are bit-identical to the JavaScript reference too.
@inline
function escape(cr: f64, ci: f64, maxIter: i32): u32 {
  let zr = 0.0, zi = 0.0;
  let i = 0;
  while (i < maxIter) {
    const zr2 = zr * zr;
    const zi2 = zi * zi;
    if (zr2 + zi2 > 4.0) break;
    zi = 2.0 * zr * zi + ci;
    zr = zr2 - zi2 + cr;
    i++;
  }
  return <u32>i;
}
