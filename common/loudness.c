#include "loudness.h"

#include "dialogue.h"
#include "gate.h"
#include "kweight.h"
#include "layout.h"
#include "ps_status.h"
#include "truepeak.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 1024              /* frames handled at once internally */
/* 5 ms fragments: a 400 ms burst is caught within 0.06 dB of its level
   wherever it starts (Tech 3341 cases 13 and 14 allow 0.1) */
#define FRAGMENTS_PER_STEP 20   /* fragments in each 100 ms step */
#define MOMENTARY_FRAGMENTS 80  /* 400 ms */
#define SHORTTERM_FRAGMENTS 600 /* 3 s */
#define INTEGRATED_GATE_LU (-10.0) /* BS.1770-5 relative gate */
#define RANGE_GATE_LU (-20.0)      /* EBU Tech 3342 relative gate */
#define RANGE_LOW 0.10
#define RANGE_HIGH 0.95
#define TINY 1e-30 /* filter state below this is flushed to zero */

typedef struct {
  /* K-weighting state, direct form I: */
  double s1[2]; /* the last two input samples */
  double s2[2]; /* the last two outputs of the shelf */
  double s3[2]; /* the last two outputs of the high-pass */
  double squares; /* sum of squared K-weighted samples in this fragment */
  double weight;
  float samplepeak;
  float *clean; /* sanitised input of the current chunk */
} Channel;

typedef struct {
  double energy; /* weighted sum of squares */
  uint32_t frames;
} Fragment;

typedef struct {
  double energy;
  uint64_t frames;
} Window;

struct PsLoudness {
  double rate;
  uint64_t rate_hz;
  unsigned channels;
  PsKWeight k;
  Channel *ch;
  Channel spare; /* the idle SIMD lane of an odd channel count */
  float *interleave; /* de-interleaving scratch, CHUNK frames */
  PsTruePeak *tp;
  PsGate *gate_i;
  PsGate *gate_lra;
  PsDialogue *dialogue;
  bool dialogue_on;
  unsigned n_speech_channels; /* channels the speech detector hears (not the LFE) */
  unsigned speech_channel[PS_MAX_CHANNELS];
  Fragment ring[SHORTTERM_FRAGMENTS];
  Window win_m; /* sums over the momentary and short-term windows */
  Window win_s;

  uint64_t frames;      /* since reset */
  uint64_t fragments;   /* completed since reset */
  uint64_t fragment_end; /* frame index where the current fragment ends */
  uint64_t measured;    /* frames fed while integrating */
  bool integrating;
  uint64_t since;       /* fragments completed when integrating last began */

  double momentary; /* energies of the latest windows, < 0 while undefined */
  double shortterm;
  double momentary_max;
  double shortterm_max;

  bool dirty;
  double integrated;
  double range;
};

static uint64_t
fragment_boundary(const PsLoudness *m, uint64_t index)
{
  /* fragment k ends at floor(k * rate / 200): exact 400 ms and 3 s windows
     at every rate that is a whole number of Hz divisible by 5, and within a
     sample elsewhere */
  return index * m->rate_hz / (10 * FRAGMENTS_PER_STEP);
}

int
ps_loudness_init(PsLoudness **out, double rate, unsigned channels, const float *weights)
{
  if (!out) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  if (!(rate >= PS_LOUDNESS_MIN_RATE && rate <= PS_LOUDNESS_MAX_RATE)) {
    return PS_ERR_RATE;
  }
  if (!channels || channels > PS_MAX_CHANNELS) {
    return PS_ERR_CHANNELS;
  }
  PsChannelRole roles[PS_MAX_CHANNELS];
  if (!weights && ps_layout_roles(ps_layout_default(channels), channels, roles)) {
    return PS_ERR_CHANNELS;
  }

  PsLoudness *m = (PsLoudness *)calloc(1, sizeof(PsLoudness));
  if (!m) {
    return PS_ERR_NOMEM;
  }
  m->rate = rate;
  m->rate_hz = (uint64_t)llround(rate);
  m->channels = channels;
  int st = ps_kweight_design(&m->k, rate);
  m->ch = (Channel *)calloc(channels, sizeof(Channel));
  m->interleave = (float *)calloc((size_t)CHUNK * channels, sizeof(float));
  if (!st && (!m->ch || !m->interleave)) {
    st = PS_ERR_NOMEM;
  }
  for (unsigned c = 0; !st && c < channels; ++c) {
    const float w = weights ? weights[c] : ps_role_weight(roles[c]);
    if (!(w >= 0.0f && w <= 100.0f)) {
      st = PS_ERR_ARG;
      break;
    }
    m->ch[c].weight = w;
    if (!(m->ch[c].clean = (float *)calloc(CHUNK, sizeof(float)))) {
      st = PS_ERR_NOMEM;
    }
  }
  if (!st) {
    st = ps_truepeak_init(&m->tp, channels, CHUNK);
  }
  if (!st) {
    st = ps_gate_init(&m->gate_i);
  }
  if (!st) {
    st = ps_gate_init(&m->gate_lra);
  }
  for (unsigned c = 0; c < channels; ++c) {
    if (m->ch && m->ch[c].weight > 0.0) {
      m->speech_channel[m->n_speech_channels++] = c;
    }
  }
  if (!m->n_speech_channels) {
    m->speech_channel[m->n_speech_channels++] = 0;
  }
  if (!st) {
    st = ps_dialogue_init(&m->dialogue, rate, m->n_speech_channels);
  }
  m->dialogue_on = true;
  if (st) {
    ps_loudness_free(&m);
    return st;
  }
  m->integrating = true;
  ps_loudness_reset(m);
  *out = m;
  return PS_OK;
}

void
ps_loudness_reset(PsLoudness *m)
{
  for (unsigned c = 0; c < m->channels; ++c) {
    Channel *ch = &m->ch[c];
    ch->s1[0] = ch->s1[1] = ch->s2[0] = ch->s2[1] = ch->s3[0] = ch->s3[1] = 0.0;
    ch->squares = 0.0;
    ch->samplepeak = 0.0f;
  }
  memset(m->ring, 0, sizeof(m->ring));
  ps_truepeak_reset(m->tp);
  ps_gate_reset(m->gate_i);
  ps_gate_reset(m->gate_lra);
  ps_dialogue_reset(m->dialogue);
  m->frames = 0;
  m->fragments = 0;
  m->since = 0;
  m->fragment_end = fragment_boundary(m, 1);
  m->measured = 0;
  m->win_m.energy = m->win_s.energy = 0.0;
  m->win_m.frames = m->win_s.frames = 0;
  m->momentary = m->shortterm = -1.0;
  m->momentary_max = m->shortterm_max = -1.0;
  m->dirty = false;
  m->integrated = -HUGE_VAL;
  m->range = 0.0;
}

void
ps_loudness_free(PsLoudness **pm)
{
  if (!pm || !*pm) {
    return;
  }
  PsLoudness *m = *pm;
  if (m->ch) {
    for (unsigned c = 0; c < m->channels; ++c) {
      free(m->ch[c].clean);
    }
    free(m->ch);
  }
  free(m->interleave);
  ps_truepeak_free(&m->tp);
  ps_gate_free(&m->gate_i);
  ps_gate_free(&m->gate_lra);
  ps_dialogue_free(&m->dialogue);
  free(m);
  *pm = NULL;
}

void
ps_loudness_set_integrating(PsLoudness *m, bool on)
{
  if (on && !m->integrating) {
    /* from the next whole fragment: one under way began before the start */
    m->since = m->fragments + (m->frames > fragment_boundary(m, m->fragments) ? 1u : 0u);
  }
  m->integrating = on;
}

void
ps_loudness_set_dialogue(PsLoudness *m, bool on)
{
  m->dialogue_on = on;
}

/* Sums of the momentary and short-term windows, afresh from the ring in
   one pass. */
static void
resum_windows(PsLoudness *m)
{
  const unsigned count =
    m->fragments < SHORTTERM_FRAGMENTS ? (unsigned)m->fragments : SHORTTERM_FRAGMENTS;
  Window *w = &m->win_s;
  w->energy = 0.0;
  w->frames = 0;
  unsigned at = (unsigned)((m->fragments - 1) % SHORTTERM_FRAGMENTS);
  for (unsigned i = 0; i < count; ++i) {
    w->energy += m->ring[at].energy;
    w->frames += m->ring[at].frames;
    at = at ? at - 1 : SHORTTERM_FRAGMENTS - 1;
    if (i + 1 == MOMENTARY_FRAGMENTS) {
      m->win_m = *w;
    }
  }
}

static double
window_mean(const Window *w)
{
  /* a running sum may round a hair below zero after loud audio */
  return w->frames && w->energy > 0.0 ? w->energy / (double)w->frames : 0.0;
}

static void
flush_state(double *s)
{
  /* denormals cost hundreds of cycles each; non-finite state never recovers */
  if (!(fabs(s[0]) > TINY) || !isfinite(s[0])) {
    s[0] = 0.0;
  }
  if (!(fabs(s[1]) > TINY) || !isfinite(s[1])) {
    s[1] = 0.0;
  }
}

static void
end_fragment(PsLoudness *m, uint32_t frames)
{
  double energy = 0.0;
  for (unsigned c = 0; c < m->channels; ++c) {
    Channel *ch = &m->ch[c];
    energy += ch->weight * ch->squares;
    ch->squares = 0.0;
    flush_state(ch->s1);
    flush_state(ch->s2);
    flush_state(ch->s3);
  }
  /* The windows slide by one fragment: add the new one, take out those that
     leave.  Every 100 ms they are summed afresh, so rounding in the running
     sums never accumulates, whatever the duration. */
  const uint64_t index = m->fragments;
  Fragment *f = &m->ring[index % SHORTTERM_FRAGMENTS];
  if (index >= SHORTTERM_FRAGMENTS) {
    m->win_s.energy -= f->energy;
    m->win_s.frames -= f->frames;
  }
  if (index >= MOMENTARY_FRAGMENTS) {
    const Fragment *old = &m->ring[(index - MOMENTARY_FRAGMENTS) % SHORTTERM_FRAGMENTS];
    m->win_m.energy -= old->energy;
    m->win_m.frames -= old->frames;
  }
  f->energy = energy;
  f->frames = frames;
  m->win_m.energy += energy;
  m->win_m.frames += frames;
  m->win_s.energy += energy;
  m->win_s.frames += frames;
  ++m->fragments;
  m->fragment_end = fragment_boundary(m, m->fragments + 1);
  if (m->fragments % FRAGMENTS_PER_STEP == 0) {
    resum_windows(m);
  }
  if (m->fragments >= MOMENTARY_FRAGMENTS) {
    m->momentary = window_mean(&m->win_m);
  }
  if (m->fragments >= SHORTTERM_FRAGMENTS) {
    m->shortterm = window_mean(&m->win_s);
  }
  /* what accumulates comes from windows wholly inside the integrating
     span: a window reaching back before the transport started holds what
     the input had then (silence, or monitored sound), not the programme */
  const bool m_inside = m->integrating && m->fragments - m->since >= MOMENTARY_FRAGMENTS;
  const bool s_inside = m->integrating && m->fragments - m->since >= SHORTTERM_FRAGMENTS;
  if (m_inside && m->momentary > m->momentary_max) {
    m->momentary_max = m->momentary;
  }
  if (s_inside && m->shortterm > m->shortterm_max) {
    m->shortterm_max = m->shortterm;
  }
  /* blocks every 100 ms counted from the start, as a measurement of the
     same audio from there would take them */
  if (m_inside && (m->fragments - m->since) % FRAGMENTS_PER_STEP == 0) {
    if (m->momentary >= 0.0) {
      ps_gate_add(m->gate_i, m->momentary);
      if (m->dialogue_on) {
        /* fragments are 5 ms: the block ends at 10 ms frame fragments / 2 */
        ps_dialogue_add_block(m->dialogue, m->momentary, m->fragments / 2);
      }
      m->dirty = true;
    }
    if (s_inside && m->shortterm >= 0.0) {
      ps_gate_add(m->gate_lra, m->shortterm);
      m->dirty = true;
    }
  }
}

typedef double Vec2 __attribute__((vector_size(16)));

/* K-weighting of two channels at once, one per SIMD lane, in direct form
   I: per stage the only loop-carried chain is a1 * y[n-1] and one
   subtraction (transposed form II chains three operations).  Squares are
   added in sample order, so the readings do not depend on how the host
   splits its blocks. */
static void
kweight_squares_pair(const PsKWeight *k, Channel *c0, Channel *c1, const float *x0,
                     const float *x1, size_t n)
{
  const double b10 = k->shelf.b[0], b11 = k->shelf.b[1], b12 = k->shelf.b[2];
  const double a11 = k->shelf.a[1], a12 = k->shelf.a[2];
  const double a21 = k->highpass.a[1], a22 = k->highpass.a[2];
  Vec2 xs1 = {c0->s1[0], c1->s1[0]}, xs2 = {c0->s1[1], c1->s1[1]};
  Vec2 y11 = {c0->s2[0], c1->s2[0]}, y12 = {c0->s2[1], c1->s2[1]};
  Vec2 y21 = {c0->s3[0], c1->s3[0]}, y22 = {c0->s3[1], c1->s3[1]};
  Vec2 sum = {c0->squares, c1->squares};
  for (size_t i = 0; i < n; ++i) {
    const Vec2 in = {(double)x0[i], (double)x1[i]};
    const Vec2 y1 = (b10 * in + b11 * xs1 + b12 * xs2 - a12 * y12) - a11 * y11;
    /* RLB numerator is 1, -2, 1 */
    const Vec2 y2 = (y1 - 2.0 * y11 + y12 - a22 * y22) - a21 * y21;
    xs2 = xs1;
    xs1 = in;
    y12 = y11;
    y11 = y1;
    y22 = y21;
    y21 = y2;
    sum += y2 * y2;
  }
  Channel *ch[2] = {c0, c1};
  for (int c = 0; c < 2; ++c) {
    ch[c]->s1[0] = xs1[c];
    ch[c]->s1[1] = xs2[c];
    ch[c]->s2[0] = y11[c];
    ch[c]->s2[1] = y12[c];
    ch[c]->s3[0] = y21[c];
    ch[c]->s3[1] = y22[c];
    ch[c]->squares = sum[c];
  }
}

typedef float Vec4 __attribute__((vector_size(16)));
typedef int32_t Mask4 __attribute__((vector_size(16)));

/* Copies x to the channel's clean buffer, non-finite and absurd values
   replaced by silence, and returns the largest magnitude.  NaN fails every
   comparison; 1e10 is +200 dBFS. */
static float
sanitise(float *dst, const float *x, size_t n)
{
  const Vec4 limit = {1e10f, 1e10f, 1e10f, 1e10f};
  Vec4 lanes = {0.0f, 0.0f, 0.0f, 0.0f};
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    Vec4 v;
    memcpy(&v, x + i, sizeof(v));
    const Vec4 a = (Vec4)((Mask4)v & 0x7fffffff);
    const Mask4 keep = a <= limit;
    v = (Vec4)((Mask4)v & keep);
    memcpy(dst + i, &v, sizeof(v));
    const Vec4 kept = (Vec4)((Mask4)a & keep);
    const Mask4 gt = kept > lanes;
    lanes = (Vec4)(((Mask4)kept & gt) | ((Mask4)lanes & ~gt));
  }
  float peak = 0.0f;
  for (int j = 0; j < 4; ++j) {
    peak = lanes[j] > peak ? lanes[j] : peak;
  }
  for (; i < n; ++i) {
    const float a = fabsf(x[i]);
    const float v = a <= 1e10f ? x[i] : 0.0f;
    dst[i] = v;
    peak = fabsf(v) > peak ? fabsf(v) : peak;
  }
  return peak;
}

void
ps_loudness_process(PsLoudness *m, const float *const *in, size_t n)
{
  size_t done = 0;
  while (done < n) {
    const size_t len = n - done < CHUNK ? n - done : CHUNK;
    for (unsigned c = 0; c < m->channels; ++c) {
      Channel *ch = &m->ch[c];
      const float peak = sanitise(ch->clean, in[c] + done, len);
      if (m->integrating) {
        if (peak > ch->samplepeak) {
          ch->samplepeak = peak;
        }
        ps_truepeak_process(m->tp, c, ch->clean, len);
      }
    }
    if (m->dialogue_on) {
      const float *speech_in[PS_MAX_CHANNELS];
      for (unsigned i = 0; i < m->n_speech_channels; ++i) {
        speech_in[i] = m->ch[m->speech_channel[i]].clean;
      }
      ps_dialogue_process(m->dialogue, speech_in, len, m->integrating);
    }
    /* K-weighting, split at fragment boundaries */
    size_t pos = 0;
    while (pos < len) {
      const uint64_t left = m->fragment_end - m->frames;
      const size_t step = (uint64_t)(len - pos) < left ? len - pos : (size_t)left;
      unsigned c = 0;
      for (; c + 1 < m->channels; c += 2) {
        Channel *ch = &m->ch[c];
        kweight_squares_pair(&m->k, ch, ch + 1, ch->clean + pos, ch[1].clean + pos, step);
      }
      if (c < m->channels) {
        /* an odd channel out shares its register with a spare lane */
        const float *x = m->ch[c].clean + pos;
        kweight_squares_pair(&m->k, &m->ch[c], &m->spare, x, x, step);
      }
      m->frames += step;
      pos += step;
      if (m->frames == m->fragment_end) {
        end_fragment(m, (uint32_t)(m->fragment_end - fragment_boundary(m, m->fragments)));
      }
    }
    if (m->integrating) {
      m->measured += len;
    }
    done += len;
  }
}

void
ps_loudness_process_interleaved(PsLoudness *m, const float *frames, size_t n)
{
  const float *planes[PS_MAX_CHANNELS];
  const unsigned nc = m->channels;
  for (unsigned c = 0; c < nc; ++c) {
    planes[c] = m->interleave + (size_t)c * CHUNK;
  }
  size_t done = 0;
  while (done < n) {
    const size_t len = n - done < CHUNK ? n - done : CHUNK;
    const float *f = frames + done * nc;
    if (nc == 2) {
      float *l = m->interleave, *r = m->interleave + CHUNK;
      for (size_t i = 0; i < len; ++i) {
        l[i] = f[2 * i];
        r[i] = f[2 * i + 1];
      }
    } else {
      for (size_t i = 0; i < len; ++i) {
        for (unsigned c = 0; c < nc; ++c) {
          m->interleave[(size_t)c * CHUNK + i] = f[i * nc + c];
        }
      }
    }
    ps_loudness_process(m, planes, len);
    done += len;
  }
}

static double
to_dbfs(float linear)
{
  return linear > 0.0f ? 20.0 * log10((double)linear) : -HUGE_VAL;
}

void
ps_loudness_readings(PsLoudness *m, PsLoudnessReadings *r)
{
  if (m->dirty) {
    m->integrated = ps_gate_integrated(m->gate_i, INTEGRATED_GATE_LU);
    m->range = ps_gate_range(m->gate_lra, RANGE_GATE_LU, RANGE_LOW, RANGE_HIGH);
    m->dirty = false;
  }
  r->momentary = m->momentary >= 0.0 ? ps_energy_to_lufs(m->momentary) : -HUGE_VAL;
  r->shortterm = m->shortterm >= 0.0 ? ps_energy_to_lufs(m->shortterm) : -HUGE_VAL;
  r->momentary_max = m->momentary_max >= 0.0 ? ps_energy_to_lufs(m->momentary_max) : -HUGE_VAL;
  r->shortterm_max = m->shortterm_max >= 0.0 ? ps_energy_to_lufs(m->shortterm_max) : -HUGE_VAL;
  r->integrated = m->integrated;
  r->range = m->range;
  float tp = 0.0f, sp = 0.0f;
  for (unsigned c = 0; c < m->channels; ++c) {
    const float t = ps_truepeak_channel(m->tp, c);
    tp = t > tp ? t : tp;
    sp = m->ch[c].samplepeak > sp ? m->ch[c].samplepeak : sp;
  }
  r->truepeak = to_dbfs(tp);
  r->samplepeak = to_dbfs(sp);
  r->seconds = (double)m->measured / m->rate;
  r->dialogue = m->dialogue_on ? ps_dialogue_loudness(m->dialogue) : -HUGE_VAL;
  r->speech_share = m->dialogue_on ? ps_dialogue_speech_share(m->dialogue) : 0.0;
}

void
ps_loudness_channel_peaks(const PsLoudness *m, unsigned channel, float *truepeak,
                          float *samplepeak)
{
  if (truepeak) {
    *truepeak = ps_truepeak_channel(m->tp, channel);
  }
  if (samplepeak) {
    *samplepeak = m->ch[channel].samplepeak;
  }
}

uint64_t
ps_loudness_frames(const PsLoudness *m)
{
  return m->frames;
}
