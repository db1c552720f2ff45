/* EQ match benchmark: how close the correction comes to the known truth of
   generated cases, and what the plugin costs.

   Accuracy.  For each case (a reference and a take from gen_eqmatch, and
   the truth of their correction) the reference and the take are learned
   with the core's PsLtas, the correction curve made with ps_eqmatch_curve
   at the settings of `postsync eqmatch --max-gain 24`, and the curve turned
   into the minimum-phase FIR the plugin would run (ps_eqmatch_design).
   Scored with the eqmatch_truth library (23 one-third-octave bands,
   80 Hz..12.5 kHz, the loudness offset removed):

     curve    the designed curve on its 1/48-octave grid; the CSV written by
              `postsync eqmatch --curve` when given (checked against the
              curve computed here)
     filter   the realised filter: the magnitude response of the taps,
              evaluated exactly (a DTFT in double precision, the limit of a
              zero-padded FFT) at every point of the same 1/48-octave grid

   A case given --from HZ is also scored from that band up (thin-boom: below
   160 Hz the reference's speech is within 0-3 dB of its own room tone, and
   the correction is deliberately faded to 0 dB there).  The summary takes
   those figures where given and keeps the null case apart.

   Cost.  The plugin (urn:postsync:eqmatch#mono and #stereo, found through
   LV2_PATH) hosted with lilv, without a worker (designs run inline in
   run(), so their cost is counted), on the reference (sidechain) and take
   (main input) of one case, at host blocks of 1, 64, 512 and 4096:
     apply    learn = 0 with a learned correction in effect (learned on the
              same material first, untimed)
     learn    learn = 1, both signals, a new design every 0.5 s of audio,
              the correction in effect meanwhile
   and the core convolver alone (ps_convolver_process with the filter
   designed from the same material, at the plugin's length, and cut to 4096
   taps when that is longer) as the anchor.  Figures are CPU time of
   the process over audio time: the share of one core at real time.

   usage: eqmatch_bench [CASE]... [--cost-reference R.wav --cost-take T.wav]
                        [--cost-seconds S] [--no-cost]
     CASE: --case NAME --seed N --reference R.wav --take T.wav --truth T.csv
           [--curve C.csv] [--from HZ]   (each --case starts a new case)

   A benchmark, not a test: it exits 0 whether or not the goals are met. */

#include "convolver.h"
#include "eqmatch.h"
#include "eqmatch_truth.h"
#include "ltas.h"
#include "ps_status.h"

#include "bench_support.h"

#include <lilv/lilv.h>
#include <lv2/core/lv2.h>
#include <lv2/urid/urid.h>
#include <sndfile.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef PS_BENCH_BUILDTYPE
#define PS_BENCH_BUILDTYPE "unknown"
#endif
#ifndef PS_BENCH_OPTIMIZATION
#define PS_BENCH_OPTIMIZATION "?"
#endif
#ifndef PS_BENCH_COMPILER
#define PS_BENCH_COMPILER "unknown compiler"
#endif

#define PI 3.14159265358979323846
#define MAX_CASES 64
#define MAX_CH 8
#define PLUGIN_CH 2
#define MONO_URI "urn:postsync:eqmatch#mono"
#define STEREO_URI "urn:postsync:eqmatch#stereo"

/* Goals */
#define GOAL_MEAN_RMS 0.6
#define GOAL_WORST_BAND 2.5
#define GOAL_NULL_RMS 0.5

static const size_t cost_blocks[] = {1, 64, 512, 4096};
#define N_COST_BLOCKS (sizeof cost_blocks / sizeof cost_blocks[0])

/* BenchAudio files ------------------------------------------------------------*/

/* The whole file, one buffer per channel. */
/* Learning, curve and design ----------------------------------------------*/

/* The settings of `postsync eqmatch --max-gain 24`, rounded to float as
   the tool rounds them (the plugin's controls are floats). */
static PsEqmatchParams
bench_params(void)
{
  PsEqmatchParams p = ps_eqmatch_default_params();
  p.max_gain_db = 24.0;
  p.amount = (double)((float)(p.amount * 100.0) / 100.0f);
  p.smoothing_oct = (double)(float)p.smoothing_oct;
  p.max_gain_db = (double)(float)p.max_gain_db;
  p.low_hz = (double)(float)p.low_hz;
  p.high_hz = (double)(float)p.high_hz;
  return p;
}

/* What a recording teaches, fed as the tool feeds it (4800 frames a call). */
static int
learn_audio(const BenchAudio *a, PsLtasData *data)
{
  PsLtas *ltas = NULL;
  const int st = ps_ltas_init(&ltas, a->rate, a->channels);
  if (st) {
    fprintf(stderr, "eqmatch_bench: ltas: %s\n", ps_status_string(st));
    return -1;
  }
  for (size_t t = 0; t < a->frames; t += 4800) {
    const size_t n = a->frames - t < 4800 ? a->frames - t : 4800;
    const float *p[MAX_CH];
    for (unsigned c = 0; c < a->channels; ++c) {
      p[c] = a->ch[c] + t;
    }
    ps_ltas_process(ltas, p, n);
  }
  *data = *ps_ltas_data(ltas);
  ps_ltas_free(&ltas);
  return 0;
}

/* Curve and minimum-phase taps (taps_out: ps_eqmatch_design_taps floats,
   allocated here) from a reference and a take already loaded. */
static int
make_correction(const BenchAudio *ref, const BenchAudio *take, float *curve, float **taps_out,
                size_t *n_taps, double *ref_speech, double *take_speech)
{
  PsLtasData *r = (PsLtasData *)calloc(1, sizeof(PsLtasData));
  PsLtasData *t = (PsLtasData *)calloc(1, sizeof(PsLtasData));
  PsEqmatchDesign *design = NULL;
  int status = -1;
  *taps_out = NULL;
  if (!r || !t || learn_audio(ref, r) || learn_audio(take, t)) {
    goto done;
  }
  *ref_speech = r->speech_seconds;
  *take_speech = t->speech_seconds;
  if (r->speech_seconds < 1.0 || t->speech_seconds < 1.0) {
    fprintf(stderr, "eqmatch_bench: too little speech (reference %.1f s, take %.1f s)\n",
            r->speech_seconds, t->speech_seconds);
    goto done;
  }
  const PsEqmatchParams params = bench_params();
  int st = ps_eqmatch_curve(r, t, &params, curve);
  if (!st) {
    st = ps_eqmatch_design_init(&design, ref->rate);
  }
  if (!st) {
    *n_taps = ps_eqmatch_design_taps(design);
    *taps_out = (float *)malloc(*n_taps * sizeof(float));
    st = *taps_out ? ps_eqmatch_design(design, curve, PS_EQMATCH_MINIMUM_PHASE, *taps_out)
                   : PS_ERR_NOMEM;
  }
  if (st) {
    fprintf(stderr, "eqmatch_bench: correction: %s\n", ps_status_string(st));
    free(*taps_out);
    *taps_out = NULL;
    goto done;
  }
  status = 0;
done:
  ps_eqmatch_design_free(&design);
  free(r);
  free(t);
  return status;
}

/* |H(f)|^2 in dB of the taps at each grid frequency, exactly. */
static void
response_db(const float *taps, size_t n_taps, double rate, const double *hz, double *db,
            size_t n)
{
  for (size_t k = 0; k < n; ++k) {
    const double w = -2.0 * PI * hz[k] / rate;
    const double wr = cos(w), wi = sin(w);
    double zr = 1.0, zi = 0.0, re = 0.0, im = 0.0;
    for (size_t i = 0; i < n_taps; ++i) {
      re += (double)taps[i] * zr;
      im += (double)taps[i] * zi;
      const double nr = zr * wr - zi * wi;
      zi = zr * wi + zi * wr;
      zr = nr;
    }
    const double p = re * re + im * im;
    db[k] = 10.0 * log10(p > 1e-30 ? p : 1e-30);
  }
}

/* Accuracy ----------------------------------------------------------------*/

typedef struct {
  const char *name;
  int seed;
  const char *reference, *take, *truth, *curve_csv;
  double from_hz;
} CaseSpec;

typedef struct {
  EqmScore curve, filter;
} Scores;

typedef struct {
  bool ok;
  double ref_speech, take_speech;
  Scores full, from; /* `from` only with from_hz > 0 */
  double fit;        /* max |filter - curve| over the scored range, dB */
  double csv_diff;   /* max |CSV - curve computed here|, dB; < 0: no CSV */
} CaseResult;

static unsigned
first_band(double from_hz)
{
  unsigned k = 0;
  while (k + 1 < EQM_BANDS && (double)eqm_band_nominal_hz(k) < from_hz - 0.5) {
    ++k;
  }
  return k;
}

static int
score_pair(const EqmTruth *truth, const double *hz, const double *curve_db, size_t n_curve,
           const double *grid, const double *filter_db, size_t n_grid, unsigned first,
           Scores *s)
{
  char err[256];
  if (eqm_score_bands(truth, hz, curve_db, n_curve, first, EQM_BANDS - 1, &s->curve, err,
                      sizeof err) ||
      eqm_score_bands(truth, grid, filter_db, n_grid, first, EQM_BANDS - 1, &s->filter, err,
                      sizeof err)) {
    fprintf(stderr, "eqmatch_bench: score: %s\n", err);
    return -1;
  }
  return 0;
}

static CaseResult
run_case(const CaseSpec *c)
{
  CaseResult r;
  memset(&r, 0, sizeof r);
  r.csv_diff = -1.0;
  char err[256];
  EqmTruth truth;
  if (eqm_truth_load(c->truth, &truth, err, sizeof err)) {
    fprintf(stderr, "eqmatch_bench: %s\n", err);
    return r;
  }
  BenchAudio ref, take;
  if (bench_audio_load(c->reference, &ref, "eqmatch_bench")) {
    return r;
  }
  if (bench_audio_load(c->take, &take, "eqmatch_bench")) {
    bench_audio_free(&ref);
    return r;
  }
  float curve[PS_LTAS_BANDS];
  float *taps = NULL;
  size_t n_taps = 0;
  const double rate = ref.rate;
  const int st =
    make_correction(&ref, &take, curve, &taps, &n_taps, &r.ref_speech, &r.take_speech);
  bench_audio_free(&ref);
  bench_audio_free(&take);
  if (st) {
    return r;
  }

  static double grid[PS_LTAS_BANDS], own_db[PS_LTAS_BANDS], filter_db[PS_LTAS_BANDS];
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    grid[b] = ps_ltas_band_hz(b);
    own_db[b] = (double)curve[b];
  }
  response_db(taps, n_taps, rate, grid, filter_db, PS_LTAS_BANDS);
  free(taps);

  /* The designed curve: the tool's CSV when given. */
  const double *hz = grid, *db = own_db;
  size_t n = PS_LTAS_BANDS;
  EqmCurve csv = {0};
  if (c->curve_csv) {
    if (eqm_curve_load(c->curve_csv, &csv, err, sizeof err)) {
      fprintf(stderr, "eqmatch_bench: %s\n", err);
      return r;
    }
    r.csv_diff = 0.0;
    for (size_t i = 0; i < csv.n; ++i) {
      const double d = fabs(csv.db[i] - ps_eqmatch_curve_at(curve, csv.hz[i]));
      r.csv_diff = d > r.csv_diff || isnan(d) ? d : r.csv_diff;
    }
    hz = csv.hz;
    db = csv.db;
    n = csv.n;
  }

  if (score_pair(&truth, hz, db, n, grid, filter_db, PS_LTAS_BANDS, 0, &r.full) ||
      (c->from_hz > 0.0 && score_pair(&truth, hz, db, n, grid, filter_db, PS_LTAS_BANDS,
                                      first_band(c->from_hz), &r.from))) {
    eqm_curve_free(&csv);
    return r;
  }
  eqm_curve_free(&csv);

  /* How far the realised filter strays from its curve over the scored bands. */
  double lo = 0.0, hi = 0.0, unused = 0.0;
  eqm_band_edges(c->from_hz > 0.0 ? first_band(c->from_hz) : 0, &lo, &unused);
  eqm_band_edges(EQM_BANDS - 1, &unused, &hi);
  const double offset = r.full.filter.offset_db - r.full.curve.offset_db;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    if (grid[b] >= lo && grid[b] <= hi) {
      const double d = fabs(filter_db[b] - own_db[b] - offset);
      r.fit = d > r.fit ? d : r.fit;
    }
  }
  r.ok = true;
  return r;
}

static void
print_score_row(const CaseSpec *c, const Scores *s, unsigned first, const CaseResult *r)
{
  char range[32];
  snprintf(range, sizeof range, "%d-12500", eqm_band_nominal_hz(first));
  printf("  %-14s %4d  %-10s  %5.2f  %5.2f @ %5d   %5.2f  %5.2f @ %5d   %5.2f\n", c->name,
         c->seed, range, s->curve.rms_db, s->curve.max_db,
         eqm_band_nominal_hz(s->curve.max_band), s->filter.rms_db, s->filter.max_db,
         eqm_band_nominal_hz(s->filter.max_band), r->fit);
}

/* The bands of a counted score beyond the worst-band goal, signed. */
static void
print_bands_over(const CaseSpec *c, const Scores *s)
{
  const EqmScore *e[2] = {&s->curve, &s->filter};
  for (int k = 0; k < 2; ++k) {
    if (e[k]->max_db <= GOAL_WORST_BAND) {
      continue;
    }
    printf("  %-14s %4d  %s bands over %.1f dB:", c->name, c->seed, k ? "filter" : "curve",
           GOAL_WORST_BAND);
    for (unsigned b = 0; b < EQM_BANDS; ++b) {
      if (fabs(e[k]->error_db[b]) > GOAL_WORST_BAND) {
        printf(" %d Hz %+.2f", eqm_band_nominal_hz(b), e[k]->error_db[b]);
      }
    }
    printf("\n");
  }
}

typedef struct {
  double sum_rms[2]; /* curve, filter */
  unsigned n;
  double worst[2];
  const CaseSpec *worst_case[2];
  unsigned worst_band[2];
  double null_rms[2]; /* worst over seeds */
  unsigned n_null;
  double csv_diff; /* largest |tool's CSV - curve computed here|; < 0: no CSV */
  unsigned n_csv;
} Summary;

static void
summarise(Summary *s, const CaseSpec *c, const CaseResult *r)
{
  const Scores *sc = c->from_hz > 0.0 ? &r->from : &r->full;
  const EqmScore *e[2] = {&sc->curve, &sc->filter};
  if (r->csv_diff >= 0.0) {
    s->csv_diff = r->csv_diff > s->csv_diff ? r->csv_diff : s->csv_diff;
    ++s->n_csv;
  }
  const bool null = !strcmp(c->name, "null");
  for (int k = 0; k < 2; ++k) {
    if (e[k]->max_db >= s->worst[k]) { /* every case, null too */
      s->worst[k] = e[k]->max_db;
      s->worst_case[k] = c;
      s->worst_band[k] = e[k]->max_band;
    }
    if (null) {
      s->null_rms[k] = e[k]->rms_db > s->null_rms[k] ? e[k]->rms_db : s->null_rms[k];
    } else {
      s->sum_rms[k] += e[k]->rms_db;
    }
  }
  if (null) {
    ++s->n_null;
    return;
  }
  ++s->n;
}

static void
run_accuracy(const CaseSpec *cases, size_t n_cases)
{
  printf("\n== Accuracy: error against the truth, dB (23 third-octave bands, loudness offset "
         "removed) ==\n");
  printf("curve: postsync eqmatch --max-gain 24 (1/6 octave, 40 Hz-18 kHz); filter: the "
         "minimum-phase FIR\nps_eqmatch_design makes of it, |H| on the same 1/48-octave grid; "
         "fit: max |filter - curve|, dB\n\n");
  printf("  %-14s %4s  %-10s  %-20s   %-20s   %5s\n", "", "", "", "designed curve",
         "realised filter", "");
  printf("  %-14s %4s  %-10s  %5s  %5s @ %5s   %5s  %5s @ %5s   %5s\n", "case", "seed",
         "bands Hz", "rms", "worst", "Hz", "rms", "worst", "Hz", "fit");
  Summary s;
  memset(&s, 0, sizeof s);
  unsigned failed = 0;
  for (size_t i = 0; i < n_cases; ++i) {
    const CaseSpec *c = &cases[i];
    const CaseResult r = run_case(c);
    if (!r.ok) {
      printf("  %-14s %4d  (failed, see above)\n", c->name, c->seed);
      ++failed;
      continue;
    }
    print_score_row(c, &r.full, 0, &r);
    if (c->from_hz > 0.0) {
      print_score_row(c, &r.from, first_band(c->from_hz), &r);
    }
    print_bands_over(c, c->from_hz > 0.0 ? &r.from : &r.full);
    if (r.csv_diff > 1e-3) {
      printf("  %-14s %4d  note: the tool's CSV differs from the curve computed here by up "
             "to %.4f dB\n",
             c->name, c->seed, r.csv_diff);
    }
    summarise(&s, c, &r);
  }

  printf("\nsummary: mean rms over the %u case runs (cases x seeds) but null, worst band over "
         "all %u",
         s.n, s.n + s.n_null);
  bool any_from = false;
  for (size_t i = 0; i < n_cases; ++i) {
    if (cases[i].from_hz > 0.0) {
      bool seen = false;
      for (size_t j = 0; j < i; ++j) {
        seen = seen || (cases[j].from_hz > 0.0 && !strcmp(cases[j].name, cases[i].name));
      }
      if (!seen) {
        printf("%s %s from %.0f Hz", any_from ? "," : "; counted:", cases[i].name,
               cases[i].from_hz);
        any_from = true;
      }
    }
  }
  printf("\n  %-24s %-12s %-12s %s\n", "", "curve", "filter", "goal");
  if (s.n) {
    const double m0 = s.sum_rms[0] / s.n, m1 = s.sum_rms[1] / s.n;
    printf("  %-24s %5.2f %s      %5.2f %s      <= %.1f dB\n", "mean rms", m0,
           bench_mark(m0 <= GOAL_MEAN_RMS), m1, bench_mark(m1 <= GOAL_MEAN_RMS), GOAL_MEAN_RMS);
  }
  if (s.worst_case[0] && s.worst_case[1]) {
    printf("  %-24s %5.2f %s      %5.2f %s      <= %.1f dB   (curve: %s seed %d at %d Hz; "
           "filter: %s seed %d at %d Hz)\n",
           "worst band", s.worst[0], bench_mark(s.worst[0] <= GOAL_WORST_BAND), s.worst[1],
           bench_mark(s.worst[1] <= GOAL_WORST_BAND), GOAL_WORST_BAND, s.worst_case[0]->name,
           s.worst_case[0]->seed, eqm_band_nominal_hz(s.worst_band[0]), s.worst_case[1]->name,
           s.worst_case[1]->seed, eqm_band_nominal_hz(s.worst_band[1]));
  }
  if (s.n_null) {
    printf("  %-24s %5.2f %s      %5.2f %s      <= %.1f dB\n", "null rms (worst seed)",
           s.null_rms[0], bench_mark(s.null_rms[0] <= GOAL_NULL_RMS), s.null_rms[1],
           bench_mark(s.null_rms[1] <= GOAL_NULL_RMS), GOAL_NULL_RMS);
  }
  if (s.n_csv) {
    printf("  the tool's %u curve CSVs (scored above) are the curves computed here to %.4f dB\n",
           s.n_csv, s.csv_diff);
  }
  if (failed) {
    printf("  %u case(s) failed and are not counted\n", failed);
  }
}

/* Cost: the plugin through lilv -------------------------------------------*/

typedef struct {
  LilvInstance *inst;
  unsigned channels;
  float *controls; /* one float per port; audio ports use the buffers */
  uint32_t n_ports;
  uint32_t p_learn, p_correction, p_ref_seconds, p_take_seconds;
  uint32_t p_in[PLUGIN_CH], p_sc[PLUGIN_CH], p_out[PLUGIN_CH];
  float *out[PLUGIN_CH];
} Host;

static int
host_open(Host *h, LilvWorld *world, const char *uri, unsigned channels, double rate,
          const LV2_Feature *const *features)
{
  memset(h, 0, sizeof *h);
  h->channels = channels;
  LilvNode *node = lilv_new_uri(world, uri);
  const LilvPlugin *plugin = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world), node);
  lilv_node_free(node);
  if (!plugin) {
    fprintf(stderr, "eqmatch_bench: %s not found (LV2_PATH=%s)\n", uri,
            getenv("LV2_PATH") ? getenv("LV2_PATH") : "unset");
    return -1;
  }
  h->n_ports = lilv_plugin_get_num_ports(plugin);
  h->controls = (float *)calloc(h->n_ports, sizeof(float));
  float *defs = (float *)calloc(h->n_ports, sizeof(float));
  for (unsigned c = 0; c < channels; ++c) {
    h->out[c] = (float *)calloc(4096, sizeof(float));
  }
  if (!h->controls || !defs || !h->out[0] || (channels > 1 && !h->out[1])) {
    free(defs);
    return -1;
  }
  lilv_plugin_get_port_ranges_float(plugin, NULL, NULL, defs);
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    h->controls[i] = isnan(defs[i]) ? 0.0f : defs[i];
  }
  free(defs);
  h->p_learn = bench_port_index(world, plugin, "learn");
  h->p_correction = bench_port_index(world, plugin, "correction_db");
  h->p_ref_seconds = bench_port_index(world, plugin, "ref_seconds");
  h->p_take_seconds = bench_port_index(world, plugin, "take_seconds");
  static const char *const sym_in[2][PLUGIN_CH] = {{"in", NULL}, {"in_l", "in_r"}};
  static const char *const sym_sc[2][PLUGIN_CH] = {{"sc", NULL}, {"sc_l", "sc_r"}};
  static const char *const sym_out[2][PLUGIN_CH] = {{"out", NULL}, {"out_l", "out_r"}};
  const unsigned v = channels > 1;
  for (unsigned c = 0; c < channels; ++c) {
    h->p_in[c] = bench_port_index(world, plugin, sym_in[v][c]);
    h->p_sc[c] = bench_port_index(world, plugin, sym_sc[v][c]);
    h->p_out[c] = bench_port_index(world, plugin, sym_out[v][c]);
    if (h->p_in[c] == UINT32_MAX || h->p_sc[c] == UINT32_MAX || h->p_out[c] == UINT32_MAX) {
      fprintf(stderr, "eqmatch_bench: %s: audio ports not as expected\n", uri);
      return -1;
    }
  }
  if (h->p_learn == UINT32_MAX || h->p_correction == UINT32_MAX) {
    fprintf(stderr, "eqmatch_bench: %s: control ports not as expected\n", uri);
    return -1;
  }
  h->inst = lilv_plugin_instantiate(plugin, rate, features);
  if (!h->inst) {
    fprintf(stderr, "eqmatch_bench: %s: cannot instantiate\n", uri);
    return -1;
  }
  /* Every port: controls to their floats, audio to the buffers (set again
     at each run for the inputs). */
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    lilv_instance_connect_port(h->inst, i, &h->controls[i]);
  }
  for (unsigned c = 0; c < channels; ++c) {
    lilv_instance_connect_port(h->inst, h->p_in[c], h->out[c]);
    lilv_instance_connect_port(h->inst, h->p_sc[c], h->out[c]);
    lilv_instance_connect_port(h->inst, h->p_out[c], h->out[c]);
  }
  lilv_instance_activate(h->inst);
  return 0;
}

static void
host_close(Host *h)
{
  if (h->inst) {
    lilv_instance_deactivate(h->inst);
    lilv_instance_free(h->inst);
  }
  free(h->controls);
  for (unsigned c = 0; c < PLUGIN_CH; ++c) {
    free(h->out[c]);
  }
  memset(h, 0, sizeof *h);
}

/* Runs `frames` frames of the material (looped) through the plugin in host
   blocks of `block`.  The take goes to the main inputs, the reference to
   the sidechain; a mono file feeds every channel. */
static BenchTiming
host_run(Host *h, const BenchAudio *ref, const BenchAudio *take, size_t frames, size_t block,
         size_t *pos)
{
  BenchTiming r = {0, 0.0, frames};
  const size_t len = ref->frames < take->frames ? ref->frames : take->frames;
  const bool time_calls = block > 1;
  const double c0 = bench_clock_s(CLOCK_PROCESS_CPUTIME_ID);
  for (size_t done = 0; done < frames;) {
    size_t n = frames - done < block ? frames - done : block;
    n = len - *pos < n ? len - *pos : n;
    for (unsigned c = 0; c < h->channels; ++c) {
      lilv_instance_connect_port(h->inst, h->p_in[c],
                                 take->ch[c < take->channels ? c : 0] + *pos);
      lilv_instance_connect_port(h->inst, h->p_sc[c], ref->ch[c < ref->channels ? c : 0] + *pos);
    }
    if (time_calls) {
      const double a = bench_clock_s(CLOCK_MONOTONIC);
      lilv_instance_run(h->inst, (uint32_t)n);
      const double d = bench_clock_s(CLOCK_MONOTONIC) - a;
      r.worst = d > r.worst ? d : r.worst;
    } else {
      lilv_instance_run(h->inst, (uint32_t)n);
    }
    done += n;
    *pos = *pos + n == len ? 0 : *pos + n;
  }
  r.cpu = bench_clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
  return r;
}

static BenchTiming
convolver_run(const float *taps, size_t n_taps, unsigned channels, const BenchAudio *take,
              size_t frames, size_t block, float *const *out)
{
  BenchTiming r = {0, 0.0, 0};
  PsConvolver *conv = NULL;
  PsConvolverFilter *filter = NULL;
  int st = ps_convolver_init(&conv, n_taps, channels);
  if (!st) {
    st = ps_convolver_filter_new(&filter, conv, taps, n_taps);
  }
  if (!st) {
    st = ps_convolver_switch(conv, filter, 0);
  }
  if (st) {
    fprintf(stderr, "eqmatch_bench: convolver: %s\n", ps_status_string(st));
    ps_convolver_free(&conv);
    ps_convolver_filter_free(&filter);
    return r;
  }
  const size_t len = take->frames;
  size_t pos = 0;
  const bool time_calls = block > 1;
  const double c0 = bench_clock_s(CLOCK_PROCESS_CPUTIME_ID);
  for (size_t done = 0; done < frames;) {
    size_t n = frames - done < block ? frames - done : block;
    n = len - pos < n ? len - pos : n;
    const float *ip[PLUGIN_CH];
    for (unsigned c = 0; c < channels; ++c) {
      ip[c] = take->ch[c < take->channels ? c : 0] + pos;
    }
    if (time_calls) {
      const double a = bench_clock_s(CLOCK_MONOTONIC);
      ps_convolver_process(conv, ip, out, n);
      const double d = bench_clock_s(CLOCK_MONOTONIC) - a;
      r.worst = d > r.worst ? d : r.worst;
    } else {
      ps_convolver_process(conv, ip, out, n);
    }
    done += n;
    pos = pos + n == len ? 0 : pos + n;
  }
  r.cpu = bench_clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
  r.frames = frames;
  ps_convolver_free(&conv);
  ps_convolver_filter_free(&filter);
  return r;
}

static void
print_cost_row(const char *label, const BenchTiming *t, double rate)
{
  printf("  %-34s", label);
  for (size_t b = 0; b < N_COST_BLOCKS; ++b) {
    if (t[b].frames) {
      printf("  %7.2f %%", bench_percent(&t[b], rate));
    } else {
      printf("  %9s", "n/a");
    }
  }
  printf("   ");
  for (size_t b = 1; b < N_COST_BLOCKS; ++b) {
    printf(" %6.2f", t[b].frames ? 1e3 * t[b].worst : 0.0);
  }
  printf("\n");
}

static int
run_cost(const char *ref_path, const char *take_path, double seconds)
{
  BenchAudio ref, take;
  if (bench_audio_load(ref_path, &ref, "eqmatch_bench")) {
    return -1;
  }
  if (bench_audio_load(take_path, &take, "eqmatch_bench")) {
    bench_audio_free(&ref);
    return -1;
  }
  const double rate = ref.rate;
  const size_t len = ref.frames < take.frames ? ref.frames : take.frames;
  const size_t frames = (size_t)(seconds * rate);
  printf("\n== Cost: %% of one core at %.0f Hz (process CPU time / audio time), %.0f s of "
         "audio per figure ==\n",
         rate, (double)frames / rate);
  printf("material, %.1f s looped (a mono file feeds both channels of the stereo plugin):\n"
         "  take (main input)       %s\n  reference (sidechain)   %s\n"
         "no worker: designs run inline in run() and count; longest call is wall time\n",
         (double)len / rate,
         strrchr(take_path, '/') ? strrchr(take_path, '/') + 1 : take_path,
         strrchr(ref_path, '/') ? strrchr(ref_path, '/') + 1 : ref_path);

  float curve[PS_LTAS_BANDS];
  float *taps = NULL;
  size_t n_taps = 0;
  double rs = 0.0, ts = 0.0;
  if (make_correction(&ref, &take, curve, &taps, &n_taps, &rs, &ts)) {
    bench_audio_free(&ref);
    bench_audio_free(&take);
    return -1;
  }

  BenchUriTable uris;
  memset(&uris, 0, sizeof uris);
  LV2_URID_Map map = {&uris, bench_map_uri};
  const LV2_Feature f_map = {LV2_URID__map, &map};
  const LV2_Feature *features[] = {&f_map, NULL};
  LilvWorld *world = lilv_world_new();
  lilv_world_load_all(world);

  BenchTiming plugin[2][2][N_COST_BLOCKS]; /* [mono, stereo][apply, learn][block] */
  BenchTiming anchor[2][2][N_COST_BLOCKS]; /* [plugin's taps, 4096][1 ch, 2 ch][block] */
  memset(plugin, 0, sizeof plugin);
  memset(anchor, 0, sizeof anchor);
  float correction[2] = {0.0f, 0.0f};
  float learned[2][2] = {{0.0f, 0.0f}, {0.0f, 0.0f}};
  int status = 0;
  for (unsigned v = 0; v < 2; ++v) {
    Host h;
    if (host_open(&h, world, v ? STEREO_URI : MONO_URI, v + 1, rate, features)) {
      host_close(&h);
      status = -1;
      continue;
    }
    /* Learn the whole material, untimed, then apply it. */
    size_t pos = 0;
    h.controls[h.p_learn] = 1.0f;
    host_run(&h, &ref, &take, len, 4096, &pos);
    h.controls[h.p_learn] = 0.0f;
    pos = 0;
    host_run(&h, &ref, &take, (size_t)(0.5 * rate), 512, &pos); /* design, fade in */
    correction[v] = h.controls[h.p_correction];
    learned[v][0] = h.p_ref_seconds != UINT32_MAX ? h.controls[h.p_ref_seconds] : 0.0f;
    learned[v][1] = h.p_take_seconds != UINT32_MAX ? h.controls[h.p_take_seconds] : 0.0f;
    if (!(correction[v] > 0.0f)) {
      fprintf(stderr, "eqmatch_bench: %s: no correction in effect after learning\n",
              v ? STEREO_URI : MONO_URI);
    }
    for (size_t b = 0; b < N_COST_BLOCKS; ++b) {
      plugin[v][0][b] = host_run(&h, &ref, &take, frames, cost_blocks[b], &pos);
    }
    h.controls[h.p_learn] = 1.0f;
    for (size_t b = 0; b < N_COST_BLOCKS; ++b) {
      plugin[v][1][b] = host_run(&h, &ref, &take, frames, cost_blocks[b], &pos);
    }
    host_close(&h);
  }

  float *out[PLUGIN_CH];
  for (unsigned c = 0; c < PLUGIN_CH; ++c) {
    out[c] = (float *)malloc(4096 * sizeof(float));
  }
  if (out[0] && out[1]) {
    for (unsigned k = 0; k < 2; ++k) {
      const size_t nt = k ? (n_taps < 4096 ? n_taps : 4096) : n_taps;
      for (unsigned v = 0; v < 2; ++v) {
        for (size_t b = 0; b < N_COST_BLOCKS && (!k || nt != n_taps); ++b) {
          anchor[k][v][b] = convolver_run(taps, nt, v + 1, &take, frames, cost_blocks[b], out);
        }
      }
    }
  }
  for (unsigned c = 0; c < PLUGIN_CH; ++c) {
    free(out[c]);
  }

  printf("correction in effect: %.2f dB rms (mono), %.2f dB rms (stereo), as the plugin "
         "reports;\nlearned before timing: %.1f s reference and %.1f s take speech (mono)\n\n",
         (double)correction[0], (double)correction[1], (double)learned[0][0],
         (double)learned[0][1]);
  printf("  %-34s", "host block");
  for (size_t b = 0; b < N_COST_BLOCKS; ++b) {
    printf("  %9zu", cost_blocks[b]);
  }
  printf("    longest call, ms, at 64 / 512 / 4096\n");
  print_cost_row("plugin mono, apply (learn 0)", plugin[0][0], rate);
  print_cost_row("plugin mono, learning (learn 1)", plugin[0][1], rate);
  print_cost_row("plugin stereo, apply (learn 0)", plugin[1][0], rate);
  print_cost_row("plugin stereo, learning (learn 1)", plugin[1][1], rate);
  for (unsigned k = 0; k < 2; ++k) {
    if (k && !anchor[1][0][0].frames) {
      break; /* the plugin's filter has 4096 taps (or fewer) */
    }
    for (unsigned v = 0; v < 2; ++v) {
      char label[64];
      snprintf(label, sizeof label, "convolver alone, %zu taps, %u ch",
               k ? (size_t)4096 : n_taps, v + 1);
      print_cost_row(label, anchor[k][v], rate);
    }
  }
  printf("  (the plugin's filter: %zu taps; blocks of 64 / 512 / 4096 last %.2f / %.2f / %.2f ms;"
         "\n   the naive per-block FFT convolution anchor is in convolver_bench)\n",
         n_taps, 64e3 / rate, 512e3 / rate, 4096e3 / rate);

  lilv_world_free(world);
  bench_uri_table_free(&uris);
  free(taps);
  bench_audio_free(&ref);
  bench_audio_free(&take);
  return status;
}

/* Main --------------------------------------------------------------------*/

static int
usage(void)
{
  fprintf(stderr,
          "usage: eqmatch_bench [CASE]... [--cost-reference R.wav --cost-take T.wav]\n"
          "                     [--cost-seconds S] [--no-cost]\n"
          "  CASE: --case NAME --seed N --reference R.wav --take T.wav --truth T.csv\n"
          "        [--curve C.csv] [--from HZ]     (each --case starts a new case)\n"
          "Without --cost-reference/--cost-take the cost runs on the first case's files.\n");
  return 2;
}

int
main(int argc, char **argv)
{
  static CaseSpec cases[MAX_CASES];
  size_t n_cases = 0;
  const char *cost_ref = NULL, *cost_take = NULL;
  double cost_seconds = 30.0;
  bool cost = true;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    if (!strcmp(a, "--no-cost")) {
      cost = false;
      continue;
    }
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage();
      return 0;
    }
    if (i + 1 >= argc) {
      return usage();
    }
    const char *v = argv[++i];
    CaseSpec *c = n_cases ? &cases[n_cases - 1] : NULL;
    if (!strcmp(a, "--case")) {
      if (n_cases == MAX_CASES) {
        fprintf(stderr, "eqmatch_bench: more than %d cases\n", MAX_CASES);
        return 2;
      }
      c = &cases[n_cases++];
      memset(c, 0, sizeof *c);
      c->name = v;
    } else if (!strcmp(a, "--cost-reference")) {
      cost_ref = v;
    } else if (!strcmp(a, "--cost-take")) {
      cost_take = v;
    } else if (!strcmp(a, "--cost-seconds")) {
      cost_seconds = atof(v);
    } else if (!c) {
      return usage();
    } else if (!strcmp(a, "--seed")) {
      c->seed = atoi(v);
    } else if (!strcmp(a, "--reference")) {
      c->reference = v;
    } else if (!strcmp(a, "--take")) {
      c->take = v;
    } else if (!strcmp(a, "--truth")) {
      c->truth = v;
    } else if (!strcmp(a, "--curve")) {
      c->curve_csv = v;
    } else if (!strcmp(a, "--from")) {
      c->from_hz = atof(v);
    } else {
      return usage();
    }
  }
  for (size_t i = 0; i < n_cases; ++i) {
    if (!cases[i].reference || !cases[i].take || !cases[i].truth) {
      fprintf(stderr, "eqmatch_bench: case %s needs --reference, --take and --truth\n",
              cases[i].name);
      return 2;
    }
  }
  if (!cost_ref && !cost_take && n_cases) {
    cost_ref = cases[0].reference;
    cost_take = cases[0].take;
  }
  if (cost && (!cost_ref || !cost_take || !(cost_seconds > 0.0))) {
    fprintf(stderr, "eqmatch_bench: the cost needs a reference and a take, and seconds > 0\n");
    return 2;
  }
#ifdef PS_BENCH_LV2_PATH
  setenv("LV2_PATH", PS_BENCH_LV2_PATH, 0);
#endif

  printf("Postsync EQ match benchmark\n");
  printf("build: %s, -O%s, %s\n", PS_BENCH_BUILDTYPE, PS_BENCH_OPTIMIZATION, PS_BENCH_COMPILER);
  if (n_cases) {
    run_accuracy(cases, n_cases);
  }
  if (cost) {
    run_cost(cost_ref, cost_take, cost_seconds);
  }
  return 0;
}
