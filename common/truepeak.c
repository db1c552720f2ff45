#include "truepeak.h"

#include "ps_status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Taps per phase, and the Kaiser window's beta: 48 taps in all, as the
   example interpolator of BS.1770 Annex 2, with a flatter passband. */
#define TAPS 12
#define KAISER_BETA 5.0
#define HISTORY (TAPS - 1)

typedef struct {
  float *buf; /* HISTORY past samples followed by the current chunk */
  float peak;
} Channel;

struct PsTruePeak {
  unsigned channels;
  size_t max_chunk;
  float coef[TAPS][PS_TRUEPEAK_FACTOR]; /* coef[k][p]: tap k of phase p */
  float bound; /* largest sum of |coef| of a phase: |output| <= bound * max|x| */
  Channel *ch;
};

static double
bessel_i0(double x)
{
  double sum = 1.0, term = 1.0;
  for (int k = 1; k < 64; ++k) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
    if (term < 1e-17 * sum) {
      break;
    }
  }
  return sum;
}

/* Output of phase p at input index n interpolates between x[n-c] and
   x[n-c+1] at the fraction p/4 (c = TAPS/2): tap k sees x[n-k] at distance
   t = k - c + p/4 from the interpolated instant. */
static void
design(PsTruePeak *tp)
{
  const double pi = 3.14159265358979323846;
  const double c = TAPS / 2;
  tp->bound = 0.0f;
  for (int p = 0; p < PS_TRUEPEAK_FACTOR; ++p) {
    const double frac = (double)p / PS_TRUEPEAK_FACTOR;
    double h[TAPS], sum = 0.0, abs_sum = 0.0;
    for (int k = 0; k < TAPS; ++k) {
      const double t = (double)k - c + frac;
      const double sinc = t == 0.0 ? 1.0 : sin(pi * t) / (pi * t);
      const double r = t / (c + 0.5);
      const double w = bessel_i0(KAISER_BETA * sqrt(fmax(0.0, 1.0 - r * r))) /
                       bessel_i0(KAISER_BETA);
      h[k] = sinc * w;
      sum += h[k];
    }
    for (int k = 0; k < TAPS; ++k) {
      /* unity gain at DC for every phase */
      tp->coef[k][p] = (float)(h[k] / sum);
      abs_sum += fabs(h[k] / sum);
    }
    if ((float)abs_sum > tp->bound) {
      tp->bound = (float)abs_sum;
    }
  }
  /* margin for float rounding in the filter sums */
  tp->bound *= 1.0001f;
}

int
ps_truepeak_init(PsTruePeak **out, unsigned channels, size_t max_chunk)
{
  if (!out || !channels || !max_chunk) {
    return PS_ERR_ARG;
  }
  PsTruePeak *tp = (PsTruePeak *)calloc(1, sizeof(PsTruePeak));
  if (!tp) {
    return PS_ERR_NOMEM;
  }
  tp->channels = channels;
  tp->max_chunk = max_chunk;
  tp->ch = (Channel *)calloc(channels, sizeof(Channel));
  if (!tp->ch) {
    ps_truepeak_free(&tp);
    return PS_ERR_NOMEM;
  }
  for (unsigned i = 0; i < channels; ++i) {
    tp->ch[i].buf = (float *)calloc(HISTORY + max_chunk, sizeof(float));
    if (!tp->ch[i].buf) {
      ps_truepeak_free(&tp);
      return PS_ERR_NOMEM;
    }
  }
  design(tp);
  ps_truepeak_reset(tp);
  *out = tp;
  return PS_OK;
}

void
ps_truepeak_reset(PsTruePeak *tp)
{
  for (unsigned i = 0; i < tp->channels; ++i) {
    memset(tp->ch[i].buf, 0, HISTORY * sizeof(float));
    tp->ch[i].peak = 0.0f;
  }
}

void
ps_truepeak_free(PsTruePeak **tp)
{
  if (!tp || !*tp) {
    return;
  }
  if ((*tp)->ch) {
    for (unsigned i = 0; i < (*tp)->channels; ++i) {
      free((*tp)->ch[i].buf);
    }
    free((*tp)->ch);
  }
  free(*tp);
  *tp = NULL;
}

static float
interpolated_peak(const float coef[TAPS][PS_TRUEPEAK_FACTOR], const float *buf, size_t n)
{
  /* four phases side by side: the compiler keeps them in one SIMD register */
  float peak[PS_TRUEPEAK_FACTOR] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (size_t i = HISTORY; i < HISTORY + n; ++i) {
    float acc[PS_TRUEPEAK_FACTOR] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int k = 0; k < TAPS; ++k) {
      const float x = buf[i - (size_t)k];
      for (int p = 0; p < PS_TRUEPEAK_FACTOR; ++p) {
        acc[p] += coef[k][p] * x;
      }
    }
    for (int p = 0; p < PS_TRUEPEAK_FACTOR; ++p) {
      const float a = fabsf(acc[p]);
      peak[p] = a > peak[p] ? a : peak[p];
    }
  }
  float m = peak[0];
  for (int p = 1; p < PS_TRUEPEAK_FACTOR; ++p) {
    m = peak[p] > m ? peak[p] : m;
  }
  return m;
}

void
ps_truepeak_process(PsTruePeak *tp, unsigned channel, const float *x, size_t n)
{
  Channel *ch = &tp->ch[channel];
  float *buf = ch->buf;
  memcpy(buf + HISTORY, x, n * sizeof(float));

  /* No interpolated value can exceed bound * max|x| over the filter's
     reach: when that is below the peak already found, the chunk cannot
     raise it and the exact result is kept without filtering. */
  float reach = 0.0f;
  for (size_t i = 0; i < HISTORY + n; ++i) {
    const float a = fabsf(buf[i]);
    reach = a > reach ? a : reach;
  }
  if (reach * tp->bound > ch->peak) {
    const float m = interpolated_peak((const float(*)[PS_TRUEPEAK_FACTOR])tp->coef, buf, n);
    if (m > ch->peak) {
      ch->peak = m;
    }
  }
  memmove(buf, buf + n, HISTORY * sizeof(float));
}

float
ps_truepeak_channel(const PsTruePeak *tp, unsigned channel)
{
  return tp->ch[channel].peak;
}

unsigned
ps_truepeak_delay(void)
{
  return TAPS / 2;
}
