/* Dialogue-gated loudness: BS.1770 gating blocks kept only where the speech
   detector hears dialogue.

   Definition: 400 ms gating blocks with 75 % overlap as in BS.1770; a block
   is a dialogue block when at least half of its 10 ms frames are speech;
   the dialogue-gated loudness is the power mean over the dialogue blocks
   above the -70 LUFS absolute gate (no relative gate).  Blocks wait for the
   detector's decisions (its look-ahead) before they are classed. */
#ifndef PS_DIALOGUE_H
#define PS_DIALOGUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct PsDialogue PsDialogue;

int ps_dialogue_init(PsDialogue **dialogue, double rate, unsigned channels);
void ps_dialogue_reset(PsDialogue *dialogue);
void ps_dialogue_free(PsDialogue **dialogue);

/* Feeds audio to the speech detector; frames it decides while `counting`
   count towards the speech share.  Real-time safe. */
void ps_dialogue_process(PsDialogue *dialogue, const float *const *channels, size_t n,
                         bool counting);

/* A gating block of mean-square energy `energy` whose last 10 ms frame is
   end_frame - 1 (frames counted from the reset, 100 per second). */
void ps_dialogue_add_block(PsDialogue *dialogue, double energy, uint64_t end_frame);

/* Dialogue-gated loudness, LUFS; -HUGE_VAL while no dialogue block passed.
   Cached: the histogram is scanned only after a new dialogue block. */
double ps_dialogue_loudness(PsDialogue *dialogue);

/* Share of the counted 10 ms frames that are speech, 0..1 (0 before any). */
double ps_dialogue_speech_share(const PsDialogue *dialogue);

/* The detector's look-ahead, seconds. */
double ps_dialogue_lookahead(const PsDialogue *dialogue);

#endif
