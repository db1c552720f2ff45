/* EQ match: the correction that gives a take the long-term speech spectrum
   of a reference, from what two PsLtas learned, and its FIR filter.

   The curve, on the PsLtas log grid (ps_ltas_band_hz), is made in steps:

   1. Speech spectra less their floor: each recording's mean speech density
      minus its mean floor density, in power, after fractional-octave
      smoothing of all four (a rectangular window of `smoothing_oct`
      octaves on log frequency, in power).
   2. Raw correction: 10 log10(reference / take) of those.
   3. Where a recording's speech is within a few dB of its own floor the
      difference is noise, not colour: the correction fades to 0 dB as
      speech-to-floor falls from 4 dB to 1 dB (on either recording), and
      is 0 dB where either recording has no speech learned.
   4. Outside [low_hz, high_hz] it is exactly 0 dB; inside, it fades in
      over the first and last third of an octave (raised cosine).
   5. Scaled by `amount` (1 = the full correction).
   6. Boosts and cuts are limited to `max_gain_db` with a soft knee: up to
      80 % of it the curve is unchanged, beyond it bends towards the limit.
   7. Loudness neutral: a gain (applied inside the range, with its fades)
      makes the K-weighted power of the take's speech spectrum the same
      before and after the correction, so switching it in does not change
      the take's loudness.

   Then ps_eqmatch_design turns the curve into a minimum-phase (no latency)
   or linear-phase FIR filter for the engine's sample rate. */
#ifndef PS_EQMATCH_H
#define PS_EQMATCH_H

#include "ltas.h"

#include <stddef.h>

typedef struct {
  double amount;        /* 0..2 */
  double smoothing_oct; /* 1/24..1 */
  double max_gain_db;   /* 0..24 */
  double low_hz;        /* 20..20000, below high_hz */
  double high_hz;
} PsEqmatchParams;

typedef enum {
  PS_EQMATCH_MINIMUM_PHASE = 0,
  PS_EQMATCH_LINEAR_PHASE = 1,
} PsEqmatchPhase;

/* Defaults of the plugin's controls: amount 1, 1/6 octave, 12 dB,
   40 Hz .. 18 kHz. */
PsEqmatchParams ps_eqmatch_default_params(void);

/* curve_db[PS_LTAS_BANDS]: the correction (steps 1-7 above).  Returns
   PS_ERR_ARG for out-of-range parameters or data that fail
   ps_ltas_data_valid.  Without speech learned on both, the curve is flat. */
int ps_eqmatch_curve(const PsLtasData *reference, const PsLtasData *take,
                     const PsEqmatchParams *params, float *curve_db);

/* The unweighted, unlimited correction of step 2 (after smoothing), with
   0 dB where either recording has no speech: what was learned, for
   displays and CSV files. */
void ps_eqmatch_raw_curve(const PsLtasData *reference, const PsLtasData *take,
                          double smoothing_oct, float *curve_db);

/* RMS of a curve over [low_hz, high_hz], on log frequency, dB. */
double ps_eqmatch_curve_rms(const float *curve_db, double low_hz, double high_hz);

/* The curve's value at hz (linear interpolation on log frequency; the end
   values held outside the grid). */
double ps_eqmatch_curve_at(const float *curve_db, double hz);

/* Filter design ----------------------------------------------------------*/

typedef struct PsEqmatchDesign PsEqmatchDesign;

/* For sample rate `rate` (22050..192000): filters of the power of two of
   taps at least rate / 6 (8192 at 44.1 and 48 kHz, 171 ms), with every
   buffer allocated and planned here.  Not real-time safe. */
int ps_eqmatch_design_init(PsEqmatchDesign **design, double rate);
void ps_eqmatch_design_free(PsEqmatchDesign **design);

size_t ps_eqmatch_design_taps(const PsEqmatchDesign *design);
/* Latency of a phase mode: 0 for minimum phase, taps / 2 for linear. */
size_t ps_eqmatch_design_latency(const PsEqmatchDesign *design, PsEqmatchPhase phase);

/* taps_out[ps_eqmatch_design_taps()] = the filter of curve_db.  No
   allocation, but heavy (FFTs of 4 taps): run it in a worker.  A flat
   curve gives a pure delay of the phase mode's latency, exactly. */
int ps_eqmatch_design(PsEqmatchDesign *design, const float *curve_db, PsEqmatchPhase phase,
                      float *taps_out);

#endif
