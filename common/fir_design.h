/* FIR design from a desired magnitude response, for correction filters
   (EQ match) designed off the audio thread.

   The target is given in dB on a uniform grid of ps_fir_design_bins()
   points from 0 Hz to Nyquist inclusive (bin k at k * rate / fft_size,
   fft_size = 4 * n_taps: the design grid is four times denser than the
   filter's own resolution, which keeps the cepstrum from aliasing).
   Magnitudes are clamped to [-60, +60] dB (so -inf dB is taken as -60 dB);
   NaN is refused with PS_ERR_ARG, leaving taps_out untouched.

   Two designs:
     minimum phase   real-cepstrum (folding) method; the response is
                     truncated to n_taps with a half-Hann fade-out over
                     the last n_taps / 8 taps; no latency.
     linear phase    zero-phase IFFT of the magnitude, centred at tap
                     n_taps / 2 and Hann-windowed; exactly symmetric about
                     n_taps / 2 (tap 0 is 0); latency n_taps / 2 samples.

   The target should be smooth on the scale of the filter's resolution
   (rate / n_taps): detail finer than that is smoothed out by the
   truncation.

   Not real-time safe (FFT sizes up to 262144; run it in a worker), but
   design never allocates or plans: all of that happens in init.  One
   engine serves one thread at a time. */
#ifndef PS_FIR_DESIGN_H
#define PS_FIR_DESIGN_H

#include <stddef.h>

typedef struct PsFirDesign PsFirDesign;

#define PS_FIR_DESIGN_MIN_TAPS ((size_t)256)
#define PS_FIR_DESIGN_MAX_TAPS ((size_t)65536)
#define PS_FIR_DESIGN_MAX_DB 60.0f

/* n_taps: a power of two in [PS_FIR_DESIGN_MIN_TAPS, PS_FIR_DESIGN_MAX_TAPS].
   Allocates and plans everything.  Not real-time safe. */
int ps_fir_design_init(PsFirDesign **design, size_t n_taps);
void ps_fir_design_free(PsFirDesign **design);

size_t ps_fir_design_taps(const PsFirDesign *design);
/* Points of the target grid: fft_size / 2 + 1, covering 0..Nyquist. */
size_t ps_fir_design_bins(const PsFirDesign *design);
/* Size of the design FFT (the grid's bin k is at k * rate / fft_size). */
size_t ps_fir_design_fft_size(const PsFirDesign *design);
/* Latency of the linear-phase design: n_taps / 2 samples. */
size_t ps_fir_design_linear_latency(const PsFirDesign *design);

/* magnitude_db: ps_fir_design_bins() values; taps_out: n_taps floats. */
int ps_fir_design_minimum(PsFirDesign *design, const float *magnitude_db, float *taps_out);
int ps_fir_design_linear(PsFirDesign *design, const float *magnitude_db, float *taps_out);

#endif
