/* Minimum-statistics noise floor: see noise_floor.h. */
#include "noise_floor.h"

#include "fft.h"
#include "ps_status.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SMOOTHING 0.5f /* a 0.4 s pause brings a bin 40 dB down from speech */
#define SUBWINDOWS 8
/* Frames of white noise the bias is measured on, in windows. */
#define CALIBRATION_WINDOWS 12

struct PsNoiseFloor {
  double rate;
  size_t n, hop, bins;
  size_t sub_frames; /* frames per sub-window */
  PsFft *fft;
  float *window;
  float *ring; /* last n input samples, circular */
  size_t ring_pos;
  size_t since_frame;
  size_t frames;
  float scale; /* |X|^2 to a density */
  float *spectrum;    /* 2 * bins */
  float *periodogram; /* bins */
  float *smoothed;
  float *current_min; /* of the sub-window under way */
  float *sub_min;     /* SUBWINDOWS * bins, circular by sub-window */
  size_t sub_index, sub_count;
  float *minimum;
  float *estimate;
  float bias;
};

static void
clear_state(PsNoiseFloor *nf)
{
  memset(nf->ring, 0, nf->n * sizeof(float));
  nf->ring_pos = 0;
  nf->since_frame = 0;
  nf->frames = 0;
  nf->sub_index = 0;
  nf->sub_count = 0;
  for (size_t k = 0; k < nf->bins; ++k) {
    nf->smoothed[k] = 0.0f;
    nf->current_min[k] = HUGE_VALF;
    nf->minimum[k] = 0.0f;
    nf->estimate[k] = 0.0f;
    nf->periodogram[k] = 0.0f;
    nf->spectrum[2 * k] = nf->spectrum[2 * k + 1] = 0.0f;
  }
  for (size_t i = 0; i < SUBWINDOWS * nf->bins; ++i) {
    nf->sub_min[i] = HUGE_VALF;
  }
}

/* One frame from the ring: spectrum, periodogram, smoothing, minima. */
static void
analyse(PsNoiseFloor *nf)
{
  const size_t n = nf->n, bins = nf->bins;
  float *t = ps_fft_time(nf->fft);
  for (size_t i = 0; i < n; ++i) {
    t[i] = nf->ring[(nf->ring_pos + i) & (n - 1)] * nf->window[i];
  }
  ps_fft_forward(nf->fft);
  const float *s = ps_fft_spectrum(nf->fft);
  const float root = sqrtf(nf->scale);
  const float first = nf->frames == 0 ? 0.0f : SMOOTHING;
  for (size_t k = 0; k < bins; ++k) {
    const float re = s[2 * k] * root, im = s[2 * k + 1] * root;
    nf->spectrum[2 * k] = re;
    nf->spectrum[2 * k + 1] = im;
    const float p = re * re + im * im;
    nf->periodogram[k] = p;
    /* tiny floor keeps the minima away from denormals */
    const float sm = first * nf->smoothed[k] + (1.0f - first) * p + 1e-30f;
    nf->smoothed[k] = sm;
    if (sm < nf->current_min[k]) {
      nf->current_min[k] = sm;
    }
  }
  ++nf->frames;
  if (++nf->sub_count == nf->sub_frames) {
    memcpy(nf->sub_min + nf->sub_index * bins, nf->current_min, bins * sizeof(float));
    nf->sub_index = (nf->sub_index + 1) % SUBWINDOWS;
    nf->sub_count = 0;
    for (size_t k = 0; k < bins; ++k) {
      nf->current_min[k] = HUGE_VALF;
    }
  }
  for (size_t k = 0; k < bins; ++k) {
    float m = nf->current_min[k];
    for (size_t u = 0; u < SUBWINDOWS; ++u) {
      const float v = nf->sub_min[u * bins + k];
      m = v < m ? v : m;
    }
    nf->minimum[k] = m;
    nf->estimate[k] = m * nf->bias;
  }
}

size_t
ps_noise_floor_feed(PsNoiseFloor *nf, const float *x, size_t n, bool *frame)
{
  *frame = false;
  size_t take = nf->hop - nf->since_frame;
  take = take < n ? take : n;
  const size_t mask = nf->n - 1;
  for (size_t i = 0; i < take; ++i) {
    const float v = x[i];
    /* not finite, or beyond +80 dBFS: 0, so no power overflows */
    nf->ring[(nf->ring_pos + i) & mask] = fabsf(v) <= 1e4f ? v : 0.0f;
  }
  nf->ring_pos = (nf->ring_pos + take) & mask;
  nf->since_frame += take;
  if (nf->since_frame == nf->hop) {
    nf->since_frame = 0;
    analyse(nf);
    *frame = true;
  }
  return take;
}

/* The mean of the estimate over bins and frames, on unit white noise with
   the bias at 1, against the true density: its inverse is the bias. */
static int
calibrate(PsNoiseFloor *nf)
{
  const size_t total = CALIBRATION_WINDOWS * SUBWINDOWS * nf->sub_frames * nf->hop;
  float *x = (float *)malloc(nf->hop * sizeof(float));
  if (!x) {
    return PS_ERR_NOMEM;
  }
  nf->bias = 1.0f;
  clear_state(nf);
  uint64_t s = 0x853C49E6748FEA9Bull;
  double sum = 0.0;
  size_t count = 0;
  for (size_t done = 0; done < total; done += nf->hop) {
    for (size_t i = 0; i < nf->hop; i += 2) { /* Box-Muller, fixed seed */
      double u1, u2;
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      u1 = ((double)(s >> 11) + 0.5) / 9007199254740992.0;
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      u2 = (double)(s >> 11) / 9007199254740992.0;
      const double r = sqrt(-2.0 * log(u1));
      x[i] = (float)(r * cos(2.0 * 3.14159265358979323846 * u2));
      if (i + 1 < nf->hop) {
        x[i + 1] = (float)(r * sin(2.0 * 3.14159265358979323846 * u2));
      }
    }
    bool frame = false;
    ps_noise_floor_feed(nf, x, nf->hop, &frame);
    if (ps_noise_floor_settled(nf)) {
      for (size_t k = 1; k + 1 < nf->bins; ++k) {
        sum += (double)nf->minimum[k];
        ++count;
      }
    }
  }
  free(x);
  /* unit-variance white noise: density 2 / rate per Hz */
  const double truth = 2.0 / nf->rate;
  nf->bias = (float)(truth / (sum / (double)count));
  clear_state(nf);
  return PS_OK;
}

int
ps_noise_floor_init(PsNoiseFloor **out, double rate, size_t fft_size, double window_seconds)
{
  if (!out) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  if (!(rate >= 8000.0 && rate <= 768000.0)) {
    return PS_ERR_RATE;
  }
  if (fft_size < 256 || fft_size > 65536 || (fft_size & (fft_size - 1)) ||
      !(window_seconds >= 0.5 && window_seconds <= 20.0)) {
    return PS_ERR_ARG;
  }
  PsNoiseFloor *nf = (PsNoiseFloor *)calloc(1, sizeof(PsNoiseFloor));
  if (!nf) {
    return PS_ERR_NOMEM;
  }
  nf->rate = rate;
  nf->n = fft_size;
  nf->hop = fft_size / 4;
  nf->bins = fft_size / 2 + 1;
  const double frames = window_seconds * rate / (double)nf->hop;
  nf->sub_frames = (size_t)ceil(frames / SUBWINDOWS);
  nf->sub_frames = nf->sub_frames < 1 ? 1 : nf->sub_frames;
  int st = ps_fft_init(&nf->fft, fft_size);
  nf->window = (float *)calloc(nf->n, sizeof(float));
  nf->ring = (float *)calloc(nf->n, sizeof(float));
  nf->spectrum = (float *)calloc(2 * nf->bins, sizeof(float));
  float **arrays[] = {&nf->periodogram, &nf->smoothed, &nf->current_min, &nf->minimum,
                      &nf->estimate};
  int ok = nf->window && nf->ring && nf->spectrum;
  for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); ++i) {
    *arrays[i] = (float *)calloc(nf->bins, sizeof(float));
    ok = ok && *arrays[i];
  }
  nf->sub_min = (float *)calloc(SUBWINDOWS * nf->bins, sizeof(float));
  ok = ok && nf->sub_min;
  if (!st && !ok) {
    st = PS_ERR_NOMEM;
  }
  if (!st) {
    double wsum = 0.0;
    for (size_t i = 0; i < nf->n; ++i) {
      nf->window[i] = (float)(0.5 - 0.5 * cos(2.0 * 3.14159265358979323846 * (double)i /
                                              (double)nf->n));
      wsum += (double)nf->window[i] * (double)nf->window[i];
    }
    nf->scale = (float)(2.0 / (rate * wsum));
    st = calibrate(nf);
  }
  if (st) {
    ps_noise_floor_free(&nf);
    return st;
  }
  *out = nf;
  return PS_OK;
}

void
ps_noise_floor_free(PsNoiseFloor **pnf)
{
  if (!pnf || !*pnf) {
    return;
  }
  PsNoiseFloor *nf = *pnf;
  ps_fft_free(&nf->fft);
  free(nf->window);
  free(nf->ring);
  free(nf->spectrum);
  free(nf->periodogram);
  free(nf->smoothed);
  free(nf->current_min);
  free(nf->sub_min);
  free(nf->minimum);
  free(nf->estimate);
  free(nf);
  *pnf = NULL;
}

void
ps_noise_floor_reset(PsNoiseFloor *nf)
{
  clear_state(nf);
}

size_t
ps_noise_floor_bins(const PsNoiseFloor *nf)
{
  return nf->bins;
}

double
ps_noise_floor_bin_hz(const PsNoiseFloor *nf)
{
  return nf->rate / (double)nf->n;
}

size_t
ps_noise_floor_hop(const PsNoiseFloor *nf)
{
  return nf->hop;
}

size_t
ps_noise_floor_frames(const PsNoiseFloor *nf)
{
  return nf->frames;
}

bool
ps_noise_floor_settled(const PsNoiseFloor *nf)
{
  /* a full window, and the ring full of signal */
  return nf->frames >= SUBWINDOWS * nf->sub_frames + 4;
}

const float *
ps_noise_floor_estimate(const PsNoiseFloor *nf)
{
  return nf->estimate;
}

const float *
ps_noise_floor_minimum(const PsNoiseFloor *nf)
{
  return nf->minimum;
}

const float *
ps_noise_floor_periodogram(const PsNoiseFloor *nf)
{
  return nf->periodogram;
}

const float *
ps_noise_floor_spectrum(const PsNoiseFloor *nf)
{
  return nf->spectrum;
}

double
ps_noise_floor_bias(const PsNoiseFloor *nf)
{
  return nf->bias;
}
