/* Minimal checking for the C tests: every check prints one line, the
   program exits 1 if any failed.  Asserts stay on in release builds. */
#ifndef PS_TEST_CHECK_H
#define PS_TEST_CHECK_H

#include <stdio.h>

extern int check_failures;
extern int check_count;

#define CHECKF(cond, ...)                   \
  do {                                      \
    ++check_count;                          \
    if (!(cond)) {                          \
      ++check_failures;                     \
      printf("FAIL %s:%d: ", __FILE__, __LINE__); \
      printf(__VA_ARGS__);                  \
      printf("\n");                         \
    }                                       \
  } while (0)

/* Logs a passing check too. */
#define CHECKV(cond, ...)                              \
  do {                                                 \
    ++check_count;                                     \
    if (!(cond)) {                                     \
      ++check_failures;                                \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);      \
      printf(__VA_ARGS__);                             \
      printf("\n");                                    \
    } else {                                           \
      printf("ok   ");                                 \
      printf(__VA_ARGS__);                             \
      printf("\n");                                    \
    }                                                  \
  } while (0)

int check_summary(const char *what);

#endif
