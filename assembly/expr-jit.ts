// The vector math a fused expression kernel imports (src/expr/fused.ts builds
// one wasm module per expression and imports these from this module's
// instance): the very functions the map and pow kernels run per vector, so a
// fused sin(a) has the bits map('sin', a) has. v128 in, v128 out: callable
// from wasm only (JS cannot pass a v128).
export { exp_v as jit_exp_f64, log_v as jit_log_f64, tanh_v as jit_tanh_f64, sigmoid_v as jit_sigmoid_f64 } from './vmath';
export { pow_v as jit_pow_f64 } from './vmath-pow';
export { sin_v as jit_sin_f64, cos_v as jit_cos_f64, sinf_v as jit_sin_f32, cosf_v as jit_cos_f32 } from './vmath-trig';
export { expf_v as jit_exp_f32, logf_v as jit_log_f32, tanhf_v as jit_tanh_f32, sigmoidf_v as jit_sigmoid_f32, powf_v as jit_pow_f32 } from './vmath-f32';
