/* Loudness meter benchmark: the Postsync engine (common/loudness.h) against
   libebur128 on the same generated audio, readings and speed side by side.

   Two signals, generated block by block (100 ms each) by a deterministic
   generator and fed to both meters, one after the other on one thread:

   programme  dialogue-like bursts of band-limited noise (syllables, gaps,
              pauses between phrases; phrases between about -50 and -16 dBFS
              RMS, one in ten a loud passage of -12 to -4 dBFS driven into a
              soft clipper at -1 dBFS) over a slowly moving ambience bed;
   limited    a loud, heavily limited programme whose samples sit near
              -1 dBFS most of the time, so no true-peak work can be skipped.

   Only the meters' own calls are timed (CLOCK_MONOTONIC, accumulated per
   meter); generation and the 100 ms queries of libebur128's momentary and
   short-term loudness (for its maxima and range) are not.

   libebur128's histogram mode, the one timed, rounds every block to a
   0.1 LU bin, and version 1.2 takes the short-term values of the loudness
   range every second where EBU Tech 3342 (since 2016) asks for at least
   10 Hz.  So the readings are also compared with untimed references: a
   second libebur128 in its exact mode for the integrated loudness, and the
   Tech 3342 range computed here from libebur128's short-term loudness read
   every 100 ms.

   A benchmark, not a test: it exits 0 whether or not the goals are met. */

#include "layout.h"
#include "loudness.h"
#include "ps_status.h"

#include <ebur128.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef PS_BENCH_BUILDTYPE
#define PS_BENCH_BUILDTYPE "unknown"
#endif
#ifndef PS_BENCH_OPTIMIZATION
#define PS_BENCH_OPTIMIZATION "?"
#endif
#ifndef PS_BENCH_COMPILER
#define PS_BENCH_COMPILER "unknown compiler"
#endif

#define PI 3.14159265358979323846
#define CEILING 0.8912509381337456 /* -1 dBFS */
#define GOAL_LU 0.05
#define GOAL_SPEEDUP 10.0
#define EBUR128_MODES                                                                      \
  (EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_LRA |                 \
   EBUR128_MODE_TRUE_PEAK | EBUR128_MODE_HISTOGRAM)
#define EBUR128_EXACT_MODES (EBUR128_MODE_I | EBUR128_MODE_LRA)

/* ---- deterministic generator ------------------------------------------- */

typedef struct {
  uint64_t state;
} Rng;

/* splitmix64 */
static uint64_t
rng_next(Rng *r)
{
  uint64_t z = (r->state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* uniform in [lo, hi) */
static double
rng_range(Rng *r, double lo, double hi)
{
  return lo + (hi - lo) * ((double)(rng_next(r) >> 11) * 0x1.0p-53);
}

/* white, zero mean, unit variance */
static double
rng_noise(Rng *r)
{
  return rng_range(r, -1.7320508075688772, 1.7320508075688772);
}

static uint64_t
rng_frames(Rng *r, double rate, double min_s, double max_s)
{
  return (uint64_t)(rate * rng_range(r, min_s, max_s)) + 1;
}

typedef struct {
  double b0, b1, b2, a1, a2;
  double z1, z2; /* transposed direct form II */
} Biquad;

static double
biquad_run(Biquad *q, double x)
{
  const double y = q->b0 * x + q->z1;
  q->z1 = q->b1 * x - q->a1 * y + q->z2;
  q->z2 = q->b2 * x - q->a2 * y;
  return y;
}

typedef enum { BAND_LOWPASS, BAND_HIGHPASS, BAND_BANDPASS } BandKind;

/* Audio EQ Cookbook (R. Bristow-Johnson); the band-pass has 0 dB peak gain.
   The state is kept, so a filter can be retuned while it runs. */
static void
biquad_design(Biquad *q, BandKind kind, double rate, double freq, double quality)
{
  const double w = 2.0 * PI * freq / rate;
  const double alpha = sin(w) / (2.0 * quality);
  const double cw = cos(w);
  const double a0 = 1.0 + alpha;
  double b0 = 0.0, b1 = 0.0, b2 = 0.0;
  switch (kind) {
  case BAND_LOWPASS:
    b0 = b2 = (1.0 - cw) / 2.0;
    b1 = 1.0 - cw;
    break;
  case BAND_HIGHPASS:
    b0 = b2 = (1.0 + cw) / 2.0;
    b1 = -(1.0 + cw);
    break;
  case BAND_BANDPASS:
    b0 = alpha;
    b1 = 0.0;
    b2 = -alpha;
    break;
  }
  q->b0 = b0 / a0;
  q->b1 = b1 / a0;
  q->b2 = b2 / a0;
  q->a1 = -2.0 * cw / a0;
  q->a2 = (1.0 - alpha) / a0;
}

static double
db_to_gain(double db)
{
  return pow(10.0, db / 20.0);
}

/* One-pole smoothing coefficient of time constant `seconds`. */
static double
smoothing(double rate, double seconds)
{
  return 1.0 - exp(-1.0 / (rate * seconds));
}

/* Identity below half the ceiling, then a tanh knee that never reaches it. */
static double
soft_clip(double x)
{
  const double knee = 0.5 * CEILING;
  const double a = fabs(x);
  if (a <= knee) {
    return x;
  }
  const double room = CEILING - knee;
  const double y = knee + room * tanh((a - knee) / room);
  return x < 0.0 ? -y : y;
}

typedef enum { SEG_SYLLABLE, SEG_GAP, SEG_PAUSE } Segment;

typedef struct {
  Rng rng;
  double rate;
  unsigned channels;

  /* one voice, band-pass noise retuned at every syllable, panned */
  Biquad voice;
  double voice_norm; /* makes the band-pass output about unit RMS */
  double voice_gain, voice_target, voice_smooth;
  double pan[PS_MAX_CHANNELS];
  Segment segment;
  uint64_t segment_left;
  unsigned syllables_left;
  double phrase_db;

  /* ambience bed, independent noise in every channel */
  Biquad bed_hp[PS_MAX_CHANNELS], bed_lp[PS_MAX_CHANNELS];
  double bed_norm;
  double bed_gain, bed_target, bed_smooth;
  uint64_t bed_left;
} Programme;

static void
programme_pan(Programme *g)
{
  if (g->channels == 1) {
    g->pan[0] = 1.0;
    return;
  }
  /* stereo: near the centre; more channels: centre channel, a little spill */
  const double angle = PI / 4.0 + rng_range(&g->rng, -0.3, 0.3);
  for (unsigned c = 0; c < g->channels; ++c) {
    if (g->channels == 2) {
      g->pan[c] = c == 0 ? cos(angle) : sin(angle);
    } else {
      g->pan[c] = c == 2 ? 1.0 : c < 2 ? 0.25 * (c == 0 ? cos(angle) : sin(angle)) : 0.05;
    }
  }
}

static void
programme_next_segment(Programme *g)
{
  Rng *r = &g->rng;
  if (g->segment == SEG_SYLLABLE && g->syllables_left > 0) {
    g->segment = SEG_GAP;
    g->segment_left = rng_frames(r, g->rate, 0.03, 0.15);
    g->voice_target = db_to_gain(g->phrase_db - 30.0);
    return;
  }
  if (g->segment == SEG_SYLLABLE) {
    g->segment = SEG_PAUSE;
    g->segment_left = rng_frames(r, g->rate, 0.2, 3.0);
    g->voice_target = 0.0;
    return;
  }
  if (g->segment == SEG_PAUSE) {
    /* a new phrase; about one in ten is a loud passage driven into the clipper */
    g->syllables_left = 2 + (unsigned)rng_range(r, 0.0, 19.0);
    g->phrase_db = rng_range(r, 0.0, 1.0) < 0.1 ? rng_range(r, -12.0, -4.0)
                                                  : rng_range(r, -44.0, -16.0);
    programme_pan(g);
  }
  g->segment = SEG_SYLLABLE;
  g->segment_left = rng_frames(r, g->rate, 0.08, 0.35);
  g->syllables_left -= 1;
  g->voice_target = db_to_gain(g->phrase_db + rng_range(r, -8.0, 0.0));
  const double centre = exp(rng_range(r, log(250.0), log(2500.0)));
  const double quality = 1.2;
  biquad_design(&g->voice, BAND_BANDPASS, g->rate, centre, quality);
  /* white noise through a 0 dB peak resonator keeps pi f / (Q rate) of its
     power (its noise bandwidth) */
  g->voice_norm = sqrt(quality * g->rate / (PI * centre));
}

static void
programme_init(Programme *g, uint64_t seed, double rate, unsigned channels)
{
  memset(g, 0, sizeof(*g));
  g->rng.state = seed;
  g->rate = rate;
  g->channels = channels;
  g->voice_smooth = smoothing(rate, 0.008);
  g->bed_smooth = smoothing(rate, 2.0);
  const double bed_low = 60.0, bed_high = fmin(8000.0, 0.4 * rate);
  for (unsigned c = 0; c < channels; ++c) {
    biquad_design(&g->bed_hp[c], BAND_HIGHPASS, rate, bed_low, 0.7071);
    biquad_design(&g->bed_lp[c], BAND_LOWPASS, rate, bed_high, 0.7071);
  }
  g->bed_norm = sqrt(0.5 * rate / (bed_high - bed_low));
  g->segment = SEG_PAUSE;
  g->segment_left = 1;
}

static void
programme_fill(Programme *g, float *out, size_t frames)
{
  const unsigned nc = g->channels;
  for (size_t i = 0; i < frames; ++i) {
    if (--g->segment_left == 0) {
      programme_next_segment(g);
    }
    if (g->bed_left == 0) {
      g->bed_target = db_to_gain(rng_range(&g->rng, -62.0, -42.0));
      g->bed_left = rng_frames(&g->rng, g->rate, 4.0, 30.0);
    }
    --g->bed_left;
    g->voice_gain += g->voice_smooth * (g->voice_target - g->voice_gain);
    g->bed_gain += g->bed_smooth * (g->bed_target - g->bed_gain);
    const double voice =
      g->voice_gain * g->voice_norm * biquad_run(&g->voice, rng_noise(&g->rng));
    for (unsigned c = 0; c < nc; ++c) {
      const double bed = biquad_run(&g->bed_lp[c], biquad_run(&g->bed_hp[c], rng_noise(&g->rng)));
      const double x = g->pan[c] * voice + g->bed_gain * g->bed_norm * bed;
      out[i * nc + c] = (float)soft_clip(x);
    }
  }
}

typedef struct {
  Rng rng;
  double rate;
  unsigned channels;
  Biquad hp[PS_MAX_CHANNELS], lp[PS_MAX_CHANNELS];
  double norm;
  double phase, bass_step; /* a bass line under the noise */
  double drive, drive_target, drive_smooth;
  uint64_t section_left;
} Limited;

static void
limited_init(Limited *g, uint64_t seed, double rate, unsigned channels)
{
  memset(g, 0, sizeof(*g));
  g->rng.state = seed;
  g->rate = rate;
  g->channels = channels;
  const double low = 100.0, high = fmin(12000.0, 0.45 * rate);
  for (unsigned c = 0; c < channels; ++c) {
    biquad_design(&g->hp[c], BAND_HIGHPASS, rate, low, 0.7071);
    biquad_design(&g->lp[c], BAND_LOWPASS, rate, high, 0.7071);
  }
  g->norm = sqrt(0.5 * rate / (high - low));
  g->drive_smooth = smoothing(rate, 0.5);
  g->drive = db_to_gain(10.0);
}

static void
limited_fill(Limited *g, float *out, size_t frames)
{
  const unsigned nc = g->channels;
  for (size_t i = 0; i < frames; ++i) {
    if (g->section_left == 0) {
      /* sections of 5 to 30 s, each with its own bass note and drive */
      g->section_left = rng_frames(&g->rng, g->rate, 5.0, 30.0);
      g->bass_step = 2.0 * PI * rng_range(&g->rng, 40.0, 120.0) / g->rate;
      g->drive_target = db_to_gain(rng_range(&g->rng, 6.0, 14.0));
    }
    --g->section_left;
    g->drive += g->drive_smooth * (g->drive_target - g->drive);
    g->phase += g->bass_step;
    if (g->phase > 2.0 * PI) {
      g->phase -= 2.0 * PI;
    }
    const double bass = 0.25 * sin(g->phase);
    for (unsigned c = 0; c < nc; ++c) {
      const double noise = g->norm * biquad_run(&g->lp[c], biquad_run(&g->hp[c], rng_noise(&g->rng)));
      out[i * nc + c] = (float)(CEILING * tanh(g->drive * (bass + 0.15 * noise)));
    }
  }
}

typedef enum { SIGNAL_PROGRAMME, SIGNAL_LIMITED } SignalKind;

typedef struct {
  SignalKind kind;
  union {
    Programme programme;
    Limited limited;
  } u;
} Signal;

static void
signal_init(Signal *s, SignalKind kind, double rate, unsigned channels)
{
  s->kind = kind;
  if (kind == SIGNAL_PROGRAMME) {
    programme_init(&s->u.programme, 0x5057u, rate, channels);
  } else {
    limited_init(&s->u.limited, 0x4c494du, rate, channels);
  }
}

static void
signal_fill(Signal *s, float *out, size_t frames)
{
  if (s->kind == SIGNAL_PROGRAMME) {
    programme_fill(&s->u.programme, out, frames);
  } else {
    limited_fill(&s->u.limited, out, frames);
  }
}

/* ---- measurement -------------------------------------------------------- */

typedef struct {
  double integrated, range, truepeak, samplepeak, momentary_max, shortterm_max;
  double seconds; /* processing time */
} Result;

/* Untimed references for integrated loudness and range. */
typedef struct {
  double integrated;   /* libebur128 exact mode: every gating block kept */
  double range_1hz;    /* libebur128 exact mode: short-term values every 1 s */
  double range_10hz;   /* Tech 3342 on libebur128's short-term loudness every 100 ms */
} Reference;

typedef struct {
  double seconds; /* audio */
  double rate;
  unsigned channels;
  bool planar;
  bool dialogue; /* run the meter's dialogue gating too */
} Setup;

/* Short-term loudness values (LUFS) of one run; grows outside the timing. */
typedef struct {
  double *lufs;
  size_t count, capacity;
} Series;

static bool
series_push(Series *s, double lufs)
{
  if (s->count == s->capacity) {
    const size_t capacity = s->capacity ? 2 * s->capacity : 4096;
    double *grown = (double *)realloc(s->lufs, capacity * sizeof(double));
    if (!grown) {
      return false;
    }
    s->lufs = grown;
    s->capacity = capacity;
  }
  s->lufs[s->count++] = lufs;
  return true;
}

static int
compare_doubles(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* EBU Tech 3342: absolute gate -70 LUFS, relative gate 20 LU below the power
   mean of what passes it, 95 % minus 10 % quantile (nearest rank) of the
   rest.  Sorts the series. */
static double
series_range(Series *s)
{
  qsort(s->lufs, s->count, sizeof(double), compare_doubles);
  size_t first = 0;
  while (first < s->count && !(s->lufs[first] > -70.0)) {
    ++first;
  }
  if (first == s->count) {
    return 0.0;
  }
  double power = 0.0;
  for (size_t i = first; i < s->count; ++i) {
    power += pow(10.0, (s->lufs[i] + 0.691) / 10.0);
  }
  const double gate = -0.691 + 10.0 * log10(power / (double)(s->count - first)) - 20.0;
  while (first < s->count && s->lufs[first] < gate) {
    ++first;
  }
  const size_t n = s->count - first;
  if (n < 2) {
    return 0.0;
  }
  const double *v = s->lufs + first;
  return v[(size_t)((double)(n - 1) * 0.95 + 0.5)] - v[(size_t)((double)(n - 1) * 0.10 + 0.5)];
}

static double
now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double
to_db(double linear)
{
  return linear > 0.0 ? 20.0 * log10(linear) : -HUGE_VAL;
}

/* libebur128's default channel map differs from ours beyond stereo (it has
   no 5.0 or 7.1): give it our roles. */
static int
map_channels(ebur128_state *st, unsigned channels)
{
  PsChannelRole roles[PS_MAX_CHANNELS];
  if (ps_layout_roles(ps_layout_default(channels), channels, roles)) {
    return -1;
  }
  for (unsigned c = 0; c < channels; ++c) {
    int role = EBUR128_LEFT;
    if (roles[c] == PS_ROLE_LFE) {
      role = EBUR128_UNUSED;
    } else if (roles[c] == PS_ROLE_SIDE) {
      role = EBUR128_LEFT_SURROUND; /* weight 1.41 */
    }
    if (ebur128_set_channel(st, c, role) != EBUR128_SUCCESS) {
      return -1;
    }
  }
  return 0;
}

typedef struct {
  PsLoudness *meter;
  ebur128_state *ebu; /* timed */
  ebur128_state *ref; /* exact mode, untimed */
  Signal *signal;
  float *frames; /* one block, interleaved */
  float *planes; /* the same block, planar */
  Series shortterm;
} Run;

static void
run_free(Run *r)
{
  ps_loudness_free(&r->meter);
  if (r->ebu) {
    ebur128_destroy(&r->ebu);
  }
  if (r->ref) {
    ebur128_destroy(&r->ref);
  }
  free(r->signal);
  free(r->frames);
  free(r->planes);
  free(r->shortterm.lufs);
}

static int
run_init(Run *r, const Setup *setup, size_t block)
{
  const unsigned nc = setup->channels;
  memset(r, 0, sizeof(*r));
  const int st = ps_loudness_init(&r->meter, setup->rate, nc, NULL);
  if (st) {
    fprintf(stderr, "loudness_bench: ps_loudness_init: %s\n", ps_status_string(st));
    return -1;
  }
  /* libebur128 has no dialogue gating: compare like with like unless asked */
  ps_loudness_set_dialogue(r->meter, setup->dialogue);
  r->ebu = ebur128_init(nc, (unsigned long)setup->rate, EBUR128_MODES);
  r->ref = ebur128_init(nc, (unsigned long)setup->rate, EBUR128_EXACT_MODES);
  r->signal = (Signal *)malloc(sizeof(Signal));
  r->frames = (float *)malloc(block * nc * sizeof(float));
  r->planes = (float *)malloc(block * nc * sizeof(float));
  if (!r->ebu || !r->ref || !r->signal || !r->frames || !r->planes ||
      map_channels(r->ebu, nc) || map_channels(r->ref, nc)) {
    fprintf(stderr, "loudness_bench: cannot set up libebur128 or the buffers\n");
    run_free(r);
    return -1;
  }
  return 0;
}

static int
measure(SignalKind kind, const Setup *setup, Result *ours, Result *theirs, Reference *ref,
        double *generation)
{
  const unsigned nc = setup->channels;
  /* libebur128's 100 ms, (rate + 5) / 10 */
  const size_t block = (size_t)fmax(1.0, floor((setup->rate + 5.0) / 10.0));
  const uint64_t total = (uint64_t)llround(setup->seconds * setup->rate);
  const uint64_t shortterm_frames = 30 * (uint64_t)block;
  Run r;
  if (run_init(&r, setup, block)) {
    return -1;
  }
  const float *plane_ptrs[PS_MAX_CHANNELS];
  for (unsigned c = 0; c < nc; ++c) {
    plane_ptrs[c] = r.planes + (size_t)c * block;
  }
  signal_init(r.signal, kind, setup->rate, nc);

  double t_ours = 0.0, t_theirs = 0.0, t_gen = 0.0;
  double m_max = -HUGE_VAL, s_max = -HUGE_VAL;
  uint64_t done = 0;
  for (uint64_t index = 0; done < total; ++index) {
    const size_t n = total - done < block ? (size_t)(total - done) : block;
    double t0 = now();
    signal_fill(r.signal, r.frames, n);
    t_gen += now() - t0;
    if (setup->planar) {
      for (size_t i = 0; i < n; ++i) {
        for (unsigned c = 0; c < nc; ++c) {
          r.planes[(size_t)c * block + i] = r.frames[i * nc + c];
        }
      }
    }

    /* alternate which meter goes first, so neither always finds the block
       in the cache */
    for (int turn = 0; turn < 2; ++turn) {
      if ((turn == 0) == (index % 2 == 0)) {
        t0 = now();
        if (setup->planar) {
          ps_loudness_process(r.meter, plane_ptrs, n);
        } else {
          ps_loudness_process_interleaved(r.meter, r.frames, n);
        }
        t_ours += now() - t0;
      } else {
        t0 = now();
        ebur128_add_frames_float(r.ebu, r.frames, n);
        t_theirs += now() - t0;
      }
    }
    ebur128_add_frames_float(r.ref, r.frames, n);
    done += n;

    /* libebur128 keeps no maxima and takes its short-term values for the
       range only every second: sample both every 100 ms, untimed */
    double v;
    if (ebur128_loudness_momentary(r.ebu, &v) == EBUR128_SUCCESS && v > m_max) {
      m_max = v;
    }
    if (n == block && done >= shortterm_frames &&
        ebur128_loudness_shortterm(r.ebu, &v) == EBUR128_SUCCESS) {
      s_max = v > s_max ? v : s_max;
      if (!series_push(&r.shortterm, v)) {
        fprintf(stderr, "loudness_bench: out of memory\n");
        run_free(&r);
        return -1;
      }
    }
  }

  double t0 = now();
  PsLoudnessReadings pr;
  ps_loudness_readings(r.meter, &pr);
  t_ours += now() - t0;
  ours->integrated = pr.integrated;
  ours->range = pr.range;
  ours->truepeak = pr.truepeak;
  ours->samplepeak = pr.samplepeak;
  ours->momentary_max = pr.momentary_max;
  ours->shortterm_max = pr.shortterm_max;
  ours->seconds = t_ours;

  t0 = now();
  double tp = 0.0, sp = 0.0;
  theirs->integrated = theirs->range = -HUGE_VAL;
  ebur128_loudness_global(r.ebu, &theirs->integrated);
  ebur128_loudness_range(r.ebu, &theirs->range);
  for (unsigned c = 0; c < nc; ++c) {
    double x;
    if (ebur128_true_peak(r.ebu, c, &x) == EBUR128_SUCCESS && x > tp) {
      tp = x;
    }
    if (ebur128_sample_peak(r.ebu, c, &x) == EBUR128_SUCCESS && x > sp) {
      sp = x;
    }
  }
  t_theirs += now() - t0;
  theirs->truepeak = to_db(tp);
  theirs->samplepeak = to_db(sp);
  theirs->momentary_max = m_max;
  theirs->shortterm_max = s_max;
  theirs->seconds = t_theirs;

  ref->integrated = ref->range_1hz = -HUGE_VAL;
  ebur128_loudness_global(r.ref, &ref->integrated);
  ebur128_loudness_range(r.ref, &ref->range_1hz);
  ref->range_10hz = series_range(&r.shortterm);
  *generation = t_gen;
  run_free(&r);
  return 0;
}

/* ---- report ------------------------------------------------------------- */

static void
print_row(const char *name, double a, double b, bool with_difference)
{
  printf("  %-24s %12.3f %12.3f", name, a, b);
  if (with_difference) {
    printf(" %+12.3f", a - b);
  }
  printf("\n");
}

/* |a - b| <= tolerance; two equal infinities (nothing measured) agree. */
static bool
within(double a, double b, double tolerance)
{
  return a == b || fabs(a - b) <= tolerance;
}

static bool
report(SignalKind kind, const Setup *setup)
{
  Result ours, theirs;
  Reference ref;
  double generation = 0.0;
  printf("\n== %s: %.0f s, %.0f Hz, %u ch, blocks of 100 ms, %s input to postsync ==\n",
         kind == SIGNAL_PROGRAMME ? "programme" : "limited", setup->seconds, setup->rate,
         setup->channels, setup->planar ? "planar" : "interleaved");
  fflush(stdout);
  if (measure(kind, setup, &ours, &theirs, &ref, &generation)) {
    return false;
  }
  printf("  %-24s %12s %12s %12s\n", "", "postsync", "libebur128", "difference");
  print_row("integrated (LUFS)", ours.integrated, theirs.integrated, true);
  print_row("loudness range (LU)", ours.range, theirs.range, true);
  print_row("true peak (dBTP)", ours.truepeak, theirs.truepeak, true);
  print_row("sample peak (dBFS)", ours.samplepeak, theirs.samplepeak, true);
  print_row("max momentary (LUFS)", ours.momentary_max, theirs.momentary_max, true);
  print_row("max short-term (LUFS)", ours.shortterm_max, theirs.shortterm_max, true);
  print_row("processing (s)", ours.seconds, theirs.seconds, false);
  print_row("x real time", setup->seconds / ours.seconds, setup->seconds / theirs.seconds,
            false);
  const double speedup = theirs.seconds / ours.seconds;
  printf("  speed ratio (libebur128 time / postsync time): %.2f\n", speedup);
  printf("  untimed references                                     postsync -\n");
  printf("    I, libebur128 exact mode (LUFS)          %12.3f %+12.3f\n", ref.integrated,
         ours.integrated - ref.integrated);
  printf("    LRA, short-term every 100 ms (LU)        %12.3f %+12.3f\n", ref.range_10hz,
         ours.range - ref.range_10hz);
  printf("    LRA, libebur128 exact, every 1 s (LU)    %12.3f %+12.3f\n", ref.range_1hz,
         ours.range - ref.range_1hz);
  printf("  (libebur128 timed in histogram mode: 0.1 LU bins, short-term values for\n"
         "   LRA every 1 s; Tech 3342 since 2016 and postsync take them every 100 ms.\n"
         "   Maxima: postsync on its 5 ms grid, libebur128 sampled every 100 ms.\n"
         "   Generation took %.1f s, untimed.)\n",
         generation);

  const bool readings_ok = within(ours.integrated, theirs.integrated, GOAL_LU) &&
                           within(ours.range, theirs.range, GOAL_LU);
  const bool reference_ok = within(ours.integrated, ref.integrated, GOAL_LU) &&
                            within(ours.range, ref.range_10hz, GOAL_LU);
  const bool speed_ok = speedup >= GOAL_SPEEDUP;
  printf("%s readings within %.2f LU of libebur128 (histogram mode): I %+.3f, LRA %+.3f\n",
         readings_ok ? "PASS" : "FAIL", GOAL_LU, ours.integrated - theirs.integrated,
         ours.range - theirs.range);
  printf("%s readings within %.2f LU of the exact references:       I %+.3f, LRA %+.3f\n",
         reference_ok ? "PASS" : "FAIL", GOAL_LU, ours.integrated - ref.integrated,
         ours.range - ref.range_10hz);
  printf("%s speed >= %.0fx libebur128: %.2fx\n", speed_ok ? "PASS" : "FAIL", GOAL_SPEEDUP,
         speedup);
  fflush(stdout);
  return true;
}

static void
print_machine(void)
{
  char model[256] = "unknown";
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (f) {
    char line[512];
    while (fgets(line, sizeof(line), f)) {
      const char *colon = strchr(line, ':');
      if (colon && (!strncmp(line, "model name", 10) || !strncmp(line, "Model", 5))) {
        snprintf(model, sizeof(model), "%s", colon + 2);
        model[strcspn(model, "\n")] = '\0';
        break;
      }
    }
    fclose(f);
  }
  int major = 0, minor = 0, patch = 0;
  ebur128_get_version(&major, &minor, &patch);
  printf("machine:    %s\n", model);
  printf("build:      %s, -O%s, %s, %s\n", PS_BENCH_BUILDTYPE, PS_BENCH_OPTIMIZATION,
#ifdef NDEBUG
         "NDEBUG",
#else
         "asserts on",
#endif
         PS_BENCH_COMPILER);
  printf("libebur128: %d.%d.%d, modes M S I LRA TRUE_PEAK HISTOGRAM, float input\n", major,
         minor, patch);
  printf("goals:      I and LRA within %.2f LU of libebur128, speed >= %.0fx libebur128\n",
         GOAL_LU, GOAL_SPEEDUP);
}

static void
usage(FILE *to)
{
  fprintf(to,
          "usage: loudness_bench [options]\n"
          "  --signal KIND          programme, limited or both (default both)\n"
          "  --seconds S            length of the programme signal (default 3600);\n"
          "                         with --signal limited alone, of that signal\n"
          "  --limited-seconds S    length of the limited signal (default 600)\n"
          "  --rate R               sample rate in Hz (default 48000)\n"
          "  --channels N           channel count, default layout of N (default 2)\n"
          "  --planar               feed postsync planar buffers instead of interleaved\n"
          "  --dialogue             time postsync with its dialogue gating on\n");
}

static bool
parse_number(const char *text, double lo, double hi, double *out)
{
  char *end = NULL;
  const double v = text ? strtod(text, &end) : 0.0;
  if (!text || end == text || *end || !(v >= lo && v <= hi)) {
    return false;
  }
  *out = v;
  return true;
}

/* True peak of the Tech 3341 cases 15-19 (sines at fs/4, fs/6, fs/8 with
   phases, 1 s) at each rate, by both meters: the cases are defined relative
   to the rate, so a meter that oversamples less at high rates misses them. */
static double
libebur128_truepeak(const float *x, size_t n, unsigned long rate)
{
  ebur128_state *st = ebur128_init(1, rate, EBUR128_MODE_TRUE_PEAK);
  double peak = 0.0;
  if (st) {
    ebur128_add_frames_float(st, x, n);
    ebur128_true_peak(st, 0, &peak);
    ebur128_destroy(&st);
  }
  return 20.0 * log10(peak);
}

static double
postsync_truepeak(const float *x, size_t n, double rate)
{
  PsLoudness *m = NULL;
  double peak = NAN;
  if (!ps_loudness_init(&m, rate, 1, NULL)) {
    PsLoudnessReadings rd;
    ps_loudness_process(m, (const float *const[]){x}, n);
    ps_loudness_readings(m, &rd);
    peak = rd.truepeak;
    ps_loudness_free(&m);
  }
  return peak;
}

static void
truepeak_cases(void)
{
  static const struct {
    int number;
    double divisor, phase_deg, level;
  } cases[] = {{15, 4, 0, -6}, {16, 4, 45, -6}, {17, 6, 60, -6}, {18, 8, 67.5, -6}, {19, 4, 45, 3}};
  const double rates[] = {44100.0, 48000.0, 88200.0, 96000.0, 192000.0};
  printf("\n== true peak, Tech 3341 cases 15-19 (dBTP; +0.2/-0.4 allowed; !! outside) ==\n");
  printf("  case  want ");
  for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); ++r) {
    printf("   %6.1f kHz: ours  ebur128", rates[r] / 1000.0);
  }
  printf("\n");
  int misses[2] = {0, 0};
  for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); ++c) {
    printf("  %4d  %+4.0f ", cases[c].number, cases[c].level);
    for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); ++r) {
      const size_t n = (size_t)rates[r];
      float *x = (float *)malloc(n * sizeof(float));
      if (!x) {
        return;
      }
      const double a = pow(10.0, cases[c].level / 20.0);
      const double w = 2.0 * PI / cases[c].divisor, p = cases[c].phase_deg * PI / 180.0;
      for (size_t i = 0; i < n; ++i) {
        /* 20 ms raised-cosine fades: no onset ringing */
        const size_t edge = i < n - 1 - i ? i : n - 1 - i;
        const double fade =
          edge < n / 50 ? 0.5 - 0.5 * cos(PI * (double)edge / (double)(n / 50)) : 1.0;
        x[i] = (float)(a * fade * sin(w * (double)i + p));
      }
      const double v[2] = {postsync_truepeak(x, n, rates[r]),
                           libebur128_truepeak(x, n, (unsigned long)rates[r])};
      printf("            ");
      for (int k = 0; k < 2; ++k) {
        const bool in = v[k] >= cases[c].level - 0.4 && v[k] <= cases[c].level + 0.2;
        misses[k] += !in;
        printf(" %+5.2f%s", v[k], in ? "  " : "!!");
      }
      free(x);
    }
    printf("\n");
  }
  printf("  outside the tolerance: postsync %d of 25, libebur128 %d of 25\n", misses[0],
         misses[1]);
}

int
main(int argc, char **argv)
{
  bool programme = true, limited = true, planar = false, dialogue = false;
  double seconds = 3600.0, limited_seconds = 600.0, rate = 48000.0, channels = 2.0;
  bool seconds_given = false, limited_given = false;
  for (int i = 1; i < argc; ++i) {
    const char *opt = argv[i];
    const char *val = i + 1 < argc ? argv[i + 1] : NULL;
    bool ok = true;
    if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(opt, "--planar")) {
      planar = true;
      continue;
    } else if (!strcmp(opt, "--dialogue")) {
      dialogue = true;
      continue;
    } else if (!strcmp(opt, "--signal")) {
      programme = val && (!strcmp(val, "programme") || !strcmp(val, "both"));
      limited = val && (!strcmp(val, "limited") || !strcmp(val, "both"));
      ok = programme || limited;
    } else if (!strcmp(opt, "--seconds")) {
      ok = parse_number(val, 0.1, 1e7, &seconds);
      seconds_given = true;
    } else if (!strcmp(opt, "--limited-seconds")) {
      ok = parse_number(val, 0.1, 1e7, &limited_seconds);
      limited_given = true;
    } else if (!strcmp(opt, "--rate")) {
      ok = parse_number(val, PS_LOUDNESS_MIN_RATE, PS_LOUDNESS_MAX_RATE, &rate) &&
           rate == floor(rate);
    } else if (!strcmp(opt, "--channels")) {
      ok = parse_number(val, 1.0, PS_MAX_CHANNELS, &channels) && channels == floor(channels);
    } else {
      ok = false;
    }
    if (!ok) {
      fprintf(stderr, "loudness_bench: bad option or value: %s%s%s\n", opt, val ? " " : "",
              val ? val : "");
      usage(stderr);
      return 2;
    }
    ++i;
  }
  if (limited && !programme && seconds_given && !limited_given) {
    limited_seconds = seconds;
  }

  printf("Postsync loudness benchmark: postsync engine vs libebur128, one thread\n");
  print_machine();
  Setup setup = {seconds, rate, (unsigned)channels, planar, dialogue};
  printf("dialogue gating: %s\n", dialogue ? "on (postsync also runs its speech detector)" : "off (libebur128 has none; --dialogue turns it on)");
  bool ok = true;
  if (programme) {
    ok = report(SIGNAL_PROGRAMME, &setup) && ok;
  }
  if (limited) {
    setup.seconds = limited_seconds;
    ok = report(SIGNAL_LIMITED, &setup) && ok;
  }
  truepeak_cases();
  return ok ? 0 : 1;
}
