/* The cases of the EQ-match test material: the chain a production
   recording went through (the reference, A) and the chain of the ADR studio
   (the take, B).  An EQ matcher fed both should find the correction A/B.

   Chains are cascades of RBJ cookbook biquads, designed at the sample rate
   of the material, optionally followed by a seeded room impulse response;
   their exact power responses, and from them the truth of each case, are
   computed here too. */
#ifndef EQM_CASES_H
#define EQM_CASES_H

#include "dsp.h"
#include "eqmatch_truth.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
  EQM_LOWPASS,    /* 2nd order, -3 dB at hz for q = 0.7071 */
  EQM_HIGHPASS,   /* 2nd order */
  EQM_PEAK,       /* gain_db at hz, bandwidth set by q */
  EQM_LOW_SHELF,  /* gain_db at DC, gain_db / 2 at hz */
  EQM_HIGH_SHELF, /* gain_db at Nyquist, gain_db / 2 at hz */
} EqmFilterKind;

typedef struct {
  EqmFilterKind kind;
  double hz;
  double q;
  double gain_db; /* peak and shelves only */
} EqmSection;

enum { EQM_MAX_SECTIONS = 6 };

typedef struct {
  const char *name;
  EqmSection sections[EQM_MAX_SECTIONS];
  unsigned n_sections;
  int room; /* then the small room of eqm_room_impulse */
} EqmChainSpec;

typedef struct {
  const char *name;
  const char *about;
  EqmChainSpec reference; /* A: production mic (and room) */
  double roomtone_db;     /* RMS of the production room tone on the reference, dBFS */
} EqmCase;

/* B: the ADR studio's large-diaphragm mic, the same in every case. */
extern const EqmChainSpec eqm_take_chain;
/* RMS of the studio's room tone on the take, dBFS. */
extern const double eqm_take_roomtone_db;

unsigned eqm_case_count(void);
const EqmCase *eqm_case_at(unsigned index);
const EqmCase *eqm_case_find(const char *name);

/* "peak 220 Hz Q 1.00 +7.0 dB, ..." into out; returns out. */
char *eqm_chain_describe(const EqmChainSpec *spec, char *out, size_t size);

/* RBJ design of one section into f (its state cleared). */
void eqm_section_design(DlgBiquad *f, const EqmSection *s, unsigned rate);
/* |H(e^(i 2 pi hz / rate))|^2 of the biquad f. */
double eqm_biquad_power(const DlgBiquad *f, double hz, double rate);

/* The small room: direct sound, six early reflections 2-25 ms, a noise
   tail with RT60 0.35 s, holding half the energy of the direct sound
   (dlg_room_impulse); depends on the seed and the rate. */
size_t eqm_room_impulse(double **h, unsigned rate, uint64_t seed);

typedef struct {
  DlgBiquad biquads[EQM_MAX_SECTIONS];
  unsigned n_biquads;
  double *ir; /* room, or NULL */
  size_t ir_len;
  unsigned rate;
} EqmChain;

/* Returns 0, or -1 when out of memory. */
int eqm_chain_init(EqmChain *chain, const EqmChainSpec *spec, unsigned rate, uint64_t seed);
/* out[0..n) = the chain applied to in[0..n) from rest (room convolution
   truncated to n samples); in and out may be the same.  Returns 0 or -1. */
int eqm_chain_run(EqmChain *chain, const float *in, float *out, size_t n);
/* power[k] = |H|^2 at k rate / n_fft for k <= n_fft / 2, n_fft = 2^j at
   least the room's length.  Returns 0 or -1. */
int eqm_chain_power(const EqmChain *chain, size_t n_fft, double *power);
void eqm_chain_free(EqmChain *chain);

/* Power responses of both chains of a case on one fine bin grid. */
typedef struct {
  double *reference; /* |A|^2 at bin k, k < n_bins */
  double *take;      /* |B|^2 */
  size_t n_bins;
  double bin_hz;
  unsigned rate;
} EqmResponse;

/* Bins at most 0.25 Hz apart (rate / 2^j).  Returns 0 or -1. */
int eqm_response_init(EqmResponse *r, const EqmCase *c, unsigned rate, uint64_t seed);
void eqm_response_free(EqmResponse *r);

/* 10 log10(mean |A|^2 / mean |B|^2) over [lo, hi) Hz, both means over log
   frequency with the power held constant across each bin. */
double eqm_response_db(const EqmResponse *r, double lo, double hi);
/* The truth: eqm_response_db over each band's edges. */
void eqm_response_truth(const EqmResponse *r, EqmTruth *truth);
/* The true correction on a log grid: hz = 20 * 2^(i / per_octave) up to
   0.45 rate, db = eqm_response_db over hz * 2^(+-1 / (2 per_octave)).
   Returns the number of points (0 when out of memory). */
size_t eqm_response_curve(const EqmResponse *r, unsigned per_octave, double **hz, double **db);

#endif
