/* True-peak meter of ITU-R BS.1770 Annex 2: 4x oversampling by a polyphase
   windowed-sinc interpolator, maximum of the absolute oversampled values.

   The factor is 4 at every sample rate, not only at 44.1/48 kHz: the EBU
   Tech 3341 true-peak cases are defined relative to the sample rate (a sine
   at fs/4 with a 45 degree phase), and a 2x interpolator misses their peak
   by up to 0.7 dB at any rate.  Phase 0 of the interpolator is the input
   sample itself, so the true peak is never below the sample peak. */
#ifndef PS_TRUEPEAK_H
#define PS_TRUEPEAK_H

#include <stddef.h>

typedef struct PsTruePeak PsTruePeak;

#define PS_TRUEPEAK_FACTOR 4

/* `max_chunk` is the largest number of samples one process call takes. */
int ps_truepeak_init(PsTruePeak **tp, unsigned channels, size_t max_chunk);
void ps_truepeak_reset(PsTruePeak *tp);
void ps_truepeak_free(PsTruePeak **tp);

/* Feeds n <= max_chunk finite samples of one channel.  Real-time safe. */
void ps_truepeak_process(PsTruePeak *tp, unsigned channel, const float *x, size_t n);

/* Largest absolute oversampled value of a channel since reset (linear). */
float ps_truepeak_channel(const PsTruePeak *tp, unsigned channel);

/* Delay of the interpolator, in input samples (the meter reports maxima,
   so it only matters to callers that locate peaks in time). */
unsigned ps_truepeak_delay(void);

#endif
