/* Single words spoken by espeak-ng, each into its own file, then brought to
   a track's rate and trimmed to the word itself: the clips the lip-sync
   material is laid out from. */
#ifndef LS_WORDS_H
#define LS_WORDS_H

#include <stddef.h>

typedef struct {
  const char *text;  /* one word, not starting with '-' */
  const char *voice; /* an espeak-ng voice, "en-us", "en-us+f3", ... */
  int wpm;           /* espeak-ng -s */
  int pitch;         /* espeak-ng -p, 0..99 */
  float *x;          /* out: what espeak-ng wrote, silence included */
  size_t n;
  unsigned rate;     /* out: espeak-ng's rate (22050 Hz) */
} LsWord;

/* Speaks words[0..count) with espeak-ng, a few at once, in a temporary
   folder under $TMPDIR (or /tmp) that is removed before returning.  Returns
   0, or -1 with a one-line reason in err (the words' buffers then freed). */
int ls_words_speak(LsWord *words, size_t count, char *err, size_t err_size);

void ls_words_free(LsWord *words, size_t count);

/* The word resampled to `rate` (>= its own) and trimmed to the samples from
   its first to its last at or above trim_db relative to its active level
   (dsp.h dlg_active_rms), with 2 ms raised-cosine fades inside that span.
   Returns the clip's length and the new buffer in *clip, 0 when out of
   memory or silent. */
size_t ls_word_clip(const LsWord *word, unsigned rate, double trim_db, float **clip);

#endif
