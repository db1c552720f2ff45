/* Loudness meter engine: ITU-R BS.1770-5 and EBU R128 (Tech 3341, 3342).

   Momentary (400 ms) and short-term (3 s) loudness are sliding windows
   advanced every 5 ms of audio, whatever the size of the blocks fed in;
   their maxima are taken on that grid.  Integrated loudness gates 400 ms
   blocks with 75 % overlap (one every 100 ms) at -70 LUFS and -10 LU; the
   loudness range gates short-term values taken every 100 ms at -70 LUFS and
   -20 LU and spans their 10 % to 95 % quantiles.  Both gates live in fixed
   memory (see gate.h).  True peak: see truepeak.h. */
#ifndef PS_LOUDNESS_H
#define PS_LOUDNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct PsLoudness PsLoudness;

/* Readings; loudness values are -HUGE_VAL where undefined (not enough audio
   yet, or nothing above the gates), peaks are -HUGE_VAL on digital silence. */
typedef struct {
  double momentary;     /* LUFS */
  double shortterm;     /* LUFS */
  double integrated;    /* LUFS */
  double range;         /* LU */
  double momentary_max; /* LUFS */
  double shortterm_max; /* LUFS */
  double truepeak;      /* dBTP, largest over channels */
  double samplepeak;    /* dBFS, largest over channels */
  double seconds;       /* audio measured (integrating) since reset */
  double dialogue;      /* dialogue-gated integrated loudness, LUFS (dialogue.h) */
  double speech_share;  /* share of the measured time that is dialogue, 0..1 */
} PsLoudnessReadings;

#define PS_LOUDNESS_MIN_RATE 8000.0
#define PS_LOUDNESS_MAX_RATE 768000.0

/* `weights` gives the BS.1770 weight of each channel (see layout.h); NULL
   takes the default layout of the channel count. */
int ps_loudness_init(PsLoudness **meter, double rate, unsigned channels, const float *weights);
void ps_loudness_reset(PsLoudness *meter);
void ps_loudness_free(PsLoudness **meter);

/* Feeds n frames, one pointer per channel.  Non-finite samples are measured
   as silence.  Real-time safe. */
void ps_loudness_process(PsLoudness *meter, const float *const *channels, size_t n);

/* The same for interleaved frames. */
void ps_loudness_process_interleaved(PsLoudness *meter, const float *frames, size_t n);

/* While off, momentary and short-term keep following the input but nothing
   accumulates: integrated, range, maxima and peaks stay as they are (for
   metering only while the transport rolls).  Once on again, a gating block
   or short-term window counts only when it lies wholly after that moment. */
void ps_loudness_set_integrating(PsLoudness *meter, bool on);

/* Dialogue gating (on after init) runs a speech detector beside the meter;
   off, the dialogue readings stay undefined and cost nothing. */
void ps_loudness_set_dialogue(PsLoudness *meter, bool on);

/* Current readings.  Integrated and range are recomputed here only when a
   new 100 ms block has arrived since the last call. */
void ps_loudness_readings(PsLoudness *meter, PsLoudnessReadings *out);

/* Peaks of one channel since reset, linear. */
void ps_loudness_channel_peaks(const PsLoudness *meter, unsigned channel, float *truepeak,
                               float *samplepeak);

/* Frames fed since reset. */
uint64_t ps_loudness_frames(const PsLoudness *meter);

#endif
