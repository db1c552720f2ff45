/* What lies under the dialogue: room tones, music, drums, traffic, sound
   effects; and the room the dialogue is spoken in. */
#ifndef DLG_BEDS_H
#define DLG_BEDS_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
  DLG_BED_QUIET_ROOM, /* pink-ish noise, low-passed at 8 kHz */
  DLG_BED_ROOMTONE,   /* pink noise low-passed at 6 kHz, 50 Hz hum at -20 dB */
  DLG_BED_MUSIC,      /* sustained chords and a melody in 200-800 Hz */
  DLG_BED_PERCUSSIVE, /* kick, snare, hi-hat at 100-120 bpm */
  DLG_BED_TRAFFIC,    /* low rumble with passing swells up to +10 dB */
  DLG_BED_EFFECTS,    /* door slams, footsteps, a clock, over quiet room tone */
} DlgBedKind;

/* Renders channel `channel` of `channels` of a bed into out[0..n), at an
   arbitrary level (the caller scales it).  Events (notes, hits, passes,
   slams) depend on the seed only, noise on the seed and the channel, so the
   channels of a stereo bed share events and differ in noise, pan and tuning.
   Returns 0, or -1 when out of memory. */
int dlg_bed_render(DlgBedKind kind, float *out, size_t n, unsigned rate, uint64_t seed,
                   unsigned channel, unsigned channels);

/* Impulse response of a room: direct sound (1 at t = 0), a few early
   reflections, then exponentially decaying noise with the given RT60 and a
   reverberant-to-direct energy ratio of `reverb_db`.  Returns the length
   (about RT60 * 7/6, to -70 dB) and the new buffer in *h, 0 on failure. */
size_t dlg_room_impulse(double **h, unsigned rate, uint64_t seed, double rt60,
                        double reverb_db);

#endif
