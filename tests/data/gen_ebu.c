/* Writes synthesised EBU Tech 3341 / 3342 cases as 32-bit float WAV files.

   usage: gen_ebu RATE DIR [CASE...]      writes DIR/CASE.wav
          gen_ebu --list                  prints every case and its checks */
#include "ebu_cases.h"

#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
write_case(const EbuCase *c, double rate, const char *dir)
{
  float *x = NULL;
  const size_t frames = ebu_case_render(c, rate, &x);
  if (!frames) {
    fprintf(stderr, "gen_ebu: cannot render %s\n", c->name);
    return 1;
  }
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s.wav", dir, c->name);
  SF_INFO info;
  memset(&info, 0, sizeof(info));
  info.samplerate = (int)rate;
  info.channels = (int)c->channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
  if (!sf || sf_writef_float(sf, x, (sf_count_t)frames) != (sf_count_t)frames) {
    fprintf(stderr, "gen_ebu: cannot write %s: %s\n", path, sf_strerror(sf));
    free(x);
    return 1;
  }
  sf_close(sf);
  free(x);
  return 0;
}

int
main(int argc, char **argv)
{
  size_t n;
  const EbuCase *all = ebu_cases(&n);
  if (argc == 2 && !strcmp(argv[1], "--list")) {
    /* name channels measure want below above after */
    for (size_t i = 0; i < n; ++i) {
      for (unsigned k = 0; k < all[i].n_checks; ++k) {
        const EbuCheck *ck = &all[i].checks[k];
        printf("%s %u %s %g %g %g %g\n", all[i].name, all[i].channels,
               ebu_measure_name(ck->measure), ck->want, ck->below, ck->above, ck->after);
      }
    }
    return 0;
  }
  if (argc < 3) {
    fprintf(stderr, "usage: gen_ebu RATE DIR [CASE...] | gen_ebu --list\n");
    return 2;
  }
  const double rate = atof(argv[1]);
  int st = 0;
  if (argc > 3) {
    for (int i = 3; i < argc; ++i) {
      const EbuCase *c = ebu_case_find(argv[i]);
      st |= c ? write_case(c, rate, argv[2]) : 1;
    }
  } else {
    for (size_t i = 0; i < n; ++i) {
      st |= write_case(&all[i], rate, argv[2]);
    }
  }
  return st;
}
