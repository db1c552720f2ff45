/* postsync roomtone: learn a production recording's room tone under and
   between its speech, and generate it (room_profile, room_fill: the
   engines of the roomtone plugin). */
#include "audiofile.h"
#include "commands.h"
#include "ps_status.h"
#include "room_fill.h"
#include "room_profile.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define READ_FRAMES 4800

typedef struct {
  const char *reference;
  const char *profile;
  const char *under;
  const char *output;
  double length;
  double level_db;
  double rate;
  int channels;
  uint64_t seed;
  PsRoomMode mode;
  bool quiet;
} Options;

static void
usage(FILE *f)
{
  fprintf(f,
          "usage: postsync roomtone --reference PROD.wav --length SECONDS -o TONE.wav [OPTION]...\n"
          "       postsync roomtone --reference PROD.wav --under ADR.wav -o OUT.wav [OPTION]...\n"
          "Learn the room tone of a production recording, under and between its speech\n"
          "(broadband floor, stationary tones such as mains hum, slow level changes,\n"
          "stereo coherence), and generate it: never looped, the same for the same seed.\n\n"
          "  --reference FILE   production audio to learn from\n"
          "  --profile FILE     with --reference: save the learned profile to FILE;\n"
          "                     without: generate from the profile saved in FILE\n"
          "  --length SECONDS   generate this much room tone alone (0.1..86400)\n"
          "  --under FILE       put room tone under this dialogue track instead\n"
          "  --mode MODE        with --under: add (all along), difference (only what the\n"
          "                     track's own floor lacks), gaps (only where it is silent),\n"
          "                     tone (the tone alone, the track's length) (add)\n"
          "  --level DB         relative to the learned level, -24..12 (0)\n"
          "  --seed N           0..65535, which of the endless tones: the same N, the same\n"
          "                     tone, as the plugin's seed (1)\n"
          "  --rate HZ          with --length: sample rate (default the reference's)\n"
          "  --channels 1|2     with --length: channels (default the reference's)\n"
          "  -o FILE            the output (32-bit float WAV, or the --under file's format)\n"
          "  -q, --quiet        print nothing but errors\n"
          "  -h, --help         this text\n"
          "Outputs appear only when complete.  Exit status: 0 done, 1 a file could not\n"
          "be used, 2 usage.\n");
}

static int
parse_number(const char *s, double lo, double hi, double *out)
{
  char *end = NULL;
  errno = 0;
  const double v = strtod(s, &end);
  if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi) {
    return -1;
  }
  *out = v;
  return 0;
}

static int
parse(int argc, char **argv, Options *o)
{
  memset(o, 0, sizeof(*o));
  o->seed = 1;
  o->mode = PS_ROOM_ADD;
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
      fprintf(stderr, "postsync roomtone: unknown option or missing value: %s\n", a);
      return 2;
    }
    ++i;
    double x = 0.0;
    if (!strcmp(a, "--reference")) {
      o->reference = v;
    } else if (!strcmp(a, "--profile")) {
      o->profile = v;
    } else if (!strcmp(a, "--under")) {
      o->under = v;
    } else if (!strcmp(a, "-o")) {
      o->output = v;
    } else if (!strcmp(a, "--length") && !parse_number(v, 0.1, 86400.0, &x)) {
      o->length = x;
    } else if (!strcmp(a, "--level") && !parse_number(v, -24.0, 12.0, &x)) {
      o->level_db = x;
    } else if (!strcmp(a, "--seed") && !parse_number(v, 0.0, 65535.0, &x) && x == floor(x)) {
      o->seed = (uint64_t)x;
    } else if (!strcmp(a, "--rate") && !parse_number(v, 22050.0, 192000.0, &x) &&
               x == floor(x)) {
      o->rate = x;
    } else if (!strcmp(a, "--channels") && (!strcmp(v, "1") || !strcmp(v, "2"))) {
      o->channels = atoi(v);
    } else if (!strcmp(a, "--mode") && (!strcmp(v, "add") || !strcmp(v, "difference") ||
                                        !strcmp(v, "gaps") || !strcmp(v, "tone"))) {
      o->mode = !strcmp(v, "add")          ? PS_ROOM_ADD
                : !strcmp(v, "difference") ? PS_ROOM_DIFFERENCE
                : !strcmp(v, "gaps")       ? PS_ROOM_GAPS
                                           : PS_ROOM_TONE_ONLY;
    } else {
      fprintf(stderr, "postsync roomtone: bad option or value: %s %s\n", a, v);
      return 2;
    }
  }
  if (!o->reference && !o->profile) {
    fprintf(stderr, "postsync roomtone: give the production --reference (or a saved --profile)\n");
    return 2;
  }
  if (o->output && !o->under && !(o->length > 0.0)) {
    fprintf(stderr, "postsync roomtone: give --length or --under for -o\n");
    return 2;
  }
  if (o->under && o->length > 0.0) {
    fprintf(stderr, "postsync roomtone: --length and --under do not go together\n");
    return 2;
  }
  if ((o->under || o->length > 0.0) && !o->output) {
    fprintf(stderr, "postsync roomtone: give -o for the output\n");
    return 2;
  }
  if (!o->output && !(o->reference && o->profile)) {
    fprintf(stderr, "postsync roomtone: nothing to write: give -o, or --reference with "
                    "--profile to save one\n");
    return 2;
  }
  return 0;
}


static int
learn(const Options *o, PsRoomProfile *profile, AudioBuffers *buf, double *rate, int *channels)
{
  AudioIn in;
  if (audio_open_for(&in, o->reference, "roomtone", 2)) {
    return -1;
  }
  PsRoomLearn *learner = NULL;
  PsRoomStats *stats = NULL;
  int st = ps_room_learn_init(&learner, in.info.samplerate, (unsigned)in.info.channels);
  if (st) {
    fprintf(stderr, "postsync roomtone: %s\n", ps_status_string(st));
    audio_close(&in);
    return -1;
  }
  sf_count_t got, total = 0;
  while ((got = audio_read_planar(&in, buf, READ_FRAMES)) > 0) {
    ps_room_learn_process(learner, (const float *const *)buf->planar, (size_t)got);
    total += got;
  }
  const bool complete = total == in.info.frames;
  ps_room_stats_profile(ps_room_learn_stats(learner), profile);
  (void)stats;
  *rate = in.info.samplerate;
  *channels = in.info.channels;
  ps_room_learn_free(&learner);
  audio_close(&in);
  if (!complete) {
    fprintf(stderr, "postsync roomtone: %s: read error after %.1f s\n", o->reference,
            (double)total / *rate);
    return -1;
  }
  if (profile->seconds < 3.0) {
    fprintf(stderr, "postsync roomtone: %s: %.1f s is too short to learn a floor from (3 s "
                    "at least; 10 s or more under speech)\n",
            o->reference, profile->seconds);
    return -1;
  }
  if (!(ps_room_profile_power(profile) > 0.0)) {
    fprintf(stderr, "postsync roomtone: %s: nothing to learn (digital silence, or no "
                    "floor between the speech)\n",
            o->reference);
    return -1;
  }
  return 0;
}

static int
save_profile(const char *path, const PsRoomProfile *profile)
{
  unsigned char *blob = (unsigned char *)calloc(1, PS_ROOM_PROFILE_FILE_BYTES);
  char err[256];
  OutFile out;
  if (!blob) {
    fprintf(stderr, "postsync roomtone: out of memory\n");
    return -1;
  }
  ps_room_profile_write(profile, blob);
  int st = out_open(&out, path, err, sizeof(err));
  if (!st) {
    fwrite(blob, 1, PS_ROOM_PROFILE_FILE_BYTES, out.f);
    st = out_commit(&out, err, sizeof(err));
  }
  free(blob);
  if (st) {
    fprintf(stderr, "postsync roomtone: %s\n", err);
  }
  return st;
}

static int
load_profile(const char *path, PsRoomProfile *profile)
{
  const size_t size = PS_ROOM_PROFILE_FILE_BYTES;
  unsigned char *blob = (unsigned char *)malloc(size + 1);
  FILE *f = fopen(path, "rb");
  size_t got = 0;
  if (blob && f) {
    got = fread(blob, 1, size + 1, f);
  }
  if (f) {
    fclose(f);
  }
  int st = -1;
  if (!f) {
    fprintf(stderr, "postsync roomtone: cannot read %s: %s\n", path, strerror(errno));
  } else if (!blob || ps_room_profile_read(profile, blob, got)) {
    fprintf(stderr, "postsync roomtone: %s is not a valid room tone profile of this "
                    "version\n", path);
  } else {
    st = 0;
  }
  free(blob);
  return st;
}

static void
describe(const PsRoomProfile *p)
{
  printf("Room tone: %.1f dBFS RMS, learned from %.1f s; ", ps_room_profile_db(p), p->seconds);
  if (p->level_sd_db < 0.5) {
    printf("steady level\n");
  } else {
    printf("level moves %.1f dB over about %.1f s\n", p->level_sd_db, p->level_seconds);
  }
  if (p->channels == 2) {
    double sum = 0.0;
    size_t n = 0;
    for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
      const double hz = ps_ltas_band_hz(b);
      if (hz >= 100.0 && hz <= 8000.0) {
        sum += p->coherence[b];
        ++n;
      }
    }
    printf("  stereo coherence (100 Hz-8 kHz) %.2f\n", n ? sum / (double)n : 0.0);
  }
  for (unsigned t = 0; t < p->n_tones; ++t) {
    printf("  tone %8.2f Hz  %6.1f dBFS\n", p->tones[t].hz, 10.0 * log10(p->tones[t].power[0]));
  }
}

static int
generate(const Options *o, const PsRoomProfile *profile, AudioBuffers *buf, double rate,
         int channels)
{
  AudioIn in;
  memset(&in, 0, sizeof(in));
  SF_INFO info;
  memset(&info, 0, sizeof(info));
  sf_count_t total = 0;
  if (o->under) {
    if (audio_open_for(&in, o->under, "roomtone", 2)) {
      return -1;
    }
    info = in.info;
    total = in.info.frames;
    rate = in.info.samplerate;
    channels = in.info.channels;
  } else {
    rate = o->rate > 0.0 ? o->rate : rate;
    channels = o->channels ? o->channels : channels;
    info.samplerate = (int)lround(rate);
    info.channels = channels;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    total = (sf_count_t)llround(o->length * rate);
  }
  PsRoomFill *fill = NULL;
  OutFile out;
  memset(&out, 0, sizeof(out));
  SNDFILE *sf = NULL;
  char err[256] = "";
  int status = -1;
  int st = ps_room_fill_init(&fill, rate, (unsigned)channels);
  if (st) {
    snprintf(err, sizeof(err), "%s", ps_status_string(st));
    goto done;
  }
  ps_room_fill_prepare(fill, profile);
  ps_room_fill_commit(fill);
  if (out_open(&out, o->output, err, sizeof(err))) {
    goto done;
  }
  info.frames = 0;
  sf = sf_open_fd(fileno(out.f), SFM_WRITE, &info, SF_FALSE);
  if (!sf) {
    snprintf(err, sizeof(err), "cannot write %s: %s", o->output, sf_strerror(NULL));
    goto done;
  }
  sf_command(sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
  const PsRoomMode mode = o->under ? o->mode : PS_ROOM_TONE_ONLY;
  for (sf_count_t done = 0; done < total;) {
    sf_count_t n = total - done < READ_FRAMES ? total - done : READ_FRAMES;
    if (o->under) {
      n = audio_read_planar(&in, buf, n);
      if (n <= 0) {
        snprintf(err, sizeof(err), "%s: read error", o->under);
        goto done;
      }
    } else {
      for (int c = 0; c < channels; ++c) {
        memset(buf->planar[c], 0, (size_t)n * sizeof(float));
      }
    }
    ps_room_fill_process(fill, (const float *const *)buf->planar, buf->planar, (size_t)n,
                         (int64_t)done, mode, o->level_db, o->seed);
    if (audio_write_planar(sf, buf, (const float *const *)buf->planar, channels, n)) {
      snprintf(err, sizeof(err), "cannot write %s: %s", o->output, sf_strerror(sf));
      goto done;
    }
    done += n;
  }
  const int closed = sf_close(sf);
  sf = NULL;
  if (closed) {
    snprintf(err, sizeof(err), "cannot write %s", o->output);
    goto done;
  }
  if (out_commit(&out, err, sizeof(err))) {
    goto done;
  }
  if (!o->quiet) {
    printf("  %s: %.1f s, %.0f Hz, %d channel%s\n", o->output, (double)total / rate, rate,
           channels, channels == 1 ? "" : "s");
  }
  status = 0;

done:
  if (sf) {
    sf_close(sf);
  }
  if (status) {
    out_abort(&out);
    fprintf(stderr, "postsync roomtone: %s\n", err);
  }
  ps_room_fill_free(&fill);
  audio_close(&in);
  return status;
}

int
cmd_roomtone(int argc, char **argv)
{
  Options o;
  const int bad = parse(argc, argv, &o);
  if (bad) {
    return bad;
  }
  AudioBuffers buf;
  PsRoomProfile *profile = (PsRoomProfile *)calloc(1, sizeof(PsRoomProfile));
  if (!profile || audio_buffers_init(&buf, READ_FRAMES)) {
    fprintf(stderr, "postsync roomtone: out of memory\n");
    free(profile);
    return 1;
  }
  int status = 1;
  double rate = 48000.0;
  int channels = 1;
  if (o.reference) {
    if (learn(&o, profile, &buf, &rate, &channels)) {
      goto done;
    }
    if (o.profile && save_profile(o.profile, profile)) {
      goto done;
    }
  } else if (load_profile(o.profile, profile)) {
    goto done;
  } else {
    channels = (int)profile->channels;
  }
  if (!o.quiet) {
    describe(profile);
  }
  if (o.output && generate(&o, profile, &buf, rate, channels)) {
    goto done;
  }
  status = 0;

done:
  audio_buffers_free(&buf);
  free(profile);
  return status;
}
