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
} PsDelivery;

/* The built-in table; *count receives its length. */
const PsDelivery *ps_delivery_table(size_t *count);
const PsDelivery *ps_delivery_find(const char *name);

typedef struct {
  bool loudness_ok;
  bool truepeak_ok;
  bool defined; /* false when nothing was above the gates */
} PsVerdict;

PsVerdict ps_delivery_verdict(const PsDelivery *spec, double integrated, double truepeak);

#endif
