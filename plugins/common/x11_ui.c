/* The plugins' X11 UIs: see x11_ui.h. */
#include "x11_ui.h"

#include <cairo-xlib.h>
#include <lv2/instance-access/instance-access.h>

#include <stdint.h>
#include <string.h>
#include <time.h>

int
ps_x11_open(PsX11Window *w, const LV2_Feature *const *features, int width, int height,
            const char *title, long events, LV2UI_Widget *widget)
{
  memset(w, 0, sizeof(*w));
  Window parent = 0;
  const LV2UI_Resize *resize = NULL;
  for (int i = 0; features && features[i]; ++i) {
    if (!strcmp(features[i]->URI, LV2_UI__parent)) {
      parent = (Window)(uintptr_t)features[i]->data;
    } else if (!strcmp(features[i]->URI, LV2_UI__resize)) {
      resize = (const LV2UI_Resize *)features[i]->data;
    } else if (!strcmp(features[i]->URI, LV2_INSTANCE_ACCESS_URI)) {
      w->instance = (LV2_Handle)features[i]->data;
    } else if (!strcmp(features[i]->URI, LV2_DATA_ACCESS_URI)) {
      w->data = (const LV2_Extension_Data_Feature *)features[i]->data;
    }
  }
  w->display = XOpenDisplay(NULL);
  if (!w->display) {
    return -1;
  }
  const int screen = DefaultScreen(w->display);
  if (!parent) {
    parent = RootWindow(w->display, screen);
  }
  w->window = XCreateSimpleWindow(w->display, parent, 0, 0, (unsigned)width, (unsigned)height, 0,
                                  0, 0);
  XSelectInput(w->display, w->window, events);
  XStoreName(w->display, w->window, title);
  XMapRaised(w->display, w->window);
  w->surface = cairo_xlib_surface_create(w->display, w->window,
                                         DefaultVisual(w->display, screen), width, height);
  if (resize) {
    resize->ui_resize(resize->handle, width, height);
  }
  *widget = (LV2UI_Widget)(uintptr_t)w->window;
  XFlush(w->display);
  return 0;
}

void
ps_x11_close(PsX11Window *w)
{
  if (!w->display) {
    return;
  }
  cairo_surface_destroy(w->surface);
  XDestroyWindow(w->display, w->window);
  XCloseDisplay(w->display);
  w->display = NULL;
}

double
ps_x11_now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void
ps_x11_text(cairo_t *cr, double x, double y, double size, const char *s)
{
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, s);
}
