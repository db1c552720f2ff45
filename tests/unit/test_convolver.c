/* The partitioned convolver against direct convolution in double: filter
   lengths around every partition boundary, host blocks from 1 sample to
   4096, mono and stereo, in place and not; crossfades against the analytic
   mix of two direct convolutions; zero latency, reset, non-finite input,
   silence decaying to exact zeros. */
#include "check.h"
#include "convolver.h"
#include "ps_status.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define TOLERANCE 1e-5 /* max error / output RMS */

static uint64_t state = 0x9E3779B97F4A7C15ull;

static uint64_t
next_random(void)
{
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

static double
uniform(void)
{
  return (double)(next_random() >> 11) / 9007199254740992.0;
}

static void
noise(float *x, size_t n, double amplitude)
{
  for (size_t i = 0; i < n; ++i) {
    x[i] = (float)(amplitude * (2.0 * uniform() - 1.0));
  }
}

/* A filter like a correction EQ's: decaying noise, so the late partitions
   matter but do not dominate. */
static float *
random_filter(size_t n)
{
  float *h = (float *)malloc(n * sizeof(float));
  for (size_t k = 0; k < n; ++k) {
    h[k] = (float)((2.0 * uniform() - 1.0) * exp(-3.0 * (double)k / (double)n));
  }
  return h;
}

/* y = h * x in double, over n samples (zero before the start); zero taps
   are skipped, which keeps sparse long filters cheap. */
static double *
direct(const float *h, size_t taps, const float *x, size_t n)
{
  double *y = (double *)calloc(n, sizeof(double));
  for (size_t k = 0; k < taps && k < n; ++k) {
    const double hk = h[k];
    if (hk == 0.0) {
      continue;
    }
    for (size_t t = k; t < n; ++t) {
      y[t] += hk * (double)x[t - k];
    }
  }
  return y;
}

static double
rms(const double *y, size_t n)
{
  double s = 0.0;
  for (size_t i = 0; i < n; ++i) {
    s += y[i] * y[i];
  }
  return sqrt(s / (double)(n ? n : 1));
}

/* max |y - ref| / RMS(ref) over [from, to) */
static double
rel_error(const float *y, const double *ref, size_t from, size_t to, double ref_rms)
{
  double e = 0.0;
  for (size_t i = from; i < to; ++i) {
    const double d = fabs((double)y[i] - ref[i]);
    e = d > e || isnan(d) ? d : e;
  }
  return e / ref_rms;
}

/* Host block sizes. */
enum { ONES, SEVENS, SIXTY_FOURS, THOUSANDS, BIG, MIXED, N_MODES };
static const char *const mode_names[N_MODES] = {"1", "7", "64", "1000", "4096", "mixed"};

static size_t
block_size(int mode)
{
  static const size_t pick[] = {1, 7, 64, 1000, 4096, 0, 2, 63, 65, 127, 1024, 333};
  switch (mode) {
  case ONES:
    return 1;
  case SEVENS:
    return 7;
  case SIXTY_FOURS:
    return 64;
  case THOUSANDS:
    return 1000;
  case BIG:
    return 4096;
  default:
    return uniform() < 0.3 ? (size_t)(uniform() * 700.0) : pick[next_random() % 12];
  }
}

/* Runs samples [from, to) of the channels through conv in host blocks;
   in place: y already holds the input. */
static void
run(PsConvolver *conv, float *const *x, float *const *y, unsigned channels, size_t from,
    size_t to, int mode, int in_place)
{
  size_t t = from;
  while (t < to) {
    size_t n = block_size(mode);
    if (n > to - t) {
      n = to - t;
    }
    const float *in[2];
    float *out[2];
    for (unsigned c = 0; c < channels; ++c) {
      in[c] = (in_place ? y[c] : x[c]) + t;
      out[c] = y[c] + t;
    }
    ps_convolver_process(conv, in, out, n);
    t += n;
  }
}

static void
copy_input(float *const *x, float *const *y, unsigned channels, size_t n, int in_place)
{
  for (unsigned c = 0; c < channels; ++c) {
    if (in_place) {
      memcpy(y[c], x[c], n * sizeof(float));
    } else {
      for (size_t i = 0; i < n; ++i) {
        y[c][i] = NAN; /* must all be written */
      }
    }
  }
}

/* Every filter length against direct convolution. */
static void
lengths(void)
{
  static const size_t taps[] = {1, 63, 64, 65, 1000, 1024, 1025, 5000, 8192, 16384};
  for (size_t li = 0; li < sizeof taps / sizeof taps[0]; ++li) {
    const size_t L = taps[li];
    const size_t n = 2 * L + 9000;
    float *h = random_filter(L);
    float *x[2], *y[2];
    double *ref[2], ref_rms[2];
    for (unsigned c = 0; c < 2; ++c) {
      x[c] = (float *)malloc(n * sizeof(float));
      y[c] = (float *)malloc(n * sizeof(float));
      noise(x[c], n, 0.5);
      ref[c] = direct(h, L, x[c], n);
      ref_rms[c] = rms(ref[c], n);
    }
    /* An engine sized for the filter, and one for the longest filters. */
    for (int sized = 0; sized < 2; ++sized) {
      const size_t max_taps = sized ? L : 16384;
      for (unsigned channels = 1; channels <= 2; ++channels) {
        PsConvolver *conv = NULL;
        PsConvolverFilter *f = NULL;
        CHECKF(ps_convolver_init(&conv, max_taps, channels) == PS_OK, "init %zu", max_taps);
        CHECKF(ps_convolver_filter_new(&f, conv, h, L) == PS_OK, "filter %zu", L);
        CHECKF(ps_convolver_switch(conv, f, 0) == PS_OK, "switch");
        for (int mode = 0; mode < N_MODES; ++mode) {
          const int in_place = (mode + (int)channels + sized) % 2;
          ps_convolver_reset(conv);
          copy_input(x, y, channels, n, in_place);
          run(conv, x, y, channels, 0, n, mode, in_place);
          double worst = 0.0;
          for (unsigned c = 0; c < channels; ++c) {
            const double e = rel_error(y[c], ref[c], 0, n, ref_rms[c]);
            worst = e > worst || isnan(e) ? e : worst;
          }
          const int verbose = mode == MIXED && channels == 2;
          CHECK_IMPL(verbose, worst <= TOLERANCE,
                     "%5zu taps (engine for %5zu), %s, blocks %-5s %s: max error %.2e of RMS",
                     L, max_taps, channels == 1 ? "mono  " : "stereo", mode_names[mode],
                     in_place ? "in place" : "separate", worst);
        }
        CHECKF(ps_convolver_retired(conv) == NULL, "nothing retired");
        ps_convolver_free(&conv);
        ps_convolver_filter_free(&f);
        CHECKF(!conv && !f, "free clears the pointers");
      }
    }
    for (unsigned c = 0; c < 2; ++c) {
      free(x[c]);
      free(y[c]);
      free(ref[c]);
    }
    free(h);
  }
}

/* Over 32768 taps a third size of partition comes in: a sparse 40000-tap
   filter keeps the reference cheap. */
static void
third_level(void)
{
  const size_t L = 40000, n = 60000;
  float *h = (float *)calloc(L, sizeof(float));
  for (size_t k = 0; k < 3000; ++k) {
    h[k] = (float)(2.0 * uniform() - 1.0);
  }
  for (int i = 0; i < 400; ++i) {
    h[3000 + next_random() % (L - 3000)] = (float)(2.0 * uniform() - 1.0);
  }
  h[L - 1] = 0.75f;
  float *x[1], *y[1];
  x[0] = (float *)malloc(n * sizeof(float));
  y[0] = (float *)malloc(n * sizeof(float));
  noise(x[0], n, 0.5);
  double *ref = direct(h, L, x[0], n);
  PsConvolver *conv = NULL;
  PsConvolverFilter *f = NULL;
  CHECKF(ps_convolver_init(&conv, L, 1) == PS_OK, "init");
  CHECKF(ps_convolver_filter_new(&f, conv, h, L) == PS_OK, "filter");
  ps_convolver_switch(conv, f, 0);
  run(conv, x, y, 1, 0, n, MIXED, 0);
  const double e = rel_error(y[0], ref, 0, n, rms(ref, n));
  CHECKV(e <= TOLERANCE, "40000 taps (three partition sizes), mixed blocks: max error %.2e",
         e);
  ps_convolver_free(&conv);
  ps_convolver_filter_free(&f);
  free(ref);
  free(x[0]);
  free(y[0]);
  free(h);
}

/* Forgets what earlier cases left on the retired list. */
static void
drain(PsConvolver *conv)
{
  while (ps_convolver_retired(conv)) {
  }
}

static double
fade_gain(size_t i, size_t len)
{
  return 0.5 - 0.5 * cos(PI * ((double)i + 0.5) / (double)len);
}

/* One leg of an expected output: filter a until `at`, then a crossfade of
   `len` samples to b (NULL refs mean the identity, x itself). */
static double
expect(const double *a, const double *b, const float *x, size_t t, size_t at, size_t len)
{
  const double ya = a ? a[t] : (double)x[t];
  const double yb = b ? b[t] : (double)x[t];
  if (t < at) {
    return ya;
  }
  if (t >= at + len) {
    return yb;
  }
  const double g = fade_gain(t - at, len);
  return (1.0 - g) * ya + g * yb;
}

static void
crossfades(void)
{
  const size_t n = 60000, la = 5000, lb = 3000, lc = 8192, ld = 700;
  float *ha = random_filter(la), *hb = random_filter(lb), *hc = random_filter(lc),
        *hd = random_filter(ld);
  float *x[2], *y[2];
  double *ra[2], *rb[2], *rd[2];
  for (unsigned c = 0; c < 2; ++c) {
    x[c] = (float *)malloc(n * sizeof(float));
    y[c] = (float *)malloc(n * sizeof(float));
    noise(x[c], n, 0.5);
    ra[c] = direct(ha, la, x[c], n);
    rb[c] = direct(hb, lb, x[c], n);
    rd[c] = direct(hd, ld, x[c], n);
  }
  PsConvolver *conv = NULL;
  PsConvolverFilter *fa = NULL, *fb = NULL, *fc = NULL, *fd = NULL;
  ps_convolver_init(&conv, 8192, 2);
  ps_convolver_filter_new(&fa, conv, ha, la);
  ps_convolver_filter_new(&fb, conv, hb, lb);
  ps_convolver_filter_new(&fc, conv, hc, lc);
  ps_convolver_filter_new(&fd, conv, hd, ld);
  CHECKF(fa && fb && fc && fd, "filters made");

  /* A -> B over 3000 samples from sample 12345, in every block pattern. */
  for (int mode = 0; mode < N_MODES; ++mode) {
    const size_t at = 12345, len = 3000;
    ps_convolver_reset(conv);
    ps_convolver_switch(conv, fa, 0);
    drain(conv);
    copy_input(x, y, 2, n, mode % 2);
    run(conv, x, y, 2, 0, at, mode, mode % 2);
    CHECKF(ps_convolver_switch(conv, fb, len) == PS_OK, "switch");
    CHECKF(ps_convolver_fading(conv) && ps_convolver_current(conv) == fb, "fading to B");
    run(conv, x, y, 2, at, at + len - 1, mode, mode % 2);
    const int none_yet = ps_convolver_retired(conv) == NULL;
    run(conv, x, y, 2, at + len - 1, at + len, mode, mode % 2);
    const PsConvolverFilter *first = ps_convolver_retired(conv);
    const PsConvolverFilter *second = ps_convolver_retired(conv);
    run(conv, x, y, 2, at + len, n, mode, mode % 2);
    double worst = 0.0;
    for (unsigned c = 0; c < 2; ++c) {
      double e = 0.0;
      const double scale = rms(ra[c], n);
      for (size_t t = 0; t < n; ++t) {
        const double d = fabs((double)y[c][t] - expect(ra[c], rb[c], x[c], t, at, len));
        e = d > e || isnan(d) ? d : e;
      }
      worst = e / scale > worst || isnan(e) ? e / scale : worst;
    }
    CHECK_IMPL(mode == MIXED, worst <= TOLERANCE,
               "crossfade A->B, blocks %-5s: max error %.2e of RMS against the analytic mix",
               mode_names[mode], worst);
    CHECK_IMPL(mode == MIXED, none_yet && first == fa && !second && !ps_convolver_fading(conv),
               "A retired exactly when the fade ends, once");
  }

  /* Identity -> D, then while fading D -> C is asked and replaced by a
     switch to the identity: C is retired at once, never used; D fades to
     the identity when its own fade has ended. */
  {
    const size_t at = 4000, len = 2500, len2 = 1234;
    ps_convolver_reset(conv);
    ps_convolver_switch(conv, NULL, 0);
    drain(conv);
    copy_input(x, y, 2, n, 0);
    run(conv, x, y, 2, 0, at, MIXED, 0);
    ps_convolver_switch(conv, fd, len);
    run(conv, x, y, 2, at, at + 100, MIXED, 0);
    CHECKF(ps_convolver_switch(conv, fc, 10) == PS_OK, "pending switch");
    run(conv, x, y, 2, at + 100, at + 200, MIXED, 0);
    CHECKF(ps_convolver_switch(conv, NULL, len2) == PS_OK, "replacing switch");
    CHECKV(ps_convolver_retired(conv) == fc && !ps_convolver_retired(conv),
           "a waiting filter that is replaced is retired at once");
    CHECKV(ps_convolver_current(conv) == NULL && ps_convolver_fading(conv),
           "the engine heads for the identity");
    run(conv, x, y, 2, at + 200, n, MIXED, 0);
    CHECKV(ps_convolver_retired(conv) == fd && !ps_convolver_fading(conv),
           "D retired after its fade out");
    double worst = 0.0;
    for (unsigned c = 0; c < 2; ++c) {
      double e = 0.0;
      for (size_t t = 0; t < n; ++t) {
        const double want = t < at + len ? expect(NULL, rd[c], x[c], t, at, len)
                                         : expect(rd[c], NULL, x[c], t, at + len, len2);
        const double d = fabs((double)y[c][t] - want);
        e = d > e || isnan(d) ? d : e;
      }
      worst = e / rms(rd[c], n) > worst || isnan(e) ? e / rms(rd[c], n) : worst;
    }
    CHECKV(worst <= TOLERANCE,
           "identity -> D -> identity with a waiting switch: max error %.2e of RMS", worst);
  }

  /* A fade started with 1-sample blocks and a reset in the middle of one. */
  {
    ps_convolver_reset(conv);
    ps_convolver_switch(conv, fa, 0);
    drain(conv);
    copy_input(x, y, 2, n, 0);
    run(conv, x, y, 2, 0, 3000, ONES, 0);
    ps_convolver_switch(conv, fb, 5000);
    ps_convolver_switch(conv, fc, 5000);
    run(conv, x, y, 2, 3000, 4000, ONES, 0);
    ps_convolver_reset(conv);
    CHECKV(!ps_convolver_fading(conv) && ps_convolver_current(conv) == fc,
           "reset completes the fades");
    const PsConvolverFilter *r1 = ps_convolver_retired(conv);
    const PsConvolverFilter *r2 = ps_convolver_retired(conv);
    CHECKV(r1 == fa && r2 == fb && !ps_convolver_retired(conv),
           "and retires what they leave behind, in order");
    double *rc = direct(hc, lc, x[0], n);
    copy_input(x, y, 2, n, 0);
    run(conv, x, y, 2, 0, n, SEVENS, 0);
    const double e = rel_error(y[0], rc, 0, n, rms(rc, n));
    CHECKV(e <= TOLERANCE, "after reset, output as from a fresh engine: max error %.2e", e);
    free(rc);
  }

  /* Handing a retired filter back takes it off the list. */
  {
    ps_convolver_reset(conv);
    ps_convolver_switch(conv, fa, 0);
    drain(conv);
    ps_convolver_switch(conv, fb, 0);
    ps_convolver_switch(conv, fa, 0);
    CHECKV(ps_convolver_retired(conv) == fb && !ps_convolver_retired(conv),
           "a filter switched back to is not left on the retired list");
    ps_convolver_switch(conv, fa, 100);
    run(conv, x, y, 2, 0, 200, MIXED, 0);
    CHECKV(!ps_convolver_retired(conv), "a fade to the same filter retires nothing");
  }

  /* A filter from an engine of another size is refused. */
  {
    PsConvolver *other = NULL;
    PsConvolverFilter *fo = NULL;
    ps_convolver_init(&other, 16384, 1);
    ps_convolver_filter_new(&fo, other, ha, la);
    CHECKV(!ps_convolver_accepts(conv, fo) && ps_convolver_switch(conv, fo, 0) == PS_ERR_ARG,
           "a filter made for 16384 taps is refused by an 8192-tap engine");
    CHECKV(ps_convolver_filter_new(&fo, conv, hc, 8193) == PS_ERR_ARG && !fo,
           "a filter longer than the engine is refused");
    hc[5] = NAN;
    CHECKV(ps_convolver_filter_new(&fo, conv, hc, 100) == PS_ERR_ARG,
           "non-finite taps are refused");
    ps_convolver_free(&other);
  }

  ps_convolver_free(&conv);
  ps_convolver_filter_free(&fa);
  ps_convolver_filter_free(&fb);
  ps_convolver_filter_free(&fc);
  ps_convolver_filter_free(&fd);
  for (unsigned c = 0; c < 2; ++c) {
    free(x[c]);
    free(y[c]);
    free(ra[c]);
    free(rb[c]);
    free(rd[c]);
  }
  free(ha);
  free(hb);
  free(hc);
  free(hd);
}

/* An impulse gives the taps back at its own sample, one call per sample. */
static void
zero_latency(void)
{
  const size_t L = 3000, at = 777;
  float *h = random_filter(L);
  PsConvolver *conv = NULL;
  PsConvolverFilter *f = NULL;
  ps_convolver_init(&conv, 16384, 1);
  ps_convolver_filter_new(&f, conv, h, L);
  ps_convolver_switch(conv, f, 0);
  double err = 0.0, before = 0.0;
  float first = 0.0f;
  for (size_t t = 0; t < at + L + 100; ++t) {
    const float in = t == at ? 1.0f : 0.0f;
    float out;
    const float *pin = &in;
    float *pout = &out;
    ps_convolver_process(conv, &pin, &pout, 1);
    if (t < at) {
      before = fmax(before, fabs((double)out));
    } else {
      const double want = t - at < L ? (double)h[t - at] : 0.0;
      err = fmax(err, fabs((double)out - want));
      if (t == at) {
        first = out;
      }
    }
  }
  CHECKV(before == 0.0 && first == h[0] && err <= 1e-6,
         "impulse at %zu: silence before, tap 0 at the same sample (exact), all %zu taps "
         "within %.1e",
         at, L, err);
  ps_convolver_free(&conv);
  ps_convolver_filter_free(&f);
  free(h);
}

/* NaN and Inf inputs count as zeros; silence ends in exact zeros. */
static void
non_finite_and_silence(void)
{
  const size_t L = 5000, noisy = 20000, n = noisy + L + 3 * 1024 + 500;
  float *h = random_filter(L);
  float *x[2], *y[2];
  double *ref[2];
  for (unsigned c = 0; c < 2; ++c) {
    x[c] = (float *)calloc(n, sizeof(float));
    y[c] = (float *)malloc(n * sizeof(float));
    noise(x[c], noisy, 0.5);
  }
  x[0][500] = NAN;
  x[0][7000] = INFINITY;
  x[1][7001] = -INFINITY;
  x[1][12000] = NAN;
  x[0][15000] = 1e-40f; /* denormal */
  float *clean[2];
  for (unsigned c = 0; c < 2; ++c) {
    clean[c] = (float *)malloc(n * sizeof(float));
    for (size_t i = 0; i < n; ++i) {
      clean[c][i] = isfinite(x[c][i]) && fabsf(x[c][i]) >= 1e-15f ? x[c][i] : 0.0f;
    }
    ref[c] = direct(h, L, clean[c], n);
  }
  PsConvolver *conv = NULL;
  PsConvolverFilter *f = NULL;
  ps_convolver_init(&conv, 8192, 2);
  ps_convolver_filter_new(&f, conv, h, L);
  ps_convolver_switch(conv, f, 0);
  copy_input(x, y, 2, n, 1);
  run(conv, x, y, 2, 0, n, MIXED, 1);
  double worst = 0.0;
  size_t bad = 0, last_nonzero = 0;
  for (unsigned c = 0; c < 2; ++c) {
    worst = fmax(worst, rel_error(y[c], ref[c], 0, n, rms(ref[c], noisy)));
    for (size_t i = 0; i < n; ++i) {
      bad += !isfinite(y[c][i]);
      if (y[c][i] != 0.0f) {
        last_nonzero = i > last_nonzero ? i : last_nonzero;
      }
    }
  }
  CHECKV(bad == 0 && worst <= TOLERANCE,
         "NaN and Inf inputs act as zeros: output finite, max error %.2e of RMS", worst);
  CHECKV(last_nonzero < noisy + L + 3 * 1024,
         "silence after noise: exact zeros from %zu samples after the noise (bound %zu)",
         last_nonzero + 1 - noisy, L + 3 * 1024);
  ps_convolver_free(&conv);
  ps_convolver_filter_free(&f);
  for (unsigned c = 0; c < 2; ++c) {
    free(x[c]);
    free(y[c]);
    free(ref[c]);
    free(clean[c]);
  }
  free(h);
}

static void
arguments(void)
{
  PsConvolver *conv = (PsConvolver *)&state;
  CHECKV(ps_convolver_init(&conv, 0, 1) == PS_ERR_ARG && !conv, "0 taps refused");
  CHECKV(ps_convolver_init(&conv, 100, 0) == PS_ERR_CHANNELS, "0 channels refused");
  CHECKV(ps_convolver_init(&conv, PS_CONVOLVER_MAX_TAPS + 1, 1) == PS_ERR_ARG,
         "more than %zu taps refused", PS_CONVOLVER_MAX_TAPS);
  ps_convolver_init(&conv, 100, 1);
  ps_convolver_process(conv, NULL, NULL, 0);
  float v[3] = {1.0f, NAN, 0.25f};
  float *p = v;
  ps_convolver_process(conv, (const float *const *)&p, &p, 3);
  CHECKV(v[0] == 1.0f && v[1] == 0.0f && v[2] == 0.25f,
         "no filter: the identity (NaN zeroed), 0-sample blocks accepted");
  ps_convolver_free(&conv);
  ps_convolver_free(&conv);
}

/* A filter reloaded with other taps gives exactly what a filter made with
   those taps gives; shorter reloads clear the partitions they no longer
   use; too many taps or another layout are refused. */
static void
reload(void)
{
  const size_t n = 20000, room = 5000;
  PsConvolver *a = NULL, *b = NULL, *other = NULL;
  ps_convolver_init(&a, 8192, 1);
  ps_convolver_init(&b, 8192, 1);
  ps_convolver_init(&other, 100, 1);
  float *x = (float *)malloc(n * sizeof(float));
  float *ya = (float *)malloc(n * sizeof(float));
  float *yb = (float *)malloc(n * sizeof(float));
  noise(x, n, 0.5);
  float *first = random_filter(room);
  const size_t lengths_after[] = {room, 1500, 40, room};
  PsConvolverFilter *loaded = NULL;
  CHECKF(ps_convolver_filter_new(&loaded, a, first, room) == PS_OK, "filter made");
  CHECKV(ps_convolver_filter_load(loaded, a, first, room + 1) == PS_ERR_ARG,
         "more taps than it was made with refused");
  CHECKV(ps_convolver_filter_load(loaded, other, first, 10) == PS_ERR_ARG,
         "another layout refused");
  for (size_t i = 0; i < sizeof(lengths_after) / sizeof(lengths_after[0]); ++i) {
    const size_t taps = lengths_after[i];
    float *h = random_filter(taps);
    PsConvolverFilter *made = NULL;
    CHECKF(ps_convolver_filter_new(&made, b, h, taps) == PS_OK, "filter made");
    CHECKF(ps_convolver_filter_load(loaded, a, h, taps) == PS_OK, "filter reloaded");
    CHECKF(ps_convolver_filter_taps(loaded) == taps, "taps after reload");
    ps_convolver_reset(a);
    ps_convolver_reset(b);
    ps_convolver_switch(a, loaded, 0);
    ps_convolver_switch(b, made, 0);
    const float *in = x;
    float *out_a = ya, *out_b = yb;
    ps_convolver_process(a, &in, &out_a, n);
    ps_convolver_process(b, &in, &out_b, n);
    CHECKV(!memcmp(ya, yb, n * sizeof(float)), "reloaded with %zu taps: identical output",
           taps);
    ps_convolver_switch(a, NULL, 0);
    ps_convolver_switch(b, NULL, 0);
    while (ps_convolver_retired(a) || ps_convolver_retired(b)) {
    }
    ps_convolver_filter_free(&made);
    free(h);
  }
  ps_convolver_filter_free(&loaded);
  ps_convolver_free(&a);
  ps_convolver_free(&b);
  ps_convolver_free(&other);
  free(first);
  free(x);
  free(ya);
  free(yb);
}

int
main(void)
{
  arguments();
  reload();
  lengths();
  third_level();
  crossfades();
  zero_latency();
  non_finite_and_silence();
  return check_summary("test_convolver");
}
