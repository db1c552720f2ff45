/* xshot: a PNG of an X display's root window (for the UI tests under Xvfb).

   usage: xshot OUT.png [X Y W H]

   The display is $DISPLAY; with a rectangle, only that part.  Exit 1 when
   the picture is one flat colour (nothing drawn), 2 on errors. */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <cairo.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
  if (argc != 2 && argc != 6) {
    fprintf(stderr, "usage: xshot OUT.png [X Y W H]\n");
    return 2;
  }
  Display *d = XOpenDisplay(NULL);
  if (!d) {
    fprintf(stderr, "xshot: cannot open the display\n");
    return 2;
  }
  Window root = DefaultRootWindow(d);
  XWindowAttributes a;
  XGetWindowAttributes(d, root, &a);
  int x = 0, y = 0, w = a.width, h = a.height;
  if (argc == 6) {
    x = atoi(argv[2]);
    y = atoi(argv[3]);
    w = atoi(argv[4]);
    h = atoi(argv[5]);
  }
  XImage *img = XGetImage(d, root, x, y, (unsigned)w, (unsigned)h, AllPlanes, ZPixmap);
  if (!img) {
    fprintf(stderr, "xshot: cannot read the window\n");
    return 2;
  }
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  unsigned char *data = cairo_image_surface_get_data(s);
  const int stride = cairo_image_surface_get_stride(s);
  unsigned long first = XGetPixel(img, 0, 0);
  long differ = 0;
  for (int j = 0; j < h; ++j) {
    for (int i = 0; i < w; ++i) {
      const unsigned long p = XGetPixel(img, i, j);
      differ += p != first;
      *(uint32_t *)(data + (size_t)j * (size_t)stride + 4 * (size_t)i) = (uint32_t)(p & 0xffffff);
    }
  }
  cairo_surface_mark_dirty(s);
  const int st = cairo_surface_write_to_png(s, argv[1]) == CAIRO_STATUS_SUCCESS ? 0 : 2;
  cairo_surface_destroy(s);
  XDestroyImage(img);
  XCloseDisplay(d);
  if (st) {
    fprintf(stderr, "xshot: cannot write %s\n", argv[1]);
    return st;
  }
  printf("xshot: %d x %d, %ld pixels unlike the first\n", w, h, differ);
  return differ ? 0 : 1;
}
