/* The results file: INTERFACE.md "The results file"; the /state group is
 * described in docs/results-format.md. */
#include "mc_h5.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mc_version.h"

#define MC_FORMAT         "crossover-results"
#define MC_FORMAT_VERSION 1

static char h5_reason_buf[256];

static herr_t h5_reason_walk(unsigned n, const H5E_error2_t *err, void *data) {
  (void)data;
  if (n == 0 && err->desc)
    snprintf(h5_reason_buf, sizeof h5_reason_buf, "%s", err->desc);
  return 0;
}

/* The most specific message on HDF5's error stack, or "". */
static const char *h5_reason(void) {
  h5_reason_buf[0] = '\0';
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, h5_reason_walk, NULL);
  return h5_reason_buf;
}

/* A failing HDF5 call names itself and the file. */
#define H5C(expr)                                                                                  \
  do {                                                                                             \
    if ((expr) < 0)                                                                                \
      MC_FAIL(e, MC_EFAIL, "%s: HDF5 call failed: %s (HDF5: %s)", path, #expr, h5_reason());       \
  } while (0)
#define H5ID(var, expr)                                                                            \
  do {                                                                                             \
    var = (expr);                                                                                  \
    if (var < 0)                                                                                   \
      MC_FAIL(e, MC_EFAIL, "%s: HDF5 call failed: %s (HDF5: %s)", path, #expr, h5_reason());       \
  } while (0)

int mc_h5_param_recorded(const mc_spec *spec, int p) {
  return spec->configured[p] || spec->model->param[p].dflt_kind == MC_DEF_FOLLOWS;
}

static void quiet_hdf5(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/* ---- checksums ------------------------------------------------------------ */

/* Two checksums (docs/results-format.md) let mc_h5_read refuse a file changed
 * after it was written instead of reading it: /state `checksum` covers
 * everything mc_h5_read uses, in the order of state_checksum below;
 * `outputs_checksum` covers every other dataset and attribute we write
 * (outside /state and /samples), as a sum over items so that the order of
 * writing and reading does not matter. Each piece of an item adds its byte
 * length, then its bytes as little-endian 64-bit words (the tail
 * zero-padded), each word w by x = (h ^ w) * 0x100000001b3, h = x ^ (x >> 32),
 * from h = 0xcbf29ce484222325 (FNV-1a's constants, with a shift that carries
 * high bits down). */
static inline uint64_t mix_word(uint64_t h, uint64_t w) {
  h = (h ^ w) * 0x100000001b3ull;
  return h ^ (h >> 32);
}

static void fnv_bytes(uint64_t *h, const void *data, size_t n) {
  const unsigned char *p = data;
  uint64_t x = mix_word(*h, (uint64_t)n);
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    x = mix_word(x, w);
  }
  if (n > 0) {
    uint64_t w = 0;
    memcpy(&w, p, n);
    x = mix_word(x, w);
  }
  *h = x;
}

static void fnv_str(uint64_t *h, const char *s) { fnv_bytes(h, s ? s : "", s ? strlen(s) : 0); }

/* Fuzz builds (CROSSOVER_FUZZ) compute the checksums but do not refuse on
 * them, so that mutated files reach the code that reads past them. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define CHECKSUMS_REFUSE 0
#else
#define CHECKSUMS_REFUSE 1
#endif

/* Objects outside both checksums: the state (its own checksum) and the
 * per-sample datasets (written in parallel, possibly huge). */
static int outputs_skip_object(const char *obj) {
  return !strcmp(obj, "/state") || !strncmp(obj, "/state/", 7) || !strcmp(obj, "/samples") ||
         !strncmp(obj, "/samples/", 9);
}

/* Attributes outside outputs_checksum: those of dimension scales (written by
 * the HDF5 high-level library), the checksums themselves, and the creation
 * time (so that equal results have equal checksums). */
static int outputs_skip_attr(const char *name) {
  static const char *const skip[] = {"CLASS",          "NAME",     "REFERENCE_LIST",
                                     "DIMENSION_LIST", "checksum", "outputs_checksum",
                                     "created"};
  for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
    if (!strcmp(name, skip[i]))
      return 1;
  return 0;
}

/* One item of outputs_checksum: the object's path, the attribute's name ("" for
 * a dataset's values), the type (class, size, signedness) and the bytes. */
static uint64_t outputs_item(const char *obj, const char *attr, int cls, size_t size, int sign,
                             const void *data, size_t nbytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  int64_t t[3] = {cls, (int64_t)size, sign};
  fnv_str(&h, obj);
  fnv_str(&h, attr);
  fnv_bytes(&h, t, sizeof t);
  fnv_bytes(&h, data, nbytes);
  return h;
}

/* While mc_h5_write runs: the sum of its items so far (NULL otherwise). */
static uint64_t *outputs_sum;

/* Adds an item written to obj, unless outside outputs_checksum. */
static void outputs_add(hid_t obj, const char *attr, hid_t type, const void *data, size_t nbytes) {
  if (!outputs_sum || (attr && outputs_skip_attr(attr)))
    return;
  char name[1024];
  if (H5Iget_name(obj, name, sizeof name) <= 0 || outputs_skip_object(name))
    return;
  H5T_class_t cls = H5Tget_class(type);
  int sign = cls == H5T_INTEGER ? (int)H5Tget_sign(type) : 0;
  size_t size = cls == H5T_STRING ? 0 : H5Tget_size(type);
  *outputs_sum += outputs_item(name, attr ? attr : "", (int)cls, size, sign, data, nbytes);
}

/* ---- small writers -------------------------------------------------------- */

static int attr_str(hid_t obj, const char *name, const char *val, const char *path, mc_err *e) {
  int rc = MC_OK;
  hid_t t = -1, sp = -1, a = -1;
  H5ID(t, H5Tcopy(H5T_C_S1));
  H5C(H5Tset_size(t, H5T_VARIABLE));
  H5C(H5Tset_cset(t, H5T_CSET_UTF8));
  H5ID(sp, H5Screate(H5S_SCALAR));
  H5ID(a, H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT));
  H5C(H5Awrite(a, t, &val));
  outputs_add(obj, name, t, val, strlen(val));
cleanup:
  if (a >= 0)
    H5Aclose(a);
  if (sp >= 0)
    H5Sclose(sp);
  if (t >= 0)
    H5Tclose(t);
  return rc;
}

static int attr_num(hid_t obj, const char *name, hid_t type, const void *val, const char *path,
                    mc_err *e) {
  int rc = MC_OK;
  hid_t sp = -1, a = -1;
  H5ID(sp, H5Screate(H5S_SCALAR));
  H5ID(a, H5Acreate2(obj, name, type, sp, H5P_DEFAULT, H5P_DEFAULT));
  H5C(H5Awrite(a, type, val));
  outputs_add(obj, name, type, val, H5Tget_size(type));
cleanup:
  if (a >= 0)
    H5Aclose(a);
  if (sp >= 0)
    H5Sclose(sp);
  return rc;
}

static int attr_u64(hid_t o, const char *n, uint64_t v, const char *path, mc_err *e) {
  return attr_num(o, n, H5T_NATIVE_UINT64, &v, path, e);
}
static int attr_i32(hid_t o, const char *n, int v, const char *path, mc_err *e) {
  return attr_num(o, n, H5T_NATIVE_INT, &v, path, e);
}

/* Writes a dataset of rank 1 or 2 and returns its id in *out (or closes it). */
static int dset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
                const void *data, hid_t *out, const char *path, mc_err *e) {
  int rc = MC_OK;
  hid_t sp = -1, d = -1;
  H5ID(sp, H5Screate_simple(rank, dims, NULL));
  H5ID(d, H5Dcreate2(loc, name, type, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  int empty = 0;
  for (int i = 0; i < rank; i++)
    empty |= dims[i] == 0;
  size_t nbytes = H5Tget_size(type);
  for (int i = 0; i < rank; i++)
    nbytes *= (size_t)dims[i];
  if (!empty)
    H5C(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
  outputs_add(d, NULL, type, data, empty ? 0 : nbytes);
cleanup:
  if (sp >= 0)
    H5Sclose(sp);
  if (rc == MC_OK && out)
    *out = d;
  else if (d >= 0)
    H5Dclose(d);
  return rc;
}

static int dset1(hid_t loc, const char *name, hid_t type, hsize_t n, const void *data, hid_t *out,
                 const char *path, mc_err *e) {
  return dset(loc, name, type, 1, &n, data, out, path, e);
}

/* A dataset of n variable-length UTF-8 strings. Its outputs_checksum item is
 * the strings concatenated, each with its terminating NUL, as a string class
 * item of size 0 (outputs_walk_object reads it back the same way). */
static int dset_strings(hid_t loc, const char *name, const char *const *str, int n, hid_t *out,
                        const char *path, mc_err *e) {
  int rc = MC_OK;
  hid_t t = -1, sp = -1, d = -1;
  char *cat = NULL;
  hsize_t dim = (hsize_t)n;
  size_t len = 0;
  for (int i = 0; i < n; i++)
    len += strlen(str[i]) + 1;
  cat = malloc(len + 1);
  if (!cat)
    MC_FAIL(e, MC_EFAIL, "out of memory writing %s", path);
  for (size_t at = 0, i = 0; i < (size_t)n; i++) {
    size_t l = strlen(str[i]) + 1;
    memcpy(cat + at, str[i], l);
    at += l;
  }
  H5ID(t, H5Tcopy(H5T_C_S1));
  H5C(H5Tset_size(t, H5T_VARIABLE));
  H5C(H5Tset_cset(t, H5T_CSET_UTF8));
  H5ID(sp, H5Screate_simple(1, &dim, NULL));
  H5ID(d, H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (n > 0)
    H5C(H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, str));
  outputs_add(d, NULL, t, cat, len);
cleanup:
  free(cat);
  if (sp >= 0)
    H5Sclose(sp);
  if (t >= 0)
    H5Tclose(t);
  if (rc == MC_OK && out)
    *out = d;
  else if (d >= 0)
    H5Dclose(d);
  return rc;
}

static void iso_now(char *buf, size_t len) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- the state group -------------------------------------------------------- */

static mc_sketch *sketch_at(mc_stats *st, int k) {
  int ns = st->nser * st->ny;
  return k < ns ? &st->series[k] : &st->param[k - ns];
}

/* What the state checksum covers: the root attributes mc_h5_read uses (but
 * the creation time), then every attribute and dataset of /state, as written
 * (counts in elements). */
typedef struct state_image {
  const char *config, *part;
  int format_version, engine_format, block_size, tau_bins, mbits, xsum_chunks;
  uint64_t nblocks, job_samples, spec_digest;
  const uint8_t *done;
  const int64_t *lohi;
  const uint64_t *zn, *counts;
  const int64_t *xs;
  const double *shift;
  const uint64_t *year_counts, *never, *tau_hist;
  size_t ndone, nsk, ncounts, nser, nyc, ncross, ntau_all;
} state_image;

static uint64_t state_checksum(const state_image *m) {
  uint64_t h = 0xcbf29ce484222325ull;
  fnv_str(&h, m->config);
  fnv_str(&h, m->part);
  int ints[6] = {m->format_version, m->engine_format, m->block_size,
                 m->tau_bins,       m->mbits,         m->xsum_chunks};
  fnv_bytes(&h, ints, sizeof ints);
  uint64_t u[3] = {m->nblocks, m->job_samples, m->spec_digest};
  fnv_bytes(&h, u, sizeof u);
  fnv_bytes(&h, m->done, m->ndone);
  fnv_bytes(&h, m->lohi, sizeof *m->lohi * 4 * m->nsk);
  fnv_bytes(&h, m->zn, sizeof *m->zn * 2 * m->nsk);
  fnv_bytes(&h, m->counts, sizeof *m->counts * m->ncounts);
  fnv_bytes(&h, m->xs, sizeof *m->xs * 2 * m->nser * MC_XSUM_PACKED);
  fnv_bytes(&h, m->shift, sizeof *m->shift * m->nser);
  fnv_bytes(&h, m->year_counts, sizeof *m->year_counts * m->nyc);
  fnv_bytes(&h, m->never, sizeof *m->never * m->ncross);
  fnv_bytes(&h, m->tau_hist, sizeof *m->tau_hist * m->ntau_all);
  return h;
}

/* ---- the convergence and sensitivity state (issue 5) ----------------------- */

/* What /state holds beside the datasets above for issue 5
 * (docs/results-format.md): the sensitivity sums, packed like xsum; their
 * shifts; and the stop point of sampling.stop_when. */
typedef struct state_ext {
  int present;
  uint64_t stop_blocks;
  int sens_batches, nsens, sens_k;
  int64_t *xs;   /* [nx, MC_XSUM_CHUNKS + 3] */
  double *shift; /* [nsens] */
  size_t nx;
} state_ext;

static void ext_free(state_ext *x) {
  free(x->xs);
  free(x->shift);
  memset(x, 0, sizeof *x);
}

/* The state checksum h continued over the extension (h itself when absent). */
static uint64_t ext_checksum(uint64_t h, const state_ext *x) {
  if (!x->present)
    return h;
  int ints[3] = {x->sens_batches, x->nsens, x->sens_k};
  fnv_bytes(&h, ints, sizeof ints);
  fnv_bytes(&h, &x->stop_blocks, sizeof x->stop_blocks);
  fnv_bytes(&h, x->xs, sizeof *x->xs * x->nx * MC_XSUM_PACKED);
  fnv_bytes(&h, x->shift, sizeof *x->shift * (size_t)x->nsens);
  return h;
}

/* Packs st's extension. */
static int ext_pack(mc_stats *st, state_ext *x, const char *path, mc_err *e) {
  int rc = MC_OK;
  int x0 = 2 * st->nser * st->ny;
  x->present = 1;
  x->stop_blocks = st->stop_blocks;
  x->sens_batches = MC_SENS_BATCHES;
  x->nsens = st->nsens;
  x->sens_k = st->sens_k;
  x->nx = (size_t)(mc_stats_nxsum(st) - x0);
  x->xs = malloc(sizeof *x->xs * x->nx * MC_XSUM_PACKED + 1);
  x->shift = malloc(sizeof *x->shift * (size_t)st->nsens + 1);
  if (!x->xs || !x->shift)
    MC_FAIL(e, MC_EFAIL, "out of memory writing %s", path);
  for (size_t k = 0; k < x->nx; k++) {
    mc_xsum_pack(mc_stats_xsum(st, x0 + (int)k), x->xs + k * MC_XSUM_PACKED);
  }
  memcpy(x->shift, st->sens_shift, sizeof *x->shift * (size_t)st->nsens);
cleanup:
  return rc;
}

static int ext_write(hid_t g, const state_ext *x, const char *path, mc_err *e) {
  int rc = MC_OK;
  hsize_t d2[2] = {(hsize_t)x->nx, MC_XSUM_CHUNKS + 3};
  MC_CHECK(attr_u64(g, "stop_blocks", x->stop_blocks, path, e));
  MC_CHECK(attr_i32(g, "sensitivity_batches", x->sens_batches, path, e));
  MC_CHECK(attr_i32(g, "sensitivity_parameters", x->sens_k, path, e));
  MC_CHECK(dset(g, "sensitivity_xsum", H5T_NATIVE_INT64, 2, d2, x->xs, NULL, path, e));
  MC_CHECK(
      dset1(g, "sensitivity_shift", H5T_NATIVE_DOUBLE, (hsize_t)x->nsens, x->shift, NULL, path, e));
cleanup:
  return rc;
}

static int read_ds(hid_t loc, const char *name, hid_t memtype, hsize_t count, void *buf,
                   void **allocated, const char *path, mc_err *e);
static int read_attr_num(hid_t obj, const char *name, hid_t memtype, void *out, const char *path,
                         mc_err *e);

/* Reads the extension when the file has one (its layout checked against the
 * job's); x->present says whether it had. */
static int ext_read(hid_t g, const mc_spec *spec, state_ext *x, const char *path, mc_err *e) {
  int rc = MC_OK;
  if (H5Lexists(g, "sensitivity_xsum", H5P_DEFAULT) <= 0)
    return MC_OK;
  int par[MC_MAXPARAM];
  int want_k = mc_spec_sens_params(spec, par);
  x->present = 1;
  MC_CHECK(read_attr_num(g, "stop_blocks", H5T_NATIVE_UINT64, &x->stop_blocks, path, e));
  MC_CHECK(read_attr_num(g, "sensitivity_batches", H5T_NATIVE_INT, &x->sens_batches, path, e));
  MC_CHECK(read_attr_num(g, "sensitivity_parameters", H5T_NATIVE_INT, &x->sens_k, path, e));
  x->nsens = spec->nsens;
  if (x->sens_batches != MC_SENS_BATCHES || x->sens_k != want_k)
    MC_FAIL(e, MC_EINPUT,
            "%s: the state's sensitivity layout (%d batches, %d parameters) does not match this "
            "crossover's (%d, %d)",
            path, x->sens_batches, x->sens_k, MC_SENS_BATCHES, want_k);
  x->nx = (size_t)MC_SENS_BATCHES * spec->nsens * MC_SENS_NSUM(want_k);
  uint64_t nblocks = spec->samples / MC_BLOCK + (spec->samples % MC_BLOCK != 0);
  if (x->stop_blocks > nblocks)
    MC_FAIL(e, MC_EINPUT, "%s: state attribute stop_blocks is past the last block (damaged file?)",
            path);
  MC_CHECK(read_ds(g, "sensitivity_xsum", H5T_NATIVE_INT64, (hsize_t)x->nx * MC_XSUM_PACKED, NULL,
                   (void **)&x->xs, path, e));
  MC_CHECK(read_ds(g, "sensitivity_shift", H5T_NATIVE_DOUBLE, (hsize_t)spec->nsens, NULL,
                   (void **)&x->shift, path, e));
cleanup:
  return rc;
}

/* Moves a checked extension into st (allocated for the same job). */
static int ext_unpack(mc_stats *st, const state_ext *x, const char *path, mc_err *e) {
  int rc = MC_OK;
  if (!x->present)
    return MC_OK;
  int x0 = 2 * st->nser * st->ny;
  if ((size_t)(mc_stats_nxsum(st) - x0) != x->nx)
    MC_FAIL(e, MC_EINPUT, "%s: the state's sensitivity sums do not match its job (damaged file?)",
            path);
  memcpy(st->sens_shift, x->shift, sizeof *x->shift * (size_t)st->nsens);
  st->stop_blocks = x->stop_blocks;
  for (size_t k = 0; k < x->nx; k++) {
    mc_xsum_unpack(x->xs + k * MC_XSUM_PACKED, mc_stats_xsum(st, x0 + (int)k));
  }
  /* Consistency: a stopped run holds exactly the blocks before its stop point. */
  for (uint64_t b = 0; st->stop_blocks && b < st->nblocks; b++)
    if (mc_stats_block_done(st, b) != (b < st->stop_blocks))
      MC_FAIL(e, MC_EINPUT, "%s: a run stopped after %llu blocks %s block %llu (damaged file?)",
              path, (unsigned long long)st->stop_blocks, b < st->stop_blocks ? "lacks" : "holds",
              (unsigned long long)b);
cleanup:
  return rc;
}

/* ---- samples whose projection was not finite (issue 8) ----------------------- */

/* /state attribute fault_samples and dataset fault_range [nparam, 2]
 * (docs/results-format.md): the samples with a non-finite value in any series
 * and year, and per parameter the least and greatest input among them
 * (+inf, -inf while there are none). A file written before them reads as
 * having none, and its checksum is that of the rest. */
typedef struct state_faults {
  int present;
  uint64_t samples;
  int npar;
  double range[2 * MC_MAXPARAM]; /* lo, hi per parameter */
} state_faults;

static uint64_t faults_checksum(uint64_t h, const state_faults *f) {
  if (!f->present)
    return h;
  fnv_bytes(&h, &f->samples, sizeof f->samples);
  fnv_bytes(&h, f->range, sizeof *f->range * 2 * (size_t)f->npar);
  return h;
}

static void faults_pack(const mc_stats *st, state_faults *f) {
  f->present = 1;
  f->samples = st->fault_samples;
  f->npar = st->npar;
  for (int p = 0; p < st->npar; p++) {
    f->range[2 * p] = st->fault_lo[p];
    f->range[2 * p + 1] = st->fault_hi[p];
  }
}

static int faults_write(hid_t g, const state_faults *f, const char *path, mc_err *e) {
  int rc = MC_OK;
  hsize_t d2[2] = {(hsize_t)f->npar, 2};
  MC_CHECK(attr_u64(g, "fault_samples", f->samples, path, e));
  MC_CHECK(dset(g, "fault_range", H5T_NATIVE_DOUBLE, 2, d2, f->range, NULL, path, e));
cleanup:
  return rc;
}

static int faults_read(hid_t g, int npar, state_faults *f, const char *path, mc_err *e) {
  int rc = MC_OK;
  memset(f, 0, sizeof *f);
  f->npar = npar;
  if (H5Lexists(g, "fault_range", H5P_DEFAULT) <= 0)
    return MC_OK;
  f->present = 1;
  MC_CHECK(read_attr_num(g, "fault_samples", H5T_NATIVE_UINT64, &f->samples, path, e));
  MC_CHECK(
      read_ds(g, "fault_range", H5T_NATIVE_DOUBLE, 2 * (hsize_t)npar, f->range, NULL, path, e));
cleanup:
  return rc;
}

/* Moves checked fault ranges into st; n samples are done. */
static int faults_unpack(mc_stats *st, const state_faults *f, uint64_t n, const char *path,
                         mc_err *e) {
  if (!f->present)
    return MC_OK;
  uint64_t most = 0;
  for (int k = 0; k < st->nser * st->ny; k++)
    if (st->series[k].nonfinite > most)
      most = st->series[k].nonfinite;
  if (f->samples > n || f->samples < most)
    return mc_err_set(e, MC_EINPUT,
                      "%s: state attribute fault_samples (%llu) is not between the most "
                      "non-finite values of one series and year (%llu) and the samples done "
                      "(%llu) (damaged file?)",
                      path, (unsigned long long)f->samples, (unsigned long long)most,
                      (unsigned long long)n);
  for (int p = 0; p < st->npar; p++) {
    double lo = f->range[2 * p], hi = f->range[2 * p + 1];
    if (isnan(lo) || isnan(hi) || (lo > hi && !(lo == INFINITY && hi == -INFINITY)) ||
        (f->samples == 0 && lo <= hi))
      return mc_err_set(e, MC_EINPUT,
                        "%s: state/fault_range holds impossible values (damaged file?)", path);
    st->fault_lo[p] = lo;
    st->fault_hi[p] = hi;
  }
  st->fault_samples = f->samples;
  return MC_OK;
}

static int write_state(hid_t file, const mc_job *job, const mc_stats *cst, const char *part,
                       const char *path, mc_err *e) {
  mc_stats *st = (mc_stats *)cst;
  int rc = MC_OK;
  hid_t g = -1;
  state_ext ext;
  memset(&ext, 0, sizeof ext);
  int nsk = mc_stats_nsketch(st);
  int nser = st->nser * st->ny;
  int64_t *lohi = malloc(sizeof(int64_t) * 4 * nsk);
  uint64_t *zn = malloc(sizeof(uint64_t) * 2 * nsk);
  int64_t *xs = malloc(sizeof(int64_t) * 2 * nser * MC_XSUM_PACKED);
  uint64_t *counts = NULL;
  if (!lohi || !zn || !xs)
    MC_FAIL(e, MC_EFAIL, "out of memory writing %s", path);
  size_t total = 0;
  /* Stores are written trimmed to their first and last non-zero counter, so
   * equal sketches are equal bytes however their memory grew. */
  for (int k = 0; k < nsk; k++) {
    mc_sketch *s = sketch_at(st, k);
    const mc_store *stores[2] = {&s->pos, &s->neg};
    for (int j = 0; j < 2; j++) {
      int64_t a = 0, b = stores[j]->len;
      while (a < b && mc_store_get(stores[j], a) == 0)
        a++;
      while (b > a && mc_store_get(stores[j], b - 1) == 0)
        b--;
      lohi[4 * k + 2 * j] = b > a ? stores[j]->lo + a : 0;
      lohi[4 * k + 2 * j + 1] = b - a;
      total += (size_t)(b - a);
    }
    zn[2 * k] = s->zero;
    zn[2 * k + 1] = s->nonfinite;
  }
  counts = malloc(sizeof *counts * (total + 1));
  if (!counts)
    MC_FAIL(e, MC_EFAIL, "out of memory writing %s", path);
  size_t at = 0;
  for (int k = 0; k < nsk; k++) {
    mc_sketch *s = sketch_at(st, k);
    const mc_store *stores[2] = {&s->pos, &s->neg};
    for (int j = 0; j < 2; j++) {
      int64_t len = lohi[4 * k + 2 * j + 1];
      if (len == 0)
        continue;
      for (int64_t i = 0; i < len; i++)
        counts[at + (size_t)i] = mc_store_get(stores[j], lohi[4 * k + 2 * j] - stores[j]->lo + i);
      at += (size_t)len;
    }
  }
  for (int k = 0; k < 2 * nser; k++) {
    mc_xsum_pack(k < nser ? &st->sum1[k] : &st->sum2[k - nser], xs + (size_t)k * MC_XSUM_PACKED);
  }
  state_image im = {job->resolved_yaml ? job->resolved_yaml : "",
                    part,
                    MC_FORMAT_VERSION,
                    MC_ENGINE_FORMAT,
                    MC_BLOCK,
                    MC_TAU_BINS_PER_YEAR,
                    st->mbits,
                    MC_XSUM_CHUNKS,
                    st->nblocks,
                    st->samples,
                    mc_spec_digest(&job->spec),
                    st->done,
                    lohi,
                    zn,
                    counts,
                    xs,
                    st->shift,
                    st->year_counts,
                    st->never,
                    st->tau_hist,
                    (st->nblocks + 7) / 8,
                    (size_t)nsk,
                    total,
                    (size_t)nser,
                    (size_t)st->ncross * st->ny,
                    (size_t)st->ncross,
                    (size_t)st->ncross * st->ntau};
  H5ID(g, H5Gcreate2(file, "state", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  MC_CHECK(ext_pack(st, &ext, path, e));
  state_faults faults;
  faults_pack(st, &faults);
  MC_CHECK(attr_u64(g, "checksum",
                    faults_checksum(ext_checksum(state_checksum(&im), &ext), &faults), path, e));
  MC_CHECK(attr_i32(g, "engine_format", MC_ENGINE_FORMAT, path, e));
  MC_CHECK(attr_i32(g, "block_size", MC_BLOCK, path, e));
  MC_CHECK(attr_i32(g, "tau_bins_per_year", MC_TAU_BINS_PER_YEAR, path, e));
  MC_CHECK(attr_i32(g, "mbits", st->mbits, path, e));
  MC_CHECK(attr_i32(g, "xsum_chunks", MC_XSUM_CHUNKS, path, e));
  MC_CHECK(attr_u64(g, "nblocks", st->nblocks, path, e));
  MC_CHECK(attr_u64(g, "job_samples", st->samples, path, e));
  MC_CHECK(attr_u64(g, "spec_digest", mc_spec_digest(&job->spec), path, e));
  hsize_t d2[2];
  MC_CHECK(dset1(g, "done", H5T_NATIVE_UINT8, (st->nblocks + 7) / 8, st->done, NULL, path, e));
  d2[0] = (hsize_t)nsk;
  d2[1] = 4;
  MC_CHECK(dset(g, "sketch_ranges", H5T_NATIVE_INT64, 2, d2, lohi, NULL, path, e));
  d2[1] = 2;
  MC_CHECK(dset(g, "sketch_zero_nonfinite", H5T_NATIVE_UINT64, 2, d2, zn, NULL, path, e));
  MC_CHECK(dset1(g, "sketch_counts", H5T_NATIVE_UINT64, total, counts, NULL, path, e));
  d2[0] = (hsize_t)2 * nser;
  d2[1] = MC_XSUM_CHUNKS + 3;
  MC_CHECK(dset(g, "xsum", H5T_NATIVE_INT64, 2, d2, xs, NULL, path, e));
  MC_CHECK(dset1(g, "shift", H5T_NATIVE_DOUBLE, nser, st->shift, NULL, path, e));
  MC_CHECK(dset1(g, "year_counts", H5T_NATIVE_UINT64, (hsize_t)st->ncross * st->ny, st->year_counts,
                 NULL, path, e));
  MC_CHECK(dset1(g, "never", H5T_NATIVE_UINT64, st->ncross, st->never, NULL, path, e));
  MC_CHECK(dset1(g, "tau_hist", H5T_NATIVE_UINT64, (hsize_t)st->ncross * st->ntau, st->tau_hist,
                 NULL, path, e));
  MC_CHECK(ext_write(g, &ext, path, e));
  MC_CHECK(faults_write(g, &faults, path, e));
cleanup:
  ext_free(&ext);
  if (g >= 0)
    H5Gclose(g);
  free(lohi);
  free(zn);
  free(xs);
  free(counts);
  return rc;
}

/* ---- the results ------------------------------------------------------------ */

/* /sensitivity (docs/outputs.md): the analysed parameters and their bounds'
 * levels as dimension scales, and per target the indices and intervals. */
static int write_sensitivity(hid_t f, const mc_spec *spec, const mc_stats *st, const char *path,
                             mc_err *e) {
  int rc = MC_OK, k = st->sens_k;
  hid_t g = -1, tg = -1, dpar = -1, dbound = -1, d = -1;
  const char *names[MC_MAXPARAM];
  double v[4][2 * MC_MAXPARAM];
  for (int j = 0; j < k; j++)
    names[j] = spec->model->param[st->sens_par[j]].key;
  H5ID(g, H5Gcreate2(f, "sensitivity", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  MC_CHECK(attr_str(g, "method", "sobol", path, e));
  MC_CHECK(attr_i32(g, "batches", MC_SENS_BATCHES, path, e));
  MC_CHECK(attr_i32(g, "evaluations_per_sample", k + 2, path, e));
  MC_CHECK(dset_strings(g, "parameter", names, k, &dpar, path, e));
  H5C(H5DSset_scale(dpar, "parameter"));
  static const double bound[2] = {0.025, 0.975};
  MC_CHECK(dset1(g, "bound", H5T_NATIVE_DOUBLE, 2, bound, &dbound, path, e));
  H5C(H5DSset_scale(dbound, "bound"));
  for (int t = 0; t < st->nsens; t++) {
    const mc_sens_target *tt = &spec->sens[t];
    mc_stats_sensitivity(st, t, v[0], v[1], v[2], v[3]);
    H5ID(tg, H5Gcreate2(g, tt->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    MC_CHECK(attr_str(tg, "meaning",
                      tt->kind == MC_SENS_SERIES
                          ? "natural log of the series in that grid year"
                          : "crossing time in years after the base year; no crossing counts as "
                            "the horizon",
                      path, e));
    static const char *const dn[4] = {"first_order", "total", "first_order_ci", "total_ci"};
    for (int q = 0; q < 4; q++) {
      hsize_t dims[2] = {(hsize_t)k, 2};
      MC_CHECK(dset(tg, dn[q], H5T_NATIVE_DOUBLE, q < 2 ? 1 : 2, dims, v[q], &d, path, e));
      if (k > 0)
        H5C(H5DSattach_scale(d, dpar, 0));
      if (q >= 2)
        H5C(H5DSattach_scale(d, dbound, 1));
      H5Dclose(d);
      d = -1;
    }
    H5Gclose(tg);
    tg = -1;
  }
cleanup:
  if (d >= 0)
    H5Dclose(d);
  if (tg >= 0)
    H5Gclose(tg);
  if (dpar >= 0)
    H5Dclose(dpar);
  if (dbound >= 0)
    H5Dclose(dbound);
  if (g >= 0)
    H5Gclose(g);
  return rc;
}

/* After a write to a file on disk failed (a full disk), the flush of HDF5
 * 1.10's metadata cache at close fails too, leaves the cache unusable ("slist
 * already enabled?") and the library crashes when it shuts down (in
 * MPI_Finalize). The file is discarded anyway, so it is emptied first
 * (collective over comm, or serial with MPI_COMM_NULL), which frees the space
 * the close needs; no flush may be tried before that. */
static void empty_failed_file(const char *path, MPI_Comm comm) {
  int rank = 0;
  if (comm != MPI_COMM_NULL)
    MPI_Comm_rank(comm, &rank);
  if (rank == 0 && truncate(path, 0) != 0) {
    /* nothing more to do: the close reports the failure */
  }
  if (comm != MPI_COMM_NULL)
    MPI_Barrier(comm);
}

/* A results file is built in memory (HDF5's core driver, no backing store)
 * and written out here: a full disk is then a plain write error, where in
 * HDF5 1.10 a flush that fails leaves the file half-closed and the library
 * crashes at exit (in MPI_Finalize). Creates path (or truncates it); removes
 * it again on failure. */
static int save_image(hid_t f, const char *path, mc_err *e) {
  int rc = MC_OK, fd = -1, created = 0;
  char *img = NULL;
  H5C(H5Fflush(f, H5F_SCOPE_GLOBAL));
  ssize_t n = H5Fget_file_image(f, NULL, 0);
  if (n < 0)
    MC_FAIL(e, MC_EFAIL, "%s: HDF5 call failed: H5Fget_file_image", path);
  img = malloc((size_t)n + 1);
  if (!img)
    MC_FAIL(e, MC_EFAIL, "out of memory writing %s", path);
  if (H5Fget_file_image(f, img, (size_t)n) != n)
    MC_FAIL(e, MC_EFAIL, "%s: HDF5 call failed: H5Fget_file_image", path);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0)
    MC_FAIL(e, MC_EFAIL, "cannot create %s: %s", path, strerror(errno));
  created = 1;
  for (ssize_t at = 0; at < n;) {
    ssize_t w = write(fd, img + at, (size_t)(n - at));
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      MC_FAIL(e, MC_EFAIL, "cannot write %s: %s", path, w < 0 ? strerror(errno) : "no progress");
    at += w;
  }
  if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
    MC_FAIL(e, MC_EFAIL, "cannot write %s: %s", path, strerror(errno));
  int c = close(fd);
  fd = -1;
  if (c != 0)
    MC_FAIL(e, MC_EFAIL, "cannot write %s: %s", path, strerror(errno));
cleanup:
  if (fd >= 0)
    close(fd);
  if (rc != MC_OK && created)
    unlink(path);
  free(img);
  return rc;
}

/* File access in memory: the core driver without a backing store. */
static hid_t memory_fapl(void) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl >= 0 && H5Pset_fapl_core(fapl, (size_t)1 << 20, 0) < 0) {
    H5Pclose(fapl);
    fapl = -1;
  }
  return fapl;
}

int mc_h5_write(const char *path, const mc_job *job, const mc_stats *st, const mc_h5_meta *meta,
                mc_err *e) {
  int rc = MC_OK;
  const mc_spec *spec = &job->spec;
  const mc_model_type *M = spec->model;
  hid_t f = -1, dyear = -1, dpct = -1, g = -1, sg = -1, d = -1, fapl = -1;
  int ny = st->ny, nq = spec->npct, in_memory = !(meta && meta->append);
  double *buf = malloc(sizeof(double) * (size_t)ny * (nq + 1) + sizeof(double) * 2 * ny);
  int32_t *years = malloc(sizeof(int32_t) * ny);
  if (!buf || !years)
    MC_FAIL(e, MC_EFAIL, "out of memory writing %s", path);
  uint64_t osum = 0;
  outputs_sum = &osum;
  quiet_hdf5();
  if (!in_memory) {
    H5ID(f, H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT));
  } else {
    H5ID(fapl, memory_fapl());
    H5ID(f, H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
  }

  uint64_t n = mc_stats_done_samples(st);
  char created[32], part[64];
  if (meta && meta->created[0])
    snprintf(created, sizeof created, "%s", meta->created);
  else
    iso_now(created, sizeof created);
  MC_CHECK(attr_str(f, "format", MC_FORMAT, path, e));
  MC_CHECK(attr_i32(f, "format_version", MC_FORMAT_VERSION, path, e));
  MC_CHECK(attr_str(f, "scenario", spec->scenario, path, e));
  MC_CHECK(attr_str(f, "engine_version", MC_ENGINE_VERSION, path, e));
  MC_CHECK(attr_str(f, "config", job->resolved_yaml ? job->resolved_yaml : "", path, e));
  MC_CHECK(attr_u64(f, "seed", spec->seed, path, e));
  MC_CHECK(attr_u64(f, "samples", n, path, e));
  MC_CHECK(attr_u64(f, "samples_planned", spec->samples, path, e));
  MC_CHECK(attr_i32(f, "complete", mc_stats_complete(st), path, e));
  MC_CHECK(attr_i32(f, "stopped_early", st->stop_blocks && mc_stats_complete(st), path, e));
  MC_CHECK(attr_str(f, "sampling_method", mc_method_names[spec->method], path, e));
  MC_CHECK(attr_i32(f, "base_year", spec->base_year, path, e));
  MC_CHECK(attr_i32(f, "horizon_year", spec->horizon_year, path, e));
  MC_CHECK(attr_str(f, "created", created, path, e));
  MC_CHECK(attr_num(f, "relative_accuracy", H5T_NATIVE_DOUBLE, &spec->rel_acc, path, e));
  snprintf(part, sizeof part, "%d/%d", meta ? meta->part_k : 1, meta ? meta->part_n : 1);
  MC_CHECK(attr_str(f, "part", part, path, e));

  for (int y = 0; y < ny; y++)
    years[y] = spec->base_year + y;
  MC_CHECK(dset1(f, "year", H5T_NATIVE_INT32, ny, years, &dyear, path, e));
  H5C(H5DSset_scale(dyear, "year"));
  MC_CHECK(dset1(f, "percentile", H5T_NATIVE_DOUBLE, nq, spec->pct, &dpct, path, e));
  H5C(H5DSset_scale(dpct, "percentile"));

  H5ID(g, H5Gcreate2(f, "series", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (int s = 0; s < M->nseries; s++) {
    if (!mc_spec_has_series(spec, s))
      continue;
    H5ID(sg, H5Gcreate2(g, M->series[s].name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    for (int y = 0; y < ny; y++)
      mc_stats_series_percentiles(st, s, y, nq, spec->pct, buf + (size_t)y * nq);
    hsize_t dims[2] = {(hsize_t)ny, (hsize_t)nq};
    MC_CHECK(dset(sg, "percentiles", H5T_NATIVE_DOUBLE, 2, dims, buf, &d, path, e));
    H5C(H5DSattach_scale(d, dyear, 0));
    H5C(H5DSattach_scale(d, dpct, 1));
    MC_CHECK(attr_str(d, "units", M->series[s].unit, path, e));
    MC_CHECK(attr_num(d, "relative_accuracy", H5T_NATIVE_DOUBLE, &spec->rel_acc, path, e));
    H5Dclose(d);
    d = -1;
    for (int y = 0; y < ny; y++)
      mc_stats_series_percentiles_se(st, s, y, nq, spec->pct, buf + (size_t)y * nq);
    MC_CHECK(dset(sg, "percentiles_se", H5T_NATIVE_DOUBLE, 2, dims, buf, &d, path, e));
    H5C(H5DSattach_scale(d, dyear, 0));
    H5C(H5DSattach_scale(d, dpct, 1));
    MC_CHECK(attr_str(d, "units", M->series[s].unit, path, e));
    MC_CHECK(attr_str(d, "method",
                      "order statistics sqrt(p(1-p)n) ranks either side, halved (independent "
                      "samples; an upper estimate for lhs and sobol)",
                      path, e));
    H5Dclose(d);
    d = -1;
    const char *mom[2] = {"mean", "std"};
    for (int j = 0; j < 2; j++) {
      for (int y = 0; y < ny; y++)
        buf[y] = j == 0 ? mc_stats_series_mean(st, s, y) : mc_stats_series_std(st, s, y);
      MC_CHECK(dset1(sg, mom[j], H5T_NATIVE_DOUBLE, ny, buf, &d, path, e));
      H5C(H5DSattach_scale(d, dyear, 0));
      MC_CHECK(attr_str(d, "units", M->series[s].unit, path, e));
      H5Dclose(d);
      d = -1;
    }
    uint64_t *nf = (uint64_t *)buf;
    for (int y = 0; y < ny; y++)
      nf[y] = st->series[s * ny + y].nonfinite;
    MC_CHECK(dset1(sg, "nonfinite", H5T_NATIVE_UINT64, ny, nf, &d, path, e));
    H5C(H5DSattach_scale(d, dyear, 0));
    H5Dclose(d);
    d = -1;
    MC_CHECK(attr_str(sg, "units", M->series[s].unit, path, e));
    MC_CHECK(attr_str(sg, "description", M->series[s].meaning, path, e));
    H5Gclose(sg);
    sg = -1;
  }
  H5Gclose(g);
  g = -1;

  H5ID(g, H5Gcreate2(f, "crossover", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (int c = 0; c < spec->ncross; c++) {
    H5ID(sg, H5Gcreate2(g, spec->cross[c].name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    const uint64_t *yc = st->year_counts + (size_t)c * ny;
    MC_CHECK(dset1(sg, "year_counts", H5T_NATIVE_UINT64, ny, yc, &d, path, e));
    H5C(H5DSattach_scale(d, dyear, 0));
    H5Dclose(d);
    d = -1;
    uint64_t cum = 0;
    for (int y = 0; y < ny; y++) {
      cum += yc[y];
      buf[y] = n ? (double)yc[y] / (double)n : NAN;
      buf[ny + y] = n ? (double)cum / (double)n : NAN;
    }
    MC_CHECK(dset1(sg, "probability", H5T_NATIVE_DOUBLE, ny, buf, &d, path, e));
    H5C(H5DSattach_scale(d, dyear, 0));
    H5Dclose(d);
    d = -1;
    MC_CHECK(dset1(sg, "cumulative", H5T_NATIVE_DOUBLE, ny, buf + ny, &d, path, e));
    H5C(H5DSattach_scale(d, dyear, 0));
    H5Dclose(d);
    d = -1;
    cum = 0;
    for (int y = 0; y < ny; y++) {
      cum += yc[y];
      buf[y] = mc_stats_probability_se(yc[y], n);
      buf[ny + y] = mc_stats_probability_se(cum, n);
    }
    const char *sename[2] = {"probability_se", "cumulative_se"};
    for (int j = 0; j < 2; j++) {
      MC_CHECK(dset1(sg, sename[j], H5T_NATIVE_DOUBLE, ny, buf + (size_t)j * ny, &d, path, e));
      H5C(H5DSattach_scale(d, dyear, 0));
      H5Dclose(d);
      d = -1;
    }
    for (int q = 0; q < nq; q++) {
      double t = mc_stats_time_quantile(st, c, spec->pct[q]);
      buf[q] = isnan(t) ? NAN : spec->base_year + t;
    }
    MC_CHECK(dset1(sg, "time_quantiles", H5T_NATIVE_DOUBLE, nq, buf, &d, path, e));
    H5C(H5DSattach_scale(d, dpct, 0));
    MC_CHECK(attr_str(d, "units", "year", path, e));
    double tacc = 0.5 / MC_TAU_BINS_PER_YEAR;
    MC_CHECK(attr_num(d, "accuracy_years", H5T_NATIVE_DOUBLE, &tacc, path, e));
    H5Dclose(d);
    d = -1;
    MC_CHECK(attr_str(sg, "lhs", M->series[spec->cross[c].lhs].name, path, e));
    MC_CHECK(attr_str(sg, "rhs", M->series[spec->cross[c].rhs].name, path, e));
    MC_CHECK(attr_u64(sg, "never", st->never[c], path, e));
    H5Gclose(sg);
    sg = -1;
  }
  H5Gclose(g);
  g = -1;

  H5ID(g, H5Gcreate2(f, "parameters", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (int p = 0; p < M->nparam; p++) {
    if (!mc_h5_param_recorded(spec, p))
      continue;
    H5ID(sg, H5Gcreate2(g, M->param[p].key, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    for (int q = 0; q < nq; q++)
      buf[q] = mc_stats_param_percentile(st, p, spec->pct[q]);
    MC_CHECK(dset1(sg, "percentiles", H5T_NATIVE_DOUBLE, nq, buf, &d, path, e));
    H5C(H5DSattach_scale(d, dpct, 0));
    MC_CHECK(attr_str(d, "units", M->param[p].unit, path, e));
    H5Dclose(d);
    d = -1;
    char desc[256];
    const mc_dist *dist = spec->configured[p] ? &spec->dist[p] : &spec->dist[M->param[p].follows];
    mc_dist_describe(dist, desc, sizeof desc);
    MC_CHECK(attr_str(sg, "distribution", desc, path, e));
    MC_CHECK(attr_str(sg, "units", M->param[p].unit, path, e));
    H5Gclose(sg);
    sg = -1;
  }
  H5Gclose(g);
  g = -1;

  if (st->nsens)
    MC_CHECK(write_sensitivity(f, spec, st, path, e));

  MC_CHECK(write_state(f, job, st, part, path, e));
  outputs_sum = NULL;
  H5ID(g, H5Gopen2(f, "state", H5P_DEFAULT));
  MC_CHECK(attr_u64(g, "outputs_checksum", osum, path, e));
  if (in_memory)
    MC_CHECK(save_image(f, path, e));
cleanup:
  outputs_sum = NULL;
  if (fapl >= 0)
    H5Pclose(fapl);
  if (d >= 0)
    H5Dclose(d);
  if (sg >= 0)
    H5Gclose(sg);
  if (g >= 0)
    H5Gclose(g);
  if (dyear >= 0)
    H5Dclose(dyear);
  if (dpct >= 0)
    H5Dclose(dpct);
  if (f >= 0 && !in_memory && rc != MC_OK)
    empty_failed_file(path, MPI_COMM_NULL);
  if (f >= 0 && H5Fclose(f) < 0 && rc == MC_OK)
    rc = mc_err_set(e, MC_EFAIL, "%s: closing the file failed (disk full?)", path);
  free(buf);
  free(years);
  return rc;
}

/* ---- reading ------------------------------------------------------------------ */

/* Anything wrong in a file being read is the input's fault (MC_EINPUT, exit
 * 2): HDF5 failures here name the call, the file and HDF5's own reason. */
#define R5C(expr, what)                                                                            \
  do {                                                                                             \
    if ((expr) < 0)                                                                                \
      MC_FAIL(e, MC_EINPUT, "%s: damaged file: %s failed (HDF5: %s)", path, what, h5_reason());    \
  } while (0)
#define R5ID(var, expr, what)                                                                      \
  do {                                                                                             \
    var = (expr);                                                                                  \
    if (var < 0)                                                                                   \
      MC_FAIL(e, MC_EINPUT, "%s: damaged file: %s failed (HDF5: %s)", path, what, h5_reason());    \
  } while (0)

/* Reads a scalar string attribute (variable or fixed length) into a malloc'ed
 * string. */
static int read_attr_str(hid_t obj, const char *name, char **out, const char *path, mc_err *e) {
  int rc = MC_OK;
  hid_t a = -1, ft = -1, mt = -1, sp = -1;
  *out = NULL;
  if (H5Aexists(obj, name) <= 0)
    MC_FAIL(e, MC_EINPUT, "%s: attribute '%s' is missing", path, name);
  R5ID(a, H5Aopen(obj, name, H5P_DEFAULT), "opening an attribute");
  R5ID(ft, H5Aget_type(a), "reading an attribute's type");
  R5ID(sp, H5Aget_space(a), "reading an attribute's shape");
  if (H5Tget_class(ft) != H5T_STRING)
    MC_FAIL(e, MC_EINPUT, "%s: attribute '%s' is not a string", path, name);
  if (H5Sget_simple_extent_npoints(sp) != 1)
    MC_FAIL(e, MC_EINPUT, "%s: attribute '%s' is not a single string", path, name);
  if (H5Tis_variable_str(ft) > 0) {
    char *s = NULL;
    R5ID(mt, H5Tcopy(H5T_C_S1), "H5Tcopy");
    R5C(H5Tset_size(mt, H5T_VARIABLE), "H5Tset_size");
    R5C(H5Tset_cset(mt, H5Tget_cset(ft)), "H5Tset_cset");
    if (H5Aread(a, mt, &s) < 0 || !s)
      MC_FAIL(e, MC_EINPUT, "%s: attribute '%s' cannot be read (damaged file?)", path, name);
    *out = strdup(s);
    H5free_memory(s);
  } else {
    size_t n = H5Tget_size(ft);
    if (n == 0 || n > (1u << 26))
      MC_FAIL(e, MC_EINPUT, "%s: attribute '%s' has a bad size", path, name);
    *out = calloc(n + 1, 1);
    if (!*out)
      MC_FAIL(e, MC_EFAIL, "out of memory reading %s", path);
    if (H5Aread(a, ft, *out) < 0)
      MC_FAIL(e, MC_EINPUT, "%s: attribute '%s' cannot be read (damaged file?)", path, name);
  }
  if (!*out)
    MC_FAIL(e, MC_EFAIL, "out of memory reading %s", path);
cleanup:
  if (rc != MC_OK) {
    free(*out);
    *out = NULL;
  }
  if (sp >= 0)
    H5Sclose(sp);
  if (mt >= 0)
    H5Tclose(mt);
  if (ft >= 0)
    H5Tclose(ft);
  if (a >= 0)
    H5Aclose(a);
  return rc;
}

static int read_attr_num(hid_t obj, const char *name, hid_t memtype, void *out, const char *path,
                         mc_err *e) {
  int rc = MC_OK;
  hid_t a = -1, sp = -1, ft = -1;
  if (H5Aexists(obj, name) <= 0)
    MC_FAIL(e, MC_EINPUT, "%s: attribute '%s' is missing", path, name);
  R5ID(a, H5Aopen(obj, name, H5P_DEFAULT), "opening an attribute");
  R5ID(sp, H5Aget_space(a), "reading an attribute's shape");
  R5ID(ft, H5Aget_type(a), "reading an attribute's type");
  if (H5Sget_simple_extent_npoints(sp) != 1)
    MC_FAIL(e, MC_EINPUT, "%s: attribute '%s' is not a single value", path, name);
  if ((H5Tget_class(ft) != H5T_INTEGER && H5Tget_class(ft) != H5T_FLOAT) ||
      H5Aread(a, memtype, out) < 0)
    MC_FAIL(e, MC_EINPUT, "%s: attribute '%s' is not a number", path, name);
cleanup:
  if (ft >= 0)
    H5Tclose(ft);
  if (sp >= 0)
    H5Sclose(sp);
  if (a >= 0)
    H5Aclose(a);
  return rc;
}

/* Reads dataset state/name (any rank) of exactly count elements of memtype
 * into buf; when buf is NULL, allocates it (*allocated, caller frees) after
 * checking that the file holds that much data. */
static int read_ds(hid_t loc, const char *name, hid_t memtype, hsize_t count, void *buf,
                   void **allocated, const char *path, mc_err *e) {
  int rc = MC_OK;
  hid_t d = -1, sp = -1, ft = -1;
  if (H5Lexists(loc, name, H5P_DEFAULT) <= 0)
    MC_FAIL(e, MC_EINPUT, "%s: dataset state/%s is missing", path, name);
  R5ID(d, H5Dopen2(loc, name, H5P_DEFAULT), "opening a state dataset");
  R5ID(sp, H5Dget_space(d), "reading a state dataset's shape");
  R5ID(ft, H5Dget_type(d), "reading a state dataset's type");
  hssize_t np = H5Sget_simple_extent_npoints(sp);
  if (np < 0 || (hsize_t)np != count)
    MC_FAIL(e, MC_EINPUT, "%s: dataset state/%s holds %lld values, expected %llu (damaged file?)",
            path, name, (long long)np, (unsigned long long)count);
  size_t esize = H5Tget_size(memtype);
  if (H5Tget_class(ft) != H5Tget_class(memtype) || H5Tget_size(ft) != esize)
    MC_FAIL(e, MC_EINPUT, "%s: dataset state/%s has the wrong type (damaged file?)", path, name);
  if (count > 0 && H5Dget_storage_size(d) < count * esize)
    MC_FAIL(e, MC_EINPUT,
            "%s: dataset state/%s holds less data than its shape says (truncated or damaged file)",
            path, name);
  if (!buf) {
    buf = *allocated = malloc(count * esize + 1);
    if (!buf)
      MC_FAIL(e, MC_EFAIL, "out of memory reading %s", path);
  }
  if (count > 0 && H5Dread(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
    MC_FAIL(e, MC_EINPUT, "%s: dataset state/%s cannot be read (damaged file?): HDF5: %s", path,
            name, h5_reason());
cleanup:
  if (ft >= 0)
    H5Tclose(ft);
  if (sp >= 0)
    H5Sclose(sp);
  if (d >= 0)
    H5Dclose(d);
  return rc;
}

#if H5_VERSION_GE(1, 12, 0)
static herr_t visit_object(hid_t o, const char *name, const H5O_info2_t *info, void *data) {
#else
static herr_t visit_object(hid_t o, const char *name, const H5O_info_t *info, void *data) {
#endif
  (void)o, (void)name, (void)info, (void)data;
  return 0;
}

/* Recomputes outputs_checksum while visiting every object of a file. */
typedef struct outputs_walk {
  uint64_t sum;
  int bad;          /* 1: something could not be read */
  char where[1100]; /* object or attribute that failed */
} outputs_walk;

/* Adds the item of attribute name of obj (path objpath). */
static herr_t outputs_walk_attr(hid_t obj, const char *name, const H5A_info_t *ai, void *data) {
  (void)ai;
  outputs_walk *w = data;
  char objpath[1024];
  if (outputs_skip_attr(name))
    return 0;
  if (H5Iget_name(obj, objpath, sizeof objpath) <= 0)
    return -1;
  hid_t a = -1, ft = -1, sp = -1, mt = -1;
  void *buf = NULL;
  int ok = 0;
  snprintf(w->where, sizeof w->where, "attribute %s of %s", name, objpath);
  if ((a = H5Aopen(obj, name, H5P_DEFAULT)) < 0 || (ft = H5Aget_type(a)) < 0 ||
      (sp = H5Aget_space(a)) < 0)
    goto done;
  hssize_t np = H5Sget_simple_extent_npoints(sp);
  H5T_class_t cls = H5Tget_class(ft);
  if (np != 1 && cls == H5T_STRING)
    goto done;
  if (cls == H5T_STRING) {
    mc_err e = {0};
    char *str = NULL;
    if (read_attr_str(obj, name, &str, objpath, &e) != MC_OK)
      goto done;
    w->sum += outputs_item(objpath, name, H5T_STRING, 0, 0, str, strlen(str));
    free(str);
    ok = 1;
  } else if (cls == H5T_INTEGER || cls == H5T_FLOAT) {
    size_t size = H5Tget_size(ft);
    if (np < 0 || size == 0 || (size_t)np > (1u << 20) / size)
      goto done;
    if ((mt = H5Tget_native_type(ft, H5T_DIR_DEFAULT)) < 0 || H5Tget_size(mt) != size ||
        !(buf = malloc((size_t)np * size + 1)) || H5Aread(a, mt, buf) < 0)
      goto done;
    int sign = cls == H5T_INTEGER ? (int)H5Tget_sign(ft) : 0;
    w->sum += outputs_item(objpath, name, cls, size, sign, buf, (size_t)np * size);
    ok = 1;
  }
done:
  free(buf);
  if (mt >= 0)
    H5Tclose(mt);
  if (sp >= 0)
    H5Sclose(sp);
  if (ft >= 0)
    H5Tclose(ft);
  if (a >= 0)
    H5Aclose(a);
  if (!ok) {
    w->bad = 1;
    return -1;
  }
  return 0;
}

/* Adds the items of the object at name (relative to the file's root). */
#if H5_VERSION_GE(1, 12, 0)
static herr_t outputs_walk_object(hid_t f, const char *name, const H5O_info2_t *info, void *data) {
#else
static herr_t outputs_walk_object(hid_t f, const char *name, const H5O_info_t *info, void *data) {
#endif
  outputs_walk *w = data;
  char objpath[1024];
  snprintf(objpath, sizeof objpath, "%s%s", name[0] == '.' && !name[1] ? "" : "/",
           name[0] == '.' && !name[1] ? "/" : name);
  if (outputs_skip_object(objpath))
    return 0;
  snprintf(w->where, sizeof w->where, "%s", objpath);
  hid_t o = H5Oopen(f, name, H5P_DEFAULT), ft = -1, sp = -1, mt = -1;
  void *buf = NULL;
  int ok = 0;
  if (o < 0)
    goto done;
  if (info->type == H5O_TYPE_DATASET) {
    if ((ft = H5Dget_type(o)) < 0 || (sp = H5Dget_space(o)) < 0)
      goto done;
    H5T_class_t cls = H5Tget_class(ft);
    size_t size = H5Tget_size(ft);
    hssize_t np = H5Sget_simple_extent_npoints(sp);
    if (cls == H5T_STRING && H5Tis_variable_str(ft) > 0 && np >= 0 && np <= 4096) {
      /* as dset_strings wrote it: the strings with their NULs, concatenated */
      char **str = calloc((size_t)np + 1, sizeof *str);
      if (!str || (mt = H5Tcopy(ft)) < 0 ||
          (np > 0 && H5Dread(o, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, str) < 0)) {
        free(str);
        goto done;
      }
      size_t len = 0;
      int okstr = 1;
      for (hssize_t i = 0; i < np; i++)
        if (str[i] && strlen(str[i]) < 4096)
          len += strlen(str[i]) + 1;
        else
          okstr = 0;
      char *cat = okstr ? malloc(len + 1) : NULL;
      if (cat) {
        size_t at = 0;
        for (hssize_t i = 0; i < np; i++) {
          memcpy(cat + at, str[i], strlen(str[i]) + 1);
          at += strlen(str[i]) + 1;
        }
        w->sum += outputs_item(objpath, "", H5T_STRING, 0, 0, cat, len);
      }
      for (hssize_t i = 0; i < np; i++)
        H5free_memory(str[i]);
      free(str);
      int read_ok = cat != NULL;
      free(cat);
      if (!read_ok)
        goto done;
    } else {
      if ((cls != H5T_INTEGER && cls != H5T_FLOAT) || size == 0 || np < 0 ||
          (hsize_t)np > ((hsize_t)1 << 40) / size || H5Dget_storage_size(o) < (hsize_t)np * size)
        goto done;
      if ((mt = H5Tget_native_type(ft, H5T_DIR_DEFAULT)) < 0 || H5Tget_size(mt) != size ||
          !(buf = malloc((size_t)np * size + 1)))
        goto done;
      if (np > 0 && H5Dread(o, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        goto done;
      int sign = cls == H5T_INTEGER ? (int)H5Tget_sign(ft) : 0;
      w->sum += outputs_item(objpath, "", cls, size, sign, buf, (size_t)np * size);
    }
  }
  if (H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_INC, NULL, outputs_walk_attr, w) < 0)
    goto done;
  ok = 1;
done:
  free(buf);
  if (mt >= 0)
    H5Tclose(mt);
  if (sp >= 0)
    H5Sclose(sp);
  if (ft >= 0)
    H5Tclose(ft);
  if (o >= 0)
    H5Oclose(o);
  if (!ok) {
    w->bad = 1;
    return -1;
  }
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
            h5_reason());
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
            h5_reason());
cleanup:
  return rc;
}

static int read_results(const char *path, mc_job *job, mc_stats **out, mc_h5_meta *meta,
                        mc_err *e) {
  int rc = MC_OK;
  hid_t f = -1, g = -1;
  char *fmt = NULL, *config = NULL, *part = NULL, *created = NULL;
  mc_stats *st = NULL;
  int64_t *lohi = NULL, *xs = NULL;
  uint64_t *zn = NULL, *counts = NULL, *year_counts = NULL, *never = NULL, *tau_hist = NULL;
  uint8_t *done = NULL;
  double *shift = NULL;
  int job_loaded = 0;
  state_ext ext;
  memset(&ext, 0, sizeof ext);
  *out = NULL;
  quiet_hdf5();
  MC_CHECK(open_results(path, &f, e));
  if (H5Aexists(f, "format") <= 0 || read_attr_str(f, "format", &fmt, path, e) != MC_OK ||
      strcmp(fmt, MC_FORMAT) != 0) {
    mc_err_clear(e);
    MC_FAIL(e, MC_EINPUT, "%s: not a Crossover results file (root attribute format is not '%s')",
            path, MC_FORMAT);
  }
  int version = 0;
  MC_CHECK(read_attr_num(f, "format_version", H5T_NATIVE_INT, &version, path, e));
  if (version > MC_FORMAT_VERSION)
    MC_FAIL(e, MC_EINPUT,
            "%s: written in results format version %d by a newer Crossover; this one (%s) reads "
            "version %d: upgrade crossover",
            path, version, MC_ENGINE_VERSION, MC_FORMAT_VERSION);
  if (version < 1)
    MC_FAIL(e, MC_EINPUT, "%s: bad format_version %d", path, version);
  if (H5Lexists(f, "state", H5P_DEFAULT) <= 0)
    MC_FAIL(e, MC_EINPUT, "%s: has no state group: cannot be merged or resumed", path);
  R5ID(g, H5Gopen2(f, "state", H5P_DEFAULT), "opening the state group");
  int eformat = 0, block = 0, taubins = 0, mbits = 0, chunks = 0;
  uint64_t nblocks = 0, jsamples = 0, digest = 0, checksum = 0;
  MC_CHECK(read_attr_num(g, "engine_format", H5T_NATIVE_INT, &eformat, path, e));
  if (eformat != MC_ENGINE_FORMAT)
    MC_FAIL(e, MC_EINPUT, "%s: engine state format %d, this crossover uses %d: %s", path, eformat,
            MC_ENGINE_FORMAT,
            eformat > MC_ENGINE_FORMAT ? "upgrade crossover" : "rerun the job with this version");
  MC_CHECK(read_attr_str(f, "config", &config, path, e));
  MC_CHECK(read_attr_str(f, "part", &part, path, e));
  MC_CHECK(read_attr_str(f, "created", &created, path, e));
  {
    char name[1100];
    snprintf(name, sizeof name, "%s (config attribute)", path);
    rc = mc_job_load_string(config, name, job, e);
    if (rc == MC_EFAIL && !strstr(e->msg, "out of memory"))
      rc = e->status = MC_EINPUT;
    if (rc != MC_OK)
      goto cleanup;
    job_loaded = 1;
  }
  MC_CHECK(read_attr_num(g, "checksum", H5T_NATIVE_UINT64, &checksum, path, e));
  MC_CHECK(read_attr_num(g, "block_size", H5T_NATIVE_INT, &block, path, e));
  MC_CHECK(read_attr_num(g, "tau_bins_per_year", H5T_NATIVE_INT, &taubins, path, e));
  MC_CHECK(read_attr_num(g, "mbits", H5T_NATIVE_INT, &mbits, path, e));
  MC_CHECK(read_attr_num(g, "xsum_chunks", H5T_NATIVE_INT, &chunks, path, e));
  MC_CHECK(read_attr_num(g, "nblocks", H5T_NATIVE_UINT64, &nblocks, path, e));
  MC_CHECK(read_attr_num(g, "job_samples", H5T_NATIVE_UINT64, &jsamples, path, e));
  MC_CHECK(read_attr_num(g, "spec_digest", H5T_NATIVE_UINT64, &digest, path, e));
  const mc_spec *spec = &job->spec;
  uint64_t want_blocks = spec->samples / MC_BLOCK + (spec->samples % MC_BLOCK != 0);
  if (block != MC_BLOCK || taubins != MC_TAU_BINS_PER_YEAR || chunks != MC_XSUM_CHUNKS ||
      mbits != mc_sketch_mbits(spec->rel_acc) || nblocks != want_blocks ||
      jsamples != spec->samples)
    MC_FAIL(e, MC_EINPUT,
            "%s: the state's layout (block %d, bins %d, sketch bits %d, %llu blocks) "
            "does not match its config (damaged file?)",
            path, block, taubins, mbits, (unsigned long long)nblocks);
  if (digest != mc_spec_digest(spec))
    MC_FAIL(e, MC_EINPUT,
            "%s: the state does not belong to the job in its config attribute "
            "(damaged or edited file)",
            path);

  /* Every dataset is checked against the file's size before its buffer is
   * allocated, so a damaged shape cannot ask for more memory than the file
   * holds data. */
  int ny = mc_spec_nyears(spec), nser = spec->model->nseries * ny, nsk = nser + spec->model->nparam;
  int ncross = spec->ncross;
  int64_t ntau = (int64_t)(ny - 1) * MC_TAU_BINS_PER_YEAR + 1;
  hsize_t ndone = (nblocks + 7) / 8;
  MC_CHECK(read_ds(g, "done", H5T_NATIVE_UINT8, ndone, NULL, (void **)&done, path, e));
  MC_CHECK(read_ds(g, "sketch_ranges", H5T_NATIVE_INT64, (hsize_t)4 * nsk, NULL, (void **)&lohi,
                   path, e));
  MC_CHECK(read_ds(g, "sketch_zero_nonfinite", H5T_NATIVE_UINT64, (hsize_t)2 * nsk, NULL,
                   (void **)&zn, path, e));
  /* Bucket indices of finite positive values: [0, 0x7ff << mbits). */
  int64_t idx_end = (int64_t)(0x7ffull << mbits);
  size_t total = 0;
  for (int k = 0; k < nsk; k++) {
    for (int j = 0; j < 2; j++) {
      int64_t lo = lohi[4 * k + 2 * j], len = lohi[4 * k + 2 * j + 1];
      if (len < 0 || len > idx_end || (len > 0 && (lo < 0 || lo > idx_end - len)))
        MC_FAIL(e, MC_EINPUT, "%s: state/sketch_ranges holds impossible values (damaged file?)",
                path);
      total += (size_t)len;
    }
  }
  MC_CHECK(read_ds(g, "sketch_counts", H5T_NATIVE_UINT64, total, NULL, (void **)&counts, path, e));
  MC_CHECK(read_ds(g, "xsum", H5T_NATIVE_INT64, (hsize_t)2 * nser * MC_XSUM_PACKED, NULL,
                   (void **)&xs, path, e));
  MC_CHECK(read_ds(g, "shift", H5T_NATIVE_DOUBLE, nser, NULL, (void **)&shift, path, e));
  MC_CHECK(read_ds(g, "year_counts", H5T_NATIVE_UINT64, (hsize_t)ncross * ny, NULL,
                   (void **)&year_counts, path, e));
  MC_CHECK(read_ds(g, "never", H5T_NATIVE_UINT64, ncross, NULL, (void **)&never, path, e));
  MC_CHECK(read_ds(g, "tau_hist", H5T_NATIVE_UINT64, (hsize_t)ncross * ntau, NULL,
                   (void **)&tau_hist, path, e));
  MC_CHECK(ext_read(g, spec, &ext, path, e));
  state_faults faults;
  MC_CHECK(faults_read(g, spec->model->nparam, &faults, path, e));
  {
    state_image im = {config,
                      part,
                      version,
                      eformat,
                      block,
                      taubins,
                      mbits,
                      chunks,
                      nblocks,
                      jsamples,
                      digest,
                      done,
                      lohi,
                      zn,
                      counts,
                      xs,
                      shift,
                      year_counts,
                      never,
                      tau_hist,
                      ndone,
                      (size_t)nsk,
                      total,
                      (size_t)nser,
                      (size_t)ncross * ny,
                      (size_t)ncross,
                      (size_t)ncross * ntau};
    if (CHECKSUMS_REFUSE &&
        faults_checksum(ext_checksum(state_checksum(&im), &ext), &faults) != checksum)
      MC_FAIL(e, MC_EINPUT,
              "%s: the state's checksum does not match its contents: the file is damaged "
              "(changed after it was written)",
              path);
  }
  {
    uint64_t want = 0;
    MC_CHECK(read_attr_num(g, "outputs_checksum", H5T_NATIVE_UINT64, &want, path, e));
    outputs_walk w = {0};
#if H5_VERSION_GE(1, 12, 0)
    herr_t vr = H5Ovisit3(f, H5_INDEX_NAME, H5_ITER_INC, outputs_walk_object, &w, H5O_INFO_BASIC);
#else
    herr_t vr = H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, outputs_walk_object, &w, H5O_INFO_BASIC);
#endif
    if (vr < 0 || w.bad)
      MC_FAIL(e, MC_EINPUT, "%s: damaged file: %s cannot be read%s%s%s", path,
              w.where[0] ? w.where : "an object", h5_reason()[0] ? " (HDF5: " : "", h5_reason(),
              h5_reason()[0] ? ")" : "");
    if (CHECKSUMS_REFUSE && w.sum != want)
      MC_FAIL(e, MC_EINPUT,
              "%s: the checksum of its datasets and attributes does not match them: the file is "
              "damaged (changed after it was written)",
              path);
  }

  /* The bytes are as written; now unpack them into a state. */
  MC_CHECK(mc_stats_alloc(spec, &st, e));
  memcpy(st->done, done, ndone);
  /* The file's moment shifts, not this build's: the sums are relative to them
   * (the checksum vouches for them). Merge and resume refuse states whose
   * shifts differ (mc_stats_merge, crossover run --resume). */
  memcpy(st->shift, shift, sizeof *shift * nser);
  size_t at = 0;
  for (int k = 0; k < nsk; k++) {
    mc_sketch *s = sketch_at(st, k);
    mc_store *stores[2] = {&s->pos, &s->neg};
    for (int j = 0; j < 2; j++) {
      int64_t lo = lohi[4 * k + 2 * j], len = lohi[4 * k + 2 * j + 1];
      if (len == 0)
        continue;
      MC_CHECK(mc_store_cover(stores[j], lo, lo + len - 1, e));
      memcpy(stores[j]->counts + (lo - stores[j]->lo), counts + at, sizeof *counts * len);
      at += (size_t)len;
    }
    s->zero = zn[2 * k];
    s->nonfinite = zn[2 * k + 1];
  }
  for (int k = 0; k < 2 * nser; k++) {
    mc_xsum_unpack(xs + (size_t)k * MC_XSUM_PACKED, k < nser ? &st->sum1[k] : &st->sum2[k - nser]);
  }
  memcpy(st->year_counts, year_counts, sizeof *year_counts * ncross * ny);
  memcpy(st->never, never, sizeof *never * ncross);
  memcpy(st->tau_hist, tau_hist, sizeof *tau_hist * ncross * ntau);
  MC_CHECK(ext_unpack(st, &ext, path, e));
  MC_CHECK(faults_unpack(st, &faults, mc_stats_done_samples(st), path, e));

  /* Consistency: every done sample is counted once in each statistic. */
  {
    uint64_t n = mc_stats_done_samples(st);
    for (int k = 0; k < nsk; k++) {
      int s = k < nser ? k / ny : -1, p = k < nser ? -1 : k - nser;
      if (s >= 0 ? !mc_spec_has_series(spec, s) : !mc_h5_param_recorded(spec, p))
        continue;
      const mc_sketch *sk = sketch_at(st, k);
      if (mc_sketch_count(sk) + sk->nonfinite != n)
        MC_FAIL(e, MC_EINPUT,
                "%s: state counts %llu values of %s%s%d but %llu samples are done (damaged "
                "file?)",
                path, (unsigned long long)(mc_sketch_count(sk) + sk->nonfinite),
                s >= 0 ? spec->model->series[s].name : spec->model->param[p].key,
                s >= 0 ? " in " : "", s >= 0 ? spec->base_year + k % ny : 0, (unsigned long long)n);
    }
    /* A sample may cross between grid years only (finite crossing time, no
     * crossover year), so the histogram holds at most n. */
    for (int c = 0; c < ncross; c++) {
      uint64_t sum = st->never[c], hsum = 0;
      for (int y = 0; y < ny; y++)
        sum += st->year_counts[(size_t)c * ny + y];
      for (int64_t b = 0; b < ntau; b++)
        hsum += st->tau_hist[(size_t)c * ntau + b];
      if (sum != n || hsum > n)
        MC_FAIL(e, MC_EINPUT,
                "%s: crossover %s counts %llu samples (%llu crossing times) but %llu are done "
                "(damaged file?)",
                path, spec->cross[c].name, (unsigned long long)sum, (unsigned long long)hsum,
                (unsigned long long)n);
    }
  }
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
  if (g >= 0)
    H5Gclose(g);
  if (f >= 0)
    H5Fclose(f);
  free(fmt);
  free(config);
  free(part);
  free(created);
  free(done);
  free(lohi);
  free(zn);
  free(counts);
  free(xs);
  free(shift);
  free(year_counts);
  free(never);
  free(tau_hist);
  ext_free(&ext);
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
      return mc_err_set(e, MC_EINPUT, "%s", ce.msg);
    return mc_err_set(e, MC_EINPUT, "%s: damaged file: reading it failed: %s", path, ce.msg);
  }
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
    return mc_err_set(e, MC_EINPUT,
                      "%s: damaged file: reading it did not finish in %u s (the HDF5 library "
                      "loops on some damaged files); expected a Crossover results file",
                      path, seconds);
  if (WIFSIGNALED(status))
    return mc_err_set(e, MC_EINPUT,
                      "%s: damaged file: reading it crashed the HDF5 library (signal %d); "
                      "expected a Crossover results file",
                      path, WTERMSIG(status));
  return mc_err_set(e, MC_EINPUT,
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

/* ---- per-sample output ---------------------------------------------------------- */

struct mc_h5_samples {
  char path[1024];
  MPI_Comm comm;
  int failed; /* a write failed on this rank */
  hid_t file;
  int nds;
  int npar;
  hid_t ds[MC_MAXPARAM + MC_MAXCROSS];
  int src[MC_MAXPARAM + MC_MAXCROSS]; /* parameter id, or npar + crossover */
};

int mc_h5_samples_open(const char *path, const mc_job *job, MPI_Comm comm, mc_h5_samples **out,
                       mc_err *e) {
  int rc = MC_OK;
  hid_t fapl = -1, g = -1, sp = -1;
  quiet_hdf5();
  mc_h5_samples *h = calloc(1, sizeof *h);
  if (!h)
    return mc_err_set(e, MC_EFAIL, "out of memory");
  snprintf(h->path, sizeof h->path, "%s", path);
  h->comm = comm;
  h->file = -1;
  H5ID(fapl, H5Pcreate(H5P_FILE_ACCESS));
  H5C(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL));
  H5ID(h->file, H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
  H5ID(g, H5Gcreate2(h->file, "samples", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  hsize_t n = job->spec.samples;
  H5ID(sp, H5Screate_simple(1, &n, NULL));
  const mc_model_type *M = job->spec.model;
  h->npar = M->nparam;
  for (int p = 0; p < M->nparam + job->spec.ncross; p++) {
    char name[128];
    if (p < M->nparam) {
      if (!mc_h5_param_recorded(&job->spec, p))
        continue;
      snprintf(name, sizeof name, "%s", M->param[p].key);
    } else {
      snprintf(name, sizeof name, "crossover.%s", job->spec.cross[p - M->nparam].name);
    }
    H5ID(h->ds[h->nds],
         H5Dcreate2(g, name, H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    const char *units = p < M->nparam ? M->param[p].unit : "year";
    MC_CHECK(attr_str(h->ds[h->nds], "units", units, path, e));
    h->src[h->nds++] = p;
  }
  *out = h;
  h = NULL;
cleanup:
  if (sp >= 0)
    H5Sclose(sp);
  if (g >= 0)
    H5Gclose(g);
  if (fapl >= 0)
    H5Pclose(fapl);
  if (h) {
    mc_err tmp = {0};
    mc_h5_samples_close(h, &tmp);
  }
  return rc;
}

int mc_h5_samples_write(void *ctx, uint64_t first, int n, const double *const *in,
                        const double *const *tau, mc_err *e) {
  mc_h5_samples *h = ctx;
  const char *path = h->path;
  int rc = MC_OK;
  hid_t mem = -1, fs = -1;
  hsize_t cnt = (hsize_t)n, off = first;
  H5ID(mem, H5Screate_simple(1, &cnt, NULL));
  for (int i = 0; i < h->nds; i++) {
    const double *src = h->src[i] < h->npar ? in[h->src[i]] : tau[h->src[i] - h->npar];
    H5ID(fs, H5Dget_space(h->ds[i]));
    H5C(H5Sselect_hyperslab(fs, H5S_SELECT_SET, &off, NULL, &cnt, NULL));
    H5C(H5Dwrite(h->ds[i], H5T_NATIVE_DOUBLE, mem, fs, H5P_DEFAULT, src));
    H5Sclose(fs);
    fs = -1;
  }
cleanup:
  if (rc != MC_OK)
    h->failed = 1;
  if (fs >= 0)
    H5Sclose(fs);
  if (mem >= 0)
    H5Sclose(mem);
  return rc;
}

int mc_h5_samples_close(mc_h5_samples *h, mc_err *e) {
  if (!h)
    return MC_OK;
  int rc = MC_OK;
  const char *path = h->path;
  for (int i = 0; i < h->nds; i++)
    if (h->ds[i] >= 0)
      H5Dclose(h->ds[i]);
  if (h->file >= 0) {
    int bad = h->failed;
    MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, h->comm);
    if (bad) {
      empty_failed_file(path, h->comm);
      rc = mc_err_set(e, MC_EFAIL, "%s: writing the per-sample output failed (disk full?)", path);
    }
    if (H5Fclose(h->file) < 0 && rc == MC_OK)
      rc = mc_err_set(e, MC_EFAIL, "%s: closing the per-sample output failed (disk full?)", path);
  }
  free(h);
  return rc;
}

int mc_h5_annotate(const char *path, const char *name, const char *value, mc_err *e) {
  int rc = MC_OK;
  hid_t f = -1, g = -1, fapl = -1;
  uint64_t sum = 0;
  char *old = NULL;
  quiet_hdf5();
  H5ID(fapl, memory_fapl());
  H5ID(f, H5Fopen(path, H5F_ACC_RDWR, fapl));
  H5ID(g, H5Gopen2(f, "state", H5P_DEFAULT));
  MC_CHECK(read_attr_num(g, "outputs_checksum", H5T_NATIVE_UINT64, &sum, path, e));
  if (H5Aexists(f, name) > 0) {
    MC_CHECK(read_attr_str(f, name, &old, path, e));
    sum -= outputs_item("/", name, H5T_STRING, 0, 0, old, strlen(old));
    H5C(H5Adelete(f, name));
  }
  outputs_sum = &sum;
  rc = attr_str(f, name, value, path, e);
  outputs_sum = NULL;
  if (rc != MC_OK)
    goto cleanup;
  H5C(H5Adelete(g, "outputs_checksum"));
  MC_CHECK(attr_u64(g, "outputs_checksum", sum, path, e));
  MC_CHECK(save_image(f, path, e));
cleanup:
  if (fapl >= 0)
    H5Pclose(fapl);
  free(old);
  if (g >= 0)
    H5Gclose(g);
  if (f >= 0 && H5Fclose(f) < 0 && rc == MC_OK)
    rc = mc_err_set(e, MC_EFAIL, "%s: closing the file failed", path);
  return rc;
}
