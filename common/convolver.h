/* FIR convolution with zero latency, for long filters swapped at run time.

   Output sample t depends on the inputs up to and including t.  The filter
   is split in partitions of growing size (non-uniform partitioned
   convolution, as in Gardner 1995 and Garcia 2002):

     taps [0, 64)          direct form, computed sample by sample
     taps [64, 1024)       partitions of 64 taps, FFT size 128
     taps [1024, 8192)     partitions of 1024 taps, FFT size 2048 (and on
                           to the end when max_taps <= 32768)
     taps [8192, ...)      partitions of 8192 taps, FFT size 16384, only
                           when max_taps > 32768

   A partition of B taps starting at tap B' >= B only needs inputs up to
   B' samples in the past, so it is computed when an input block of B
   samples completes, just in time for the output block that follows.
   Inputs are gathered internally in blocks of 64 (and 1024, 8192), so the
   cost per second does not depend on the host's block size; the work
   bunches up where those blocks complete.

   The spectra of past input blocks (the frequency-domain delay lines) are
   kept once per channel and shared by every filter, so switching filters
   costs only the extra multiply-adds of the crossfade.

   Filters are separate objects (PsConvolverFilter), made off the audio
   thread from a layout engine and then handed to it: the engine never
   allocates, frees or plans after init.  One filter applies to every
   channel; any number of engines with the same max_taps may share one.

   Non-finite input samples are taken as 0 and input samples smaller than
   1e-15 in magnitude (-300 dBFS) as exact zeros, so NaN or Inf never
   poisons the history, and silence after a signal gives exact zeros once
   the filter's length plus three times the largest partition size have
   passed (within n_taps + 3072 samples up to 32768 taps), not denormals.

   Threads: everything but ps_convolver_filter_new/_load/_free runs on the
   audio thread (or under the caller's exclusion); filter_new and
   filter_load may run on any thread at the same time as the engine they
   take the layout from. */
#ifndef PS_CONVOLVER_H
#define PS_CONVOLVER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct PsConvolver PsConvolver;
typedef struct PsConvolverFilter PsConvolverFilter;

/* Longest filter an engine can be made for. */
#define PS_CONVOLVER_MAX_TAPS ((size_t)1 << 20)

/* Allocates and plans everything for filters of up to max_taps taps
   (1..PS_CONVOLVER_MAX_TAPS) on 1..64 channels.  Not real-time safe. */
int ps_convolver_init(PsConvolver **conv, size_t max_taps, unsigned channels);

/* Frees the engine (never the filters: those belong to the caller, who
   frees each one it made once no engine uses it). */
void ps_convolver_free(PsConvolver **conv);

/* Clears the input history.  A crossfade under way, and a switch still
   waiting, complete at once: the filters they leave go to the retired
   list.  Real-time safe. */
void ps_convolver_reset(PsConvolver *conv);

/* Filters ----------------------------------------------------------------*/

/* Prepares a filter of n_taps taps (1..max_taps of the engine) for engines
   made with the same max_taps as `layout`.  Allocates, and runs the FFT
   plans of `layout`, which is thread-safe: call it on a worker thread
   while the audio thread processes with `layout`, which must stay alive
   until this returns.  Refuses non-finite taps (PS_ERR_ARG). */
int ps_convolver_filter_new(PsConvolverFilter **filter, const PsConvolver *layout,
                            const float *taps, size_t n_taps);
void ps_convolver_filter_free(PsConvolverFilter **filter);

/* Gives `filter` new taps, n_taps of them at most as many as it was made
   with, for the same layout: no allocation, so real-time safe but for its
   cost (FFTs as long as the filter).  The filter must not be in use: no
   engine may hold it as current, fading or waiting (take it from the
   retired list first).  Refuses non-finite taps (PS_ERR_ARG), leaving the
   filter as it was only when the arguments are refused. */
int ps_convolver_filter_load(PsConvolverFilter *filter, const PsConvolver *layout,
                             const float *taps, size_t n_taps);
size_t ps_convolver_filter_taps(const PsConvolverFilter *filter);

/* Whether `filter` can be used by `conv` (made for the same max_taps). */
bool ps_convolver_accepts(const PsConvolver *conv, const PsConvolverFilter *filter);

/* Processing --------------------------------------------------------------*/

/* Filters n frames, one pointer per channel, through the engine's filter.
   Any n from 0 upward; in place allowed (in[c] == out[c], no other
   overlap).  With no filter (NULL, the state after init) the output is
   the input, delayed by nothing: the identity filter (with non-finite and
   tiny samples zeroed as said above).  Real-time safe. */
void ps_convolver_process(PsConvolver *conv, const float *const *in, float *const *out,
                          size_t n);

/* Moves to filter `next` (NULL: the identity) with a crossfade of
   fade_samples samples starting at the next sample processed: output
   sample i of the fade (i = 0 .. fade_samples - 1) is

     (1 - g) * y_old + g * y_next,   g = 0.5 - 0.5 cos(pi (i + 0.5) / fade_samples)

   where y_old and y_next are the full convolutions of the input with the
   two filters.  0 switches at once.  During a fade, `next` waits and its
   fade starts when the running one ends; a later switch replaces a
   waiting filter, which goes straight to the retired list.  Real-time
   safe.  PS_ERR_ARG when the filter was made for another layout or when
   the retired list is nearly full (drain it after every process call).
   A filter still listed as retired and handed back is taken off the list. */
int ps_convolver_switch(PsConvolver *conv, PsConvolverFilter *next, size_t fade_samples);

/* A filter the engine no longer uses (one per call, oldest first), which
   the caller may now free off the audio thread; NULL when there is none.
   Filters leave the engine at the end of the fade away from them.  The
   identity (NULL) is never listed.  Real-time safe. */
PsConvolverFilter *ps_convolver_retired(PsConvolver *conv);

/* The filter the engine has been told to use last (the one a fade or a
   waiting switch leads to); NULL for the identity. */
const PsConvolverFilter *ps_convolver_current(const PsConvolver *conv);

/* Whether a crossfade is under way or a switch is waiting. */
bool ps_convolver_fading(const PsConvolver *conv);

size_t ps_convolver_max_taps(const PsConvolver *conv);
unsigned ps_convolver_channels(const PsConvolver *conv);

#endif
