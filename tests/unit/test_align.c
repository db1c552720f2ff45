/* Alignment against a known warp: a guide of synthetic syllables (a
   harmonic source through vowel formants, pauses between), and a take
   made from it by a known piecewise-linear time warp (WSOLA, slopes
   0.7-1.4), 24 dB quieter, through another microphone (a first-order
   tilt) over another floor, at another sample rate.  The map the aligner
   finds must put every syllable of the guide where the warp sent it. */
#include "align.h"
#include "check.h"
#include "ps_status.h"
#include "syllables.h"
#include "tsm.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

static uint64_t state = 0x2545F4914F6CDD1Dull;

static double
uniform(void)
{
  return syllables_uniform(&state);
}

int
main(void)
{
  const double rate = 48000.0, take_rate = 44100.0;
  const size_t n = (size_t)(12.0 * rate);
  float *guide = (float *)calloc(n, sizeof(float));
  unsigned char *voiced = (unsigned char *)calloc(n / 480 + 1, 1);
  CHECKF(syllables_make(guide, n, rate, &state, voiced) == 0, "syllables");

  /* the take: warped by a known map (take time -> guide time), at 48 kHz,
     then tilted, 24 dB down, over its own floor, and resampled */
  const size_t n_take = (size_t)(11.0 * rate);
  const double take_t[5] = {0.0, 2.0 * rate, 5.0 * rate, 8.5 * rate, 11.0 * rate};
  const double guide_t[5] = {0.0, 2.6 * rate, 5.0 * rate, 9.0 * rate, 12.0 * rate};
  float *warped = (float *)calloc(n_take, sizeof(float));
  PsTsm *tsm = NULL;
  ps_tsm_init(&tsm, rate);
  CHECKF(ps_tsm_render(tsm, guide, n, take_t, guide_t, 5, warped, n_take) == PS_OK, "warp");
  const size_t n_out = (size_t)(11.0 * take_rate);
  float *take = (float *)calloc(n_out, sizeof(float));
  double prev = 0.0;
  for (size_t i = 0; i < n_out; ++i) {
    /* linear interpolation to 44.1 kHz; a tilt: x - 0.7 x[-1] */
    const double pos = (double)i * rate / take_rate;
    const size_t k = (size_t)pos;
    const double fr = pos - (double)k;
    const double x =
      k + 1 < n_take ? (1.0 - fr) * (double)warped[k] + fr * (double)warped[k + 1] : 0.0;
    take[i] = (float)(0.063 * (x - 0.7 * prev) + 0.0001 * (uniform() - 0.5));
    prev = x;
  }

  float *fg = NULL, *ft = NULL;
  size_t ng = 0, nt = 0;
  CHECKF(ps_align_features(guide, n, rate, &fg, &ng) == PS_OK, "guide features");
  CHECKF(ps_align_features(take, n_out, take_rate, &ft, &nt) == PS_OK, "take features");
  double *found = (double *)calloc(ng, sizeof(double));
  double cost = 0.0;
  /* frames of the features; voiced[] is by 10 ms */
  const double per_frame = rate / PS_ALIGN_FRAME_RATE, ms_per_frame = 1000.0 / PS_ALIGN_FRAME_RATE;
  CHECKV(ps_align_dtw(fg, ng, ft, nt, PS_ALIGN_FRAME_RATE, NULL, found, &cost) == PS_OK,
         "aligned (cost %.3f)", cost);
  /* error on the syllables: where the warp sent each voiced guide frame */
  double worst = 0.0, sum = 0.0;
  size_t count = 0;
  for (size_t i = 0; i < ng && (double)i * per_frame < (double)n; ++i) {
    if (!voiced[(size_t)((double)i * per_frame) / 480]) {
      continue;
    }
    const double truth = ps_tsm_map(guide_t, take_t, 5, (double)i * per_frame) / per_frame;
    const double e = fabs(found[i] - truth) * ms_per_frame;
    worst = fmax(worst, e);
    sum += e;
    ++count;
  }
  CHECKV(count > 300 && sum / (double)count < 15.0 && worst < 60.0,
         "syllables where the warp sent them: mean error %.1f ms, worst %.1f ms over %zu frames "
         "(take 24 dB down, tilted, 44.1 kHz)",
         sum / (double)count, worst, count);
  double shifted = -HUGE_VAL;
  for (size_t i = 1; i < ng; ++i) {
    shifted = fmax(shifted, found[i - 1] - found[i]);
  }
  CHECKV(shifted < 0.0, "the map only goes forward");
  const float *none = fg;
  CHECKV(ps_align_dtw(none, 100, ft, 300, 50, NULL, found, NULL) == PS_ERR_ARG,
         "lengths 3:1 apart are refused");
  ps_tsm_free(&tsm);
  free(guide);
  free(voiced);
  free(warped);
  free(take);
  free(fg);
  free(ft);
  free(found);
  return check_summary("test_align");
}
