#include "truepeak.h"

#include "ps_status.h"

#include <math.h>
#include <stdint.h>
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
  /* Folded forms, m < TAPS/2.  Phase 0 is the input itself, phase 2 is
     symmetric (tap m equals tap TAPS-1-m), phase 3 is phase 1 reversed; with
     P = x[n-m] + x[n-TAPS+1+m] and Q = x[n-m] - x[n-TAPS+1+m], phase 2 is
     sum mid*P, and phases 1 and 3 are S + D and S - D with S = sum half_sum*P,
     D = sum half_dif*Q, so max(|y1|, |y3|) = |S| + |D|: 18 multiplications
     per input sample instead of 48. */
  float mid[TAPS / 2];
  float half_sum[TAPS / 2];
  float half_dif[TAPS / 2];
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
  for (int m = 0; m < TAPS / 2; ++m) {
    tp->mid[m] = tp->coef[m][2];
    tp->half_sum[m] = 0.5f * (tp->coef[m][1] + tp->coef[TAPS - 1 - m][1]);
    tp->half_dif[m] = 0.5f * (tp->coef[m][1] - tp->coef[TAPS - 1 - m][1]);
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

typedef float Vec4 __attribute__((vector_size(16)));
typedef int32_t Mask4 __attribute__((vector_size(16)));

static inline Vec4
load4(const float *p)
{
  Vec4 v;
  memcpy(&v, p, sizeof(v));
  return v;
}

static inline Vec4
abs4(Vec4 v)
{
  return (Vec4)((Mask4)v & 0x7fffffff);
}

static inline Vec4
max4(Vec4 a, Vec4 b)
{
  const Mask4 gt = a > b;
  return (Vec4)(((Mask4)a & gt) | ((Mask4)b & ~gt));
}

/* Largest |output| of one interpolator output, scalar, for the tail. */
static inline float
output_peak(const PsTruePeak *tp, const float *x)
{
  float y2 = 0.0f, s = 0.0f, d = 0.0f;
  for (int m = 0; m < TAPS / 2; ++m) {
    const float a = x[-m], b = x[-(TAPS - 1) + m];
    y2 += tp->mid[m] * (a + b);
    s += tp->half_sum[m] * (a + b);
    d += tp->half_dif[m] * (a - b);
  }
  const float p0 = fabsf(x[-TAPS / 2]), p2 = fabsf(y2), p13 = fabsf(s) + fabsf(d);
  const float v = p0 > p2 ? p0 : p2;
  return p13 > v ? p13 : v;
}

/* Eight consecutive outputs at once, in two 4-lane vectors along time. */
static float
interpolated_peak(const PsTruePeak *tp, const float *buf, size_t n)
{
  Vec4 peak0 = {0.0f, 0.0f, 0.0f, 0.0f}, peak1 = peak0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const float *x = buf + HISTORY + i;
    Vec4 y0 = {0.0f, 0.0f, 0.0f, 0.0f}, y1 = y0, s0 = y0, s1 = y0, d0 = y0, d1 = y0;
    for (int m = 0; m < TAPS / 2; ++m) {
      const Vec4 a0 = load4(x - m), a1 = load4(x + 4 - m);
      const Vec4 b0 = load4(x - (TAPS - 1) + m), b1 = load4(x + 4 - (TAPS - 1) + m);
      const Vec4 p0 = a0 + b0, p1 = a1 + b1, q0 = a0 - b0, q1 = a1 - b1;
      y0 += tp->mid[m] * p0;
      y1 += tp->mid[m] * p1;
      s0 += tp->half_sum[m] * p0;
      s1 += tp->half_sum[m] * p1;
      d0 += tp->half_dif[m] * q0;
      d1 += tp->half_dif[m] * q1;
    }
    const Vec4 v0 = max4(max4(abs4(load4(x - TAPS / 2)), abs4(y0)), abs4(s0) + abs4(d0));
    const Vec4 v1 = max4(max4(abs4(load4(x + 4 - TAPS / 2)), abs4(y1)), abs4(s1) + abs4(d1));
    peak0 = max4(peak0, v0);
    peak1 = max4(peak1, v1);
  }
  const Vec4 p = max4(peak0, peak1);
  float m = 0.0f;
  for (int j = 0; j < 4; ++j) {
    m = p[j] > m ? p[j] : m;
  }
  for (; i < n; ++i) {
    const float v = output_peak(tp, buf + HISTORY + i);
    m = v > m ? v : m;
  }
  return m;
}

/* Largest magnitude of buf[0..n), four running maxima. */
static float
largest(const float *buf, size_t n)
{
  Vec4 lanes = {0.0f, 0.0f, 0.0f, 0.0f};
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    lanes = max4(lanes, abs4(load4(buf + i)));
  }
  float m = 0.0f;
  for (int j = 0; j < 4; ++j) {
    m = lanes[j] > m ? lanes[j] : m;
  }
  for (; i < n; ++i) {
    const float a = fabsf(buf[i]);
    m = a > m ? a : m;
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
  const float reach = largest(buf, HISTORY + n);
  if (reach * tp->bound > ch->peak) {
    const float m = interpolated_peak(tp, buf, n);
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
