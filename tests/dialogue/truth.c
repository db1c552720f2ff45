#include "truth.h"

#include "kweight.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

double
dialogue_truth(const float *x, size_t frames, unsigned channels, double rate,
               const float *weights, const unsigned char *labels, size_t n_labels)
{
  PsKWeight k;
  if (ps_kweight_design(&k, rate)) {
    return -HUGE_VAL;
  }
  /* energy of every 10 ms frame, K-weighted, weighted over channels */
  const size_t n_frames = (size_t)((double)frames * 100.0 / rate);
  double *energy = (double *)calloc(n_frames + 1, sizeof(double));
  size_t *count = (size_t *)calloc(n_frames + 1, sizeof(size_t));
  for (unsigned c = 0; c < channels; ++c) {
    double z1[2] = {0, 0}, z2[2] = {0, 0};
    const double w = weights ? (double)weights[c] : 1.0;
    for (size_t i = 0; i < frames; ++i) {
      const double in = (double)x[i * channels + c];
      const double y1 = k.shelf.b[0] * in + z1[0];
      z1[0] = k.shelf.b[1] * in - k.shelf.a[1] * y1 + z1[1];
      z1[1] = k.shelf.b[2] * in - k.shelf.a[2] * y1;
      const double y2 = k.highpass.b[0] * y1 + z2[0];
      z2[0] = k.highpass.b[1] * y1 - k.highpass.a[1] * y2 + z2[1];
      z2[1] = k.highpass.b[2] * y1 - k.highpass.a[2] * y2;
      const size_t f = (size_t)((double)i * 100.0 / rate);
      if (f < n_frames) {
        energy[f] += w * y2 * y2;
        count[f] += c == 0;
      }
    }
  }
  double sum = 0.0;
  size_t blocks = 0;
  for (size_t end = 40; end <= n_frames; end += 10) {
    double e = 0.0;
    size_t n = 0, speech = 0;
    for (size_t f = end - 40; f < end; ++f) {
      e += energy[f];
      n += count[f];
      speech += f < n_labels && labels[f];
    }
    const double mean = e / (double)n;
    if (2 * speech >= 40 && mean > 0.0 && -0.691 + 10.0 * log10(mean) > -70.0) {
      sum += mean;
      ++blocks;
    }
  }
  free(energy);
  free(count);
  return blocks ? -0.691 + 10.0 * log10(sum / (double)blocks) : -HUGE_VAL;
}

unsigned char *
labels_read(const char *path, size_t *count)
{
  FILE *f = fopen(path, "r");
  if (!f) {
    return NULL;
  }
  size_t cap = 1 << 14, n = 0;
  unsigned char *l = (unsigned char *)malloc(cap);
  char line[128];
  while (l && fgets(line, sizeof(line), f)) {
    if (line[0] != '0' && line[0] != '1') {
      continue;
    }
    if (n == cap) {
      unsigned char *bigger = (unsigned char *)realloc(l, cap * 2);
      if (!bigger) {
        free(l);
        l = NULL;
        break;
      }
      l = bigger;
      cap *= 2;
    }
    l[n++] = line[0] == '1';
  }
  fclose(f);
  *count = n;
  return l;
}
