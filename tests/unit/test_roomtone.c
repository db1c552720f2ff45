/* The room-tone engines against known answers: the minimum-statistics
   floor of white noise with and without loud bursts; a profile learned
   from white noise and a sine (no speech), and the same with digital
   silence around it; the generator's spectrum,
   level, tones and stereo coherence against the profile it was given; the
   same samples for the same seed and position whatever the blocks and
   jumps, other samples for another seed; the profile's bytes. */
#include "check.h"
#include "fft.h"
#include "noise_floor.h"
#include "le_bytes.h"
#include "ps_status.h"
#include "room_profile.h"
#include "room_synth.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define RATE 48000.0

static uint64_t state = 0x9E3779B97F4A7C15ull;

static double
gaussian(void)
{
  double u1, u2;
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  u1 = ((double)(state >> 11) + 0.5) / 9007199254740992.0;
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  u2 = (double)(state >> 11) / 9007199254740992.0;
  return sqrt(-2.0 * log(u1)) * cos(2.0 * PI * u2);
}

/* Mean estimate over bins 100..1500 once settled, against 2 sigma^2 / rate. */
static double
floor_error_db(const float *x, size_t n, double sigma)
{
  PsNoiseFloor *nf = NULL;
  ps_noise_floor_init(&nf, RATE, 4096, 1.5);
  double sum = 0.0;
  size_t count = 0;
  for (size_t done = 0; done < n;) {
    bool frame = false;
    done += ps_noise_floor_feed(nf, x + done, n - done, &frame);
    if (frame && ps_noise_floor_settled(nf)) {
      const float *e = ps_noise_floor_estimate(nf);
      for (size_t k = 100; k < 1500; ++k) {
        sum += (double)e[k];
        ++count;
      }
    }
  }
  ps_noise_floor_free(&nf);
  return 10.0 * log10(sum / (double)count / (2.0 * sigma * sigma / RATE));
}

static void
noise_floor(void)
{
  const size_t n = (size_t)(30 * RATE);
  float *x = (float *)malloc(n * sizeof(float));
  const double sigma = 0.01;
  for (size_t i = 0; i < n; ++i) {
    x[i] = (float)(sigma * gaussian());
  }
  const double plain = floor_error_db(x, n, sigma);
  CHECKV(fabs(plain) < 0.2, "white noise: the floor's mean within %+.2f dB", plain);
  /* bursts 30 dB up, 0.6 s of every 1 s, of changing pitch */
  for (size_t i = 0; i < n; ++i) {
    const double t = (double)i / RATE, in = fmod(t, 1.0);
    if (in < 0.6) {
      const double f = 150.0 + 40.0 * sin(2.0 * PI * 0.3 * t);
      x[i] += (float)(sigma * 30.0 * sin(2.0 * PI * f * t) * sin(PI * in / 0.6));
    }
  }
  const double bursts = floor_error_db(x, n, sigma);
  CHECKV(fabs(bursts) < 0.5, "the same under bursts 30 dB up 60 %% of the time: %+.2f dB",
         bursts);
  free(x);
}

/* A flat profile: white noise of variance sigma^2 up to 20 kHz, and a tone. */
static void
flat_profile(PsRoomProfile *p, unsigned channels, double sigma, double tone_hz,
             double tone_amp, double coherence)
{
  memset(p, 0, sizeof(*p));
  p->channels = channels;
  for (unsigned c = 0; c < channels; ++c) {
    for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
      p->density[c][b] = 2.0 * sigma * sigma / RATE;
    }
  }
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    p->coherence[b] = coherence;
  }
  if (tone_amp > 0.0) {
    p->n_tones = 1;
    p->tones[0].hz = tone_hz;
    p->tones[0].power[0] = p->tones[0].power[1] = 0.5 * tone_amp * tone_amp;
  }
  p->seconds = 10.0;
}

static void
learned_profile(void)
{
  const size_t n = (size_t)(40 * RATE);
  float *x = (float *)malloc(n * sizeof(float));
  const double sigma = 0.003, amp = 0.004;
  for (size_t i = 0; i < n; ++i) {
    x[i] = (float)(sigma * gaussian() + amp * sin(2.0 * PI * 60.0 * (double)i / RATE + 0.3));
  }
  PsRoomLearn *l = NULL;
  CHECKF(ps_room_learn_init(&l, RATE, 1) == PS_OK, "learner");
  for (size_t done = 0; done < n; done += 3000) {
    const float *in[1] = {x + done};
    ps_room_learn_process(l, in, n - done < 3000 ? n - done : 3000);
  }
  PsRoomProfile *p = (PsRoomProfile *)calloc(1, sizeof(PsRoomProfile));
  ps_room_stats_profile(ps_room_learn_stats(l), p);
  double worst = 0.0;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    const double hz = ps_ltas_band_hz(b);
    if (hz >= 200.0 && hz <= 20000.0) {
      worst = fmax(worst, fabs(10.0 * log10(p->density[0][b] / (2.0 * sigma * sigma / RATE))));
    }
  }
  CHECKV(worst < 1.0, "white noise learned within %.2f dB in every band 200 Hz-20 kHz", worst);
  CHECKV(p->n_tones == 1 && fabs(p->tones[0].hz - 60.0) < 0.1 &&
           fabs(10.0 * log10(p->tones[0].power[0] / (0.5 * amp * amp))) < 0.5,
         "one tone: %.3f Hz, %+.2f dB off its power (%u found)", p->n_tones ? p->tones[0].hz : 0.0,
         p->n_tones ? 10.0 * log10(p->tones[0].power[0] / (0.5 * amp * amp)) : 0.0, p->n_tones);
  CHECKV(p->level_sd_db < 0.5, "a steady floor: level moves %.2f dB", p->level_sd_db);

  unsigned char *bytes = (unsigned char *)malloc(PS_ROOM_PROFILE_BYTES);
  PsRoomProfile *q = (PsRoomProfile *)calloc(1, sizeof(PsRoomProfile));
  ps_room_profile_encode(p, bytes);
  CHECKV(ps_room_profile_decode(q, bytes) == PS_OK && !memcmp(p, q, sizeof(*p)),
         "profile -> bytes -> profile, bit for bit");
  ps_le_put_double(bytes + 16 + 8 * 7, -1.0);
  CHECKV(ps_room_profile_decode(q, bytes) == PS_ERR_ARG, "a negative density is refused");
  free(bytes);
  free(q);
  free(p);
  ps_room_learn_free(&l);
  free(x);
}

static void
render(PsRoomSynth *s, uint64_t seed, int64_t from, float *const *out, size_t n, size_t block)
{
  for (size_t done = 0; done < n;) {
    const size_t m = n - done < block ? n - done : block;
    float *o[2] = {out[0] + done, out[1] ? out[1] + done : NULL};
    ps_room_synth_render(s, seed, from + (int64_t)done, 1.0f, NULL, o, m);
    done += m;
  }
}

/* Digital silence in the production (before and between regions) is no
   room tone: 3 s of it before, and 2 s in the middle of, the signal of
   learned_profile, fed in random blocks, give that profile again, and
   the seconds learned leave it out. */
static void
silence_left_out(void)
{
  const size_t n = (size_t)(40 * RATE), lead = (size_t)(3 * RATE), gap = (size_t)(2 * RATE);
  const size_t total = lead + n + gap;
  float *x = (float *)calloc(total, sizeof(float));
  const double sigma = 0.003, amp = 0.004;
  state = 0x9E3779B97F4A7C15ull;
  for (size_t i = 0; i < n; ++i) {
    const size_t at = lead + i + (i >= n / 2 ? gap : 0);
    x[at] = (float)(sigma * gaussian() + amp * sin(2.0 * PI * 60.0 * (double)i / RATE + 0.3));
  }
  PsRoomProfile *p[2];
  double seconds[2];
  for (int k = 0; k < 2; ++k) {
    PsRoomLearn *l = NULL;
    CHECKF(ps_room_learn_init(&l, RATE, 1) == PS_OK, "learner");
    const float *from = k ? x : x + lead; /* k = 0: the plain signal, no silence */
    const size_t len = k ? total : n / 2;
    uint64_t r = 12345;
    for (size_t done = 0; done < len;) {
      r = r * 6364136223846793005ull + 1442695040888963407ull;
      size_t m = k ? 1 + (size_t)((r >> 33) % 700) : 3000;
      m = m < len - done ? m : len - done;
      const float *in[1] = {from + done};
      ps_room_learn_process(l, in, m);
      done += m;
    }
    if (!k) { /* the second half, after the gap */
      for (size_t done = 0; done < n - n / 2; done += 3000) {
        const float *in[1] = {x + lead + n / 2 + gap + done};
        ps_room_learn_process(l, in, n - n / 2 - done < 3000 ? n - n / 2 - done : 3000);
      }
    }
    p[k] = (PsRoomProfile *)calloc(1, sizeof(PsRoomProfile));
    ps_room_stats_profile(ps_room_learn_stats(l), p[k]);
    seconds[k] = ps_room_learn_seconds(l);
    ps_room_learn_free(&l);
  }
  double worst = 0.0;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    const double hz = ps_ltas_band_hz(b);
    if (hz >= 200.0 && hz <= 20000.0) {
      worst = fmax(worst, fabs(10.0 * log10(p[1]->density[0][b] / p[0]->density[0][b])));
    }
  }
  CHECKV(worst < 0.3, "5 s of digital silence around it: the profile within %.2f dB of it without",
         worst);
  CHECKV(fabs(seconds[1] - seconds[0]) < 0.02 && fabs(seconds[0] - 40.0) < 0.02,
         "seconds learned: %.2f with the silence, %.2f without", seconds[1], seconds[0]);
  free(p[0]);
  free(p[1]);
  free(x);
}

static void
synth(void)
{
  const size_t n = (size_t)(20 * RATE);
  const double sigma = 0.01, amp = 0.02;
  PsRoomProfile *p = (PsRoomProfile *)calloc(1, sizeof(PsRoomProfile));
  flat_profile(p, 2, sigma, 1000.0, amp, 0.3);
  PsRoomSynth *s = NULL;
  CHECKF(ps_room_synth_init(&s, RATE, 2) == PS_OK, "synth");
  ps_room_synth_prepare(s, p);
  ps_room_synth_commit(s);
  float *a[2] = {(float *)calloc(n, sizeof(float)), (float *)calloc(n, sizeof(float))};
  float *b[2] = {(float *)calloc(n, sizeof(float)), (float *)calloc(n, sizeof(float))};
  render(s, 7, 0, a, n, 1000);

  /* level: noise variance up to 20 kHz plus the tone; after the tone's fade */
  double power = 0.0, cross = 0.0, pl = 0.0, pr = 0.0;
  const size_t from = (size_t)(0.1 * RATE);
  for (size_t i = from; i < n; ++i) {
    power += (double)a[0][i] * (double)a[0][i];
  }
  power /= (double)(n - from);
  /* nothing above the top band (half a band over 20.48 kHz) */
  const double top = PS_LTAS_LOW_HZ * exp2((PS_LTAS_BANDS - 0.5) / PS_LTAS_PER_OCTAVE);
  const double want = sigma * sigma * top / (RATE / 2.0) + 0.5 * amp * amp;
  CHECKV(fabs(10.0 * log10(power / want)) < 0.15, "level %+.3f dB off the profile's",
         10.0 * log10(power / want));
  /* the tone: correlation with a 1 kHz quadrature pair */
  double re = 0.0, im = 0.0;
  for (size_t i = from; i < n; ++i) {
    const double t = 2.0 * PI * 1000.0 * (double)i / RATE;
    re += (double)a[0][i] * cos(t);
    im += (double)a[0][i] * sin(t);
  }
  const double found = 2.0 * sqrt(re * re + im * im) / (double)(n - from);
  CHECKV(fabs(20.0 * log10(found / amp)) < 0.2, "1 kHz tone at %+.3f dB of its amplitude",
         20.0 * log10(found / amp));
  /* coherence of the noise (the tone, the same in both, taken out with a
     notch made by subtracting its fitted sinusoid) */
  for (size_t i = from; i < n; ++i) {
    const double t = 2.0 * PI * 1000.0 * (double)i / RATE;
    const double tone = 2.0 * (re * cos(t) + im * sin(t)) / (double)(n - from);
    const double l = (double)a[0][i] - tone, r = (double)a[1][i] - tone;
    cross += l * r;
    pl += l * l;
    pr += r * r;
  }
  const double coherence = cross / sqrt(pl * pr);
  CHECKV(fabs(coherence - 0.3) < 0.03, "stereo coherence %.3f for 0.3", coherence);

  /* the same position and seed, other blocks and jumps: the same samples */
  PsRoomSynth *t2 = NULL;
  ps_room_synth_init(&t2, RATE, 2);
  ps_room_synth_prepare(t2, p);
  ps_room_synth_commit(t2);
  /* somewhere else first, past the tones' fade in */
  render(t2, 7, 100000000, b, 10000, 512);
  float *part[2] = {b[0] + 300000, b[1] + 300000};
  render(t2, 7, 300000, part, 100000, 1);   /* then a stretch in the middle */
  render(t2, 7, 0, b, 300000, 4096);        /* then back to the start */
  part[0] = b[0] + 400000;
  part[1] = b[1] + 400000;
  render(t2, 7, 400000, part, n - 400000, 777);
  /* tones fade in at a commit: compare after the first 50 ms */
  CHECKV(!memcmp(a[0] + 2400, b[0] + 2400, (n - 2400) * sizeof(float)) &&
           !memcmp(a[1] + 2400, b[1] + 2400, (n - 2400) * sizeof(float)),
         "the same samples for the same seed and positions, in any blocks and order");
  render(t2, 8, 0, b, n, 1000);
  CHECKV(memcmp(a[0] + 2400, b[0] + 2400, 1000 * sizeof(float)),
         "another seed: other samples");
  ps_room_synth_free(&t2);
  ps_room_synth_free(&s);
  for (int c = 0; c < 2; ++c) {
    free(a[c]);
    free(b[c]);
  }
  free(p);
}

int
main(void)
{
  noise_floor();
  learned_profile();
  silence_left_out();
  synth();
  return check_summary("test_roomtone");
}
