/* One-page PNG reports: see report.h. */
#include "report.h"

#include "audiofile.h"
#include "ltas.h"

#include <cairo.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#define WIDTH 1400
#define MARGIN 60
#define PANEL_HEIGHT 300
#define GAP 40

static const double palette[REPORT_MAX_CURVES][3] = {
  {0.10, 0.35, 0.70}, {0.85, 0.35, 0.10}, {0.20, 0.60, 0.25},
  {0.55, 0.25, 0.65}, {0.40, 0.40, 0.40}, {0.80, 0.65, 0.10},
};

static void
text(cairo_t *cr, double x, double y, double size, const char *s)
{
  cairo_set_font_size(cr, size);
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, s);
}

static double
log_x(double hz, double x0, double w)
{
  return x0 + w * (log10(hz) - log10(20.0)) / (log10(20000.0) - log10(20.0));
}

static void
frame_axes(cairo_t *cr, const ReportPanel *p, double x0, double y0, double w, double h)
{
  cairo_set_source_rgb(cr, 0.97, 0.97, 0.97);
  cairo_rectangle(cr, x0, y0, w, h);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0.0, 0.0, 0.0);
  cairo_set_font_size(cr, 15);
  text(cr, x0, y0 - 10, 16, p->title);
  cairo_set_line_width(cr, 1.0);
  cairo_set_source_rgb(cr, 0.80, 0.80, 0.80);
  char s[32];
  if (p->kind == REPORT_SPECTRA) {
    static const double ticks[] = {50, 100, 200, 500, 1000, 2000, 5000, 10000};
    for (size_t k = 0; k < sizeof(ticks) / sizeof(ticks[0]); ++k) {
      const double x = log_x(ticks[k], x0, w);
      cairo_set_source_rgb(cr, 0.80, 0.80, 0.80);
      cairo_move_to(cr, x, y0);
      cairo_line_to(cr, x, y0 + h);
      cairo_stroke(cr);
      cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
      snprintf(s, sizeof(s), ticks[k] >= 1000 ? "%.0fk" : "%.0f",
               ticks[k] >= 1000 ? ticks[k] / 1000 : ticks[k]);
      text(cr, x - 10, y0 + h + 16, 12, s);
    }
  }
  if (p->kind != REPORT_WAVEFORMS) {
    const double step = p->y_step > 0.0 ? p->y_step : 10.0;
    for (double v = ceil(p->y_lo / step) * step; v <= p->y_hi; v += step) {
      const double y = y0 + h * (p->y_hi - v) / (p->y_hi - p->y_lo);
      cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
      cairo_move_to(cr, x0, y);
      cairo_line_to(cr, x0 + w, y);
      cairo_stroke(cr);
      cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
      snprintf(s, sizeof(s), "%.0f", v);
      text(cr, x0 - 40, y + 4, 12, s);
    }
  }
  cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
  cairo_rectangle(cr, x0, y0, w, h);
  cairo_stroke(cr);
}

static void
legend(cairo_t *cr, const ReportPanel *p, double x0, double y0)
{
  for (unsigned c = 0; c < p->n_curves; ++c) {
    const double y = y0 + 18 + 18 * c;
    cairo_set_source_rgb(cr, palette[c][0], palette[c][1], palette[c][2]);
    cairo_rectangle(cr, x0 + 10, y - 9, 14, 10);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    text(cr, x0 + 30, y, 13, p->curves[c].label);
  }
}

static void
draw_waveforms(cairo_t *cr, const ReportPanel *p, double x0, double y0, double w, double h)
{
  double seconds = 0.0;
  for (unsigned c = 0; c < p->n_curves; ++c) {
    const double s = (double)p->curves[c].n / p->curves[c].rate;
    seconds = s > seconds ? s : seconds;
  }
  if (!(seconds > 0.0)) {
    return;
  }
  const double lane = h / p->n_curves;
  for (unsigned c = 0; c < p->n_curves; ++c) {
    const ReportCurve *k = &p->curves[c];
    const double mid = y0 + lane * (c + 0.5);
    float peak = 1e-6f;
    for (size_t i = 0; i < k->n; ++i) {
      peak = fabsf(k->y[i]) > peak ? fabsf(k->y[i]) : peak;
    }
    cairo_set_source_rgb(cr, palette[c][0], palette[c][1], palette[c][2]);
    cairo_set_line_width(cr, 1.0);
    for (int px = 0; px < (int)w; ++px) {
      const size_t a = (size_t)((double)px / w * seconds * k->rate);
      const size_t b = (size_t)((double)(px + 1) / w * seconds * k->rate);
      float lo = 0.0f, hi = 0.0f;
      for (size_t i = a; i < b && i < k->n; ++i) {
        lo = k->y[i] < lo ? k->y[i] : lo;
        hi = k->y[i] > hi ? k->y[i] : hi;
      }
      cairo_move_to(cr, x0 + px + 0.5, mid - 0.45 * lane * (double)(hi / peak));
      cairo_line_to(cr, x0 + px + 0.5, mid - 0.45 * lane * (double)(lo / peak) + 0.5);
    }
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    text(cr, x0 + 8, mid - 0.5 * lane + 16, 13, k->label);
  }
  char s[32];
  cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
  for (double t = 0.0; t <= seconds; t += seconds > 20.0 ? 5.0 : 1.0) {
    snprintf(s, sizeof(s), "%.0f s", t);
    text(cr, x0 + w * t / seconds - 8, y0 + h + 16, 12, s);
  }
}

static void
draw_lines(cairo_t *cr, const ReportPanel *p, double x0, double y0, double w, double h)
{
  double x_lo = 0.0, x_hi = 1.0;
  if (p->kind == REPORT_SERIES) {
    for (unsigned c = 0; c < p->n_curves; ++c) {
      if (p->curves[c].n) {
        const double last = p->curves[c].x[p->curves[c].n - 1];
        x_hi = last > x_hi ? last : x_hi;
      }
    }
  }
  cairo_save(cr);
  cairo_rectangle(cr, x0, y0, w, h);
  cairo_clip(cr);
  for (unsigned c = 0; c < p->n_curves; ++c) {
    const ReportCurve *k = &p->curves[c];
    cairo_set_source_rgb(cr, palette[c][0], palette[c][1], palette[c][2]);
    cairo_set_line_width(cr, 2.0);
    bool pen = false;
    for (size_t i = 0; i < k->n; ++i) {
      const double v = k->yd[i];
      const bool none = !(v > REPORT_NONE + 1.0) || (p->kind == REPORT_SPECTRA && !(k->x[i] >= 20.0));
      if (none || !isfinite(v)) {
        pen = false;
        continue;
      }
      const double x = p->kind == REPORT_SPECTRA ? log_x(k->x[i], x0, w)
                                                 : x0 + w * (k->x[i] - x_lo) / (x_hi - x_lo);
      const double y = y0 + h * (p->y_hi - v) / (p->y_hi - p->y_lo);
      if (pen) {
        cairo_line_to(cr, x, y);
      } else {
        cairo_move_to(cr, x, y);
        pen = true;
      }
    }
    cairo_stroke(cr);
  }
  if (p->has_target) {
    const double y = y0 + h * (p->y_hi - p->target) / (p->y_hi - p->y_lo);
    cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
    cairo_set_line_width(cr, 1.5);
    const double dashes[] = {8.0, 5.0};
    cairo_set_dash(cr, dashes, 2, 0.0);
    cairo_move_to(cr, x0, y);
    cairo_line_to(cr, x0 + w, y);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0.0);
  }
  cairo_restore(cr);
  if (p->kind == REPORT_SERIES) {
    char s[32];
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    for (double t = 0.0; t <= x_hi; t += x_hi > 20.0 ? 5.0 : 1.0) {
      snprintf(s, sizeof(s), "%.0f s", t);
      text(cr, x0 + w * t / x_hi - 8, y0 + h + 16, 12, s);
    }
  }
}

static cairo_status_t
png_write(void *closure, const unsigned char *data, unsigned int length)
{
  return fwrite(data, 1, length, (FILE *)closure) == length ? CAIRO_STATUS_SUCCESS
                                                           : CAIRO_STATUS_WRITE_ERROR;
}

int
report_write(const Report *r, const char *path, const char *command)
{
  const double header = 60.0 + 20.0 * r->n_lines;
  const int height = (int)(header + r->n_panels * (PANEL_HEIGHT + GAP + 30) + MARGIN);
  cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, WIDTH, height);
  cairo_t *cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_source_rgb(cr, 0.0, 0.0, 0.0);
  text(cr, MARGIN, 40, 24, r->title);
  for (unsigned i = 0; i < r->n_lines; ++i) {
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    text(cr, MARGIN, 68 + 20 * i, 14, r->lines[i]);
  }
  double y = header + 30;
  for (unsigned k = 0; k < r->n_panels; ++k) {
    const ReportPanel *p = &r->panels[k];
    const double x0 = MARGIN, w = WIDTH - 2 * MARGIN, h = PANEL_HEIGHT;
    frame_axes(cr, p, x0, y, w, h);
    if (p->kind == REPORT_WAVEFORMS) {
      draw_waveforms(cr, p, x0, y, w, h);
    } else {
      draw_lines(cr, p, x0, y, w, h);
      legend(cr, p, x0 + w - 330, y);
    }
    y += PANEL_HEIGHT + GAP + 30;
  }
  cairo_destroy(cr);
  cairo_surface_flush(surface);

  char err[256];
  OutFile out;
  int status = cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS ? 0 : -1;
  if (!status && out_open(&out, path, err, sizeof(err))) {
    fprintf(stderr, "postsync %s: %s\n", command, err);
    status = -1;
  } else if (!status) {
    if (cairo_surface_write_to_png_stream(surface, png_write, out.f) != CAIRO_STATUS_SUCCESS) {
      out_abort(&out);
      fprintf(stderr, "postsync %s: cannot write %s\n", command, path);
      status = -1;
    } else if (out_commit(&out, err, sizeof(err))) {
      fprintf(stderr, "postsync %s: %s\n", command, err);
      status = -1;
    }
  } else {
    fprintf(stderr, "postsync %s: cannot draw the report\n", command);
  }
  cairo_surface_destroy(surface);
  return status;
}

/* A band-wise curve smoothed over +-1/6 octave (power mean). */
static void
smooth_sixth(const double *in, double *out)
{
  const int half = PS_LTAS_PER_OCTAVE / 6;
  for (int b = 0; b < PS_LTAS_BANDS; ++b) {
    double sum = 0.0;
    int count = 0;
    for (int k = b - half; k <= b + half; ++k) {
      if (k >= 0 && k < PS_LTAS_BANDS && in[k] > -200.0) {
        sum += pow(10.0, in[k] / 10.0);
        ++count;
      }
    }
    out[b] = count ? 10.0 * log10(sum / count) : -300.0;
  }
}

int
report_spectra(const float *x, size_t n, double rate, double *hz, double *speech_db,
               double *floor_db)
{
  PsLtas *ltas = NULL;
  if (ps_ltas_init(&ltas, rate, 1)) {
    return -1;
  }
  const float *ch[1] = {x};
  ps_ltas_process(ltas, ch, n);
  const PsLtasData *d = ps_ltas_data(ltas);
  double s[PS_LTAS_BANDS], f[PS_LTAS_BANDS];
  for (size_t b = 0; b < PS_LTAS_BANDS; ++b) {
    const double vs = ps_ltas_speech_mean(d, b), vf = ps_ltas_floor_mean(d, b);
    s[b] = d->speech_n[b] > 0.0 && vs > 0.0 ? 10.0 * log10(vs) : -300.0;
    f[b] = d->floor_n[b] > 0.0 && vf > 0.0 ? 10.0 * log10(vf) : -300.0;
    hz[b] = ps_ltas_band_hz(b);
  }
  ps_ltas_free(&ltas);
  smooth_sixth(s, speech_db);
  smooth_sixth(f, floor_db);
  return 0;
}

void
report_relative(const double *hz, double *db, size_t n)
{
  double sum = 0.0;
  size_t count = 0;
  for (size_t b = 0; b < n; ++b) {
    if (hz[b] >= 250.0 && hz[b] <= 4000.0 && db[b] > -200.0) {
      sum += db[b];
      ++count;
    }
  }
  const double mean = count ? sum / (double)count : 0.0;
  for (size_t b = 0; b < n; ++b) {
    db[b] = db[b] > -200.0 ? db[b] - mean : db[b];
  }
}
