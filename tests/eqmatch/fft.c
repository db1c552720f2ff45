/* Radix-2 FFT (see fft.h). */
#include "fft.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double pi = 3.14159265358979323846;

int
eqm_fft(double *re, double *im, size_t n)
{
  if (n < 2 || (n & (n - 1))) {
    return -1;
  }
  double *tw = (double *)malloc(n * sizeof(double)); /* cos, then -sin, of n/2 angles */
  if (!tw) {
    return -1;
  }
  for (size_t k = 0; k < n / 2; ++k) {
    tw[k] = cos(2.0 * pi * (double)k / (double)n);
    tw[n / 2 + k] = -sin(2.0 * pi * (double)k / (double)n);
  }
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) {
      j ^= bit;
    }
    j ^= bit;
    if (i < j) {
      double t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (size_t len = 2; len <= n; len <<= 1) {
    const size_t half = len >> 1, step = n / len;
    for (size_t i = 0; i < n; i += len) {
      for (size_t k = 0; k < half; ++k) {
        const double wr = tw[k * step], wi = tw[n / 2 + k * step];
        const size_t a = i + k, b = a + half;
        const double xr = re[b] * wr - im[b] * wi;
        const double xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
  free(tw);
  return 0;
}

int
eqm_power_spectrum(const double *x, size_t m, size_t n, double *power)
{
  if (m > n) {
    return -1;
  }
  double *re = (double *)calloc(2 * n, sizeof(double));
  if (!re) {
    return -1;
  }
  double *im = re + n;
  memcpy(re, x, m * sizeof(double));
  if (eqm_fft(re, im, n)) {
    free(re);
    return -1;
  }
  for (size_t k = 0; k <= n / 2; ++k) {
    power[k] = re[k] * re[k] + im[k] * im[k];
  }
  free(re);
  return 0;
}
