// Dispatch from a runtime op code to the 1-d kernels, specialised per element
// type at compile time: the N-d drivers (strided.ts) hand each contiguous run
// to exactly the code the flat ops use, so N-d results match them bit for bit.
// Op codes are indices into the lists in src/nd/ops/codes.ts (kept in sync).
// Generated once from those lists; edit both together.
import {
  add_f64, subtract_f64, multiply_f64, divide_f64, maximum_f64, minimum_f64, adds_f64, subtracts_f64, multiplys_f64, divides_f64, maximums_f64, minimums_f64, add_f32, subtract_f32, multiply_f32, divide_f32, maximum_f32, minimum_f32, adds_f32, subtracts_f32, multiplys_f32, divides_f32, maximums_f32, minimums_f32, add_i32, subtract_i32, multiply_i32, divide_i32, maximum_i32, minimum_i32, adds_i32, subtracts_i32, multiplys_i32, divides_i32, maximums_i32, minimums_i32, add_u32, subtract_u32, multiply_u32, divide_u32, maximum_u32, minimum_u32, adds_u32, subtracts_u32, multiplys_u32, divides_u32, maximums_u32, minimums_u32, add_u8, subtract_u8, multiply_u8, divide_u8, maximum_u8, minimum_u8, adds_u8, subtracts_u8, multiplys_u8, divides_u8, maximums_u8, minimums_u8,
} from './elementwise';
import { clip_f64, clip_f32, clip_i32, clip_u32, clip_u8 } from './clip-axpy';
import { pow_f64, pow_f32, pow_i32, pow_u32, pow_u8, pows_f64, pows_f32, pows_i32, pows_u32, pows_u8 } from './pow';
import { abs_f64, neg_f64, square_f64, floor_f64, ceil_f64, round_f64, sqrt_f64, exp_f64, log_f64, tanh_f64, sigmoid_f64, sin_f64, cos_f64, abs_f32, neg_f32, square_f32, floor_f32, ceil_f32, round_f32, sqrt_f32, exp_f32, log_f32, tanh_f32, sigmoid_f32, sin_f32, cos_f32, abs_i32, neg_i32, square_i32, neg_u32, square_u32, neg_u8, square_u8 } from './map';

// @ts-ignore: decorator
@inline export function binaryRun<T>(op: i32, n: i32, a: usize, b: usize, o: usize): void {
  if (sizeof<T>() == 8) {
    switch (op) {
      case 0: add_f64(0, n, a, b, o); return;
      case 1: subtract_f64(0, n, a, b, o); return;
      case 2: multiply_f64(0, n, a, b, o); return;
      case 3: divide_f64(0, n, a, b, o); return;
      case 4: maximum_f64(0, n, a, b, o); return;
      case 5: minimum_f64(0, n, a, b, o); return;
      case 6: pow_f64(0, n, a, b, o); return;
    }
  } else if (isFloat<T>()) {
    switch (op) {
      case 0: add_f32(0, n, a, b, o); return;
      case 1: subtract_f32(0, n, a, b, o); return;
      case 2: multiply_f32(0, n, a, b, o); return;
      case 3: divide_f32(0, n, a, b, o); return;
      case 4: maximum_f32(0, n, a, b, o); return;
      case 5: minimum_f32(0, n, a, b, o); return;
      case 6: pow_f32(0, n, a, b, o); return;
    }
  } else if (sizeof<T>() == 1) {
    switch (op) {
      case 0: add_u8(0, n, a, b, o); return;
      case 1: subtract_u8(0, n, a, b, o); return;
      case 2: multiply_u8(0, n, a, b, o); return;
      case 3: divide_u8(0, n, a, b, o); return;
      case 4: maximum_u8(0, n, a, b, o); return;
      case 5: minimum_u8(0, n, a, b, o); return;
      case 6: pow_u8(0, n, a, b, o); return;
    }
  } else if (isSigned<T>()) {
    switch (op) {
      case 0: add_i32(0, n, a, b, o); return;
      case 1: subtract_i32(0, n, a, b, o); return;
      case 2: multiply_i32(0, n, a, b, o); return;
      case 3: divide_i32(0, n, a, b, o); return;
      case 4: maximum_i32(0, n, a, b, o); return;
      case 5: minimum_i32(0, n, a, b, o); return;
      case 6: pow_i32(0, n, a, b, o); return;
    }
  } else if (true) {
    switch (op) {
      case 0: add_u32(0, n, a, b, o); return;
      case 1: subtract_u32(0, n, a, b, o); return;
      case 2: multiply_u32(0, n, a, b, o); return;
      case 3: divide_u32(0, n, a, b, o); return;
      case 4: maximum_u32(0, n, a, b, o); return;
      case 5: minimum_u32(0, n, a, b, o); return;
      case 6: pow_u32(0, n, a, b, o); return;
    }
  }
}

// b is a scalar (a row read with stride 0).
// @ts-ignore: decorator
@inline export function binaryScalarRun<T>(op: i32, n: i32, a: usize, b: f64, o: usize): void {
  if (sizeof<T>() == 8) {
    switch (op) {
      case 0: adds_f64(0, n, a, b, o); return;
      case 1: subtracts_f64(0, n, a, b, o); return;
      case 2: multiplys_f64(0, n, a, b, o); return;
      case 3: divides_f64(0, n, a, b, o); return;
      case 4: maximums_f64(0, n, a, b, o); return;
      case 5: minimums_f64(0, n, a, b, o); return;
      case 6: pows_f64(0, n, a, b, o); return;
    }
  } else if (isFloat<T>()) {
    switch (op) {
      case 0: adds_f32(0, n, a, b, o); return;
      case 1: subtracts_f32(0, n, a, b, o); return;
      case 2: multiplys_f32(0, n, a, b, o); return;
      case 3: divides_f32(0, n, a, b, o); return;
      case 4: maximums_f32(0, n, a, b, o); return;
      case 5: minimums_f32(0, n, a, b, o); return;
      case 6: pows_f32(0, n, a, b, o); return;
    }
  } else if (sizeof<T>() == 1) {
    switch (op) {
      case 0: adds_u8(0, n, a, b, o); return;
      case 1: subtracts_u8(0, n, a, b, o); return;
      case 2: multiplys_u8(0, n, a, b, o); return;
      case 3: divides_u8(0, n, a, b, o); return;
      case 4: maximums_u8(0, n, a, b, o); return;
      case 5: minimums_u8(0, n, a, b, o); return;
      case 6: pows_u8(0, n, a, b, o); return;
    }
  } else if (isSigned<T>()) {
    switch (op) {
      case 0: adds_i32(0, n, a, b, o); return;
      case 1: subtracts_i32(0, n, a, b, o); return;
      case 2: multiplys_i32(0, n, a, b, o); return;
      case 3: divides_i32(0, n, a, b, o); return;
      case 4: maximums_i32(0, n, a, b, o); return;
      case 5: minimums_i32(0, n, a, b, o); return;
      case 6: pows_i32(0, n, a, b, o); return;
    }
  } else if (true) {
    switch (op) {
      case 0: adds_u32(0, n, a, b, o); return;
      case 1: subtracts_u32(0, n, a, b, o); return;
      case 2: multiplys_u32(0, n, a, b, o); return;
      case 3: divides_u32(0, n, a, b, o); return;
      case 4: maximums_u32(0, n, a, b, o); return;
      case 5: minimums_u32(0, n, a, b, o); return;
      case 6: pows_u32(0, n, a, b, o); return;
    }
  }
}

// Integer dtypes: only the ops with an integer kernel (the rest are copies or errors, decided in TS).
// @ts-ignore: decorator
@inline export function mapRun<T>(op: i32, n: i32, x: usize, o: usize): void {
  if (sizeof<T>() == 8) {
    switch (op) {
      case 0: abs_f64(0, n, x, o); return;
      case 1: neg_f64(0, n, x, o); return;
      case 2: square_f64(0, n, x, o); return;
      case 3: floor_f64(0, n, x, o); return;
      case 4: ceil_f64(0, n, x, o); return;
      case 5: round_f64(0, n, x, o); return;
      case 6: sqrt_f64(0, n, x, o); return;
      case 7: exp_f64(0, n, x, o); return;
      case 8: log_f64(0, n, x, o); return;
      case 9: tanh_f64(0, n, x, o); return;
      case 10: sigmoid_f64(0, n, x, o); return;
      case 11: sin_f64(0, n, x, o); return;
      case 12: cos_f64(0, n, x, o); return;
    }
  } else if (isFloat<T>()) {
    switch (op) {
      case 0: abs_f32(0, n, x, o); return;
      case 1: neg_f32(0, n, x, o); return;
      case 2: square_f32(0, n, x, o); return;
      case 3: floor_f32(0, n, x, o); return;
      case 4: ceil_f32(0, n, x, o); return;
      case 5: round_f32(0, n, x, o); return;
      case 6: sqrt_f32(0, n, x, o); return;
      case 7: exp_f32(0, n, x, o); return;
      case 8: log_f32(0, n, x, o); return;
      case 9: tanh_f32(0, n, x, o); return;
      case 10: sigmoid_f32(0, n, x, o); return;
      case 11: sin_f32(0, n, x, o); return;
      case 12: cos_f32(0, n, x, o); return;
    }
  } else if (sizeof<T>() == 1) {
    switch (op) {
      case 1: neg_u8(0, n, x, o); return;
      case 2: square_u8(0, n, x, o); return;
    }
  } else if (isSigned<T>()) {
    switch (op) {
      case 0: abs_i32(0, n, x, o); return;
      case 1: neg_i32(0, n, x, o); return;
      case 2: square_i32(0, n, x, o); return;
    }
  } else if (true) {
    switch (op) {
      case 1: neg_u32(0, n, x, o); return;
      case 2: square_u32(0, n, x, o); return;
    }
  }
}

// @ts-ignore: decorator
@inline export function clipRun<T>(n: i32, x: usize, lo: f64, hi: f64, o: usize): void {
  if (sizeof<T>() == 8) {
    clip_f64(0, n, x, lo, hi, o);
  } else if (isFloat<T>()) {
    clip_f32(0, n, x, lo, hi, o);
  } else if (sizeof<T>() == 1) {
    clip_u8(0, n, x, lo, hi, o);
  } else if (isSigned<T>()) {
    clip_i32(0, n, x, lo, hi, o);
  } else if (true) {
    clip_u32(0, n, x, lo, hi, o);
  }
}
