/*
 * Native reference for bench/core.mjs: axpy (y += a*x) and sum over n doubles
 * with OpenMP, built with -O3 -march=native -ffast-math -fopenmp so the
 * compiler vectorizes both loops as well as it can.
 *
 *   axpy_sum <n> <threads> <reps>   ->  one JSON line with per-op medians (ms)
 *
 * The arrays are first touched by the same static schedule that later works
 * on them, so each page lives where (and is warm in the TLB of) the thread
 * that uses it, just as wasmpar's pre-touched shared heap is.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, n, sizeof *v, cmp);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void axpy(long n, double a, const double *restrict x, double *restrict y) {
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; i++) y[i] += a * x[i];
}

static double sum(long n, const double *restrict x) {
  double s = 0;
#pragma omp parallel for schedule(static) reduction(+ : s)
  for (long i = 0; i < n; i++) s += x[i];
  return s;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s <n> <threads> <reps>\n", argv[0]);
    return 2;
  }
  long n = atol(argv[1]);
  int threads = atoi(argv[2]);
  int reps = atoi(argv[3]);
  if (n <= 0 || threads <= 0 || reps <= 0) {
    fprintf(stderr, "n, threads and reps must be positive\n");
    return 2;
  }
  omp_set_num_threads(threads);
  double *x = aligned_alloc(64, ((n * sizeof(double) + 63) / 64) * 64);
  double *y = aligned_alloc(64, ((n * sizeof(double) + 63) / 64) * 64);
  double *tax = malloc(reps * sizeof(double)), *tsum = malloc(reps * sizeof(double));
  if (!x || !y || !tax || !tsum) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; i++) { x[i] = (double)(i % 1000) * 1e-3; y[i] = 1.0; }

  /* Warm-up: page faults, OpenMP team start-up, frequency ramp. */
  volatile double sink = 0;
  for (int r = 0; r < 3; r++) { axpy(n, 1e-9, x, y); sink += sum(n, x); }

  /* Interleaved like the JS side: one axpy then one sum per repetition. */
  for (int r = 0; r < reps; r++) {
    double t0 = omp_get_wtime();
    axpy(n, (r & 1) ? -1e-9 : 1e-9, x, y);
    double t1 = omp_get_wtime();
    sink += sum(n, x);
    double t2 = omp_get_wtime();
    tax[r] = (t1 - t0) * 1e3;
    tsum[r] = (t2 - t1) * 1e3;
  }
  double axMin = tax[0], sumMin = tsum[0];
  for (int r = 1; r < reps; r++) {
    if (tax[r] < axMin) axMin = tax[r];
    if (tsum[r] < sumMin) sumMin = tsum[r];
  }
  printf("{\"n\":%ld,\"threads\":%d,\"reps\":%d,\"axpy_ms\":%.6f,\"sum_ms\":%.6f,"
         "\"axpy_min_ms\":%.6f,\"sum_min_ms\":%.6f,\"check\":%.17g}\n",
         n, threads, reps, median(tax, reps), median(tsum, reps), axMin, sumMin, (double)sink + y[n / 2]);
  free(x); free(y); free(tax); free(tsum);
  return 0;
}
