/* Room tone under a dialogue track: the generator of room_synth.h put
   with the track in one of four ways.

     add         the tone runs under the track all the time;
     difference  only what the track's own floor lacks, frequency by
                 frequency: the track's floor is estimated as it plays
                 (minimum statistics, noise_floor.h, 1.5 s window, on the
                 generator's own bins) and taken off the profile in power,
                 so ADR that already carries some noise is not over-filled;
     gaps        the tone only where the track is silent (no sample over
                 -55 dBFS for 10 ms), faded in and out over 20 ms;
     tone only   the tone alone, the track dropped (to print a room-tone
                 track).

   No latency: the tone does not depend on the track but in difference
   mode (the floor estimate) and in gaps mode (the gate follows the track
   as it comes, so the first 20 ms of a line sit on the fading tone). */
#ifndef PS_ROOM_FILL_H
#define PS_ROOM_FILL_H

#include "room_profile.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
  PS_ROOM_ADD = 0,
  PS_ROOM_DIFFERENCE = 1,
  PS_ROOM_GAPS = 2,
  PS_ROOM_TONE_ONLY = 3,
} PsRoomMode;

/* Gaps: the track is silent while no sample exceeds this for GATE_HOLD. */
#define PS_ROOM_GATE_DBFS (-55.0)

typedef struct PsRoomFill PsRoomFill;

/* rate 22050..192000, 1 or 2 channels.  Allocates, plans, calibrates. */
int ps_room_fill_init(PsRoomFill **fill, double rate, unsigned channels);
void ps_room_fill_free(PsRoomFill **fill);
/* Forgets the track's history (its floor estimate, the gate).  Real-time safe. */
void ps_room_fill_reset(PsRoomFill *fill);

/* The profile to generate from, as ps_room_synth_prepare / _commit: prepare
   on any one thread (no allocation), commit on the audio thread. */
void ps_room_fill_prepare(PsRoomFill *fill, const PsRoomProfile *profile);
void ps_room_fill_commit(PsRoomFill *fill);

/* out = the track in with room tone, n frames, the first at absolute
   position `position`; gain_db relative to the learned level; in place
   allowed.  Non-finite track samples count as 0.  Real-time safe. */
void ps_room_fill_process(PsRoomFill *fill, const float *const *in, float *const *out, size_t n,
                          int64_t position, PsRoomMode mode, double gain_db, uint64_t seed);

#endif
