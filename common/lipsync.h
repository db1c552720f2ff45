/* Streaming lip-sync: a take warped, as it plays, onto a guide's timing
   (the real-time half of the aligner; align.h has the offline one).

   Every 10 ms both tracks give a feature frame like align.h's (one
   PsAlignFrame analysis at the host's rate: mel cepstrum c1..c12, its
   change over +-20 ms, the level's rise over +-10 ms), with streaming
   statistics: each mel band's noise is the minimum of its power over the
   last 2-2.5 s (doubled, towards a 10th percentile), its speech level the
   maximum over the last 4-4.5 s, and the floors of both tracks follow
   align.h's rule for a pair from those; each dimension is normalised by a
   running mean and deviation over about 4 s (started from speech-like
   values, learning from deviations clipped at 3 deviations, the result
   clipped at 4), so that a dropout in both tracks does not derail it.

   Alignment: distances between guide frame i and take frames j within
   |j - i| <= S (S = max_shift) are kept as the frames arrive.  Every
   decision step (4 frames, 40 ms) the warping of align.h (local slopes
   1/2..2; the take's silent frames skipped or held at will, at
   PS_ALIGN_SILENCE_STEP a frame) is solved again over the frames not yet
   committed, from the last committed cell, with an open end (the best
   mean cost on the newest guide frame or the newest take frame); the
   first 4 rows of its path are committed.  They are then S + 50 frames
   old: the take frame a guide frame matches, up to S later, has been
   heard, and half a second more of both tracks says which of two
   candidates it is (at the start of a take up to S late, with S alone the
   path could take the take's lead-in for the guide's first word).
   Both tracks are taken to start together (the first path starts at the
   first frame of both): in a session the plugin starts with the
   transport, well before the line.

   The committed path becomes the warp map: smoothed over +-h frames (h
   from 2, at flexibility 1: syllable by syllable, to 40, at 0: the take's
   own rhythm between anchors farther apart), only forward and within +-S
   of the diagonal.  With protect on, the take's sound (where it is not
   silent) plays within 25 % of its own speed: a word, breath or noise the
   guide lacks is not squeezed to fit its place; what the path wanted more
   goes into the take's next pause (its neighbours' sync suffers a little).

   Rendering: WSOLA frames (tsm.h) from a ring of the take, placed at
   output time t (guide timeline) from take time map(t).  The output is
   the guide's timeline delayed by the latency:
       latency = (S + 50 + 4 + 2) hops + (32 ms - 16 ms),
   max_shift + 576 ms at any rate.  Everything is decided on whole frames
   of absolute position: the output does not depend on the block sizes.

   Disabled, the output is the take delayed by the same latency (the
   aligner keeps following, so that enabling again is immediate), with a
   10 ms crossfade either way. */
#ifndef PS_LIPSYNC_H
#define PS_LIPSYNC_H

#include <stdbool.h>
#include <stddef.h>

#define PS_LIPSYNC_MAX_SHIFT_MIN_MS 100.0
#define PS_LIPSYNC_MAX_SHIFT_MAX_MS 2000.0

typedef struct PsLipsync PsLipsync;

typedef struct {
  double offset_ms;  /* take minus guide at the output's position */
  double stretch;    /* take time per guide time there (1: as recorded), 0..8 */
  double confidence; /* 0 (nothing alike) .. 1 (the same sound) */
} PsLipsyncReadings;

/* rate 22050..192000; everything for a max_shift up to 2000 ms is
   allocated here.  Not real-time safe. */
int ps_lipsync_init(PsLipsync **ls, double rate);
void ps_lipsync_free(PsLipsync **ls);

/* Forgets everything heard (real-time safe, no allocation). */
void ps_lipsync_reset(PsLipsync *ls);

/* max_shift in ms, clamped to 100..2000 and rounded to 10 ms; a change
   resets the aligner and the latency.  flexibility 0..1 (1 at init);
   protect (off at init).  All real-time safe. */
void ps_lipsync_set_max_shift(PsLipsync *ls, double max_shift_ms);
void ps_lipsync_set_flexibility(PsLipsync *ls, double flexibility);
void ps_lipsync_set_protect(PsLipsync *ls, bool protect);
void ps_lipsync_set_enabled(PsLipsync *ls, bool enabled);

/* Samples of delay between the take going in and its aligned output. */
size_t ps_lipsync_latency(const PsLipsync *ls);

/* n samples: take and guide in, out (may be the take's buffer).  Non-finite
   input reads as silence.  Real-time safe. */
void ps_lipsync_process(PsLipsync *ls, const float *take, const float *guide, float *out,
                        size_t n);

void ps_lipsync_readings(const PsLipsync *ls, PsLipsyncReadings *readings);

/* Output samples that had to be passed through unaligned because the map
   was not decided in time (0 unless the latency arithmetic is wrong). */
size_t ps_lipsync_late(const PsLipsync *ls);

#endif
