// Array generators with numpy's arithmetic, computed per element from the index
// (no running sum), so any chunk can be filled independently and the values do
// not drift with n.
//
// arange: numpy fills value[i] = first + i * delta where delta is the difference
// of the first two stored values (so for integer dtypes delta = trunc(start +
// step) - trunc(start)); the JS side computes first and delta. Integer dtypes
// wrap like the typed array (computed in i64, stored modulo 2^bits).
// linspace: value[i] = i * step + first, the last value exactly `last`; integer
// dtypes take floor, as numpy >= 1.20 does.

export function arange_f64(start: i32, end: i32, out: usize, first: f64, delta: f64): void {
  for (let i = start; i < end; i++) store<f64>(out + (<usize>i << 3), first + <f64>i * delta);
}

export function arange_f32(start: i32, end: i32, out: usize, first: f64, delta: f64): void {
  for (let i = start; i < end; i++) store<f32>(out + (<usize>i << 2), <f32>(first + <f64>i * delta));
}

@inline function arangeInt(start: i32, end: i32, out: usize, first: f64, delta: f64, width: usize): void {
  const a = <i64>first, d = <i64>delta;
  for (let i = start; i < end; i++) {
    const v = a + <i64>i * d;
    if (width == 0) store<u8>(out + <usize>i, <u8>v);
    else store<u32>(out + (<usize>i << 2), <u32>v);
  }
}

export function arange_i32(start: i32, end: i32, out: usize, first: f64, delta: f64): void { arangeInt(start, end, out, first, delta, 2); }
export function arange_u32(start: i32, end: i32, out: usize, first: f64, delta: f64): void { arangeInt(start, end, out, first, delta, 2); }
export function arange_u8(start: i32, end: i32, out: usize, first: f64, delta: f64): void { arangeInt(start, end, out, first, delta, 0); }

@inline function lin(i: i32, first: f64, step: f64, last: f64, num: i32): f64 {
  return i == num - 1 && num > 1 ? last : <f64>i * step + first;
}

export function linspace_f64(start: i32, end: i32, out: usize, first: f64, step: f64, last: f64, num: i32): void {
  for (let i = start; i < end; i++) store<f64>(out + (<usize>i << 3), lin(i, first, step, last, num));
}

export function linspace_f32(start: i32, end: i32, out: usize, first: f64, step: f64, last: f64, num: i32): void {
  for (let i = start; i < end; i++) store<f32>(out + (<usize>i << 2), <f32>lin(i, first, step, last, num));
}

@inline function linInt(start: i32, end: i32, out: usize, first: f64, step: f64, last: f64, num: i32, width: usize): void {
  for (let i = start; i < end; i++) {
    const v = <i64>Math.floor(lin(i, first, step, last, num));
    if (width == 0) store<u8>(out + <usize>i, <u8>v);
    else store<u32>(out + (<usize>i << 2), <u32>v);
  }
}

export function linspace_i32(start: i32, end: i32, out: usize, first: f64, step: f64, last: f64, num: i32): void { linInt(start, end, out, first, step, last, num, 2); }
export function linspace_u32(start: i32, end: i32, out: usize, first: f64, step: f64, last: f64, num: i32): void { linInt(start, end, out, first, step, last, num, 2); }
export function linspace_u8(start: i32, end: i32, out: usize, first: f64, step: f64, last: f64, num: i32): void { linInt(start, end, out, first, step, last, num, 0); }
