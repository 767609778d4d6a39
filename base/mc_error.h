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
  /* Where the error was raised, " (at engine/mc_stats.c:123)", in builds with
   * MC_ERROR_PLACES (CMAKE_BUILD_TYPE=Debug); "" otherwise. A program prints it
   * after msg. */
  char where[160];
} mc_err;

/* The place a macro below records: the caller's source file and line where
 * MC_ERROR_PLACES is defined, none otherwise. */
#ifdef MC_ERROR_PLACES
#define MC_HERE __FILE__, __LINE__
#else
#define MC_HERE NULL, 0
#endif

/* Records status, a printf-style message and the place file:line (file NULL:
 * none) in e (if e is non-NULL) and returns status. The first error recorded
 * wins: later calls do not overwrite an already set message. A file under the
 * source tree is named relative to it. */
int mc_err_set_at(mc_err *e, const char *file, int line, int status, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* mc_err_set(e, status, fmt, ...): mc_err_set_at at the caller's place. */
#define mc_err_set(e, status, ...) mc_err_set_at((e), MC_HERE, (status), __VA_ARGS__)

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

/* Sets the error and returns status from the function (one without a
 * cleanup label). */
#define MC_RAISE(e, status, ...)                                                                   \
  do {                                                                                             \
    return mc_err_set((e), (status), __VA_ARGS__);                                                 \
  } while (0)

/* Sets the error and jumps to cleanup. */
#define MC_FAIL(e, status, ...)                                                                    \
  do {                                                                                             \
    rc = mc_err_set((e), (status), __VA_ARGS__);                                                   \
    goto cleanup;                                                                                  \
  } while (0)

#endif
