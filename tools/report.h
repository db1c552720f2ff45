/* One-page PNG reports for the tool (cairo): stacked panels of waveforms,
   long-term spectra and loudness over time, with a title and lines of
   figures, for `postsync demo` and `postsync report`. */
#ifndef PS_TOOL_REPORT_H
#define PS_TOOL_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#define REPORT_MAX_CURVES 6
#define REPORT_MAX_PANELS 6
#define REPORT_MAX_LINES 16
#define REPORT_NONE (-300.0) /* a value that is no point (and below it) */

typedef enum {
  REPORT_WAVEFORMS, /* each curve a signal, drawn as its min/max envelope in its own lane */
  REPORT_SPECTRA,   /* x: Hz (log, 20 Hz-20 kHz), y: dB */
  REPORT_SERIES,    /* x: seconds, y: values; an optional target line */
} ReportKind;

typedef struct {
  const char *label;
  const double *x;  /* spectra (Hz) and series (s); NULL for waveforms */
  const float *y;   /* waveforms: samples */
  const double *yd; /* spectra and series: values (NaN or REPORT_NONE: no point) */
  size_t n;
  double rate; /* waveforms: sample rate */
} ReportCurve;

typedef struct {
  ReportKind kind;
  const char *title;
  ReportCurve curves[REPORT_MAX_CURVES];
  unsigned n_curves;
  double y_lo, y_hi;  /* spectra and series */
  double y_step;      /* between the value grid's lines */
  double target;      /* series: drawn when has_target */
  bool has_target;
} ReportPanel;

typedef struct {
  const char *title;
  const char *lines[REPORT_MAX_LINES]; /* figures under the title */
  unsigned n_lines;
  ReportPanel panels[REPORT_MAX_PANELS];
  unsigned n_panels;
} Report;

/* Long-term spectra of x on the core's 1/48-octave grid (ltas.h,
   PS_LTAS_BANDS bands): hz[] the bands' centres, speech_db[] over the frames
   the speech detector calls speech, floor_db[] over the others, dB of the
   density, smoothed over +-1/6 octave; -300 where there is none. */
int report_spectra(const float *x, size_t n, double rate, double *hz, double *speech_db,
                   double *floor_db);
/* db[0..n) shifted to a mean of 0 dB over 250 Hz - 4 kHz: spectra of
   different levels compared by shape. */
void report_relative(const double *hz, double *db, size_t n);

/* Draws the report and writes it as a PNG that appears only when complete;
   -1 after a message prefixed by "postsync COMMAND". */
int report_write(const Report *report, const char *path, const char *command);

#endif
