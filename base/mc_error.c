#include "mc_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifndef MC_SOURCE_ROOT
#define MC_SOURCE_ROOT ""
#endif

int mc_err_set_at(mc_err *e, const char *file, int line, int status, const char *fmt, ...) {
  if (!e || e->status != MC_OK)
    return status;
  e->status = status;
  e->where[0] = '\0';
  if (file) {
    size_t root = strlen(MC_SOURCE_ROOT);
    if (root && !strncmp(file, MC_SOURCE_ROOT, root))
      file += root;
    snprintf(e->where, sizeof e->where, " (at %s:%d)", file, line);
  }
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
  e->where[0] = '\0';
}
