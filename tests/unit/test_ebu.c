/* The meter engine against the EBU Tech 3341 / 3342 cases, synthesised at a
   given sample rate and fed in random block sizes.

   usage: test_ebu RATE [CASE...]   (all cases when none is named) */
#include "check.h"
#include "ebu_cases.h"
#include "loudness.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 12345u;

static uint32_t
next_random(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static void
run_case(const EbuCase *c, double rate)
{
  float *x = NULL;
  const size_t frames = ebu_case_render(c, rate, &x);
  CHECKF(frames > 0, "%s: render", c->name);
  if (!frames) {
    return;
  }
  PsLoudness *m = NULL;
  const int st = ps_loudness_init(&m, rate, c->channels, NULL);
  CHECKF(st == 0, "%s: init at %.0f Hz: %d", c->name, rate, st);
  if (st) {
    free(x);
    return;
  }

  /* worst deviation of the per-10 ms series from each _CONST check */
  double worst[EBU_MAX_CHECKS];
  for (unsigned k = 0; k < c->n_checks; ++k) {
    worst[k] = c->checks[k].want;
  }
  /* per-tone-segment maxima for the _EACH checks: a segment runs from its
     tone's start to the next tone's start */
  double seg_max[EBU_MAX_SEGMENTS];
  size_t seg_start[EBU_MAX_SEGMENTS + 1];
  unsigned n_tones = 0;
  {
    size_t at = 0;
    for (unsigned s = 0; s < c->n_segments; ++s) {
      if (isfinite(c->segments[s].level_db)) {
        seg_start[n_tones] = at;
        seg_max[n_tones++] = -HUGE_VAL;
      }
      at += (size_t)llround(c->segments[s].seconds * rate);
    }
    seg_start[n_tones] = at + 1;
  }
  const size_t grid = (size_t)llround(rate / 100.0);
  size_t pos = 0;
  while (pos < frames) {
    /* random blocks, cut at every 10 ms so that the series can be read */
    const size_t next_grid = (pos / grid + 1) * grid;
    size_t n = 1 + next_random() % 700;
    if (pos + n > next_grid) {
      n = next_grid - pos;
    }
    if (pos + n > frames) {
      n = frames - pos;
    }
    ps_loudness_process_interleaved(m, x + pos * c->channels, n);
    pos += n;
    if (pos % grid) {
      continue;
    }
    PsLoudnessReadings r;
    ps_loudness_readings(m, &r);
    const double t = (double)pos / rate;
    for (unsigned g = 0; g < n_tones; ++g) {
      if (pos > seg_start[g] && pos <= seg_start[g + 1]) {
        const bool each_m = c->checks[0].measure == EBU_MOMENTARY_MAX_EACH;
        const double v = each_m ? r.momentary : r.shortterm;
        seg_max[g] = v > seg_max[g] ? v : seg_max[g];
      }
    }
    for (unsigned k = 0; k < c->n_checks; ++k) {
      const EbuCheck *ck = &c->checks[k];
      double v;
      if (ck->measure == EBU_MOMENTARY_CONST) {
        v = r.momentary;
      } else if (ck->measure == EBU_SHORTTERM_CONST) {
        v = r.shortterm;
      } else {
        continue;
      }
      if (t >= ck->after - 1e-9 && fabs(v - ck->want) > fabs(worst[k] - ck->want)) {
        worst[k] = v;
      }
    }
  }

  PsLoudnessReadings r;
  ps_loudness_readings(m, &r);
  for (unsigned k = 0; k < c->n_checks; ++k) {
    const EbuCheck *ck = &c->checks[k];
    double v = 0.0;
    switch (ck->measure) {
    case EBU_INTEGRATED:
      v = r.integrated;
      break;
    case EBU_RANGE:
      v = r.range;
      break;
    case EBU_MOMENTARY_CONST:
    case EBU_SHORTTERM_CONST:
      v = worst[k];
      break;
    case EBU_MOMENTARY_MAX:
      v = r.momentary_max;
      break;
    case EBU_SHORTTERM_MAX:
      v = r.shortterm_max;
      break;
    case EBU_TRUEPEAK:
      v = r.truepeak;
      break;
    case EBU_MOMENTARY_MAX_EACH:
    case EBU_SHORTTERM_MAX_EACH:
      /* the segment furthest from the expected value */
      v = ck->want;
      for (unsigned g = 0; g < n_tones; ++g) {
        if (fabs(seg_max[g] - ck->want) > fabs(v - ck->want)) {
          v = seg_max[g];
        }
      }
      break;
    }
    CHECKV(v >= ck->want - ck->below - 1e-9 && v <= ck->want + ck->above + 1e-9,
           "%-14s %6.0f Hz  %-24s %8.3f  (want %g, -%g/+%g)", c->name, rate,
           ebu_measure_name(ck->measure), v, ck->want, ck->below, ck->above);
  }
  ps_loudness_free(&m);
  CHECKF(m == NULL, "free clears the pointer");
  free(x);
}

int
main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: test_ebu RATE [CASE...]\n");
    return 2;
  }
  const double rate = atof(argv[1]);
  if (argc > 2) {
    for (int i = 2; i < argc; ++i) {
      const EbuCase *c = ebu_case_find(argv[i]);
      if (!c) {
        fprintf(stderr, "test_ebu: no case %s\n", argv[i]);
        return 2;
      }
      run_case(c, rate);
    }
  } else {
    size_t n;
    const EbuCase *all = ebu_cases(&n);
    for (size_t i = 0; i < n; ++i) {
      run_case(&all[i], rate);
    }
  }
  return check_summary("test_ebu");
}
