#include "convolver.h"

#include "fft.h"
#include "ps_status.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HEAD 64              /* taps done in direct form; also the smallest partition */
#define MAX_LEVELS 3         /* partition sizes 64, 1024, 8192 */
#define THIRD_LEVEL_FROM 32768 /* longer filters get 8192-tap partitions from tap 8192 */
#define MAX_CHANNELS 64
#define RETIRED_CAP 8
#define RETIRED_ROOM 3       /* a switch leaves room for the filters the engine holds */
#define TINY 1e-15f          /* inputs and spectrum values under this are zeros */

static const size_t level_sizes[MAX_LEVELS] = {64, 1024, 8192};

/* One size of partition: B taps each, the first partition starting at tap
   B, so that its output block can be computed when an input block of B
   samples completes (the block just in the past feeds the next output
   block through taps [B, 2B)). */
typedef struct {
  size_t size;   /* B */
  size_t parts;  /* partitions the engine has room for */
  size_t stride; /* floats from the real to the imaginary half of a spectrum */
  PsFftSplit *fft;
  size_t newest; /* delay-line slot of the newest input spectrum */
} Level;

/* The state of one channel. */
typedef struct {
  float *hist;                   /* 2 * HEAD: the previous and the current 64 inputs */
  float *window[MAX_LEVELS];     /* 2B inputs: the previous block, the current one */
  float *fdl[MAX_LEVELS];        /* parts spectra of past 2B windows, 2 * stride each */
  float *out[MAX_LEVELS][2];     /* the level's output over this block, per filter slot */
} Channel;

struct PsConvolverFilter {
  size_t capacity; /* taps of the layout it was made for */
  size_t room;     /* taps it has room for */
  size_t n_taps;
  size_t head_from; /* first nonzero-able entry of head_rev, a multiple of 16 */
  float head_rev[HEAD]; /* taps [0, 64) in reverse order: head_rev[63 - k] = tap k */
  size_t parts[MAX_LEVELS];   /* partitions in use */
  size_t stride[MAX_LEVELS];
  float *spectra[MAX_LEVELS]; /* parts spectra, 2 * stride each, scaled by 1 / 2B */
  float *time;                /* scratch of 2 * the largest partition used */
};

struct PsConvolver {
  size_t max_taps;
  size_t capacity; /* taps the partitions cover */
  unsigned channels;
  size_t n_levels;
  Level level[MAX_LEVELS];
  Channel *chan;

  float *acc;  /* spectrum accumulator, 2 * the largest stride */
  float *time; /* inverse FFT output, 2 * the largest B */
  float y[2][HEAD];
  float gain[HEAD];

  uint64_t count; /* samples processed since reset */

  /* Filters: slot `active` holds the one in use; while fading, the other
     slot holds the one being faded out. */
  PsConvolverFilter *slot[2];
  unsigned active;
  bool fading;
  uint64_t fade_start;
  size_t fade_len;
  bool waiting;
  PsConvolverFilter *pending;
  size_t pending_fade;

  PsConvolverFilter *retired[RETIRED_CAP];
  size_t retired_head;
  size_t retired_count;
};

/* Levels for filters of up to max_taps taps; returns how many there are
   and the taps they cover with the direct head. */
static size_t
plan_levels(size_t max_taps, size_t *parts, size_t *capacity)
{
  const size_t n_sizes = max_taps > THIRD_LEVEL_FROM ? 3 : 2;
  size_t n = 0;
  size_t covered = HEAD;
  for (size_t l = 0; l < n_sizes && covered < max_taps; ++l) {
    const size_t start = level_sizes[l];
    const size_t end = l + 1 < n_sizes ? level_sizes[l + 1] : max_taps;
    const size_t stop = end < max_taps ? end : max_taps;
    parts[l] = (stop - start + level_sizes[l] - 1) / level_sizes[l];
    covered = start + parts[l] * level_sizes[l];
    n = l + 1;
  }
  *capacity = covered;
  return n;
}

int
ps_convolver_init(PsConvolver **out, size_t max_taps, unsigned channels)
{
  if (!out) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  if (!max_taps || max_taps > PS_CONVOLVER_MAX_TAPS) {
    return PS_ERR_ARG;
  }
  if (!channels || channels > MAX_CHANNELS) {
    return PS_ERR_CHANNELS;
  }
  PsConvolver *c = (PsConvolver *)calloc(1, sizeof(PsConvolver));
  if (!c) {
    return PS_ERR_NOMEM;
  }
  c->max_taps = max_taps;
  c->channels = channels;
  size_t parts[MAX_LEVELS] = {0};
  c->n_levels = plan_levels(max_taps, parts, &c->capacity);
  int st = PS_OK;
  size_t max_stride = 16, max_size = HEAD;
  for (size_t l = 0; l < c->n_levels && !st; ++l) {
    Level *L = &c->level[l];
    L->size = level_sizes[l];
    L->parts = parts[l];
    L->stride = ps_fft_split_min_stride(2 * L->size);
    /* Measured plans run these sizes ~5 % faster but take 0.3-0.8 s to make
       (under the planner lock) the first time in a process: not worth it. */
    st = ps_fft_split_init(&L->fft, 2 * L->size, L->stride, PS_FFT_ESTIMATE);
    max_stride = L->stride > max_stride ? L->stride : max_stride;
    max_size = L->size > max_size ? L->size : max_size;
  }
  c->chan = (Channel *)calloc(channels, sizeof(Channel));
  c->acc = ps_fft_alloc(2 * max_stride);
  c->time = ps_fft_alloc(2 * max_size);
  if (!st && (!c->chan || !c->acc || !c->time)) {
    st = PS_ERR_NOMEM;
  }
  for (unsigned ch = 0; ch < channels && !st; ++ch) {
    Channel *s = &c->chan[ch];
    s->hist = ps_fft_alloc(2 * HEAD);
    bool ok = s->hist != NULL;
    for (size_t l = 0; l < c->n_levels; ++l) {
      const Level *L = &c->level[l];
      s->window[l] = ps_fft_alloc(2 * L->size);
      s->fdl[l] = ps_fft_alloc(L->parts * 2 * L->stride);
      s->out[l][0] = ps_fft_alloc(L->size);
      s->out[l][1] = ps_fft_alloc(L->size);
      ok = ok && s->window[l] && s->fdl[l] && s->out[l][0] && s->out[l][1];
    }
    if (!ok) {
      st = PS_ERR_NOMEM;
    }
  }
  if (st) {
    ps_convolver_free(&c);
    return st;
  }
  *out = c;
  return PS_OK;
}

void
ps_convolver_free(PsConvolver **pc)
{
  if (!pc || !*pc) {
    return;
  }
  PsConvolver *c = *pc;
  if (c->chan) {
    for (unsigned ch = 0; ch < c->channels; ++ch) {
      Channel *s = &c->chan[ch];
      ps_fft_dealloc(s->hist);
      for (size_t l = 0; l < MAX_LEVELS; ++l) {
        ps_fft_dealloc(s->window[l]);
        ps_fft_dealloc(s->fdl[l]);
        ps_fft_dealloc(s->out[l][0]);
        ps_fft_dealloc(s->out[l][1]);
      }
    }
    free(c->chan);
  }
  for (size_t l = 0; l < MAX_LEVELS; ++l) {
    ps_fft_split_free(&c->level[l].fft);
  }
  ps_fft_dealloc(c->acc);
  ps_fft_dealloc(c->time);
  free(c);
  *pc = NULL;
}

/* Filters ----------------------------------------------------------------*/

/* Partitions of level l holding taps of a filter of n_taps. */
static size_t
level_parts(const PsConvolver *layout, size_t l, size_t n_taps)
{
  const size_t B = layout->level[l].size;
  if (n_taps <= B) {
    return 0;
  }
  const size_t end = l + 1 < layout->n_levels ? layout->level[l + 1].size : layout->capacity;
  const size_t stop = n_taps < end ? n_taps : end;
  return (stop - B + B - 1) / B;
}

static bool
taps_valid(const PsConvolver *layout, const float *taps, size_t n_taps)
{
  if (!layout || !taps || !n_taps || n_taps > layout->max_taps) {
    return false;
  }
  for (size_t k = 0; k < n_taps; ++k) {
    if (!isfinite(taps[k])) {
      return false;
    }
  }
  return true;
}

int
ps_convolver_filter_new(PsConvolverFilter **out, const PsConvolver *layout, const float *taps,
                        size_t n_taps)
{
  if (!out) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  if (!taps_valid(layout, taps, n_taps)) {
    return PS_ERR_ARG;
  }
  PsConvolverFilter *f = (PsConvolverFilter *)calloc(1, sizeof(PsConvolverFilter));
  if (!f) {
    return PS_ERR_NOMEM;
  }
  f->capacity = layout->capacity;
  f->room = n_taps;
  size_t largest = 0;
  int st = PS_OK;
  for (size_t l = 0; l < layout->n_levels; ++l) {
    const size_t parts = level_parts(layout, l, n_taps);
    if (parts) {
      f->spectra[l] = ps_fft_alloc(parts * 2 * layout->level[l].stride);
      largest = layout->level[l].size;
      st = f->spectra[l] ? st : PS_ERR_NOMEM;
    }
  }
  if (largest) {
    f->time = ps_fft_alloc(2 * largest);
    st = f->time ? st : PS_ERR_NOMEM;
  }
  if (!st) {
    st = ps_convolver_filter_load(f, layout, taps, n_taps);
  }
  if (st) {
    ps_convolver_filter_free(&f);
    return st;
  }
  *out = f;
  return PS_OK;
}

int
ps_convolver_filter_load(PsConvolverFilter *f, const PsConvolver *layout, const float *taps,
                         size_t n_taps)
{
  if (!f || !taps_valid(layout, taps, n_taps) || n_taps > f->room ||
      f->capacity != layout->capacity) {
    return PS_ERR_ARG;
  }
  f->n_taps = n_taps;
  memset(f->head_rev, 0, sizeof(f->head_rev));
  const size_t head_taps = n_taps < HEAD ? n_taps : HEAD;
  for (size_t k = 0; k < head_taps; ++k) {
    f->head_rev[HEAD - 1 - k] = taps[k];
  }
  f->head_from = (HEAD - head_taps) & ~(size_t)15;

  for (size_t l = 0; l < layout->n_levels; ++l) {
    const Level *L = &layout->level[l];
    const size_t B = L->size;
    f->stride[l] = L->stride;
    f->parts[l] = level_parts(layout, l, n_taps);
    /* 1 / 2B undoes the scaling of the unnormalised FFT round trip. */
    const float scale = 1.0f / (float)(2 * B);
    float *time = f->time;
    for (size_t i = 0; i < f->parts[l]; ++i) {
      const size_t first = B + i * B;
      const size_t count = n_taps - first < B ? n_taps - first : B;
      for (size_t k = 0; k < count; ++k) {
        time[k] = taps[first + k] * scale;
      }
      for (size_t k = count; k < 2 * B; ++k) {
        time[k] = 0.0f;
      }
      float *spectrum = f->spectra[l] + i * 2 * L->stride;
      ps_fft_split_forward(L->fft, time, spectrum);
      /* Values that small would only make denormals downstream. */
      for (size_t k = 0; k < 2 * L->stride; ++k) {
        if (fabsf(spectrum[k]) < TINY * scale) {
          spectrum[k] = 0.0f;
        }
      }
    }
  }
  return PS_OK;
}

void
ps_convolver_filter_free(PsConvolverFilter **pf)
{
  if (!pf || !*pf) {
    return;
  }
  for (size_t l = 0; l < MAX_LEVELS; ++l) {
    ps_fft_dealloc((*pf)->spectra[l]);
  }
  ps_fft_dealloc((*pf)->time);
  free(*pf);
  *pf = NULL;
}

size_t
ps_convolver_filter_taps(const PsConvolverFilter *f)
{
  return f ? f->n_taps : 0;
}

bool
ps_convolver_accepts(const PsConvolver *c, const PsConvolverFilter *f)
{
  return c && (!f || f->capacity == c->capacity);
}

/* Processing --------------------------------------------------------------*/

/* acc = sum over the filter's partitions i of X[newest - i] * H[i], on
   split spectra: the loops vectorise as they are. */
static void
accumulate(const Level *L, const float *fdl, const float *spectra, size_t parts, float *acc)
{
  const size_t stride = L->stride;
  float *restrict ar = acc;
  float *restrict ai = acc + stride;
  size_t slot = L->newest;
  for (size_t i = 0; i < parts; ++i) {
    const float *restrict xr = fdl + slot * 2 * stride;
    const float *restrict xi = xr + stride;
    const float *restrict hr = spectra + i * 2 * stride;
    const float *restrict hi = hr + stride;
    if (i == 0) {
      for (size_t k = 0; k < stride; ++k) {
        ar[k] = xr[k] * hr[k] - xi[k] * hi[k];
        ai[k] = xr[k] * hi[k] + xi[k] * hr[k];
      }
    } else {
      for (size_t k = 0; k < stride; ++k) {
        ar[k] += xr[k] * hr[k] - xi[k] * hi[k];
        ai[k] += xr[k] * hi[k] + xi[k] * hr[k];
      }
    }
    slot = slot ? slot - 1 : L->parts - 1;
  }
}

/* The output of level l for filter slot `slot` over the current block,
   from the delay line as it stands. */
static void
level_output(PsConvolver *c, size_t l, Channel *s, unsigned slot)
{
  const PsConvolverFilter *f = c->slot[slot];
  const Level *L = &c->level[l];
  if (!f || !f->parts[l]) {
    return;
  }
  accumulate(L, s->fdl[l], f->spectra[l], f->parts[l], c->acc);
  ps_fft_split_inverse(L->fft, c->acc, c->time);
  /* Overlap-save: the second half is the linear convolution. */
  memcpy(s->out[l][slot], c->time + L->size, L->size * sizeof(float));
}

/* Computes the current blocks of every level for a filter just put in
   `slot`. */
static void
prime(PsConvolver *c, unsigned slot)
{
  for (unsigned ch = 0; ch < c->channels; ++ch) {
    for (size_t l = 0; l < c->n_levels; ++l) {
      level_output(c, l, &c->chan[ch], slot);
    }
  }
}

static bool
holds(const PsConvolver *c, const PsConvolverFilter *f)
{
  return f == c->slot[0] || f == c->slot[1] || (c->waiting && f == c->pending);
}

/* Lists f as retired unless the engine still uses it. */
static void
retire(PsConvolver *c, PsConvolverFilter *f)
{
  if (!f || holds(c, f)) {
    return;
  }
  /* switch keeps room for every filter the engine holds */
  c->retired[(c->retired_head + c->retired_count) % RETIRED_CAP] = f;
  ++c->retired_count;
}

static void
start_fade(PsConvolver *c, PsConvolverFilter *next, size_t fade)
{
  const unsigned to = 1u - c->active;
  c->slot[to] = next;
  prime(c, to);
  c->active = to;
  c->fading = true;
  c->fade_start = c->count;
  c->fade_len = fade;
}

/* Ends the fade (and starts the waiting one) when its time has come. */
static void
advance_fades(PsConvolver *c)
{
  while (c->fading && c->count >= c->fade_start + c->fade_len) {
    const unsigned from = 1u - c->active;
    PsConvolverFilter *old = c->slot[from];
    c->slot[from] = NULL;
    c->fading = false;
    retire(c, old);
    if (c->waiting) {
      c->waiting = false;
      PsConvolverFilter *next = c->pending;
      c->pending = NULL;
      start_fade(c, next, c->pending_fade);
    }
  }
}

int
ps_convolver_switch(PsConvolver *c, PsConvolverFilter *next, size_t fade_samples)
{
  if (!c || !ps_convolver_accepts(c, next) ||
      c->retired_count + RETIRED_ROOM > RETIRED_CAP) {
    return PS_ERR_ARG;
  }
  /* A filter handed back must not stay listed for freeing. */
  for (size_t i = 0; next && i < c->retired_count; ++i) {
    const size_t at = (c->retired_head + i) % RETIRED_CAP;
    if (c->retired[at] == next) {
      for (size_t j = i; j + 1 < c->retired_count; ++j) {
        c->retired[(c->retired_head + j) % RETIRED_CAP] =
          c->retired[(c->retired_head + j + 1) % RETIRED_CAP];
      }
      --c->retired_count;
      break;
    }
  }
  if (c->fading) {
    PsConvolverFilter *displaced = c->waiting ? c->pending : NULL;
    c->waiting = true;
    c->pending = next;
    c->pending_fade = fade_samples;
    retire(c, displaced);
    return PS_OK;
  }
  start_fade(c, next, fade_samples);
  advance_fades(c);
  return PS_OK;
}

PsConvolverFilter *
ps_convolver_retired(PsConvolver *c)
{
  if (!c || !c->retired_count) {
    return NULL;
  }
  PsConvolverFilter *f = c->retired[c->retired_head];
  c->retired[c->retired_head] = NULL;
  c->retired_head = (c->retired_head + 1) % RETIRED_CAP;
  --c->retired_count;
  return f;
}

const PsConvolverFilter *
ps_convolver_current(const PsConvolver *c)
{
  return c->waiting ? c->pending : c->slot[c->active];
}

bool
ps_convolver_fading(const PsConvolver *c)
{
  return c->fading || c->waiting;
}

size_t
ps_convolver_max_taps(const PsConvolver *c)
{
  return c->max_taps;
}

unsigned
ps_convolver_channels(const PsConvolver *c)
{
  return c->channels;
}

void
ps_convolver_reset(PsConvolver *c)
{
  if (!c) {
    return;
  }
  if (c->fading) {
    c->fade_len = 0;
    c->fade_start = c->count;
    advance_fades(c);
    if (c->fading) { /* the waiting one, started at once */
      c->fade_len = 0;
      advance_fades(c);
    }
  }
  for (unsigned ch = 0; ch < c->channels; ++ch) {
    Channel *s = &c->chan[ch];
    memset(s->hist, 0, 2 * HEAD * sizeof(float));
    for (size_t l = 0; l < c->n_levels; ++l) {
      const Level *L = &c->level[l];
      memset(s->window[l], 0, 2 * L->size * sizeof(float));
      memset(s->fdl[l], 0, L->parts * 2 * L->stride * sizeof(float));
      memset(s->out[l][0], 0, L->size * sizeof(float));
      memset(s->out[l][1], 0, L->size * sizeof(float));
    }
  }
  for (size_t l = 0; l < c->n_levels; ++l) {
    c->level[l].newest = 0;
  }
  c->count = 0;
}

typedef float V4 __attribute__((vector_size(16)));

static inline V4
load4(const float *p)
{
  V4 v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* y[0, n) = the output of filter f (NULL: identity) for inputs x[0, n),
   where x has the HEAD - 1 earlier inputs before it. */
static void
filter_segment(const PsConvolver *c, const Channel *s, const PsConvolverFilter *f,
               unsigned slot, const float *x, size_t n, float *restrict y)
{
  if (!f) {
    memcpy(y, x, n * sizeof(float));
    return;
  }
  /* The head as one dot product per sample, four independent vector sums:
     as fast per sample for one-sample blocks as for whole blocks. */
  const float *rev = f->head_rev;
  for (size_t j = 0; j < n; ++j) {
    const float *xs = x + j - (HEAD - 1);
    V4 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
    for (size_t m = f->head_from; m < HEAD; m += 16) {
      a0 += load4(rev + m) * load4(xs + m);
      a1 += load4(rev + m + 4) * load4(xs + m + 4);
      a2 += load4(rev + m + 8) * load4(xs + m + 8);
      a3 += load4(rev + m + 12) * load4(xs + m + 12);
    }
    const V4 sum = (a0 + a1) + (a2 + a3);
    y[j] = (sum[0] + sum[1]) + (sum[2] + sum[3]);
  }
  for (size_t l = 0; l < c->n_levels; ++l) {
    if (!f->parts[l]) {
      continue;
    }
    const float *restrict o = s->out[l][slot] + (c->count & (c->level[l].size - 1));
    for (size_t j = 0; j < n; ++j) {
      y[j] += o[j];
    }
  }
}

/* Work at the end of every level block that has just completed. */
static void
complete_blocks(PsConvolver *c)
{
  const unsigned to = c->active, from = 1u - c->active;
  /* The filter fading out is needed in the next block unless it ends here. */
  const bool need_from = c->fading && c->fade_start + c->fade_len > c->count;
  for (size_t l = 0; l < c->n_levels; ++l) {
    Level *L = &c->level[l];
    const size_t B = L->size;
    if (c->count & (B - 1)) {
      break; /* larger blocks are multiples of this one */
    }
    L->newest = L->newest + 1 < L->parts ? L->newest + 1 : 0;
    for (unsigned ch = 0; ch < c->channels; ++ch) {
      Channel *s = &c->chan[ch];
      ps_fft_split_forward(L->fft, s->window[l], s->fdl[l] + L->newest * 2 * L->stride);
      memcpy(s->window[l], s->window[l] + B, B * sizeof(float));
      level_output(c, l, s, to);
      if (need_from) {
        level_output(c, l, s, from);
      }
    }
  }
}

void
ps_convolver_process(PsConvolver *c, const float *const *in, float *const *out, size_t n)
{
  size_t done = 0;
  advance_fades(c);
  while (done < n) {
    const size_t phase = (size_t)(c->count & (HEAD - 1));
    size_t seg = HEAD - phase;
    if (seg > n - done) {
      seg = n - done;
    }
    if (c->fading && c->fade_start + c->fade_len - c->count < seg) {
      seg = (size_t)(c->fade_start + c->fade_len - c->count);
    }

    /* All inputs first: out[c] may be in[c]. */
    for (unsigned ch = 0; ch < c->channels; ++ch) {
      Channel *s = &c->chan[ch];
      const float *src = in[ch] + done;
      float *x = s->hist + HEAD + phase;
      for (size_t j = 0; j < seg; ++j) {
        const float v = src[j];
        x[j] = fabsf(v) >= TINY && fabsf(v) <= FLT_MAX ? v : 0.0f;
      }
      for (size_t l = 0; l < c->n_levels; ++l) {
        const size_t B = c->level[l].size;
        memcpy(s->window[l] + B + (c->count & (B - 1)), x, seg * sizeof(float));
      }
    }

    if (c->fading) {
      const double w = 3.14159265358979323846 / (double)c->fade_len;
      const uint64_t i0 = c->count - c->fade_start;
      for (size_t j = 0; j < seg; ++j) {
        c->gain[j] = (float)(0.5 - 0.5 * cos(w * ((double)(i0 + j) + 0.5)));
      }
    }

    for (unsigned ch = 0; ch < c->channels; ++ch) {
      const Channel *s = &c->chan[ch];
      const float *x = s->hist + HEAD + phase;
      float *dst = out[ch] + done;
      const unsigned to = c->active;
      filter_segment(c, s, c->slot[to], to, x, seg, c->y[to]);
      if (c->fading) {
        const unsigned from = 1u - to;
        filter_segment(c, s, c->slot[from], from, x, seg, c->y[from]);
        for (size_t j = 0; j < seg; ++j) {
          dst[j] = c->y[from][j] + c->gain[j] * (c->y[to][j] - c->y[from][j]);
        }
      } else {
        memcpy(dst, c->y[to], seg * sizeof(float));
      }
    }

    c->count += seg;
    done += seg;
    if (!(c->count & (HEAD - 1))) {
      for (unsigned ch = 0; ch < c->channels; ++ch) {
        Channel *s = &c->chan[ch];
        memcpy(s->hist, s->hist + HEAD, HEAD * sizeof(float));
      }
      complete_blocks(c);
    }
    advance_fades(c);
  }
}
