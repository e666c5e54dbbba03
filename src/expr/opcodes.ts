/**
 * The expression VM's instruction set and frame layout, shared with
 * assembly/expr-vm.ts (the numbers must match there).
 */
export const OP = {
  COPY: 0, FILL: 1, CAST: 2,
  ADD: 3, SUB: 4, MUL: 5, DIV: 6, MAX: 7, MIN: 8, POW: 9, MOD: 10,
  LT: 11, LE: 12, GT: 13, GE: 14, EQ: 15, NE: 16,
  AND: 17, OR: 18, XOR: 19, WHERE: 20,
  ABS: 21, NEG: 22, SQRT: 23, SQUARE: 24, EXP: 25, LOG: 26, SIN: 27, COS: 28, TANH: 29, SIGMOID: 30,
  FLOOR: 31, CEIL: 32, ROUND: 33,
  /** Copy a block of a strided or broadcast operand into a register. */
  GATHER: 34,
} as const;

/** Map functions in opcode order (OP.ABS + index). */
export const MAP_FUNCS = ['abs', 'neg', 'sqrt', 'square', 'exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'floor', 'ceil', 'round'] as const;
export type MapFunc = (typeof MAP_FUNCS)[number];

export const REDUCE = { none: 0, sum: 1, prod: 2, min: 3, max: 4, mean: 1 } as const;
export type Reduction = 'sum' | 'prod' | 'min' | 'max' | 'mean';

/** Register kinds. */
export const REG = { ARRAY: 0, CONST: 1, TEMP: 2, STRIDED: 3 } as const;
/** Gather index scratch at the end of each slot (ndim <= 32). */
export const GATHER_SCRATCH = 128;

/** Storage dtype codes (the order of runtime/kernel-table.ts DTYPE_CODES). */
export const DT_CODE = { f64: 0, f32: 1, i32: 2, u32: 3, u8: 4 } as const;

/** Frame header (bytes): see assembly/expr-vm.ts. */
export const FRAME = {
  NINSTR: 0, NSLOTS: 4, SLOT_BYTES: 8, SLOT_BASE: 12, BLOCK: 16, REDUCE: 20, RREG: 24, RDT: 28, INSTR: 32, REGS: 36, FUSED_DOT: 40, OUT_SCRATCH: 44, FLAGS: 64,
} as const;
export const INSTR_BYTES = 32;
export const REG_BYTES = 16;
/** Elements per block: 2 KiB per f64 register. Measured (CPU time, 1 thread, 4M f64): 256 beat 128, 512, 1024 (numexpr's) and 4096 by 15-40% on 2*a + 3*b and a comparison; a reduction needs >= 256 to keep sum's pairwise tree. */
export const BLOCK = 256;
/**
 * Elements per block of a fused kernel that calls map kernels (src/expr/fused.ts): its block's
 * operands, out and temporaries (4 KiB each) stay in L1 together. Measured (8M f64, 1 thread,
 * CPU time, rounds in random order; ratio to map sin + map cos): sin(a)**2 + cos(b)**2 1.14 with
 * 256, 1.06 with 512, 1.10 with 1024; sin(a) + cos(b) 1.00, 0.99, 1.04.
 */
export const CALL_BLOCK = 512;
