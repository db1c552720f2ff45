/* gen_roomtone: room tone with a known answer.

   A production recording is dry speech over the background noise of the
   location, its room tone.  The room tone alone, sample for sample what lies
   under the speech, is the truth a room-tone matcher should reproduce: its
   spectrum, in stereo the coherence of its two channels, and the list of its
   stationary sinusoids (hum, fan tones).  An ADR recording of the same scene
   over a quiet studio floor goes with it, for a matcher that fills only the
   difference between the two rooms.  Run with --help for the usage, --list
   for the kinds of room tone. */
#include "options.h"
#include "beds.h"
#include "cleanup.h"
#include "dsp.h"
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

static const double pi = 3.14159265358979323846;
static const double speech_db = -26.0;    /* active level of both performances */
static const double peak_limit_db = -1.0; /* speech peaking above is turned down */

static const char usage[] =
  "usage: gen_roomtone --tone KIND [--production FILE] [--tone-only FILE]\n"
  "                    [--adr FILE] [--adr-floor FILE] [--tones CSV]\n"
  "                    [--labels FILE] [options]\n"
  "Writes a production recording (dry espeak-ng speech at -26 dBFS active\n"
  "level over a room tone of the given kind) and its truth: the room tone\n"
  "alone, and its stationary sinusoids.  32-bit float WAVs.\n"
  "  --tone KIND        the room tone; --list shows the kinds\n"
  "  --seconds S        length, 3..600, rounded to 10 ms (30)\n"
  "  --rate R           sample rate in Hz, 32000..192000 (48000)\n"
  "  --seed N           the scene, the performances, the noise and the hum\n"
  "                     phases (1)\n"
  "  --channels C       1 or 2 (1); in stereo the speech is the same in both\n"
  "  --coherence X      stereo only, 0..1 (0.5): the coherence of the room tone's\n"
  "                     channels in every band, L = a N1 + b N2, R = a N1 + b N3\n"
  "                     with independent noises, X = a^2 / (a^2 + b^2);\n"
  "                     sinusoids are the same in both channels\n"
  "  --production FILE  speech + room tone\n"
  "  --tone-only FILE   the room tone alone, sample for sample the one under\n"
  "                     the speech of --production\n"
  "  --adr FILE         a second performance of the scene over a quiet studio\n"
  "                     floor (pink noise, -75 dBFS RMS, no tones)\n"
  "  --adr-floor FILE   that studio floor alone\n"
  "  --tones CSV        the room tone's sinusoids: 'hz,power_db' (stereo:\n"
  "                     'hz,power_db_l,power_db_r'), power 10 log10(A^2/2) dBFS\n"
  "  --labels FILE      speech labels of the production, one line 0 or 1 per\n"
  "                     10 ms frame, judged on the dry speech\n"
  "  -v                 print what was made\n"
  "  --list             list the kinds of room tone\n"
  "  -h, --help         this text\n"
  "Give at least one output.  Only --production, --adr and --labels need\n"
  "espeak-ng.  The same options give the same files, bit for bit.\n";

/* --- the kinds ------------------------------------------------------------ */

typedef enum {
  NOISE_PINK,    /* -3 dB/octave, 2nd-order Butterworth low-pass */
  NOISE_BROWN,   /* -6 dB/octave, 2nd-order Butterworth high-pass at 20 Hz */
  NOISE_TRAFFIC, /* dlg_bed_render(DLG_BED_TRAFFIC) */
} NoiseShape;

typedef struct {
  NoiseShape shape;
  double lowpass_hz; /* pink only */
  double db;         /* RMS over the whole file, dBFS, every channel */
  const char *stream;
} NoiseSpec;

typedef struct {
  double hz;
  double power_db; /* 10 log10(A^2 / 2): its mean square, dBFS */
} Sinusoid;

enum { MAX_SINUSOIDS = 5 };

typedef struct {
  const char *name;
  const char *about;
  NoiseSpec noise;
  size_t n_sinusoids;
  Sinusoid sinusoids[MAX_SINUSOIDS];
} Kind;

static const Kind kinds[] = {
  {"pink", "pink noise, low-passed (2nd order) at 16 kHz, -50 dBFS",
   {NOISE_PINK, 16000.0, -50.0, "roomtone noise"}, 0, {{0.0, 0.0}}},
  {"brown", "brown (1/f^2) noise, high-passed (2nd order) at 20 Hz, -50 dBFS",
   {NOISE_BROWN, 0.0, -50.0, "roomtone noise"}, 0, {{0.0, 0.0}}},
  {"hvac50",
   "air handling: pink noise low-passed at 2 kHz, -52 dBFS; mains hum 50, 100, 150,\n"
   "         250 Hz at -58, -64, -62, -70 dBFS; fan blade tone 137.5 Hz at -66 dBFS",
   {NOISE_PINK, 2000.0, -52.0, "roomtone noise"},
   5,
   {{50.0, -58.0}, {100.0, -64.0}, {150.0, -62.0}, {250.0, -70.0}, {137.5, -66.0}}},
  {"hvac60",
   "air handling: pink noise low-passed at 2 kHz, -52 dBFS; mains hum 60, 120, 180,\n"
   "         300 Hz at -58, -64, -62, -70 dBFS; fan blade tone 112.5 Hz at -66 dBFS",
   {NOISE_PINK, 2000.0, -52.0, "roomtone noise"},
   5,
   {{60.0, -58.0}, {120.0, -64.0}, {180.0, -62.0}, {300.0, -70.0}, {112.5, -66.0}}},
  {"traffic",
   "distant traffic: rumble under 150 Hz and tyre hiss about 800 Hz, with passing\n"
   "         swells up to +10 dB (slow level changes), -48 dBFS",
   {NOISE_TRAFFIC, 0.0, -48.0, "roomtone noise"}, 0, {{0.0, 0.0}}},
  {"quiet", "a quiet room: pink noise low-passed at 8 kHz, -70 dBFS",
   {NOISE_PINK, 8000.0, -70.0, "roomtone noise"}, 0, {{0.0, 0.0}}},
};
enum { N_KINDS = sizeof(kinds) / sizeof(kinds[0]) };

/* The ADR studio: no tones, far below every production room tone. */
static const NoiseSpec adr_floor_spec = {NOISE_PINK, 16000.0, -75.0, "adr floor"};

static const Kind *
kind_find(const char *name)
{
  for (size_t k = 0; k < N_KINDS; ++k) {
    if (!strcmp(kinds[k].name, name)) {
      return &kinds[k];
    }
  }
  return NULL;
}

static void
list_kinds(void)
{
  puts("Levels are the RMS of the noise over the whole file; sinusoids come on top.");
  for (size_t k = 0; k < N_KINDS; ++k) {
    printf("%-8s %s\n", kinds[k].name, kinds[k].about);
  }
  printf("ADR studio floor (every kind): pink noise low-passed at %.0f kHz, %.0f dBFS\n",
         adr_floor_spec.lowpass_hz / 1000.0, adr_floor_spec.db);
}

/* --- options -------------------------------------------------------------- */

typedef struct {
  const Kind *kind;
  unsigned rate;
  double seconds;
  uint64_t seed;
  unsigned channels;
  double coherence;
  int coherence_given;
  const char *production, *tone_only, *adr, *adr_floor, *tones, *labels;
  int verbose;
} Options;

/* a message on stderr; the exit status */
#define fail(...) dlg_fail("gen_roomtone", 1, __VA_ARGS__)

static int
parse_options(int argc, char **argv, Options *o)
{
  memset(o, 0, sizeof(*o));
  o->rate = 48000;
  o->seconds = 30.0;
  o->seed = 1;
  o->channels = 1;
  o->coherence = 0.5;
  static const char *const valued[] = {
    "--tone",       "--seconds", "--rate",      "--seed",  "--channels", "--coherence",
    "--production", "--tone-only", "--adr",     "--adr-floor", "--tones", "--labels",
  };
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
      fputs(usage, stdout);
      exit(0);
    }
    if (!strcmp(arg, "--list")) {
      list_kinds();
      exit(0);
    }
    if (!strcmp(arg, "-v")) {
      o->verbose = 1;
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
    if (!strcmp(arg, "--tone")) {
      o->kind = kind_find(value);
      if (!o->kind) {
        return fail("unknown kind %s (see --list)", value);
      }
    } else if (!strcmp(arg, "--rate")) {
      if (dlg_parse_number(value, 32000.0, 192000.0, &v) || v != floor(v)) {
        return fail("--rate %s: give a whole number of Hz from 32000 to 192000", value);
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
    } else if (!strcmp(arg, "--coherence")) {
      if (dlg_parse_number(value, 0.0, 1.0, &v)) {
        return fail("--coherence %s: give a number from 0 to 1", value);
      }
      o->coherence = v;
      o->coherence_given = 1;
    } else if (!strcmp(arg, "--production")) {
      o->production = value;
    } else if (!strcmp(arg, "--tone-only")) {
      o->tone_only = value;
    } else if (!strcmp(arg, "--adr")) {
      o->adr = value;
    } else if (!strcmp(arg, "--adr-floor")) {
      o->adr_floor = value;
    } else if (!strcmp(arg, "--tones")) {
      o->tones = value;
    } else {
      o->labels = value;
    }
  }
  if (!o->kind) {
    return fail("no --tone (see --list)");
  }
  if (o->coherence_given && o->channels != 2) {
    return fail("--coherence is for stereo: give --channels 2");
  }
  const char *paths[] = {o->production, o->tone_only, o->adr,
                         o->adr_floor,  o->tones,     o->labels};
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
    return fail("nothing to write: give --production, --tone-only, --tones, ... (see --help)");
  }
  return 0;
}

/* --- noise ---------------------------------------------------------------- */

static double
rms(const float *x, size_t n)
{
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    sum += (double)x[i] * (double)x[i];
  }
  return n ? sqrt(sum / (double)n) : 0.0;
}

static void
scale(float *x, size_t n, double gain)
{
  for (size_t i = 0; i < n; ++i) {
    x[i] = (float)((double)x[i] * gain);
  }
}

/* Pink noise: white noise through first-order pole/zero pairs, one pair per
   octave from 10 Hz up to a quarter of the rate, each zero half an octave
   above its pole, so the slope averages -3 dB per octave; then the
   low-pass.  One second of warm-up lets every pole settle before sample 0. */
static void
pink_noise(float *out, size_t n, unsigned rate, DlgRng *rng, double lowpass_hz)
{
  enum { MAX_PAIRS = 16 };
  double pole[MAX_PAIRS], zero[MAX_PAIRS], x1[MAX_PAIRS] = {0}, y1[MAX_PAIRS] = {0};
  unsigned pairs = 0;
  for (double hz = 10.0; hz < 0.25 * rate && pairs < MAX_PAIRS; hz *= 2.0) {
    pole[pairs] = exp(-2.0 * pi * hz / rate);
    zero[pairs] = exp(-2.0 * pi * hz * sqrt(2.0) / rate);
    ++pairs;
  }
  DlgBiquad lp;
  dlg_biquad_design(&lp, DLG_LOWPASS, lowpass_hz, dlg_butterworth_q(2, 0), rate);
  const size_t warm = rate;
  for (size_t i = 0; i < warm + n; ++i) {
    double x = dlg_rng_noise(rng);
    for (unsigned k = 0; k < pairs; ++k) {
      const double y = x - zero[k] * x1[k] + pole[k] * y1[k];
      x1[k] = x;
      y1[k] = y;
      x = y;
    }
    x = dlg_biquad_run(&lp, x);
    if (i >= warm) {
      out[i - warm] = (float)x;
    }
  }
}

/* Brown noise: a leaky integrator (-6 dB per octave from 1 Hz up) and a
   high-pass at 20 Hz so that nothing drifts; two seconds of warm-up. */
static void
brown_noise(float *out, size_t n, unsigned rate, DlgRng *rng)
{
  const double leak = exp(-2.0 * pi * 1.0 / rate);
  DlgBiquad hp;
  dlg_biquad_design(&hp, DLG_HIGHPASS, 20.0, dlg_butterworth_q(2, 0), rate);
  const size_t warm = 2u * rate;
  double y = 0.0;
  for (size_t i = 0; i < warm + n; ++i) {
    y = leak * y + dlg_rng_noise(rng);
    const double x = dlg_biquad_run(&hp, y);
    if (i >= warm) {
      out[i - warm] = (float)x;
    }
  }
}

/* Independent noise source `index` of a spec, RMS 1 over the file. */
static int
noise_source(const NoiseSpec *spec, float *out, size_t n, unsigned rate, uint64_t seed,
             unsigned index)
{
  DlgRng rng;
  dlg_rng_seed(&rng, seed, spec->stream, index);
  switch (spec->shape) {
  case NOISE_PINK:
    pink_noise(out, n, rate, &rng, spec->lowpass_hz);
    break;
  case NOISE_BROWN:
    brown_noise(out, n, rate, &rng);
    break;
  case NOISE_TRAFFIC:
    /* One channel of one: the swells depend on the seed only, the noise on
       the index, so independent sources share their passing vehicles. */
    if (dlg_bed_render(DLG_BED_TRAFFIC, out, n, rate, seed, index, 1)) {
      return -1;
    }
    break;
  }
  const double level = rms(out, n);
  if (level > 0.0) {
    scale(out, n, 1.0 / level);
  }
  return 0;
}

/* The noise of every channel at spec->db RMS.  Mono: source 0.  Stereo:
   channel c = a source 0 + b source 1+c, a = sqrt(X), b = sqrt(1 - X), so
   the cross-spectrum over the auto-spectra is X in every band. */
static int
render_noise(const NoiseSpec *spec, float **out, unsigned channels, double coherence, size_t n,
             unsigned rate, uint64_t seed)
{
  for (unsigned c = 0; c < channels; ++c) {
    out[c] = (float *)malloc(n * sizeof(float));
    if (!out[c]) {
      return -1;
    }
  }
  if (channels == 1) {
    if (noise_source(spec, out[0], n, rate, seed, 0)) {
      return -1;
    }
  } else {
    float *common = (float *)malloc(n * sizeof(float));
    int status = common ? 0 : -1;
    status = status ? status : noise_source(spec, common, n, rate, seed, 0);
    const double a = sqrt(coherence), b = sqrt(1.0 - coherence);
    for (unsigned c = 0; c < channels && !status; ++c) {
      status = noise_source(spec, out[c], n, rate, seed, 1 + c);
      for (size_t i = 0; i < n && !status; ++i) {
        out[c][i] = (float)(a * (double)common[i] + b * (double)out[c][i]);
      }
    }
    free(common);
    if (status) {
      return -1;
    }
  }
  for (unsigned c = 0; c < channels; ++c) {
    const double level = rms(out[c], n);
    if (level > 0.0) {
      scale(out[c], n, dlg_db_to_gain(spec->db) / level);
    }
  }
  return 0;
}

/* Adds the kind's sinusoids, with phases drawn from the seed, to every
   channel.  The phase is reduced to one cycle before sin() so that a long
   file keeps its frequency to the last sample. */
static void
add_sinusoids(const Kind *kind, float **out, unsigned channels, size_t n, unsigned rate,
              uint64_t seed)
{
  DlgRng rng;
  dlg_rng_seed(&rng, seed, "roomtone sinusoids", 0);
  for (size_t s = 0; s < kind->n_sinusoids; ++s) {
    const Sinusoid *sine = &kind->sinusoids[s];
    const double amplitude = sqrt(2.0 * pow(10.0, sine->power_db / 10.0));
    const double phase = 2.0 * pi * dlg_rng_uniform(&rng);
    for (size_t i = 0; i < n; ++i) {
      const double cycles = sine->hz * (double)i / rate;
      const double x = amplitude * sin(2.0 * pi * (cycles - floor(cycles)) + phase);
      for (unsigned c = 0; c < channels; ++c) {
        out[c][i] = (float)((double)out[c][i] + x);
      }
    }
  }
}

/* --- speech --------------------------------------------------------------- */

/* One performance at speech_db active level, turned down only if it would
   peak above peak_limit_db over `bed`: the bed is the truth and stays as it
   is.  Returns 0, or 1 after printing why. */
static int
perform(DlgSpeech *speech, const Options *o, size_t n, EqmRole role, float *const *bed,
        const char *name, double *gain_db)
{
  char err[512] = "";
  if (eqm_performance_render(speech, o->rate, n, o->seed, role, speech_db, 0, err,
                             sizeof(err))) {
    return fail("%s: %s", name, err);
  }
  const double active = dlg_active_rms(speech->track, n, o->rate);
  if (!(active > 0.0)) {
    dlg_speech_free(speech);
    return fail("%s: no speech", name);
  }
  dlg_speech_scale(speech, dlg_db_to_gain(speech_db) / active);
  double peak = 0.0;
  for (unsigned c = 0; c < o->channels; ++c) {
    for (size_t i = 0; i < n; ++i) {
      peak = fmax(peak, fabs((double)speech->track[i] + (double)bed[c][i]));
    }
  }
  *gain_db = 0.0;
  if (peak > dlg_db_to_gain(peak_limit_db)) {
    *gain_db = peak_limit_db - 20.0 * log10(peak);
    dlg_speech_scale(speech, dlg_db_to_gain(*gain_db));
  }
  return 0;
}

/* --- outputs: written beside their final names, renamed at the end --------- */

/* Writes speech (mono, or NULL) + bed[c], channel by channel, interleaved. */
static int
write_wav(DlgOutput *out, const char *path, const float *speech, float *const *bed, size_t n,
          unsigned channels, unsigned rate)
{
  FILE *file = dlg_output_open(out, path, "gen_roomtone");
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
        const float s = speech ? speech[start + i] : 0.0f;
        buffer[i * channels + c] = s + bed[c][start + i];
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

static int
write_tones(DlgOutput *out, const char *path, const Kind *kind, unsigned channels)
{
  FILE *file = dlg_output_open(out, path, "gen_roomtone");
  if (!file) {
    return -1;
  }
  fputs(channels == 2 ? "hz,power_db_l,power_db_r\n" : "hz,power_db\n", file);
  for (size_t s = 0; s < kind->n_sinusoids; ++s) {
    const Sinusoid *sine = &kind->sinusoids[s];
    fprintf(file, "%.4f,%.4f", sine->hz, sine->power_db);
    if (channels == 2) {
      fprintf(file, ",%.4f", sine->power_db);
    }
    fputc('\n', file);
  }
  return dlg_output_close(file, path, "gen_roomtone");
}

static int
write_labels(DlgOutput *out, const char *path, const unsigned char *labels, size_t n_frames,
             size_t n_speech, const Options *o)
{
  FILE *file = dlg_output_open(out, path, "gen_roomtone");
  if (!file) {
    return -1;
  }
  fprintf(file, "# frames %zu speech %zu\n", n_frames, n_speech);
  fprintf(file, "# gen_roomtone --tone %s --rate %u --seconds %.2f --seed %llu: production\n",
          o->kind->name, o->rate, (double)n_frames / 100.0, (unsigned long long)o->seed);
  for (size_t k = 0; k < n_frames; ++k) {
    fputs(labels[k] ? "1\n" : "0\n", file);
  }
  return dlg_output_close(file, path, "gen_roomtone");
}

/* --- main ----------------------------------------------------------------- */

static double
level_db(float *const *x, unsigned channels, size_t n)
{
  double sum = 0.0;
  for (unsigned c = 0; c < channels; ++c) {
    const double r = rms(x[c], n);
    sum += r * r;
  }
  return 10.0 * log10(sum / channels);
}

int
main(int argc, char **argv)
{
  Options o;
  if (parse_options(argc, argv, &o)) {
    return 2;
  }
  dlg_cleanup_init();
  const unsigned nch = o.channels;
  const size_t n_frames = (size_t)llround(o.seconds * 100.0);
  const size_t n = dlg_frame_start(n_frames, o.rate);
  float *tone[2] = {NULL, NULL}, *floor_noise[2] = {NULL, NULL};
  DlgSpeech production, adr;
  memset(&production, 0, sizeof(production));
  memset(&adr, 0, sizeof(adr));
  unsigned char *labels = NULL;
  size_t n_speech = 0;
  DlgOutput outputs[6];
  size_t n_outputs = 0;

  int status = 0;
  if (o.production || o.tone_only || o.labels) {
    status = render_noise(&o.kind->noise, tone, nch, o.coherence, n, o.rate, o.seed);
    if (status) {
      fail("out of memory");
    } else {
      add_sinusoids(o.kind, tone, nch, n, o.rate, o.seed);
    }
    if (!status && o.verbose) {
      fprintf(stderr,
              "gen_roomtone: %s, %.2f s at %u Hz, %u channel%s, seed %llu: noise %.1f dBFS, "
              "%zu sinusoid%s, room tone %.2f dBFS RMS",
              o.kind->name, (double)n / o.rate, o.rate, nch, nch > 1 ? "s" : "",
              (unsigned long long)o.seed, o.kind->noise.db, o.kind->n_sinusoids,
              o.kind->n_sinusoids == 1 ? "" : "s", level_db(tone, nch, n));
      if (nch == 2) {
        fprintf(stderr, ", coherence %.3f", o.coherence);
      }
      fputc('\n', stderr);
    }
  }
  if (!status && (o.production || o.labels)) {
    double gain_db = 0.0;
    status = perform(&production, &o, n, EQM_ROLE_REFERENCE, tone, "production", &gain_db);
    if (!status) {
      labels = (unsigned char *)calloc(n_frames, 1);
      if (!labels) {
        status = fail("out of memory");
      } else {
        n_speech = dlg_speech_labels(&production, labels, n_frames);
      }
    }
    if (!status && o.verbose) {
      fprintf(stderr,
              "gen_roomtone: production: %zu lines, speech %.1f %% of frames, %.1f dBFS active%s\n",
              production.n_utterances, 100.0 * (double)n_speech / (double)n_frames,
              20.0 * log10(dlg_active_rms(production.track, n, o.rate)),
              gain_db < 0.0 ? " (turned down not to peak above -1 dBFS)" : "");
    }
  }
  if (!status && (o.adr || o.adr_floor)) {
    if (render_noise(&adr_floor_spec, floor_noise, nch, o.coherence, n, o.rate, o.seed)) {
      status = fail("out of memory");
    }
    if (!status && o.adr) {
      double gain_db = 0.0;
      status = perform(&adr, &o, n, EQM_ROLE_TAKE, floor_noise, "adr", &gain_db);
      if (!status && o.verbose) {
        fprintf(stderr, "gen_roomtone: adr: %zu lines, %.1f dBFS active%s, floor %.2f dBFS RMS\n",
                adr.n_utterances, 20.0 * log10(dlg_active_rms(adr.track, n, o.rate)),
                gain_db < 0.0 ? " (turned down not to peak above -1 dBFS)" : "",
                level_db(floor_noise, nch, n));
      }
    }
  }

  if (!status && o.production) {
    status = write_wav(&outputs[n_outputs++], o.production, production.track, tone, n, nch,
                       o.rate);
  }
  if (!status && o.tone_only) {
    status = write_wav(&outputs[n_outputs++], o.tone_only, NULL, tone, n, nch, o.rate);
  }
  if (!status && o.adr) {
    status = write_wav(&outputs[n_outputs++], o.adr, adr.track, floor_noise, n, nch, o.rate);
  }
  if (!status && o.adr_floor) {
    status = write_wav(&outputs[n_outputs++], o.adr_floor, NULL, floor_noise, n, nch, o.rate);
  }
  if (!status && o.tones) {
    status = write_tones(&outputs[n_outputs++], o.tones, o.kind, nch);
  }
  if (!status && o.labels) {
    status = write_labels(&outputs[n_outputs++], o.labels, labels, n_frames, n_speech, &o);
  }
  if (!status) {
    status = dlg_outputs_commit(outputs, n_outputs, "gen_roomtone", o.verbose);
  }
  dlg_cleanup_run();
  dlg_speech_free(&production);
  dlg_speech_free(&adr);
  free(labels);
  for (unsigned c = 0; c < 2; ++c) {
    free(tone[c]);
    free(floor_noise[c]);
  }
  return status ? 1 : 0;
}
