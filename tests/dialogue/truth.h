/* The dialogue-gated loudness a programme should read, from its known
   speech labels: BS.1770 K-weighting, 400 ms blocks every 100 ms, a block
   is dialogue when at least half of its 10 ms frames are labelled speech,
   power mean of those above -70 LUFS (no relative gate). */
#ifndef PS_TEST_DIALOGUE_TRUTH_H
#define PS_TEST_DIALOGUE_TRUTH_H

#include <stddef.h>

/* x: interleaved frames; weights: per channel (NULL: all 1). Returns LUFS,
   or -HUGE_VAL when no block qualifies. */
double dialogue_truth(const float *x, size_t frames, unsigned channels, double rate,
                      const float *weights, const unsigned char *labels, size_t n_labels);

/* Reads a labels file (one 0/1 per line, '#' lines skipped); NULL on error. */
unsigned char *labels_read(const char *path, size_t *count);

#endif
