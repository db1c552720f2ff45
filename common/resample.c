/* Whole-signal sample-rate conversion: see resample.h. */
#include "resample.h"

#include "ps_status.h"

#include <math.h>
#include <samplerate.h>
#include <stdlib.h>
#include <string.h>

int
ps_resample(const float *in, size_t n, double ratio, PsResampleQuality quality, float **out,
            size_t *n_out)
{
  if (!out || !n_out || (!in && n) || !(ratio >= 1.0 / 256.0 && ratio <= 256.0)) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  *n_out = 0;
  const size_t m = ratio == 1.0 ? n : (size_t)ceil((double)n * ratio) + 16;
  float *y = (float *)calloc(m ? m : 1, sizeof(float));
  if (!y) {
    return PS_ERR_NOMEM;
  }
  size_t got = n;
  if (ratio == 1.0) {
    if (n) {
      memcpy(y, in, n * sizeof(float));
    }
  } else {
    SRC_DATA src;
    memset(&src, 0, sizeof(src));
    src.data_in = in;
    src.input_frames = (long)n;
    src.data_out = y;
    src.output_frames = (long)m;
    src.src_ratio = ratio;
    if (src_simple(&src, quality == PS_RESAMPLE_BEST ? SRC_SINC_BEST_QUALITY
                                                     : SRC_SINC_MEDIUM_QUALITY,
                   1)) {
      free(y);
      return PS_ERR_ARG;
    }
    got = (size_t)src.output_frames_gen;
  }
  *out = y;
  *n_out = got;
  return PS_OK;
}
