/* Postsync loudness meter: an X11 UI (ui:X11UI), drawn with cairo on a
   plain Xlib window, no toolkit.

   What it shows: the readings as numbers (momentary, short-term,
   integrated, dialogue-gated, loudness range, true peak, PLR, deviation
   from the target, speech share); the momentary and short-term loudness
   of the last 60 s against the target; the histogram of the short-term
   values since the UI opened; a true-peak alarm when the limit is crossed;
   a Reset button (a rising edge on the reset port).

   The host embeds the window in its own (ui:parent) and calls idle()
   (ui:idleInterface) from its GUI loop: events are read and the picture
   redrawn there, at most 30 times a second.  Port values come in through
   port_event(); the history is sampled from them every 100 ms of the UI's
   clock. */
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

#define UI_URI "urn:postsync:loudness#ui"
#define WIDTH 680
#define HEIGHT 380
#define HISTORY 600 /* 60 s every 100 ms */
#define BINS 60     /* histogram: -60..0 LUFS, 1 LU each */

/* Control port indices (loudness.ttl); target_gate, dialogue and
   speech_pct follow the audio ports. */
enum {
  P_RESET = 0,
  P_FOLLOW,
  P_TARGET,
  P_TP_LIMIT,
  P_MOMENTARY,
  P_SHORTTERM,
  P_INTEGRATED,
  P_RANGE,
  P_MOMENTARY_MAX,
  P_SHORTTERM_MAX,
  P_TRUEPEAK,
  P_SAMPLEPEAK,
  P_PLR,
  P_DEVIATION,
  P_TP_OVER,
  P_CONTROL,
  P_AUDIO
};

typedef struct {
  PsX11Window x;
  LV2UI_Write_Function write;
  LV2UI_Controller controller;
  uint32_t p_gate, p_dialogue, p_speech; /* after the audio ports */
  float value[64];
  float momentary[HISTORY], shortterm[HISTORY];
  unsigned head, count;
  unsigned histogram[BINS];
  double last_sample, last_draw;
  bool dirty;
  bool pressed;
} Ui;

static unsigned
channels_of(const char *plugin_uri)
{
  if (strstr(plugin_uri, "#stereo")) {
    return 2;
  }
  if (strstr(plugin_uri, "#51")) {
    return 6;
  }
  if (strstr(plugin_uri, "#71")) {
    return 8;
  }
  return 1;
}

static void
reading(cairo_t *cr, double x, double y, const char *label, float v, const char *unit, bool db)
{
  char s[32];
  cairo_set_source_rgb(cr, 0.65, 0.65, 0.70);
  ps_x11_text(cr, x, y, 12, label);
  cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
  if (db && v <= -120.0f) {
    snprintf(s, sizeof(s), "-");
  } else {
    snprintf(s, sizeof(s), "%.1f", (double)v);
  }
  ps_x11_text(cr, x, y + 24, 22, s);
  cairo_set_source_rgb(cr, 0.65, 0.65, 0.70);
  ps_x11_text(cr, x + 70, y + 24, 11, unit);
}

static double
lufs_y(double v, double y0, double h)
{
  const double lo = -60.0, hi = 0.0;
  v = v < lo ? lo : (v > hi ? hi : v);
  return y0 + h * (hi - v) / (hi - lo);
}

static void
draw(Ui *ui)
{
  cairo_t *cr = cairo_create(ui->x.surface);
  cairo_set_source_rgb(cr, 0.11, 0.11, 0.13);
  cairo_paint(cr);
  const float *v = ui->value;
  const bool gate = ui->p_gate < 64 && v[ui->p_gate] > 0.5f;
  /* numbers */
  reading(cr, 16, 24, "momentary", v[P_MOMENTARY], "LUFS", true);
  reading(cr, 126, 24, "short-term", v[P_SHORTTERM], "LUFS", true);
  reading(cr, 236, 24, "integrated", v[P_INTEGRATED], "LUFS", true);
  reading(cr, 346, 24, "dialogue", ui->p_dialogue < 64 ? v[ui->p_dialogue] : -120.0f, "LUFS",
          true);
  reading(cr, 456, 24, "range", v[P_RANGE], "LU", false);
  reading(cr, 16, 80, "true peak", v[P_TRUEPEAK], "dBTP", true);
  reading(cr, 126, 80, "PLR", v[P_PLR], "LU", true);
  reading(cr, 236, 80, gate ? "dev. (dialogue)" : "deviation", v[P_DEVIATION], "LU", true);
  reading(cr, 346, 80, "speech", ui->p_speech < 64 ? v[ui->p_speech] : 0.0f, "%", false);
  char s[64];
  snprintf(s, sizeof(s), "target %.1f LUFS, true peak %.1f dBTP", (double)v[P_TARGET],
           (double)v[P_TP_LIMIT]);
  cairo_set_source_rgb(cr, 0.65, 0.65, 0.70);
  ps_x11_text(cr, 456, 110, 10, s);
  /* true-peak alarm */
  const bool over = v[P_TP_OVER] > 0.5f;
  cairo_set_source_rgb(cr, over ? 0.85 : 0.22, over ? 0.15 : 0.22, over ? 0.15 : 0.25);
  cairo_rectangle(cr, 566, 16, 98, 32);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  ps_x11_text(cr, 576, 37, 13, over ? "TRUE PEAK!" : "peak ok");
  /* reset button */
  cairo_set_source_rgb(cr, ui->pressed ? 0.45 : 0.30, 0.30, ui->pressed ? 0.55 : 0.36);
  cairo_rectangle(cr, 566, 56, 98, 28);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  ps_x11_text(cr, 596, 75, 13, "Reset");

  /* history: the last 60 s, momentary and short-term, target dashed */
  const double gx = 16, gy = 130, gw = 440, gh = 230;
  cairo_set_source_rgb(cr, 0.16, 0.16, 0.19);
  cairo_rectangle(cr, gx, gy, gw, gh);
  cairo_fill(cr);
  cairo_set_line_width(cr, 1.0);
  for (int l = -60; l <= 0; l += 10) {
    const double y = floor(lufs_y(l, gy, gh)) + 0.5;
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.30);
    cairo_move_to(cr, gx, y);
    cairo_line_to(cr, gx + gw, y);
    cairo_stroke(cr);
    snprintf(s, sizeof(s), "%d", l);
    cairo_set_source_rgb(cr, 0.55, 0.55, 0.60);
    ps_x11_text(cr, gx + 2, y - 2, 9, s);
  }
  const float *series[2] = {ui->momentary, ui->shortterm};
  for (int k = 0; k < 2; ++k) {
    cairo_set_source_rgb(cr, k ? 0.95 : 0.35, k ? 0.75 : 0.65, k ? 0.25 : 0.95);
    cairo_set_line_width(cr, k ? 2.0 : 1.0);
    bool pen = false;
    for (unsigned i = 0; i < ui->count; ++i) {
      const unsigned at = (ui->head + HISTORY - ui->count + i) % HISTORY;
      const float val = series[k][at];
      if (val <= -120.0f) {
        pen = false;
        continue;
      }
      const double x = gx + gw - (double)(ui->count - 1 - i) * gw / (HISTORY - 1);
      const double y = lufs_y(val, gy, gh);
      if (pen) {
        cairo_line_to(cr, x, y);
      } else {
        cairo_move_to(cr, x, y);
        pen = true;
      }
    }
    cairo_stroke(cr);
  }
  const double dashes[] = {6.0, 4.0};
  cairo_set_dash(cr, dashes, 2, 0.0);
  cairo_set_source_rgb(cr, 0.90, 0.30, 0.30);
  cairo_move_to(cr, gx, lufs_y(v[P_TARGET], gy, gh));
  cairo_line_to(cr, gx + gw, lufs_y(v[P_TARGET], gy, gh));
  cairo_stroke(cr);
  cairo_set_dash(cr, NULL, 0, 0.0);
  cairo_set_source_rgb(cr, 0.65, 0.65, 0.70);
  ps_x11_text(cr, gx, gy - 6, 11, "last 60 s: momentary (blue), short-term (amber), target (red)");

  /* histogram of the short-term values */
  const double hx = 476, hy = 130, hw = 188, hh = 230;
  cairo_set_source_rgb(cr, 0.16, 0.16, 0.19);
  cairo_rectangle(cr, hx, hy, hw, hh);
  cairo_fill(cr);
  unsigned peak = 1;
  for (int b = 0; b < BINS; ++b) {
    peak = ui->histogram[b] > peak ? ui->histogram[b] : peak;
  }
  cairo_set_source_rgb(cr, 0.95, 0.75, 0.25);
  for (int b = 0; b < BINS; ++b) {
    const double y0 = lufs_y(-60.0 + b + 1, hy, hh), y1 = lufs_y(-60.0 + b, hy, hh);
    const double len = hw * ui->histogram[b] / peak;
    cairo_rectangle(cr, hx, y0, len, y1 - y0 - 0.5);
  }
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0.90, 0.30, 0.30);
  cairo_move_to(cr, hx, lufs_y(v[P_TARGET], hy, hh));
  cairo_line_to(cr, hx + hw, lufs_y(v[P_TARGET], hy, hh));
  cairo_stroke(cr);
  cairo_set_source_rgb(cr, 0.65, 0.65, 0.70);
  ps_x11_text(cr, hx, hy - 6, 11, "short-term histogram");
  cairo_destroy(cr);
  cairo_surface_flush(ui->x.surface);
  XFlush(ui->x.display);
}

static void
sample(Ui *ui)
{
  ui->momentary[ui->head] = ui->value[P_MOMENTARY];
  ui->shortterm[ui->head] = ui->value[P_SHORTTERM];
  ui->head = (ui->head + 1) % HISTORY;
  ui->count = ui->count < HISTORY ? ui->count + 1 : HISTORY;
  const float st = ui->value[P_SHORTTERM];
  if (st > -60.0f && st < 0.0f) {
    ++ui->histogram[(int)floorf(st + 60.0f)];
  }
  ui->dirty = true;
}

static void
press_reset(Ui *ui, float value)
{
  ui->write(ui->controller, P_RESET, sizeof(float), 0, &value);
  if (value > 0.5f) {
    ui->count = 0;
    memset(ui->histogram, 0, sizeof(ui->histogram));
  }
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
    } else if (e.type == ButtonPress && e.xbutton.x >= 566 && e.xbutton.x < 664 &&
               e.xbutton.y >= 56 && e.xbutton.y < 84) {
      ui->pressed = true;
      press_reset(ui, 1.0f);
      ui->dirty = true;
    } else if (e.type == ButtonRelease && ui->pressed) {
      ui->pressed = false;
      press_reset(ui, 0.0f);
      ui->dirty = true;
    }
  }
  const double t = ps_x11_now();
  if (t - ui->last_sample >= 0.1) {
    ui->last_sample = t;
    sample(ui);
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
  (void)bundle_path;
  Ui *ui = (Ui *)calloc(1, sizeof(Ui));
  if (!ui) {
    return NULL;
  }
  if (ps_x11_open(&ui->x, features, WIDTH, HEIGHT, "Postsync Loudness",
                  ExposureMask | ButtonPressMask | ButtonReleaseMask, widget)) {
    free(ui);
    return NULL;
  }
  ui->write = write_function;
  ui->controller = controller;
  const unsigned channels = channels_of(plugin_uri);
  ui->p_gate = P_AUDIO + 2 * channels;
  ui->p_dialogue = ui->p_gate + 1;
  ui->p_speech = ui->p_gate + 2;
  for (int i = 0; i < 64; ++i) {
    ui->value[i] = -120.0f;
  }
  ui->value[P_TARGET] = -23.0f;
  ui->value[P_TP_LIMIT] = -1.0f;
  ui->value[P_RANGE] = 0.0f;
  ui->value[P_TP_OVER] = 0.0f;
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
  if (format == 0 && size == sizeof(float) && port < 64) {
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
