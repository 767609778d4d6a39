/* `extends: BASE.yaml` and `--set KEY=VALUE`, on trees (job_internal.h).
 *
 * A file that extends another is merged over it: mappings key by key (the
 * extending file's value wins), anything else replaced whole -- a list, a
 * scalar, and two mappings that are single values: a parameter's value (a
 * distribution, or one per regime) and `regimes:`. Parameters merge by their
 * full key, whether either file nests them (`capex: {growth: ...}`) or dots
 * them (`capex.growth: ...`). A --set is one more such file that holds only
 * KEY; below a parameter (parameters.capex.growth.MORE) it merges into the
 * parameter's mapping: one regime of a per-regime parameter, or one key of a
 * distribution.
 *
 * Merges build new collections and share the nodes they keep, so every node
 * still names the file, line and column it was read from. A key a merge
 * wrote carries the merge's generation: a key the extending file gives twice
 * is then kept twice, and refused as a duplicate by the section loaders. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "job_internal.h"

/* ---------------------------------------------------------------- merging */

/* A copy of key node k written at `at` (text: k's unless given). */
static jnode *clone_key(job_arena *a, const jnode *k, const jnode *at, const char *text,
                        unsigned gen) {
  jnode *n = job_alloc(a, sizeof *n);
  if (!n)
    return NULL;
  *n = *k;
  if (text && !(n->text = job_strndup(a, text, strlen(text))))
    return NULL;
  n->file = at->file;
  n->line = at->line;
  n->col = at->col;
  n->gen = gen;
  return n;
}

/* A copy of mapping m with room for extra more pairs. */
static jnode *map_copy(job_arena *a, const jnode *m, int extra, unsigned gen) {
  jnode *r = job_alloc(a, sizeof *r);
  if (!r)
    return NULL;
  *r = *m;
  r->gen = gen;
  r->key = job_alloc(a, (size_t)(m->n + extra + 1) * sizeof *r->key);
  r->val = job_alloc(a, (size_t)(m->n + extra + 1) * sizeof *r->val);
  if (!r->key || !r->val)
    return NULL;
  memcpy(r->key, m->key, (size_t)m->n * sizeof *r->key);
  memcpy(r->val, m->val, (size_t)m->n * sizeof *r->val);
  return r;
}

/* The first pair of m whose key is text and was not written by merge gen. */
static int find_unmerged(const jnode *m, const char *text, unsigned gen) {
  for (int i = 0; i < m->n; i++)
    if (m->key[i]->type == JOB_SCALAR && m->key[i]->gen != gen && !strcmp(m->key[i]->text, text))
      return i;
  return -1;
}

/* Sets pair j of r (j = r->n: appends) to key k (as text, at k) and value v. */
static int put(job_arena *a, jnode *r, int j, const jnode *k, const char *text, const jnode *v,
               unsigned gen) {
  jnode *key = clone_key(a, k, k, text, gen);
  if (!key)
    return MC_EFAIL;
  r->key[j] = key;
  r->val[j] = (jnode *)v;
  if (j == r->n)
    r->n++;
  return MC_OK;
}

/* Puts parameter full (given at key k) with value v into the parameters
 * mapping r: over the same parameter, dotted or in its group, else added. */
static int put_param(job_arena *a, jnode *r, const char *full, const jnode *k, const jnode *v,
                     unsigned gen) {
  int j = find_unmerged(r, full, gen);
  if (j >= 0)
    return put(a, r, j, k, full, v, gen);
  const char *dot = strchr(full, '.');
  char group[MC_NAMELEN];
  snprintf(group, sizeof group, "%.*s", (int)(dot - full), full);
  int g = find_unmerged(r, group, gen);
  if (g >= 0 && r->val[g]->type == JOB_MAP) {
    int s = find_unmerged(r->val[g], dot + 1, gen);
    if (s >= 0) {
      jnode *copy = r->val[g]->gen == gen ? r->val[g] : map_copy(a, r->val[g], 0, gen);
      if (!copy)
        return MC_EFAIL;
      r->val[g] = copy;
      return put(a, copy, s, k, dot + 1, v, gen);
    }
  }
  return put(a, r, r->n, k, full, v, gen);
}

/* 1 when r holds parameters of group (nested or dotted) not yet merged. */
static int has_group(const jnode *r, const char *group, unsigned gen) {
  size_t n = strlen(group);
  for (int i = 0; i < r->n; i++) {
    const jnode *k = r->key[i];
    if (k->type == JOB_SCALAR && k->gen != gen && !strncmp(k->text, group, n) &&
        (k->text[n] == '\0' || k->text[n] == '.'))
      return 1;
  }
  return 0;
}

static jnode *merge_params(job_arena *a, const jnode *base, const jnode *ext, unsigned gen) {
  int room = 0;
  for (int i = 0; i < ext->n; i++)
    room += ext->val[i]->type == JOB_MAP ? ext->val[i]->n + 1 : 1;
  jnode *r = map_copy(a, base, room, gen);
  if (!r)
    return NULL;
  for (int i = 0; i < ext->n; i++) {
    const jnode *k = ext->key[i], *v = ext->val[i];
    int rc;
    if (k->type != JOB_SCALAR) {
      r->key[r->n] = (jnode *)k;
      r->val[r->n++] = (jnode *)v;
      continue;
    }
    if (strchr(k->text, '.')) {
      rc = put_param(a, r, k->text, k, v, gen);
    } else if (v->type == JOB_MAP && has_group(r, k->text, gen)) {
      rc = MC_OK;
      for (int s = 0; s < v->n && rc == MC_OK; s++) {
        char full[2 * MC_NAMELEN + 2];
        if (v->key[s]->type != JOB_SCALAR ||
            snprintf(full, sizeof full, "%s.%s", k->text, v->key[s]->text) >= (int)sizeof full)
          rc = put(a, r, r->n, k, NULL, v, gen); /* refused by the loader as written */
        else
          rc = put_param(a, r, full, v->key[s], v->val[s], gen);
      }
    } else {
      int j = find_unmerged(r, k->text, gen);
      rc = put(a, r, j >= 0 ? j : r->n, k, NULL, v, gen);
    }
    if (rc)
      return NULL;
  }
  return r;
}

/* Mapping ext over mapping base; root: the job's top level (`extends:`
 * dropped, `parameters:` by parameter, `regimes:` replaced whole). */
static jnode *merge_map(job_arena *a, const jnode *base, const jnode *ext, int root, unsigned gen) {
  jnode *r = map_copy(a, base, ext->n, gen);
  if (!r)
    return NULL;
  for (int i = 0; i < ext->n; i++) {
    const jnode *k = ext->key[i], *v = ext->val[i];
    if (k->type != JOB_SCALAR) {
      r->key[r->n] = (jnode *)k;
      r->val[r->n++] = (jnode *)v;
      continue;
    }
    if (root && !strcmp(k->text, "extends"))
      continue;
    int j = find_unmerged(r, k->text, gen);
    const jnode *old = j >= 0 ? r->val[j] : NULL, *nv = v;
    if (old && old->type == JOB_MAP && v->type == JOB_MAP) {
      if (root && !strcmp(k->text, "parameters"))
        nv = merge_params(a, old, v, gen);
      else if (!root || strcmp(k->text, "regimes"))
        nv = merge_map(a, old, v, 0, gen);
      if (!nv)
        return NULL;
    }
    if (put(a, r, j >= 0 ? j : r->n, k, NULL, nv, gen))
      return NULL;
  }
  return r;
}

/* --------------------------------------------------------------- extends */

typedef struct chain {
  job_arena *a;
  mc_err *e;
  int n;
  const char *file[JOB_MAX_CHAIN + 1];
  dev_t dev[JOB_MAX_CHAIN + 1];
  ino_t ino[JOB_MAX_CHAIN + 1];
  int known[JOB_MAX_CHAIN + 1]; /* dev and ino are those of a file on disk */
} chain;

static int oom(chain *ch) { MC_RAISE(ch->e, MC_EFAIL, "out of memory reading the job"); }

/* Refuses at node n (not in a job_ctx: trees only). */
#define FAIL_NODE(e, n, ...) job_fail_pos((e), (n)->file, (n)->line, (n)->col, __VA_ARGS__)

/* The base file's path: v relative to the directory of file. */
static const char *base_path(chain *ch, const char *file, const char *v) {
  const char *slash = strrchr(file, '/');
  size_t dir = v[0] == '/' || !slash ? 0 : (size_t)(slash - file) + 1;
  char *p = job_alloc(ch->a, dir + strlen(v) + 1);
  if (p) {
    memcpy(p, file, dir);
    strcpy(p + dir, v);
  }
  return p;
}

/* The value of the root's `extends:` key (NULL: none); refuses it twice or
 * not a path. */
static int find_extends(chain *ch, const jnode *root, const jnode **val) {
  const jnode *k0 = NULL;
  *val = NULL;
  for (int i = 0; root && root->type == JOB_MAP && i < root->n; i++) {
    const jnode *k = root->key[i], *v = root->val[i];
    if (k->type != JOB_SCALAR || strcmp(k->text, "extends"))
      continue;
    char pos[1200], got[128];
    if (k0)
      return FAIL_NODE(ch->e, k,
                       "duplicate key 'extends' in the job (first at %s); expected each key once",
                       job_pos_text(k0, k, 1, pos, sizeof pos));
    k0 = k;
    job_describe(v, got, sizeof got);
    if (v->type != JOB_SCALAR || job_is_null(v) || !v->text[0])
      return FAIL_NODE(ch->e, v,
                       "extends: expected the path of a job file (relative to this file), got %s",
                       got);
    *val = v;
  }
  return MC_OK;
}

static int resolve_file(chain *ch, const char *path, const char *text, size_t len, jnode **out);

/* The base file named by value v of file's `extends:`, resolved into *out. */
static int resolve_base(chain *ch, const char *file, const jnode *v, jnode **out) {
  const char *path = base_path(ch, file, v->text);
  if (!path)
    return oom(ch);
  struct stat sb;
  if (stat(path, &sb) != 0)
    return FAIL_NODE(ch->e, v,
                     "extends: cannot open '%s' (%s): %s; expected the path of a job file, "
                     "relative to %s",
                     v->text, path, strerror(errno), file);
  if (!S_ISREG(sb.st_mode))
    return FAIL_NODE(ch->e, v,
                     "extends: '%s' (%s) is not a regular file; expected the path of a job file, "
                     "relative to %s",
                     v->text, path, file);
  for (int i = 0; i < ch->n; i++)
    if (ch->known[i] && ch->dev[i] == sb.st_dev && ch->ino[i] == sb.st_ino) {
      char cycle[2048];
      job_sb b = job_sb_fixed(cycle, sizeof cycle);
      for (int j = i; j < ch->n; j++)
        job_sb_add(&b, "%s -> ", ch->file[j]);
      job_sb_add(&b, "%s", path);
      return FAIL_NODE(ch->e, v,
                       "extends: a cycle, %s; expected a chain of files that ends in one "
                       "without extends:",
                       cycle);
    }
  if (ch->n == JOB_MAX_CHAIN)
    return FAIL_NODE(ch->e, v, "extends: more than %d files in the chain; expected at most %d",
                     JOB_MAX_CHAIN, JOB_MAX_CHAIN);
  ch->dev[ch->n] = sb.st_dev;
  ch->ino[ch->n] = sb.st_ino;
  ch->known[ch->n] = 1;
  char *btext;
  size_t blen;
  int rc = job_read_file(path, &btext, &blen, ch->e);
  if (rc == MC_OK) {
    rc = resolve_file(ch, path, btext, blen, out);
    free(btext);
  }
  return rc;
}

/* The tree of text (read from path), its extends: chain merged in. The
 * caller has set ch->dev/ino/known[ch->n] for path. */
static int resolve_file(chain *ch, const char *path, const char *text, size_t len, jnode **out) {
  const char *file = job_strndup(ch->a, path, strlen(path));
  if (!file)
    return oom(ch);
  ch->file[ch->n++] = file;
  jnode *root, *base;
  const jnode *v;
  int rc = job_tree_parse(ch->a, text, len, file, 0, &root, ch->e);
  if (rc == MC_OK)
    rc = find_extends(ch, root, &v);
  if (rc == MC_OK && v && (rc = resolve_base(ch, file, v, &base)) == MC_OK) {
    char got[128];
    job_describe(base, got, sizeof got);
    if (!base)
      rc = job_fail_pos(ch->e, ch->file[ch->n - 1], 1, 1,
                        "the job file is empty; expected a mapping with scenario:, time:, "
                        "sampling: and parameters:");
    else if (base->type != JOB_MAP)
      rc = FAIL_NODE(ch->e, base,
                     "the job: expected a mapping of scenario:, time:, sampling:, parameters:, "
                     "..., got %s",
                     got);
    else if (!(root = merge_map(ch->a, base, root, 1, ++ch->a->gen)))
      rc = oom(ch);
  }
  ch->n--;
  *out = root;
  return rc;
}

/* ------------------------------------------------------------------- --set */

/* The value of parameter full in the parameters mapping p, or NULL. */
static const jnode *param_value(const jnode *p, const char *full) {
  const jnode *v = job_lookup(p, full, NULL);
  const char *dot = strchr(full, '.');
  for (int i = 0; !v && i < p->n; i++) {
    const jnode *k = p->key[i];
    if (k->type == JOB_SCALAR && p->val[i]->type == JOB_MAP &&
        strlen(k->text) == (size_t)(dot - full) && !strncmp(k->text, full, (size_t)(dot - full)))
      v = job_lookup(p->val[i], dot + 1, NULL);
  }
  return v;
}

/* A mapping {k: v}, k a key node at argument column col. */
static jnode *single(job_arena *a, const char *origin, const char *k, size_t klen, int col,
                     jnode *v) {
  jnode *m = job_alloc(a, sizeof *m), *key = job_alloc(a, sizeof *key);
  jnode **keys = job_alloc(a, sizeof *keys), **vals = job_alloc(a, sizeof *vals);
  if (!m || !key || !keys || !vals || !(key->text = job_strndup(a, k, klen)))
    return NULL;
  key->type = JOB_SCALAR;
  key->plain = 1;
  key->file = m->file = origin;
  key->line = m->line = 1;
  key->col = m->col = col;
  m->type = JOB_MAP;
  m->n = 1;
  keys[0] = key;
  vals[0] = v;
  m->key = keys;
  m->val = vals;
  return m;
}

/* The value of a --set: VALUE read as YAML (flow) text, at its column. */
static int set_value(job_arena *a, const char *origin, const char *value, int col0, jnode **v,
                     mc_err *e) {
  int rc = job_tree_parse(a, value, strlen(value), origin, col0, v, e);
  if (rc == MC_OK && !*v) {
    if (!(*v = job_alloc(a, sizeof **v)))
      MC_RAISE(e, MC_EFAIL, "out of memory");
    **v = (jnode){
        .type = JOB_SCALAR, .plain = 1, .text = "", .file = origin, .line = 1, .col = col0 + 1};
  }
  return rc;
}

/* Applies one --set argument "KEY=VALUE" to *root. */
static int apply_set(job_arena *a, jnode **root, const char *arg, mc_err *e) {
  const char *eq = strchr(arg, '=');
  size_t olen = strlen(arg) + 7;
  char *origin = job_alloc(a, olen);
  if (!origin)
    MC_RAISE(e, MC_EFAIL, "out of memory");
  snprintf(origin, olen, "--set %s", arg);
  if (!eq || eq == arg)
    return job_fail_pos(
        e, origin, 1, 1,
        "expected KEY=VALUE with KEY a dotted path, such as "
        "--set parameters.capex.growth=\"1.2 to 1.5\" or --set time.horizon_year=2050");
  const char *comp[64];
  size_t clen[64];
  int nc = 0;
  for (const char *p = arg; p < eq; nc++) {
    const char *q = p;
    while (q < eq && *q != '.')
      q++;
    if (q == p || nc == 64 || (q == eq - 1 && *q == '.'))
      return job_fail_pos(e, origin, 1, (int)(q - arg) + 1,
                          "'%.*s' is not a key; expected KEY=VALUE with KEY a dotted path of "
                          "names, such as parameters.capex.growth",
                          (int)(eq - arg), arg);
    comp[nc] = p;
    clen[nc] = (size_t)(q - p);
    p = q < eq ? q + 1 : q;
  }
  if (clen[0] == 7 && !strncmp(comp[0], "extends", 7))
    return job_fail_pos(e, origin, 1, 1,
                        "extends: cannot be set on the command line; expected a key of the job "
                        "such as sampling.samples");
  jnode *v;
  int rc = set_value(a, origin, eq + 1, (int)(eq - arg) + 1, &v, e);
  if (rc)
    return rc;
  /* parameters.GROUP.NAME[.MORE]: GROUP.NAME is one key, the parameter's */
  int isparam = clen[0] == 10 && !strncmp(comp[0], "parameters", 10) && nc >= 3;
  for (int i = nc - 1; i >= (isparam ? 3 : 0) && v; i--)
    v = single(a, origin, comp[i], clen[i], (int)(comp[i] - arg) + 1, v);
  if (isparam && v) {
    size_t flen = (size_t)(comp[2] + clen[2] - comp[1]);
    char full[2 * MC_NAMELEN + 2];
    snprintf(full, sizeof full, "%.*s", (int)flen, comp[1]);
    const jnode *p =
        *root && (*root)->type == JOB_MAP ? job_lookup(*root, "parameters", NULL) : NULL;
    const jnode *cur = p && p->type == JOB_MAP ? param_value(p, full) : NULL;
    if (nc > 3 && cur && cur->type == JOB_MAP) /* into the parameter's current mapping */
      v = merge_map(a, cur, v, 0, ++a->gen);
    if (v)
      v = single(a, origin, comp[1], flen, (int)(comp[1] - arg) + 1, v);
    if (v)
      v = single(a, origin, comp[0], clen[0], 1, v);
  }
  if (!v)
    MC_RAISE(e, MC_EFAIL, "out of memory");
  if (!*root || (*root)->type != JOB_MAP)
    *root = *root ? *root : v;
  else if (!(*root = merge_map(a, *root, v, 1, ++a->gen)))
    MC_RAISE(e, MC_EFAIL, "out of memory");
  return MC_OK;
}

int job_resolve(job_arena *a, const char *name, const char *text, size_t len,
                const char *const *sets, int nsets, jnode **root, mc_err *e) {
  chain ch = {.a = a, .e = e};
  struct stat sb;
  if (stat(name, &sb) == 0) {
    ch.dev[0] = sb.st_dev;
    ch.ino[0] = sb.st_ino;
    ch.known[0] = 1;
  }
  int rc = resolve_file(&ch, name, text, len, root);
  for (int i = 0; rc == MC_OK && i < nsets; i++)
    rc = apply_set(a, root, sets[i], e);
  return rc;
}
