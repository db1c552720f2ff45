#include "ps_status.h"

const char *
ps_status_string(int status)
{
  switch (status) {
  case PS_OK:
    return "success";
  case PS_ERR_ARG:
    return "invalid argument";
  case PS_ERR_NOMEM:
    return "out of memory";
  case PS_ERR_RATE:
    return "unsupported sample rate";
  case PS_ERR_CHANNELS:
    return "unsupported channel count or layout";
  default:
    return "unknown error";
  }
}
