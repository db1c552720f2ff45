/* Speech track of the dialogue generator (see speech.h). */
#include "utterances.h"

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

/* Film dialogue of every shape: questions, orders, long lines with commas
   (pauses inside an utterance), one- and two-word lines. */
static const char *const lines[] = {
  "Where were you last night? I called you three times.",
  "Hold the door, please. We're going to be late.",
  "I don't care what he told you. It wasn't me.",
  "Get in the car. Now!",
  "Do you have any idea what time it is?",
  "She said she'd be back before midnight, but she never came home.",
  "Listen to me. We only get one chance at this.",
  "That's not the point, and you know it.",
  "Thank you. Really, I mean it.",
  "The train leaves at seven forty-five from platform nine.",
  "Why didn't you tell me about the money?",
  "Keep your voice down, they can hear us.",
  "I'm sorry. I should have been there for you.",
  "Is anybody there? Hello?",
  "We found the car abandoned about two miles north of the bridge.",
  "You can't just walk away from this, Michael.",
  "Come on, come on, pick up the phone.",
  "It's been eleven years, and you haven't changed a bit.",
  "Put the gun down. Slowly.",
  "Nobody leaves this room until I get some answers.",
  "Well, that went better than expected.",
  "Could you pass me the salt, please?",
  "I think we should take the long way home tonight.",
  "Stop! Don't touch that.",
  "Her flight lands in forty minutes. If we hurry, we can still make it.",
  "What do you mean, it's gone?",
  "Let's just say I owe him a favour.",
  "Ladies and gentlemen, the captain has switched on the seat belt sign.",
  "No. Absolutely not.",
  "I remember the summer we spent by the lake, when everything seemed so simple.",
  "Okay. Okay, I hear you.",
  "Turn left at the next light, then keep going straight for a mile.",
  "Wait!",
  "Who's there?",
  "Thanks.",
  "Not now.",
};
enum { N_LINES = sizeof(lines) / sizeof(lines[0]) };

/* espeak-ng 1.51 ignores a variant after "en-gb" ("en-gb+m3" speaks as
   plain "en-gb"); "en" is the same British voice and takes variants. */
static const char *const voices[] = {
  "en-us",          "en-gb",         "en-us+f3",      "en+m3",
  "en+f2",          "en-us+m1",      "en-gb-x-rp+f4", "en-gb-scotland+m2",
  "en-us-nyc+f1",   "en+m7",         "en-029+f5",     "en-us+m4",
};
enum { N_VOICES = sizeof(voices) / sizeof(voices[0]) };

enum { BATCH = 4 }; /* espeak-ng runs at once */

static const double min_pause_s = 0.3;
static const double max_pause_s = 3.0;
static const double label_floor_db = -35.0;
static const double gap_fill_s = 0.150;
static const double edge_s = 0.030; /* kept and faded around the active span */

const char *
dlg_voice_name(int voice)
{
  return voice >= 0 && voice < N_VOICES ? voices[voice] : "?";
}

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

/* An utterance as espeak-ng spoke it, before placement. */
typedef struct {
  DlgUtterance u;
  float *x;          /* espeak output, native rate */
  size_t n;
  unsigned rate;
  double active_rms; /* native */
  size_t first, last; /* active span, native */
} Take;

/* Picks lines from a shuffled deck (no line again before all were used) and
   a voice other than the previous one. */
typedef struct {
  DlgRng rng;
  int deck[N_LINES];
  int dealt;
  int last_voice;
} Casting;

static void
casting_init(Casting *c, uint64_t seed)
{
  dlg_rng_seed(&c->rng, seed, "speech casting", 0);
  c->dealt = N_LINES;
  c->last_voice = -1;
}

static void
casting_next(Casting *c, double level_db, DlgUtterance *u)
{
  if (c->dealt == N_LINES) {
    for (int i = 0; i < N_LINES; ++i) {
      c->deck[i] = i;
    }
    for (int i = N_LINES - 1; i > 0; --i) {
      const int j = dlg_rng_int(&c->rng, i + 1);
      const int t = c->deck[i];
      c->deck[i] = c->deck[j];
      c->deck[j] = t;
    }
    c->dealt = 0;
  }
  memset(u, 0, sizeof(*u));
  u->line = c->deck[c->dealt++];
  do {
    u->voice = dlg_rng_int(&c->rng, N_VOICES);
  } while (u->voice == c->last_voice);
  c->last_voice = u->voice;
  u->wpm = 130 + dlg_rng_int(&c->rng, 61);
  u->level_db = level_db + dlg_rng_range(&c->rng, -6.0, 6.0);
}

/* Single-quotes s for sh into out. */
static int
shell_quote(char *out, size_t size, const char *s)
{
  size_t k = 0;
  if (k + 1 >= size) {
    return -1;
  }
  out[k++] = '\'';
  for (; *s; ++s) {
    const char *piece = *s == '\'' ? "'\\''" : NULL;
    const size_t len = piece ? 4 : 1;
    if (k + len + 2 >= size) {
      return -1;
    }
    if (piece) {
      memcpy(out + k, piece, len);
    } else {
      out[k] = *s;
    }
    k += len;
  }
  out[k++] = '\'';
  out[k] = '\0';
  return 0;
}

static int
read_take(const char *path, Take *t, char *err, size_t err_size)
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
  if (!t->x || sf_readf_float(file, t->x, info.frames) != info.frames) {
    sf_close(file);
    set_error(err, err_size, "cannot read espeak-ng output");
    return -1;
  }
  sf_close(file);
  return 0;
}

/* First and last sample of x at or above amplitude thr; 0 when none. */
static int
active_span(const float *x, size_t n, double thr, size_t *first, size_t *last)
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

/* Speaks takes[0..count) with espeak-ng in the folder dir, BATCH at a time. */
static int
speak(const char *dir, Take *takes, size_t count, char *err, size_t err_size)
{
  char quoted_dir[4200];
  if (shell_quote(quoted_dir, sizeof(quoted_dir), dir)) {
    set_error(err, err_size, "temporary folder name too long");
    return -1;
  }
  char path[4200];
  int slots[2 * BATCH + 1];
  size_t n_slots = 0;
  int status = 0;
  char command[8192];
  int len = snprintf(command, sizeof(command), "cd %s && { ", quoted_dir);
  for (size_t i = 0; i < count && !status; ++i) {
    snprintf(path, sizeof(path), "%s/u%zu.txt", dir, i);
    slots[n_slots++] = dlg_cleanup_add(path, 0);
    FILE *text = fopen(path, "w");
    if (!text || fputs(lines[takes[i].u.line], text) < 0 || fclose(text)) {
      set_error(err, err_size, "cannot write %s", path);
      status = -1;
      break;
    }
    snprintf(path, sizeof(path), "%s/u%zu.wav", dir, i);
    slots[n_slots++] = dlg_cleanup_add(path, 0);
    len += snprintf(command + len, sizeof(command) - (size_t)len,
                    "espeak-ng -v %s -s %d -w u%zu.wav -f u%zu.txt >/dev/null 2>>espeak.log & ",
                    voices[takes[i].u.voice], takes[i].u.wpm, i, i);
  }
  snprintf(path, sizeof(path), "%s/espeak.log", dir);
  slots[n_slots++] = dlg_cleanup_add(path, 0);
  snprintf(command + len, sizeof(command) - (size_t)len, "wait; }");

  if (!status) {
    fflush(NULL);
    const int rc = system(command);
    if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc)) {
      set_error(err, err_size, "espeak-ng did not run (shell status %d)", rc);
      status = -1;
    }
  }
  for (size_t i = 0; i < count && !status; ++i) {
    snprintf(path, sizeof(path), "%s/u%zu.wav", dir, i);
    if (read_take(path, &takes[i], err, err_size)) {
      /* Say why in espeak-ng's own words when it left any. */
      char log_path[4200], reason[200] = "";
      snprintf(log_path, sizeof(log_path), "%s/espeak.log", dir);
      FILE *log = fopen(log_path, "r");
      if (log && fgets(reason, sizeof(reason), log)) {
        reason[strcspn(reason, "\r\n")] = '\0';
        set_error(err, err_size, "espeak-ng failed for voice %s: %s (is espeak-ng installed?)",
                  voices[takes[i].u.voice], reason);
      }
      if (log) {
        fclose(log);
      }
      status = -1;
    }
  }
  for (size_t i = 0; i < count; ++i) {
    snprintf(path, sizeof(path), "%s/u%zu.txt", dir, i);
    unlink(path);
    snprintf(path, sizeof(path), "%s/u%zu.wav", dir, i);
    unlink(path);
  }
  snprintf(path, sizeof(path), "%s/espeak.log", dir);
  unlink(path);
  for (size_t s = 0; s < n_slots; ++s) {
    dlg_cleanup_forget(slots[s]);
  }
  return status;
}

/* Measures a fresh take: active level, span above the label floor. */
static int
measure_take(Take *t)
{
  t->active_rms = dlg_active_rms(t->x, t->n, t->rate);
  if (!(t->active_rms > 0.0)) {
    return -1;
  }
  const double thr = t->active_rms * dlg_db_to_gain(label_floor_db);
  return active_span(t->x, t->n, thr, &t->first, &t->last) ? 0 : -1;
}

static double
take_seconds(const Take *t)
{
  return (double)(t->last - t->first + 1) / t->rate;
}

/* Pauses between utterances: random weights in [min, max] times one factor,
   each clamped to [min, max], the factor chosen (by bisection: the sum grows
   with it) so that they add up to `total`, or as near as the clamps allow. */
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

/* Resamples, levels and places take t with its first active sample at `at`;
   returns the sample after its last active one, or 0 on failure. */
static size_t
place_take(DlgSpeech *speech, Take *t, size_t at, char *err, size_t err_size)
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
  for (size_t i = 0; i < len; ++i) {
    double w = 1.0;
    const size_t k = a + i;
    if (k < t->first) {
      w = 0.5 - 0.5 * cos(3.14159265358979323846 * (double)(k - a + 1) / (double)(t->first - a + 1));
    } else if (k > t->last) {
      w = 0.5 - 0.5 * cos(3.14159265358979323846 * (double)(b + 1 - k) / (double)(b - t->last + 1));
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
  /* Level exactly on the track's own terms. */
  const double active = dlg_active_rms(y, n_y, speech->rate);
  const double fix = dlg_db_to_gain(t->u.level_db) / active;
  for (size_t i = 0; i < n_y; ++i) {
    y[i] = (float)((double)y[i] * fix);
  }
  t->u.active_rms = dlg_active_rms(y, n_y, speech->rate);
  size_t first = 0, last = 0;
  active_span(y, n_y, t->u.active_rms * dlg_db_to_gain(label_floor_db), &first, &last);
  if (at < first || at - first + n_y > speech->n) {
    free(y);
    set_error(err, err_size, "utterance does not fit (internal error)");
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

static void
free_takes(Take *takes, size_t n)
{
  for (size_t i = 0; i < n; ++i) {
    free(takes[i].x);
  }
  free(takes);
}

int
dlg_speech_render(DlgSpeech *speech, unsigned rate, size_t n, uint64_t seed, double level_db,
                  int verbose, char *err, size_t err_size)
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

  DlgRng plan;
  dlg_rng_seed(&plan, seed, "speech plan", 0);
  const double coverage = dlg_rng_range(&plan, 0.52, 0.72);
  const double budget = coverage * seconds;
  const double lead = dlg_rng_range(&plan, 0.2, 1.0);
  const double tail_min = min_pause_s;

  const char *tmp = getenv("TMPDIR");
  char dir[4096];
  snprintf(dir, sizeof(dir), "%s/gen_dialogue.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(dir)) {
    set_error(err, err_size, "cannot make a temporary folder under %s", tmp && *tmp ? tmp : "/tmp");
    return -1;
  }
  const int dir_slot = dlg_cleanup_add(dir, 1);

  /* Cast utterances until the speech budget is spent: a take that does not
     fit is passed over, so short programmes still fill up with short lines. */
  Casting casting;
  casting_init(&casting, seed);
  Take *kept = NULL;
  size_t n_kept = 0;
  double used = 0.0;
  int status = 0, misses = 0;
  while (!status && budget - used >= 0.8 && misses < 24) {
    Take batch[BATCH];
    memset(batch, 0, sizeof(batch));
    for (int i = 0; i < BATCH; ++i) {
      casting_next(&casting, level_db, &batch[i].u);
    }
    status = speak(dir, batch, BATCH, err, err_size);
    for (int i = 0; i < BATCH; ++i) {
      Take *t = &batch[i];
      int keep = 0;
      if (!status && !measure_take(t)) {
        const double d = take_seconds(t);
        const double pauses = lead + (double)n_kept * min_pause_s + tail_min;
        keep = used + d <= budget && used + d + pauses <= seconds;
      }
      if (keep) {
        Take *grown = (Take *)realloc(kept, (n_kept + 1) * sizeof(Take));
        if (!grown) {
          set_error(err, err_size, "out of memory");
          status = -1;
          free(t->x);
          continue;
        }
        kept = grown;
        kept[n_kept++] = *t;
        used += take_seconds(t);
        misses = 0;
      } else {
        free(t->x);
        misses += !status;
      }
    }
  }
  rmdir(dir);
  dlg_cleanup_forget(dir_slot);
  if (!status && !n_kept) {
    set_error(err, err_size, "%.2f s is too short for speech (give 3 s or more)", seconds);
    status = -1;
  }
  if (status) {
    free_takes(kept, n_kept);
    return -1;
  }

  /* Pauses: random weights spread over the time left, the rest at the end. */
  DlgRng pauses_rng;
  dlg_rng_seed(&pauses_rng, seed, "speech pauses", 0);
  double *pause = (double *)calloc(n_kept, sizeof(double));
  speech->utterances = (DlgUtterance *)calloc(n_kept, sizeof(DlgUtterance));
  if (!pause || !speech->utterances) {
    free(pause);
    free_takes(kept, n_kept);
    set_error(err, err_size, "out of memory");
    return -1;
  }
  for (size_t i = 0; i + 1 < n_kept; ++i) {
    pause[i] = dlg_rng_range(&pauses_rng, min_pause_s, max_pause_s);
  }
  spread_pauses(pause, n_kept - 1, seconds - used - lead - tail_min);

  size_t at = (size_t)(lead * rate);
  for (size_t i = 0; i < n_kept && !status; ++i) {
    const size_t end = place_take(speech, &kept[i], at, err, err_size);
    if (!end) {
      status = -1;
      break;
    }
    speech->utterances[i] = kept[i].u;
    at = end + (size_t)(pause[i] * rate);
    if (verbose > 1) {
      fprintf(stderr, "  %7.2f-%7.2f s  %-18s %3d wpm %6.1f dBFS  \"%s\"\n",
              (double)kept[i].u.first / rate, (double)(kept[i].u.last + 1) / rate,
              voices[kept[i].u.voice], kept[i].u.wpm, kept[i].u.level_db, lines[kept[i].u.line]);
    }
  }
  speech->n_utterances = n_kept;
  free(pause);
  free_takes(kept, n_kept);
  return status;
}

static size_t
frame_of(size_t sample, unsigned rate)
{
  size_t k = (size_t)(((uint64_t)sample * 100u) / rate);
  while (dlg_frame_start(k + 1, rate) <= sample) {
    ++k;
  }
  while (k && dlg_frame_start(k, rate) > sample) {
    --k;
  }
  return k;
}

size_t
dlg_speech_labels(const DlgSpeech *speech, unsigned char *labels, size_t n_frames)
{
  memset(labels, 0, n_frames);
  const size_t fill = (size_t)lround(gap_fill_s * 100.0); /* frames */
  for (size_t u = 0; u < speech->n_utterances; ++u) {
    const DlgUtterance *utt = &speech->utterances[u];
    const double thr = utt->active_rms * dlg_db_to_gain(label_floor_db);
    const size_t k0 = frame_of(utt->first, speech->rate);
    size_t k1 = frame_of(utt->last, speech->rate);
    if (k1 >= n_frames) {
      k1 = n_frames - 1;
    }
    size_t previous = SIZE_MAX;
    for (size_t k = k0; k <= k1; ++k) {
      const size_t a = dlg_frame_start(k, speech->rate);
      size_t b = dlg_frame_start(k + 1, speech->rate);
      if (b > speech->n) {
        b = speech->n;
      }
      double sum = 0.0;
      for (size_t i = a; i < b; ++i) {
        sum += (double)speech->track[i] * (double)speech->track[i];
      }
      if (b > a && sqrt(sum / (double)(b - a)) >= thr) {
        labels[k] = 1;
        if (previous != SIZE_MAX && k - previous - 1 < fill) {
          memset(labels + previous + 1, 1, k - previous - 1);
        }
        previous = k;
      }
    }
  }
  size_t count = 0;
  for (size_t k = 0; k < n_frames; ++k) {
    count += labels[k];
  }
  return count;
}

void
dlg_speech_scale(DlgSpeech *speech, double gain)
{
  for (size_t i = 0; i < speech->n; ++i) {
    speech->track[i] = (float)((double)speech->track[i] * gain);
  }
  for (size_t u = 0; u < speech->n_utterances; ++u) {
    speech->utterances[u].active_rms *= gain;
    speech->utterances[u].level_db += 20.0 * log10(gain);
  }
}

void
dlg_speech_free(DlgSpeech *speech)
{
  free(speech->track);
  free(speech->utterances);
  memset(speech, 0, sizeof(*speech));
}
