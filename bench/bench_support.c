/* What the benches share: see bench_support.h. */
#include "bench_support.h"

#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double
bench_clock_s(clockid_t id)
{
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

const char *
bench_mark(bool ok)
{
  return ok ? "\u2714" : "\u2718";
}

void
bench_audio_free(BenchAudio *a)
{
  for (unsigned c = 0; c < BENCH_MAX_CH; ++c) {
    free(a->ch[c]);
    a->ch[c] = NULL;
  }
}

int
bench_audio_load(const char *path, BenchAudio *a, const char *program)
{
  memset(a, 0, sizeof *a);
  SF_INFO info = {0};
  SNDFILE *sf = sf_open(path, SFM_READ, &info);
  if (!sf) {
    fprintf(stderr, "%s: %s: %s\n", program, path, sf_strerror(NULL));
    return -1;
  }
  if (info.channels < 1 || info.channels > BENCH_MAX_CH || info.frames <= 0) {
    fprintf(stderr, "%s: %s: %d channels, %lld frames\n", program, path, info.channels,
            (long long)info.frames);
    sf_close(sf);
    return -1;
  }
  a->channels = (unsigned)info.channels;
  a->frames = (size_t)info.frames;
  a->rate = info.samplerate;
  float *inter = (float *)malloc(a->frames * a->channels * sizeof(float));
  bool ok = inter != NULL;
  for (unsigned c = 0; c < a->channels && ok; ++c) {
    a->ch[c] = (float *)malloc(a->frames * sizeof(float));
    ok = a->ch[c] != NULL;
  }
  if (ok) {
    ok = sf_readf_float(sf, inter, info.frames) == info.frames;
  }
  sf_close(sf);
  if (!ok) {
    fprintf(stderr, "%s: %s: cannot read\n", program, path);
    free(inter);
    bench_audio_free(a);
    return -1;
  }
  for (size_t i = 0; i < a->frames; ++i) {
    for (unsigned c = 0; c < a->channels; ++c) {
      a->ch[c][i] = inter[i * a->channels + c];
    }
  }
  free(inter);
  return 0;
}

LV2_URID
bench_map_uri(LV2_URID_Map_Handle handle, const char *uri)
{
  BenchUriTable *t = (BenchUriTable *)handle;
  for (unsigned i = 0; i < t->count; ++i) {
    if (!strcmp(t->uris[i], uri)) {
      return i + 1;
    }
  }
  if (t->count == BENCH_MAX_URIS) {
    return 0;
  }
  const size_t len = strlen(uri) + 1;
  t->uris[t->count] = (char *)malloc(len);
  if (!t->uris[t->count]) {
    return 0;
  }
  memcpy(t->uris[t->count], uri, len);
  return ++t->count;
}

void
bench_uri_table_free(BenchUriTable *t)
{
  for (unsigned i = 0; i < t->count; ++i) {
    free(t->uris[i]);
  }
  t->count = 0;
}

uint32_t
bench_port_index(LilvWorld *world, const LilvPlugin *plugin, const char *symbol)
{
  LilvNode *sym = lilv_new_string(world, symbol);
  const LilvPort *p = lilv_plugin_get_port_by_symbol(plugin, sym);
  lilv_node_free(sym);
  return p ? lilv_port_get_index(plugin, p) : UINT32_MAX;
}

double
bench_percent(const BenchTiming *t, double rate)
{
  return t->frames ? 100.0 * t->cpu * rate / (double)t->frames : -1.0;
}
