/* What the lip-sync plugin costs: urn:postsync:lipsync hosted through lilv
   on a guide and a take (the take on the main input, the guide on the
   sidechain), at max shifts of 1000 and 2000 ms, in host blocks of 1, 64,
   512 and 4096 frames.  Prints the CPU time of the process while it runs
   the plugin, as a share of the audio's duration (% of one core), and the
   longest single call in wall time against the block's own duration: the
   aligner decides every 40 ms inside run(), so a call that holds a
   decision is the one a host's deadline must absorb.

   usage: lipsync_cost GUIDE.wav TAKE.wav [--seconds S]

   Both files mono at the same rate (the take padded with silence or cut to
   the guide's length).  Driven by lipsync_bench.sh. */
#include "bench_support.h"

#include <lilv/lilv.h>
#include <lv2/core/lv2.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define URI "urn:postsync:lipsync"
#define GOAL_PERCENT 3.0

static const size_t blocks[] = {1, 64, 512, 4096};
#define N_BLOCKS (sizeof blocks / sizeof blocks[0])

typedef struct {
  LilvInstance *inst;
  float *controls;
  float *out;
  uint32_t n_ports, p_in, p_sc, p_out, p_shift;
} Host;

static int
host_open(Host *h, LilvWorld *world, double rate, float shift_ms)
{
  memset(h, 0, sizeof *h);
  LilvNode *node = lilv_new_uri(world, URI);
  const LilvPlugin *plugin = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world), node);
  lilv_node_free(node);
  if (!plugin) {
    fprintf(stderr, "lipsync_cost: %s not found (LV2_PATH=%s)\n", URI,
            getenv("LV2_PATH") ? getenv("LV2_PATH") : "unset");
    return -1;
  }
  h->n_ports = lilv_plugin_get_num_ports(plugin);
  h->controls = (float *)calloc(h->n_ports, sizeof(float));
  h->out = (float *)calloc(4096, sizeof(float));
  if (!h->controls || !h->out) {
    return -1;
  }
  lilv_plugin_get_port_ranges_float(plugin, NULL, NULL, h->controls);
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    h->controls[i] = isnan(h->controls[i]) ? 0.0f : h->controls[i];
  }
  h->p_in = bench_port_index(world, plugin, "in");
  h->p_sc = bench_port_index(world, plugin, "sc");
  h->p_out = bench_port_index(world, plugin, "out");
  h->p_shift = bench_port_index(world, plugin, "max_shift");
  if (h->p_in == UINT32_MAX || h->p_sc == UINT32_MAX || h->p_out == UINT32_MAX ||
      h->p_shift == UINT32_MAX) {
    fprintf(stderr, "lipsync_cost: %s: ports not as expected\n", URI);
    return -1;
  }
  h->controls[h->p_shift] = shift_ms;
  static const LV2_Feature *const none[] = {NULL};
  h->inst = lilv_plugin_instantiate(plugin, rate, none);
  if (!h->inst) {
    fprintf(stderr, "lipsync_cost: %s: cannot instantiate at %.0f Hz\n", URI, rate);
    return -1;
  }
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    lilv_instance_connect_port(h->inst, i, &h->controls[i]);
  }
  lilv_instance_connect_port(h->inst, h->p_out, h->out);
  const uint32_t p_control = bench_port_index(world, plugin, "control"); /* the transport */
  if (p_control != UINT32_MAX) {
    lilv_instance_connect_port(h->inst, p_control, NULL);
  }
  lilv_instance_activate(h->inst);
  return 0;
}

static void
host_close(Host *h)
{
  if (h->inst) {
    lilv_instance_deactivate(h->inst);
    lilv_instance_free(h->inst);
  }
  free(h->controls);
  free(h->out);
  memset(h, 0, sizeof *h);
}

/* frames of guide and take (from the start, looped) in blocks; every call
   timed. */
static BenchTiming
host_run(Host *h, const BenchAudio *guide, const BenchAudio *take, size_t frames, size_t block)
{
  BenchTiming r = {0.0, 0.0, frames};
  const size_t len = guide->frames < take->frames ? guide->frames : take->frames;
  size_t pos = 0;
  const double c0 = bench_clock_s(CLOCK_PROCESS_CPUTIME_ID);
  for (size_t done = 0; done < frames;) {
    size_t n = frames - done < block ? frames - done : block;
    n = len - pos < n ? len - pos : n;
    lilv_instance_connect_port(h->inst, h->p_in, take->ch[0] + pos);
    lilv_instance_connect_port(h->inst, h->p_sc, guide->ch[0] + pos);
    const double a = bench_clock_s(CLOCK_MONOTONIC);
    lilv_instance_run(h->inst, (uint32_t)n);
    const double d = bench_clock_s(CLOCK_MONOTONIC) - a;
    r.worst = d > r.worst ? d : r.worst;
    done += n;
    pos = pos + n == len ? 0 : pos + n;
  }
  r.cpu = bench_clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
  return r;
}

int
main(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: lipsync_cost GUIDE.wav TAKE.wav [--seconds S]\n");
    return 2;
  }
  double seconds = 60.0;
  for (int i = 3; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--seconds")) {
      seconds = atof(argv[i + 1]);
    } else {
      fprintf(stderr, "lipsync_cost: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  BenchAudio guide, take;
  if (bench_audio_load(argv[1], &guide, "lipsync_cost") ||
      bench_audio_load(argv[2], &take, "lipsync_cost")) {
    return 2;
  }
  if (guide.rate != take.rate || guide.channels != 1 || take.channels != 1) {
    fprintf(stderr, "lipsync_cost: the guide and the take must be mono at one rate\n");
    return 2;
  }
  LilvWorld *world = lilv_world_new();
  lilv_world_load_all(world);
  const size_t frames = (size_t)(seconds * guide.rate);
  printf("lipsync plugin cost, %.0f s at %d Hz, %% of one core (CPU time of the process while\n"
         "it runs the plugin), then the longest call against its block's duration\n",
         seconds, guide.rate);
  printf("  %-14s", "max shift");
  for (size_t b = 0; b < N_BLOCKS; ++b) {
    printf("  %8zu", blocks[b]);
  }
  printf("   longest call, ms (x of its block)\n");
  int status = 0;
  double at_default = -1.0;
  const float shifts[2] = {1000.0f, 2000.0f};
  for (int s = 0; s < 2 && !status; ++s) {
    BenchTiming t[N_BLOCKS];
    for (size_t b = 0; b < N_BLOCKS && !status; ++b) {
      Host h;
      if (host_open(&h, world, guide.rate, shifts[s])) {
        status = 2;
        break;
      }
      t[b] = host_run(&h, &guide, &take, frames, blocks[b]);
      host_close(&h);
    }
    if (status) {
      break;
    }
    printf("  %-14s", s ? "2000 ms" : "1000 ms");
    for (size_t b = 0; b < N_BLOCKS; ++b) {
      printf("  %6.2f %%", bench_percent(&t[b], guide.rate));
    }
    printf("  ");
    for (size_t b = 0; b < N_BLOCKS; ++b) {
      printf(" %.3f (%.1fx)", 1e3 * t[b].worst, t[b].worst * guide.rate / (double)blocks[b]);
    }
    printf("\n");
    if (!s) {
      at_default = bench_percent(&t[2], guide.rate);
    }
  }
  if (!status) {
    printf("  goal: under %.0f %% of one core at 1000 ms (blocks of 512): %.2f %% %s\n",
           GOAL_PERCENT, at_default, bench_mark(at_default < GOAL_PERCENT));
  }
  lilv_world_free(world);
  bench_audio_free(&guide);
  bench_audio_free(&take);
  return status;
}
