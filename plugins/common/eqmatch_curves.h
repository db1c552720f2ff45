/* What the EQ-match plugin shows its UI when the UI may reach it
   (lv2:instance-access and lv2:data-access): the long-term speech spectra
   of the reference and of the take, and the correction in effect, on the
   core's 1/48-octave grid (ltas.h).  A private extension of Postsync. */
#ifndef PS_PLUGIN_EQMATCH_CURVES_H
#define PS_PLUGIN_EQMATCH_CURVES_H

#include <lv2/core/lv2.h>

#include <stdbool.h>

#define PS_EQMATCH_CURVES_URI "urn:postsync:eqmatch#curves"
#define PS_EQMATCH_CURVE_BANDS 481 /* PS_LTAS_BANDS */

typedef struct {
  /* ref_db, take_db: the spectra, dB relative to their own 250 Hz - 4 kHz
     mean, smoothed over 1/12 octave, -300 where nothing was learned;
     correction_db: the curve in effect (0 when none); hz: the bands'
     centres.  False when the plugin's data could not be read.  Not
     real-time safe (the UI's thread). */
  bool (*curves)(LV2_Handle instance, float *hz, float *ref_db, float *take_db,
                 float *correction_db);
} PsEqmatchCurves;

#endif
