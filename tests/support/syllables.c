/* Synthetic syllables: see syllables.h. */
#include "syllables.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

double
syllables_uniform(uint64_t *state)
{
  uint64_t s = *state;
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  *state = s;
  return (double)(s >> 11) / 9007199254740992.0;
}

/* Two-pole resonator at hz, bandwidth bw, applied in place. */
static void
resonate(float *x, size_t n, double hz, double bw, double rate)
{
  const double r = exp(-PI * bw / rate), c = 2.0 * r * cos(2.0 * PI * hz / rate);
  double y1 = 0.0, y2 = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double y = (1.0 - r) * (double)x[i] + c * y1 - r * r * y2;
    y2 = y1;
    y1 = y;
    x[i] = (float)y;
  }
}

static const double vowels[5][2] = {{730, 1090}, {270, 2290}, {530, 1840}, {570, 840}, {300, 870}};

int
syllables_make(float *x, size_t n, double rate, uint64_t *state, unsigned char *voiced)
{
  float *part = (float *)calloc(n, sizeof(float));
  if (!part) {
    return -1;
  }
  const size_t hop = (size_t)lround(rate / 100.0);
  memset(x, 0, n * sizeof(float));
  size_t at = (size_t)(0.4 * rate);
  while (at + (size_t)(0.5 * rate) < n) {
    const size_t len = (size_t)((0.12 + 0.18 * syllables_uniform(state)) * rate);
    const double f0 = 110.0 + 70.0 * syllables_uniform(state);
    const int v = (int)(syllables_uniform(state) * 5.0) % 5;
    memset(part, 0, len * sizeof(float));
    double phase = 0.0;
    for (size_t i = 0; i < len; ++i) {
      phase += f0 * (1.0 + 0.05 * sin(2.0 * PI * 4.0 * (double)i / rate)) / rate;
      phase -= floor(phase);
      part[i] = (float)(phase < 0.05 ? 1.0 : 0.0); /* a pulse train */
    }
    resonate(part, len, vowels[v][0], 90.0, rate);
    resonate(part, len, vowels[v][1], 120.0, rate);
    for (size_t i = 0; i < len; ++i) {
      const double env = sin(PI * (double)i / (double)len);
      x[at + i] += (float)(2.0 * env * (double)part[i]);
    }
    if (voiced) {
      for (size_t f = at / hop; f < (at + len) / hop; ++f) {
        voiced[f] = 1;
      }
    }
    at += len + (size_t)((0.05 + 0.25 * syllables_uniform(state)) * rate);
  }
  double peak = 0.0;
  for (size_t i = 0; i < n; ++i) {
    peak = fmax(peak, fabs((double)x[i]));
  }
  for (size_t i = 0; i < n; ++i) {
    x[i] = (float)((double)x[i] * 0.3 / peak + 0.001 * (syllables_uniform(state) - 0.5));
  }
  free(part);
  return 0;
}
