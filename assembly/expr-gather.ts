// The expression VM's gather: the block [i0, i0 + n) of a strided or broadcast
// operand, read in the result's C order, copied contiguously into a register.
// Descriptor (src/expr/frame.ts): address of element 0, ndim, log2(element
// size), 0, then ndim extents and ndim strides in bytes (0 on broadcast dims,
// negative for reversed views). `idx` is ndim i32s of per-thread scratch.

@inline function copyRun(sh: usize, d: usize, s: isize, stride: isize, run: i32): void {
  if (stride == (<isize>1 << sh)) { memory.copy(d, <usize>s, <usize>run << sh); return; }
  if (sh == 3) for (let k = 0; k < run; k++) store<u64>(d + (<usize>k << 3), load<u64>(<usize>(s + <isize>k * stride)));
  else if (sh == 2) for (let k = 0; k < run; k++) store<u32>(d + (<usize>k << 2), load<u32>(<usize>(s + <isize>k * stride)));
  else for (let k = 0; k < run; k++) store<u8>(d + <usize>k, load<u8>(<usize>(s + <isize>k * stride)));
}

export function exprGather(n: i32, d: usize, desc: usize, i0: i32, idx: usize): void {
  const nd = load<i32>(desc, 4);
  const sh = <usize>load<u32>(desc, 8);
  const shapeP = desc + 16, strideP = shapeP + (<usize>nd << 2);
  let rem = i0;
  let p = <isize>load<u32>(desc);
  for (let k = nd - 1; k >= 0; k--) {
    const dim = load<i32>(shapeP + (<usize>k << 2));
    const q = rem / dim;
    const r = rem - q * dim;
    store<i32>(idx + (<usize>k << 2), r);
    p += <isize>r * <isize>load<i32>(strideP + (<usize>k << 2));
    rem = q;
  }
  const last = <usize>(nd - 1) << 2;
  const lastDim = load<i32>(shapeP + last);
  const lastStride = <isize>load<i32>(strideP + last);
  let done = 0;
  while (done < n) {
    const j = load<i32>(idx + last);
    const run = min(lastDim - j, n - done);
    copyRun(sh, d + (<usize>done << sh), p, lastStride, run);
    done += run;
    if (j + run < lastDim) { store<i32>(idx + last, j + run); break; }
    // End of a row: back to its start, then carry into the outer dims.
    p -= lastStride * <isize>j;
    store<i32>(idx + last, 0);
    for (let k = nd - 2; k >= 0; k--) {
      const o = <usize>k << 2;
      const v = load<i32>(idx + o) + 1;
      const st = <isize>load<i32>(strideP + o);
      if (v < load<i32>(shapeP + o)) { store<i32>(idx + o, v); p += st; break; }
      store<i32>(idx + o, 0);
      p -= st * <isize>(v - 1);
    }
  }
}
