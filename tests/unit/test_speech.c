/* The speech detector's contract: shape, look-ahead, frame count at every
   rate, silence and steady noise not read as speech, bad input survived.
   Accuracy on dialogue is measured by the data suite (tests/dialogue). */
#include "check.h"
#include "random.h"
#include "ps_status.h"
#include "speech.h"

#include <math.h>
#include <sndfile.h>
#include <string.h>
#include <stdint.h>
#include <stdlib.h>

static uint32_t seed = 22222u;

static double
noise(void)
{
  return test_noise(&seed);
}

/* Runs `seconds` of a generated signal; returns the share of speech frames. */
static double
share(double rate, double seconds, int kind, size_t block, uint64_t *frames)
{
  PsSpeech *s = NULL;
  if (ps_speech_init(&s, rate, 2)) {
    return -1.0;
  }
  const size_t n = (size_t)(seconds * rate);
  float *l = (float *)malloc(n * sizeof(float));
  float *r = (float *)malloc(n * sizeof(float));
  double b0 = 0, b1 = 0, b2 = 0;
  for (size_t i = 0; i < n; ++i) {
    double v = 0.0;
    if (kind == 1) { /* pink-ish noise at about -30 dBFS */
      const double w = noise();
      b0 = 0.99765 * b0 + w * 0.0990460;
      b1 = 0.96300 * b1 + w * 0.2965164;
      b2 = 0.57000 * b2 + w * 1.0526913;
      v = 0.03 * (b0 + b1 + b2 + w * 0.1848);
    } else if (kind == 3) { /* struck panels ringing: partials under 1 kHz, every 0.9 s */
      const double t = (double)i / rate, since = fmod(t, 0.9);
      const int strike = (int)(t / 0.9);
      const double f0 = 190.0 + 37.0 * (strike % 5);
      const double decay = exp(-since / 0.3);
      v = decay * (0.2 * sin(2.0 * 3.14159265358979 * f0 * since) +
                   0.1 * sin(2.0 * 3.14159265358979 * 2.31 * f0 * since) +
                   0.06 * sin(2.0 * 3.14159265358979 * 2.83 * f0 * since)) +
          0.001 * noise();
    } else if (kind == 2) { /* NaN, Inf and huge bursts in noise */
      v = 0.05 * noise();
      if (i % 4800 < 480) {
        v = (i % 3 == 0) ? (double)NAN : (i % 3 == 1) ? (double)INFINITY : 1e30;
      }
    }
    l[i] = (float)v;
    r[i] = (float)(kind == 1 ? v : 0.5 * v);
  }
  for (size_t pos = 0; pos < n; pos += block) {
    const size_t len = n - pos < block ? n - pos : block;
    ps_speech_process(s, (const float *const[]){l + pos, r + pos}, len);
  }
  *frames = ps_speech_frames(s);
  uint64_t speech = 0, seen = 0;
  bool finite = true;
  const uint64_t first = *frames > PS_SPEECH_HISTORY ? *frames - PS_SPEECH_HISTORY : 0;
  for (uint64_t k = first; k < *frames; ++k) {
    float p = 0.0f;
    speech += ps_speech_decision(s, k, &p);
    finite = finite && isfinite(p) && p >= 0.0f && p <= 1.0f;
    ++seen;
  }
  CHECKF(finite, "probabilities finite and within 0..1");
  ps_speech_free(&s);
  CHECKF(s == NULL, "free clears the pointer");
  free(l);
  free(r);
  return seen ? (double)speech / (double)seen : 0.0;
}

/* The decisions over a dialogue file do not depend on the block sizes: a
   host with 1-frame blocks (lv2apply) hears what an offline render does. */
static void
blocks(const char *path)
{
  SF_INFO info;
  memset(&info, 0, sizeof(info));
  SNDFILE *sf = sf_open(path, SFM_READ, &info);
  CHECKF(sf && info.channels == 1, "read %s", path);
  if (!sf) {
    return;
  }
  float *x = (float *)malloc((size_t)info.frames * sizeof(float));
  sf_readf_float(sf, x, info.frames);
  sf_close(sf);
  const size_t sizes[] = {1, 7, 333, 4096};
  unsigned char *first = NULL;
  uint64_t first_frames = 0;
  for (unsigned b = 0; b < 4; ++b) {
    PsSpeech *s = NULL;
    ps_speech_init(&s, info.samplerate, 1);
    unsigned char *d = (unsigned char *)calloc((size_t)info.frames / 100 + 1, 1);
    uint64_t read = 0;
    for (sf_count_t pos = 0; pos < info.frames; pos += (sf_count_t)sizes[b]) {
      const size_t len = (size_t)(info.frames - pos) < sizes[b] ? (size_t)(info.frames - pos)
                                                                : sizes[b];
      ps_speech_process(s, (const float *const[]){x + pos}, len);
      for (; read < ps_speech_frames(s); ++read) {
        d[read] = ps_speech_decision(s, read, NULL);
      }
    }
    uint64_t speech = 0;
    for (uint64_t k = 0; k < read; ++k) {
      speech += d[k];
    }
    if (!first) {
      first = d;
      first_frames = read;
      CHECKV(speech > read / 3, "dialogue clip, blocks of %zu: %.0f %% speech", sizes[b],
             100.0 * (double)speech / (double)read);
    } else {
      CHECKV(read == first_frames && !memcmp(d, first, read),
             "dialogue clip, blocks of %zu: the same %llu decisions as blocks of 1", sizes[b],
             (unsigned long long)read);
      free(d);
    }
    ps_speech_free(&s);
  }
  free(first);
  free(x);
}

int
main(int argc, char **argv)
{
  if (argc > 1) {
    blocks(argv[1]);
  }
  PsSpeech *s = NULL;
  CHECKV(ps_speech_init(&s, 4000.0, 1) == PS_ERR_RATE && !s, "4 kHz refused");
  CHECKV(ps_speech_init(&s, 48000.0, 0) == PS_ERR_CHANNELS, "0 channels refused");
  CHECKV(ps_speech_init(&s, 48000.0, 1) == PS_OK, "48 kHz mono");
  CHECKV(ps_speech_lookahead(s) <= 0.1 && ps_speech_lookahead(s) > 0.0,
         "look-ahead %.0f ms (at most 100)", 1000.0 * ps_speech_lookahead(s));
  CHECKV(!ps_speech_decision(s, 0, NULL), "no decision before any audio");
  ps_speech_free(&s);

  const double rates[] = {22050, 44100, 48000, 88200, 96000, 192000};
  for (unsigned i = 0; i < sizeof(rates) / sizeof(rates[0]); ++i) {
    uint64_t frames = 0;
    const double sh = share(rates[i], 5.0, 0, 4096, &frames);
    /* 500 frames of audio, minus those within the look-ahead of the end */
    CHECKV(frames >= 490 && frames <= 500 && sh == 0.0,
           "%6.0f Hz: 5 s of silence: %llu frames decided, %.0f %% speech", rates[i],
           (unsigned long long)frames, 100.0 * sh);
  }
  uint64_t frames = 0;
  double sh = share(48000.0, 8.0, 1, 333, &frames);
  CHECKV(sh < 0.05, "8 s of steady pink noise: %.1f %% speech (under 5)", 100.0 * sh);
  sh = share(48000.0, 8.0, 3, 512, &frames);
  CHECKV(sh < 0.02, "8 s of struck panels ringing (partials under 1 kHz): %.1f %% speech "
         "(under 2)", 100.0 * sh);
  sh = share(48000.0, 8.0, 2, 1, &frames);
  CHECKV(frames >= 790 && sh < 0.05,
         "NaN/Inf/1e30 bursts in noise, 1-frame blocks: %llu frames, %.1f %% speech",
         (unsigned long long)frames, 100.0 * sh);
  return check_summary("test_speech");
}
