/* Room tone under a dialogue track: see room_fill.h. */
#include "room_fill.h"

#include "noise_floor.h"
#include "ps_status.h"
#include "room_synth.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 256
#define GATE_HOLD_SECONDS 0.010
#define GATE_FADE_SECONDS 0.020
#define TRACK_FLOOR_WINDOW 1.5

struct PsRoomFill {
  double rate;
  unsigned channels;
  PsRoomSynth *synth;
  PsNoiseFloor *floor[PS_ROOM_MAX_CHANNELS];
  bool floor_ready;
  float gate_level;
  size_t gate_hold, hold;
  float gate_step, gate; /* fade position 0..1 */
  float track[PS_ROOM_MAX_CHANNELS][CHUNK];
  float tone[PS_ROOM_MAX_CHANNELS][CHUNK];
};

int
ps_room_fill_init(PsRoomFill **out, double rate, unsigned channels)
{
  if (!out) {
    return PS_ERR_ARG;
  }
  *out = NULL;
  PsRoomFill *f = (PsRoomFill *)calloc(1, sizeof(PsRoomFill));
  if (!f) {
    return PS_ERR_NOMEM;
  }
  f->rate = rate;
  f->channels = channels;
  int st = ps_room_synth_init(&f->synth, rate, channels);
  for (unsigned c = 0; c < channels && !st; ++c) {
    st = ps_noise_floor_init(&f->floor[c], rate, ps_room_synth_fft_size(f->synth),
                             TRACK_FLOOR_WINDOW);
  }
  if (st) {
    ps_room_fill_free(&f);
    return st;
  }
  f->gate_level = (float)pow(10.0, PS_ROOM_GATE_DBFS / 20.0);
  f->gate_hold = (size_t)(GATE_HOLD_SECONDS * rate);
  f->gate_step = (float)(1.0 / (GATE_FADE_SECONDS * rate));
  ps_room_fill_reset(f);
  *out = f;
  return PS_OK;
}

void
ps_room_fill_free(PsRoomFill **pf)
{
  if (!pf || !*pf) {
    return;
  }
  ps_room_synth_free(&(*pf)->synth);
  for (unsigned c = 0; c < PS_ROOM_MAX_CHANNELS; ++c) {
    ps_noise_floor_free(&(*pf)->floor[c]);
  }
  free(*pf);
  *pf = NULL;
}

void
ps_room_fill_reset(PsRoomFill *f)
{
  for (unsigned c = 0; c < f->channels; ++c) {
    ps_noise_floor_reset(f->floor[c]);
  }
  f->floor_ready = false;
  f->hold = 0;
  f->gate = 0.0f;
}

void
ps_room_fill_prepare(PsRoomFill *f, const PsRoomProfile *profile)
{
  ps_room_synth_prepare(f->synth, profile);
}

void
ps_room_fill_commit(PsRoomFill *f)
{
  ps_room_synth_commit(f->synth);
}

/* The track's floor, for difference mode. */
static void
follow_floor(PsRoomFill *f, size_t n)
{
  size_t done = 0;
  while (done < n) {
    bool frame = false, other = false;
    const size_t used = ps_noise_floor_feed(f->floor[0], f->track[0] + done, n - done, &frame);
    for (unsigned c = 1; c < f->channels; ++c) {
      ps_noise_floor_feed(f->floor[c], f->track[c] + done, used, &other);
    }
    f->floor_ready = f->floor_ready || frame;
    done += used;
  }
}

void
ps_room_fill_process(PsRoomFill *f, const float *const *in, float *const *out, size_t n,
                     int64_t position, PsRoomMode mode, double gain_db, uint64_t seed)
{
  const float gain = (float)pow(10.0, gain_db / 20.0);
  for (size_t done = 0; done < n;) {
    /* pieces end at the generator's frame starts: the track's floor it
       subtracts there is the one measured up to that sample, whatever the
       host's blocks */
    const int64_t hop = (int64_t)(ps_room_synth_fft_size(f->synth) / 4);
    const int64_t pos = position + (int64_t)done;
    const size_t to_frame = (size_t)(hop - (((pos % hop) + hop) % hop));
    size_t m = n - done < CHUNK ? n - done : CHUNK;
    m = m < to_frame ? m : to_frame;
    float *tone[PS_ROOM_MAX_CHANNELS];
    for (unsigned c = 0; c < f->channels; ++c) {
      for (size_t i = 0; i < m; ++i) {
        const float x = in[c][done + i];
        f->track[c][i] = isfinite(x) ? x : 0.0f;
      }
      tone[c] = f->tone[c];
    }
    PsRoomSubtract subtract;
    memset(&subtract, 0, sizeof(subtract));
    if (mode == PS_ROOM_DIFFERENCE) {
      follow_floor(f, m);
      for (unsigned c = 0; c < f->channels && f->floor_ready; ++c) {
        subtract.estimate[c] = ps_noise_floor_estimate(f->floor[c]);
        subtract.minimum[c] = ps_noise_floor_minimum(f->floor[c]);
      }
    }
    ps_room_synth_render(f->synth, seed, position + (int64_t)done, gain,
                         mode == PS_ROOM_DIFFERENCE && f->floor_ready ? &subtract : NULL, tone,
                         m);
    for (size_t i = 0; i < m; ++i) {
      float g = 1.0f;
      if (mode == PS_ROOM_GAPS) {
        bool loud = false;
        for (unsigned c = 0; c < f->channels; ++c) {
          loud = loud || fabsf(f->track[c][i]) > f->gate_level;
        }
        f->hold = loud ? f->gate_hold : f->hold > 0 ? f->hold - 1 : 0;
        const float target = f->hold > 0 ? 0.0f : 1.0f;
        f->gate = target > f->gate ? fminf(f->gate + f->gate_step, 1.0f)
                                   : fmaxf(f->gate - f->gate_step, 0.0f);
        g = 0.5f - 0.5f * cosf(3.14159265f * f->gate);
      }
      for (unsigned c = 0; c < f->channels; ++c) {
        const float t = f->tone[c][i] * g;
        out[c][done + i] = mode == PS_ROOM_TONE_ONLY ? t : f->track[c][i] + t;
      }
    }
    done += m;
  }
}
