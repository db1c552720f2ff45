/* Postsync EQ match: LV2 glue around the core's ltas (what was learned),
   eqmatch (the correction and its FIR) and convolver engines.

   Two variants (mono, stereo) share the binary.  The take comes in on the
   main inputs, the production reference on the sidechain inputs; one
   correction filter applies to every channel.

   Threads.  run() and work_response() run on the audio thread: they learn
   (ltas), convolve, and hand design jobs to the worker.  work() designs
   the filter into one of FILTERS filters made at instantiation, so nothing
   is ever allocated after it, with or without a worker: a host without one
   (lv2apply) gets the design inline in run(), which costs time but does no
   allocation, lock or I/O.  restore() (instantiation class: never at the
   same time as run) designs inline too, so a reopened session plays the
   saved correction from its first sample.

   Output = dry * (1 - w) + wet * w, where dry is the input delayed by the
   reported latency (bit for bit) and wet the convolver's output; w ramps
   over FADE_SECONDS between 0 and 1.  With no correction in effect (none
   learned, amount 0, bypass) the output is the dry signal exactly. */
#include "convolver.h"
#include "eqmatch.h"
#include "le_bytes.h"
#include "ltas.h"
#include "ps_status.h"
#include "eqmatch_curves.h"
#include "inline_display.h"
#include "port.h"
#include "seqlock.h"

#include <lv2/atom/atom.h>
#include <lv2/core/lv2.h>
#include <lv2/core/lv2_util.h>
#include <lv2/state/state.h>
#include <lv2/urid/urid.h>
#include <lv2/worker/worker.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EQMATCH_URI "urn:postsync:eqmatch"
#define LEARNED_URI EQMATCH_URI "#learned"

typedef enum {
  PORT_LEARN = 0,
  PORT_CLEAR,
  PORT_AMOUNT,
  PORT_SMOOTHING,
  PORT_MAX_GAIN,
  PORT_LOW_HZ,
  PORT_HIGH_HZ,
  PORT_PHASE,
  PORT_ENABLED,
  PORT_LATENCY,
  PORT_REF_SECONDS,
  PORT_TAKE_SECONDS,
  PORT_CORRECTION_DB,
  PORT_AUDIO /* main inputs, then sidechain inputs, then outputs */
} PortIndex;

typedef enum { LEARN_OFF = 0, LEARN_BOTH, LEARN_REFERENCE, LEARN_TAKE } LearnMode;

#define MAX_CHANNELS 2
/* Filters: in use, fading out, waiting, being designed, restored into. */
#define FILTERS 5
/* Internal processing block: any host block is cut into these. */
#define CHUNK 256
#define FADE_SECONDS 0.04
/* While learning, a new design at most this often (seconds of audio). */
#define LEARN_DESIGN_EVERY 0.5
/* Without a worker, a design at most this often (seconds of audio). */
#define INLINE_DESIGN_EVERY 0.25
/* Speech each recording needs before a correction is made, seconds. */
#define MIN_SPEECH_SECONDS 1.0

/* The state blob: header, then the reference's and the take's data. */
#define BLOB_MAGIC "PSEQ"
#define BLOB_VERSION 1u
#define BLOB_HEADER 80
#define BLOB_BYTES (BLOB_HEADER + 2 * PS_LTAS_DATA_BYTES)

typedef enum { FILTER_FREE = 0, FILTER_DESIGNING, FILTER_IN_ENGINE } FilterUse;

/* What a design is made from. */
typedef struct {
  PsEqmatchParams params;
  PsEqmatchPhase phase;
} Settings;

/* What was learned, with the settings of a design. */
typedef struct {
  PsLtasData reference;
  PsLtasData take;
  Settings settings;
} Learned;

/* Worker messages. */
typedef struct {
  uint32_t filter;
  uint32_t generation;
} Request;

typedef struct {
  uint32_t filter;
  uint32_t generation;
  int32_t status; /* PS_OK, or an error: nothing to use */
  int32_t flat;   /* no correction: the curve is 0 dB everywhere */
} Response;

typedef struct {
  LV2_URID atom_Chunk;
  LV2_URID learned;
} Uris;

typedef struct {
  /* ports */
  const float *learn;
  const float *clear;
  const float *amount;
  const float *smoothing;
  const float *max_gain;
  const float *low_hz;
  const float *high_hz;
  const float *phase;
  const float *enabled;
  float *latency;
  float *ref_seconds;
  float *take_seconds;
  float *correction_db;
  const float *in[MAX_CHANNELS];
  const float *sidechain[MAX_CHANNELS];
  float *out[MAX_CHANNELS];

  unsigned channels;
  double rate;
  Uris uris;
  LV2_Worker_Schedule *schedule; /* NULL: designs run inline */

  PsLtas *reference;
  PsLtas *take;
  PsConvolver *conv;
  PsConvolverFilter *filters[FILTERS];
  FilterUse use[FILTERS];
  size_t taps;
  size_t linear_latency;

  /* Design on the worker (or inline): job and result buffers the audio
     thread leaves alone while a job is out. */
  PsEqmatchDesign *design;
  float *design_taps;
  Learned job;
  float job_curve[PS_LTAS_BANDS];
  bool job_out;
  /* What save() stores: the data and settings of the last design asked
     for, published by run() under a sequence lock (odd while written). */
  Learned published;
  PsSeqlock published_lock;
  /* the correction in effect, for the inline display */
  float shown_curve[PS_LTAS_BANDS];
  bool shown_has_curve;
  PsSeqlock shown_lock;
  PsInlineDisplay display;
  uint32_t generation; /* of the newest job; older answers are dropped */

  /* restore()'s own design engine and buffers */
  PsEqmatchDesign *restore_design;
  float *restore_taps;

  /* What is in effect */
  Settings applied;       /* settings of the last design asked for */
  bool dirty;             /* something changed since */
  double since_design;    /* seconds of audio since the last job */
  float curve[PS_LTAS_BANDS];
  bool has_curve;         /* a correction (not flat) is designed */
  float curve_rms;        /* of curve over rms_low..rms_high (NaN: to compute) */
  double rms_low, rms_high;
  PsEqmatchPhase filter_phase;

  /* Mixing */
  float *delay[MAX_CHANNELS]; /* dry path, circular */
  size_t delay_size;          /* power of two > linear latency */
  size_t delay_pos;
  /* a change of phase mode moves the dry path's delay: from the old one to
     the new over a fade (0 when none is under way) */
  size_t dry_latency;
  size_t dry_latency_old;
  size_t dry_fade;
  float wet;        /* mix position 0..1 */
  float wet_step;   /* per sample */
  float in_buf[MAX_CHANNELS][CHUNK];
  float sc_buf[MAX_CHANNELS][CHUNK];
  float wet_buf[MAX_CHANNELS][CHUNK];

  LearnMode last_learn;
  float last_clear;
  bool snap;     /* the next run starts at its mix target, without a fade */
  bool hold_dry; /* dry until the next design is in (settings changed at a snap) */
} EqMatch;

typedef struct {
  const char *uri;
  unsigned channels;
} Variant;

static const Variant variants[] = {
  {EQMATCH_URI "#mono", 1},
  {EQMATCH_URI "#stereo", 2},
};

static float
clampf(float v, float lo, float hi)
{
  return v >= lo ? (v <= hi ? v : hi) : lo; /* NaN gives lo */
}

/* The settings the control ports ask for, in range. */
static Settings
settings_from_ports(const EqMatch *self)
{
  Settings s;
  s.params.amount = clampf(ps_port_value(self->amount, 100.0f), 0.0f, 200.0f) / 100.0f;
  s.params.smoothing_oct = clampf(ps_port_value(self->smoothing, 1.0f / 6.0f), 1.0f / 24.0f, 1.0f);
  s.params.max_gain_db = clampf(ps_port_value(self->max_gain, 12.0f), 0.0f, 24.0f);
  double lo = clampf(ps_port_value(self->low_hz, 40.0f), 20.0f, 2000.0f);
  double hi = clampf(ps_port_value(self->high_hz, 18000.0f), 1000.0f, 20000.0f);
  if (!(hi > lo * 1.01)) { /* ranges overlap at 1-2 kHz */
    hi = lo * 1.01;
  }
  s.params.low_hz = lo;
  s.params.high_hz = hi;
  s.phase = ps_port_value(self->phase, 0.0f) >= 0.5f ? PS_EQMATCH_LINEAR_PHASE
                                                   : PS_EQMATCH_MINIMUM_PHASE;
  return s;
}

static bool
close_to(double a, double b)
{
  return fabs(a - b) <= 1e-6 * fmax(fabs(a), fabs(b));
}

/* Equal to float precision: port values come back from a saved session
   with 8 decimals, which is not always the same float. */
static bool
settings_equal(const Settings *a, const Settings *b)
{
  return a->phase == b->phase && close_to(a->params.amount, b->params.amount) &&
         close_to(a->params.smoothing_oct, b->params.smoothing_oct) &&
         close_to(a->params.max_gain_db, b->params.max_gain_db) &&
         close_to(a->params.low_hz, b->params.low_hz) &&
         close_to(a->params.high_hz, b->params.high_hz);
}

static void
cleanup(LV2_Handle instance)
{
  EqMatch *self = (EqMatch *)instance;
  ps_ltas_free(&self->reference);
  ps_ltas_free(&self->take);
  ps_convolver_free(&self->conv);
  for (unsigned i = 0; i < FILTERS; ++i) {
    ps_convolver_filter_free(&self->filters[i]);
  }
  ps_eqmatch_design_free(&self->design);
  ps_eqmatch_design_free(&self->restore_design);
  free(self->design_taps);
  free(self->restore_taps);
  for (unsigned c = 0; c < MAX_CHANNELS; ++c) {
    free(self->delay[c]);
  }
  ps_inline_free(&self->display);
  free(self);
}

/* Instantiation thread: all allocation happens here. */
static LV2_Handle
instantiate(const LV2_Descriptor *descriptor, double rate, const char *bundle_path,
            const LV2_Feature *const *features)
{
  const Variant *variant = NULL;
  for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); ++i) {
    if (!strcmp(descriptor->URI, variants[i].uri)) {
      variant = &variants[i];
    }
  }
  if (!variant || !(rate >= 22050.0 && rate <= 192000.0)) {
    return NULL;
  }
  EqMatch *self = (EqMatch *)calloc(1, sizeof(EqMatch));
  if (!self) {
    return NULL;
  }
  self->channels = variant->channels;
  self->rate = rate;
  ps_inline_init(&self->display, features, rate);

  LV2_URID_Map *map = NULL;
  lv2_features_query(features, LV2_URID__map, &map, false, LV2_WORKER__schedule,
                     &self->schedule, false, NULL);
  if (map) {
    self->uris.atom_Chunk = map->map(map->handle, LV2_ATOM__Chunk);
    self->uris.learned = map->map(map->handle, LEARNED_URI);
  }

  int st = ps_ltas_init(&self->reference, rate, self->channels);
  if (!st) {
    st = ps_ltas_init(&self->take, rate, self->channels);
  }
  if (!st) {
    st = ps_eqmatch_design_init(&self->design, rate);
  }
  if (!st) {
    st = ps_eqmatch_design_init(&self->restore_design, rate);
  }
  if (!st) {
    self->taps = ps_eqmatch_design_taps(self->design);
    self->linear_latency = ps_eqmatch_design_latency(self->design, PS_EQMATCH_LINEAR_PHASE);
    st = ps_convolver_init(&self->conv, self->taps, self->channels);
  }
  if (!st) {
    self->design_taps = (float *)calloc(self->taps, sizeof(float));
    self->restore_taps = (float *)calloc(self->taps, sizeof(float));
    st = self->design_taps && self->restore_taps ? PS_OK : PS_ERR_NOMEM;
  }
  for (unsigned i = 0; i < FILTERS && !st; ++i) {
    /* a unit impulse of full length: room for any design */
    self->design_taps[0] = 1.0f;
    st = ps_convolver_filter_new(&self->filters[i], self->conv, self->design_taps, self->taps);
  }
  self->delay_size = 1;
  while (self->delay_size <= self->linear_latency) {
    self->delay_size *= 2;
  }
  for (unsigned c = 0; c < self->channels && !st; ++c) {
    self->delay[c] = (float *)calloc(self->delay_size, sizeof(float));
    st = self->delay[c] ? PS_OK : PS_ERR_NOMEM;
  }
  if (st) {
    cleanup((LV2_Handle)self);
    return NULL;
  }
  self->wet_step = (float)(1.0 / (FADE_SECONDS * rate));
  self->curve_rms = NAN;
  self->applied = settings_from_ports(self);
  self->published.settings = self->applied;
  self->snap = true;
  return (LV2_Handle)self;
}

static void
connect_port(LV2_Handle instance, uint32_t port, void *data)
{
  EqMatch *self = (EqMatch *)instance;
  switch ((PortIndex)port) {
  case PORT_LEARN:
    self->learn = (const float *)data;
    return;
  case PORT_CLEAR:
    self->clear = (const float *)data;
    return;
  case PORT_AMOUNT:
    self->amount = (const float *)data;
    return;
  case PORT_SMOOTHING:
    self->smoothing = (const float *)data;
    return;
  case PORT_MAX_GAIN:
    self->max_gain = (const float *)data;
    return;
  case PORT_LOW_HZ:
    self->low_hz = (const float *)data;
    return;
  case PORT_HIGH_HZ:
    self->high_hz = (const float *)data;
    return;
  case PORT_PHASE:
    self->phase = (const float *)data;
    return;
  case PORT_ENABLED:
    self->enabled = (const float *)data;
    return;
  case PORT_LATENCY:
    self->latency = (float *)data;
    return;
  case PORT_REF_SECONDS:
    self->ref_seconds = (float *)data;
    return;
  case PORT_TAKE_SECONDS:
    self->take_seconds = (float *)data;
    return;
  case PORT_CORRECTION_DB:
    self->correction_db = (float *)data;
    return;
  case PORT_AUDIO:
    break;
  }
  const uint32_t a = port - PORT_AUDIO, ch = self->channels;
  if (a < ch) {
    self->in[a] = (const float *)data;
  } else if (a < 2 * ch) {
    self->sidechain[a - ch] = (const float *)data;
  } else if (a < 3 * ch) {
    self->out[a - 2 * ch] = (float *)data;
  }
}

/* Takes back the filters the engine no longer uses.  Audio thread. */
static void
collect_retired(EqMatch *self)
{
  const PsConvolverFilter *f;
  while ((f = ps_convolver_retired(self->conv))) {
    for (unsigned i = 0; i < FILTERS; ++i) {
      if (self->filters[i] == f) {
        self->use[i] = FILTER_FREE;
      }
    }
  }
}

static int
free_filter(const EqMatch *self)
{
  for (unsigned i = 0; i < FILTERS; ++i) {
    if (self->use[i] == FILTER_FREE) {
      return (int)i;
    }
  }
  return -1;
}

/* Designs the job into filter `index`: on the worker, or inline. */
static Response
design(EqMatch *self, PsEqmatchDesign *engine, float *taps, const PsLtasData *reference,
       const PsLtasData *take, const Settings *settings, float *curve, uint32_t index)
{
  Response r = {index, 0, PS_OK, 0};
  if (reference->speech_seconds < MIN_SPEECH_SECONDS ||
      take->speech_seconds < MIN_SPEECH_SECONDS) {
    memset(curve, 0, PS_LTAS_BANDS * sizeof(float));
    r.flat = 1;
    return r;
  }
  r.status = ps_eqmatch_curve(reference, take, &settings->params, curve);
  if (r.status) {
    return r;
  }
  r.flat = 1;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    r.flat = r.flat && curve[b] == 0.0f;
  }
  if (r.flat) {
    return r;
  }
  r.status = ps_eqmatch_design(engine, curve, settings->phase, taps);
  if (!r.status) {
    r.status = ps_convolver_filter_load(self->filters[index], self->conv, taps, self->taps);
  }
  return r;
}

/* Puts a finished design in effect.  Audio thread (or restore). */
static void
take_result(EqMatch *self, const Response *r, const float *curve, PsEqmatchPhase phase,
            size_t fade)
{
  self->use[r->filter] = FILTER_FREE;
  if (r->generation != self->generation || r->status) {
    return; /* a newer job or a restore superseded it */
  }
  self->hold_dry = false;
  memcpy(self->curve, curve, sizeof(self->curve));
  self->curve_rms = NAN;
  ps_seqlock_write_begin(&self->shown_lock);
  memcpy(self->shown_curve, curve, sizeof(self->shown_curve));
  self->shown_has_curve = !r->flat;
  ps_seqlock_write_end(&self->shown_lock);
  if (r->flat) {
    self->has_curve = false; /* the wet path fades out, then the engine empties */
    return;
  }
  /* Fully dry: the new filter comes in at once under the wet fade. */
  const bool dry = self->wet <= 0.0f;
  if (ps_convolver_switch(self->conv, self->filters[r->filter], dry ? 0 : fade) == PS_OK) {
    self->use[r->filter] = FILTER_IN_ENGINE;
    self->has_curve = true;
    self->filter_phase = phase;
  }
  collect_retired(self);
}

/* Copies what was learned and the settings of the last design for save().
   Audio thread: when either changes (learned data change once per analysis
   hop, 85 ms, at most). */
static void
publish(EqMatch *self)
{
  ps_seqlock_write_begin(&self->published_lock);
  self->published.reference = *ps_ltas_data(self->reference);
  self->published.take = *ps_ltas_data(self->take);
  self->published.settings = self->applied;
  ps_seqlock_write_end(&self->published_lock);
}

/* Hands the current learned data and settings to a design.  Audio thread. */
static void
request_design(EqMatch *self, const Settings *settings)
{
  const int index = free_filter(self);
  if (self->job_out || index < 0) {
    return; /* asked again once the worker answers or a filter frees */
  }
  self->job.reference = *ps_ltas_data(self->reference);
  self->job.take = *ps_ltas_data(self->take);
  self->job.settings = *settings;
  self->applied = *settings;
  publish(self);
  self->dirty = false;
  self->since_design = 0.0;
  ++self->generation;
  const Request req = {(uint32_t)index, self->generation};
  self->use[index] = FILTER_DESIGNING;
  const size_t fade = (size_t)(FADE_SECONDS * self->rate);
  if (self->schedule) {
    self->job_out = true;
    if (self->schedule->schedule_work(self->schedule->handle, sizeof(req), &req) !=
        LV2_WORKER_SUCCESS) {
      self->job_out = false;
      self->use[index] = FILTER_FREE;
      self->dirty = true;
    }
    return;
  }
  Response r = design(self, self->design, self->design_taps, &self->job.reference,
                      &self->job.take, &self->job.settings, self->job_curve, req.filter);
  r.generation = req.generation;
  take_result(self, &r, self->job_curve, settings->phase, fade);
}

/* Worker thread. */
static LV2_Worker_Status
work(LV2_Handle instance, LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle,
     uint32_t size, const void *data)
{
  EqMatch *self = (EqMatch *)instance;
  Request req;
  if (size != sizeof(req)) {
    return LV2_WORKER_ERR_UNKNOWN;
  }
  memcpy(&req, data, sizeof(req));
  if (req.filter >= FILTERS) {
    return LV2_WORKER_ERR_UNKNOWN;
  }
  Response r = design(self, self->design, self->design_taps, &self->job.reference,
                      &self->job.take, &self->job.settings, self->job_curve, req.filter);
  r.generation = req.generation;
  return respond(handle, sizeof(r), &r);
}

/* Audio thread, after run(). */
static LV2_Worker_Status
work_response(LV2_Handle instance, uint32_t size, const void *body)
{
  EqMatch *self = (EqMatch *)instance;
  Response r;
  if (size != sizeof(r)) {
    return LV2_WORKER_ERR_UNKNOWN;
  }
  memcpy(&r, body, sizeof(r));
  if (r.filter >= FILTERS) {
    return LV2_WORKER_ERR_UNKNOWN;
  }
  self->job_out = false;
  take_result(self, &r, self->job_curve, self->job.settings.phase,
              (size_t)(FADE_SECONDS * self->rate));
  return LV2_WORKER_SUCCESS;
}

/* Clears the signal history; what was learned and designed stays. */
static void
activate(LV2_Handle instance)
{
  EqMatch *self = (EqMatch *)instance;
  ps_convolver_reset(self->conv);
  collect_retired(self);
  for (unsigned c = 0; c < self->channels; ++c) {
    memset(self->delay[c], 0, self->delay_size * sizeof(float));
  }
  self->delay_pos = 0;
  self->dry_fade = 0;
  ps_ltas_restart(self->reference);
  ps_ltas_restart(self->take);
  self->snap = true;
}

/* Mixes n <= CHUNK samples of the chunk buffers into out at offset. */
static void
mix(EqMatch *self, size_t offset, size_t n, size_t latency, float target)
{
  const size_t mask = self->delay_size - 1;
  const size_t fade_len = (size_t)(FADE_SECONDS * self->rate);
  if (latency != self->dry_latency) {
    self->dry_latency_old = self->dry_latency;
    self->dry_latency = latency;
    self->dry_fade = fade_len;
  }
  for (size_t i = 0; i < n; ++i) {
    const size_t pos = (self->delay_pos + i) & mask;
    const size_t from = (pos - latency) & mask;
    const size_t from_old = (pos - self->dry_latency_old) & mask;
    float old_share = 0.0f;
    if (self->dry_fade) {
      const float u = (float)self->dry_fade / (float)fade_len;
      old_share = 0.5f - 0.5f * cosf(3.14159265f * u);
      --self->dry_fade;
    }
    /* one sample of the ramp */
    float w = self->wet;
    if (w != target) {
      w = target > w ? fminf(w + self->wet_step, 1.0f) : fmaxf(w - self->wet_step, 0.0f);
      self->wet = w;
    }
    for (unsigned c = 0; c < self->channels; ++c) {
      const float x = self->in_buf[c][i];
      self->delay[c][pos] = isfinite(x) ? x : 0.0f;
      float dry = self->delay[c][from];
      if (old_share > 0.0f) {
        dry += old_share * (self->delay[c][from_old] - dry);
      }
      float y;
      if (w <= 0.0f) {
        y = dry;
      } else if (w >= 1.0f) {
        y = self->wet_buf[c][i];
      } else {
        const float g = 0.5f - 0.5f * cosf(3.14159265f * w);
        y = dry + g * (self->wet_buf[c][i] - dry);
      }
      self->out[c][offset + i] = y;
    }
  }
  self->delay_pos = (self->delay_pos + n) & mask;
}

/* Audio thread: no allocation, lock or I/O. */
static void
run(LV2_Handle instance, uint32_t n_samples)
{
  EqMatch *self = (EqMatch *)instance;
  const unsigned ch = self->channels;

  const float clear = ps_port_value(self->clear, 0.0f);
  const bool cleared = clear > 0.5f && !(self->last_clear > 0.5f);
  if (cleared) {
    ps_ltas_clear(self->reference);
    ps_ltas_clear(self->take);
    self->dirty = true;
  }
  self->last_clear = clear;

  const LearnMode learn = (LearnMode)(int)clampf(roundf(ps_port_value(self->learn, 0.0f)), 0, 3);
  const bool learn_ref = learn == LEARN_BOTH || learn == LEARN_REFERENCE;
  const bool learn_take = learn == LEARN_BOTH || learn == LEARN_TAKE;
  const bool was_ref = self->last_learn == LEARN_BOTH || self->last_learn == LEARN_REFERENCE;
  const bool was_take = self->last_learn == LEARN_BOTH || self->last_learn == LEARN_TAKE;
  if (learn_ref && !was_ref) {
    ps_ltas_restart(self->reference);
  }
  if (learn_take && !was_take) {
    ps_ltas_restart(self->take);
  }
  if (learn != self->last_learn && self->last_learn != LEARN_OFF) {
    self->dirty = true; /* what was learned up to now, designed at once */
  }
  self->last_learn = learn;

  const Settings settings = settings_from_ports(self);
  const size_t latency = settings.phase == PS_EQMATCH_LINEAR_PHASE ? self->linear_latency : 0;
  const bool enabled = ps_port_value(self->enabled, 1.0f) > 0.5f;
  if (self->snap) {
    /* other settings than the design's: dry until the new design is in */
    self->hold_dry = !settings_equal(&settings, &self->applied);
  }
  const float target = enabled && self->has_curve && !self->hold_dry &&
                           self->filter_phase == settings.phase
                         ? 1.0f
                         : 0.0f;
  if (self->snap) { /* no audio before to fade from */
    self->wet = target;
    self->dry_latency = latency;
    self->dry_fade = 0;
    self->snap = false;
  }

  const double ref_before = ps_ltas_data(self->reference)->speech_seconds;
  const double take_before = ps_ltas_data(self->take)->speech_seconds;
  for (uint32_t done = 0; done < n_samples;) {
    const size_t n = n_samples - done < CHUNK ? n_samples - done : CHUNK;
    const float *in_ptr[MAX_CHANNELS];
    const float *sc_ptr[MAX_CHANNELS];
    float *wet_ptr[MAX_CHANNELS];
    /* copies first: outputs may share the inputs' buffers */
    for (unsigned c = 0; c < ch; ++c) {
      memcpy(self->in_buf[c], self->in[c] + done, n * sizeof(float));
      if (self->sidechain[c]) {
        memcpy(self->sc_buf[c], self->sidechain[c] + done, n * sizeof(float));
      } else {
        memset(self->sc_buf[c], 0, n * sizeof(float));
      }
      in_ptr[c] = self->in_buf[c];
      sc_ptr[c] = self->sc_buf[c];
      wet_ptr[c] = self->wet_buf[c];
    }
    if (learn_ref) {
      ps_ltas_process(self->reference, sc_ptr, n);
    }
    if (learn_take) {
      ps_ltas_process(self->take, in_ptr, n);
    }
    ps_convolver_process(self->conv, in_ptr, wet_ptr, n);
    collect_retired(self);
    mix(self, done, n, latency, target);
    done += (uint32_t)n;
  }
  self->since_design += (double)n_samples / self->rate;

  /* An emptied wet path no longer needs the engine's filter. */
  if (!self->has_curve && self->wet <= 0.0f && ps_convolver_current(self->conv)) {
    ps_convolver_switch(self->conv, NULL, 0);
    collect_retired(self);
  }

  const PsLtasData *ref = ps_ltas_data(self->reference);
  const PsLtasData *take = ps_ltas_data(self->take);
  if (ref->speech_seconds != ref_before || take->speech_seconds != take_before ||
      ref->floor_seconds != self->published.reference.floor_seconds ||
      take->floor_seconds != self->published.take.floor_seconds || cleared) {
    publish(self);
    if (self->since_design >= LEARN_DESIGN_EVERY) {
      self->dirty = true;
    }
  }
  if (!settings_equal(&settings, &self->applied)) {
    self->dirty = true;
  }
  /* inline designs cost a run() some milliseconds: not on every run while
     a knob moves */
  if (self->dirty && (self->schedule || self->since_design >= INLINE_DESIGN_EVERY ||
                      self->generation == 0)) {
    request_design(self, &settings);
  }

  if (self->latency) {
    *self->latency = (float)latency;
  }
  if (self->ref_seconds) {
    *self->ref_seconds = (float)ref->speech_seconds;
  }
  if (self->take_seconds) {
    *self->take_seconds = (float)take->speech_seconds;
  }
  if (self->correction_db) {
    if (isnan(self->curve_rms) || self->rms_low != settings.params.low_hz ||
        self->rms_high != settings.params.high_hz) {
      self->rms_low = settings.params.low_hz;
      self->rms_high = settings.params.high_hz;
      self->curve_rms =
        (float)ps_eqmatch_curve_rms(self->curve, self->rms_low, self->rms_high);
    }
    *self->correction_db = target > 0.0f ? self->curve_rms : 0.0f;
  }
  ps_inline_tick(&self->display, n_samples);
}

/* GUI thread: the correction curve in effect over 20 Hz - 20 kHz (0 dB
   dashed; the scale grows in 6 dB steps with the curve), flat and grey
   while there is none. */
static PsInlineImage *
render(LV2_Handle instance, uint32_t width, uint32_t max_height)
{
  EqMatch *self = (EqMatch *)instance;
  struct {
    float curve[PS_LTAS_BANDS];
    bool has;
  } v;
  if (!ps_seqlock_read(&self->shown_lock, v.curve, self->shown_curve, sizeof(v.curve)) ||
      !ps_seqlock_read(&self->shown_lock, &v.has, &self->shown_has_curve, sizeof(v.has))) {
    return NULL;
  }
  const uint32_t height = ps_inline_height(width, max_height);
  cairo_t *cr = ps_inline_begin(&self->display, width, height);
  if (!cr) {
    return NULL;
  }
  double hz[PS_LTAS_BANDS], db[PS_LTAS_BANDS], peak = 0.0;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    hz[b] = ps_ltas_band_hz(b);
    db[b] = v.has ? (double)v.curve[b] : 0.0;
    peak = fabs(db[b]) > peak ? fabs(db[b]) : peak;
  }
  const double range = 6.0 * ceil((peak > 1e-3 ? peak : 1e-3) / 6.0);
  const double w = width, ht = height;
  cairo_set_source_rgba(cr, 0.5, 0.5, 0.55, 1.0);
  const double dashes[] = {3.0, 3.0};
  cairo_set_dash(cr, dashes, 2, 0.0);
  ps_inline_hline(cr, w, ht, 0.0, -range, range);
  cairo_set_dash(cr, NULL, 0, 0.0);
  if (v.has) {
    cairo_set_source_rgba(cr, 0.95, 0.70, 0.25, 1.0);
  } else {
    cairo_set_source_rgba(cr, 0.6, 0.6, 0.6, 1.0);
  }
  ps_inline_spectrum(cr, w, ht, hz, db, PS_LTAS_BANDS, -range, range);
  if (w >= 60.0) {
    char s[24];
    snprintf(s, sizeof(s), "+-%.0f dB", range);
    cairo_set_source_rgba(cr, 0.85, 0.85, 0.85, 1.0);
    ps_inline_text(cr, 3.0, 11.0, 10.0, s);
  }
  ps_inline_frame(cr, w, ht);
  return ps_inline_end(&self->display, cr);
}

/* State -------------------------------------------------------------------*/

/* Instantiation class; may run while the audio thread runs (hosts save
   from the GUI thread): it copies what run() published (what was learned,
   and the settings of the last design), retrying while run() writes it. */
static LV2_State_Status
save(LV2_Handle instance, LV2_State_Store_Function store, LV2_State_Handle handle,
     uint32_t flags, const LV2_Feature *const *features)
{
  EqMatch *self = (EqMatch *)instance;
  if (!self->uris.learned) {
    return LV2_STATE_ERR_NO_FEATURE;
  }
  unsigned char *blob = (unsigned char *)calloc(1, BLOB_BYTES);
  Learned *copy = (Learned *)malloc(sizeof(Learned));
  if (!blob || !copy ||
      !ps_seqlock_read(&self->published_lock, copy, &self->published, sizeof(*copy))) {
    free(blob);
    free(copy);
    return LV2_STATE_ERR_UNKNOWN;
  }
  memcpy(blob, BLOB_MAGIC, 4);
  ps_le_put_u32(blob + 4, BLOB_VERSION);
  ps_le_put_u32(blob + 8, PS_LTAS_BANDS);
  ps_le_put_u32(blob + 12, PS_LTAS_PER_OCTAVE);
  ps_le_put_double(blob + 16, PS_LTAS_LOW_HZ);
  ps_le_put_double(blob + 24, self->rate);
  const Settings *s = &copy->settings;
  ps_le_put_double(blob + 32, s->params.amount);
  ps_le_put_double(blob + 40, s->params.smoothing_oct);
  ps_le_put_double(blob + 48, s->params.max_gain_db);
  ps_le_put_double(blob + 56, s->params.low_hz);
  ps_le_put_double(blob + 64, s->params.high_hz);
  ps_le_put_u32(blob + 72, (uint32_t)s->phase);
  ps_le_put_u32(blob + 76, 0);
  ps_ltas_data_encode(&copy->reference, blob + BLOB_HEADER);
  ps_ltas_data_encode(&copy->take, blob + BLOB_HEADER + PS_LTAS_DATA_BYTES);
  const LV2_State_Status st = store(handle, self->uris.learned, blob, BLOB_BYTES,
                                    self->uris.atom_Chunk,
                                    LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE);
  free(blob);
  free(copy);
  return st;
}

/* Instantiation class: never at the same time as run().  Designs inline,
   so the first sample after it is already corrected. */
static LV2_State_Status
restore(LV2_Handle instance, LV2_State_Retrieve_Function retrieve, LV2_State_Handle handle,
        uint32_t flags, const LV2_Feature *const *features)
{
  EqMatch *self = (EqMatch *)instance;
  if (!self->uris.learned) {
    return LV2_STATE_ERR_NO_FEATURE;
  }
  size_t size = 0;
  uint32_t type = 0, vflags = 0;
  const unsigned char *blob =
    (const unsigned char *)retrieve(handle, self->uris.learned, &size, &type, &vflags);
  if (!blob) {
    return LV2_STATE_SUCCESS; /* nothing learned was saved */
  }
  if (type != self->uris.atom_Chunk || size != BLOB_BYTES || memcmp(blob, BLOB_MAGIC, 4) ||
      ps_le_get_u32(blob + 4) != BLOB_VERSION || ps_le_get_u32(blob + 8) != PS_LTAS_BANDS ||
      ps_le_get_u32(blob + 12) != PS_LTAS_PER_OCTAVE ||
      ps_le_get_double(blob + 16) != PS_LTAS_LOW_HZ) {
    return LV2_STATE_ERR_BAD_TYPE;
  }
  Settings s;
  s.params.amount = ps_le_get_double(blob + 32);
  s.params.smoothing_oct = ps_le_get_double(blob + 40);
  s.params.max_gain_db = ps_le_get_double(blob + 48);
  s.params.low_hz = ps_le_get_double(blob + 56);
  s.params.high_hz = ps_le_get_double(blob + 64);
  s.phase = ps_le_get_u32(blob + 72) ? PS_EQMATCH_LINEAR_PHASE : PS_EQMATCH_MINIMUM_PHASE;
  float curve_check[PS_LTAS_BANDS];
  PsLtasData empty;
  memset(&empty, 0, sizeof(empty));
  if (ps_eqmatch_curve(&empty, &empty, &s.params, curve_check)) {
    return LV2_STATE_ERR_BAD_TYPE; /* settings out of range: not ours */
  }
  PsLtasData *data = (PsLtasData *)malloc(2 * sizeof(PsLtasData));
  float *curve = (float *)malloc(PS_LTAS_BANDS * sizeof(float));
  LV2_State_Status status = LV2_STATE_ERR_BAD_TYPE;
  if (!data || !curve) {
    status = LV2_STATE_ERR_UNKNOWN;
    goto done;
  }
  if (ps_ltas_data_decode(&data[0], blob + BLOB_HEADER) ||
      ps_ltas_data_decode(&data[1], blob + BLOB_HEADER + PS_LTAS_DATA_BYTES)) {
    goto done;
  }
  ps_ltas_set_data(self->reference, &data[0]);
  ps_ltas_set_data(self->take, &data[1]);
  ps_ltas_restart(self->reference);
  ps_ltas_restart(self->take);

  /* Start clean: no fade under way, the old filters back in the pool. */
  ps_convolver_reset(self->conv);
  ps_convolver_switch(self->conv, NULL, 0);
  collect_retired(self);
  self->has_curve = false;
  self->wet = 0.0f;
  ++self->generation; /* a job still out is stale now */
  self->applied = s;
  self->dirty = false;
  self->since_design = 0.0;
  self->published.reference = data[0];
  self->published.take = data[1];
  self->published.settings = s;
  const int index = free_filter(self);
  if (index < 0) {
    status = LV2_STATE_ERR_UNKNOWN;
    goto done;
  }
  self->use[index] = FILTER_DESIGNING;
  Response r = design(self, self->restore_design, self->restore_taps, &data[0], &data[1], &s,
                      curve, (uint32_t)index);
  r.generation = self->generation;
  take_result(self, &r, curve, s.phase, 0);
  self->snap = true; /* in effect (or bypassed) from the first sample, as when saved */
  status = LV2_STATE_SUCCESS;

done:
  free(data);
  free(curve);
  return status;
}

/* One long-term speech spectrum in dB relative to its 250 Hz - 4 kHz mean,
   over +-2 bands (1/12 octave). */
static void
relative_db(const PsLtasData *d, float *out)
{
  double db[PS_LTAS_BANDS], sum = 0.0;
  size_t count = 0;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    const double m = ps_ltas_speech_mean(d, b);
    db[b] = d->speech_n[b] > 0.0 && m > 0.0 ? 10.0 * log10(m) : -300.0;
  }
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    double acc = 0.0;
    int n = 0;
    for (size_t k = b >= 2 ? b - 2 : 0; k <= b + 2 && k < PS_LTAS_BANDS; ++k) {
      if (db[k] > -200.0) {
        acc += db[k];
        ++n;
      }
    }
    out[b] = n ? (float)(acc / n) : -300.0f;
    const double hz = ps_ltas_band_hz(b);
    if (n && hz >= 250.0 && hz <= 4000.0) {
      sum += acc / n;
      ++count;
    }
  }
  for (size_t b = 0; count && b < PS_LTAS_BANDS; ++b) {
    out[b] = out[b] > -200.0f ? (float)((double)out[b] - sum / (double)count) : out[b];
  }
}

_Static_assert(PS_EQMATCH_CURVE_BANDS == PS_LTAS_BANDS, "the UI's bands are the core's");

/* The UI's view (eqmatch_curves.h). */
static bool
curves(LV2_Handle instance, float *hz, float *ref_db, float *take_db, float *correction_db)
{
  EqMatch *self = (EqMatch *)instance;
  Learned *copy = (Learned *)malloc(sizeof(Learned));
  bool has = false;
  bool ok = copy && ps_seqlock_read(&self->published_lock, copy, &self->published, sizeof(*copy));
  ok = ok && ps_seqlock_read(&self->shown_lock, correction_db, self->shown_curve,
                             sizeof(self->shown_curve));
  ok = ok && ps_seqlock_read(&self->shown_lock, &has, &self->shown_has_curve, sizeof(has));
  if (ok) {
    relative_db(&copy->reference, ref_db);
    relative_db(&copy->take, take_db);
    for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
      hz[b] = (float)ps_ltas_band_hz(b);
      correction_db[b] = has ? correction_db[b] : 0.0f;
    }
  }
  free(copy);
  return ok;
}

static const void *
extension_data(const char *uri)
{
  static const PsEqmatchCurves view = {curves};
  if (!strcmp(uri, PS_EQMATCH_CURVES_URI)) {
    return &view;
  }
  static const LV2_Worker_Interface worker = {work, work_response, NULL};
  static const LV2_State_Interface state = {save, restore};
  if (!strcmp(uri, LV2_WORKER__interface)) {
    return &worker;
  }
  if (!strcmp(uri, LV2_STATE__interface)) {
    return &state;
  }
  static const PsInlineInterface display = {render};
  if (!strcmp(uri, PS_INLINE_DISPLAY__interface)) {
    return &display;
  }
  return NULL;
}

#define DESCRIPTOR(uri)                                                              \
  {                                                                                  \
    uri, instantiate, connect_port, activate, run, NULL, cleanup, extension_data \
  }

static const LV2_Descriptor descriptors[] = {
  DESCRIPTOR(EQMATCH_URI "#mono"),
  DESCRIPTOR(EQMATCH_URI "#stereo"),
};

LV2_SYMBOL_EXPORT const LV2_Descriptor *
lv2_descriptor(uint32_t index)
{
  return index < sizeof(descriptors) / sizeof(descriptors[0]) ? &descriptors[index] : NULL;
}
