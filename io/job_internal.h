/* The job loader's own interface, shared by its files and by nothing else:
 *
 *   job_text.c     one string builder, numbers, suggestions (nearest name),
 *                  what a node is ("got ..."), typed values and key checks
 *   job_tree.c     YAML text -> a tree of nodes that remember their file,
 *                  line and column (libyaml's event API; nesting capped)
 *   job_merge.c    `extends:` chains and `--set KEY=VALUE`, on trees
 *   job_sections.c the job's sections (scenario, time, sampling, outputs, ...)
 *   job_params.c   parameters, distributions, their support, correlations
 *   job_regimes.c  regimes and observations
 *   job_emit.c     the resolved job as YAML (mc_job_to_yaml)
 *   mc_job.c       the public functions of mc_job.h
 *
 * Every refusal is MC_EINPUT with "FILE:LINE:COLUMN: what is wrong; what was
 * expected", FILE being the file the offending node was read from (a base
 * file of `extends:`, or the extending one), or "--set KEY=VALUE (column C):"
 * for a node that came from the command line. */
#ifndef JOB_INTERNAL_H
#define JOB_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mc_job.h"

#define JOB_MAX_BYTES (16 << 20) /* a job file's size */
#define JOB_MAX_DEPTH 64         /* nesting of collections in one document */
#define JOB_MAX_CHAIN 16         /* files in one `extends:` chain */

/* ------------------------------------------------------ one string builder */

/* Appends formatted text. A fixed builder (job_sb_fixed) writes into a caller's
 * buffer and marks truncation with "..."; a growing one (job_sb_growing) owns
 * its text (free b.s) and sets `full` when memory runs out. */
typedef struct job_sb {
  char *s;
  size_t len, cap;
  int grow;
  int full; /* fixed: truncated; growing: out of memory */
} job_sb;

job_sb job_sb_fixed(char *buf, size_t len);
job_sb job_sb_growing(void);
void job_sb_add(job_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void job_sb_quoted(job_sb *b, const char *s); /* a YAML double-quoted string */
void job_sb_num(job_sb *b, double v);         /* job_fmt_num */

/* ------------------------------------------------------------------ trees */

enum job_node_type { JOB_SCALAR, JOB_SEQ, JOB_MAP };

/* A YAML node with where it was written. Trees are built in an arena and
 * never modified once built: merges and overrides build new collections that
 * share unchanged nodes (an alias shares its anchor's node too). */
typedef struct jnode jnode;
struct jnode {
  int type;         /* enum job_node_type */
  int plain;        /* a scalar written without quotes or block style */
  const char *text; /* a scalar's text (never holds a NUL: refused) */
  const char *file; /* the job file, or "--set KEY=VALUE" */
  int line, col;    /* 1-based */
  int n;            /* items of a sequence, pairs of a mapping */
  jnode **key;      /* a mapping's keys */
  jnode **val;      /* a mapping's values, a sequence's items */
  unsigned gen;     /* the merge that made this node (0: parsed) */
};

/* A bump allocator owning every node and string of one load. */
typedef struct job_chunk job_chunk;
typedef struct job_arena {
  job_chunk *head;
  unsigned gen; /* last merge generation handed out */
} job_arena;

void *job_alloc(job_arena *a, size_t n); /* zeroed; NULL when out of memory */
char *job_strndup(job_arena *a, const char *s, size_t n);
void job_arena_free(job_arena *a);

/* Parses text (len bytes, one YAML document) into *root (NULL for an empty
 * stream). Nodes name file; positions on the first line are shifted by col0
 * columns (for a --set value inside its argument). Refuses syntax errors,
 * a second document, nesting deeper than JOB_MAX_DEPTH and NUL characters
 * (MC_EINPUT, "FILE:LINE:COL: ..."). */
int job_tree_parse(job_arena *a, const char *text, size_t len, const char *file, int col0,
                   jnode **root, mc_err *e);

/* Reads a whole job file (at most JOB_MAX_BYTES) into *text (caller frees). */
int job_read_file(const char *path, char **text, size_t *len, mc_err *e);

/* The job's tree: text (the file at name), its `extends:` chain merged in
 * (base first, each extending file over it; mappings merge key by key, a
 * parameter's value, `regimes:` and lists are replaced whole), then each of
 * sets ("KEY=VALUE") applied in order. The result has no `extends:`. */
int job_resolve(job_arena *a, const char *name, const char *text, size_t len,
                const char *const *sets, int nsets, jnode **root, mc_err *e);

/* A mapping's value for key, or NULL; *key_node gets the key. */
const jnode *job_lookup(const jnode *m, const char *key, const jnode **key_node);

/* ------------------------------------------------------------- the loader */

typedef struct job_ctx {
  const char *name; /* the job's file name, for refusals with no node */
  mc_job *job;
  mc_err *e;
  const mc_model_type *model;          /* the job's model (its tables) */
  const jnode *param_key[MC_MAXPARAM]; /* where each parameter was given */
  const jnode *params_key;             /* the `parameters:` key, or NULL */
  const jnode *stop_key;               /* the sampling.stop_when value, or NULL */
  const jnode *corr_item[MC_MAXCORR];  /* where each correlation was given */
  const jnode *regimes_key;            /* the `regimes:` key, or NULL */
  const char *param_keys[MC_MAXPARAM]; /* for suggestions */
  const char *groups[MC_MAXPARAM];     /* first words of the parameter keys */
  char group_buf[MC_MAXPARAM][MC_NAMELEN];
  int ngroups;
} job_ctx;

/* Refuses (MC_EINPUT) at node n's position, or at the start of the job's file
 * when n is NULL. Returns MC_EINPUT. */
int job_fail(job_ctx *c, const jnode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int job_fail_pos(mc_err *e, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
#define FAIL_AT(c, n, ...) job_fail((c), (n), __VA_ARGS__)

/* "line 4, column 3" of first, with " of FILE" when first was read from
 * another file than now (with_col 0: "line 4"). */
const char *job_pos_text(const jnode *first, const jnode *now, int with_col, char *buf, size_t len);

/* A scalar's text; a collection reads as "[...]" or "{...}". */
const char *job_sval(const jnode *n);
int job_is_plain(const jnode *n);
int job_is_null(const jnode *n);

/* Number syntax: YAML decimal floats and integers, '_' between digits.
 * Returns 0 (ok), 1 (not a number), 2 (not finite). */
int job_parse_number(const char *s, double *v);

/* The shortest %g form of v that reads back exactly. */
void job_fmt_num(double v, char *buf, size_t len);

/* What a node is, for "got ..." in messages. */
void job_describe(const jnode *n, char *buf, size_t len);

/* The candidate nearest to key when near enough to be a likely typo. */
const char *job_nearest(const char *key, const char *const *cand, int n);

/* The word of a space/comma separated list nearest to key, copied to out. */
const char *job_nearest_word(const char *list, const char *key, char *out, size_t len);
int job_has_word(const char *list, const char *word);

/* " (did you mean 'NEAR'?)" or "". */
const char *job_did_you_mean(const char *near, char *buf, size_t len);

void job_join(char *buf, size_t len, const char *const *list, int n);

/* Typed values: each refuses with "WHAT: expected ..., got ...". */
int job_want_mapping(job_ctx *c, const jnode *n, const char *what, const char *example);
int job_want_sequence(job_ctx *c, const jnode *n, const char *what, const char *example);
int job_want_string(job_ctx *c, const jnode *n, const char *what, const char *expected);
int job_get_number(job_ctx *c, const jnode *n, const char *what, double *v);
int job_get_uint(job_ctx *c, const jnode *n, const char *what, uint64_t lo, uint64_t hi,
                 uint64_t *out);
int job_get_year(job_ctx *c, const jnode *n, const char *what, int *out);
int job_get_bool(job_ctx *c, const jnode *n, const char *what, int *out);

/* Every key of mapping m a plain name, each once, and (valid given) one of
 * valid, suggesting the nearest on a typo. where names m in messages. */
int job_check_keys(job_ctx *c, const jnode *m, const char *where, const char *const *valid,
                   int nvalid);

/* Letters, digits, '_' and '-'; identifiers: a letter or '_' first, then
 * letters, digits and '_'. */
int job_valid_name(const char *s);
int job_valid_identifier(const char *s);

/* Sections (job_sections.c, job_params.c, job_regimes.c). */
int job_load_document(job_ctx *c, const jnode *root);
void job_init_names(job_ctx *c);
int job_load_parameters(job_ctx *c, const jnode *v);
int job_check_parameters(job_ctx *c);
int job_load_correlations(job_ctx *c, const jnode *key, const jnode *v);
int job_load_regimes(job_ctx *c, const jnode *key, const jnode *v);
int job_load_observations(job_ctx *c, const jnode *v);

#endif
