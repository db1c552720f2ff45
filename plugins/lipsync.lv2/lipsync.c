/* Postsync lip sync: LV2 glue around the core's streaming aligner
   (lipsync.h).  The take comes in on the main input, the guide (the
   production dialogue the picture was shot with) on the sidechain; the
   output is the take warped onto the guide's timing, late by the reported
   latency, which the host compensates so that it lands on the guide's
   timeline.

   Everything happens in run(), on whole 10 ms frames of absolute position,
   without allocation: the output is the same for any block size and at any
   rendering speed.  Nothing is learned that outlives a pass over the
   material, so there is no state beyond the ports.

   When the host's transport starts rolling (a time:Position with a speed
   after one without, on the control input), the aligner starts afresh
   there: what it heard while the transport stood (silence, or whatever
   the inputs monitored) does not steer it, and a pass from a given point
   sounds the same every time: two exports of a session are identical.
   A jump while rolling (a loop) does not restart it: both inputs jump
   together, and the output already on its way is kept. */
#include "inline_display.h"
#include "port.h"
#include "lipsync.h"
#include "seqlock.h"
#include "transport.h"

#include <lv2/core/lv2.h>
#include <lv2/core/lv2_util.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIPSYNC_URI "urn:postsync:lipsync"

typedef enum {
  PORT_MAX_SHIFT = 0,
  PORT_FLEXIBILITY,
  PORT_PROTECT,
  PORT_ENABLED,
  PORT_LATENCY,
  PORT_OFFSET_MS,
  PORT_STRETCH,
  PORT_CONFIDENCE,
  PORT_CONTROL,
  PORT_IN,
  PORT_SC,
  PORT_OUT,
  PORT_COUNT
} PortIndex;

/* The inline display's history: the offset and confidence every 100 ms. */
#define HISTORY 128

typedef struct {
  float offset_ms[HISTORY], confidence[HISTORY];
  uint32_t next; /* where the next point goes; the oldest is there */
  uint32_t count;
  float max_shift;
} History;

typedef struct {
  PsLipsync *engine;
  double rate;
  uint32_t since_point;
  History history;
  History shown; /* published for render() */
  PsSeqlock shown_lock;
  PsInlineDisplay display;
  const float *max_shift, *flexibility, *protect, *enabled;
  float *latency, *offset_ms, *stretch, *confidence;
  const float *in, *sc;
  float *out;
  const LV2_Atom_Sequence *control;
  LV2_URID_Map *map; /* optional: without it, the transport is not followed */
  PsTransportUris uris;
  bool rolling;
} LipSync;

static void
cleanup(LV2_Handle instance)
{
  LipSync *self = (LipSync *)instance;
  ps_lipsync_free(&self->engine);
  ps_inline_free(&self->display);
  free(self);
}

static LV2_Handle
instantiate(const LV2_Descriptor *descriptor, double rate, const char *bundle_path,
            const LV2_Feature *const *features)
{
  (void)descriptor;
  (void)bundle_path;
  LipSync *self = (LipSync *)calloc(1, sizeof(LipSync));
  if (!self) {
    return NULL;
  }
  self->rate = rate;
  ps_inline_init(&self->display, features, rate);
  lv2_features_query(features, LV2_URID__map, &self->map, false, NULL);
  if (self->map) {
    ps_transport_map(self->map, &self->uris);
  }
  if (ps_lipsync_init(&self->engine, rate)) {
    cleanup(self);
    return NULL;
  }
  return (LV2_Handle)self;
}

static void
connect_port(LV2_Handle instance, uint32_t port, void *data)
{
  LipSync *self = (LipSync *)instance;
  switch ((PortIndex)port) {
  case PORT_MAX_SHIFT:
    self->max_shift = (const float *)data;
    break;
  case PORT_FLEXIBILITY:
    self->flexibility = (const float *)data;
    break;
  case PORT_PROTECT:
    self->protect = (const float *)data;
    break;
  case PORT_ENABLED:
    self->enabled = (const float *)data;
    break;
  case PORT_LATENCY:
    self->latency = (float *)data;
    break;
  case PORT_OFFSET_MS:
    self->offset_ms = (float *)data;
    break;
  case PORT_STRETCH:
    self->stretch = (float *)data;
    break;
  case PORT_CONFIDENCE:
    self->confidence = (float *)data;
    break;
  case PORT_CONTROL:
    self->control = (const LV2_Atom_Sequence *)data;
    break;
  case PORT_IN:
    self->in = (const float *)data;
    break;
  case PORT_SC:
    self->sc = (const float *)data;
    break;
  case PORT_OUT:
    self->out = (float *)data;
    break;
  case PORT_COUNT:
    break;
  }
}

static void
activate(LV2_Handle instance)
{
  LipSync *self = (LipSync *)instance;
  ps_lipsync_reset(self->engine);
  self->rolling = false;
}

/* Frames [from, from + n) of the block through the aligner. */
static void
process(LipSync *self, uint32_t from, uint32_t n)
{
  if (n) {
    ps_lipsync_process(self->engine, self->in ? self->in + from : NULL,
                       self->sc ? self->sc + from : NULL, self->out + from, n);
  }
}

static void
set_output(float *port, double value)
{
  if (port) {
    *port = (float)value;
  }
}

static void
run(LV2_Handle instance, uint32_t n_samples)
{
  LipSync *self = (LipSync *)instance;
  PsLipsync *e = self->engine;
  ps_lipsync_set_max_shift(e, ps_port_value(self->max_shift, 1000.0f));
  ps_lipsync_set_flexibility(e, ps_port_value(self->flexibility, 1.0f));
  ps_lipsync_set_protect(e, ps_port_value(self->protect, 0.0f) > 0.5f);
  ps_lipsync_set_enabled(e, ps_port_value(self->enabled, 1.0f) > 0.5f);
  if (self->out) {
    /* split at the transport's changes; afresh where it starts rolling */
    uint32_t done = 0;
    if (self->control && self->map) {
      LV2_ATOM_SEQUENCE_FOREACH (self->control, ev) {
        const LV2_Atom_Object *obj = ps_transport_position(&self->uris, ev);
        double speed = 0.0;
        if (!obj || !ps_transport_speed(&self->uris, obj, &speed)) {
          continue;
        }
        const uint32_t at = ps_transport_offset(ev, done, n_samples);
        process(self, done, at - done);
        done = at;
        if (speed != 0.0 && !self->rolling) {
          ps_lipsync_reset(e);
        }
        self->rolling = speed != 0.0;
      }
    }
    process(self, done, n_samples - done);
  }
  PsLipsyncReadings r;
  ps_lipsync_readings(e, &r);
  set_output(self->latency, (double)ps_lipsync_latency(e));
  set_output(self->offset_ms, r.offset_ms);
  set_output(self->stretch, r.stretch);
  set_output(self->confidence, r.confidence);
  /* a point of the display's history every 100 ms */
  self->since_point += n_samples;
  if (self->since_point >= (uint32_t)(0.1 * self->rate)) {
    self->since_point = 0;
    History *h = &self->history;
    h->offset_ms[h->next] = (float)r.offset_ms;
    h->confidence[h->next] = (float)r.confidence;
    h->next = (h->next + 1) % HISTORY;
    h->count = h->count < HISTORY ? h->count + 1 : HISTORY;
    h->max_shift = ps_port_value(self->max_shift, 1000.0f);
    ps_seqlock_write_begin(&self->shown_lock);
    self->shown = *h;
    ps_seqlock_write_end(&self->shown_lock);
  }
  ps_inline_tick(&self->display, n_samples);
}

/* GUI thread: the take's offset against the guide over the last 12.8 s
   (blue; 0 dashed, the max shift at the edges), its confidence under it
   (green, 0..1), the current offset in ms. */
static PsInlineImage *
render(LV2_Handle instance, uint32_t width, uint32_t max_height)
{
  LipSync *self = (LipSync *)instance;
  History h;
  if (!ps_seqlock_read(&self->shown_lock, &h, &self->shown, sizeof(h))) {
    return NULL;
  }
  const uint32_t height = ps_inline_height(width, max_height);
  cairo_t *cr = ps_inline_begin(&self->display, width, height);
  if (!cr) {
    return NULL;
  }
  const double w = width, ht = height, range = h.max_shift > 100.0f ? (double)h.max_shift : 1000.0;
  cairo_set_source_rgba(cr, 0.5, 0.5, 0.55, 1.0);
  const double dashes[] = {3.0, 3.0};
  cairo_set_dash(cr, dashes, 2, 0.0);
  ps_inline_hline(cr, w, ht, 0.0, -range, range);
  cairo_set_dash(cr, NULL, 0, 0.0);
  for (int pass = 0; pass < 2; ++pass) {
    cairo_set_source_rgba(cr, pass ? 0.35 : 0.35, pass ? 0.80 : 0.65, pass ? 0.45 : 0.95, 1.0);
    cairo_set_line_width(cr, pass ? 1.0 : 1.5);
    for (uint32_t k = 0; k < h.count; ++k) {
      const uint32_t at = (h.next + HISTORY - h.count + k) % HISTORY;
      const double x = w - 1.0 - (double)(h.count - 1 - k) * (w - 2.0) / (HISTORY - 1);
      const double v = pass ? (double)h.confidence[at] : (double)h.offset_ms[at];
      const double y = pass ? ht - 1.0 - v * ht * 0.25
                            : ht * 0.5 - 0.5 * ht * (v < -range ? -1.0 : v > range ? 1.0 : v / range);
      if (k) {
        cairo_line_to(cr, x, y);
      } else {
        cairo_move_to(cr, x, y);
      }
    }
    cairo_stroke(cr);
  }
  if (h.count && w >= 60.0) {
    char s[24];
    snprintf(s, sizeof(s), "%+.0f ms", (double)h.offset_ms[(h.next + HISTORY - 1) % HISTORY]);
    cairo_set_source_rgba(cr, 0.95, 0.95, 0.95, 1.0);
    ps_inline_text(cr, 3.0, 11.0, 10.0, s);
  }
  ps_inline_frame(cr, w, ht);
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

static const LV2_Descriptor descriptor = {
  LIPSYNC_URI, instantiate, connect_port, activate, run, NULL, cleanup, extension_data,
};

LV2_SYMBOL_EXPORT const LV2_Descriptor *
lv2_descriptor(uint32_t index)
{
  return index == 0 ? &descriptor : NULL;
}
