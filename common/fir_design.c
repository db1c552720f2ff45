#include "fir_design.h"

#include "fft.h"
#include "ps_status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define OVERSAMPLE 4  /* fft_size = OVERSAMPLE * n_taps */
#define FADE_DIV 8    /* minimum phase: fade out over the last n_taps / FADE_DIV taps */

struct PsFirDesign {
  size_t n_taps;
  size_t fft_size;
  size_t bins;
  PsFft *fft;
  float *fade;       /* n_taps / FADE_DIV gains, falling from ~1 towards 0 */
  float *lin_window; /* n_taps / 2 + 1 gains of the Hann window, from its centre out */
};

int
ps_fir_design_init(PsFirDesign **out, size_t n_taps)
{
  if (!out) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  if (n_taps < PS_FIR_DESIGN_MIN_TAPS || n_taps > PS_FIR_DESIGN_MAX_TAPS ||
      (n_taps & (n_taps - 1)) != 0) {
    return PS_ERR_ARG;
  }
  PsFirDesign *d = (PsFirDesign *)calloc(1, sizeof(PsFirDesign));
  if (!d) {
    return PS_ERR_NOMEM;
  }
  d->n_taps = n_taps;
  d->fft_size = OVERSAMPLE * n_taps;
  d->bins = d->fft_size / 2 + 1;

  const size_t fade_len = n_taps / FADE_DIV;
  const size_t half = n_taps / 2;
  d->fade = (float *)malloc(fade_len * sizeof(float));
  d->lin_window = (float *)malloc((half + 1) * sizeof(float));
  if (!d->fade || !d->lin_window) {
    ps_fir_design_free(&d);
    return PS_ERR_NOMEM;
  }
  const int status = ps_fft_init(&d->fft, d->fft_size);
  if (status != PS_OK) {
    ps_fir_design_free(&d);
    return status;
  }

  /* Half Hann falling over fade_len taps: the first gain just under 1, the
     one after the last would be 0. */
  for (size_t i = 0; i < fade_len; ++i) {
    const double x = (double)(i + 1) / (double)(fade_len + 1);
    d->fade[i] = (float)(0.5 + 0.5 * cos(PI * x));
  }
  /* Hann of length n_taps + 1 centred on tap n_taps / 2: 1 at the centre,
     0 at distance n_taps / 2 (tap 0). */
  for (size_t k = 0; k <= half; ++k) {
    d->lin_window[k] = (float)(0.5 + 0.5 * cos(PI * (double)k / (double)half));
  }
  d->lin_window[half] = 0.0f;

  *out = d;
  return PS_OK;
}

void
ps_fir_design_free(PsFirDesign **design)
{
  if (!design || !*design) {
    return;
  }
  PsFirDesign *d = *design;
  ps_fft_free(&d->fft);
  free(d->fade);
  free(d->lin_window);
  free(d);
  *design = NULL;
}

size_t
ps_fir_design_taps(const PsFirDesign *design)
{
  return design ? design->n_taps : 0;
}

size_t
ps_fir_design_bins(const PsFirDesign *design)
{
  return design ? design->bins : 0;
}

size_t
ps_fir_design_fft_size(const PsFirDesign *design)
{
  return design ? design->fft_size : 0;
}

size_t
ps_fir_design_linear_latency(const PsFirDesign *design)
{
  return design ? design->n_taps / 2 : 0;
}

/* NaN anywhere refuses the target. */
static int
check_target(const PsFirDesign *d, const float *magnitude_db, const float *taps_out)
{
  if (!d || !magnitude_db || !taps_out) {
    return PS_ERR_ARG;
  }
  for (size_t k = 0; k < d->bins; ++k) {
    if (isnan(magnitude_db[k])) {
      return PS_ERR_ARG;
    }
  }
  return PS_OK;
}

static double
clamp_db(float db)
{
  const float m = PS_FIR_DESIGN_MAX_DB;
  return (double)(db > m ? m : db < -m ? -m : db);
}

int
ps_fir_design_minimum(PsFirDesign *d, const float *magnitude_db, float *taps_out)
{
  const int status = check_target(d, magnitude_db, taps_out);
  if (status != PS_OK) {
    return status;
  }
  const size_t n = d->fft_size;
  const size_t bins = d->bins;
  float *time = ps_fft_time(d->fft);
  float *spec = ps_fft_spectrum(d->fft);
  const double db_to_ln = log(10.0) / 20.0;
  const double inv_n = 1.0 / (double)n;

  /* ln |H|, real and even: its inverse FFT is the real cepstrum. */
  for (size_t k = 0; k < bins; ++k) {
    spec[2 * k] = (float)(clamp_db(magnitude_db[k]) * db_to_ln);
    spec[2 * k + 1] = 0.0f;
  }
  ps_fft_inverse(d->fft);

  /* Fold: keep c[0] and c[n/2], double the causal part, drop the rest. */
  time[0] = (float)((double)time[0] * inv_n);
  for (size_t i = 1; i < n / 2; ++i) {
    time[i] = (float)(2.0 * (double)time[i] * inv_n);
  }
  time[n / 2] = (float)((double)time[n / 2] * inv_n);
  memset(time + n / 2 + 1, 0, (n / 2 - 1) * sizeof(float));
  ps_fft_forward(d->fft);

  /* exp of the complex log spectrum: the minimum-phase spectrum. */
  for (size_t k = 0; k < bins; ++k) {
    const double mag = exp((double)spec[2 * k]);
    const double ph = (double)spec[2 * k + 1];
    spec[2 * k] = (float)(mag * cos(ph) * inv_n);
    spec[2 * k + 1] = (float)(mag * sin(ph) * inv_n);
  }
  spec[1] = 0.0f;
  spec[2 * (bins - 1) + 1] = 0.0f;
  ps_fft_inverse(d->fft);

  const size_t fade_len = d->n_taps / FADE_DIV;
  const size_t fade_from = d->n_taps - fade_len;
  for (size_t i = 0; i < fade_from; ++i) {
    taps_out[i] = time[i];
  }
  for (size_t i = 0; i < fade_len; ++i) {
    taps_out[fade_from + i] = time[fade_from + i] * d->fade[i];
  }
  return PS_OK;
}

int
ps_fir_design_linear(PsFirDesign *d, const float *magnitude_db, float *taps_out)
{
  const int status = check_target(d, magnitude_db, taps_out);
  if (status != PS_OK) {
    return status;
  }
  const size_t n = d->fft_size;
  const size_t bins = d->bins;
  const size_t half = d->n_taps / 2;
  float *time = ps_fft_time(d->fft);
  float *spec = ps_fft_spectrum(d->fft);
  const double inv_n = 1.0 / (double)n;

  /* |H| as a real, even spectrum: its inverse FFT is the zero-phase
     response, even about sample 0 (circularly). */
  for (size_t k = 0; k < bins; ++k) {
    spec[2 * k] = (float)pow(10.0, clamp_db(magnitude_db[k]) / 20.0);
    spec[2 * k + 1] = 0.0f;
  }
  ps_fft_inverse(d->fft);

  /* Centre at tap `half`, averaging the two sides so the result is exactly
     symmetric; the window is 0 at distance `half` (tap 0). */
  taps_out[half] = (float)((double)time[0] * inv_n);
  for (size_t k = 1; k <= half; ++k) {
    const double h = 0.5 * ((double)time[k] + (double)time[n - k]) * inv_n;
    const float v = (float)(h * (double)d->lin_window[k]);
    taps_out[half - k] = v;
    if (k < half) {
      taps_out[half + k] = v;
    }
  }
  return PS_OK;
}
