/* Postsync loudness meter: LV2 glue around the core's BS.1770 engine.

   One binary, four plugins (mono, stereo, 5.1, 7.1).  Audio passes through
   unchanged, in place or not; the readings go to output control ports.
   No feature is required: with urid:map the meter can follow the host's
   transport through time:Position events. */
#include "delivery.h"
#include "inline_display.h"
#include "layout.h"
#include "loudness.h"
#include "seqlock.h"
#include "transport.h"

#include <lv2/atom/atom.h>
#include <lv2/atom/util.h>
#include <lv2/core/lv2.h>
#include <lv2/core/lv2_util.h>
#include <lv2/time/time.h>
#include <lv2/urid/urid.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOUDNESS_URI "urn:postsync:loudness"

/* Port indices: the controls are the same in every variant, audio inputs
   then audio outputs follow, one per channel. */
typedef enum {
  PORT_RESET = 0,
  PORT_FOLLOW_TRANSPORT,
  PORT_TARGET,
  PORT_TP_LIMIT,
  PORT_MOMENTARY,
  PORT_SHORTTERM,
  PORT_INTEGRATED,
  PORT_RANGE,
  PORT_MOMENTARY_MAX,
  PORT_SHORTTERM_MAX,
  PORT_TRUEPEAK,
  PORT_SAMPLEPEAK,
  PORT_PLR,
  PORT_DEVIATION,
  PORT_TP_OVER,
  PORT_CONTROL,
  PORT_AUDIO /* first audio input */
} PortIndex;

/* Ports after the audio ports (added with dialogue gating; their indices
   follow the channel count): offset from PORT_AUDIO + 2 * channels. */
typedef enum { EXTRA_TARGET_GATE = 0, EXTRA_DIALOGUE, EXTRA_SPEECH_PCT } ExtraPort;

/* What an output reads when its value is undefined: the port's minimum;
   and the maximum of the loudness and peak ports. */
#define UNDEFINED_DB (-120.0f)
#define MAX_DB 20.0f


typedef struct {
  /* control inputs */
  const float *reset;
  const float *follow_transport;
  const float *target;
  const float *tp_limit;
  /* control outputs */
  float *momentary;
  float *shortterm;
  float *integrated;
  float *range;
  float *momentary_max;
  float *shortterm_max;
  float *truepeak;
  float *samplepeak;
  float *plr;
  float *deviation;
  float *tp_over;
  const LV2_Atom_Sequence *control;
  const float *target_gate;
  float *dialogue;
  float *speech_pct;
  const float *in[8];
  float *out[8];

  unsigned channels;
  PsLoudness *meter;
  LV2_URID_Map *map; /* NULL: transport following unavailable */
  PsTransportUris uris;
  float last_reset;
  bool rolling;
  /* what the inline display shows, published by run() */
  struct {
    float momentary, shortterm, integrated, judged, truepeak, target, tp_limit;
  } shown;
  PsSeqlock shown_lock;
  PsInlineDisplay display;
} Loudness;

typedef struct {
  const char *uri;
  unsigned channels;
  PsLayout layout;
} Variant;

static const Variant variants[] = {
  {LOUDNESS_URI "#mono", 1, PS_LAYOUT_MONO},
  {LOUDNESS_URI "#stereo", 2, PS_LAYOUT_STEREO},
  {LOUDNESS_URI "#51", 6, PS_LAYOUT_51},
  {LOUDNESS_URI "#71", 8, PS_LAYOUT_71},
};

static const Variant *
find_variant(const char *uri)
{
  for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); ++i) {
    if (!strcmp(uri, variants[i].uri)) {
      return &variants[i];
    }
  }
  return NULL;
}

/* Instantiation thread: all allocation happens here. */
static LV2_Handle
instantiate(const LV2_Descriptor *descriptor, double rate, const char *bundle_path,
            const LV2_Feature *const *features)
{
  const Variant *variant = find_variant(descriptor->URI);
  if (!variant) {
    return NULL;
  }
  Loudness *self = (Loudness *)calloc(1, sizeof(Loudness));
  if (!self) {
    return NULL;
  }
  self->channels = variant->channels;

  const char *missing =
    lv2_features_query(features, LV2_URID__map, &self->map, false, NULL);
  (void)missing; /* nothing is required */
  ps_inline_init(&self->display, features, rate);

  PsChannelRole roles[PS_MAX_CHANNELS];
  float weights[PS_MAX_CHANNELS];
  ps_layout_roles(variant->layout, variant->channels, roles);
  for (unsigned c = 0; c < variant->channels; ++c) {
    weights[c] = ps_role_weight(roles[c]);
  }
  if (ps_loudness_init(&self->meter, rate, variant->channels, weights)) {
    free(self);
    return NULL;
  }
  if (self->map) {
    ps_transport_map(self->map, &self->uris);
  }
  return (LV2_Handle)self;
}

/* Audio thread (or any thread the host connects from; never concurrent with
   run()). */
static void
connect_port(LV2_Handle instance, uint32_t port, void *data)
{
  Loudness *self = (Loudness *)instance;
  switch ((PortIndex)port) {
  case PORT_RESET:
    self->reset = (const float *)data;
    break;
  case PORT_FOLLOW_TRANSPORT:
    self->follow_transport = (const float *)data;
    break;
  case PORT_TARGET:
    self->target = (const float *)data;
    break;
  case PORT_TP_LIMIT:
    self->tp_limit = (const float *)data;
    break;
  case PORT_MOMENTARY:
    self->momentary = (float *)data;
    break;
  case PORT_SHORTTERM:
    self->shortterm = (float *)data;
    break;
  case PORT_INTEGRATED:
    self->integrated = (float *)data;
    break;
  case PORT_RANGE:
    self->range = (float *)data;
    break;
  case PORT_MOMENTARY_MAX:
    self->momentary_max = (float *)data;
    break;
  case PORT_SHORTTERM_MAX:
    self->shortterm_max = (float *)data;
    break;
  case PORT_TRUEPEAK:
    self->truepeak = (float *)data;
    break;
  case PORT_SAMPLEPEAK:
    self->samplepeak = (float *)data;
    break;
  case PORT_PLR:
    self->plr = (float *)data;
    break;
  case PORT_DEVIATION:
    self->deviation = (float *)data;
    break;
  case PORT_TP_OVER:
    self->tp_over = (float *)data;
    break;
  case PORT_CONTROL:
    self->control = (const LV2_Atom_Sequence *)data;
    break;
  default:
    if (port >= PORT_AUDIO && port < PORT_AUDIO + self->channels) {
      self->in[port - PORT_AUDIO] = (const float *)data;
    } else if (port >= PORT_AUDIO + self->channels && port < PORT_AUDIO + 2 * self->channels) {
      self->out[port - PORT_AUDIO - self->channels] = (float *)data;
    } else if (port == PORT_AUDIO + 2 * self->channels + EXTRA_TARGET_GATE) {
      self->target_gate = (const float *)data;
    } else if (port == PORT_AUDIO + 2 * self->channels + EXTRA_DIALOGUE) {
      self->dialogue = (float *)data;
    } else if (port == PORT_AUDIO + 2 * self->channels + EXTRA_SPEECH_PCT) {
      self->speech_pct = (float *)data;
    }
    break;
  }
}

/* Instantiation thread: a fresh start, as after a reset. */
static void
activate(LV2_Handle instance)
{
  Loudness *self = (Loudness *)instance;
  ps_loudness_reset(self->meter);
  self->rolling = false;
  self->last_reset = 0.0f;
}

static void
measure(Loudness *self, uint32_t offset, uint32_t n)
{
  if (!n) {
    return;
  }
  const bool follow = self->follow_transport && *self->follow_transport > 0.5f;
  ps_loudness_set_integrating(self->meter, !follow || self->rolling);
  const float *planes[8];
  for (unsigned c = 0; c < self->channels; ++c) {
    planes[c] = self->in[c] + offset;
  }
  ps_loudness_process(self->meter, planes, n);
}

/* Readings go to ports whose ranges the host trusts: keep them inside.
   (The core measures up to +200 dBFS; a port stops at its maximum.) */
static float
in_range(double value, float lo, float hi)
{
  return value > (double)hi ? hi : value > (double)lo ? (float)value : lo;
}

static float
port_db(double value)
{
  return in_range(value, UNDEFINED_DB, MAX_DB);
}

static float
clamped(const float *port, float lo, float hi, float fallback)
{
  if (!port || !(*port == *port)) {
    return fallback;
  }
  return *port < lo ? lo : *port > hi ? hi : *port;
}

static void
write_outputs(Loudness *self)
{
  PsLoudnessReadings r;
  ps_loudness_readings(self->meter, &r);
  const float target = clamped(self->target, -40.0f, 0.0f, -23.0f);
  const float tp_limit = clamped(self->tp_limit, -10.0f, 0.0f, -1.0f);
  /* the loudness deviation is judged on: programme, or dialogue-gated with
     the delivery specs' fallback to programme under 15 % dialogue */
  const bool gate_dialogue = self->target_gate && *self->target_gate > 0.5f;
  const double judged =
    ps_delivery_loudness(gate_dialogue, r.integrated, r.dialogue, r.speech_share, NULL);
  const bool has_integrated = r.integrated > (double)UNDEFINED_DB;
  const bool has_judged = judged > (double)UNDEFINED_DB;
  const bool has_peak = r.truepeak > (double)UNDEFINED_DB;

  *self->momentary = port_db(r.momentary);
  *self->shortterm = port_db(r.shortterm);
  *self->integrated = port_db(r.integrated);
  *self->range = has_integrated ? in_range(r.range, 0.0f, 60.0f) : 0.0f;
  *self->momentary_max = port_db(r.momentary_max);
  *self->shortterm_max = port_db(r.shortterm_max);
  *self->truepeak = port_db(r.truepeak);
  *self->samplepeak = port_db(r.samplepeak);
  *self->plr =
    has_integrated && has_peak ? in_range(r.truepeak - r.integrated, UNDEFINED_DB, 140.0f)
                               : UNDEFINED_DB;
  *self->deviation =
    has_judged ? in_range(judged - (double)target, -120.0f, 120.0f) : UNDEFINED_DB;
  *self->dialogue = port_db(r.dialogue);
  *self->speech_pct = in_range(100.0 * r.speech_share, 0.0f, 100.0f);
  *self->tp_over = has_peak && r.truepeak > (double)tp_limit ? 1.0f : 0.0f;
  ps_seqlock_write_begin(&self->shown_lock);
  self->shown.momentary = *self->momentary;
  self->shown.shortterm = *self->shortterm;
  self->shown.integrated = *self->integrated;
  self->shown.judged = has_judged ? (float)judged : UNDEFINED_DB;
  self->shown.truepeak = *self->truepeak;
  self->shown.target = target;
  self->shown.tp_limit = tp_limit;
  ps_seqlock_write_end(&self->shown_lock);
}

/* Audio thread: no allocation, lock or I/O. */
static void
run(LV2_Handle instance, uint32_t n_samples)
{
  Loudness *self = (Loudness *)instance;

  const float reset = self->reset ? *self->reset : 0.0f;
  if (reset > 0.5f && !(self->last_reset > 0.5f)) {
    ps_loudness_reset(self->meter);
  }
  self->last_reset = reset;

  /* Split the block at transport changes (time:Position events). */
  uint32_t done = 0;
  if (self->control && self->map) {
    LV2_ATOM_SEQUENCE_FOREACH (self->control, ev) {
      const LV2_Atom_Object *obj = ps_transport_position(&self->uris, ev);
      if (!obj) {
        continue;
      }
      const uint32_t at = ps_transport_offset(ev, done, n_samples);
      measure(self, done, at - done);
      done = at;
      double speed = 0.0;
      if (ps_transport_speed(&self->uris, obj, &speed)) {
        self->rolling = speed != 0.0;
      }
    }
  }
  measure(self, done, n_samples - done);

  /* Pass the audio through bit for bit; nothing to do when in place. */
  for (unsigned c = 0; c < self->channels; ++c) {
    if (self->out[c] != self->in[c]) {
      memmove(self->out[c], self->in[c], n_samples * sizeof(float));
    }
  }
  write_outputs(self);
  ps_inline_tick(&self->display, n_samples);
}

static void
deactivate(LV2_Handle instance)
{
}

static void
cleanup(LV2_Handle instance)
{
  Loudness *self = (Loudness *)instance;
  ps_loudness_free(&self->meter);
  ps_inline_free(&self->display);
  free(self);
}

/* One bar: value from -60 to 0 (true peak to +3), its label and figure. */
static void
bar(cairo_t *cr, double w, double y, double h, const char *label, float value, double top,
    double r, double g, double b)
{
  const double lo = -60.0, x0 = 16.0, x1 = w - 4.0;
  cairo_set_source_rgba(cr, 0.9, 0.9, 0.9, 1.0);
  ps_inline_text(cr, 3.0, y + h - 2.0, h - 1.0, label);
  cairo_set_source_rgba(cr, 0.25, 0.25, 0.28, 1.0);
  cairo_rectangle(cr, x0, y, x1 - x0, h);
  cairo_fill(cr);
  if (value > UNDEFINED_DB) {
    const double x = (double)value, v = x < lo ? lo : (x > top ? top : x);
    cairo_set_source_rgba(cr, r, g, b, 1.0);
    cairo_rectangle(cr, x0, y, (x1 - x0) * (v - lo) / (top - lo), h);
    cairo_fill(cr);
    if (w >= 90.0) {
      char s[16];
      snprintf(s, sizeof(s), "%.1f", (double)value);
      cairo_set_source_rgba(cr, 1.0, 1.0, 1.0, 1.0);
      ps_inline_text(cr, x1 - 30.0, y + h - 2.0, h - 1.0, s);
    }
  }
}

/* GUI thread: M, S, I (the judged loudness) and true peak as bars, the
   target and the true-peak limit as marks; red where over. */
static PsInlineImage *
render(LV2_Handle instance, uint32_t width, uint32_t max_height)
{
  Loudness *self = (Loudness *)instance;
  __typeof__(self->shown) v;
  if (!ps_seqlock_read(&self->shown_lock, &v, &self->shown, sizeof(v))) {
    return NULL;
  }
  const uint32_t height = max_height < 4 * 12 + 5 ? max_height : 4 * 12 + 5;
  cairo_t *cr = ps_inline_begin(&self->display, width, height);
  if (!cr) {
    return NULL;
  }
  const double w = width, row = (height - 5.0) / 4.0;
  const bool loud = v.judged > UNDEFINED_DB && fabsf(v.judged - v.target) > 2.0f;
  const bool over = v.truepeak > UNDEFINED_DB && v.truepeak > v.tp_limit;
  bar(cr, w, 1.0, row - 1.0, "M", v.momentary, 0.0, 0.30, 0.60, 0.90);
  bar(cr, w, 1.0 + row, row - 1.0, "S", v.shortterm, 0.0, 0.30, 0.75, 0.55);
  bar(cr, w, 1.0 + 2 * row, row - 1.0, "I", v.judged, 0.0, loud ? 0.90 : 0.95,
      loud ? 0.30 : 0.80, 0.20);
  bar(cr, w, 1.0 + 3 * row, row - 1.0, "P", v.truepeak, 3.0, over ? 0.95 : 0.70,
      over ? 0.20 : 0.70, over ? 0.20 : 0.75);
  /* the target on the loudness bars, the limit on the peak bar */
  const double x0 = 16.0, x1 = w - 4.0;
  cairo_set_source_rgba(cr, 1.0, 1.0, 1.0, 0.9);
  cairo_set_line_width(cr, 1.5);
  const double xt = x0 + (x1 - x0) * ((double)v.target + 60.0) / 60.0;
  cairo_move_to(cr, xt, 0.0);
  cairo_line_to(cr, xt, 3 * row);
  const double xp = x0 + (x1 - x0) * ((double)v.tp_limit + 60.0) / 63.0;
  cairo_move_to(cr, xp, 3 * row + 1.0);
  cairo_line_to(cr, xp, 4 * row);
  cairo_stroke(cr);
  return ps_inline_end(&self->display, cr);
}

static const void *
extension_data(const char *uri)
{
  static const PsInlineInterface display = {render};
  if (!strcmp(uri, PS_INLINE_DISPLAY__interface)) {
    return &display;
  }
  return NULL;
}

#define DESCRIPTOR(uri)                                                                  \
  {                                                                                      \
    uri, instantiate, connect_port, activate, run, deactivate, cleanup, extension_data \
  }

static const LV2_Descriptor descriptors[] = {
  DESCRIPTOR(LOUDNESS_URI "#mono"),
  DESCRIPTOR(LOUDNESS_URI "#stereo"),
  DESCRIPTOR(LOUDNESS_URI "#51"),
  DESCRIPTOR(LOUDNESS_URI "#71"),
};

LV2_SYMBOL_EXPORT const LV2_Descriptor *
lv2_descriptor(uint32_t index)
{
  return index < sizeof(descriptors) / sizeof(descriptors[0]) ? &descriptors[index] : NULL;
}
