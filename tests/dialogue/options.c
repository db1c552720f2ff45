/* The generators' command lines: see options.h. */
#include "options.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
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

int
dlg_fail(const char *program, int status, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  fprintf(stderr, "%s: ", program);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  return status;
}
