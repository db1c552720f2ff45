/* Speech activity detector: every 10 ms of audio a speech probability and a
   decision, from classical features of the signal, causal with a fixed
   look-ahead.

   The input (any channel count, 8-768 kHz) is mixed to mono, low-passed and
   brought to a 16 kHz analysis rate.  Per 10 ms hop a 32 ms Hann frame
   gives: the a-posteriori SNR of 20 bands against a minimum-statistics noise
   floor, the harmonicity and pitch of the magnitude spectrum's
   autocorrelation, spectral flatness and flux, the 2-8 Hz (syllabic)
   modulation of the speech-band envelope, and the steadiness of pitch
   (musical notes hold their pitch, speech glides).  A logistic combination
   gives the probability; the decision bridges pauses between syllables and
   drops blips shorter than 30 ms, looking ahead 60 ms. */
#ifndef PS_SPEECH_H
#define PS_SPEECH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct PsSpeech PsSpeech;

/* Frames per second of the decisions: frame k covers the input samples
   [floor(k * rate / 100), floor((k + 1) * rate / 100)). */
#define PS_SPEECH_FRAME_RATE 100
/* Decisions kept for reading, in frames. */
#define PS_SPEECH_HISTORY 512

/* Inputs of the detector's combiner per frame. */
#define PS_SPEECH_INPUTS 16

typedef struct {
  float level_db;    /* speech-band level of the frame, dBFS */
  float snr_db;      /* mean a-posteriori SNR of the speech bands, dB (0..40) */
  float snr_top_db;  /* mean of the four best of those band SNRs, dB */
  float harmonicity; /* normalised autocorrelation peak, 0..1 */
  float harmonicity_clean; /* the same over the spectrum less its floor */
  float pitch_hz;    /* where that peak is (80..400 Hz), 0 when unvoiced */
  float flatness;    /* spectral flatness of 300-4000 Hz, 0..1 */
  float flux;        /* positive spectral change against the previous hop, dB */
  float modulation;  /* 2-8 Hz modulation depth of the speech-band envelope, dB */
  float steadiness;  /* share of recent voiced hops holding their pitch, 0..1 */
  float probability; /* the detector's speech probability, 0..1 */
  float inputs[PS_SPEECH_INPUTS]; /* what the combiner saw (speech.c context_inputs) */
  float hf_share;    /* share of the speech band's power above its floor that lies
                        over 1 kHz, 0..1 (a ring has none) */
} PsSpeechFeatures;

int ps_speech_init(PsSpeech **speech, double rate, unsigned channels);
void ps_speech_reset(PsSpeech *speech);
void ps_speech_free(PsSpeech **speech);

/* Feeds n frames, one pointer per channel.  Real-time safe. */
void ps_speech_process(PsSpeech *speech, const float *const *channels, size_t n);

/* Number of frames decided so far: decisions exist for frames [0, count). */
uint64_t ps_speech_frames(const PsSpeech *speech);

/* Decision for frame k, one of the last PS_SPEECH_HISTORY decided frames
   (false for any other); its probability through `probability`. */
bool ps_speech_decision(const PsSpeech *speech, uint64_t frame, float *probability);

/* The features behind frame k's decision (same range of frames). */
bool ps_speech_features(const PsSpeech *speech, uint64_t frame, PsSpeechFeatures *out);

/* How long after the end of a frame its decision is known, seconds. */
double ps_speech_lookahead(const PsSpeech *speech);

#endif
