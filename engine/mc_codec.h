/* The state codec: an mc_stats as an ordered list of named fields, each
 * with its element type, shape and the rule by which two states' values
 * combine. One table (mc_codec.c) says it all, and every place that moves a
 * state goes through it: the MPI reduction (mc_stats_reduce sends each field
 * with the MPI operation of its rule), mc_stats_merge, and the results
 * file's /state group (io/, written and read field by field, its checksum
 * hashed in field order: docs/results-format.md). Adding an exact counter
 * to the state is one entry in that table.
 *
 * Sketches are three fields: sketch_ranges (per store its first bucket index
 * and length), sketch_zero_nonfinite and sketch_counts (the counters of the
 * ranges, concatenated). In the file form each store is trimmed to its first
 * and last non-zero counter (equal sketches are equal bytes however their
 * memory grew); in the aligned form every state uses the same given ranges,
 * and then every field combines element by element. No MPI, no I/O. */
#ifndef MC_CODEC_H
#define MC_CODEC_H

#include <stdint.h>

#include "mc_hash.h"
#include "mc_state.h"

/* Element types. */
enum mc_codec_type { MC_FT_U8, MC_FT_I32, MC_FT_U64, MC_FT_I64, MC_FT_F64 };

/* How the values of two states combine into those of their union. */
enum mc_codec_rule {
  MC_CB_SUM,   /* integer counts: added */
  MC_CB_OR,    /* bitmaps: or-ed */
  MC_CB_MIN,   /* the smaller */
  MC_CB_MAX,   /* the larger */
  MC_CB_RANGE, /* (least, greatest) pairs: the least of the first, the greatest of the second */
  MC_CB_XSUM,  /* packed exact sums (mc_xsum_pack): added as integers, a packed sum of the sums */
  MC_CB_EQUAL, /* a fact of the job or of the alignment: must be equal */
};

/* Where a field is kept in a results file's /state group. */
enum mc_codec_kind {
  MC_FK_DATASET, /* a dataset */
  MC_FK_ATTR,    /* a scalar attribute */
  MC_FK_HASHED,  /* not stored (the job gives it): only hashed into the checksum */
};

/* Groups of fields that are present together. A results file written
 * before a group existed lacks it; a group is present in a file when its
 * first field is. */
enum mc_codec_group {
  MC_FG_CORE,        /* always */
  MC_FG_SENS,        /* sensitivity sums and the stop point (issue 5): always written */
  MC_FG_FAULTS,      /* samples with non-finite values (issue 8): always written */
  MC_FG_CONSTRAINTS, /* binding-constraint counts: written when the model has constraints */
  MC_FG_REGIMES,     /* regime and per-regime crossover counts: written when the job has regimes */
  MC_FG_OBS,         /* observation counts: written when the job has observations */
  MC_NFGROUPS
};

typedef struct mc_codec_field {
  const char *name; /* its name in /state */
  int type;         /* enum mc_codec_type */
  int rule;         /* enum mc_codec_rule */
  int kind;         /* enum mc_codec_kind */
  int join;         /* a scalar whose checksum piece is the previous scalar's */
  int group;        /* enum mc_codec_group */
  int rank;         /* 0 for a scalar, else 1 or 2 */
  uint64_t dims[2];
  uint64_t count;   /* values: the product of dims (1 for a scalar) */
  const void *data; /* an array's count values of type (borrowed from a state, or own) */
  void *own;        /* what the image allocated for data (freed with it) */
  union {
    int32_t i32;
    uint64_t u64;
  } v, want; /* a scalar's value, and its value for the job */
} mc_codec_field;

/* A field's values: data, or a scalar's v. */
static inline const void *mc_codec_values(const mc_codec_field *f) {
  return f->rank ? f->data : (const void *)&f->v;
}

#define MC_CODEC_MAXFIELDS 32

/* A state as fields. present[g]: the fields of group g are in it. */
typedef struct mc_codec_image {
  int nfield;
  mc_codec_field f[MC_CODEC_MAXFIELDS];
  int present[MC_NFGROUPS];
  int mbits; /* the sketches' mantissa bits (bounds of their bucket indices) */
} mc_codec_image;

/* The size of one value of a type, in bytes. */
size_t mc_codec_type_size(int type);

/* The fields of st's job (names, types, rules, shapes) with no values but
 * the scalars' (v = want), and present[] as st would be
 * written: the form a reader fills field by field (mc_codec_accept after
 * each), then unpacks. sketch_counts' shape follows from sketch_ranges. */
void mc_codec_layout(const mc_stats *st, mc_codec_image *img);

/* Packs st into img (mc_codec_layout, then every present field's values,
 * borrowed from st where they are stored as written, else owned by img).
 * ranges: NULL for the file form, or [2K] (first index, length) per store,
 * positive then negative, of the K sketches, covering every counter of
 * st's (mc_codec_extents): the aligned form. st is not changed. */
int mc_codec_pack(const mc_stats *st, const int64_t *ranges, mc_codec_image *img, mc_err *e);

/* Frees what img owns. */
void mc_codec_free(mc_codec_image *img);

/* Per store of st's K sketches, positive then negative, the first and last
 * bucket index of its counters into lo[2K] and hi[2K]; (INT64_MAX,
 * INT64_MIN) when empty. */
void mc_codec_extents(const mc_stats *st, int64_t *lo, int64_t *hi);

/* Checks field i of img just read into it (for a file named src): a scalar
 * fixed by the job must have its `want`; sketch_ranges must hold possible
 * bucket ranges, and sizes sketch_counts. MC_EINPUT naming the field. */
int mc_codec_accept(mc_codec_image *img, int i, const char *src, mc_err *e);

/* Continues h over the present fields of img in order: each scalar joins
 * the checksum piece of the one before it (join) or starts one, each
 * dataset is a piece of its bytes. */
void mc_codec_hash(const mc_codec_image *img, mc_hash *h);

/* Combines src into dst field by field by each field's rule (both aligned
 * to the same sketch ranges: MC_EINPUT when an equal field differs). */
int mc_codec_combine(mc_codec_image *dst, const mc_codec_image *src, mc_err *e);

/* An image shaped as img to receive values (the MPI reduction's): arrays
 * of zeros owned by out, but those of equal fields, borrowed from img (out
 * must not outlive it), and img's scalars. */
int mc_codec_like(const mc_codec_image *img, mc_codec_image *out, mc_err *e);

enum mc_codec_mode {
  MC_UNPACK_LOAD, /* into an empty state: the moment shifts are the image's */
  MC_UNPACK_ADD,  /* combined with what st holds: the shifts must be equal */
};

/* Unpacks img into st (allocated for the same job) by each field's rule:
 * the done bitmap or-ed, counts added (sketch stores covering the image's
 * ranges), exact sums merged, fault ranges widened, facts of the job
 * checked (MC_EINPUT naming src, a file, or "" for a state in memory).
 * Leaves st's crossing-time histogram folded. Does not check the counts
 * against each other: mc_stats_check does, for states from files. */
int mc_codec_unpack(const mc_codec_image *img, mc_stats *st, int mode, const char *src, mc_err *e);

#endif
