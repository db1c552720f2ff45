/* gen_lipsync: material for a lip-sync aligner, with the answer.

   One line of dialogue is spoken twice.  The guide is the production
   recording: the words at one steady pace over location room tone.  The take
   is the ADR: the same words in another performance (each word faster or
   slower, other pauses, perhaps another voice, a filler word or a breath the
   guide does not have) over a quiet studio floor.  The aligner should warp
   the take so that every word lands where the guide has it; the CSV says
   where each word is in both.  Every word is spoken by espeak-ng on its own
   and trimmed, so its onset and offset are exact.  Run with --help for the
   usage, --list for the sentences and some voices. */
#include "options.h"
#include "beds.h"
#include "cleanup.h"
#include "dsp.h"
#include "words.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const double pi = 3.14159265358979323846;
static const double speech_db = -26.0;    /* active level of the guide's speech */
static const double peak_limit_db = -1.0; /* speech peaking above is turned down */
static const double trim_db = -40.0;      /* a word's ends, re its active level */
static const double guide_lead_s = 0.5;
static const double tail_s = 0.5;         /* after the last word of either file */
static const double breath_re_speech_db = -20.0;
static const double room_reverb_db = -3.0; /* reverberant-to-direct energy */

static const char usage[] =
  "usage: gen_lipsync [--guide FILE.wav] [--take FILE.wav] [--words FILE.csv]\n"
  "                   [options]\n"
  "Writes one line of dialogue spoken twice: the guide (production: steady\n"
  "pace, room tone) and the take (ADR: the same words in another performance,\n"
  "studio floor), 32-bit float mono WAVs that end 0.5 s (or the reverberation)\n"
  "after their last word in 10 ms steps, and where each word lies in both.\n"
  "Every word is spoken on its own by espeak-ng and trimmed.\n"
  "  --guide FILE         the guide\n"
  "  --take FILE          the take\n"
  "  --words FILE         word,text,guide_onset,guide_offset,take_onset,take_offset:\n"
  "                       seconds of the first and of the last sample of each\n"
  "                       word, in time order; guide times empty for words only\n"
  "                       the take has (--extra-take-word, --extra-take-breath)\n"
  "  --seed N             the sentence and both performances (1)\n"
  "  --sentence K         the sentence, 1..count (--list); else drawn by seed\n"
  "  --n-words N          speak only its first N words, 2.. (the whole sentence)\n"
  "  --wpm W              the guide's pace, words per minute, 100..300 (190);\n"
  "                       the take's words at 0.8-1.25 times it, word by word\n"
  "  --guide-voice V      espeak-ng voice of the guide (en-us)\n"
  "  --take-voice V       espeak-ng voice of the take (en-gb)\n"
  "  --guide-pitch P      espeak-ng pitch of the guide, 0..99, +-6 per word (50)\n"
  "  --take-pitch P       espeak-ng pitch of the take, 0..99, +-6 per word (50)\n"
  "  --guide-rate R       sample rate of the guide, 22050..192000 Hz (48000)\n"
  "  --take-rate R        sample rate of the take, 22050..192000 Hz (48000)\n"
  "  --guide-noise-db DB  room tone under the guide, dBFS RMS, -120..-20 (-50):\n"
  "                       pink noise low-passed (2nd order) at 8 kHz\n"
  "  --guide-reverb RT60  the guide in a small room, RT60 0.1..0.8 s (0: dry);\n"
  "                       the CSV has the direct sound's times\n"
  "  --take-db DB         the take's speech re the guide's, -30..6 dB (-6); the\n"
  "                       guide's is -26 dBFS active level\n"
  "  --take-noise-db DB   studio floor under the take, dBFS RMS, -120..-20 (-75):\n"
  "                       pink noise low-passed at 16 kHz\n"
  "  --take-eq            the take through a low shelf (+4 dB at 180 Hz) and a\n"
  "                       presence peak (+5 dB at 4.5 kHz, Q 1.2)\n"
  "  --extra-take-word    a filler word (um, uh, well, oh) in one pause of the take\n"
  "  --extra-take-breath  a breath (0.30-0.45 s) in one pause of the take\n"
  "  -v                   print the sentence, the levels and every word's times\n"
  "  --list               list the sentences and some voices\n"
  "  -h, --help           this text\n"
  "Give at least one output.  The guide's first word starts 0.5 s in, its pauses\n"
  "are 40-400 ms with one of 0.6-1.2 s mid-sentence; the take's first word\n"
  "starts 0.35-0.85 s in, its pauses are the guide's times 0.5-1.8.  Timing,\n"
  "pace and pitch do not depend on the rates, levels, noise, reverberation or\n"
  "EQ.  The same options give the same files, bit for bit.\n";

/* --- the text ------------------------------------------------------------- */

/* Lines of 11-13 words, no commas; punctuation is dropped from the words. */
static const char *const sentences[] = {
  "I told you to wait by the car until I came back.",
  "We have less than an hour before the last train leaves the station.",
  "Nobody in this town has seen her since the night of the storm.",
  "If you want the truth you will have to ask him yourself.",
  "She kept the letter in a drawer for almost twenty years.",
  "Put the keys on the table and step away from the door.",
  "I never said it would be easy but I said it would work.",
  "The doctor says he can go home as soon as the fever breaks.",
  "Do you really think they will let us walk out of here?",
  "Every morning at six the baker opens his shop on the corner.",
  "You should have called me the moment you heard the news.",
  "There is a boat waiting for us at the end of the pier.",
  "My father built this house with his own hands forty years ago.",
  "Tell them we are not leaving until somebody gives us an answer.",
  "The money was gone by the time the police arrived at the bank.",
  "I can hear the music from the kitchen but nobody is there.",
  "We will meet again tomorrow at noon in front of the old church.",
  "He swore he locked the gate but the dogs got out anyway.",
  "Take the north road and stay off the highway until it gets dark.",
  "I thought you were going to bring the maps from the office.",
  "Her brother works at the hospital on the other side of the river.",
  "Don't look at me like that. I only did what you asked.",
  "The last time I saw him he was standing in the rain.",
  "Listen carefully because I am only going to say this once.",
};
enum { N_SENTENCES = sizeof(sentences) / sizeof(sentences[0]) };

static const char *const fillers[] = {"um", "uh", "well", "oh"};
enum { N_FILLERS = sizeof(fillers) / sizeof(fillers[0]) };

/* Voices of espeak-ng 1.51 that speak English well; any other works too.
   "en-gb" ignores a variant ("en-gb+f1" is "en-gb"); "en" takes them. */
static const char *const some_voices[] = {
  "en-us", "en-gb", "en-us+f1", "en+f1", "en-us+m3", "en+m7", "en-gb-scotland", "en-us-nyc",
  "en-029", "en-us+f3",
};
enum { N_SOME_VOICES = sizeof(some_voices) / sizeof(some_voices[0]) };

enum { MAX_WORDS = 16, WORD_SIZE = 24 };

/* Splits sentence s into words without punctuation (apostrophes kept). */
static size_t
split_words(const char *s, char words[MAX_WORDS][WORD_SIZE])
{
  size_t count = 0, len = 0;
  for (;; ++s) {
    const char c = *s;
    const int letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '\'';
    if (letter && len + 1 < WORD_SIZE && count < MAX_WORDS) {
      words[count][len++] = c;
    } else if ((c == ' ' || c == '\0') && len) {
      words[count++][len] = '\0';
      len = 0;
    }
    if (!c) {
      return count;
    }
  }
}

static void
list_all(void)
{
  char words[MAX_WORDS][WORD_SIZE];
  puts("Sentences (--sentence K):");
  for (int k = 0; k < N_SENTENCES; ++k) {
    printf("%3d  %2zu words  %s\n", k + 1, split_words(sentences[k], words), sentences[k]);
  }
  puts("Some voices (--guide-voice, --take-voice; `espeak-ng --voices=en` has them all):");
  for (int k = 0; k < N_SOME_VOICES; ++k) {
    printf("  %s\n", some_voices[k]);
  }
  puts("The variants +f2, +f3, +f4, +f5 and +m2 add an echo 120-140 ms later, 16-20 dB\n"
       "down, that lengthens every word by as much (its offset in the CSV with it);\n"
       "+f1, +m1 and +m3 to +m7 have none.");
  printf("Filler words of --extra-take-word:");
  for (int k = 0; k < N_FILLERS; ++k) {
    printf(" %s", fillers[k]);
  }
  putchar('\n');
}

/* --- options -------------------------------------------------------------- */

typedef struct {
  const char *guide, *take, *words;
  uint64_t seed;
  int sentence; /* 0-based, -1: by seed */
  int n_words;  /* 0: all */
  int wpm;
  const char *guide_voice, *take_voice;
  int guide_pitch, take_pitch;
  unsigned guide_rate, take_rate;
  double guide_noise_db, take_noise_db;
  double guide_reverb; /* RT60, 0: dry */
  double take_db;
  int take_eq, extra_word, extra_breath;
  int verbose;
} Options;

/* a message on stderr; the exit status */
#define fail(...) dlg_fail("gen_lipsync", 1, __VA_ARGS__)

static int
parse_whole(const char *text, double lo, double hi, int *value)
{
  double v = 0.0;
  if (dlg_parse_number(text, lo, hi, &v) || v != floor(v)) {
    return -1;
  }
  *value = (int)v;
  return 0;
}

/* An espeak-ng voice name: letters, digits, '-', '_', '+', not starting
   with '-' (it is passed as an argument of its own). */
static int
valid_voice(const char *v)
{
  if (!*v || *v == '-' || strlen(v) > 64) {
    return 0;
  }
  for (; *v; ++v) {
    const char c = *v;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '_' || c == '+')) {
      return 0;
    }
  }
  return 1;
}

static int
parse_options(int argc, char **argv, Options *o)
{
  memset(o, 0, sizeof(*o));
  o->seed = 1;
  o->sentence = -1;
  o->wpm = 190;
  o->guide_voice = "en-us";
  o->take_voice = "en-gb";
  o->guide_pitch = 50;
  o->take_pitch = 50;
  o->guide_rate = 48000;
  o->take_rate = 48000;
  o->guide_noise_db = -50.0;
  o->take_noise_db = -75.0;
  o->take_db = -6.0;
  static const char *const valued[] = {
    "--guide",       "--take",        "--words",          "--seed",          "--sentence",
    "--n-words",     "--wpm",         "--guide-voice",    "--take-voice",    "--guide-pitch",
    "--take-pitch",  "--guide-rate",  "--take-rate",      "--guide-noise-db", "--take-noise-db",
    "--guide-reverb", "--take-db",
  };
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
      fputs(usage, stdout);
      exit(0);
    }
    if (!strcmp(arg, "--list")) {
      list_all();
      exit(0);
    }
    if (!strcmp(arg, "-v")) {
      o->verbose = 1;
      continue;
    }
    if (!strcmp(arg, "--take-eq")) {
      o->take_eq = 1;
      continue;
    }
    if (!strcmp(arg, "--extra-take-word")) {
      o->extra_word = 1;
      continue;
    }
    if (!strcmp(arg, "--extra-take-breath")) {
      o->extra_breath = 1;
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
    int whole = 0;
    if (!strcmp(arg, "--guide")) {
      o->guide = value;
    } else if (!strcmp(arg, "--take")) {
      o->take = value;
    } else if (!strcmp(arg, "--words")) {
      o->words = value;
    } else if (!strcmp(arg, "--seed")) {
      char *end = NULL;
      errno = 0;
      const unsigned long long seed = strtoull(value, &end, 10);
      if (end == value || *end || errno || *value == '-') {
        return fail("--seed %s: give a whole number from 0", value);
      }
      o->seed = (uint64_t)seed;
    } else if (!strcmp(arg, "--sentence")) {
      if (parse_whole(value, 1.0, N_SENTENCES, &whole)) {
        return fail("--sentence %s: give 1 to %d (see --list)", value, N_SENTENCES);
      }
      o->sentence = whole - 1;
    } else if (!strcmp(arg, "--n-words")) {
      if (parse_whole(value, 2.0, MAX_WORDS, &whole)) {
        return fail("--n-words %s: give 2 to %d", value, MAX_WORDS);
      }
      o->n_words = whole;
    } else if (!strcmp(arg, "--wpm")) {
      if (parse_whole(value, 100.0, 300.0, &whole)) {
        return fail("--wpm %s: give a whole number from 100 to 300", value);
      }
      o->wpm = whole;
    } else if (!strcmp(arg, "--guide-voice") || !strcmp(arg, "--take-voice")) {
      if (!valid_voice(value)) {
        return fail("%s %s: not an espeak-ng voice name", arg, value);
      }
      *(!strcmp(arg, "--guide-voice") ? &o->guide_voice : &o->take_voice) = value;
    } else if (!strcmp(arg, "--guide-pitch") || !strcmp(arg, "--take-pitch")) {
      if (parse_whole(value, 0.0, 99.0, &whole)) {
        return fail("%s %s: give a whole number from 0 to 99", arg, value);
      }
      *(!strcmp(arg, "--guide-pitch") ? &o->guide_pitch : &o->take_pitch) = whole;
    } else if (!strcmp(arg, "--guide-rate") || !strcmp(arg, "--take-rate")) {
      if (parse_whole(value, 22050.0, 192000.0, &whole)) {
        return fail("%s %s: give a whole number of Hz from 22050 to 192000", arg, value);
      }
      *(!strcmp(arg, "--guide-rate") ? &o->guide_rate : &o->take_rate) = (unsigned)whole;
    } else if (!strcmp(arg, "--guide-noise-db") || !strcmp(arg, "--take-noise-db")) {
      if (dlg_parse_number(value, -120.0, -20.0, &v)) {
        return fail("%s %s: give a level from -120 to -20 dBFS", arg, value);
      }
      *(!strcmp(arg, "--guide-noise-db") ? &o->guide_noise_db : &o->take_noise_db) = v;
    } else if (!strcmp(arg, "--guide-reverb")) {
      if (dlg_parse_number(value, 0.0, 0.8, &v) || (v > 0.0 && v < 0.1)) {
        return fail("--guide-reverb %s: give 0 (dry) or an RT60 from 0.1 to 0.8 s", value);
      }
      o->guide_reverb = v;
    } else {
      if (dlg_parse_number(value, -30.0, 6.0, &v)) {
        return fail("--take-db %s: give -30 to 6 dB", value);
      }
      o->take_db = v;
    }
  }
  const char *paths[] = {o->guide, o->take, o->words};
  for (int a = 0; a < 3; ++a) {
    for (int b = a + 1; b < 3; ++b) {
      if (paths[a] && paths[b] && !strcmp(paths[a], paths[b])) {
        return fail("%s is given for two outputs", paths[a]);
      }
    }
  }
  if (!o->guide && !o->take && !o->words) {
    return fail("nothing to write: give --guide, --take or --words (see --help)");
  }
  return 0;
}

/* --- the performances ------------------------------------------------------ */

/* Everything drawn from the seed, in seconds: the same for every rate and
   every option of processing.  Each part draws from its own stream and
   always the same count, so asking for an extra leaves the rest alone. */
typedef struct {
  int sentence;
  size_t n;
  char text[MAX_WORDS][WORD_SIZE];
  int guide_pitch[MAX_WORDS];
  double guide_gap[MAX_WORDS]; /* after word k, k + 1 < n */
  size_t long_pause;           /* the gap of 0.6-1.2 s */
  int take_wpm[MAX_WORDS];
  double take_factor[MAX_WORDS];
  int take_pitch[MAX_WORDS];
  double take_gap[MAX_WORDS];
  double take_lead;
  /* the extras: which gap, what, and the pauses around them */
  size_t filler_gap, breath_gap;
  int filler, filler_wpm, filler_pitch;
  double filler_before, filler_after;
  double breath_s, breath_before, breath_after;
} Plan;

static int
clamp_int(int x, int lo, int hi)
{
  return x < lo ? lo : x > hi ? hi : x;
}

static int
make_plan(Plan *p, const Options *o)
{
  memset(p, 0, sizeof(*p));
  DlgRng rng;
  dlg_rng_seed(&rng, o->seed, "lipsync sentence", 0);
  const int drawn = dlg_rng_int(&rng, N_SENTENCES);
  p->sentence = o->sentence >= 0 ? o->sentence : drawn;
  p->n = split_words(sentences[p->sentence], p->text);
  if (o->n_words) {
    if ((size_t)o->n_words > p->n) {
      return fail("--n-words %d: sentence %d has %zu words", o->n_words, p->sentence + 1, p->n);
    }
    p->n = (size_t)o->n_words;
  }
  const size_t gaps = p->n - 1;

  dlg_rng_seed(&rng, o->seed, "lipsync guide", 0);
  for (size_t k = 0; k < MAX_WORDS; ++k) {
    p->guide_pitch[k] = clamp_int(o->guide_pitch + dlg_rng_int(&rng, 13) - 6, 0, 99);
    p->guide_gap[k] = dlg_rng_range(&rng, 0.040, 0.400);
  }
  /* The long pause in the middle third of the gaps. */
  const double where = dlg_rng_range(&rng, 1.0 / 3.0, 2.0 / 3.0);
  p->long_pause = (size_t)floor(where * (double)gaps);
  p->long_pause = p->long_pause < gaps ? p->long_pause : gaps - 1;
  p->guide_gap[p->long_pause] = dlg_rng_range(&rng, 0.6, 1.2);

  dlg_rng_seed(&rng, o->seed, "lipsync take", 0);
  for (size_t k = 0; k < MAX_WORDS; ++k) {
    p->take_factor[k] = dlg_rng_range(&rng, 0.8, 1.25);
    p->take_wpm[k] = (int)lround(o->wpm * p->take_factor[k]);
    p->take_pitch[k] = clamp_int(o->take_pitch + dlg_rng_int(&rng, 13) - 6, 0, 99);
    p->take_gap[k] = p->guide_gap[k] * dlg_rng_range(&rng, 0.5, 1.8);
  }
  p->take_lead = dlg_rng_range(&rng, 0.35, 0.85);

  /* The extras go in a pause away from the ends when there is one. */
  dlg_rng_seed(&rng, o->seed, "lipsync extras", 0);
  const size_t inner = gaps > 2 ? gaps - 2 : 0;
  p->filler_gap = inner ? 1 + (size_t)dlg_rng_int(&rng, (int)inner) : 0;
  p->breath_gap = inner ? 1 + (size_t)dlg_rng_int(&rng, (int)inner) : 0;
  p->filler = dlg_rng_int(&rng, N_FILLERS);
  p->filler_wpm = (int)lround(o->wpm * dlg_rng_range(&rng, 0.8, 1.0));
  p->filler_pitch = clamp_int(o->take_pitch + dlg_rng_int(&rng, 13) - 6, 0, 99);
  p->filler_before = dlg_rng_range(&rng, 0.08, 0.25);
  p->filler_after = dlg_rng_range(&rng, 0.08, 0.25);
  p->breath_s = dlg_rng_range(&rng, 0.30, 0.45);
  p->breath_before = dlg_rng_range(&rng, 0.05, 0.15);
  p->breath_after = dlg_rng_range(&rng, 0.05, 0.15);
  return 0;
}

/* --- laying out ------------------------------------------------------------ */

typedef enum { ITEM_WORD, ITEM_FILLER, ITEM_BREATH } ItemKind;

/* A clip on a track: a trimmed word, or a breath. */
typedef struct {
  ItemKind kind;
  int word; /* index into the plan's words; -1 for the extras */
  const char *text;
  float *clip;
  size_t len;
  double gap_before; /* from the previous item's last sample, or from 0 */
  size_t onset, offset; /* first and last sample on the track */
} Item;

/* Onsets and offsets of items laid one after another; returns the sample
   after the last. */
static size_t
lay_out(Item *items, size_t count, unsigned rate)
{
  double t = 0.0;
  for (size_t k = 0; k < count; ++k) {
    t += items[k].gap_before;
    items[k].onset = (size_t)llround(t * rate);
    items[k].offset = items[k].onset + items[k].len - 1;
    t = (double)(items[k].offset + 1) / rate;
  }
  return count ? items[count - 1].offset + 1 : 0;
}

/* A breath: noise high-passed at 400 Hz and low-passed at 5 kHz under a
   half-sine envelope, of len samples at RMS 1 over its length. */
static float *
breath_clip(size_t len, unsigned rate, uint64_t seed)
{
  float *x = (float *)malloc(len * sizeof(float));
  if (!x) {
    return NULL;
  }
  DlgRng rng;
  dlg_rng_seed(&rng, seed, "lipsync breath", 0);
  DlgBiquad hp, lp;
  dlg_biquad_design(&hp, DLG_HIGHPASS, 400.0, dlg_butterworth_q(2, 0), rate);
  dlg_biquad_design(&lp, DLG_LOWPASS, 5000.0, dlg_butterworth_q(2, 0), rate);
  double sum = 0.0;
  for (size_t i = 0; i < len; ++i) {
    const double y = dlg_biquad_run(&lp, dlg_biquad_run(&hp, dlg_rng_noise(&rng)));
    const double e = sin(pi * (double)(i + 1) / (double)(len + 1));
    x[i] = (float)(y * e);
    sum += (double)x[i] * (double)x[i];
  }
  const double g = 1.0 / sqrt(sum / (double)len);
  for (size_t i = 0; i < len; ++i) {
    x[i] = (float)((double)x[i] * g);
  }
  return x;
}

/* --- signal ----------------------------------------------------------------- */

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

static double
peak(const float *x, size_t n)
{
  double p = 0.0;
  for (size_t i = 0; i < n; ++i) {
    p = fmax(p, fabs((double)x[i]));
  }
  return p;
}

/* Pink noise at RMS `db` dBFS: white noise through first-order pole/zero
   pairs, one per octave from 10 Hz to a quarter of the rate, each zero half
   an octave above its pole (-3 dB per octave on average), then a 2nd-order
   Butterworth low-pass; one second of warm-up before sample 0. */
static void
pink_noise(float *out, size_t n, unsigned rate, uint64_t seed, const char *stream,
           double lowpass_hz, double db)
{
  enum { MAX_PAIRS = 16 };
  double pole[MAX_PAIRS], zero[MAX_PAIRS], x1[MAX_PAIRS] = {0}, y1[MAX_PAIRS] = {0};
  unsigned pairs = 0;
  for (double hz = 10.0; hz < 0.25 * rate && pairs < MAX_PAIRS; hz *= 2.0) {
    pole[pairs] = exp(-2.0 * pi * hz / rate);
    zero[pairs] = exp(-2.0 * pi * hz * sqrt(2.0) / rate);
    ++pairs;
  }
  DlgRng rng;
  dlg_rng_seed(&rng, seed, stream, 0);
  DlgBiquad lp;
  dlg_biquad_design(&lp, DLG_LOWPASS, lowpass_hz, dlg_butterworth_q(2, 0), rate);
  for (size_t i = 0; i < rate + n; ++i) {
    double x = dlg_rng_noise(&rng);
    for (unsigned k = 0; k < pairs; ++k) {
      const double y = x - zero[k] * x1[k] + pole[k] * y1[k];
      x1[k] = x;
      y1[k] = y;
      x = y;
    }
    x = dlg_biquad_run(&lp, x);
    if (i >= rate) {
      out[i - rate] = (float)x;
    }
  }
  const double level = rms(out, n);
  if (level > 0.0) {
    scale(out, n, dlg_db_to_gain(db) / level);
  }
}

/* RBJ cookbook low shelf (slope 1) and peaking sections into f. */
static void
design_low_shelf(DlgBiquad *f, double hz, double gain_db, unsigned rate)
{
  const double a = pow(10.0, gain_db / 40.0);
  const double w0 = 2.0 * pi * hz / rate, cw = cos(w0);
  const double alpha = sin(w0) / 2.0 * sqrt(2.0);
  const double sa = 2.0 * sqrt(a) * alpha;
  const double a0 = (a + 1.0) + (a - 1.0) * cw + sa;
  memset(f, 0, sizeof(*f));
  f->b0 = a * ((a + 1.0) - (a - 1.0) * cw + sa) / a0;
  f->b1 = 2.0 * a * ((a - 1.0) - (a + 1.0) * cw) / a0;
  f->b2 = a * ((a + 1.0) - (a - 1.0) * cw - sa) / a0;
  f->a1 = -2.0 * ((a - 1.0) + (a + 1.0) * cw) / a0;
  f->a2 = ((a + 1.0) + (a - 1.0) * cw - sa) / a0;
}

static void
design_peak(DlgBiquad *f, double hz, double q, double gain_db, unsigned rate)
{
  const double a = pow(10.0, gain_db / 40.0);
  const double w0 = 2.0 * pi * fmin(hz, 0.45 * rate) / rate, cw = cos(w0);
  const double alpha = sin(w0) / (2.0 * q);
  const double a0 = 1.0 + alpha / a;
  memset(f, 0, sizeof(*f));
  f->b0 = (1.0 + alpha * a) / a0;
  f->b1 = -2.0 * cw / a0;
  f->b2 = (1.0 - alpha * a) / a0;
  f->a1 = -2.0 * cw / a0;
  f->a2 = (1.0 - alpha / a) / a0;
}

static void
take_eq(float *x, size_t n, unsigned rate)
{
  DlgBiquad shelf, presence;
  design_low_shelf(&shelf, 180.0, 4.0, rate);
  design_peak(&presence, 4500.0, 1.2, 5.0, rate);
  for (size_t i = 0; i < n; ++i) {
    x[i] = (float)dlg_biquad_run(&presence, dlg_biquad_run(&shelf, (double)x[i]));
  }
}

/* Speech to `db` dBFS active level, turned down if it would peak above
   peak_limit_db over the noise.  Returns the gain taken off, dB (<= 0). */
static double
level_speech(float *speech, const float *noise, size_t n, unsigned rate, double db)
{
  const double active = dlg_active_rms(speech, n, rate);
  scale(speech, n, dlg_db_to_gain(db) / active);
  double p = 0.0;
  for (size_t i = 0; i < n; ++i) {
    p = fmax(p, fabs((double)speech[i] + (double)noise[i]));
  }
  if (p > dlg_db_to_gain(peak_limit_db)) {
    const double down = peak_limit_db - 20.0 * log10(p);
    scale(speech, n, dlg_db_to_gain(down));
    return down;
  }
  return 0.0;
}

/* --- outputs: written beside their final names, renamed at the end --------- */

/* speech + noise, mono float. */
static int
write_wav(DlgOutput *out, const char *path, const float *speech, const float *noise, size_t n,
          unsigned rate)
{
  FILE *file = dlg_output_open(out, path, "gen_lipsync");
  if (!file) {
    return -1;
  }
  SF_INFO info;
  memset(&info, 0, sizeof(info));
  info.samplerate = (int)rate;
  info.channels = 1;
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
  float buffer[CHUNK];
  int status = 0;
  for (size_t start = 0; start < n && !status; start += CHUNK) {
    const size_t count = n - start < CHUNK ? n - start : CHUNK;
    for (size_t i = 0; i < count; ++i) {
      buffer[i] = speech[start + i] + noise[start + i];
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

/* One row per item of the take, in time order; guide words matched by
   their index. */
static int
write_csv(DlgOutput *out, const char *path, const Item *guide, unsigned guide_rate,
          const Item *take, size_t n_take, unsigned take_rate)
{
  FILE *file = dlg_output_open(out, path, "gen_lipsync");
  if (!file) {
    return -1;
  }
  fputs("word,text,guide_onset,guide_offset,take_onset,take_offset\n", file);
  for (size_t k = 0; k < n_take; ++k) {
    const Item *t = &take[k];
    fprintf(file, "%zu,%s,", k + 1, t->text);
    if (t->word >= 0) {
      const Item *g = &guide[t->word];
      fprintf(file, "%.6f,%.6f,", (double)g->onset / guide_rate, (double)g->offset / guide_rate);
    } else {
      fputs(",,", file);
    }
    fprintf(file, "%.6f,%.6f\n", (double)t->onset / take_rate, (double)t->offset / take_rate);
  }
  if (ferror(file) | fclose(file)) {
    fail("cannot write %s", path);
    return -1;
  }
  return 0;
}

/* --- main ----------------------------------------------------------------- */

/* The first sample of 10 ms frame k. */
static size_t
frame_start(size_t k, unsigned rate)
{
  return (size_t)(((uint64_t)k * rate) / 100u);
}

/* The clips of both performances, from espeak-ng's words. */
typedef struct {
  Item guide[MAX_WORDS];
  Item take[MAX_WORDS + 2];
  size_t n_guide, n_take;
} Performances;

static void
free_performances(Performances *p)
{
  for (size_t k = 0; k < p->n_guide; ++k) {
    free(p->guide[k].clip);
  }
  for (size_t k = 0; k < p->n_take; ++k) {
    free(p->take[k].clip);
  }
}

static int
clip_item(Item *item, const LsWord *word, unsigned rate)
{
  item->len = ls_word_clip(word, rate, trim_db, &item->clip);
  if (!item->len) {
    return fail("espeak-ng said nothing for \"%s\" (or out of memory)", word->text);
  }
  return 0;
}

static int
perform(Performances *perf, const Plan *plan, const Options *o)
{
  memset(perf, 0, sizeof(*perf));
  const size_t n = plan->n;
  LsWord spoken[2 * MAX_WORDS + 1];
  memset(spoken, 0, sizeof(spoken));
  for (size_t k = 0; k < n; ++k) {
    spoken[k] = (LsWord){plan->text[k], o->guide_voice, o->wpm, plan->guide_pitch[k],
                         NULL, 0, 0};
    spoken[n + k] = (LsWord){plan->text[k], o->take_voice, plan->take_wpm[k],
                             plan->take_pitch[k], NULL, 0, 0};
  }
  size_t count = 2 * n;
  if (o->extra_word) {
    spoken[count++] = (LsWord){fillers[plan->filler], o->take_voice, plan->filler_wpm,
                               plan->filler_pitch, NULL, 0, 0};
  }
  char err[512] = "";
  if (ls_words_speak(spoken, count, err, sizeof(err))) {
    return fail("%s", err);
  }
  int status = 0;
  for (size_t k = 0; k < n && !status; ++k) {
    Item *g = &perf->guide[perf->n_guide++];
    *g = (Item){ITEM_WORD, (int)k, plan->text[k], NULL, 0,
                k ? plan->guide_gap[k - 1] : guide_lead_s, 0, 0};
    status = clip_item(g, &spoken[k], o->guide_rate);
  }
  double active_sum = 0.0;
  for (size_t k = 0; k < n && !status; ++k) {
    /* The pause before word k; extras in it replace it by their own. */
    double gap = k ? plan->take_gap[k - 1] : plan->take_lead;
    int extras = 0;
    if (k && o->extra_breath && plan->breath_gap == k - 1) {
      const size_t len = (size_t)llround(plan->breath_s * o->take_rate);
      Item *b = &perf->take[perf->n_take++];
      *b = (Item){ITEM_BREATH, -1, "(breath)", breath_clip(len, o->take_rate, o->seed), len,
                  plan->breath_before, 0, 0};
      if (!b->clip) {
        status = fail("out of memory");
        break;
      }
      gap = plan->breath_after;
      extras = 1;
    }
    if (k && o->extra_word && plan->filler_gap == k - 1) {
      Item *f = &perf->take[perf->n_take++];
      *f = (Item){ITEM_FILLER, -1, fillers[plan->filler], NULL, 0,
                  extras ? gap : plan->filler_before, 0, 0};
      status = clip_item(f, &spoken[2 * n], o->take_rate);
      gap = plan->filler_after;
    }
    Item *t = &perf->take[perf->n_take++];
    *t = (Item){ITEM_WORD, (int)k, plan->text[k], NULL, 0, gap, 0, 0};
    status = status ? status : clip_item(t, &spoken[n + k], o->take_rate);
    if (!status) {
      active_sum += dlg_active_rms(t->clip, t->len, o->take_rate);
    }
  }
  /* A breath some 20 dB under the words around it. */
  for (size_t k = 0; k < perf->n_take && !status; ++k) {
    if (perf->take[k].kind == ITEM_BREATH) {
      scale(perf->take[k].clip, perf->take[k].len,
            active_sum / (double)n * dlg_db_to_gain(breath_re_speech_db));
    }
  }
  ls_words_free(spoken, count);
  return status;
}

/* items onto a new track of n samples. */
static float *
render_track(const Item *items, size_t count, size_t n)
{
  float *track = (float *)calloc(n, sizeof(float));
  if (!track) {
    return NULL;
  }
  for (size_t k = 0; k < count; ++k) {
    memcpy(track + items[k].onset, items[k].clip, items[k].len * sizeof(float));
  }
  return track;
}

static void
print_words(const Performances *perf, const Plan *plan, const Options *o)
{
  fprintf(stderr, "  %-3s %-10s %-19s %-19s %s\n", "#", "word", "guide s", "take s",
          "take wpm");
  for (size_t k = 0; k < perf->n_take; ++k) {
    const Item *t = &perf->take[k];
    char guide[32] = "";
    if (t->word >= 0) {
      const Item *g = &perf->guide[t->word];
      snprintf(guide, sizeof(guide), "%7.3f-%7.3f", (double)g->onset / o->guide_rate,
               (double)(g->offset + 1) / o->guide_rate);
    }
    fprintf(stderr, "  %-3zu %-10s %-19s %7.3f-%7.3f", k + 1, t->text, guide,
            (double)t->onset / o->take_rate, (double)(t->offset + 1) / o->take_rate);
    if (t->kind == ITEM_WORD) {
      fprintf(stderr, "     %3d (x%.2f)", plan->take_wpm[t->word], plan->take_factor[t->word]);
    } else if (t->kind == ITEM_FILLER) {
      fprintf(stderr, "     %3d (take only)", plan->filler_wpm);
    } else {
      fputs("         (take only)", stderr);
    }
    fputc('\n', stderr);
  }
}

int
main(int argc, char **argv)
{
  Options o;
  Plan plan;
  if (parse_options(argc, argv, &o) || make_plan(&plan, &o)) {
    return 2;
  }
  dlg_cleanup_init();
  /* A reader of -v that goes away (| head) must not stop the renames half
     way, leaving temporary files. */
  signal(SIGPIPE, SIG_IGN);
  Performances perf;
  if (perform(&perf, &plan, &o)) {
    free_performances(&perf);
    return 1;
  }
  const size_t guide_end = lay_out(perf.guide, perf.n_guide, o.guide_rate);
  const size_t take_end = lay_out(perf.take, perf.n_take, o.take_rate);

  double *ir = NULL;
  size_t ir_len = 0;
  int status = 0;
  if (o.guide_reverb > 0.0) {
    ir_len = dlg_room_impulse(&ir, o.guide_rate, o.seed, o.guide_reverb, room_reverb_db);
    if (!ir_len) {
      status = fail("out of memory");
    }
  }
  /* Each file ends after its last word, the reverberation and the tail, in
     10 ms steps: the guide does not depend on the take, nor the take on the
     guide. */
  const double guide_s = (double)guide_end / o.guide_rate +
                         fmax(tail_s, (double)ir_len / o.guide_rate);
  const double take_s = (double)take_end / o.take_rate + tail_s;
  const size_t n_guide = frame_start((size_t)ceil(guide_s * 100.0 - 1e-9), o.guide_rate);
  const size_t n_take = frame_start((size_t)ceil(take_s * 100.0 - 1e-9), o.take_rate);

  float *guide = NULL, *guide_tone = NULL, *take = NULL, *take_floor = NULL;
  double guide_down = 0.0, take_down = 0.0;
  if (!status) {
    guide = render_track(perf.guide, perf.n_guide, n_guide);
    take = render_track(perf.take, perf.n_take, n_take);
    guide_tone = (float *)malloc(n_guide * sizeof(float));
    take_floor = (float *)malloc(n_take * sizeof(float));
    if (!guide || !take || !guide_tone || !take_floor) {
      status = fail("out of memory");
    }
  }
  if (!status && ir_len) {
    float *wet = (float *)malloc(n_guide * sizeof(float));
    if (!wet || dlg_convolve(guide, n_guide, ir, ir_len, wet)) {
      free(wet);
      status = fail("out of memory");
    } else {
      free(guide);
      guide = wet;
    }
  }
  if (!status) {
    pink_noise(guide_tone, n_guide, o.guide_rate, o.seed, "lipsync room tone", 8000.0,
               o.guide_noise_db);
    pink_noise(take_floor, n_take, o.take_rate, o.seed, "lipsync studio floor", 16000.0,
               o.take_noise_db);
    if (o.take_eq) {
      take_eq(take, n_take, o.take_rate);
    }
    guide_down = level_speech(guide, guide_tone, n_guide, o.guide_rate, speech_db);
    take_down = level_speech(take, take_floor, n_take, o.take_rate, speech_db + o.take_db);
  }

  if (!status && o.verbose) {
    fprintf(stderr, "gen_lipsync: seed %llu, sentence %d, %zu words: \"%s\"\n",
            (unsigned long long)o.seed, plan.sentence + 1, plan.n, sentences[plan.sentence]);
    fprintf(stderr,
            "gen_lipsync: guide: %s, %d wpm, %u Hz, %.2f s; speech %.1f dBFS active, peak %.1f "
            "dBFS%s; room tone %.1f dBFS RMS%s\n",
            o.guide_voice, o.wpm, o.guide_rate, (double)n_guide / o.guide_rate,
            20.0 * log10(dlg_active_rms(guide, n_guide, o.guide_rate)),
            20.0 * log10(peak(guide, n_guide)), guide_down < 0.0 ? " (turned down)" : "",
            20.0 * log10(rms(guide_tone, n_guide)), ir_len ? ", small room" : "");
    fprintf(stderr,
            "gen_lipsync: take: %s, %u Hz, %.2f s; speech %.1f dBFS active, peak %.1f dBFS%s; "
            "floor %.1f dBFS RMS%s\n",
            o.take_voice, o.take_rate, (double)n_take / o.take_rate,
            20.0 * log10(dlg_active_rms(take, n_take, o.take_rate)),
            20.0 * log10(peak(take, n_take)), take_down < 0.0 ? " (turned down)" : "",
            20.0 * log10(rms(take_floor, n_take)), o.take_eq ? ", low shelf and presence EQ" : "");
    print_words(&perf, &plan, &o);
  }

  DlgOutput outputs[3];
  size_t n_outputs = 0;
  if (!status && o.guide) {
    status = write_wav(&outputs[n_outputs++], o.guide, guide, guide_tone, n_guide, o.guide_rate);
  }
  if (!status && o.take) {
    status = write_wav(&outputs[n_outputs++], o.take, take, take_floor, n_take, o.take_rate);
  }
  if (!status && o.words) {
    status = write_csv(&outputs[n_outputs++], o.words, perf.guide, o.guide_rate, perf.take,
                       perf.n_take, o.take_rate);
  }
  if (!status) {
    status = dlg_outputs_commit(outputs, n_outputs, "gen_lipsync", o.verbose);
  }
  dlg_cleanup_run();
  free_performances(&perf);
  free(ir);
  free(guide);
  free(guide_tone);
  free(take);
  free(take_floor);
  return status ? 1 : 0;
}
