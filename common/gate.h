/* Gating histogram of BS.1770 / EBU Tech 3342 in fixed memory.

   Every block (a 400 ms gating block, or a 3 s short-term value for the
   loudness range) goes into a bin 0.01 LU wide between the absolute gate
   (-70 LUFS) and +30 LUFS.  Each bin keeps the count of its blocks and the
   exact sum of their energies, so the power means behind the relative gate
   and the integrated loudness are exact sums; only a block lying in the same
   0.01 LU bin as the relative threshold can be classed on the wrong side of
   it.  Memory does not grow with duration; counts are 64-bit and sums are
   double precision, so a 24-hour programme loses no precision. */
#ifndef PS_GATE_H
#define PS_GATE_H

#include <stdint.h>

typedef struct PsGate PsGate;

#define PS_GATE_ABSOLUTE_LUFS (-70.0)

/* Loudness (LUFS) of a mean-square energy already weighted across
   channels: -0.691 + 10 log10(energy); -HUGE_VAL for zero energy. */
double ps_energy_to_lufs(double energy);
double ps_lufs_to_energy(double lufs);

int ps_gate_init(PsGate **gate);
void ps_gate_reset(PsGate *gate);
void ps_gate_free(PsGate **gate);

/* Adds one block of the given energy; blocks at or below the absolute gate
   are not counted.  Real-time safe. */
void ps_gate_add(PsGate *gate, double energy);

/* Number of blocks above the absolute gate. */
uint64_t ps_gate_count(const PsGate *gate);

/* Power mean (LUFS) of the blocks above the absolute gate and above the
   relative gate `relative_lu` (e.g. -10) below the power mean of the blocks
   above the absolute gate: BS.1770 integrated loudness.  -HUGE_VAL when no
   block passes. */
double ps_gate_integrated(const PsGate *gate, double relative_lu);

/* Difference between the `high` and `low` quantiles (0..1) of the loudness
   of the blocks above both gates: EBU Tech 3342 loudness range with
   relative_lu = -20, low = 0.10, high = 0.95.  0 when no block passes. */
double ps_gate_range(const PsGate *gate, double relative_lu, double low, double high);

#endif
