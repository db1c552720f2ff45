/* Postsync core: status codes shared by every engine. */
#ifndef PS_STATUS_H
#define PS_STATUS_H

typedef enum {
  PS_OK = 0,
  PS_ERR_ARG = -1,      /* a null pointer or a value out of range */
  PS_ERR_NOMEM = -2,    /* an allocation failed */
  PS_ERR_RATE = -3,     /* sample rate outside what the engine supports */
  PS_ERR_CHANNELS = -4, /* channel count or layout not supported */
} PsStatus;

/* A short English description of a status code, for messages. */
const char *ps_status_string(int status);

#endif
