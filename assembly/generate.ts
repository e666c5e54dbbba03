// Array generators with numpy's arithmetic, computed per element from the index
// (no running sum), so any chunk can be filled independently and the values do
// not drift with n.
//
// arange: numpy stores start and start + step (rounded to the dtype), then
// fills value[i] = first + i * delta for i >= 2, where delta is the difference
// of those two stored values, in the dtype's own arithmetic (f32: i, the
// product and the sum each rounded to f32). The JS side computes first, delta
// and second, and refuses values outside an integer dtype.
// linspace: value[i] = i * step + first in f64 (numpy's float64 ramp, then a
// cast: f32 rounds once, integer dtypes take floor), the last value exactly
// `last`; when step underflows to 0 numpy divides first: (i / div) * delta.

export function arange_f64(start: i32, end: i32, out: usize, first: f64, delta: f64, second: f64): void {
  for (let i = start; i < end; i++) store<f64>(out + (<usize>i << 3), i == 1 ? second : first + <f64>i * delta);
}

export function arange_f32(start: i32, end: i32, out: usize, first: f64, delta: f64, second: f64): void {
  const a = <f32>first, d = <f32>delta;
  for (let i = start; i < end; i++) store<f32>(out + (<usize>i << 2), i == 1 ? <f32>second : a + <f32>i * d);
}

@inline function arangeInt(start: i32, end: i32, out: usize, first: f64, delta: f64, width: usize): void {
  const a = <i64>first, d = <i64>delta;
  for (let i = start; i < end; i++) {
    const v = a + <i64>i * d;
    if (width == 0) store<u8>(out + <usize>i, <u8>v);
    else store<u32>(out + (<usize>i << 2), <u32>v);
  }
}

export function arange_i32(start: i32, end: i32, out: usize, first: f64, delta: f64, second: f64): void { arangeInt(start, end, out, first, delta, 2); }
export function arange_u32(start: i32, end: i32, out: usize, first: f64, delta: f64, second: f64): void { arangeInt(start, end, out, first, delta, 2); }
export function arange_u8(start: i32, end: i32, out: usize, first: f64, delta: f64, second: f64): void { arangeInt(start, end, out, first, delta, 0); }

@inline function lin(i: i32, first: f64, step: f64, last: f64, num: i32, div: f64, delta: f64): f64 {
  if (i == num - 1 && num > 1) return last;
  return step != 0 ? <f64>i * step + first : (<f64>i / div) * delta + first;
}

export function linspace_f64(start: i32, end: i32, out: usize, first: f64, step: f64, last: f64, num: i32, div: f64, delta: f64): void {
  for (let i = start; i < end; i++) store<f64>(out + (<usize>i << 3), lin(i, first, step, last, num, div, delta));
}

export function linspace_f32(start: i32, end: i32, out: usize, first: f64, step: f64, last: f64, num: i32, div: f64, delta: f64): void {
  for (let i = start; i < end; i++) store<f32>(out + (<usize>i << 2), <f32>lin(i, first, step, last, num, div, delta));
}

@inline function linInt(start: i32, end: i32, out: usize, first: f64, step: f64, last: f64, num: i32, div: f64, delta: f64, width: usize): void {
  for (let i = start; i < end; i++) {
    const v = <i64>Math.floor(lin(i, first, step, last, num, div, delta));
    if (width == 0) store<u8>(out + <usize>i, <u8>v);
    else store<u32>(out + (<usize>i << 2), <u32>v);
  }
}

export function linspace_i32(start: i32, end: i32, out: usize, first: f64, step: f64, last: f64, num: i32, div: f64, delta: f64): void { linInt(start, end, out, first, step, last, num, div, delta, 2); }
export function linspace_u32(start: i32, end: i32, out: usize, first: f64, step: f64, last: f64, num: i32, div: f64, delta: f64): void { linInt(start, end, out, first, step, last, num, div, delta, 2); }
export function linspace_u8(start: i32, end: i32, out: usize, first: f64, step: f64, last: f64, num: i32, div: f64, delta: f64): void { linInt(start, end, out, first, step, last, num, div, delta, 0); }
