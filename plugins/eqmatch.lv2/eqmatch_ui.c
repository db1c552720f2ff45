/* Postsync EQ match: an X11 UI (ui:X11UI), cairo on a plain Xlib window.

   The reference's and the take's long-term speech spectra (by shape, dB
   relative to their 250 Hz - 4 kHz mean) and the correction in effect,
   over 20 Hz - 20 kHz; the controls as buttons and sliders (learn, clear,
   amount, smoothing, maximum gain, the band, phase) and the readings
   (seconds learned, the correction's size).

   The curves come from the plugin itself through instance-access and
   data-access (eqmatch_curves.h), read in idle() twice a second; without
   those features the UI shows the controls and says so.  Port values come
   through port_event(); a control changed here goes to the host through
   write_function. */
#include "eqmatch_curves.h"
#include "x11_ui.h"

#include <cairo.h>
#include <lv2/core/lv2.h>
#include <lv2/ui/ui.h>

#include <X11/Xlib.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UI_URI "urn:postsync:eqmatch#ui"
#define WIDTH 720
#define HEIGHT 430
#define BANDS PS_EQMATCH_CURVE_BANDS

enum {
  P_LEARN = 0,
  P_CLEAR,
  P_AMOUNT,
  P_SMOOTHING,
  P_MAX_GAIN,
  P_LOW_HZ,
  P_HIGH_HZ,
  P_PHASE,
  P_ENABLED,
  P_LATENCY,
  P_REF_SECONDS,
  P_TAKE_SECONDS,
  P_CORRECTION_DB,
  P_COUNT
};

/* A slider: a port between lo and hi (on a log scale when log is set). */
typedef struct {
  uint32_t port;
  const char *label, *prefix, *unit;
  double lo, hi;
  bool log;
  double x, y, w, h;
} Slider;

static const Slider sliders[] = {
  {P_AMOUNT, "amount", "", "%", 0, 200, false, 200, 14, 150, 16},
  {P_SMOOTHING, "smoothing", "1/", "octave", 1.0 / 24.0, 1.0, true, 200, 48, 150, 16},
  {P_MAX_GAIN, "max gain", "", "dB", 0, 24, false, 380, 14, 150, 16},
  {P_LOW_HZ, "low", "", "Hz", 20, 2000, true, 380, 48, 150, 16},
  {P_HIGH_HZ, "high", "", "Hz", 1000, 20000, true, 560, 48, 150, 16},
};
#define N_SLIDERS (sizeof(sliders) / sizeof(sliders[0]))

typedef struct {
  PsX11Window x;
  LV2UI_Write_Function write;
  LV2UI_Controller controller;
  LV2_Handle instance;
  const PsEqmatchCurves *view;
  float value[P_COUNT];
  float hz[BANDS], ref[BANDS], take[BANDS], corr[BANDS];
  bool has_curves;
  int dragging; /* slider index, -1 none */
  bool clear_down;
  double last_read, last_draw;
  bool dirty;
} Ui;

static double
slider_fraction(const Slider *s, double v)
{
  v = v < s->lo ? s->lo : (v > s->hi ? s->hi : v);
  return s->log ? log(v / s->lo) / log(s->hi / s->lo) : (v - s->lo) / (s->hi - s->lo);
}

static double
slider_value(const Slider *s, double fraction)
{
  fraction = fraction < 0.0 ? 0.0 : (fraction > 1.0 ? 1.0 : fraction);
  return s->log ? s->lo * exp(fraction * log(s->hi / s->lo)) : s->lo + fraction * (s->hi - s->lo);
}

static void
button(cairo_t *cr, double x, double y, double w, double h, const char *label, bool on)
{
  cairo_set_source_rgb(cr, on ? 0.85 : 0.28, on ? 0.55 : 0.28, on ? 0.15 : 0.33);
  cairo_rectangle(cr, x, y, w, h);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  ps_x11_text(cr, x + 8, y + h - 8, 13, label);
}

static double
freq_x(double hz, double x0, double w)
{
  return x0 + w * (log10(hz) - log10(20.0)) / 3.0;
}

static void
curve(cairo_t *cr, const float *hz, const float *db, double x0, double y0, double w, double h,
      double lo, double hi)
{
  bool pen = false;
  for (int b = 0; b < BANDS; ++b) {
    if (!(db[b] > -200.0f) || hz[b] < 20.0f) {
      pen = false;
      continue;
    }
    double v = db[b];
    v = v < lo ? lo : (v > hi ? hi : v);
    const double x = freq_x(hz[b], x0, w), y = y0 + h * (hi - v) / (hi - lo);
    if (pen) {
      cairo_line_to(cr, x, y);
    } else {
      cairo_move_to(cr, x, y);
      pen = true;
    }
  }
  cairo_stroke(cr);
}

static void
draw(Ui *ui)
{
  cairo_t *cr = cairo_create(ui->x.surface);
  cairo_set_source_rgb(cr, 0.11, 0.11, 0.13);
  cairo_paint(cr);
  const float *v = ui->value;
  button(cr, 16, 12, 80, 28, v[P_LEARN] > 0.5f ? "Learning" : "Learn", v[P_LEARN] > 0.5f);
  button(cr, 104, 12, 80, 28, "Clear", ui->clear_down);
  button(cr, 16, 46, 168, 28, v[P_PHASE] > 0.5f ? "Linear phase" : "Minimum phase",
         v[P_PHASE] > 0.5f);
  char s[64];
  for (size_t k = 0; k < N_SLIDERS; ++k) {
    const Slider *sl = &sliders[k];
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.30);
    cairo_rectangle(cr, sl->x, sl->y, sl->w, sl->h);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.35, 0.65, 0.95);
    cairo_rectangle(cr, sl->x, sl->y, sl->w * slider_fraction(sl, v[sl->port]), sl->h);
    cairo_fill(cr);
    double shown = v[sl->port];
    if (sl->port == P_SMOOTHING) {
      shown = shown > 0.0 ? 1.0 / shown : 0.0;
    }
    snprintf(s, sizeof(s), "%s%.0f %s", sl->prefix, shown, sl->unit);
    cairo_set_source_rgb(cr, 1, 1, 1);
    ps_x11_text(cr, sl->x + 4, sl->y + sl->h - 4, 11, s);
    cairo_set_source_rgb(cr, 0.65, 0.65, 0.70);
    ps_x11_text(cr, sl->x, sl->y + sl->h + 12, 10, sl->label);
  }
  snprintf(s, sizeof(s), "learned: reference %.1f s, take %.1f s; correction %.1f dB RMS",
           (double)v[P_REF_SECONDS], (double)v[P_TAKE_SECONDS], (double)v[P_CORRECTION_DB]);
  cairo_set_source_rgb(cr, 0.85, 0.85, 0.88);
  ps_x11_text(cr, 16, 100, 12, s);

  /* the plot: spectra on the left scale, the correction on the right */
  const double x0 = 40, y0 = 116, w = WIDTH - 80, h = HEIGHT - 140;
  cairo_set_source_rgb(cr, 0.16, 0.16, 0.19);
  cairo_rectangle(cr, x0, y0, w, h);
  cairo_fill(cr);
  cairo_set_line_width(cr, 1.0);
  static const double ticks[] = {50, 100, 200, 500, 1000, 2000, 5000, 10000};
  for (size_t k = 0; k < sizeof(ticks) / sizeof(ticks[0]); ++k) {
    const double x = floor(freq_x(ticks[k], x0, w)) + 0.5;
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.30);
    cairo_move_to(cr, x, y0);
    cairo_line_to(cr, x, y0 + h);
    cairo_stroke(cr);
    snprintf(s, sizeof(s), ticks[k] >= 1000 ? "%.0fk" : "%.0f",
             ticks[k] >= 1000 ? ticks[k] / 1000 : ticks[k]);
    cairo_set_source_rgb(cr, 0.55, 0.55, 0.60);
    ps_x11_text(cr, x - 8, y0 + h + 14, 10, s);
  }
  const double max_gain = v[P_MAX_GAIN] > 1.0f ? (double)v[P_MAX_GAIN] : 12.0;
  for (int l = -40; l <= 20; l += 10) {
    const double y = floor(y0 + h * (20.0 - l) / 60.0) + 0.5;
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.30);
    cairo_move_to(cr, x0, y);
    cairo_line_to(cr, x0 + w, y);
    cairo_stroke(cr);
    snprintf(s, sizeof(s), "%d", l);
    cairo_set_source_rgb(cr, 0.55, 0.55, 0.60);
    ps_x11_text(cr, x0 - 24, y + 4, 10, s);
  }
  snprintf(s, sizeof(s), "+%.0f", max_gain);
  ps_x11_text(cr, x0 + w + 4, y0 + 10, 10, s);
  snprintf(s, sizeof(s), "-%.0f", max_gain);
  ps_x11_text(cr, x0 + w + 4, y0 + h, 10, s);
  if (ui->has_curves) {
    cairo_set_line_width(cr, 1.5);
    cairo_set_source_rgb(cr, 0.35, 0.65, 0.95);
    curve(cr, ui->hz, ui->ref, x0, y0, w, h, -40.0, 20.0);
    cairo_set_source_rgb(cr, 0.90, 0.45, 0.25);
    curve(cr, ui->hz, ui->take, x0, y0, w, h, -40.0, 20.0);
    cairo_set_line_width(cr, 2.5);
    cairo_set_source_rgb(cr, 0.95, 0.80, 0.25);
    curve(cr, ui->hz, ui->corr, x0, y0, w, h, -max_gain, max_gain);
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.88);
    ps_x11_text(cr, x0 + 8, y0 + 16, 11,
         "reference (blue) and take (orange) speech, dB by shape; correction (yellow), right "
         "scale");
  } else {
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.88);
    ps_x11_text(cr, x0 + 8, y0 + 16, 11,
         ui->view ? "nothing learned yet" : "the curves need a host with instance access");
  }
  cairo_destroy(cr);
  cairo_surface_flush(ui->x.surface);
  XFlush(ui->x.display);
}

static void
set_port(Ui *ui, uint32_t port, float value)
{
  ui->value[port] = value;
  ui->write(ui->controller, port, sizeof(float), 0, &value);
  ui->dirty = true;
}

static void
drag(Ui *ui, int x)
{
  const Slider *sl = &sliders[ui->dragging];
  set_port(ui, sl->port, (float)slider_value(sl, (x - sl->x) / sl->w));
}

static int
idle(LV2UI_Handle handle)
{
  Ui *ui = (Ui *)handle;
  while (XPending(ui->x.display)) {
    XEvent e;
    XNextEvent(ui->x.display, &e);
    if (e.type == Expose) {
      ui->dirty = true;
    } else if (e.type == ButtonPress) {
      const int x = e.xbutton.x, y = e.xbutton.y;
      if (x >= 16 && x < 96 && y >= 12 && y < 40) {
        set_port(ui, P_LEARN, ui->value[P_LEARN] > 0.5f ? 0.0f : 1.0f);
      } else if (x >= 104 && x < 184 && y >= 12 && y < 40) {
        ui->clear_down = true;
        set_port(ui, P_CLEAR, 1.0f);
      } else if (x >= 16 && x < 184 && y >= 46 && y < 74) {
        set_port(ui, P_PHASE, ui->value[P_PHASE] > 0.5f ? 0.0f : 1.0f);
      }
      for (size_t k = 0; k < N_SLIDERS; ++k) {
        const Slider *sl = &sliders[k];
        if (x >= sl->x && x < sl->x + sl->w && y >= sl->y && y < sl->y + sl->h) {
          ui->dragging = (int)k;
          drag(ui, x);
        }
      }
    } else if (e.type == MotionNotify && ui->dragging >= 0) {
      drag(ui, e.xmotion.x);
    } else if (e.type == ButtonRelease) {
      ui->dragging = -1;
      if (ui->clear_down) {
        ui->clear_down = false;
        set_port(ui, P_CLEAR, 0.0f);
      }
    }
  }
  const double t = ps_x11_now();
  if (ui->view && t - ui->last_read >= 0.5) {
    ui->last_read = t;
    ui->has_curves = ui->view->curves(ui->instance, ui->hz, ui->ref, ui->take, ui->corr);
    ui->dirty = true;
  }
  if (ui->dirty && t - ui->last_draw >= 1.0 / 30.0) {
    ui->last_draw = t;
    ui->dirty = false;
    draw(ui);
  }
  return 0;
}

static LV2UI_Handle
instantiate(const LV2UI_Descriptor *descriptor, const char *plugin_uri, const char *bundle_path,
            LV2UI_Write_Function write_function, LV2UI_Controller controller,
            LV2UI_Widget *widget, const LV2_Feature *const *features)
{
  (void)descriptor;
  (void)plugin_uri;
  (void)bundle_path;
  Ui *ui = (Ui *)calloc(1, sizeof(Ui));
  if (!ui) {
    return NULL;
  }
  if (ps_x11_open(&ui->x, features, WIDTH, HEIGHT, "Postsync EQ Match",
                  ExposureMask | ButtonPressMask | ButtonReleaseMask | Button1MotionMask,
                  widget)) {
    free(ui);
    return NULL;
  }
  if (ui->x.instance && ui->x.data && ui->x.data->data_access) {
    ui->instance = ui->x.instance;
    ui->view = (const PsEqmatchCurves *)ui->x.data->data_access(PS_EQMATCH_CURVES_URI);
  }
  ui->write = write_function;
  ui->controller = controller;
  ui->dragging = -1;
  ui->value[P_AMOUNT] = 100.0f;
  ui->value[P_SMOOTHING] = 1.0f / 6.0f;
  ui->value[P_MAX_GAIN] = 12.0f;
  ui->value[P_LOW_HZ] = 40.0f;
  ui->value[P_HIGH_HZ] = 18000.0f;
  ui->value[P_ENABLED] = 1.0f;
  ui->dirty = true;
  return ui;
}

static void
cleanup(LV2UI_Handle handle)
{
  Ui *ui = (Ui *)handle;
  ps_x11_close(&ui->x);
  free(ui);
}

static void
port_event(LV2UI_Handle handle, uint32_t port, uint32_t size, uint32_t format, const void *buffer)
{
  Ui *ui = (Ui *)handle;
  if (format == 0 && size == sizeof(float) && port < P_COUNT) {
    ui->value[port] = *(const float *)buffer;
    ui->dirty = true;
  }
}

static const void *
extension_data(const char *uri)
{
  static const LV2UI_Idle_Interface idle_interface = {idle};
  if (!strcmp(uri, LV2_UI__idleInterface)) {
    return &idle_interface;
  }
  return NULL;
}

static const LV2UI_Descriptor descriptor = {UI_URI, instantiate, cleanup, port_event,
                                            extension_data};

LV2_SYMBOL_EXPORT const LV2UI_Descriptor *
lv2ui_descriptor(uint32_t index)
{
  return index == 0 ? &descriptor : NULL;
}
