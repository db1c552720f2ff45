/* EQ match correction curve and filter: see eqmatch.h. */
#include "eqmatch.h"

#include "fir_design.h"
#include "kweight.h"
#include "ps_status.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define N PS_LTAS_BANDS
/* Speech-to-floor (dB) under which a band's correction is 0, and over
   which it is whole. */
#define SNR_NONE_DB 1.0
#define SNR_FULL_DB 4.0
/* Width of the fades at the ends of the range, octaves. */
#define RANGE_FADE_OCT (1.0 / 3.0)

PsEqmatchParams
ps_eqmatch_default_params(void)
{
  const PsEqmatchParams p = {1.0, 1.0 / 6.0, 12.0, 40.0, 18000.0};
  return p;
}

static bool
params_valid(const PsEqmatchParams *p)
{
  return p && p->amount >= 0.0 && p->amount <= 2.0 && p->smoothing_oct >= 1.0 / 24.0 - 1e-9 &&
         p->smoothing_oct <= 1.0 + 1e-9 && p->max_gain_db >= 0.0 && p->max_gain_db <= 24.0 &&
         p->low_hz >= 20.0 - 1e-9 && p->high_hz <= 20000.0 + 1e-9 && p->low_hz < p->high_hz;
}

static double
smoothstep(double x)
{
  x = x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
  return x * x * (3.0 - 2.0 * x);
}

/* Means of a band array over bands with data (count > 0), then smoothed
   over a window of `oct` octaves; bands without data stay 0 and do not
   take part.  known[b] says whether band b had data. */
static void
smoothed_means(const double *sum, const double *count, double oct, double *out, bool *known)
{
  double mean[N];
  for (size_t b = 0; b < N; ++b) {
    known[b] = count[b] > 0.0;
    mean[b] = known[b] ? sum[b] / count[b] : 0.0;
  }
  /* Half-width in bands; the window's end bands count by the fraction of
     them inside it. */
  const double half = 0.5 * oct * PS_LTAS_PER_OCTAVE;
  const size_t whole = (size_t)floor(half);
  const double edge = half - (double)whole;
  for (size_t b = 0; b < N; ++b) {
    if (!known[b]) {
      out[b] = 0.0;
      continue;
    }
    double acc = mean[b], weight = 1.0;
    for (size_t j = 1; j <= whole + 1; ++j) {
      const double w = j <= whole ? 1.0 : edge;
      if (w <= 0.0) {
        break;
      }
      if (b >= j && known[b - j]) {
        acc += w * mean[b - j];
        weight += w;
      }
      if (b + j < N && known[b + j]) {
        acc += w * mean[b + j];
        weight += w;
      }
    }
    out[b] = acc / weight;
  }
}

typedef struct {
  double speech[N]; /* smoothed speech mean less smoothed floor, > 0 */
  double snr_db[N]; /* smoothed speech to smoothed floor */
  bool known[N];
} Clean;

static void
clean_speech(const PsLtasData *d, double oct, Clean *c)
{
  double speech[N], floor_density[N];
  bool floor_known[N];
  smoothed_means(d->speech, d->speech_n, oct, speech, c->known);
  smoothed_means(d->floor, d->floor_n, oct, floor_density, floor_known);
  for (size_t b = 0; b < N; ++b) {
    c->known[b] = c->known[b] && speech[b] > 0.0;
    if (!c->known[b]) {
      c->speech[b] = 0.0;
      c->snr_db[b] = 0.0;
      continue;
    }
    const double noise = floor_known[b] ? floor_density[b] : 0.0;
    if (noise > 0.0) {
      c->snr_db[b] = 10.0 * log10(speech[b] / noise);
      /* never below a thousandth of the speech: where the floor comes
         that close the fade below takes the band out anyway */
      const double less = speech[b] - noise;
      c->speech[b] = less > 1e-3 * speech[b] ? less : 1e-3 * speech[b];
    } else {
      c->snr_db[b] = 100.0;
      c->speech[b] = speech[b];
    }
  }
}

void
ps_eqmatch_raw_curve(const PsLtasData *ref, const PsLtasData *take, double oct, float *curve)
{
  Clean r, t;
  clean_speech(ref, oct, &r);
  clean_speech(take, oct, &t);
  for (size_t b = 0; b < N; ++b) {
    curve[b] = r.known[b] && t.known[b] ? (float)(10.0 * log10(r.speech[b] / t.speech[b]))
                                        : 0.0f;
  }
}

/* 1 inside [lo, hi] past the fades, 0 outside, raised-cosine in between. */
static double
range_weight(double hz, double lo, double hi)
{
  if (hz < lo || hz > hi) {
    return 0.0;
  }
  /* Narrow ranges: the fades may take at most half of the range each. */
  double fade = log2(hi / lo) / 2.0;
  fade = fade < RANGE_FADE_OCT ? fade : RANGE_FADE_OCT;
  const double from_edge = fmin(log2(hz / lo), log2(hi / hz));
  if (from_edge >= fade) {
    return 1.0;
  }
  const double pi = 3.14159265358979323846;
  return 0.5 - 0.5 * cos(pi * from_edge / fade);
}

static double
soft_limit(double x, double limit)
{
  if (limit <= 0.0) {
    return 0.0;
  }
  const double knee = 0.8 * limit, a = fabs(x);
  if (a <= knee) {
    return x;
  }
  const double y = knee + (limit - knee) * tanh((a - knee) / (limit - knee));
  return x < 0.0 ? -y : y;
}

int
ps_eqmatch_curve(const PsLtasData *ref, const PsLtasData *take, const PsEqmatchParams *p,
                 float *curve)
{
  if (!ref || !take || !curve || !params_valid(p) || !ps_ltas_data_valid(ref) ||
      !ps_ltas_data_valid(take)) {
    return PS_ERR_ARG;
  }
  Clean r, t;
  clean_speech(ref, p->smoothing_oct, &r);
  clean_speech(take, p->smoothing_oct, &t);

  PsKWeight k;
  ps_kweight_design(&k, 48000.0);
  double c[N], trust[N], range[N], loudness_weight[N];
  double base = 0.0, trusted = 0.0, trusted_after = 0.0;
  for (size_t b = 0; b < N; ++b) {
    const double hz = ps_ltas_band_hz(b);
    range[b] = range_weight(hz, p->low_hz, p->high_hz);
    /* the take's K-weighted speech power in the band (bandwidth ~ hz on a
       log grid) */
    loudness_weight[b] =
      t.known[b] ? t.speech[b] * hz * pow(10.0, ps_kweight_response_db(&k, 48000.0, hz) / 10.0)
                 : 0.0;
    base += loudness_weight[b];
    if (!r.known[b] || !t.known[b]) {
      c[b] = trust[b] = 0.0;
      continue;
    }
    c[b] = 10.0 * log10(r.speech[b] / t.speech[b]);
    const double snr = fmin(r.snr_db[b], t.snr_db[b]);
    trust[b] = smoothstep((snr - SNR_NONE_DB) / (SNR_FULL_DB - SNR_NONE_DB));
    trusted += loudness_weight[b] * trust[b];
    trusted_after += loudness_weight[b] * trust[b] * pow(10.0, c[b] / 10.0);
  }
  /* Centre the raw correction on the take's loudness first, so that the
     fades and the limits act on its shape, not on the difference between
     the recordings' levels. */
  const double centre = trusted > 0.0 ? 10.0 * log10(trusted_after / trusted) : 0.0;
  for (size_t b = 0; b < N; ++b) {
    c[b] = soft_limit(p->amount * (c[b] - centre) * trust[b] * range[b], p->max_gain_db);
  }
  /* Step 7: g inside the range so that sum w 10^((c + g range) / 10) equals
     sum w; Newton's method on a convex function of g.  A flat curve stays
     exactly flat (rounding in the sums would give it a 1e-15 dB tilt). */
  bool flat = true;
  for (size_t b = 0; b < N; ++b) {
    flat = flat && c[b] == 0.0;
  }
  if (base > 0.0 && !flat) {
    double g = 0.0;
    for (int it = 0; it < 30; ++it) {
      double f = -base, df = 0.0;
      for (size_t b = 0; b < N; ++b) {
        const double v = loudness_weight[b] * pow(10.0, (c[b] + g * range[b]) / 10.0);
        f += v;
        df += v * range[b] * (log(10.0) / 10.0);
      }
      if (df <= 0.0) {
        break;
      }
      const double step = f / df;
      g -= step > 6.0 ? 6.0 : step < -6.0 ? -6.0 : step;
      if (fabs(step) < 1e-9) {
        break;
      }
    }
    /* The limit holds after the gain too. */
    for (size_t b = 0; b < N; ++b) {
      c[b] += g * range[b];
      c[b] = fmax(-p->max_gain_db, fmin(p->max_gain_db, c[b]));
    }
  }
  for (size_t b = 0; b < N; ++b) {
    curve[b] = (float)c[b] + 0.0f; /* no -0 */
  }
  return PS_OK;
}

double
ps_eqmatch_curve_rms(const float *curve, double lo, double hi)
{
  double sum = 0.0;
  size_t count = 0;
  for (size_t b = 0; b < N; ++b) {
    const double hz = ps_ltas_band_hz(b);
    if (hz >= lo && hz <= hi) {
      sum += (double)curve[b] * (double)curve[b];
      ++count;
    }
  }
  return count ? sqrt(sum / (double)count) : 0.0;
}

double
ps_eqmatch_curve_at(const float *curve, double hz)
{
  if (!(hz > PS_LTAS_LOW_HZ)) {
    return curve[0];
  }
  const double x = log2(hz / PS_LTAS_LOW_HZ) * PS_LTAS_PER_OCTAVE;
  if (x >= (double)(N - 1)) {
    return curve[N - 1];
  }
  const size_t i = (size_t)x;
  const double f = x - (double)i;
  return (1.0 - f) * (double)curve[i] + f * (double)curve[i + 1];
}

/* Filter design -----------------------------------------------------------*/

struct PsEqmatchDesign {
  double rate;
  PsFirDesign *fir;
  float *grid_db;
};

int
ps_eqmatch_design_init(PsEqmatchDesign **out, double rate)
{
  if (!out) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  if (!(rate >= 22050.0 && rate <= 192000.0)) {
    return PS_ERR_RATE;
  }
  PsEqmatchDesign *d = (PsEqmatchDesign *)calloc(1, sizeof(PsEqmatchDesign));
  if (!d) {
    return PS_ERR_NOMEM;
  }
  d->rate = rate;
  size_t taps = PS_FIR_DESIGN_MIN_TAPS;
  while ((double)taps < rate / 6.0) {
    taps *= 2;
  }
  int st = ps_fir_design_init(&d->fir, taps);
  if (!st) {
    d->grid_db = (float *)calloc(ps_fir_design_bins(d->fir), sizeof(float));
    st = d->grid_db ? PS_OK : PS_ERR_NOMEM;
  }
  if (st) {
    ps_eqmatch_design_free(&d);
    return st;
  }
  *out = d;
  return PS_OK;
}

void
ps_eqmatch_design_free(PsEqmatchDesign **pd)
{
  if (!pd || !*pd) {
    return;
  }
  ps_fir_design_free(&(*pd)->fir);
  free((*pd)->grid_db);
  free(*pd);
  *pd = NULL;
}

size_t
ps_eqmatch_design_taps(const PsEqmatchDesign *d)
{
  return ps_fir_design_taps(d->fir);
}

size_t
ps_eqmatch_design_latency(const PsEqmatchDesign *d, PsEqmatchPhase phase)
{
  return phase == PS_EQMATCH_LINEAR_PHASE ? ps_fir_design_linear_latency(d->fir) : 0;
}

int
ps_eqmatch_design(PsEqmatchDesign *d, const float *curve, PsEqmatchPhase phase, float *taps)
{
  if (!d || !curve || !taps) {
    return PS_ERR_ARG;
  }
  bool flat = true;
  for (size_t b = 0; b < N; ++b) {
    if (!isfinite(curve[b])) {
      return PS_ERR_ARG;
    }
    flat = flat && curve[b] == 0.0f;
  }
  const size_t n_taps = ps_fir_design_taps(d->fir);
  if (flat) {
    memset(taps, 0, n_taps * sizeof(float));
    taps[ps_eqmatch_design_latency(d, phase)] = 1.0f;
    return PS_OK;
  }
  const size_t bins = ps_fir_design_bins(d->fir);
  const double bin_hz = d->rate / (double)ps_fir_design_fft_size(d->fir);
  for (size_t k = 0; k < bins; ++k) {
    d->grid_db[k] = (float)ps_eqmatch_curve_at(curve, (double)k * bin_hz);
  }
  return phase == PS_EQMATCH_LINEAR_PHASE ? ps_fir_design_linear(d->fir, d->grid_db, taps)
                                          : ps_fir_design_minimum(d->fir, d->grid_db, taps);
}
