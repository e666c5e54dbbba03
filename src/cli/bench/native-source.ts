/**
 * The `native` contender: C compiled with -O3 -march=native -ffast-math -fopenmp,
 * the physical limit on this machine. Like the Python one, it is a server:
 * a request line `<workload> <n> <threads> <budget ms> [args...]` gets back one
 * line of ms per rep (or `skip <reason>` / `error <message>`). Data is set up and
 * warmed once per (workload, n); pages are first touched by the same static
 * schedule that later uses them. A workload name ending in `/libm` asks for the
 * `libm` contender's scalar form of a math map (native-math.ts).
 */
import { NATIVE_HISTOGRAM } from './native-histogram.js';
import { NATIVE_MATH } from './native-math.js';

export const NATIVE_FLAGS = ['-O3', '-march=native', '-ffast-math', '-fopenmp'];

export const NATIVE_SOURCE = String.raw`
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NDCOLS 1024 /* the N-d workloads' row length (src/cli/bench/workloads/nd.ts) */

static char cur[64];
static long curN = -1;
static double *X, *Y, *S;
static float *A, *B, *C;
static unsigned *U;
static double sink;

static void *grab(size_t bytes) {
  void *p = aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (!p) { printf("error out of memory\n"); fflush(stdout); exit(1); }
  return p;
}
static void release(void) {
  free(X); free(Y); free(S); free(A); free(B); free(C); free(U);
  X = Y = S = 0; A = B = C = 0; U = 0;
}
static unsigned long long seed = 7;
static double rnd(void) { seed = seed * 6364136223846793005ULL + 1442695040888963407ULL; return (double)(seed >> 11) / 9007199254740992.0; }

static void quick(double *a, long lo, long hi, int depth) {
  while (hi - lo > 24) {
    double p = a[lo + (hi - lo) / 2];
    long i = lo, j = hi - 1;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) { double t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (depth > 0) {
#pragma omp task
      quick(a, lo, j + 1, depth - 1);
      lo = i;
      depth--;
    } else {
      if (j + 1 - lo < hi - i) { quick(a, lo, j + 1, 0); lo = i; } else { quick(a, i, hi, 0); hi = j + 1; }
    }
  }
  for (long i = lo + 1; i < hi; i++) {
    double v = a[i]; long j = i - 1;
    while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
    a[j + 1] = v;
  }
}

static double mx0, my0, mdx, mdy; static int miter;
${NATIVE_MATH}
${NATIVE_HISTOGRAM}

static int setup(const char *w, long n) {
  if (curN == n && !strcmp(cur, w)) return 1;
  release(); curN = n; snprintf(cur, sizeof cur, "%s", w); seed = 7;
  int f32, mop = mathOp(w, &f32);
  if (mop >= 0) {
    mathSetup(mop, f32, n);
  } else if (!strcmp(w, "map-square") || !strcmp(w, "axpy") || !strcmp(w, "sum") || !strcmp(w, "dot") || !strcmp(w, "expr")) {
    X = grab(n * 8); Y = grab(n * 8); S = grab(n * 8);
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) { X[i] = (i % 1000) * 1e-3; Y[i] = 1; S[i] = 0; }
  } else if (histOp(w) >= 0) {
    histSetup(histOp(w), n);
  } else if (!strcmp(w, "cumsum") || !strcmp(w, "sort")) {
    X = grab(n * 8); Y = grab(n * 8); S = grab(n * 8);
    for (long i = 0; i < n; i++) { S[i] = !strcmp(w, "sort") ? rnd() * 2 - 1 : rnd(); Y[i] = 0; }
    memcpy(X, S, n * 8);
  } else if (!strcmp(w, "axis-sum") || !strcmp(w, "broadcast-add")) {
    X = grab(n * 8); Y = grab(n * 8); S = grab(NDCOLS * 8);
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) { X[i] = (i % 1000) * 1e-3; Y[i] = 0; }
    for (long c = 0; c < NDCOLS; c++) S[c] = c;
  } else if (!strcmp(w, "matmul")) {
    A = grab(n * n * 4); B = grab(n * n * 4); C = grab(n * n * 4);
    for (long i = 0; i < n * n; i++) { A[i] = (float)rnd(); B[i] = (float)rnd(); C[i] = 0; }
  } else if (!strcmp(w, "mandelbrot")) {
    U = grab(n * (n * 3 / 4) * 4);
  } else return 0;
  return 1;
}

static void op(const char *w, long n, int libm) {
  int f32, mop = mathOp(w, &f32);
  if (mop >= 0) {
    if (libm) mathLibm(mop, f32, n); else mathNative(mop, f32, n);
  } else if (!strcmp(w, "map-square")) {
#pragma omp parallel for simd schedule(static)
    for (long i = 0; i < n; i++) Y[i] = X[i] * X[i];
  } else if (!strcmp(w, "axis-sum")) {
    /* Each thread sums a band of rows into its own row, then the rows are added. */
    long rows = n / NDCOLS;
    int T = omp_get_max_threads();
    double *part = calloc((size_t)T * NDCOLS, 8);
#pragma omp parallel
    {
      double *p = part + (size_t)omp_get_thread_num() * NDCOLS;
#pragma omp for schedule(static)
      for (long r = 0; r < rows; r++) {
        const double *row = X + r * NDCOLS;
#pragma omp simd
        for (long c = 0; c < NDCOLS; c++) p[c] += row[c];
      }
    }
    for (long c = 0; c < NDCOLS; c++) { double s = 0; for (int t = 0; t < T; t++) s += part[(size_t)t * NDCOLS + c]; Y[c] = s; }
    free(part);
  } else if (!strcmp(w, "broadcast-add")) {
    long rows = n / NDCOLS;
#pragma omp parallel for schedule(static)
    for (long r = 0; r < rows; r++) {
#pragma omp simd
      for (long c = 0; c < NDCOLS; c++) Y[r * NDCOLS + c] = X[r * NDCOLS + c] + S[c];
    }
  } else if (!strcmp(w, "expr")) {
#pragma omp parallel for simd schedule(static)
    for (long i = 0; i < n; i++) S[i] = 2 * X[i] + 3 * Y[i] - X[i] * Y[i];
  } else if (!strcmp(w, "axpy")) {
    static int flip = 1; double a = (flip = -flip) * 1e-9;
#pragma omp parallel for simd schedule(static)
    for (long i = 0; i < n; i++) Y[i] += a * X[i];
  } else if (!strcmp(w, "sum")) {
    double s = 0;
#pragma omp parallel for simd schedule(static) reduction(+ : s)
    for (long i = 0; i < n; i++) s += X[i];
    sink += s;
  } else if (!strcmp(w, "dot")) {
    double s = 0;
#pragma omp parallel for simd schedule(static) reduction(+ : s)
    for (long i = 0; i < n; i++) s += X[i] * Y[i];
    sink += s;
  } else if (!strcmp(w, "cumsum")) {
    /* Two passes: each thread sums its block, then scans it from its offset. */
    double part[256] = {0};
#pragma omp parallel
    {
      int t = omp_get_thread_num(), T = omp_get_num_threads();
      long lo = n * t / T, hi = n * (t + 1) / T;
      double s = 0;
      for (long i = lo; i < hi; i++) s += X[i];
      part[t + 1] = s;
#pragma omp barrier
      double off = 0;
      for (int k = 0; k <= t; k++) off += part[k];
      for (long i = lo; i < hi; i++) { off += X[i]; Y[i] = off; }
    }
  } else if (!strcmp(w, "sort")) {
    memcpy(X, S, n * 8);
#pragma omp parallel
#pragma omp single
    quick(X, 0, n, 6);
  } else if (histOp(w) >= 0) {
    histRun(histOp(w), n);
  } else if (!strcmp(w, "matmul")) {
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) {
      float *c = C + i * n;
      for (long j = 0; j < n; j++) c[j] = 0;
      for (long k = 0; k < n; k++) {
        float a = A[i * n + k]; const float *b = B + k * n;
#pragma omp simd
        for (long j = 0; j < n; j++) c[j] += a * b[j];
      }
    }
  } else if (!strcmp(w, "mandelbrot")) {
    long W = n, H = n * 3 / 4;
#pragma omp parallel for schedule(dynamic, 1)
    for (long row = 0; row < H; row++) {
      double ci = my0 + row * mdy;
      for (long px = 0; px < W; px++) {
        double cr = mx0 + px * mdx, zr = 0, zi = 0; int i = 0;
        while (i < miter) { double zr2 = zr * zr, zi2 = zi * zi; if (zr2 + zi2 > 4.0) break; zi = 2 * zr * zi + ci; zr = zr2 - zi2 + cr; i++; }
        U[row * W + px] = i;
      }
    }
  }
}

int main(void) {
  char line[512], w[64];
  while (fgets(line, sizeof line, stdin)) {
    long n; int threads; double budget;
    if (sscanf(line, "%63s %ld %d %lf %lf %lf %lf %lf %d", w, &n, &threads, &budget, &mx0, &my0, &mdx, &mdy, &miter) < 4 || n <= 0 || threads <= 0) {
      printf("error bad request\n"); fflush(stdout); continue;
    }
    omp_set_num_threads(threads);
    char *slash = strchr(w, '/');
    int libm = slash && !strcmp(slash, "/libm");
    if (slash && !libm) { printf("skip no C form for %s\n", w); fflush(stdout); continue; }
    int f32_; if (libm && (*slash = 0, mathOp(w, &f32_) < 0)) { printf("skip no scalar libm form for %s\n", w); fflush(stdout); continue; }
    if (!setup(w, n)) { printf("skip no C form for %s\n", w); fflush(stdout); continue; }
    op(w, n, libm); /* warm-up: OpenMP team start, page faults, frequency */
    printf("ms");
    double until = omp_get_wtime() + budget / 1000;
    for (int r = 0; r < 100000; r++) {
      double t0 = omp_get_wtime(); op(w, n, libm); double t1 = omp_get_wtime();
      printf(" %.6f", (t1 - t0) * 1000);
      if (t1 >= until) break;
    }
    printf("\n"); fflush(stdout);
    if (sink == 12345.678) fprintf(stderr, "%f", sink);
  }
  release();
  return 0;
}
`;
