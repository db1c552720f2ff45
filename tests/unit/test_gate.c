/* The fixed-memory gating histogram against exact gating on the full list
   of block loudnesses, for BS.1770 integrated loudness and Tech 3342 LRA. */
#include "check.h"
#include "gate.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

static uint64_t state = 88172645463325252ull;

static double
uniform(void)
{
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return (double)(state >> 11) / 9007199254740992.0;
}

static int
by_value(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Exact gating on the list: energies e[0..n). */
static double
exact_integrated(const double *e, size_t n, double rel, double *lra, double lo, double hi)
{
  double sum = 0.0;
  size_t count = 0;
  for (size_t i = 0; i < n; ++i) {
    if (ps_energy_to_lufs(e[i]) > PS_GATE_ABSOLUTE_LUFS) {
      sum += e[i];
      ++count;
    }
  }
  const double threshold = ps_energy_to_lufs(sum / (double)count) + rel;
  double *kept = (double *)malloc(n * sizeof(double));
  size_t k = 0;
  sum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double l = ps_energy_to_lufs(e[i]);
    if (l > PS_GATE_ABSOLUTE_LUFS && l > threshold) {
      sum += e[i];
      kept[k++] = l;
    }
  }
  qsort(kept, k, sizeof(double), by_value);
  *lra = kept[(size_t)floor((double)(k - 1) * hi + 0.5)] -
         kept[(size_t)floor((double)(k - 1) * lo + 0.5)];
  free(kept);
  return ps_energy_to_lufs(sum / (double)k);
}

static void
compare(const char *what, size_t n, double lo_lufs, double hi_lufs, int two_modes)
{
  double *e = (double *)malloc(n * sizeof(double));
  PsGate *g = NULL;
  CHECKF(ps_gate_init(&g) == 0, "init");
  for (size_t i = 0; i < n; ++i) {
    double l = lo_lufs + (hi_lufs - lo_lufs) * uniform();
    if (two_modes && (i / 3000) % 2) {
      l -= 25.0; /* quiet scenes: the relative gate has work to do */
    }
    e[i] = ps_lufs_to_energy(l);
    ps_gate_add(g, e[i]);
  }
  double lra_exact;
  const double i_exact = exact_integrated(e, n, -10.0, &lra_exact, 0.10, 0.95);
  const double i_hist = ps_gate_integrated(g, -10.0);
  CHECKV(fabs(i_hist - i_exact) <= 0.01,
         "%s: integrated %.5f vs exact %.5f LUFS (diff %.2e, limit 0.01 LU)", what, i_hist,
         i_exact, fabs(i_hist - i_exact));
  double lra_exact20;
  exact_integrated(e, n, -20.0, &lra_exact20, 0.10, 0.95);
  const double lra_hist = ps_gate_range(g, -20.0, 0.10, 0.95);
  CHECKV(fabs(lra_hist - lra_exact20) <= 0.02,
         "%s: range %.4f vs exact %.4f LU (limit 0.02 LU)", what, lra_hist, lra_exact20);
  ps_gate_free(&g);
  CHECKF(!g, "free clears the pointer");
  free(e);
}

int
main(void)
{
  compare("1 hour of speech-like blocks", 36000, -45.0, -15.0, 1);
  compare("24 hours of blocks", 864000, -80.0, 0.0, 1);
  compare("blocks around the absolute gate", 20000, -75.0, -60.0, 0);

  /* 24 hours of one steady level: no drift in the sums */
  PsGate *g = NULL;
  ps_gate_init(&g);
  const double e = ps_lufs_to_energy(-23.0);
  for (int i = 0; i < 864000; ++i) {
    ps_gate_add(g, e);
  }
  CHECKV(fabs(ps_gate_integrated(g, -10.0) + 23.0) < 1e-9,
         "24 h at -23 LUFS reads %.12f", ps_gate_integrated(g, -10.0));
  CHECKV(ps_gate_count(g) == 864000, "864000 blocks counted");
  ps_gate_add(g, NAN);
  ps_gate_add(g, INFINITY);
  ps_gate_add(g, 0.0);
  ps_gate_add(g, ps_lufs_to_energy(-70.0));
  CHECKV(ps_gate_count(g) == 864000, "non-finite, silent and gated blocks are not counted");
  ps_gate_reset(g);
  CHECKV(ps_gate_count(g) == 0 && isinf(ps_gate_integrated(g, -10.0)), "reset empties");
  CHECKV(ps_gate_range(g, -20.0, 0.1, 0.95) == 0.0, "empty range is 0");
  ps_gate_free(&g);
  return check_summary("test_gate");
}
