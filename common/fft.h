/* FFT plans for the engines (FFTW, single precision).  Plans are made in
   the engines' init, never in process: FFTW's planner is not thread-safe, so
   planning is serialised here; executing a plan is real-time safe. */
#ifndef PS_FFT_H
#define PS_FFT_H

#include <stddef.h>

typedef struct PsFft PsFft;

/* A real FFT of size n (even) with its inverse, over buffers it owns:
   time[n] and spectrum[n/2 + 1] complex (interleaved re, im). */
int ps_fft_init(PsFft **fft, size_t n);
void ps_fft_free(PsFft **fft);

float *ps_fft_time(PsFft *fft);
float *ps_fft_spectrum(PsFft *fft); /* 2 * (n/2 + 1) floats */
size_t ps_fft_size(const PsFft *fft);

/* time -> spectrum (unnormalised) */
void ps_fft_forward(PsFft *fft);
/* spectrum -> time (unnormalised: a round trip scales by n) */
void ps_fft_inverse(PsFft *fft);

/* A real FFT of size n (even) over buffers the caller passes, the spectrum
   in split form: one array of 2 * stride floats, the real parts of bins
   [0, n/2] at [0, n/2 + 1) and their imaginary parts at [stride, stride +
   n/2 + 1).  The plans are made once, in ps_fft_split_init, on buffers of
   its own; the execute functions then run them on whatever buffers they are
   given, which must come from ps_fft_alloc (or start a multiple of the
   stride's alignment into such a block) so that they are aligned as the
   planning buffers were.  Executing is real-time safe and thread-safe: several
   threads may run the same plans at once on different buffers. */
typedef struct PsFftSplit PsFftSplit;

/* Planner effort: ESTIMATE plans at once, MEASURE times candidate
   algorithms for faster transforms (up to about a second for a large size,
   the first time in a process, holding the planner lock meanwhile). */
typedef enum {
  PS_FFT_ESTIMATE = 0,
  PS_FFT_MEASURE = 1,
} PsFftEffort;

/* n_floats floats aligned for FFTW's SIMD code, zeroed; NULL when out of
   memory.  Release with ps_fft_dealloc. */
float *ps_fft_alloc(size_t n_floats);
void ps_fft_dealloc(float *p);

/* The smallest stride for size n that keeps the imaginary half (and any
   whole number of spectra laid end to end) aligned like the real half. */
size_t ps_fft_split_min_stride(size_t n);

/* stride: at least n/2 + 1 and a multiple of what FFTW's SIMD code needs
   (any value ps_fft_split_min_stride returns, or a multiple of 16). */
int ps_fft_split_init(PsFftSplit **fft, size_t n, size_t stride, PsFftEffort effort);
void ps_fft_split_free(PsFftSplit **fft);
size_t ps_fft_split_size(const PsFftSplit *fft);
size_t ps_fft_split_stride(const PsFftSplit *fft);

/* time[n] -> spectrum (unnormalised); time is left as it was. */
void ps_fft_split_forward(const PsFftSplit *fft, float *time, float *spectrum);
/* spectrum -> time[n] (unnormalised: a round trip scales by n); the
   spectrum is overwritten. */
void ps_fft_split_inverse(const PsFftSplit *fft, float *spectrum, float *time);

#endif
