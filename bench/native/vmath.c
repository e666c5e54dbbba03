/* Single-thread ns per element of glibc's math on the math-map inputs
 * (src/cli/bench/math-inputs.ts), 32K elements (cache-resident: the functions,
 * not memory bandwidth), best of 150 runs. bench/vmath.mjs compiles it three
 * ways: -DVEC with -march=native (libmvec, AVX-512 where the CPU has it), -DVEC
 * with -mno-avx512f (libmvec AVX2), and without VEC (scalar libm: vectorization
 * off for `run`, so -ffast-math cannot swap in libmvec). Prints "<op>_<dt> <ns>". */
#include <math.h>
#include <stdio.h>
#include <time.h>
#define N 32768
static double X[N], B[N], Y[N];
static float XF[N], BF[N], YF[N];
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }
#ifdef VEC
#define LOOP _Pragma("omp simd") for (int i = 0; i < N; i++)
#define ATTR
#else
#define LOOP for (int i = 0; i < N; i++)
#define ATTR __attribute__((optimize("no-tree-vectorize", "no-tree-slp-vectorize")))
#endif
ATTR __attribute__((noinline)) void run(int op, int f32) {
  if (!f32) switch (op) {
    case 0: LOOP Y[i] = exp(X[i]); break;
    case 1: LOOP Y[i] = log(X[i]); break;
    case 2: LOOP Y[i] = sin(X[i]); break;
    case 3: LOOP Y[i] = cos(X[i]); break;
    case 4: LOOP Y[i] = tanh(X[i]); break;
    case 5: LOOP Y[i] = 1.0 / (1.0 + exp(-X[i])); break;
    default: LOOP Y[i] = pow(X[i], B[i]);
  } else switch (op) {
    case 0: LOOP YF[i] = expf(XF[i]); break;
    case 1: LOOP YF[i] = logf(XF[i]); break;
    case 2: LOOP YF[i] = sinf(XF[i]); break;
    case 3: LOOP YF[i] = cosf(XF[i]); break;
    case 4: LOOP YF[i] = tanhf(XF[i]); break;
    case 5: LOOP YF[i] = 1.0f / (1.0f + expf(-XF[i])); break;
    default: LOOP YF[i] = powf(XF[i], BF[i]);
  }
}
int main(void) {
  const char *names[] = {"exp", "log", "sin", "cos", "tanh", "sigmoid", "pow"};
  /* (i % m + c) * step + lo, as math-inputs.ts; i is spread by a prime stride so neighbours differ. */
  const double R[7][4] = {{2000, 0, 1e-2, -10}, {100000, 1, 1e-3, 0}, {6283, 0, 1e-3, 0}, {6283, 0, 1e-3, 0}, {1000, 0, 1e-2, -5}, {2000, 0, 1e-2, -10}, {1000, 1, 1e-2, 0}};
  for (int op = 0; op < 7; op++) for (int f32 = 0; f32 < 2; f32++) {
    for (long i = 0; i < N; i++) {
      X[i] = ((double)(i * 7919 % (long)R[op][0]) + R[op][1]) * R[op][2] + R[op][3];
      B[i] = (double)(i * 104729 % 1009) * 1e-2 - 5;
      XF[i] = (float)X[i]; BF[i] = (float)B[i];
    }
    double best = 1e30, cs = 0;
    for (int r = 0; r < 150; r++) { double t0 = now(); run(op, f32); double t = now() - t0; if (t < best) best = t; }
    for (int i = 0; i < N; i++) cs += f32 ? YF[i] : Y[i];
    printf("%s_%s %.3f %g\n", names[op], f32 ? "f32" : "f64", best / N, cs);
  }
  return 0;
}
