/* A test plugin for the host's worker, state and latency compensation:
   every run() schedules a numbered request, work() answers it (allocating,
   which the worker context may), work_response() counts the answers in
   order.  The count is saved as state and reported back after a restore.
   The audio is delayed by a fixed, reported latency; the sidechain input is
   only measured (its peak), to check the host's routing. */
#include <lv2/atom/atom.h>
#include <lv2/core/lv2.h>
#include <lv2/core/lv2_util.h>
#include <lv2/state/state.h>
#include <lv2/urid/urid.h>
#include <lv2/worker/worker.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ECHO_URI "urn:postsync:test#worker"
#define DELAY 37 /* frames; odd on purpose */

typedef enum {
  PORT_IN = 0,
  PORT_OUT,
  PORT_RESPONSES,
  PORT_RESTORED,
  PORT_LATENCY,
  PORT_SIDECHAIN,
  PORT_SIDECHAIN_PEAK
} PortIndex;

typedef struct {
  const float *in;
  float *out;
  float *responses_port;
  float *restored_port;
  float *latency_port;
  const float *sidechain;
  float *sidechain_peak_port;
  float sidechain_peak;
  float line[DELAY];
  uint32_t line_pos;
  LV2_Worker_Schedule *schedule;
  LV2_URID count_key;
  LV2_URID atom_Int;
  uint32_t requests;
  uint32_t responses;
  int32_t restored; /* -1 until a state is restored */
  bool out_of_order;
} Echo;

static LV2_Handle
instantiate(const LV2_Descriptor *descriptor, double rate, const char *bundle_path,
            const LV2_Feature *const *features)
{
  LV2_URID_Map *map = NULL;
  LV2_Worker_Schedule *schedule = NULL;
  if (lv2_features_query(features, LV2_URID__map, &map, true, LV2_WORKER__schedule, &schedule,
                         true, NULL)) {
    return NULL;
  }
  Echo *self = (Echo *)calloc(1, sizeof(Echo));
  if (!self) {
    return NULL;
  }
  self->schedule = schedule;
  self->count_key = map->map(map->handle, ECHO_URI "#count");
  self->atom_Int = map->map(map->handle, LV2_ATOM__Int);
  self->restored = -1;
  return (LV2_Handle)self;
}

static void
connect_port(LV2_Handle instance, uint32_t port, void *data)
{
  Echo *self = (Echo *)instance;
  switch ((PortIndex)port) {
  case PORT_IN:
    self->in = (const float *)data;
    break;
  case PORT_OUT:
    self->out = (float *)data;
    break;
  case PORT_RESPONSES:
    self->responses_port = (float *)data;
    break;
  case PORT_RESTORED:
    self->restored_port = (float *)data;
    break;
  case PORT_LATENCY:
    self->latency_port = (float *)data;
    break;
  case PORT_SIDECHAIN:
    self->sidechain = (const float *)data;
    break;
  case PORT_SIDECHAIN_PEAK:
    self->sidechain_peak_port = (float *)data;
    break;
  }
}

/* Audio thread. */
static void
run(LV2_Handle instance, uint32_t n_samples)
{
  Echo *self = (Echo *)instance;
  /* read each input before writing the output: works in place */
  for (uint32_t i = 0; i < n_samples; ++i) {
    const float x = self->in[i];
    self->out[i] = self->line[self->line_pos];
    self->line[self->line_pos] = x;
    self->line_pos = (self->line_pos + 1) % DELAY;
  }
  for (uint32_t i = 0; i < n_samples; ++i) {
    const float a = self->sidechain[i] < 0.0f ? -self->sidechain[i] : self->sidechain[i];
    self->sidechain_peak = a > self->sidechain_peak ? a : self->sidechain_peak;
  }
  const uint32_t number = self->requests;
  if (self->schedule->schedule_work(self->schedule->handle, sizeof(number), &number) ==
      LV2_WORKER_SUCCESS) {
    ++self->requests;
  }
  /* out of order shows as -1, below the port's minimum */
  *self->responses_port = self->out_of_order ? -1.0f : (float)self->responses;
  *self->restored_port = (float)self->restored;
  *self->latency_port = (float)DELAY;
  *self->sidechain_peak_port = self->sidechain_peak;
}

/* Worker thread: may allocate. */
static LV2_Worker_Status
work(LV2_Handle instance, LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle,
     uint32_t size, const void *data)
{
  if (size != sizeof(uint32_t)) {
    return LV2_WORKER_ERR_UNKNOWN;
  }
  uint32_t *volatile scratch = (uint32_t *)malloc(64 * sizeof(uint32_t));
  if (!scratch) {
    return LV2_WORKER_ERR_UNKNOWN;
  }
  memcpy(scratch, data, sizeof(uint32_t));
  const uint32_t answer = scratch[0] + 1;
  free(scratch);
  return respond(handle, sizeof(answer), &answer);
}

/* Audio thread, after run(). */
static LV2_Worker_Status
work_response(LV2_Handle instance, uint32_t size, const void *body)
{
  Echo *self = (Echo *)instance;
  uint32_t answer = 0;
  if (size == sizeof(answer)) {
    memcpy(&answer, body, sizeof(answer));
  }
  if (answer != self->responses + 1) {
    self->out_of_order = true;
  }
  ++self->responses;
  return LV2_WORKER_SUCCESS;
}

static LV2_State_Status
save(LV2_Handle instance, LV2_State_Store_Function store, LV2_State_Handle handle,
     uint32_t flags, const LV2_Feature *const *features)
{
  Echo *self = (Echo *)instance;
  const int32_t count = (int32_t)self->responses;
  return store(handle, self->count_key, &count, sizeof(count), self->atom_Int,
               LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE);
}

static LV2_State_Status
restore(LV2_Handle instance, LV2_State_Retrieve_Function retrieve, LV2_State_Handle handle,
        uint32_t flags, const LV2_Feature *const *features)
{
  Echo *self = (Echo *)instance;
  size_t size = 0;
  uint32_t type = 0;
  uint32_t vflags = 0;
  const void *value = retrieve(handle, self->count_key, &size, &type, &vflags);
  if (!value || size != sizeof(int32_t) || type != self->atom_Int) {
    return LV2_STATE_ERR_BAD_TYPE;
  }
  memcpy(&self->restored, value, sizeof(int32_t));
  return LV2_STATE_SUCCESS;
}

static void
cleanup(LV2_Handle instance)
{
  free(instance);
}

static const void *
extension_data(const char *uri)
{
  static const LV2_Worker_Interface worker = {work, work_response, NULL};
  static const LV2_State_Interface state = {save, restore};
  if (!strcmp(uri, LV2_WORKER__interface)) {
    return &worker;
  }
  if (!strcmp(uri, LV2_STATE__interface)) {
    return &state;
  }
  return NULL;
}

static const LV2_Descriptor descriptor = {
  ECHO_URI, instantiate, connect_port, NULL, run, NULL, cleanup, extension_data,
};

LV2_SYMBOL_EXPORT const LV2_Descriptor *
lv2_descriptor(uint32_t index)
{
  return index == 0 ? &descriptor : NULL;
}
