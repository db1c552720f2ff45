/* Small signal tools of the dialogue generator: a seeded random generator,
   biquads, a windowed-sinc resampler, FFT convolution, an active speech
   level.  Everything is plain double arithmetic, so one build gives the same
   samples on every run. */
#ifndef DLG_DSP_H
#define DLG_DSP_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* xoshiro256** seeded through splitmix64 from a number and a stream name, so
   that every part of a programme draws from its own stream. */
typedef struct {
  uint64_t s[4];
} DlgRng;

void dlg_rng_seed(DlgRng *rng, uint64_t seed, const char *stream, unsigned index);
uint64_t dlg_rng_next(DlgRng *rng);
/* Uniform in [0, 1). */
double dlg_rng_uniform(DlgRng *rng);
/* Uniform in [lo, hi). */
double dlg_rng_range(DlgRng *rng, double lo, double hi);
/* Uniform in [0, n). */
int dlg_rng_int(DlgRng *rng, int n);
/* Uniform, zero mean, unit variance (white noise). */
double dlg_rng_noise(DlgRng *rng);

typedef enum {
  DLG_LOWPASS,
  DLG_HIGHPASS,
  DLG_BANDPASS, /* 0 dB at the centre */
} DlgFilterKind;

/* RBJ cookbook biquad, direct form I. */
typedef struct {
  double b0, b1, b2, a1, a2;
  double x1, x2, y1, y2;
} DlgBiquad;

void dlg_biquad_design(DlgBiquad *f, DlgFilterKind kind, double hz, double q, double rate);
double dlg_biquad_run(DlgBiquad *f, double x);

/* Butterworth Q of section `k` of an order-`order` (even) cascade. */
double dlg_butterworth_q(unsigned order, unsigned k);

/* Resamples `in` (n_in samples at rate_in) to rate_out >= rate_in with a
   64-tap Kaiser-windowed sinc, cut-off 0.45 rate_in: flat to 0.40 rate_in
   (8.8 kHz from 22.05 kHz), images and noise below -87 dB.  Output sample j
   lies at input time j * rate_in / rate_out.  Returns the output length (0
   on allocation failure) and the new buffer in *out. */
size_t dlg_resample(const float *in, size_t n_in, unsigned rate_in, unsigned rate_out,
                    float **out);

/* |DFT|^2 of the real x[0..m) zero-padded to n = 2^k points, at bins
   0..n/2, into power[0..n/2].  Returns 0, or -1 (m > n, n not a power of
   two, out of memory). */
int dlg_power_spectrum(const double *x, size_t m, size_t n, double *power);

/* y = x * h truncated to n samples (FFT overlap-add).  Returns 0 on success. */
int dlg_convolve(const float *x, size_t n, const double *h, size_t m, float *y);

/* Active speech level (linear RMS) of x: the power mean over 10 ms frames
   whose power lies within 15.9 dB of that mean (the margin of ITU-T P.56),
   reached as the smallest fixed point above the overall mean. 0 for silence. */
double dlg_active_rms(const float *x, size_t n, double rate);

static inline double
dlg_db_to_gain(double db)
{
  return pow(10.0, db / 20.0);
}

#endif
