/* Streaming lip-sync: see lipsync.h. */
#include "lipsync.h"

#include "align.h"
#include "ps_status.h"
#include "tsm.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DIMS PS_ALIGN_DIMS
#define CEPS PS_ALIGN_CEPS
#define MELS PS_ALIGN_MELS
#define STEP 4           /* rows committed per decision (40 ms) */
#define FRAMES 1024      /* frame history kept, a power of two (10.24 s) */
#define S_LIMIT 200      /* the largest max_shift, frames */
#define STAT_BLOCK 50    /* frames per block of the bands' statistics */
#define NOISE_BLOCKS 4   /* past blocks the noise (minimum) looks back over */
#define LEVEL_BLOCKS 8   /* and the speech level (maximum) */
#define DELTA 2          /* frames each side for the cepstrum's change: 20 ms */
#define ONSET_DELTA 1    /* and for the level's rise: 10 ms */
#define NORM_FRAMES 400.0 /* time constant of the running normalisation */
#define CLIP 4.0          /* the largest normalised feature value */
#define SMOOTH_MIN 2     /* map smoothing half-width at flexibility 1, frames */
#define SMOOTH_MAX 40    /* and at flexibility 0 */
#define CONF_SPAN 10     /* confidence: mean path distance over +-10 frames */
#define PROTECT_SPEED 1.25 /* with protect, the take's sound at most this much faster or slower */
/* Path distances (RMS over the normalised dimensions) read as confidence 1
   at or below CONF_GOOD, 0 at or above CONF_POOR: two unrelated frames of
   unit-variance features lie sqrt(2) apart. */
#define CONF_GOOD 0.55
#define CONF_POOR 1.25
#define BAND (2 * S_LIMIT + 1)
#define MARGIN 50         /* look-ahead past the band, frames: 500 ms */
#define ROWS (S_LIMIT + MARGIN + STEP + 4)
#define INF 1e30f
#define START 3 /* a path's first cell */
#define SKIP 4  /* from (i, j - 1): a silent take frame skipped */
#define HOLD 5  /* from (i - 1, j): a silent take frame held */

/* The running normalisation starts from these deviations (c1..c12 of the
   floored log-mel bands, their change per frame, the level's rise): what
   it ends with over a minute of tests/lipsync's speech, rounded; the means
   start at 0. */
static const double prior_sd[DIMS] = {
  13.0, 5.5, 7.5, 6.5, 5.0, 5.0, 4.3, 3.1, 3.5, 3.0, 2.5, 3.5,
  1.8, 1.3, 1.3, 1.1, 0.95, 0.95, 0.85, 0.7, 0.75, 0.6, 0.55, 0.6,
  0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15,
};

typedef struct {
  float *ring; /* samples, ring_size (power of two) */
  double noise_now[MELS], level_now[MELS]; /* this block's minimum, maximum */
  double noise_past[NOISE_BLOCKS][MELS];
  double level_past[LEVEL_BLOCKS][MELS];
  double mel[FRAMES][MELS]; /* band powers */
  double ceps[FRAMES][CEPS];
  double level[FRAMES]; /* mean logged band */
  unsigned char silent[FRAMES];
  double noise_bound; /* ps_align_frame_noise_bound */
  double mean[DIMS], var[DIMS];
  float feat[FRAMES][DIMS]; /* normalised, final */
} Track;

struct PsLipsync {
  double rate;
  size_t hop, win, half, fft_size;
  size_t ring_size, out_size; /* powers of two */
  Track take, guide;
  PsAlignFrame *frame;
  PsTsm *tsm;
  float *out_ring;

  /* settings */
  long long shift; /* S, frames */
  double flexibility;
  bool protect;
  bool enabled;
  size_t latency;

  /* position */
  long long n_in;      /* samples heard */
  long long n_ceps;    /* frames whose cepstrum is known */
  long long n_final;   /* frames whose features are final (F) */
  long long committed; /* rows of the map decided (c) */
  long long anchor_j;  /* the path's last take frame on row c - 1 */
  long long rendered;  /* WSOLA frames added (k_r) */
  long long tsm_previous;
  long long stat_frames; /* frames into the bands' statistics */
  size_t late;
  float gain; /* 1 aligned .. 0 bypassed */
  float gain_step;

  /* distances: row i at dist[i % FRAMES][j - i + S_LIMIT] */
  float (*dist)[BAND];
  /* the decision's dynamic programming */
  float (*acc)[BAND];
  unsigned char (*move)[BAND];
  float (*len)[BAND]; /* the weight of the path to each cell */
  double tentative[ROWS + SMOOTH_MAX + 1];
  double path_dist[ROWS + SMOOTH_MAX + 1];
  /* per committed row: raw path position, path distance, final map */
  double raw[FRAMES];
  double local[FRAMES];
  double map[FRAMES];
  double conf[FRAMES];
};

static size_t
power_of_two_at_least(size_t n)
{
  size_t p = 1;
  while (p < n) {
    p <<= 1;
  }
  return p;
}

static size_t
latency_for(const PsLipsync *ls, long long shift)
{
  return (size_t)(shift + MARGIN + STEP + DELTA) * ls->hop + (ls->win - ls->half);
}

static void
track_reset(Track *t, size_t ring_size)
{
  memset(t->ring, 0, ring_size * sizeof(float));
  for (int b = 0; b < MELS; ++b) {
    t->noise_now[b] = HUGE_VAL;
    t->level_now[b] = 0.0;
    for (int k = 0; k < NOISE_BLOCKS; ++k) {
      t->noise_past[k][b] = HUGE_VAL;
    }
    for (int k = 0; k < LEVEL_BLOCKS; ++k) {
      t->level_past[k][b] = 0.0;
    }
  }
  for (int d = 0; d < DIMS; ++d) {
    t->mean[d] = 0.0;
    t->var[d] = prior_sd[d] * prior_sd[d];
  }
  /* the frames' history too: a reset is a fresh start, bit for bit */
  memset(t->mel, 0, sizeof(t->mel));
  memset(t->ceps, 0, sizeof(t->ceps));
  memset(t->level, 0, sizeof(t->level));
  memset(t->silent, 0, sizeof(t->silent));
  memset(t->feat, 0, sizeof(t->feat));
}

void
ps_lipsync_reset(PsLipsync *ls)
{
  if (!ls) {
    return;
  }
  track_reset(&ls->take, ls->ring_size);
  track_reset(&ls->guide, ls->ring_size);
  memset(ls->out_ring, 0, ls->out_size * sizeof(float));
  ls->n_in = 0;
  ls->n_ceps = 0;
  ls->n_final = 0;
  ls->committed = 0;
  ls->anchor_j = 0;
  ls->rendered = 0;
  ls->tsm_previous = 0;
  ls->stat_frames = 0;
  ls->late = 0;
  ls->gain = ls->enabled ? 1.0f : 0.0f;
  memset(ls->tentative, 0, sizeof(ls->tentative));
  memset(ls->path_dist, 0, sizeof(ls->path_dist));
  memset(ls->raw, 0, sizeof(ls->raw));
  memset(ls->local, 0, sizeof(ls->local));
  memset(ls->map, 0, sizeof(ls->map));
  memset(ls->conf, 0, sizeof(ls->conf));
  /* (the distance and warping tables are written before they are read; at
     48 kHz this takes 0.08 ms, at 192 kHz 0.34 ms, mostly the rings) */
  ls->latency = latency_for(ls, ls->shift);
}

void
ps_lipsync_free(PsLipsync **pls)
{
  if (!pls || !*pls) {
    return;
  }
  PsLipsync *ls = *pls;
  free(ls->take.ring);
  free(ls->guide.ring);
  free(ls->out_ring);
  free(ls->dist);
  free(ls->acc);
  free(ls->move);
  free(ls->len);
  ps_align_frame_free(&ls->frame);
  ps_tsm_free(&ls->tsm);
  free(ls);
  *pls = NULL;
}

int
ps_lipsync_init(PsLipsync **out, double rate)
{
  if (!out) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  if (!(rate >= 22050.0 && rate <= 192000.0)) {
    return PS_ERR_RATE;
  }
  PsLipsync *ls = (PsLipsync *)calloc(1, sizeof(PsLipsync));
  if (!ls) {
    return PS_ERR_NOMEM;
  }
  ls->rate = rate;
  ls->hop = (size_t)lround(0.010 * rate);
  int st = ps_align_frame_init(&ls->frame, rate);
  if (st) {
    ps_lipsync_free(&ls);
    return st;
  }
  ls->win = ps_align_frame_window(ls->frame);
  ls->take.noise_bound = ls->guide.noise_bound = ps_align_frame_noise_bound(ls->frame);
  ls->half = ls->win / 2;
  ls->fft_size = power_of_two_at_least(ls->win);
  ls->shift = 100; /* 1000 ms */
  ls->flexibility = 1.0;
  ls->enabled = true;
  ls->gain = 1.0f;
  ls->gain_step = (float)(1.0 / (0.010 * rate));
  /* the take is read back as far as the oldest frame the map may send an
     output frame to: latency + S + a frame and its search either side */
  const size_t reach = (size_t)S_LIMIT * ls->hop;
  const size_t latency_max = latency_for(ls, S_LIMIT);
  ls->ring_size = power_of_two_at_least(latency_max + reach + 4 * ls->hop + ls->win);
  ls->out_size = power_of_two_at_least(latency_max + 4 * ls->hop);
  ls->take.ring = (float *)calloc(ls->ring_size, sizeof(float));
  ls->guide.ring = (float *)calloc(ls->ring_size, sizeof(float));
  ls->out_ring = (float *)calloc(ls->out_size, sizeof(float));
  ls->dist = calloc(FRAMES, sizeof(*ls->dist));
  ls->acc = calloc(ROWS, sizeof(*ls->acc));
  ls->move = calloc(ROWS, sizeof(*ls->move));
  ls->len = calloc(ROWS, sizeof(*ls->len));
  st = ps_tsm_init(&ls->tsm, rate);
  if (!st && (!ls->take.ring || !ls->guide.ring || !ls->out_ring || !ls->dist ||
              !ls->acc || !ls->move || !ls->len)) {
    st = PS_ERR_NOMEM;
  }
  if (st) {
    ps_lipsync_free(&ls);
    return st;
  }
  ps_lipsync_reset(ls);
  *out = ls;
  return PS_OK;
}

void
ps_lipsync_set_max_shift(PsLipsync *ls, double ms)
{
  if (!(ms >= PS_LIPSYNC_MAX_SHIFT_MIN_MS)) {
    ms = PS_LIPSYNC_MAX_SHIFT_MIN_MS;
  }
  if (ms > PS_LIPSYNC_MAX_SHIFT_MAX_MS) {
    ms = PS_LIPSYNC_MAX_SHIFT_MAX_MS;
  }
  const long long shift = lround(ms / 10.0);
  if (shift != ls->shift) {
    ls->shift = shift;
    ps_lipsync_reset(ls);
  }
}

void
ps_lipsync_set_flexibility(PsLipsync *ls, double flexibility)
{
  ls->flexibility = flexibility >= 0.0 ? (flexibility <= 1.0 ? flexibility : 1.0) : 0.0;
}

void
ps_lipsync_set_protect(PsLipsync *ls, bool protect)
{
  ls->protect = protect;
}

void
ps_lipsync_set_enabled(PsLipsync *ls, bool enabled)
{
  ls->enabled = enabled;
}

size_t
ps_lipsync_latency(const PsLipsync *ls)
{
  return ls->latency;
}

size_t
ps_lipsync_late(const PsLipsync *ls)
{
  return ls->late;
}

/* ------------------------------------------------------------------------ */
/* Features                                                                 */

/* Each band's power in frame f of the track (centred on sample f hop),
   and the band statistics it adds to: the minimum over this block (noise)
   and the maximum (speech level). */
static void
track_analyse(PsLipsync *ls, Track *t, long long f)
{
  float *x = ps_align_frame_input(ls->frame);
  const long long start = f * (long long)ls->hop - (long long)ls->half;
  const size_t mask = ls->ring_size - 1;
  for (size_t i = 0; i < ls->win; ++i) {
    const long long at = start + (long long)i;
    x[i] = at >= 0 ? t->ring[(size_t)at & mask] : 0.0f;
  }
  double *mel = t->mel[f % FRAMES];
  ps_align_frame_mel(ls->frame, mel);
  /* a power guard near -190 dBFS: digital silence has a finite log */
  const double guard = 1e-19 * (double)ls->fft_size * (double)ls->fft_size;
  for (int b = 0; b < MELS; ++b) {
    mel[b] += guard;
    t->noise_now[b] = mel[b] < t->noise_now[b] ? mel[b] : t->noise_now[b];
    t->level_now[b] = mel[b] > t->level_now[b] ? mel[b] : t->level_now[b];
  }
}

static void
track_statistics(const Track *t, double *noise, double *level)
{
  for (int b = 0; b < MELS; ++b) {
    double lo = t->noise_now[b], hi = t->level_now[b];
    for (int k = 0; k < NOISE_BLOCKS; ++k) {
      lo = t->noise_past[k][b] < lo ? t->noise_past[k][b] : lo;
    }
    for (int k = 0; k < LEVEL_BLOCKS; ++k) {
      hi = t->level_past[k][b] > hi ? t->level_past[k][b] : hi;
    }
    /* the least of many frames lies under the noise's mean: twice it
       is nearer (a 10th percentile, as align.h's files take) */
    lo *= 2.0;
    noise[b] = lo > t->noise_bound ? lo : t->noise_bound;
    level[b] = hi > noise[b] ? hi : noise[b];
  }
}

/* Both tracks' frame f logged over their floors (align.h's rule for a
   pair, from the statistics so far): cepstrum and level; and whether the
   take is silent there. */
static void
frame_cepstra(PsLipsync *ls, long long f)
{
  double ng[MELS], lg[MELS], nt[MELS], lt[MELS], fg[MELS], ft[MELS];
  track_statistics(&ls->guide, ng, lg);
  track_statistics(&ls->take, nt, lt);
  ps_align_joint_floors(ng, lg, nt, lt, fg, ft);
  Track *tracks[2] = {&ls->guide, &ls->take};
  const double *floors[2] = {fg, ft};
  for (int n = 0; n < 2; ++n) {
    Track *t = tracks[n];
    const double *mel = t->mel[f % FRAMES];
    double log_mel[MELS], level = 0.0, power = 0.0, floor_power = 0.0;
    for (int b = 0; b < MELS; ++b) {
      log_mel[b] = log(mel[b] + floors[n][b]);
      level += log_mel[b];
      power += mel[b];
      floor_power += floors[n][b];
    }
    t->level[f % FRAMES] = level / MELS;
    t->silent[f % FRAMES] = power < 4.0 * floor_power;
    ps_align_frame_cepstrum(ls->frame, log_mel, t->ceps[f % FRAMES]);
  }
}

static void
statistics_advance(PsLipsync *ls)
{
  ++ls->stat_frames;
  Track *tracks[2] = {&ls->take, &ls->guide};
  for (int n = 0; n < 2; ++n) {
    Track *t = tracks[n];
    if (ls->stat_frames % STAT_BLOCK == 0) {
      const long long block = ls->stat_frames / STAT_BLOCK;
      for (int b = 0; b < MELS; ++b) {
        t->noise_past[block % NOISE_BLOCKS][b] = t->noise_now[b];
        t->level_past[block % LEVEL_BLOCKS][b] = t->level_now[b];
        t->noise_now[b] = HUGE_VAL;
        t->level_now[b] = 0.0;
      }
    }
  }
}

/* Frame g's features, now that the cepstrum of g + DELTA is known: as
   align.h's, normalised by running statistics. */
static void
track_finalise(Track *t, long long g)
{
  const long long a = g >= DELTA ? g - DELTA : 0, z = g + DELTA;
  const long long ar = g >= ONSET_DELTA ? g - ONSET_DELTA : 0, zr = g + ONSET_DELTA;
  double v[DIMS];
  for (int c = 0; c < CEPS; ++c) {
    v[c] = t->ceps[g % FRAMES][c];
    v[CEPS + c] = (t->ceps[z % FRAMES][c] - t->ceps[a % FRAMES][c]) / (double)(z - a);
  }
  const double rise = (t->level[zr % FRAMES] - t->level[ar % FRAMES]) / (double)(zr - ar);
  for (int d = 2 * CEPS; d < DIMS; ++d) {
    v[d] = rise > 0.0 ? rise : 0.0;
  }
  /* the statistics learn from each deviation clipped at 3 standard
     deviations, and the features are clipped at CLIP: one outlier (a
     track's return from a dropout) neither flattens a dimension for
     seconds nor outweighs all the others */
  const double alpha = 1.0 / NORM_FRAMES;
  for (int d = 0; d < DIMS; ++d) {
    const double sd3 = 3.0 * sqrt(t->var[d]);
    double e = v[d] - t->mean[d];
    e = e > sd3 ? sd3 : (e < -sd3 ? -sd3 : e);
    t->mean[d] += alpha * e;
    t->var[d] = (1.0 - alpha) * (t->var[d] + alpha * e * e);
    const double score = (v[d] - t->mean[d]) / sqrt(t->var[d] + 1e-6);
    t->feat[g % FRAMES][d] = (float)(score > CLIP ? CLIP : (score < -CLIP ? -CLIP : score));
  }
}

/* The distances frame f adds: its guide row against the take frames heard,
   and its take column against the guide frames heard. */
static void
distances_add(PsLipsync *ls, long long f)
{
  const long long S = ls->shift;
  for (long long j = f - S > 0 ? f - S : 0; j <= f; ++j) {
    ls->dist[f % FRAMES][j - f + S_LIMIT] =
      ps_align_distance(ls->guide.feat[f % FRAMES], ls->take.feat[j % FRAMES]);
  }
  for (long long i = f - S > 0 ? f - S : 0; i < f; ++i) {
    ls->dist[i % FRAMES][f - i + S_LIMIT] =
      ps_align_distance(ls->guide.feat[i % FRAMES], ls->take.feat[f % FRAMES]);
  }
}

/* ------------------------------------------------------------------------ */
/* Decisions                                                                */

static float
dist_at(const PsLipsync *ls, long long i, long long j)
{
  return ls->dist[i % FRAMES][j - i + S_LIMIT];
}

/* Solves the warping from the last committed cell over the frames heard and
   commits STEP rows. */
static void
decide(PsLipsync *ls)
{
  const long long S = ls->shift, c = ls->committed;
  const long long r0 = c > 0 ? c - 1 : 0; /* the start row */
  const long long F = ls->n_final < r0 + ROWS ? ls->n_final : r0 + ROWS;
  long long j0 = c > 0 ? ls->anchor_j : 0;
  j0 = j0 < r0 - S ? r0 - S : (j0 > r0 + S ? r0 + S : j0);
  j0 = j0 < 0 ? 0 : (j0 > F - 1 ? F - 1 : j0);
  const long long rows = F - r0;
#define IN_BAND(i, j) ((j) >= 0 && (j) < F && (j) - (i) >= -S && (j) - (i) <= S)
#define ACC(i, j) ls->acc[(i) - r0][(j) - (i) + S_LIMIT]
#define MOVE(i, j) ls->move[(i) - r0][(j) - (i) + S_LIMIT]
#define LEN(i, j) ls->len[(i) - r0][(j) - (i) + S_LIMIT]
  for (long long r = 0; r < rows; ++r) {
    for (long long b = S_LIMIT - S; b <= S_LIMIT + S; ++b) {
      ls->acc[r][b] = INF;
    }
  }
  /* paths start at the last committed cell, the first at (0, 0): both
     tracks start together (in a session, the plugin starts with the
     transport, well before the line; a free start would let the guide's
     lead-in match any pause of the take) */
  ACC(r0, j0) = c > 0 ? 0.0f : 2.0f * dist_at(ls, 0, 0);
  LEN(r0, j0) = c > 0 ? 0.0f : 2.0f;
  MOVE(r0, j0) = START;
  for (long long i = r0; i < F; ++i) {
    for (long long j = i - S; j <= i + S; ++j) {
      if (!IN_BAND(i, j) || (ACC(i, j) < INF && MOVE(i, j) == START)) {
        continue;
      }
      const float d = dist_at(ls, i, j);
      float best = INF, len = 0.0f;
      unsigned char how = 0;
      if (i - 1 >= r0 && IN_BAND(i - 1, j - 1) && ACC(i - 1, j - 1) < INF) {
        best = ACC(i - 1, j - 1) + 2.0f * d;
        len = LEN(i - 1, j - 1) + 2.0f;
      }
      if (i - 2 >= r0 && IN_BAND(i - 2, j - 1) && IN_BAND(i - 1, j) && ACC(i - 2, j - 1) < INF) {
        const float v = ACC(i - 2, j - 1) + 2.0f * dist_at(ls, i - 1, j) + d;
        if (v < best) {
          best = v;
          len = LEN(i - 2, j - 1) + 3.0f;
          how = 1;
        }
      }
      if (i - 1 >= r0 && IN_BAND(i - 1, j - 2) && IN_BAND(i, j - 1) && ACC(i - 1, j - 2) < INF) {
        const float v = ACC(i - 1, j - 2) + 2.0f * dist_at(ls, i, j - 1) + d;
        if (v < best) {
          best = v;
          len = LEN(i - 1, j - 2) + 3.0f;
          how = 2;
        }
      }
      /* silence of the take may be skipped or held without limit (as in
         align.h's warping) */
      if (ls->take.silent[j % FRAMES]) {
        const float d_silent = d + (float)PS_ALIGN_SILENCE_STEP;
        if (IN_BAND(i, j - 1) && ACC(i, j - 1) < INF && ACC(i, j - 1) + d_silent < best) {
          best = ACC(i, j - 1) + d_silent;
          len = LEN(i, j - 1) + 1.0f;
          how = SKIP;
        }
        if (i - 1 >= r0 && IN_BAND(i - 1, j) && ACC(i - 1, j) < INF &&
            ACC(i - 1, j) + d_silent < best) {
          best = ACC(i - 1, j) + d_silent;
          len = LEN(i - 1, j) + 1.0f;
          how = HOLD;
        }
      }
      ACC(i, j) = best;
      LEN(i, j) = len;
      MOVE(i, j) = how;
    }
  }
  /* the open end: the best mean cost on the newest guide row or the newest
     take column */
  long long ei = -1, ej = -1;
  double best = HUGE_VAL;
  for (long long i = r0 + 1; i < F; ++i) {
    for (long long j = i - S; j <= i + S; ++j) {
      if (!IN_BAND(i, j) || (i != F - 1 && j != F - 1) || !(ACC(i, j) < INF)) {
        continue;
      }
      const double mean = (double)ACC(i, j) / (double)(LEN(i, j) + 1.0f);
      if (mean < best) {
        best = mean;
        ei = i;
        ej = j;
      }
    }
  }
  double *sum = ls->tentative, *local = ls->path_dist;
  long long last = -1;
  double hits[ROWS];
  for (long long r = 0; r < rows; ++r) {
    sum[r] = 0.0;
    local[r] = 0.0;
    hits[r] = 0.0;
  }
  if (ei < 0) {
    /* nothing reachable (not expected): go on along the diagonal */
    for (long long r = 0; r < rows; ++r) {
      sum[r] = (double)(j0 + r);
      local[r] = CONF_POOR;
    }
  } else {
    long long i = ei, j = ej;
#define VISIT(ii, jj)                                   \
  do {                                                  \
    sum[(ii) - r0] += (double)(jj);                     \
    local[(ii) - r0] += (double)dist_at(ls, (ii), (jj)); \
    hits[(ii) - r0] += 1.0;                             \
    if ((ii) == c + STEP - 1 && (jj) > last) {          \
      last = (jj);                                      \
    }                                                   \
  } while (0)
    for (;;) {
      VISIT(i, j);
      if (MOVE(i, j) == START) {
        break;
      }
      const unsigned char how = MOVE(i, j);
      if (how == 0) {
        --i;
        --j;
      } else if (how == 1) {
        VISIT(i - 1, j);
        i -= 2;
        --j;
      } else if (how == 2) {
        VISIT(i, j - 1);
        --i;
        j -= 2;
      } else if (how == SKIP) {
        --j;
      } else {
        --i;
      }
    }
#undef VISIT
    long long first = 0;
    while (first < rows && !(hits[first] > 0.0)) {
      ++first;
    }
    for (long long r = 0; r < rows; ++r) {
      if (hits[r] > 0.0) {
        sum[r] /= hits[r];
        local[r] /= hits[r];
      }
    }
    for (long long r = 0; r < rows; ++r) {
      if (!(hits[r] > 0.0)) {
        /* rows before a start on the take's first frame, or past an end
           on the newest take frame: at slope 1 from the path */
        sum[r] = r < first ? sum[first] - (double)(first - r) : sum[r - 1] + 1.0;
        local[r] = r < first ? local[first] : local[r - 1];
      }
    }
  }
  if (c > 0) {
    /* the start row's own value stays what was committed */
    sum[0] = ls->raw[r0 % FRAMES];
  }
  /* commit rows c .. c + STEP - 1 */
  const long long h0 = SMOOTH_MIN + lround((1.0 - ls->flexibility) * (SMOOTH_MAX - SMOOTH_MIN));
  const long long h = h0 < S ? h0 : S;
  for (long long i = c; i < c + STEP; ++i) {
    ls->raw[i % FRAMES] = sum[i - r0];
    ls->local[i % FRAMES] = local[i - r0];
  }
  for (long long i = c; i < c + STEP; ++i) {
    double s = 0.0, cs = 0.0;
    long long n = 0, nc = 0;
    /* a symmetric window, narrower near the start */
    const long long hi = i < h ? i : h;
    for (long long k = i - hi; k <= i + hi; ++k) {
      s += k < c + STEP ? ls->raw[k % FRAMES] : sum[k - r0];
      ++n;
    }
    for (long long k = i - CONF_SPAN; k <= i + CONF_SPAN; ++k) {
      if (k < 0) {
        continue;
      }
      cs += k < c + STEP ? ls->local[k % FRAMES] : local[k - r0];
      ++nc;
    }
    s /= (double)n;
    double conf = (CONF_POOR - cs / (double)nc) / (CONF_POOR - CONF_GOOD);
    conf = conf < 0.0 ? 0.0 : (conf > 1.0 ? 1.0 : conf);
    ls->conf[i % FRAMES] = conf;
    double m = s;
    if (i > 0) {
      const double prev = ls->map[(i - 1) % FRAMES];
      /* forward only; the path keeps speech to slopes 1/2..2, silence
         may go faster or slower */
      m = m > prev + 0.01 ? m : prev + 0.01;
      if (ls->protect && !ls->take.silent[(long long)prev % FRAMES]) {
        /* the take's sound plays within PROTECT_SPEED of its own speed;
           what the path wanted more goes into the take's next pause */
        m = m < prev + 1.0 / PROTECT_SPEED ? prev + 1.0 / PROTECT_SPEED
                                           : (m > prev + PROTECT_SPEED ? prev + PROTECT_SPEED : m);
      }
    }
    m = m < (double)(i - S) ? (double)(i - S) : (m > (double)(i + S) ? (double)(i + S) : m);
    ls->map[i % FRAMES] = m < 0.0 ? 0.0 : m;
  }
  /* the anchor of the next decision: the path's last take frame on the
     last committed row (recorded on the way back) */
  ls->anchor_j = last >= 0 ? last : (long long)llround(sum[c + STEP - 1 - r0]);
  ls->committed = c + STEP;
#undef IN_BAND
#undef ACC
#undef MOVE
#undef LEN
}

/* ------------------------------------------------------------------------ */
/* Rendering                                                                */

static void
render(PsLipsync *ls)
{
  const PsTsmSource src = {ls->take.ring, ls->ring_size - 1, 0, ls->n_in};
  const long long hop = (long long)ls->hop;
  while (ls->rendered < ls->committed) {
    const long long k = ls->rendered;
    const double centre = ls->map[k % FRAMES] * (double)hop;
    if ((double)ls->n_in < centre + (double)ps_tsm_reach(ls->tsm) + 1.0) {
      return; /* not heard yet */
    }
    ls->tsm_previous = ps_tsm_choose(ls->tsm, &src, centre, ls->tsm_previous, k > 0);
    ps_tsm_add(ls->tsm, &src, ls->tsm_previous, ls->out_ring, ls->out_size - 1, k * hop - hop,
               0, INT64_MAX);
    ++ls->rendered;
  }
}

/* What a whole frame of input brings: features, distances, decisions and
   rendering. */
static void
frame_event(PsLipsync *ls)
{
  const long long hop = (long long)ls->hop;
  while (ls->n_ceps * hop - (long long)ls->half + (long long)ls->win <= ls->n_in) {
    const long long f = ls->n_ceps;
    track_analyse(ls, &ls->take, f);
    track_analyse(ls, &ls->guide, f);
    frame_cepstra(ls, f);
    statistics_advance(ls);
    ++ls->n_ceps;
    if (f >= DELTA) {
      track_finalise(&ls->take, f - DELTA);
      track_finalise(&ls->guide, f - DELTA);
      distances_add(ls, f - DELTA);
      ls->n_final = f - DELTA + 1;
    }
  }
  while (ls->committed + STEP + ls->shift + MARGIN <= ls->n_final) {
    decide(ls);
  }
  render(ls);
}

void
ps_lipsync_process(PsLipsync *ls, const float *take, const float *guide, float *out, size_t n)
{
  const size_t mask = ls->ring_size - 1, out_mask = ls->out_size - 1;
  const long long hop = (long long)ls->hop, latency = (long long)ls->latency;
  const long long need = (long long)ls->win - (long long)ls->half;
  for (size_t s = 0; s < n; ++s) {
    float x = take ? take[s] : 0.0f, g = guide ? guide[s] : 0.0f;
    /* silence for what is not a number or absurdly loud; denormals to 0 */
    x = isfinite(x) && fabsf(x) < 1e6f ? (fabsf(x) > 1e-30f ? x : 0.0f) : 0.0f;
    g = isfinite(g) && fabsf(g) < 1e6f ? (fabsf(g) > 1e-30f ? g : 0.0f) : 0.0f;
    const long long at = ls->n_in;
    ls->take.ring[(size_t)at & mask] = x;
    ls->guide.ring[(size_t)at & mask] = g;
    ls->n_in = at + 1;
    if ((ls->n_in >= need && (ls->n_in - need) % hop == 0) || ls->rendered < ls->committed) {
      frame_event(ls);
    }
    /* the output: the guide's timeline, latency samples ago */
    const long long t = at - latency;
    float y = 0.0f, dry = 0.0f;
    if (t >= 0) {
      dry = ls->take.ring[(size_t)t & mask];
      if (t < (ls->rendered - 1) * hop) {
        y = ls->out_ring[(size_t)t & out_mask];
      } else {
        y = dry;
        ++ls->late;
      }
      ls->out_ring[(size_t)t & out_mask] = 0.0f;
    }
    const float target = ls->enabled ? 1.0f : 0.0f;
    if (ls->gain != target) {
      ls->gain = ls->gain < target ? fminf(target, ls->gain + ls->gain_step)
                                   : fmaxf(target, ls->gain - ls->gain_step);
    }
    out[s] = ls->gain * y + (1.0f - ls->gain) * dry;
  }
}

void
ps_lipsync_readings(const PsLipsync *ls, PsLipsyncReadings *r)
{
  const long long hop = (long long)ls->hop;
  const long long t = ls->n_in - 1 - (long long)ls->latency;
  long long k = t >= 0 ? t / hop : 0;
  if (k >= ls->committed) {
    k = ls->committed - 1;
  }
  if (k < 0) {
    r->offset_ms = 0.0;
    r->stretch = 1.0;
    r->confidence = 0.0;
    return;
  }
  r->offset_ms = (ls->map[k % FRAMES] - (double)k) * (double)hop / ls->rate * 1000.0;
  /* the slope over +-5 frames of what is decided */
  const long long a = k >= 5 ? k - 5 : 0;
  const long long z = k + 5 < ls->committed ? k + 5 : ls->committed - 1;
  r->stretch = z > a ? (ls->map[z % FRAMES] - ls->map[a % FRAMES]) / (double)(z - a) : 1.0;
  r->stretch = r->stretch < 8.0 ? r->stretch : 8.0;
  r->confidence = ls->conf[k % FRAMES];
}
