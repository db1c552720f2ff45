/* WSOLA time-scale modification driven by a warp map: see tsm.h. */
#include "tsm.h"

#include "ps_status.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/* Coarse samples gathered on the stack per search: those of the
   continuation and of every lag (at most 235, just under 9 kHz; about 157
   at the usual rates; init checks). */
#define COARSE_MAX 512

struct PsTsm {
  double rate;
  size_t hop;   /* 10 ms */
  size_t frame; /* 2 hops */
  size_t tolerance;
  size_t coarse; /* lag and sample step of the coarse search */
  float *window;
  float *head; /* a render's second half's first half frame (see ps_tsm_render) */
};

/* Samples the coarse search reads of one frame's continuation; with its
   lags', that many more than 2 tolerance / coarse. */
static size_t
coarse_count(const PsTsm *t)
{
  return (t->hop + t->coarse - 1) / t->coarse;
}

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
  /* the coarse search looks at every 1/6000 s: a quarter period of
     1.5 kHz, where the correlation of voiced speech has its broad peaks;
     the fine search then takes every lag within half a step of the best */
  t->coarse = (size_t)lround(rate / 6000.0);
  t->coarse = t->coarse ? t->coarse : 1;
  if (coarse_count(t) + 2 * t->tolerance / t->coarse + 1 > COARSE_MAX) {
    ps_tsm_free(&t); /* not at any rate of 8-192 kHz */
    return PS_ERR_RATE;
  }
  t->window = (float *)calloc(t->frame, sizeof(float));
  t->head = (float *)calloc(t->hop, sizeof(float));
  if (!t->window || !t->head) {
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
  free((*pt)->head);
  free(*pt);
  *pt = NULL;
}

size_t
ps_tsm_hop(const PsTsm *t)
{
  return t->hop;
}

size_t
ps_tsm_reach(const PsTsm *t)
{
  return t->hop + t->tolerance;
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
sample(const PsTsmSource *s, long long i)
{
  return i >= s->begin && i < s->end ? s->data[(size_t)i & s->mask] : 0.0f;
}

/* Normalised cross-correlation of in[a..a+len) and in[b..b+len), every
   step-th sample. */
static double
similarity(const PsTsmSource *s, long long a, long long b, size_t len, size_t step)
{
  float ab = 0.0f, aa = 0.0f, bb = 0.0f;
  const size_t ia = (size_t)a & s->mask, ib = (size_t)b & s->mask;
  const bool inside = a >= s->begin && b >= s->begin && a + (long long)len <= s->end &&
                      b + (long long)len <= s->end && ia + len - 1 <= s->mask &&
                      ib + len - 1 <= s->mask;
  if (inside && step == 1) {
    /* all heard and no wrap: straight through, in eight partial sums that
       the vector unit keeps apart */
    const float *x = s->data + ia, *y = s->data + ib;
    float pab[8] = {0}, paa[8] = {0}, pbb[8] = {0};
    size_t j = 0;
    for (; j + 8 <= len; j += 8) {
      for (int q = 0; q < 8; ++q) {
        pab[q] += x[j + q] * y[j + q];
        paa[q] += x[j + q] * x[j + q];
        pbb[q] += y[j + q] * y[j + q];
      }
    }
    for (; j < len; ++j) {
      pab[0] += x[j] * y[j];
      paa[0] += x[j] * x[j];
      pbb[0] += y[j] * y[j];
    }
    for (int q = 0; q < 8; ++q) {
      ab += pab[q];
      aa += paa[q];
      bb += pbb[q];
    }
  } else if (inside) {
    const float *x = s->data + ia, *y = s->data + ib;
    for (size_t j = 0; j < len; j += step) {
      ab += x[j] * y[j];
      aa += x[j] * x[j];
      bb += y[j] * y[j];
    }
  } else {
    for (size_t j = 0; j < len; j += step) {
      const float x = sample(s, a + (long long)j), y = sample(s, b + (long long)j);
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
  }
  return aa > 0.0f && bb > 0.0f ? (double)ab / sqrt((double)aa * (double)bb) : 0.0;
}

long long
ps_tsm_choose(const PsTsm *t, const PsTsmSource *s, double centre, long long previous,
              int has_previous)
{
  const long long ideal = (long long)llround(centre) - (long long)t->hop;
  if (!has_previous) {
    return ideal;
  }
  /* the previous frame's second half is what the first half of this one is
     crossfaded with: the closest match to it within the tolerance keeps the
     waveform continuous.  Coarse search on every coarse-th lag and sample,
     then every lag around the best. */
  const long long natural = previous + (long long)t->hop;
  const long long tol = (long long)t->tolerance, step = (long long)t->coarse;
  /* Each lag's likeness is docked in proportion to its distance from the
     map's own position (by PS_TSM_PULL at the tolerance's edge): among
     near-equal matches (a period apart in voiced speech, anything in
     noise or silence) the one nearest the map wins, so that the frames
     never settle for long away from where the map puts them. */
  if (natural == ideal) {
    /* the map's own position is the natural continuation: a perfect match
       (likeness 1, the most there is) with nothing docked, which no other
       lag can beat */
    return natural;
  }
  long long best = ideal;
  double best_score = similarity(s, natural, ideal, t->hop, t->coarse);
  /* the coarse samples gathered once: those of the natural continuation,
     and those every candidate lag reads (lag -tol + k step reads
     cand[k..k + n_nat)) */
  float nat[COARSE_MAX], cand[COARSE_MAX];
  const size_t n_nat = coarse_count(t), n_lags = (size_t)(2 * tol / step) + 1;
  float aa = 0.0f;
  for (size_t m = 0; m < n_nat; ++m) {
    nat[m] = sample(s, natural + (long long)m * step);
    aa += nat[m] * nat[m];
  }
  for (size_t m = 0; m < n_nat + n_lags - 1; ++m) {
    cand[m] = sample(s, ideal - tol + (long long)m * step);
  }
  for (size_t k = 0; k < n_lags; ++k) {
    const long long d = -tol + (long long)k * step;
    float pab[8] = {0}, pbb[8] = {0};
    const float *c = cand + k;
    size_t m = 0;
    for (; m + 8 <= n_nat; m += 8) {
      for (int q = 0; q < 8; ++q) {
        pab[q] += nat[m + q] * c[m + q];
        pbb[q] += c[m + q] * c[m + q];
      }
    }
    for (; m < n_nat; ++m) {
      pab[0] += nat[m] * c[m];
      pbb[0] += c[m] * c[m];
    }
    float ab = 0.0f, bb = 0.0f;
    for (int q = 0; q < 8; ++q) {
      ab += pab[q];
      bb += pbb[q];
    }
    const double like = aa > 0.0f && bb > 0.0f ? (double)ab / sqrt((double)aa * (double)bb) : 0.0;
    const double score = like - PS_TSM_PULL * (double)(d < 0 ? -d : d) / (double)tol;
    if (score > best_score) {
      best_score = score;
      best = ideal + d;
    }
  }
  if (step > 1) {
    /* the peak lies within half a coarse step of the best coarse lag */
    const long long around = best, half = step / 2;
    best_score = -HUGE_VAL;
    for (long long d = -half; d <= half; ++d) {
      const long long at = around + d, off = at - ideal;
      if (off < -tol || off > tol) {
        continue;
      }
      const double score = similarity(s, natural, at, t->hop, 1) -
                           PS_TSM_PULL * (double)(off < 0 ? -off : off) / (double)tol;
      if (score > best_score) {
        best_score = score;
        best = at;
      }
    }
  }
  return best;
}

void
ps_tsm_add(const PsTsm *t, const PsTsmSource *s, long long start, float *out, size_t out_mask,
           long long out_start, long long out_begin, long long out_end)
{
  for (size_t j = 0; j < t->frame; ++j) {
    const long long o = out_start + (long long)j;
    if (o >= out_begin && o < out_end) {
      out[(size_t)o & out_mask] += t->window[j] * sample(s, start + (long long)j);
    }
  }
}

/* Frames [k0, k1) of a render; the first frame's first half (output
   [k0 hop - hop, k0 hop)) into head[0..hop) when head is given, the rest
   into out, whose part [k0 hop - hop or k0 hop, k1 hop) it zeroes first. */
typedef struct {
  const PsTsm *t;
  const PsTsmSource *src;
  const double *out_times, *in_times;
  size_t n_anchors;
  float *out;
  long long n_out;
  long long k0, k1;
  float *head;
} RenderJob;

static void *
render_frames(void *arg)
{
  const RenderJob *j = (const RenderJob *)arg;
  const long long hop = (long long)j->t->hop;
  const long long from = j->head ? j->k0 * hop : (j->k0 - 1) * hop;
  long long to = (j->k1 - 1) * hop + hop;
  to = to < j->n_out ? to : j->n_out;
  for (long long i = from < 0 ? 0 : from; i < to; ++i) {
    j->out[i] = 0.0f;
  }
  long long previous = 0;
  for (long long k = j->k0; k < j->k1; ++k) {
    /* the frame covers output [k hop - hop, k hop + hop) */
    const double centre = ps_tsm_map(j->out_times, j->in_times, j->n_anchors, (double)(k * hop));
    previous = ps_tsm_choose(j->t, j->src, centre, previous, k > j->k0);
    if (k == j->k0 && j->head) {
      /* the frame's first half into head (output k hop - hop + q at q) */
      for (long long q = 0; q < hop; ++q) {
        j->head[q] = 0.0f;
      }
      ps_tsm_add(j->t, j->src, previous, j->head, SIZE_MAX, 0, 0, hop);
      ps_tsm_add(j->t, j->src, previous, j->out, SIZE_MAX, k * hop - hop, k * hop, j->n_out);
    } else {
      ps_tsm_add(j->t, j->src, previous, j->out, SIZE_MAX, k * hop - hop, 0, j->n_out);
    }
  }
  return NULL;
}

/* Where a long render may be cut in two: the frame near the middle whose
   input is quietest, when it lies 40 dB under the input's mean (a pause);
   0 when there is none.  Restarting the search there changes nothing
   audible. */
static long long
quiet_cut(const PsTsm *t, const float *in, size_t n_in, const double *out_times,
          const double *in_times, size_t n_anchors, long long frames)
{
  const long long hop = (long long)t->hop, len = 2 * hop;
  if (frames < 1000 || n_in < (size_t)len) {
    return 0; /* under 10 s: not worth a thread */
  }
  double mean = 0.0;
  for (size_t i = 0; i < n_in; ++i) {
    mean += (double)in[i] * (double)in[i];
  }
  mean *= (double)len / (double)n_in;
  long long best = 0;
  double best_e = HUGE_VAL;
  for (long long k = frames / 2 - frames / 8; k <= frames / 2 + frames / 8; ++k) {
    const long long at =
      (long long)llround(ps_tsm_map(out_times, in_times, n_anchors, (double)(k * hop))) - hop;
    double e = 0.0;
    const long long tol = (long long)t->tolerance;
    for (long long q = at - tol; q < at + len + tol; ++q) {
      const float v = q >= 0 && q < (long long)n_in ? in[q] : 0.0f;
      e += (double)v * (double)v;
    }
    if (e < best_e) {
      best_e = e;
      best = k;
    }
  }
  return best_e <= 1e-4 * mean ? best : 0;
}

size_t
ps_tsm_render_cut(const PsTsm *t, const float *in, size_t n_in, const double *out_times,
                  const double *in_times, size_t n_anchors, size_t n_out)
{
  const long long hop = (long long)t->hop;
  const long long frames = ((long long)n_out + hop - 1) / hop + 1;
  return (size_t)(quiet_cut(t, in, n_in, out_times, in_times, n_anchors, frames) * hop);
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
  const PsTsmSource src = {in, SIZE_MAX, 0, (long long)n_in};
  const long long hop = (long long)t->hop;
  /* frames k while (k - 1) hop < n_out */
  const long long frames = ((long long)n_out + hop - 1) / hop + 1;
  const long long cut = quiet_cut(t, in, n_in, out_times, in_times, n_anchors, frames);
  float *head = t->head;
  RenderJob first = {t, &src, out_times, in_times, n_anchors, out, (long long)n_out, 0, frames, NULL};
  if (!cut) {
    render_frames(&first);
    return PS_OK;
  }
  /* two halves on two threads (or one after the other: the same result),
     the second starting afresh in a pause */
  first.k1 = cut;
  RenderJob second = first;
  second.k0 = cut;
  second.k1 = frames;
  second.head = head;
  pthread_t thread;
  const bool threaded = pthread_create(&thread, NULL, render_frames, &second) == 0;
  render_frames(&first);
  if (threaded) {
    pthread_join(thread, NULL);
  } else {
    render_frames(&second);
  }
  for (long long q = 0; q < hop; ++q) {
    const long long o = cut * hop - hop + q;
    if (o >= 0 && o < (long long)n_out) {
      out[o] += head[q];
    }
  }
  return PS_OK;
}
