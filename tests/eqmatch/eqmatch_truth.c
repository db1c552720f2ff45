/* Score of an EQ-match curve against its truth (see eqmatch_truth.h). */
#include "eqmatch_truth.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { POINTS_PER_BAND = 256, LINE_SIZE = 512, MAX_POINTS = 1 << 22 };

static const int nominal_hz[EQM_BANDS] = {
  80,   100,  125,  160,  200,  250,  315,  400,  500,  630,   800,   1000,
  1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500,
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
set_error(char *err, size_t size, const char *format, ...)
{
  if (!err || !size) {
    return;
  }
  va_list args;
  va_start(args, format);
  vsnprintf(err, size, format, args);
  va_end(args);
}

int
eqm_band_nominal_hz(unsigned k)
{
  return k < EQM_BANDS ? nominal_hz[k] : 0;
}

double
eqm_band_centre_hz(unsigned k)
{
  return 1000.0 * pow(10.0, ((double)k - 11.0) / 10.0);
}

void
eqm_band_edges(unsigned k, double *lo, double *hi)
{
  const double centre = eqm_band_centre_hz(k);
  const double half = pow(10.0, 1.0 / 20.0);
  *lo = centre / half;
  *hi = centre * half;
}

/* --- reading CSV ---------------------------------------------------------- */

/* The next line that is neither blank nor a '#' comment, without its line
   end and surrounding blanks; 1 when found, 0 at the end, -1 on a read error
   or a line too long. */
static int
next_line(FILE *file, char *line, size_t size, long *number)
{
  while (fgets(line, (int)size, file)) {
    ++*number;
    size_t len = strlen(line);
    if (len + 1 == size && line[len - 1] != '\n' && !feof(file)) {
      return -1;
    }
    while (len && strchr(" \t\r\n", line[len - 1])) {
      line[--len] = '\0';
    }
    size_t start = 0;
    while (line[start] == ' ' || line[start] == '\t') {
      ++start;
    }
    memmove(line, line + start, len - start + 1);
    if (*line && *line != '#') {
      return 1;
    }
  }
  return ferror(file) ? -1 : 0;
}

/* Parses "A,B" (blanks allowed around both) into two finite numbers. */
static int
parse_pair(const char *line, double *a, double *b)
{
  char *end = NULL;
  errno = 0;
  *a = strtod(line, &end);
  if (end == line || errno || !isfinite(*a)) {
    return -1;
  }
  while (*end == ' ' || *end == '\t') {
    ++end;
  }
  if (*end != ',') {
    return -1;
  }
  const char *second = end + 1;
  *b = strtod(second, &end);
  if (end == second || errno || !isfinite(*b)) {
    return -1;
  }
  while (*end == ' ' || *end == '\t') {
    ++end;
  }
  return *end ? -1 : 0;
}

/* Compares a header with blanks around the comma ignored. */
static int
is_header(const char *line, const char *first, const char *second)
{
  const size_t n1 = strlen(first);
  if (strncmp(line, first, n1)) {
    return 0;
  }
  line += n1;
  while (*line == ' ' || *line == '\t') {
    ++line;
  }
  if (*line++ != ',') {
    return 0;
  }
  while (*line == ' ' || *line == '\t') {
    ++line;
  }
  return !strcmp(line, second);
}

int
eqm_truth_load(const char *path, EqmTruth *truth, char *err, size_t err_size)
{
  FILE *file = fopen(path, "r");
  if (!file) {
    set_error(err, err_size, "cannot read %s: %s", path, strerror(errno));
    return EQM_ERR_IO;
  }
  char line[LINE_SIZE];
  long number = 0;
  int status = EQM_OK;
  int got = next_line(file, line, sizeof(line), &number);
  if (got < 0) {
    set_error(err, err_size, "%s:%ld: cannot read the line", path, number);
    status = EQM_ERR_IO;
  } else if (!got || !is_header(line, "band_hz", "truth_db")) {
    set_error(err, err_size, "%s:%ld: expected the header 'band_hz,truth_db'", path, number);
    status = EQM_ERR_FORMAT;
  }
  for (unsigned k = 0; k < EQM_BANDS && !status; ++k) {
    double hz = 0.0, db = 0.0;
    got = next_line(file, line, sizeof(line), &number);
    if (got <= 0) {
      set_error(err, err_size, "%s: %s after %u of %d bands", path,
                got < 0 ? "read error" : "the file ends", k, EQM_BANDS);
      status = got < 0 ? EQM_ERR_IO : EQM_ERR_FORMAT;
    } else if (parse_pair(line, &hz, &db)) {
      set_error(err, err_size, "%s:%ld: expected 'band_hz,truth_db' with two finite numbers",
                path, number);
      status = EQM_ERR_FORMAT;
    } else if (hz != (double)nominal_hz[k]) {
      set_error(err, err_size, "%s:%ld: band %g Hz where %d Hz was expected", path, number, hz,
                nominal_hz[k]);
      status = EQM_ERR_FORMAT;
    } else {
      truth->db[k] = db;
    }
  }
  if (!status) {
    got = next_line(file, line, sizeof(line), &number);
    if (got) {
      set_error(err, err_size, "%s:%ld: %s after the %d bands", path, number,
                got < 0 ? "read error" : "unexpected line", EQM_BANDS);
      status = got < 0 ? EQM_ERR_IO : EQM_ERR_FORMAT;
    }
  }
  fclose(file);
  return status;
}

int
eqm_truth_write(FILE *file, const EqmTruth *truth)
{
  fputs("band_hz,truth_db\n", file);
  for (unsigned k = 0; k < EQM_BANDS; ++k) {
    const double db = fabs(truth->db[k]) < 0.00005 ? 0.0 : truth->db[k];
    fprintf(file, "%d,%.4f\n", nominal_hz[k], db);
  }
  return ferror(file) ? EQM_ERR_IO : EQM_OK;
}

void
eqm_curve_free(EqmCurve *curve)
{
  free(curve->hz);
  free(curve->db);
  memset(curve, 0, sizeof(*curve));
}

int
eqm_curve_load(const char *path, EqmCurve *curve, char *err, size_t err_size)
{
  memset(curve, 0, sizeof(*curve));
  FILE *file = fopen(path, "r");
  if (!file) {
    set_error(err, err_size, "cannot read %s: %s", path, strerror(errno));
    return EQM_ERR_IO;
  }
  char line[LINE_SIZE];
  long number = 0;
  int status = EQM_OK;
  int got = next_line(file, line, sizeof(line), &number);
  if (got < 0) {
    set_error(err, err_size, "%s:%ld: cannot read the line", path, number);
    status = EQM_ERR_IO;
  } else if (!got || !is_header(line, "hz", "db")) {
    set_error(err, err_size, "%s:%ld: expected the header 'hz,db'", path, number);
    status = EQM_ERR_FORMAT;
  }
  size_t capacity = 0;
  while (!status && (got = next_line(file, line, sizeof(line), &number)) > 0) {
    double hz = 0.0, db = 0.0;
    if (parse_pair(line, &hz, &db)) {
      set_error(err, err_size, "%s:%ld: expected 'hz,db' with two finite numbers", path, number);
      status = EQM_ERR_FORMAT;
      break;
    }
    if (curve->n == capacity) {
      if (capacity >= MAX_POINTS) {
        set_error(err, err_size, "%s: more than %d points", path, MAX_POINTS);
        status = EQM_ERR_FORMAT;
        break;
      }
      capacity = capacity ? 2 * capacity : 1024;
      double *grown_hz = (double *)realloc(curve->hz, capacity * sizeof(double));
      if (grown_hz) {
        curve->hz = grown_hz;
      }
      double *grown_db = (double *)realloc(curve->db, capacity * sizeof(double));
      if (grown_db) {
        curve->db = grown_db;
      }
      if (!grown_hz || !grown_db) {
        set_error(err, err_size, "out of memory");
        status = EQM_ERR_NOMEM;
        break;
      }
    }
    curve->hz[curve->n] = hz;
    curve->db[curve->n] = db;
    ++curve->n;
  }
  if (!status && got < 0) {
    set_error(err, err_size, "%s:%ld: cannot read the line", path, number);
    status = EQM_ERR_IO;
  }
  fclose(file);
  if (!status) {
    char why[256] = "";
    status = eqm_curve_bands(curve->hz, curve->db, curve->n, NULL, why, sizeof(why));
    if (status) {
      set_error(err, err_size, "%s: %s", path, why);
    }
  }
  if (status) {
    eqm_curve_free(curve);
  }
  return status;
}

/* --- band values ---------------------------------------------------------- */

/* db of the curve at log frequency lf, interpolated linearly in log
   frequency; *at is a search hint, the index of the segment used last. */
static double
curve_at(const double *lhz, const double *db, size_t n, double lf, size_t *at)
{
  if (lf <= lhz[0]) {
    return db[0];
  }
  if (lf >= lhz[n - 1]) {
    return db[n - 1];
  }
  size_t i = *at < n - 1 ? *at : 0;
  if (lhz[i] > lf) {
    i = 0;
  }
  while (lhz[i + 1] < lf) {
    ++i;
  }
  *at = i;
  const double t = (lf - lhz[i]) / (lhz[i + 1] - lhz[i]);
  return db[i] + t * (db[i + 1] - db[i]);
}

int
eqm_curve_bands(const double *hz, const double *db, size_t n, double band_db[EQM_BANDS],
                char *err, size_t err_size)
{
  if (n < 2) {
    set_error(err, err_size, "a curve needs at least 2 points, it has %zu", n);
    return EQM_ERR_FORMAT;
  }
  for (size_t i = 0; i < n; ++i) {
    if (!isfinite(hz[i]) || !isfinite(db[i]) || !(hz[i] > 0.0)) {
      set_error(err, err_size, "point %zu (%g Hz, %g dB) is not a finite positive frequency "
                "with a finite level", i + 1, hz[i], db[i]);
      return EQM_ERR_FORMAT;
    }
    if (i && !(hz[i] > hz[i - 1])) {
      set_error(err, err_size, "frequencies must increase: point %zu at %g Hz follows %g Hz",
                i + 1, hz[i], hz[i - 1]);
      return EQM_ERR_FORMAT;
    }
  }
  double lo = 0.0, hi = 0.0, last_lo = 0.0, last_hi = 0.0;
  eqm_band_edges(0, &lo, &hi);
  eqm_band_edges(EQM_BANDS - 1, &last_lo, &last_hi);
  if (hz[0] >= hi || hz[n - 1] <= last_lo) {
    set_error(err, err_size, "the curve spans %g to %g Hz; it must start below %.1f Hz and end "
              "above %.1f Hz to reach every band", hz[0], hz[n - 1], hi, last_lo);
    return EQM_ERR_RANGE;
  }
  if (!band_db) {
    return EQM_OK;
  }
  double *lhz = (double *)malloc(n * sizeof(double));
  if (!lhz) {
    set_error(err, err_size, "out of memory");
    return EQM_ERR_NOMEM;
  }
  for (size_t i = 0; i < n; ++i) {
    lhz[i] = log(hz[i]);
  }
  size_t at = 0;
  for (unsigned k = 0; k < EQM_BANDS; ++k) {
    eqm_band_edges(k, &lo, &hi);
    const double llo = log(lo), step = (log(hi) - llo) / POINTS_PER_BAND;
    double sum = 0.0;
    for (int p = 0; p < POINTS_PER_BAND; ++p) {
      const double value = curve_at(lhz, db, n, llo + ((double)p + 0.5) * step, &at);
      sum += pow(10.0, value / 10.0);
    }
    band_db[k] = 10.0 * log10(sum / POINTS_PER_BAND);
  }
  free(lhz);
  return EQM_OK;
}

int
eqm_score(const EqmTruth *truth, const double *hz, const double *db, size_t n, EqmScore *score,
          char *err, size_t err_size)
{
  return eqm_score_bands(truth, hz, db, n, 0, EQM_BANDS - 1, score, err, err_size);
}

int
eqm_score_bands(const EqmTruth *truth, const double *hz, const double *db, size_t n,
                unsigned first, unsigned last, EqmScore *score, char *err, size_t err_size)
{
  memset(score, 0, sizeof(*score));
  if (first > last || last >= EQM_BANDS) {
    set_error(err, err_size, "bands %u..%u out of 0..%d", first, last, EQM_BANDS - 1);
    return EQM_ERR_RANGE;
  }
  const int status = eqm_curve_bands(hz, db, n, score->curve_db, err, err_size);
  if (status) {
    return status;
  }
  const double count = (double)(last - first + 1);
  double mean = 0.0;
  for (unsigned k = first; k <= last; ++k) {
    mean += score->curve_db[k] - truth->db[k];
  }
  mean /= count;
  score->offset_db = mean;
  score->max_band = first;
  double sum = 0.0;
  for (unsigned k = first; k <= last; ++k) {
    const double e = score->curve_db[k] - truth->db[k] - mean;
    score->error_db[k] = e;
    sum += e * e;
    if (fabs(e) > score->max_db) {
      score->max_db = fabs(e);
      score->max_band = k;
    }
  }
  score->rms_db = sqrt(sum / count);
  return EQM_OK;
}
