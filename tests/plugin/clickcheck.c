/* clickcheck: finds clicks in a recorded sine.

   usage: clickcheck FILE.wav FREQ_HZ MAX_RESIDUAL [SKIP_SECONDS]

   A sine of constant amplitude satisfies y[t] = 2 cos(w) y[t-1] - y[t-2]
   exactly; a slow change of amplitude (a crossfade over tens of ms) leaves
   a residual of the order of the change per sample, a step (a click, a
   filter switched at once) one of the order of the step.  Prints the
   largest |residual| over the first channel, relative to the sine's peak
   amplitude, after SKIP_SECONDS (default 0.1: the filter's own onset);
   exit 1 when it exceeds MAX_RESIDUAL, 2 on bad input. */
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: clickcheck FILE.wav FREQ_HZ MAX_RESIDUAL [SKIP_SECONDS]\n");
    return 2;
  }
  SF_INFO info = {0};
  SNDFILE *f = sf_open(argv[1], SFM_READ, &info);
  if (!f) {
    fprintf(stderr, "clickcheck: cannot read %s\n", argv[1]);
    return 2;
  }
  const double freq = strtod(argv[2], NULL), limit = strtod(argv[3], NULL);
  const double skip = argc == 5 ? strtod(argv[4], NULL) : 0.1;
  float *all = (float *)malloc((size_t)(info.frames * info.channels) * sizeof(float));
  if (!all || sf_readf_float(f, all, info.frames) != info.frames || !(freq > 0.0)) {
    fprintf(stderr, "clickcheck: cannot read %s\n", argv[1]);
    return 2;
  }
  sf_close(f);
  const double c = 2.0 * cos(2.0 * 3.14159265358979323846 * freq / info.samplerate);
  const sf_count_t from = (sf_count_t)(skip * info.samplerate) + 2;
  double peak = 0.0, worst = 0.0;
  sf_count_t at = 0;
  for (sf_count_t t = from; t < info.frames; ++t) {
    const double y0 = all[t * info.channels];
    const double y1 = all[(t - 1) * info.channels];
    const double y2 = all[(t - 2) * info.channels];
    peak = fabs(y0) > peak ? fabs(y0) : peak;
    const double e = fabs(y0 - c * y1 + y2);
    if (e > worst) {
      worst = e;
      at = t;
    }
  }
  free(all);
  if (!(peak > 0.0)) {
    fprintf(stderr, "clickcheck: %s is silent\n", argv[1]);
    return 2;
  }
  const double relative = worst / peak;
  printf("largest residual %.2e of the peak, at %.4f s\n", relative,
         (double)at / info.samplerate);
  if (!(relative <= limit)) {
    fprintf(stderr, "clickcheck: residual %.2e exceeds %.2e\n", relative, limit);
    return 1;
  }
  return 0;
}
