/**
 * The C side of the vector-math map workloads (math-inputs.ts), included in
 * native-source.ts. Two forms share the data: `native` (the request's workload
 * name) vectorizes with `omp simd`, so GCC calls glibc's libmvec; `libm` (the
 * name with a `/libm` suffix) calls the scalar libm function per element, in
 * a function compiled with vectorization off so that -ffast-math cannot turn
 * the calls into libmvec ones.
 */
import { MATH_INPUTS, MATH_OPS } from './math-inputs.js';

const ramp = (r: readonly number[] | undefined) => `{${(r ?? [1, 0, 0, 0]).map((v) => (Number.isInteger(v) ? `${v}.0` : String(v))).join(', ')}}`;

/** One loop per (op, dtype) after `PRAGMA`; f64 in X, S (pow's exponent) -> Y, f32 in A, B -> C. */
const loops = (pragma: string) => `
  if (!f32) switch (op) {
    case 0: ${pragma} for (long i = 0; i < n; i++) Y[i] = exp(X[i]); break;
    case 1: ${pragma} for (long i = 0; i < n; i++) Y[i] = log(X[i]); break;
    case 2: ${pragma} for (long i = 0; i < n; i++) Y[i] = sin(X[i]); break;
    case 3: ${pragma} for (long i = 0; i < n; i++) Y[i] = cos(X[i]); break;
    case 4: ${pragma} for (long i = 0; i < n; i++) Y[i] = tanh(X[i]); break;
    case 5: ${pragma} for (long i = 0; i < n; i++) Y[i] = 1.0 / (1.0 + exp(-X[i])); break;
    default: ${pragma} for (long i = 0; i < n; i++) Y[i] = pow(X[i], S[i]); break;
  } else switch (op) {
    case 0: ${pragma} for (long i = 0; i < n; i++) C[i] = expf(A[i]); break;
    case 1: ${pragma} for (long i = 0; i < n; i++) C[i] = logf(A[i]); break;
    case 2: ${pragma} for (long i = 0; i < n; i++) C[i] = sinf(A[i]); break;
    case 3: ${pragma} for (long i = 0; i < n; i++) C[i] = cosf(A[i]); break;
    case 4: ${pragma} for (long i = 0; i < n; i++) C[i] = tanhf(A[i]); break;
    case 5: ${pragma} for (long i = 0; i < n; i++) C[i] = 1.0f / (1.0f + expf(-A[i])); break;
    default: ${pragma} for (long i = 0; i < n; i++) C[i] = powf(A[i], B[i]); break;
  }`;

export const NATIVE_MATH = `
static const char *MATH_OPS[] = {${MATH_OPS.map((o) => `"${o}"`).join(', ')}};
static const double MATH_RAMP[][2][4] = {${MATH_OPS.map((o) => `{${ramp(MATH_INPUTS[o].x)}, ${ramp(MATH_INPUTS[o].y)}}`).join(', ')}};

/* "map-<op>" or "map-<op>-f32": the op's index (and *f32), or -1. */
static int mathOp(const char *w, int *f32) {
  if (strncmp(w, "map-", 4)) return -1;
  for (int k = 0; k < (int)(sizeof MATH_OPS / sizeof *MATH_OPS); k++) {
    size_t len = strlen(MATH_OPS[k]);
    if (strncmp(w + 4, MATH_OPS[k], len)) continue;
    if (!w[4 + len]) { *f32 = 0; return k; }
    if (!strcmp(w + 4 + len, "-f32")) { *f32 = 1; return k; }
  }
  return -1;
}

static double rampAt(const double *r, long i) { return ((double)(i % (long)r[0]) + r[1]) * r[2] + r[3]; }

static void mathSetup(int op, int f32, long n) {
  const double *rx = MATH_RAMP[op][0], *ry = MATH_RAMP[op][1];
  if (!f32) { X = grab(n * 8); S = grab(n * 8); Y = grab(n * 8); }
  else { A = grab(n * 4); B = grab(n * 4); C = grab(n * 4); }
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; i++) {
    if (!f32) { X[i] = rampAt(rx, i); S[i] = rampAt(ry, i); Y[i] = 0; }
    else { A[i] = (float)rampAt(rx, i); B[i] = (float)rampAt(ry, i); C[i] = 0; }
  }
}

static void mathNative(int op, int f32, long n) {${loops('_Pragma("omp parallel for simd schedule(static)")')}
}

/* Scalar libm: no vectorization here (checked: the loops call exp, not _ZGV*_exp). */
__attribute__((optimize("no-tree-vectorize", "no-tree-slp-vectorize")))
static void mathLibm(int op, int f32, long n) {${loops('_Pragma("omp parallel for schedule(static)")')}
}
`;
