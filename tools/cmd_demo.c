/* postsync demo: the main job on the shipped demo clip, through the built
   LV2 plugins hosted by lilv.  For now: the loudness meter. */
#include "audiofile.h"
#include "commands.h"
#include "lv2run.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 512

static void
usage(FILE *f)
{
  fprintf(f, "usage: postsync demo [FILE]\n"
             "Run the loudness meter plugin (urn:postsync:loudness) through lilv over FILE\n"
             "(default: the shipped demo clip) and print its readings every second and at\n"
             "the end, as a host would show them.\n");
}

static const char *
meter_uri(int channels)
{
  switch (channels) {
  case 1:
    return "urn:postsync:loudness#mono";
  case 2:
    return "urn:postsync:loudness#stereo";
  case 6:
    return "urn:postsync:loudness#51";
  case 8:
    return "urn:postsync:loudness#71";
  default:
    return NULL;
  }
}

static void
print_reading(const char *label, float v, const char *unit)
{
  if (v <= -120.0f) {
    printf("  %-22s      - %s\n", label, unit);
  } else {
    printf("  %-22s %6.1f %s\n", label, (double)v, unit);
  }
}

int
cmd_demo(int argc, char **argv)
{
  const char *path = NULL;
#ifdef PS_DEMO_FILE
  path = PS_DEMO_FILE;
#endif
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      usage(stdout);
      return 0;
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "postsync demo: unknown option '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    }
    path = argv[i];
  }
  if (!path) {
    fprintf(stderr, "postsync demo: no demo file built in; name one\n");
    return 2;
  }

  char err[512];
  AudioIn in;
  if (audio_open(&in, path, -1, err, sizeof(err))) {
    fprintf(stderr, "postsync demo: %s: %s\n", path, err);
    return 1;
  }
  const char *uri = meter_uri(in.info.channels);
  if (!uri) {
    fprintf(stderr, "postsync demo: %s: %d channels: the meter takes 1, 2, 6 or 8\n", path,
            in.info.channels);
    audio_close(&in);
    return 1;
  }
  LilvWorld *world = lv2run_world();
  Lv2Run *meter = NULL;
  if (!world ||
      lv2run_open(&meter, world, uri, in.info.samplerate, BLOCK, err, sizeof(err))) {
    fprintf(stderr, "postsync demo: %s\n", world ? err : "cannot create the lilv world");
    audio_close(&in);
    if (world) {
      lilv_world_free(world);
    }
    return 1;
  }

  const int nc = in.info.channels;
  float *frames = (float *)malloc((size_t)BLOCK * (size_t)nc * sizeof(float));
  float *planes = (float *)malloc((size_t)BLOCK * (size_t)nc * sizeof(float));
  const float *ins[8];
  float *outs[8];
  for (int c = 0; c < nc; ++c) {
    ins[c] = outs[c] = planes + (size_t)c * BLOCK; /* in place, as a DAW may */
  }
  printf("Postsync demo: %s hosted through lilv\n", uri);
  const char *shown = path;
#ifdef PS_DEMO_FILE
  if (!strcmp(path, PS_DEMO_FILE)) {
    shown = "demo/dialogue.flac";
  }
#endif
  printf("over %s (%d Hz, %d channel%s, %.1f s)\n\n", shown, in.info.samplerate, nc,
         nc == 1 ? "" : "s", (double)in.info.frames / in.info.samplerate);
  printf("  time   momentary  short-term  integrated  true peak\n");
  sf_count_t got, done = 0;
  sf_count_t next_print = in.info.samplerate;
  while ((got = sf_readf_float(in.sf, frames, BLOCK)) > 0) {
    for (sf_count_t i = 0; i < got; ++i) {
      for (int c = 0; c < nc; ++c) {
        planes[(size_t)c * BLOCK + (size_t)i] = frames[i * nc + c];
      }
    }
    lv2run_process(meter, ins, NULL, outs, (uint32_t)got);
    done += got;
    if (done >= next_print) {
      float m = 0, s = 0, integ = 0, tp = 0;
      lv2run_get(meter, "momentary", &m);
      lv2run_get(meter, "shortterm", &s);
      lv2run_get(meter, "integrated", &integ);
      lv2run_get(meter, "truepeak", &tp);
      printf("  %4.1f s", (double)done / in.info.samplerate);
      const float v[4] = {m, s, integ, tp};
      for (int k = 0; k < 4; ++k) {
        if (v[k] <= -120.0f) {
          printf("  %10s", "-");
        } else {
          printf("  %10.1f", (double)v[k]);
        }
      }
      printf("\n");
      next_print += in.info.samplerate;
    }
  }
  printf("\nReadings at the end (the plugin's output ports):\n");
  static const struct {
    const char *symbol, *label, *unit;
  } rows[] = {
    {"integrated", "integrated", "LUFS"},      {"dialogue", "dialogue-gated", "LUFS"},
    {"speech_pct", "speech", "% of the time"}, {"range", "loudness range", "LU"},
    {"truepeak", "true peak", "dBTP"},         {"samplepeak", "sample peak", "dBFS"},
    {"momentary_max", "max momentary", "LUFS"}, {"shortterm_max", "max short-term", "LUFS"},
    {"plr", "peak to loudness", "LU"},         {"deviation", "deviation from -23", "LU"},
  };
  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); ++i) {
    float v = -120.0f;
    lv2run_get(meter, rows[i].symbol, &v);
    print_reading(rows[i].label, v, rows[i].unit);
  }
  float over = 0.0f;
  lv2run_get(meter, "tp_over", &over);
  printf("  %-22s %s\n", "true peak over -1 dBTP", over > 0.5f ? "yes" : "no");

  free(frames);
  free(planes);
  lv2run_close(&meter);
  lilv_world_free(world);
  audio_close(&in);
  return 0;
}
