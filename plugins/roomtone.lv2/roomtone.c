/* Postsync room tone: LV2 glue around the core's room_profile (learning
   from the sidechain) and room_fill (generating under the main input).

   Two variants (mono, stereo) share the binary.  The dialogue track comes
   in on the main inputs, the production audio to learn from on the
   sidechain inputs.

   Threads.  run() and work_response() run on the audio thread: run()
   learns and generates; every second of learning (and when learning
   stops, or on clear) it copies the learner's statistics and asks the
   worker for a profile.  work() turns the copy into a profile and prepares
   the generator's next shape; work_response() makes it current (its tones
   crossfaded in).  Without a worker the same happens inline in run(), at
   most once a second.  restore() (instantiation class) prepares and
   commits at once, so a reopened session generates the saved tone from its
   first sample.

   The tone is a function of the seed and of the absolute position: the
   host's transport position (time:Position, time:frame) when it sends
   one, else the samples run since activation. */
#include "ps_status.h"
#include "room_fill.h"
#include "room_profile.h"
#include "inline_display.h"
#include "port.h"
#include "seqlock.h"
#include "transport.h"

#include <lv2/atom/atom.h>
#include <lv2/atom/util.h>
#include <lv2/core/lv2.h>
#include <lv2/core/lv2_util.h>
#include <lv2/state/state.h>
#include <lv2/time/time.h>
#include <lv2/urid/urid.h>
#include <lv2/worker/worker.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROOMTONE_URI "urn:postsync:roomtone"
#define PROFILE_URI ROOMTONE_URI "#profile"

typedef enum {
  PORT_LEARN = 0,
  PORT_CLEAR,
  PORT_MODE,
  PORT_LEVEL,
  PORT_SEED,
  PORT_FLOOR_DB,
  PORT_LEARNED_SECONDS,
  PORT_TONES,
  PORT_CONTROL,
  PORT_AUDIO /* main inputs, then sidechain inputs, then outputs */
} PortIndex;

#define MAX_CHANNELS 2
/* While learning, a new profile at most this often (seconds of audio). */
#define PROFILE_EVERY 1.0


typedef struct {
  LV2_URID atom_Chunk;
  LV2_URID profile;
  PsTransportUris transport;
} Uris;

typedef struct {
  uint32_t generation;
} Request;

typedef struct {
  const float *learn;
  const float *clear;
  const float *mode;
  const float *level;
  const float *seed;
  float *floor_db;
  float *learned_seconds;
  float *tones;
  const LV2_Atom_Sequence *control;
  const float *in[MAX_CHANNELS];
  const float *sidechain[MAX_CHANNELS];
  float *out[MAX_CHANNELS];

  unsigned channels;
  double rate;
  Uris uris;
  LV2_URID_Map *map;
  LV2_Worker_Schedule *schedule; /* NULL: profiles are made inline */

  PsRoomLearn *learner;
  PsRoomFill *fill;
  /* job: the audio thread leaves them alone while a job is out */
  PsRoomStats *snapshot;
  PsRoomProfile job_profile;
  bool job_out;
  uint32_t generation;
  bool dirty;
  double since_profile;

  PsRoomProfile profile; /* in effect */
  float profile_db;      /* its level, for floor_db */
  /* what save() stores, published under a sequence lock (odd: writing) */
  PsRoomProfile published;
  PsSeqlock published_lock;
  PsInlineDisplay display;
  PsRoomProfile drawn; /* render()'s copy */

  int64_t position;
  bool was_learning;
  float last_clear;
  float sc_zero[256];
} RoomTone;

typedef struct {
  const char *uri;
  unsigned channels;
} Variant;

static const Variant variants[] = {
  {ROOMTONE_URI "#mono", 1},
  {ROOMTONE_URI "#stereo", 2},
};

static void
cleanup(LV2_Handle instance)
{
  RoomTone *self = (RoomTone *)instance;
  ps_room_learn_free(&self->learner);
  ps_room_fill_free(&self->fill);
  ps_room_stats_free(&self->snapshot);
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
  RoomTone *self = (RoomTone *)calloc(1, sizeof(RoomTone));
  if (!self) {
    return NULL;
  }
  self->channels = variant->channels;
  self->rate = rate;
  ps_inline_init(&self->display, features, rate);
  lv2_features_query(features, LV2_URID__map, &self->map, false, LV2_WORKER__schedule,
                     &self->schedule, false, NULL);
  if (self->map) {
    LV2_URID_Map *m = self->map;
    self->uris.atom_Chunk = m->map(m->handle, LV2_ATOM__Chunk);
    ps_transport_map(m, &self->uris.transport);
    self->uris.profile = m->map(m->handle, PROFILE_URI);
  }
  int st = ps_room_learn_init(&self->learner, rate, self->channels);
  if (!st) {
    st = ps_room_fill_init(&self->fill, rate, self->channels);
  }
  if (!st) {
    st = ps_room_stats_init(&self->snapshot, rate, self->channels);
  }
  if (st) {
    cleanup((LV2_Handle)self);
    return NULL;
  }
  self->profile.channels = self->channels;
  self->profile_db = -120.0f;
  self->published = self->profile;
  return (LV2_Handle)self;
}

static void
connect_port(LV2_Handle instance, uint32_t port, void *data)
{
  RoomTone *self = (RoomTone *)instance;
  switch ((PortIndex)port) {
  case PORT_LEARN:
    self->learn = (const float *)data;
    return;
  case PORT_CLEAR:
    self->clear = (const float *)data;
    return;
  case PORT_MODE:
    self->mode = (const float *)data;
    return;
  case PORT_LEVEL:
    self->level = (const float *)data;
    return;
  case PORT_SEED:
    self->seed = (const float *)data;
    return;
  case PORT_FLOOR_DB:
    self->floor_db = (float *)data;
    return;
  case PORT_LEARNED_SECONDS:
    self->learned_seconds = (float *)data;
    return;
  case PORT_TONES:
    self->tones = (float *)data;
    return;
  case PORT_CONTROL:
    self->control = (const LV2_Atom_Sequence *)data;
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

/* The profile in effect, copied for save().  Audio thread (or restore). */
static void
publish(RoomTone *self)
{
  ps_seqlock_write_begin(&self->published_lock);
  self->published = self->profile;
  ps_seqlock_write_end(&self->published_lock);
}

/* Worker thread (or inline): the profile of the snapshot, and the
   generator's next shape. */
static void
make_profile(RoomTone *self)
{
  ps_room_stats_profile(self->snapshot, &self->job_profile);
  ps_room_fill_prepare(self->fill, &self->job_profile);
}

/* Audio thread: puts the prepared profile in effect. */
static void
take_profile(RoomTone *self)
{
  ps_room_fill_commit(self->fill);
  self->profile = self->job_profile;
  const double db = ps_room_profile_db(&self->profile);
  self->profile_db = db > -120.0 ? (db < 0.0 ? (float)db : 0.0f) : -120.0f;
  publish(self);
}

static void
request_profile(RoomTone *self)
{
  if (self->job_out) {
    return; /* asked again when the answer comes */
  }
  ps_room_stats_copy(self->snapshot, ps_room_learn_stats(self->learner));
  self->dirty = false;
  self->since_profile = 0.0;
  ++self->generation;
  if (self->schedule) {
    const Request req = {self->generation};
    self->job_out = true;
    if (self->schedule->schedule_work(self->schedule->handle, sizeof(req), &req) !=
        LV2_WORKER_SUCCESS) {
      self->job_out = false;
      self->dirty = true;
    }
    return;
  }
  make_profile(self);
  take_profile(self);
}

static LV2_Worker_Status
work(LV2_Handle instance, LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle,
     uint32_t size, const void *data)
{
  RoomTone *self = (RoomTone *)instance;
  Request req;
  if (size != sizeof(req)) {
    return LV2_WORKER_ERR_UNKNOWN;
  }
  memcpy(&req, data, sizeof(req));
  make_profile(self);
  return respond(handle, sizeof(req), &req);
}

static LV2_Worker_Status
work_response(LV2_Handle instance, uint32_t size, const void *body)
{
  RoomTone *self = (RoomTone *)instance;
  Request r;
  if (size != sizeof(r)) {
    return LV2_WORKER_ERR_UNKNOWN;
  }
  memcpy(&r, body, sizeof(r));
  self->job_out = false;
  if (r.generation == self->generation) {
    take_profile(self);
  } else {
    self->dirty = true; /* a restore came in between: its profile next */
  }
  return LV2_WORKER_SUCCESS;
}

static void
activate(LV2_Handle instance)
{
  RoomTone *self = (RoomTone *)instance;
  ps_room_fill_reset(self->fill);
  ps_room_learn_restart(self->learner);
  self->position = 0;
}

/* Learns from the sidechain and generates over [from, from + n). */
static void
process(RoomTone *self, uint32_t from, uint32_t n, bool learn, PsRoomMode mode, double level_db,
        uint64_t seed)
{
  if (!n) {
    return;
  }
  if (learn) {
    const float *sc[MAX_CHANNELS];
    for (uint32_t done = 0; done < n;) {
      const uint32_t m = n - done < 256 ? n - done : 256;
      for (unsigned c = 0; c < self->channels; ++c) {
        sc[c] = self->sidechain[c] ? self->sidechain[c] + from + done : self->sc_zero;
      }
      ps_room_learn_process(self->learner, sc, m);
      done += m;
    }
  }
  const float *in[MAX_CHANNELS];
  float *out[MAX_CHANNELS];
  for (unsigned c = 0; c < self->channels; ++c) {
    in[c] = self->in[c] + from;
    out[c] = self->out[c] + from;
  }
  ps_room_fill_process(self->fill, in, out, n, self->position, mode, level_db, seed);
  self->position += n;
}

/* The transport's frame, when the time:Position has one and the
   transport moves. */
static bool
read_frame(const RoomTone *self, const LV2_Atom_Object *obj, int64_t *frame)
{
  double speed = 1.0;
  if (ps_transport_speed(&self->uris.transport, obj, &speed) && speed == 0.0) {
    return false; /* the position does not move; keep counting */
  }
  int64_t v = 0;
  if (!ps_transport_frame(&self->uris.transport, obj, &v)) {
    return false;
  }
  /* within 2^52 samples (3000 years at 48 kHz): the tones' phase stays
     exact and no sum overflows */
  const int64_t limit = (int64_t)1 << 52;
  *frame = v > limit ? limit : v < -limit ? -limit : v;
  return true;
}

/* Audio thread: no allocation, lock or I/O. */
static void
run(LV2_Handle instance, uint32_t n_samples)
{
  RoomTone *self = (RoomTone *)instance;
  const float clear = ps_port_value(self->clear, 0.0f);
  if (clear > 0.5f && !(self->last_clear > 0.5f)) {
    ps_room_learn_clear(self->learner);
    self->dirty = true;
  }
  self->last_clear = clear;
  const bool learn = ps_port_value(self->learn, 0.0f) > 0.5f;
  if (learn && !self->was_learning) {
    ps_room_learn_restart(self->learner);
  }
  if (!learn && self->was_learning) {
    self->dirty = true; /* all of what was learned, at once */
  }
  self->was_learning = learn;
  const int mode_value = (int)lroundf(ps_port_value(self->mode, 0.0f));
  const PsRoomMode mode = (PsRoomMode)(mode_value < 0 ? 0 : mode_value > 3 ? 3 : mode_value);
  float level = ps_port_value(self->level, 0.0f);
  level = level < -24.0f ? -24.0f : level > 12.0f ? 12.0f : level;
  float seed_value = ps_port_value(self->seed, 1.0f);
  seed_value = seed_value < 0.0f ? 0.0f : seed_value > 65535.0f ? 65535.0f : seed_value;
  const uint64_t seed = (uint64_t)lroundf(seed_value);

  uint32_t done = 0;
  if (self->control && self->map) {
    LV2_ATOM_SEQUENCE_FOREACH (self->control, ev) {
      const LV2_Atom_Object *obj = ps_transport_position(&self->uris.transport, ev);
      if (!obj) {
        continue;
      }
      const uint32_t at = ps_transport_offset(ev, done, n_samples);
      process(self, done, at - done, learn, mode, level, seed);
      done = at;
      int64_t frame;
      if (read_frame(self, obj, &frame)) {
        self->position = frame;
      }
    }
  }
  process(self, done, n_samples - done, learn, mode, level, seed);

  self->since_profile += (double)n_samples / self->rate;
  if (learn && self->since_profile >= PROFILE_EVERY) {
    self->dirty = true;
  }
  if (self->dirty && (self->schedule || self->since_profile >= PROFILE_EVERY || !learn)) {
    request_profile(self);
  }

  if (self->floor_db) {
    *self->floor_db = self->profile_db;
  }
  if (self->learned_seconds) {
    *self->learned_seconds = (float)ps_room_learn_seconds(self->learner);
  }
  if (self->tones) {
    *self->tones = (float)self->profile.n_tones;
  }
  ps_inline_tick(&self->display, n_samples);
}

/* GUI thread: the learned room tone's floor spectrum (dB per Hz, 60 dB
   shown under its highest band), its tones as ticks, its level. */
static PsInlineImage *
render(LV2_Handle instance, uint32_t width, uint32_t max_height)
{
  RoomTone *self = (RoomTone *)instance;
  PsRoomProfile *p = &self->drawn;
  if (!ps_seqlock_read(&self->published_lock, p, &self->published, sizeof(*p))) {
    return NULL;
  }
  const uint32_t height = ps_inline_height(width, max_height);
  cairo_t *cr = ps_inline_begin(&self->display, width, height);
  if (!cr) {
    return NULL;
  }
  double hz[PS_LTAS_BANDS], db[PS_LTAS_BANDS], top = -300.0;
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    hz[b] = ps_ltas_band_hz(b);
    db[b] = p->density[0][b] > 0.0 ? 10.0 * log10(p->density[0][b]) : -400.0;
    top = db[b] > top ? db[b] : top;
  }
  const double w = width, ht = height;
  char s[32];
  if (top > -300.0) {
    const double hi = 10.0 * ceil(top / 10.0) + 5.0, lo = hi - 60.0;
    cairo_set_source_rgba(cr, 0.40, 0.80, 0.75, 1.0);
    ps_inline_spectrum(cr, w, ht, hz, db, PS_LTAS_BANDS, lo, hi);
    cairo_set_source_rgba(cr, 0.95, 0.45, 0.35, 1.0);
    cairo_set_line_width(cr, 1.0);
    for (unsigned k = 0; k < p->n_tones; ++k) {
      const double x = w * (log10(p->tones[k].hz) - log10(20.0)) / 3.0;
      cairo_move_to(cr, floor(x) + 0.5, ht);
      cairo_line_to(cr, floor(x) + 0.5, ht * 0.6);
    }
    cairo_stroke(cr);
    snprintf(s, sizeof(s), "%.0f dBFS", ps_room_profile_db(p));
  } else {
    snprintf(s, sizeof(s), "nothing learned");
  }
  if (w >= 60.0) {
    cairo_set_source_rgba(cr, 0.85, 0.85, 0.85, 1.0);
    ps_inline_text(cr, 3.0, 11.0, 10.0, s);
  }
  ps_inline_frame(cr, w, ht);
  return ps_inline_end(&self->display, cr);
}

/* State -------------------------------------------------------------------*/

/* Instantiation class; may run while the audio thread runs: copies the
   profile run() published, retrying while it is written. */
static LV2_State_Status
save(LV2_Handle instance, LV2_State_Store_Function store, LV2_State_Handle handle,
     uint32_t flags, const LV2_Feature *const *features)
{
  RoomTone *self = (RoomTone *)instance;
  if (!self->uris.profile) {
    return LV2_STATE_ERR_NO_FEATURE;
  }
  unsigned char *blob = (unsigned char *)calloc(1, PS_ROOM_PROFILE_FILE_BYTES);
  PsRoomProfile *copy = (PsRoomProfile *)malloc(sizeof(PsRoomProfile));
  LV2_State_Status st = LV2_STATE_ERR_UNKNOWN;
  if (blob && copy &&
      ps_seqlock_read(&self->published_lock, copy, &self->published, sizeof(*copy))) {
    ps_room_profile_write(copy, blob);
    st = store(handle, self->uris.profile, blob, PS_ROOM_PROFILE_FILE_BYTES,
               self->uris.atom_Chunk, LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE);
  }
  free(blob);
  free(copy);
  return st;
}

/* Instantiation class: never at the same time as run(). */
static LV2_State_Status
restore(LV2_Handle instance, LV2_State_Retrieve_Function retrieve, LV2_State_Handle handle,
        uint32_t flags, const LV2_Feature *const *features)
{
  RoomTone *self = (RoomTone *)instance;
  if (!self->uris.profile) {
    return LV2_STATE_ERR_NO_FEATURE;
  }
  size_t size = 0;
  uint32_t type = 0, vflags = 0;
  const unsigned char *blob =
    (const unsigned char *)retrieve(handle, self->uris.profile, &size, &type, &vflags);
  if (!blob) {
    return LV2_STATE_SUCCESS;
  }
  if (type != self->uris.atom_Chunk) {
    return LV2_STATE_ERR_BAD_TYPE;
  }
  PsRoomProfile *p = (PsRoomProfile *)malloc(sizeof(PsRoomProfile));
  if (!p) {
    return LV2_STATE_ERR_UNKNOWN;
  }
  if (ps_room_profile_read(p, blob, size)) {
    free(p);
    return LV2_STATE_ERR_BAD_TYPE;
  }
  if (p->channels != self->channels) { /* a mono profile in stereo, or back */
    const unsigned from = p->channels;
    p->channels = self->channels;
    for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
      if (from == 1) {
        p->density[1][b] = p->density[0][b];
        p->coherence[b] = 1.0;
      } else {
        p->density[0][b] = 0.5 * (p->density[0][b] + p->density[1][b]);
      }
    }
    for (unsigned t = 0; t < p->n_tones; ++t) {
      p->tones[t].power[1] = from == 1 ? p->tones[t].power[0] : p->tones[t].power[1];
    }
  }
  ps_room_learn_set_profile(self->learner, p);
  ++self->generation; /* an answer still out is stale */
  self->since_profile = 0.0;
  if (self->job_out) {
    /* the worker holds the generator's next shape: the restored profile
       goes in with the next job; the outputs and save() have it now */
    self->dirty = true;
    self->profile = *p;
    const double db = ps_room_profile_db(p);
    self->profile_db = db > -120.0 ? (db < 0.0 ? (float)db : 0.0f) : -120.0f;
    publish(self);
  } else {
    self->job_profile = *p;
    ps_room_fill_prepare(self->fill, p);
    take_profile(self);
    self->dirty = false;
  }
  free(p);
  return LV2_STATE_SUCCESS;
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
  DESCRIPTOR(ROOMTONE_URI "#mono"),
  DESCRIPTOR(ROOMTONE_URI "#stereo"),
};

LV2_SYMBOL_EXPORT const LV2_Descriptor *
lv2_descriptor(uint32_t index)
{
  return index < sizeof(descriptors) / sizeof(descriptors[0]) ? &descriptors[index] : NULL;
}
