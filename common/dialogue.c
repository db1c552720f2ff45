#include "dialogue.h"

#include "gate.h"
#include "ps_status.h"
#include "speech.h"

#include <math.h>
#include <stdlib.h>

#define BLOCK_FRAMES 40 /* 400 ms of 10 ms frames */
#define PENDING 32

typedef struct {
  double energy;
  uint64_t end_frame;
} Block;

struct PsDialogue {
  PsSpeech *speech;
  PsGate *gate;
  Block pending[PENDING];
  unsigned n_pending;
  unsigned first_pending;
  uint64_t counted_to; /* frames decided and counted */
  uint64_t frames_counted;
  uint64_t speech_frames;
  double loudness; /* cached power mean, recomputed after a block is added */
  bool dirty;
};

int
ps_dialogue_init(PsDialogue **out, double rate, unsigned channels)
{
  if (!out) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  PsDialogue *d = (PsDialogue *)calloc(1, sizeof(PsDialogue));
  if (!d) {
    return PS_ERR_NOMEM;
  }
  int st = ps_speech_init(&d->speech, rate, channels);
  if (!st) {
    st = ps_gate_init(&d->gate);
  }
  if (st) {
    ps_dialogue_free(&d);
    return st;
  }
  d->loudness = -HUGE_VAL;
  *out = d;
  return PS_OK;
}

void
ps_dialogue_reset(PsDialogue *d)
{
  ps_speech_reset(d->speech);
  ps_gate_reset(d->gate);
  d->n_pending = 0;
  d->first_pending = 0;
  d->counted_to = 0;
  d->frames_counted = 0;
  d->speech_frames = 0;
  d->loudness = -HUGE_VAL;
  d->dirty = false;
}

void
ps_dialogue_free(PsDialogue **pd)
{
  if (!pd || !*pd) {
    return;
  }
  ps_speech_free(&(*pd)->speech);
  ps_gate_free(&(*pd)->gate);
  free(*pd);
  *pd = NULL;
}

/* Classes the blocks whose frames are all decided. */
static void
resolve(PsDialogue *d)
{
  const uint64_t decided = ps_speech_frames(d->speech);
  while (d->n_pending) {
    const Block *b = &d->pending[d->first_pending];
    if (b->end_frame > decided) {
      break;
    }
    unsigned speech = 0;
    const uint64_t start = b->end_frame >= BLOCK_FRAMES ? b->end_frame - BLOCK_FRAMES : 0;
    for (uint64_t k = start; k < b->end_frame; ++k) {
      speech += ps_speech_decision(d->speech, k, NULL);
    }
    if (2 * speech >= BLOCK_FRAMES) {
      ps_gate_add(d->gate, b->energy);
      d->dirty = true;
    }
    d->first_pending = (d->first_pending + 1) % PENDING;
    --d->n_pending;
  }
}

void
ps_dialogue_process(PsDialogue *d, const float *const *channels, size_t n, bool counting)
{
  ps_speech_process(d->speech, channels, n);
  const uint64_t decided = ps_speech_frames(d->speech);
  for (; d->counted_to < decided; ++d->counted_to) {
    if (counting) {
      ++d->frames_counted;
      d->speech_frames += ps_speech_decision(d->speech, d->counted_to, NULL);
    }
  }
  resolve(d);
}

void
ps_dialogue_add_block(PsDialogue *d, double energy, uint64_t end_frame)
{
  if (d->n_pending == PENDING) {
    /* cannot happen while the detector's look-ahead is under 3 s: drop the
       oldest rather than block */
    d->first_pending = (d->first_pending + 1) % PENDING;
    --d->n_pending;
  }
  Block *b = &d->pending[(d->first_pending + d->n_pending) % PENDING];
  b->energy = energy;
  b->end_frame = end_frame;
  ++d->n_pending;
  resolve(d);
}

double
ps_dialogue_loudness(PsDialogue *d)
{
  /* scanned only when a dialogue block arrived since: a host may read the
     meter every frame */
  if (d->dirty) {
    /* no relative gate: a threshold far below anything */
    d->loudness = ps_gate_integrated(d->gate, -1000.0);
    d->dirty = false;
  }
  return d->loudness;
}

double
ps_dialogue_speech_share(const PsDialogue *d)
{
  return d->frames_counted ? (double)d->speech_frames / (double)d->frames_counted : 0.0;
}

double
ps_dialogue_lookahead(const PsDialogue *d)
{
  return ps_speech_lookahead(d->speech);
}
