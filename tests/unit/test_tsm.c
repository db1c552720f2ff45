/* WSOLA time-scale modification against known answers: the identity map
   gives the input back; stretched and squeezed from 0.5 to 2 a tone keeps
   its pitch and stays free of clicks; tone bursts land where a warp map
   sends them; bad maps are refused; a long render cut in two in a pause
   (two threads) is as clean as the rest. */
#include "check.h"
#include "ps_status.h"
#include "tsm.h"

#include <math.h>
#include <stdlib.h>

#define PI 3.14159265358979323846
#define RATE 48000.0

/* Frequency by zero crossings (rising) over [from, to). */
static double
frequency(const float *x, size_t from, size_t to)
{
  double first = -1.0, last = -1.0;
  size_t count = 0;
  for (size_t i = from + 1; i < to; ++i) {
    if (x[i - 1] < 0.0f && x[i] >= 0.0f) {
      const double at = (double)(i - 1) + (double)x[i - 1] / (double)(x[i - 1] - x[i]);
      if (first < 0.0) {
        first = at;
      } else {
        ++count;
      }
      last = at;
    }
  }
  return count ? RATE * (double)count / (last - first) : 0.0;
}

static void
identity(PsTsm *t)
{
  const size_t n = (size_t)(2 * RATE);
  float *x = (float *)malloc(n * sizeof(float));
  float *y = (float *)malloc(n * sizeof(float));
  for (size_t i = 0; i < n; ++i) {
    const double s = (double)i / RATE;
    const double f0 = 140.0 + 30.0 * sin(2.0 * PI * 3.0 * s);
    x[i] = (float)(0.3 * sin(2.0 * PI * f0 * s) + 0.1 * sin(4.0 * PI * f0 * s + 0.5));
  }
  CHECKF(ps_tsm_render(t, x, n, NULL, NULL, 0, y, n) == PS_OK, "render");
  double worst = 0.0;
  for (size_t i = 0; i < n; ++i) {
    worst = fmax(worst, fabs((double)y[i] - (double)x[i]));
  }
  CHECKV(worst < 1e-6, "the identity map gives the input back (max error %.1e)", worst);
  free(x);
  free(y);
}

static void
ratios(PsTsm *t)
{
  static const double ratio[] = {0.5, 0.8, 1.25, 2.0};
  const size_t n_in = (size_t)(2 * RATE);
  float *x = (float *)malloc(n_in * sizeof(float));
  for (size_t i = 0; i < n_in; ++i) {
    x[i] = (float)(0.5 * sin(2.0 * PI * 220.0 * (double)i / RATE));
  }
  for (size_t r = 0; r < sizeof(ratio) / sizeof(ratio[0]); ++r) {
    const size_t n_out = (size_t)((double)n_in * ratio[r]);
    float *y = (float *)malloc(n_out * sizeof(float));
    const double out_t[2] = {0.0, (double)n_out}, in_t[2] = {0.0, (double)n_in};
    CHECKF(ps_tsm_render(t, x, n_in, out_t, in_t, 2, y, n_out) == PS_OK, "render");
    const size_t from = (size_t)(0.05 * RATE), to = n_out - (size_t)(0.05 * RATE);
    const double f = frequency(y, from, to);
    /* clicks: the residual of the sine's recurrence, against the amplitude */
    const double c = 2.0 * cos(2.0 * PI * 220.0 / RATE);
    double worst = 0.0, peak = 0.0;
    for (size_t i = from; i < to; ++i) {
      worst = fmax(worst, fabs((double)y[i] - c * (double)y[i - 1] + (double)y[i - 2]));
      peak = fmax(peak, fabs((double)y[i]));
    }
    CHECKV(fabs(f / 220.0 - 1.0) < 0.005 && worst < 0.05 * peak && peak > 0.45,
           "duration x %.2f: 220 Hz stays %.2f Hz, amplitude %.3f, worst residual %.4f of it",
           ratio[r], f, peak, worst / peak);
    free(y);
  }
  free(x);
}

/* Bursts of 1 kHz at known input times land at the map's output times. */
static void
timing(PsTsm *t)
{
  const size_t n_in = (size_t)(4 * RATE), n_out = (size_t)(5 * RATE);
  const double out_t[3] = {0.0, 2.5 * RATE, 5.0 * RATE};
  const double in_t[3] = {0.0, 1.5 * RATE, 4.0 * RATE}; /* slower, then at speed */
  static const double bursts_in[] = {0.5, 1.2, 2.0, 3.3};
  float *x = (float *)calloc(n_in, sizeof(float));
  float *y = (float *)malloc(n_out * sizeof(float));
  for (size_t b = 0; b < 4; ++b) {
    const size_t at = (size_t)(bursts_in[b] * RATE);
    for (size_t i = 0; i < (size_t)(0.05 * RATE); ++i) {
      x[at + i] = (float)(0.5 * sin(2.0 * PI * 1000.0 * (double)i / RATE));
    }
  }
  CHECKF(ps_tsm_render(t, x, n_in, out_t, in_t, 3, y, n_out) == PS_OK, "render");
  double worst = 0.0;
  for (size_t b = 0; b < 4; ++b) {
    /* the expected output time: invert the map */
    const double in = bursts_in[b] * RATE;
    const double expect = in <= in_t[1] ? in * out_t[1] / in_t[1]
                                        : out_t[1] + (in - in_t[1]);
    /* the first sample over a tenth of the burst's amplitude near there */
    const size_t lo = (size_t)(expect - 0.1 * RATE);
    size_t found = lo;
    while (found < n_out && fabsf(y[found]) < 0.05f) {
      ++found;
    }
    worst = fmax(worst, fabs((double)found - expect) / RATE * 1000.0);
  }
  CHECKV(worst < 12.0, "tone bursts start where the map sends them, within %.1f ms", worst);
  const double bad_out[2] = {0.0, 0.0}, bad_in[2] = {0.0, 1.0};
  CHECKV(ps_tsm_render(t, x, n_in, bad_out, bad_in, 2, y, n_out) == PS_ERR_ARG,
         "a map that does not increase is refused");
  free(x);
  free(y);
}

/* A render over 10 s is cut in two in a pause near its middle (two
   threads): 220 Hz, a 0.6 s pause of -70 dBFS noise, 330 Hz, stretched by
   1.1.  Both tones keep their pitch and stay free of clicks up to the
   pause, the pause stays quiet, and two renders give the same samples. */
static void
long_render(PsTsm *t)
{
  const size_t n_in = (size_t)(20 * RATE), n_out = (size_t)(22 * RATE);
  const size_t p0 = (size_t)(9.7 * RATE), p1 = (size_t)(10.3 * RATE);
  float *x = (float *)malloc(n_in * sizeof(float));
  float *y = (float *)malloc(n_out * sizeof(float));
  float *z = (float *)malloc(n_out * sizeof(float));
  unsigned long long state = 12345;
  for (size_t i = 0; i < n_in; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const double noise = 0.0003 * ((double)(state >> 11) / 9007199254740992.0 - 0.5);
    const double f = i < p0 ? 220.0 : 330.0;
    x[i] = (float)(i >= p0 && i < p1 ? noise : 0.5 * sin(2.0 * PI * f * (double)i / RATE));
  }
  const double out_t[2] = {0.0, (double)n_out}, in_t[2] = {0.0, (double)n_in};
  const size_t cut = ps_tsm_render_cut(t, x, n_in, out_t, in_t, 2, n_out);
  CHECKV(cut > (size_t)(1.1 * (double)p0) && cut < (size_t)(1.1 * (double)p1),
         "cut in two at %.2f s, in the pause (%.2f-%.2f s)", (double)cut / RATE, 1.1 * 9.7,
         1.1 * 10.3);
  CHECKF(ps_tsm_render(t, x, n_in, out_t, in_t, 2, y, n_out) == PS_OK, "render");
  CHECKF(ps_tsm_render(t, x, n_in, out_t, in_t, 2, z, n_out) == PS_OK, "render again");
  size_t same = 0;
  for (size_t i = 0; i < n_out; ++i) {
    same += y[i] == z[i];
  }
  CHECKV(same == n_out, "a long render gives the same samples twice (%zu of %zu)", same, n_out);
  const double edge = 0.05 * RATE;
  const size_t q0 = (size_t)(1.1 * (double)p0 - edge), q1 = (size_t)(1.1 * (double)p1 + edge);
  static const double hz[2] = {220.0, 330.0};
  const size_t from[2] = {(size_t)edge, q1}, to[2] = {q0, n_out - (size_t)edge};
  for (int k = 0; k < 2; ++k) {
    const double c = 2.0 * cos(2.0 * PI * hz[k] / RATE);
    double worst = 0.0, peak = 0.0;
    for (size_t i = from[k]; i < to[k]; ++i) {
      worst = fmax(worst, fabs((double)y[i] - c * (double)y[i - 1] + (double)y[i - 2]));
      peak = fmax(peak, fabs((double)y[i]));
    }
    const double f = frequency(y, from[k], to[k]);
    CHECKV(fabs(f / hz[k] - 1.0) < 0.005 && worst < 0.05 * peak && peak > 0.45,
           "20 s x 1.10, %s the pause: %.0f Hz stays %.2f Hz, worst residual %.4f of %.3f",
           k ? "after" : "before", hz[k], f, worst / peak, peak);
  }
  double quiet = 0.0;
  for (size_t i = q0 + 2 * (size_t)edge; i + 2 * (size_t)edge < q1; ++i) {
    quiet = fmax(quiet, fabs((double)y[i]));
  }
  CHECKV(quiet < 0.001, "the pause stays quiet where it is cut (peak %.5f)", quiet);
  free(x);
  free(y);
  free(z);
}

int
main(void)
{
  PsTsm *t = NULL;
  CHECKF(ps_tsm_init(&t, RATE) == PS_OK, "init");
  identity(t);
  ratios(t);
  timing(t);
  long_render(t);
  ps_tsm_free(&t);
  return check_summary("test_tsm");
}
