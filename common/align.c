/* Alignment features and constrained DTW: see align.h. */
#include "align.h"

#include "fft.h"
#include "ps_status.h"
#include "resample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ANALYSIS_RATE 16000.0
#define WINDOW 512
#define HOP ((int)ANALYSIS_RATE / PS_ALIGN_FRAME_RATE)
#define MELS PS_ALIGN_MELS
#define CEPS PS_ALIGN_CEPS
#define DELTA (PS_ALIGN_FRAME_RATE / 50)        /* frames each side for the change: 20 ms */
#define ONSET_DELTA (PS_ALIGN_FRAME_RATE / 100) /* and for the level's rise: 10 ms */
#define SMOOTH (3 * PS_ALIGN_FRAME_RATE / 200)  /* the map's smoothing, frames each side */

static double
hz_to_mel(double hz)
{
  return 2595.0 * log10(1.0 + hz / 700.0);
}

static double
mel_to_hz(double mel)
{
  return 700.0 * (pow(10.0, mel / 2595.0) - 1.0);
}

static int
compare_doubles(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

void
ps_align_mel_edges(double rate, size_t fft_size, double *edges)
{
  const double lo = hz_to_mel(100.0), hi = hz_to_mel(7000.0);
  for (int b = 0; b < MELS + 2; ++b) {
    edges[b] = mel_to_hz(lo + (hi - lo) * b / (MELS + 1)) * (double)fft_size / rate;
  }
}

void
ps_align_mel_bands(const double *edges, const float *spec, size_t fft_size, double *mel)
{
  const long long last = (long long)(fft_size / 2);
  for (int b = 0; b < MELS; ++b) {
    double e = 0.0;
    const long long k0 = (long long)floor(edges[b]), k2 = (long long)ceil(edges[b + 2]);
    for (long long k = k0 < 1 ? 1 : k0; k <= k2 && k <= last; ++k) {
      double g = 0.0;
      if (k >= edges[b] && k <= edges[b + 1]) {
        g = (k - edges[b]) / (edges[b + 1] - edges[b]);
      } else if (k > edges[b + 1] && k <= edges[b + 2]) {
        g = (edges[b + 2] - k) / (edges[b + 2] - edges[b + 1]);
      }
      const double re = spec[2 * k], im = spec[2 * k + 1];
      e += g * (re * re + im * im);
    }
    mel[b] = e;
  }
}

void
ps_align_cepstrum(const double *log_mel, double *ceps)
{
  for (int c = 1; c <= CEPS; ++c) {
    double v = 0.0;
    for (int b = 0; b < MELS; ++b) {
      v += log_mel[b] * cos(3.14159265358979323846 * c * (b + 0.5) / MELS);
    }
    ceps[c - 1] = v;
  }
}

/* The mel band powers of x, every HOP at ANALYSIS_RATE: mel[count * MELS]
   (the caller frees it). */
static int
mel_powers(const float *x, size_t n, double rate, double **mel_out, size_t *count_out)
{
  *mel_out = NULL;
  *count_out = 0;
  if (!x || !(rate >= 8000.0 && rate <= 768000.0)) {
    return PS_ERR_ARG;
  }
  float *y = NULL;
  size_t len = 0;
  const int rs = ps_resample(x, n, ANALYSIS_RATE / rate, PS_RESAMPLE_MEDIUM, &y, &len);
  if (rs) {
    return rs;
  }
  const size_t count = len / HOP + 1;
  double *mel = (double *)calloc(count * MELS, sizeof(double));
  PsFft *fft = NULL;
  int st = ps_fft_init(&fft, WINDOW);
  if (!st && !mel) {
    st = PS_ERR_NOMEM;
  }
  if (st) {
    free(y);
    free(mel);
    ps_fft_free(&fft);
    return st;
  }
  double edges[PS_ALIGN_MELS + 2];
  ps_align_mel_edges(ANALYSIS_RATE, WINDOW, edges);
  float *t = ps_fft_time(fft);
  const float *spec = ps_fft_spectrum(fft);
  for (size_t f = 0; f < count; ++f) {
    /* frame centred on f * HOP */
    for (int i = 0; i < WINDOW; ++i) {
      const long long at = (long long)(f * HOP) - WINDOW / 2 + i;
      const double w = 0.5 - 0.5 * cos(2.0 * 3.14159265358979323846 * (i + 0.5) / WINDOW);
      t[i] = at >= 0 && (size_t)at < len ? (float)(w * (double)y[at]) : 0.0f;
    }
    ps_fft_forward(fft);
    ps_align_mel_bands(edges, spec, WINDOW, mel + f * MELS);
  }
  free(y);
  ps_fft_free(&fft);
  *mel_out = mel;
  *count_out = count;
  return PS_OK;
}

/* Each band's noise (10th percentile of its power) and speech level (95th
   percentile) over the file, far above denormals. */
static int
band_levels(const double *mel, size_t count, double *noise, double *level)
{
  double *sorted = (double *)malloc(count * sizeof(double));
  if (!sorted) {
    return PS_ERR_NOMEM;
  }
  for (int b = 0; b < MELS; ++b) {
    for (size_t f = 0; f < count; ++f) {
      sorted[f] = mel[f * MELS + b];
    }
    qsort(sorted, count, sizeof(double), compare_doubles);
    noise[b] = fmax(sorted[count / 10], 1e-12);
    level[b] = fmax(sorted[count * 95 / 100], noise[b]);
  }
  free(sorted);
  return PS_OK;
}

/* The features of mel (logged with floor[b] added to each band's power),
   normalised over the file; *features allocated. */
static int
features_from(double *mel, size_t count, const double *floor, float **features)
{
  float *out = (float *)calloc(count * PS_ALIGN_DIMS, sizeof(float));
  double *ceps = (double *)calloc(count * CEPS, sizeof(double));
  double *c0 = (double *)calloc(count, sizeof(double));
  if (!out || !ceps || !c0) {
    free(out);
    free(ceps);
    free(c0);
    return PS_ERR_NOMEM;
  }
  for (size_t f = 0; f < count; ++f) {
    double e = 0.0;
    for (int b = 0; b < MELS; ++b) {
      mel[f * MELS + b] = log(mel[f * MELS + b] + floor[b]);
      e += mel[f * MELS + b];
    }
    c0[f] = e / MELS;
    ps_align_cepstrum(mel + f * MELS, ceps + f * CEPS);
  }
  for (size_t f = 0; f < count; ++f) {
    const size_t a = f >= DELTA ? f - DELTA : 0, z = f + DELTA < count ? f + DELTA : count - 1;
    const double span = (double)(z - a > 0 ? z - a : 1);
    for (int c = 0; c < CEPS; ++c) {
      out[f * PS_ALIGN_DIMS + c] = (float)ceps[f * CEPS + c];
      out[f * PS_ALIGN_DIMS + CEPS + c] = (float)((ceps[z * CEPS + c] - ceps[a * CEPS + c]) / span);
    }
    /* the rise of the level over +-10 ms, falls left out: reverberation
       draws falls out, a rise is the direct sound's */
    const size_t ar = f >= ONSET_DELTA ? f - ONSET_DELTA : 0;
    const size_t zr = f + ONSET_DELTA < count ? f + ONSET_DELTA : count - 1;
    const double rise = fmax(0.0, (c0[zr] - c0[ar]) / (double)(zr - ar > 0 ? zr - ar : 1));
    for (int d = 2 * CEPS; d < PS_ALIGN_DIMS; ++d) {
      out[f * PS_ALIGN_DIMS + d] = (float)rise;
    }
  }
  /* every dimension to mean 0, deviation 1 over the file */
  for (int d = 0; d < PS_ALIGN_DIMS; ++d) {
    double sum = 0.0, sum2 = 0.0;
    for (size_t f = 0; f < count; ++f) {
      const double v = out[f * PS_ALIGN_DIMS + d];
      sum += v;
      sum2 += v * v;
    }
    const double mean = sum / (double)count;
    const double var = sum2 / (double)count - mean * mean;
    const double scale = var > 1e-12 ? 1.0 / sqrt(var) : 0.0;
    for (size_t f = 0; f < count; ++f) {
      out[f * PS_ALIGN_DIMS + d] = (float)(((double)out[f * PS_ALIGN_DIMS + d] - mean) * scale);
    }
  }
  free(ceps);
  free(c0);
  *features = out;
  return PS_OK;
}

int
ps_align_features(const float *x, size_t n, double rate, float **features, size_t *frames)
{
  if (!x || !features || !frames) {
    return PS_ERR_ARG;
  }
  *features = NULL;
  *frames = 0;
  double *mel = NULL, noise[MELS], level[MELS];
  size_t count = 0;
  int st = mel_powers(x, n, rate, &mel, &count);
  if (!st) {
    st = band_levels(mel, count, noise, level);
  }
  if (!st) {
    st = features_from(mel, count, noise, features);
  }
  free(mel);
  if (!st) {
    *frames = count;
  }
  return st;
}

void
ps_align_joint_floors(const double *noise_a, const double *level_a, const double *noise_b,
                      const double *level_b, double *floor_a, double *floor_b)
{
  for (int b = 0; b < MELS; ++b) {
    const double rel = fmax(noise_a[b] / level_a[b], noise_b[b] / level_b[b]);
    floor_a[b] = fmax(2.0 * rel * level_a[b] - noise_a[b], noise_a[b]);
    floor_b[b] = fmax(2.0 * rel * level_b[b] - noise_b[b], noise_b[b]);
  }
}

int
ps_align_features_pair(const float *guide, size_t n_guide, double rate_guide, const float *take,
                       size_t n_take, double rate_take, float **f_guide, size_t *frames_guide,
                       float **f_take, size_t *frames_take)
{
  if (!f_guide || !frames_guide || !f_take || !frames_take) {
    return PS_ERR_ARG;
  }
  *f_guide = *f_take = NULL;
  *frames_guide = *frames_take = 0;
  double *mg = NULL, *mt = NULL;
  size_t cg = 0, ct = 0;
  double ng[MELS], lg[MELS], nt[MELS], lt[MELS], fg[MELS], ft[MELS];
  int st = mel_powers(guide, n_guide, rate_guide, &mg, &cg);
  if (!st) {
    st = mel_powers(take, n_take, rate_take, &mt, &ct);
  }
  if (!st) {
    st = band_levels(mg, cg, ng, lg);
  }
  if (!st) {
    st = band_levels(mt, ct, nt, lt);
  }
  if (!st) {
    ps_align_joint_floors(ng, lg, nt, lt, fg, ft);
    st = features_from(mg, cg, fg, f_guide);
  }
  if (!st) {
    st = features_from(mt, ct, ft, f_take);
  }
  free(mg);
  free(mt);
  if (st) {
    free(*f_guide);
    free(*f_take);
    *f_guide = *f_take = NULL;
    return st;
  }
  *frames_guide = cg;
  *frames_take = ct;
  return PS_OK;
}

static double
distance(const float *a, const float *b)
{
  double d = 0.0;
  for (int k = 0; k < PS_ALIGN_DIMS; ++k) {
    const double e = (double)a[k] - (double)b[k];
    d += e * e;
  }
  return sqrt(d / PS_ALIGN_DIMS);
}

int
ps_align_dtw(const float *g, size_t n, const float *tk, size_t m, size_t w, double *take_frame,
             double *cost)
{
  if (!g || !tk || !take_frame || n < 2 || m < 2 || n > 2 * m || m > 2 * n) {
    return PS_ERR_ARG;
  }
  /* the band: for guide frame i, take frames [centre(i) - w, centre(i) + w] */
  const size_t width = 2 * w + 1;
  double *D = (double *)malloc(n * width * sizeof(double));
  double *dist = (double *)malloc(n * width * sizeof(double));
  long long *first = (long long *)malloc(n * sizeof(long long));
  if (!D || !dist || !first) {
    free(D);
    free(dist);
    free(first);
    return PS_ERR_NOMEM;
  }
  for (size_t i = 0; i < n; ++i) {
    first[i] = llround((double)i * (double)(m - 1) / (double)(n - 1)) - (long long)w;
  }
#define CELL(arr, i, j)                                                                   \
  ((j) < first[i] || (j) >= first[i] + (long long)width || (j) < 0 || (j) >= (long long)m \
     ? NULL                                                                               \
     : &(arr)[(i) * width + (size_t)((j) - first[i])])
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < width; ++k) {
      const long long j = first[i] + (long long)k;
      D[i * width + k] = HUGE_VAL;
      dist[i * width + k] = j >= 0 && j < (long long)m
                              ? distance(g + i * PS_ALIGN_DIMS, tk + (size_t)j * PS_ALIGN_DIMS)
                              : HUGE_VAL;
    }
  }
  double *d00 = CELL(D, 0, 0);
  if (!d00) {
    free(D);
    free(dist);
    free(first);
    return PS_ERR_ARG;
  }
  *d00 = 2.0 * *CELL(dist, 0, 0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < width; ++k) {
      const long long j = first[i] + (long long)k;
      if (j < 0 || j >= (long long)m || (i == 0 && j == 0)) {
        continue;
      }
      const double dij = dist[i * width + k];
      double best = HUGE_VAL;
      const double *p;
      if (i >= 1 && j >= 1 && (p = CELL(D, i - 1, j - 1)) && *p < HUGE_VAL) {
        best = fmin(best, *p + 2.0 * dij);
      }
      if (i >= 2 && j >= 1 && (p = CELL(D, i - 2, j - 1)) && *p < HUGE_VAL) {
        const double *q = CELL(dist, i - 1, j);
        if (q) {
          best = fmin(best, *p + 2.0 * *q + dij);
        }
      }
      if (i >= 1 && j >= 2 && (p = CELL(D, i - 1, j - 2)) && *p < HUGE_VAL) {
        const double *q = CELL(dist, i, j - 1);
        if (q) {
          best = fmin(best, *p + 2.0 * *q + dij);
        }
      }
      D[i * width + k] = best;
    }
  }
  const double *end = CELL(D, n - 1, (long long)m - 1);
  if (!end || !(*end < HUGE_VAL)) {
    free(D);
    free(dist);
    free(first);
    return PS_ERR_ARG;
  }
  if (cost) {
    *cost = *end / (double)(n + m);
  }
  /* back from the end: the take frame(s) of each guide frame */
  double *sum = (double *)calloc(n, sizeof(double));
  double *hits = (double *)calloc(n, sizeof(double));
  if (!sum || !hits) {
    free(sum);
    free(hits);
    free(D);
    free(dist);
    free(first);
    return PS_ERR_NOMEM;
  }
  long long i = (long long)n - 1, j = (long long)m - 1;
  for (;;) {
    sum[i] += (double)j;
    hits[i] += 1.0;
    if (i == 0 && j == 0) {
      break;
    }
    const double here = *CELL(D, i, j), dij = *CELL(dist, i, j);
    const double *p, *q;
    if (i >= 1 && j >= 1 && (p = CELL(D, i - 1, j - 1)) && fabs(*p + 2.0 * dij - here) < 1e-9 * (1.0 + here)) {
      --i;
      --j;
    } else if (i >= 2 && j >= 1 && (p = CELL(D, i - 2, j - 1)) && (q = CELL(dist, i - 1, j)) &&
               fabs(*p + 2.0 * *q + dij - here) < 1e-9 * (1.0 + here)) {
      sum[i - 1] += (double)j - 0.5; /* the middle step */
      hits[i - 1] += 1.0;
      i -= 2;
      j -= 1;
    } else if (i >= 1 && j >= 2) {
      sum[i] += (double)j - 1.0;
      hits[i] += 1.0;
      i -= 1;
      j -= 2;
    } else {
      break; /* not reached: the path starts at (0, 0) */
    }
  }
  for (size_t k = 0; k < n; ++k) {
    take_frame[k] = hits[k] > 0.0 ? sum[k] / hits[k] : (k ? take_frame[k - 1] : 0.0);
  }
  /* smoothed over +-15 ms, then strictly increasing */
  double *smooth = sum; /* reuse */
  for (size_t k = 0; k < n; ++k) {
    const size_t a = k >= SMOOTH ? k - SMOOTH : 0, z = k + SMOOTH < n ? k + SMOOTH : n - 1;
    double s = 0.0;
    for (size_t q2 = a; q2 <= z; ++q2) {
      s += take_frame[q2];
    }
    smooth[k] = s / (double)(z - a + 1);
  }
  for (size_t k = 0; k < n; ++k) {
    take_frame[k] = smooth[k];
    if (k && !(take_frame[k] > take_frame[k - 1])) {
      take_frame[k] = take_frame[k - 1] + 0.01;
    }
  }
#undef CELL
  free(sum);
  free(hits);
  free(D);
  free(dist);
  free(first);
  return PS_OK;
}
