/* The host's transport, as time:Position objects on a plugin's atom
   control input: the URIDs they need and readers for one object, for the
   plugins that follow the transport (the meter integrates while it rolls,
   room tone follows the timeline, lip sync starts afresh when it starts).
   Everything here is real-time safe. */
#ifndef PS_TRANSPORT_H
#define PS_TRANSPORT_H

#include <lv2/atom/atom.h>
#include <lv2/atom/util.h>
#include <lv2/time/time.h>
#include <lv2/urid/urid.h>

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  LV2_URID atom_Object, atom_Blank, atom_Float, atom_Double, atom_Int, atom_Long;
  LV2_URID time_Position, time_frame, time_speed;
} PsTransportUris;

/* Instantiation thread. */
static inline void
ps_transport_map(LV2_URID_Map *map, PsTransportUris *u)
{
  u->atom_Object = map->map(map->handle, LV2_ATOM__Object);
  u->atom_Blank = map->map(map->handle, LV2_ATOM__Blank);
  u->atom_Float = map->map(map->handle, LV2_ATOM__Float);
  u->atom_Double = map->map(map->handle, LV2_ATOM__Double);
  u->atom_Int = map->map(map->handle, LV2_ATOM__Int);
  u->atom_Long = map->map(map->handle, LV2_ATOM__Long);
  u->time_Position = map->map(map->handle, LV2_TIME__Position);
  u->time_frame = map->map(map->handle, LV2_TIME__frame);
  u->time_speed = map->map(map->handle, LV2_TIME__speed);
}

/* The event's body as a time:Position object, or NULL. */
static inline const LV2_Atom_Object *
ps_transport_position(const PsTransportUris *u, const LV2_Atom_Event *ev)
{
  const LV2_Atom_Object *obj = (const LV2_Atom_Object *)&ev->body;
  if ((obj->atom.type != u->atom_Object && obj->atom.type != u->atom_Blank) ||
      obj->atom.size < sizeof(LV2_Atom_Object_Body) || obj->body.otype != u->time_Position) {
    return NULL;
  }
  return obj;
}

/* Where in a block of n frames, of which `done` are processed, the event
   falls: its time, kept within [done, n]. */
static inline uint32_t
ps_transport_offset(const LV2_Atom_Event *ev, uint32_t done, uint32_t n)
{
  const int64_t at = ev->time.frames;
  return at < (int64_t)done ? done : at > (int64_t)n ? n : (uint32_t)at;
}

/* A number atom's value into *value; false when the atom is missing or
   not a number. */
static inline bool
ps_transport_number(const PsTransportUris *u, const LV2_Atom *a, double *value)
{
  if (!a) {
    return false;
  }
  if (a->type == u->atom_Float && a->size >= sizeof(float)) {
    *value = ((const LV2_Atom_Float *)a)->body;
  } else if (a->type == u->atom_Double && a->size >= sizeof(double)) {
    *value = ((const LV2_Atom_Double *)a)->body;
  } else if (a->type == u->atom_Int && a->size >= sizeof(int32_t)) {
    *value = ((const LV2_Atom_Int *)a)->body;
  } else if (a->type == u->atom_Long && a->size >= sizeof(int64_t)) {
    *value = (double)((const LV2_Atom_Long *)a)->body;
  } else {
    return false;
  }
  return true;
}

/* The object's time:speed into *speed; false when it has none. */
static inline bool
ps_transport_speed(const PsTransportUris *u, const LV2_Atom_Object *obj, double *speed)
{
  const LV2_Atom *a = NULL;
  lv2_atom_object_get(obj, u->time_speed, &a, 0);
  return ps_transport_number(u, a, speed);
}

/* The object's time:frame (an atom:Long, as the time extension has it)
   into *frame; false when it has none. */
static inline bool
ps_transport_frame(const PsTransportUris *u, const LV2_Atom_Object *obj, int64_t *frame)
{
  const LV2_Atom *a = NULL;
  lv2_atom_object_get(obj, u->time_frame, &a, 0);
  if (!a || a->type != u->atom_Long || a->size < sizeof(int64_t)) {
    return false;
  }
  *frame = ((const LV2_Atom_Long *)a)->body;
  return true;
}

#endif
