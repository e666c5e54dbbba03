// The expression VM's unary functions: the standalone map kernels, so a fused
// sin(a) has the bits map('sin', a) has. Opcodes 21..33 (src/expr/opcodes.ts);
// integer dtypes reach only abs/neg/square (the emitter casts the rest to float).
import {
  abs_f64, neg_f64, sqrt_f64, square_f64, exp_f64, log_f64, sin_f64, cos_f64, tanh_f64, sigmoid_f64, floor_f64, ceil_f64, round_f64,
  abs_f32, neg_f32, sqrt_f32, square_f32, exp_f32, log_f32, sin_f32, cos_f32, tanh_f32, sigmoid_f32, floor_f32, ceil_f32, round_f32,
  abs_i32, neg_i32, square_i32, neg_u32, square_u32, neg_u8, square_u8,
} from './map';

function mapF64(op: i32, n: i32, d: usize, a: usize): void {
  switch (op) {
    case 21: abs_f64(0, n, a, d); break;
    case 22: neg_f64(0, n, a, d); break;
    case 23: sqrt_f64(0, n, a, d); break;
    case 24: square_f64(0, n, a, d); break;
    case 25: exp_f64(0, n, a, d); break;
    case 26: log_f64(0, n, a, d); break;
    case 27: sin_f64(0, n, a, d); break;
    case 28: cos_f64(0, n, a, d); break;
    case 29: tanh_f64(0, n, a, d); break;
    case 30: sigmoid_f64(0, n, a, d); break;
    case 31: floor_f64(0, n, a, d); break;
    case 32: ceil_f64(0, n, a, d); break;
    default: round_f64(0, n, a, d);
  }
}

function mapF32(op: i32, n: i32, d: usize, a: usize): void {
  switch (op) {
    case 21: abs_f32(0, n, a, d); break;
    case 22: neg_f32(0, n, a, d); break;
    case 23: sqrt_f32(0, n, a, d); break;
    case 24: square_f32(0, n, a, d); break;
    case 25: exp_f32(0, n, a, d); break;
    case 26: log_f32(0, n, a, d); break;
    case 27: sin_f32(0, n, a, d); break;
    case 28: cos_f32(0, n, a, d); break;
    case 29: tanh_f32(0, n, a, d); break;
    case 30: sigmoid_f32(0, n, a, d); break;
    case 31: floor_f32(0, n, a, d); break;
    case 32: ceil_f32(0, n, a, d); break;
    default: round_f32(0, n, a, d);
  }
}

export function exprMap(op: i32, dt: i32, n: i32, d: usize, a: usize): void {
  if (dt == 0) mapF64(op, n, d, a);
  else if (dt == 1) mapF32(op, n, d, a);
  else if (dt == 2) { if (op == 21) abs_i32(0, n, a, d); else if (op == 22) neg_i32(0, n, a, d); else square_i32(0, n, a, d); }
  else if (dt == 3) { if (op == 22) neg_u32(0, n, a, d); else square_u32(0, n, a, d); }
  else { if (op == 22) neg_u8(0, n, a, d); else square_u8(0, n, a, d); }
}
