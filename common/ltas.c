/* Long-term average spectra of speech and floor: see ltas.h. */
#include "ltas.h"

#include "fft.h"
#include "le_bytes.h"
#include "ps_status.h"
#include "speech.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHANNELS 8
/* Analysed frames waiting for their speech decisions. */
#define PENDING 64
/* A frame is speech when this share of its 10 ms decisions are. */
#define SPEECH_SHARE 0.8
/* Floor frames have no speech decision within this many 10 ms frames. */
#define FLOOR_MARGIN 5

typedef struct {
  uint64_t start; /* first input sample of the frame since restart */
  float density[PS_LTAS_BANDS];
} Pending;

struct PsLtas {
  double rate;
  unsigned channels;
  size_t n;   /* frame size */
  size_t hop; /* n / 2 */
  PsFft *fft;
  PsSpeech *speech;
  float *window;
  float *ring[MAX_CHANNELS]; /* last n input samples, circular */
  float *clean[MAX_CHANNELS]; /* a hop of input, made safe */
  size_t ring_pos;           /* where the next sample goes */
  size_t since_frame;        /* samples since the last frame was analysed */
  uint64_t samples;          /* since restart */
  double *psd;               /* n/2 + 1 densities of the frame */
  double *cumulative;        /* n/2 + 2: integral of psd over bins below k */
  float density_scale;       /* |X|^2 to a one-sided density per Hz */
  /* band b spans [lo, hi) in bin units (bin k covers [k - 0.5, k + 0.5)) */
  double band_lo[PS_LTAS_BANDS];
  double band_hi[PS_LTAS_BANDS];
  size_t bands_valid; /* bands below 0.98 Nyquist */
  Pending *pending;
  size_t pending_head, pending_count;
  PsLtasData data;
};

double
ps_ltas_band_hz(size_t band)
{
  return PS_LTAS_LOW_HZ * exp2((double)band / PS_LTAS_PER_OCTAVE);
}

double
ps_ltas_speech_mean(const PsLtasData *d, size_t b)
{
  return d->speech_n[b] > 0.0 ? d->speech[b] / d->speech_n[b] : 0.0;
}

double
ps_ltas_floor_mean(const PsLtasData *d, size_t b)
{
  return d->floor_n[b] > 0.0 ? d->floor[b] / d->floor_n[b] : 0.0;
}

void
ps_ltas_data_add(PsLtasData *d, const PsLtasData *more)
{
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    d->speech[b] += more->speech[b];
    d->speech_n[b] += more->speech_n[b];
    d->floor[b] += more->floor[b];
    d->floor_n[b] += more->floor_n[b];
  }
  d->speech_seconds += more->speech_seconds;
  d->floor_seconds += more->floor_seconds;
}

int
ps_ltas_data_valid(const PsLtasData *d)
{
  if (!d || !isfinite(d->speech_seconds) || !isfinite(d->floor_seconds) ||
      d->speech_seconds < 0.0 || d->floor_seconds < 0.0) {
    return 0;
  }
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    const double v[4] = {d->speech[b], d->speech_n[b], d->floor[b], d->floor_n[b]};
    for (int i = 0; i < 4; ++i) {
      if (!isfinite(v[i]) || v[i] < 0.0) {
        return 0;
      }
    }
  }
  return 1;
}

/* The fields in struct order, for encoding. */
static void
data_fields(const PsLtasData *d, const double *fields[4])
{
  fields[0] = d->speech;
  fields[1] = d->speech_n;
  fields[2] = d->floor;
  fields[3] = d->floor_n;
}

void
ps_ltas_data_encode(const PsLtasData *d, unsigned char *out)
{
  const double *fields[4];
  data_fields(d, fields);
  for (int f = 0; f < 4; ++f) {
    for (size_t b = 0; b < PS_LTAS_BANDS; ++b, out += 8) {
      ps_le_put_double(out, fields[f][b]);
    }
  }
  ps_le_put_double(out, d->speech_seconds);
  ps_le_put_double(out + 8, d->floor_seconds);
}

int
ps_ltas_data_decode(PsLtasData *d, const unsigned char *in)
{
  PsLtasData *t = (PsLtasData *)calloc(1, sizeof(PsLtasData));
  if (!t) {
    return PS_ERR_NOMEM;
  }
  double *fields[4] = {t->speech, t->speech_n, t->floor, t->floor_n};
  for (int f = 0; f < 4; ++f) {
    for (size_t b = 0; b < PS_LTAS_BANDS; ++b, in += 8) {
      fields[f][b] = ps_le_get_double(in);
    }
  }
  t->speech_seconds = ps_le_get_double(in);
  t->floor_seconds = ps_le_get_double(in + 8);
  const int ok = ps_ltas_data_valid(t);
  if (ok) {
    *d = *t;
  }
  free(t);
  return ok ? PS_OK : PS_ERR_ARG;
}

int
ps_ltas_init(PsLtas **out, double rate, unsigned channels)
{
  if (!out) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  if (!(rate >= 22050.0 && rate <= 192000.0)) {
    return PS_ERR_RATE;
  }
  if (!channels || channels > MAX_CHANNELS) {
    return PS_ERR_CHANNELS;
  }
  PsLtas *l = (PsLtas *)calloc(1, sizeof(PsLtas));
  if (!l) {
    return PS_ERR_NOMEM;
  }
  l->rate = rate;
  l->channels = channels;
  l->n = 1024;
  while ((double)l->n < rate / 8.0) {
    l->n *= 2;
  }
  l->hop = l->n / 2;
  int st = ps_fft_init(&l->fft, l->n);
  if (!st) {
    st = ps_speech_init(&l->speech, rate, channels);
  }
  l->window = (float *)calloc(l->n, sizeof(float));
  l->psd = (double *)calloc(l->n / 2 + 1, sizeof(double));
  l->cumulative = (double *)calloc(l->n / 2 + 2, sizeof(double));
  l->pending = (Pending *)calloc(PENDING, sizeof(Pending));
  bool ok = l->window && l->psd && l->cumulative && l->pending;
  for (unsigned c = 0; c < channels; ++c) {
    l->ring[c] = (float *)calloc(l->n, sizeof(float));
    l->clean[c] = (float *)calloc(l->n / 2, sizeof(float));
    ok = ok && l->ring[c] && l->clean[c];
  }
  if (!st && !ok) {
    st = PS_ERR_NOMEM;
  }
  if (st) {
    ps_ltas_free(&l);
    return st;
  }
  const double pi = 3.14159265358979323846;
  double wsum = 0.0;
  for (size_t i = 0; i < l->n; ++i) {
    l->window[i] = (float)(0.5 - 0.5 * cos(2.0 * pi * (double)i / (double)l->n));
    wsum += (double)l->window[i] * (double)l->window[i];
  }
  /* One-sided density: 2 |X|^2 / (rate * sum w^2), averaged over channels. */
  l->density_scale = (float)(2.0 / (rate * wsum * channels));
  l->bands_valid = ps_ltas_band_edges(rate, l->n, l->band_lo, l->band_hi);
  ps_ltas_restart(l);
  *out = l;
  return PS_OK;
}

void
ps_ltas_free(PsLtas **pl)
{
  if (!pl || !*pl) {
    return;
  }
  PsLtas *l = *pl;
  ps_fft_free(&l->fft);
  ps_speech_free(&l->speech);
  free(l->window);
  free(l->psd);
  free(l->cumulative);
  free(l->pending);
  for (unsigned c = 0; c < MAX_CHANNELS; ++c) {
    free(l->ring[c]);
    free(l->clean[c]);
  }
  free(l);
  *pl = NULL;
}

void
ps_ltas_restart(PsLtas *l)
{
  ps_speech_reset(l->speech);
  for (unsigned c = 0; c < l->channels; ++c) {
    memset(l->ring[c], 0, l->n * sizeof(float));
  }
  l->ring_pos = 0;
  l->since_frame = 0;
  l->samples = 0;
  l->pending_head = 0;
  l->pending_count = 0;
}

void
ps_ltas_clear(PsLtas *l)
{
  memset(&l->data, 0, sizeof(l->data));
  ps_ltas_restart(l);
}

const PsLtasData *
ps_ltas_data(const PsLtas *l)
{
  return &l->data;
}

void
ps_ltas_set_data(PsLtas *l, const PsLtasData *d)
{
  l->data = *d;
}

size_t
ps_ltas_frame_size(const PsLtas *l)
{
  return l->n;
}

size_t
ps_ltas_hop(const PsLtas *l)
{
  return l->hop;
}

size_t
ps_ltas_band_edges(double rate, size_t fft_size, double *lo, double *hi)
{
  const double bin_hz = rate / (double)fft_size;
  const double half = exp2(0.5 / PS_LTAS_PER_OCTAVE);
  size_t valid = 0;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    const double hz = ps_ltas_band_hz(b);
    /* bin k stands for [k - 0.5, k + 0.5): in these units bin 0's lower
       edge is 0 */
    lo[b] = hz / half / bin_hz + 0.5;
    hi[b] = hz * half / bin_hz + 0.5;
    if (hz * half < 0.49 * rate) {
      valid = b + 1;
    }
  }
  return valid;
}

/* Integral of the piecewise-constant density over bin units [0, x). */
static double
integral_to(const double *density, const double *cumulative, size_t bins, double x)
{
  if (x <= 0.0) {
    return 0.0;
  }
  if (x >= (double)bins) {
    return cumulative[bins];
  }
  const size_t k = (size_t)x;
  return cumulative[k] + (x - (double)k) * density[k];
}

void
ps_ltas_band_means(const double *density, size_t bins, const double *lo, const double *hi,
                   size_t valid, double *cumulative, double *out)
{
  cumulative[0] = 0.0;
  for (size_t k = 0; k < bins; ++k) {
    cumulative[k + 1] = cumulative[k] + density[k];
  }
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    out[b] = b < valid ? (integral_to(density, cumulative, bins, hi[b]) -
                          integral_to(density, cumulative, bins, lo[b])) /
                           (hi[b] - lo[b])
                       : 0.0;
  }
}

/* Spectrum of the frame ending at the newest sample, onto the bands. */
static void
analyse(PsLtas *l, float *density)
{
  const size_t n = l->n, bins = n / 2 + 1;
  for (size_t k = 0; k < bins; ++k) {
    l->psd[k] = 0.0;
  }
  float *t = ps_fft_time(l->fft);
  const float *spec = ps_fft_spectrum(l->fft);
  for (unsigned c = 0; c < l->channels; ++c) {
    const float *r = l->ring[c];
    for (size_t i = 0; i < n; ++i) {
      t[i] = r[(l->ring_pos + i) % n] * l->window[i];
    }
    ps_fft_forward(l->fft);
    for (size_t k = 0; k < bins; ++k) {
      const double re = spec[2 * k], im = spec[2 * k + 1];
      l->psd[k] += (re * re + im * im) * (double)l->density_scale;
    }
  }
  double means[PS_LTAS_BANDS];
  ps_ltas_band_means(l->psd, bins, l->band_lo, l->band_hi, l->bands_valid, l->cumulative,
                     means);
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    density[b] = (float)means[b];
  }
}

/* Sorts the oldest waiting frames whose decisions are all known. */
static void
sort_pending(PsLtas *l)
{
  const uint64_t decided = ps_speech_frames(l->speech);
  const double frames_per_sample = PS_SPEECH_FRAME_RATE / l->rate;
  const double seconds = (double)l->hop / l->rate;
  while (l->pending_count) {
    const Pending *p = &l->pending[l->pending_head];
    const uint64_t first = (uint64_t)floor((double)p->start * frames_per_sample);
    const uint64_t last = (uint64_t)floor((double)(p->start + l->n - 1) * frames_per_sample);
    if (decided <= last + FLOOR_MARGIN) {
      break;
    }
    const uint64_t from = first > FLOOR_MARGIN ? first - FLOOR_MARGIN : 0;
    unsigned speech_in = 0, speech_near = 0;
    for (uint64_t f = from; f <= last + FLOOR_MARGIN; ++f) {
      const bool s = ps_speech_decision(l->speech, f, NULL);
      speech_near += s;
      speech_in += s && f >= first && f <= last;
    }
    const bool is_speech = speech_in >= SPEECH_SHARE * (double)(last - first + 1);
    const bool is_floor = speech_near == 0;
    if (is_speech || is_floor) {
      double *sum = is_speech ? l->data.speech : l->data.floor;
      double *count = is_speech ? l->data.speech_n : l->data.floor_n;
      for (size_t b = 0; b < l->bands_valid; ++b) {
        sum[b] += (double)p->density[b];
        count[b] += 1.0;
      }
      if (is_speech) {
        l->data.speech_seconds += seconds;
      } else {
        l->data.floor_seconds += seconds;
      }
    }
    l->pending_head = (l->pending_head + 1) % PENDING;
    --l->pending_count;
  }
}

void
ps_ltas_process(PsLtas *l, const float *const *in, size_t n)
{
  size_t done = 0;
  while (done < n) {
    size_t take = l->hop - l->since_frame;
    if (take > n - done) {
      take = n - done;
    }
    /* In pieces of at most a hop, so that frames are sorted as their
       decisions come, whatever n is.  Samples that are not finite or beyond
       +80 dBFS count as 0: no sum may overflow. */
    const float *piece[MAX_CHANNELS];
    for (unsigned c = 0; c < l->channels; ++c) {
      float *clean = l->clean[c];
      for (size_t i = 0; i < take; ++i) {
        const float x = in[c][done + i];
        clean[i] = fabsf(x) <= 1e4f ? x : 0.0f; /* NaN fails the test too */
      }
      piece[c] = clean;
    }
    ps_speech_process(l->speech, piece, take);
    for (unsigned c = 0; c < l->channels; ++c) {
      float *r = l->ring[c];
      size_t pos = l->ring_pos;
      for (size_t i = 0; i < take; ++i) {
        r[pos] = piece[c][i];
        pos = pos + 1 == l->n ? 0 : pos + 1;
      }
    }
    l->ring_pos = (l->ring_pos + take) % l->n;
    l->since_frame += take;
    l->samples += take;
    done += take;
    if (l->since_frame == l->hop) {
      l->since_frame = 0;
      if (l->samples >= l->n) {
        if (l->pending_count == PENDING) { /* never at a sane rate: drop the oldest */
          l->pending_head = (l->pending_head + 1) % PENDING;
          --l->pending_count;
        }
        Pending *p = &l->pending[(l->pending_head + l->pending_count) % PENDING];
        p->start = l->samples - l->n;
        analyse(l, p->density);
        ++l->pending_count;
      }
    }
    sort_pending(l);
  }
}
