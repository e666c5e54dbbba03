/*
 * Native reference for bench/expr.mjs: the benchmark expressions as plain C
 * loops with OpenMP, built with -O3 -march=native -ffast-math -fopenmp.
 *
 *   expr <n> <threads> <reps>  ->  one JSON line with per-expression medians (ms)
 *
 * Pages are first touched by the same static schedule that later uses them.
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, n, sizeof *v, cmp);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s <n> <threads> <reps>\n", argv[0]);
    return 2;
  }
  long n = atol(argv[1]);
  int threads = atoi(argv[2]);
  int reps = atoi(argv[3]);
  if (n <= 0 || threads <= 0 || reps <= 0) return 2;
  omp_set_num_threads(threads);
  size_t bytes = ((n * sizeof(double) + 63) / 64) * 64;
  double *a = aligned_alloc(64, bytes), *b = aligned_alloc(64, bytes), *out = aligned_alloc(64, bytes);
  unsigned char *mask = aligned_alloc(64, ((n + 63) / 64) * 64);
  double *t[4];
  for (int k = 0; k < 4; k++) t[k] = malloc(reps * sizeof(double));
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; i++) {
    a[i] = (double)(i % 1000) * 1e-3;
    b[i] = (double)((i * 7) % 1000) * 1e-3;
    out[i] = 0;
    mask[i] = 0;
  }
  double sink = 0;
  for (int r = 0; r < reps; r++) {
    double t0 = omp_get_wtime();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) out[i] = 2 * a[i] + 3 * b[i];
    double t1 = omp_get_wtime();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) mask[i] = a[i] * b[i] - 4.1 * a[i] > 2.5 * b[i];
    double t2 = omp_get_wtime();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) { double s = sin(a[i]), c = cos(b[i]); out[i] = s * s + c * c; }
    double t3 = omp_get_wtime();
    double d = 0;
#pragma omp parallel for schedule(static) reduction(+ : d)
    for (long i = 0; i < n; i++) d += a[i] * b[i];
    double t4 = omp_get_wtime();
    sink += d + out[r] + mask[r];
    t[0][r] = (t1 - t0) * 1e3; t[1][r] = (t2 - t1) * 1e3; t[2][r] = (t3 - t2) * 1e3; t[3][r] = (t4 - t3) * 1e3;
  }
  printf("{\"axpb_ms\": %.4f, \"cmp_ms\": %.4f, \"trig_ms\": %.4f, \"dot_ms\": %.4f, \"sink\": %g}\n",
         median(t[0], reps), median(t[1], reps), median(t[2], reps), median(t[3], reps), sink);
  return 0;
}
