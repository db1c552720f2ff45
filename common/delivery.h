/* Loudness delivery specifications: target, tolerance and true-peak limit,
   and the verdict of a measurement against one. */
#ifndef PS_DELIVERY_H
#define PS_DELIVERY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
  const char *name;        /* short name for --spec */
  const char *title;       /* what it is called */
  const char *source;      /* the document that sets the numbers */
  double target_lufs;
  double tolerance_lu;     /* integrated must lie within target +- this */
  double truepeak_limit;   /* dBTP, maximum allowed */
  bool dialogue_gated;     /* the target applies to dialogue-gated loudness */
} PsDelivery;

/* Dialogue-gated specs fall back to programme loudness when dialogue is
   under this share of the programme. */
#define PS_DELIVERY_MIN_DIALOGUE 0.15

/* The loudness a spec is judged on: dialogue-gated when it asks for it and
   there is enough dialogue, else the programme's integrated loudness.
   *used_dialogue tells which. */
double ps_delivery_loudness(bool dialogue_gated, double integrated, double dialogue,
                            double speech_share, bool *used_dialogue);

/* The built-in table; *count receives its length. */
const PsDelivery *ps_delivery_table(size_t *count);
const PsDelivery *ps_delivery_find(const char *name);

typedef struct {
  bool loudness_ok;
  bool truepeak_ok;
  bool defined; /* false when nothing was above the gates */
} PsVerdict;

/* `loudness` is what ps_delivery_loudness() chose. */
PsVerdict ps_delivery_verdict(const PsDelivery *spec, double loudness, double truepeak);

#endif
