#include "gate.h"

#include "ps_status.h"

#include <math.h>
#include <stdlib.h>

#define BIN_WIDTH_LU 0.01
#define TOP_LUFS 30.0
#define N_BINS 10000 /* (TOP_LUFS - PS_GATE_ABSOLUTE_LUFS) / BIN_WIDTH_LU */

/* BS.1770 block loudness offset, dB */
#define LUFS_OFFSET (-0.691)

typedef struct {
  uint64_t count;
  double energy; /* sum of the energies of the blocks in this bin */
} Bin;

struct PsGate {
  Bin bins[N_BINS];
  uint64_t count;
  double energy;
  int lowest; /* occupied bin range, empty when lowest > highest */
  int highest;
};

double
ps_energy_to_lufs(double energy)
{
  return energy > 0.0 ? LUFS_OFFSET + 10.0 * log10(energy) : -HUGE_VAL;
}

double
ps_lufs_to_energy(double lufs)
{
  return pow(10.0, (lufs - LUFS_OFFSET) / 10.0);
}

int
ps_gate_init(PsGate **gate)
{
  if (!gate) {
    return PS_ERR_ARG;
  }
  /* calloc: every bin starts empty, so reset need only clear what it used */
  *gate = (PsGate *)calloc(1, sizeof(PsGate));
  if (!*gate) {
    return PS_ERR_NOMEM;
  }
  (*gate)->lowest = N_BINS;
  (*gate)->highest = -1;
  return PS_OK;
}

/* Real-time safe: clears only the occupied range (a plugin resets from its
   audio thread). */
void
ps_gate_reset(PsGate *gate)
{
  for (int i = gate->lowest; i <= gate->highest; ++i) {
    gate->bins[i].count = 0;
    gate->bins[i].energy = 0.0;
  }
  gate->count = 0;
  gate->energy = 0.0;
  gate->lowest = N_BINS;
  gate->highest = -1;
}

void
ps_gate_free(PsGate **gate)
{
  if (gate) {
    free(*gate);
    *gate = NULL;
  }
}

void
ps_gate_add(PsGate *gate, double energy)
{
  const double lufs = ps_energy_to_lufs(energy);
  if (!(lufs > PS_GATE_ABSOLUTE_LUFS) || !isfinite(energy)) {
    return;
  }
  double pos = (lufs - PS_GATE_ABSOLUTE_LUFS) / BIN_WIDTH_LU;
  int i = pos < (double)(N_BINS - 1) ? (int)pos : N_BINS - 1;
  gate->bins[i].count += 1;
  gate->bins[i].energy += energy;
  gate->count += 1;
  gate->energy += energy;
  if (i < gate->lowest) {
    gate->lowest = i;
  }
  if (i > gate->highest) {
    gate->highest = i;
  }
}

uint64_t
ps_gate_count(const PsGate *gate)
{
  return gate->count;
}

/* First bin whose blocks pass the relative gate.  A bin passes when the
   power mean of its blocks lies above the threshold, so the bin holding the
   threshold is classed as a whole by its own mean. */
static int
first_passing_bin(const PsGate *gate, double relative_lu)
{
  const double mean = gate->energy / (double)gate->count;
  const double threshold = ps_energy_to_lufs(mean) + relative_lu;
  const double threshold_energy = ps_lufs_to_energy(threshold);
  int i = gate->lowest;
  while (i <= gate->highest) {
    const Bin *b = &gate->bins[i];
    if (b->count && b->energy > threshold_energy * (double)b->count) {
      break;
    }
    ++i;
  }
  return i;
}

double
ps_gate_integrated(const PsGate *gate, double relative_lu)
{
  if (!gate->count) {
    return -HUGE_VAL;
  }
  uint64_t count = 0;
  double energy = 0.0;
  for (int i = first_passing_bin(gate, relative_lu); i <= gate->highest; ++i) {
    count += gate->bins[i].count;
    energy += gate->bins[i].energy;
  }
  return count ? ps_energy_to_lufs(energy / (double)count) : -HUGE_VAL;
}

/* Loudness of the block of rank `rank` (0-based, ascending) from `first`. */
static double
quantile_lufs(const PsGate *gate, int first, uint64_t rank)
{
  uint64_t seen = 0;
  for (int i = first; i <= gate->highest; ++i) {
    const Bin *b = &gate->bins[i];
    seen += b->count;
    if (seen > rank) {
      return ps_energy_to_lufs(b->energy / (double)b->count);
    }
  }
  return -HUGE_VAL;
}

double
ps_gate_range(const PsGate *gate, double relative_lu, double low, double high)
{
  if (!gate->count) {
    return 0.0;
  }
  const int first = first_passing_bin(gate, relative_lu);
  uint64_t count = 0;
  for (int i = first; i <= gate->highest; ++i) {
    count += gate->bins[i].count;
  }
  if (count < 2) {
    return 0.0;
  }
  /* nearest rank on the sorted list, as the Tech 3342 reference code */
  const uint64_t lo = (uint64_t)floor((double)(count - 1) * low + 0.5);
  const uint64_t hi = (uint64_t)floor((double)(count - 1) * high + 0.5);
  return quantile_lufs(gate, first, hi) - quantile_lufs(gate, first, lo);
}
