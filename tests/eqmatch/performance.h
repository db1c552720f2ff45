/* One actor performing one scene twice: on set (the reference) and in the
   ADR studio (the take).  Both performances speak the scene's lines in the
   same order with the same espeak-ng voice, and differ the way two
   performances do: speaking rate, pitch and level of every line, and the
   pauses between lines.  So the two long-term spectra differ only by chance,
   never by voice, and no sample of one lines up with the other.

   espeak-ng speaks at 22.05 kHz, so nothing it says reaches above 10 kHz;
   an "air" band above 8 kHz, noise following the envelope of the speech's
   own 4.5-9 kHz band, carries the long-term spectrum on to 14 kHz and
   beyond, so that every band of the truth holds speech. */
#ifndef EQM_PERFORMANCE_H
#define EQM_PERFORMANCE_H

#include "utterances.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
  EQM_ROLE_REFERENCE = 0,
  EQM_ROLE_TAKE = 1,
} EqmRole;

/* Renders the dry speech of one performance of the scene of `seed` into
   speech (n samples at rate, mono; free with dlg_speech_free): lines at
   level_db +- 2 dB active level, 150-170 words per minute +- 6 %, espeak-ng
   pitch 47-53, their spans filling 64-78 % of the time (the share drawn per
   scene), the first starting 0.2-0.6 s in, the
   last ending at least 0.3 s before the end.  speech->utterances hold the
   lines as placed (`line` indexes the scene's script, `voice` is 0), so
   dlg_speech_labels() labels the track.  Choices depend on the seed, the
   role and the length, not on the rate.  Runs espeak-ng in a temporary
   folder under $TMPDIR (or /tmp).  Returns 0, or -1 with a one-line reason
   in err. */
int eqm_performance_render(DlgSpeech *speech, unsigned rate, size_t n, uint64_t seed,
                           EqmRole role, double level_db, int verbose, char *err,
                           size_t err_size);

/* The espeak-ng voice of the scene of `seed`. */
const char *eqm_performance_voice(uint64_t seed);

#endif
