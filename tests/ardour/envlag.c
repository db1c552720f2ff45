/* envlag: how far the speech of one recording lies from another's, when
   the two are different voices (a guide and an aligned ADR take), so that
   their waveforms do not correlate but their words start and stop
   together.

   usage: envlag [-a CH] [-b CH] A.wav B.wav MAX_MS

   Both are reduced to level envelopes, 5 ms frames of mean square in dB
   (channel CH of each, 1-based, default 1), each clipped from below at
   6 dB over its own 20th percentile, so a steady room tone under the
   words becomes one flat floor whatever its level.  Prints the lag L in
   [-MAX_MS, MAX_MS] (B later than A by L ms, to 0.1 ms by a parabola
   through the peak) that maximises the normalised cross-correlation of
   the two envelopes, and that correlation:

     lag_ms 1.3 corr 0.912

   Exit status 2 on bad input. */
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAME_MS 5.0

static int
cmp_double(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The envelope of channel `ch` of `path`, mean removed; NULL on error. */
static double *
envelope(const char *path, int ch, long *n_frames, double *rate, long *hop_frames)
{
  SF_INFO info = {0};
  SNDFILE *f = sf_open(path, SFM_READ, &info);
  if (!f) {
    fprintf(stderr, "envlag: cannot read %s: %s\n", path, sf_strerror(NULL));
    return NULL;
  }
  if (ch < 1 || ch > info.channels) {
    fprintf(stderr, "envlag: %s has %d channel(s), not %d\n", path, info.channels, ch);
    sf_close(f);
    return NULL;
  }
  const long hop = (long)lrint(info.samplerate * FRAME_MS / 1000.0);
  if (hop < 1) {
    fprintf(stderr, "envlag: %s: a rate of %d Hz is too low\n", path, info.samplerate);
    sf_close(f);
    return NULL;
  }
  const long n = (long)(info.frames / hop);
  float *block = (float *)malloc((size_t)(hop * info.channels) * sizeof(float));
  double *env = (double *)calloc((size_t)(n > 0 ? n : 1), sizeof(double));
  double *sorted = (double *)calloc((size_t)(n > 0 ? n : 1), sizeof(double));
  const char *problem = !block || !env || !sorted || n < 10 ? "is too short or out of memory" : NULL;
  for (long k = 0; k < n && !problem; ++k) {
    if (sf_readf_float(f, block, hop) != hop) {
      problem = "cannot be read";
      break;
    }
    double ms = 0.0;
    for (long i = 0; i < hop; ++i) {
      const double x = block[i * info.channels + (ch - 1)];
      ms += isfinite(x) ? x * x : 0.0;
    }
    env[k] = 10.0 * log10(ms / (double)hop + 1e-12);
  }
  sf_close(f);
  free(block);
  if (problem) {
    fprintf(stderr, "envlag: %s %s\n", path, problem);
    free(env);
    free(sorted);
    return NULL;
  }
  memcpy(sorted, env, (size_t)n * sizeof(double));
  qsort(sorted, (size_t)n, sizeof(double), cmp_double);
  const double floor_db = sorted[n / 5] + 6.0;
  free(sorted);
  double mean = 0.0;
  for (long k = 0; k < n; ++k) {
    env[k] = env[k] > floor_db ? env[k] : floor_db;
    mean += env[k];
  }
  mean /= (double)n;
  for (long k = 0; k < n; ++k) {
    env[k] -= mean;
  }
  *n_frames = n;
  *rate = info.samplerate;
  *hop_frames = hop;
  return env;
}

static double
correlation(const double *a, long na, const double *b, long nb, long lag)
{
  double ab = 0.0, aa = 0.0, bb = 0.0;
  for (long t = 0; t < na; ++t) {
    const long u = t + lag;
    if (u >= 0 && u < nb) {
      ab += a[t] * b[u];
      aa += a[t] * a[t];
      bb += b[u] * b[u];
    }
  }
  return aa > 0.0 && bb > 0.0 ? ab / sqrt(aa * bb) : 0.0;
}

int
main(int argc, char **argv)
{
  int ch_a = 1, ch_b = 1, i = 1;
  for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] && !argv[i][2]; i += 2) {
    if (argv[i][1] == 'a') {
      ch_a = atoi(argv[i + 1]);
    } else if (argv[i][1] == 'b') {
      ch_b = atoi(argv[i + 1]);
    } else {
      break;
    }
  }
  if (argc - i != 3) {
    fprintf(stderr, "usage: envlag [-a CH] [-b CH] A.wav B.wav MAX_MS\n");
    return 2;
  }
  char *end = NULL;
  const double max_ms = strtod(argv[i + 2], &end);
  if (!end || *end || !(max_ms >= 0.0) || max_ms > 60000.0) {
    fprintf(stderr, "envlag: MAX_MS must be a number of milliseconds, 0-60000\n");
    return 2;
  }
  long na = 0, nb = 0;
  double ra = 0.0, rb = 0.0;
  long hop = 0;
  double *a = envelope(argv[i], ch_a, &na, &ra, &hop);
  double *b = a ? envelope(argv[i + 1], ch_b, &nb, &rb, &hop) : NULL;
  if (!a || !b) {
    free(a);
    return 2;
  }
  if (ra != rb) {
    fprintf(stderr, "envlag: the two files' rates differ (%g, %g)\n", ra, rb);
    free(a);
    free(b);
    return 2;
  }
  const double frame_ms = 1000.0 * (double)hop / ra; /* 5 ms, within a sample */
  const long max_lag = (long)floor(max_ms / frame_ms);
  long best = 0;
  double best_c = -2.0;
  for (long lag = -max_lag; lag <= max_lag; ++lag) {
    const double c = correlation(a, na, b, nb, lag);
    if (c > best_c) {
      best_c = c;
      best = lag;
    }
  }
  double frac = 0.0;
  if (best > -max_lag && best < max_lag) {
    const double l = correlation(a, na, b, nb, best - 1);
    const double r = correlation(a, na, b, nb, best + 1);
    const double d = l - 2.0 * best_c + r;
    if (d < 0.0) {
      frac = 0.5 * (l - r) / d;
    }
  }
  printf("lag_ms %.1f corr %.3f\n", ((double)best + frac) * frame_ms, best_c);
  free(a);
  free(b);
  return 0;
}
