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

#endif
