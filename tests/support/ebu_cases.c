#include "ebu_cases.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define SILENT (-HUGE_VAL)
#define TONE_HZ 1000.0
/* Tolerances of the specifications */
#define LU_TOL 0.1 /* Tech 3341 M, S, I */
#define LRA_TOL 1.0 /* Tech 3342 */
#define TP_ABOVE 0.2 /* Tech 3341 true peak: +0.2 / -0.4 dB */
#define TP_BELOW 0.4

#define CHECK(m, w, b, a, t) \
  {                          \
    m, w, b, a, t            \
  }
#define METER(m, w) CHECK(m, w, LU_TOL, LU_TOL, 0.0)

static EbuCase cases[40];
static size_t n_cases;

static EbuCase *
add_tones(const char *name, const char *description)
{
  EbuCase *c = &cases[n_cases++];
  memset(c, 0, sizeof(*c));
  c->name = name;
  c->description = description;
  c->kind = EBU_TONES;
  c->channels = 2;
  return c;
}

static void
segment(EbuCase *c, double seconds, double level)
{
  c->segments[c->n_segments].seconds = seconds;
  c->segments[c->n_segments].level_db = level;
  c->n_segments++;
}

static void
check(EbuCase *c, EbuCheck k)
{
  c->checks[c->n_checks++] = k;
}

static void
add_truepeak(const char *name, const char *description, EbuKind kind, double divisor,
             double phase, double level)
{
  EbuCase *c = &cases[n_cases++];
  memset(c, 0, sizeof(*c));
  c->name = name;
  c->description = description;
  c->kind = kind;
  c->channels = 1;
  c->divisor = divisor;
  c->phase_deg = phase;
  c->tp_level_db = level;
  c->segments[0].seconds = 1.0;
  c->n_segments = 1;
  check(c, (EbuCheck)CHECK(EBU_TRUEPEAK, level, TP_BELOW, TP_ABOVE, 0.0));
}

static void
build(void)
{
  EbuCase *c;
  if (n_cases) {
    return;
  }
  c = add_tones("3341-1", "stereo 1 kHz at -23 dBFS, 20 s");
  segment(c, 20, -23);
  check(c, (EbuCheck)CHECK(EBU_MOMENTARY_CONST, -23, LU_TOL, LU_TOL, 0.4));
  check(c, (EbuCheck)CHECK(EBU_SHORTTERM_CONST, -23, LU_TOL, LU_TOL, 3.0));
  check(c, (EbuCheck)METER(EBU_INTEGRATED, -23));

  c = add_tones("3341-2", "stereo 1 kHz at -33 dBFS, 20 s");
  segment(c, 20, -33);
  check(c, (EbuCheck)CHECK(EBU_MOMENTARY_CONST, -33, LU_TOL, LU_TOL, 0.4));
  check(c, (EbuCheck)CHECK(EBU_SHORTTERM_CONST, -33, LU_TOL, LU_TOL, 3.0));
  check(c, (EbuCheck)METER(EBU_INTEGRATED, -33));

  c = add_tones("3341-3", "stereo 1 kHz: 10 s at -36, 60 s at -23, 10 s at -36 dBFS");
  segment(c, 10, -36);
  segment(c, 60, -23);
  segment(c, 10, -36);
  check(c, (EbuCheck)METER(EBU_INTEGRATED, -23));

  c = add_tones("3341-4", "stereo 1 kHz: -72, -36, -23, -36, -72 dBFS for 10, 10, 60, 10, 10 s");
  segment(c, 10, -72);
  segment(c, 10, -36);
  segment(c, 60, -23);
  segment(c, 10, -36);
  segment(c, 10, -72);
  check(c, (EbuCheck)METER(EBU_INTEGRATED, -23));

  c = add_tones("3341-5", "stereo 1 kHz: 20 s at -26, 20.1 s at -20, 20 s at -26 dBFS");
  segment(c, 20, -26);
  segment(c, 20.1, -20);
  segment(c, 20, -26);
  check(c, (EbuCheck)METER(EBU_INTEGRATED, -23));

  c = add_tones("3341-6", "5.0 1 kHz, 20 s: L R at -28, C at -24, Ls Rs at -30 dBFS");
  c->kind = EBU_SURROUND;
  c->channels = 5;
  segment(c, 20, 0);
  check(c, (EbuCheck)METER(EBU_INTEGRATED, -23));

  c = add_tones("3341-6-51", "the same as 5.1 with a silent LFE channel (L R C LFE Ls Rs)");
  c->kind = EBU_SURROUND;
  c->channels = 6;
  segment(c, 20, 0);
  check(c, (EbuCheck)METER(EBU_INTEGRATED, -23));

  c = add_tones("3341-9", "stereo 1 kHz: 1.34 s at -20 and 1.66 s at -30 dBFS, 5 times");
  for (int i = 0; i < 5; ++i) {
    segment(c, 1.34, -20);
    segment(c, 1.66, -30);
  }
  check(c, (EbuCheck)CHECK(EBU_SHORTTERM_CONST, -23, LU_TOL, LU_TOL, 3.0));

  /* Cases 10 and 13 are sets of files, each a tone burst exactly as long as
     the window (3 s, 0.4 s) at -23 LUFS placed at a different offset: the
     maximum reaches -23 only if the window advances finely enough.  The
     offsets here step by 17 ms over a 100 ms span and more. */
  static const char *const names10[] = {"3341-10a", "3341-10b", "3341-10c", "3341-10d",
                                        "3341-10e", "3341-10f", "3341-10g"};
  static const char *const names13[] = {"3341-13a", "3341-13b", "3341-13c", "3341-13d",
                                        "3341-13e", "3341-13f", "3341-13g"};
  for (int i = 0; i < 7; ++i) {
    c = add_tones(names10[i], "stereo 1 kHz: silence, then 3 s at -23 dBFS, then 1 s silence");
    segment(c, 0.5 + 0.017 * i, SILENT);
    segment(c, 3.0, -23);
    segment(c, 1.0, SILENT);
    check(c, (EbuCheck)METER(EBU_SHORTTERM_MAX, -23));
    c = add_tones(names13[i], "stereo 1 kHz: silence, then 0.4 s at -23 dBFS, then 1 s silence");
    segment(c, 0.5 + 0.017 * i, SILENT);
    segment(c, 0.4, -23);
    segment(c, 1.0, SILENT);
    check(c, (EbuCheck)METER(EBU_MOMENTARY_MAX, -23));
  }

  /* Cases 11 and 14: the same bursts one after the other in one file,
     separated by more silence than the window, each read on its own. */
  c = add_tones("3341-11", "stereo 1 kHz: 3 s at -23 dBFS after 3.2 s + k * 17 ms silence, 7 times");
  for (int i = 0; i < 7; ++i) {
    segment(c, 3.2 + 0.017 * i, SILENT);
    segment(c, 3.0, -23);
  }
  segment(c, 1.0, SILENT);
  check(c, (EbuCheck)METER(EBU_SHORTTERM_MAX_EACH, -23));
  c = add_tones("3341-14", "stereo 1 kHz: 0.4 s at -23 dBFS after 0.6 s + k * 17 ms silence, 7 times");
  for (int i = 0; i < 7; ++i) {
    segment(c, 0.6 + 0.017 * i, SILENT);
    segment(c, 0.4, -23);
  }
  segment(c, 1.0, SILENT);
  check(c, (EbuCheck)METER(EBU_MOMENTARY_MAX_EACH, -23));

  c = add_tones("3341-12", "stereo 1 kHz: 0.18 s at -20 and 0.22 s at -30 dBFS, 25 times");
  for (int i = 0; i < 25; ++i) {
    segment(c, 0.18, -20);
    segment(c, 0.22, -30);
  }
  check(c, (EbuCheck)CHECK(EBU_MOMENTARY_CONST, -23, LU_TOL, LU_TOL, 1.0));

  add_truepeak("3341-15", "mono sine at fs/4, phase 0, -6 dBTP", EBU_SINE_TP, 4, 0, -6);
  add_truepeak("3341-16", "mono sine at fs/4, phase 45, -6 dBTP", EBU_SINE_TP, 4, 45, -6);
  add_truepeak("3341-17", "mono sine at fs/6, phase 60, -6 dBTP", EBU_SINE_TP, 6, 60, -6);
  add_truepeak("3341-18", "mono sine at fs/8, phase 67.5, -6 dBTP", EBU_SINE_TP, 8, 67.5, -6);
  add_truepeak("3341-19", "mono sine at fs/4, phase 45, +3 dBTP", EBU_SINE_TP, 4, 45, 3);
  /* Cases 20-23 of Tech 3341 are recorded signals that the text does not
     define.  In their place, band-limited signals whose continuous peak is
     known: two tones at fs/divisor and 2.3 fs/divisor, with the phase
     placing the peak between samples, at 0 dBTP. */
  add_truepeak("tp-two-tone-a", "two tones at fs/10 and 0.23 fs, 0 dBTP", EBU_MULTI_TP, 10, 30, 0);
  add_truepeak("tp-two-tone-b", "two tones at fs/7 and 0.329 fs, 0 dBTP", EBU_MULTI_TP, 7, 71, 0);
  add_truepeak("tp-high-sine", "mono sine at 0.3 fs, phase 36, 0 dBTP", EBU_SINE_TP, 1.0 / 0.3,
               36, 0);

  c = add_tones("3342-1", "stereo 1 kHz: 20 s at -20, 20 s at -30 dBFS");
  segment(c, 20, -20);
  segment(c, 20, -30);
  check(c, (EbuCheck)CHECK(EBU_RANGE, 10, LRA_TOL, LRA_TOL, 0.0));

  c = add_tones("3342-2", "stereo 1 kHz: 20 s at -20, 20 s at -15 dBFS");
  segment(c, 20, -20);
  segment(c, 20, -15);
  check(c, (EbuCheck)CHECK(EBU_RANGE, 5, LRA_TOL, LRA_TOL, 0.0));

  c = add_tones("3342-3", "stereo 1 kHz: 20 s at -40, 20 s at -20 dBFS");
  segment(c, 20, -40);
  segment(c, 20, -20);
  check(c, (EbuCheck)CHECK(EBU_RANGE, 20, LRA_TOL, LRA_TOL, 0.0));

  c = add_tones("3342-4", "stereo 1 kHz: -50, -35, -20, -35, -50 dBFS for 20 s each");
  segment(c, 20, -50);
  segment(c, 20, -35);
  segment(c, 20, -20);
  segment(c, 20, -35);
  segment(c, 20, -50);
  check(c, (EbuCheck)CHECK(EBU_RANGE, 15, LRA_TOL, LRA_TOL, 0.0));
}

const EbuCase *
ebu_cases(size_t *count)
{
  build();
  *count = n_cases;
  return cases;
}

const EbuCase *
ebu_case_find(const char *name)
{
  size_t n;
  const EbuCase *all = ebu_cases(&n);
  for (size_t i = 0; i < n; ++i) {
    if (!strcmp(all[i].name, name)) {
      return &all[i];
    }
  }
  return NULL;
}

static double
amplitude(double level_db)
{
  return isfinite(level_db) ? pow(10.0, level_db / 20.0) : 0.0;
}

/* Peak of a + cos(w1 t + p1) + b cos(w2 t + p2) over one long stretch of
   continuous time, found by dense evaluation then golden-section search. */
static double
two_tone_peak(double w1, double p1, double w2, double p2, double ratio)
{
  double best = 0.0, best_t = 0.0;
  const double step = 0.01; /* in samples */
  for (double t = 0.0; t < 2000.0; t += step) {
    const double v = fabs(cos(w1 * t + p1) + ratio * cos(w2 * t + p2));
    if (v > best) {
      best = v;
      best_t = t;
    }
  }
  double lo = best_t - step, hi = best_t + step;
  for (int i = 0; i < 100; ++i) {
    const double m1 = lo + (hi - lo) * 0.382, m2 = lo + (hi - lo) * 0.618;
    const double v1 = fabs(cos(w1 * m1 + p1) + ratio * cos(w2 * m1 + p2));
    const double v2 = fabs(cos(w1 * m2 + p1) + ratio * cos(w2 * m2 + p2));
    if (v1 > v2) {
      hi = m2;
    } else {
      lo = m1;
    }
  }
  const double t = 0.5 * (lo + hi);
  return fabs(cos(w1 * t + p1) + ratio * cos(w2 * t + p2));
}

/* Raised-cosine fade over the first and last `fade` frames: the onset of a
   sine at a non-zero phase would ring in any interpolator above the
   waveform's own peak. */
static double
fade_gain(size_t i, size_t n, size_t fade)
{
  const size_t from_end = n - 1 - i;
  const size_t d = i < from_end ? i : from_end;
  if (d >= fade) {
    return 1.0;
  }
  return 0.5 - 0.5 * cos(PI * (double)d / (double)fade);
}

size_t
ebu_case_render(const EbuCase *c, double rate, float **out)
{
  size_t frames = 0;
  for (unsigned s = 0; s < c->n_segments; ++s) {
    frames += (size_t)llround(c->segments[s].seconds * rate);
  }
  float *buf = (float *)calloc(frames * c->channels, sizeof(float));
  if (!buf) {
    return 0;
  }
  const size_t fade = (size_t)(0.02 * rate);
  if (c->kind == EBU_TONES) {
    size_t start = 0;
    for (unsigned s = 0; s < c->n_segments; ++s) {
      const size_t len = (size_t)llround(c->segments[s].seconds * rate);
      const double a = amplitude(c->segments[s].level_db);
      for (size_t i = 0; i < len; ++i) {
        /* the tone runs on across segments: only its level steps */
        const double v = a * sin(2.0 * PI * TONE_HZ * (double)(start + i) / rate);
        for (unsigned ch = 0; ch < c->channels; ++ch) {
          buf[(start + i) * c->channels + ch] = (float)v;
        }
      }
      start += len;
    }
  } else if (c->kind == EBU_SURROUND) {
    /* L R C [LFE] Ls Rs */
    const double l51[] = {-28, -28, -24, SILENT, -30, -30};
    const double l50[] = {-28, -28, -24, -30, -30};
    const double *levels = c->channels == 6 ? l51 : l50;
    for (size_t i = 0; i < frames; ++i) {
      const double v = sin(2.0 * PI * TONE_HZ * (double)i / rate);
      for (unsigned ch = 0; ch < c->channels; ++ch) {
        buf[i * c->channels + ch] = (float)(amplitude(levels[ch]) * v);
      }
    }
  } else if (c->kind == EBU_SINE_TP) {
    const double w = 2.0 * PI / c->divisor;
    const double a = amplitude(c->tp_level_db);
    const double p = c->phase_deg * PI / 180.0;
    for (size_t i = 0; i < frames; ++i) {
      buf[i] = (float)(a * fade_gain(i, frames, fade) * sin(w * (double)i + p));
    }
  } else {
    const double w1 = 2.0 * PI / c->divisor;
    const double w2 = 2.3 * w1;
    const double p1 = c->phase_deg * PI / 180.0;
    const double p2 = 0.37;
    const double ratio = 0.6;
    const double a = amplitude(c->tp_level_db) / two_tone_peak(w1, p1, w2, p2, ratio);
    for (size_t i = 0; i < frames; ++i) {
      const double t = (double)i;
      buf[i] = (float)(a * fade_gain(i, frames, fade) *
                       (cos(w1 * t + p1) + ratio * cos(w2 * t + p2)));
    }
  }
  *out = buf;
  return frames;
}

const char *
ebu_measure_name(EbuMeasure m)
{
  switch (m) {
  case EBU_INTEGRATED:
    return "integrated";
  case EBU_RANGE:
    return "range";
  case EBU_MOMENTARY_CONST:
    return "momentary_const";
  case EBU_SHORTTERM_CONST:
    return "shortterm_const";
  case EBU_MOMENTARY_MAX:
    return "momentary_max";
  case EBU_SHORTTERM_MAX:
    return "shortterm_max";
  case EBU_TRUEPEAK:
    return "truepeak";
  case EBU_MOMENTARY_MAX_EACH:
    return "momentary_max_each";
  case EBU_SHORTTERM_MAX_EACH:
    return "shortterm_max_each";
  }
  return "?";
}
