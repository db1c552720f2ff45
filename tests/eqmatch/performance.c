/* Two performances of one scene (see performance.h). */
#include "performance.h"

#include "cleanup.h"
#include "dsp.h"

#include <math.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A scene of ADR lines: short and long, questions, orders, lists. */
static const char *const script[] = {
  "I told you to wait in the car.",
  "The keys were on the table when I left, I swear.",
  "How long have you known about this?",
  "Don't look at me like that.",
  "We have maybe ten minutes before they notice we're gone.",
  "Pass me the map. No, the other one.",
  "He was standing right here, next to the window.",
  "You think this is funny?",
  "Call your sister and tell her we're on our way.",
  "It's cold in here. Is the heating broken again?",
  "I never wanted any of this, you have to believe me.",
  "Check the back door. I'll take the stairs.",
  "What did the doctor say?",
  "Fine. Have it your way.",
  "Seven years, and not a single letter.",
  "Turn the radio off, I'm trying to think.",
  "The last bus left twenty minutes ago.",
  "Whose coat is this?",
  "If anyone asks, we were never here.",
  "She's asleep. Let's talk outside.",
  "Four coffees, two teas, and whatever he's having.",
  "You're bleeding. Sit down, let me see.",
  "Nobody touches the evidence until the photographer is done.",
  "I'll be right back. Don't move.",
  "Do you remember the name of that hotel by the harbour?",
  "That's enough for today.",
};
enum { N_LINES = sizeof(script) / sizeof(script[0]) };

/* Male voices: their fundamental (100-130 Hz) puts speech into the lowest
   bands of the truth. */
static const char *const voices[] = {"en-us", "en+m3", "en-gb", "en-us+m1"};
enum { N_VOICES = sizeof(voices) / sizeof(voices[0]) };

enum { BATCH = 4 }; /* espeak-ng runs at once */

static const double min_pause_s = 0.3;
static const double max_pause_s = 3.0;
static const double label_floor_db = -35.0; /* the span of a line, as in utterances.c */
static const double edge_s = 0.030;         /* kept and faded around the span */
static const double air_gain = 2.0;         /* air band against its 4.5-9 kHz source */

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
set_error(char *err, size_t size, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  vsnprintf(err, size, format, args);
  va_end(args);
}

const char *
eqm_performance_voice(uint64_t seed)
{
  DlgRng scene;
  dlg_rng_seed(&scene, seed, "eqmatch scene", 0);
  return voices[dlg_rng_int(&scene, N_VOICES)];
}

/* A line as espeak-ng spoke it, before placement. */
typedef struct {
  DlgUtterance u;
  int pitch;          /* espeak-ng -p, 0..99 */
  float *x;           /* native rate */
  size_t n;
  unsigned rate;
  double active_rms;  /* native */
  size_t first, last; /* span, native */
} Line;

static int
read_line_audio(const char *path, Line *t, char *err, size_t err_size)
{
  SF_INFO info;
  memset(&info, 0, sizeof(info));
  SNDFILE *file = sf_open(path, SFM_READ, &info);
  if (!file) {
    set_error(err, err_size, "espeak-ng wrote no readable audio (%s)", sf_strerror(NULL));
    return -1;
  }
  if (info.channels != 1 || info.frames < 1 || info.samplerate < 8000) {
    sf_close(file);
    set_error(err, err_size, "espeak-ng wrote unexpected audio (%d channels, %d Hz)",
              info.channels, info.samplerate);
    return -1;
  }
  t->n = (size_t)info.frames;
  t->rate = (unsigned)info.samplerate;
  t->x = (float *)malloc(t->n * sizeof(float));
  const int ok = t->x && sf_readf_float(file, t->x, info.frames) == info.frames;
  sf_close(file);
  if (!ok) {
    set_error(err, err_size, "cannot read espeak-ng output");
    return -1;
  }
  return 0;
}

/* Speaks lines[0..count) in the folder dir (a mkdtemp name: no quoting
   needed), all at once, each with its own log of espeak-ng's complaints. */
static int
speak(const char *dir, const char *voice, Line *lines, size_t count, char *err,
      size_t err_size)
{
  static const char *const suffixes[] = {"txt", "wav", "log"};
  enum { N_SUFFIXES = sizeof(suffixes) / sizeof(suffixes[0]) };
  char path[4200], command[8192];
  int slots[N_SUFFIXES * BATCH];
  size_t n_slots = 0;
  int status = 0;
  int len = snprintf(command, sizeof(command), "cd '%s' && { ", dir);
  for (size_t i = 0; i < count && !status; ++i) {
    for (int s = 0; s < N_SUFFIXES; ++s) {
      snprintf(path, sizeof(path), "%s/l%zu.%s", dir, i, suffixes[s]);
      slots[n_slots++] = dlg_cleanup_add(path, 0);
    }
    snprintf(path, sizeof(path), "%s/l%zu.txt", dir, i);
    FILE *text = fopen(path, "w");
    if (!text || fputs(script[lines[i].u.line], text) < 0 || fclose(text)) {
      set_error(err, err_size, "cannot write %s", path);
      status = -1;
      break;
    }
    len += snprintf(command + len, sizeof(command) - (size_t)len,
                    "espeak-ng -v %s -s %d -p %d -w l%zu.wav -f l%zu.txt >/dev/null "
                    "2>l%zu.log & ",
                    voice, lines[i].u.wpm, lines[i].pitch, i, i, i);
  }
  snprintf(command + len, sizeof(command) - (size_t)len, "wait; } 2>/dev/null");
  if (!status) {
    fflush(NULL);
    const int rc = system(command);
    if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc)) {
      set_error(err, err_size, "espeak-ng did not run (shell status %d)", rc);
      status = -1;
    }
  }
  for (size_t i = 0; i < count && !status; ++i) {
    snprintf(path, sizeof(path), "%s/l%zu.wav", dir, i);
    if (read_line_audio(path, &lines[i], err, err_size)) {
      /* Say why in espeak-ng's (or the shell's) own words when it left any. */
      char reason[200] = "";
      snprintf(path, sizeof(path), "%s/l%zu.log", dir, i);
      FILE *log = fopen(path, "r");
      if (log && fgets(reason, sizeof(reason), log)) {
        reason[strcspn(reason, "\r\n")] = '\0';
        set_error(err, err_size, "espeak-ng failed for voice %s: %s (is espeak-ng installed?)",
                  voice, reason);
      }
      if (log) {
        fclose(log);
      }
      status = -1;
    }
  }
  for (size_t i = 0; i < count; ++i) {
    for (int s = 0; s < N_SUFFIXES; ++s) {
      snprintf(path, sizeof(path), "%s/l%zu.%s", dir, i, suffixes[s]);
      unlink(path);
    }
  }
  for (size_t s = 0; s < n_slots; ++s) {
    dlg_cleanup_forget(slots[s]);
  }
  return status;
}

/* First and last sample at or above thr; 0 when none. */
static int
span(const float *x, size_t n, double thr, size_t *first, size_t *last)
{
  size_t i = 0;
  while (i < n && fabs((double)x[i]) < thr) {
    ++i;
  }
  if (i == n) {
    return 0;
  }
  size_t j = n - 1;
  while (fabs((double)x[j]) < thr) {
    --j;
  }
  *first = i;
  *last = j;
  return 1;
}

static int
measure_line(Line *t)
{
  t->active_rms = dlg_active_rms(t->x, t->n, t->rate);
  if (!(t->active_rms > 0.0)) {
    return -1;
  }
  return span(t->x, t->n, t->active_rms * dlg_db_to_gain(label_floor_db), &t->first, &t->last)
           ? 0
           : -1;
}

static double
line_seconds(const Line *t)
{
  return (double)(t->last - t->first + 1) / t->rate;
}

/* Scales the weights in pause[0..n) by one factor, each clamped to
   [min, max] pause, so that they add up to `total` or as near as the
   clamps allow (the sum grows with the factor: bisection). */
static void
spread_pauses(double *pause, size_t n, double total)
{
  double lo = 0.0, hi = max_pause_s / min_pause_s;
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (lo + hi);
    double sum = 0.0;
    for (size_t k = 0; k < n; ++k) {
      sum += fmin(max_pause_s, fmax(min_pause_s, pause[k] * mid));
    }
    if (sum < total) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  for (size_t k = 0; k < n; ++k) {
    pause[k] = fmin(max_pause_s, fmax(min_pause_s, pause[k] * lo));
  }
}

/* Trims line t to its span (with faded edges), levels it, resamples it and
   adds it to the track with its first span sample at `at`; returns the
   sample after its last span sample, 0 on failure. */
static size_t
place_line(DlgSpeech *speech, Line *t, size_t at, char *err, size_t err_size)
{
  const size_t edge = (size_t)(edge_s * t->rate);
  const size_t a = t->first > edge ? t->first - edge : 0;
  const size_t b = t->last + edge < t->n ? t->last + edge : t->n - 1;
  const size_t len = b - a + 1;
  float *segment = (float *)malloc(len * sizeof(float));
  if (!segment) {
    set_error(err, err_size, "out of memory");
    return 0;
  }
  const double gain = dlg_db_to_gain(t->u.level_db) / t->active_rms;
  const double pi = 3.14159265358979323846;
  for (size_t i = 0; i < len; ++i) {
    const size_t k = a + i;
    double w = 1.0;
    if (k < t->first) {
      w = 0.5 - 0.5 * cos(pi * (double)(k - a + 1) / (double)(t->first - a + 1));
    } else if (k > t->last) {
      w = 0.5 - 0.5 * cos(pi * (double)(b + 1 - k) / (double)(b - t->last + 1));
    }
    segment[i] = (float)((double)t->x[k] * gain * w);
  }
  float *y = NULL;
  const size_t n_y = dlg_resample(segment, len, t->rate, speech->rate, &y);
  free(segment);
  if (!n_y) {
    set_error(err, err_size, "out of memory");
    return 0;
  }
  t->u.active_rms = dlg_active_rms(y, n_y, speech->rate);
  size_t first = 0, last = 0;
  if (!span(y, n_y, t->u.active_rms * dlg_db_to_gain(label_floor_db), &first, &last) ||
      at < first || at - first + n_y > speech->n) {
    free(y);
    set_error(err, err_size, "a line does not fit (internal error)");
    return 0;
  }
  const size_t offset = at - first;
  for (size_t i = 0; i < n_y; ++i) {
    speech->track[offset + i] += y[i];
  }
  free(y);
  t->u.first = offset + first;
  t->u.last = offset + last;
  return t->u.last + 1;
}

/* Adds the air band: white noise times the envelope of the track's
   4.5-9 kHz band, band-passed to 8-13 kHz (4th-order high-pass, 2nd-order
   low-pass), its density per Hz the same at every rate. */
static void
add_air(DlgSpeech *speech, uint64_t seed, EqmRole role)
{
  const double rate = speech->rate;
  DlgBiquad band_hp, band_lp, hp1, hp2, lp;
  dlg_biquad_design(&band_hp, DLG_HIGHPASS, 4500.0, 0.7071, rate);
  dlg_biquad_design(&band_lp, DLG_LOWPASS, 9000.0, 0.7071, rate);
  dlg_biquad_design(&hp1, DLG_HIGHPASS, 8000.0, dlg_butterworth_q(4, 0), rate);
  dlg_biquad_design(&hp2, DLG_HIGHPASS, 8000.0, dlg_butterworth_q(4, 1), rate);
  dlg_biquad_design(&lp, DLG_LOWPASS, 13000.0, 0.6, rate);
  DlgRng rng;
  dlg_rng_seed(&rng, seed, "eqmatch air", (unsigned)role);
  const double smooth = exp(-1.0 / (0.004 * rate));
  const double gain = air_gain * sqrt(rate / 48000.0);
  double envelope = 0.0;
  for (size_t i = 0; i < speech->n; ++i) {
    const double x = (double)speech->track[i];
    const double band = dlg_biquad_run(&band_lp, dlg_biquad_run(&band_hp, x));
    envelope = smooth * envelope + (1.0 - smooth) * fabs(band);
    const double noise = dlg_rng_noise(&rng) * envelope * gain;
    const double air = dlg_biquad_run(&lp, dlg_biquad_run(&hp2, dlg_biquad_run(&hp1, noise)));
    speech->track[i] = (float)(x + air);
  }
}

static void
free_lines(Line *lines, size_t n)
{
  for (size_t i = 0; i < n; ++i) {
    free(lines[i].x);
  }
  free(lines);
}

int
eqm_performance_render(DlgSpeech *speech, unsigned rate, size_t n, uint64_t seed, EqmRole role,
                       double level_db, int verbose, char *err, size_t err_size)
{
  memset(speech, 0, sizeof(*speech));
  speech->rate = rate;
  speech->n = n;
  speech->track = (float *)calloc(n, sizeof(float));
  if (!speech->track) {
    set_error(err, err_size, "out of memory");
    return -1;
  }
  const double seconds = (double)n / rate;

  /* The scene: a voice, the order of the lines and how much of the time
     they fill, shared by both roles, so that both speak the same lines as
     far as their paces allow. */
  DlgRng scene;
  dlg_rng_seed(&scene, seed, "eqmatch scene", 0);
  const char *voice = voices[dlg_rng_int(&scene, N_VOICES)];
  const double budget = dlg_rng_range(&scene, 0.64, 0.78) * seconds;
  int order[N_LINES];
  for (int i = 0; i < N_LINES; ++i) {
    order[i] = i;
  }
  for (int i = N_LINES - 1; i > 0; --i) {
    const int j = dlg_rng_int(&scene, i + 1);
    const int t = order[i];
    order[i] = order[j];
    order[j] = t;
  }

  /* The performance: its pace and its lead. */
  DlgRng perf;
  dlg_rng_seed(&perf, seed, "eqmatch performance", (unsigned)role);
  const double wpm = dlg_rng_range(&perf, 150.0, 170.0);
  const double lead = dlg_rng_range(&perf, 0.2, 0.6);

  const char *tmp = getenv("TMPDIR");
  char dir[4096];
  snprintf(dir, sizeof(dir), "%s/gen_eqmatch.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (strchr(dir, '\'') || !mkdtemp(dir)) {
    set_error(err, err_size, "cannot make a temporary folder under %s", tmp && *tmp ? tmp : "/tmp");
    return -1;
  }
  const int dir_slot = dlg_cleanup_add(dir, 1);

  /* Lines in script order until the budget is spent; a line that does not
     fit is passed over, so short programmes still fill up. */
  Line *kept = NULL;
  size_t n_kept = 0, next = 0;
  double used = 0.0;
  int status = 0, misses = 0;
  while (!status && budget - used >= 0.6 && misses < 2 * N_LINES) {
    Line batch[BATCH];
    memset(batch, 0, sizeof(batch));
    for (int i = 0; i < BATCH; ++i) {
      batch[i].u.line = order[next++ % N_LINES];
      batch[i].u.wpm = (int)lround(wpm * dlg_rng_range(&perf, 0.94, 1.06));
      batch[i].pitch = 50 + dlg_rng_int(&perf, 7) - 3;
      batch[i].u.level_db = level_db + dlg_rng_range(&perf, -2.0, 2.0);
    }
    status = speak(dir, voice, batch, BATCH, err, err_size);
    for (int i = 0; i < BATCH; ++i) {
      Line *t = &batch[i];
      int keep = 0;
      if (!status && !measure_line(t)) {
        const double d = line_seconds(t);
        const double pauses = lead + (double)n_kept * min_pause_s + min_pause_s;
        keep = used + d <= budget && used + d + pauses <= seconds;
      }
      if (!keep) {
        free(t->x);
        misses += !status;
        continue;
      }
      Line *grown = (Line *)realloc(kept, (n_kept + 1) * sizeof(Line));
      if (!grown) {
        set_error(err, err_size, "out of memory");
        status = -1;
        free(t->x);
        continue;
      }
      kept = grown;
      kept[n_kept++] = *t;
      used += line_seconds(t);
      misses = 0;
    }
  }
  rmdir(dir);
  dlg_cleanup_forget(dir_slot);
  if (!status && !n_kept) {
    set_error(err, err_size, "%.2f s is too short for a line (give 3 s or more)", seconds);
    status = -1;
  }
  double *pause = status ? NULL : (double *)calloc(n_kept, sizeof(double));
  speech->utterances = status ? NULL : (DlgUtterance *)calloc(n_kept, sizeof(DlgUtterance));
  if (!status && (!pause || !speech->utterances)) {
    set_error(err, err_size, "out of memory");
    status = -1;
  }
  if (status) {
    free(pause);
    free_lines(kept, n_kept);
    dlg_speech_free(speech);
    return -1;
  }

  /* Pauses: random weights spread over the time left, the rest at the end. */
  for (size_t i = 0; i + 1 < n_kept; ++i) {
    pause[i] = dlg_rng_range(&perf, 0.3, 2.5);
  }
  spread_pauses(pause, n_kept - 1, seconds - used - lead - min_pause_s);
  size_t at = (size_t)(lead * rate);
  for (size_t i = 0; i < n_kept && !status; ++i) {
    const size_t end = place_line(speech, &kept[i], at, err, err_size);
    if (!end) {
      status = -1;
      break;
    }
    speech->utterances[i] = kept[i].u;
    at = end + (size_t)(pause[i] * rate);
    if (verbose > 1) {
      fprintf(stderr, "  %7.2f-%7.2f s  %s %3d wpm p%02d %6.1f dB  \"%s\"\n",
              (double)kept[i].u.first / rate, (double)(kept[i].u.last + 1) / rate,
              role == EQM_ROLE_REFERENCE ? "reference" : "take     ", kept[i].u.wpm,
              kept[i].pitch, kept[i].u.level_db, script[kept[i].u.line]);
    }
  }
  speech->n_utterances = n_kept;
  free(pause);
  free_lines(kept, n_kept);
  if (status) {
    dlg_speech_free(speech);
    return -1;
  }
  add_air(speech, seed, role);
  return 0;
}
