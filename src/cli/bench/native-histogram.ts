/**
 * The C forms of the histogram family (workloads/histogram.ts): 256 bins, the
 * loop a C programmer writes (no edge correction, one private table per
 * thread, added up at the end), on the family's data: f64 and f32 uniform in
 * [0, 1) or skewed (u^4, a quarter of the values in the first bin), i32 in
 * [0, 1000), u8 (counted directly: every byte is a bin).
 */
export const NATIVE_HISTOGRAM = `
static const char *HIST_NAMES[] = { "histogram", "histogram-skewed", "histogram-f32", "histogram-f32-skewed", "histogram-i32", "histogram-u8" };
static int histOp(const char *w) {
  for (int k = 0; k < 6; k++) if (!strcmp(w, HIST_NAMES[k])) return k;
  return -1;
}
/* Data in the server's arrays (freed by release): X f64, A f32, U i32 or bytes. */
static void histSetup(int k, long n) {
  if (k <= 1) X = grab(n * 8); else if (k <= 3) A = grab(n * 4); else U = grab(k == 4 ? n * 4 : n);
  int *I = (int *)U; unsigned char *B = (unsigned char *)U;
  for (long i = 0; i < n; i++) {
    double r = rnd(), v = (k == 1 || k == 3) ? r * r * r * r : r;
    if (k <= 1) X[i] = v; else if (k <= 3) A[i] = (float)v; else if (k == 4) I[i] = (int)(r * 1000); else B[i] = (unsigned char)(r * 256);
  }
}
static void histRun(int k, long n) {
  unsigned total[256] = {0};
  const int *I = (const int *)U; const unsigned char *B = (const unsigned char *)U;
#pragma omp parallel
  {
    unsigned h[256] = {0};
    if (k <= 1) {
#pragma omp for schedule(static) nowait
      for (long i = 0; i < n; i++) { double v = X[i]; if (v >= 0 && v <= 1) { int b = (int)(v * 256); h[b > 255 ? 255 : b]++; } }
    } else if (k <= 3) {
#pragma omp for schedule(static) nowait
      for (long i = 0; i < n; i++) { float v = A[i]; if (v >= 0.f && v <= 1.f) { int b = (int)(v * 256.f); h[b > 255 ? 255 : b]++; } }
    } else if (k == 4) {
#pragma omp for schedule(static) nowait
      for (long i = 0; i < n; i++) { int v = I[i]; if (v >= 0 && v <= 1000) { int b = (int)(v * 0.256); h[b > 255 ? 255 : b]++; } }
    } else {
#pragma omp for schedule(static) nowait
      for (long i = 0; i < n; i++) h[B[i]]++;
    }
#pragma omp critical
    for (int b = 0; b < 256; b++) total[b] += h[b];
  }
  sink += total[0];
}
`;
