/* What the plugins' glue shares about control ports. */
#ifndef PS_PLUGIN_PORT_H
#define PS_PLUGIN_PORT_H

#include <math.h>

/* A control input's value, or fallback when the port is unconnected or not
   a number. */
static inline float
ps_port_value(const float *port, float fallback)
{
  return port && isfinite(*port) ? *port : fallback;
}

#endif
