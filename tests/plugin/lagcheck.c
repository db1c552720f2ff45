/* lagcheck: the delay of one recording against another, by the peak of
   their cross-correlation.

   usage: lagcheck A.wav B.wav MAX_LAG [EXPECTED]

   Prints the lag L in [-MAX_LAG, MAX_LAG] samples that maximises
   |sum_t a[t] b[t + L]| over the first channel (B later than A by L);
   exit status 1 when EXPECTED is given and differs, 2 on bad input. */
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>

static float *
load(const char *path, sf_count_t *frames)
{
  SF_INFO info = {0};
  SNDFILE *f = sf_open(path, SFM_READ, &info);
  if (!f) {
    fprintf(stderr, "lagcheck: cannot read %s\n", path);
    return NULL;
  }
  float *all = (float *)malloc((size_t)(info.frames * info.channels) * sizeof(float));
  float *first = (float *)malloc((size_t)info.frames * sizeof(float));
  if (!all || !first || sf_readf_float(f, all, info.frames) != info.frames) {
    fprintf(stderr, "lagcheck: cannot read %s\n", path);
    free(all);
    free(first);
    sf_close(f);
    return NULL;
  }
  for (sf_count_t i = 0; i < info.frames; ++i) {
    first[i] = all[i * info.channels];
  }
  free(all);
  sf_close(f);
  *frames = info.frames;
  return first;
}

int
main(int argc, char **argv)
{
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: lagcheck A.wav B.wav MAX_LAG [EXPECTED]\n");
    return 2;
  }
  const long max_lag = strtol(argv[3], NULL, 10);
  sf_count_t na = 0, nb = 0;
  float *a = load(argv[1], &na);
  float *b = load(argv[2], &nb);
  if (!a || !b || max_lag < 0) {
    return 2;
  }
  long best = 0;
  double best_value = -1.0;
  for (long lag = -max_lag; lag <= max_lag; ++lag) {
    double s = 0.0;
    for (sf_count_t t = 0; t < na; ++t) {
      const sf_count_t u = t + lag;
      if (u >= 0 && u < nb) {
        s += (double)a[t] * (double)b[u];
      }
    }
    if (fabs(s) > best_value) {
      best_value = fabs(s);
      best = lag;
    }
  }
  free(a);
  free(b);
  printf("lag %ld\n", best);
  if (argc == 5 && best != strtol(argv[4], NULL, 10)) {
    fprintf(stderr, "lagcheck: lag %ld, expected %s\n", best, argv[4]);
    return 1;
  }
  return 0;
}
