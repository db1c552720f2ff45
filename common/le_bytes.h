/* Little-endian bytes for what the plugins save: the same blob on every
   machine, whatever its own byte order. */
#ifndef PS_LE_BYTES_H
#define PS_LE_BYTES_H

#include <stdint.h>
#include <string.h>

static inline void
ps_le_put_u32(unsigned char *out, uint32_t v)
{
  for (int i = 0; i < 4; ++i) {
    out[i] = (unsigned char)(v >> (8 * i));
  }
}

static inline uint32_t
ps_le_get_u32(const unsigned char *in)
{
  return (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 |
         (uint32_t)in[3] << 24;
}

static inline void
ps_le_put_double(unsigned char *out, double v)
{
  uint64_t bits;
  memcpy(&bits, &v, sizeof(bits));
  for (int i = 0; i < 8; ++i) {
    out[i] = (unsigned char)(bits >> (8 * i));
  }
}

static inline double
ps_le_get_double(const unsigned char *in)
{
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) {
    bits |= (uint64_t)in[i] << (8 * i);
  }
  double v;
  memcpy(&v, &bits, sizeof(v));
  return v;
}

#endif
