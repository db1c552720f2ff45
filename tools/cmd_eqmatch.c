/* postsync eqmatch: learn the production reference's speech spectrum and
   the takes', and give the takes the reference's colour (the core's ltas,
   eqmatch and convolver engines, as in the eqmatch plugin). */
#include "audiofile.h"
#include "commands.h"
#include "convolver.h"
#include "eqmatch.h"
#include "ltas.h"
#include "ps_status.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define READ_FRAMES 4800
#define MAX_FILES 256
#define LTAS_CHANNELS 8

typedef struct {
  const char *reference[MAX_FILES];
  size_t n_reference;
  const char *take[MAX_FILES];
  size_t n_take;
  const char *apply[MAX_FILES];
  size_t n_apply;
  const char *output;
  const char *out_dir;
  const char *curve;
  PsEqmatchParams params;
  PsEqmatchPhase phase;
  bool quiet;
} Options;

static void
usage(FILE *f)
{
  fprintf(f,
          "usage: postsync eqmatch --reference PROD.wav --take ADR.wav [-o OUT.wav] [OPTION]...\n"
          "       postsync eqmatch --reference PROD.wav --apply-to TAKE.wav... --out-dir DIR\n"
          "Make ADR sound like the production mic: learn the long-term spectrum of the\n"
          "speech in the reference (production dialogue) and in the take, each less its\n"
          "own noise floor, and filter the take by the difference, at the same loudness.\n\n"
          "  --reference FILE   production dialogue to match (repeatable: learned together)\n"
          "  --take FILE        the ADR take (repeatable: learned together)\n"
          "  -o FILE            the corrected take (one --take, no --apply-to)\n"
          "  --apply-to FILE    correct this file too (repeatable; needs --out-dir); without\n"
          "                     --take, the take side is learned from these files together\n"
          "  --out-dir DIR      where --apply-to files are written, under their own names\n"
          "  --curve FILE       write the correction as CSV 'hz,db', 1/48 octave from 20 Hz\n"
          "  --amount PCT       0..200 %% of the correction (100)\n"
          "  --smoothing OCT    fractional-octave smoothing, 1/24..1 octave, as a number\n"
          "                     or a fraction such as 1/6 (1/6)\n"
          "  --max-gain DB      largest boost or cut, 0..24 dB (12)\n"
          "  --low HZ           lowest frequency the correction acts on (40)\n"
          "  --high HZ          highest frequency the correction acts on (18000)\n"
          "  --phase minimum|linear  filter phase (minimum: no pre-ringing; linear: no\n"
          "                     phase change; both keep the file aligned) (minimum)\n"
          "  -q, --quiet        print nothing but errors\n"
          "  -h, --help         this text\n"
          "Outputs keep the take's format, rate and channels; they appear only when\n"
          "complete.  Exit status: 0 done, 1 a file could not be used, 2 usage.\n");
}

static int
parse_number(const char *s, double lo, double hi, double *out)
{
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  if (end && *end == '/') {
    char *end2 = NULL;
    const double d = strtod(end + 1, &end2);
    if (end2 == end + 1 || d == 0.0) {
      return -1;
    }
    v /= d;
    end = end2;
  }
  if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi) {
    return -1;
  }
  *out = v;
  return 0;
}

static bool
add_file(const char **list, size_t *n, const char *path)
{
  if (*n == MAX_FILES) {
    fprintf(stderr, "postsync eqmatch: more than %d files of one kind\n", MAX_FILES);
    return false;
  }
  list[(*n)++] = path;
  return true;
}

/* 2 on a usage error, 0 when the options are complete. */
static int
parse(int argc, char **argv, Options *o)
{
  memset(o, 0, sizeof(*o));
  o->params = ps_eqmatch_default_params();
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    double x = 0.0;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      exit(0);
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      o->quiet = true;
      continue;
    }
    if (!v) {
      fprintf(stderr, "postsync eqmatch: unknown option or missing value: %s\n", a);
      return 2;
    }
    ++i;
    if (!strcmp(a, "--reference")) {
      if (!add_file(o->reference, &o->n_reference, v)) {
        return 2;
      }
    } else if (!strcmp(a, "--take")) {
      if (!add_file(o->take, &o->n_take, v)) {
        return 2;
      }
    } else if (!strcmp(a, "--apply-to")) {
      if (!add_file(o->apply, &o->n_apply, v)) {
        return 2;
      }
    } else if (!strcmp(a, "-o")) {
      o->output = v;
    } else if (!strcmp(a, "--out-dir")) {
      o->out_dir = v;
    } else if (!strcmp(a, "--curve")) {
      o->curve = v;
    } else if (!strcmp(a, "--amount") && !parse_number(v, 0.0, 200.0, &x)) {
      o->params.amount = x / 100.0;
    } else if (!strcmp(a, "--smoothing") && !parse_number(v, 1.0 / 24.0, 1.0, &x)) {
      o->params.smoothing_oct = x;
    } else if (!strcmp(a, "--max-gain") && !parse_number(v, 0.0, 24.0, &x)) {
      o->params.max_gain_db = x;
    } else if (!strcmp(a, "--low") && !parse_number(v, 20.0, 20000.0, &x)) {
      o->params.low_hz = x;
    } else if (!strcmp(a, "--high") && !parse_number(v, 20.0, 20000.0, &x)) {
      o->params.high_hz = x;
    } else if (!strcmp(a, "--phase") && (!strcmp(v, "minimum") || !strcmp(v, "linear"))) {
      o->phase = !strcmp(v, "linear") ? PS_EQMATCH_LINEAR_PHASE : PS_EQMATCH_MINIMUM_PHASE;
    } else {
      fprintf(stderr, "postsync eqmatch: bad option or value: %s %s\n", a, v);
      return 2;
    }
  }
  /* The plugin's controls are floats: rounded the same way, the tool's
     correction is the plugin's to the last bit. */
  o->params.amount = (double)((float)(o->params.amount * 100.0) / 100.0f);
  o->params.smoothing_oct = (double)(float)o->params.smoothing_oct;
  o->params.max_gain_db = (double)(float)o->params.max_gain_db;
  o->params.low_hz = (double)(float)o->params.low_hz;
  o->params.high_hz = (double)(float)o->params.high_hz;
  if (!o->n_reference) {
    fprintf(stderr, "postsync eqmatch: give the production --reference\n");
    return 2;
  }
  if (!o->n_take && !o->n_apply) {
    fprintf(stderr, "postsync eqmatch: give the --take (or --apply-to files)\n");
    return 2;
  }
  if (o->output && (o->n_take != 1 || o->n_apply)) {
    fprintf(stderr, "postsync eqmatch: -o writes the one --take; use --apply-to and "
                    "--out-dir for several\n");
    return 2;
  }
  if (o->n_apply && !o->out_dir) {
    fprintf(stderr, "postsync eqmatch: --apply-to needs --out-dir\n");
    return 2;
  }
  if (!(o->params.low_hz < o->params.high_hz)) {
    fprintf(stderr, "postsync eqmatch: --low must be under --high\n");
    return 2;
  }
  /* never write over an input, nor two outputs to one file */
  for (size_t i = 0; i < o->n_apply; ++i) {
    const char *bi = strrchr(o->apply[i], '/') ? strrchr(o->apply[i], '/') + 1 : o->apply[i];
    for (size_t j = 0; j < i; ++j) {
      const char *bj =
        strrchr(o->apply[j], '/') ? strrchr(o->apply[j], '/') + 1 : o->apply[j];
      if (!strcmp(bi, bj)) {
        fprintf(stderr, "postsync eqmatch: two --apply-to files are named %s: their "
                        "outputs would be one file\n", bi);
        return 2;
      }
    }
  }
  const char *const *lists[3] = {o->reference, o->take, o->apply};
  const size_t counts[3] = {o->n_reference, o->n_take, o->n_apply};
  for (int l = 0; l < 3; ++l) {
    for (size_t i = 0; i < counts[l]; ++i) {
      const char *in = lists[l][i];
      if ((o->output && same_file(o->output, in)) || (o->curve && same_file(o->curve, in))) {
        fprintf(stderr, "postsync eqmatch: the output would replace the input %s\n", in);
        return 2;
      }
      if (o->out_dir) {
        const char *base = strrchr(in, '/') ? strrchr(in, '/') + 1 : in;
        for (size_t j = 0; j < o->n_apply; ++j) {
          const char *bj =
            strrchr(o->apply[j], '/') ? strrchr(o->apply[j], '/') + 1 : o->apply[j];
          char path[4096];
          snprintf(path, sizeof(path), "%s/%s", o->out_dir, bj);
          if (!strcmp(base, bj) && same_file(path, in)) {
            fprintf(stderr, "postsync eqmatch: --out-dir %s would replace the input %s\n",
                    o->out_dir, in);
            return 2;
          }
        }
      }
    }
  }
  if (!o->output && !o->n_apply && !o->curve) {
    fprintf(stderr, "postsync eqmatch: nothing to write: give -o, --apply-to or --curve\n");
    return 2;
  }
  return 0;
}


/* Adds what one file teaches to `data`. */
static int
learn(const char *path, PsLtasData *data, AudioBuffers *buf, bool quiet)
{
  AudioIn in;
  if (audio_open_for(&in, path, "eqmatch", LTAS_CHANNELS)) {
    return -1;
  }
  PsLtas *ltas = NULL;
  int st = ps_ltas_init(&ltas, in.info.samplerate, (unsigned)in.info.channels);
  if (st) {
    fprintf(stderr, "postsync eqmatch: %s: %s\n", path, ps_status_string(st));
    audio_close(&in);
    return -1;
  }
  sf_count_t got;
  while ((got = audio_read_planar(&in, buf, READ_FRAMES)) > 0) {
    ps_ltas_process(ltas, (const float *const *)buf->planar, (size_t)got);
  }
  const PsLtasData *learned = ps_ltas_data(ltas);
  if (!quiet) {
    printf("  %-40s %6.1f s speech, %6.1f s floor\n", path, learned->speech_seconds,
           learned->floor_seconds);
  }
  ps_ltas_data_add(data, learned);
  ps_ltas_free(&ltas);
  audio_close(&in);
  return 0;
}

static int
write_curve(const char *path, const float *curve)
{
  char err[256];
  OutFile out;
  if (out_open(&out, path, err, sizeof(err))) {
    fprintf(stderr, "postsync eqmatch: %s\n", err);
    return -1;
  }
  fprintf(out.f, "hz,db\n");
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    fprintf(out.f, "%.3f,%.4f\n", ps_ltas_band_hz(b), (double)curve[b] + 0.0);
  }
  if (out_commit(&out, err, sizeof(err))) {
    fprintf(stderr, "postsync eqmatch: %s\n", err);
    return -1;
  }
  return 0;
}

static bool
curve_is_flat(const float *curve)
{
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    if (curve[b] != 0.0f) {
      return false;
    }
  }
  return true;
}

/* Filters one file into out_path, time-aligned with it, same length. */
static int
apply(const char *in_path, const char *out_path, const float *curve, PsEqmatchPhase phase,
      AudioBuffers *buf, bool quiet)
{
  AudioIn in;
  if (audio_open_for(&in, in_path, "eqmatch", LTAS_CHANNELS)) {
    return -1;
  }
  const int ch = in.info.channels;
  PsEqmatchDesign *design = NULL;
  PsConvolver *conv = NULL;
  PsConvolverFilter *filter = NULL;
  float *taps = NULL;
  OutFile out = {0};
  SNDFILE *sf = NULL;
  char err[256] = "";
  int status = -1;
  const bool flat = curve_is_flat(curve);
  size_t latency = 0;

  int st = ps_eqmatch_design_init(&design, in.info.samplerate);
  if (!st) {
    const size_t n_taps = ps_eqmatch_design_taps(design);
    latency = flat ? 0 : ps_eqmatch_design_latency(design, phase);
    taps = (float *)malloc(n_taps * sizeof(float));
    st = taps ? ps_eqmatch_design(design, curve, phase, taps) : PS_ERR_NOMEM;
    if (!st) {
      st = ps_convolver_init(&conv, n_taps, (unsigned)ch);
    }
    if (!st) {
      st = ps_convolver_filter_new(&filter, conv, taps, n_taps);
    }
    if (!st) {
      st = ps_convolver_switch(conv, filter, 0);
    }
  }
  if (st) {
    snprintf(err, sizeof(err), "%s", ps_status_string(st));
    goto done;
  }
  if (out_open(&out, out_path, err, sizeof(err))) {
    goto done;
  }
  SF_INFO info = in.info;
  info.frames = 0;
  sf = sf_open_fd(fileno(out.f), SFM_WRITE, &info, SF_FALSE);
  if (!sf) {
    snprintf(err, sizeof(err), "cannot write %s: %s", out_path, sf_strerror(NULL));
    goto done;
  }
  sf_command(sf, SFC_SET_CLIPPING, NULL, SF_TRUE);

  /* The first `latency` outputs are the filter's delay: dropped, and as
     many zeros fed at the end to flush the last input out. */
  sf_count_t remaining = in.info.frames, tail = (sf_count_t)latency;
  size_t skip = latency;
  float peak = 0.0f;
  while (remaining > 0 || tail > 0) {
    sf_count_t n = 0;
    if (remaining > 0) {
      n = audio_read_planar(&in, buf, READ_FRAMES);
      if (n <= 0) {
        snprintf(err, sizeof(err), "%s: read error: %s", in_path, sf_strerror(in.sf));
        goto done;
      }
      remaining -= n;
    } else {
      n = tail < READ_FRAMES ? tail : READ_FRAMES;
      for (int c = 0; c < ch; ++c) {
        memset(buf->planar[c], 0, (size_t)n * sizeof(float));
      }
      tail -= n;
    }
    if (!flat) { /* flat: bit for bit the input */
      ps_convolver_process(conv, (const float *const *)buf->planar, buf->planar, (size_t)n);
    }
    const size_t from = skip < (size_t)n ? skip : (size_t)n;
    skip -= from;
    const sf_count_t keep = n - (sf_count_t)from;
    const float *kept[PS_MAX_CHANNELS];
    for (int c = 0; c < ch; ++c) {
      kept[c] = buf->planar[c] + from;
      for (sf_count_t i = 0; i < keep; ++i) {
        peak = fabsf(kept[c][i]) > peak ? fabsf(kept[c][i]) : peak;
      }
    }
    if (keep > 0 && audio_write_planar(sf, buf, kept, ch, keep)) {
      snprintf(err, sizeof(err), "cannot write %s: %s", out_path, sf_strerror(sf));
      goto done;
    }
  }
  if (sf_close(sf)) {
    sf = NULL;
    snprintf(err, sizeof(err), "cannot write %s", out_path);
    goto done;
  }
  sf = NULL;
  if (out_commit(&out, err, sizeof(err))) {
    goto done;
  }
  if (!quiet) {
    printf("  %s -> %s%s\n", in_path, out_path,
           peak > 1.0f && (info.format & SF_FORMAT_SUBMASK) != SF_FORMAT_FLOAT
             ? " (clipped: the corrected take peaks over full scale)"
             : "");
  }
  status = 0;

done:
  if (sf) {
    sf_close(sf);
  }
  if (status) {
    out_abort(&out);
    fprintf(stderr, "postsync eqmatch: %s\n", err);
  }
  ps_convolver_free(&conv);
  ps_convolver_filter_free(&filter);
  ps_eqmatch_design_free(&design);
  free(taps);
  audio_close(&in);
  return status;
}

static char *
output_path(const char *dir, const char *input)
{
  const char *base = strrchr(input, '/') ? strrchr(input, '/') + 1 : input;
  const size_t size = strlen(dir) + strlen(base) + 2;
  char *path = (char *)malloc(size);
  if (path) {
    snprintf(path, size, "%s/%s", dir, base);
  }
  return path;
}

int
cmd_eqmatch(int argc, char **argv)
{
  Options o;
  const int bad = parse(argc, argv, &o);
  if (bad) {
    return bad;
  }
  AudioBuffers buf;
  if (audio_buffers_init(&buf, READ_FRAMES)) {
    fprintf(stderr, "postsync eqmatch: out of memory\n");
    return 1;
  }
  int status = 1;
  PsLtasData *reference = (PsLtasData *)calloc(1, sizeof(PsLtasData));
  PsLtasData *take = (PsLtasData *)calloc(1, sizeof(PsLtasData));
  float curve[PS_LTAS_BANDS];
  if (!reference || !take) {
    fprintf(stderr, "postsync eqmatch: out of memory\n");
    goto done;
  }
  if (!o.quiet) {
    printf("Reference (production):\n");
  }
  for (size_t i = 0; i < o.n_reference; ++i) {
    if (learn(o.reference[i], reference, &buf, o.quiet)) {
      goto done;
    }
  }
  if (!o.quiet) {
    printf("Take (ADR):\n");
  }
  const char *const *takes = o.n_take ? o.take : o.apply;
  const size_t n_takes = o.n_take ? o.n_take : o.n_apply;
  for (size_t i = 0; i < n_takes; ++i) {
    if (learn(takes[i], take, &buf, o.quiet)) {
      goto done;
    }
  }
  /* Under a second of speech says little about a long-term spectrum. */
  if (reference->speech_seconds < 1.0 || take->speech_seconds < 1.0) {
    fprintf(stderr, "postsync eqmatch: too little speech found to learn from "
                    "(reference %.1f s, take %.1f s; at least 1 s each)\n",
            reference->speech_seconds, take->speech_seconds);
    goto done;
  }
  if (ps_eqmatch_curve(reference, take, &o.params, curve)) {
    fprintf(stderr, "postsync eqmatch: cannot compute the correction\n");
    goto done;
  }
  if (!o.quiet) {
    printf("Correction: %.1f dB RMS over %.0f-%.0f Hz; at 100 Hz %+.1f dB, 1 kHz %+.1f dB, "
           "4 kHz %+.1f dB, 10 kHz %+.1f dB\n",
           ps_eqmatch_curve_rms(curve, o.params.low_hz, o.params.high_hz), o.params.low_hz,
           o.params.high_hz, ps_eqmatch_curve_at(curve, 100.0),
           ps_eqmatch_curve_at(curve, 1000.0), ps_eqmatch_curve_at(curve, 4000.0),
           ps_eqmatch_curve_at(curve, 10000.0));
  }
  if (o.curve && write_curve(o.curve, curve)) {
    goto done;
  }
  if (o.output && apply(o.take[0], o.output, curve, o.phase, &buf, o.quiet)) {
    goto done;
  }
  for (size_t i = 0; i < o.n_apply; ++i) {
    char *path = output_path(o.out_dir, o.apply[i]);
    const int st = path ? apply(o.apply[i], path, curve, o.phase, &buf, o.quiet) : -1;
    free(path);
    if (st) {
      goto done;
    }
  }
  status = 0;

done:
  free(reference);
  free(take);
  audio_buffers_free(&buf);
  return status;
}
