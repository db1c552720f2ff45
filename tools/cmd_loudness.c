/* postsync loudness FILE...: BS.1770 / EBU R128 measurement of files. */
#include "audiofile.h"
#include "commands.h"
#include "delivery.h"
#include "layout.h"
#include "loudness.h"
#include "ps_status.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_FRAMES 4800

typedef enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_CSV } Format;

typedef struct {
  Format format;
  int layout;
  PsDelivery spec;
  bool quiet;
  bool strict;
  const char *output;
} Options;

/* What a verdict was judged on. */
typedef struct {
  double loudness;
  bool dialogue;
} Judged;

static Judged
judge(const PsDelivery *spec, const PsLoudnessReadings *r)
{
  Judged j;
  j.loudness =
    ps_delivery_loudness(spec->dialogue_gated, r->integrated, r->dialogue, r->speech_share,
                         &j.dialogue);
  return j;
}

static void
usage(FILE *f)
{
  fprintf(f,
          "usage: postsync loudness [OPTION]... FILE...\n"
          "Measure files as ITU-R BS.1770-5 / EBU R128 prescribe: integrated loudness,\n"
          "loudness range, true peak, sample peak, maximum momentary and short-term\n"
          "loudness, and a verdict against a delivery specification.\n\n"
          "  --spec NAME        delivery spec (default ebu); --spec list shows them\n"
          "  --target LUFS      target loudness (overrides the spec's)\n"
          "  --tolerance LU     allowed deviation from the target\n"
          "  --tp-limit DBTP    highest true peak allowed\n"
          "  --gate WHAT        judge programme or dialogue(-gated) loudness; default:\n"
          "                     as the spec says (dialogue-gated specs fall back to\n"
          "                     programme loudness under 15 %% dialogue)\n"
          "  --layout NAME      mono, stereo, 5.0, 5.1 (L R C LFE Ls Rs), 7.1 (L R C LFE\n"
          "                     Lss Rss Lrs Rrs) or front (all channels weight 1);\n"
          "                     default: the file's channel map, else by channel count\n"
          "  --json             one JSON document with a record per file\n"
          "  --csv              time series every 100 ms: file, time, momentary,\n"
          "                     short-term, integrated, dialogue-gated (LUFS; empty\n"
          "                     while undefined)\n"
          "  -o FILE            write the report to FILE (only once it is complete)\n"
          "  --strict           exit 3 when a file fails its delivery spec\n"
          "  -q, --quiet        no progress bar\n"
          "  -h, --help         this text\n");
}

static void
list_specs(void)
{
  size_t n;
  const PsDelivery *t = ps_delivery_table(&n);
  printf("%-10s %-30s %-10s %7s %5s %7s  %s\n", "name", "specification", "gate", "target",
         "+-LU", "TP max", "source");
  for (size_t i = 0; i < n; ++i) {
    printf("%-10s %-30s %-10s %7.1f %5.1f %7.1f  %s\n", t[i].name, t[i].title,
           t[i].dialogue_gated ? "dialogue" : "programme", t[i].target_lufs, t[i].tolerance_lu,
           t[i].truepeak_limit, t[i].source);
  }
}

static void
progress(const char *path, double done, bool *shown)
{
  const int width = 40;
  const int filled = (int)(done * width);
  const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  fprintf(stderr, "\r%-24.24s [", name);
  for (int i = 0; i < width; ++i) {
    fputc(i < filled ? '#' : '.', stderr);
  }
  fprintf(stderr, "] %3d%%", (int)(done * 100.0));
  fflush(stderr);
  *shown = true;
}

/* A CSV field: the value, or nothing while it is undefined. */
static void
csv_value(FILE *f, double v)
{
  if (isfinite(v)) {
    fprintf(f, "%.2f", v);
  }
}

static void
json_number(FILE *f, const char *key, double v, bool comma)
{
  if (isfinite(v)) {
    fprintf(f, "    \"%s\": %.2f%s\n", key, v, comma ? "," : "");
  } else {
    fprintf(f, "    \"%s\": null%s\n", key, comma ? "," : "");
  }
}

static void
json_string(FILE *f, const char *s)
{
  fputc('"', f);
  for (; *s; ++s) {
    if (*s == '"' || *s == '\\') {
      fprintf(f, "\\%c", *s);
    } else if ((unsigned char)*s < 0x20) {
      fprintf(f, "\\u%04x", *s);
    } else {
      fputc(*s, f);
    }
  }
  fputc('"', f);
}

static const char *
text_db(char *buf, size_t size, double v, const char *unit)
{
  if (isfinite(v)) {
    snprintf(buf, size, "%6.1f %s", v + 0.0, unit); /* + 0.0: no "-0.0" */
  } else {
    snprintf(buf, size, "     - %s", unit);
  }
  return buf;
}

static void
report_text(FILE *f, const AudioIn *in, const PsLoudnessReadings *r, const PsDelivery *spec,
            PsVerdict v, Judged j)
{
  char b[64];
  const double plr = r->truepeak - r->integrated;
  const double seconds = (double)in->info.frames / in->info.samplerate;
  fprintf(f, "%s\n", in->path);
  fprintf(f, "  %d Hz, %d channel%s (%s), %d:%04.1f\n", in->info.samplerate, in->info.channels,
          in->info.channels == 1 ? "" : "s", in->layout, (int)(seconds / 60.0),
          fmod(seconds, 60.0));
  fprintf(f, "  Integrated       %s\n", text_db(b, sizeof(b), r->integrated, "LUFS"));
  fprintf(f, "  Dialogue-gated   %s (speech %.0f %% of the time)\n",
          text_db(b, sizeof(b), r->dialogue, "LUFS"), 100.0 * r->speech_share);
  fprintf(f, "  Loudness range   %s\n", text_db(b, sizeof(b), r->range, "LU"));
  fprintf(f, "  True peak        %s\n", text_db(b, sizeof(b), r->truepeak, "dBTP"));
  fprintf(f, "  Sample peak      %s\n", text_db(b, sizeof(b), r->samplepeak, "dBFS"));
  fprintf(f, "  Max momentary    %s\n", text_db(b, sizeof(b), r->momentary_max, "LUFS"));
  fprintf(f, "  Max short-term   %s\n", text_db(b, sizeof(b), r->shortterm_max, "LUFS"));
  fprintf(f, "  PLR              %s\n", text_db(b, sizeof(b), plr, "LU"));
  fprintf(f, "  %s (%.1f LUFS +-%.1f LU %s, true peak <= %.1f dBTP): ", spec->title,
          spec->target_lufs, spec->tolerance_lu,
          j.dialogue              ? "dialogue-gated"
          : spec->dialogue_gated ? "programme, dialogue under 15 %"
                                 : "programme",
          spec->truepeak_limit);
  if (!v.defined) {
    fprintf(f, "FAIL, nothing above the gates\n");
  } else if (v.loudness_ok && v.truepeak_ok) {
    fprintf(f, "PASS\n");
  } else {
    fprintf(f, "FAIL");
    if (!v.loudness_ok) {
      fprintf(f, ", loudness %+.1f LU off target", j.loudness - spec->target_lufs);
    }
    if (!v.truepeak_ok) {
      fprintf(f, ", true peak %.1f dB over the limit", r->truepeak - spec->truepeak_limit);
    }
    fprintf(f, "\n");
  }
}

static void
report_json(FILE *f, const AudioIn *in, const PsLoudnessReadings *r, const PsDelivery *spec,
            PsVerdict v, Judged j, bool first)
{
  fprintf(f, "%s  {\n    \"file\": ", first ? "" : ",\n");
  json_string(f, in->path);
  fprintf(f, ",\n    \"rate\": %d,\n    \"channels\": %d,\n    \"layout\": ", in->info.samplerate,
          in->info.channels);
  json_string(f, in->layout);
  fprintf(f, ",\n    \"seconds\": %.3f,\n", (double)in->info.frames / in->info.samplerate);
  json_number(f, "integrated", r->integrated, true);
  json_number(f, "dialogue", r->dialogue, true);
  json_number(f, "speech_pct", 100.0 * r->speech_share, true);
  json_number(f, "range", r->range, true);
  json_number(f, "truepeak", r->truepeak, true);
  json_number(f, "samplepeak", r->samplepeak, true);
  json_number(f, "momentary_max", r->momentary_max, true);
  json_number(f, "shortterm_max", r->shortterm_max, true);
  json_number(f, "plr", r->truepeak - r->integrated, true);
  fprintf(f, "    \"spec\": \"%s\",\n    \"target\": %.1f,\n    \"tolerance\": %.1f,\n",
          spec->name, spec->target_lufs, spec->tolerance_lu);
  fprintf(f, "    \"tp_limit\": %.1f,\n", spec->truepeak_limit);
  fprintf(f, "    \"judged_on\": \"%s\",\n", j.dialogue ? "dialogue" : "programme");
  fprintf(f, "    \"loudness_ok\": %s,\n    \"truepeak_ok\": %s,\n    \"pass\": %s\n  }",
          v.loudness_ok ? "true" : "false", v.truepeak_ok ? "true" : "false",
          v.loudness_ok && v.truepeak_ok ? "true" : "false");
}

/* Measures one file; writes its CSV rows as it goes.  Returns 0 or -1 with
   a message in err. */
static int
measure(AudioIn *in, const Options *o, FILE *out, PsLoudnessReadings *r, char *err,
        size_t err_size)
{
  float weights[PS_MAX_CHANNELS];
  for (int c = 0; c < in->info.channels; ++c) {
    weights[c] = ps_role_weight(in->roles[c]);
  }
  PsLoudness *m = NULL;
  int st = ps_loudness_init(&m, in->info.samplerate, (unsigned)in->info.channels, weights);
  if (st) {
    snprintf(err, err_size, "%s", ps_status_string(st));
    return -1;
  }
  const size_t step = (size_t)in->info.samplerate / 10; /* 100 ms rows */
  const size_t chunk = o->format == FORMAT_CSV ? step : READ_FRAMES;
  float *buf = (float *)malloc(chunk * (size_t)in->info.channels * sizeof(float));
  if (!buf) {
    ps_loudness_free(&m);
    snprintf(err, err_size, "out of memory");
    return -1;
  }
  const bool show = !o->quiet && isatty(fileno(stderr)) && in->info.frames > (sf_count_t)(10 * step);
  bool shown = false;
  sf_count_t total = 0, got;
  unsigned long tick = 0;
  while ((got = sf_readf_float(in->sf, buf, (sf_count_t)chunk)) > 0) {
    ps_loudness_process_interleaved(m, buf, (size_t)got);
    total += got;
    if (o->format == FORMAT_CSV && (size_t)got == step) {
      ps_loudness_readings(m, r);
      fprintf(out, "\"%s\",%.1f,", in->path, (double)total / in->info.samplerate);
      csv_value(out, r->momentary);
      fputc(',', out);
      csv_value(out, r->shortterm);
      fputc(',', out);
      csv_value(out, r->integrated);
      fputc(',', out);
      csv_value(out, r->dialogue);
      fputc('\n', out);
    }
    if (show && ++tick % 64 == 0) {
      progress(in->path, (double)total / (double)in->info.frames, &shown);
    }
  }
  if (shown) {
    fprintf(stderr, "\r%*s\r", 80, "");
  }
  free(buf);
  if (sf_error(in->sf) || total == 0) {
    snprintf(err, err_size, "read error after %lld frames (%s)", (long long)total,
             sf_strerror(in->sf));
    ps_loudness_free(&m);
    return -1;
  }
  ps_loudness_readings(m, r);
  ps_loudness_free(&m);
  return 0;
}

static bool
parse_number(const char *s, double *out)
{
  char *end = NULL;
  *out = strtod(s, &end);
  return end != s && !*end && isfinite(*out);
}

int
cmd_loudness(int argc, char **argv)
{
  Options o;
  memset(&o, 0, sizeof(o));
  o.layout = -1;
  o.spec = *ps_delivery_find("ebu");
  double target = NAN, tolerance = NAN, tp_limit = NAN;
  int gate = -1;
  int first_file = argc;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    const bool has_value = i + 1 < argc;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(a, "--spec") && has_value) {
      const char *name = argv[++i];
      if (!strcmp(name, "list")) {
        list_specs();
        return 0;
      }
      const PsDelivery *d = ps_delivery_find(name);
      if (!d) {
        fprintf(stderr, "postsync loudness: unknown spec '%s' (--spec list shows them)\n", name);
        return 2;
      }
      o.spec = *d;
    } else if (!strcmp(a, "--target") && has_value) {
      if (!parse_number(argv[++i], &target) || target < -70.0 || target > 0.0) {
        fprintf(stderr, "postsync loudness: --target takes LUFS from -70 to 0\n");
        return 2;
      }
    } else if (!strcmp(a, "--tolerance") && has_value) {
      if (!parse_number(argv[++i], &tolerance) || tolerance < 0.0 || tolerance > 20.0) {
        fprintf(stderr, "postsync loudness: --tolerance takes LU from 0 to 20\n");
        return 2;
      }
    } else if (!strcmp(a, "--tp-limit") && has_value) {
      if (!parse_number(argv[++i], &tp_limit) || tp_limit < -30.0 || tp_limit > 6.0) {
        fprintf(stderr, "postsync loudness: --tp-limit takes dBTP from -30 to +6\n");
        return 2;
      }
    } else if (!strcmp(a, "--gate") && has_value) {
      const char *g = argv[++i];
      if (strcmp(g, "programme") && strcmp(g, "dialogue")) {
        fprintf(stderr, "postsync loudness: --gate takes programme or dialogue\n");
        return 2;
      }
      gate = !strcmp(g, "dialogue");
    } else if (!strcmp(a, "--layout") && has_value) {
      o.layout = ps_layout_parse(argv[++i]);
      if (o.layout < 0) {
        fprintf(stderr, "postsync loudness: unknown layout '%s'\n", argv[i]);
        return 2;
      }
    } else if (!strcmp(a, "--json")) {
      o.format = FORMAT_JSON;
    } else if (!strcmp(a, "--csv")) {
      o.format = FORMAT_CSV;
    } else if (!strcmp(a, "-o") && has_value) {
      o.output = argv[++i];
    } else if (!strcmp(a, "--strict")) {
      o.strict = true;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      o.quiet = true;
    } else if (!strcmp(a, "--")) {
      first_file = i + 1;
      break;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "postsync loudness: unknown or incomplete option '%s'\n", a);
      usage(stderr);
      return 2;
    } else {
      first_file = i;
      break;
    }
  }
  if (first_file >= argc) {
    fprintf(stderr, "postsync loudness: no input file\n");
    usage(stderr);
    return 2;
  }
  if (!isnan(target) || !isnan(tolerance) || !isnan(tp_limit)) {
    o.spec.name = "custom";
    o.spec.title = "Custom target";
    o.spec.target_lufs = isnan(target) ? o.spec.target_lufs : target;
    o.spec.tolerance_lu = isnan(tolerance) ? o.spec.tolerance_lu : tolerance;
    o.spec.truepeak_limit = isnan(tp_limit) ? o.spec.truepeak_limit : tp_limit;
  }
  if (gate >= 0) {
    o.spec.dialogue_gated = gate;
  }

  char err[512];
  OutFile outfile;
  FILE *out = stdout;
  if (o.output) {
    if (out_open(&outfile, o.output, err, sizeof(err))) {
      fprintf(stderr, "postsync loudness: %s\n", err);
      return 1;
    }
    out = outfile.f;
  }
  if (o.format == FORMAT_JSON) {
    fprintf(out, "[\n");
  } else if (o.format == FORMAT_CSV) {
    fprintf(out, "file,time_s,momentary,shortterm,integrated,dialogue\n");
  }
  int failures = 0, rejected = 0, written = 0;
  for (int i = first_file; i < argc; ++i) {
    AudioIn in;
    PsLoudnessReadings r;
    if (audio_open(&in, argv[i], o.layout, err, sizeof(err)) ||
        measure(&in, &o, out, &r, err, sizeof(err))) {
      fprintf(stderr, "postsync loudness: %s: %s\n", argv[i], err);
      audio_close(&in);
      ++failures;
      continue;
    }
    const Judged j = judge(&o.spec, &r);
    const PsVerdict v = ps_delivery_verdict(&o.spec, j.loudness, r.truepeak);
    rejected += !(v.loudness_ok && v.truepeak_ok);
    if (o.format == FORMAT_TEXT) {
      if (written) {
        fputc('\n', out);
      }
      report_text(out, &in, &r, &o.spec, v, j);
    } else if (o.format == FORMAT_JSON) {
      report_json(out, &in, &r, &o.spec, v, j, written == 0);
    }
    audio_close(&in);
    ++written;
  }
  if (o.format == FORMAT_JSON) {
    fprintf(out, "%s]\n", written ? "\n" : "");
  }
  if (o.output) {
    if (failures) {
      out_abort(&outfile);
      fprintf(stderr, "postsync loudness: %s not written: %d file%s failed\n", o.output,
              failures, failures == 1 ? "" : "s");
    } else if (out_commit(&outfile, err, sizeof(err))) {
      fprintf(stderr, "postsync loudness: %s\n", err);
      return 1;
    }
  }
  if (failures) {
    return 1;
  }
  return o.strict && rejected ? 3 : 0;
}
