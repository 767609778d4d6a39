/* The error path shared by every layer (base <- distributions <- engine <- io <- mc).
 *
 * Functions return an int status: MC_OK, or one of the program's exit statuses
 * below. A failing function writes a message a user can act on into an mc_err
 * supplied by its caller and returns the status; callers pass it up unchanged
 * with MC_CHECK. */
#ifndef MC_ERROR_H
#define MC_ERROR_H

#include <stddef.h>

enum {
  MC_OK = 0,
  MC_EFAIL = 1,   /* any other failure (I/O, MPI, out of memory) */
  MC_EINPUT = 2,  /* bad usage, job file or input file: nothing written */
  MC_ESIGNAL = 3, /* stopped by a signal after writing a checkpoint */
};

typedef struct mc_err {
  int status;
  char msg[2048];
} mc_err;

/* Records status and a printf-style message in e (if e is non-NULL) and
 * returns status. The first error recorded wins: later calls do not
 * overwrite an already set message. */
int mc_err_set(mc_err *e, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prefixes the message in e with "prefix: " (for adding context while an
 * error travels up). Returns e->status. */
int mc_err_prefix(mc_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clears e. */
void mc_err_clear(mc_err *e);

/* Evaluates a call returning a status; on failure jumps to the function's
 * `cleanup` label with `rc` set. */
#define MC_CHECK(call)                                                                             \
  do {                                                                                             \
    rc = (call);                                                                                   \
    if (rc != MC_OK)                                                                               \
      goto cleanup;                                                                                \
  } while (0)

/* Sets the error and jumps to cleanup. */
#define MC_FAIL(e, status, ...)                                                                    \
  do {                                                                                             \
    rc = mc_err_set((e), (status), __VA_ARGS__);                                                   \
    goto cleanup;                                                                                  \
  } while (0)

#endif
