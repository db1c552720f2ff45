/* Signal tools of the dialogue generator (see dsp.h). */
#include "dsp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double pi = 3.14159265358979323846;

/* --- random numbers ------------------------------------------------------ */

static uint64_t
splitmix64(uint64_t *x)
{
  uint64_t z = (*x += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

void
dlg_rng_seed(DlgRng *rng, uint64_t seed, const char *stream, unsigned index)
{
  uint64_t name = 0xCBF29CE484222325u; /* FNV-1a */
  for (const char *c = stream; *c; ++c) {
    name = (name ^ (uint64_t)(unsigned char)*c) * 0x100000001B3u;
  }
  uint64_t x = seed ^ (name * 0x9E3779B97F4A7C15u) ^ ((uint64_t)index * 0xD1B54A32D192ED03u);
  for (int i = 0; i < 4; ++i) {
    rng->s[i] = splitmix64(&x);
  }
}

static uint64_t
rotl(uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

uint64_t
dlg_rng_next(DlgRng *rng)
{
  uint64_t *s = rng->s;
  const uint64_t result = rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double
dlg_rng_uniform(DlgRng *rng)
{
  return (double)(dlg_rng_next(rng) >> 11) * 0x1.0p-53;
}

double
dlg_rng_range(DlgRng *rng, double lo, double hi)
{
  return lo + (hi - lo) * dlg_rng_uniform(rng);
}

int
dlg_rng_int(DlgRng *rng, int n)
{
  return (int)(dlg_rng_uniform(rng) * (double)n);
}

double
dlg_rng_noise(DlgRng *rng)
{
  return (2.0 * dlg_rng_uniform(rng) - 1.0) * 1.7320508075688772;
}

/* --- biquads ------------------------------------------------------------- */

void
dlg_biquad_design(DlgBiquad *f, DlgFilterKind kind, double hz, double q, double rate)
{
  if (hz > 0.45 * rate) {
    hz = 0.45 * rate;
  }
  const double w0 = 2.0 * pi * hz / rate;
  const double cw = cos(w0);
  const double alpha = sin(w0) / (2.0 * q);
  const double a0 = 1.0 + alpha;
  double b0 = 0.0, b1 = 0.0, b2 = 0.0;
  switch (kind) {
  case DLG_LOWPASS:
    b0 = b2 = (1.0 - cw) / 2.0;
    b1 = 1.0 - cw;
    break;
  case DLG_HIGHPASS:
    b0 = b2 = (1.0 + cw) / 2.0;
    b1 = -(1.0 + cw);
    break;
  case DLG_BANDPASS:
    b0 = alpha;
    b2 = -alpha;
    break;
  }
  memset(f, 0, sizeof(*f));
  f->b0 = b0 / a0;
  f->b1 = b1 / a0;
  f->b2 = b2 / a0;
  f->a1 = -2.0 * cw / a0;
  f->a2 = (1.0 - alpha) / a0;
}

double
dlg_biquad_run(DlgBiquad *f, double x)
{
  const double y = f->b0 * x + f->b1 * f->x1 + f->b2 * f->x2 - f->a1 * f->y1 - f->a2 * f->y2;
  f->x2 = f->x1;
  f->x1 = x;
  f->y2 = f->y1;
  f->y1 = fabs(y) < 1e-30 ? 0.0 : y; /* no denormals in long decays */
  return y;
}

double
dlg_butterworth_q(unsigned order, unsigned k)
{
  return 1.0 / (2.0 * sin(pi * (2.0 * k + 1.0) / (2.0 * order)));
}

/* --- resampling ---------------------------------------------------------- */

enum { HALF_TAPS = 32, TAPS = 2 * HALF_TAPS, PHASES = 1024 };

static double
bessel_i0(double x)
{
  double sum = 1.0, term = 1.0;
  for (int k = 1; k < 60; ++k) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
    if (term < sum * 1e-17) {
      break;
    }
  }
  return sum;
}

/* The TAPS coefficients for an output lying `frac` (0..1) of an input
   sample after input sample HALF_TAPS - 1 of the window; they sum to 1 so
   that DC passes exactly. */
static void
sinc_row(double *row, double frac)
{
  const double cutoff = 0.45; /* of the input rate */
  const double beta = 8.96;   /* Kaiser: 90 dB stop band */
  const double norm = bessel_i0(beta);
  double sum = 0.0;
  for (int k = 0; k < TAPS; ++k) {
    const double u = frac + (HALF_TAPS - 1) - k;
    const double r = u / HALF_TAPS;
    const double window = fabs(r) < 1.0 ? bessel_i0(beta * sqrt(1.0 - r * r)) / norm : 0.0;
    const double x = 2.0 * cutoff * u;
    const double sinc = fabs(x) < 1e-12 ? 1.0 : sin(pi * x) / (pi * x);
    row[k] = 2.0 * cutoff * sinc * window;
    sum += row[k];
  }
  for (int k = 0; k < TAPS; ++k) {
    row[k] /= sum;
  }
}

static unsigned
gcd(unsigned a, unsigned b)
{
  while (b) {
    const unsigned t = a % b;
    a = b;
    b = t;
  }
  return a;
}

size_t
dlg_resample(const float *in, size_t n_in, unsigned rate_in, unsigned rate_out, float **out)
{
  *out = NULL;
  if (!n_in || rate_out < rate_in) {
    return 0;
  }
  const size_t n_out = (size_t)(((uint64_t)(n_in - 1) * rate_out) / rate_in) + 1;
  float *y = (float *)malloc(n_out * sizeof(float));
  if (!y) {
    return 0;
  }
  if (rate_in == rate_out) {
    memcpy(y, in, n_in * sizeof(float));
    *out = y;
    return n_out;
  }
  /* Output j lies at input time j rate_in / rate_out, whose fraction is a
     multiple of 1/L, L = rate_out / gcd: one exact row per phase when L is
     small (48 kHz from 22.05 kHz: L = 320), else rows on a 1/1024 grid,
     interpolated. */
  const unsigned g = gcd(rate_in, rate_out);
  const unsigned exact = rate_out / g <= 4096 ? rate_out / g : 0;
  const unsigned rows = exact ? exact : PHASES + 1;
  double *table = (double *)malloc((size_t)rows * TAPS * sizeof(double));
  if (!table) {
    free(y);
    return 0;
  }
  for (unsigned p = 0; p < rows; ++p) {
    sinc_row(table + (size_t)p * TAPS, (double)p / (exact ? exact : PHASES));
  }
  double interpolated[TAPS];
  for (size_t j = 0; j < n_out; ++j) {
    const uint64_t num = (uint64_t)j * rate_in;
    const int64_t i0 = (int64_t)(num / rate_out);
    const uint64_t rem = num % rate_out;
    const double *coef;
    if (exact) {
      coef = table + (size_t)(rem / g) * TAPS;
    } else {
      const double phase = (double)rem / rate_out * PHASES;
      const int p = (int)phase;
      const double w = phase - p;
      const double *r0 = table + (size_t)p * TAPS;
      const double *r1 = r0 + TAPS;
      for (int k = 0; k < TAPS; ++k) {
        interpolated[k] = r0[k] + w * (r1[k] - r0[k]);
      }
      coef = interpolated;
    }
    const int64_t first = i0 - (HALF_TAPS - 1);
    double acc = 0.0;
    if (first >= 0 && first + TAPS <= (int64_t)n_in) {
      const float *x = in + first;
      for (int k = 0; k < TAPS; ++k) {
        acc += coef[k] * (double)x[k];
      }
    } else {
      for (int k = 0; k < TAPS; ++k) {
        const int64_t i = first + k;
        if (i >= 0 && i < (int64_t)n_in) {
          acc += coef[k] * (double)in[i];
        }
      }
    }
    y[j] = (float)acc;
  }
  free(table);
  *out = y;
  return n_out;
}

/* --- convolution --------------------------------------------------------- */

/* In-place radix-2 FFT of n = 2^k points; twiddles tw[k] = exp(-2 pi i k/n)
   for k < n/2 (conjugated for the inverse, which is unscaled). */
static void
fft(double *re, double *im, size_t n, const double *tw_re, const double *tw_im, int inverse)
{
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) {
      j ^= bit;
    }
    j ^= bit;
    if (i < j) {
      double t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  const double sign = inverse ? -1.0 : 1.0;
  for (size_t len = 2; len <= n; len <<= 1) {
    const size_t half = len >> 1;
    const size_t step = n / len;
    for (size_t i = 0; i < n; i += len) {
      for (size_t k = 0; k < half; ++k) {
        const double wr = tw_re[k * step];
        const double wi = sign * tw_im[k * step];
        const size_t a = i + k, b = a + half;
        const double xr = re[b] * wr - im[b] * wi;
        const double xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

int
dlg_power_spectrum(const double *x, size_t m, size_t n, double *power)
{
  if (m > n || n < 2 || (n & (n - 1))) {
    return -1;
  }
  double *buf = (double *)calloc(3 * n, sizeof(double));
  if (!buf) {
    return -1;
  }
  double *re = buf, *im = buf + n, *tw_re = buf + 2 * n, *tw_im = tw_re + n / 2;
  for (size_t k = 0; k < n / 2; ++k) {
    tw_re[k] = cos(2.0 * pi * (double)k / (double)n);
    tw_im[k] = -sin(2.0 * pi * (double)k / (double)n);
  }
  memcpy(re, x, m * sizeof(double));
  fft(re, im, n, tw_re, tw_im, 0);
  for (size_t k = 0; k <= n / 2; ++k) {
    power[k] = re[k] * re[k] + im[k] * im[k];
  }
  free(buf);
  return 0;
}

int
dlg_convolve(const float *x, size_t n, const double *h, size_t m, float *y)
{
  size_t size = 2;
  while (size < 2 * m) {
    size <<= 1;
  }
  const size_t block = size - m + 1;
  double *buf = (double *)calloc(6 * size, sizeof(double));
  double *acc = (double *)calloc(n + size, sizeof(double));
  if (!buf || !acc) {
    free(buf);
    free(acc);
    return -1;
  }
  double *hr = buf, *hi = buf + size, *xr = buf + 2 * size, *xi = buf + 3 * size;
  double *tw_re = buf + 4 * size, *tw_im = buf + 5 * size;
  for (size_t k = 0; k < size / 2; ++k) {
    tw_re[k] = cos(2.0 * pi * (double)k / (double)size);
    tw_im[k] = -sin(2.0 * pi * (double)k / (double)size);
  }
  for (size_t k = 0; k < m; ++k) {
    hr[k] = h[k];
  }
  fft(hr, hi, size, tw_re, tw_im, 0);
  /* Two real blocks at once: one in the real part, the next in the
     imaginary part; h is real, so their convolutions stay apart. */
  for (size_t start = 0; start < n; start += 2 * block) {
    memset(xr, 0, 2 * size * sizeof(double));
    for (size_t k = 0; k < block && start + k < n; ++k) {
      xr[k] = (double)x[start + k];
    }
    for (size_t k = 0; k < block && start + block + k < n; ++k) {
      xi[k] = (double)x[start + block + k];
    }
    fft(xr, xi, size, tw_re, tw_im, 0);
    for (size_t k = 0; k < size; ++k) {
      const double r = xr[k] * hr[k] - xi[k] * hi[k];
      xi[k] = xr[k] * hi[k] + xi[k] * hr[k];
      xr[k] = r;
    }
    fft(xr, xi, size, tw_re, tw_im, 1);
    const double scale = 1.0 / (double)size;
    for (size_t k = 0; k < size && start + k < n; ++k) {
      acc[start + k] += xr[k] * scale;
    }
    for (size_t k = 0; k < size && start + block + k < n; ++k) {
      acc[start + block + k] += xi[k] * scale;
    }
  }
  for (size_t k = 0; k < n; ++k) {
    y[k] = (float)acc[k];
  }
  free(buf);
  free(acc);
  return 0;
}

/* --- active level -------------------------------------------------------- */

double
dlg_active_rms(const float *x, size_t n, double rate)
{
  size_t len = (size_t)(rate / 100.0);
  if (len < 1) {
    len = 1;
  }
  const size_t frames = n / len ? n / len : 1;
  if (n < len) {
    len = n;
  }
  if (!len) {
    return 0.0;
  }
  double *power = (double *)malloc(frames * sizeof(double));
  if (!power) {
    return 0.0;
  }
  double level = 0.0;
  for (size_t f = 0; f < frames; ++f) {
    double sum = 0.0;
    for (size_t i = 0; i < len; ++i) {
      sum += (double)x[f * len + i] * (double)x[f * len + i];
    }
    power[f] = sum / (double)len;
    level += power[f];
  }
  level /= (double)frames;
  const double margin = pow(10.0, -15.9 / 10.0);
  for (int iteration = 0; iteration < 1000 && level > 0.0; ++iteration) {
    double sum = 0.0;
    size_t count = 0;
    for (size_t f = 0; f < frames; ++f) {
      if (power[f] >= level * margin) {
        sum += power[f];
        ++count;
      }
    }
    const double next = sum / (double)count;
    if (next <= level) {
      break;
    }
    level = next;
  }
  free(power);
  return sqrt(level);
}
