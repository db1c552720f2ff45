/* Alignment of a take to a guide: features that two recordings of the same
   words share whatever their microphone, level, room and voice, and a
   constrained dynamic time warping of whole files (offline).

   Features, every 5 ms: each signal at its own rate is analysed in 32 ms
   Hann frames into 26 mel bands from 100 Hz to 7 kHz (the same bands in
   Hz at any rate); a floor is added to each band's power (its own 10th
   percentile, or for a pair the rule of ps_align_features_pair, so that
   room tone and a quiet studio both read as "nothing" and words rise out
   of it alike), the bands logged, and the cepstrum c1..c12 taken (c0, the
   level, left out), with its change over +-20 ms; then the rise of the
   level (c0) over +-10 ms, falls set to 0, in 8 of the 32 dimensions: the
   onsets of words and syllables, which a different voice or microphone
   leaves where they are.  Every dimension is normalised over the file
   (mean 0, deviation 1), which takes out a microphone's and a room's
   constant colour.

   Warping (Sakoe and Chiba 1978, symmetric form with slope constraint
   P = 1): local slopes between 1/2 and 2, inside a band of +-max_shift
   around the straight line joining the two files' ends; where the take is
   silent the path may also skip or hold it (a pause shortened or
   lengthened at will, so that a word, breath or noise in one track only
   goes into a pause instead of pulling its neighbours).  The path is
   turned into a map from guide frames to take positions, smoothed over
   +-15 ms and made strictly increasing. */
#ifndef PS_ALIGN_H
#define PS_ALIGN_H

#include <math.h>
#include <stddef.h>

#define PS_ALIGN_FRAME_RATE 200
#define PS_ALIGN_DIMS 32 /* c1..c12, their change, 8 x the level's rise (a multiple of 8) */
#define PS_ALIGN_MELS 26
/* The global warping's prices, over the distances of the frames a move
   passes (distances are RMS over unit-variance dimensions: about 0.3
   between two recordings of the same sound, 1.4 between unrelated ones).
   A step through the take's silence alone (skipped or held): */
#define PS_ALIGN_SILENCE_STEP 1.0
/* ... through a pause of both tracks, lengthened or shortened (rhythm
   differences belong in the pauses): */
#define PS_ALIGN_PAUSE_STEP 0.5
/* ... a take frame passed over while the guide is in a pause (a filler or
   breath of the take alone): */
#define PS_ALIGN_INSERT_STEP 1.0
/* ... a move at slope 2 or 1/2 (a stretch of speech): so that a word of
   the take alone is passed over in a pause rather than the words around
   it stretched over it. */
#define PS_ALIGN_SLOPE_STEP 1.0
#define PS_ALIGN_CEPS 12

/* One frame's analysis at a track's own rate, shared with the streaming
   aligner (lipsync.h): a 32 ms Hann window (zero-padded to a power of
   two), the power in 26 triangular mel bands from 100 Hz to 7 kHz, and
   c1..c12 of the logged bands.  init allocates and plans (not real-time
   safe); the rest does not allocate. */
typedef struct PsAlignFrame PsAlignFrame;
int ps_align_frame_init(PsAlignFrame **frame, double rate);
void ps_align_frame_free(PsAlignFrame **frame);
/* The window's length, samples. */
size_t ps_align_frame_window(const PsAlignFrame *frame);
/* The band power of noise at -120 dBFS: the least a band's noise is
   taken to be (digital silence is not a room's noise). */
double ps_align_frame_noise_bound(const PsAlignFrame *frame);
/* Where the caller puts the window's samples (window of them), for: */
float *ps_align_frame_input(PsAlignFrame *frame);
/* mel[PS_ALIGN_MELS] = the band powers of the input (which it overwrites). */
void ps_align_frame_mel(PsAlignFrame *frame, double *mel);
void ps_align_frame_cepstrum(const PsAlignFrame *frame, const double *log_mel, double *ceps);

/* The distance of two feature frames: RMS of their differences.  Eight
   partial sums, so that the compiler can keep them in vector registers. */
static inline float
ps_align_distance(const float *a, const float *b)
{
  float part[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
  for (int k = 0; k < PS_ALIGN_DIMS; k += 8) {
    for (int q = 0; q < 8; ++q) {
      const float e = a[k + q] - b[k + q];
      part[q] += e * e;
    }
  }
  const float sum = ((part[0] + part[1]) + (part[2] + part[3])) +
                    ((part[4] + part[5]) + (part[6] + part[7]));
  return sqrtf(sum * (1.0f / (float)PS_ALIGN_DIMS));
}

/* features[frames * PS_ALIGN_DIMS] of mono x (n samples at rate); the
   caller frees *features.  Not real-time safe. */
int ps_align_features(const float *x, size_t n, double rate, float **features, size_t *frames);

/* The features of a guide and a take for aligning one to the other: as
   ps_align_features, but each band's floor is set for both so that speech
   rises out of it at the same level relative to its own in both tracks:
   the noisier track's relative noise (10th percentile over 95th), doubled,
   less each track's own noise (a band less than 10 dB over its noise in
   one track has no say).  Without it the cleaner track's words show
   from their first milliseconds and the noisier track's only once they
   rise above its noise: the map would come out late by 5-15 ms.
   take_silent (may be NULL): *take_silent[frames_take], 1 for the take's
   frames under 6 dB over its floor (the caller frees it); guide_silent
   (may be NULL) the same for the guide's frames. */
int ps_align_features_pair(const float *guide, size_t n_guide, double rate_guide,
                           const float *take, size_t n_take, double rate_take, float **f_guide,
                           size_t *frames_guide, float **f_take, size_t *frames_take,
                           unsigned char **take_silent, unsigned char **guide_silent);

/* That floor rule, band by band, from each track's noise and speech level
   (powers): floor_a[b] and floor_b[b] (shared with the streaming aligner). */
void ps_align_joint_floors(const double *noise_a, const double *level_a, const double *noise_b,
                           const double *level_b, double *floor_a, double *floor_b);

/* Warps the take's features onto the guide's: take_frame[i] (i < guide
   frames) = the take position, in frames (fractional), that sounds at
   guide frame i.  max_shift_frames: how far from the straight line the
   path may go.  take_silent (may be NULL): the take's silent frames, which
   the path may skip or hold at any slope (a pause shortened or lengthened;
   a word of one track only let through instead of pulling its neighbours).
   guide_silent (may be NULL): the guide's silent frames, where the path
   may hold the guide while it passes over the take at a price per frame
   (PS_ALIGN_INSERT_STEP): a word or breath the take has in a pause the
   guide keeps shorter is passed over there, not squeezed into the words
   after it.  Allocates scratch; returns PS_ERR_ARG when the files' lengths are more
   than 2:1 apart.  cost: the mean distance along the path (lower is a
   better match), may be NULL. */
int ps_align_dtw(const float *guide, size_t n_guide, const float *take, size_t n_take,
                 size_t max_shift_frames, const unsigned char *take_silent,
                 const unsigned char *guide_silent, double *take_frame, double *cost);

#endif
