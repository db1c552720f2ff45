/* eqmatch_check: scores an EQ-match correction curve against the truth of
   a generated case (see eqmatch_truth.h for the bands and the score).

   usage: eqmatch_check --truth TRUTH.csv --curve CURVE.csv [--max-rms DB]
                        [--max-band DB] [--from HZ] [--to HZ] [--label NAME]
                        [--quiet]

   Prints one line per band and a summary line
     NAME rms X.XX dB max Y.YY dB at F Hz
   Exit status: 0, 1 when a given limit is exceeded, 2 on bad usage or input. */
#include "eqmatch_truth.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
  "usage: eqmatch_check --truth TRUTH.csv --curve CURVE.csv [--max-rms DB]\n"
  "                     [--max-band DB] [--from HZ] [--to HZ] [--label NAME]\n"
  "                     [--quiet]\n"
  "Scores a correction curve ('hz,db', log-spaced points) against a truth\n"
  "('band_hz,truth_db', the 23 one-third-octave bands 80 Hz..12.5 kHz) from\n"
  "gen_eqmatch.  The curve's band value is the power mean of its points,\n"
  "interpolated linearly in log frequency, over the band; the error is that\n"
  "minus the truth, less the mean of those differences over the bands (the\n"
  "loudness offset).\n"
  "  --max-rms DB    fail (exit 1) when the rms error exceeds DB\n"
  "  --max-band DB   fail (exit 1) when any band's |error| exceeds DB\n"
  "  --from HZ       score from the band of this nominal frequency on (80)\n"
  "  --to HZ         score up to the band of this nominal frequency (12500)\n"
  "  --label NAME    name on the summary line (the curve's file name)\n"
  "  --quiet         the summary line only\n"
  "Exit status 2 on bad usage or unreadable input.\n";

static int
bad(const char *what, const char *value)
{
  fprintf(stderr, "eqmatch_check: %s%s%s (see --help)\n", what, value ? " " : "",
          value ? value : "");
  return 2;
}

static int
parse_limit(const char *text, double *value)
{
  char *end = NULL;
  errno = 0;
  *value = strtod(text, &end);
  return end != text && !*end && !errno && isfinite(*value) && *value >= 0.0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
  const char *truth_path = NULL, *curve_path = NULL, *label = NULL;
  double max_rms = -1.0, max_band = -1.0;
  unsigned first = 0, last = EQM_BANDS - 1;
  int quiet = 0;
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
      fputs(usage, stdout);
      return 0;
    }
    if (!strcmp(arg, "--quiet")) {
      quiet = 1;
      continue;
    }
    const int takes_value = !strcmp(arg, "--truth") || !strcmp(arg, "--curve") ||
                            !strcmp(arg, "--max-rms") || !strcmp(arg, "--max-band") ||
                            !strcmp(arg, "--label") || !strcmp(arg, "--from") ||
                            !strcmp(arg, "--to");
    if (!takes_value) {
      return bad("unknown option", arg);
    }
    if (i + 1 >= argc) {
      return bad("a value is missing after", arg);
    }
    const char *value = argv[++i];
    if (!strcmp(arg, "--truth")) {
      truth_path = value;
    } else if (!strcmp(arg, "--curve")) {
      curve_path = value;
    } else if (!strcmp(arg, "--label")) {
      label = value;
    } else if (!strcmp(arg, "--from") || !strcmp(arg, "--to")) {
      unsigned k = 0;
      while (k < EQM_BANDS && strtol(value, NULL, 10) != eqm_band_nominal_hz(k)) {
        ++k;
      }
      if (k == EQM_BANDS) {
        fprintf(stderr, "eqmatch_check: %s %s: give a band's nominal frequency (80..12500)\n",
                arg, value);
        return 2;
      }
      *(!strcmp(arg, "--from") ? &first : &last) = k;
    } else if (parse_limit(value, !strcmp(arg, "--max-rms") ? &max_rms : &max_band)) {
      fprintf(stderr, "eqmatch_check: %s %s: give a number of dB, 0 or more\n", arg, value);
      return 2;
    }
  }
  if (!truth_path || !curve_path) {
    return bad("give --truth TRUTH.csv and --curve CURVE.csv", NULL);
  }
  if (!label) {
    label = strrchr(curve_path, '/') ? strrchr(curve_path, '/') + 1 : curve_path;
  }

  char err[512] = "";
  EqmTruth truth;
  EqmCurve curve;
  if (eqm_truth_load(truth_path, &truth, err, sizeof(err)) ||
      eqm_curve_load(curve_path, &curve, err, sizeof(err))) {
    fprintf(stderr, "eqmatch_check: %s\n", err);
    return 2;
  }
  EqmScore score;
  const int status =
    eqm_score_bands(&truth, curve.hz, curve.db, curve.n, first, last, &score, err, sizeof(err));
  eqm_curve_free(&curve);
  if (status) {
    fprintf(stderr, "eqmatch_check: %s: %s\n", curve_path, err);
    return 2;
  }

  if (!quiet) {
    printf("%8s %9s %9s %9s   (curve_db less the loudness offset, %+.2f dB)\n", "band_hz",
           "truth_db", "curve_db", "error_db", score.offset_db);
    for (unsigned k = first; k <= last; ++k) {
      printf("%8d %+9.2f %+9.2f %+9.2f\n", eqm_band_nominal_hz(k), truth.db[k],
             score.curve_db[k] - score.offset_db, score.error_db[k]);
    }
  }
  printf("%s rms %.2f dB max %.2f dB at %d Hz\n", label, score.rms_db, score.max_db,
         eqm_band_nominal_hz(score.max_band));
  int failed = 0;
  if (max_rms >= 0.0 && score.rms_db > max_rms) {
    fprintf(stderr, "eqmatch_check: %s: rms error %.3f dB exceeds --max-rms %g\n", label,
            score.rms_db, max_rms);
    failed = 1;
  }
  if (max_band >= 0.0 && score.max_db > max_band) {
    fprintf(stderr, "eqmatch_check: %s: error %.3f dB at %d Hz exceeds --max-band %g\n", label,
            score.max_db, eqm_band_nominal_hz(score.max_band), max_band);
    failed = 1;
  }
  return failed;
}
