/* Writing an output safely: under a temporary name beside it, created
 * exclusively, then published under its final name without replacing a file
 * that is already there (unless the caller says replace). Used by `run`
 * (results and checkpoints) and `merge`, and meant for `plot`.
 *
 * Threats this answers (issue 17): a file or symbolic link planted at the
 * predictable temporary name PATH.tmp-PID is refused, never followed (the
 * temporary is created with O_CREAT | O_EXCL | O_NOFOLLOW, and the writer is
 * handed /proc/self/fd/N, the very file created, where Linux provides it); an
 * output that appeared while the work ran is not overwritten (publishing is
 * renameat2(RENAME_NOREPLACE), or link() + unlink() where the file system
 * lacks it), and the finished temporary is then kept and named. */
#ifndef MC_OUTFILE_H
#define MC_OUTFILE_H

#include <limits.h>
#include <sys/types.h>

#include "mc_error.h"

typedef struct mc_outfile {
  char path[PATH_MAX]; /* the final name */
  char tmp[PATH_MAX];  /* path.tmp-PID */
  char io[PATH_MAX];   /* what the writer opens: /proc/self/fd/N, or tmp */
  int fd;              /* the temporary, held open; -1 when none */
  dev_t dev;           /* the temporary's identity, checked before publishing */
  ino_t ino;
} mc_outfile;

/* Checks before any work that `path` can be created and published, as
 * `what` ("-o" for messages): not empty, not a directory, not a symbolic link
 * and not an existing file (both allowed with force), every name it needs
 * (path plus each suffix in suffixes[], e.g. ".tmp-PID", NULL-terminated)
 * within NAME_MAX and PATH_MAX, and its temporary creatable (created
 * exclusively and removed again). MC_EINPUT naming the path and the way out.
 * Serial (call on one rank). */
int mc_outfile_probe(const char *path, int force, const char *const *suffixes, mc_err *e);

/* The last step of mc_outfile_probe alone: path.tmp-PID can be created
 * exclusively (and is removed again). MC_EINPUT otherwise. */
int mc_outfile_probe_tmp(const char *path, mc_err *e);

/* Creates o->tmp = path.tmp-PID exclusively and fills o; the writer then
 * writes o->io. MC_EFAIL naming the temporary when it cannot be created (a
 * file or link already there is refused, not followed). */
int mc_outfile_begin(mc_outfile *o, const char *path, mc_err *e);

/* Publishes the finished temporary as o->path: with replace, over whatever
 * is there (a link is replaced, not followed); without, only where nothing
 * is. Checks first that the temporary is still the file begun. On success
 * the temporary is gone and o->fd closed. On failure (MC_EFAIL) the
 * temporary is kept, complete, and the message names it and what to do. */
int mc_outfile_publish(mc_outfile *o, int replace, mc_err *e);

/* Removes the temporary (after a failed write) and closes o->fd. Safe to
 * call on an outfile never begun (zeroed) or already published. */
void mc_outfile_discard(mc_outfile *o);

/* Rewrites o->io as o->tmp in e's message (the writer names what it opened). */
void mc_outfile_fix_message(const mc_outfile *o, mc_err *e);

/* The usual sequence: begin, write(o->io, ctx, e), publish; on a write
 * failure the temporary is removed. Returns the first failure's status. */
int mc_outfile_write(const char *path, int replace,
                     int (*write)(const char *io, void *ctx, mc_err *e), void *ctx, mc_err *e);

#endif
