/* The score of an EQ-match correction curve against the known truth of a
   generated case, in the 23 one-third-octave bands from 80 Hz to 12.5 kHz.

   Bands: IEC 61260-1 base-ten, exact centre 1000 * 10^((k - 11) / 10) Hz,
   edges centre * 10^(+-1/20) (within 0.04 % of centre * 2^(+-1/6)), named by
   their nominal centres 80, 100, 125, ..., 12500.  Every band average, of a
   truth or of a curve, is a power mean over log frequency (each log-Hz
   weighs the same).

   Files:
     truth  "band_hz,truth_db", then one line "NOMINAL,DB" per band in order
     curve  "hz,db", then lines "HZ,DB" with HZ strictly increasing
   Blank lines and lines starting with '#' are skipped; CRLF is accepted.

   Score: band values of the curve minus the truth, less their mean (the
   loudness offset, which a correction curve may carry freely); rms and
   largest magnitude over the bands.

   Functions return EQM_OK or a negative EqmStatus, and, when err is not
   NULL, a one-line reason in err. */
#ifndef EQM_TRUTH_H
#define EQM_TRUTH_H

#include <stddef.h>
#include <stdio.h>

enum { EQM_BANDS = 23 };

typedef enum {
  EQM_OK = 0,
  EQM_ERR_IO = -1,     /* the file cannot be opened or read */
  EQM_ERR_FORMAT = -2, /* not the CSV described above */
  EQM_ERR_RANGE = -3,  /* a curve that does not reach every band */
  EQM_ERR_NOMEM = -4,
} EqmStatus;

/* Nominal centre of band k < EQM_BANDS in Hz: 80, 100, ..., 12500. */
int eqm_band_nominal_hz(unsigned k);
/* Exact centre and edges of band k in Hz. */
double eqm_band_centre_hz(unsigned k);
void eqm_band_edges(unsigned k, double *lo, double *hi);

typedef struct {
  double db[EQM_BANDS];
} EqmTruth;

int eqm_truth_load(const char *path, EqmTruth *truth, char *err, size_t err_size);
/* Writes a truth file's text; returns EQM_OK or EQM_ERR_IO. */
int eqm_truth_write(FILE *file, const EqmTruth *truth);

typedef struct {
  double *hz;
  double *db;
  size_t n;
} EqmCurve;

/* Reads a curve file into *curve (free with eqm_curve_free). */
int eqm_curve_load(const char *path, EqmCurve *curve, char *err, size_t err_size);
void eqm_curve_free(EqmCurve *curve);

/* Band values of the curve (hz[i], db[i]), i < n: db interpolated linearly
   in log frequency (held constant beyond the ends) onto 256 points evenly
   spread in log frequency over each band, then 10 log10 of the mean of
   10^(db/10).  The curve must have n >= 2 finite points, hz > 0 strictly
   increasing, and reach into every band: hz[0] below the upper edge of the
   80 Hz band and hz[n-1] above the lower edge of the 12.5 kHz band
   (EQM_ERR_RANGE otherwise). */
int eqm_curve_bands(const double *hz, const double *db, size_t n, double band_db[EQM_BANDS],
                    char *err, size_t err_size);

typedef struct {
  double curve_db[EQM_BANDS]; /* band values of the curve */
  double error_db[EQM_BANDS]; /* curve - truth - offset */
  double offset_db;           /* mean of curve - truth over the bands, removed */
  double rms_db;              /* of error_db */
  double max_db;              /* largest |error_db| */
  unsigned max_band;          /* where it is */
} EqmScore;

/* Scores the curve (hz[i], db[i]), i < n, against the truth. */
int eqm_score(const EqmTruth *truth, const double *hz, const double *db, size_t n,
              EqmScore *score, char *err, size_t err_size);
/* The same over bands first..last only (indices into the 23 bands): the
   offset is their mean, the bands outside get error 0 and do not count. */
int eqm_score_bands(const EqmTruth *truth, const double *hz, const double *db, size_t n,
                    unsigned first, unsigned last, EqmScore *score, char *err,
                    size_t err_size);

#endif
