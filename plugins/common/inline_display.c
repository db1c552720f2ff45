/* Ardour's inline displays: see inline_display.h. */
#include "inline_display.h"

#include <math.h>
#include <string.h>

void
ps_inline_init(PsInlineDisplay *d, const LV2_Feature *const *features, double rate)
{
  memset(d, 0, sizeof(*d));
  d->draw_every = (uint32_t)(0.1 * rate);
  for (int i = 0; features && features[i]; ++i) {
    if (!strcmp(features[i]->URI, PS_INLINE_DISPLAY__queue_draw)) {
      d->queue = (const PsInlineQueue *)features[i]->data;
    }
  }
}

void
ps_inline_free(PsInlineDisplay *d)
{
  if (d->surface) {
    cairo_surface_destroy(d->surface);
    d->surface = NULL;
  }
}

void
ps_inline_tick(PsInlineDisplay *d, uint32_t n)
{
  d->since_draw += n;
  if (d->since_draw >= d->draw_every) {
    d->since_draw = 0;
    if (d->queue && d->queue->queue_draw) {
      d->queue->queue_draw(d->queue->handle);
    }
  }
}

uint32_t
ps_inline_height(uint32_t width, uint32_t max_height)
{
  const uint32_t h = width / 2 > 24 ? width / 2 : 24;
  return h < max_height ? h : max_height;
}

cairo_t *
ps_inline_begin(PsInlineDisplay *d, uint32_t width, uint32_t height)
{
  width = width ? width : 1;
  height = height ? height : 1;
  if (!d->surface || cairo_image_surface_get_width(d->surface) != (int)width ||
      cairo_image_surface_get_height(d->surface) != (int)height) {
    if (d->surface) {
      cairo_surface_destroy(d->surface);
    }
    d->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)width, (int)height);
  }
  if (cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS) {
    return NULL;
  }
  cairo_t *cr = cairo_create(d->surface);
  cairo_set_source_rgba(cr, 0.12, 0.12, 0.14, 1.0);
  cairo_paint(cr);
  return cr;
}

PsInlineImage *
ps_inline_end(PsInlineDisplay *d, cairo_t *cr)
{
  if (!cr) {
    return NULL;
  }
  cairo_destroy(cr);
  cairo_surface_flush(d->surface);
  d->image.data = cairo_image_surface_get_data(d->surface);
  d->image.width = cairo_image_surface_get_width(d->surface);
  d->image.height = cairo_image_surface_get_height(d->surface);
  d->image.stride = cairo_image_surface_get_stride(d->surface);
  return &d->image;
}

void
ps_inline_frame(cairo_t *cr, double w, double h)
{
  cairo_set_line_width(cr, 1.0);
  cairo_set_source_rgba(cr, 0.45, 0.45, 0.50, 1.0);
  cairo_rectangle(cr, 0.5, 0.5, w - 1.0, h - 1.0);
  cairo_stroke(cr);
}

void
ps_inline_hline(cairo_t *cr, double w, double h, double v, double lo, double hi)
{
  const double y = floor(h * (hi - v) / (hi - lo)) + 0.5;
  cairo_set_line_width(cr, 1.0);
  cairo_move_to(cr, 0.0, y);
  cairo_line_to(cr, w, y);
  cairo_stroke(cr);
}

void
ps_inline_spectrum(cairo_t *cr, double w, double h, const double *hz, const double *db,
                   size_t n, double lo, double hi)
{
  const double l20 = log10(20.0), span = log10(20000.0) - l20;
  int pen = 0;
  cairo_set_line_width(cr, 1.5);
  for (size_t i = 0; i < n; ++i) {
    if (!(db[i] > lo - 100.0) || !(hz[i] >= 20.0) || !(hz[i] <= 20000.0)) {
      pen = 0;
      continue;
    }
    const double v = db[i] < lo ? lo : (db[i] > hi ? hi : db[i]);
    const double x = w * (log10(hz[i]) - l20) / span, y = h * (hi - v) / (hi - lo);
    if (pen) {
      cairo_line_to(cr, x, y);
    } else {
      cairo_move_to(cr, x, y);
      pen = 1;
    }
  }
  cairo_stroke(cr);
}

void
ps_inline_text(cairo_t *cr, double x, double y, double size, const char *text)
{
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, text);
}
