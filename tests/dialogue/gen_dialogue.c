/* gen_dialogue: dialogue programmes with known speech labels, the test
   material of the speech activity detector and of dialogue-gated loudness.

   Speech is espeak-ng reading film lines in varied voices, levels and
   speaking rates, with pauses between; under it lies the bed of a condition
   (room tone, music, drums, traffic, effects), mixed at a speech-to-bed
   ratio measured over the speech frames.  The labels say, per 10 ms frame,
   whether speech is present, judged on the clean speech track.  Run with
   --help for the usage, --list for the conditions. */
#include "options.h"
#include "beds.h"
#include "cleanup.h"
#include "dsp.h"
#include "utterances.h"

#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  const char *name;
  DlgBedKind bed;
  int speech;         /* 0: the bed alone, every label 0 */
  double speech_db;   /* centre of the utterances' active levels, dBFS */
  double snr_db;      /* speech-to-bed ratio over the speech frames ... */
  double bed_db;      /* ... or, when snr_db is NO_SNR, the bed's RMS in dBFS */
  int reverb;         /* speech in a room, RT60 0.6 s; labels stay dry */
  int peak_near_full; /* the mix scaled to peak at -0.3 dBFS */
  const char *about;
} Condition;

#define NO_SNR ((double)NAN) /* the bed at an absolute level */

static const Condition conditions[] = {
  {"clean", DLG_BED_QUIET_ROOM, 1, -26.0, NO_SNR, -70.0, 0, 0,
   "speech at -26 dBFS over pink-ish room tone at -70 dBFS"},
  {"roomtone-20", DLG_BED_ROOMTONE, 1, -26.0, 20.0, 0.0, 0, 0,
   "room tone (pink noise to 6 kHz, 50 Hz hum) at 20 dB SNR"},
  {"roomtone-10", DLG_BED_ROOMTONE, 1, -26.0, 10.0, 0.0, 0, 0, "room tone at 10 dB SNR"},
  {"roomtone-0", DLG_BED_ROOMTONE, 1, -26.0, 0.0, 0.0, 0, 0, "room tone at 0 dB SNR"},
  {"music-10", DLG_BED_MUSIC, 1, -26.0, 10.0, 0.0, 0, 0,
   "sustained chords and a 200-800 Hz melody at 10 dB SNR"},
  {"music-0", DLG_BED_MUSIC, 1, -26.0, 0.0, 0.0, 0, 0, "music at 0 dB SNR"},
  {"percussive-0", DLG_BED_PERCUSSIVE, 1, -26.0, 0.0, 0.0, 0, 0,
   "kick, snare and hi-hat at 100-120 bpm at 0 dB SNR"},
  {"traffic-0", DLG_BED_TRAFFIC, 1, -26.0, 0.0, 0.0, 0, 0,
   "rumble with passing swells up to +10 dB at 0 dB SNR"},
  {"effects-0", DLG_BED_EFFECTS, 1, -26.0, 0.0, 0.0, 0, 0,
   "door slams, footsteps, a ticking clock over quiet room tone at 0 dB SNR"},
  {"reverb-10", DLG_BED_ROOMTONE, 1, -26.0, 10.0, 0.0, 1, 0,
   "speech in a room (RT60 0.6 s) over room tone at 10 dB SNR; dry labels"},
  {"level-50", DLG_BED_ROOMTONE, 1, -50.0, 20.0, 0.0, 0, 0,
   "speech at -50 dBFS over room tone 20 dB below"},
  {"level-0", DLG_BED_ROOMTONE, 1, -26.0, 20.0, 0.0, 0, 1,
   "speech peaking at -0.3 dBFS over room tone 20 dB below"},
  {"music-only", DLG_BED_MUSIC, 0, 0.0, NO_SNR, -26.0, 0, 0, "music at -26 dBFS, no speech"},
  {"percussive-only", DLG_BED_PERCUSSIVE, 0, 0.0, NO_SNR, -26.0, 0, 0,
   "drums at -26 dBFS, no speech"},
  {"effects-only", DLG_BED_EFFECTS, 0, 0.0, NO_SNR, -26.0, 0, 0,
   "effects at -26 dBFS (peaks held to -1 dBFS), no speech"},
  {"traffic-only", DLG_BED_TRAFFIC, 0, 0.0, NO_SNR, -26.0, 0, 0, "traffic at -26 dBFS, no speech"},
  {"roomtone-only", DLG_BED_ROOMTONE, 0, 0.0, NO_SNR, -40.0, 0, 0,
   "room tone at -40 dBFS, no speech"},
};
enum { N_CONDITIONS = sizeof(conditions) / sizeof(conditions[0]) };

static const double peak_limit_db = -1.0;  /* every mix peaks at most here ... */
static const double peak_full_db = -0.3;   /* ... but level-0, which peaks here */
static const double rt60_s = 0.6;
static const double reverb_db = -1.5;      /* reverberant-to-direct energy */

static const char usage[] =
  "usage: gen_dialogue --condition NAME -o OUT.wav --labels OUT.labels [options]\n"
  "Writes a dialogue programme (32-bit float WAV) and its speech labels: one\n"
  "line 0 or 1 per 10 ms frame, frame k = samples [floor(k R/100), floor((k+1) R/100)),\n"
  "after a header line '# frames N speech M'.\n"
  "  --condition NAME     what lies under the speech; --list shows them\n"
  "  --rate R             sample rate in Hz, 22050..192000 (48000)\n"
  "  --seconds S          length in seconds, 1..600 (3 or more with speech),\n"
  "                       rounded to 10 ms (30)\n"
  "  --seed N             picks lines, voices, levels, pauses and the bed (1)\n"
  "  --channels C         1, or 2: the same speech in both, decorrelated beds (1)\n"
  "  -o FILE              the mix\n"
  "  --labels FILE        the labels\n"
  "  --speech-only FILE   the speech as mixed   } speech + bed = mix,\n"
  "  --bed-only FILE      the bed as mixed      } sample for sample\n"
  "  -v                   print levels, speech-to-bed ratio and speech share;\n"
  "                       -vv lists the utterances too\n"
  "  --list               list the conditions\n"
  "  -h, --help           this text\n"
  "A mix peaking above -1 dBFS is turned down, speech and bed alike (level-0\n"
  "is set to peak at -0.3 dBFS).  The same options give the same files, bit\n"
  "for bit.  Needs espeak-ng.\n";

typedef struct {
  const Condition *condition;
  unsigned rate;
  double seconds;
  uint64_t seed;
  unsigned channels;
  const char *out, *labels, *speech_only, *bed_only;
  int verbose;
} Options;

/* a message on stderr; the exit status */
#define fail(...) dlg_fail("gen_dialogue", 1, __VA_ARGS__)

static int
parse_options(int argc, char **argv, Options *o)
{
  memset(o, 0, sizeof(*o));
  o->rate = 48000;
  o->seconds = 30.0;
  o->seed = 1;
  o->channels = 1;
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
      fputs(usage, stdout);
      exit(0);
    }
    if (!strcmp(arg, "--list")) {
      for (int c = 0; c < N_CONDITIONS; ++c) {
        printf("%-16s %s\n", conditions[c].name, conditions[c].about);
      }
      exit(0);
    }
    if (!strcmp(arg, "-v") || !strcmp(arg, "-vv")) {
      o->verbose += arg[2] ? 2 : 1;
      continue;
    }
    const int takes_value = !strcmp(arg, "--condition") || !strcmp(arg, "--rate") ||
                            !strcmp(arg, "--seconds") || !strcmp(arg, "--seed") ||
                            !strcmp(arg, "--channels") || !strcmp(arg, "-o") ||
                            !strcmp(arg, "--labels") || !strcmp(arg, "--speech-only") ||
                            !strcmp(arg, "--bed-only");
    if (!takes_value) {
      return fail("unknown option %s (see --help)", arg);
    }
    if (i + 1 >= argc) {
      return fail("%s needs a value", arg);
    }
    const char *value = argv[++i];
    double v = 0.0;
    if (!strcmp(arg, "--condition")) {
      for (int c = 0; c < N_CONDITIONS; ++c) {
        if (!strcmp(value, conditions[c].name)) {
          o->condition = &conditions[c];
        }
      }
      if (!o->condition) {
        return fail("unknown condition %s (see --list)", value);
      }
    } else if (!strcmp(arg, "--rate")) {
      if (dlg_parse_number(value, 22050.0, 192000.0, &v) || v != floor(v)) {
        return fail("--rate %s: give a whole number of Hz from 22050 to 192000", value);
      }
      o->rate = (unsigned)v;
    } else if (!strcmp(arg, "--seconds")) {
      if (dlg_parse_number(value, 1.0, 600.0, &v)) {
        return fail("--seconds %s: give a number from 1 to 600", value);
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
    } else if (!strcmp(arg, "-o")) {
      o->out = value;
    } else if (!strcmp(arg, "--labels")) {
      o->labels = value;
    } else if (!strcmp(arg, "--speech-only")) {
      o->speech_only = value;
    } else {
      o->bed_only = value;
    }
  }
  if (!o->condition) {
    return fail("no --condition (see --list)");
  }
  if (!o->out || !o->labels) {
    return fail("give -o OUT.wav and --labels OUT.labels (see --help)");
  }
  const char *paths[] = {o->out, o->labels, o->speech_only, o->bed_only};
  for (int a = 0; a < 4; ++a) {
    for (int b = a + 1; b < 4; ++b) {
      if (paths[a] && paths[b] && !strcmp(paths[a], paths[b])) {
        return fail("%s is given for two outputs", paths[a]);
      }
    }
  }
  return 0;
}

/* --- outputs: written beside their final names, renamed at the end -------- */

static int
write_labels(DlgOutput *out, const char *path, const unsigned char *labels, size_t n_frames,
             size_t n_speech, const Options *o)
{
  FILE *file = dlg_output_open(out, path, "gen_dialogue");
  if (!file) {
    return -1;
  }
  fprintf(file, "# frames %zu speech %zu\n", n_frames, n_speech);
  fprintf(file, "# gen_dialogue --condition %s --rate %u --seconds %.2f --seed %llu --channels %u\n",
          o->condition->name, o->rate, (double)n_frames / 100.0, (unsigned long long)o->seed,
          o->channels);
  for (size_t k = 0; k < n_frames; ++k) {
    fputs(labels[k] ? "1\n" : "0\n", file);
  }
  if (ferror(file) | fclose(file)) {
    fprintf(stderr, "gen_dialogue: cannot write %s\n", path);
    return -1;
  }
  return 0;
}

/* Writes speech (mono, may be NULL) + bed channels (may be NULL), sample by
   sample in float, interleaved. */
static int
write_wav(DlgOutput *out, const char *path, const float *speech, float *const *bed, size_t n,
          unsigned channels, unsigned rate)
{
  FILE *file = dlg_output_open(out, path, "gen_dialogue");
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
    fprintf(stderr, "gen_dialogue: cannot write %s: %s\n", path, sf_strerror(NULL));
    fclose(file);
    return -1;
  }
  /* No PEAK chunk: it holds the time of writing, and the same options must
     give the same bytes. */
  sf_command(sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
  enum { CHUNK = 4096 };
  float buffer[CHUNK * 2];
  int status = 0;
  for (size_t start = 0; start < n && !status; start += CHUNK) {
    const size_t count = n - start < CHUNK ? n - start : CHUNK;
    for (size_t i = 0; i < count; ++i) {
      for (unsigned c = 0; c < channels; ++c) {
        const float s = speech ? speech[start + i] : 0.0f;
        const float b = bed ? bed[c][start + i] : 0.0f;
        buffer[i * channels + c] = s + b;
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
    fprintf(stderr, "gen_dialogue: cannot write %s\n", path);
  }
  return status;
}

/* --- measurements ------------------------------------------------------- */

/* Sum of squares of x over the speech frames (all frames when labels is
   NULL). */
static double
energy(const float *x, size_t n, const unsigned char *labels, size_t n_frames, unsigned rate)
{
  double sum = 0.0;
  for (size_t k = 0; k < n_frames; ++k) {
    if (labels && !labels[k]) {
      continue;
    }
    const size_t a = dlg_frame_start(k, rate);
    size_t b = dlg_frame_start(k + 1, rate);
    b = b > n ? n : b;
    for (size_t i = a; i < b; ++i) {
      sum += (double)x[i] * (double)x[i];
    }
  }
  return sum;
}

static double
db(double x)
{
  return x > 0.0 ? 10.0 * log10(x) : -(double)INFINITY;
}

static void
scale(float *x, size_t n, double gain)
{
  for (size_t i = 0; i < n; ++i) {
    x[i] = (float)((double)x[i] * gain);
  }
}

/* Convolves the speech with the room, then sets its power over the speech
   frames back to the dry speech's. */
static int
add_room(DlgSpeech *speech, const unsigned char *labels, size_t n_frames, uint64_t seed)
{
  double *h = NULL;
  const size_t m = dlg_room_impulse(&h, speech->rate, seed, rt60_s, reverb_db);
  float *wet = (float *)malloc(speech->n * sizeof(float));
  if (!m || !wet || dlg_convolve(speech->track, speech->n, h, m, wet)) {
    free(h);
    free(wet);
    return -1;
  }
  free(h);
  const double dry_e = energy(speech->track, speech->n, labels, n_frames, speech->rate);
  const double wet_e = energy(wet, speech->n, labels, n_frames, speech->rate);
  scale(wet, speech->n, sqrt(dry_e / wet_e));
  free(speech->track);
  speech->track = wet;
  return 0;
}

int
main(int argc, char **argv)
{
  Options o;
  if (parse_options(argc, argv, &o)) {
    return 2;
  }
  const Condition *cond = o.condition;
  const size_t n_frames = (size_t)llround(o.seconds * 100.0);
  const size_t n = dlg_frame_start(n_frames, o.rate);
  const unsigned nch = o.channels;
  dlg_cleanup_init();

  char err[512] = "";
  DlgSpeech speech;
  memset(&speech, 0, sizeof(speech));
  unsigned char *labels = (unsigned char *)calloc(n_frames, 1);
  float *bed[2] = {NULL, NULL};
  int status = labels ? 0 : -1;
  if (!status && cond->speech) {
    status = dlg_speech_render(&speech, o.rate, n, o.seed, cond->speech_db, o.verbose, err,
                               sizeof(err));
  } else if (!status) {
    speech.rate = o.rate;
    speech.n = n;
    speech.track = (float *)calloc(n, sizeof(float));
    status = speech.track ? 0 : -1;
  }
  size_t n_speech = 0;
  if (!status) {
    n_speech = dlg_speech_labels(&speech, labels, n_frames);
  }
  if (!status && cond->reverb) {
    status = add_room(&speech, labels, n_frames, o.seed);
  }
  for (unsigned c = 0; c < nch && !status; ++c) {
    bed[c] = (float *)malloc(n * sizeof(float));
    status = !bed[c] || dlg_bed_render(cond->bed, bed[c], n, o.rate, o.seed, c, nch) ? -1 : 0;
  }
  if (status) {
    fprintf(stderr, "gen_dialogue: %s\n", *err ? err : "out of memory");
    dlg_cleanup_run();
    dlg_speech_free(&speech);
    free(labels);
    free(bed[0]);
    free(bed[1]);
    return 1;
  }

  /* The bed against the speech over the speech frames, or on its own. */
  const int relative = cond->speech && !isnan(cond->snr_db);
  double bed_e = 0.0;
  for (unsigned c = 0; c < nch; ++c) {
    bed_e += energy(bed[c], n, relative ? labels : NULL, n_frames, o.rate);
  }
  double bed_gain;
  if (relative) {
    const double speech_e = nch * energy(speech.track, n, labels, n_frames, o.rate);
    bed_gain = sqrt(speech_e / bed_e / pow(10.0, cond->snr_db / 10.0));
  } else {
    bed_gain = dlg_db_to_gain(cond->bed_db) / sqrt(bed_e / ((double)n * nch));
  }
  for (unsigned c = 0; c < nch; ++c) {
    scale(bed[c], n, bed_gain);
  }

  /* Peaks: level-0 is brought to just under full scale, the others down to
     -1 dBFS when above it (speech and bed alike, their ratio kept). */
  double peak = 0.0;
  for (unsigned c = 0; c < nch; ++c) {
    for (size_t i = 0; i < n; ++i) {
      peak = fmax(peak, fabs((double)speech.track[i] + (double)bed[c][i]));
    }
  }
  double gain = 1.0;
  if (cond->peak_near_full) {
    gain = dlg_db_to_gain(peak_full_db) / peak;
  } else if (peak > dlg_db_to_gain(peak_limit_db)) {
    gain = dlg_db_to_gain(peak_limit_db) / peak;
  }
  if (gain != 1.0) {
    dlg_speech_scale(&speech, gain);
    for (unsigned c = 0; c < nch; ++c) {
      scale(bed[c], n, gain);
    }
  }

  /* What was reached, on the samples as written. */
  if (o.verbose) {
    double speech_e = 0.0, bed_speech_e = 0.0, bed_all_e = 0.0, mix_peak = 0.0;
    for (unsigned c = 0; c < nch; ++c) {
      speech_e += energy(speech.track, n, labels, n_frames, o.rate);
      bed_speech_e += energy(bed[c], n, labels, n_frames, o.rate);
      bed_all_e += energy(bed[c], n, NULL, n_frames, o.rate);
      for (size_t i = 0; i < n; ++i) {
        mix_peak = fmax(mix_peak, fabs((double)(speech.track[i] + bed[c][i])));
      }
    }
    double samples_speech = 0.0;
    for (size_t k = 0; k < n_frames; ++k) {
      if (labels[k]) {
        samples_speech += (double)nch * (double)(dlg_frame_start(k + 1, o.rate) -
                                                  dlg_frame_start(k, o.rate));
      }
    }
    fprintf(stderr,
            "gen_dialogue: %s, %u Hz, %.2f s, seed %llu, %u ch: %zu utterances, speech %.1f %% "
            "of frames",
            cond->name, o.rate, (double)n_frames / 100.0, (unsigned long long)o.seed, nch,
            speech.n_utterances, 100.0 * (double)n_speech / (double)n_frames);
    if (n_speech) {
      fprintf(stderr, ", speech %.1f dBFS, speech-to-bed %.1f dB", db(speech_e / samples_speech),
              db(speech_e / bed_speech_e));
    }
    fprintf(stderr, ", bed %.1f dBFS, peak %.1f dBFS\n", db(bed_all_e / ((double)n * nch)),
            20.0 * log10(mix_peak));
  }

  DlgOutput outputs[4];
  size_t n_outputs = 0;
  status = write_wav(&outputs[n_outputs++], o.out, speech.track, bed, n, nch, o.rate);
  if (!status) {
    status = write_labels(&outputs[n_outputs++], o.labels, labels, n_frames, n_speech, &o);
  }
  if (!status && o.speech_only) {
    status = write_wav(&outputs[n_outputs++], o.speech_only, speech.track, NULL, n, nch, o.rate);
  }
  if (!status && o.bed_only) {
    status = write_wav(&outputs[n_outputs++], o.bed_only, NULL, bed, n, nch, o.rate);
  }
  if (!status) {
    status = dlg_outputs_commit(outputs, n_outputs, "gen_dialogue", 0);
  }
  dlg_cleanup_run();
  dlg_speech_free(&speech);
  free(labels);
  free(bed[0]);
  free(bed[1]);
  return status ? 1 : 0;
}
