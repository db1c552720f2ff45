/* A small deterministic noise source for the tests (xorshift32). */
#ifndef PS_TEST_RANDOM_H
#define PS_TEST_RANDOM_H

#include <stdint.h>

/* Uniform in [-1, 1); *state must not be 0. */
static inline double
test_noise(uint32_t *state)
{
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return (double)x / 2147483648.0 - 1.0;
}

#endif
