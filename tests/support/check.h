/* Minimal checking for the C tests: every check prints one line, the
   program exits 1 if any failed.  Asserts stay on in release builds. */
#ifndef PS_TEST_CHECK_H
#define PS_TEST_CHECK_H

#include <stdio.h>

extern int check_failures;
extern int check_count;

/* Counts a check; prints it when it fails, or always when `verbose`. */
#define CHECK_IMPL(verbose, cond, ...)                                    \
  do {                                                                    \
    const int check_ok_ = (cond) ? 1 : 0;                                 \
    ++check_count;                                                        \
    if (!check_ok_) {                                                     \
      ++check_failures;                                                   \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);                         \
    } else if (verbose) {                                                 \
      printf("ok   ");                                                    \
    }                                                                     \
    if (!check_ok_ || (verbose)) {                                        \
      printf(__VA_ARGS__);                                                \
      printf("\n");                                                       \
    }                                                                     \
  } while (0)

/* Silent when it passes. */
#define CHECKF(cond, ...) CHECK_IMPL(0, cond, __VA_ARGS__)
/* Logs a passing check too. */
#define CHECKV(cond, ...) CHECK_IMPL(1, cond, __VA_ARGS__)

int check_summary(const char *what);

#endif
