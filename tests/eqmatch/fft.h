/* A plain radix-2 FFT in double precision, for the exact spectra of the
   EQ-match generator and its tests (not for speed). */
#ifndef EQM_FFT_H
#define EQM_FFT_H

#include <stddef.h>

/* In-place forward DFT of n = 2^k complex points, X[k] = sum x[j] e^(-2 pi i jk/n).
   Returns 0, or -1 when n is not a power of two or memory runs out. */
int eqm_fft(double *re, double *im, size_t n);

/* |DFT|^2 of the real x[0..m) zero-padded to n = 2^k points, at bins
   0..n/2, into power[0..n/2].  Returns 0, or -1 (m > n, n not a power of two,
   out of memory). */
int eqm_power_spectrum(const double *x, size_t m, size_t n, double *power);

#endif
