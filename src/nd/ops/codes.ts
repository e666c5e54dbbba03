/**
 * Runtime op codes the N-d kernels switch on (assembly/strided-dispatch.ts and
 * assembly/strided-reduce.ts use the same numbering; change both together).
 */
export const BINARY_CODES = ['add', 'subtract', 'multiply', 'divide', 'maximum', 'minimum', 'pow'] as const;
export const MAP_CODES = ['abs', 'neg', 'square', 'floor', 'ceil', 'round', 'sqrt', 'exp', 'log', 'tanh', 'sigmoid', 'sin', 'cos'] as const;
/** Ops with an integer kernel (map.ts); floor/ceil/round (and abs of unsigned) are copies for integers. */
export const INT_MAP_KERNELS: Readonly<Record<string, readonly string[]>> = { i32: ['abs', 'neg', 'square'], u32: ['neg', 'square'], u8: ['neg', 'square'] };
export const REDUCE_CODES = { sum: 0, prod: 1, min: 2, max: 3, sumsq: 4, sumsqdev: 5, any: 6, all: 7, argmin: 8, argmax: 9 } as const;
export type ReduceCode = keyof typeof REDUCE_CODES;
