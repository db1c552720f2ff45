/* The anchor the lip-sync bench measures postsync align against: a plain
   MFCC + DTW + WSOLA aligner, made of the same engines with what is ours
   left out:
     - features: each track's own (ps_align_features: mel cepstrum c1..c12
       and its change, every band floored at its own 10th percentile), not
       the pair's joint floors, and without the level's rise (those
       dimensions zeroed);
     - warping: the symmetric DTW with slopes 1/2..2 in a +-2 s band,
       without the steps through the take's silence;
     - rendering: WSOLA through the map (tsm.h).

   usage: lipsync_reference GUIDE.wav TAKE.wav OUT.wav

   Both mono at the same rate (the bench brings the take to the guide's);
   OUT has the guide's length. */
#include "align.h"
#include "bench_support.h"
#include "ps_status.h"
#include "tsm.h"

#include <sndfile.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RISE_FIRST 24 /* the level's rise: dimensions 24..31 */

int
main(int argc, char **argv)
{
  if (argc != 4) {
    fprintf(stderr, "usage: lipsync_reference GUIDE.wav TAKE.wav OUT.wav\n");
    return 2;
  }
  BenchAudio guide, take;
  if (bench_audio_load(argv[1], &guide, "lipsync_reference") ||
      bench_audio_load(argv[2], &take, "lipsync_reference")) {
    return 2;
  }
  if (guide.rate != take.rate || guide.channels != 1 || take.channels != 1) {
    fprintf(stderr, "lipsync_reference: the guide and the take must be mono at one rate\n");
    return 2;
  }
  const double rate = guide.rate;
  float *fg = NULL, *ft = NULL;
  size_t ng = 0, nt = 0;
  int st = ps_align_features(guide.ch[0], guide.frames, rate, &fg, &ng);
  if (!st) {
    st = ps_align_features(take.ch[0], take.frames, rate, &ft, &nt);
  }
  for (size_t f = 0; !st && f < ng; ++f) {
    memset(fg + f * PS_ALIGN_DIMS + RISE_FIRST, 0, (PS_ALIGN_DIMS - RISE_FIRST) * sizeof(float));
  }
  for (size_t f = 0; !st && f < nt; ++f) {
    memset(ft + f * PS_ALIGN_DIMS + RISE_FIRST, 0, (PS_ALIGN_DIMS - RISE_FIRST) * sizeof(float));
  }
  double *take_frame = st ? NULL : (double *)calloc(ng, sizeof(double));
  double *out_times = st ? NULL : (double *)calloc(ng, sizeof(double));
  float *out = st ? NULL : (float *)calloc(guide.frames, sizeof(float));
  if (!st && (!take_frame || !out_times || !out)) {
    st = PS_ERR_NOMEM;
  }
  if (!st) {
    st = ps_align_dtw(fg, ng, ft, nt, 2 * PS_ALIGN_FRAME_RATE, NULL, NULL, take_frame, NULL);
  }
  PsTsm *tsm = NULL;
  if (!st) {
    st = ps_tsm_init(&tsm, rate);
  }
  if (!st) {
    const double per_frame = rate / PS_ALIGN_FRAME_RATE;
    for (size_t i = 0; i < ng; ++i) {
      out_times[i] = (double)i * per_frame;
      take_frame[i] *= per_frame;
    }
    st = ps_tsm_render(tsm, take.ch[0], take.frames, out_times, take_frame, ng, out,
                       guide.frames);
  }
  if (st) {
    fprintf(stderr, "lipsync_reference: %s\n", ps_status_string(st));
  } else {
    SF_INFO info = {0};
    info.samplerate = guide.rate;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE *f = sf_open(argv[3], SFM_WRITE, &info);
    if (!f || sf_writef_float(f, out, (sf_count_t)guide.frames) != (sf_count_t)guide.frames) {
      fprintf(stderr, "lipsync_reference: cannot write %s\n", argv[3]);
      st = PS_ERR_ARG;
    }
    if (f) {
      sf_close(f);
    }
  }
  ps_tsm_free(&tsm);
  free(fg);
  free(ft);
  free(take_frame);
  free(out_times);
  free(out);
  bench_audio_free(&guide);
  bench_audio_free(&take);
  return st ? 1 : 0;
}
