/* Time-scale modification of speech, pitch preserved: WSOLA (Verhelst and
   Roelands, "An overlap-add technique based on waveform similarity
   (WSOLA) for high quality time-scale modification of speech", ICASSP
   1993), driven by a warp map, for the lip-sync aligner.

   The output is built from Hann-windowed frames of 2 hops (hop 10 ms at
   any rate, frames 20 ms, overlapping by half so that the windows sum to
   1).  Output frame k, centred on output time k hop, takes the input
   around map(k hop), moved by up to +-TOLERANCE (8 ms) to where it is
   most like the natural continuation of the frame before it (the input
   one hop after that frame's start): waveform similarity by normalised
   cross-correlation, so that periods line up and neither clicks nor
   phasiness appear, less a little for the distance from the map's
   position, so that the frames do not drift from it.  Pitch and formants are those of the input; only the
   timing follows the map.

   The map is piecewise linear through anchors (output time, input time),
   in samples, both increasing; before the first anchor and after the last
   it continues at slope 1.  Local slopes between 0.5 and 2 are what speech
   takes without artefacts (the aligner keeps to them). */
#ifndef PS_TSM_H
#define PS_TSM_H

#include <stddef.h>
#include <stdint.h>

/* Search range either side of the map's position, seconds. */
#define PS_TSM_TOLERANCE 0.008
/* How much likeness (normalised cross-correlation, -1..1) a lag at the
   tolerance's edge gives up against the map's own position. */
#define PS_TSM_PULL 1.0

typedef struct PsTsm PsTsm;

/* rate 8000..192000.  Allocates.  Not real-time safe. */
int ps_tsm_init(PsTsm **tsm, double rate);
void ps_tsm_free(PsTsm **tsm);

size_t ps_tsm_hop(const PsTsm *tsm);

/* The map's input time at output time t (samples). */
double ps_tsm_map(const double *out_times, const double *in_times, size_t n_anchors, double t);

/* How far past a frame's centre its input reaches (hop + tolerance). */
size_t ps_tsm_reach(const PsTsm *tsm);

/* The input of the streaming form: samples [begin, end) of an unbounded
   signal, sample i at data[i & mask] (a ring of a power-of-two size, or
   mask SIZE_MAX for a plain array); outside [begin, end) it reads as
   silence. */
typedef struct {
  const float *data;
  size_t mask;
  long long begin, end;
} PsTsmSource;

/* One frame of the render, for the streaming aligner: where frame k's 2
   hops of input start (centre: the map's input time at output time k hop;
   previous: where frame k - 1's started, has_previous 0 for the first
   frame), and its windowed input added into out[o & out_mask] for output
   samples o in [out_start, out_start + 2 hops) within [out_begin,
   out_end).  The search is coarse (every 1/6000 s of lag and of
   signal), then sample-exact around the best.  No allocation. */
long long ps_tsm_choose(const PsTsm *tsm, const PsTsmSource *in, double centre,
                        long long previous, int has_previous);
void ps_tsm_add(const PsTsm *tsm, const PsTsmSource *in, long long start, float *out,
                size_t out_mask, long long out_start, long long out_begin, long long out_end);

/* out[0..n_out) = in[0..n_in) warped by the map (anchors out_times[i] ->
   in_times[i], i < n_anchors; none: the identity).  Input outside
   [0, n_in) reads as silence.  Returns PS_ERR_ARG for anchors that do
   not increase in both times.  No allocation.  A render over 10 s whose
   input has a pause near its middle (40 dB under the input's mean) is cut
   there in two halves, rendered at once on two threads when a thread can
   be had (one after the other otherwise: the same samples); the second
   half's search starts afresh in the pause. */
int ps_tsm_render(PsTsm *tsm, const float *in, size_t n_in, const double *out_times,
                  const double *in_times, size_t n_anchors, float *out, size_t n_out);

/* Where such a render is cut, output sample (0: it is not). */
size_t ps_tsm_render_cut(const PsTsm *tsm, const float *in, size_t n_in, const double *out_times,
                         const double *in_times, size_t n_anchors, size_t n_out);

#endif
