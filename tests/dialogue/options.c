/* The generators' command lines: see options.h. */
#include "options.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

int
dlg_parse_number(const char *text, double lo, double hi, double *value)
{
  char *end = NULL;
  errno = 0;
  const double v = strtod(text, &end);
  if (end == text || *end || errno || !isfinite(v) || v < lo || v > hi) {
    return -1;
  }
  *value = v;
  return 0;
}
