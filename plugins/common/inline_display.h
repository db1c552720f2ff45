/* Ardour's inline displays (the small picture Ardour draws in a mixer
   strip's processor box), for every Postsync plugin.

   The extension is Harrison Consoles' and Ardour's
   (http://harrisonconsoles.com/lv2/inlinedisplay), not part of LV2 proper;
   its ABI is restated here from its published definition: the plugin's
   extension_data(#interface) gives render(), which the host calls from its
   GUI thread for an image of a given width and at most a given height,
   owned by the plugin; the #queue_draw feature lets run() ask for a new
   picture.  The pictures are drawn with cairo (ARGB32, premultiplied, as
   the host expects).

   Threads: ps_inline_tick() runs on the audio thread and does nothing but
   count and, every 100 ms of audio, call the host's queue_draw (which
   Ardour makes real-time safe); render() runs elsewhere and may allocate
   (the surface, kept while its size stays). */
#ifndef PS_PLUGIN_INLINE_DISPLAY_H
#define PS_PLUGIN_INLINE_DISPLAY_H

#include <cairo.h>
#include <lv2/core/lv2.h>

#include <stddef.h>
#include <stdint.h>

#define PS_INLINE_DISPLAY_URI "http://harrisonconsoles.com/lv2/inlinedisplay"
#define PS_INLINE_DISPLAY__interface PS_INLINE_DISPLAY_URI "#interface"
#define PS_INLINE_DISPLAY__queue_draw PS_INLINE_DISPLAY_URI "#queue_draw"

typedef struct {
  unsigned char *data;
  int width;
  int height;
  int stride;
} PsInlineImage;

typedef struct {
  PsInlineImage *(*render)(LV2_Handle instance, uint32_t width, uint32_t max_height);
} PsInlineInterface;

typedef struct {
  void *handle;
  void (*queue_draw)(void *handle);
} PsInlineQueue;

typedef struct {
  const PsInlineQueue *queue; /* NULL: the host has no inline displays */
  uint32_t since_draw, draw_every;
  cairo_surface_t *surface;
  PsInlineImage image;
} PsInlineDisplay;

/* At instantiation: finds the host's queue_draw among the features. */
void ps_inline_init(PsInlineDisplay *display, const LV2_Feature *const *features, double rate);
void ps_inline_free(PsInlineDisplay *display);

/* Audio thread, after each run of n frames.  Real-time safe. */
void ps_inline_tick(PsInlineDisplay *display, uint32_t n);

/* The pictures' usual height: half the width, 24 at least, within the
   host's bound. */
uint32_t ps_inline_height(uint32_t width, uint32_t max_height);

/* render(): a context over a width x height picture (the height the plugin
   chooses up to the host's maximum), its background painted; then the
   image to return.  NULL when cairo fails. */
cairo_t *ps_inline_begin(PsInlineDisplay *display, uint32_t width, uint32_t height);
PsInlineImage *ps_inline_end(PsInlineDisplay *display, cairo_t *cr);

/* Drawing shared by the plugins' pictures: a thin frame; a horizontal grid
   line at value v of [lo, hi]; a curve over log frequency 20 Hz - 20 kHz
   (points <= lo - 100 skipped); a short text. */
void ps_inline_frame(cairo_t *cr, double width, double height);
void ps_inline_hline(cairo_t *cr, double width, double height, double v, double lo, double hi);
void ps_inline_spectrum(cairo_t *cr, double width, double height, const double *hz,
                        const double *db, size_t n, double lo, double hi);
void ps_inline_text(cairo_t *cr, double x, double y, double size, const char *text);

#endif
