/* Alignment of a take to a guide: features that two recordings of the same
   words share whatever their microphone, level, room and voice, and a
   constrained dynamic time warping of whole files (offline).

   Features, every 10 ms: both signals are brought to 16 kHz
   (libsamplerate), analysed in 32 ms Hann frames into 26 mel bands from
   100 Hz to 7 kHz, each band's power floored at its own 10th percentile
   (so that room tone and a quiet studio both read as "nothing"), logged,
   and the cepstrum c1..c12 taken (c0, the level, left out), with its
   change over +-20 ms; every dimension is then normalised over the file
   (mean 0, deviation 1), which takes out a microphone's and a room's
   constant colour.

   Warping (Sakoe and Chiba 1978, symmetric form with slope constraint
   P = 1): local slopes between 1/2 and 2, inside a band of +-max_shift
   around the straight line joining the two files' ends; the path is
   turned into a map from guide frames to take positions, smoothed over
   50 ms and made strictly increasing. */
#ifndef PS_ALIGN_H
#define PS_ALIGN_H

#include <stddef.h>

#define PS_ALIGN_FRAME_RATE 100
#define PS_ALIGN_DIMS 24
#define PS_ALIGN_MELS 26
#define PS_ALIGN_CEPS 12 /* c1..c12 */

/* The per-frame steps, shared with the streaming aligner (lipsync.h):
   edges[PS_ALIGN_MELS + 2] of the triangular mel filters from 100 Hz to
   7 kHz, in FFT bins of an fft_size transform at rate; the power in each
   band of a spectrum (ps_fft layout) into mel[PS_ALIGN_MELS]; c1..c12 of
   the logged bands into ceps[PS_ALIGN_CEPS].  No allocation. */
void ps_align_mel_edges(double rate, size_t fft_size, double *edges);
void ps_align_mel_bands(const double *edges, const float *spectrum, size_t fft_size, double *mel);
void ps_align_cepstrum(const double *log_mel, double *ceps);

/* features[frames * PS_ALIGN_DIMS] of mono x (n samples at rate); the
   caller frees *features.  Not real-time safe. */
int ps_align_features(const float *x, size_t n, double rate, float **features, size_t *frames);

/* Warps the take's features onto the guide's: take_frame[i] (i < guide
   frames) = the take position, in frames (fractional), that sounds at
   guide frame i.  max_shift_frames: how far from the straight line the
   path may go.  Allocates scratch; returns PS_ERR_ARG when the files'
   lengths are more than 2:1 apart.  cost: the mean distance along the
   path (lower is a better match), may be NULL. */
int ps_align_dtw(const float *guide, size_t n_guide, const float *take, size_t n_take,
                 size_t max_shift_frames, double *take_frame, double *cost);

#endif
