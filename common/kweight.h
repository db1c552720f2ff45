/* K-weighting of ITU-R BS.1770: a high-shelf "head" filter followed by the
   RLB high-pass, designed for any sample rate from their analog prototypes. */
#ifndef PS_KWEIGHT_H
#define PS_KWEIGHT_H

typedef struct {
  double b[3]; /* numerator b0, b1, b2 */
  double a[3]; /* denominator 1, a1, a2 */
} PsBiquad;

typedef struct {
  PsBiquad shelf; /* stage 1: +4 dB high shelf (the head's acoustic effect) */
  PsBiquad highpass; /* stage 2: revised low-frequency B-curve (RLB) */
} PsKWeight;

/* Designs both stages for sample rate `rate` (Hz, > 0) by the bilinear
   transform, pre-warped at each stage's corner frequency.  At 48 kHz the
   result equals the coefficients tabled in BS.1770 (Annex 1). */
int ps_kweight_design(PsKWeight *k, double rate);

/* Magnitude response of the cascade at `freq` Hz, in dB. */
double ps_kweight_response_db(const PsKWeight *k, double rate, double freq);

#endif
