/* Room tone profile and its learning: see room_profile.h. */
#include "room_profile.h"

#include "noise_floor.h"
#include "le_bytes.h"
#include "ps_status.h"
#include "speech.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define N PS_LTAS_BANDS
#define COARSE_WINDOW 3.0 /* s, minimum statistics of the broadband floor */
#define FINE_WINDOW 5.0   /* s (the fine engine's minima are not used) */
#define FINE_SECONDS 0.3  /* fine frames of at least this: 16384 samples at 48 kHz */
#define FINE_PENDING 8    /* fine frames waiting for their speech decisions */
#define FINE_MARGIN 3     /* decisions each side of a fine frame that must be pauses */
#define COARSE_MARGIN 8   /* and of a coarse frame (speech tails under a quiet floor) */
#define LEVEL_EVERY 0.25  /* s between samples of the floor's level */
#define TONE_RATIO 2.5    /* 4 dB over the local median */
#define TONE_NEIGHBOURS 16
#define TONE_LOBE 3       /* bins each side summed for a tone's power */
#define TONE_MIN_HZ 20.0
#define TONE_MAX_HZ 8000.0
#define FINE_MIN_SECONDS 5.0 /* of new learning before its tones replace restored ones */
#define FINE_FIRST_SECONDS 2.0 /* of pause frames before the first tone search: the
                                  average of fewer frames has peaks of its own */
#define LEVEL_SAMPLES 4096   /* the floor's level, the last 17 minutes of it */
/* A window's minimum counts only when the speech detector saw a pause of
   at least this long inside the window (seconds): a window all speech
   holds the speech's own minimum, not the floor's. */
#define COARSE_PAUSE 0.4
/* Correlation time of the level when the pauses are too short to measure
   it: the slow swell of passing traffic. */
#define DEFAULT_LEVEL_SECONDS 2.0
#define COARSE_PENDING 16 /* coarse frames waiting for their decisions */
/* A frame in a pause counts only when its power over the speech band is
   within 6 dB of the floor's (the minimum statistics'). */
#define QUIET_LO_HZ 200.0
#define QUIET_HI_HZ 8000.0
#define QUIET_RATIO 4.0
/* Pause frames (in seconds of hop) from which their mean is the floor;
   with fewer, the minimum statistics alone. */
#define GATED_MIN_SECONDS 1.0

struct PsRoomStats {
  double rate;
  unsigned channels;
  size_t fine_bins;
  double fine_bin_hz;
  double fine_bias;
  double coarse_bin_hz;
  /* new learning, on the band grid */
  double floor_sum[PS_ROOM_MAX_CHANNELS][N]; /* minimum-statistics estimates */
  double floor_n[N];
  double gated_sum[PS_ROOM_MAX_CHANNELS][N]; /* periodograms of frames in pauses */
  double gated_n[N];
  double gated_seconds;
  double coh_xy[N], coh_xx[N], coh_yy[N];
  double coh_frames;
  /* the floor's level every LEVEL_EVERY where no speech was in it, dB;
     follows: the sample right after the one before it (no gap between) */
  float lv_x[LEVEL_SAMPLES];
  unsigned char lv_follows[LEVEL_SAMPLES];
  size_t lv_count, lv_head;
  bool lv_last_ok;
  double seconds;
  /* fine spectrum (per bin of this rate): sum of the periodograms of the
     frames that lie in pauses */
  double *fine_sum[PS_ROOM_MAX_CHANNELS];
  double fine_n;
  double fine_seconds;
  /* a restored profile, standing for base.seconds of learning */
  PsRoomProfile base;
};

struct PsRoomLearn {
  double rate;
  unsigned channels;
  PsSpeech *speech;
  uint64_t scanned;     /* decisions looked at */
  uint64_t pause_run;   /* speech-free decisions in a row */
  uint64_t coarse_pause_end; /* decision frame (+1) where the last long
                                enough pause was seen */
  /* coarse frames waiting for the decisions over them: band means of the
     periodograms, and of the cross-spectra in stereo */
  double (*coarse_pending)[PS_ROOM_MAX_CHANNELS + 3][N];
  uint64_t coarse_pending_end[COARSE_PENDING];
  bool coarse_pending_quiet[COARSE_PENDING];
  size_t coarse_head, coarse_count;
  size_t coarse_n_samples;
  /* fine frames waiting for the decisions over them */
  float *pending[FINE_PENDING][PS_ROOM_MAX_CHANNELS];
  uint64_t pending_end[FINE_PENDING]; /* sample after the frame */
  bool pending_quiet[FINE_PENDING];
  size_t pending_head, pending_count;
  size_t fine_n_samples;
  uint64_t samples;     /* since restart */
  PsNoiseFloor *coarse[PS_ROOM_MAX_CHANNELS];
  PsNoiseFloor *fine[PS_ROOM_MAX_CHANNELS];
  double band_lo[N], band_hi[N];
  size_t bands_valid;
  size_t coarse_bins;
  double *bin_a, *bin_b, *bin_c; /* coarse-bin scratch */
  double *cumulative;
  size_t level_lo, level_hi; /* bins summed for the level */
  size_t level_frames, level_count;
  double level_sum; /* periodogram power over the interval so far */
  bool level_ok;    /* no frame of it over the floor by 6 dB (speech) */
  /* the input in whole pieces of rate / 100 frames (10 ms; 9.98 ms at
     22.05 kHz) counted from the restart, so that a piece of digital
     silence is left out whatever the block sizes */
  float *piece[PS_ROOM_MAX_CHANNELS];
  size_t piece_size, piece_fill;
  PsRoomStats *stats;
};

/* Profiles ----------------------------------------------------------------*/

static double
band_width_hz(size_t b)
{
  const double hz = ps_ltas_band_hz(b);
  return hz * (exp2(0.5 / PS_LTAS_PER_OCTAVE) - exp2(-0.5 / PS_LTAS_PER_OCTAVE));
}

double
ps_room_profile_power(const PsRoomProfile *p)
{
  double total = 0.0;
  for (unsigned c = 0; c < p->channels; ++c) {
    for (size_t b = 0; b < N; ++b) {
      total += p->density[c][b] * band_width_hz(b);
    }
    for (unsigned t = 0; t < p->n_tones; ++t) {
      total += p->tones[t].power[c];
    }
  }
  return p->channels ? total / p->channels : 0.0;
}

double
ps_room_profile_db(const PsRoomProfile *p)
{
  const double power = ps_room_profile_power(p);
  return power > 0.0 ? 10.0 * log10(power) : -HUGE_VAL;
}

bool
ps_room_profile_valid(const PsRoomProfile *p)
{
  if (!p || p->channels < 1 || p->channels > PS_ROOM_MAX_CHANNELS ||
      p->n_tones > PS_ROOM_MAX_TONES || !(p->seconds >= 0.0) || !isfinite(p->seconds) ||
      !(p->level_sd_db >= 0.0 && p->level_sd_db <= 40.0) ||
      !(p->level_seconds >= 0.0 && p->level_seconds <= 3600.0)) {
    return false;
  }
  for (size_t b = 0; b < N; ++b) {
    for (unsigned c = 0; c < PS_ROOM_MAX_CHANNELS; ++c) {
      if (!(p->density[c][b] >= 0.0) || !isfinite(p->density[c][b])) {
        return false;
      }
    }
    if (!(p->coherence[b] >= -1.0 && p->coherence[b] <= 1.0)) {
      return false;
    }
  }
  for (unsigned t = 0; t < p->n_tones; ++t) {
    if (!(p->tones[t].hz > 0.0 && p->tones[t].hz < 100000.0)) {
      return false;
    }
    for (unsigned c = 0; c < PS_ROOM_MAX_CHANNELS; ++c) {
      if (!(p->tones[t].power[c] >= 0.0) || !isfinite(p->tones[t].power[c])) {
        return false;
      }
    }
  }
  return true;
}

void
ps_room_profile_encode(const PsRoomProfile *p, unsigned char *out)
{
  ps_le_put_double(out, (double)p->channels);
  ps_le_put_double(out + 8, (double)p->n_tones);
  out += 16;
  for (unsigned c = 0; c < PS_ROOM_MAX_CHANNELS; ++c) {
    for (size_t b = 0; b < N; ++b, out += 8) {
      ps_le_put_double(out, p->density[c][b]);
    }
  }
  for (size_t b = 0; b < N; ++b, out += 8) {
    ps_le_put_double(out, p->coherence[b]);
  }
  for (unsigned t = 0; t < PS_ROOM_MAX_TONES; ++t) {
    ps_le_put_double(out, t < p->n_tones ? p->tones[t].hz : 0.0);
    out += 8;
    for (unsigned c = 0; c < PS_ROOM_MAX_CHANNELS; ++c, out += 8) {
      ps_le_put_double(out, t < p->n_tones ? p->tones[t].power[c] : 0.0);
    }
  }
  ps_le_put_double(out, p->level_sd_db);
  ps_le_put_double(out + 8, p->level_seconds);
  ps_le_put_double(out + 16, p->seconds);
}

int
ps_room_profile_decode(PsRoomProfile *p, const unsigned char *in)
{
  PsRoomProfile *t = (PsRoomProfile *)calloc(1, sizeof(PsRoomProfile));
  if (!t) {
    return PS_ERR_NOMEM;
  }
  const double channels = ps_le_get_double(in), tones = ps_le_get_double(in + 8);
  in += 16;
  int ok = channels >= 1.0 && channels <= PS_ROOM_MAX_CHANNELS && tones >= 0.0 &&
           tones <= PS_ROOM_MAX_TONES && channels == floor(channels) && tones == floor(tones);
  t->channels = ok ? (unsigned)channels : 0;
  t->n_tones = ok ? (unsigned)tones : 0;
  for (unsigned c = 0; c < PS_ROOM_MAX_CHANNELS; ++c) {
    for (size_t b = 0; b < N; ++b, in += 8) {
      t->density[c][b] = ps_le_get_double(in);
    }
  }
  for (size_t b = 0; b < N; ++b, in += 8) {
    t->coherence[b] = ps_le_get_double(in);
  }
  for (unsigned k = 0; k < PS_ROOM_MAX_TONES; ++k) {
    t->tones[k].hz = ps_le_get_double(in);
    in += 8;
    for (unsigned c = 0; c < PS_ROOM_MAX_CHANNELS; ++c, in += 8) {
      t->tones[k].power[c] = ps_le_get_double(in);
    }
  }
  t->level_sd_db = ps_le_get_double(in);
  t->level_seconds = ps_le_get_double(in + 8);
  t->seconds = ps_le_get_double(in + 16);
  ok = ok && ps_room_profile_valid(t);
  if (ok) {
    *p = *t;
  }
  free(t);
  return ok ? PS_OK : PS_ERR_ARG;
}

#define FILE_MAGIC "PSRP"
#define FILE_VERSION 1u

void
ps_room_profile_write(const PsRoomProfile *p, unsigned char *out)
{
  memset(out, 0, 16);
  memcpy(out, FILE_MAGIC, 4);
  ps_le_put_u32(out + 4, FILE_VERSION);
  ps_room_profile_encode(p, out + 16);
}

int
ps_room_profile_read(PsRoomProfile *p, const unsigned char *in, size_t size)
{
  if (!in || size != PS_ROOM_PROFILE_FILE_BYTES || memcmp(in, FILE_MAGIC, 4) ||
      ps_le_get_u32(in + 4) != FILE_VERSION) {
    return PS_ERR_ARG;
  }
  return ps_room_profile_decode(p, in + 16);
}

/* Statistics --------------------------------------------------------------*/

static size_t
fine_size(double rate)
{
  size_t n = 4096;
  while ((double)n < FINE_SECONDS * rate && n < 65536) {
    n *= 2;
  }
  return n;
}

static size_t
coarse_size(double rate)
{
  size_t n = 1024;
  while ((double)n < rate / 12.0) {
    n *= 2;
  }
  return n;
}

int
ps_room_stats_init(PsRoomStats **out, double rate, unsigned channels)
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
  PsRoomStats *s = (PsRoomStats *)calloc(1, sizeof(PsRoomStats));
  if (!s) {
    return PS_ERR_NOMEM;
  }
  s->rate = rate;
  s->channels = channels;
  s->fine_bins = fine_size(rate) / 2 + 1;
  s->fine_bin_hz = rate / (double)fine_size(rate);
  s->coarse_bin_hz = rate / (double)coarse_size(rate);
  s->fine_bias = 1.0;
  for (unsigned c = 0; c < channels; ++c) {
    s->fine_sum[c] = (double *)calloc(s->fine_bins, sizeof(double));
    if (!s->fine_sum[c]) {
      ps_room_stats_free(&s);
      return PS_ERR_NOMEM;
    }
  }
  *out = s;
  return PS_OK;
}

void
ps_room_stats_free(PsRoomStats **ps)
{
  if (!ps || !*ps) {
    return;
  }
  for (unsigned c = 0; c < PS_ROOM_MAX_CHANNELS; ++c) {
    free((*ps)->fine_sum[c]);
  }
  free(*ps);
  *ps = NULL;
}

/* Everything but the fine arrays' pointers. */
static void
stats_clear(PsRoomStats *s)
{
  double *fine[PS_ROOM_MAX_CHANNELS];
  memcpy(fine, s->fine_sum, sizeof(fine));
  const double rate = s->rate, bin_hz = s->fine_bin_hz, bias = s->fine_bias;
  const double coarse_hz = s->coarse_bin_hz;
  const size_t bins = s->fine_bins;
  const unsigned channels = s->channels;
  memset(s, 0, sizeof(*s));
  memcpy(s->fine_sum, fine, sizeof(fine));
  s->rate = rate;
  s->fine_bin_hz = bin_hz;
  s->fine_bias = bias;
  s->coarse_bin_hz = coarse_hz;
  s->fine_bins = bins;
  s->channels = channels;
  for (unsigned c = 0; c < channels; ++c) {
    memset(s->fine_sum[c], 0, bins * sizeof(double));
  }
}

void
ps_room_stats_copy(PsRoomStats *dst, const PsRoomStats *src)
{
  double *fine[PS_ROOM_MAX_CHANNELS];
  memcpy(fine, dst->fine_sum, sizeof(fine));
  memcpy(dst, src, sizeof(*dst));
  memcpy(dst->fine_sum, fine, sizeof(fine));
  for (unsigned c = 0; c < src->channels; ++c) {
    memcpy(dst->fine_sum[c], src->fine_sum[c], src->fine_bins * sizeof(double));
  }
}

/* Median of n <= 2 TONE_NEIGHBOURS + 1 values (insertion sort of a copy). */
static double
median(const double *v, size_t n)
{
  double s[2 * TONE_NEIGHBOURS + 1];
  for (size_t i = 0; i < n; ++i) {
    double x = v[i];
    size_t j = i;
    while (j > 0 && s[j - 1] > x) {
      s[j] = s[j - 1];
      --j;
    }
    s[j] = x;
  }
  return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/* Power response of a Hann window d bins off a sine, 1 at d = 0. */
static double
hann_response(double d)
{
  const double x = fabs(d);
  if (x < 1e-9) {
    return 1.0;
  }
  if (fabs(x - 1.0) < 1e-6) {
    return 0.25;
  }
  const double sinc = sin(3.14159265358979323846 * x) / (3.14159265358979323846 * x);
  const double w = sinc / (1.0 - x * x);
  return w * w;
}

/* Each tone's power again, strongest first, from the bin nearest to it
   alone, less the floor and less what the tones already measured put in
   that bin through their main lobes and side lobes: two tones 2.5 bins
   apart (a fan at 112.5 Hz under 120 Hz hum) no longer add up. */
static void
refine_tones(const PsRoomStats *s, PsRoomTone *tones, unsigned count)
{
  const double bin_hz = s->fine_bin_hz;
  for (unsigned t = 0; t < count; ++t) {
    const double at = tones[t].hz / bin_hz;
    const size_t k = (size_t)llround(at);
    if (k <= TONE_NEIGHBOURS || k + TONE_NEIGHBOURS + 1 >= s->fine_bins) {
      continue;
    }
    for (unsigned c = 0; c < s->channels; ++c) {
      double v[2 * TONE_NEIGHBOURS + 1];
      for (size_t j = 0; j < 2 * TONE_NEIGHBOURS + 1; ++j) {
        v[j] = s->fine_sum[c][k - TONE_NEIGHBOURS + j] / s->fine_n;
      }
      double excess = v[TONE_NEIGHBOURS] - median(v, 2 * TONE_NEIGHBOURS + 1);
      for (unsigned u = 0; u < t; ++u) {
        excess -= tones[u].power[c] / (1.5 * bin_hz) *
                  hann_response((double)k - tones[u].hz / bin_hz);
      }
      const double h = hann_response((double)k - at);
      tones[t].power[c] = excess > 0.0 && h > 0.1 ? excess * 1.5 * bin_hz / h : tones[t].power[c];
    }
  }
}

/* The tones of the fine spectrum, strongest first. */
static unsigned
find_tones(const PsRoomStats *s, PsRoomTone *tones)
{
  const size_t bins = s->fine_bins;
  const double bin_hz = s->fine_bin_hz;
  const double n = s->fine_n;
  /* a neighbourhood centred on the bin: on a steep floor (brown noise,
     rumble) the median of a monotone stretch is its middle, so the floor's
     slope alone never reads as a peak */
  size_t k_lo = (size_t)ceil(TONE_MIN_HZ / bin_hz);
  k_lo = k_lo > TONE_NEIGHBOURS + 1 ? k_lo : TONE_NEIGHBOURS + 1;
  size_t k_hi = (size_t)floor(fmin(TONE_MAX_HZ, 0.45 * s->rate) / bin_hz);
  k_hi = k_hi + TONE_NEIGHBOURS + 1 < bins ? k_hi : bins - TONE_NEIGHBOURS - 2;
  unsigned count = 0;
  double strength[PS_ROOM_MAX_TONES];
  for (size_t k = k_lo; k <= k_hi; ++k) {
    /* channel mean of the raw minimum around k */
    /* the neighbourhood, shifted up against the lowest bins */
    const size_t w0 = k > TONE_NEIGHBOURS ? k - TONE_NEIGHBOURS : 1;
    const size_t ci = k - w0; /* where k is in it */
    double m[2 * TONE_NEIGHBOURS + 1];
    for (size_t j = 0; j < 2 * TONE_NEIGHBOURS + 1; ++j) {
      double v = 0.0;
      for (unsigned c = 0; c < s->channels; ++c) {
        v += s->fine_sum[c][w0 + j];
      }
      m[j] = v / (n * s->channels);
    }
    const double centre = m[ci];
    if (!(centre > 0.0)) {
      continue;
    }
    bool peak = true;
    for (size_t d = 1; d <= 2 && peak; ++d) {
      peak = (ci < d || centre >= m[ci - d]) && centre > m[ci + d];
    }
    if (!peak) {
      continue;
    }
    const double ref = median(m, 2 * TONE_NEIGHBOURS + 1);
    if (!(centre > TONE_RATIO * ref)) {
      continue;
    }
    /* frequency: parabola through the log spectrum at k - 1, k, k + 1 */
    const double a = log(m[ci - 1] + 1e-30), b = log(centre), c3 = log(m[ci + 1] + 1e-30);
    const double den = a - 2.0 * b + c3;
    double delta = den < 0.0 ? 0.5 * (a - c3) / den : 0.0;
    delta = delta > 0.5 ? 0.5 : delta < -0.5 ? -0.5 : delta;
    PsRoomTone tone;
    memset(&tone, 0, sizeof(tone));
    tone.hz = ((double)k + delta) * bin_hz;
    double total = 0.0;
    for (unsigned ch = 0; ch < s->channels; ++ch) {
      double v[2 * TONE_NEIGHBOURS + 1];
      for (size_t j = 0; j < 2 * TONE_NEIGHBOURS + 1; ++j) {
        v[j] = s->fine_sum[ch][w0 + j] / n;
      }
      const double floor_here = median(v, 2 * TONE_NEIGHBOURS + 1);
      /* from the three bins at the peak, less the floor: a Hann window's
         main lobe is a parabola in the log spectrum, whose top is the
         density of the sine at its frequency, P / (1.5 bin_hz); a
         neighbouring tone 2.5 bins away hardly touches these bins */
      const double e0 = v[ci - 1] - floor_here, e1 = v[ci] - floor_here,
                   e2 = v[ci + 1] - floor_here;
      double p = 0.0;
      if (e0 > 0.0 && e1 > 0.0 && e2 > 0.0) {
        const double la = log(e0), lb = log(e1), lc = log(e2);
        const double dd = la - 2.0 * lb + lc;
        double dl = dd < 0.0 ? 0.5 * (la - lc) / dd : 0.0;
        dl = dl > 0.5 ? 0.5 : dl < -0.5 ? -0.5 : dl;
        p = exp(lb - 0.25 * (la - lc) * dl) * 1.5;
      } else {
        for (size_t j = ci >= TONE_LOBE ? ci - TONE_LOBE : 0; j <= ci + TONE_LOBE; ++j) {
          const double excess = v[j] - floor_here;
          p += excess > 0.0 ? excess : 0.0;
        }
      }
      tone.power[ch] = p * bin_hz;
      total += tone.power[ch];
    }
    /* keep the strongest PS_ROOM_MAX_TONES, sorted */
    unsigned at = count;
    while (at > 0 && strength[at - 1] < total) {
      --at;
    }
    if (at >= PS_ROOM_MAX_TONES) {
      continue;
    }
    const unsigned last = count < PS_ROOM_MAX_TONES ? count : PS_ROOM_MAX_TONES - 1;
    for (unsigned i = last; i > at; --i) {
      tones[i] = tones[i - 1];
      strength[i] = strength[i - 1];
    }
    tones[at] = tone;
    strength[at] = total;
    count = count < PS_ROOM_MAX_TONES ? count + 1 : count;
  }
  refine_tones(s, tones, count);
  return count;
}

/* Replaces the bands within `half_hz` of each tone by a straight line (in
   dB over log frequency) between the bands just outside. */
static void
bridge_tones(double *density, const PsRoomTone *tones, unsigned n_tones, double half_hz)
{
  for (unsigned t = 0; t < n_tones; ++t) {
    const double lo_hz = tones[t].hz - half_hz, hi_hz = tones[t].hz + half_hz;
    size_t lo = N, hi = 0;
    for (size_t b = 0; b < N; ++b) {
      const double hz = ps_ltas_band_hz(b);
      if (hz >= lo_hz && hz <= hi_hz) {
        lo = b < lo ? b : lo;
        hi = b;
      }
    }
    if (lo == N || lo == 0 || hi + 1 >= N || !(density[lo - 1] > 0.0) ||
        !(density[hi + 1] > 0.0)) {
      continue;
    }
    const double a = log(density[lo - 1]), z = log(density[hi + 1]);
    for (size_t b = lo; b <= hi; ++b) {
      const double f = (double)(b - lo + 1) / (double)(hi - lo + 2);
      density[b] = exp(a + f * (z - a));
    }
  }
}

/* In-place heap sort: glibc's qsort may allocate, and this runs in run()
   when the host has no worker. */
static void
sift_down(float *v, size_t root, size_t n)
{
  for (;;) {
    size_t child = 2 * root + 1;
    if (child >= n) {
      return;
    }
    if (child + 1 < n && v[child + 1] > v[child]) {
      ++child;
    }
    if (!(v[child] > v[root])) {
      return;
    }
    const float t = v[root];
    v[root] = v[child];
    v[child] = t;
    root = child;
  }
}

static void
sort_floats(float *v, size_t n)
{
  for (size_t i = n / 2; i-- > 0;) {
    sift_down(v, i, n);
  }
  for (size_t end = n; end-- > 1;) {
    const float t = v[0];
    v[0] = v[end];
    v[end] = t;
    sift_down(v, 0, end);
  }
}

/* Robust spread and correlation time of the level samples: speech tails
   that slipped into a speech-free interval are outliers on the high side,
   so the spread is 1.4826 times the median absolute deviation, and pairs
   with a value beyond three of those from the median are left out of the
   correlation. */
static void
level_stats(const PsRoomStats *s, double *sd, double *tau)
{
  *sd = 0.0;
  *tau = 0.0;
  const size_t n = s->lv_count;
  if (n < 16) {
    return;
  }
  float sorted[LEVEL_SAMPLES];
  memcpy(sorted, s->lv_x, n * sizeof(float));
  sort_floats(sorted, n);
  const double median = (double)sorted[n / 2];
  for (size_t i = 0; i < n; ++i) {
    sorted[i] = fabsf(s->lv_x[i] - (float)median);
  }
  sort_floats(sorted, n);
  const double spread = 1.4826 * (double)sorted[n / 2];
  *sd = spread;
  if (spread <= 1e-3) {
    return;
  }
  double cross = 0.0, power = 0.0;
  size_t pairs = 0;
  for (size_t i = 1; i < n; ++i) {
    /* oldest first, in ring order */
    const size_t at = (s->lv_head + LEVEL_SAMPLES - n + i) % LEVEL_SAMPLES;
    const size_t before = (at + LEVEL_SAMPLES - 1) % LEVEL_SAMPLES;
    if (!s->lv_follows[at]) {
      continue;
    }
    const double a = (double)s->lv_x[before] - median, b = (double)s->lv_x[at] - median;
    if (fabs(a) > 3.0 * spread || fabs(b) > 3.0 * spread) {
      continue;
    }
    cross += a * b;
    power += 0.5 * (a * a + b * b);
    ++pairs;
  }
  if (pairs >= 8 && power > 0.0) {
    double rho = cross / power;
    rho = rho < 0.01 ? 0.01 : rho > 0.999 ? 0.999 : rho;
    *tau = -LEVEL_EVERY / log(rho);
  } else {
    *tau = DEFAULT_LEVEL_SECONDS; /* too few pauses in a row to tell */
  }
}

void
ps_room_stats_profile(const PsRoomStats *s, PsRoomProfile *p)
{
  const PsRoomProfile *base = &s->base;
  const double wb = base->seconds, wn = s->seconds;
  memset(p, 0, sizeof(*p));
  p->channels = s->channels;
  if (s->fine_seconds >= FINE_MIN_SECONDS ||
      (wb <= 0.0 && s->fine_seconds >= FINE_FIRST_SECONDS)) {
    p->n_tones = find_tones(s, p->tones);
  } else if (wb > 0.0) {
    p->n_tones = base->n_tones;
    memcpy(p->tones, base->tones, sizeof(p->tones));
    if (base->channels < s->channels) { /* a mono profile on two channels */
      for (unsigned t = 0; t < p->n_tones; ++t) {
        p->tones[t].power[1] = p->tones[t].power[0];
      }
    }
  }
  for (unsigned c = 0; c < s->channels; ++c) {
    double fresh[N];
    /* the mean of the frames in pauses when there are enough of them, else
       the minimum statistics, which need only short gaps in each band */
    const bool gated = s->gated_seconds >= GATED_MIN_SECONDS;
    const double *sum = gated ? s->gated_sum[c] : s->floor_sum[c];
    const double *count = gated ? s->gated_n : s->floor_n;
    for (size_t b = 0; b < N; ++b) {
      fresh[b] = count[b] > 0.0 ? sum[b] / count[b] : 0.0;
    }
    /* the coarse analysis spreads a tone over its main lobe, +-2 bins */
    bridge_tones(fresh, p->tones, p->n_tones, 2.5 * s->coarse_bin_hz);
    const unsigned bc = c < base->channels ? c : 0;
    for (size_t b = 0; b < N; ++b) {
      const double old = base->density[bc][b];
      const bool has_new = fresh[b] > 0.0, has_old = wb > 0.0 && old > 0.0;
      p->density[c][b] = has_new && has_old ? (old * wb + fresh[b] * wn) / (wb + wn)
                         : has_new          ? fresh[b]
                         : has_old          ? old
                                            : 0.0;
    }
  }
  for (size_t b = 0; b < N; ++b) {
    double fresh = 1.0;
    if (s->channels == 2) {
      const double d = sqrt(s->coh_xx[b] * s->coh_yy[b]);
      fresh = d > 0.0 ? s->coh_xy[b] / d : 0.0;
    }
    const bool has_new = s->channels == 1 || s->coh_frames > 0.0;
    const double old = wb > 0.0 ? base->coherence[b] : fresh;
    double v = has_new && wb > 0.0 ? (old * wb + fresh * wn) / (wb + wn) : has_new ? fresh : old;
    p->coherence[b] = v > 1.0 ? 1.0 : v < -1.0 ? -1.0 : v;
  }
  double sd = 0.0, tau = 0.0;
  level_stats(s, &sd, &tau);
  if (wb > 0.0 && s->lv_count < 16) {
    sd = base->level_sd_db;
    tau = base->level_seconds;
  } else if (wb > 0.0) {
    sd = (base->level_sd_db * wb + sd * wn) / (wb + wn);
    tau = (base->level_seconds * wb + tau * wn) / (wb + wn);
  }
  p->level_sd_db = sd > 40.0 ? 40.0 : sd;
  p->level_seconds = tau > 3600.0 ? 3600.0 : tau;
  p->seconds = wb + wn;
  /* whatever slipped through as not finite (sums that overflowed) is no
     profile: nothing rather than noise at +300 dB */
  if (!ps_room_profile_valid(p)) {
    const unsigned channels = p->channels;
    const double seconds = isfinite(p->seconds) ? p->seconds : 0.0;
    memset(p, 0, sizeof(*p));
    p->channels = channels;
    p->seconds = seconds;
  }
}

/* Learning ----------------------------------------------------------------*/

int
ps_room_learn_init(PsRoomLearn **out, double rate, unsigned channels)
{
  if (!out) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  PsRoomLearn *l = (PsRoomLearn *)calloc(1, sizeof(PsRoomLearn));
  if (!l) {
    return PS_ERR_NOMEM;
  }
  l->rate = rate;
  l->channels = channels;
  int st = ps_room_stats_init(&l->stats, rate, channels);
  const size_t coarse = coarse_size(rate);
  if (!st) {
    st = ps_speech_init(&l->speech, rate, channels);
  }
  for (unsigned c = 0; c < channels && !st; ++c) {
    st = ps_noise_floor_init(&l->coarse[c], rate, coarse, COARSE_WINDOW);
    if (!st) {
      st = ps_noise_floor_init(&l->fine[c], rate, fine_size(rate), FINE_WINDOW);
    }
  }
  if (!st) {
    l->coarse_bins = coarse / 2 + 1;
    l->bin_a = (double *)calloc(l->coarse_bins, sizeof(double));
    l->bin_b = (double *)calloc(l->coarse_bins, sizeof(double));
    l->bin_c = (double *)calloc(l->coarse_bins, sizeof(double));
    l->cumulative = (double *)calloc(l->coarse_bins + 1, sizeof(double));
    st = l->bin_a && l->bin_b && l->bin_c && l->cumulative ? PS_OK : PS_ERR_NOMEM;
  }
  l->piece_size = (size_t)(rate / PS_SPEECH_FRAME_RATE);
  for (unsigned c = 0; c < channels && !st; ++c) {
    l->piece[c] = (float *)calloc(l->piece_size, sizeof(float));
    st = l->piece[c] ? PS_OK : PS_ERR_NOMEM;
  }
  if (st) {
    ps_room_learn_free(&l);
    return st;
  }
  l->stats->fine_bias = ps_noise_floor_bias(l->fine[0]);
  l->fine_n_samples = fine_size(rate);
  l->coarse_n_samples = coarse;
  l->coarse_pending = calloc(COARSE_PENDING, sizeof(*l->coarse_pending));
  if (!l->coarse_pending) {
    ps_room_learn_free(&l);
    return PS_ERR_NOMEM;
  }
  for (size_t i = 0; i < FINE_PENDING && !st; ++i) {
    for (unsigned c = 0; c < channels; ++c) {
      l->pending[i][c] = (float *)calloc(l->stats->fine_bins, sizeof(float));
      if (!l->pending[i][c]) {
        ps_room_learn_free(&l);
        return PS_ERR_NOMEM;
      }
    }
  }
  l->bands_valid = ps_ltas_band_edges(rate, coarse, l->band_lo, l->band_hi);
  const double bin_hz = rate / (double)coarse;
  l->level_lo = (size_t)ceil(50.0 / bin_hz);
  l->level_hi = (size_t)floor(fmin(16000.0, 0.45 * rate) / bin_hz);
  l->level_frames = (size_t)lround(LEVEL_EVERY * rate / (double)(coarse / 4));
  ps_room_learn_restart(l);
  *out = l;
  return PS_OK;
}

void
ps_room_learn_free(PsRoomLearn **pl)
{
  if (!pl || !*pl) {
    return;
  }
  PsRoomLearn *l = *pl;
  for (unsigned c = 0; c < PS_ROOM_MAX_CHANNELS; ++c) {
    ps_noise_floor_free(&l->coarse[c]);
    ps_noise_floor_free(&l->fine[c]);
  }
  ps_room_stats_free(&l->stats);
  ps_speech_free(&l->speech);
  free(l->coarse_pending);
  for (size_t i = 0; i < FINE_PENDING; ++i) {
    for (unsigned c = 0; c < PS_ROOM_MAX_CHANNELS; ++c) {
      free(l->pending[i][c]);
    }
  }
  for (unsigned c = 0; c < PS_ROOM_MAX_CHANNELS; ++c) {
    free(l->piece[c]);
  }
  free(l->bin_a);
  free(l->bin_b);
  free(l->bin_c);
  free(l->cumulative);
  free(l);
  *pl = NULL;
}

void
ps_room_learn_restart(PsRoomLearn *l)
{
  for (unsigned c = 0; c < l->channels; ++c) {
    ps_noise_floor_reset(l->coarse[c]);
    ps_noise_floor_reset(l->fine[c]);
  }
  ps_speech_reset(l->speech);
  l->scanned = 0;
  l->pause_run = 0;
  l->coarse_pause_end = 0;
  l->pending_head = l->pending_count = 0;
  l->coarse_head = l->coarse_count = 0;
  l->samples = 0;
  l->level_count = 0;
  l->level_sum = 0.0;
  l->level_ok = true;
  l->stats->lv_last_ok = false;
  l->piece_fill = 0;
}

void
ps_room_learn_clear(PsRoomLearn *l)
{
  stats_clear(l->stats);
  ps_room_learn_restart(l);
}

double
ps_room_learn_seconds(const PsRoomLearn *l)
{
  return l->stats->seconds + l->stats->base.seconds;
}

const PsRoomStats *
ps_room_learn_stats(const PsRoomLearn *l)
{
  return l->stats;
}

void
ps_room_learn_set_profile(PsRoomLearn *l, const PsRoomProfile *p)
{
  stats_clear(l->stats);
  l->stats->base = *p;
  ps_room_learn_restart(l);
}

/* Whether the window of `stage` that ends now held a pause that ended at
   decision frame pause_end (+1). */
static bool
window_has_pause(const PsRoomLearn *l, const PsNoiseFloor *stage, uint64_t pause_end,
                 double window)
{
  if (!pause_end) {
    return false;
  }
  const double now = (double)l->samples / l->rate * PS_SPEECH_FRAME_RATE;
  /* the sub-window minima reach back between 7/8 of the window and all of
     it; and a pause ends its smoothing a few frames after it ends */
  const double reach = (0.85 * window - 0.1) * PS_SPEECH_FRAME_RATE;
  (void)stage;
  return now - (double)pause_end < reach;
}

/* Follows the speech detector's decisions: where the last long pauses were. */
static void
scan_decisions(PsRoomLearn *l)
{
  const uint64_t decided = ps_speech_frames(l->speech);
  const uint64_t coarse_run = (uint64_t)(COARSE_PAUSE * PS_SPEECH_FRAME_RATE);
  for (; l->scanned < decided; ++l->scanned) {
    const bool speech = ps_speech_decision(l->speech, l->scanned, NULL);
    l->pause_run = speech ? 0 : l->pause_run + 1;
    if (l->pause_run >= coarse_run) {
      l->coarse_pause_end = l->scanned + 1;
    }
  }
}

/* Power of a density given per bin of bin_hz over QUIET_LO_HZ..QUIET_HI_HZ. */
static double
speech_band_power(const float *density, size_t bins, double bin_hz)
{
  const size_t lo = (size_t)ceil(QUIET_LO_HZ / bin_hz);
  size_t hi = (size_t)floor(QUIET_HI_HZ / bin_hz);
  hi = hi < bins ? hi : bins - 1;
  double p = 0.0;
  for (size_t k = lo; k <= hi; ++k) {
    p += (double)density[k];
  }
  return p * bin_hz;
}

/* Whether the frame just analysed by `stage` holds no more than the floor
   in the speech band (within 6 dB of the coarse minimum statistics): the
   speech detector misses the quietest speech, which would show over a
   quiet floor.  True while the minimum statistics have not settled. */
static bool
at_floor(const PsRoomLearn *l, PsNoiseFloor *const *stage)
{
  if (!ps_noise_floor_settled(l->coarse[0])) {
    return true;
  }
  const double coarse_hz = ps_noise_floor_bin_hz(l->coarse[0]);
  const double stage_hz = ps_noise_floor_bin_hz(stage[0]);
  for (unsigned c = 0; c < l->channels; ++c) {
    const double floor_power = speech_band_power(ps_noise_floor_estimate(l->coarse[c]),
                                                 l->coarse_bins, coarse_hz);
    const double frame = speech_band_power(ps_noise_floor_periodogram(stage[c]),
                                           ps_noise_floor_bins(stage[c]), stage_hz);
    if (!(frame < QUIET_RATIO * floor_power)) {
      return false;
    }
  }
  return true;
}

/* One coarse frame of every channel: the minimum-statistics floor and the
   level; the periodograms wait for the decisions. */
static void
coarse_frame(PsRoomLearn *l)
{
  PsRoomStats *s = l->stats;
  double bands[N];
  /* the frame's band powers (and cross-spectra) until its decisions come */
  if (l->coarse_count == COARSE_PENDING) {
    l->coarse_head = (l->coarse_head + 1) % COARSE_PENDING;
    --l->coarse_count;
  }
  const size_t at = (l->coarse_head + l->coarse_count) % COARSE_PENDING;
  double(*slot)[N] = l->coarse_pending[at];
  for (unsigned c = 0; c < l->channels; ++c) {
    const float *per = ps_noise_floor_periodogram(l->coarse[c]);
    for (size_t k = 0; k < l->coarse_bins; ++k) {
      l->bin_a[k] = per[k];
    }
    ps_ltas_band_means(l->bin_a, l->coarse_bins, l->band_lo, l->band_hi, l->bands_valid,
                       l->cumulative, slot[c]);
  }
  if (l->channels == 2) {
    const float *x = ps_noise_floor_spectrum(l->coarse[0]);
    const float *y = ps_noise_floor_spectrum(l->coarse[1]);
    for (size_t k = 0; k < l->coarse_bins; ++k) {
      const double xr = x[2 * k], xi = x[2 * k + 1], yr = y[2 * k], yi = y[2 * k + 1];
      l->bin_a[k] = xr * yr + xi * yi;
      l->bin_b[k] = xr * xr + xi * xi;
      l->bin_c[k] = yr * yr + yi * yi;
    }
    const double *sources[3] = {l->bin_a, l->bin_b, l->bin_c};
    for (int i = 0; i < 3; ++i) {
      ps_ltas_band_means(sources[i], l->coarse_bins, l->band_lo, l->band_hi, l->bands_valid,
                         l->cumulative, slot[PS_ROOM_MAX_CHANNELS + i]);
    }
  }
  l->coarse_pending_end[at] = l->samples;
  l->coarse_pending_quiet[at] = at_floor(l, l->coarse);
  ++l->coarse_count;

  if (!ps_noise_floor_settled(l->coarse[0]) ||
      !window_has_pause(l, l->coarse[0], l->coarse_pause_end, COARSE_WINDOW)) {
    return;
  }
  double level = 0.0;
  for (unsigned c = 0; c < l->channels; ++c) {
    const float *est = ps_noise_floor_estimate(l->coarse[c]);
    const float *per = ps_noise_floor_periodogram(l->coarse[c]);
    double sum_est = 0.0, sum_per = 0.0;
    for (size_t k = 0; k < l->coarse_bins; ++k) {
      l->bin_a[k] = est[k];
      if (k >= l->level_lo && k <= l->level_hi) {
        sum_est += (double)est[k];
        sum_per += (double)per[k];
      }
    }
    ps_ltas_band_means(l->bin_a, l->coarse_bins, l->band_lo, l->band_hi, l->bands_valid,
                       l->cumulative, bands);
    for (size_t b = 0; b < l->bands_valid; ++b) {
      s->floor_sum[c][b] += bands[b];
    }
    l->level_ok = l->level_ok && sum_per < 4.0 * sum_est;
    level += sum_per;
  }
  for (size_t b = 0; b < l->bands_valid; ++b) {
    s->floor_n[b] += 1.0;
  }
  /* The floor's own level every LEVEL_EVERY, from what the frames hold
     where they hold nothing else: an interval with a frame 6 dB over the
     floor (speech) is a gap in the series. */
  l->level_sum += level;
  if (++l->level_count >= l->level_frames) {
    const bool ok = l->level_ok && l->level_sum > 0.0;
    const double x = ok ? 10.0 * log10(l->level_sum / (double)l->level_count) : 0.0;
    l->level_count = 0;
    l->level_sum = 0.0;
    l->level_ok = true;
    if (ok) {
      s->lv_x[s->lv_head] = (float)x;
      s->lv_follows[s->lv_head] = s->lv_last_ok;
      s->lv_head = (s->lv_head + 1) % LEVEL_SAMPLES;
      s->lv_count += s->lv_count < LEVEL_SAMPLES;
    }
    s->lv_last_ok = ok;
  }
}

/* Whether every decision over [end - length, end) and FINE_MARGIN either
   side is a pause; -1 while they are not all known. */
static int
in_pause(const PsRoomLearn *l, uint64_t end, size_t length, uint64_t margin)
{
  if (end < length) {
    return 0; /* reaches before the start */
  }
  const double per_sample = PS_SPEECH_FRAME_RATE / l->rate;
  const uint64_t first = (uint64_t)floor((double)(end - length) * per_sample);
  const uint64_t last = (uint64_t)floor((double)(end - 1) * per_sample) + margin;
  if (ps_speech_frames(l->speech) <= last) {
    return -1;
  }
  for (uint64_t f = first > margin ? first - margin : 0; f <= last; ++f) {
    if (ps_speech_decision(l->speech, f, NULL)) {
      return 0;
    }
  }
  return 1;
}

/* Adds the waiting coarse frames that lie in a pause, once decided. */
static void
sort_coarse(PsRoomLearn *l)
{
  PsRoomStats *s = l->stats;
  while (l->coarse_count) {
    const size_t at = l->coarse_head;
    const int pause = in_pause(l, l->coarse_pending_end[at], l->coarse_n_samples, COARSE_MARGIN);
    if (pause < 0) {
      break;
    }
    if (pause && l->coarse_pending_quiet[at]) {
      double(*slot)[N] = l->coarse_pending[at];
      for (unsigned c = 0; c < l->channels; ++c) {
        for (size_t b = 0; b < l->bands_valid; ++b) {
          s->gated_sum[c][b] += slot[c][b];
        }
      }
      for (size_t b = 0; b < l->bands_valid; ++b) {
        s->gated_n[b] += 1.0;
      }
      s->gated_seconds += (double)(l->coarse_n_samples / 4) / l->rate;
      if (l->channels == 2) {
        double *targets[3] = {s->coh_xy, s->coh_xx, s->coh_yy};
        for (int i = 0; i < 3; ++i) {
          for (size_t b = 0; b < l->bands_valid; ++b) {
            targets[i][b] += slot[PS_ROOM_MAX_CHANNELS + i][b];
          }
        }
        s->coh_frames += 1.0;
      }
    }
    l->coarse_head = (l->coarse_head + 1) % COARSE_PENDING;
    --l->coarse_count;
  }
}

/* A fine frame waits for the decisions over it. */
static void
fine_frame(PsRoomLearn *l)
{
  if (l->pending_count == FINE_PENDING) { /* decisions late: drop the oldest */
    l->pending_head = (l->pending_head + 1) % FINE_PENDING;
    --l->pending_count;
  }
  const size_t at = (l->pending_head + l->pending_count) % FINE_PENDING;
  for (unsigned c = 0; c < l->channels; ++c) {
    memcpy(l->pending[at][c], ps_noise_floor_periodogram(l->fine[c]),
           l->stats->fine_bins * sizeof(float));
  }
  l->pending_end[at] = l->samples;
  l->pending_quiet[at] = at_floor(l, l->fine);
  ++l->pending_count;
}

/* Adds the waiting fine frames that lie in a pause, once decided. */
static void
sort_fine(PsRoomLearn *l)
{
  PsRoomStats *s = l->stats;
  while (l->pending_count) {
    const size_t at = l->pending_head;
    const int pause = in_pause(l, l->pending_end[at], l->fine_n_samples, FINE_MARGIN);
    if (pause < 0) {
      break;
    }
    if (pause && l->pending_quiet[at]) {
      for (unsigned c = 0; c < l->channels; ++c) {
        const float *per = l->pending[at][c];
        double *sum = s->fine_sum[c];
        for (size_t k = 0; k < s->fine_bins; ++k) {
          sum[k] += (double)per[k];
        }
      }
      s->fine_n += 1.0;
      s->fine_seconds += (double)ps_noise_floor_hop(l->fine[0]) / l->rate;
    }
    l->pending_head = (l->pending_head + 1) % FINE_PENDING;
    --l->pending_count;
  }
}

/* Feeds the engines of one stage in step, channel by channel, n samples
   from `offset` of the block; l->samples is the block's start. */
static void
feed_stage(PsRoomLearn *l, PsNoiseFloor **stage, const float *const *in, size_t offset,
           size_t n, uint64_t block_start, void (*on_frame)(PsRoomLearn *))
{
  size_t done = 0;
  while (done < n) {
    bool frame = false, other = false;
    const size_t used =
      ps_noise_floor_feed(stage[0], in[0] + offset + done, n - done, &frame);
    for (unsigned c = 1; c < l->channels; ++c) {
      ps_noise_floor_feed(stage[c], in[c] + offset + done, used, &other);
    }
    done += used;
    if (frame) {
      l->samples = block_start + offset + done;
      on_frame(l);
    }
  }
}

/* Whether a piece holds nothing at all: digital silence (before or between
   a session's regions, a muted or unplugged input) is no room tone, and
   learnt as a floor it would pull the profile down. */
static bool
piece_silent(const PsRoomLearn *l)
{
  for (unsigned c = 0; c < l->channels; ++c) {
    for (size_t i = 0; i < l->piece_size; ++i) {
      if (!(fabsf(l->piece[c][i]) < 1e-9f)) {
        return false;
      }
    }
  }
  return true;
}

/* One 10 ms piece through the detector and both stages. */
static void
learn_piece(PsRoomLearn *l)
{
  const uint64_t start = l->samples;
  const float *part[PS_ROOM_MAX_CHANNELS];
  for (unsigned c = 0; c < l->channels; ++c) {
    part[c] = l->piece[c];
  }
  const size_t m = l->piece_size;
  ps_speech_process(l->speech, part, m);
  scan_decisions(l);
  feed_stage(l, l->coarse, part, 0, m, start, coarse_frame);
  feed_stage(l, l->fine, part, 0, m, start, fine_frame);
  sort_coarse(l);
  sort_fine(l);
  l->samples = start + m;
  l->stats->seconds += (double)m / l->rate;
}

void
ps_room_learn_process(PsRoomLearn *l, const float *const *in, size_t n)
{
  /* in whole pieces of about 10 ms: the decisions stay abreast of the frames */
  for (size_t done = 0; done < n;) {
    size_t m = l->piece_size - l->piece_fill;
    m = m < n - done ? m : n - done;
    for (unsigned c = 0; c < l->channels; ++c) {
      memcpy(l->piece[c] + l->piece_fill, in[c] + done, m * sizeof(float));
    }
    l->piece_fill += m;
    done += m;
    if (l->piece_fill == l->piece_size) {
      l->piece_fill = 0;
      if (!piece_silent(l)) {
        learn_piece(l);
      }
    }
  }
}
