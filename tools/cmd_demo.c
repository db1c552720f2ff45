/* postsync demo: the main job on the shipped demo scene, through the built
   LV2 plugins hosted by lilv: the ADR take aligned to the production line
   (lipsync), its EQ matched to production (eqmatch), the production's room
   tone laid under it (roomtone), the result measured dialogue-gated against
   a delivery spec (loudness); the outputs and a one-page PNG report.  With a
   FILE: the loudness meter alone over it, as a host would show it. */
#include "audiofile.h"
#include "commands.h"
#include "delivery.h"
#include "ltas.h"
#include "lv2run.h"
#include "report.h"
#include "resample.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BLOCK 512

static void
usage(FILE *f)
{
  fprintf(f,
          "usage: postsync demo [--production P.wav --adr A.wav] [--out-dir DIR] [--spec NAME]\n"
          "       postsync demo FILE\n"
          "The post-sync chain on the shipped demo scene (or P and A), each step an LV2\n"
          "plugin of this build hosted through lilv: the ADR take aligned to the\n"
          "production line (urn:postsync:lipsync), its EQ matched to production\n"
          "(urn:postsync:eqmatch#mono), the production's room tone laid under it\n"
          "(urn:postsync:roomtone#mono, difference mode), and the result measured\n"
          "dialogue-gated against a delivery spec (urn:postsync:loudness#mono).  Writes\n"
          "aligned.wav, matched.wav, final.wav and report.png (waveforms, spectra,\n"
          "room tone, loudness and the aligner's offset over time) into DIR\n"
          "(postsync-demo).\n"
          "  --spec NAME   the delivery spec (netflix; postsync loudness --spec list)\n"
          "With FILE: the loudness meter alone over it, its readings every second and at\n"
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

static int
demo_meter(const char *path)
{

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

typedef struct {
  const char *production, *adr, *out_dir, *spec;
} DemoOptions;

/* What a pass logs every 100 ms: up to two control outputs. */
typedef struct {
  const char *symbol[2];
  double *t, *v[2];
  size_t n, cap;
} Series;

static int
series_add(Series *s, double t, const Lv2Run *run)
{
  if (s->n == s->cap) {
    const size_t cap = s->cap ? 2 * s->cap : 1024;
    double *t2 = (double *)realloc(s->t, cap * sizeof(double));
    if (!t2) {
      return -1;
    }
    s->t = t2;
    for (int k = 0; k < 2; ++k) {
      double *v2 = (double *)realloc(s->v[k], cap * sizeof(double));
      if (!v2) {
        return -1;
      }
      s->v[k] = v2;
    }
    s->cap = cap;
  }
  s->t[s->n] = t;
  for (int k = 0; k < 2; ++k) {
    float v = -300.0f;
    if (s->symbol[k]) {
      lv2run_get(run, s->symbol[k], &v);
    }
    s->v[k][s->n] = v;
  }
  ++s->n;
  return 0;
}

static void
series_free(Series *s)
{
  free(s->t);
  free(s->v[0]);
  free(s->v[1]);
}

/* One pass of a mono plugin over in[0..n) (sidechain sc, may be NULL) into
   out[0..n) (may be NULL): the output shifted back by the latency the
   plugin reports (more silence run in at the end), as a host compensates
   it; the outputs logged every 100 ms of the output's time into log. */
static int
pass(Lv2Run *run, double rate, const float *in, const float *sc, size_t n, float *out,
     Series *log)
{
  float bin[BLOCK], bsc[BLOCK], bout[BLOCK];
  const float *ins[1] = {bin}, *scs[1] = {bsc};
  float *outs[1] = {bout};
  size_t latency = 0, pos = 0, next_log = (size_t)(0.1 * rate);
  bool known = false;
  while (!known || pos < n + latency) {
    const size_t len = BLOCK;
    for (size_t i = 0; i < len; ++i) {
      bin[i] = pos + i < n ? in[pos + i] : 0.0f;
      bsc[i] = sc && pos + i < n ? sc[pos + i] : 0.0f;
    }
    lv2run_process(run, ins, sc ? scs : NULL, outs, (uint32_t)len);
    if (!known) {
      float l = 0.0f;
      latency = lv2run_get(run, "latency", &l) && l > 0.0f ? (size_t)lroundf(l) : 0;
      known = true;
    }
    for (size_t i = 0; out && i < len; ++i) {
      const size_t at = pos + i;
      if (at >= latency && at - latency < n) {
        out[at - latency] = bout[i];
      }
    }
    pos += len;
    while (log && pos >= latency + next_log && next_log <= n) {
      if (series_add(log, (double)next_log / rate, run)) {
        return -1;
      }
      next_log += (size_t)(0.1 * rate);
    }
  }
  return 0;
}

static Lv2Run *
open_plugin(LilvWorld *world, const char *uri, double rate)
{
  char err[512];
  Lv2Run *run = NULL;
  if (lv2run_open(&run, world, uri, rate, BLOCK, err, sizeof(err))) {
    fprintf(stderr, "postsync demo: %s\n", err);
    return NULL;
  }
  return run;
}

static float
reading(const Lv2Run *run, const char *symbol)
{
  float v = -120.0f;
  lv2run_get(run, symbol, &v);
  return v;
}

static const char *
base_name(const char *path)
{
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static int
make_dir(const char *path)
{
  if (mkdir(path, 0777) && errno != EEXIST) {
    fprintf(stderr, "postsync demo: cannot make %s: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}

static char *
join(const char *dir, const char *name)
{
  const size_t len = strlen(dir) + strlen(name) + 2;
  char *p = (char *)malloc(len);
  if (p) {
    snprintf(p, len, "%s/%s", dir, name);
  }
  return p;
}

static int
demo_chain(const DemoOptions *o)
{
  const PsDelivery *spec = ps_delivery_find(o->spec);
  if (!spec) {
    fprintf(stderr, "postsync demo: no delivery spec '%s' (postsync loudness --spec list)\n",
            o->spec);
    return 2;
  }
  size_t n = 0, n_adr = 0;
  double rate = 0.0, rate_adr = 0.0;
  float *prod = audio_load_mono(o->production, "demo", &n, &rate);
  float *adr_in = prod ? audio_load_mono(o->adr, "demo", &n_adr, &rate_adr) : NULL;
  if (!prod || !adr_in) {
    free(prod);
    return 1;
  }
  if (!(rate >= 22050.0 && rate <= 192000.0)) {
    fprintf(stderr, "postsync demo: %s: %.0f Hz, not 22050-192000\n", o->production, rate);
    free(prod);
    free(adr_in);
    return 1;
  }
  /* the take at the production's rate and length */
  float *adr_rs = NULL;
  size_t n_rs = n_adr;
  if (rate_adr != rate && ps_resample(adr_in, n_adr, rate / rate_adr, PS_RESAMPLE_BEST, &adr_rs,
                                      &n_rs)) {
    fprintf(stderr, "postsync demo: cannot resample %s\n", o->adr);
    free(prod);
    free(adr_in);
    return 1;
  }
  float *adr = (float *)calloc(n, sizeof(float));
  float *aligned = (float *)calloc(n, sizeof(float));
  float *matched = (float *)calloc(n, sizeof(float));
  float *final = (float *)calloc(n, sizeof(float));
  double *sp[6], *fl[6];
  for (int k = 0; k < 6; ++k) {
    sp[k] = (double *)calloc(PS_LTAS_BANDS, sizeof(double));
    fl[k] = (double *)calloc(PS_LTAS_BANDS, sizeof(double));
  }
  double *hz = (double *)calloc(PS_LTAS_BANDS, sizeof(double));
  int status = adr && aligned && matched && final && hz ? 0 : 1;
  for (int k = 0; k < 6; ++k) {
    status = status || !sp[k] || !fl[k];
  }
  if (!status) {
    const float *src = adr_rs ? adr_rs : adr_in;
    memcpy(adr, src, (n_rs < n ? n_rs : n) * sizeof(float));
  }
  free(adr_rs);
  free(adr_in);
  LilvWorld *world = status ? NULL : lv2run_world();
  Lv2Run *lip = NULL, *eq = NULL, *room = NULL, *meter = NULL;
  Series offsets = {{"offset_ms", "confidence"}, NULL, {NULL, NULL}, 0, 0};
  Series loud = {{"momentary", "shortterm"}, NULL, {NULL, NULL}, 0, 0};
  if (!status && !world) {
    fprintf(stderr, "postsync demo: cannot create the lilv world\n");
    status = 1;
  }
  printf("Postsync demo: the post-sync chain through this build's LV2 plugins (lilv)\n");
  const char *prod_name = base_name(o->production), *adr_name = base_name(o->adr);
  printf("production %s, ADR %s: %.1f s at %.0f Hz\n\n", prod_name, adr_name, (double)n / rate,
         rate);
  /* 1. align */
  if (!status && !(lip = open_plugin(world, "urn:postsync:lipsync", rate))) {
    status = 1;
  }
  if (!status) {
    status = pass(lip, rate, adr, prod, n, aligned, &offsets) ? 1 : 0;
  }
  if (!status) {
    double sum = 0.0, worst = 0.0;
    for (size_t i = 0; i < offsets.n; ++i) {
      sum += fabs(offsets.v[0][i]);
      worst = fabs(offsets.v[0][i]) > worst ? fabs(offsets.v[0][i]) : worst;
    }
    printf("1. urn:postsync:lipsync (max shift %.0f ms, latency %.0f samples, compensated):\n"
           "   the take moved by %.0f ms on average, %.0f ms at most\n",
           (double)reading(lip, "max_shift"), (double)reading(lip, "latency"),
           offsets.n ? sum / (double)offsets.n : 0.0, worst);
  }
  /* 2. EQ match: learn both, then apply */
  if (!status && !(eq = open_plugin(world, "urn:postsync:eqmatch#mono", rate))) {
    status = 1;
  }
  if (!status) {
    lv2run_set(eq, "learn", 1.0f);
    status = pass(eq, rate, aligned, prod, n, NULL, NULL) ? 1 : 0;
    lv2run_set(eq, "learn", 0.0f);
    status = status || pass(eq, rate, aligned, prod, n, matched, NULL) ? 1 : 0;
  }
  if (!status) {
    printf("2. urn:postsync:eqmatch#mono: learned %.1f s of production speech and %.1f s of\n"
           "   the take's, correction up to %.1f dB\n",
           (double)reading(eq, "ref_seconds"), (double)reading(eq, "take_seconds"),
           (double)reading(eq, "correction_db"));
  }
  /* 3. room tone: learn from production, generate what the take lacks */
  if (!status && !(room = open_plugin(world, "urn:postsync:roomtone#mono", rate))) {
    status = 1;
  }
  if (!status) {
    lv2run_set(room, "learn", 1.0f);
    status = pass(room, rate, matched, prod, n, NULL, NULL) ? 1 : 0;
    lv2run_set(room, "learn", 0.0f);
    lv2run_set(room, "mode", 1.0f); /* difference */
    status = status || pass(room, rate, matched, NULL, n, final, NULL) ? 1 : 0;
  }
  if (!status) {
    printf("3. urn:postsync:roomtone#mono (difference): learned %.1f s, room tone %.1f dBFS,\n"
           "   %.0f stationary tones\n",
           (double)reading(room, "learned_seconds"), (double)reading(room, "floor_db"),
           (double)reading(room, "tones"));
  }
  /* 4. measure */
  if (!status && !(meter = open_plugin(world, "urn:postsync:loudness#mono", rate))) {
    status = 1;
  }
  double judged = 0.0;
  bool used_dialogue = false;
  PsVerdict verdict = {false, false, false};
  if (!status) {
    lv2run_set(meter, "target", (float)spec->target_lufs);
    lv2run_set(meter, "tp_limit", (float)spec->truepeak_limit);
    lv2run_set(meter, "target_gate", spec->dialogue_gated ? 1.0f : 0.0f);
    status = pass(meter, rate, final, NULL, n, NULL, &loud) ? 1 : 0;
    for (size_t i = 0; i < loud.n; ++i) {
      for (int k = 0; k < 2; ++k) {
        /* the meter's -120: nothing to read yet */
        loud.v[k][i] = loud.v[k][i] > -119.5 ? loud.v[k][i] : REPORT_NONE;
      }
    }
  }
  if (!status) {
    const double integ = reading(meter, "integrated"), dlg = reading(meter, "dialogue");
    const double share = (double)reading(meter, "speech_pct") / 100.0, tp = reading(meter, "truepeak");
    judged = ps_delivery_loudness(spec->dialogue_gated, integ, dlg, share, &used_dialogue);
    verdict = ps_delivery_verdict(spec, judged, tp);
    printf("4. urn:postsync:loudness#mono against %s (%s):\n", spec->title, spec->source);
    print_reading("integrated", (float)integ, "LUFS");
    print_reading("dialogue-gated", (float)dlg, "LUFS");
    print_reading("speech", (float)(100.0 * share), "% of the time");
    print_reading("loudness range", reading(meter, "range"), "LU");
    print_reading("true peak", (float)tp, "dBTP");
    printf("   %s %.1f LUFS against %.1f +- %.1f: %s; true peak against %.1f dBTP: %s\n",
           used_dialogue ? "dialogue-gated" : "integrated", judged, spec->target_lufs,
           spec->tolerance_lu, verdict.defined && verdict.loudness_ok ? "pass" : "fail",
           spec->truepeak_limit, verdict.truepeak_ok ? "pass" : "fail");
  }
  /* outputs */
  char *paths[4] = {NULL, NULL, NULL, NULL};
  static const char *const names[4] = {"aligned.wav", "matched.wav", "final.wav", "report.png"};
  if (!status && make_dir(o->out_dir)) {
    status = 1;
  }
  for (int k = 0; !status && k < 4; ++k) {
    if (!(paths[k] = join(o->out_dir, names[k]))) {
      status = 1;
    }
  }
  const float *outs[3] = {aligned, matched, final};
  for (int k = 0; !status && k < 3; ++k) {
    status = audio_save_mono(paths[k], "demo", outs[k], n, rate) ? 1 : 0;
  }
  if (!status) {
    /* spectra: production, take as recorded, matched take; floors:
       production, take, final */
    const float *what[4] = {prod, adr, matched, final};
    for (int k = 0; k < 4 && !status; ++k) {
      status = report_spectra(what[k], n, rate, hz, sp[k], fl[k]) ? 1 : 0;
      report_relative(hz, sp[k], PS_LTAS_BANDS);
    }
    char line[4][200];
    snprintf(line[0], sizeof(line[0]),
             "production %s, ADR %s: %.1f s at %.0f Hz; each step an LV2 plugin of this build "
             "hosted through lilv",
             prod_name, adr_name, (double)n / rate, rate);
    snprintf(line[1], sizeof(line[1]),
             "lipsync: latency %.0f samples, compensated | eqmatch: correction up to %.1f dB | "
             "roomtone: %.1f dBFS, %.0f tones",
             (double)reading(lip, "latency"), (double)reading(eq, "correction_db"),
             (double)reading(room, "floor_db"), (double)reading(room, "tones"));
    snprintf(line[2], sizeof(line[2]),
             "%s: %s %.1f LUFS (target %.1f +- %.1f) %s; true peak %.1f dBTP (limit %.1f) %s",
             spec->title, used_dialogue ? "dialogue-gated" : "integrated", judged,
             spec->target_lufs, spec->tolerance_lu,
             verdict.defined && verdict.loudness_ok ? "PASS" : "FAIL",
             (double)reading(meter, "truepeak"), spec->truepeak_limit,
             verdict.truepeak_ok ? "PASS" : "FAIL");
    Report r;
    memset(&r, 0, sizeof(r));
    r.title = "Postsync demo: ADR take aligned, EQ-matched, room tone, measured";
    r.lines[0] = line[0];
    r.lines[1] = line[1];
    r.lines[2] = line[2];
    r.n_lines = 3;
    ReportPanel *p = &r.panels[0];
    p->kind = REPORT_WAVEFORMS;
    p->title = "Waveforms: the production (guide), the ADR take as recorded, aligned to it";
    p->curves[0] = (ReportCurve){"production", NULL, prod, NULL, n, rate};
    p->curves[1] = (ReportCurve){"ADR take", NULL, adr, NULL, n, rate};
    p->curves[2] = (ReportCurve){"aligned take", NULL, aligned, NULL, n, rate};
    p->n_curves = 3;
    p = &r.panels[1];
    p->kind = REPORT_SERIES;
    p->title = "The aligner's offset: take minus guide, ms (and confidence x 100)";
    for (size_t i = 0; i < offsets.n; ++i) {
      offsets.v[1][i] *= 100.0;
    }
    p->curves[0] = (ReportCurve){"offset, ms", offsets.t, NULL, offsets.v[0], offsets.n, 0.0};
    p->curves[1] = (ReportCurve){"confidence x 100", offsets.t, NULL, offsets.v[1], offsets.n, 0.0};
    p->n_curves = 2;
    p->y_lo = -1000.0;
    p->y_hi = 1000.0;
    p->y_step = 250.0;
    p = &r.panels[2];
    p->kind = REPORT_SPECTRA;
    p->title = "EQ match: long-term speech spectra, dB relative to their 250 Hz - 4 kHz mean "
               "(1/6-octave)";
    p->curves[0] = (ReportCurve){"production", hz, NULL, sp[0], PS_LTAS_BANDS, 0.0};
    p->curves[1] = (ReportCurve){"ADR take", hz, NULL, sp[1], PS_LTAS_BANDS, 0.0};
    p->curves[2] = (ReportCurve){"matched take", hz, NULL, sp[2], PS_LTAS_BANDS, 0.0};
    p->n_curves = 3;
    p = &r.panels[3];
    p->kind = REPORT_SPECTRA;
    p->title = "Room tone: spectra between the words, dB (1/6-octave)";
    p->curves[0] = (ReportCurve){"production", hz, NULL, fl[0], PS_LTAS_BANDS, 0.0};
    p->curves[1] = (ReportCurve){"ADR take", hz, NULL, fl[1], PS_LTAS_BANDS, 0.0};
    p->curves[2] = (ReportCurve){"with room tone", hz, NULL, fl[3], PS_LTAS_BANDS, 0.0};
    p->n_curves = 3;
    r.panels[2].y_lo = -60.0;
    r.panels[2].y_hi = 20.0;
    double top = -300.0;
    for (int k = 0; k < 4; ++k) {
      for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
        top = fl[k][b] > top ? fl[k][b] : top;
      }
    }
    r.panels[3].y_hi = ceil(top / 10.0) * 10.0 + 10.0;
    r.panels[3].y_lo = r.panels[3].y_hi - 90.0;
    r.panels[2].y_step = r.panels[3].y_step = 10.0;
    p = &r.panels[4];
    p->kind = REPORT_SERIES;
    p->title = "Loudness of the result over time, LUFS (target dashed)";
    p->curves[0] = (ReportCurve){"momentary", loud.t, NULL, loud.v[0], loud.n, 0.0};
    p->curves[1] = (ReportCurve){"short-term", loud.t, NULL, loud.v[1], loud.n, 0.0};
    p->n_curves = 2;
    p->y_lo = -60.0;
    p->y_hi = 0.0;
    p->y_step = 10.0;
    p->target = spec->target_lufs;
    p->has_target = true;
    r.n_panels = 5;
    status = status || report_write(&r, paths[3], "demo") ? 1 : 0;
  }
  if (!status) {
    printf("\nwritten: %s, %s, %s, %s\n", paths[0], paths[1], paths[2], paths[3]);
  }
  for (int k = 0; k < 4; ++k) {
    free(paths[k]);
  }
  lv2run_close(&lip);
  lv2run_close(&eq);
  lv2run_close(&room);
  lv2run_close(&meter);
  if (world) {
    lilv_world_free(world);
  }
  series_free(&offsets);
  series_free(&loud);
  for (int k = 0; k < 6; ++k) {
    free(sp[k]);
    free(fl[k]);
  }
  free(hz);
  free(prod);
  free(adr);
  free(aligned);
  free(matched);
  free(final);
  return status;
}

int
cmd_demo(int argc, char **argv)
{
  DemoOptions o = {NULL, NULL, "postsync-demo", "netflix"};
#ifdef PS_DEMO_DIR
  o.production = PS_DEMO_DIR "/production.flac";
  o.adr = PS_DEMO_DIR "/adr.flac";
#endif
  const char *file = NULL;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(a, "--production") && v) {
      o.production = v;
      ++i;
    } else if (!strcmp(a, "--adr") && v) {
      o.adr = v;
      ++i;
    } else if (!strcmp(a, "--out-dir") && v) {
      o.out_dir = v;
      ++i;
    } else if (!strcmp(a, "--spec") && v) {
      o.spec = v;
      ++i;
    } else if (a[0] == '-') {
      fprintf(stderr, "postsync demo: unknown option or missing value '%s'\n", a);
      usage(stderr);
      return 2;
    } else if (!file) {
      file = a;
    } else {
      fprintf(stderr, "postsync demo: one FILE at most\n");
      return 2;
    }
  }
  if (file) {
    return demo_meter(file);
  }
  if (!o.production || !o.adr) {
    fprintf(stderr, "postsync demo: no demo scene built in; give --production and --adr\n");
    return 2;
  }
  return demo_chain(&o);
}
