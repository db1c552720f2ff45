/* gen_eqmatch: material for EQ matching with a known answer.

   One actor performs one scene twice: on set, recorded through the
   production chain A of a case (lav, boom, room...) over production room
   tone, and in the ADR studio through chain B (a large-diaphragm mic) over
   a much quieter room tone.  An EQ matcher learning both long-term speech
   spectra should find the correction A/B; its truth, per one-third-octave
   band, comes from the exact responses of the two chains.  Run with --help
   for the usage, --list for the cases and their chains. */
#include "options.h"
#include "beds.h"
#include "cases.h"
#include "cleanup.h"
#include "dsp.h"
#include "eqmatch_truth.h"
#include "performance.h"
#include "utterances.h"

#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const double speech_db = -26.0;     /* active level of both recordings */
static const double peak_limit_db = -1.0;  /* a recording peaking above is turned down */

static const char usage[] =
  "usage: gen_eqmatch --case NAME [--reference REF.wav] [--take TAKE.wav]\n"
  "                   [--truth TRUTH.csv] [--self-curve CURVE.csv] [options]\n"
  "Writes one scene performed twice by one espeak-ng voice: the production\n"
  "reference through the case's chain A over production room tone, and the\n"
  "ADR take through the studio chain B over a -75 dBFS room tone (32-bit float\n"
  "WAVs, speech at -26 dBFS active level); and the truth of the correction A/B.\n"
  "  --case NAME            the production chain; --list shows them\n"
  "  --rate R               sample rate in Hz, 32000..192000 (48000)\n"
  "  --seconds S            length of both recordings, 3..600, rounded to 10 ms (30)\n"
  "  --seed N               the scene (voice, line order), the performances,\n"
  "                         the room tones and the small room (1)\n"
  "  --channels C           1, or 2: the same speech in both, decorrelated room tone (1)\n"
  "  --reference FILE       the production recording\n"
  "  --take FILE            the ADR take\n"
  "  --truth FILE           'band_hz,truth_db' per 1/3-octave band, 80 Hz..12.5 kHz:\n"
  "                         10 log10(mean |A|^2 / mean |B|^2) over the band, means\n"
  "                         over log frequency; defined up to a constant\n"
  "  --self-curve FILE      'hz,db': the true correction every 1/N octave from\n"
  "                         20 Hz to 0.45 R, each point the power ratio over\n"
  "                         +-1/(2N) octave\n"
  "  --per-octave N         points per octave of the self curve, 12..1536 (48)\n"
  "  --reference-labels F   speech labels of the reference   } one line 0 or 1 per\n"
  "  --take-labels F        speech labels of the take        } 10 ms frame, as\n"
  "                         gen_dialogue writes them, judged on the dry speech\n"
  "  -v                     print the truth and what was reached; -vv the lines too\n"
  "  --list                 list the cases and their chains\n"
  "  -h, --help             this text\n"
  "Give at least one output.  Only the recordings need espeak-ng; the truth and\n"
  "the self curve alone are computed at once.  The same options give the same\n"
  "files, bit for bit.\n";

typedef struct {
  const EqmCase *c;
  unsigned rate;
  double seconds;
  uint64_t seed;
  unsigned channels;
  unsigned per_octave;
  const char *reference, *take, *truth, *self_curve, *reference_labels, *take_labels;
  int verbose;
} Options;

/* a message on stderr; the exit status */
#define fail(...) dlg_fail("gen_eqmatch", 1, __VA_ARGS__)

static void
list_cases(void)
{
  char chain[512];
  printf("take chain B (every case): %s; room tone %.0f dBFS (quiet room)\n",
         eqm_chain_describe(&eqm_take_chain, chain, sizeof(chain)), eqm_take_roomtone_db);
  for (unsigned i = 0; i < eqm_case_count(); ++i) {
    const EqmCase *c = eqm_case_at(i);
    printf("%-14s %s\n%-14s A: %s; room tone %.0f dBFS (pink to 6 kHz, 50 Hz hum)\n", c->name,
           c->about, "", eqm_chain_describe(&c->reference, chain, sizeof(chain)),
           c->roomtone_db);
  }
}

static int
parse_options(int argc, char **argv, Options *o)
{
  memset(o, 0, sizeof(*o));
  o->rate = 48000;
  o->seconds = 30.0;
  o->seed = 1;
  o->channels = 1;
  o->per_octave = 48;
  static const char *const valued[] = {
    "--case",  "--rate",       "--seconds",    "--seed",             "--channels",   "--reference",
    "--take",  "--truth",      "--self-curve", "--per-octave",       "--reference-labels",
    "--take-labels",
  };
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
      fputs(usage, stdout);
      exit(0);
    }
    if (!strcmp(arg, "--list")) {
      list_cases();
      exit(0);
    }
    if (!strcmp(arg, "-v") || !strcmp(arg, "-vv")) {
      o->verbose += arg[2] ? 2 : 1;
      continue;
    }
    int takes_value = 0;
    for (size_t k = 0; k < sizeof(valued) / sizeof(valued[0]); ++k) {
      takes_value |= !strcmp(arg, valued[k]);
    }
    if (!takes_value) {
      return fail("unknown option %s (see --help)", arg);
    }
    if (i + 1 >= argc) {
      return fail("%s needs a value", arg);
    }
    const char *value = argv[++i];
    double v = 0.0;
    if (!strcmp(arg, "--case")) {
      o->c = eqm_case_find(value);
      if (!o->c) {
        return fail("unknown case %s (see --list)", value);
      }
    } else if (!strcmp(arg, "--rate")) {
      if (dlg_parse_number(value, 32000.0, 192000.0, &v) || v != floor(v)) {
        return fail("--rate %s: give a whole number of Hz from 32000 to 192000 (the 12.5 kHz "
                    "band reaches 14.1 kHz)", value);
      }
      o->rate = (unsigned)v;
    } else if (!strcmp(arg, "--seconds")) {
      if (dlg_parse_number(value, 3.0, 600.0, &v)) {
        return fail("--seconds %s: give a number from 3 to 600", value);
      }
      o->seconds = v;
    } else if (!strcmp(arg, "--seed")) {
      char *end = NULL;
      errno = 0;
      const unsigned long long seed = strtoull(value, &end, 10);
      if (end == value || *end || errno || *value == '-') {
        return fail("--seed %s: give a whole number from 0", value);
      }
      o->seed = (uint64_t)seed;
    } else if (!strcmp(arg, "--channels")) {
      if (strcmp(value, "1") && strcmp(value, "2")) {
        return fail("--channels %s: give 1 or 2", value);
      }
      o->channels = (unsigned)(*value - '0');
    } else if (!strcmp(arg, "--per-octave")) {
      if (dlg_parse_number(value, 12.0, 1536.0, &v) || v != floor(v)) {
        return fail("--per-octave %s: give a whole number from 12 to 1536", value);
      }
      o->per_octave = (unsigned)v;
    } else if (!strcmp(arg, "--reference")) {
      o->reference = value;
    } else if (!strcmp(arg, "--take")) {
      o->take = value;
    } else if (!strcmp(arg, "--truth")) {
      o->truth = value;
    } else if (!strcmp(arg, "--self-curve")) {
      o->self_curve = value;
    } else if (!strcmp(arg, "--reference-labels")) {
      o->reference_labels = value;
    } else {
      o->take_labels = value;
    }
  }
  if (!o->c) {
    return fail("no --case (see --list)");
  }
  const char *paths[] = {o->reference, o->take,           o->truth,
                         o->self_curve, o->reference_labels, o->take_labels};
  enum { N_PATHS = sizeof(paths) / sizeof(paths[0]) };
  int any = 0;
  for (int a = 0; a < N_PATHS; ++a) {
    any |= paths[a] != NULL;
    for (int b = a + 1; b < N_PATHS; ++b) {
      if (paths[a] && paths[b] && !strcmp(paths[a], paths[b])) {
        return fail("%s is given for two outputs", paths[a]);
      }
    }
  }
  if (!any) {
    return fail("nothing to write: give --reference, --take, --truth, ... (see --help)");
  }
  return 0;
}

/* --- outputs: written beside their final names, renamed at the end -------- */

static int
write_truth(DlgOutput *out, const char *path, const EqmTruth *truth)
{
  FILE *file = dlg_output_open(out, path, "gen_eqmatch");
  if (!file) {
    return -1;
  }
  eqm_truth_write(file, truth);
  return dlg_output_close(file, path, "gen_eqmatch");
}

static int
write_curve(DlgOutput *out, const char *path, const EqmResponse *response, unsigned per_octave)
{
  double *hz = NULL, *db = NULL;
  const size_t n = eqm_response_curve(response, per_octave, &hz, &db);
  if (!n) {
    fail("out of memory");
    return -1;
  }
  FILE *file = dlg_output_open(out, path, "gen_eqmatch");
  if (!file) {
    free(hz);
    free(db);
    return -1;
  }
  fputs("hz,db\n", file);
  for (size_t i = 0; i < n; ++i) {
    fprintf(file, "%.3f,%.4f\n", hz[i], fabs(db[i]) < 0.00005 ? 0.0 : db[i]);
  }
  free(hz);
  free(db);
  return dlg_output_close(file, path, "gen_eqmatch");
}

static int
write_labels(DlgOutput *out, const char *path, const unsigned char *labels, size_t n_frames,
             size_t n_speech, const Options *o, const char *role)
{
  FILE *file = dlg_output_open(out, path, "gen_eqmatch");
  if (!file) {
    return -1;
  }
  fprintf(file, "# frames %zu speech %zu\n", n_frames, n_speech);
  fprintf(file, "# gen_eqmatch --case %s --rate %u --seconds %.2f --seed %llu: %s\n",
          o->c->name, o->rate, (double)n_frames / 100.0, (unsigned long long)o->seed, role);
  for (size_t k = 0; k < n_frames; ++k) {
    fputs(labels[k] ? "1\n" : "0\n", file);
  }
  return dlg_output_close(file, path, "gen_eqmatch");
}

/* Writes speech (mono) + room tone channels, interleaved. */
static int
write_wav(DlgOutput *out, const char *path, const float *speech, float *const *bed, size_t n,
          unsigned channels, unsigned rate)
{
  FILE *file = dlg_output_open(out, path, "gen_eqmatch");
  if (!file) {
    return -1;
  }
  SF_INFO info;
  memset(&info, 0, sizeof(info));
  info.samplerate = (int)rate;
  info.channels = (int)channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  SNDFILE *sf = sf_open_fd(fileno(file), SFM_WRITE, &info, 0);
  if (!sf) {
    fail("cannot write %s: %s", path, sf_strerror(NULL));
    fclose(file);
    return -1;
  }
  /* No PEAK chunk: it holds the time of writing. */
  sf_command(sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
  enum { CHUNK = 4096 };
  float buffer[CHUNK * 2];
  int status = 0;
  for (size_t start = 0; start < n && !status; start += CHUNK) {
    const size_t count = n - start < CHUNK ? n - start : CHUNK;
    for (size_t i = 0; i < count; ++i) {
      for (unsigned c = 0; c < channels; ++c) {
        buffer[i * channels + c] = speech[start + i] + bed[c][start + i];
      }
    }
    if (sf_writef_float(sf, buffer, (sf_count_t)count) != (sf_count_t)count) {
      status = -1;
    }
  }
  if (sf_close(sf)) {
    status = -1;
  }
  if (fclose(file)) {
    status = -1;
  }
  if (status) {
    fail("cannot write %s", path);
  }
  return status;
}

/* --- the recordings -------------------------------------------------------- */

static void
scale(float *x, size_t n, double gain)
{
  for (size_t i = 0; i < n; ++i) {
    x[i] = (float)((double)x[i] * gain);
  }
}

typedef struct {
  EqmRole role;
  const char *name;
  const EqmChainSpec *chain;
  DlgBedKind bed;
  double bed_db;
  const char *wav, *labels;
} Recording;

/* Renders one recording and writes its outputs (outputs[*n_outputs...]). */
static int
record(const Options *o, const Recording *r, DlgOutput *outputs, size_t *n_outputs)
{
  const size_t n_frames = (size_t)llround(o->seconds * 100.0);
  const size_t n = dlg_frame_start(n_frames, o->rate);
  const unsigned nch = o->channels;
  char err[512] = "";
  DlgSpeech speech;
  unsigned char *labels = NULL;
  float *bed[2] = {NULL, NULL};
  EqmChain chain;
  memset(&chain, 0, sizeof(chain));
  if (eqm_performance_render(&speech, o->rate, n, o->seed, r->role, speech_db, o->verbose, err,
                             sizeof(err))) {
    return fail("%s: %s", r->name, err);
  }
  labels = (unsigned char *)calloc(n_frames, 1);
  int status = labels ? 0 : -1;
  const size_t n_speech = status ? 0 : dlg_speech_labels(&speech, labels, n_frames);
  if (!status) {
    status = eqm_chain_init(&chain, r->chain, o->rate, o->seed);
  }
  if (!status) {
    status = eqm_chain_run(&chain, speech.track, speech.track, n);
  }
  for (unsigned c = 0; c < nch && !status; ++c) {
    bed[c] = (float *)malloc(n * sizeof(float));
    status = !bed[c] || dlg_bed_render(r->bed, bed[c], n, o->rate, o->seed, c, nch) ? -1 : 0;
  }
  if (status) {
    fail("%s: out of memory", r->name);
  }

  double peak = 0.0, bed_energy = 0.0;
  if (!status) {
    /* Speech at its active level after the chain; room tone at its RMS
       over the whole recording, all channels. */
    const double active = dlg_active_rms(speech.track, n, o->rate);
    dlg_speech_scale(&speech, dlg_db_to_gain(speech_db) / active);
    for (unsigned c = 0; c < nch; ++c) {
      for (size_t i = 0; i < n; ++i) {
        bed_energy += (double)bed[c][i] * (double)bed[c][i];
      }
    }
    const double bed_gain = dlg_db_to_gain(r->bed_db) / sqrt(bed_energy / ((double)n * nch));
    for (unsigned c = 0; c < nch; ++c) {
      scale(bed[c], n, bed_gain);
      for (size_t i = 0; i < n; ++i) {
        peak = fmax(peak, fabs((double)speech.track[i] + (double)bed[c][i]));
      }
    }
    double gain = 1.0;
    if (peak > dlg_db_to_gain(peak_limit_db)) {
      gain = dlg_db_to_gain(peak_limit_db) / peak;
      dlg_speech_scale(&speech, gain);
      for (unsigned c = 0; c < nch; ++c) {
        scale(bed[c], n, gain);
      }
    }
    if (o->verbose) {
      fprintf(stderr,
              "gen_eqmatch: %s: %zu lines, speech %.1f %% of frames, speech %.1f dBFS active, "
              "room tone %.1f dBFS, peak %.1f dBFS%s\n",
              r->name, speech.n_utterances, 100.0 * (double)n_speech / (double)n_frames,
              20.0 * log10(dlg_active_rms(speech.track, n, o->rate)),
              r->bed_db + 20.0 * log10(gain), 20.0 * log10(peak * gain),
              gain < 1.0 ? " (turned down)" : "");
    }
  }
  if (!status && r->wav) {
    status = write_wav(&outputs[(*n_outputs)++], r->wav, speech.track, bed, n, nch, o->rate);
  }
  if (!status && r->labels) {
    status = write_labels(&outputs[(*n_outputs)++], r->labels, labels, n_frames, n_speech, o,
                          r->name);
  }
  eqm_chain_free(&chain);
  dlg_speech_free(&speech);
  free(labels);
  free(bed[0]);
  free(bed[1]);
  return status ? 1 : 0;
}

int
main(int argc, char **argv)
{
  Options o;
  if (parse_options(argc, argv, &o)) {
    return 2;
  }
  dlg_cleanup_init();

  EqmResponse response;
  if (eqm_response_init(&response, o.c, o.rate, o.seed)) {
    return fail("out of memory");
  }
  EqmTruth truth;
  eqm_response_truth(&response, &truth);
  if (o.verbose) {
    fprintf(stderr, "gen_eqmatch: %s at %u Hz, seed %llu: truth (dB)", o.c->name, o.rate,
            (unsigned long long)o.seed);
    for (unsigned k = 0; k < EQM_BANDS; ++k) {
      fprintf(stderr, "%s%d %+.2f", k % 6 ? ", " : "\n  ", eqm_band_nominal_hz(k),
              truth.db[k]);
    }
    fputc('\n', stderr);
  }

  DlgOutput outputs[6];
  size_t n_outputs = 0;
  int status = 0;
  if (o.truth) {
    status = write_truth(&outputs[n_outputs++], o.truth, &truth);
  }
  if (!status && o.self_curve) {
    status = write_curve(&outputs[n_outputs++], o.self_curve, &response, o.per_octave);
  }
  eqm_response_free(&response);
  const Recording recordings[] = {
    {EQM_ROLE_REFERENCE, "reference", &o.c->reference, DLG_BED_ROOMTONE, o.c->roomtone_db,
     o.reference, o.reference_labels},
    {EQM_ROLE_TAKE, "take", &eqm_take_chain, DLG_BED_QUIET_ROOM, eqm_take_roomtone_db, o.take,
     o.take_labels},
  };
  for (size_t i = 0; i < 2 && !status; ++i) {
    if (recordings[i].wav || recordings[i].labels) {
      status = record(&o, &recordings[i], outputs, &n_outputs);
    }
  }
  if (!status) {
    status = dlg_outputs_commit(outputs, n_outputs, "gen_eqmatch", 0);
  }
  dlg_cleanup_run();
  return status ? 1 : 0;
}
