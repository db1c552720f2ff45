/* Whole-signal sample-rate conversion (libsamplerate), for offline work:
   the aligner's analysis at 16 kHz, a take brought to its guide's rate. */
#ifndef PS_RESAMPLE_H
#define PS_RESAMPLE_H

#include <stddef.h>

typedef enum {
  PS_RESAMPLE_MEDIUM = 0, /* SRC_SINC_MEDIUM_QUALITY: analysis */
  PS_RESAMPLE_BEST = 1,   /* SRC_SINC_BEST_QUALITY: audio to listen to */
} PsResampleQuality;

/* *out (allocated, n_out samples, the caller frees) = in[0..n) at `ratio`
   times its rate; ratio 1 copies.  Not real-time safe. */
int ps_resample(const float *in, size_t n, double ratio, PsResampleQuality quality, float **out,
                size_t *n_out);

#endif
