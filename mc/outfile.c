#define _GNU_SOURCE /* renameat2, RENAME_NOREPLACE */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The directory part of path ("." when none), into dir. */
static void dir_of(const char *path, char *dir, size_t len) {
  snprintf(dir, len, "%s", path);
  char *slash = strrchr(dir, '/');
  if (!slash)
    snprintf(dir, len, ".");
  else if (slash == dir)
    dir[1] = '\0';
  else
    *slash = '\0';
}

static const char *base_of(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* Refuses a name whose last component or whole exceeds the system's limits. */
static int check_name(const char *name, const char *what, long name_max, mc_err *e) {
  if (strlen(name) >= PATH_MAX)
    MC_RAISE(e, MC_EINPUT,
             "cannot write %s: the name %s the run needs is longer than PATH_MAX (%d); "
             "choose a shorter -o",
             what, name, PATH_MAX);
  if ((long)strlen(base_of(name)) > name_max)
    MC_RAISE(e, MC_EINPUT,
             "cannot write %s: the file name %s the run needs is %zu bytes, over the "
             "limit of %ld of this file system; choose a shorter -o",
             what, base_of(name), strlen(base_of(name)), name_max);
  return MC_OK;
}

int mc_outfile_probe(const char *path, int force, const char *const *suffixes, mc_err *e) {
  struct stat sb;
  if (!path || !*path)
    MC_RAISE(e, MC_EINPUT, "-o: an empty output name; give a file name");
  size_t n = strlen(path);
  if (path[n - 1] == '/')
    MC_RAISE(e, MC_EINPUT, "-o %s names a directory; give a file name", path);
  if (lstat(path, &sb) == 0) {
    if (S_ISDIR(sb.st_mode))
      MC_RAISE(e, MC_EINPUT, "-o %s is a directory; give a file name (e.g. %s/out.h5)", path, path);
    if (S_ISLNK(sb.st_mode) && !force)
      MC_RAISE(e, MC_EINPUT,
               "%s is a symbolic link; refusing to replace it (pass --force to replace "
               "the link itself, or -o to choose another name)",
               path);
    if (!force)
      MC_RAISE(e, MC_EINPUT, "%s exists; pass --force to overwrite it or -o to choose another",
               path);
    if (!S_ISREG(sb.st_mode) && !S_ISLNK(sb.st_mode))
      MC_RAISE(e, MC_EINPUT, "%s exists and is not a regular file; choose another -o", path);
  }
  char dir[PATH_MAX], name[PATH_MAX + 64];
  dir_of(path, dir, sizeof dir);
  errno = 0;
  long name_max = pathconf(dir, _PC_NAME_MAX);
  if (name_max <= 0)
    name_max = NAME_MAX;
  int rc = check_name(path, path, name_max, e);
  for (int i = 0; rc == MC_OK && suffixes && suffixes[i]; i++) {
    snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
    rc = check_name(name, path, name_max, e);
  }
  if (rc != MC_OK)
    return rc;
  return mc_outfile_probe_tmp(path, e);
}

int mc_outfile_probe_tmp(const char *path, mc_err *e) {
  char name[PATH_MAX + 64];
  snprintf(name, sizeof name, "%s.tmp-%ld", path, (long)getpid());
  int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0 && errno == EEXIST)
    MC_RAISE(e, MC_EINPUT,
             "%s already exists (a file or link at this run's temporary name, not made "
             "by it); refusing to use it: remove it",
             name);
  if (fd < 0)
    MC_RAISE(e, MC_EINPUT, "cannot write %s: %s; choose another -o", path, strerror(errno));
  close(fd);
  unlink(name);
  return MC_OK;
}

int mc_outfile_begin(mc_outfile *o, const char *path, mc_err *e) {
  memset(o, 0, sizeof *o);
  o->fd = -1;
  if (snprintf(o->path, sizeof o->path, "%s", path) >= (int)sizeof o->path ||
      snprintf(o->tmp, sizeof o->tmp, "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof o->tmp)
    MC_RAISE(e, MC_EINPUT, "%s: the name is too long", path);
  o->fd = open(o->tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (o->fd < 0) {
    int err = errno;
    o->tmp[0] = '\0'; /* not ours: never removed */
    MC_RAISE(e, MC_EFAIL, "cannot create %s.tmp-%ld: %s%s", path, (long)getpid(), strerror(err),
             err == EEXIST ? " (a file or link at the temporary name, not made by this "
                             "run; it is not followed: remove it)"
                           : "");
  }
  struct stat sb;
  if (fstat(o->fd, &sb) != 0) {
    int err = errno;
    mc_outfile_discard(o);
    MC_RAISE(e, MC_EFAIL, "cannot stat %s.tmp-%ld: %s", path, (long)getpid(), strerror(err));
  }
  o->dev = sb.st_dev;
  o->ino = sb.st_ino;
  /* The writer opens the file by name; /proc/self/fd/N names the file just
   * created even if its directory entry is swapped for a link meanwhile. */
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", o->fd);
  struct stat pb;
  if (stat(proc, &pb) == 0 && pb.st_dev == sb.st_dev && pb.st_ino == sb.st_ino)
    snprintf(o->io, sizeof o->io, "%s", proc);
  else
    snprintf(o->io, sizeof o->io, "%s", o->tmp);
  return MC_OK;
}

/* 1 when o->tmp is still the file created by mc_outfile_begin. */
static int still_ours(const mc_outfile *o) {
  struct stat sb;
  return lstat(o->tmp, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_dev == o->dev &&
         sb.st_ino == o->ino;
}

/* Renames tmp to path only where path does not exist: 0, or -1 with errno
 * (EEXIST when it does). */
static int rename_noreplace(const char *tmp, const char *path) {
  if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    return -1;
  /* No RENAME_NOREPLACE on this file system (NFS, some parallel ones): a
   * hard link fails where the name exists, and never follows a link. */
  if (link(tmp, path) == 0) {
    unlink(tmp);
    return 0;
  }
  if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP)
    return -1;
  /* Neither: check, then rename (a window of microseconds remains). */
  struct stat sb;
  if (lstat(path, &sb) == 0) {
    errno = EEXIST;
    return -1;
  }
  return rename(tmp, path);
}

int mc_outfile_publish(mc_outfile *o, int replace, mc_err *e) {
  if (!still_ours(o)) {
    int rc = mc_err_set(e, MC_EFAIL,
                        "%s is no longer the file this run wrote (replaced or removed meanwhile); "
                        "not publishing it as %s",
                        o->tmp, o->path);
    if (o->fd >= 0)
      close(o->fd);
    o->fd = -1;
    o->tmp[0] = '\0'; /* not ours any more: left alone */
    return rc;
  }
  int r = replace ? rename(o->tmp, o->path) : rename_noreplace(o->tmp, o->path);
  if (r != 0) {
    int err = errno;
    if (o->fd >= 0)
      close(o->fd);
    o->fd = -1;
    char kept[PATH_MAX];
    snprintf(kept, sizeof kept, "%s", o->tmp);
    o->tmp[0] = '\0'; /* kept: mc_outfile_discard leaves it */
    if (err == EEXIST)
      MC_RAISE(e, MC_EFAIL,
               "%s appeared while this was being written (another run or merge with the "
               "same output?); it was not replaced. The complete result is kept as %s: "
               "rename it, or rerun with --force to replace",
               o->path, kept);
    MC_RAISE(e, MC_EFAIL, "cannot rename %s to %s: %s; the complete result is kept as %s", kept,
             o->path, strerror(err), kept);
  }
  o->tmp[0] = '\0';
  if (o->fd >= 0)
    close(o->fd);
  o->fd = -1;
  return MC_OK;
}

void mc_outfile_discard(mc_outfile *o) {
  if (o->tmp[0] && still_ours(o))
    unlink(o->tmp);
  o->tmp[0] = '\0';
  if (o->fd >= 0)
    close(o->fd);
  o->fd = -1;
}

void mc_outfile_fix_message(const mc_outfile *o, mc_err *e) {
  size_t ni = strlen(o->io), nt = strlen(o->tmp);
  if (!e || !ni || !strcmp(o->io, o->tmp) || !nt)
    return;
  char out[sizeof e->msg];
  size_t at = 0;
  for (const char *s = e->msg; *s && at + 1 < sizeof out;) {
    if (!strncmp(s, o->io, ni) && (s[ni] < '0' || s[ni] > '9')) {
      size_t k = nt < sizeof out - 1 - at ? nt : sizeof out - 1 - at;
      memcpy(out + at, o->tmp, k);
      at += k;
      s += ni;
    } else
      out[at++] = *s++;
  }
  out[at] = '\0';
  memcpy(e->msg, out, at + 1);
}

int mc_outfile_write(const char *path, int replace,
                     int (*write)(const char *io, void *ctx, mc_err *e), void *ctx, mc_err *e) {
  mc_outfile o;
  int rc = mc_outfile_begin(&o, path, e);
  if (rc != MC_OK)
    return rc;
  rc = write(o.io, ctx, e);
  mc_outfile_fix_message(&o, e);
  if (rc == MC_OK)
    return mc_outfile_publish(&o, replace, e);
  mc_outfile_discard(&o);
  return rc;
}
