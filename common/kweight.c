#include "kweight.h"

#include "ps_status.h"

#include <math.h>

/* Analog prototype of the BS.1770 pre-filter stages.  These parameters
   reproduce the standard's 48 kHz coefficients through a bilinear transform
   pre-warped at f0 (the derivation used by libebur128 and the EBU's own
   reference meters): shelf corner, gain and quality; the mid-band gain of
   the shelf follows Vh^0.49966... */
#define SHELF_F0 1681.974450955533
#define SHELF_GAIN_DB 3.999843853973347
#define SHELF_Q 0.7071752369554196
#define SHELF_VB_EXPONENT 0.4996667741545416
#define HIGHPASS_F0 38.13547087602444
#define HIGHPASS_Q 0.5003270373238773

int
ps_kweight_design(PsKWeight *k, double rate)
{
  if (!k || !(rate > 0.0) || !isfinite(rate)) {
    return PS_ERR_ARG;
  }
  const double pi = 3.14159265358979323846;

  {
    const double kk = tan(pi * SHELF_F0 / rate);
    const double vh = pow(10.0, SHELF_GAIN_DB / 20.0);
    const double vb = pow(vh, SHELF_VB_EXPONENT);
    const double a0 = 1.0 + kk / SHELF_Q + kk * kk;
    k->shelf.b[0] = (vh + vb * kk / SHELF_Q + kk * kk) / a0;
    k->shelf.b[1] = 2.0 * (kk * kk - vh) / a0;
    k->shelf.b[2] = (vh - vb * kk / SHELF_Q + kk * kk) / a0;
    k->shelf.a[0] = 1.0;
    k->shelf.a[1] = 2.0 * (kk * kk - 1.0) / a0;
    k->shelf.a[2] = (1.0 - kk / SHELF_Q + kk * kk) / a0;
  }
  {
    /* BS.1770 gives the RLB numerator as exactly 1, -2, 1 (unnormalised). */
    const double kk = tan(pi * HIGHPASS_F0 / rate);
    const double a0 = 1.0 + kk / HIGHPASS_Q + kk * kk;
    k->highpass.b[0] = 1.0;
    k->highpass.b[1] = -2.0;
    k->highpass.b[2] = 1.0;
    k->highpass.a[0] = 1.0;
    k->highpass.a[1] = 2.0 * (kk * kk - 1.0) / a0;
    k->highpass.a[2] = (1.0 - kk / HIGHPASS_Q + kk * kk) / a0;
  }
  return PS_OK;
}

static double
biquad_power(const PsBiquad *q, double w)
{
  /* |B(e^jw)|^2 / |A(e^jw)|^2 with z^-1 = e^-jw */
  const double c1 = cos(w), s1 = sin(w), c2 = cos(2.0 * w), s2 = sin(2.0 * w);
  const double br = q->b[0] + q->b[1] * c1 + q->b[2] * c2;
  const double bi = -q->b[1] * s1 - q->b[2] * s2;
  const double ar = q->a[0] + q->a[1] * c1 + q->a[2] * c2;
  const double ai = -q->a[1] * s1 - q->a[2] * s2;
  return (br * br + bi * bi) / (ar * ar + ai * ai);
}

double
ps_kweight_response_db(const PsKWeight *k, double rate, double freq)
{
  const double w = 2.0 * 3.14159265358979323846 * freq / rate;
  return 10.0 * log10(biquad_power(&k->shelf, w) * biquad_power(&k->highpass, w));
}
