/* The speech track of a generated dialogue programme: lines spoken by
   espeak-ng, resampled, levelled and placed between pauses, and the per-frame
   truth of where speech is. */
#ifndef DLG_SPEECH_H
#define DLG_SPEECH_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  int line;            /* index into the built-in lines */
  int voice;           /* index into the built-in voices */
  int wpm;             /* speaking rate, words per minute */
  double level_db;     /* active level asked for, dBFS */
  double active_rms;   /* active level reached (linear), on the track */
  size_t first, last;  /* first and last active sample on the track */
} DlgUtterance;

typedef struct {
  float *track; /* mono, n samples */
  size_t n;
  unsigned rate;
  DlgUtterance *utterances;
  size_t n_utterances;
} DlgSpeech;

/* Renders the speech of a programme of n samples at `rate`: utterances
   filling 52-72 % of the time (the share drawn from the seed), at level_db
   +- 6 dB active level, 0.3..3 s apart, starting 0.2..1 s in and ending at
   least 0.3 s before the end.  The choice of lines, voices, speaking rates,
   levels and pauses depends on the seed and the length only (not on the
   rate), so every condition of one seed speaks the same dialogue.  Runs
   espeak-ng in a temporary folder under $TMPDIR (or /tmp), removed before
   returning.  Returns 0, or -1 with a one-line reason in err. */
int dlg_speech_render(DlgSpeech *speech, unsigned rate, size_t n, uint64_t seed,
                      double level_db, int verbose, char *err, size_t err_size);

/* Frame k (of n_frames) covers samples [floor(k rate/100), floor((k+1) rate/100)).
   A frame is speech when, inside one utterance's first..last active sample,
   its RMS on the track is at least that utterance's active RMS - 35 dB; gaps
   shorter than 150 ms between speech frames of one utterance are filled.
   Returns the number of speech frames. */
size_t dlg_speech_labels(const DlgSpeech *speech, unsigned char *labels, size_t n_frames);

/* Multiplies the track and the recorded levels by gain. */
void dlg_speech_scale(DlgSpeech *speech, double gain);

void dlg_speech_free(DlgSpeech *speech);

const char *dlg_voice_name(int voice);

/* Index of the first sample of frame k. */
static inline size_t
dlg_frame_start(size_t k, unsigned rate)
{
  return (size_t)(((uint64_t)k * rate) / 100u);
}

#endif
