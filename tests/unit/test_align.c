/* Alignment against a known warp: a guide of synthetic syllables (a
   harmonic source through vowel formants, pauses between), and a take
   made from it by a known piecewise-linear time warp (WSOLA, slopes
   0.7-1.4), 24 dB quieter, through another microphone (a first-order
   tilt) over another floor, at another sample rate.  The map the aligner
   finds must put every syllable of the guide where the warp sent it. */
#include "align.h"
#include "check.h"
#include "ps_status.h"
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
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return (double)(state >> 11) / 9007199254740992.0;
}

/* Two-pole resonator at hz, bandwidth bw, applied in place. */
static void
resonate(float *x, size_t n, double hz, double bw, double rate)
{
  const double r = exp(-PI * bw / rate), c = 2.0 * r * cos(2.0 * PI * hz / rate);
  double y1 = 0.0, y2 = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double y = (1.0 - r) * (double)x[i] + c * y1 - r * r * y2;
    y2 = y1;
    y1 = y;
    x[i] = (float)y;
  }
}

static const double vowels[5][2] = {{730, 1090}, {270, 2290}, {530, 1840}, {570, 840}, {300, 870}};

int
main(void)
{
  const double rate = 48000.0, take_rate = 44100.0;
  const size_t n = (size_t)(12.0 * rate);
  float *guide = (float *)calloc(n, sizeof(float));
  float *part = (float *)calloc(n, sizeof(float));
  unsigned char *voiced = (unsigned char *)calloc(n / 480 + 1, 1);
  size_t at = (size_t)(0.4 * rate);
  while (at + (size_t)(0.5 * rate) < n) {
    const size_t len = (size_t)((0.12 + 0.18 * uniform()) * rate);
    const double f0 = 110.0 + 70.0 * uniform();
    const int v = (int)(uniform() * 5.0) % 5;
    memset(part, 0, len * sizeof(float));
    double phase = 0.0;
    for (size_t i = 0; i < len; ++i) {
      phase += f0 * (1.0 + 0.05 * sin(2.0 * PI * 4.0 * (double)i / rate)) / rate;
      phase -= floor(phase);
      part[i] = (float)(phase < 0.05 ? 1.0 : 0.0); /* a pulse train */
    }
    resonate(part, len, vowels[v][0], 90.0, rate);
    resonate(part, len, vowels[v][1], 120.0, rate);
    for (size_t i = 0; i < len; ++i) {
      const double env = sin(PI * (double)i / (double)len);
      guide[at + i] += (float)(2.0 * env * (double)part[i]);
    }
    for (size_t f = at / 480; f < (at + len) / 480; ++f) {
      voiced[f] = 1;
    }
    at += len + (size_t)((0.05 + 0.25 * uniform()) * rate);
  }
  double peak = 0.0;
  for (size_t i = 0; i < n; ++i) {
    peak = fmax(peak, fabs((double)guide[i]));
  }
  for (size_t i = 0; i < n; ++i) {
    guide[i] = (float)((double)guide[i] * 0.3 / peak + 0.001 * (uniform() - 0.5));
  }

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
  CHECKV(ps_align_dtw(fg, ng, ft, nt, 100, found, &cost) == PS_OK, "aligned (cost %.3f)", cost);
  /* error on the syllables: where the warp sent each voiced guide frame */
  double worst = 0.0, sum = 0.0;
  size_t count = 0;
  for (size_t i = 0; i < ng && i < n / 480; ++i) {
    if (!voiced[i]) {
      continue;
    }
    const double truth = ps_tsm_map(guide_t, take_t, 5, (double)i * 480.0) / 480.0;
    const double e = fabs(found[i] - truth) * 10.0; /* ms */
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
  CHECKV(ps_align_dtw(none, 100, ft, 300, 50, found, NULL) == PS_ERR_ARG,
         "lengths 3:1 apart are refused");
  ps_tsm_free(&tsm);
  free(guide);
  free(part);
  free(voiced);
  free(warped);
  free(take);
  free(fg);
  free(ft);
  free(found);
  return check_summary("test_align");
}
