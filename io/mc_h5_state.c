/* The /state group: see mc_h5_state.h. */
#include "mc_h5_state.h"

#include <stdlib.h>
#include <string.h>

#include "mc_codec.h"

/* The HDF5 type of a field's values in memory. */
static hid_t memtype(int type) {
  const hid_t t[] = {[MC_FT_U8] = H5T_NATIVE_UINT8,
                     [MC_FT_I32] = H5T_NATIVE_INT,
                     [MC_FT_U64] = H5T_NATIVE_UINT64,
                     [MC_FT_I64] = H5T_NATIVE_INT64,
                     [MC_FT_F64] = H5T_NATIVE_DOUBLE};
  return t[type];
}

/* The state checksum: the root attributes config and part, then
 * format_version, the first scalar of the piece the state's first scalars
 * join, then the state's fields. */
static uint64_t state_checksum(const char *config, const char *part, int format_version,
                               const mc_codec_image *img) {
  mc_hash h;
  mc_hash_init(&h);
  mc_hash_str(&h, config);
  mc_hash_str(&h, part);
  int32_t v = format_version;
  mc_hash_join(&h, &v, sizeof v, 1);
  mc_codec_hash(img, &h);
  return mc_hash_value(&h);
}

int mc_h5_state_write(mc_h5w *w, hid_t file, const mc_job *job, const mc_stats *st,
                      const char *part, mc_err *e) {
  int rc = MC_OK;
  const char *path = w->path;
  hid_t g = -1;
  mc_codec_image img;
  MC_CHECK(mc_codec_pack(st, NULL, &img, e));
  uint64_t sum = state_checksum(job->resolved_yaml, part, MC_FORMAT_VERSION, &img);
  H5ID(g, H5Gcreate2(file, "state", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  MC_CHECK(mc_h5w_attr_u64(w, g, "checksum", sum, e));
  w->deflate = 1; /* the sketches and histograms: mostly zeros and small counts */
  for (int i = 0; i < img.nfield; i++) {
    const mc_codec_field *f = &img.f[i];
    hsize_t dims[2] = {f->dims[0], f->dims[1]};
    if (!img.present[f->group] || f->kind == MC_FK_HASHED)
      continue;
    if (f->kind == MC_FK_ATTR)
      MC_CHECK(mc_h5w_attr_num(w, g, f->name, memtype(f->type), &f->v, e));
    else
      MC_CHECK(mc_h5w_dset(w, g, f->name, memtype(f->type), f->rank, dims, f->data, NULL, e));
  }
cleanup:
  w->deflate = 0;
  mc_codec_free(&img);
  if (g >= 0)
    H5Gclose(g);
  return rc;
}

/* Whether the fields of each group are in /state (g): its first field is. */
static void groups_present(hid_t g, mc_codec_image *img) {
  int seen[MC_NFGROUPS] = {0};
  for (int i = 0; i < img->nfield; i++) {
    const mc_codec_field *f = &img->f[i];
    if (f->group == MC_FG_CORE || seen[f->group])
      continue;
    seen[f->group] = 1;
    img->present[f->group] =
        f->kind == MC_FK_ATTR ? H5Aexists(g, f->name) > 0 : H5Lexists(g, f->name, H5P_DEFAULT) > 0;
  }
}

/* Reads every field of img present in /state (g), each checked as it comes
 * (mc_codec_accept): every dataset against the file's size before its buffer
 * is allocated, so that a damaged shape cannot ask for more memory than the
 * file holds data. */
static int read_fields(hid_t g, const char *path, mc_codec_image *img, mc_err *e) {
  int rc = MC_OK;
  for (int i = 0; i < img->nfield; i++) {
    mc_codec_field *f = &img->f[i];
    if (!img->present[f->group])
      continue;
    if (f->kind == MC_FK_ATTR)
      MC_CHECK(mc_h5_read_attr_num(g, f->name, memtype(f->type), &f->v, path, e));
    else if (f->kind == MC_FK_DATASET)
      MC_CHECK(mc_h5_read_ds(g, f->name, memtype(f->type), f->count, NULL, &f->own, path, e));
    f->data = f->own;
    MC_CHECK(mc_codec_accept(img, i, path, e));
  }
cleanup:
  return rc;
}

int mc_h5_state_read(hid_t file, const char *path, const mc_job *job, const char *config,
                     const char *part, int format_version, mc_stats **out, mc_err *e) {
  int rc = MC_OK;
  hid_t g = -1;
  mc_stats *st = NULL;
  mc_codec_image img;
  uint64_t checksum = 0;
  memset(&img, 0, sizeof img);
  *out = NULL;
  MC_CHECK(mc_stats_alloc(&job->spec, &st, e));
  mc_codec_layout(st, &img);
  R5ID(g, H5Gopen2(file, "state", H5P_DEFAULT), "opening the state group");
  MC_CHECK(mc_h5_read_attr_num(g, "checksum", H5T_NATIVE_UINT64, &checksum, path, e));
  groups_present(g, &img);
  MC_CHECK(read_fields(g, path, &img, e));
  if (MC_CHECKSUMS_REFUSE && state_checksum(config, part, format_version, &img) != checksum)
    MC_FAIL(e, MC_EINPUT,
            "%s: the state's checksum does not match its contents: the file is damaged "
            "(changed after it was written)",
            path);
  /* The file's moment shifts, not this build's: the sums are relative to
   * them (the checksum vouches for them). Merge and resume refuse states
   * whose shifts differ (mc_stats_merge, crossover run --resume). */
  MC_CHECK(mc_codec_unpack(&img, st, MC_UNPACK_LOAD, path, e));
  MC_CHECK(mc_stats_check(st, &job->spec, path, e));
  *out = st;
  st = NULL;
cleanup:
  mc_codec_free(&img);
  mc_stats_free(st);
  if (g >= 0)
    H5Gclose(g);
  return rc;
}
