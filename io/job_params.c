/* Parameters (against the table of the job's model), their distributions,
 * the check that a distribution stays inside its parameter's valid range,
 * parameters given per regime, and correlations. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "job_internal.h"
#include "mc_copula.h"
#include "mc_model.h"

/* The extreme uniforms the sampler gives a quantile function
 * (engine/mc_sample.c: the designs give [2^-53, 1 - 2^-53], the copula's
 * scores are clamped to [2^-60, 1 - 2^-53]). */
#define U_MIN 0x1p-60
#define U_MAX (1.0 - 0x1p-53)

void job_init_names(job_ctx *c) {
  int n = 0;
  const mc_param_info *param = c->model->param;
  for (int p = 0; p < c->model->nparam; p++) {
    c->param_keys[p] = param[p].key;
    const char *dot = strchr(param[p].key, '.');
    size_t len = dot ? (size_t)(dot - param[p].key) : strlen(param[p].key);
    char g[MC_NAMELEN];
    snprintf(g, sizeof g, "%.*s", (int)len, param[p].key);
    int seen = 0;
    for (int i = 0; i < n; i++)
      seen |= !strcmp(c->group_buf[i], g);
    if (!seen) {
      strcpy(c->group_buf[n], g);
      c->groups[n] = c->group_buf[n];
      n++;
    }
  }
  c->ngroups = n;
}

static int is_group(const job_ctx *c, const char *s) {
  for (int i = 0; i < c->ngroups; i++)
    if (!strcmp(c->groups[i], s))
      return 1;
  return 0;
}

/* An unknown parameter key: the nearest known key, or those it is the second
 * word of ("compute" -> training.compute, inference.compute). */
static int unknown_param(job_ctx *c, const jnode *at, const char *key) {
  const mc_model_type *M = c->model;
  for (int i = 0; i < MC_NMODELS; i++)
    if (mc_models[i] != M && mc_param_find(mc_models[i], key) >= 0)
      return FAIL_AT(c, at,
                     "%s is a parameter of model %s, not of model %s (this job's model); "
                     "expected a parameter of model %s (docs/model.md), or model: %s",
                     key, mc_models[i]->name, M->name, M->name, mc_models[i]->name);
  const char *near = job_nearest(key, c->param_keys, M->nparam);
  if (!near && !strchr(key, '.'))
    near = job_nearest(key, c->groups, c->ngroups);
  if (near)
    return FAIL_AT(c, at,
                   "unknown key '%s' in parameters (did you mean '%s'?); expected a "
                   "parameter of model %s (docs/model.md) such as %s",
                   key, near, M->name, M->param[1].key);
  char also[256];
  job_sb b = job_sb_fixed(also, sizeof also);
  for (int p = 0; p < M->nparam; p++) {
    const char *dot = strchr(M->param[p].key, '.');
    if (dot && !strcmp(dot + 1, key))
      job_sb_add(&b, "%s'%s'", b.len ? " or " : "", M->param[p].key);
  }
  if (b.len)
    return FAIL_AT(c, at,
                   "unknown key '%s' in parameters (did you mean %s?); expected a "
                   "parameter key of model %s (docs/model.md)",
                   key, also, M->name);
  char list[2048];
  job_join(list, sizeof list, c->param_keys, M->nparam);
  return FAIL_AT(c, at, "unknown key '%s' in parameters of model %s; expected one of: %s", key,
                 M->name, list);
}

/* ------------------------------------------------------------- support */

static const char *article(const char *name) { return strchr("aeio", name[0]) ? "an" : "a"; }

static void range_text(const mc_param_info *pi, char *buf, size_t len) {
  char lo[32], hi[32];
  job_fmt_num(pi->lo, lo, sizeof lo);
  job_fmt_num(pi->hi, hi, sizeof hi);
  if (isfinite(pi->lo) && isfinite(pi->hi))
    snprintf(buf, len, "in %c%s, %s%c", pi->lo_open ? '(' : '[', lo, hi, pi->hi_open ? ')' : ']');
  else if (isfinite(pi->lo))
    snprintf(buf, len, "%s %s", pi->lo_open ? ">" : ">=", lo);
  else
    snprintf(buf, len, "%s %s", pi->hi_open ? "<" : "<=", hi);
}

/* Whether d can leave the valid range of pi, at its lower and upper end. An
 * end of a continuous distribution's own support that equals an open bound
 * (a beta on (0, 1]) is outside only when the sampler can return it: when the
 * quantile at the most extreme uniform it uses is that end. */
static void support_faults(const mc_param_info *pi, const mc_dist *d, int *bad_lo, int *bad_hi) {
  double lo, hi;
  int loa, hia;
  mc_dist_support(d, &lo, &loa, &hi, &hia);
  *bad_lo = lo < pi->lo || (lo == pi->lo && loa && pi->lo_open && isfinite(lo));
  *bad_hi = hi > pi->hi || (hi == pi->hi && hia && pi->hi_open && isfinite(hi));
  int continuous = d->nvals == 0 && !mc_dist_is_constant(d) && lo < hi;
  if (*bad_lo && lo == pi->lo && continuous && d->lo < lo && mc_dist_quantile(d, U_MIN) > lo)
    *bad_lo = 0;
  if (*bad_hi && hi == pi->hi && continuous && d->hi > hi && mc_dist_quantile(d, U_MAX) < hi)
    *bad_hi = 0;
}

/* What to write instead: truncate, or a bounded distribution. */
static void support_advice(const mc_param_info *pi, const mc_dist *d, int bad_lo, int bad_hi,
                           const char *written, char *advice, size_t len) {
  char lo_s[32], hi_s[32], bound[160], range[96];
  range_text(pi, range, sizeof range);
  job_fmt_num(pi->lo, lo_s, sizeof lo_s);
  job_fmt_num(pi->hi, hi_s, sizeof hi_s);
  if (bad_lo && bad_hi)
    snprintf(bound, sizeof bound, "min: and max: (values %s %s and %s %s)",
             pi->lo_open ? ">" : ">=", lo_s, pi->hi_open ? "<" : "<=", hi_s);
  else if (bad_lo)
    snprintf(bound, sizeof bound, "min: (a value %s %s)", pi->lo_open ? ">" : ">=", lo_s);
  else
    snprintf(bound, sizeof bound, "max: (a value %s %s)", pi->hi_open ? "<" : "<=", hi_s);
  int positive = pi->lo == 0 && pi->lo_open && isinf(pi->hi);
  if (written)
    snprintf(advice, len, "write it as {dist: %s, p5: A, p95: B, %s} to truncate it%s",
             d->type->name, bound,
             positive ? ", or give A > 0"
                      : ", or use a bounded distribution (uniform, triangular, pert, beta)");
  else if (d->type->truncatable)
    snprintf(advice, len, "truncate it with %s%s", bound,
             positive ? ", or use lognormal / \"A to B\"" : "");
  else if (d->nvals > 0)
    snprintf(advice, len, "expected every value %s", range);
  else
    snprintf(advice, len, "expected %s %s",
             bad_lo && bad_hi ? "min: and max:"
             : bad_lo         ? "min:"
                              : "max:",
             range);
}

/* Refuses a distribution that can leave the parameter's valid range
 * (docs/model.md "Validity"). label names it ("capex.growth", or with a
 * regime "capex.growth.trend"); written is the text of "A to B", else NULL. */
static int check_support(job_ctx *c, int p, const char *label, const mc_dist *d, const jnode *at,
                         const char *written) {
  const mc_param_info *pi = &c->model->param[p];
  int bad_lo, bad_hi;
  double lo, hi;
  support_faults(pi, d, &bad_lo, &bad_hi);
  mc_dist_support(d, &lo, NULL, &hi, NULL);
  if (!bad_lo && !bad_hi && !isnan(lo) && !isnan(hi))
    return MC_OK;
  char range[96], a[32], takes[128], advice[384];
  range_text(pi, range, sizeof range);
  if (lo == hi || mc_dist_is_constant(d)) {
    job_fmt_num(lo, a, sizeof a);
    return FAIL_AT(c, at, "%s: the value %s is outside the valid range; %s must be %s", label, a,
                   pi->key, range);
  }
  double bound = bad_lo ? pi->lo : pi->hi, end = bad_lo ? lo : hi;
  const char *rel = bad_lo ? (pi->lo_open ? "<=" : "<") : (pi->hi_open ? ">=" : ">");
  job_fmt_num(bound, a, sizeof a);
  if (end == bound)
    snprintf(takes, sizeof takes, "can take the value %s", a);
  else
    snprintf(takes, sizeof takes, "can take values %s %s", rel, a);
  support_advice(pi, d, bad_lo, bad_hi, written, advice, sizeof advice);
  if (written)
    return FAIL_AT(c, at, "%s: \"%s\" is %s %s distribution that %s, but %s must be %s; %s", label,
                   written, article(d->type->name), d->type->name, takes, pi->key, range, advice);
  return FAIL_AT(c, at, "%s: %s %s distribution %s, but %s must be %s; %s", label,
                 article(d->type->name), d->type->name, takes, pi->key, range, advice);
}

/* ------------------------------------------------------- distributions */

/* A value as the user wrote it (flow style), for `check` and messages. */
static void render(const jnode *v, job_sb *b, int depth) {
  if (v->type == JOB_SCALAR) {
    job_sb_add(b, "%s", v->text);
    return;
  }
  if (depth == 0) {
    job_sb_add(b, "%s", v->type == JOB_MAP ? "{...}" : "...");
    return;
  }
  job_sb_add(b, v->type == JOB_MAP ? "{" : "[");
  for (int i = 0; i < v->n; i++) {
    job_sb_add(b, "%s", i ? ", " : "");
    if (v->type == JOB_MAP)
      job_sb_add(b, "%s: ", job_sval(v->key[i]));
    render(v->val[i], b, depth - 1);
  }
  job_sb_add(b, v->type == JOB_MAP ? "}" : "]");
}

static void render_value(const jnode *v, char *buf, size_t len) {
  job_sb b = job_sb_fixed(buf, len);
  render(v, &b, 3);
}

/* A `values:` or `weights:` list of a discrete distribution into dst. */
static int load_list(job_ctx *c, const jnode *v, const char *what, double *dst, int *count) {
  int rc = job_want_sequence(c, v, what, "of numbers");
  if (rc)
    return rc;
  if (v->n > MC_DIST_MAXVALS)
    return FAIL_AT(c, v, "%s: %d values; expected at most %d", what, v->n, MC_DIST_MAXVALS);
  for (int i = 0; i < v->n; i++)
    if ((rc = job_get_number(c, v->val[i], what, &dst[i])))
      return rc;
  *count = v->n;
  return MC_OK;
}

/* The keys of a {dist: TYPE, ...} mapping into a; keynode[i] is where a.key[i]
 * was given. */
static int dist_args(job_ctx *c, const char *label, const mc_dist_type *t, const jnode *m,
                     mc_dist_args *a, const jnode **keynode) {
  int lists = job_has_word(t->keys, "values"), rc;
  char what[160];
  for (int i = 0; i < m->n; i++) {
    const jnode *k = m->key[i], *v = m->val[i];
    const char *name = k->text;
    if (!strcmp(name, "dist"))
      continue;
    snprintf(what, sizeof what, "%s.%s", label, name);
    if (!strcmp(name, "values") || !strcmp(name, "weights")) {
      if (!lists)
        return FAIL_AT(c, k, "%s: the %s distribution takes no '%s' list; expected keys: %s", label,
                       t->name, name, t->keys);
      if ((rc = load_list(c, v, what, name[0] == 'v' ? a->values : a->weights,
                          name[0] == 'v' ? &a->nvalues : &a->nweights)))
        return rc;
      continue;
    }
    if (a->n == MC_DIST_MAXKEYS)
      return FAIL_AT(c, k, "%s: more than %d keys; expected keys: %s", label, MC_DIST_MAXKEYS,
                     t->keys);
    if ((rc = job_get_number(c, v, what, &a->val[a->n])))
      return rc;
    keynode[a->n] = k;
    a->key[a->n++] = name;
  }
  return MC_OK;
}

static int load_dist_mapping(job_ctx *c, int p, const char *label, const jnode *m, mc_dist *d) {
  int rc = job_check_keys(c, m, label, NULL, 0);
  if (rc)
    return rc;
  char types[512], what[160], near[32], dym[128];
  mc_dist_type_list(types, sizeof types);
  const jnode *dn = job_lookup(m, "dist", NULL);
  if (!dn)
    return FAIL_AT(c, m,
                   "%s: the mapping has no dist: key; expected {dist: NAME, ...} with NAME "
                   "one of: %s",
                   label, types);
  snprintf(what, sizeof what, "%s.dist", label);
  if ((rc = job_want_string(c, dn, what, "a distribution name")))
    return rc;
  const mc_dist_type *t = mc_dist_type_find(dn->text);
  if (!t)
    return FAIL_AT(
        c, dn, "%s: unknown distribution '%s'%s; expected one of: %s", label, dn->text,
        job_did_you_mean(job_nearest_word(types, dn->text, near, sizeof near), dym, sizeof dym),
        types);
  mc_dist_args a;
  memset(&a, 0, sizeof a);
  a.nvalues = a.nweights = -1;
  const jnode *keynode[MC_DIST_MAXKEYS];
  if ((rc = dist_args(c, label, t, m, &a, keynode)))
    return rc;
  mc_err le = {0};
  int bad = -1;
  if (mc_dist_make(t->name, &a, d, &bad, &le) != MC_OK) {
    const jnode *at = bad >= 0 && bad < a.n ? keynode[bad] : m;
    const char *nr = bad >= 0 && bad < a.n && !job_has_word(t->keys, a.key[bad])
                         ? job_nearest_word(t->keys, a.key[bad], near, sizeof near)
                         : NULL;
    return FAIL_AT(c, at, "%s: %s%s", label, le.msg, job_did_you_mean(nr, dym, sizeof dym));
  }
  return check_support(c, p, label, d, m, NULL);
}

/* "A to B" with two numbers; 1 when s has that shape. */
static int parse_range(const char *s, double *a, double *b, int *nonfinite) {
  const char *to = strstr(s, " to ");
  if (!to)
    return 0;
  char left[128], right[128];
  const char *l0 = s, *l1 = to, *r0 = to + 4, *r1 = s + strlen(s);
  while (l0 < l1 && (*l0 == ' ' || *l0 == '\t'))
    l0++;
  while (l1 > l0 && (l1[-1] == ' ' || l1[-1] == '\t'))
    l1--;
  while (r0 < r1 && (*r0 == ' ' || *r0 == '\t'))
    r0++;
  while (r1 > r0 && (r1[-1] == ' ' || r1[-1] == '\t'))
    r1--;
  if (l1 - l0 >= (long)sizeof left || r1 - r0 >= (long)sizeof right)
    return 0;
  snprintf(left, sizeof left, "%.*s", (int)(l1 - l0), l0);
  snprintf(right, sizeof right, "%.*s", (int)(r1 - r0), r0);
  int ra = job_parse_number(left, a), rb = job_parse_number(right, b);
  if (ra == 1 || rb == 1)
    return 0;
  *nonfinite = ra == 2 || rb == 2;
  return 1;
}

static int load_range(job_ctx *c, int p, const char *label, const jnode *v, double a, double b,
                      mc_dist *d) {
  if (!(a < b)) {
    char as[32], bs[32];
    job_fmt_num(a, as, sizeof as);
    job_fmt_num(b, bs, sizeof bs);
    return FAIL_AT(c, v,
                   "%s: \"%s\" is not a range A to B with A < B; expected the 5th "
                   "percentile first, e.g. \"%s to %s\"",
                   label, v->text, bs, as);
  }
  mc_err le = {0};
  if (mc_dist_from_range(a, b, d, &le) != MC_OK)
    return FAIL_AT(c, v, "%s: \"%s\": %s", label, v->text, le.msg);
  return check_support(c, p, label, d, v, v->text);
}

/* One distribution of parameter p: a number, "A to B" or {dist: ...}. */
static int load_value(job_ctx *c, int p, const char *label, const jnode *v, mc_dist *d) {
  char got[128];
  if (v->type == JOB_MAP)
    return load_dist_mapping(c, p, label, v, d);
  if (v->type != JOB_SCALAR || job_is_null(v)) {
    job_describe(v, got, sizeof got);
    return FAIL_AT(c, v, "%s: expected a number, \"A to B\" or {dist: NAME, ...}, got %s", label,
                   got);
  }
  double a, b, x;
  int nonfinite = 0;
  if (parse_range(v->text, &a, &b, &nonfinite)) {
    if (nonfinite)
      return FAIL_AT(c, v,
                     "%s: \"%s\" has a non-finite bound; expected \"A to B\" with finite "
                     "numbers A < B",
                     label, v->text);
    return load_range(c, p, label, v, a, b, d);
  }
  int r = job_is_plain(v) ? job_parse_number(v->text, &x) : 1;
  if (r == 2)
    return FAIL_AT(c, v, "%s: %s is not a finite number; expected a finite number", label, v->text);
  if (r == 1) {
    job_describe(v, got, sizeof got);
    return FAIL_AT(c, v, "%s: expected a number, \"A to B\" or {dist: NAME, ...}, got %s", label,
                   got);
  }
  mc_dist_constant(x, d);
  return check_support(c, p, label, d, v, NULL);
}

/* ----------------------------------------------------------- per regime */

/* The index of regime name, or -1. */
static int regime_find(const mc_spec *s, const char *name) {
  for (int r = 0; r < s->nregime; r++)
    if (!strcmp(s->regime_name[r], name))
      return r;
  return -1;
}

/* Parameter p given per regime: {REGIME: VALUE, ...}, every regime once. */
static int load_per_regime(job_ctx *c, int p, const jnode *k, const jnode *m) {
  mc_spec *s = &c->job->spec;
  const char *key = c->model->param[p].key;
  const char *names[MC_MAXREGIME];
  char list[MC_MAXREGIME * MC_NAMELEN], pos[1200], dym[128];
  for (int r = 0; r < s->nregime; r++)
    names[r] = s->regime_name[r];
  job_join(list, sizeof list, names, s->nregime);
  job_pos_text(c->regimes_key, m, 0, pos, sizeof pos);
  int rc = job_check_keys(c, m, key, NULL, 0);
  if (rc)
    return rc;
  for (int i = 0; i < m->n; i++)
    if (regime_find(s, m->key[i]->text) < 0)
      return FAIL_AT(
          c, m->key[i],
          "%s: '%s' is not a regime of this job%s; expected a value per regime of "
          "regimes: (%s, at %s), or {dist: NAME, ...} for one distribution in all",
          key, m->key[i]->text,
          job_did_you_mean(job_nearest(m->key[i]->text, names, s->nregime), dym, sizeof dym), list,
          pos);
  if (s->nsplit + s->nregime > MC_MAXSPLIT)
    return FAIL_AT(c, k,
                   "%s: more than %d distributions given per regime in the job; expected at "
                   "most %d (parameters given per regime times regimes)",
                   key, MC_MAXSPLIT, MC_MAXSPLIT);
  for (int r = 0; r < s->nregime; r++) {
    const jnode *v = job_lookup(m, s->regime_name[r], NULL);
    if (!v)
      return FAIL_AT(c, m,
                     "%s: no value for regime '%s'; expected one for every regime of regimes: "
                     "(%s, at %s)",
                     key, s->regime_name[r], list, pos);
    char label[2 * MC_NAMELEN + 2];
    snprintf(label, sizeof label, "%s.%s", key, s->regime_name[r]);
    mc_regime_dist *sp = &s->split[s->nsplit];
    if ((rc = load_value(c, p, label, v, &sp->dist)))
      return rc;
    render_value(v, c->job->split[s->nsplit].written, sizeof c->job->split[s->nsplit].written);
    c->job->split[s->nsplit].line = v->line;
    c->job->split[s->nsplit].col = v->col;
    sp->param = p;
    sp->regime = r;
    s->nsplit++;
  }
  s->per_regime[p] = 1;
  s->dist[p] = s->split[s->nsplit - s->nregime].dist;
  return MC_OK;
}

static int load_param(job_ctx *c, int p, const jnode *k, const jnode *v) {
  const char *key = c->model->param[p].key;
  char pos[1200];
  if (c->param_key[p])
    return FAIL_AT(c, k, "%s is given twice (first at %s); expected each parameter once", key,
                   job_pos_text(c->param_key[p], k, 1, pos, sizeof pos));
  c->param_key[p] = k;
  mc_job_param *jp = &c->job->param[p];
  jp->line = v->line;
  jp->col = v->col;
  render_value(v, jp->written, sizeof jp->written);
  int rc;
  if (v->type == JOB_MAP && c->job->spec.nregime > 0 && !job_lookup(v, "dist", NULL))
    rc = load_per_regime(c, p, k, v);
  else
    rc = load_value(c, p, key, v, &c->job->spec.dist[p]);
  if (rc)
    return rc;
  c->job->spec.configured[p] = 1;
  return MC_OK;
}

/* The parameters of group name (value val, at key k). */
static int load_group(job_ctx *c, const jnode *k, const jnode *val) {
  const char *name = k->text;
  char where[96];
  snprintf(where, sizeof where, "parameters.%s", name);
  if (val->type != JOB_MAP) {
    char got[128];
    job_describe(val, got, sizeof got);
    const char *sub = "";
    const mc_param_info *param = c->model->param;
    for (int i = c->model->nparam - 1; i >= 0; i--)
      if (!strncmp(param[i].key, name, strlen(name)) && param[i].key[strlen(name)] == '.')
        sub = param[i].key + strlen(name) + 1;
    return FAIL_AT(c, val,
                   "parameters: %s is a group; expected a mapping of its parameters "
                   "(e.g. %s: {%s: ...}), got %s",
                   name, name, sub, got);
  }
  int rc = job_check_keys(c, val, where, NULL, 0);
  for (int i = 0; rc == MC_OK && i < val->n; i++) {
    char full[160];
    snprintf(full, sizeof full, "%s.%s", name, val->key[i]->text);
    int sp = mc_param_find(c->model, full);
    rc = sp < 0 ? unknown_param(c, val->key[i], full) : load_param(c, sp, val->key[i], val->val[i]);
  }
  return rc;
}

int job_load_parameters(job_ctx *c, const jnode *v) {
  int rc = job_want_mapping(c, v, "parameters", "of parameters, e.g. {training: {compute: ...}}");
  if (!rc)
    rc = job_check_keys(c, v, "parameters", NULL, 0);
  for (int i = 0; rc == MC_OK && i < v->n; i++) {
    const jnode *k = v->key[i];
    int p = mc_param_find(c->model, k->text);
    if (p >= 0)
      rc = load_param(c, p, k, v->val[i]);
    else if (!is_group(c, k->text))
      rc = unknown_param(c, k, k->text);
    else
      rc = load_group(c, k, v->val[i]);
  }
  return rc;
}

/* Required parameters (every missing one listed), and the optional
 * parameters of a group (MC_DEF_ABSENT, as model demand's power cap) given all
 * together or not at all. */
int job_check_parameters(job_ctx *c) {
  mc_spec *s = &c->job->spec;
  const mc_param_info *param = c->model->param;
  int np = c->model->nparam;
  char missing[2048], req[2048], group[256];
  job_sb b = job_sb_fixed(missing, sizeof missing);
  for (int p = 0; p < np; p++)
    if (param[p].dflt_kind == MC_DEF_REQUIRED && !s->configured[p])
      job_sb_add(&b, "%s%s", b.len ? ", " : "", param[p].key);
  if (b.len) {
    job_sb r = job_sb_fixed(req, sizeof req);
    for (int p = 0; p < np; p++)
      if (param[p].dflt_kind == MC_DEF_REQUIRED)
        job_sb_add(&r, "%s%s", r.len ? ", " : "", param[p].key);
    return FAIL_AT(c, c->params_key,
                   "missing required parameter%s of model %s: %s; expected every one of: %s",
                   strchr(missing, ',') ? "s" : "", c->model->name, missing, req);
  }
  int given = -1, absent = -1;
  for (int p = 0; p < np; p++)
    if (param[p].dflt_kind == MC_DEF_ABSENT) {
      if (s->configured[p] && given < 0)
        given = p;
      if (!s->configured[p] && absent < 0)
        absent = p;
    }
  if (given >= 0 && absent >= 0) {
    job_sb g = job_sb_fixed(group, sizeof group);
    for (int p = 0; p < np; p++)
      if (param[p].dflt_kind == MC_DEF_ABSENT)
        job_sb_add(&g, "%s%s", g.len ? " and " : "", param[p].key);
    return FAIL_AT(c, c->param_key[given],
                   "%s is given without %s; expected %s together (or neither)", param[given].key,
                   param[absent].key, group);
  }
  return MC_OK;
}

/* --------------------------------------------------------- correlations */

static const char *follows_text(const mc_model_type *M, int p, char *buf, size_t len) {
  const mc_param_info *pi = &M->param[p];
  switch (pi->dflt_kind) {
  case MC_DEF_FOLLOWS:
    snprintf(buf, len, "it follows %s by default", M->param[pi->follows].key);
    break;
  case MC_DEF_ABSENT:
    snprintf(buf, len, "it is absent without a power cap");
    break;
  default:
    snprintf(buf, len, "it takes its default constant");
    break;
  }
  return buf;
}

/* A parameter of a correlation: configured, into *id. */
static int corr_param(job_ctx *c, const jnode *x, int *id) {
  int rc = job_want_string(c, x, "correlations", "a parameter key");
  if (rc)
    return rc;
  char why[96], dym[128];
  *id = mc_param_find(c->model, x->text);
  if (*id < 0)
    return FAIL_AT(
        c, x,
        "correlations: unknown parameter '%s'%s; expected a configured "
        "parameter key such as training.compute",
        x->text,
        job_did_you_mean(job_nearest(x->text, c->param_keys, c->model->nparam), dym, sizeof dym));
  if (!c->job->spec.configured[*id])
    return FAIL_AT(c, x,
                   "correlations: %s is not configured (%s); expected a parameter "
                   "given under parameters:",
                   x->text, follows_text(c->model, *id, why, sizeof why));
  return MC_OK;
}

/* Correlation n: [PARAM_A, PARAM_B, RHO] into spec.corr[n]. */
static int corr_item(job_ctx *c, const jnode *item, int n) {
  mc_spec *s = &c->job->spec;
  int rc = job_want_sequence(c, item, "correlations", "[PARAM_A, PARAM_B, RHO]");
  if (rc)
    return rc;
  if (item->n != 3)
    return FAIL_AT(c, item, "correlations: a list of %d items; expected [PARAM_A, PARAM_B, RHO]",
                   item->n);
  int ab[2];
  for (int j = 0; j < 2; j++)
    if ((rc = corr_param(c, item->val[j], &ab[j])))
      return rc;
  const jnode *rn = item->val[2];
  double rho;
  if ((rc = job_get_number(c, rn, "correlations: rho", &rho)))
    return rc;
  if (ab[0] == ab[1])
    return FAIL_AT(c, item,
                   "correlations: %s is correlated with itself; expected two "
                   "different parameters",
                   c->model->param[ab[0]].key);
  if (fabs(rho) > 1)
    return FAIL_AT(c, rn,
                   "correlations: rho %s is outside [-1, 1]; expected a rank "
                   "correlation between -1 and 1",
                   rn->text);
  for (int j = 0; j < n; j++)
    if ((s->corr[j].a == ab[0] && s->corr[j].b == ab[1]) ||
        (s->corr[j].a == ab[1] && s->corr[j].b == ab[0])) {
      char pos[1200];
      return FAIL_AT(c, item,
                     "correlations: %s and %s are correlated twice (first at %s); "
                     "expected each pair once",
                     c->model->param[ab[0]].key, c->model->param[ab[1]].key,
                     job_pos_text(c->corr_item[j], item, 0, pos, sizeof pos));
    }
  c->corr_item[n] = item;
  s->corr[n] = (mc_correlation){ab[0], ab[1], rho};
  return MC_OK;
}

/* The correlations hold together: the copula the engine builds from them
 * exists (positive (semi)definite, mc_copula.h). */
static int corr_consistent(job_ctx *c, const jnode *ck) {
  mc_spec *s = &c->job->spec;
  int idx[MC_MAXPARAM], dim = 0, pos[MC_MAXPARAM];
  for (int p = 0; p < c->model->nparam; p++)
    pos[p] = -1;
  for (int j = 0; j < s->ncorr; j++) {
    int pair[2] = {s->corr[j].a, s->corr[j].b};
    for (int k = 0; k < 2; k++)
      if (pos[pair[k]] < 0) {
        pos[pair[k]] = dim;
        idx[dim++] = pair[k];
      }
  }
  double rho_s[MC_MAXPARAM * MC_MAXPARAM];
  const char *names[MC_MAXPARAM];
  for (int i = 0; i < dim; i++) {
    names[i] = c->model->param[idx[i]].key;
    for (int j = 0; j < dim; j++)
      rho_s[i * dim + j] = i == j;
  }
  for (int j = 0; j < s->ncorr; j++) {
    int a = pos[s->corr[j].a], b = pos[s->corr[j].b];
    rho_s[a * dim + b] = rho_s[b * dim + a] = s->corr[j].rho;
  }
  mc_copula cop;
  mc_err le = {0};
  if (mc_copula_init(dim, rho_s, names, &cop, &le) != MC_OK)
    return FAIL_AT(c, ck, "correlations: %s", le.msg);
  return MC_OK;
}

int job_load_correlations(job_ctx *c, const jnode *ck, const jnode *v) {
  mc_spec *s = &c->job->spec;
  if (job_is_null(v))
    return MC_OK;
  int rc = job_want_sequence(c, v, "correlations", "of [PARAM_A, PARAM_B, RHO]");
  if (rc)
    return rc;
  for (int i = 0; i < v->n; i++) {
    if (i == MC_MAXCORR)
      return FAIL_AT(c, v->val[i], "correlations: more than %d; expected at most %d", MC_MAXCORR,
                     MC_MAXCORR);
    if ((rc = corr_item(c, v->val[i], i)))
      return rc;
    s->ncorr = i + 1;
  }
  return s->ncorr ? corr_consistent(c, ck) : MC_OK;
}
