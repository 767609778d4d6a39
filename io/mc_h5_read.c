/* Reading a results file back (mc_h5_read): the file is probed in a child
 * process first, its root attributes say what it is, its config attribute
 * gives the job, /state the state (mc_h5_state.c), and both checksums must
 * match (docs/results-format.md). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mc_h5.h"
#include "mc_h5_state.h"
#include "mc_version.h"

/* ---- the outputs checksum, recomputed --------------------------------------- */

/* Recomputes outputs_checksum while visiting every object of a file. */
typedef struct outputs_walk {
  uint64_t sum;
  int bad;          /* 1: something could not be read */
  char where[1100]; /* object or attribute that failed */
} outputs_walk;

/* The item of np numeric values of file type ft in attribute (is_attr) or
 * dataset id, of at most max_bytes; -1 when it cannot be read. */
static int numeric_item(hid_t id, int is_attr, hid_t ft, hssize_t np, hsize_t max_bytes,
                        const char *objpath, const char *attr, uint64_t *item) {
  H5T_class_t cls = H5Tget_class(ft);
  size_t size = H5Tget_size(ft);
  hid_t mt = -1;
  void *buf = NULL;
  int ok = 0;
  if ((cls != H5T_INTEGER && cls != H5T_FLOAT) || size == 0 || np < 0 ||
      (hsize_t)np > max_bytes / size || (!is_attr && !mc_h5_storage_ok(id, (hsize_t)np * size)))
    return -1;
  if ((mt = H5Tget_native_type(ft, H5T_DIR_DEFAULT)) >= 0 && H5Tget_size(mt) == size &&
      (buf = malloc((size_t)np * size + 1)) &&
      (is_attr ? H5Aread(id, mt, buf) >= 0
               : np == 0 || H5Dread(id, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0)) {
    int sign = cls == H5T_INTEGER ? (int)H5Tget_sign(ft) : 0;
    *item = mc_h5_outputs_item(objpath, attr, cls, size, sign, buf, (size_t)np * size);
    ok = 1;
  }
  free(buf);
  if (mt >= 0)
    H5Tclose(mt);
  return ok ? 0 : -1;
}

/* The item of a dataset of np variable-length strings, as mc_h5w_strings
 * wrote it: the strings with their NULs, concatenated; -1 when it cannot be
 * read. */
static int strings_item(hid_t d, hid_t ft, hssize_t np, const char *objpath, uint64_t *item) {
  char **str = calloc((size_t)np + 1, sizeof *str), *cat = NULL;
  hid_t mt = -1;
  int ok = 0;
  if (!str || (mt = H5Tcopy(ft)) < 0 ||
      (np > 0 && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, str) < 0))
    goto done;
  size_t len = 0;
  for (hssize_t i = 0; i < np; i++) {
    if (!str[i] || strlen(str[i]) >= 4096)
      goto done;
    len += strlen(str[i]) + 1;
  }
  if (!(cat = malloc(len + 1)))
    goto done;
  for (size_t at = 0, i = 0; i < (size_t)np; i++) {
    memcpy(cat + at, str[i], strlen(str[i]) + 1);
    at += strlen(str[i]) + 1;
  }
  *item = mc_h5_outputs_item(objpath, "", H5T_STRING, 0, 0, cat, len);
  ok = 1;
done:
  for (hssize_t i = 0; str && i < np; i++)
    H5free_memory(str[i]);
  free(str);
  free(cat);
  if (mt >= 0)
    H5Tclose(mt);
  return ok ? 0 : -1;
}

/* Adds the item of attribute name of obj. */
static herr_t outputs_walk_attr(hid_t obj, const char *name, const H5A_info_t *ai, void *data) {
  (void)ai;
  outputs_walk *w = data;
  char objpath[1024];
  if (H5Iget_name(obj, objpath, sizeof objpath) <= 0)
    return -1;
  if (mc_h5_outputs_skip_attr(objpath, name))
    return 0;
  hid_t a = -1, ft = -1, sp = -1;
  uint64_t item = 0;
  int ok = 0;
  snprintf(w->where, sizeof w->where, "attribute %s of %s", name, objpath);
  if ((a = H5Aopen(obj, name, H5P_DEFAULT)) >= 0 && (ft = H5Aget_type(a)) >= 0 &&
      (sp = H5Aget_space(a)) >= 0) {
    hssize_t np = H5Sget_simple_extent_npoints(sp);
    char *str = NULL;
    mc_err e = {0};
    if (H5Tget_class(ft) != H5T_STRING) {
      ok = numeric_item(a, 1, ft, np, (hsize_t)1 << 20, objpath, name, &item) == 0;
    } else if (np == 1 && mc_h5_read_attr_str(obj, name, &str, objpath, &e) == MC_OK) {
      item = mc_h5_outputs_item(objpath, name, H5T_STRING, 0, 0, str, strlen(str));
      ok = 1;
    }
    free(str);
  }
  mc_h5_close(3, sp, ft, a);
  w->sum += item;
  w->bad |= !ok;
  return ok ? 0 : -1;
}

/* Adds the items of the object at name (relative to the file's root). */
#if H5_VERSION_GE(1, 12, 0)
static herr_t outputs_walk_object(hid_t f, const char *name, const H5O_info2_t *info, void *data) {
#else
static herr_t outputs_walk_object(hid_t f, const char *name, const H5O_info_t *info, void *data) {
#endif
  outputs_walk *w = data;
  char objpath[1024];
  int root = name[0] == '.' && !name[1];
  snprintf(objpath, sizeof objpath, "%s%s", root ? "" : "/", root ? "/" : name);
  if (mc_h5_outputs_skip_object(objpath))
    return 0;
  snprintf(w->where, sizeof w->where, "%s", objpath);
  hid_t o = H5Oopen(f, name, H5P_DEFAULT), ft = -1, sp = -1;
  uint64_t item = 0;
  int ok = o >= 0;
  if (ok && info->type == H5O_TYPE_DATASET) {
    ok = (ft = H5Dget_type(o)) >= 0 && (sp = H5Dget_space(o)) >= 0;
    hssize_t np = ok ? H5Sget_simple_extent_npoints(sp) : -1;
    if (ok && H5Tget_class(ft) == H5T_STRING && H5Tis_variable_str(ft) > 0 && np >= 0 && np <= 4096)
      ok = strings_item(o, ft, np, objpath, &item) == 0;
    else if (ok)
      ok = numeric_item(o, 0, ft, np, (hsize_t)1 << 40, objpath, "", &item) == 0;
  }
  w->sum += item;
  if (ok && H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_INC, NULL, outputs_walk_attr, w) < 0)
    ok = 0;
  mc_h5_close(3, sp, ft, o);
  w->bad |= !ok;
  return ok ? 0 : -1;
}

/* The outputs checksum of the file, recomputed, must be /state's. */
static int check_outputs(hid_t f, hid_t g, const char *path, mc_err *e) {
  int rc = MC_OK;
  uint64_t want = 0;
  MC_CHECK(mc_h5_read_attr_num(g, "outputs_checksum", H5T_NATIVE_UINT64, &want, path, e));
  outputs_walk w = {0};
#if H5_VERSION_GE(1, 12, 0)
  herr_t vr = H5Ovisit3(f, H5_INDEX_NAME, H5_ITER_INC, outputs_walk_object, &w, H5O_INFO_BASIC);
#else
  herr_t vr = H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, outputs_walk_object, &w, H5O_INFO_BASIC);
#endif
  if (vr < 0 || w.bad)
    MC_FAIL(e, MC_EINPUT, "%s: damaged file: %s cannot be read%s%s%s", path,
            w.where[0] ? w.where : "an object", mc_h5_reason()[0] ? " (HDF5: " : "", mc_h5_reason(),
            mc_h5_reason()[0] ? ")" : "");
  if (MC_CHECKSUMS_REFUSE && w.sum != want)
    MC_FAIL(e, MC_EINPUT,
            "%s: the checksum of its datasets and attributes does not match them: the file is "
            "damaged (changed after it was written)",
            path);
cleanup:
  return rc;
}

/* ---- the file ------------------------------------------------------------------ */

#if H5_VERSION_GE(1, 12, 0)
static herr_t visit_object(hid_t o, const char *name, const H5O_info2_t *info, void *data) {
#else
static herr_t visit_object(hid_t o, const char *name, const H5O_info_t *info, void *data) {
#endif
  (void)o, (void)name, (void)info, (void)data;
  return 0;
}

/* Opens path for reading, or explains why it is not a results file. */
static int open_results(const char *path, hid_t *f, mc_err *e) {
  int rc = MC_OK;
  struct stat sb;
  if (stat(path, &sb) != 0)
    MC_FAIL(e, MC_EINPUT, "%s: cannot open: %s", path, strerror(errno));
  if (S_ISDIR(sb.st_mode))
    MC_FAIL(e, MC_EINPUT, "%s: is a directory; expected a Crossover results file", path);
  if (!S_ISREG(sb.st_mode))
    MC_FAIL(e, MC_EINPUT, "%s: is not a regular file; expected a Crossover results file", path);
  FILE *probe = fopen(path, "rb");
  if (!probe)
    MC_FAIL(e, MC_EINPUT, "%s: cannot open: %s", path, strerror(errno));
  fclose(probe);
  if (sb.st_size == 0)
    MC_FAIL(e, MC_EINPUT, "%s: is empty; expected a Crossover results file", path);
  if (H5Fis_hdf5(path) <= 0)
    MC_FAIL(e, MC_EINPUT,
            "%s: not an HDF5 file (or damaged at its start); expected a Crossover results file",
            path);
  *f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (*f < 0)
    MC_FAIL(e, MC_EINPUT, "%s: cannot be opened as HDF5: truncated or damaged (HDF5: %s)", path,
            mc_h5_reason());
    /* Loading every object's header finds damage in the parts of the file
     * that no statistic is read from. */
#if H5_VERSION_GE(1, 12, 0)
  if (H5Ovisit3(*f, H5_INDEX_NAME, H5_ITER_INC, visit_object, NULL,
                H5O_INFO_BASIC | H5O_INFO_NUM_ATTRS) < 0)
#else
  if (H5Ovisit2(*f, H5_INDEX_NAME, H5_ITER_INC, visit_object, NULL,
                H5O_INFO_BASIC | H5O_INFO_NUM_ATTRS) < 0)
#endif
    MC_FAIL(e, MC_EINPUT, "%s: damaged file: its objects cannot all be read (HDF5: %s)", path,
            mc_h5_reason());
cleanup:
  return rc;
}

/* The root attributes that say what the file is (format, format_version)
 * and /state's engine_format: MC_EINPUT for another kind of file or a newer
 * format. */
static int read_header(hid_t f, const char *path, int *version, mc_err *e) {
  int rc = MC_OK, eformat = 0;
  hid_t g = -1;
  char *fmt = NULL;
  if (H5Aexists(f, "format") <= 0 || mc_h5_read_attr_str(f, "format", &fmt, path, e) != MC_OK ||
      strcmp(fmt, MC_FORMAT) != 0) {
    mc_err_clear(e);
    MC_FAIL(e, MC_EINPUT, "%s: not a Crossover results file (root attribute format is not '%s')",
            path, MC_FORMAT);
  }
  MC_CHECK(mc_h5_read_attr_num(f, "format_version", H5T_NATIVE_INT, version, path, e));
  if (*version > MC_FORMAT_VERSION)
    MC_FAIL(e, MC_EINPUT,
            "%s: written in results format version %d by a newer Crossover; this one (%s) reads "
            "version %d: upgrade crossover",
            path, *version, MC_ENGINE_VERSION, MC_FORMAT_VERSION);
  if (*version < 1)
    MC_FAIL(e, MC_EINPUT, "%s: bad format_version %d", path, *version);
  if (H5Lexists(f, "state", H5P_DEFAULT) <= 0 && H5Aexists(f, MC_H5_RESULTS_ONLY) > 0)
    MC_FAIL(e, MC_EINPUT,
            "%s is a results-only file (crossover export): it holds the results but not the "
            "state that report, plot, merge and run --resume read; use the file it was exported "
            "from, or read this one in Python (crossover.open)",
            path);
  if (H5Lexists(f, "state", H5P_DEFAULT) <= 0)
    MC_FAIL(e, MC_EINPUT, "%s: has no state group: cannot be merged or resumed", path);
  R5ID(g, H5Gopen2(f, "state", H5P_DEFAULT), "opening the state group");
  MC_CHECK(mc_h5_read_attr_num(g, "engine_format", H5T_NATIVE_INT, &eformat, path, e));
  if (eformat != MC_ENGINE_FORMAT)
    MC_FAIL(e, MC_EINPUT, "%s: engine state format %d, this crossover uses %d: %s", path, eformat,
            MC_ENGINE_FORMAT,
            eformat > MC_ENGINE_FORMAT ? "upgrade crossover" : "rerun the job with this version");
cleanup:
  free(fmt);
  if (g >= 0)
    H5Gclose(g);
  return rc;
}

/* The job of the config attribute; the root attribute model, written since
 * the second model, must name its model. */
static int read_job(hid_t f, const char *path, const char *config, mc_job *job, mc_err *e) {
  char name[1100], *model = NULL;
  snprintf(name, sizeof name, "%s (config attribute)", path);
  int rc = mc_job_load_string(config, name, job, e);
  if (rc == MC_EFAIL && !strstr(e->msg, "out of memory"))
    rc = e->status = MC_EINPUT;
  if (rc != MC_OK)
    return rc;
  if (H5Aexists(f, "model") > 0 && (mc_h5_read_attr_str(f, "model", &model, path, e) != MC_OK ||
                                    strcmp(model, job->spec.model->name) != 0)) {
    mc_err_clear(e);
    rc = mc_err_set(e, MC_EINPUT,
                    "%s: root attribute model does not name the model of its config attribute "
                    "(%s): the file is damaged (changed after it was written)",
                    path, job->spec.model->name);
    mc_job_free(job);
  }
  free(model);
  return rc;
}

static int read_results(const char *path, mc_job *job, mc_stats **out, mc_h5_meta *meta,
                        mc_err *e) {
  int rc = MC_OK, version = 0, job_loaded = 0;
  hid_t f = -1, g = -1;
  char *config = NULL, *part = NULL, *created = NULL;
  mc_stats *st = NULL;
  *out = NULL;
  mc_h5_quiet();
  MC_CHECK(open_results(path, &f, e));
  MC_CHECK(read_header(f, path, &version, e));
  MC_CHECK(mc_h5_read_attr_str(f, "config", &config, path, e));
  MC_CHECK(mc_h5_read_attr_str(f, "part", &part, path, e));
  MC_CHECK(mc_h5_read_attr_str(f, "created", &created, path, e));
  MC_CHECK(read_job(f, path, config, job, e));
  job_loaded = 1;
  MC_CHECK(mc_h5_state_read(f, path, job, config, part, version, &st, e));
  R5ID(g, H5Gopen2(f, "state", H5P_DEFAULT), "opening the state group");
  MC_CHECK(check_outputs(f, g, path, e));
  if (meta) {
    memset(meta, 0, sizeof *meta);
    char c;
    if (sscanf(part, "%d/%d%c", &meta->part_k, &meta->part_n, &c) != 2 || meta->part_k < 1 ||
        meta->part_k > meta->part_n)
      MC_FAIL(e, MC_EINPUT, "%s: attribute part '%s' is not K/N", path, part);
    snprintf(meta->created, sizeof meta->created, "%s", created);
  }
  *out = st;
  st = NULL;
cleanup:
  if (rc != MC_OK && job_loaded)
    mc_job_free(job);
  mc_stats_free(st);
  mc_h5_close(2, g, f);
  free(config);
  free(part);
  free(created);
  return rc;
}

#if defined(__SANITIZE_ADDRESS__)
#define MC_H5_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MC_H5_ASAN 1
#endif
#endif

/* HDF5 1.10 reads some damaged files out of bounds, loops on others, or
 * allocates without bound (the fuzz target fuzz/fuzz_results.c found all
 * three in its global heap and metadata cache): a hostile file must not
 * crash, hang or exhaust a command. So the file is read first in a forked
 * child, which touches every object we read, limited in time (10 s plus 1 s
 * per 10 MB, or CROSSOVER_PROBE_SECONDS) and in memory (2 GiB plus 8 times
 * the file, beyond what it has mapped), and refused with the child's message
 * if the child refuses it or dies; the parent reads only a file the child
 * read. CROSSOVER_NO_PROBE=1 reads in-process only (for fuzzing, where a
 * crash must be seen). */
static int probe_in_child(const char *path, mc_err *e) {
  const char *no = getenv("CROSSOVER_NO_PROBE");
  if (no && *no && strcmp(no, "0") != 0)
    return MC_OK;
  struct stat sb;
  uint64_t size = stat(path, &sb) == 0 && S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
  unsigned seconds = 10 + (unsigned)(size / 10000000);
  const char *lim = getenv("CROSSOVER_PROBE_SECONDS");
  if (lim && atoi(lim) > 0)
    seconds = (unsigned)atoi(lim);
  int fd[2];
  if (pipe(fd) != 0)
    return MC_OK; /* cannot probe: read in-process */
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    close(fd[0]);
    close(fd[1]);
    return MC_OK;
  }
  if (pid == 0) {
    close(fd[0]);
    /* the alarm must end the child whatever handler it inherited (libFuzzer
     * keeps one on SIGALRM for its own timeouts) */
    signal(SIGALRM, SIG_DFL);
    alarm(seconds);
#ifndef MC_H5_ASAN /* AddressSanitizer reserves terabytes of address space */
    unsigned long pages = 0;
    FILE *statm = fopen("/proc/self/statm", "r");
    if (statm && fscanf(statm, "%lu", &pages) == 1) {
      rlim_t lim = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + ((rlim_t)2 << 30) + 8 * size;
      struct rlimit rl = {lim, lim};
      setrlimit(RLIMIT_AS, &rl);
    }
    if (statm)
      fclose(statm);
#endif
    mc_job job;
    mc_stats *st = NULL;
    mc_err ce = {0};
    int rc = read_results(path, &job, &st, NULL, &ce);
    if (rc != MC_OK && write(fd[1], &ce, sizeof ce) != (ssize_t)sizeof ce)
      rc = MC_EFAIL;
    _exit(100 + rc); /* no atexit handlers: MPI and HDF5 belong to the parent */
  }
  close(fd[1]);
  mc_err ce = {0};
  size_t got = 0;
  for (;;) {
    ssize_t r = read(fd[0], (char *)&ce + got, sizeof ce - got);
    if (r > 0 && (got += (size_t)r) < sizeof ce)
      continue;
    if (r < 0 && errno == EINTR)
      continue;
    break;
  }
  close(fd[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return MC_OK;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == 100)
    return MC_OK; /* read cleanly: the parent reads it the same way */
  if (code > 100 && code <= 103 && got == sizeof ce) {
    ce.msg[sizeof ce.msg - 1] = '\0';
    if (ce.status == MC_EINPUT)
      MC_RAISE(e, MC_EINPUT, "%s", ce.msg);
    MC_RAISE(e, MC_EINPUT, "%s: damaged file: reading it failed: %s", path, ce.msg);
  }
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
    MC_RAISE(e, MC_EINPUT,
             "%s: damaged file: reading it did not finish in %u s (the HDF5 library "
             "loops on some damaged files); expected a Crossover results file",
             path, seconds);
  if (WIFSIGNALED(status))
    MC_RAISE(e, MC_EINPUT,
             "%s: damaged file: reading it crashed the HDF5 library (signal %d); "
             "expected a Crossover results file",
             path, WTERMSIG(status));
  MC_RAISE(e, MC_EINPUT,
           "%s: damaged file: reading it failed in the HDF5 library (status %d); "
           "expected a Crossover results file",
           path, code);
}

int mc_h5_read(const char *path, mc_job *job, mc_stats **out, mc_h5_meta *meta, mc_err *e) {
  *out = NULL;
  int rc = probe_in_child(path, e);
  if (rc != MC_OK)
    return rc;
  return read_results(path, job, out, meta, e);
}
