/* What the plugins' X11 UIs share: a window of their own inside the
   host's (ui:parent), a cairo surface on it, the host's ui:resize told its
   size, the plugin instance when the host gives it (instance-access and
   data-access), a clock, text.  Plain Xlib, no toolkit. */
#ifndef PS_PLUGIN_X11_UI_H
#define PS_PLUGIN_X11_UI_H

#include <cairo.h>
#include <lv2/core/lv2.h>
#include <lv2/data-access/data-access.h>
#include <lv2/ui/ui.h>

#include <X11/Xlib.h>

typedef struct {
  Display *display;
  Window window;
  cairo_surface_t *surface;
  LV2_Handle instance;                      /* NULL without instance-access */
  const LV2_Extension_Data_Feature *data;   /* NULL without data-access */
} PsX11Window;

/* Opens the display and a width x height window in the host's parent (or
   on the root window), listening for `events`; *widget = the window.
   -1 when there is no display. */
int ps_x11_open(PsX11Window *w, const LV2_Feature *const *features, int width, int height,
                const char *title, long events, LV2UI_Widget *widget);
void ps_x11_close(PsX11Window *w);

/* Seconds on a monotonic clock. */
double ps_x11_now(void);
/* Text at (x, y), size in pixels, in the current colour. */
void ps_x11_text(cairo_t *cr, double x, double y, double size, const char *s);

#endif
