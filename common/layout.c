#include "layout.h"

#include "ps_status.h"

#include <string.h>

float
ps_role_weight(PsChannelRole role)
{
  switch (role) {
  case PS_ROLE_LFE:
    return 0.0f;
  case PS_ROLE_SIDE:
    return 1.41f;
  case PS_ROLE_FRONT:
  case PS_ROLE_REAR:
  default:
    return 1.0f;
  }
}

int
ps_layout_roles(PsLayout layout, unsigned channels, PsChannelRole *roles)
{
  static const PsChannelRole s50[] = {PS_ROLE_FRONT, PS_ROLE_FRONT, PS_ROLE_FRONT,
                                      PS_ROLE_SIDE, PS_ROLE_SIDE};
  static const PsChannelRole s51[] = {PS_ROLE_FRONT, PS_ROLE_FRONT, PS_ROLE_FRONT,
                                      PS_ROLE_LFE, PS_ROLE_SIDE, PS_ROLE_SIDE};
  static const PsChannelRole s71[] = {PS_ROLE_FRONT, PS_ROLE_FRONT, PS_ROLE_FRONT,
                                      PS_ROLE_LFE, PS_ROLE_SIDE, PS_ROLE_SIDE,
                                      PS_ROLE_REAR, PS_ROLE_REAR};
  const PsChannelRole *table = NULL;
  unsigned need = 0;
  switch (layout) {
  case PS_LAYOUT_MONO:
    need = 1;
    break;
  case PS_LAYOUT_STEREO:
    need = 2;
    break;
  case PS_LAYOUT_50:
    need = 5;
    table = s50;
    break;
  case PS_LAYOUT_51:
    need = 6;
    table = s51;
    break;
  case PS_LAYOUT_71:
    need = 8;
    table = s71;
    break;
  case PS_LAYOUT_DUAL:
    need = channels;
    break;
  default:
    return PS_ERR_ARG;
  }
  if (!channels || channels != need || channels > PS_MAX_CHANNELS) {
    return PS_ERR_CHANNELS;
  }
  for (unsigned i = 0; i < channels; ++i) {
    roles[i] = table ? table[i] : PS_ROLE_FRONT;
  }
  return PS_OK;
}

PsLayout
ps_layout_default(unsigned channels)
{
  switch (channels) {
  case 1:
    return PS_LAYOUT_MONO;
  case 2:
    return PS_LAYOUT_STEREO;
  case 5:
    return PS_LAYOUT_50;
  case 6:
    return PS_LAYOUT_51;
  case 8:
    return PS_LAYOUT_71;
  default:
    return PS_LAYOUT_DUAL;
  }
}

static const char *const layout_names[] = {"mono", "stereo", "5.0", "5.1", "7.1", "front"};

int
ps_layout_parse(const char *name)
{
  for (int i = 0; i < (int)(sizeof(layout_names) / sizeof(layout_names[0])); ++i) {
    if (!strcmp(name, layout_names[i])) {
      return i;
    }
  }
  return -1;
}

const char *
ps_layout_name(PsLayout layout)
{
  return (unsigned)layout < sizeof(layout_names) / sizeof(layout_names[0])
           ? layout_names[layout]
           : "unknown";
}
