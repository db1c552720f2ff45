/* WSOLA time-scale modification driven by a warp map: see tsm.h. */
#include "tsm.h"

#include "ps_status.h"

#include <math.h>
#include <stdlib.h>

struct PsTsm {
  double rate;
  size_t hop;   /* 10 ms */
  size_t frame; /* 2 hops */
  size_t tolerance;
  float *window;
};

int
ps_tsm_init(PsTsm **out, double rate)
{
  if (!out) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  if (!(rate >= 8000.0 && rate <= 192000.0)) {
    return PS_ERR_RATE;
  }
  PsTsm *t = (PsTsm *)calloc(1, sizeof(PsTsm));
  if (!t) {
    return PS_ERR_NOMEM;
  }
  t->rate = rate;
  t->hop = (size_t)lround(0.010 * rate);
  t->frame = 2 * t->hop;
  t->tolerance = (size_t)lround(PS_TSM_TOLERANCE * rate);
  t->window = (float *)calloc(t->frame, sizeof(float));
  if (!t->window) {
    ps_tsm_free(&t);
    return PS_ERR_NOMEM;
  }
  /* periodic Hann: at half overlap the windows sum to 1 */
  for (size_t j = 0; j < t->frame; ++j) {
    t->window[j] =
      (float)(0.5 - 0.5 * cos(2.0 * 3.14159265358979323846 * (double)j / (double)t->frame));
  }
  *out = t;
  return PS_OK;
}

void
ps_tsm_free(PsTsm **pt)
{
  if (!pt || !*pt) {
    return;
  }
  free((*pt)->window);
  free(*pt);
  *pt = NULL;
}

size_t
ps_tsm_hop(const PsTsm *t)
{
  return t->hop;
}

double
ps_tsm_map(const double *out_times, const double *in_times, size_t n, double t)
{
  if (!n) {
    return t;
  }
  if (t <= out_times[0]) {
    return in_times[0] + (t - out_times[0]);
  }
  if (t >= out_times[n - 1]) {
    return in_times[n - 1] + (t - out_times[n - 1]);
  }
  /* binary search for the segment holding t */
  size_t lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    const size_t mid = (lo + hi) / 2;
    if (out_times[mid] <= t) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  const double f = (t - out_times[lo]) / (out_times[hi] - out_times[lo]);
  return in_times[lo] + f * (in_times[hi] - in_times[lo]);
}

static float
sample(const float *in, size_t n, long long i)
{
  return i >= 0 && (size_t)i < n ? in[i] : 0.0f;
}

/* Normalised cross-correlation of in[a..a+len) and in[b..b+len). */
static double
similarity(const float *in, size_t n, long long a, long long b, size_t len)
{
  double ab = 0.0, aa = 0.0, bb = 0.0;
  for (size_t j = 0; j < len; ++j) {
    const double x = (double)sample(in, n, a + (long long)j);
    const double y = (double)sample(in, n, b + (long long)j);
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa > 0.0 && bb > 0.0 ? ab / sqrt(aa * bb) : 0.0;
}

int
ps_tsm_render(PsTsm *t, const float *in, size_t n_in, const double *out_times,
              const double *in_times, size_t n_anchors, float *out, size_t n_out)
{
  if (!t || (!in && n_in) || (!out && n_out) || (n_anchors && (!out_times || !in_times))) {
    return PS_ERR_ARG;
  }
  for (size_t i = 1; i < n_anchors; ++i) {
    if (!(out_times[i] > out_times[i - 1]) || !(in_times[i] > in_times[i - 1])) {
      return PS_ERR_ARG;
    }
  }
  for (size_t i = 0; i < n_out; ++i) {
    out[i] = 0.0f;
  }
  const long long hop = (long long)t->hop;
  long long previous = 0;
  for (long long k = 0; (k - 1) * hop < (long long)n_out; ++k) {
    /* the frame covers output [k hop - hop, k hop + hop) */
    const double centre = ps_tsm_map(out_times, in_times, n_anchors, (double)(k * hop));
    const long long ideal = (long long)llround(centre) - hop;
    long long best = ideal;
    if (k > 0) {
      /* the previous frame's second half is what the first half of this
         one is crossfaded with: the closest match to it within the
         tolerance keeps the waveform continuous */
      const long long natural = previous + hop;
      const long long tol = (long long)t->tolerance;
      double best_score = -2.0;
      for (long long d = -tol; d <= tol; ++d) {
        const double score = similarity(in, n_in, natural, ideal + d, t->hop);
        if (score > best_score) {
          best_score = score;
          best = ideal + d;
        }
      }
    }
    const long long start = k * hop - hop;
    for (size_t j = 0; j < t->frame; ++j) {
      const long long o = start + (long long)j;
      if (o >= 0 && o < (long long)n_out) {
        out[o] += t->window[j] * sample(in, n_in, best + (long long)j);
      }
    }
    previous = best;
  }
  return PS_OK;
}
