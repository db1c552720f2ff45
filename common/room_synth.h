/* Room tone generator: a PsRoomProfile made audible, forever, never looped.

   Broadband: every hop (a quarter of a 170 ms frame, 8192 samples at
   48 kHz) a fresh spectrum of Gaussian random values, shaped by the
   profile's floor and, in stereo, mixed to the profile's inter-channel
   coherence band by band, is inverse-transformed, Hann-windowed and
   overlap-added (the squared windows sum to a constant: the variance is
   the same at every sample).  The level moves slowly as learned: a smooth
   random curve (cubic through Gaussian knots one correlation time apart)
   with the learned standard deviation, the mean power unchanged.

   Tones: stable sinusoids of the learned frequencies and powers.

   Everything is a function of the absolute sample position and the seed:
   frame j's random values come from a generator seeded by (seed, j,
   channel), a tone's phase is 2 pi f t / rate plus a phase drawn from
   (seed, f).  Rendering the same position range with the same seed gives
   the same samples, from wherever the host starts; a jump in position
   rebuilds the overlap-add at the new place (four frames).

   Threads: ps_room_synth_prepare (worker) writes the next shape while the
   audio thread renders with the current one; ps_room_synth_commit (audio
   thread) makes it current, its tones crossfaded in over 50 ms. */
#ifndef PS_ROOM_SYNTH_H
#define PS_ROOM_SYNTH_H

#include "room_profile.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct PsRoomSynth PsRoomSynth;

/* rate 22050..192000, 1 or 2 channels.  Allocates and plans.  Starts
   silent (an empty profile). */
int ps_room_synth_init(PsRoomSynth **synth, double rate, unsigned channels);
void ps_room_synth_free(PsRoomSynth **synth);

/* The shape of `profile` for the next commit.  No allocation; not with
   itself at the same time, nor with a commit. */
void ps_room_synth_prepare(PsRoomSynth *synth, const PsRoomProfile *profile);
/* Makes the prepared shape current.  Real-time safe. */
void ps_room_synth_commit(PsRoomSynth *synth);

/* Bins of the synthesis (the frame's fft_size / 2 + 1) and their spacing,
   for a density to subtract (ps_room_synth_render). */
size_t ps_room_synth_bins(const PsRoomSynth *synth);
size_t ps_room_synth_fft_size(const PsRoomSynth *synth);

/* What a signal already has, to take off the profile (difference mode):
   per channel, one density per bin of the synthesis (noise_floor.h of the
   same FFT size): the floor's mean for the broadband part, and the
   uncorrected minimum for the tones (a tone's minimum is its level). */
typedef struct {
  const float *estimate[PS_ROOM_MAX_CHANNELS];
  const float *minimum[PS_ROOM_MAX_CHANNELS];
} PsRoomSubtract;

/* Writes n samples of room tone per channel, the first at absolute
   position `position`, `gain` (linear amplitude) times the profile, less
   `subtract` (NULL: nothing) in power, never below 0; the subtraction
   changes at frame starts only.  Real-time safe. */
void ps_room_synth_render(PsRoomSynth *synth, uint64_t seed, int64_t position, float gain,
                          const PsRoomSubtract *subtract, float *const *out, size_t n);

#endif
