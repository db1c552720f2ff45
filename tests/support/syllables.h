/* Synthetic syllables for the aligners' unit tests: a pulse train with a
   little vibrato through two vowel formants, under a half-sine envelope,
   120-300 ms long, with 50-300 ms pauses between.  Every syllable has one
   of five vowels, so neighbours differ and an aligner has something to
   follow without espeak-ng. */
#ifndef PS_TEST_SYLLABLES_H
#define PS_TEST_SYLLABLES_H

#include <stddef.h>
#include <stdint.h>

/* Uniform in [0, 1) (xorshift64); *state must not be 0. */
double syllables_uniform(uint64_t *state);

/* x[0..n) (zeroed first): syllables from 0.4 s on, peaking at 0.3, over a
   floor of +-0.0005.  voiced[f] (n / (rate / 100) + 1 entries, may be NULL)
   set to 1 for the 10 ms frames inside a syllable.  Allocates scratch;
   returns 0, or -1 when out of memory. */
int syllables_make(float *x, size_t n, double rate, uint64_t *state, unsigned char *voiced);

#endif
