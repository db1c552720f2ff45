/* Chains and truths of the EQ-match cases (see cases.h). */
#include "cases.h"

#include "beds.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double pi = 3.14159265358979323846;

static const double room_rt60_s = 0.35;
static const double room_reverb_db = -3.0; /* reflections and tail against the direct sound */

/* A studio large-diaphragm condenser at speaking distance: a little
   proximity bass and the usual lift around 8 kHz. */
#define STUDIO_MIC                                                             \
  {EQM_LOW_SHELF, 120.0, 0.7071, 2.5}, { EQM_PEAK, 8000.0, 1.0, 2.0 }

const EqmChainSpec eqm_take_chain = {"studio LDC", {STUDIO_MIC}, 2, 0};
const double eqm_take_roomtone_db = -75.0;

static const EqmCase cases[] = {
  {"boomy-lav",
   "lav under clothing: chest resonance, muffled highs",
   {"lav under clothing",
    {{EQM_PEAK, 220.0, 1.0, 7.0},
     {EQM_PEAK, 2500.0, 2.0, -3.0},
     {EQM_HIGH_SHELF, 4000.0, 0.7071, -8.0}},
    3,
    0},
   -50.0},
  {"thin-boom",
   "boom off-axis at a distance: no lows, thin low mids, mild presence",
   {"boom off-axis",
    {{EQM_HIGHPASS, 150.0, 0.5412, 0.0}, /* 4th-order Butterworth */
     {EQM_HIGHPASS, 150.0, 1.3066, 0.0},
     {EQM_PEAK, 400.0, 1.2, -2.5},
     {EQM_PEAK, 3500.0, 1.0, 2.0}},
    4,
    0},
   -40.0},
  {"presence-peak",
   "a mic with a presence peak",
   {"presence-peak mic", {{EQM_PEAK, 4500.0, 1.5, 6.0}}, 1, 0},
   -55.0},
  {"hf-rolloff",
   "wireless or a blanket: 2nd-order low-pass",
   {"muffled", {{EQM_LOWPASS, 4500.0, 0.7071, 0.0}}, 1, 0},
   -45.0},
  {"small-room",
   "the studio mic in a small reflective room (RT60 0.35 s)",
   {"studio LDC in a small room", {STUDIO_MIC}, 2, 1},
   -48.0},
  {"null",
   "the studio mic for both: no correction",
   {"studio LDC", {STUDIO_MIC}, 2, 0},
   -60.0},
};
enum { N_CASES = sizeof(cases) / sizeof(cases[0]) };

unsigned
eqm_case_count(void)
{
  return N_CASES;
}

const EqmCase *
eqm_case_at(unsigned index)
{
  return index < N_CASES ? &cases[index] : NULL;
}

const EqmCase *
eqm_case_find(const char *name)
{
  for (unsigned i = 0; i < N_CASES; ++i) {
    if (!strcmp(cases[i].name, name)) {
      return &cases[i];
    }
  }
  return NULL;
}

char *
eqm_chain_describe(const EqmChainSpec *spec, char *out, size_t size)
{
  static const char *const kinds[] = {"low-pass", "high-pass", "peak", "low shelf",
                                      "high shelf"};
  size_t len = 0;
  out[0] = '\0';
  for (unsigned i = 0; i < spec->n_sections && len < size; ++i) {
    const EqmSection *s = &spec->sections[i];
    int w;
    if (s->kind == EQM_LOWPASS || s->kind == EQM_HIGHPASS) {
      w = snprintf(out + len, size - len, "%s%s %g Hz Q %.4f", i ? ", " : "", kinds[s->kind],
                   s->hz, s->q);
    } else {
      w = snprintf(out + len, size - len, "%s%s %g Hz Q %.4f %+.1f dB", i ? ", " : "",
                   kinds[s->kind], s->hz, s->q, s->gain_db);
    }
    len += w > 0 ? (size_t)w : 0;
  }
  if (spec->room && len < size) {
    snprintf(out + len, size - len, "%sroom RT60 %.2f s, reverberant/direct %+.1f dB",
             spec->n_sections ? ", " : "", room_rt60_s, room_reverb_db);
  }
  return out;
}

/* --- sections ------------------------------------------------------------- */

void
eqm_section_design(DlgBiquad *f, const EqmSection *s, unsigned rate)
{
  const double w0 = 2.0 * pi * s->hz / rate;
  const double cw = cos(w0);
  const double alpha = sin(w0) / (2.0 * s->q);
  const double a = pow(10.0, s->gain_db / 40.0);
  const double root = 2.0 * sqrt(a) * alpha;
  double b0 = 1.0, b1 = 0.0, b2 = 0.0, a0 = 1.0, a1 = 0.0, a2 = 0.0;
  switch (s->kind) {
  case EQM_LOWPASS:
    b0 = b2 = (1.0 - cw) / 2.0;
    b1 = 1.0 - cw;
    a0 = 1.0 + alpha;
    a1 = -2.0 * cw;
    a2 = 1.0 - alpha;
    break;
  case EQM_HIGHPASS:
    b0 = b2 = (1.0 + cw) / 2.0;
    b1 = -(1.0 + cw);
    a0 = 1.0 + alpha;
    a1 = -2.0 * cw;
    a2 = 1.0 - alpha;
    break;
  case EQM_PEAK:
    b0 = 1.0 + alpha * a;
    b1 = -2.0 * cw;
    b2 = 1.0 - alpha * a;
    a0 = 1.0 + alpha / a;
    a1 = -2.0 * cw;
    a2 = 1.0 - alpha / a;
    break;
  case EQM_LOW_SHELF:
    b0 = a * ((a + 1.0) - (a - 1.0) * cw + root);
    b1 = 2.0 * a * ((a - 1.0) - (a + 1.0) * cw);
    b2 = a * ((a + 1.0) - (a - 1.0) * cw - root);
    a0 = (a + 1.0) + (a - 1.0) * cw + root;
    a1 = -2.0 * ((a - 1.0) + (a + 1.0) * cw);
    a2 = (a + 1.0) + (a - 1.0) * cw - root;
    break;
  case EQM_HIGH_SHELF:
    b0 = a * ((a + 1.0) + (a - 1.0) * cw + root);
    b1 = -2.0 * a * ((a - 1.0) + (a + 1.0) * cw);
    b2 = a * ((a + 1.0) + (a - 1.0) * cw - root);
    a0 = (a + 1.0) - (a - 1.0) * cw + root;
    a1 = 2.0 * ((a - 1.0) - (a + 1.0) * cw);
    a2 = (a + 1.0) - (a - 1.0) * cw - root;
    break;
  }
  memset(f, 0, sizeof(*f));
  f->b0 = b0 / a0;
  f->b1 = b1 / a0;
  f->b2 = b2 / a0;
  f->a1 = a1 / a0;
  f->a2 = a2 / a0;
}

double
eqm_biquad_power(const DlgBiquad *f, double hz, double rate)
{
  const double w = 2.0 * pi * hz / rate;
  const double c1 = cos(w), s1 = sin(w), c2 = cos(2.0 * w), s2 = sin(2.0 * w);
  const double nr = f->b0 + f->b1 * c1 + f->b2 * c2, ni = f->b1 * s1 + f->b2 * s2;
  const double dr = 1.0 + f->a1 * c1 + f->a2 * c2, di = f->a1 * s1 + f->a2 * s2;
  return (nr * nr + ni * ni) / (dr * dr + di * di);
}

size_t
eqm_room_impulse(double **h, unsigned rate, uint64_t seed)
{
  return dlg_room_impulse(h, rate, seed, room_rt60_s, room_reverb_db);
}

/* --- chains --------------------------------------------------------------- */

int
eqm_chain_init(EqmChain *chain, const EqmChainSpec *spec, unsigned rate, uint64_t seed)
{
  memset(chain, 0, sizeof(*chain));
  chain->rate = rate;
  for (unsigned i = 0; i < spec->n_sections; ++i) {
    eqm_section_design(&chain->biquads[i], &spec->sections[i], rate);
  }
  chain->n_biquads = spec->n_sections;
  if (spec->room) {
    chain->ir_len = eqm_room_impulse(&chain->ir, rate, seed);
    if (!chain->ir_len) {
      return -1;
    }
  }
  return 0;
}

int
eqm_chain_run(EqmChain *chain, const float *in, float *out, size_t n)
{
  DlgBiquad f[EQM_MAX_SECTIONS];
  memcpy(f, chain->biquads, sizeof(f));
  for (unsigned b = 0; b < chain->n_biquads; ++b) {
    f[b].x1 = f[b].x2 = f[b].y1 = f[b].y2 = 0.0;
  }
  for (size_t i = 0; i < n; ++i) {
    double x = (double)in[i];
    for (unsigned b = 0; b < chain->n_biquads; ++b) {
      x = dlg_biquad_run(&f[b], x);
    }
    out[i] = (float)x;
  }
  if (chain->ir) {
    float *wet = (float *)malloc((n ? n : 1) * sizeof(float));
    if (!wet || dlg_convolve(out, n, chain->ir, chain->ir_len, wet)) {
      free(wet);
      return -1;
    }
    memcpy(out, wet, n * sizeof(float));
    free(wet);
  }
  return 0;
}

int
eqm_chain_power(const EqmChain *chain, size_t n_fft, double *power)
{
  const size_t n_bins = n_fft / 2 + 1;
  if (chain->ir) {
    if (dlg_power_spectrum(chain->ir, chain->ir_len, n_fft, power)) {
      return -1;
    }
  } else {
    for (size_t k = 0; k < n_bins; ++k) {
      power[k] = 1.0;
    }
  }
  const double bin_hz = (double)chain->rate / (double)n_fft;
  for (size_t k = 0; k < n_bins; ++k) {
    for (unsigned b = 0; b < chain->n_biquads; ++b) {
      power[k] *= eqm_biquad_power(&chain->biquads[b], (double)k * bin_hz, chain->rate);
    }
  }
  return 0;
}

void
eqm_chain_free(EqmChain *chain)
{
  free(chain->ir);
  memset(chain, 0, sizeof(*chain));
}

/* --- responses and truths -------------------------------------------------- */

int
eqm_response_init(EqmResponse *r, const EqmCase *c, unsigned rate, uint64_t seed)
{
  memset(r, 0, sizeof(*r));
  EqmChain a, b;
  int status = eqm_chain_init(&a, &c->reference, rate, seed);
  status |= eqm_chain_init(&b, &eqm_take_chain, rate, seed);
  size_t n_fft = 2;
  while ((double)rate / (double)n_fft > 0.25 || n_fft < 4 * (a.ir_len + b.ir_len)) {
    n_fft <<= 1;
  }
  r->n_bins = n_fft / 2 + 1;
  r->bin_hz = (double)rate / (double)n_fft;
  r->rate = rate;
  r->reference = (double *)malloc(r->n_bins * sizeof(double));
  r->take = (double *)malloc(r->n_bins * sizeof(double));
  if (status || !r->reference || !r->take || eqm_chain_power(&a, n_fft, r->reference) ||
      eqm_chain_power(&b, n_fft, r->take)) {
    status = -1;
    eqm_response_free(r);
  }
  eqm_chain_free(&a);
  eqm_chain_free(&b);
  return status ? -1 : 0;
}

void
eqm_response_free(EqmResponse *r)
{
  free(r->reference);
  free(r->take);
  memset(r, 0, sizeof(*r));
}

double
eqm_response_db(const EqmResponse *r, double lo, double hi)
{
  const double df = r->bin_hz;
  size_t k0 = (size_t)floor(lo / df + 0.5), k1 = (size_t)floor(hi / df + 0.5);
  if (k1 >= r->n_bins) {
    k1 = r->n_bins - 1;
  }
  double sum_a = 0.0, sum_b = 0.0;
  for (size_t k = k0; k <= k1; ++k) {
    /* bin k holds [(k - 1/2) df, (k + 1/2) df); d(log f) over its part in the band */
    const double a = fmax(lo, ((double)k - 0.5) * df), b = fmin(hi, ((double)k + 0.5) * df);
    if (b > a) {
      const double w = log(b / a);
      sum_a += w * r->reference[k];
      sum_b += w * r->take[k];
    }
  }
  return 10.0 * log10(sum_a / sum_b);
}

void
eqm_response_truth(const EqmResponse *r, EqmTruth *truth)
{
  for (unsigned k = 0; k < EQM_BANDS; ++k) {
    double lo = 0.0, hi = 0.0;
    eqm_band_edges(k, &lo, &hi);
    truth->db[k] = eqm_response_db(r, lo, hi);
  }
}

size_t
eqm_response_curve(const EqmResponse *r, unsigned per_octave, double **hz, double **db)
{
  const double top = 0.45 * r->rate;
  const size_t n = (size_t)floor(per_octave * log2(top / 20.0)) + 1;
  *hz = (double *)malloc(n * sizeof(double));
  *db = (double *)malloc(n * sizeof(double));
  if (!*hz || !*db) {
    free(*hz);
    free(*db);
    *hz = *db = NULL;
    return 0;
  }
  const double half = pow(2.0, 0.5 / per_octave);
  for (size_t i = 0; i < n; ++i) {
    const double f = 20.0 * pow(2.0, (double)i / per_octave);
    (*hz)[i] = f;
    (*db)[i] = eqm_response_db(r, f / half, f * half);
  }
  return n;
}
