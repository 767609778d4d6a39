/* What the results file's writers and readers share: see mc_h5_util.h. */
#include "mc_h5_util.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5_hl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char h5_reason_buf[256];

static herr_t h5_reason_walk(unsigned n, const H5E_error2_t *err, void *data) {
  (void)data;
  if (n == 0 && err->desc)
    snprintf(h5_reason_buf, sizeof h5_reason_buf, "%s", err->desc);
  return 0;
}

/* The most specific message on HDF5's error stack, or "". */
const char *mc_h5_reason(void) {
  h5_reason_buf[0] = '\0';
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, h5_reason_walk, NULL);
  return h5_reason_buf;
}

void mc_h5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

void mc_h5_close(int n, ...) {
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++) {
    hid_t id = va_arg(ap, hid_t);
    if (id < 0)
      continue;
    switch (H5Iget_type(id)) {
    case H5I_FILE:
      H5Fclose(id);
      break;
    case H5I_GROUP:
      H5Gclose(id);
      break;
    case H5I_DATASET:
      H5Dclose(id);
      break;
    case H5I_ATTR:
      H5Aclose(id);
      break;
    case H5I_DATATYPE:
      H5Tclose(id);
      break;
    case H5I_DATASPACE:
      H5Sclose(id);
      break;
    case H5I_GENPROP_LST:
      H5Pclose(id);
      break;
    default:
      H5Idec_ref(id);
    }
  }
  va_end(ap);
}

/* ---- the outputs checksum ---------------------------------------------------- */

int mc_h5_outputs_skip_object(const char *obj) {
  return !strcmp(obj, "/state") || !strncmp(obj, "/state/", 7) || !strcmp(obj, "/samples") ||
         !strncmp(obj, "/samples/", 9);
}

int mc_h5_outputs_skip_attr(const char *obj, const char *name) {
  static const char *const skip[] = {"CLASS",          "NAME",     "REFERENCE_LIST",
                                     "DIMENSION_LIST", "checksum", "outputs_checksum",
                                     "created"};
  for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
    if (!strcmp(name, skip[i]))
      return 1;
  return !strcmp(obj, "/") && !strcmp(name, "model");
}

uint64_t mc_h5_outputs_item(const char *obj, const char *attr, int cls, size_t size, int sign,
                            const void *data, size_t nbytes) {
  mc_hash h;
  int64_t t[3] = {cls, (int64_t)size, sign};
  mc_hash_init(&h);
  mc_hash_str(&h, obj);
  mc_hash_str(&h, attr);
  mc_hash_piece(&h, t, sizeof t);
  mc_hash_piece(&h, data, nbytes);
  return mc_hash_value(&h);
}

/* Adds an item written to obj, unless outside outputs_checksum. */
static void outputs_add(mc_h5w *w, hid_t obj, const char *attr, hid_t type, const void *data,
                        size_t nbytes) {
  char name[1024];
  if (!w->summing || H5Iget_name(obj, name, sizeof name) <= 0 || mc_h5_outputs_skip_object(name) ||
      (attr && mc_h5_outputs_skip_attr(name, attr)))
    return;
  H5T_class_t cls = H5Tget_class(type);
  int sign = cls == H5T_INTEGER ? (int)H5Tget_sign(type) : 0;
  size_t size = cls == H5T_STRING ? 0 : H5Tget_size(type);
  w->sum += mc_h5_outputs_item(name, attr ? attr : "", (int)cls, size, sign, data, nbytes);
}

/* ---- writing ------------------------------------------------------------------ */

int mc_h5w_attr_str(mc_h5w *w, hid_t obj, const char *name, const char *val, mc_err *e) {
  int rc = MC_OK;
  const char *path = w->path;
  hid_t t = -1, sp = -1, a = -1;
  H5ID(t, H5Tcopy(H5T_C_S1));
  H5C(H5Tset_size(t, H5T_VARIABLE));
  H5C(H5Tset_cset(t, H5T_CSET_UTF8));
  H5ID(sp, H5Screate(H5S_SCALAR));
  H5ID(a, H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT));
  H5C(H5Awrite(a, t, &val));
  outputs_add(w, obj, name, t, val, strlen(val));
cleanup:
  mc_h5_close(3, a, sp, t);
  return rc;
}

int mc_h5w_attr_num(mc_h5w *w, hid_t obj, const char *name, hid_t type, const void *val,
                    mc_err *e) {
  int rc = MC_OK;
  const char *path = w->path;
  hid_t sp = -1, a = -1;
  H5ID(sp, H5Screate(H5S_SCALAR));
  H5ID(a, H5Acreate2(obj, name, type, sp, H5P_DEFAULT, H5P_DEFAULT));
  H5C(H5Awrite(a, type, val));
  outputs_add(w, obj, name, type, val, H5Tget_size(type));
cleanup:
  mc_h5_close(2, a, sp);
  return rc;
}

int mc_h5w_attr_u64(mc_h5w *w, hid_t obj, const char *name, uint64_t v, mc_err *e) {
  return mc_h5w_attr_num(w, obj, name, H5T_NATIVE_UINT64, &v, e);
}
int mc_h5w_attr_i32(mc_h5w *w, hid_t obj, const char *name, int v, mc_err *e) {
  return mc_h5w_attr_num(w, obj, name, H5T_NATIVE_INT, &v, e);
}

/* The creation properties of a dataset of rank dims and element size esize
 * (mc_h5w_dset): chunked when empty or compressed, else the default. */
static int dset_create_plist(const mc_h5w *w, int rank, const hsize_t *dims, size_t esize,
                             hid_t *out, mc_err *e) {
  int rc = MC_OK;
  const char *path = w->path;
  hid_t dcpl = -1;
  hsize_t nbytes = esize, chunk[2];
  for (int i = 0; i < rank; i++)
    nbytes *= dims[i];
  H5ID(dcpl, H5Pcreate(H5P_DATASET_CREATE));
  if (nbytes == 0) {
    for (int i = 0; i < rank; i++)
      chunk[i] = dims[i] ? dims[i] : 1;
    H5C(H5Pset_chunk(dcpl, rank, chunk));
  } else if (w->deflate && nbytes >= MC_H5_DEFLATE_MIN) {
    hsize_t row = nbytes / dims[0], rows = ((hsize_t)1 << 20) / row;
    chunk[0] = rows < 1 ? 1 : rows > dims[0] ? dims[0] : rows;
    if (rank > 1)
      chunk[1] = dims[1];
    H5C(H5Pset_chunk(dcpl, rank, chunk));
    H5C(H5Pset_shuffle(dcpl));
    H5C(H5Pset_deflate(dcpl, MC_H5_DEFLATE_LEVEL));
  }
  *out = dcpl;
  dcpl = -1;
cleanup:
  if (dcpl >= 0)
    H5Pclose(dcpl);
  return rc;
}

int mc_h5w_dset(mc_h5w *w, hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
                const void *data, hid_t *out, mc_err *e) {
  int rc = MC_OK;
  const char *path = w->path;
  hid_t sp = -1, d = -1, dcpl = -1;
  int empty = 0;
  hsize_t maxdims[2];
  for (int i = 0; i < rank; i++) {
    empty |= dims[i] == 0;
    maxdims[i] = dims[i];
  }
  for (int i = 0; empty && i < rank; i++)
    maxdims[i] = H5S_UNLIMITED;
  size_t nbytes = H5Tget_size(type);
  for (int i = 0; i < rank; i++)
    nbytes *= (size_t)dims[i];
  MC_CHECK(dset_create_plist(w, rank, dims, H5Tget_size(type), &dcpl, e));
  H5ID(sp, H5Screate_simple(rank, dims, maxdims));
  H5ID(d, H5Dcreate2(loc, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT));
  if (!empty)
    H5C(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
  outputs_add(w, d, NULL, type, data, empty ? 0 : nbytes);
cleanup:
  mc_h5_close(2, sp, dcpl);
  if (rc == MC_OK && out)
    *out = d;
  else if (d >= 0)
    H5Dclose(d);
  return rc;
}

int mc_h5w_dset1(mc_h5w *w, hid_t loc, const char *name, hid_t type, hsize_t n, const void *data,
                 hid_t *out, mc_err *e) {
  return mc_h5w_dset(w, loc, name, type, 1, &n, data, out, e);
}

int mc_h5w_strings(mc_h5w *w, hid_t loc, const char *name, const char *const *str, int n,
                   hid_t *out, mc_err *e) {
  int rc = MC_OK;
  const char *path = w->path;
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
  outputs_add(w, d, NULL, t, cat, len);
cleanup:
  free(cat);
  mc_h5_close(2, sp, t);
  if (rc == MC_OK && out)
    *out = d;
  else if (d >= 0)
    H5Dclose(d);
  return rc;
}

void mc_h5_empty_failed_file(const char *path, MPI_Comm comm) {
  int rank = 0;
  if (comm != MPI_COMM_NULL)
    MPI_Comm_rank(comm, &rank);
  if (rank == 0 && truncate(path, 0) != 0) {
    /* nothing more to do: the close reports the failure */
  }
  if (comm != MPI_COMM_NULL)
    MPI_Barrier(comm);
}

int mc_h5_save_image(hid_t f, const char *path, mc_err *e) {
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

hid_t mc_h5_memory_fapl(void) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl >= 0 && H5Pset_fapl_core(fapl, (size_t)1 << 20, 0) < 0) {
    H5Pclose(fapl);
    fapl = -1;
  }
  return fapl;
}

const char *mc_h5_udunits(const char *unit) {
  static const char *const table[][2] = {
      {"1", "1"},
      {"percent", "percent"},
      {"x/yr", "1"},
      {"yr", "yr"},
      {"1/yr", "yr-1"},
      {"GW", "GW"},
      {"GW/yr", "GW yr-1"},
      {"TWh/yr", "TW h yr-1"},
      {"FLOP/yr", "yr-1"},
      {"FLOP/s", "s-1"},
      {"FLOP/J", "J-1"},
      {"FLOP/s per yr", "s-1 yr-1"},
      {"FLOP/s per $", "s-1"},
      {"$/yr", "yr-1"},
      {"$/MWh", "MW-1 h-1"},
  };
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (!strcmp(unit, table[i][0]))
      return table[i][1];
  return NULL;
}

int mc_h5w_cf(mc_h5w *w, hid_t obj, const char *long_name, const char *unit, mc_err *e) {
  int rc = MC_OK;
  MC_CHECK(mc_h5w_attr_str(w, obj, "long_name", long_name, e));
  if (unit) {
    const char *u = mc_h5_udunits(unit);
    if (!u)
      MC_FAIL(e, MC_EFAIL,
              "%s: the unit '%s' has no UDUNITS spelling: add it to mc_h5_udunits "
              "(io/mc_h5_util.c)",
              w->path, unit);
    MC_CHECK(mc_h5w_attr_str(w, obj, "units", u, e));
    if (strcmp(u, unit) != 0)
      MC_CHECK(mc_h5w_attr_str(w, obj, "display_units", unit, e));
  }
cleanup:
  return rc;
}

int mc_h5w_years(mc_h5w *w, hid_t loc, const char *name, hid_t type, hsize_t ny, hsize_t nq,
                 hid_t q, const void *data, const char *long_name, const char *unit, hid_t *out,
                 mc_err *e) {
  int rc = MC_OK;
  const char *path = w->path;
  hid_t d = -1;
  hsize_t dims[2] = {ny, nq};
  MC_CHECK(mc_h5w_dset(w, loc, name, type, q >= 0 ? 2 : 1, dims, data, &d, e));
  H5C(H5DSattach_scale(d, w->year, 0));
  if (q >= 0)
    H5C(H5DSattach_scale(d, q, 1));
  MC_CHECK(mc_h5w_cf(w, d, long_name, unit, e));
cleanup:
  if (rc == MC_OK && out)
    *out = d;
  else if (d >= 0)
    H5Dclose(d);
  return rc;
}

int mc_h5w_group_ordered(mc_h5w *w, hid_t loc, const char *name, hid_t *out, mc_err *e) {
  int rc = MC_OK;
  const char *path = w->path;
  hid_t gcpl = -1;
  H5ID(gcpl, H5Pcreate(H5P_GROUP_CREATE));
  H5C(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED));
  H5ID(*out, H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT));
cleanup:
  if (gcpl >= 0)
    H5Pclose(gcpl);
  return rc;
}

/* ---- reading ------------------------------------------------------------------ */

int mc_h5_storage_ok(hid_t d, hsize_t nbytes) {
  if (nbytes == 0)
    return 1;
  hsize_t stored = H5Dget_storage_size(d);
  hid_t dcpl = H5Dget_create_plist(d);
  if (dcpl < 0)
    return 0;
  int nf = H5Pget_nfilters(dcpl), ok = nf >= 0;
  for (int i = 0; ok && i < nf; i++) {
    unsigned flags = 0, cd[8];
    size_t ncd = 8;
    H5Z_filter_t z = H5Pget_filter2(dcpl, (unsigned)i, &flags, &ncd, cd, 0, NULL, NULL);
    ok = z == H5Z_FILTER_SHUFFLE || z == H5Z_FILTER_DEFLATE;
  }
  H5Pclose(dcpl);
  if (!ok)
    return 0;
  if (nf == 0)
    return stored >= nbytes;
  return stored > 0 && stored >= nbytes / 1032;
}

int mc_h5_read_attr_str(hid_t obj, const char *name, char **out, const char *path, mc_err *e) {
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
  mc_h5_close(4, sp, mt, ft, a);
  return rc;
}

int mc_h5_read_attr_num(hid_t obj, const char *name, hid_t memtype, void *out, const char *path,
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
  mc_h5_close(3, ft, sp, a);
  return rc;
}

int mc_h5_read_ds(hid_t loc, const char *name, hid_t memtype, hsize_t count, void *buf,
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
  if (!mc_h5_storage_ok(d, count * esize))
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
            name, mc_h5_reason());
cleanup:
  mc_h5_close(3, ft, sp, d);
  return rc;
}
