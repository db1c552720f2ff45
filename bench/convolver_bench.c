/* Convolver benchmark: the Postsync zero-latency partitioned convolver
   (common/convolver.h) against a plain FFT convolution anchor and, when it
   is installed, x42's zero-latency convolver (zeroconvo.lv2, zita-convolver
   inside), on the same filter and the same noise.

   The case: an 8192-tap filter (decaying noise, like an EQ-match
   correction), stereo, 48 kHz, 60 s of white noise, host blocks of 64,
   1024 and 1 sample.

   anchor     what a naive implementation does: per host block, one FFT of
              the smallest power of two >= block + taps - 1 (FFTW, measured
              plans), a complex multiply by the filter's spectrum, the
              inverse FFT, overlap-add.  Zero latency as well.  With blocks
              of 1 it needs an 8192-point FFT pair per sample, so it is
              timed on the first --anchor-one-seconds only.
   x42        http://gareus.org/oss/lv2/zeroconvolv#CfgStereo hosted through
              lilv with the "buffered" port off (zero latency), the filter
              written to a WAV file and loaded as plugin state (as its
              presets do), swapped in through its worker.  zita-convolver runs its longer partitions on
              background threads, so its CPU time is the whole process's
              (CLOCK_PROCESS_CPUTIME_ID), summed over threads.

   Times are CPU seconds of the process (one thread, except x42); "x real
   time" is audio seconds per CPU second, "% core" the share of one core the
   processing takes at real time.  Every engine's output is compared with
   the Postsync engine's (max difference relative to the output RMS) so the
   speeds are for the same result.

   A benchmark, not a test: it exits 0 whether or not the goals are met
   (Postsync no slower than the anchor at blocks of 64 and 1024). */

#include "convolver.h"
#include "ps_status.h"

#include <fftw3.h>
#include <lilv/lilv.h>
#include <lv2/atom/atom.h>
#include <lv2/buf-size/buf-size.h>
#include <lv2/options/options.h>
#include <lv2/urid/urid.h>
#include <lv2/worker/worker.h>
#include <sndfile.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#ifndef PS_BENCH_BUILDTYPE
#define PS_BENCH_BUILDTYPE "unknown"
#endif
#ifndef PS_BENCH_OPTIMIZATION
#define PS_BENCH_OPTIMIZATION "?"
#endif
#ifndef PS_BENCH_COMPILER
#define PS_BENCH_COMPILER "unknown compiler"
#endif

#define RATE 48000
#define CHANNELS 2
#define X42_URI "http://gareus.org/oss/lv2/zeroconvolv#CfgStereo"
#define X42_IR X42_PREFIX "ir"
#define X42_PREFIX "http://gareus.org/oss/lv2/zeroconvolv#"

static const size_t block_sizes[] = {64, 1024, 1};
#define N_BLOCKS (sizeof block_sizes / sizeof block_sizes[0])

typedef struct {
  double cpu;       /* CPU seconds */
  double wall;      /* wall seconds */
  double worst;     /* longest single call, wall seconds (0: not measured) */
  size_t samples;   /* frames processed */
  double error;     /* max |y - postsync| / RMS, < 0: not compared */
  bool ok;
} Result;

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static double
uniform(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (double)(rng >> 11) / 9007199254740992.0;
}

static double
clock_s(clockid_t id)
{
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* max |a - b| over both channels relative to the RMS of b */
static double
compare(float *const *a, float *const *b, size_t n)
{
  double e = 0.0, s = 0.0;
  for (unsigned c = 0; c < CHANNELS; ++c) {
    for (size_t i = 0; i < n; ++i) {
      const double d = fabs((double)a[c][i] - (double)b[c][i]);
      e = d > e || isnan(d) ? d : e;
      s += (double)b[c][i] * (double)b[c][i];
    }
  }
  return e / sqrt(s / (double)(CHANNELS * n));
}

/* Postsync ----------------------------------------------------------------*/

static Result
run_postsync(const float *taps, size_t n_taps, float *const *in, float *const *out,
             size_t frames, size_t block)
{
  Result r = {0};
  PsConvolver *conv = NULL;
  PsConvolverFilter *filter = NULL;
  int st = ps_convolver_init(&conv, n_taps, CHANNELS);
  if (!st) {
    st = ps_convolver_filter_new(&filter, conv, taps, n_taps);
  }
  if (!st) {
    st = ps_convolver_switch(conv, filter, 0);
  }
  if (st) {
    fprintf(stderr, "convolver_bench: postsync: %s\n", ps_status_string(st));
    ps_convolver_free(&conv);
    ps_convolver_filter_free(&filter);
    return r;
  }
  const bool time_calls = block > 1;
  const double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), w0 = clock_s(CLOCK_MONOTONIC);
  for (size_t t = 0; t < frames; t += block) {
    const size_t n = frames - t < block ? frames - t : block;
    const float *ip[CHANNELS] = {in[0] + t, in[1] + t};
    float *op[CHANNELS] = {out[0] + t, out[1] + t};
    if (time_calls) {
      const double a = clock_s(CLOCK_MONOTONIC);
      ps_convolver_process(conv, ip, op, n);
      const double d = clock_s(CLOCK_MONOTONIC) - a;
      r.worst = d > r.worst ? d : r.worst;
    } else {
      ps_convolver_process(conv, ip, op, n);
    }
  }
  r.cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
  r.wall = clock_s(CLOCK_MONOTONIC) - w0;
  r.samples = frames;
  r.error = -1.0;
  r.ok = true;
  ps_convolver_free(&conv);
  ps_convolver_filter_free(&filter);
  return r;
}

/* Anchor: one FFT convolution per host block, overlap-add -----------------*/

static Result
run_anchor(const float *taps, size_t n_taps, float *const *in, float *const *out,
           size_t frames, size_t block)
{
  Result r = {0};
  size_t N = 1;
  while (N < block + n_taps - 1) {
    N *= 2;
  }
  const size_t bins = N / 2 + 1;
  float *buf = fftwf_alloc_real(N);
  fftwf_complex *spec = fftwf_alloc_complex(bins);
  fftwf_complex *H = fftwf_alloc_complex(bins);
  float *ring[CHANNELS];
  for (unsigned c = 0; c < CHANNELS; ++c) {
    ring[c] = (float *)calloc(N, sizeof(float));
  }
  fftwf_plan fwd = fftwf_plan_dft_r2c_1d((int)N, buf, spec, FFTW_MEASURE);
  fftwf_plan inv = fftwf_plan_dft_c2r_1d((int)N, spec, buf, FFTW_MEASURE);
  for (size_t i = 0; i < N; ++i) {
    buf[i] = i < n_taps ? taps[i] / (float)N : 0.0f;
  }
  fftwf_execute(fwd);
  memcpy(H, spec, bins * sizeof(fftwf_complex));

  size_t pos = 0;
  const size_t mask = N - 1;
  const double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), w0 = clock_s(CLOCK_MONOTONIC);
  for (size_t t = 0; t < frames; t += block) {
    const size_t n = frames - t < block ? frames - t : block;
    for (unsigned c = 0; c < CHANNELS; ++c) {
      memcpy(buf, in[c] + t, n * sizeof(float));
      memset(buf + n, 0, (N - n) * sizeof(float));
      fftwf_execute(fwd);
      for (size_t k = 0; k < bins; ++k) {
        const float re = spec[k][0] * H[k][0] - spec[k][1] * H[k][1];
        const float im = spec[k][0] * H[k][1] + spec[k][1] * H[k][0];
        spec[k][0] = re;
        spec[k][1] = im;
      }
      fftwf_execute(inv);
      float *acc = ring[c];
      for (size_t i = 0; i < N; ++i) {
        acc[(pos + i) & mask] += buf[i];
      }
      for (size_t i = 0; i < n; ++i) {
        out[c][t + i] = acc[(pos + i) & mask];
        acc[(pos + i) & mask] = 0.0f;
      }
    }
    pos = (pos + n) & mask;
  }
  r.cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
  r.wall = clock_s(CLOCK_MONOTONIC) - w0;
  r.samples = frames;
  r.ok = true;
  fftwf_destroy_plan(fwd);
  fftwf_destroy_plan(inv);
  fftwf_free(buf);
  fftwf_free(spec);
  fftwf_free(H);
  for (unsigned c = 0; c < CHANNELS; ++c) {
    free(ring[c]);
  }
  return r;
}

/* x42 zeroconvo.lv2 through lilv -------------------------------------------*/

/* The plugin prints its configuration on stdout and stderr while it loads
   the IR; that goes to /dev/null so the report stays readable. */
typedef struct {
  int out, err;
} Quiet;

static Quiet
quiet_begin(void)
{
  Quiet q = {-1, -1};
  fflush(stdout);
  fflush(stderr);
  const int null = open("/dev/null", O_WRONLY);
  if (null >= 0) {
    q.out = dup(STDOUT_FILENO);
    q.err = dup(STDERR_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    close(null);
  }
  return q;
}

static void
quiet_end(Quiet q)
{
  fflush(stdout);
  fflush(stderr);
  if (q.out >= 0) {
    dup2(q.out, STDOUT_FILENO);
    close(q.out);
  }
  if (q.err >= 0) {
    dup2(q.err, STDERR_FILENO);
    close(q.err);
  }
}

typedef struct {
  char **uris;
  size_t count;
} UriTable;

static LV2_URID
map_uri(LV2_URID_Map_Handle handle, const char *uri)
{
  UriTable *t = (UriTable *)handle;
  for (size_t i = 0; i < t->count; ++i) {
    if (!strcmp(t->uris[i], uri)) {
      return (LV2_URID)(i + 1);
    }
  }
  char **grown = (char **)realloc(t->uris, (t->count + 1) * sizeof(char *));
  if (!grown) {
    return 0;
  }
  t->uris = grown;
  const size_t len = strlen(uri) + 1;
  t->uris[t->count] = (char *)malloc(len);
  memcpy(t->uris[t->count], uri, len);
  return (LV2_URID)++t->count;
}

static const char *
unmap_uri(LV2_URID_Unmap_Handle handle, LV2_URID urid)
{
  UriTable *t = (UriTable *)handle;
  return urid >= 1 && urid <= t->count ? t->uris[urid - 1] : NULL;
}

/* A synchronous worker: work() runs inside schedule_work (setup only, not
   timed: the IR is loaded before the clock starts), responses wait in a
   queue until delivered after run(). */
#define QUEUE 16
typedef struct {
  const LV2_Worker_Interface *iface;
  LV2_Handle handle;
  uint32_t size[QUEUE];
  uint8_t data[QUEUE][256];
  unsigned count;
} Worker;

static LV2_Worker_Status
respond(LV2_Worker_Respond_Handle handle, uint32_t size, const void *data)
{
  Worker *w = (Worker *)handle;
  if (w->count == QUEUE || size > sizeof w->data[0]) {
    return LV2_WORKER_ERR_NO_SPACE;
  }
  memcpy(w->data[w->count], data, size);
  w->size[w->count++] = size;
  return LV2_WORKER_SUCCESS;
}

static LV2_Worker_Status
schedule(LV2_Worker_Schedule_Handle handle, uint32_t size, const void *data)
{
  Worker *w = (Worker *)handle;
  if (!w->iface) {
    return LV2_WORKER_ERR_UNKNOWN;
  }
  return w->iface->work(w->handle, respond, w, size, data);
}

static void
deliver(Worker *w)
{
  while (w->count) {
    uint8_t data[256];
    const uint32_t size = w->size[0];
    memcpy(data, w->data[0], size);
    --w->count;
    memmove(w->size, w->size + 1, w->count * sizeof(uint32_t));
    memmove(w->data, w->data + 1, w->count * sizeof w->data[0]);
    if (w->iface->work_response) {
      w->iface->work_response(w->handle, size, data);
    }
  }
}

static bool
write_ir(const char *path, const float *taps, size_t n_taps)
{
  SF_INFO info = {0};
  info.samplerate = RATE;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  SNDFILE *f = sf_open(path, SFM_WRITE, &info);
  if (!f) {
    return false;
  }
  const bool ok = sf_writef_float(f, taps, (sf_count_t)n_taps) == (sf_count_t)n_taps;
  sf_close(f);
  return ok;
}

typedef struct {
  LilvWorld *world;
  const LilvPlugin *plugin;
  UriTable uris;
  LV2_URID_Map map;
  LV2_URID_Unmap unmap;
  char ir_path[256];
} X42;

static bool
x42_open(X42 *x, const float *taps, size_t n_taps)
{
  memset(x, 0, sizeof *x);
  x->world = lilv_world_new();
  lilv_world_load_all(x->world);
  LilvNode *uri = lilv_new_uri(x->world, X42_URI);
  x->plugin = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(x->world), uri);
  lilv_node_free(uri);
  if (!x->plugin) {
    return false;
  }
  x->map.handle = &x->uris;
  x->map.map = map_uri;
  x->unmap.handle = &x->uris;
  x->unmap.unmap = unmap_uri;
  snprintf(x->ir_path, sizeof x->ir_path, "/tmp/convolver_bench_ir_%ld.wav", (long)getpid());
  return write_ir(x->ir_path, taps, n_taps);
}

static void
x42_close(X42 *x)
{
  if (x->ir_path[0]) {
    remove(x->ir_path);
  }
  for (size_t i = 0; i < x->uris.count; ++i) {
    free(x->uris.uris[i]);
  }
  free(x->uris.uris);
  if (x->world) {
    lilv_world_free(x->world);
  }
}

static uint32_t
port_index(const X42 *x, const char *symbol)
{
  LilvNode *sym = lilv_new_string(x->world, symbol);
  const LilvPort *p = lilv_plugin_get_port_by_symbol(x->plugin, sym);
  lilv_node_free(sym);
  return p ? lilv_port_get_index(x->plugin, p) : UINT32_MAX;
}

static Result
run_x42(X42 *x, float *const *in, float *const *out, size_t frames, size_t block)
{
  Result r = {0};
  const int32_t nominal = (int32_t)(block < 64 ? 64 : block);
  const int32_t max_block = (int32_t)block;
  const LV2_URID atom_int = x->map.map(x->map.handle, LV2_ATOM__Int);
  LV2_Options_Option options[] = {
    {LV2_OPTIONS_INSTANCE, 0, x->map.map(x->map.handle, LV2_BUF_SIZE__nominalBlockLength),
     sizeof(int32_t), atom_int, &nominal},
    {LV2_OPTIONS_INSTANCE, 0, x->map.map(x->map.handle, LV2_BUF_SIZE__maxBlockLength),
     sizeof(int32_t), atom_int, &max_block},
    {LV2_OPTIONS_INSTANCE, 0, 0, 0, 0, NULL},
  };
  Worker worker = {0};
  LV2_Worker_Schedule sched = {&worker, schedule};
  const LV2_Feature f_map = {LV2_URID__map, &x->map};
  const LV2_Feature f_unmap = {LV2_URID__unmap, &x->unmap};
  const LV2_Feature f_opts = {LV2_OPTIONS__options, options};
  const LV2_Feature f_sched = {LV2_WORKER__schedule, &sched};
  const LV2_Feature f_bounded = {LV2_BUF_SIZE__boundedBlockLength, NULL};
  const LV2_Feature *features[] = {&f_map, &f_unmap, &f_opts, &f_sched, &f_bounded, NULL};

  Quiet q = quiet_begin();
  LilvInstance *inst = lilv_plugin_instantiate(x->plugin, RATE, features);
  if (!inst) {
    quiet_end(q);
    fprintf(stderr, "convolver_bench: x42: cannot instantiate\n");
    return r;
  }
  worker.iface =
    (const LV2_Worker_Interface *)lilv_instance_get_extension_data(inst, LV2_WORKER__interface);
  worker.handle = lilv_instance_get_handle(inst);

  /* control ports */
  float buffered = 0.0f, dry = -60.0f, wet = 0.0f, enable = 1.0f, latency = -1.0f;
  const struct {
    const char *symbol;
    float *value;
  } controls[] = {{"buffered", &buffered}, {"dry", &dry},         {"wet", &wet},
                  {"enable", &enable},     {"latency", &latency}};
  for (size_t i = 0; i < sizeof controls / sizeof controls[0]; ++i) {
    const uint32_t idx = port_index(x, controls[i].symbol);
    if (idx != UINT32_MAX) {
      lilv_instance_connect_port(inst, idx, controls[i].value);
    }
  }
  /* atom ports */
  static union {
    LV2_Atom_Sequence seq;
    uint8_t bytes[4096];
  } control, notify;
  lilv_instance_connect_port(inst, port_index(x, "control"), &control);
  lilv_instance_connect_port(inst, port_index(x, "notify"), &notify);
  const uint32_t p_in[CHANNELS] = {port_index(x, "in_1"), port_index(x, "in_2")};
  const uint32_t p_out[CHANNELS] = {port_index(x, "out_1"), port_index(x, "out_2")};

  lilv_instance_activate(inst);

  /* The IR comes in as state (what a preset does), loaded by restore()
     and swapped in by the worker during the first runs on silence. */
  char ttl[1024];
  snprintf(ttl, sizeof ttl,
           "@prefix lv2: <http://lv2plug.in/ns/lv2core#> .\n"
           "@prefix pset: <http://lv2plug.in/ns/ext/presets#> .\n"
           "@prefix state: <http://lv2plug.in/ns/ext/state#> .\n"
           "<urn:postsync:bench:x42> a pset:Preset ; lv2:appliesTo <%s> ;\n"
           "  state:state [ <%s> <file://%s> ] .\n",
           X42_URI, X42_IR, x->ir_path);
  LilvState *state = lilv_state_new_from_string(x->world, &x->map, ttl);
  if (!state) {
    quiet_end(q);
    fprintf(stderr, "convolver_bench: x42: cannot make the state\n");
    lilv_instance_free(inst);
    return r;
  }
  lilv_state_restore(state, inst, NULL, NULL, 0, features);
  lilv_state_free(state);
  control.seq.atom.type = x->map.map(x->map.handle, LV2_ATOM__Sequence);
  control.seq.atom.size = sizeof(LV2_Atom_Sequence_Body);
  control.seq.body.unit = 0;
  control.seq.body.pad = 0;

  float *silence = (float *)calloc((size_t)nominal, sizeof(float));
  float *scratch[CHANNELS] = {(float *)calloc((size_t)nominal, sizeof(float)),
                              (float *)calloc((size_t)nominal, sizeof(float))};
  for (int i = 0; i < 4; ++i) {
    notify.seq.atom.size = sizeof notify.bytes - sizeof(LV2_Atom);
    notify.seq.atom.type = 0;
    for (unsigned c = 0; c < CHANNELS; ++c) {
      lilv_instance_connect_port(inst, p_in[c], silence);
      lilv_instance_connect_port(inst, p_out[c], scratch[c]);
    }
    lilv_instance_run(inst, (uint32_t)block);
    deliver(&worker);
  }
  lilv_instance_deactivate(inst);
  lilv_instance_activate(inst); /* clears the history of the silent runs */
  quiet_end(q);

  const double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), w0 = clock_s(CLOCK_MONOTONIC);
  for (size_t t = 0; t < frames; t += block) {
    const size_t n = frames - t < block ? frames - t : block;
    for (unsigned c = 0; c < CHANNELS; ++c) {
      lilv_instance_connect_port(inst, p_in[c], in[c] + t);
      lilv_instance_connect_port(inst, p_out[c], out[c] + t);
    }
    notify.seq.atom.size = sizeof notify.bytes - sizeof(LV2_Atom);
    if (block > 1) {
      const double a = clock_s(CLOCK_MONOTONIC);
      lilv_instance_run(inst, (uint32_t)n);
      const double d = clock_s(CLOCK_MONOTONIC) - a;
      r.worst = d > r.worst ? d : r.worst;
    } else {
      lilv_instance_run(inst, (uint32_t)n);
    }
  }
  r.cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
  r.wall = clock_s(CLOCK_MONOTONIC) - w0;
  r.samples = frames;
  r.ok = latency == 0.0f;
  if (!r.ok) {
    fprintf(stderr, "convolver_bench: x42 reports a latency of %.0f samples\n",
            (double)latency);
  }
  q = quiet_begin();
  lilv_instance_deactivate(inst);
  lilv_instance_free(inst);
  deliver(&worker);
  quiet_end(q);
  free(silence);
  free(scratch[0]);
  free(scratch[1]);
  return r;
}

/* Report --------------------------------------------------------------------*/

static void
print_result(const char *engine, size_t block, const Result *r)
{
  if (!r->ok && !r->cpu) {
    printf("  %-9s block %4zu   (not run)\n", engine, block);
    return;
  }
  const double audio = (double)r->samples / RATE;
  printf("  %-9s block %4zu  %6.1f s audio  %8.3f s CPU  %7.1f x real time  %6.2f %% core",
         engine, block, audio, r->cpu, audio / r->cpu, 100.0 * r->cpu / audio);
  if (r->worst > 0.0) {
    printf("  worst call %6.3f ms", 1e3 * r->worst);
  }
  if (r->error >= 0.0) {
    printf("  diff %.1e%s", r->error, r->error > 1e-4 ? "  WRONG OUTPUT" : "");
  }
  printf("\n");
}

static double
speed(const Result *r)
{
  return r->cpu > 0.0 ? (double)r->samples / r->cpu : 0.0;
}

int
main(int argc, char **argv)
{
  double seconds = 60.0, anchor_one = 2.0, x42_one = 10.0;
  size_t n_taps = 8192;
  bool use_x42 = true;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
      seconds = atof(argv[++i]);
    } else if (!strcmp(argv[i], "--taps") && i + 1 < argc) {
      n_taps = (size_t)atol(argv[++i]);
    } else if (!strcmp(argv[i], "--anchor-one-seconds") && i + 1 < argc) {
      anchor_one = atof(argv[++i]);
    } else if (!strcmp(argv[i], "--x42-one-seconds") && i + 1 < argc) {
      x42_one = atof(argv[++i]);
    } else if (!strcmp(argv[i], "--no-x42")) {
      use_x42 = false;
    } else {
      fprintf(stderr,
              "usage: convolver_bench [--seconds S] [--taps N] [--anchor-one-seconds S]\n"
              "                       [--x42-one-seconds S] [--no-x42]\n");
      return 2;
    }
  }
  if (!(seconds > 0.0) || !n_taps || n_taps > PS_CONVOLVER_MAX_TAPS) {
    fprintf(stderr, "convolver_bench: bad --seconds or --taps\n");
    return 2;
  }
  const size_t frames = (size_t)(seconds * RATE);

  float *taps = (float *)malloc(n_taps * sizeof(float));
  for (size_t k = 0; k < n_taps; ++k) {
    taps[k] = (float)((2.0 * uniform() - 1.0) * exp(-4.0 * (double)k / (double)n_taps) * 0.1);
  }
  float *in[CHANNELS], *ref[CHANNELS], *out[CHANNELS];
  for (unsigned c = 0; c < CHANNELS; ++c) {
    in[c] = (float *)malloc(frames * sizeof(float));
    ref[c] = (float *)malloc(frames * sizeof(float));
    out[c] = (float *)malloc(frames * sizeof(float));
    if (!in[c] || !ref[c] || !out[c]) {
      fprintf(stderr, "convolver_bench: out of memory\n");
      return 1;
    }
    for (size_t i = 0; i < frames; ++i) {
      in[c][i] = (float)(0.5 * (2.0 * uniform() - 1.0));
    }
  }

  printf("Postsync convolver benchmark: %zu-tap filter, %u ch, %d Hz, %.0f s of noise\n",
         n_taps, CHANNELS, RATE, seconds);
  printf("build: %s, -O%s, %s; FFTW %s\n", PS_BENCH_BUILDTYPE, PS_BENCH_OPTIMIZATION,
         PS_BENCH_COMPILER, fftwf_version);

  X42 x42 = {0};
  bool have_x42 = false;
  if (use_x42) {
    have_x42 = x42_open(&x42, taps, n_taps);
    if (!have_x42) {
      printf("x42: %s not found (apt-get install x42-plugins), skipped\n", X42_URI);
    }
  }

  Result ours[N_BLOCKS], anchor[N_BLOCKS], x[N_BLOCKS];
  memset(x, 0, sizeof x);
  for (size_t b = 0; b < N_BLOCKS; ++b) {
    const size_t block = block_sizes[b];
    printf("\n== host blocks of %zu ==\n", block);
    for (unsigned c = 0; c < CHANNELS; ++c) { /* no first-touch page faults in the timing */
      memset(ref[c], 0, frames * sizeof(float));
      memset(out[c], 0, frames * sizeof(float));
    }
    ours[b] = run_postsync(taps, n_taps, in, ref, frames, block);
    print_result("postsync", block, &ours[b]);

    size_t anchor_frames = frames;
    if (block == 1 && anchor_one * RATE < (double)frames) {
      anchor_frames = (size_t)(anchor_one * RATE);
    }
    anchor[b] = run_anchor(taps, n_taps, in, out, anchor_frames, block);
    anchor[b].error = compare(out, ref, anchor_frames);
    print_result("anchor", block, &anchor[b]);

    if (have_x42) {
      size_t x_frames = frames;
      if (block == 1 && x42_one * RATE < (double)frames) {
        x_frames = (size_t)(x42_one * RATE);
      }
      memset(out[0], 0, frames * sizeof(float));
      memset(out[1], 0, frames * sizeof(float));
      x[b] = run_x42(&x42, in, out, x_frames, block);
      if (x[b].cpu > 0.0) {
        x[b].error = compare(out, ref, x_frames);
      }
      print_result("x42", block, &x[b]);
    }
    printf("  speed ratio postsync/anchor %.2f", speed(&ours[b]) / speed(&anchor[b]));
    if (have_x42 && x[b].cpu > 0.0) {
      printf(", postsync/x42 %.2f", speed(&ours[b]) / speed(&x[b]));
      if (x[b].error > 1e-4) {
        printf(" (x42's output differs: its zero-latency path wants whole blocks of %d)", 64);
      }
    }
    printf("\n");
  }

  printf("\noverall: postsync %.2f%% / %.2f%% / %.2f%% of a core at blocks 64 / 1024 / 1;"
         " speed vs anchor %.2fx / %.2fx / %.2fx",
         100.0 * ours[0].cpu * RATE / (double)ours[0].samples,
         100.0 * ours[1].cpu * RATE / (double)ours[1].samples,
         100.0 * ours[2].cpu * RATE / (double)ours[2].samples, speed(&ours[0]) / speed(&anchor[0]),
         speed(&ours[1]) / speed(&anchor[1]), speed(&ours[2]) / speed(&anchor[2]));
  if (have_x42 && x[0].cpu > 0.0 && x[1].cpu > 0.0) {
    printf("; vs x42 %.2fx / %.2fx", speed(&ours[0]) / speed(&x[0]),
           speed(&ours[1]) / speed(&x[1]));
    if (x[2].cpu > 0.0 && x[2].error <= 1e-4) {
      printf(" / %.2fx", speed(&ours[2]) / speed(&x[2]));
    } else if (x[2].cpu > 0.0) {
      printf(" / n.a. (x42 wrong at 1)");
    }
  }
  printf("\n");
  const bool pass = speed(&ours[0]) >= speed(&anchor[0]) && speed(&ours[1]) >= speed(&anchor[1]);
  printf("%s postsync no slower than the anchor at blocks of 64 and 1024\n",
         pass ? "PASS" : "FAIL");

  if (have_x42) {
    x42_close(&x42);
  } else if (x42.world) {
    lilv_world_free(x42.world);
  }
  for (unsigned c = 0; c < CHANNELS; ++c) {
    free(in[c]);
    free(ref[c]);
    free(out[c]);
  }
  free(taps);
  return 0;
}
