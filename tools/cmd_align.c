/* postsync align: a take time-warped onto a guide (the core's align and
   tsm engines), whole files at once. */
#include "align.h"
#include "audiofile.h"
#include "commands.h"
#include "ps_status.h"
#include "resample.h"
#include "tsm.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>


typedef struct {
  const char *guide;
  const char *take;
  const char *output;
  const char *map;
  double max_shift_ms;
  bool quiet;
} Options;

static void
usage(FILE *f)
{
  fprintf(f,
          "usage: postsync align --guide GUIDE.wav --take TAKE.wav -o OUT.wav [OPTION]...\n"
          "Time-warp an ADR or dub take so that every syllable lands where the guide (the\n"
          "production track the picture was cut to) has it; pitch and formants are kept.\n"
          "The output has the guide's length and sample rate; files at different rates\n"
          "are fine.\n\n"
          "  --guide FILE       the production guide\n"
          "  --take FILE        the take to align (several channels are mixed to one)\n"
          "  -o FILE            the aligned take (32-bit float WAV, mono)\n"
          "  --map FILE         write the warp map as CSV 'guide_s,take_s' every 5 ms\n"
          "  --max-shift MS     how far a word may move, 100..5000 ms (2000)\n"
          "  -q, --quiet        print nothing but errors\n"
          "  -h, --help         this text\n"
          "Outputs appear only when complete.  Exit status: 0 done, 1 a file could not\n"
          "be used, 2 usage.\n");
}

static int
parse(int argc, char **argv, Options *o)
{
  memset(o, 0, sizeof(*o));
  o->max_shift_ms = 2000.0;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      exit(0);
    }
    if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      o->quiet = true;
      continue;
    }
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) {
      fprintf(stderr, "postsync align: unknown option or missing value: %s\n", a);
      return 2;
    }
    ++i;
    char *end = NULL;
    if (!strcmp(a, "--guide")) {
      o->guide = v;
    } else if (!strcmp(a, "--take")) {
      o->take = v;
    } else if (!strcmp(a, "-o")) {
      o->output = v;
    } else if (!strcmp(a, "--map")) {
      o->map = v;
    } else if (!strcmp(a, "--max-shift") && (errno = 0, o->max_shift_ms = strtod(v, &end),
                                             !errno && end != v && !*end &&
                                               o->max_shift_ms >= 100.0 &&
                                               o->max_shift_ms <= 5000.0)) {
    } else {
      fprintf(stderr, "postsync align: bad option or value: %s %s\n", a, v);
      return 2;
    }
  }
  if (!o->guide || !o->take || (!o->output && !o->map)) {
    fprintf(stderr, "postsync align: give --guide, --take and -o (or --map)\n");
    return 2;
  }
  if ((o->output && (same_file(o->output, o->guide) || same_file(o->output, o->take))) ||
      (o->map && (same_file(o->map, o->guide) || same_file(o->map, o->take)))) {
    fprintf(stderr, "postsync align: an output would replace an input\n");
    return 2;
  }
  return 0;
}

/* The whole file, mixed to mono. */
static int
write_map(const char *path, const double *take_frame, size_t frames)
{
  char err[256];
  OutFile out;
  if (out_open(&out, path, err, sizeof(err))) {
    fprintf(stderr, "postsync align: %s\n", err);
    return -1;
  }
  fprintf(out.f, "guide_s,take_s\n");
  for (size_t i = 0; i < frames; ++i) {
    fprintf(out.f, "%.3f,%.4f\n", (double)i / PS_ALIGN_FRAME_RATE,
            take_frame[i] / PS_ALIGN_FRAME_RATE);
  }
  if (out_commit(&out, err, sizeof(err))) {
    fprintf(stderr, "postsync align: %s\n", err);
    return -1;
  }
  return 0;
}

int
cmd_align(int argc, char **argv)
{
  Options o;
  const int bad = parse(argc, argv, &o);
  if (bad) {
    return bad;
  }
  int status = 1;
  size_t n_guide = 0, n_take = 0, f_guide = 0, f_take = 0;
  double rate_guide = 0.0, rate_take = 0.0, cost = 0.0;
  float *guide = NULL, *take = NULL, *fg = NULL, *ft = NULL, *resampled = NULL, *out = NULL;
  double *take_frame = NULL, *out_times = NULL, *in_times = NULL;
  unsigned char *silent = NULL, *guide_silent = NULL;
  PsTsm *tsm = NULL;
  guide = audio_load_mono(o.guide, "align", &n_guide, &rate_guide);
  take = guide ? audio_load_mono(o.take, "align", &n_take, &rate_take) : NULL;
  if (!guide || !take) {
    goto done;
  }
  if (ps_align_features_pair(guide, n_guide, rate_guide, take, n_take, rate_take, &fg, &f_guide,
                             &ft, &f_take, &silent, &guide_silent)) {
    fprintf(stderr, "postsync align: cannot analyse the files\n");
    goto done;
  }
  take_frame = (double *)calloc(f_guide, sizeof(double));
  if (!take_frame) {
    fprintf(stderr, "postsync align: out of memory\n");
    goto done;
  }
  const size_t shift = (size_t)lround(o.max_shift_ms * PS_ALIGN_FRAME_RATE / 1000.0);
  const int st = ps_align_dtw(fg, f_guide, ft, f_take, shift, silent, guide_silent, take_frame,
                               &cost);
  if (st) {
    fprintf(stderr, "postsync align: the take (%.1f s) and the guide (%.1f s) cannot be "
                    "aligned: %s\n",
            (double)n_take / rate_take, (double)n_guide / rate_guide,
            st == PS_ERR_ARG ? "lengths more than 2:1 apart, or no path within --max-shift"
                             : ps_status_string(st));
    goto done;
  }
  if (o.map && write_map(o.map, take_frame, f_guide)) {
    goto done;
  }
  if (o.output) {
    /* the take at the guide's rate */
    size_t have = 0;
    out = (float *)calloc(n_guide, sizeof(float));
    out_times = (double *)calloc(f_guide, sizeof(double));
    in_times = (double *)calloc(f_guide, sizeof(double));
    const bool same_rate = rate_guide == rate_take;
    if (!out || !out_times || !in_times || ps_tsm_init(&tsm, rate_guide) ||
        (!same_rate && ps_resample(take, n_take, rate_guide / rate_take, PS_RESAMPLE_BEST,
                                   &resampled, &have))) {
      fprintf(stderr, "postsync align: out of memory, or cannot resample the take\n");
      goto done;
    }
    const double per_frame = rate_guide / PS_ALIGN_FRAME_RATE;
    for (size_t i = 0; i < f_guide; ++i) {
      out_times[i] = (double)i * per_frame;
      in_times[i] = take_frame[i] * per_frame;
    }
    const float *source = same_rate ? take : resampled;
    if (ps_tsm_render(tsm, source, same_rate ? n_take : have, out_times, in_times, f_guide, out,
                      n_guide) ||
        audio_save_mono(o.output, "align", out, n_guide, rate_guide)) {
      fprintf(stderr, "postsync align: cannot render the aligned take\n");
      goto done;
    }
  }
  if (!o.quiet) {
    double worst = 0.0, mean = 0.0;
    for (size_t i = 0; i < f_guide; ++i) {
      const double shift_s = (take_frame[i] - (double)i) / PS_ALIGN_FRAME_RATE;
      worst = fabs(shift_s) > fabs(worst) ? shift_s : worst;
      mean += shift_s;
    }
    printf("Aligned %s (%.2f s) to %s (%.2f s): take minus guide %+.3f s on average, "
           "%+.3f s at most; match cost %.3f\n",
           o.take, (double)n_take / rate_take, o.guide, (double)n_guide / rate_guide,
           mean / (double)f_guide, worst, cost);
  }
  status = 0;

done:
  free(guide);
  free(take);
  free(fg);
  free(ft);
  free(resampled);
  free(out);
  free(take_frame);
  free(out_times);
  free(in_times);
  ps_tsm_free(&tsm);
  free(silent);
  free(guide_silent);
  return status;
}
