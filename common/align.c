/* Alignment features and constrained DTW: see align.h. */
#include "align.h"

#include "fft.h"
#include "ps_status.h"

#include <math.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MELS PS_ALIGN_MELS
#define CEPS PS_ALIGN_CEPS
#define DELTA (PS_ALIGN_FRAME_RATE / 50)        /* frames each side for the change: 20 ms */
#define ONSET_DELTA (PS_ALIGN_FRAME_RATE / 100) /* and for the level's rise: 10 ms */
#define SMOOTH (3 * PS_ALIGN_FRAME_RATE / 200)  /* the map's smoothing, frames each side */
#define COARSE 4 /* frames per frame of the first, coarse warping */
#define JUMP 3.0 /* take frames per guide frame past which the map jumps */
#define FINE (PS_ALIGN_FRAME_RATE * 3 / 20) /* the second's band around its path: 150 ms */

static double
hz_to_mel(double hz)
{
  return 2595.0 * log10(1.0 + hz / 700.0);
}

static double
mel_to_hz(double mel)
{
  return 700.0 * (pow(10.0, mel / 2595.0) - 1.0);
}

/* The k-th smallest of v[0..n) (Hoare's selection; v reordered). */
static double
select_nth(double *v, size_t n, size_t k)
{
  size_t lo = 0, hi = n - 1;
  while (lo < hi) {
    const double pivot = v[lo + (hi - lo) / 2];
    size_t i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) {
        ++i;
      }
      while (v[j] > pivot) {
        --j;
      }
      if (i <= j) {
        const double t = v[i];
        v[i] = v[j];
        v[j] = t;
        ++i;
        if (j == 0) {
          break;
        }
        --j;
      }
    }
    if (k <= j) {
      hi = j;
    } else if (k >= i) {
      lo = i;
    } else {
      break;
    }
  }
  return v[k];
}

/* c1..c12 of logged mel bands: the DCT-II's rows */
static void
dct_table(double dct[CEPS][MELS])
{
  for (int c = 1; c <= CEPS; ++c) {
    for (int b = 0; b < MELS; ++b) {
      dct[c - 1][b] = cos(3.14159265358979323846 * c * (b + 0.5) / MELS);
    }
  }
}

static void
cepstrum(const double *dct, const double *log_mel, double *ceps)
{
  for (int c = 0; c < CEPS; ++c) {
    double v = 0.0;
    for (int b = 0; b < MELS; ++b) {
      v += log_mel[b] * dct[c * MELS + b];
    }
    ceps[c] = v;
  }
}

struct PsAlignFrame {
  double rate;
  size_t window, fft_size;
  PsFft *fft;
  float *hann;
  int lo[MELS], hi[MELS]; /* each band's bins */
  float *weight;          /* [MELS][fft_size / 2 + 1], 0 outside lo..hi */
  double dct[CEPS][MELS];
};

void
ps_align_frame_free(PsAlignFrame **pfr)
{
  if (!pfr || !*pfr) {
    return;
  }
  ps_fft_free(&(*pfr)->fft);
  free((*pfr)->hann);
  free((*pfr)->weight);
  free(*pfr);
  *pfr = NULL;
}

int
ps_align_frame_init(PsAlignFrame **out, double rate)
{
  if (!out) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  if (!(rate >= 8000.0 && rate <= 768000.0)) {
    return PS_ERR_RATE;
  }
  PsAlignFrame *fr = (PsAlignFrame *)calloc(1, sizeof(PsAlignFrame));
  if (!fr) {
    return PS_ERR_NOMEM;
  }
  fr->rate = rate;
  fr->window = (size_t)lround(0.032 * rate);
  fr->fft_size = 1;
  while (fr->fft_size < fr->window) {
    fr->fft_size <<= 1;
  }
  const size_t bins = fr->fft_size / 2 + 1;
  fr->hann = (float *)malloc(fr->window * sizeof(float));
  fr->weight = (float *)calloc(MELS * bins, sizeof(float));
  int st = fr->hann && fr->weight ? ps_fft_init(&fr->fft, fr->fft_size) : PS_ERR_NOMEM;
  if (st) {
    ps_align_frame_free(&fr);
    return st;
  }
  for (size_t i = 0; i < fr->window; ++i) {
    fr->hann[i] = (float)(0.5 - 0.5 * cos(2.0 * 3.14159265358979323846 * ((double)i + 0.5) /
                                          (double)fr->window));
  }
  /* triangular filters, equally spaced in mel from 100 Hz to 7 kHz */
  double edges[MELS + 2];
  const double lo = hz_to_mel(100.0), hi = hz_to_mel(7000.0);
  for (int b = 0; b < MELS + 2; ++b) {
    edges[b] = mel_to_hz(lo + (hi - lo) * b / (MELS + 1)) * (double)fr->fft_size / rate;
  }
  for (int b = 0; b < MELS; ++b) {
    const long long k0 = (long long)floor(edges[b]), k2 = (long long)ceil(edges[b + 2]);
    fr->lo[b] = (int)(k0 < 1 ? 1 : k0);
    fr->hi[b] = (int)(k2 < (long long)bins - 1 ? k2 : (long long)bins - 1);
    for (int k = fr->lo[b]; k <= fr->hi[b]; ++k) {
      double g = 0.0;
      if (k >= edges[b] && k <= edges[b + 1]) {
        g = (k - edges[b]) / (edges[b + 1] - edges[b]);
      } else if (k > edges[b + 1] && k <= edges[b + 2]) {
        g = (edges[b + 2] - k) / (edges[b + 2] - edges[b + 1]);
      }
      fr->weight[(size_t)b * bins + (size_t)k] = (float)g;
    }
  }
  dct_table(fr->dct);
  *out = fr;
  return PS_OK;
}

size_t
ps_align_frame_window(const PsAlignFrame *fr)
{
  return fr->window;
}

double
ps_align_frame_noise_bound(const PsAlignFrame *fr)
{
  /* a sine of amplitude a under the Hann window peaks at a N / 4 */
  const double a = 1e-6 * (double)fr->fft_size / 4.0;
  return a * a;
}

float *
ps_align_frame_input(PsAlignFrame *fr)
{
  return ps_fft_time(fr->fft);
}

void
ps_align_frame_mel(PsAlignFrame *fr, double *mel)
{
  float *t = ps_fft_time(fr->fft);
  for (size_t i = 0; i < fr->window; ++i) {
    t[i] *= fr->hann[i];
  }
  for (size_t i = fr->window; i < fr->fft_size; ++i) {
    t[i] = 0.0f;
  }
  ps_fft_forward(fr->fft);
  const float *spec = ps_fft_spectrum(fr->fft);
  const size_t bins = fr->fft_size / 2 + 1;
  for (int b = 0; b < MELS; ++b) {
    const float *w = fr->weight + (size_t)b * bins;
    double e = 0.0;
    for (int k = fr->lo[b]; k <= fr->hi[b]; ++k) {
      const double re = spec[2 * k], im = spec[2 * k + 1];
      e += (double)w[k] * (re * re + im * im);
    }
    mel[b] = e;
  }
}

void
ps_align_frame_cepstrum(const PsAlignFrame *fr, const double *log_mel, double *ceps)
{
  cepstrum(&fr->dct[0][0], log_mel, ceps);
}

/* The mel band powers of x, every 1 / PS_ALIGN_FRAME_RATE s at its own
   rate: mel[count * MELS] (the caller frees it); frame f centred on sample
   round(f rate / PS_ALIGN_FRAME_RATE). */
static int
mel_powers(const float *x, size_t n, double rate, double **mel_out, size_t *count_out,
           double *bound)
{
  *mel_out = NULL;
  *count_out = 0;
  if (!x) {
    return PS_ERR_ARG;
  }
  PsAlignFrame *fr = NULL;
  const int st = ps_align_frame_init(&fr, rate);
  if (st) {
    return st;
  }
  const double hop = rate / PS_ALIGN_FRAME_RATE;
  const size_t count = (size_t)floor((double)n / hop) + 1;
  double *mel = (double *)calloc(count * MELS, sizeof(double));
  if (!mel) {
    ps_align_frame_free(&fr);
    return PS_ERR_NOMEM;
  }
  const long long win = (long long)fr->window;
  float *t = ps_align_frame_input(fr);
  for (size_t f = 0; f < count; ++f) {
    const long long start = llround((double)f * hop) - win / 2;
    if (start >= 0 && start + win <= (long long)n) {
      memcpy(t, x + start, (size_t)win * sizeof(float));
    } else {
      for (long long i = 0; i < win; ++i) {
        const long long at = start + i;
        t[i] = at >= 0 && (size_t)at < n ? x[at] : 0.0f;
      }
    }
    ps_align_frame_mel(fr, mel + f * MELS);
  }
  *bound = ps_align_frame_noise_bound(fr);
  ps_align_frame_free(&fr);
  *mel_out = mel;
  *count_out = count;
  return PS_OK;
}

/* Each band's noise (10th percentile of its power, at least bound: digital
   silence is no noise) and speech level (95th percentile) over the file. */
static int
band_levels(const double *mel, size_t count, double bound, double *noise, double *level)
{
  double *sorted = (double *)malloc(count * sizeof(double));
  if (!sorted) {
    return PS_ERR_NOMEM;
  }
  for (int b = 0; b < MELS; ++b) {
    for (size_t f = 0; f < count; ++f) {
      sorted[f] = mel[f * MELS + b];
    }
    noise[b] = fmax(select_nth(sorted, count, count / 10), bound);
    level[b] = fmax(select_nth(sorted, count, count * 95 / 100), noise[b]);
  }
  free(sorted);
  return PS_OK;
}

/* The features of mel (logged with floor[b] added to each band's power),
   normalised over the file; *features allocated. */
static int
features_from(double *mel, size_t count, const double *floor, float **features)
{
  float *out = (float *)calloc(count * PS_ALIGN_DIMS, sizeof(float));
  double *ceps = (double *)calloc(count * CEPS, sizeof(double));
  double *c0 = (double *)calloc(count, sizeof(double));
  if (!out || !ceps || !c0) {
    free(out);
    free(ceps);
    free(c0);
    return PS_ERR_NOMEM;
  }
  double dct[CEPS][MELS];
  dct_table(dct);
  for (size_t f = 0; f < count; ++f) {
    double e = 0.0;
    for (int b = 0; b < MELS; ++b) {
      mel[f * MELS + b] = log(mel[f * MELS + b] + floor[b]);
      e += mel[f * MELS + b];
    }
    c0[f] = e / MELS;
    cepstrum(&dct[0][0], mel + f * MELS, ceps + f * CEPS);
  }
  for (size_t f = 0; f < count; ++f) {
    const size_t a = f >= DELTA ? f - DELTA : 0, z = f + DELTA < count ? f + DELTA : count - 1;
    const double span = (double)(z - a > 0 ? z - a : 1);
    for (int c = 0; c < CEPS; ++c) {
      out[f * PS_ALIGN_DIMS + c] = (float)ceps[f * CEPS + c];
      out[f * PS_ALIGN_DIMS + CEPS + c] = (float)((ceps[z * CEPS + c] - ceps[a * CEPS + c]) / span);
    }
    /* the rise of the level over +-10 ms, falls left out: reverberation
       draws falls out, a rise is the direct sound's */
    const size_t ar = f >= ONSET_DELTA ? f - ONSET_DELTA : 0;
    const size_t zr = f + ONSET_DELTA < count ? f + ONSET_DELTA : count - 1;
    const double rise = fmax(0.0, (c0[zr] - c0[ar]) / (double)(zr - ar > 0 ? zr - ar : 1));
    for (int d = 2 * CEPS; d < PS_ALIGN_DIMS; ++d) {
      out[f * PS_ALIGN_DIMS + d] = (float)rise;
    }
  }
  /* every dimension to mean 0, deviation 1 over the file */
  for (int d = 0; d < PS_ALIGN_DIMS; ++d) {
    double sum = 0.0, sum2 = 0.0;
    for (size_t f = 0; f < count; ++f) {
      const double v = out[f * PS_ALIGN_DIMS + d];
      sum += v;
      sum2 += v * v;
    }
    const double mean = sum / (double)count;
    const double var = sum2 / (double)count - mean * mean;
    const double scale = var > 1e-12 ? 1.0 / sqrt(var) : 0.0;
    for (size_t f = 0; f < count; ++f) {
      out[f * PS_ALIGN_DIMS + d] = (float)(((double)out[f * PS_ALIGN_DIMS + d] - mean) * scale);
    }
  }
  free(ceps);
  free(c0);
  *features = out;
  return PS_OK;
}

int
ps_align_features(const float *x, size_t n, double rate, float **features, size_t *frames)
{
  if (!x || !features || !frames) {
    return PS_ERR_ARG;
  }
  *features = NULL;
  *frames = 0;
  double *mel = NULL, noise[MELS], level[MELS], bound = 0.0;
  size_t count = 0;
  int st = mel_powers(x, n, rate, &mel, &count, &bound);
  if (!st) {
    st = band_levels(mel, count, bound, noise, level);
  }
  if (!st) {
    st = features_from(mel, count, noise, features);
  }
  free(mel);
  if (!st) {
    *frames = count;
  }
  return st;
}

void
ps_align_joint_floors(const double *noise_a, const double *level_a, const double *noise_b,
                      const double *level_b, double *floor_a, double *floor_b)
{
  for (int b = 0; b < MELS; ++b) {
    /* a track whose band rose less than 10 dB over its noise has had no
       speech there (yet): the other's says how far under speech the floor
       lies */
    const double ra = noise_a[b] / level_a[b], rb = noise_b[b] / level_b[b];
    const double rel = ra > 0.1 ? (rb > 0.1 ? fmax(ra, rb) : rb) : (rb > 0.1 ? ra : fmax(ra, rb));
    floor_a[b] = fmax(2.0 * rel * level_a[b] - noise_a[b], noise_a[b]);
    floor_b[b] = fmax(2.0 * rel * level_b[b] - noise_b[b], noise_b[b]);
  }
}

/* silent[f]: frame f's power under 4 times (6 dB over) the floor's. */
static unsigned char *
silences(const double *mel, size_t count, const double *floor)
{
  unsigned char *silent = (unsigned char *)malloc(count ? count : 1);
  double total = 0.0;
  for (int b = 0; b < MELS; ++b) {
    total += floor[b];
  }
  for (size_t f = 0; silent && f < count; ++f) {
    double e = 0.0;
    for (int b = 0; b < MELS; ++b) {
      e += mel[f * MELS + b];
    }
    silent[f] = e < 4.0 * total;
  }
  return silent;
}

/* mel_powers() on its own thread. */
typedef struct {
  const float *x;
  size_t n;
  double rate;
  double *mel;
  size_t count;
  double bound;
  int status;
} MelJob;

static void *
mel_job(void *arg)
{
  MelJob *j = (MelJob *)arg;
  j->status = mel_powers(j->x, j->n, j->rate, &j->mel, &j->count, &j->bound);
  return NULL;
}

int
ps_align_features_pair(const float *guide, size_t n_guide, double rate_guide, const float *take,
                       size_t n_take, double rate_take, float **f_guide, size_t *frames_guide,
                       float **f_take, size_t *frames_take, unsigned char **take_silent,
                       unsigned char **guide_silent)
{
  if (!f_guide || !frames_guide || !f_take || !frames_take) {
    return PS_ERR_ARG;
  }
  *f_guide = *f_take = NULL;
  if (take_silent) {
    *take_silent = NULL;
  }
  if (guide_silent) {
    *guide_silent = NULL;
  }
  *frames_guide = *frames_take = 0;
  double *mg = NULL, *mt = NULL;
  size_t cg = 0, ct = 0;
  double ng[MELS], lg[MELS], nt[MELS], lt[MELS], fg[MELS], ft[MELS];
  double bg = 0.0, bt = 0.0;
  /* the two spectra at once, the take's on a second thread when there is
     one (FFT planning is serialised in fft.c; the results are the same
     either way) */
  MelJob job = {take, n_take, rate_take, NULL, 0, 0.0, PS_OK};
  pthread_t thread;
  const bool threaded = pthread_create(&thread, NULL, mel_job, &job) == 0;
  int st = mel_powers(guide, n_guide, rate_guide, &mg, &cg, &bg);
  if (threaded) {
    pthread_join(thread, NULL);
  } else {
    mel_job(&job);
  }
  mt = job.mel;
  ct = job.count;
  bt = job.bound;
  if (!st) {
    st = job.status;
  }
  if (!st) {
    st = band_levels(mg, cg, bg, ng, lg);
  }
  if (!st) {
    st = band_levels(mt, ct, bt, nt, lt);
  }
  if (!st) {
    ps_align_joint_floors(ng, lg, nt, lt, fg, ft);
    if (take_silent && !(*take_silent = silences(mt, ct, ft))) {
      st = PS_ERR_NOMEM;
    }
    if (!st && guide_silent && !(*guide_silent = silences(mg, cg, fg))) {
      st = PS_ERR_NOMEM;
    }
  }
  if (!st) {
    st = features_from(mg, cg, fg, f_guide);
  }
  if (!st) {
    st = features_from(mt, ct, ft, f_take);
  }
  free(mg);
  free(mt);
  if (st) {
    free(*f_guide);
    free(*f_take);
    *f_guide = *f_take = NULL;
    if (take_silent) {
      free(*take_silent);
      *take_silent = NULL;
    }
    if (guide_silent) {
      free(*guide_silent);
      *guide_silent = NULL;
    }
    return st;
  }
  *frames_guide = cg;
  *frames_take = ct;
  return PS_OK;
}

/* How a cell of the warping was reached. */
enum { FROM_DIAGONAL, FROM_GUIDE2, FROM_TAKE2, FROM_TAKE, FROM_GUIDE, FROM_START };

/* The warping inside a band: for guide frame i, take frames [first[i],
   first[i] + width).  Only the moves are kept for every cell; the sums and
   the distances of the last three and two rows. */
static int
warp(const float *g, size_t n, const float *tk, size_t m, const long long *first, size_t width,
     const unsigned char *take_silent, const unsigned char *guide_silent, double *take_frame,
     double *cost)
{
  float *D = (float *)malloc(3 * width * sizeof(float));
  float *dist = (float *)malloc(2 * width * sizeof(float));
  unsigned char *move = (unsigned char *)malloc(n * width);
  double *sum = (double *)calloc(n, sizeof(double));
  double *hits = (double *)calloc(n, sizeof(double));
  int st = D && dist && move && sum && hits ? PS_OK : PS_ERR_NOMEM;
#define IN(i, j) ((j) >= first[i] && (j) < first[i] + (long long)width && (j) >= 0 && (j) < (long long)m)
#define AT(arr, rows, i, j) (arr)[(size_t)((i) % (rows)) * width + (size_t)((j) - first[i])]
#define SUM(i, j) AT(D, 3, i, j)
#define DIST(i, j) AT(dist, 2, i, j)
#define MOVE(i, j) move[(size_t)(i) * width + (size_t)((j) - first[i])]
  if (!st && !IN(0, 0)) {
    st = PS_ERR_ARG;
  }
  const float inf = HUGE_VALF;
  float end_sum = inf;
  for (long long i = 0; !st && i < (long long)n; ++i) {
    for (size_t k = 0; k < width; ++k) {
      const long long j = first[i] + (long long)k;
      AT(D, 3, i, j) = inf;
      AT(dist, 2, i, j) = j >= 0 && j < (long long)m
                            ? ps_align_distance(g + (size_t)i * PS_ALIGN_DIMS,
                                                tk + (size_t)j * PS_ALIGN_DIMS)
                            : 0.0f;
    }
    for (long long j = first[i] < 0 ? 0 : first[i]; j < first[i] + (long long)width && j < (long long)m;
         ++j) {
      const float d = DIST(i, j);
      if (i == 0 && j == 0) {
        SUM(0, 0) = 2.0f * d;
        MOVE(0, 0) = FROM_START;
        continue;
      }
      float best = inf;
      unsigned char how = FROM_DIAGONAL;
#define TRY(cond, value, from)  \
  do {                          \
    if (cond) {                 \
      const float v_ = (value); \
      if (v_ < best) {          \
        best = v_;              \
        how = (from);           \
      }                         \
    }                           \
  } while (0)
      TRY(i >= 1 && IN(i - 1, j - 1), SUM(i - 1, j - 1) + 2.0f * d, FROM_DIAGONAL);
      TRY(i >= 2 && IN(i - 2, j - 1) && IN(i - 1, j),
          SUM(i - 2, j - 1) + 2.0f * DIST(i - 1, j) + d + (float)PS_ALIGN_SLOPE_STEP, FROM_GUIDE2);
      TRY(i >= 1 && IN(i - 1, j - 2) && IN(i, j - 1),
          SUM(i - 1, j - 2) + 2.0f * DIST(i, j - 1) + d + (float)PS_ALIGN_SLOPE_STEP, FROM_TAKE2);
      /* silence of the take may be skipped or held without limit: a pause
         shortened or lengthened, or words of one track only let through;
         at a price per frame (PS_ALIGN_SILENCE_STEP) so that the diagonal
         stays the way through silences the tracks share */
      if (take_silent && take_silent[j]) {
        /* a pause of both: lengthened or shortened for less */
        const bool both = guide_silent && guide_silent[i];
        const float silent =
          d + (float)(both ? PS_ALIGN_PAUSE_STEP : PS_ALIGN_SILENCE_STEP);
        TRY(IN(i, j - 1), SUM(i, j - 1) + silent, FROM_TAKE);
        TRY(i >= 1 && IN(i - 1, j), SUM(i - 1, j) + silent, FROM_GUIDE);
      } else if (guide_silent && guide_silent[i]) {
        /* sound of the take alone in a pause of the guide: passed over */
        TRY(IN(i, j - 1), SUM(i, j - 1) + d + (float)PS_ALIGN_INSERT_STEP, FROM_TAKE);
      }
#undef TRY
      SUM(i, j) = best;
      MOVE(i, j) = how;
    }
    if (i == (long long)n - 1 && IN(i, (long long)m - 1)) {
      end_sum = SUM(i, (long long)m - 1);
    }
  }
  if (!st && !(end_sum < inf)) {
    st = PS_ERR_ARG;
  }
  if (!st) {
    if (cost) {
      *cost = (double)end_sum / (double)(n + m);
    }
    /* back from the end: the take frame(s) of each guide frame */
    long long i = (long long)n - 1, j = (long long)m - 1;
    for (;;) {
      sum[i] += (double)j;
      hits[i] += 1.0;
      const unsigned char how = MOVE(i, j);
      if (how == FROM_START) {
        break;
      } else if (how == FROM_DIAGONAL) {
        --i;
        --j;
      } else if (how == FROM_GUIDE2) {
        sum[i - 1] += (double)j - 0.5; /* the middle step */
        hits[i - 1] += 1.0;
        i -= 2;
        j -= 1;
      } else if (how == FROM_TAKE2) {
        sum[i] += (double)j - 1.0;
        hits[i] += 1.0;
        i -= 1;
        j -= 2;
      } else if (how == FROM_TAKE) {
        j -= 1;
      } else {
        i -= 1;
      }
    }
    for (size_t k = 0; k < n; ++k) {
      take_frame[k] = hits[k] > 0.0 ? sum[k] / hits[k] : (k ? take_frame[k - 1] : 0.0);
    }
    /* smoothed over +-15 ms, but not across a jump (a stretch of the take
       passed over: more than JUMP take frames between two guide frames,
       past any slope speech takes), which it would blur into the word at
       its edge; then strictly increasing */
    double *smooth = sum; /* reuse */
    for (size_t k = 0; k < n; ++k) {
      size_t lo = k, hi = k;
      while (lo > 0 && k - lo < SMOOTH && take_frame[lo] - take_frame[lo - 1] <= JUMP) {
        --lo;
      }
      while (hi + 1 < n && hi - k < SMOOTH && take_frame[hi + 1] - take_frame[hi] <= JUMP) {
        ++hi;
      }
      double acc = 0.0;
      for (size_t q = lo; q <= hi; ++q) {
        acc += take_frame[q];
      }
      smooth[k] = acc / (double)(hi - lo + 1);
    }
    for (size_t k = 0; k < n; ++k) {
      take_frame[k] = smooth[k];
      if (k && !(take_frame[k] > take_frame[k - 1])) {
        take_frame[k] = take_frame[k - 1] + 0.01;
      }
    }
  }
#undef IN
#undef AT
#undef SUM
#undef DIST
#undef MOVE
  free(D);
  free(dist);
  free(move);
  free(sum);
  free(hits);
  return st;
}

/* The coarse frames (COARSE frames each) of a track's silences, silent
   where all of theirs are: coarse[count_coarse] (the caller frees it), or
   NULL for no silences (or no memory: the caller tells them apart). */
static unsigned char *
coarse_silences(const unsigned char *silent, size_t count, size_t count_coarse)
{
  unsigned char *coarse = silent ? (unsigned char *)malloc(count_coarse) : NULL;
  for (size_t c = 0; coarse && c < count_coarse; ++c) {
    coarse[c] = 1;
    for (size_t f = c * COARSE; f < (c + 1) * COARSE && f < count; ++f) {
      coarse[c] = coarse[c] && silent[f];
    }
  }
  return coarse;
}

int
ps_align_dtw(const float *g, size_t n, const float *tk, size_t m, size_t w,
             const unsigned char *take_silent, const unsigned char *guide_silent,
             double *take_frame, double *cost)
{
  if (!g || !tk || !take_frame || n < 2 || m < 2 || n > 2 * m || m > 2 * n) {
    return PS_ERR_ARG;
  }
  long long *first = (long long *)malloc(n * sizeof(long long));
  if (!first) {
    return PS_ERR_NOMEM;
  }
  int st = PS_OK;
  const size_t nc = (n + COARSE - 1) / COARSE, mc = (m + COARSE - 1) / COARSE;
  const size_t wc = (w + COARSE - 1) / COARSE;
  if (2 * FINE + 1 >= 2 * w + 1 || nc < 2 || mc < 2 || nc > 2 * mc || mc > 2 * nc) {
    /* small enough to warp at once around the diagonal */
    for (size_t i = 0; i < n; ++i) {
      first[i] = llround((double)i * (double)(m - 1) / (double)(n - 1)) - (long long)w;
    }
    st = warp(g, n, tk, m, first, 2 * w + 1, take_silent, guide_silent, take_frame, cost);
    free(first);
    return st;
  }
  /* first COARSE frames at a time (features averaged, silent where all
     are) in the whole band, then every frame within +-FINE of that path */
  float *gc = (float *)calloc(nc * PS_ALIGN_DIMS, sizeof(float));
  float *tc = (float *)calloc(mc * PS_ALIGN_DIMS, sizeof(float));
  unsigned char *sc = coarse_silences(take_silent, m, mc);
  unsigned char *gsc = coarse_silences(guide_silent, n, nc);
  long long *firstc = (long long *)malloc(nc * sizeof(long long));
  double *mapc = (double *)malloc(nc * sizeof(double));
  if (!gc || !tc || (take_silent && !sc) || (guide_silent && !gsc) || !firstc || !mapc) {
    st = PS_ERR_NOMEM;
  }
  const float *src[2] = {g, tk};
  float *dst[2] = {gc, tc};
  const size_t len[2] = {n, m}, lenc[2] = {nc, mc};
  for (int t = 0; !st && t < 2; ++t) {
    for (size_t c = 0; c < lenc[t]; ++c) {
      size_t count = 0;
      for (size_t f = c * COARSE; f < (c + 1) * COARSE && f < len[t]; ++f, ++count) {
        for (int d = 0; d < PS_ALIGN_DIMS; ++d) {
          dst[t][c * PS_ALIGN_DIMS + d] += src[t][f * PS_ALIGN_DIMS + d];
        }
      }
      for (int d = 0; d < PS_ALIGN_DIMS; ++d) {
        dst[t][c * PS_ALIGN_DIMS + d] /= (float)count;
      }
    }
  }
  if (!st) {
    for (size_t i = 0; i < nc; ++i) {
      firstc[i] = llround((double)i * (double)(mc - 1) / (double)(nc - 1)) - (long long)wc;
    }
    st = warp(gc, nc, tc, mc, firstc, 2 * wc + 1, sc, gsc, mapc, NULL);
  }
  if (!st) {
    for (size_t i = 0; i < n; ++i) {
      /* the coarse map at fine frame i, in fine frames */
      const double at = (double)i / COARSE;
      size_t k = (size_t)at;
      k = k + 1 < nc ? k : nc - 2;
      const double f = at - (double)k;
      const double centre = ((1.0 - f) * mapc[k] + f * mapc[k + 1]) * COARSE;
      first[i] = llround(centre) - FINE;
    }
    /* both ends inside */
    first[0] = first[0] > 0 ? 0 : first[0];
    first[0] = first[0] < -(long long)(2 * FINE) ? -(long long)(2 * FINE) : first[0];
    const long long last = (long long)m - 1 - (long long)(2 * FINE);
    first[n - 1] = first[n - 1] < last ? last : first[n - 1];
    first[n - 1] = first[n - 1] > (long long)m - 1 ? (long long)m - 1 : first[n - 1];
    st = warp(g, n, tk, m, first, 2 * FINE + 1, take_silent, guide_silent, take_frame, cost);
  }
  free(gc);
  free(tc);
  free(sc);
  free(gsc);
  free(firstc);
  free(mapc);
  free(first);
  return st;
}
