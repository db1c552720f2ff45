/* What the EQ-match and room-tone benches share: clocks, goal marks, whole
   audio files, a URID map and port lookup for hosting a plugin through
   lilv, and CPU shares. */
#ifndef PS_BENCH_SUPPORT_H
#define PS_BENCH_SUPPORT_H

#include <lilv/lilv.h>
#include <lv2/urid/urid.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define BENCH_MAX_CH 8
#define BENCH_MAX_URIS 64

double bench_clock_s(clockid_t id);
/* A check mark or a cross. */
const char *bench_mark(bool ok);

typedef struct {
  float *ch[BENCH_MAX_CH];
  unsigned channels;
  size_t frames;
  int rate;
} BenchAudio;

/* The whole file, one buffer per channel; -1 after a message prefixed by
   `program`. */
int bench_audio_load(const char *path, BenchAudio *a, const char *program);
void bench_audio_free(BenchAudio *a);

typedef struct {
  char *uris[BENCH_MAX_URIS];
  unsigned count;
} BenchUriTable;

/* An LV2_URID_Map function over a BenchUriTable handle. */
LV2_URID bench_map_uri(LV2_URID_Map_Handle handle, const char *uri);
void bench_uri_table_free(BenchUriTable *t);

/* Index of the port `symbol`, UINT32_MAX when there is none. */
uint32_t bench_port_index(LilvWorld *world, const LilvPlugin *plugin, const char *symbol);

typedef struct {
  double cpu;   /* CPU seconds of the process */
  double worst; /* longest call, wall seconds */
  size_t frames;
} BenchTiming;

/* CPU time as a share of real time, %; -1 without frames. */
double bench_percent(const BenchTiming *t, double rate);

#endif
