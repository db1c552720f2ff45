/* FIR design from a magnitude target: for smooth EQ-like targets (flat,
   low shelf, peak, high shelf) and 1024 and 8192 taps, the designed
   filters' magnitude against the target between 40 Hz and 20 kHz at
   48 kHz; minimum phase: energy at the start, a non-zero first tap, a unit
   impulse for the flat target; linear phase: exact symmetry about
   n_taps / 2, an impulse there for the flat target; clamping, NaN and bad
   sizes refused. */
#include "check.h"
#include "fft.h"
#include "fir_design.h"
#include "ps_status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define RATE 48000.0
#define TOLERANCE_DB 0.2

/* Magnitude in dB at f of an RBJ cookbook biquad. */
enum { FLAT, LOW_SHELF, PEAK, HIGH_SHELF, N_TARGETS };
static const char *const target_names[N_TARGETS] = {
  "flat", "+6 dB low shelf 200 Hz", "+8 dB peak 1 kHz Q 1", "-12 dB high shelf 4 kHz"};

static double
biquad_db(int kind, double f)
{
  double gain_db = 0.0, f0 = 1000.0, q = 1.0;
  switch (kind) {
  case LOW_SHELF:
    gain_db = 6.0, f0 = 200.0, q = sqrt(0.5);
    break;
  case PEAK:
    gain_db = 8.0, f0 = 1000.0, q = 1.0;
    break;
  case HIGH_SHELF:
    gain_db = -12.0, f0 = 4000.0, q = sqrt(0.5);
    break;
  default:
    return 0.0;
  }
  const double a = pow(10.0, gain_db / 40.0);
  const double w0 = 2.0 * PI * f0 / RATE;
  const double cw = cos(w0);
  const double alpha = sin(w0) / (2.0 * q);
  const double sa = 2.0 * sqrt(a) * alpha;
  double b0, b1, b2, a0, a1, a2;
  if (kind == PEAK) {
    b0 = 1.0 + alpha * a, b1 = -2.0 * cw, b2 = 1.0 - alpha * a;
    a0 = 1.0 + alpha / a, a1 = -2.0 * cw, a2 = 1.0 - alpha / a;
  } else if (kind == LOW_SHELF) {
    b0 = a * ((a + 1.0) - (a - 1.0) * cw + sa);
    b1 = 2.0 * a * ((a - 1.0) - (a + 1.0) * cw);
    b2 = a * ((a + 1.0) - (a - 1.0) * cw - sa);
    a0 = (a + 1.0) + (a - 1.0) * cw + sa;
    a1 = -2.0 * ((a - 1.0) + (a + 1.0) * cw);
    a2 = (a + 1.0) + (a - 1.0) * cw - sa;
  } else {
    b0 = a * ((a + 1.0) + (a - 1.0) * cw + sa);
    b1 = -2.0 * a * ((a - 1.0) + (a + 1.0) * cw);
    b2 = a * ((a + 1.0) + (a - 1.0) * cw - sa);
    a0 = (a + 1.0) - (a - 1.0) * cw + sa;
    a1 = 2.0 * ((a - 1.0) - (a + 1.0) * cw);
    a2 = (a + 1.0) - (a - 1.0) * cw - sa;
  }
  const double w = 2.0 * PI * f / RATE;
  /* |b0 + b1 z^-1 + b2 z^-2|^2 at z = e^{jw} */
  const double c1 = cos(w), c2 = cos(2.0 * w);
  const double num = b0 * b0 + b1 * b1 + b2 * b2 + 2.0 * (b0 * b1 + b1 * b2) * c1 +
                     2.0 * b0 * b2 * c2;
  const double den = a0 * a0 + a1 * a1 + a2 * a2 + 2.0 * (a0 * a1 + a1 * a2) * c1 +
                     2.0 * a0 * a2 * c2;
  return 10.0 * log10(num / den);
}

/* Largest |response - target| in dB between 40 Hz and 20 kHz, the taps
   zero-padded to the design's FFT size. */
static double
max_error_db(PsFft *fft, const float *taps, size_t n_taps, const float *target_db)
{
  const size_t n = ps_fft_size(fft);
  float *time = ps_fft_time(fft);
  memset(time, 0, n * sizeof(float));
  memcpy(time, taps, n_taps * sizeof(float));
  ps_fft_forward(fft);
  const float *spec = ps_fft_spectrum(fft);
  double worst = 0.0;
  for (size_t k = 0; k <= n / 2; ++k) {
    const double f = (double)k * RATE / (double)n;
    if (f < 40.0 || f > 20000.0) {
      continue;
    }
    const double re = spec[2 * k], im = spec[2 * k + 1];
    const double db = 10.0 * log10(re * re + im * im + 1e-30);
    const double e = fabs(db - (double)target_db[k]);
    worst = e > worst || isnan(e) ? e : worst;
  }
  return worst;
}

static void
test_size(size_t n_taps)
{
  PsFirDesign *d = NULL;
  CHECKF(ps_fir_design_init(&d, n_taps) == PS_OK && d, "init %zu taps", n_taps);
  if (!d) {
    return;
  }
  const size_t bins = ps_fir_design_bins(d);
  const size_t n_fft = ps_fir_design_fft_size(d);
  CHECKF(bins == n_fft / 2 + 1 && n_fft >= 4 * n_taps, "bins %zu, fft size %zu", bins, n_fft);
  CHECKF(ps_fir_design_taps(d) == n_taps, "taps");
  CHECKF(ps_fir_design_linear_latency(d) == n_taps / 2, "linear latency %zu",
         ps_fir_design_linear_latency(d));

  PsFft *fft = NULL;
  CHECKF(ps_fft_init(&fft, n_fft) == PS_OK, "check fft");
  float *target = (float *)malloc(bins * sizeof(float));
  float *taps = (float *)malloc(n_taps * sizeof(float));

  for (int t = 0; t < N_TARGETS; ++t) {
    for (size_t k = 0; k < bins; ++k) {
      target[k] = (float)biquad_db(t, (double)k * RATE / (double)n_fft);
    }

    /* Minimum phase. */
    CHECKF(ps_fir_design_minimum(d, target, taps) == PS_OK, "minimum");
    double err = max_error_db(fft, taps, n_taps, target);
    CHECKV(err <= TOLERANCE_DB, "%5zu taps, minimum phase, %-24s: max error %.4f dB", n_taps,
           target_names[t], err);
    double total = 0.0, head = 0.0;
    for (size_t i = 0; i < n_taps; ++i) {
      total += (double)taps[i] * (double)taps[i];
      if (i < n_taps / 10) {
        head += (double)taps[i] * (double)taps[i];
      }
    }
    CHECKV(head >= 0.9 * total, "%5zu taps, minimum phase, %-24s: %.4f %% of energy in the first 10 %%",
           n_taps, target_names[t], 100.0 * head / total);
    CHECKF(fabsf(taps[0]) > 1e-3f, "first tap %g", (double)taps[0]);
    if (t == FLAT) {
      double worst = fabs((double)taps[0] - 1.0);
      for (size_t i = 1; i < n_taps; ++i) {
        worst = fmax(worst, fabs((double)taps[i]));
      }
      CHECKV(worst <= 1e-4, "%5zu taps, minimum phase, flat: unit impulse within %.2e", n_taps, worst);
    }

    /* Linear phase. */
    CHECKF(ps_fir_design_linear(d, target, taps) == PS_OK, "linear");
    err = max_error_db(fft, taps, n_taps, target);
    CHECKV(err <= TOLERANCE_DB, "%5zu taps, linear phase,  %-24s: max error %.4f dB", n_taps,
           target_names[t], err);
    const size_t c = n_taps / 2;
    double asym = 0.0;
    for (size_t k = 1; k < c; ++k) {
      asym = fmax(asym, fabs((double)taps[c + k] - (double)taps[c - k]));
    }
    CHECKF(asym <= 1e-6, "linear phase %s: asymmetry %.2e", target_names[t], asym);
    CHECKF(taps[0] == 0.0f, "linear phase: tap 0 is %g", (double)taps[0]);
    if (t == FLAT) {
      double worst = fabs((double)taps[c] - 1.0);
      for (size_t i = 0; i < n_taps; ++i) {
        if (i != c) {
          worst = fmax(worst, fabs((double)taps[i]));
        }
      }
      CHECKV(worst <= 1e-4, "%5zu taps, linear phase, flat: impulse at %zu within %.2e", n_taps, c,
             worst);
    }
  }

  /* Clamping: -100 dB is taken as -60 dB, +inf as +60 dB. */
  for (size_t k = 0; k < bins; ++k) {
    target[k] = -100.0f;
  }
  CHECKF(ps_fir_design_minimum(d, target, taps) == PS_OK && fabs((double)taps[0] - 1e-3) < 1e-6,
         "clamped to -60 dB: tap 0 %g", (double)taps[0]);
  for (size_t k = 0; k < bins; ++k) {
    target[k] = INFINITY;
  }
  CHECKF(ps_fir_design_linear(d, target, taps) == PS_OK && fabs((double)taps[n_taps / 2] - 1e3) < 1e-1,
         "clamped to +60 dB: centre tap %g", (double)taps[n_taps / 2]);

  /* NaN refused, the output untouched. */
  for (size_t k = 0; k < bins; ++k) {
    target[k] = 0.0f;
  }
  target[bins / 3] = NAN;
  for (size_t i = 0; i < n_taps; ++i) {
    taps[i] = 7.0f;
  }
  CHECKF(ps_fir_design_minimum(d, target, taps) == PS_ERR_ARG, "NaN refused (minimum)");
  CHECKF(ps_fir_design_linear(d, target, taps) == PS_ERR_ARG, "NaN refused (linear)");
  CHECKF(taps[0] == 7.0f && taps[n_taps - 1] == 7.0f, "output untouched on error");
  CHECKF(ps_fir_design_minimum(d, NULL, taps) == PS_ERR_ARG, "null target refused");
  CHECKF(ps_fir_design_linear(d, target, NULL) == PS_ERR_ARG, "null output refused");

  free(target);
  free(taps);
  ps_fft_free(&fft);
  ps_fir_design_free(&d);
  CHECKF(d == NULL, "free clears the pointer");
}

int
main(void)
{
  PsFirDesign *d = (PsFirDesign *)1;
  CHECKF(ps_fir_design_init(&d, 1000) == PS_ERR_ARG && d == NULL, "1000 taps refused");
  CHECKF(ps_fir_design_init(&d, 128) == PS_ERR_ARG, "128 taps refused");
  CHECKF(ps_fir_design_init(&d, 131072) == PS_ERR_ARG, "131072 taps refused");
  CHECKF(ps_fir_design_init(NULL, 1024) == PS_ERR_ARG, "null out refused");
  ps_fir_design_free(NULL);
  ps_fir_design_free(&d);

  test_size(1024);
  test_size(8192);

  /* The largest size plans and designs. */
  PsFirDesign *big = NULL;
  CHECKF(ps_fir_design_init(&big, 65536) == PS_OK, "init 65536 taps");
  if (big) {
    const size_t bins = ps_fir_design_bins(big);
    float *target = (float *)calloc(bins, sizeof(float));
    float *taps = (float *)malloc(65536 * sizeof(float));
    CHECKF(ps_fir_design_minimum(big, target, taps) == PS_OK && fabsf(taps[0] - 1.0f) < 1e-4f,
           "65536 taps flat minimum phase: tap 0 %g", (double)taps[0]);
    free(target);
    free(taps);
    ps_fir_design_free(&big);
  }
  return check_summary("test_fir_design");
}
