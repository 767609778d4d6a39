#include "mc_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int mc_err_set(mc_err *e, int status, const char *fmt, ...) {
  if (!e || e->status != MC_OK)
    return status;
  e->status = status;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  return status;
}

int mc_err_prefix(mc_err *e, const char *fmt, ...) {
  if (!e)
    return MC_EFAIL;
  char head[512], old[sizeof e->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(head, sizeof head, fmt, ap);
  va_end(ap);
  memcpy(old, e->msg, sizeof old);
  size_t h = strlen(head), o = strlen(old);
  if (h > sizeof e->msg - 3)
    h = sizeof e->msg - 3;
  if (h + 2 + o > sizeof e->msg - 1)
    o = sizeof e->msg - 1 - h - 2;
  memcpy(e->msg, head, h);
  memcpy(e->msg + h, ": ", 2);
  memcpy(e->msg + h + 2, old, o);
  e->msg[h + 2 + o] = '\0';
  return e->status;
}

void mc_err_clear(mc_err *e) {
  if (!e)
    return;
  e->status = MC_OK;
  e->msg[0] = '\0';
}
