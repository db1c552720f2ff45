#include "delivery.h"

#include <math.h>
#include <string.h>

static const PsDelivery table[] = {
  {"ebu", "EBU R128 broadcast", "EBU R 128 (2020) and Tech 3343", -23.0, 0.5, -1.0, false},
  {"ebu-live", "EBU R128 live programmes", "EBU R 128 (2020): +-1 LU where live", -23.0, 1.0,
   -1.0, false},
  {"atsc", "ATSC A/85 (US television)", "ATSC A/85:2013, CALM Act", -24.0, 2.0, -2.0, false},
  {"op59", "Free TV Australia OP-59", "Free TV Australia OP-59 (2018)", -24.0, 1.0, -2.0, false},
  {"arib", "ARIB TR-B32 (Japan)", "ARIB TR-B32 1.9", -24.0, 1.0, -1.0, false},
  {"netflix", "Netflix, dialogue-gated", "Netflix Sound Mix Specifications", -27.0, 2.0, -2.0,
   true},
  {"streaming", "Streaming music platforms", "common -14 LUFS normalisation, -1 dBTP", -14.0,
   1.0, -1.0, false},
};

const PsDelivery *
ps_delivery_table(size_t *count)
{
  *count = sizeof(table) / sizeof(table[0]);
  return table;
}

const PsDelivery *
ps_delivery_find(const char *name)
{
  for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); ++i) {
    if (!strcmp(name, table[i].name)) {
      return &table[i];
    }
  }
  return NULL;
}

double
ps_delivery_loudness(bool dialogue_gated, double integrated, double dialogue,
                     double speech_share, bool *used_dialogue)
{
  const bool use = dialogue_gated && speech_share >= PS_DELIVERY_MIN_DIALOGUE &&
                   isfinite(dialogue);
  if (used_dialogue) {
    *used_dialogue = use;
  }
  return use ? dialogue : integrated;
}

PsVerdict
ps_delivery_verdict(const PsDelivery *spec, double loudness, double truepeak)
{
  PsVerdict v;
  v.defined = isfinite(loudness);
  /* strict comparisons on the unrounded readings */
  v.loudness_ok = v.defined && fabs(loudness - spec->target_lufs) <= spec->tolerance_lu;
  v.truepeak_ok = !(truepeak > spec->truepeak_limit);
  return v;
}
