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

/* A "word": n frames of features, each dimension a slow random walk (a
   word's spectrum changes from frame to frame, not at random), at unit
   scale.  A pause: small noise around one fixed frame. */
static void
fill_word(float *f, size_t n)
{
  for (int d = 0; d < PS_ALIGN_DIMS; ++d) {
    double v = 2.0 * uniform() - 1.0;
    for (size_t i = 0; i < n; ++i) {
      v = 0.9 * v + 0.45 * (2.0 * uniform() - 1.0);
      f[i * PS_ALIGN_DIMS + (size_t)d] = (float)(1.5 * v);
    }
  }
}

/* A pause of n frames at frame `at` of f, marked silent; returns the
   frame after it. */
static size_t
put_pause(float *f, unsigned char *silent, size_t at, size_t n)
{
  for (size_t i = at * PS_ALIGN_DIMS; i < (at + n) * PS_ALIGN_DIMS; ++i) {
    f[i] = (float)(-1.0 + 0.1 * (uniform() - 0.5));
  }
  memset(silent + at, 1, n);
  return at + n;
}

/* A word of n frames laid over m frames (some repeated when m > n) at
   frame `at` of f; returns the frame after it. */
static size_t
put_word(float *f, size_t at, const float *word, size_t n, size_t m)
{
  for (size_t i = 0; i < m; ++i) {
    memcpy(f + (at + i) * PS_ALIGN_DIMS, word + (i * n / m) * PS_ALIGN_DIMS,
           PS_ALIGN_DIMS * sizeof(float));
  }
  return at + m;
}

/* Guide: pause, A, a pause of gp frames, B, C, pause.  Take: the same
   words (A and B each 10 % longer), but a filler X and 150 ms pauses
   around it where the guide has its short pause.  Returns the worst error, ms, of
   the map at the onsets of B and C; *filler_spread: guide frames the
   filler took (the map's rise over the guide's pause). */
static double
take_only_word(size_t gp, int with_guide_pauses, double *filler_spread)
{
  enum { P0 = 40, A = 60, B = 70, C = 60, P1 = 40, TP = 30, X = 50 };
  const size_t ng = P0 + A + gp + B + C + P1;
  const size_t a_t = A * 11 / 10, b_t = B * 11 / 10;
  const size_t nt = P0 + a_t + TP + X + TP + b_t + C + P1;
  float *words = (float *)calloc((A + B + C + X) * PS_ALIGN_DIMS, sizeof(float));
  float *g = (float *)calloc(ng * PS_ALIGN_DIMS, sizeof(float));
  float *t = (float *)calloc(nt * PS_ALIGN_DIMS, sizeof(float));
  unsigned char *gs = (unsigned char *)calloc(ng, 1), *ts = (unsigned char *)calloc(nt, 1);
  double *map = (double *)calloc(ng, sizeof(double));
  float *wa = words, *wb = wa + A * PS_ALIGN_DIMS, *wc = wb + B * PS_ALIGN_DIMS,
        *wx = wc + C * PS_ALIGN_DIMS;
  fill_word(wa, A);
  fill_word(wb, B);
  fill_word(wc, C);
  fill_word(wx, X);
  /* the guide */
  size_t at = 0;
  at = put_pause(g, gs, at, P0);
  at = put_word(g, at, wa, A, A);
  at = put_pause(g, gs, at, gp);
  const size_t g_b = at;
  at = put_word(g, at, wb, B, B);
  const size_t g_c = at;
  at = put_word(g, at, wc, C, C);
  put_pause(g, gs, at, P1);
  /* the take */
  at = put_pause(t, ts, 0, P0);
  at = put_word(t, at, wa, A, a_t);
  at = put_pause(t, ts, at, TP);
  at = put_word(t, at, wx, X, X);
  at = put_pause(t, ts, at, TP);
  const size_t t_b = at;
  at = put_word(t, at, wb, B, b_t);
  const size_t t_c = at;
  at = put_word(t, at, wc, C, C);
  put_pause(t, ts, at, P1);

  double worst = HUGE_VAL;
  if (ps_align_dtw(g, ng, t, nt, PS_ALIGN_FRAME_RATE / 2, ts, with_guide_pauses ? gs : NULL, map,
                   NULL) == PS_OK) {
    const double ms = 1000.0 / PS_ALIGN_FRAME_RATE;
    worst = fmax(fabs(map[g_b] - (double)t_b), fabs(map[g_c] - (double)t_c)) * ms;
    *filler_spread = map[g_b] - map[g_b - gp - 1];
  }
  free(words);
  free(g);
  free(t);
  free(gs);
  free(ts);
  free(map);
  return worst;
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
  CHECKV(ps_align_dtw(fg, ng, ft, nt, PS_ALIGN_FRAME_RATE, NULL, NULL, found, &cost) == PS_OK,
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
  CHECKV(ps_align_dtw(none, 100, ft, 300, 50, NULL, NULL, found, NULL) == PS_ERR_ARG,
         "lengths 3:1 apart are refused");

  /* a word of the take alone where the guide has a short pause: passed
     over there, the words after it in place */
  double spread = 0.0;
  const double off = take_only_word(10, 1, &spread);
  CHECKV(off <= 10.0,
         "a filler of the take alone in a 50 ms pause of the guide: the words after it within "
         "%.1f ms (over the pause the map rises by %.0f take frames)",
         off, spread);
  double spread_blind = 0.0;
  const double blind = take_only_word(10, 0, &spread_blind);
  CHECKV(blind > off, "without the guide's pauses the same words are %.1f ms off", blind);
  /* in a 20 ms pause the jump lies at the next word's edge: the map's
     smoothing must not blur it into the word (84 ms when it did) */
  const double tight = take_only_word(4, 1, &spread);
  CHECKV(tight <= 15.0, "the same in a 20 ms pause: the words after it within %.1f ms", tight);
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
