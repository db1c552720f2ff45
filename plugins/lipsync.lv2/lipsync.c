/* Postsync lip sync: LV2 glue around the core's streaming aligner
   (lipsync.h).  The take comes in on the main input, the guide (the
   production dialogue the picture was shot with) on the sidechain; the
   output is the take warped onto the guide's timing, late by the reported
   latency, which the host compensates so that it lands on the guide's
   timeline.

   Everything happens in run(), on whole 10 ms frames of absolute position,
   without allocation: the output is the same for any block size and at any
   rendering speed.  Nothing is learned that outlives a pass over the
   material, so there is no state beyond the ports. */
#include "lipsync.h"

#include <lv2/core/lv2.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

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
  PORT_IN,
  PORT_SC,
  PORT_OUT,
  PORT_COUNT
} PortIndex;

typedef struct {
  PsLipsync *engine;
  const float *max_shift, *flexibility, *protect, *enabled;
  float *latency, *offset_ms, *stretch, *confidence;
  const float *in, *sc;
  float *out;
} LipSync;

static float
port_value(const float *port, float fallback)
{
  return port && isfinite(*port) ? *port : fallback;
}

static void
cleanup(LV2_Handle instance)
{
  LipSync *self = (LipSync *)instance;
  ps_lipsync_free(&self->engine);
  free(self);
}

static LV2_Handle
instantiate(const LV2_Descriptor *descriptor, double rate, const char *bundle_path,
            const LV2_Feature *const *features)
{
  (void)descriptor;
  (void)bundle_path;
  (void)features;
  LipSync *self = (LipSync *)calloc(1, sizeof(LipSync));
  if (!self) {
    return NULL;
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
  ps_lipsync_reset(((LipSync *)instance)->engine);
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
  ps_lipsync_set_max_shift(e, port_value(self->max_shift, 1000.0f));
  ps_lipsync_set_flexibility(e, port_value(self->flexibility, 1.0f));
  ps_lipsync_set_protect(e, port_value(self->protect, 0.0f) > 0.5f);
  ps_lipsync_set_enabled(e, port_value(self->enabled, 1.0f) > 0.5f);
  if (self->out) {
    ps_lipsync_process(e, self->in, self->sc, self->out, n_samples);
  }
  PsLipsyncReadings r;
  ps_lipsync_readings(e, &r);
  set_output(self->latency, (double)ps_lipsync_latency(e));
  set_output(self->offset_ms, r.offset_ms);
  set_output(self->stretch, r.stretch);
  set_output(self->confidence, r.confidence);
}

static const void *
extension_data(const char *uri)
{
  (void)uri;
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
