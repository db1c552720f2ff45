/* postsync report: a one-page PNG of any set of audio files, side by side:
   waveforms, long-term speech spectra (by shape), the spectra between the
   words (the room tone), and loudness over time (BS.1770 momentary and
   short-term, every 100 ms, each file with its own channel weights). */
#include "audiofile.h"
#include "commands.h"
#include "loudness.h"
#include "ltas.h"
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILES REPORT_MAX_CURVES

static void
usage(FILE *f)
{
  fprintf(f, "usage: postsync report FILE... -o REPORT.png\n"
             "One page comparing up to %d audio files: their waveforms (mixed to mono),\n"
             "long-term speech spectra (relative to their 250 Hz - 4 kHz mean), spectra\n"
             "between the words (the room tone, absolute), and loudness over time (momentary\n"
             "and short-term, every 100 ms).  The PNG appears only when complete.\n"
             "Exit status: 0 done, 1 a file could not be used, 2 usage.\n",
             MAX_FILES);
}

typedef struct {
  float *mono;
  size_t n;
  double rate;
  double *hz, *speech, *floor;
  double *t, *momentary, *shortterm;
  size_t points;
  double integrated;
} FileData;

/* Loudness every 100 ms through the core meter (the file's own channel
   weights). */
static int
loudness_series(const char *path, FileData *d)
{
  AudioIn in;
  if (audio_open_for(&in, path, "report", PS_MAX_CHANNELS)) {
    return -1;
  }
  float weights[PS_MAX_CHANNELS];
  for (int c = 0; c < in.info.channels; ++c) {
    weights[c] = ps_role_weight(in.roles[c]);
  }
  PsLoudness *m = NULL;
  AudioBuffers b;
  const size_t step = (size_t)lround(0.1 * in.info.samplerate);
  const size_t cap = (size_t)in.info.frames / step + 2;
  d->t = (double *)calloc(cap, sizeof(double));
  d->momentary = (double *)calloc(cap, sizeof(double));
  d->shortterm = (double *)calloc(cap, sizeof(double));
  int st = d->t && d->momentary && d->shortterm ? 0 : -1;
  if (!st && (ps_loudness_init(&m, in.info.samplerate, (unsigned)in.info.channels, weights) ||
              audio_buffers_init(&b, step))) {
    st = -1;
  }
  size_t done = 0;
  sf_count_t got;
  while (!st && (got = audio_read_planar(&in, &b, (sf_count_t)step)) > 0) {
    ps_loudness_process(m, (const float *const *)b.planar, (size_t)got);
    done += (size_t)got;
    PsLoudnessReadings r;
    ps_loudness_readings(m, &r);
    if (d->points < cap) {
      d->t[d->points] = (double)done / in.info.samplerate;
      d->momentary[d->points] = isfinite(r.momentary) ? r.momentary : -300.0;
      d->shortterm[d->points] = isfinite(r.shortterm) ? r.shortterm : -300.0;
      ++d->points;
    }
    d->integrated = r.integrated;
  }
  if (m) {
    audio_buffers_free(&b);
    ps_loudness_free(&m);
  }
  audio_close(&in);
  if (st) {
    fprintf(stderr, "postsync report: %s: out of memory\n", path);
  }
  return st;
}

static void
file_free(FileData *d)
{
  free(d->mono);
  free(d->hz);
  free(d->speech);
  free(d->floor);
  free(d->t);
  free(d->momentary);
  free(d->shortterm);
}

int
cmd_report(int argc, char **argv)
{
  const char *files[MAX_FILES], *out = NULL;
  int n_files = 0;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
      out = argv[++i];
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "postsync report: unknown option or missing value '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    } else if (n_files == MAX_FILES) {
      fprintf(stderr, "postsync report: %d files at most\n", MAX_FILES);
      return 2;
    } else {
      files[n_files++] = argv[i];
    }
  }
  if (!n_files || !out) {
    usage(stderr);
    return 2;
  }
  for (int k = 0; k < n_files; ++k) {
    if (same_file(files[k], out)) {
      fprintf(stderr, "postsync report: the report would replace %s\n", files[k]);
      return 2;
    }
  }
  FileData d[MAX_FILES];
  memset(d, 0, sizeof(d));
  int status = 0;
  for (int k = 0; k < n_files && !status; ++k) {
    d[k].mono = audio_load_mono(files[k], "report", &d[k].n, &d[k].rate);
    d[k].hz = (double *)calloc(PS_LTAS_BANDS, sizeof(double));
    d[k].speech = (double *)calloc(PS_LTAS_BANDS, sizeof(double));
    d[k].floor = (double *)calloc(PS_LTAS_BANDS, sizeof(double));
    if (!d[k].mono || !d[k].hz || !d[k].speech || !d[k].floor) {
      status = 1;
    } else if (!(d[k].rate >= 22050.0 && d[k].rate <= 192000.0)) {
      fprintf(stderr, "postsync report: %s: %.0f Hz, not 22050-192000\n", files[k], d[k].rate);
      status = 1;
    } else if (report_spectra(d[k].mono, d[k].n, d[k].rate, d[k].hz, d[k].speech, d[k].floor) ||
               loudness_series(files[k], &d[k])) {
      status = 1;
    } else {
      report_relative(d[k].hz, d[k].speech, PS_LTAS_BANDS);
    }
  }
  if (!status) {
    Report r;
    memset(&r, 0, sizeof(r));
    r.title = "Postsync report";
    char lines[MAX_FILES][256];
    for (int k = 0; k < n_files; ++k) {
      const char *slash = strrchr(files[k], '/');
      snprintf(lines[k], sizeof(lines[k]), "%s: %.1f s at %.0f Hz, integrated %s", 
               slash ? slash + 1 : files[k], (double)d[k].n / d[k].rate, d[k].rate,
               isfinite(d[k].integrated) ? "" : "-");
      if (isfinite(d[k].integrated)) {
        const size_t len = strlen(lines[k]);
        snprintf(lines[k] + len, sizeof(lines[k]) - len, "%.1f LUFS", d[k].integrated);
      }
      r.lines[k] = lines[k];
    }
    r.n_lines = (unsigned)n_files;
    ReportPanel *w = &r.panels[0], *s = &r.panels[1], *f = &r.panels[2], *l = &r.panels[3];
    w->kind = REPORT_WAVEFORMS;
    w->title = "Waveforms (mixed to mono)";
    s->kind = f->kind = REPORT_SPECTRA;
    s->title = "Long-term speech spectra, dB relative to their 250 Hz - 4 kHz mean (1/6-octave)";
    f->title = "Spectra between the words (room tone), dB (1/6-octave)";
    l->kind = REPORT_SERIES;
    l->title = "Loudness over time, LUFS: short-term (momentary for a single file)";
    double top = -300.0;
    for (int k = 0; k < n_files; ++k) {
      const char *slash = strrchr(files[k], '/');
      const char *name = slash ? slash + 1 : files[k];
      w->curves[k] = (ReportCurve){name, NULL, d[k].mono, NULL, d[k].n, d[k].rate};
      s->curves[k] = (ReportCurve){name, d[k].hz, NULL, d[k].speech, PS_LTAS_BANDS, 0.0};
      f->curves[k] = (ReportCurve){name, d[k].hz, NULL, d[k].floor, PS_LTAS_BANDS, 0.0};
      l->curves[k] = (ReportCurve){name, d[k].t, NULL, n_files == 1 ? d[k].momentary : d[k].shortterm,
                                   d[k].points, 0.0};
      for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
        top = d[k].floor[b] > top ? d[k].floor[b] : top;
      }
    }
    w->n_curves = s->n_curves = f->n_curves = l->n_curves = (unsigned)n_files;
    if (n_files == 1) {
      l->curves[1] = (ReportCurve){"short-term", d[0].t, NULL, d[0].shortterm, d[0].points, 0.0};
      l->curves[0].label = "momentary";
      l->n_curves = 2;
    }
    s->y_lo = -60.0;
    s->y_hi = 20.0;
    f->y_hi = ceil(top / 10.0) * 10.0 + 10.0;
    f->y_lo = f->y_hi - 90.0;
    l->y_lo = -60.0;
    l->y_hi = 0.0;
    s->y_step = f->y_step = l->y_step = 10.0;
    r.n_panels = 4;
    status = report_write(&r, out, "report") ? 1 : 0;
  }
  for (int k = 0; k < n_files; ++k) {
    file_free(&d[k]);
  }
  return status;
}
