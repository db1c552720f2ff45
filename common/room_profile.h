/* Room tone profile: what a production recording's background is made of,
   learned under and between the speech, for room_synth to generate.

   Learning (PsRoomLearn, per channel), guided by the core's speech
   detector (speech.h), which finds the pauses in and between the lines:
   - broadband floor: minimum statistics (noise_floor.h) on 85 ms frames
     (4096 samples at 48 kHz) over a 3 s window, bias-corrected to the
     floor's mean, counted only when the window held a pause of 0.4 s or
     more.  Frames that lie wholly in a pause (80 ms margin each side) and
     within 6 dB of that floor over 200 Hz-8 kHz are averaged too; once
     they stand for 1 s, their mean is the floor (the minimum over a window
     that is part speech reads high: fewer noise frames in it).  On the
     log-frequency grid of ltas.h (481 bands, per Hz: the same at every
     sample rate); bridged under each tone;
   - tones: the mean spectrum of 0.34 s frames lying in pauses (16384
     samples at 48 kHz, 2.9 Hz resolution), after 2 s of them; a bin 4 dB
     or more over the median of the 33 bins centred on it and the largest
     within +-2 bins is a stationary tone (mains hum and its harmonics,
     fans, lights); its frequency by parabolic interpolation of the log
     spectrum; its power from its nearest bin less the floor and less the
     Hann lobes of the stronger tones;
   - slow fluctuation: the spread of the floor's broadband level (its
     power every 0.25 s, from the intervals where no frame is 6 dB over
     the floor estimate), 1.48 times its median absolute deviation, and its
     correlation time (from consecutive intervals; 2 s when too few);
   - stereo: the coherence of the two channels per band over the pause
     frames, and each channel's own floor and tones.

   What PsRoomStats accumulates is portable across sample rates but for the
   fine tone spectrum, which is kept at the rate it was learned at: a
   restored profile keeps its tones until 5 s of new pause frames give new
   ones. */
#ifndef PS_ROOM_PROFILE_H
#define PS_ROOM_PROFILE_H

#include "ltas.h"

#include <stdbool.h>
#include <stddef.h>

#define PS_ROOM_MAX_CHANNELS 2
#define PS_ROOM_MAX_TONES 32

typedef struct {
  double hz;
  double power[PS_ROOM_MAX_CHANNELS]; /* mean square (a sine of amplitude A: A^2 / 2) */
} PsRoomTone;

typedef struct {
  unsigned channels;
  /* broadband floor, tones bridged, one-sided density per Hz, per band of
     ps_ltas_band_hz; 0 where nothing was learned */
  double density[PS_ROOM_MAX_CHANNELS][PS_LTAS_BANDS];
  double coherence[PS_LTAS_BANDS]; /* of the two channels, -1..1 (1 in mono) */
  unsigned n_tones;
  PsRoomTone tones[PS_ROOM_MAX_TONES]; /* strongest first */
  double level_sd_db;   /* slow fluctuation of the floor's level, dB */
  double level_seconds; /* its correlation time, s */
  double seconds;       /* audio learned */
} PsRoomProfile;

/* Mean square of the whole profile (floor and tones, first channel or the
   mean of two), and the same in dB (0 dB: a full-scale square wave). */
double ps_room_profile_power(const PsRoomProfile *profile);
double ps_room_profile_db(const PsRoomProfile *profile);
/* Whether every value is finite and in range: what a restored one must pass. */
bool ps_room_profile_valid(const PsRoomProfile *profile);

/* The profile as little-endian bytes (PS_ROOM_PROFILE_BYTES), the same on
   every machine, and back (PS_ERR_ARG, profile untouched, when invalid). */
#define PS_ROOM_PROFILE_BYTES                                                             \
  (8 * (2 + PS_ROOM_MAX_CHANNELS * PS_LTAS_BANDS + PS_LTAS_BANDS +                       \
        PS_ROOM_MAX_TONES * (1 + PS_ROOM_MAX_CHANNELS) + 3))
void ps_room_profile_encode(const PsRoomProfile *profile, unsigned char *out);
int ps_room_profile_decode(PsRoomProfile *profile, const unsigned char *in);

/* The same with a header, as the plugin's state and `postsync roomtone
   --profile` store it: "PSRP", the format version (little-endian 32 bits),
   8 bytes reserved (0), then the profile's bytes.  ps_room_profile_read
   refuses (PS_ERR_ARG) another size, magic or version, or an invalid
   profile. */
#define PS_ROOM_PROFILE_FILE_BYTES (16 + PS_ROOM_PROFILE_BYTES)
void ps_room_profile_write(const PsRoomProfile *profile, unsigned char *out);
int ps_room_profile_read(PsRoomProfile *profile, const unsigned char *in, size_t size);

/* Learning ---------------------------------------------------------------*/

typedef struct PsRoomLearn PsRoomLearn;

/* rate 22050..192000 Hz, 1 or 2 channels.  Allocates, plans and calibrates
   (about 0.2 s).  Not real-time safe. */
int ps_room_learn_init(PsRoomLearn **learn, double rate, unsigned channels);
void ps_room_learn_free(PsRoomLearn **learn);

/* Starts a new stretch of audio, keeping what was learned.  Real-time safe. */
void ps_room_learn_restart(PsRoomLearn *learn);
/* Forgets everything.  Real-time safe. */
void ps_room_learn_clear(PsRoomLearn *learn);

/* Feeds n frames, one pointer per channel.  They are taken in whole 10 ms
   pieces counted from the restart (any block sizes give the same profile),
   and a piece of digital silence (every sample under 1e-9 in magnitude:
   before or between a session's regions, say) is left out: it is no room
   tone.  Real-time safe. */
void ps_room_learn_process(PsRoomLearn *learn, const float *const *in, size_t n);

/* Seconds learned since clear (restored profiles included; digital
   silence left out). */
double ps_room_learn_seconds(const PsRoomLearn *learn);

/* What was learned: sums, counts and the fine tone spectrum, apart from
   the analysis engines, so that a worker can make the profile from a copy
   while learning goes on. */
typedef struct PsRoomStats PsRoomStats;

/* For a learner of this rate and channel count.  Not real-time safe. */
int ps_room_stats_init(PsRoomStats **stats, double rate, unsigned channels);
void ps_room_stats_free(PsRoomStats **stats);
/* dst = src (made for the same rate and channels).  Real-time safe. */
void ps_room_stats_copy(PsRoomStats *dst, const PsRoomStats *src);
const PsRoomStats *ps_room_learn_stats(const PsRoomLearn *learn);

/* The profile from what was learned.  Heavy (a tone search over the fine
   spectrum, some milliseconds) but allocation-free: in a worker. */
void ps_room_stats_profile(const PsRoomStats *stats, PsRoomProfile *profile);

/* Starts from a saved profile (its floor, coherence, fluctuation and tones
   stand for profile->seconds of learning; learning on adds to them). */
void ps_room_learn_set_profile(PsRoomLearn *learn, const PsRoomProfile *profile);

#endif
