/* The streaming aligner against known answers.

   Material: a guide of synthetic syllables (syllables.h) and a take made
   from it by a known piecewise-linear warp (WSOLA, local slopes
   0.73-1.4, the take up to 400 ms early or 800 ms late), 18 dB quieter, through
   another microphone (a first-order tilt), over another floor.

   - The map it reports (offset_ms, as the plugin's output port reads it)
     puts every syllable of the guide where the warp sent it in the take.
   - The audio: each syllable of the aligned output lies where the guide
     has it (envelope cross-correlation), not where the take had it.
   - The same output bit for bit in one block, in blocks of 1 frame and in
     random blocks, the output in the take's own buffer.
   - Guide and take the same: the output is the input, delayed by the
     reported latency, within float rounding.
   - Disabled: exactly the take, delayed by the same latency.
   - NaN, infinity and huge values in either input: the output stays
     finite and the alignment finds its way back.
   - The latency: max_shift + 576 ms at every rate, following max_shift;
     nothing was ever late. */
#include "check.h"
#include "lipsync.h"
#include "ps_status.h"
#include "syllables.h"
#include "tsm.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000.0
#define HOP 480

typedef struct {
  float *out;
  double *offset_ms; /* per output frame, -1e9 where not read */
  size_t frames;
} Run;

/* Runs take and guide (n samples, then latency samples of silence) through
   an aligner; blocks: 0 all at once, 1 one frame, else random up to 4096
   (seeded by blocks); the output written over a copy of the take.  Returns
   the output compensated (n samples) and the reported offsets by output
   frame. */
static Run
run_aligner(PsLipsync *ls, const float *take, const float *guide, size_t n, unsigned blocks)
{
  ps_lipsync_reset(ls);
  const size_t latency = ps_lipsync_latency(ls), total = n + latency;
  float *t = (float *)calloc(total, sizeof(float));
  float *g = (float *)calloc(total, sizeof(float));
  Run r = {(float *)calloc(n, sizeof(float)), (double *)calloc(n / HOP + 1, sizeof(double)),
           n / HOP + 1};
  memcpy(t, take, n * sizeof(float));
  memcpy(g, guide, n * sizeof(float));
  for (size_t k = 0; k < r.frames; ++k) {
    r.offset_ms[k] = -1e9;
  }
  uint64_t state = 0x9E3779B97F4A7C15ull ^ blocks;
  for (size_t at = 0; at < total;) {
    size_t len = blocks == 0 ? total : (blocks == 1 ? 1 : 1 + (size_t)(syllables_uniform(&state) * 4096.0));
    len = len < total - at ? len : total - at;
    ps_lipsync_process(ls, t + at, g + at, t + at, len); /* in place */
    at += len;
    const long long pos = (long long)at - 1 - (long long)latency;
    if (pos >= 0 && (size_t)(pos / HOP) < r.frames) {
      PsLipsyncReadings readings;
      ps_lipsync_readings(ls, &readings);
      r.offset_ms[pos / HOP] = readings.offset_ms;
    }
  }
  memcpy(r.out, t + latency, n * sizeof(float));
  free(t);
  free(g);
  return r;
}

static void
run_free(Run *r)
{
  free(r->out);
  free(r->offset_ms);
}

/* 10 ms RMS envelope. */
static void
envelope(const float *x, size_t n, double *env, size_t frames)
{
  for (size_t f = 0; f < frames; ++f) {
    double e = 0.0;
    for (size_t i = f * HOP; i < (f + 1) * HOP && i < n; ++i) {
      e += (double)x[i] * (double)x[i];
    }
    env[f] = sqrt(e / HOP);
  }
}

/* The lag (frames, -12..12) at which b's envelope best matches a's over
   frames [from, to): normalised cross-correlation.  Not farther: a quiet
   syllable's shape would match its loud neighbour's. */
static int
best_lag(const double *a, const double *b, size_t frames, size_t from, size_t to)
{
  int best = 0;
  double best_score = -HUGE_VAL;
  for (int lag = -12; lag <= 12; ++lag) {
    double ab = 0.0, aa = 0.0, bb = 0.0;
    for (size_t f = from; f < to; ++f) {
      const long long k = (long long)f + lag;
      if (k >= 0 && (size_t)k < frames) {
        ab += a[f] * b[k];
        aa += a[f] * a[f];
        bb += b[k] * b[k];
      }
    }
    const double score = aa > 0.0 && bb > 0.0 ? ab / sqrt(aa * bb) : 0.0;
    if (score > best_score) {
      best_score = score;
      best = lag;
    }
  }
  return best;
}

int
main(void)
{
  const size_t n = (size_t)(16.0 * RATE);
  float *guide = (float *)calloc(n, sizeof(float));
  float *warped = (float *)calloc(n, sizeof(float));
  float *take = (float *)calloc(n, sizeof(float));
  unsigned char *voiced = (unsigned char *)calloc(n / HOP + 1, 1);
  uint64_t state = 0x5DEECE66Dull;
  CHECKF(syllables_make(guide, n, RATE, &state, voiced) == 0, "syllables");

  /* the take: guide time -> take time by a known map (slopes 0.73-1.4) */
  const double guide_t[6] = {0.0, 2.0 * RATE, 5.0 * RATE, 8.0 * RATE, 12.0 * RATE, 16.0 * RATE};
  const double take_t[6] = {0.0, 2.8 * RATE, 5.0 * RATE, 7.6 * RATE, 12.6 * RATE, 16.6 * RATE};
  PsTsm *tsm = NULL;
  CHECKF(ps_tsm_init(&tsm, RATE) == PS_OK, "tsm");
  /* rendering the take means the inverse map: take time -> guide time */
  CHECKF(ps_tsm_render(tsm, guide, n, take_t, guide_t, 6, warped, n) == PS_OK, "warp");
  double prev = 0.0;
  for (size_t i = 0; i < n; ++i) {
    take[i] = (float)(0.125 * ((double)warped[i] - 0.6 * prev) +
                      0.0002 * (syllables_uniform(&state) - 0.5));
    prev = warped[i];
  }

  PsLipsync *ls = NULL;
  CHECKF(ps_lipsync_init(&ls, RATE) == PS_OK, "init");
  ps_lipsync_set_max_shift(ls, 1000.0);
  ps_lipsync_set_flexibility(ls, 1.0);
  CHECKV(ps_lipsync_latency(ls) == 100 * HOP + 56 * HOP + 768,
         "latency %zu samples: 1000 ms + 576 ms at 48 kHz", ps_lipsync_latency(ls));

  /* the map, on the syllables */
  Run whole = run_aligner(ls, take, guide, n, 1);
  double sum = 0.0, worst = 0.0;
  size_t count = 0;
  /* from 2 s to 14.5 s: the take runs out at 16 s, where the guide is at
     15.4 s */
  const size_t last = (size_t)(14.5 * RATE) / HOP;
  for (size_t f = 200; f < last; ++f) {
    if (!voiced[f] || whole.offset_ms[f] < -1e8) {
      continue;
    }
    const double truth = (ps_tsm_map(guide_t, take_t, 6, (double)(f * HOP)) - (double)(f * HOP)) /
                         RATE * 1000.0;
    const double e = fabs(whole.offset_ms[f] - truth);
    sum += e;
    worst = fmax(worst, e);
    ++count;
  }
  CHECKV(count > 400 && sum / (double)count < 12.0 && worst < 50.0,
         "the map on the syllables after 2 s: mean error %.1f ms, worst %.1f ms over %zu frames",
         sum / (double)count, worst, count);
  CHECKV(ps_lipsync_late(ls) == 0, "no output sample late");

  /* the audio: each syllable's envelope where the guide has it */
  const size_t frames = n / HOP;
  double *eg = (double *)calloc(frames, sizeof(double));
  double *eo = (double *)calloc(frames, sizeof(double));
  double *et = (double *)calloc(frames, sizeof(double));
  envelope(guide, n, eg, frames);
  envelope(whole.out, n, eo, frames);
  envelope(take, n, et, frames);
  int worst_out = 0;
  size_t take_off = 0;
  size_t syllables = 0;
  for (size_t f = 200; f < last; ++f) {
    if (voiced[f] && !voiced[f - 1]) {
      size_t end = f;
      while (end < frames && voiced[end]) {
        ++end;
      }
      const int lo = best_lag(eg, eo, frames, f > 5 ? f - 5 : 0, end + 5 < frames ? end + 5 : frames);
      const int lt = best_lag(eg, et, frames, f > 5 ? f - 5 : 0, end + 5 < frames ? end + 5 : frames);
      worst_out = abs(lo) > worst_out ? abs(lo) : worst_out;
      take_off += abs(lt) >= 5;
      ++syllables;
    }
  }
  CHECKV(syllables > 20 && worst_out <= 3 && take_off >= syllables / 2,
         "%zu syllables of the output within %d0 ms of the guide's (of the take's, %zu 50 ms or "
         "more away)",
         syllables, worst_out, take_off);

  /* block sizes */
  Run ones = run_aligner(ls, take, guide, n, 0);
  Run random = run_aligner(ls, take, guide, n, 7);
  CHECKV(!memcmp(whole.out, ones.out, n * sizeof(float)) &&
           !memcmp(whole.out, random.out, n * sizeof(float)),
         "the same output bit for bit in 1-frame blocks, in one block, in random blocks");
  run_free(&ones);
  run_free(&random);

  /* the same on both sides */
  Run same = run_aligner(ls, guide, guide, n, 1);
  double err = 0.0;
  for (size_t i = 0; i < n; ++i) {
    err = fmax(err, fabs((double)same.out[i] - (double)guide[i]));
  }
  PsLipsyncReadings rd;
  ps_lipsync_readings(ls, &rd);
  CHECKV(err < 1e-5 && fabs(rd.offset_ms) < 1e-9 && fabs(rd.stretch - 1.0) < 1e-9 &&
           rd.confidence > 0.99,
         "guide as take: the input back within %.1e, offset %.1f ms, stretch %.3f, confidence %.2f",
         err, rd.offset_ms, rd.stretch, rd.confidence);
  run_free(&same);

  /* disabled */
  ps_lipsync_set_enabled(ls, false);
  Run off = run_aligner(ls, take, guide, n, 3);
  ps_lipsync_set_enabled(ls, true);
  size_t from = (size_t)(0.02 * RATE); /* after the crossfade from reset's enabled state */
  CHECKV(!memcmp(off.out + from, take + from, (n - from) * sizeof(float)),
         "disabled: the take, delayed by the latency, bit for bit");
  run_free(&off);

  /* bad input in both */
  float *bad_take = (float *)malloc(n * sizeof(float));
  float *bad_guide = (float *)malloc(n * sizeof(float));
  memcpy(bad_take, take, n * sizeof(float));
  memcpy(bad_guide, guide, n * sizeof(float));
  for (size_t i = (size_t)(3.0 * RATE); i < (size_t)(3.1 * RATE); ++i) {
    bad_take[i] = i % 3 ? NAN : INFINITY;
    bad_guide[i] = i % 2 ? -INFINITY : 1e30f;
  }
  Run poisoned = run_aligner(ls, bad_take, bad_guide, n, 11);
  bool finite = true;
  for (size_t i = 0; i < n; ++i) {
    finite = finite && isfinite(poisoned.out[i]) && fabsf(poisoned.out[i]) < 10.0f;
  }
  double later = 0.0;
  for (size_t f = 1000; f < last; ++f) {
    if (voiced[f] && poisoned.offset_ms[f] > -1e8) {
      const double truth =
        (ps_tsm_map(guide_t, take_t, 6, (double)(f * HOP)) - (double)(f * HOP)) / RATE * 1000.0;
      later = fmax(later, fabs(poisoned.offset_ms[f] - truth));
    }
  }
  CHECKV(finite && later < 50.0,
         "NaN, infinities and 1e30 in both at 3 s: the output finite, the map from 10 s on "
         "within %.1f ms",
         later);
  run_free(&poisoned);

  /* the latency at other rates and shifts */
  const double rates[4] = {44100.0, 88200.0, 96000.0, 192000.0};
  bool latencies = true;
  for (int k = 0; k < 4; ++k) {
    PsLipsync *other = NULL;
    latencies = latencies && ps_lipsync_init(&other, rates[k]) == PS_OK;
    if (!other) {
      break;
    }
    const size_t hop = (size_t)lround(rates[k] / 100.0);
    const size_t win = (size_t)lround(0.032 * rates[k]);
    for (double ms = 100.0; ms <= 2000.0; ms += 950.0) {
      ps_lipsync_set_max_shift(other, ms);
      latencies = latencies && ps_lipsync_latency(other) ==
                                 (size_t)lround(ms / 10.0 + 56.0) * hop + (win - win / 2);
    }
    ps_lipsync_free(&other);
  }
  CHECKV(latencies, "latency = max_shift + 56 hops + 16 ms at 44.1, 88.2, 96 and 192 kHz");
  PsLipsync *refused = NULL;
  CHECKV(ps_lipsync_init(&refused, 8000.0) == PS_ERR_RATE && !refused, "8 kHz refused");

  run_free(&whole);
  ps_lipsync_free(&ls);
  ps_tsm_free(&tsm);
  free(guide);
  free(warped);
  free(take);
  free(voiced);
  free(eg);
  free(eo);
  free(et);
  free(bad_take);
  free(bad_guide);
  return check_summary("test_lipsync");
}
