#include "speech.h"

#include "fft.h"
#include "ps_status.h"

#include <math.h>
#include <samplerate.h>
#include <stdlib.h>
#include <string.h>

#define ANALYSIS_RATE 16000.0
#define HOP 160          /* 10 ms at 16 kHz */
#define WINDOW 512       /* 32 ms */
#define RING 2048        /* analysis samples kept */
#define CHUNK 1024       /* input frames handled at once */
#define N_BINS (WINDOW / 2 + 1)
#define N_BANDS 20
#define SUBWINDOW 30     /* minimum statistics: 5 sub-windows of 300 ms */
#define N_SUBWINDOWS 5
#define NOISE_BIAS 2.0f  /* the minimum of a smoothed noise power sits ~3 dB under its mean */
#define LOOKAHEAD_HOPS 6 /* decisions wait for 60 ms of later probabilities */
#define BRIDGE_HOPS 12   /* pauses up to ~170 ms between speech are bridged */
#define MIN_RUN 3        /* shorter raw detections are blips */
#define HANG_HOPS 20     /* in a loud floor, decisions hold on 200 ms ... */
#define HANG_SNR_DB 4.0f /* ... where speech is within 4 dB of the floor */
#define HF_MIN 0.05f     /* a detection with under 5 % of its power over 1 kHz ... */
#define HF_BEFORE 20     /* ... anywhere from 200 ms before it ... */
#define HF_AFTER 5       /* ... to 50 ms after it is a ring */
#define SPEECH_LEVEL_HOPS 50 /* speech's level: over its last ~0.5 s */
#define PITCH_HOPS 12    /* steadiness looks at the last 120 ms of pitch */
#define RAW_RING 64 /* > VOICED_BEFORE + CONTEXT_AFTER */

static const float band_edges_hz[N_BANDS + 1] = {100,  200,  300,  400,  510,  630,  770,
                                                 920,  1080, 1270, 1480, 1720, 2000, 2320,
                                                 2700, 3150, 3700, 4400, 5300, 6400, 7700};

/* The combiner: a small two-layer network over context features of the
   hops around a frame, fitted offline on generated dialogue programmes by
   bench/speech_fit (see speech_model.h for what it was fitted on). */
#include "speech_model.h"

#define CONTEXT_BEFORE 9 /* hops of context before the frame ... */
#define CONTEXT_AFTER 3  /* ... and after it (within the look-ahead) */
#define VOICED_BEFORE 40 /* voicing is looked for over the last 400 ms */

struct PsSpeech {
  double rate;
  uint64_t rate_hz;
  unsigned channels;

  /* input side */
  float *mix;      /* mono mix waiting for the resampler */
  size_t mix_fill;
  float *resampled;
  size_t resampled_size;
  double lp[2][2]; /* 4th-order Butterworth anti-alias low-pass, DF2T state */
  double lp_b[2][3], lp_a[2][3];
  bool lowpass;
  SRC_STATE *src;
  double ratio;

  /* analysis side */
  float ring[RING];
  uint64_t analysis_count; /* samples at 16 kHz so far */
  uint64_t hops;           /* hops analysed */
  uint64_t scored;         /* hops with a probability */
  PsFft *fft;
  float window[WINDOW];
  float window_ac[WINDOW]; /* autocorrelation of the window, normalised */
  int band_lo[N_BANDS], band_hi[N_BANDS];
  int speech_lo, speech_hi; /* speech bands (300-4400 Hz) */
  float power[N_BINS];

  float smoothed[N_BANDS];
  float current_min[N_BANDS];
  float sub_min[N_SUBWINDOWS][N_BANDS];
  unsigned sub_count;
  unsigned sub_index;
  float noise[N_BANDS];
  float previous_db[N_BANDS];

  double mod_state[2];
  double mod_b[3], mod_a[3];
  float mod_power;
  float pitch_log2[PITCH_HOPS];

  /* decisions */
  float raw_p[RAW_RING];
  PsSpeechFeatures raw_features[RAW_RING];
  float raw_bands[RAW_RING][N_BANDS]; /* band powers of the recent hops */
  bool decision[PS_SPEECH_HISTORY];
  float probability[PS_SPEECH_HISTORY];
  PsSpeechFeatures features[PS_SPEECH_HISTORY];
  uint64_t decided;
  float raw_noise_db[RAW_RING]; /* the speech band's floor at each hop, dB */
  float speech_db;              /* running level of detected speech, dB */
  uint64_t speech_n;            /* solid detections decided */
  int64_t last_solid;           /* the latest, -1: none yet */
};

static void
butterworth_section(double fc, double rate, double q, double *b, double *a)
{
  const double k = tan(3.14159265358979323846 * fc / rate);
  const double norm = 1.0 / (1.0 + k / q + k * k);
  b[0] = k * k * norm;
  b[1] = 2.0 * b[0];
  b[2] = b[0];
  a[0] = 1.0;
  a[1] = 2.0 * (k * k - 1.0) * norm;
  a[2] = (1.0 - k / q + k * k) * norm;
}

int
ps_speech_init(PsSpeech **out, double rate, unsigned channels)
{
  if (!out) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  if (!(rate >= 8000.0 && rate <= 768000.0)) {
    return PS_ERR_RATE;
  }
  if (!channels || channels > 64) {
    return PS_ERR_CHANNELS;
  }
  PsSpeech *s = (PsSpeech *)calloc(1, sizeof(PsSpeech));
  if (!s) {
    return PS_ERR_NOMEM;
  }
  s->rate = rate;
  s->rate_hz = (uint64_t)llround(rate);
  s->channels = channels;
  s->ratio = ANALYSIS_RATE / rate;
  s->resampled_size = (size_t)ceil(CHUNK * s->ratio) + 16;
  s->mix = (float *)calloc(CHUNK, sizeof(float));
  s->resampled = (float *)calloc(s->resampled_size, sizeof(float));
  int error = 0;
  s->src = src_new(SRC_LINEAR, 1, &error);
  int st = ps_fft_init(&s->fft, WINDOW);
  if (!st && (!s->mix || !s->resampled || !s->src)) {
    st = PS_ERR_NOMEM;
  }
  if (st) {
    ps_speech_free(&s);
    return st;
  }

  /* anti-alias at 7 kHz before the linear-interpolation resampler */
  s->lowpass = rate > 17000.0;
  if (s->lowpass) {
    butterworth_section(7000.0, rate, 0.54119610, s->lp_b[0], s->lp_a[0]);
    butterworth_section(7000.0, rate, 1.30656296, s->lp_b[1], s->lp_a[1]);
  }
  const double pi = 3.14159265358979323846;
  double wsum = 0.0;
  for (int i = 0; i < WINDOW; ++i) {
    s->window[i] = (float)(0.5 - 0.5 * cos(2.0 * pi * (i + 0.5) / WINDOW));
    wsum += (double)s->window[i] * (double)s->window[i];
  }
  for (int lag = 0; lag < WINDOW; ++lag) {
    double ac = 0.0;
    for (int i = 0; i + lag < WINDOW; ++i) {
      ac += (double)s->window[i] * (double)s->window[i + lag];
    }
    s->window_ac[lag] = (float)(ac / wsum);
  }
  for (int b = 0; b < N_BANDS; ++b) {
    s->band_lo[b] = (int)lround((double)band_edges_hz[b] * WINDOW / ANALYSIS_RATE);
    s->band_hi[b] = (int)lround((double)band_edges_hz[b + 1] * WINDOW / ANALYSIS_RATE);
    if (band_edges_hz[b] <= 300.0f) {
      s->speech_lo = b;
    }
    if (band_edges_hz[b + 1] <= 4400.0f) {
      s->speech_hi = b;
    }
  }
  /* syllabic band-pass at the 100 Hz hop rate: 4 Hz centre, 2-8 Hz */
  {
    const double w0 = 2.0 * pi * 4.0 / PS_SPEECH_FRAME_RATE, q = 0.7;
    const double alpha = sin(w0) / (2.0 * q), a0 = 1.0 + alpha;
    s->mod_b[0] = alpha / a0;
    s->mod_b[1] = 0.0;
    s->mod_b[2] = -alpha / a0;
    s->mod_a[0] = 1.0;
    s->mod_a[1] = -2.0 * cos(w0) / a0;
    s->mod_a[2] = (1.0 - alpha) / a0;
  }
  ps_speech_reset(s);
  *out = s;
  return PS_OK;
}

void
ps_speech_reset(PsSpeech *s)
{
  memset(s->lp, 0, sizeof(s->lp));
  s->mix_fill = 0;
  src_reset(s->src);
  memset(s->ring, 0, sizeof(s->ring));
  s->analysis_count = 0;
  s->hops = 0;
  s->scored = 0;
  for (int b = 0; b < N_BANDS; ++b) {
    s->smoothed[b] = 0.0f;
    s->current_min[b] = HUGE_VALF;
    for (int u = 0; u < N_SUBWINDOWS; ++u) {
      s->sub_min[u][b] = HUGE_VALF;
    }
    s->noise[b] = 1e-14f;
    s->previous_db[b] = -140.0f;
  }
  s->sub_count = 0;
  s->sub_index = 0;
  s->mod_state[0] = s->mod_state[1] = 0.0;
  s->mod_power = 0.0f;
  for (int i = 0; i < PITCH_HOPS; ++i) {
    s->pitch_log2[i] = 0.0f;
  }
  memset(s->raw_p, 0, sizeof(s->raw_p));
  memset(s->raw_features, 0, sizeof(s->raw_features));
  memset(s->raw_bands, 0, sizeof(s->raw_bands));
  memset(s->decision, 0, sizeof(s->decision));
  memset(s->probability, 0, sizeof(s->probability));
  s->decided = 0;
  memset(s->raw_noise_db, 0, sizeof(s->raw_noise_db));
  s->speech_db = -140.0f;
  s->speech_n = 0;
  s->last_solid = -1;
}

void
ps_speech_free(PsSpeech **ps)
{
  if (!ps || !*ps) {
    return;
  }
  PsSpeech *s = *ps;
  if (s->src) {
    src_delete(s->src);
  }
  ps_fft_free(&s->fft);
  free(s->mix);
  free(s->resampled);
  free(s);
  *ps = NULL;
}

static float
db(float power)
{
  return 10.0f * log10f(power + 1e-20f);
}

static float
clampf(float v, float lo, float hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

/* Minimum statistics (after Martin, 2001, simplified): the floor of each
   band is the smallest smoothed power of the last 1.2-1.5 s, scaled by a
   bias; it follows a rising floor within that time, a falling one at once. */
static void
track_noise(PsSpeech *s, const float *band_power)
{
  for (int b = 0; b < N_BANDS; ++b) {
    s->smoothed[b] = s->hops ? 0.7f * s->smoothed[b] + 0.3f * band_power[b] : band_power[b];
    if (s->smoothed[b] < s->current_min[b]) {
      s->current_min[b] = s->smoothed[b];
    }
  }
  if (++s->sub_count == SUBWINDOW) {
    s->sub_count = 0;
    for (int b = 0; b < N_BANDS; ++b) {
      s->sub_min[s->sub_index][b] = s->current_min[b];
      s->current_min[b] = HUGE_VALF;
    }
    s->sub_index = (s->sub_index + 1) % N_SUBWINDOWS;
  }
  for (int b = 0; b < N_BANDS; ++b) {
    float m = s->current_min[b];
    for (int u = 0; u < N_SUBWINDOWS; ++u) {
      m = s->sub_min[u][b] < m ? s->sub_min[u][b] : m;
    }
    s->noise[b] = isfinite(m) && m * NOISE_BIAS > 1e-14f ? m * NOISE_BIAS : 1e-14f;
  }
}

/* Normalised autocorrelation of the 80-3000 Hz magnitude spectrum (power
   compressed to magnitude, so that one strong partial does not make a
   spectrum look periodic): its peak between 80 and 400 Hz is the
   harmonicity, its place the pitch.  Noise reads about 0.1-0.3, voiced
   speech and musical notes 0.5-0.95. */
static float
harmonicity(PsSpeech *s, float *pitch, bool above_floor)
{
  float *spec = ps_fft_spectrum(s->fft);
  const int lo = (int)(80.0 * WINDOW / ANALYSIS_RATE), hi = (int)(3000.0 * WINDOW / ANALYSIS_RATE);
  int band = 0;
  for (int k = 0; k < N_BINS; ++k) {
    float p = s->power[k];
    if (above_floor) {
      /* the floor's share of the bin taken out, so that a loud steady bed
         does not bury the harmonic ripple under its pedestal */
      while (band < N_BANDS - 1 && k >= s->band_hi[band]) {
        ++band;
      }
      const float per_bin = s->noise[band] / (float)(s->band_hi[band] - s->band_lo[band]);
      p = p > per_bin ? p - per_bin : 0.0f;
    }
    spec[2 * k] = k >= lo && k <= hi ? sqrtf(p) : 0.0f;
    spec[2 * k + 1] = 0.0f;
  }
  ps_fft_inverse(s->fft);
  const float *r = ps_fft_time(s->fft);
  *pitch = 0.0f;
  if (!(r[0] > 0.0f)) {
    return 0.0f;
  }
  const int min_lag = (int)(ANALYSIS_RATE / 400.0), max_lag = (int)(ANALYSIS_RATE / 80.0);
  float best = 0.0f;
  int best_lag = 0;
  for (int lag = min_lag; lag <= max_lag; ++lag) {
    const float v = r[lag] / (r[0] * s->window_ac[lag]);
    if (v > best) {
      best = v;
      best_lag = lag;
    }
  }
  if (best_lag) {
    const float a = r[best_lag - 1] / s->window_ac[best_lag - 1];
    const float b = r[best_lag] / s->window_ac[best_lag];
    const float c = r[best_lag + 1] / s->window_ac[best_lag + 1];
    const float den = a - 2.0f * b + c;
    const float shift = den < 0.0f ? clampf(0.5f * (a - c) / den, -0.5f, 0.5f) : 0.0f;
    *pitch = (float)ANALYSIS_RATE / ((float)best_lag + shift);
  }
  return clampf(best, 0.0f, 1.0f);
}

static float
steadiness(PsSpeech *s, float pitch, bool voiced)
{
  memmove(s->pitch_log2, s->pitch_log2 + 1, (PITCH_HOPS - 1) * sizeof(float));
  s->pitch_log2[PITCH_HOPS - 1] = voiced ? log2f(pitch) : 0.0f;
  int pairs = 0, steady = 0;
  for (int i = 1; i < PITCH_HOPS; ++i) {
    if (s->pitch_log2[i] != 0.0f && s->pitch_log2[i - 1] != 0.0f) {
      ++pairs;
      steady += fabsf(s->pitch_log2[i] - s->pitch_log2[i - 1]) < 0.006f;
    }
  }
  return pairs >= 3 ? (float)steady / (float)pairs : 0.0f;
}

/* The combiner's inputs for frame j, from the hops [j - 9, j + 3]. */
static void
context_inputs(const PsSpeech *s, uint64_t j, float *in)
{
  const uint64_t first = j >= CONTEXT_BEFORE ? j - CONTEXT_BEFORE : 0;
  const uint64_t last = j + CONTEXT_AFTER;
  float snr = 0, top = 0, top_max = 0, h = 0, h2 = 0, flat = 0, flux = 0, steady = 0;
  const float n = (float)(last - first + 1);
  for (uint64_t i = first; i <= last; ++i) {
    const PsSpeechFeatures *f = &s->raw_features[i % RAW_RING];
    snr += f->snr_db;
    top += f->snr_top_db;
    top_max = f->snr_top_db > top_max ? f->snr_top_db : top_max;
    h += f->harmonicity;
    h2 += f->harmonicity * f->harmonicity;
    flat += f->flatness;
    flux += f->flux;
    steady += f->steadiness;
  }
  const float hm = h / n;
  const float hsd = sqrtf(fmaxf(h2 / n - hm * hm, 0.0f));
  in[0] = snr / n;
  in[1] = top / n;
  in[2] = hm;
  in[3] = hsd;
  in[4] = log10f(flat / n + 1e-4f);
  in[5] = flux / n;
  in[6] = s->raw_features[j % RAW_RING].modulation;
  in[7] = steady / n;
  in[8] = top_max;
  in[9] = in[1] * hsd;
  in[10] = in[5] * in[1] / 10.0f;

  /* Long-term spectral divergence (after Ramirez et al., 2004): the
     largest power of each speech band over the context against its floor;
     a stationary bed stays near 0 dB however loud it is. */
  float ltsd = 0.0f;
  for (int b = s->speech_lo; b <= s->speech_hi; ++b) {
    float top_power = 0.0f;
    for (uint64_t i = first; i <= last; ++i) {
      const float p = s->raw_bands[i % RAW_RING][b];
      top_power = p > top_power ? p : top_power;
    }
    ltsd += top_power / s->noise[b];
  }
  in[11] = clampf(db(ltsd / (float)(s->speech_hi - s->speech_lo + 1)), 0.0f, 60.0f);

  /* Voicing nearby: the share of the last 400 ms (and the look-ahead) with
     a clear pitch above the floor.  Speech is never far from a vowel;
     footsteps, slams and traffic have none. */
  const uint64_t v_first = j >= VOICED_BEFORE ? j - VOICED_BEFORE : 0;
  int voiced = 0;
  float hc = 0.0f;
  for (uint64_t i = v_first; i <= last; ++i) {
    const PsSpeechFeatures *f = &s->raw_features[i % RAW_RING];
    voiced += f->harmonicity_clean > 0.4f && f->snr_top_db > 3.0f;
    hc += f->harmonicity_clean;
  }
  in[12] = (float)voiced / (float)(last - v_first + 1);
  in[14] = hc / (float)(last - v_first + 1);

  /* Irregularity of the envelope: the spread of the speech-band level
     around its straight-line trend over the context.  Syllables make it
     large; steady beds and the exponential decay of a ringing door make
     it small. */
  float sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (uint64_t i = first; i <= last; ++i) {
    const float x = (float)(i - first);
    const float y = fmaxf(s->raw_features[i % RAW_RING].level_db, -100.0f);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const float den = n * sxx - sx * sx;
  const float slope = den > 0.0f ? (n * sxy - sx * sy) / den : 0.0f;
  const float icept = (sy - slope * sx) / n;
  float resid = 0.0f;
  for (uint64_t i = first; i <= last; ++i) {
    const float e = fmaxf(s->raw_features[i % RAW_RING].level_db, -100.0f) -
                    (icept + slope * (float)(i - first));
    resid += e * e;
  }
  in[13] = clampf(sqrtf(resid / n), 0.0f, 30.0f);

  /* Attack: the steepest rise of the level between two hops of the
     context.  Impacts (slams, steps, drum hits) jump at once; speech
     onsets take a few tens of milliseconds. */
  float attack = 0.0f;
  for (uint64_t i = first + 1; i <= last; ++i) {
    const float rise = fmaxf(s->raw_features[i % RAW_RING].level_db, -100.0f) -
                       fmaxf(s->raw_features[(i - 1) % RAW_RING].level_db, -100.0f);
    attack = rise > attack ? rise : attack;
  }
  in[15] = clampf(attack, 0.0f, 60.0f);
}

static void
score(PsSpeech *s, uint64_t j)
{
  PsSpeechFeatures *f = &s->raw_features[j % RAW_RING];
  float in[PS_SPEECH_INPUTS];
  context_inputs(s, j, in);
  float z = speech_model_output[SPEECH_MODEL_HIDDEN];
  for (int u = 0; u < SPEECH_MODEL_HIDDEN; ++u) {
    float a = speech_model_hidden_bias[u];
    for (int i = 0; i < SPEECH_MODEL_INPUTS; ++i) {
      a += speech_model_hidden[u][i] * (in[i] - speech_model_mean[i]) / speech_model_scale[i];
    }
    z += speech_model_output[u] * tanhf(a);
  }
  /* nothing under -75 dBFS is dialogue anyone measures */
  if (f->level_db < -75.0f || !isfinite(z)) {
    z = -20.0f;
  }
  for (int i = 0; i < PS_SPEECH_INPUTS; ++i) {
    f->inputs[i] = in[i];
  }
  f->probability = 1.0f / (1.0f + expf(-z));
  s->raw_p[j % RAW_RING] = f->probability;
  s->scored = j + 1;
}

static void
analyse_hop(PsSpeech *s)
{
  /* the 32 ms window centred on the end of hop h */
  const int64_t end = (int64_t)(s->hops + 1) * HOP + WINDOW / 2;
  float *t = ps_fft_time(s->fft);
  for (int i = 0; i < WINDOW; ++i) {
    const int64_t at = end - WINDOW + i;
    t[i] = at >= 0 ? s->ring[at % RING] * s->window[i] : 0.0f;
  }
  ps_fft_forward(s->fft);
  const float *spec = ps_fft_spectrum(s->fft);
  /* mean-square scale: a full-scale sine reads about 0 dB */
  const float scale = 2.0f / (float)(WINDOW * WINDOW * 0.375);
  for (int k = 0; k < N_BINS; ++k) {
    s->power[k] = (spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1]) * scale;
  }
  float band_power[N_BANDS];
  for (int b = 0; b < N_BANDS; ++b) {
    float sum = 0.0f;
    for (int k = s->band_lo[b]; k < s->band_hi[b]; ++k) {
      sum += s->power[k];
    }
    band_power[b] = sum;
  }
  track_noise(s, band_power);

  PsSpeechFeatures f;
  memset(&f, 0, sizeof(f));
  float speech_power = 0.0f, speech_noise = 0.0f, snr = 0.0f, flux = 0.0f;
  float top[4] = {0.0f, 0.0f, 0.0f, 0.0f}; /* the four best band SNRs: formants */
  for (int b = s->speech_lo; b <= s->speech_hi; ++b) {
    speech_power += band_power[b];
    speech_noise += s->noise[b];
    float v = clampf(db(band_power[b]) - db(s->noise[b]), 0.0f, 40.0f);
    snr += v;
    for (int j = 0; j < 4; ++j) {
      if (v > top[j]) {
        const float swap = top[j];
        top[j] = v;
        v = swap;
      }
    }
  }
  f.snr_top_db = 0.25f * (top[0] + top[1] + top[2] + top[3]);
  for (int b = 0; b < N_BANDS; ++b) {
    const float now = db(band_power[b]);
    const float floor_db = db(s->noise[b]);
    const float a = now > floor_db ? now : floor_db;
    const float d = a - s->previous_db[b];
    flux += d > 0.0f ? d : 0.0f;
    s->previous_db[b] = a;
  }
  const int n_speech = s->speech_hi - s->speech_lo + 1;
  f.level_db = db(speech_power);
  f.snr_db = snr / (float)n_speech;
  f.flux = flux / N_BANDS;

  /* the share of the speech band's power above its floor that lies over
     1 kHz (a ring has none) */
  {
    float lo_p = 0.0f, hi_p = 0.0f;
    for (int b = s->speech_lo; b <= s->speech_hi; ++b) {
      const float above = band_power[b] > s->noise[b] ? band_power[b] - s->noise[b] : 0.0f;
      if (band_edges_hz[b] >= 1000.0f) {
        hi_p += above;
      } else {
        lo_p += above;
      }
    }
    f.hf_share = lo_p + hi_p > 0.0f ? hi_p / (lo_p + hi_p) : 0.0f;
  }
  /* flatness of 300-4000 Hz */
  {
    const int lo = (int)(300.0 * WINDOW / ANALYSIS_RATE), hi = (int)(4000.0 * WINDOW / ANALYSIS_RATE);
    double log_sum = 0.0, sum = 0.0;
    for (int k = lo; k <= hi; ++k) {
      const double p = (double)s->power[k] + 1e-20;
      log_sum += log(p);
      sum += p;
    }
    const int n = hi - lo + 1;
    f.flatness = (float)(exp(log_sum / n) / (sum / n));
  }

  /* syllabic modulation of the envelope above the floor */
  {
    const double e = (double)db(speech_power > speech_noise ? speech_power : speech_noise);
    const double y = s->mod_b[0] * e + s->mod_state[0];
    s->mod_state[0] = s->mod_b[1] * e - s->mod_a[1] * y + s->mod_state[1];
    s->mod_state[1] = s->mod_b[2] * e - s->mod_a[2] * y;
    s->mod_power += 0.04f * ((float)(y * y) - s->mod_power);
    f.modulation = sqrtf(s->mod_power);
  }

  float clean_pitch = 0.0f;
  f.harmonicity_clean = harmonicity(s, &clean_pitch, true);
  f.harmonicity = harmonicity(s, &f.pitch_hz, false);
  const bool voiced = f.harmonicity > 0.3f && f.pitch_hz > 0.0f;
  if (!voiced) {
    f.pitch_hz = 0.0f;
  }
  f.steadiness = steadiness(s, f.pitch_hz, voiced);

  s->raw_features[s->hops % RAW_RING] = f;
  s->raw_noise_db[s->hops % RAW_RING] = db(speech_noise);
  memcpy(s->raw_bands[s->hops % RAW_RING], band_power, sizeof(band_power));
  ++s->hops;
  if (s->hops > CONTEXT_AFTER) {
    score(s, s->hops - 1 - CONTEXT_AFTER);
  }
}

static bool
raw_speech(const PsSpeech *s, int64_t hop)
{
  return hop >= 0 && (uint64_t)hop < s->scored && s->raw_p[hop % RAW_RING] > 0.5f;
}

/* A raw detection counts when its run lasts MIN_RUN hops. */
static bool
solid(const PsSpeech *s, int64_t hop)
{
  if (!raw_speech(s, hop)) {
    return false;
  }
  int run = 1;
  for (int64_t j = hop - 1; j >= hop - MIN_RUN && raw_speech(s, j); --j) {
    ++run;
  }
  for (int64_t j = hop + 1; j <= hop + MIN_RUN && raw_speech(s, j); ++j) {
    ++run;
  }
  return run >= MIN_RUN;
}

static void
decide(PsSpeech *s)
{
  /* decide the frame LOOKAHEAD_HOPS behind the newest hop: its own
     probability needs CONTEXT_AFTER hops, bridging the rest */
  while (s->hops > s->decided + LOOKAHEAD_HOPS) {
    const int64_t k = (int64_t)s->decided;
    const bool solid_k = solid(s, k);
    bool speech = solid_k;
    if (!speech) {
      bool before = false, after = false;
      for (int64_t j = k - 1; j >= k - BRIDGE_HOPS && !before; --j) {
        before = solid(s, j);
      }
      for (int64_t j = k + 1; j <= k + LOOKAHEAD_HOPS - CONTEXT_AFTER && before && !after; ++j) {
        after = solid(s, j);
      }
      speech = before && after;
    }
    /* Speech in a loud floor (its level within HANG_SNR_DB of the floor's,
       as measured on the detections so far): its quiet syllables and word
       ends drown, and the decision holds on for HANG_HOPS after a solid
       detection.  Over a quiet floor (and before half a second of speech
       has been heard) it does not: door rings and steps stay as short as
       the combiner finds them. */
    if (!speech && s->speech_n >= SPEECH_LEVEL_HOPS && s->last_solid >= 0 &&
        k - s->last_solid <= HANG_HOPS &&
        s->speech_db - s->raw_noise_db[k % RAW_RING] < HANG_SNR_DB) {
      speech = true;
    }
    if (solid_k) {
      s->last_solid = k;
      ++s->speech_n;
      const float rate =
        s->speech_n < SPEECH_LEVEL_HOPS ? 1.0f / (float)s->speech_n : 1.0f / SPEECH_LEVEL_HOPS;
      s->speech_db += rate * (s->raw_features[k % RAW_RING].level_db - s->speech_db);
    }
    if (speech) {
      /* a ring (a door's panel, a struck object): a few partials under 1 kHz
         and nothing above, where speech, voiced or not, reaches higher
         within a syllable */
      float hf = 0.0f;
      for (int64_t j = k - HF_BEFORE; j <= k + HF_AFTER; ++j) {
        if (j >= 0 && (uint64_t)j < s->hops) {
          const float v = s->raw_features[j % RAW_RING].hf_share;
          hf = v > hf ? v : hf;
        }
      }
      if (hf < HF_MIN) {
        speech = false;
      }
    }
    const size_t at = s->decided % PS_SPEECH_HISTORY;
    s->decision[at] = speech;
    s->probability[at] = s->raw_p[k % RAW_RING];
    s->features[at] = s->raw_features[k % RAW_RING];
    ++s->decided;
  }
}

static void
push_analysis(PsSpeech *s, const float *x, size_t n)
{
  for (size_t i = 0; i < n; ++i) {
    s->ring[s->analysis_count % RING] = x[i];
    ++s->analysis_count;
    /* hop h needs its window's last sample: (h + 1) * HOP + WINDOW / 2 */
    if (s->analysis_count == (s->hops + 1) * HOP + WINDOW / 2) {
      analyse_hop(s);
      decide(s);
    }
  }
}

/* libsamplerate 0.2.2's linear converter outputs zeros when it is fed one
   frame per call, as a host with 1-frame blocks would: the mono mix is
   staged and handed over STAGE frames or more at a time. */
#define STAGE 16

static void
resample_staged(PsSpeech *s)
{
  SRC_DATA d;
  memset(&d, 0, sizeof(d));
  d.data_in = s->mix;
  d.input_frames = (long)s->mix_fill;
  d.data_out = s->resampled;
  d.output_frames = (long)s->resampled_size;
  d.src_ratio = s->ratio;
  d.end_of_input = 0;
  if (src_process(s->src, &d) == 0) {
    push_analysis(s, s->resampled, (size_t)d.output_frames_gen);
  }
  s->mix_fill = 0;
  for (int q = 0; q < 2; ++q) {
    for (int j = 0; j < 2; ++j) {
      if (!(fabs(s->lp[q][j]) > 1e-30) || !isfinite(s->lp[q][j])) {
        s->lp[q][j] = 0.0;
      }
    }
  }
}

void
ps_speech_process(PsSpeech *s, const float *const *in, size_t n)
{
  const float gain = 1.0f / (float)s->channels;
  for (size_t i = 0; i < n; ++i) {
    float sum = 0.0f;
    for (unsigned c = 0; c < s->channels; ++c) {
      const float v = in[c][i];
      sum += fabsf(v) <= 1e10f ? v : 0.0f; /* NaN and Inf are silence */
    }
    double v = (double)(sum * gain);
    if (s->lowpass) {
      for (int q = 0; q < 2; ++q) {
        const double y = s->lp_b[q][0] * v + s->lp[q][0];
        s->lp[q][0] = s->lp_b[q][1] * v - s->lp_a[q][1] * y + s->lp[q][1];
        s->lp[q][1] = s->lp_b[q][2] * v - s->lp_a[q][2] * y;
        v = y;
      }
    }
    s->mix[s->mix_fill++] = (float)v;
    if (s->mix_fill == CHUNK) {
      resample_staged(s);
    }
  }
  if (s->mix_fill >= STAGE) {
    resample_staged(s);
  }
}

uint64_t
ps_speech_frames(const PsSpeech *s)
{
  return s->decided;
}

bool
ps_speech_decision(const PsSpeech *s, uint64_t frame, float *probability)
{
  if (frame >= s->decided || frame + PS_SPEECH_HISTORY < s->decided) {
    if (probability) {
      *probability = 0.0f;
    }
    return false;
  }
  if (probability) {
    *probability = s->probability[frame % PS_SPEECH_HISTORY];
  }
  return s->decision[frame % PS_SPEECH_HISTORY];
}

bool
ps_speech_features(const PsSpeech *s, uint64_t frame, PsSpeechFeatures *out)
{
  if (frame >= s->decided || frame + PS_SPEECH_HISTORY < s->decided) {
    return false;
  }
  *out = s->features[frame % PS_SPEECH_HISTORY];
  return true;
}

double
ps_speech_lookahead(const PsSpeech *s)
{
  /* hops waited for, half the analysis window, and the staging */
  return (LOOKAHEAD_HOPS * HOP + WINDOW / 2) / ANALYSIS_RATE + (STAGE - 1) / s->rate;
}
