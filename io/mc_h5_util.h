/* What the results file's writers and readers share (io/ only): checked
 * HDF5 calls, a writer that sums the outputs checksum as it goes, the
 * year-axis dataset, and the readers of attributes and datasets. */
#ifndef MC_H5_UTIL_H
#define MC_H5_UTIL_H

#include <hdf5.h>
#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "mc_error.h"
#include "mc_hash.h"

#define MC_FORMAT         "crossover-results"
#define MC_FORMAT_VERSION 1

/* Fuzz builds (CROSSOVER_FUZZ) compute the checksums but do not refuse on
 * them, so that mutated files reach the code that reads past them. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define MC_CHECKSUMS_REFUSE 0
#else
#define MC_CHECKSUMS_REFUSE 1
#endif

/* The most specific message on HDF5's error stack, or "". */
const char *mc_h5_reason(void);

/* Turns off HDF5's printing of its error stack (we report failures). */
void mc_h5_quiet(void);

/* A failing HDF5 call names itself and the file (`path` in scope). */
#define H5C(expr)                                                                                  \
  do {                                                                                             \
    if ((expr) < 0)                                                                                \
      MC_FAIL(e, MC_EFAIL, "%s: HDF5 call failed: %s (HDF5: %s)", path, #expr, mc_h5_reason());    \
  } while (0)
#define H5ID(var, expr)                                                                            \
  do {                                                                                             \
    var = (expr);                                                                                  \
    if (var < 0)                                                                                   \
      MC_FAIL(e, MC_EFAIL, "%s: HDF5 call failed: %s (HDF5: %s)", path, #expr, mc_h5_reason());    \
  } while (0)

/* Anything wrong in a file being read is the input's fault (MC_EINPUT, exit
 * 2): HDF5 failures there name the call, the file and HDF5's own reason. */
#define R5C(expr, what)                                                                            \
  do {                                                                                             \
    if ((expr) < 0)                                                                                \
      MC_FAIL(e, MC_EINPUT, "%s: damaged file: %s failed (HDF5: %s)", path, what, mc_h5_reason()); \
  } while (0)
#define R5ID(var, expr, what)                                                                      \
  do {                                                                                             \
    var = (expr);                                                                                  \
    if (var < 0)                                                                                   \
      MC_FAIL(e, MC_EINPUT, "%s: damaged file: %s failed (HDF5: %s)", path, what, mc_h5_reason()); \
  } while (0)

/* Closes each of the n HDF5 ids given that is valid (>= 0), whatever its
 * kind (file, group, dataset, attribute, datatype, dataspace, property
 * list), in order: for cleanup labels. */
void mc_h5_close(int n, ...);

/* ---- the outputs checksum ---------------------------------------------------- */

/* Objects outside outputs_checksum: the state (its own checksum) and the
 * per-sample datasets (written in parallel, possibly huge). */
int mc_h5_outputs_skip_object(const char *obj);

/* Attributes outside outputs_checksum: those of dimension scales (written by
 * the HDF5 high-level library), the checksums themselves, the creation time
 * (so that equal results have equal checksums) and the root attribute
 * `model` (added after the checksum's definition; the reader checks it
 * against the job instead). */
int mc_h5_outputs_skip_attr(const char *obj, const char *name);

/* One item of outputs_checksum: the object's path, the attribute's name ("" for
 * a dataset's values), the type (class, size, signedness) and the bytes. */
uint64_t mc_h5_outputs_item(const char *obj, const char *attr, int cls, size_t size, int sign,
                            const void *data, size_t nbytes);

/* ---- writing ------------------------------------------------------------------ */

/* A file being written: its name for messages, and while `summing` the sum
 * of the outputs checksum items written so far. */
typedef struct mc_h5w {
  const char *path;
  int summing;
  uint64_t sum;
  hid_t year;  /* the /year dimension scale, once written; else -1 */
  int deflate; /* 1: datasets of at least MC_H5_DEFLATE_MIN bytes are written
                  chunked, shuffled and deflated (the /state group) */
} mc_h5w;

/* The smallest dataset that mc_h5w_dset compresses while w->deflate, and the
 * zlib level it uses: level 1 leaves the default job's file 5% larger than
 * level 5 did, for half the compression work, which every run and checkpoint
 * pays (docs/results-format.md). */
#define MC_H5_DEFLATE_MIN   4096
#define MC_H5_DEFLATE_LEVEL 1

/* A scalar attribute: a UTF-8 string, or a number of type. */
int mc_h5w_attr_str(mc_h5w *w, hid_t obj, const char *name, const char *val, mc_err *e);
int mc_h5w_attr_num(mc_h5w *w, hid_t obj, const char *name, hid_t type, const void *val, mc_err *e);
int mc_h5w_attr_u64(mc_h5w *w, hid_t obj, const char *name, uint64_t v, mc_err *e);
int mc_h5w_attr_i32(mc_h5w *w, hid_t obj, const char *name, int v, mc_err *e);

/* A dataset of rank 1 or 2 (any extent may be 0); its id in *out, or closed
 * when out is NULL. An empty dataset is chunked and extendible rather than
 * contiguous (h5repack with a filter cannot chunk an empty contiguous one);
 * with w->deflate, one of at least MC_H5_DEFLATE_MIN bytes is shuffled and
 * deflated in chunks of at most 1 MiB. */
int mc_h5w_dset(mc_h5w *w, hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
                const void *data, hid_t *out, mc_err *e);
int mc_h5w_dset1(mc_h5w *w, hid_t loc, const char *name, hid_t type, hsize_t n, const void *data,
                 hid_t *out, mc_err *e);

/* The UDUNITS-2 spelling of a unit as the model's tables write it for a
 * person ("TWh/yr" -> "TW h yr-1"); what UDUNITS cannot name, a counted
 * quantity (FLOP) or a currency ($), is left out as a count ("FLOP/yr" ->
 * "yr-1"), and a growth factor per year ("x/yr") is the ratio "1". NULL for
 * a unit the table lacks (io/mc_h5_util.c: add it there). */
const char *mc_h5_udunits(const char *unit);

/* A data variable's CF attributes: `long_name`, and unless unit is NULL
 * `units` (its UDUNITS-2 spelling, mc_h5_udunits) and, where that differs
 * from unit, `display_units` (unit as a person reads it). MC_EFAIL for a
 * unit without a UDUNITS spelling. */
int mc_h5w_cf(mc_h5w *w, hid_t obj, const char *long_name, const char *unit, mc_err *e);

/* A dataset on the year axis: [Y] values of type (or [Y, Q] with the second
 * axis scale q, -1 for none), with the /year scale attached, and its CF
 * attributes (mc_h5w_cf: long_name, and units unless unit is NULL); its id in
 * *out, or closed when out is NULL. */
int mc_h5w_years(mc_h5w *w, hid_t loc, const char *name, hid_t type, hsize_t ny, hsize_t nq,
                 hid_t q, const void *data, const char *long_name, const char *unit, hid_t *out,
                 mc_err *e);

/* A dataset of n variable-length UTF-8 strings. Its outputs_checksum item is
 * the strings concatenated, each with its terminating NUL, as a string class
 * item of size 0. */
int mc_h5w_strings(mc_h5w *w, hid_t loc, const char *name, const char *const *str, int n,
                   hid_t *out, mc_err *e);

/* A group whose links are listed in creation order (tracked and indexed). */
int mc_h5w_group_ordered(mc_h5w *w, hid_t loc, const char *name, hid_t *out, mc_err *e);

/* File access in memory: the core driver without a backing store. */
hid_t mc_h5_memory_fapl(void);

/* Writes a file built in memory out to path (created or truncated; removed
 * again on failure): a full disk is then a plain write error, where in HDF5
 * 1.10 a flush that fails leaves the file half-closed and the library
 * crashes at exit (in MPI_Finalize). */
int mc_h5_save_image(hid_t f, const char *path, mc_err *e);

/* After a write to a file on disk failed (a full disk), the flush of HDF5
 * 1.10's metadata cache at close fails too, leaves the cache unusable and
 * the library crashes when it shuts down: the file, discarded anyway, is
 * emptied first (collective over comm, or serial with MPI_COMM_NULL), which
 * frees the space the close needs. */
void mc_h5_empty_failed_file(const char *path, MPI_Comm comm);

/* ---- reading ------------------------------------------------------------------ */

/* Whether dataset d can hold nbytes of values: stored uncompressed, it must
 * store at least that much; filtered (shuffle and deflate, as Crossover and
 * h5repack write), its storage times deflate's largest ratio (1032:1) must.
 * So a damaged shape cannot ask for more memory than the file holds. 0 when
 * it cannot (or uses another filter), 1 when it can. */
int mc_h5_storage_ok(hid_t d, hsize_t nbytes);

/* A scalar string attribute (variable or fixed length) into a malloc'ed
 * string. */
int mc_h5_read_attr_str(hid_t obj, const char *name, char **out, const char *path, mc_err *e);

/* A scalar numeric attribute converted to memtype. */
int mc_h5_read_attr_num(hid_t obj, const char *name, hid_t memtype, void *out, const char *path,
                        mc_err *e);

/* Dataset state/name of exactly count elements of memtype into buf; when buf
 * is NULL, allocates it (*allocated, caller frees) after checking that the
 * file holds that much data, so a damaged shape cannot ask for more memory
 * than the file holds. */
int mc_h5_read_ds(hid_t loc, const char *name, hid_t memtype, hsize_t count, void *buf,
                  void **allocated, const char *path, mc_err *e);

#endif
