/* wavcmp: checks that two sound files hold the same audio.

   usage: wavcmp [--skip-b N] A.wav B.wav
   Same rate, channel count and length, and every sample bit-identical;
   with --skip-b, B's first N frames are left out and the rest compared
   with the whole of A (a run that started N frames later, compared
   without re-encoding it). */
#include <sndfile.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static SNDFILE *
open_file(const char *path, SF_INFO *info)
{
  memset(info, 0, sizeof(*info));
  SNDFILE *file = sf_open(path, SFM_READ, info);
  if (!file) {
    fprintf(stderr, "wavcmp: cannot open %s: %s\n", path, sf_strerror(NULL));
    exit(2);
  }
  return file;
}

int
main(int argc, char **argv)
{
  long long skip = 0;
  if (argc == 5 && !strcmp(argv[1], "--skip-b")) {
    char *end = NULL;
    skip = strtoll(argv[2], &end, 10);
    if (!end || *end || skip < 0) {
      fputs("wavcmp: --skip-b needs a whole number of frames\n", stderr);
      return 2;
    }
    argv += 2;
    argc -= 2;
  }
  if (argc != 3) {
    fputs("usage: wavcmp [--skip-b N] A.wav B.wav\n", stderr);
    return 2;
  }
  SF_INFO ia, ib;
  SNDFILE *a = open_file(argv[1], &ia);
  SNDFILE *b = open_file(argv[2], &ib);
  if (skip > (long long)ib.frames || sf_seek(b, (sf_count_t)skip, SEEK_SET) != (sf_count_t)skip) {
    fprintf(stderr, "wavcmp: cannot skip %lld frames of %s\n", skip, argv[2]);
    return 2;
  }
  ib.frames -= (sf_count_t)skip;
  if (ia.samplerate != ib.samplerate || ia.channels != ib.channels || ia.frames != ib.frames) {
    fprintf(stderr, "wavcmp: %s is %d Hz x %d x %lld frames, %s is %d Hz x %d x %lld frames\n",
            argv[1], ia.samplerate, ia.channels, (long long)ia.frames, argv[2], ib.samplerate,
            ib.channels, (long long)ib.frames);
    return 1;
  }
  enum { CHUNK = 4096 };
  float *xa = (float *)calloc((size_t)CHUNK * (size_t)ia.channels, sizeof(float));
  float *xb = (float *)calloc((size_t)CHUNK * (size_t)ia.channels, sizeof(float));
  int status = xa && xb ? 0 : 2;
  long long frame = 0;
  while (!status) {
    const sf_count_t na = sf_readf_float(a, xa, CHUNK);
    const sf_count_t nb = sf_readf_float(b, xb, CHUNK);
    if (na != nb) {
      status = 1;
      fputs("wavcmp: read lengths differ\n", stderr);
      break;
    }
    if (na <= 0) {
      break;
    }
    for (sf_count_t i = 0; i < na * ia.channels; ++i) {
      if (memcmp(&xa[i], &xb[i], sizeof(float))) {
        fprintf(stderr, "wavcmp: frame %lld channel %d: %.9g != %.9g\n",
                frame + (long long)(i / ia.channels), (int)(i % ia.channels), (double)xa[i],
                (double)xb[i]);
        status = 1;
        break;
      }
    }
    frame += (long long)na;
  }
  free(xa);
  free(xb);
  sf_close(a);
  sf_close(b);
  return status;
}
