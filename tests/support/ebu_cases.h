/* The EBU Tech 3341 and Tech 3342 test cases that can be synthesised from
   the specifications' text, with the readings they expect. */
#ifndef PS_TEST_EBU_CASES_H
#define PS_TEST_EBU_CASES_H

#include <stddef.h>

#define EBU_MAX_SEGMENTS 64
#define EBU_MAX_CHECKS 4

typedef struct {
  double seconds;
  double level_db; /* peak level of the 1 kHz tone (dBFS); -HUGE_VAL: silence */
} EbuSegment;

typedef enum {
  EBU_INTEGRATED,      /* final integrated loudness */
  EBU_RANGE,           /* final loudness range */
  EBU_MOMENTARY_CONST, /* every momentary value after `after` seconds */
  EBU_SHORTTERM_CONST, /* every short-term value after `after` seconds */
  EBU_MOMENTARY_MAX,   /* max momentary (of the whole signal) */
  EBU_SHORTTERM_MAX,   /* max short-term (of the whole signal) */
  EBU_TRUEPEAK,        /* max true peak */
  /* max momentary / short-term of each tone segment, from its start to the
     start of the next one (cases 11 and 14: bursts in one file) */
  EBU_MOMENTARY_MAX_EACH,
  EBU_SHORTTERM_MAX_EACH,
} EbuMeasure;

typedef struct {
  EbuMeasure measure;
  double want;
  double below; /* tolerance under want */
  double above; /* tolerance over want */
  double after; /* for the _CONST checks: seconds from the start */
} EbuCheck;

typedef enum {
  EBU_TONES,    /* stereo (or mono) 1 kHz tone segments */
  EBU_SURROUND, /* Tech 3341 case 6: 5.0 or 5.1, fixed levels */
  EBU_SINE_TP,  /* true-peak sine at rate / divisor with a phase */
  EBU_MULTI_TP, /* band-limited two-tone with an analytically known peak */
} EbuKind;

typedef struct {
  const char *name; /* "3341-1" */
  const char *description;
  EbuKind kind;
  unsigned channels;
  EbuSegment segments[EBU_MAX_SEGMENTS];
  unsigned n_segments;
  /* EBU_SINE_TP / EBU_MULTI_TP */
  double divisor;
  double phase_deg;
  double tp_level_db;
  EbuCheck checks[EBU_MAX_CHECKS];
  unsigned n_checks;
} EbuCase;

/* All cases; *count receives their number. */
const EbuCase *ebu_cases(size_t *count);
const EbuCase *ebu_case_find(const char *name);

/* Renders a case at `rate` into a new interleaved buffer (free() it);
   returns the frame count, 0 on failure. */
size_t ebu_case_render(const EbuCase *c, double rate, float **frames);

const char *ebu_measure_name(EbuMeasure m);

#endif
