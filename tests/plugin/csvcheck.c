/* csvcheck: checks a pshost --log file independently of pshost.

   usage: csvcheck FILE ROWS STEP_MS
   The header must start with time_s and name at least one column; there
   must be ROWS data rows, row k (from 1) at k * STEP_MS ms within 0.1 ms,
   each with as many finite numbers as the header has columns. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
fail(const char *path, long line, const char *what)
{
  fprintf(stderr, "csvcheck: %s:%ld: %s\n", path, line, what);
  return 1;
}

static size_t
count_fields(const char *line)
{
  size_t n = 1;
  for (const char *c = line; *c; ++c) {
    n += *c == ',';
  }
  return n;
}

int
main(int argc, char **argv)
{
  if (argc != 4) {
    fputs("usage: csvcheck FILE ROWS STEP_MS\n", stderr);
    return 2;
  }
  const char *path = argv[1];
  const long rows = strtol(argv[2], NULL, 10);
  const double step_s = strtod(argv[3], NULL) / 1000.0;
  FILE *file = fopen(path, "r");
  if (!file) {
    fprintf(stderr, "csvcheck: cannot open %s\n", path);
    return 2;
  }

  char line[8192];
  long number = 0;
  int status = 0;
  size_t columns = 0;
  if (!fgets(line, sizeof(line), file)) {
    status = fail(path, 1, "empty file");
  } else {
    line[strcspn(line, "\r\n")] = '\0';
    columns = count_fields(line);
    if (strncmp(line, "time_s,", 7) || columns < 2) {
      status = fail(path, 1, "header is not time_s,<symbol>,...");
    }
  }
  while (!status && fgets(line, sizeof(line), file)) {
    ++number;
    line[strcspn(line, "\r\n")] = '\0';
    if (count_fields(line) != columns) {
      status = fail(path, number + 1, "wrong number of fields");
      break;
    }
    char *cursor = line;
    for (size_t f = 0; f < columns; ++f) {
      char *end = NULL;
      const double value = strtod(cursor, &end);
      if (end == cursor || (*end != ',' && *end != '\0') || !isfinite(value)) {
        status = fail(path, number + 1, "a field is not a finite number");
        break;
      }
      if (f == 0 && fabs(value - (double)number * step_s) > 1e-4) {
        status = fail(path, number + 1, "time is off the grid");
        break;
      }
      cursor = end + 1;
    }
  }
  fclose(file);
  if (!status && number != rows) {
    fprintf(stderr, "csvcheck: %s: %ld rows, expected %ld\n", path, number, rows);
    status = 1;
  }
  return status;
}
