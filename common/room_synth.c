/* Room tone generator: see room_synth.h. */
#include "room_synth.h"

#include "fft.h"
#include "ps_status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define HALF_ROOT 0.70710678118654752440 /* a complex Gaussian's parts: variance 1/2 each */
#define TONE_FADE_SECONDS 0.05
#define MIN_KNOT_SECONDS 0.25
#define TONE_SYNC 64
#define TONE_SAME_HZ 0.5 /* a tone learned again within this is the same tone */
/* Knots of the level curve per correlation time: a cubic through Gaussian
   knots correlates over longer than its knot spacing */
#define KNOTS_PER_TAU (1.0 / 0.46)

typedef struct {
  float *amplitude[PS_ROOM_MAX_CHANNELS]; /* per bin: sqrt(E|X|^2) */
  float *mix;                             /* per bin: coherence (stereo) */
  unsigned n_tones;
  double tone_hz[PS_ROOM_MAX_TONES];
  double tone_amp[PS_ROOM_MAX_TONES][PS_ROOM_MAX_CHANNELS]; /* sqrt(2 P) */
  double level_sd_db;
  double knot_seconds;
  double power_norm; /* divides the broadband power: the fluctuation keeps its mean */
  bool empty;
} Shape;

struct PsRoomSynth {
  double rate;
  unsigned channels;
  size_t n, hop, bins;
  PsFft *fft;
  float *window;
  float *ola[PS_ROOM_MAX_CHANNELS]; /* n samples ahead, circular */
  size_t ola_pos;                   /* ring index of `next` */
  int64_t next;                     /* the position the ring starts at; INT64_MIN: none */
  uint64_t seed;
  Shape shape[2];
  unsigned current;
  /* tones: the old shape's fade out while the current one's fade in */
  unsigned old_tones;
  double old_hz[PS_ROOM_MAX_TONES];
  double old_amp[PS_ROOM_MAX_TONES][PS_ROOM_MAX_CHANNELS];
  size_t tone_fade, tone_fade_len;
  /* what is left of each current tone after the subtraction, in amplitude,
     as of the last frame start (1: all of it) */
  double tone_left[PS_ROOM_MAX_TONES][PS_ROOM_MAX_CHANNELS];
  double old_left[PS_ROOM_MAX_TONES][PS_ROOM_MAX_CHANNELS]; /* of the tones fading out */
  /* the tones' oscillators (cos, sin of the phase at position osc_next),
     for the current shape [1] and the one fading out [0] */
  double osc[2][PS_ROOM_MAX_TONES][2];
  int64_t osc_next[2];
  float *tone_wave; /* a hop of one tone */
  double *draws;    /* the first channel's random values of a frame */
  double spline_norm; /* 1 / rms of the cubic through unit Gaussian knots */
};

/* splitmix64: well-mixed 64-bit values from any seed */
static uint64_t
mix64(uint64_t x)
{
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

static double
uniform_open(uint64_t *state)
{
  *state = mix64(*state);
  return ((double)(*state >> 11) + 0.5) / 9007199254740992.0;
}

/* A standard Gaussian value fixed by `key`. */
static double
gaussian_at(uint64_t key)
{
  uint64_t s = key;
  const double u1 = uniform_open(&s), u2 = uniform_open(&s);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * PI * u2);
}

static void
shape_free(Shape *s)
{
  for (unsigned c = 0; c < PS_ROOM_MAX_CHANNELS; ++c) {
    free(s->amplitude[c]);
  }
  free(s->mix);
}

void
ps_room_synth_free(PsRoomSynth **ps)
{
  if (!ps || !*ps) {
    return;
  }
  PsRoomSynth *s = *ps;
  ps_fft_free(&s->fft);
  free(s->window);
  free(s->tone_wave);
  free(s->draws);
  for (unsigned c = 0; c < PS_ROOM_MAX_CHANNELS; ++c) {
    free(s->ola[c]);
  }
  shape_free(&s->shape[0]);
  shape_free(&s->shape[1]);
  free(s);
  *ps = NULL;
}

/* Catmull-Rom weights of the four knots around fraction u. */
static void
spline_weights(double u, double w[4])
{
  const double u2 = u * u, u3 = u2 * u;
  w[0] = 0.5 * (-u3 + 2.0 * u2 - u);
  w[1] = 0.5 * (3.0 * u3 - 5.0 * u2 + 2.0);
  w[2] = 0.5 * (-3.0 * u3 + 4.0 * u2 + u);
  w[3] = 0.5 * (u3 - u2);
}

int
ps_room_synth_init(PsRoomSynth **out, double rate, unsigned channels)
{
  if (!out) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  if (!(rate >= 22050.0 && rate <= 192000.0)) {
    return PS_ERR_RATE;
  }
  if (channels < 1 || channels > PS_ROOM_MAX_CHANNELS) {
    return PS_ERR_CHANNELS;
  }
  PsRoomSynth *s = (PsRoomSynth *)calloc(1, sizeof(PsRoomSynth));
  if (!s) {
    return PS_ERR_NOMEM;
  }
  s->rate = rate;
  s->channels = channels;
  s->n = 2048;
  while ((double)s->n < rate / 6.0) {
    s->n *= 2;
  }
  s->hop = s->n / 4;
  s->bins = s->n / 2 + 1;
  int st = ps_fft_init(&s->fft, s->n);
  s->window = (float *)calloc(s->n, sizeof(float));
  s->tone_wave = (float *)calloc(s->hop, sizeof(float));
  s->draws = (double *)calloc(2 * (s->n / 2 + 1), sizeof(double));
  int ok = s->window != NULL && s->tone_wave != NULL && s->draws != NULL;
  for (unsigned c = 0; c < channels; ++c) {
    s->ola[c] = (float *)calloc(s->n, sizeof(float));
    ok = ok && s->ola[c];
  }
  for (int i = 0; i < 2; ++i) {
    for (unsigned c = 0; c < channels; ++c) {
      s->shape[i].amplitude[c] = (float *)calloc(s->bins, sizeof(float));
      ok = ok && s->shape[i].amplitude[c];
    }
    s->shape[i].mix = (float *)calloc(s->bins, sizeof(float));
    ok = ok && s->shape[i].mix;
    s->shape[i].empty = true;
    s->shape[i].power_norm = 1.0;
  }
  if (!st && !ok) {
    st = PS_ERR_NOMEM;
  }
  if (st) {
    ps_room_synth_free(&s);
    return st;
  }
  /* Hann, periodic: the squares of four overlapping ones sum to 1.5; the
     window carries 1 / sqrt(1.5) so that they sum to 1 */
  for (size_t i = 0; i < s->n; ++i) {
    s->window[i] =
      (float)((0.5 - 0.5 * cos(2.0 * PI * (double)i / (double)s->n)) / sqrt(1.5));
  }
  double var = 0.0;
  for (int i = 0; i < 1000; ++i) {
    double w[4];
    spline_weights((i + 0.5) / 1000.0, w);
    var += w[0] * w[0] + w[1] * w[1] + w[2] * w[2] + w[3] * w[3];
  }
  s->spline_norm = 1.0 / sqrt(var / 1000.0);
  s->next = INT64_MIN;
  s->osc_next[0] = s->osc_next[1] = INT64_MIN;
  s->tone_fade_len = (size_t)(TONE_FADE_SECONDS * rate);
  *out = s;
  return PS_OK;
}

size_t
ps_room_synth_bins(const PsRoomSynth *s)
{
  return s->bins;
}

size_t
ps_room_synth_fft_size(const PsRoomSynth *s)
{
  return s->n;
}

/* The profile's floor at hz: linear in dB over log frequency between
   bands, the end bands held. */
static double
density_at(const double *density, double hz)
{
  double x = hz > PS_LTAS_LOW_HZ ? log2(hz / PS_LTAS_LOW_HZ) * PS_LTAS_PER_OCTAVE : 0.0;
  if (x > (double)(PS_LTAS_BANDS - 1) + 0.5) {
    return 0.0; /* above the top band, nothing was learned: none (no ultrasonic noise at 96 kHz) */
  }
  if (x >= (double)(PS_LTAS_BANDS - 1)) {
    x = (double)(PS_LTAS_BANDS - 1);
  }
  const size_t i = (size_t)x;
  const size_t j = i + 1 < PS_LTAS_BANDS ? i + 1 : i;
  const double f = x - (double)i;
  const double a = density[i], b = density[j];
  if (!(a > 0.0) || !(b > 0.0)) {
    return f < 0.5 ? a : b;
  }
  return exp((1.0 - f) * log(a) + f * log(b));
}

void
ps_room_synth_prepare(PsRoomSynth *s, const PsRoomProfile *p)
{
  Shape *sh = &s->shape[1 - s->current];
  const double bin_hz = s->rate / (double)s->n;
  /* E|X_k|^2 = density * rate / (2 n) gives the density (see room_synth.h) */
  const double scale = s->rate / (2.0 * (double)s->n);
  sh->empty = p->channels == 0;
  for (unsigned c = 0; c < s->channels; ++c) {
    const unsigned pc = c < p->channels ? c : 0;
    for (size_t k = 0; k < s->bins; ++k) {
      const double hz = (double)k * bin_hz;
      const double d = k == 0 || k + 1 == s->bins || sh->empty ? 0.0
                                                                 : density_at(p->density[pc], hz);
      sh->amplitude[c][k] = (float)sqrt(d * scale);
    }
  }
  for (size_t k = 0; k < s->bins; ++k) {
    const double hz = (double)k * bin_hz;
    double x = hz > PS_LTAS_LOW_HZ ? log2(hz / PS_LTAS_LOW_HZ) * PS_LTAS_PER_OCTAVE : 0.0;
    const size_t i = x < (double)(PS_LTAS_BANDS - 1) ? (size_t)x : PS_LTAS_BANDS - 1;
    sh->mix[k] = (float)(p->channels == 2 ? p->coherence[i] : 1.0);
  }
  sh->n_tones = 0;
  for (unsigned t = 0; t < p->n_tones && !sh->empty; ++t) {
    if (!(p->tones[t].hz < 0.49 * s->rate)) {
      continue;
    }
    sh->tone_hz[sh->n_tones] = p->tones[t].hz;
    for (unsigned c = 0; c < s->channels; ++c) {
      const unsigned pc = c < p->channels ? c : 0;
      sh->tone_amp[sh->n_tones][c] = sqrt(2.0 * p->tones[t].power[pc]);
    }
    ++sh->n_tones;
  }
  sh->level_sd_db = p->level_sd_db;
  const double knot = p->level_seconds / KNOTS_PER_TAU;
  sh->knot_seconds = knot > MIN_KNOT_SECONDS ? knot : MIN_KNOT_SECONDS;
  /* E[10^(sd g / 10)] for a unit Gaussian g */
  const double a = p->level_sd_db * log(10.0) / 10.0;
  sh->power_norm = exp(0.5 * a * a);
}

void
ps_room_synth_commit(PsRoomSynth *s)
{
  const Shape *was = &s->shape[s->current];
  /* the tones sounding now fade out from where they are */
  s->old_tones = was->n_tones;
  memcpy(s->old_hz, was->tone_hz, sizeof(s->old_hz));
  memcpy(s->old_amp, was->tone_amp, sizeof(s->old_amp));
  s->tone_fade = 0;
  memcpy(s->osc[0], s->osc[1], sizeof(s->osc[0]));
  memcpy(s->old_left, s->tone_left, sizeof(s->old_left));
  s->osc_next[0] = s->osc_next[1];
  s->osc_next[1] = INT64_MIN; /* the new tones start from their exact phase */
  s->current = 1 - s->current;
  /* a tone learned again a little off keeps its old frequency, and so its
     phase: the crossfade is then between two copies of one sine; and what
     the signal had of it stays subtracted until the next frame start */
  Shape *now = &s->shape[s->current];
  for (unsigned t = 0; t < now->n_tones; ++t) {
    for (unsigned c = 0; c < PS_ROOM_MAX_CHANNELS; ++c) {
      s->tone_left[t][c] = 1.0;
    }
    for (unsigned u = 0; u < s->old_tones; ++u) {
      if (fabs(now->tone_hz[t] - s->old_hz[u]) < TONE_SAME_HZ) {
        now->tone_hz[t] = s->old_hz[u];
        memcpy(s->tone_left[t], s->old_left[u], sizeof(s->tone_left[t]));
        break;
      }
    }
  }
}

/* The level curve at position t: a gain in amplitude. */
static double
fluctuation(const PsRoomSynth *s, const Shape *sh, int64_t t)
{
  if (sh->level_sd_db <= 0.0) {
    return 1.0;
  }
  const double knots = (double)t / (sh->knot_seconds * s->rate);
  const double k0 = floor(knots);
  double w[4];
  spline_weights(knots - k0, w);
  double g = 0.0;
  for (int i = 0; i < 4; ++i) {
    const int64_t knot = (int64_t)k0 - 1 + i;
    g += w[i] * gaussian_at(mix64(s->seed ^ 0x6C8E9CF570932BD5ull) ^ (uint64_t)knot);
  }
  g *= s->spline_norm;
  return pow(10.0, (sh->level_sd_db * g) / 20.0) / sqrt(sh->power_norm);
}

/* Frame j (covering [j hop, j hop + n)) added into the ring. */
static void
add_frame(PsRoomSynth *s, int64_t j, float gain, const PsRoomSubtract *subtract)
{
  const Shape *sh = &s->shape[s->current];
  if (sh->empty) {
    return;
  }
  const double g = (double)gain * fluctuation(s, sh, j * (int64_t)s->hop + (int64_t)(s->n / 2));
  float *t = ps_fft_time(s->fft);
  float *spec = ps_fft_spectrum(s->fft);
  for (unsigned tone = 0; tone < sh->n_tones; ++tone) {
    for (unsigned c = 0; c < s->channels; ++c) {
      double left = 1.0;
      if (subtract && subtract->minimum[c]) {
        /* what the signal has of the tone already: its minimum over the
           tone's bin and the two beside it (a sine's Hann lobe sums to its
           power there), taken off the tone's power */
        const double bin_hz = s->rate / (double)s->n;
        const size_t k = (size_t)llround(sh->tone_hz[tone] / bin_hz);
        double has = 0.0;
        for (size_t j2 = k > 0 ? k - 1 : 0; j2 <= k + 1 && j2 < s->bins; ++j2) {
          has += (double)subtract->minimum[c][j2] * bin_hz;
        }
        const double a = sh->tone_amp[tone][c] * (double)gain;
        const double power = 0.5 * a * a;
        left = power > has && power > 0.0 ? sqrt((power - has) / power) : 0.0;
      }
      s->tone_left[tone][c] = left;
    }
  }
  const int64_t start = j * (int64_t)s->hop;
  /* the ring holds [next, next + n): samples of the frame before next are
     past (a frame added at a resync) */
  const size_t skip = start < s->next ? (size_t)(s->next - start) : 0;
  const size_t offset = (size_t)((start + (int64_t)skip - s->next) + (int64_t)s->ola_pos);
  for (unsigned c = 0; c < s->channels; ++c) {
    uint64_t a = mix64(s->seed ^ mix64((uint64_t)j ^ 0xA0761D6478BD642Full));
    uint64_t b = mix64(a ^ 0xE7037ED1A0B428DBull); /* the second channel's own values */
    for (size_t k = 0; k < s->bins; ++k) {
      /* a complex Gaussian per bin, drawn once: the second channel mixes
         the first channel's with its own */
      double re, im;
      if (c == 0) {
        const double r1 = sqrt(-2.0 * log(uniform_open(&a))), p1 = 2.0 * PI * uniform_open(&a);
        re = r1 * cos(p1) * HALF_ROOT;
        im = r1 * sin(p1) * HALF_ROOT;
        s->draws[2 * k] = re;
        s->draws[2 * k + 1] = im;
      } else {
        re = s->draws[2 * k];
        im = s->draws[2 * k + 1];
      }
      if (c == 1) {
        const double r2 = sqrt(-2.0 * log(uniform_open(&b))),
                     p2 = 2.0 * PI * uniform_open(&b);
        const double rho = sh->mix[k], rest = sqrt(1.0 - rho * rho);
        re = rho * re + rest * r2 * cos(p2) * HALF_ROOT;
        im = rho * im + rest * r2 * sin(p2) * HALF_ROOT;
      }
      double amp = (double)sh->amplitude[c][k] * g;
      if (subtract && subtract->estimate[c]) {
        const double scale = s->rate / (2.0 * (double)s->n);
        const double left = amp * amp - (double)subtract->estimate[c][k] * scale;
        amp = left > 0.0 ? sqrt(left) : 0.0;
      }
      spec[2 * k] = (float)(amp * re);
      spec[2 * k + 1] = (float)(amp * im);
    }
    spec[1] = 0.0f;
    spec[2 * (s->bins - 1) + 1] = 0.0f;
    ps_fft_inverse(s->fft);
    float *ring = s->ola[c];
    for (size_t i = skip; i < s->n; ++i) {
      ring[(offset + i - skip) & (s->n - 1)] += t[i] * s->window[i];
    }
  }
}

/* Rebuilds the ring so that it starts at `position`. */
static void
resync(PsRoomSynth *s, int64_t position, float gain, const PsRoomSubtract *subtract)
{
  for (unsigned c = 0; c < s->channels; ++c) {
    memset(s->ola[c], 0, s->n * sizeof(float));
  }
  s->next = position;
  s->ola_pos = 0;
  const int64_t hop = (int64_t)s->hop;
  /* frames starting at or before position that still reach it */
  const int64_t last = position >= 0 ? position / hop : -((-position + hop - 1) / hop);
  for (int64_t j = last - 3; j <= last; ++j) {
    add_frame(s, j, gain, subtract);
  }
}

static void
render_tones(PsRoomSynth *s, double *hz, double (*amp)[PS_ROOM_MAX_CHANNELS],
             unsigned n_tones, int64_t position, float gain,
             double (*left)[PS_ROOM_MAX_CHANNELS], float *const *out, size_t n, int direction,
             double (*osc)[2], int64_t *osc_next)
{
  /* the oscillators go on from where the last call left them; after a
     jump they start again from the exact phase at the last multiple of
     TONE_SYNC, which is what going on would have given */
  const bool fresh = *osc_next != position;
  *osc_next = position + (int64_t)n;
  float *wave = s->tone_wave;
  for (unsigned t = 0; t < n_tones; ++t) {
    /* the phase as a function of absolute time: the same on every render */
    const double phase0 = 2.0 * PI *
                          ((double)(mix64(s->seed ^ (uint64_t)llround(hz[t] * 1000.0)) >> 11) /
                           9007199254740992.0);
    const double w = 2.0 * PI * hz[t] / s->rate;
    const double cw = cos(w), sw = sin(w);
    double re = osc[t][0], im = osc[t][1];
    size_t fade = s->tone_fade;
    for (size_t i = 0; i < n; ++i) {
      const int64_t at = position + (int64_t)i;
      if ((i == 0 && fresh) || (at & (TONE_SYNC - 1)) == 0) {
        /* exact phase every TONE_SYNC samples of absolute position, turned
           on from there: every sample is the same whatever the blocks */
        const int64_t from = at & ~(int64_t)(TONE_SYNC - 1);
        const double cycles = hz[t] * (double)from / s->rate;
        const double ph = 2.0 * PI * (cycles - floor(cycles)) + phase0;
        re = cos(ph);
        im = sin(ph);
        for (int64_t k = from; k < at; ++k) {
          const double nr = re * cw - im * sw;
          im = re * sw + im * cw;
          re = nr;
        }
      }
      double g = 1.0;
      if (fade < s->tone_fade_len) {
        const double u = (double)fade / (double)s->tone_fade_len;
        g = direction > 0 ? 0.5 - 0.5 * cos(PI * u) : 0.5 + 0.5 * cos(PI * u);
        ++fade;
      } else if (direction < 0) {
        g = 0.0;
      }
      wave[i] = (float)(g * im);
      const double nr = re * cw - im * sw;
      im = re * sw + im * cw;
      re = nr;
    }
    osc[t][0] = re;
    osc[t][1] = im;
    for (unsigned c = 0; c < s->channels; ++c) {
      const float a = (float)(amp[t][c] * (double)gain * (left ? left[t][c] : 1.0));
      if (a > 0.0f) {
        for (size_t i = 0; i < n; ++i) {
          out[c][i] += a * wave[i];
        }
      }
    }
  }
}

void
ps_room_synth_render(PsRoomSynth *s, uint64_t seed, int64_t position, float gain,
                     const PsRoomSubtract *subtract, float *const *out, size_t n)
{
  if (seed != s->seed) {
    s->seed = seed;
    s->next = INT64_MIN; /* another tone: start over */
  }
  if (position != s->next) {
    resync(s, position, gain, subtract);
  }
  const size_t mask = s->n - 1;
  size_t done = 0;
  while (done < n) {
    /* up to the next frame start */
    const int64_t pos = position + (int64_t)done;
    const int64_t hop = (int64_t)s->hop;
    const int64_t into = ((pos % hop) + hop) % hop;
    size_t take = (size_t)(hop - into);
    take = take < n - done ? take : n - done;
    for (unsigned c = 0; c < s->channels; ++c) {
      float *ring = s->ola[c];
      for (size_t i = 0; i < take; ++i) {
        const size_t r = (s->ola_pos + i) & mask;
        out[c][done + i] = ring[r];
        ring[r] = 0.0f;
      }
    }
    s->ola_pos = (s->ola_pos + take) & mask;
    s->next = pos + (int64_t)take;
    /* tones over the same samples, before the frame start changes what is
       subtracted from them: the current shape's fade in while the old
       one's fade out */
    Shape *sh = &s->shape[s->current];
    float *seg[PS_ROOM_MAX_CHANNELS];
    for (unsigned c = 0; c < s->channels; ++c) {
      seg[c] = out[c] + done;
    }
    if (s->tone_fade < s->tone_fade_len) {
      render_tones(s, s->old_hz, s->old_amp, s->old_tones, pos, gain, s->old_left, seg, take, -1,
                   s->osc[0], &s->osc_next[0]);
      render_tones(s, sh->tone_hz, sh->tone_amp, sh->n_tones, pos, gain, s->tone_left, seg,
                   take, 1, s->osc[1], &s->osc_next[1]);
      s->tone_fade =
        s->tone_fade + take < s->tone_fade_len ? s->tone_fade + take : s->tone_fade_len;
    } else {
      render_tones(s, sh->tone_hz, sh->tone_amp, sh->n_tones, pos, gain, s->tone_left, seg,
                   take, 0, s->osc[1], &s->osc_next[1]);
    }
    done += take;
    if ((((s->next % hop) + hop) % hop) == 0) {
      /* the frame starting now: the last of the four covering it */
      add_frame(s, s->next / hop, gain, subtract);
    }
  }
}
