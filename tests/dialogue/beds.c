/* Beds of the dialogue generator (see beds.h).  Frequencies and times are
   given in Hz and seconds and the filters designed for the rate, so a bed
   sounds the same at every rate. */
#include "beds.h"

#include "dsp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double pi = 3.14159265358979323846;

static double
rms(const float *x, size_t n)
{
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    sum += (double)x[i] * (double)x[i];
  }
  return n ? sqrt(sum / (double)n) : 0.0;
}

/* Channel gain for a pan position in [-1, 1]: equal power, 1 at centre,
   1 in mono. */
static double
pan_gain(double pan, unsigned channel, unsigned channels)
{
  if (channels < 2) {
    return 1.0;
  }
  return sqrt(channel == 0 ? 1.0 - pan : 1.0 + pan);
}

/* --- noise --------------------------------------------------------------- */

/* Pink noise: white noise through pole/zero pairs two octaves apart with
   each zero one octave above its pole (-3 dB/octave from 10 Hz up, ripple
   about 0.5 dB), then band-limited by a high-pass and a 4th-order
   Butterworth low-pass.  RMS 1. */
static void
pink_noise(float *out, size_t n, unsigned rate, DlgRng *rng, double lowpass_hz)
{
  enum { PAIRS = 6 };
  double pole[PAIRS], zero[PAIRS], x1[PAIRS] = {0}, y1[PAIRS] = {0};
  for (int k = 0; k < PAIRS; ++k) {
    const double hz = 10.0 * pow(4.0, k);
    pole[k] = exp(-2.0 * pi * hz / rate);
    zero[k] = exp(-2.0 * pi * 2.0 * hz / rate);
  }
  DlgBiquad hp, lp1, lp2;
  dlg_biquad_design(&hp, DLG_HIGHPASS, 25.0, 0.7071, rate);
  dlg_biquad_design(&lp1, DLG_LOWPASS, lowpass_hz, dlg_butterworth_q(4, 0), rate);
  dlg_biquad_design(&lp2, DLG_LOWPASS, lowpass_hz, dlg_butterworth_q(4, 1), rate);
  /* Half a second of warm-up so the low poles have settled at sample 0. */
  const size_t warm = rate / 2;
  for (size_t i = 0; i < warm + n; ++i) {
    double x = dlg_rng_noise(rng);
    for (int k = 0; k < PAIRS; ++k) {
      const double y = x - zero[k] * x1[k] + pole[k] * y1[k];
      x1[k] = x;
      y1[k] = y;
      x = y;
    }
    x = dlg_biquad_run(&lp2, dlg_biquad_run(&lp1, dlg_biquad_run(&hp, x)));
    if (i >= warm) {
      out[i - warm] = (float)x;
    }
  }
  const double g = 1.0 / rms(out, n);
  for (size_t i = 0; i < n; ++i) {
    out[i] = (float)((double)out[i] * g);
  }
}

/* Adds room tone of RMS `level` to out: pink noise low-passed at lowpass_hz,
   with 50 Hz mains hum and harmonics 20 dB below it when `hum`. */
static int
add_room_tone(float *out, size_t n, unsigned rate, DlgRng *rng, double level, double lowpass_hz,
              int hum)
{
  float *noise = (float *)malloc(n * sizeof(float));
  if (!noise) {
    return -1;
  }
  pink_noise(noise, n, rate, rng, lowpass_hz);
  /* Hum: odd harmonics strongest, as from a transformer or a dimmer.
     Harmonic h is the real part of e^{i h theta} e^{i phi_h}. */
  static const double harmonic[] = {1.0, 0.35, 0.7, 0.2, 0.4, 0.1, 0.25, 0.08};
  enum { H = sizeof(harmonic) / sizeof(harmonic[0]) };
  double offset_re[H], offset_im[H], power = 0.0;
  for (int h = 0; h < H; ++h) {
    const double phi = dlg_rng_range(rng, 0.0, 2.0 * pi);
    power += 0.5 * harmonic[h] * harmonic[h];
    offset_re[h] = cos(phi) * harmonic[h];
    offset_im[h] = sin(phi) * harmonic[h];
  }
  const double hum_gain = hum ? 0.1 / sqrt(power) : 0.0; /* -20 dB re the noise */
  for (size_t i = 0; i < n; ++i) {
    double y = (double)noise[i];
    if (hum) {
      const double theta = 2.0 * pi * 50.0 * (double)(i % rate) / rate;
      const double c = cos(theta), s = sin(theta);
      double z_re = c, z_im = s, sum = 0.0;
      for (int h = 0; h < H; ++h) {
        sum += z_re * offset_re[h] - z_im * offset_im[h];
        const double re = z_re * c - z_im * s;
        z_im = z_re * s + z_im * c;
        z_re = re;
      }
      y += hum_gain * sum;
    }
    out[i] += (float)(level * y);
  }
  free(noise);
  return 0;
}

/* --- music --------------------------------------------------------------- */

typedef struct {
  double start, end;       /* seconds; the release follows the end */
  double hz, amp;
  double attack, release;  /* seconds */
  double vib_hz, vib_depth, vib_phase;
  double tilt;             /* harmonic h at h^-tilt */
  double odd;              /* weight of even harmonics (1: all equal) */
  double pan;
} Note;

enum { HARMONICS = 8 };

static double
note_envelope(const Note *note, double t)
{
  const double held = note->end - note->start;
  const double ta = fmin(t, held);
  double env = ta < note->attack ? 0.5 - 0.5 * cos(pi * ta / note->attack) : 1.0;
  if (t > held) {
    env *= 0.5 + 0.5 * cos(pi * fmin(1.0, (t - held) / note->release));
  }
  return env;
}

/* Additive synthesis of one note.  Pitch (vibrato) and envelope are control
   signals, computed every `block` samples (about 0.3 ms); in between, the
   fundamental is a unit phasor turned by a fixed step, the envelope a ramp,
   and harmonic h is sin(h phase) from the Chebyshev recurrence. */
static void
render_note(float *out, size_t n, unsigned rate, const Note *note, double detune,
            double vib_offset, double gain)
{
  const double hz = note->hz * detune;
  double a[HARMONICS + 1] = {0};
  for (int h = 1; h <= HARMONICS; ++h) {
    if (hz * h * (1.0 + 2.0 * note->vib_depth) < 0.45 * rate) {
      a[h] = pow(h, -note->tilt) * (h % 2 ? 1.0 : note->odd);
    }
  }
  const double i_start = ceil(note->start * rate);
  const size_t i0 = i_start > 0.0 ? (size_t)i_start : 0;
  size_t i1 = (size_t)((note->end + note->release) * rate);
  if (i1 > n) {
    i1 = n;
  }
  const size_t block = rate / 3000 ? rate / 3000 : 1;
  double z_re = 1.0, z_im = 0.0;
  for (size_t i = i0; i < i1; i += block) {
    const size_t count = i1 - i < block ? i1 - i : block;
    const double t = (double)i / rate - note->start;
    const double t_next = (double)(i + count) / rate - note->start;
    const double onset = fmin(1.0, t / 0.3); /* vibrato sets in */
    const double f = hz * (1.0 + note->vib_depth * onset *
                                     sin(2.0 * pi * note->vib_hz * t + note->vib_phase + vib_offset));
    const double step = 2.0 * pi * f / rate;
    const double w_re = cos(step), w_im = sin(step);
    const double norm = 1.0 / sqrt(z_re * z_re + z_im * z_im);
    z_re *= norm;
    z_im *= norm;
    const double e0 = note_envelope(note, t);
    const double de = (note_envelope(note, t_next) - e0) / (double)count;
    for (size_t k = 0; k < count; ++k) {
      const double re = z_re * w_re - z_im * w_im;
      z_im = z_re * w_im + z_im * w_re;
      z_re = re;
      const double c2 = 2.0 * z_re;
      double s_prev = 0.0, s_h = z_im, sum = a[1] * s_h;
      for (int h = 2; h <= HARMONICS; ++h) {
        const double s_next = c2 * s_h - s_prev;
        s_prev = s_h;
        s_h = s_next;
        sum += a[h] * s_h;
      }
      out[i + k] += (float)(gain * note->amp * (e0 + de * (double)k) * sum);
    }
  }
}

static const int major_scale[7] = {0, 2, 4, 5, 7, 9, 11};
static const int minor_scale[7] = {0, 2, 3, 5, 7, 8, 10};

static double
midi_hz(double midi)
{
  return 440.0 * pow(2.0, (midi - 69.0) / 12.0);
}

static int
degree_midi(int root, const int *scale, int degree)
{
  const int octave = degree >= 0 ? degree / 7 : -((6 - degree) / 7);
  return root + 12 * octave + scale[degree - 7 * octave];
}

/* Every note of the piece, the same for every channel, drawn from the score
   stream of the seed. */
static int
music_score(double seconds, uint64_t seed, Note **notes_out, size_t *count_out)
{
  DlgRng rng;
  dlg_rng_seed(&rng, seed, "music score", 0);
  const int root = 45 + dlg_rng_int(&rng, 8);
  const int *scale = dlg_rng_uniform(&rng) < 0.5 ? major_scale : minor_scale;
  size_t cap = 64, count = 0;
  Note *notes = (Note *)malloc(cap * sizeof(Note));
  if (!notes) {
    return -1;
  }
#define PUSH(note_)                                                    \
  do {                                                                 \
    if (count == cap) {                                                \
      Note *grown_ = (Note *)realloc(notes, 2 * cap * sizeof(Note));   \
      if (!grown_) {                                                   \
        free(notes);                                                   \
        return -1;                                                     \
      }                                                                \
      notes = grown_;                                                  \
      cap *= 2;                                                        \
    }                                                                  \
    notes[count++] = (note_);                                          \
  } while (0)

  /* Chords: 3-4 tones between 130 and 560 Hz, a new chord every 1-3 s. */
  static const int progression[] = {0, 3, 4, 5, 0, 4, 1, 5, 3, 2};
  double t = -dlg_rng_range(&rng, 0.0, 0.5);
  while (t < seconds) {
    const int degree = progression[dlg_rng_int(&rng, 10)];
    const double length = dlg_rng_range(&rng, 1.0, 3.0);
    const int tones = 3 + (dlg_rng_uniform(&rng) < 0.5);
    int base = degree_midi(root, scale, degree);
    while (base < 48) {
      base += 12;
    }
    for (int v = 0; v < tones; ++v) {
      const int d = degree + (v < 3 ? 2 * v : 6 + dlg_rng_int(&rng, 2));
      const int midi = degree_midi(root, scale, d) + (base - degree_midi(root, scale, degree));
      Note note = {
        .start = t + dlg_rng_range(&rng, 0.0, 0.05),
        .end = t + length,
        .hz = midi_hz(midi),
        .amp = 0.25 * dlg_rng_range(&rng, 0.8, 1.0),
        .attack = dlg_rng_range(&rng, 0.15, 0.4),
        .release = dlg_rng_range(&rng, 0.3, 0.8),
        .vib_hz = dlg_rng_range(&rng, 4.0, 5.5),
        .vib_depth = dlg_rng_range(&rng, 0.001, 0.004),
        .vib_phase = dlg_rng_range(&rng, 0.0, 2.0 * pi),
        .tilt = dlg_rng_range(&rng, 1.0, 1.6),
        .odd = dlg_rng_range(&rng, 0.5, 1.0),
        .pan = -0.6 + 1.2 * (double)v / (double)(tones - 1),
      };
      PUSH(note);
    }
    t += length;
  }

  /* Melody: phrases of short legato notes, 200-800 Hz, with rests between. */
  int m = 7 + dlg_rng_int(&rng, 5);
  t = dlg_rng_range(&rng, 0.0, 2.0);
  static const double durations[] = {0.25, 0.375, 0.5, 0.5, 0.75};
  static const int steps[] = {-3, -2, -1, -1, 0, 1, 1, 2, 3};
  while (t < seconds) {
    const double phrase_end = t + dlg_rng_range(&rng, 2.0, 6.0);
    while (t < phrase_end) {
      const double length = durations[dlg_rng_int(&rng, 5)];
      m += steps[dlg_rng_int(&rng, 9)];
      while (degree_midi(root + 12, scale, m) < 56) {
        m += 2;
      }
      while (degree_midi(root + 12, scale, m) > 79) {
        m -= 2;
      }
      Note note = {
        .start = t,
        .end = t + length,
        .hz = midi_hz(degree_midi(root + 12, scale, m)),
        .amp = 0.35 * dlg_rng_range(&rng, 0.8, 1.1),
        .attack = dlg_rng_range(&rng, 0.02, 0.05),
        .release = dlg_rng_range(&rng, 0.06, 0.15),
        .vib_hz = dlg_rng_range(&rng, 5.0, 6.5),
        .vib_depth = dlg_rng_range(&rng, 0.006, 0.012),
        .vib_phase = dlg_rng_range(&rng, 0.0, 2.0 * pi),
        .tilt = dlg_rng_range(&rng, 0.8, 1.2),
        .odd = dlg_rng_range(&rng, 0.6, 1.0),
        .pan = dlg_rng_range(&rng, -0.2, 0.2),
      };
      PUSH(note);
      t += length;
    }
    t += dlg_rng_range(&rng, 0.5, 2.5);
  }
#undef PUSH
  *notes_out = notes;
  *count_out = count;
  return 0;
}

static int
music(float *out, size_t n, unsigned rate, uint64_t seed, unsigned channel, unsigned channels,
      DlgRng *noise)
{
  Note *notes = NULL;
  size_t count = 0;
  if (music_score((double)n / rate, seed, &notes, &count)) {
    return -1;
  }
  /* Stereo: the channels are detuned by 3 cents and their vibratos run
     apart, so the bed is not the same signal twice. */
  const double cents = channels > 1 ? (channel ? 1.5 : -1.5) : 0.0;
  const double detune = pow(2.0, cents / 1200.0);
  for (size_t k = 0; k < count; ++k) {
    render_note(out, n, rate, &notes[k], detune, 1.3 * channel,
                pan_gain(notes[k].pan, channel, channels));
  }
  free(notes);
  return add_room_tone(out, n, rate, noise, 0.01 * rms(out, n), 8000.0, 0);
}

/* --- drums --------------------------------------------------------------- */

typedef enum { KICK, SNARE, HAT, OPEN_HAT } Drum;

static void
render_drum(float *out, size_t n, unsigned rate, Drum drum, double when, double velocity,
            double kick_hz, DlgRng *noise, double gain)
{
  const double length = drum == KICK ? 0.7 : drum == SNARE ? 0.4 : drum == HAT ? 0.15 : 0.8;
  const double s = ceil(when * rate);
  const size_t i0 = s > 0.0 ? (size_t)s : 0;
  size_t i1 = i0 + (size_t)(length * rate);
  if (i1 > n) {
    i1 = n;
  }
  DlgBiquad f1, f2;
  if (drum == SNARE) {
    dlg_biquad_design(&f1, DLG_BANDPASS, 2000.0, 0.8, rate);
  } else {
    dlg_biquad_design(&f1, DLG_HIGHPASS, 7000.0, dlg_butterworth_q(4, 0), rate);
    dlg_biquad_design(&f2, DLG_HIGHPASS, 7000.0, dlg_butterworth_q(4, 1), rate);
  }
  double phase = 0.0;
  for (size_t i = i0; i < i1; ++i) {
    const double t = (double)i / rate - when;
    double y = 0.0;
    switch (drum) {
    case KICK: {
      /* sine swept down to 50-60 Hz, and a click */
      const double hz = kick_hz + (2.5 * kick_hz - kick_hz) * exp(-t / 0.04);
      phase += 2.0 * pi * hz / rate;
      y = sin(phase) * exp(-t / 0.25) + 0.3 * dlg_rng_noise(noise) * exp(-t / 0.002);
      break;
    }
    case SNARE: {
      /* noise burst and a 200 Hz body */
      phase += 2.0 * pi * 200.0 * (1.0 + 0.1 * exp(-t / 0.02)) / rate;
      y = 1.2 * dlg_biquad_run(&f1, dlg_rng_noise(noise)) * exp(-t / 0.1) +
          0.6 * sin(phase) * exp(-t / 0.06);
      break;
    }
    case HAT:
    case OPEN_HAT: {
      const double tau = drum == HAT ? 0.025 : 0.2;
      y = 0.5 * dlg_biquad_run(&f2, dlg_biquad_run(&f1, dlg_rng_noise(noise))) * exp(-t / tau);
      break;
    }
    }
    out[i] += (float)(gain * velocity * y);
  }
}

static int
drums(float *out, size_t n, unsigned rate, uint64_t seed, unsigned channel, unsigned channels,
      DlgRng *noise)
{
  DlgRng rng;
  dlg_rng_seed(&rng, seed, "drums score", 0);
  const double seconds = (double)n / rate;
  const double bpm = dlg_rng_range(&rng, 100.0, 120.0);
  const double kick_hz = dlg_rng_range(&rng, 50.0, 60.0);
  const double step = 60.0 / bpm / 4.0; /* sixteenth */
  const double pans[] = {0.0, -0.15, 0.45, 0.45};
  for (int bar = 0; bar * 16 * step < seconds; ++bar) {
    const int fill = bar % 4 == 3;
    for (int s = 0; s < 16; ++s) {
      const double when = (bar * 16 + s) * step;
      const int kick = s == 0 || s == 8 || ((s == 6 || s == 10 || s == 14) && dlg_rng_uniform(&rng) < 0.3);
      const int snare = s == 4 || s == 12 || (fill && s >= 13);
      const int ghost = !snare && s % 2 && dlg_rng_uniform(&rng) < 0.12;
      const int hat = s % 2 == 0;
      const int open = hat && s == 14 && dlg_rng_uniform(&rng) < 0.3;
      struct {
        int on;
        Drum drum;
        double velocity;
      } hits[] = {
        {kick, KICK, 1.0},
        {snare || ghost, SNARE, ghost ? 0.3 : fill && s >= 13 ? 0.7 : 0.9},
        {hat && !open, HAT, s % 4 == 0 ? 0.8 : 0.5},
        {open, OPEN_HAT, 0.7},
      };
      for (size_t h = 0; h < sizeof(hits) / sizeof(hits[0]); ++h) {
        /* humanised: +-5 ms, +-10 % */
        const double jitter = dlg_rng_range(&rng, -0.005, 0.005);
        const double accent = dlg_rng_range(&rng, 0.9, 1.1);
        if (hits[h].on) {
          render_drum(out, n, rate, hits[h].drum, when + jitter, hits[h].velocity * accent,
                      kick_hz, noise, pan_gain(pans[hits[h].drum], channel, channels));
        }
      }
    }
  }
  return add_room_tone(out, n, rate, noise, 0.003, 8000.0, 0);
}

/* --- traffic ------------------------------------------------------------- */

static int
traffic(float *out, size_t n, unsigned rate, uint64_t seed, unsigned channel, unsigned channels,
        DlgRng *noise)
{
  const double seconds = (double)n / rate;
  /* Gain in dB at a 1 kHz control rate: vehicles passing, each a
     raised-cosine swell of 8-15 s and 4-10 dB, the sum held to 10 dB; in
     stereo a vehicle moves from one side to the other. */
  const size_t n_ctrl = (size_t)(seconds * 1000.0) + 2;
  double *gain_db = (double *)calloc(n_ctrl, sizeof(double));
  float *hiss = (float *)malloc(n * sizeof(float));
  if (!gain_db || !hiss) {
    free(gain_db);
    free(hiss);
    return -1;
  }
  DlgRng rng;
  dlg_rng_seed(&rng, seed, "traffic score", 0);
  const double side = channels > 1 ? (channel ? 1.0 : -1.0) : 0.0;
  for (double t = -dlg_rng_range(&rng, 2.0, 8.0); t < seconds;) {
    const double length = dlg_rng_range(&rng, 8.0, 15.0);
    const double peak = dlg_rng_range(&rng, 4.0, 10.0);
    const double direction = dlg_rng_uniform(&rng) < 0.5 ? -1.0 : 1.0;
    for (size_t c = 0; c < n_ctrl; ++c) {
      const double x = ((double)c / 1000.0 - t) / length;
      if (x > 0.0 && x < 1.0) {
        const double swell = sin(pi * x) * sin(pi * x);
        gain_db[c] += peak * swell * (1.0 + 0.25 * side * direction * (2.0 * x - 1.0));
      }
    }
    t += dlg_rng_range(&rng, 4.0, 12.0);
  }
  for (size_t c = 0; c < n_ctrl; ++c) {
    gain_db[c] = fmin(10.0, gain_db[c]);
  }
  /* Rumble: noise below about 150 Hz; tyre hiss around 800 Hz 14 dB below,
     rising faster than the rumble as a vehicle comes near. */
  DlgBiquad lp1, lp2, hp, bp;
  dlg_biquad_design(&lp1, DLG_LOWPASS, 150.0, dlg_butterworth_q(4, 0), rate);
  dlg_biquad_design(&lp2, DLG_LOWPASS, 150.0, dlg_butterworth_q(4, 1), rate);
  dlg_biquad_design(&hp, DLG_HIGHPASS, 20.0, 0.7071, rate);
  dlg_biquad_design(&bp, DLG_BANDPASS, 800.0, 0.5, rate);
  const double smooth = exp(-2.0 * pi * 40.0 / rate);
  double brown = 0.0;
  for (size_t i = 0; i < n; ++i) {
    brown = smooth * brown + (1.0 - smooth) * dlg_rng_noise(noise);
    out[i] = (float)dlg_biquad_run(&hp, dlg_biquad_run(&lp2, dlg_biquad_run(&lp1, brown)));
    hiss[i] = (float)dlg_biquad_run(&bp, dlg_rng_noise(noise));
  }
  const double g_rumble = 1.0 / rms(out, n);
  const double g_hiss = 0.2 / rms(hiss, n);
  for (size_t i = 0; i < n; ++i) {
    const double c = (double)i * 1000.0 / rate;
    const size_t c0 = (size_t)c;
    const double db = gain_db[c0] + (c - (double)c0) * (gain_db[c0 + 1] - gain_db[c0]);
    out[i] = (float)((double)out[i] * g_rumble * pow(10.0, db / 20.0) +
                     (double)hiss[i] * g_hiss * pow(10.0, 1.5 * db / 20.0));
  }
  free(gain_db);
  free(hiss);
  return 0;
}

/* --- effects ------------------------------------------------------------- */

/* A burst of filtered noise with an exponential decay, added at `when`. */
static void
add_burst(float *out, size_t n, unsigned rate, double when, double amp, double decay,
          DlgFilterKind kind, double hz, double q, DlgRng *noise)
{
  DlgBiquad f;
  dlg_biquad_design(&f, kind, hz, q, rate);
  const double s = ceil(when * rate);
  const size_t i0 = s > 0.0 ? (size_t)s : 0;
  size_t i1 = i0 + (size_t)(8.0 * decay * rate) + 1;
  if (i1 > n) {
    i1 = n;
  }
  for (size_t i = i0; i < i1; ++i) {
    const double t = (double)i / rate - when;
    out[i] += (float)(amp * dlg_biquad_run(&f, dlg_rng_noise(noise)) * exp(-t / decay));
  }
}

/* A decaying sine (a mode of a door, the thump of a floor), pitch falling by
   `sweep` (relative) over its first 50 ms, with a 2 ms attack. */
static void
add_mode(float *out, size_t n, unsigned rate, double when, double amp, double hz, double decay,
         double sweep)
{
  const double s = ceil(when * rate);
  const size_t i0 = s > 0.0 ? (size_t)s : 0;
  size_t i1 = i0 + (size_t)(7.0 * decay * rate) + 1;
  if (i1 > n) {
    i1 = n;
  }
  double phase = 0.0;
  for (size_t i = i0; i < i1; ++i) {
    const double t = (double)i / rate - when;
    phase += 2.0 * pi * hz * (1.0 + sweep * exp(-t / 0.05)) / rate;
    const double attack = fmin(1.0, t / 0.002);
    out[i] += (float)(amp * attack * sin(phase) * exp(-t / decay));
  }
}

static int
effects(float *out, size_t n, unsigned rate, uint64_t seed, unsigned channel, unsigned channels,
        DlgRng *noise)
{
  const double seconds = (double)n / rate;
  DlgRng rng;
  dlg_rng_seed(&rng, seed, "effects score", 0);

  /* A clock ticking once a second, tick and tock a little apart in pitch. */
  const double clock_pan = dlg_rng_range(&rng, -0.7, 0.7);
  const double g_clock = pan_gain(clock_pan, channel, channels);
  int tick = 0;
  for (double t = dlg_rng_range(&rng, 0.0, 1.0); t < seconds; t += 1.0, ++tick) {
    const double hz = tick % 2 ? 2600.0 : 3200.0;
    add_burst(out, n, rate, t, 0.08 * g_clock, 0.0015, DLG_BANDPASS, hz, 6.0, noise);
    add_burst(out, n, rate, t, 0.04 * g_clock, 0.001, DLG_BANDPASS, 1.7 * hz, 6.0, noise);
  }

  /* Runs of 4-12 footsteps about 0.5 s apart; heel then toe; 2-6 s between
     runs; a run walks across the picture. */
  for (double t = dlg_rng_range(&rng, 0.5, 3.0); t < seconds;) {
    const int steps = 4 + dlg_rng_int(&rng, 9);
    const double pace = dlg_rng_range(&rng, 0.45, 0.6);
    const double from = dlg_rng_range(&rng, -0.8, 0.8), to = dlg_rng_range(&rng, -0.8, 0.8);
    const double weight = dlg_rng_range(&rng, 0.6, 1.0);
    for (int s = 0; s < steps && t < seconds; ++s) {
      const double g = weight * dlg_rng_range(&rng, 0.8, 1.1) *
                       pan_gain(from + (to - from) * s / steps, channel, channels);
      const double toe = dlg_rng_range(&rng, 0.04, 0.07);
      add_burst(out, n, rate, t, 0.3 * g, 0.012, DLG_BANDPASS, 350.0, 1.0, noise);
      add_burst(out, n, rate, t, 0.1 * g, 0.004, DLG_BANDPASS, 1500.0, 2.0, noise);
      add_mode(out, n, rate, t, 0.2 * g, 90.0, 0.04, 0.0);
      add_burst(out, n, rate, t + toe, 0.15 * g, 0.008, DLG_BANDPASS, 800.0, 1.5, noise);
      t += pace + dlg_rng_range(&rng, -0.03, 0.03);
    }
    t += dlg_rng_range(&rng, 2.0, 6.0);
  }

  /* Door slams every 6-14 s: latch click, a broadband crack, a low thump
     of about 100 ms, and the ring of the door's panel. */
  for (double t = dlg_rng_range(&rng, 2.0, 6.0); t < seconds; t += dlg_rng_range(&rng, 6.0, 14.0)) {
    const double g = dlg_rng_range(&rng, 0.7, 1.0) *
                     pan_gain(dlg_rng_range(&rng, -0.6, 0.6), channel, channels);
    add_burst(out, n, rate, t - 0.03, 0.04 * g, 0.003, DLG_BANDPASS, 2500.0, 3.0, noise);
    add_burst(out, n, rate, t, 0.3 * g, 0.004, DLG_HIGHPASS, 80.0, 0.7071, noise);
    add_mode(out, n, rate, t, 0.25 * g, dlg_rng_range(&rng, 60.0, 90.0), 0.03, 0.3);
    for (int mode = 0; mode < 3; ++mode) {
      add_mode(out, n, rate, t, dlg_rng_range(&rng, 0.02, 0.05) * g,
               dlg_rng_range(&rng, 180.0, 900.0), dlg_rng_range(&rng, 0.12, 0.35), 0.0);
    }
  }
  return add_room_tone(out, n, rate, noise, 0.002, 6000.0, 0);
}

/* --- dispatch ------------------------------------------------------------ */

int
dlg_bed_render(DlgBedKind kind, float *out, size_t n, unsigned rate, uint64_t seed,
               unsigned channel, unsigned channels)
{
  memset(out, 0, n * sizeof(float));
  DlgRng noise;
  dlg_rng_seed(&noise, seed, "bed noise", channel);
  switch (kind) {
  case DLG_BED_QUIET_ROOM:
    return add_room_tone(out, n, rate, &noise, 1.0, 8000.0, 0);
  case DLG_BED_ROOMTONE:
    return add_room_tone(out, n, rate, &noise, 1.0, 6000.0, 1);
  case DLG_BED_MUSIC:
    return music(out, n, rate, seed, channel, channels, &noise);
  case DLG_BED_PERCUSSIVE:
    return drums(out, n, rate, seed, channel, channels, &noise);
  case DLG_BED_TRAFFIC:
    return traffic(out, n, rate, seed, channel, channels, &noise);
  case DLG_BED_EFFECTS:
    return effects(out, n, rate, seed, channel, channels, &noise);
  }
  return -1;
}

/* --- the room ------------------------------------------------------------ */

size_t
dlg_room_impulse(double **h_out, unsigned rate, uint64_t seed, double rt60, double reverb_db)
{
  const size_t m = (size_t)(rt60 * 70.0 / 60.0 * rate);
  double *h = (double *)calloc(m, sizeof(double));
  *h_out = NULL;
  if (!h) {
    return 0;
  }
  DlgRng rng;
  dlg_rng_seed(&rng, seed, "room", 0);
  /* Early reflections 2-25 ms, then the diffuse tail from 5 ms, slightly
     darker (one-pole low-pass at 5 kHz). */
  for (int r = 0; r < 6; ++r) {
    const size_t at = (size_t)(dlg_rng_range(&rng, 0.002, 0.025) * rate);
    h[at] += (dlg_rng_uniform(&rng) < 0.5 ? -1.0 : 1.0) * dlg_rng_range(&rng, 0.2, 0.5);
  }
  const double lp = exp(-2.0 * pi * 5000.0 / rate);
  const size_t onset = (size_t)(0.005 * rate);
  const double decay = 3.0 * log(10.0) / rt60; /* -60 dB after rt60, in amplitude */
  double state = 0.0;
  for (size_t i = onset; i < m; ++i) {
    state = lp * state + (1.0 - lp) * dlg_rng_noise(&rng);
    const double t = (double)(i - onset) / rate;
    const double ramp = fmin(1.0, t / 0.01);
    h[i] += state * exp(-decay * t) * ramp;
  }
  double energy = 0.0;
  for (size_t i = 1; i < m; ++i) {
    energy += h[i] * h[i];
  }
  const double g = sqrt(pow(10.0, reverb_db / 10.0) / energy);
  for (size_t i = 1; i < m; ++i) {
    h[i] *= g;
  }
  h[0] = 1.0;
  *h_out = h;
  return m;
}
