/* Behaviour of the meter engine beyond the EBU cases: block-size
   independence, bad input, reset, pausing, layouts, long runs. */
#include "check.h"
#include "random.h"
#include "layout.h"
#include "loudness.h"
#include "ps_status.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

static uint32_t seed = 2463534242u;

static double
noise(void)
{
  return test_noise(&seed);
}

/* Stereo programme: noise bursts with a level envelope, some pauses. */
static float *
programme(size_t frames, double rate)
{
  float *x = (float *)malloc(frames * 2 * sizeof(float));
  for (size_t i = 0; i < frames; ++i) {
    const double t = (double)i / rate;
    const double env = (fmod(t, 2.3) < 1.7 ? 0.3 : 0.003) * (1.0 + 0.5 * sin(t));
    x[2 * i] = (float)(env * noise());
    x[2 * i + 1] = (float)(env * 0.7 * noise());
  }
  return x;
}

static void
readings(PsLoudness *m, PsLoudnessReadings *r)
{
  memset(r, 0, sizeof(*r));
  ps_loudness_readings(m, r);
}

static int
same(const PsLoudnessReadings *a, const PsLoudnessReadings *b)
{
  return a->momentary == b->momentary && a->shortterm == b->shortterm &&
         a->integrated == b->integrated && a->range == b->range &&
         a->momentary_max == b->momentary_max && a->shortterm_max == b->shortterm_max &&
         a->truepeak == b->truepeak && a->samplepeak == b->samplepeak &&
         (a->dialogue == b->dialogue || (isinf(a->dialogue) && isinf(b->dialogue))) &&
         a->speech_share == b->speech_share;
}

static void
feed(PsLoudness *m, const float *x, size_t frames, size_t block, int random_blocks)
{
  size_t pos = 0;
  while (pos < frames) {
    size_t n = random_blocks ? 1 + (size_t)((noise() + 1.0) * 0.5 * 3000.0) : block;
    n = n > frames - pos ? frames - pos : n;
    ps_loudness_process_interleaved(m, x + 2 * pos, n);
    pos += n;
  }
}

static void
test_errors(void)
{
  PsLoudness *m = (PsLoudness *)&seed;
  CHECKV(ps_loudness_init(&m, 4000.0, 2, NULL) == PS_ERR_RATE && m == NULL,
         "4 kHz refused with PS_ERR_RATE");
  CHECKV(ps_loudness_init(&m, NAN, 2, NULL) == PS_ERR_RATE, "NaN rate refused");
  CHECKV(ps_loudness_init(&m, 48000.0, 0, NULL) == PS_ERR_CHANNELS, "0 channels refused");
  CHECKV(ps_loudness_init(&m, 48000.0, PS_MAX_CHANNELS + 1, NULL) == PS_ERR_CHANNELS,
         "%d channels refused", PS_MAX_CHANNELS + 1);
  const float bad[2] = {1.0f, -1.0f};
  CHECKV(ps_loudness_init(&m, 48000.0, 2, bad) == PS_ERR_ARG, "negative weight refused");
  CHECKV(ps_loudness_init(NULL, 48000.0, 2, NULL) == PS_ERR_ARG, "null out refused");
  ps_loudness_free(NULL);
  m = NULL;
  ps_loudness_free(&m);
}

static void
test_blocks(void)
{
  const double rate = 48000.0;
  const size_t frames = (size_t)(12 * rate);
  float *x = programme(frames, rate);
  PsLoudnessReadings whole, ones, random;
  PsLoudness *m = NULL;
  ps_loudness_init(&m, rate, 2, NULL);
  feed(m, x, frames, frames, 0);
  readings(m, &whole);
  ps_loudness_reset(m);
  feed(m, x, frames, 1, 0);
  readings(m, &ones);
  ps_loudness_reset(m);
  feed(m, x, frames, 0, 1);
  readings(m, &random);
  CHECKV(isfinite(whole.integrated) && same(&whole, &ones) && same(&whole, &random),
         "one block, 1-frame blocks and random blocks give identical readings (I %.4f, LRA "
         "%.4f, TP %.4f)",
         whole.integrated, whole.range, whole.truepeak);

  /* reset then the same audio: the same as a fresh meter */
  PsLoudness *fresh = NULL;
  ps_loudness_init(&fresh, rate, 2, NULL);
  feed(fresh, x, frames, 4096, 0);
  PsLoudnessReadings a, b;
  readings(fresh, &a);
  feed(m, x, frames / 3, 777, 0);
  ps_loudness_reset(m);
  feed(m, x, frames, 4096, 0);
  readings(m, &b);
  CHECKV(same(&a, &b), "after reset the meter reads as a fresh one");

  /* non-finite samples are measured as silence */
  float *y = (float *)malloc(frames * 2 * sizeof(float));
  float *z = (float *)malloc(frames * 2 * sizeof(float));
  memcpy(y, x, frames * 2 * sizeof(float));
  memcpy(z, x, frames * 2 * sizeof(float));
  for (size_t i = frames / 2; i < frames / 2 + 4800; ++i) {
    const float bad[] = {NAN, INFINITY, -INFINITY, 1e30f};
    y[2 * i] = bad[i % 4];
    y[2 * i + 1] = bad[(i + 1) % 4];
    z[2 * i] = z[2 * i + 1] = 0.0f;
  }
  ps_loudness_reset(m);
  feed(m, y, frames, 0, 1);
  readings(m, &a);
  ps_loudness_reset(fresh);
  feed(fresh, z, frames, 0, 1);
  readings(fresh, &b);
  CHECKV(same(&a, &b) && isfinite(a.integrated) && isfinite(a.truepeak),
         "NaN, +-Inf and 1e30 bursts read as silence; readings stay finite");

  /* denormals: nothing to measure, nothing poisoned */
  for (size_t i = 0; i < frames * 2; ++i) {
    z[i] = (i & 1) ? 1e-40f : -1e-41f;
  }
  ps_loudness_reset(m);
  feed(m, z, frames, 0, 1);
  readings(m, &a);
  CHECKV(!(a.momentary > -200.0) && !(a.integrated > -200.0) && !isnan(a.momentary),
         "denormal input reads as silence (M %g)", a.momentary);
  feed(m, x, frames, 0, 1);
  readings(m, &a);
  CHECKV(fabs(a.momentary - whole.momentary) < 1e-6 && fabs(a.shortterm - whole.shortterm) < 1e-6,
         "after denormals the programme reads M %.6f S %.6f, as a fresh meter (%.6f %.6f)",
         a.momentary, a.shortterm, whole.momentary, whole.shortterm);

  /* pausing: integrated, maxima and peaks hold; momentary follows */
  ps_loudness_reset(m);
  feed(m, x, frames, 4096, 0);
  readings(m, &a);
  ps_loudness_set_integrating(m, false);
  for (size_t i = 0; i < frames * 2; ++i) {
    z[i] = (float)(0.9 * noise());
  }
  feed(m, z, frames, 4096, 0);
  readings(m, &b);
  CHECKV(b.integrated == a.integrated && b.range == a.range && b.truepeak == a.truepeak &&
           b.momentary_max == a.momentary_max && b.seconds == a.seconds,
         "paused: integrated %.3f, range, peaks, maxima and time hold", b.integrated);
  CHECKV(b.momentary > a.momentary_max + 3.0, "paused: momentary follows the input (%.2f)",
         b.momentary);
  ps_loudness_set_integrating(m, true);
  feed(m, z, frames, 4096, 0);
  readings(m, &b);
  CHECKV(b.integrated > a.integrated + 3.0, "resumed: integrated moves again (%.2f)",
         b.integrated);

  /* a start after other sound (a transport starting with loud input
     monitored before it): a steady tone reads steady, its maxima its own */
  ps_loudness_reset(m);
  ps_loudness_set_integrating(m, false);
  feed(m, z, (size_t)(3 * rate), 4096, 0); /* 0.9 noise */
  ps_loudness_set_integrating(m, true);
  for (size_t i = 0; i < frames; ++i) {
    y[2 * i] = y[2 * i + 1] = (float)(0.05 * sin(2.0 * PI * 1000.0 * (double)i / rate));
  }
  feed(m, y, frames, 1000, 0);
  readings(m, &b);
  CHECKV(b.range < 0.1 && fabs(b.shortterm_max - b.integrated) < 0.05 &&
           fabs(b.momentary_max - b.integrated) < 0.05,
         "started after loud noise: range %.2f LU, max S %+.2f and max M %+.2f LU off "
         "integrated", b.range, b.shortterm_max - b.integrated, b.momentary_max - b.integrated);

  /* the start anywhere, not only on the meter's 5 ms fragments or 100 ms
     block steps: a bursty programme after loud monitored noise reads as a
     fresh meter reads it alone */
  const size_t prog = (size_t)(6 * rate);
  for (size_t i = 0; i < prog; ++i) {
    const double t = (double)i / rate;
    const double amp = fmod(t, 0.7) < 0.35 ? 0.2 : 0.02; /* bursts 20 dB apart */
    y[2 * i] = y[2 * i + 1] = (float)(amp * sin(2.0 * PI * 440.0 * t));
  }
  PsLoudnessReadings alone;
  ps_loudness_reset(fresh);
  ps_loudness_process_interleaved(fresh, y, prog);
  readings(fresh, &alone);
  double worst_i = 0.0, worst_m = 0.0, worst_lra = 0.0;
  const size_t offsets[] = {0, 239, 1000, 2400, 4321};
  for (size_t o = 0; o < sizeof(offsets) / sizeof(offsets[0]); ++o) {
    ps_loudness_reset(m);
    ps_loudness_set_integrating(m, false);
    ps_loudness_process_interleaved(m, z, (size_t)(3 * rate) + offsets[o]);
    ps_loudness_set_integrating(m, true);
    ps_loudness_process_interleaved(m, y, prog);
    readings(m, &b);
    worst_i = fmax(worst_i, fabs(b.integrated - alone.integrated));
    worst_m = fmax(worst_m, fabs(b.momentary_max - alone.momentary_max));
    worst_lra = fmax(worst_lra, fabs(b.range - alone.range));
  }
  CHECKV(worst_i < 0.1 && worst_m < 0.2 && worst_lra < 0.3,
         "started at 5 phases after loud noise: integrated within %.2f LU, max M %.2f dB, "
         "range %.2f LU of a fresh meter's", worst_i, worst_m, worst_lra);

  ps_loudness_free(&m);
  ps_loudness_free(&fresh);
  free(x);
  free(y);
  free(z);
}

static double
tone_loudness(unsigned channels, const PsChannelRole *roles, unsigned active, double rate)
{
  float w[PS_MAX_CHANNELS];
  for (unsigned c = 0; c < channels; ++c) {
    w[c] = ps_role_weight(roles[c]);
  }
  PsLoudness *m = NULL;
  ps_loudness_init(&m, rate, channels, w);
  const size_t frames = (size_t)(5 * rate);
  float *x = (float *)calloc(frames * channels, sizeof(float));
  for (size_t i = 0; i < frames; ++i) {
    x[i * channels + active] = (float)(0.1 * sin(2.0 * PI * 1000.0 * (double)i / rate));
  }
  ps_loudness_process_interleaved(m, x, frames);
  PsLoudnessReadings r;
  ps_loudness_readings(m, &r);
  ps_loudness_free(&m);
  free(x);
  return r.integrated;
}

static void
test_layouts(void)
{
  PsChannelRole r51[6], r71[8];
  CHECKF(ps_layout_roles(PS_LAYOUT_51, 6, r51) == 0, "5.1 roles");
  CHECKF(ps_layout_roles(PS_LAYOUT_71, 8, r71) == 0, "7.1 roles");
  CHECKF(ps_layout_roles(PS_LAYOUT_51, 5, r51) == PS_ERR_CHANNELS, "5.1 needs 6");
  const double front = tone_loudness(6, r51, 0, 48000.0);
  const double lfe = tone_loudness(6, r51, 3, 48000.0);
  const double ls = tone_loudness(6, r51, 4, 48000.0);
  CHECKV(isinf(lfe) && lfe < 0.0, "5.1: a tone in the LFE is not measured");
  CHECKV(fabs(ls - front - 10.0 * log10(1.41)) < 0.001, "5.1: Ls reads %+.3f dB over L (1.41)",
         ls - front);
  const double side = tone_loudness(8, r71, 4, 48000.0);
  const double rear = tone_loudness(8, r71, 6, 48000.0);
  CHECKV(fabs(side - front - 10.0 * log10(1.41)) < 0.001,
         "7.1: side surround reads %+.3f dB over L (1.41)", side - front);
  CHECKV(fabs(rear - front) < 0.001, "7.1: rear surround reads %+.3f dB over L (1.0)",
         rear - front);
  CHECKV(ps_layout_parse("5.1") == PS_LAYOUT_51 && ps_layout_parse("x") < 0, "layout names");
}

static void
test_long_run(void)
{
  /* three hours at 8 kHz of a steady tone: integrated must not drift */
  const double rate = 8000.0;
  PsLoudness *m = NULL;
  ps_loudness_init(&m, rate, 1, NULL);
  float block[800];
  double phase = 0.0;
  PsLoudnessReadings early = {0}, late = {0};
  for (long b = 0; b < 3L * 3600 * 10; ++b) {
    for (int i = 0; i < 800; ++i) {
      block[i] = (float)(0.1 * sin(phase));
      phase += 2.0 * PI * 1000.0 / rate;
      if (phase > 2.0 * PI) {
        phase -= 2.0 * PI;
      }
    }
    ps_loudness_process(m, (const float *const[]){block}, 800);
    if (b == 200) {
      ps_loudness_readings(m, &early);
    }
  }
  ps_loudness_readings(m, &late);
  CHECKV(fabs(late.integrated - early.integrated) < 0.001 && fabs(late.seconds - 10800.0) < 1e-6,
         "3 h steady tone: integrated %.5f after 20 s, %.5f after %.0f s", early.integrated,
         late.integrated, late.seconds);
  ps_loudness_free(&m);
}

int
main(void)
{
  test_errors();
  test_blocks();
  test_layouts();
  test_long_run();
  return check_summary("test_meter");
}
