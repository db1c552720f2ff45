/* Long-term average spectra of a recording's speech and of the floor
   between its words, learned as the audio streams by.

   The input is analysed in Hann-windowed frames of about 170 ms (the power
   of two at least rate / 8, 8192 samples at 48 kHz, a resolution of 6 Hz
   for the room modes under 200 Hz; half-overlapping) as a power spectral density
   per Hz, averaged over the channels, and read off on a fixed log-frequency
   grid (PS_LTAS_BANDS bands, 1/48 octave apart from 20 Hz to 20.48 kHz,
   each the mean density over its +-1/96 octave).  Per Hz on a grid in Hz,
   what is learned at one sample rate means the same at any other.

   The core's speech detector (speech.h) sorts the frames: a frame is
   speech when at least 80 % of its 10 ms decisions are speech, floor when
   none are within 50 ms of it; others count for neither.  Samples that are
   not finite or beyond +80 dBFS count as 0.  Each frame is
   sorted once its decisions are known, about 0.25 s after it ends.

   Sums and frame counts are kept per band: a band above a rate's Nyquist
   frequency gets nothing from audio at that rate, and a band nothing was
   learned in is reported as unknown rather than as silence. */
#ifndef PS_LTAS_H
#define PS_LTAS_H

#include <stddef.h>
#include <stdint.h>

#define PS_LTAS_BANDS 481
#define PS_LTAS_PER_OCTAVE 48
#define PS_LTAS_LOW_HZ 20.0

/* Centre of band i: 20 Hz * 2^(i / 48). */
double ps_ltas_band_hz(size_t band);

/* Band edges of the grid in the bin units of an FFT of fft_size at rate
   (bin k covers [k, k + 1): its centre is shifted by half a bin), and the
   number of bands below 0.49 rate, the ones that can be measured. */
size_t ps_ltas_band_edges(double rate, size_t fft_size, double *lo, double *hi);
/* out[b] = the mean of a density given per FFT bin (constant across each
   bin) over band b, for the `valid` bands from ps_ltas_band_edges; 0 for
   the others.  cumulative: bins + 1 doubles of scratch.  No allocation. */
void ps_ltas_band_means(const double *density, size_t bins, const double *lo, const double *hi,
                        size_t valid, double *cumulative, double *out);

/* What has been learned: plain data, to save and restore as it is. */
typedef struct {
  double speech[PS_LTAS_BANDS];   /* sum over speech frames of the band's density, 1/Hz */
  double speech_n[PS_LTAS_BANDS]; /* frames in that sum */
  double floor[PS_LTAS_BANDS];    /* the same over floor frames */
  double floor_n[PS_LTAS_BANDS];
  double speech_seconds; /* audio time the speech frames stand for */
  double floor_seconds;
} PsLtasData;

/* Mean speech and floor density of a band; 0 when the band has no frames
   (check the counts to tell that from silence). */
double ps_ltas_speech_mean(const PsLtasData *data, size_t band);
double ps_ltas_floor_mean(const PsLtasData *data, size_t band);

/* data = data + more, band by band. */
void ps_ltas_data_add(PsLtasData *data, const PsLtasData *more);
/* Whether every value is finite and no count or seconds is negative: what a
   restored blob must pass before use. */
int ps_ltas_data_valid(const PsLtasData *data);

/* The data as little-endian IEEE doubles, in the order of the struct's
   fields: PS_LTAS_DATA_BYTES bytes, the same on every machine. */
#define PS_LTAS_DATA_BYTES ((4 * PS_LTAS_BANDS + 2) * 8)
void ps_ltas_data_encode(const PsLtasData *data, unsigned char *out);
/* Decodes and checks with ps_ltas_data_valid; PS_ERR_ARG when it fails
   (data left untouched).  Allocates a scratch copy: not real-time safe. */
int ps_ltas_data_decode(PsLtasData *data, const unsigned char *in);

typedef struct PsLtas PsLtas;

/* rate 22050..192000 Hz; 1..8 channels.  Allocates and plans everything. */
int ps_ltas_init(PsLtas **ltas, double rate, unsigned channels);
void ps_ltas_free(PsLtas **ltas);

/* Starts a new stretch of audio, keeping what was learned: call it when
   the input resumes after a break (the frames still waiting for their
   decisions are dropped).  Real-time safe. */
void ps_ltas_restart(PsLtas *ltas);
/* Forgets everything learned, and restarts.  Real-time safe. */
void ps_ltas_clear(PsLtas *ltas);

/* Feeds n frames, one pointer per channel.  Real-time safe. */
void ps_ltas_process(PsLtas *ltas, const float *const *in, size_t n);

const PsLtasData *ps_ltas_data(const PsLtas *ltas);
/* Replaces what was learned (a restored state).  Real-time safe. */
void ps_ltas_set_data(PsLtas *ltas, const PsLtasData *data);

/* Analysis frame length and hop, in samples. */
size_t ps_ltas_frame_size(const PsLtas *ltas);
size_t ps_ltas_hop(const PsLtas *ltas);

#endif
