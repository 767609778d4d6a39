/* The state codec: see mc_codec.h. The table `fields` below is the state's
 * layout, in the order of the results file's /state group and of its
 * checksum (docs/results-format.md). */
#include "mc_codec.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* A field's extent along one axis, from the state's sizes. */
enum dim {
  D_NONE,   /* a scalar */
  D_TWO,    /* 2 */
  D_FOUR,   /* 4 */
  D_DONE,   /* bytes of the done bitmap */
  D_SKETCH, /* K: series sketches, then parameter sketches */
  D_TOTAL,  /* counters of the sketches' ranges (from sketch_ranges) */
  D_XROWS,  /* 2 S: sum1 then sum2 */
  D_XP,     /* MC_XSUM_PACKED */
  D_SERIES, /* S = nser * ny */
  D_CY,     /* ncross * ny */
  D_CROSS,  /* ncross */
  D_CTAU,   /* ncross * ntau */
  D_SENSX,  /* sensitivity sums */
  D_SENS,   /* sensitivity targets */
  D_PARAM,  /* parameters */
  D_CAT,    /* binding constraints */
  D_YEAR,   /* grid years */
  D_REGIME, /* regimes */
  D_CRY,    /* ncross * nregime * ny */
  D_OBS,    /* observations */
};

/* Where a field's values are in an mc_stats. */
enum src {
  S_CONST,  /* a constant of this build (konst) */
  S_INT,    /* an int member (off) */
  S_U64,    /* a uint64_t member (off) */
  S_ARRAY,  /* an array the member (off) points to, stored as written */
  S_INLINE, /* an array member (off) */
  S_XSUM,   /* exact sums the member (off) points to, packed */
  S_RANGES, /* the sketches' ranges */
  S_ZN,     /* the sketches' zero and non-finite counts */
  S_COUNTS, /* the sketches' counters over their ranges */
  S_TAU,    /* tau_hist with the block loop's byte counters */
  S_FAULTS, /* fault_lo, fault_hi interleaved */
};

typedef struct field_def {
  const char *name;
  unsigned char type, rule, kind, join, group, dim[2], src;
  size_t off;
  long long konst;
  const char *refuse; /* for a scalar fixed by the job: the message when it differs */
} field_def;

#define M(member) offsetof(mc_stats, member)
#define SCALAR(name, type, rule, kind, join, group, src, off, konst)                               \
  { name, type, rule, kind, join, group, {D_NONE, D_NONE}, src, off, konst, NULL }
#define ARRAY(name, type, rule, group, d0, d1, src, off)                                           \
  { name, type, rule, MC_FK_DATASET, 0, group, {d0, d1}, src, off, 0, NULL }

static const field_def fields[] = {
    SCALAR("engine_format", MC_FT_I32, MC_CB_EQUAL, MC_FK_ATTR, 1, MC_FG_CORE, S_CONST, 0,
           MC_ENGINE_FORMAT),
    SCALAR("block_size", MC_FT_I32, MC_CB_EQUAL, MC_FK_ATTR, 1, MC_FG_CORE, S_CONST, 0, MC_BLOCK),
    SCALAR("tau_bins_per_year", MC_FT_I32, MC_CB_EQUAL, MC_FK_ATTR, 1, MC_FG_CORE, S_CONST, 0,
           MC_TAU_BINS_PER_YEAR),
    SCALAR("mbits", MC_FT_I32, MC_CB_EQUAL, MC_FK_ATTR, 1, MC_FG_CORE, S_INT, M(mbits), 0),
    SCALAR("xsum_chunks", MC_FT_I32, MC_CB_EQUAL, MC_FK_ATTR, 1, MC_FG_CORE, S_CONST, 0,
           MC_XSUM_CHUNKS),
    SCALAR("nblocks", MC_FT_U64, MC_CB_EQUAL, MC_FK_ATTR, 0, MC_FG_CORE, S_U64, M(nblocks), 0),
    SCALAR("job_samples", MC_FT_U64, MC_CB_EQUAL, MC_FK_ATTR, 1, MC_FG_CORE, S_U64, M(samples), 0),
    {"spec_digest",
     MC_FT_U64,
     MC_CB_EQUAL,
     MC_FK_ATTR,
     1,
     MC_FG_CORE,
     {D_NONE, D_NONE},
     S_U64,
     M(digest),
     0,
     "the state does not belong to the job in its config attribute (damaged or edited file)"},
    ARRAY("done", MC_FT_U8, MC_CB_OR, MC_FG_CORE, D_DONE, D_NONE, S_ARRAY, M(done)),
    ARRAY("sketch_ranges", MC_FT_I64, MC_CB_EQUAL, MC_FG_CORE, D_SKETCH, D_FOUR, S_RANGES, 0),
    ARRAY("sketch_zero_nonfinite", MC_FT_U64, MC_CB_SUM, MC_FG_CORE, D_SKETCH, D_TWO, S_ZN, 0),
    ARRAY("sketch_counts", MC_FT_U64, MC_CB_SUM, MC_FG_CORE, D_TOTAL, D_NONE, S_COUNTS, 0),
    ARRAY("xsum", MC_FT_I64, MC_CB_XSUM, MC_FG_CORE, D_XROWS, D_XP, S_XSUM, M(sum1)),
    ARRAY("shift", MC_FT_F64, MC_CB_EQUAL, MC_FG_CORE, D_SERIES, D_NONE, S_ARRAY, M(shift)),
    ARRAY("year_counts", MC_FT_U64, MC_CB_SUM, MC_FG_CORE, D_CY, D_NONE, S_ARRAY, M(year_counts)),
    ARRAY("never", MC_FT_U64, MC_CB_SUM, MC_FG_CORE, D_CROSS, D_NONE, S_ARRAY, M(never)),
    ARRAY("tau_hist", MC_FT_U64, MC_CB_SUM, MC_FG_CORE, D_CTAU, D_NONE, S_TAU, 0),
    SCALAR("sensitivity_batches", MC_FT_I32, MC_CB_EQUAL, MC_FK_ATTR, 0, MC_FG_SENS, S_CONST, 0,
           MC_SENS_BATCHES),
    SCALAR("sensitivity_targets", MC_FT_I32, MC_CB_EQUAL, MC_FK_HASHED, 1, MC_FG_SENS, S_INT,
           M(nsens), 0),
    SCALAR("sensitivity_parameters", MC_FT_I32, MC_CB_EQUAL, MC_FK_ATTR, 1, MC_FG_SENS, S_INT,
           M(sens_k), 0),
    SCALAR("stop_blocks", MC_FT_U64, MC_CB_MAX, MC_FK_ATTR, 0, MC_FG_SENS, S_U64, M(stop_blocks),
           0),
    ARRAY("sensitivity_xsum", MC_FT_I64, MC_CB_XSUM, MC_FG_SENS, D_SENSX, D_XP, S_XSUM, M(sens)),
    ARRAY("sensitivity_shift", MC_FT_F64, MC_CB_EQUAL, MC_FG_SENS, D_SENS, D_NONE, S_INLINE,
          M(sens_shift)),
    SCALAR("fault_samples", MC_FT_U64, MC_CB_SUM, MC_FK_ATTR, 0, MC_FG_FAULTS, S_U64,
           M(fault_samples), 0),
    ARRAY("fault_range", MC_FT_F64, MC_CB_RANGE, MC_FG_FAULTS, D_PARAM, D_TWO, S_FAULTS, 0),
    ARRAY("constraint_counts", MC_FT_U64, MC_CB_SUM, MC_FG_CONSTRAINTS, D_CAT, D_YEAR, S_ARRAY,
          M(cat_counts)),
    ARRAY("regime_counts", MC_FT_U64, MC_CB_SUM, MC_FG_REGIMES, D_REGIME, D_NONE, S_ARRAY,
          M(regime_counts)),
    ARRAY("regime_year_counts", MC_FT_U64, MC_CB_SUM, MC_FG_REGIMES, D_CRY, D_NONE, S_ARRAY,
          M(regime_year_counts)),
    ARRAY("observation_counts", MC_FT_U64, MC_CB_SUM, MC_FG_OBS, D_OBS, D_NONE, S_ARRAY,
          M(obs_counts)),
};
#define NFIELDS ((int)(sizeof fields / sizeof fields[0]))
_Static_assert(sizeof fields / sizeof fields[0] <= MC_CODEC_MAXFIELDS, "raise MC_CODEC_MAXFIELDS");

/* Groups a file written before them may lack (the state then keeps its empty
 * values); a group not listed here is present exactly when its job has it. */
static const int group_legacy[MC_NFGROUPS] = {[MC_FG_SENS] = 1, [MC_FG_FAULTS] = 1};

/* What each group holds, for messages. */
static const char *const group_what[MC_NFGROUPS] = {"sketches and counts",
                                                    "sensitivity sums",
                                                    "fault ranges",
                                                    "binding-constraint counts (constraint_counts)",
                                                    "regime counts (regime_counts)",
                                                    "observation counts (observation_counts)"};

/* Whether st's job has group g. */
static int group_wanted(const mc_stats *st, int g) {
  switch (g) {
  case MC_FG_CONSTRAINTS:
    return st->ncat > 0;
  case MC_FG_REGIMES:
    return st->nregime > 0;
  case MC_FG_OBS:
    return st->nobs > 0;
  default:
    return 1;
  }
}

size_t mc_codec_type_size(int type) {
  static const size_t size[] = {
      [MC_FT_U8] = 1, [MC_FT_I32] = 4, [MC_FT_U64] = 8, [MC_FT_I64] = 8, [MC_FT_F64] = 8};
  return size[type];
}

static uint64_t dim_value(const mc_stats *st, int d) {
  int64_t S = (int64_t)st->nser * st->ny;
  switch (d) {
  case D_TWO:
    return 2;
  case D_FOUR:
    return 4;
  case D_DONE:
    return (st->nblocks + 7) / 8;
  case D_SKETCH:
    return (uint64_t)(S + st->npar);
  case D_TOTAL:
    return 0; /* sized from sketch_ranges */
  case D_XROWS:
    return (uint64_t)(2 * S);
  case D_XP:
    return MC_XSUM_PACKED;
  case D_SERIES:
    return (uint64_t)S;
  case D_CY:
    return (uint64_t)st->ncross * (uint64_t)st->ny;
  case D_CROSS:
    return (uint64_t)st->ncross;
  case D_CTAU:
    return (uint64_t)st->ncross * (uint64_t)st->ntau;
  case D_SENSX:
    return (uint64_t)MC_SENS_BATCHES * (uint64_t)st->nsens * (uint64_t)MC_SENS_NSUM(st->sens_k);
  case D_SENS:
    return (uint64_t)st->nsens;
  case D_PARAM:
    return (uint64_t)st->npar;
  case D_CAT:
    return (uint64_t)st->ncat;
  case D_YEAR:
    return (uint64_t)st->ny;
  case D_REGIME:
    return (uint64_t)st->nregime;
  case D_CRY:
    return (uint64_t)st->ncross * (uint64_t)st->nregime * (uint64_t)st->ny;
  case D_OBS:
    return (uint64_t)st->nobs;
  default:
    return 1;
  }
}

/* A scalar field's value in st. */
static uint64_t scalar_of(const mc_stats *st, const field_def *d) {
  const char *base = (const char *)st + d->off;
  if (d->src == S_CONST)
    return (uint64_t)d->konst;
  if (d->src == S_INT) {
    int v;
    memcpy(&v, base, sizeof v);
    return (uint64_t)(int64_t)v;
  }
  uint64_t v;
  memcpy(&v, base, sizeof v);
  return v;
}

static void set_scalar(mc_codec_field *f, uint64_t v) {
  if (f->type == MC_FT_I32)
    f->v.i32 = (int32_t)v;
  else
    f->v.u64 = v;
}

static uint64_t get_scalar(const mc_codec_field *f) {
  return f->type == MC_FT_I32 ? (uint64_t)(int64_t)f->v.i32 : f->v.u64;
}

static uint64_t want_scalar(const mc_codec_field *f) {
  return f->type == MC_FT_I32 ? (uint64_t)(int64_t)f->want.i32 : f->want.u64;
}

/* The array a member at off points to. */
static void *member_ptr(const mc_stats *st, size_t off) {
  void *p;
  memcpy(&p, (const char *)st + off, sizeof p);
  return p;
}

void mc_codec_layout(const mc_stats *st, mc_codec_image *img) {
  memset(img, 0, sizeof *img);
  img->nfield = NFIELDS;
  img->mbits = st->mbits;
  for (int g = 0; g < MC_NFGROUPS; g++)
    img->present[g] = group_wanted(st, g);
  for (int i = 0; i < NFIELDS; i++) {
    const field_def *d = &fields[i];
    mc_codec_field *f = &img->f[i];
    f->name = d->name;
    f->type = d->type;
    f->rule = d->rule;
    f->kind = d->kind;
    f->join = d->join;
    f->group = d->group;
    f->rank = (d->dim[0] != D_NONE) + (d->dim[1] != D_NONE);
    f->count = 1;
    for (int a = 0; a < f->rank; a++) {
      f->dims[a] = dim_value(st, d->dim[a]);
      f->count *= f->dims[a];
    }
    if (f->rank == 0) {
      set_scalar(f, scalar_of(st, d));
      f->want = f->v;
    }
  }
}

void mc_codec_free(mc_codec_image *img) {
  for (int i = 0; i < img->nfield; i++) {
    free(img->f[i].own);
    img->f[i].own = NULL;
  }
}

static const mc_sketch *sketch_of(const mc_stats *st, int k) { return &st->series[k]; }

void mc_codec_extents(const mc_stats *st, int64_t *lo, int64_t *hi) {
  int K = mc_stats_nsketch(st);
  for (int k = 0; k < K; k++) {
    const mc_store *s[2] = {&sketch_of(st, k)->pos, &sketch_of(st, k)->neg};
    for (int j = 0; j < 2; j++) {
      lo[2 * k + j] = s[j]->len ? s[j]->lo : INT64_MAX;
      hi[2 * k + j] = s[j]->len ? s[j]->lo + s[j]->len - 1 : INT64_MIN;
    }
  }
}

/* An owned buffer of count values for field f. */
static void *own_buffer(mc_codec_field *f, mc_err *e) {
  f->own = calloc(f->count + 1, mc_codec_type_size(f->type));
  if (!f->own)
    mc_err_set(e, MC_EFAIL, "out of memory packing the run state (%s)", f->name);
  f->data = f->own;
  return f->own;
}

/* sketch_ranges: the given ranges, or each store trimmed to its first and
 * last non-zero counter (first index 0 when empty). */
static int pack_ranges(const mc_stats *st, const int64_t *given, mc_codec_field *f, mc_err *e) {
  int64_t *r = own_buffer(f, e);
  if (!r)
    return MC_EFAIL;
  for (uint64_t k = 0; k < f->dims[0]; k++) {
    const mc_store *s[2] = {&sketch_of(st, (int)k)->pos, &sketch_of(st, (int)k)->neg};
    for (int j = 0; j < 2; j++) {
      int64_t a = 0, b = s[j]->len, *out = r + 4 * k + 2 * j;
      if (given) {
        out[0] = given[4 * k + 2 * j + 1] > 0 ? given[4 * k + 2 * j] : 0;
        out[1] = given[4 * k + 2 * j + 1] > 0 ? given[4 * k + 2 * j + 1] : 0;
        continue;
      }
      while (a < b && mc_store_get(s[j], a) == 0)
        a++;
      while (b > a && mc_store_get(s[j], b - 1) == 0)
        b--;
      out[0] = b > a ? s[j]->lo + a : 0;
      out[1] = b - a;
    }
  }
  return MC_OK;
}

/* sketch_counts: every store's counters over its range (zero outside the
 * store), concatenated. */
static int pack_counts(const mc_stats *st, const int64_t *ranges, mc_codec_field *f, mc_err *e) {
  int K = mc_stats_nsketch(st);
  f->count = 0;
  for (int k = 0; k < 2 * K; k++)
    f->count += (uint64_t)ranges[2 * k + 1];
  f->dims[0] = f->count;
  uint64_t *c = own_buffer(f, e);
  if (!c)
    return MC_EFAIL;
  for (int k = 0; k < K; k++) {
    const mc_store *s[2] = {&sketch_of(st, k)->pos, &sketch_of(st, k)->neg};
    for (int j = 0; j < 2; j++) {
      int64_t lo = ranges[4 * k + 2 * j], len = ranges[4 * k + 2 * j + 1];
      for (int64_t i = 0; i < len; i++) {
        int64_t at = lo + i - s[j]->lo;
        c[i] = at >= 0 && at < s[j]->len ? mc_store_get(s[j], at) : 0;
      }
      c += len;
    }
  }
  return MC_OK;
}

/* The values of array field i of st. */
static int pack_array(const mc_stats *st, int i, const int64_t *ranges, mc_codec_field *f,
                      const int64_t *packed_ranges, mc_err *e) {
  const field_def *d = &fields[i];
  switch (d->src) {
  case S_ARRAY:
    f->data = member_ptr(st, d->off);
    return MC_OK;
  case S_INLINE:
    f->data = (const char *)st + d->off;
    return MC_OK;
  case S_RANGES:
    return pack_ranges(st, ranges, f, e);
  case S_COUNTS:
    return pack_counts(st, packed_ranges, f, e);
  default:
    break;
  }
  if (!own_buffer(f, e))
    return MC_EFAIL;
  if (d->src == S_XSUM) {
    const mc_xsum *x = member_ptr(st, d->off);
    for (uint64_t k = 0; k < f->dims[0]; k++)
      mc_xsum_pack(&x[k], (int64_t *)f->own + k * MC_XSUM_PACKED);
  } else if (d->src == S_ZN) {
    uint64_t *zn = f->own;
    for (uint64_t k = 0; k < f->dims[0]; k++) {
      zn[2 * k] = sketch_of(st, (int)k)->zero;
      zn[2 * k + 1] = sketch_of(st, (int)k)->nonfinite;
    }
  } else if (d->src == S_TAU) {
    uint64_t *h = f->own;
    for (uint64_t k = 0; k < f->count; k++)
      h[k] = st->tau_hist[k] + st->tau_hot[k];
  } else if (d->src == S_FAULTS) {
    double *r = f->own;
    for (int p = 0; p < st->npar; p++) {
      r[2 * p] = st->fault_lo[p];
      r[2 * p + 1] = st->fault_hi[p];
    }
  }
  return MC_OK;
}

int mc_codec_pack(const mc_stats *st, const int64_t *ranges, mc_codec_image *img, mc_err *e) {
  mc_codec_layout(st, img);
  const int64_t *packed_ranges = NULL;
  for (int i = 0; i < NFIELDS; i++) {
    mc_codec_field *f = &img->f[i];
    if (f->rank == 0 || !img->present[f->group])
      continue;
    int rc = pack_array(st, i, ranges, f, packed_ranges, e);
    if (rc != MC_OK) {
      mc_codec_free(img);
      return rc;
    }
    if (fields[i].src == S_RANGES)
      packed_ranges = f->data;
  }
  return MC_OK;
}

/* The ranges of sketch_ranges are possible: lengths in [0, the bucket
 * indices of finite positive values [0, 0x7ff << mbits)], inside them. */
static int check_ranges(const mc_codec_image *img, const mc_codec_field *f, uint64_t *total,
                        const char *src, mc_err *e) {
  const int64_t *r = f->data;
  int64_t idx_end = (int64_t)(0x7ffull << img->mbits);
  *total = 0;
  for (uint64_t k = 0; k < 2 * f->dims[0]; k++) {
    int64_t lo = r[2 * k], len = r[2 * k + 1];
    if (len < 0 || len > idx_end || (len > 0 && (lo < 0 || lo > idx_end - len)))
      MC_RAISE(e, MC_EINPUT, "%s: state/sketch_ranges holds impossible values (damaged file?)",
               src);
    *total += (uint64_t)len;
  }
  return MC_OK;
}

int mc_codec_accept(mc_codec_image *img, int i, const char *src, mc_err *e) {
  mc_codec_field *f = &img->f[i];
  if (f->rank == 0 && f->rule == MC_CB_EQUAL && get_scalar(f) != want_scalar(f)) {
    if (fields[i].refuse)
      MC_RAISE(e, MC_EINPUT, "%s: %s", src, fields[i].refuse);
    MC_RAISE(e, MC_EINPUT,
             "%s: state attribute %s is %lld but its job (the config attribute) gives "
             "%lld (damaged file?)",
             src, f->name, (long long)get_scalar(f), (long long)want_scalar(f));
  }
  if (fields[i].src == S_RANGES) {
    uint64_t total;
    int rc = check_ranges(img, f, &total, src, e);
    if (rc != MC_OK)
      return rc;
    for (int j = i + 1; j < img->nfield; j++)
      if (fields[j].src == S_COUNTS)
        img->f[j].count = img->f[j].dims[0] = total;
  }
  return MC_OK;
}

void mc_codec_hash(const mc_codec_image *img, mc_hash *h) {
  for (int i = 0; i < img->nfield; i++) {
    const mc_codec_field *f = &img->f[i];
    size_t size = mc_codec_type_size(f->type);
    if (!img->present[f->group])
      continue;
    if (f->rank == 0)
      mc_hash_join(h, &f->v, size, !f->join);
    else
      mc_hash_piece(h, f->data, size * f->count);
  }
}

/* ---- combining ------------------------------------------------------------- */

/* dst[i] = dst[i] (rule) src[i] for n values of a type; -1 when an equal
 * field differs. */
static int combine_values(int rule, int type, void *dst, const void *src, uint64_t n) {
  size_t size = mc_codec_type_size(type);
  if (rule == MC_CB_EQUAL)
    return memcmp(dst, src, (size_t)n * size) ? -1 : 0;
  if (rule == MC_CB_OR) {
    unsigned char *a = dst;
    const unsigned char *b = src;
    for (size_t i = 0; i < (size_t)n * size; i++)
      a[i] |= b[i];
    return 0;
  }
  if (type == MC_FT_F64) {
    double *a = dst;
    const double *b = src;
    for (uint64_t i = 0; i < n; i++) {
      int max = rule == MC_CB_MAX || (rule == MC_CB_RANGE && (i & 1));
      a[i] = rule == MC_CB_SUM ? a[i] + b[i] : max ? fmax(a[i], b[i]) : fmin(a[i], b[i]);
    }
    return 0;
  }
  for (uint64_t i = 0; i < n; i++) {
    /* integers: as 64-bit words (two's complement adds alike signed or not) */
    int64_t x = 0, y = 0;
    memcpy(&x, (char *)dst + i * size, size);
    memcpy(&y, (const char *)src + i * size, size);
    if (size == 4)
      x = (int32_t)x, y = (int32_t)y;
    int64_t r = (int64_t)((uint64_t)x + (uint64_t)y);
    if (rule == MC_CB_MIN || rule == MC_CB_MAX) {
      int less = type == MC_FT_U64 ? (uint64_t)x < (uint64_t)y : x < y;
      r = (rule == MC_CB_MIN) == less ? x : y;
    }
    memcpy((char *)dst + i * size, &r, size);
  }
  return 0;
}

/* Makes f's values the image's own (a borrowed array is copied). */
static int own_values(mc_codec_field *f, mc_err *e) {
  if (f->rank == 0 || f->own)
    return MC_OK;
  const void *was = f->data;
  if (!own_buffer(f, e))
    return MC_EFAIL;
  memcpy(f->own, was, (size_t)f->count * mc_codec_type_size(f->type));
  return MC_OK;
}

int mc_codec_combine(mc_codec_image *dst, const mc_codec_image *src, mc_err *e) {
  for (int i = 0; i < dst->nfield; i++) {
    mc_codec_field *a = &dst->f[i];
    const mc_codec_field *b = &src->f[i];
    if (!dst->present[a->group] || !src->present[a->group])
      continue;
    if (a->count != b->count)
      MC_RAISE(e, MC_EINPUT, "the states differ in the shape of %s", a->name);
    int rc = own_values(a, e);
    if (rc != MC_OK)
      return rc;
    void *to = a->rank ? a->own : &a->v;
    if (combine_values(a->rule, a->type, to, mc_codec_values(b), a->count) != 0)
      MC_RAISE(e, MC_EINPUT, "the states differ in %s, which must be equal", a->name);
  }
  return MC_OK;
}

int mc_codec_like(const mc_codec_image *img, mc_codec_image *out, mc_err *e) {
  *out = *img;
  for (int i = 0; i < img->nfield; i++)
    out->f[i].own = NULL;
  for (int i = 0; i < img->nfield; i++) {
    mc_codec_field *f = &out->f[i];
    if (f->rank == 0 || f->rule == MC_CB_EQUAL || !img->present[f->group])
      continue;
    if (!own_buffer(f, e)) {
      mc_codec_free(out);
      return MC_EFAIL;
    }
  }
  return MC_OK;
}

/* ---- unpacking --------------------------------------------------------------- */

/* Adds counters c over the ranges r into the sketches of st. */
static int unpack_counts(mc_stats *st, const int64_t *r, const uint64_t *c, mc_err *e) {
  for (int k = 0; k < mc_stats_nsketch(st); k++) {
    mc_store *s[2] = {&st->series[k].pos, &st->series[k].neg};
    for (int j = 0; j < 2; j++) {
      int64_t lo = r[4 * k + 2 * j], len = r[4 * k + 2 * j + 1];
      if (len == 0)
        continue;
      int rc = mc_store_cover(s[j], lo, lo + len - 1, e);
      if (rc != MC_OK)
        return rc;
      for (int64_t i = 0; i < len; i++)
        s[j]->counts[lo - s[j]->lo + i] += c[i];
      c += len;
    }
  }
  return MC_OK;
}

/* Unpacks array field i (present in img) into st. */
static int unpack_array(const mc_codec_image *img, int i, mc_stats *st, int mode, const char *src,
                        const char *sep, mc_err *e) {
  const field_def *d = &fields[i];
  const mc_codec_field *f = &img->f[i];
  switch (d->src) {
  case S_ARRAY:
  case S_INLINE: {
    void *to = d->src == S_ARRAY ? member_ptr(st, d->off) : (char *)st + d->off;
    if (d->rule == MC_CB_EQUAL && mode == MC_UNPACK_LOAD)
      memcpy(to, f->data, (size_t)f->count * mc_codec_type_size(f->type));
    else if (combine_values(d->rule, d->type, to, f->data, f->count) != 0)
      MC_RAISE(e, MC_EINPUT,
               "%s%sthe states' %s differ (written by different builds of the engine): "
               "their sums cannot be added; rerun the parts with one build",
               src, sep, f->name);
    return MC_OK;
  }
  case S_XSUM: {
    mc_xsum *x = member_ptr(st, d->off), add;
    for (uint64_t k = 0; k < f->dims[0]; k++) {
      mc_xsum_unpack((const int64_t *)f->data + k * MC_XSUM_PACKED, &add);
      mc_xsum_merge(&x[k], &add);
    }
    return MC_OK;
  }
  case S_ZN:
    for (uint64_t k = 0; k < f->dims[0]; k++) {
      st->series[k].zero += ((const uint64_t *)f->data)[2 * k];
      st->series[k].nonfinite += ((const uint64_t *)f->data)[2 * k + 1];
    }
    return MC_OK;
  case S_TAU:
    mc_stats_fold(st);
    combine_values(MC_CB_SUM, MC_FT_U64, st->tau_hist, f->data, f->count);
    return MC_OK;
  case S_FAULTS:
    for (int p = 0; p < st->npar; p++) {
      st->fault_lo[p] = fmin(st->fault_lo[p], ((const double *)f->data)[2 * p]);
      st->fault_hi[p] = fmax(st->fault_hi[p], ((const double *)f->data)[2 * p + 1]);
    }
    return MC_OK;
  default: /* S_RANGES, S_COUNTS: by mc_codec_unpack */
    return MC_OK;
  }
}

/* Unpacks scalar field i into st: a fact of the job checked, a count added. */
static int unpack_scalar(const mc_codec_image *img, int i, mc_stats *st, const char *src,
                         const char *sep, mc_err *e) {
  const field_def *d = &fields[i];
  const mc_codec_field *f = &img->f[i];
  uint64_t v = get_scalar(f), mine = scalar_of(st, d);
  if (d->rule == MC_CB_EQUAL) {
    if (v == mine)
      return MC_OK;
    if (d->refuse)
      MC_RAISE(e, MC_EINPUT, "%s%s%s", src, sep, d->refuse);
    MC_RAISE(e, MC_EINPUT, "%s%sstate attribute %s is %lld but its job gives %lld (damaged file?)",
             src, sep, f->name, (long long)v, (long long)mine);
  }
  uint64_t r = d->rule == MC_CB_MAX ? (v > mine ? v : mine) : v + mine;
  memcpy((char *)st + d->off, &r, sizeof r); /* S_U64 */
  return MC_OK;
}

int mc_codec_unpack(const mc_codec_image *img, mc_stats *st, int mode, const char *src, mc_err *e) {
  const char *sep = src && *src ? ": " : "";
  src = src ? src : "";
  const int64_t *ranges = NULL;
  uint64_t total = 0;
  for (int g = 0; g < MC_NFGROUPS; g++)
    if (!img->present[g] && group_wanted(st, g) && !group_legacy[g])
      MC_RAISE(e, MC_EINPUT,
               "%s%sthe state lacks its %s (written by an older crossover?): run the "
               "job again",
               src, sep, group_what[g]);
  for (int i = 0; i < img->nfield; i++) {
    const mc_codec_field *f = &img->f[i];
    int rc = MC_OK;
    if (!img->present[f->group])
      continue;
    if (f->rank == 0) {
      rc = unpack_scalar(img, i, st, src, sep, e);
    } else if (fields[i].src == S_RANGES) {
      rc = check_ranges(img, f, &total, src, e);
      ranges = f->data;
    } else if (fields[i].src == S_COUNTS) {
      if (!ranges || f->count != total)
        MC_RAISE(e, MC_EINPUT, "%s%sstate/sketch_counts does not match its ranges", src, sep);
      rc = unpack_counts(st, ranges, f->data, e);
    } else {
      rc = unpack_array(img, i, st, mode, src, sep, e);
    }
    if (rc != MC_OK)
      return rc;
  }
  return MC_OK;
}
