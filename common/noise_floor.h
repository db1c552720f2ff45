/* Noise floor under speech: the minimum-statistics estimator (R. Martin,
   "Noise power spectral density estimation based on optimal smoothing and
   minimum statistics", IEEE Trans. Speech Audio Proc. 9(5), 2001), in a
   simplified form with a fixed smoothing constant.

   One channel is analysed in Hann frames of fft_size samples with a hop of
   a quarter of that.  Per bin, the periodogram (a one-sided density per
   Hz) is smoothed over time, P = a P + (1 - a) |X|^2 with a = 0.5 (a pause of 0.4 s
   brings a bin 40 dB down from speech), and the
   minimum of P over the last `window_seconds` is tracked in eight
   sub-windows.  Speech and other bursts rarely hold a bin for the whole
   window, so that minimum follows the floor under them; being a minimum it
   lies below the floor's mean, by a factor that depends only on the
   smoothing, the overlap and the window length (for Gaussian noise, whose
   periodogram bins are chi-square distributed whatever its spectrum).  The
   engine measures that factor at init, on white Gaussian noise through the
   same analysis (fixed seed: the same factor every time), and multiplies
   it back: the estimate is of the floor's mean density.

   A stationary tone is no chi-square variable: its smoothed periodogram is
   nearly constant, so its minimum is its level, without the factor.
   ps_noise_floor_minimum gives that uncorrected minimum. */
#ifndef PS_NOISE_FLOOR_H
#define PS_NOISE_FLOOR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct PsNoiseFloor PsNoiseFloor;

/* fft_size: a power of two, 256..65536; window_seconds: 0.5..20; rate
   8000..768000.  Allocates, plans and calibrates (a few hundred frames of
   noise through the analysis).  Not real-time safe. */
int ps_noise_floor_init(PsNoiseFloor **nf, double rate, size_t fft_size, double window_seconds);
void ps_noise_floor_free(PsNoiseFloor **nf);
/* Forgets the signal; the next window_seconds estimate from less.
   Real-time safe. */
void ps_noise_floor_reset(PsNoiseFloor *nf);

/* Takes samples up to the end of the next frame: returns how many of the n
   it used, and sets *frame when a frame completed with the last of them
   (the getters below then describe it).  Samples that are not finite or
   beyond +80 dBFS count as 0.
   Real-time safe. */
size_t ps_noise_floor_feed(PsNoiseFloor *nf, const float *x, size_t n, bool *frame);

size_t ps_noise_floor_bins(const PsNoiseFloor *nf); /* fft_size / 2 + 1 */
double ps_noise_floor_bin_hz(const PsNoiseFloor *nf);
size_t ps_noise_floor_hop(const PsNoiseFloor *nf);
/* Frames analysed since reset. */
size_t ps_noise_floor_frames(const PsNoiseFloor *nf);
/* Whether a whole window has been seen since reset (before, the estimate
   comes from less and may sit on a burst). */
bool ps_noise_floor_settled(const PsNoiseFloor *nf);

/* Per bin, one-sided densities per Hz (a sine of amplitude A in bin k's
   main lobe sums to A^2 / 2 over the bins times bin_hz): */
const float *ps_noise_floor_estimate(const PsNoiseFloor *nf); /* the floor's mean */
const float *ps_noise_floor_minimum(const PsNoiseFloor *nf);  /* uncorrected minimum */
const float *ps_noise_floor_periodogram(const PsNoiseFloor *nf); /* of the last frame */
/* The last frame's spectrum, interleaved re, im, scaled so that |X|^2 is
   the periodogram: for cross-spectra between channels. */
const float *ps_noise_floor_spectrum(const PsNoiseFloor *nf);
/* The bias factor measured at init (estimate = factor * minimum). */
double ps_noise_floor_bias(const PsNoiseFloor *nf);

#endif
