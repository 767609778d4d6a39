/* Job files: YAML (libyaml document API) into an mc_spec, and back.
 *
 * The document is loaded whole, so every node keeps its start mark; each
 * section is then walked against a fixed schema (docs/writing-jobs.md), the
 * parameters against the table of the job's model (`model:`, mc_model.h).
 * Every refusal names FILE:LINE:COLUMN (1-based) of the offending node. */
#include "mc_job.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "mc_copula.h"
#include "mc_model.h"

#define MAX_JOB_BYTES  (16 << 20)
#define MAX_GRID_YEARS MC_MAXYEARS

typedef struct ctx {
  const char *name; /* the file name used in messages */
  yaml_document_t *doc;
  mc_job *job;
  mc_err *e;
  const mc_model_type *model;                /* the job's model (its tables) */
  const yaml_node_t *param_key[MC_MAXPARAM]; /* where each parameter was given */
  const yaml_node_t *params_key;             /* the `parameters:` key, or NULL */
  const yaml_node_t *stop_key;               /* the sampling.stop_when value, or NULL */
  const yaml_node_t *corr_item[MC_MAXCORR];  /* where each correlation was given */
  const char *param_keys[MC_MAXPARAM];       /* for suggestions */
  const char *groups[MC_MAXPARAM];
  char group_buf[MC_MAXPARAM][MC_NAMELEN];
  int ngroups;
} ctx;

/* ---------------------------------------------------------------- helpers */

static int line_of(const yaml_node_t *n) { return n ? (int)n->start_mark.line + 1 : 1; }
static int col_of(const yaml_node_t *n) { return n ? (int)n->start_mark.column + 1 : 1; }

static int fail_at_pos(ctx *c, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at_pos(ctx *c, int line, int col, const char *fmt, ...) {
  char msg[1800];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return mc_err_set(c->e, MC_EINPUT, "%s:%d:%d: %s", c->name, line, col, msg);
}

/* Refuses at node n (NULL: the start of the file). */
#define FAIL_AT(c, n, ...) fail_at_pos((c), line_of(n), col_of(n), __VA_ARGS__)

static const yaml_node_t *get(ctx *c, int id) { return yaml_document_get_node(c->doc, id); }

/* A scalar's text; a sequence or mapping (as a key, say) reads as a placeholder
 * instead of whatever its union holds. */
static const char *sval(const yaml_node_t *n) {
  if (n->type == YAML_SCALAR_NODE)
    return (const char *)n->data.scalar.value;
  return n->type == YAML_SEQUENCE_NODE ? "[...]" : n->type == YAML_MAPPING_NODE ? "{...}" : "";
}

static int is_plain(const yaml_node_t *n) {
  return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static int is_null(const yaml_node_t *n) {
  if (!is_plain(n))
    return 0;
  const char *s = sval(n);
  return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* Number syntax: YAML 1.1/1.2 decimal floats and integers, underscores between
 * digits allowed. Returns 0 (ok), 1 (not a number), 2 (not finite). */
static int parse_number(const char *s, double *v) {
  const char *q = s;
  if (*q == '+' || *q == '-')
    q++;
  static const char *const nonfinite[] = {".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"};
  for (size_t i = 0; i < sizeof nonfinite / sizeof nonfinite[0]; i++)
    if (!strcmp(q, nonfinite[i]))
      return 2;
  if (!strcasecmp(q, "inf") || !strcasecmp(q, "infinity") || !strcasecmp(q, "nan"))
    return 2;
  char buf[128];
  size_t n = 0, digits = 0;
  const char *p = s;
  if (*p == '+' || *p == '-')
    buf[n++] = *p++;
  while (*p && n < sizeof buf - 1) {
    if (isdigit((unsigned char)*p)) {
      buf[n++] = *p++;
      digits++;
    } else if (*p == '_' && n && isdigit((unsigned char)buf[n - 1]) &&
               isdigit((unsigned char)p[1])) {
      p++;
    } else {
      break;
    }
  }
  if (*p == '.') {
    buf[n++] = *p++;
    while (isdigit((unsigned char)*p) && n < sizeof buf - 1) {
      buf[n++] = *p++;
      digits++;
    }
  }
  if (!digits)
    return 1;
  if ((*p == 'e' || *p == 'E') && n < sizeof buf - 8) {
    buf[n++] = *p++;
    if (*p == '+' || *p == '-')
      buf[n++] = *p++;
    if (!isdigit((unsigned char)*p))
      return 1;
    while (isdigit((unsigned char)*p) && n < sizeof buf - 1)
      buf[n++] = *p++;
  }
  if (*p)
    return 1;
  buf[n] = '\0';
  errno = 0;
  char *end;
  double x = strtod(buf, &end);
  if (*end)
    return 1;
  if (!isfinite(x))
    return 2;
  *v = x;
  return 0;
}

/* "1.5" for messages and YAML: the shortest %g form that reads back exactly
 * (so "20", not "2e+01"; at most the 17 digits of %.17g). */
static void fmt_num(double v, char *buf, size_t len) {
  char best[40] = "", cand[40];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(cand, sizeof cand, "%.*g", prec, v);
    if (strtod(cand, NULL) == v && (!best[0] || strlen(cand) < strlen(best)))
      strcpy(best, cand);
  }
  if (!best[0])
    snprintf(best, sizeof best, "%.17g", v);
  snprintf(buf, len, "%s", best);
}

/* Appends to a fixed buffer, marking truncation with "...". */
typedef struct sbuf {
  char *s;
  size_t len, cap;
  int full;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(sbuf *b, const char *fmt, ...) {
  if (b->full)
    return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= b->cap - b->len) {
    b->full = 1;
    b->len = b->cap - 1;
    if (b->cap > 4)
      strcpy(b->s + b->cap - 4, "...");
  } else {
    b->len += (size_t)n;
  }
}

/* What a node is, for "got ..." in messages. */
static void describe_node(const yaml_node_t *n, char *buf, size_t len) {
  if (!n) {
    snprintf(buf, len, "nothing");
  } else if (n->type == YAML_MAPPING_NODE) {
    snprintf(buf, len, "a mapping");
  } else if (n->type == YAML_SEQUENCE_NODE) {
    snprintf(buf, len, "a list");
  } else if (is_null(n)) {
    snprintf(buf, len, "nothing");
  } else {
    double v;
    int r = is_plain(n) ? parse_number(sval(n), &v) : 1;
    if (r == 0)
      snprintf(buf, len, "the number %.60s", sval(n));
    else if (r == 2)
      snprintf(buf, len, "the non-finite number %.60s", sval(n));
    else {
      char text[64];
      size_t k = 0;
      for (const char *p = sval(n); *p && k < 60; p++)
        text[k++] = iscntrl((unsigned char)*p) ? ' ' : *p;
      text[k] = '\0';
      snprintf(buf, len, "the %sstring \"%s%s\"", is_plain(n) ? "" : "quoted ", text,
               strlen(sval(n)) > 60 ? "..." : "");
    }
  }
}

/* Optimal string alignment distance (edits, adjacent transpositions). */
static int edit_distance(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b);
  if (n > 126 || m > 126)
    return 1000;
  int d[128][128];
  for (size_t i = 0; i <= n; i++)
    d[i][0] = (int)i;
  for (size_t j = 0; j <= m; j++)
    d[0][j] = (int)j;
  for (size_t i = 1; i <= n; i++)
    for (size_t j = 1; j <= m; j++) {
      int cost = a[i - 1] != b[j - 1];
      int x = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < x)
        x = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < x)
        x = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < x)
        x = d[i - 2][j - 2] + 1;
      d[i][j] = x;
    }
  return d[n][m];
}

/* The candidate nearest to key when it is near enough to be a likely typo. */
static const char *nearest(const char *key, const char *const *cand, int n) {
  const char *best = NULL;
  int bestd = 1 << 30;
  for (int i = 0; i < n; i++) {
    int d = edit_distance(key, cand[i]);
    if (d < bestd) {
      bestd = d;
      best = cand[i];
    }
  }
  if (!best)
    return NULL;
  int lim = (int)strlen(best) / 3;
  if (lim < 2)
    lim = 2;
  return bestd <= lim ? best : NULL;
}

static void join(char *buf, size_t len, const char *const *list, int n) {
  sbuf b = {buf, 0, len, 0};
  buf[0] = '\0';
  for (int i = 0; i < n; i++)
    sb_add(&b, "%s%s", i ? ", " : "", list[i]);
}

/* --------------------------------------------------------- typed values */

static int want_mapping(ctx *c, const yaml_node_t *n, const char *what, const char *example) {
  if (n->type == YAML_MAPPING_NODE)
    return MC_OK;
  char got[128];
  describe_node(n, got, sizeof got);
  return FAIL_AT(c, n, "%s: expected a mapping%s%s, got %s", what, example ? " " : "",
                 example ? example : "", got);
}

static int want_sequence(ctx *c, const yaml_node_t *n, const char *what, const char *example) {
  if (n->type == YAML_SEQUENCE_NODE)
    return MC_OK;
  char got[128];
  describe_node(n, got, sizeof got);
  return FAIL_AT(c, n, "%s: expected a list%s%s, got %s", what, example ? " " : "",
                 example ? example : "", got);
}

static int want_string(ctx *c, const yaml_node_t *n, const char *what, const char *expected) {
  if (n->type == YAML_SCALAR_NODE && !is_null(n))
    return MC_OK;
  char got[128];
  describe_node(n, got, sizeof got);
  return FAIL_AT(c, n, "%s: expected %s, got %s", what, expected, got);
}

static int get_number(ctx *c, const yaml_node_t *n, const char *what, double *v) {
  char got[128];
  if (n->type == YAML_SCALAR_NODE && is_plain(n)) {
    int r = parse_number(sval(n), v);
    if (r == 0)
      return MC_OK;
    if (r == 2)
      return FAIL_AT(c, n, "%s: %s is not a finite number; expected a finite number", what,
                     sval(n));
  }
  describe_node(n, got, sizeof got);
  if (n->type == YAML_SCALAR_NODE && !is_plain(n) && parse_number(sval(n), v) == 0)
    return FAIL_AT(c, n, "%s: expected a number, got %s; write numbers without quotes", what, got);
  return FAIL_AT(c, n, "%s: expected a number, got %s", what, got);
}

/* An integer written as 2030, 1000000, 1_000_000 or 1e6, in [lo, hi]. */
static int get_uint(ctx *c, const yaml_node_t *n, const char *what, uint64_t lo, uint64_t hi,
                    uint64_t *out) {
  double v;
  int rc = get_number(c, n, what, &v);
  if (rc)
    return rc;
  const char *s = sval(n);
  int digits_only = *s != '\0';
  for (const char *p = s; *p; p++)
    if (!isdigit((unsigned char)*p) && *p != '_')
      digits_only = 0;
  uint64_t u;
  if (digits_only) {
    char buf[64];
    size_t k = 0;
    for (const char *p = s; *p && k < sizeof buf - 1; p++)
      if (*p != '_')
        buf[k++] = *p;
    buf[k] = '\0';
    errno = 0;
    unsigned long long x = strtoull(buf, NULL, 10);
    if (errno == ERANGE || k >= 21)
      goto range;
    u = (uint64_t)x;
  } else {
    if (v != floor(v))
      return FAIL_AT(c, n, "%s: %s is not a whole number; expected an integer", what, s);
    if (v < 0 || v >= 18446744073709551616.0)
      goto range;
    u = (uint64_t)v;
  }
  if (u < lo || u > hi)
    goto range;
  *out = u;
  return MC_OK;
range:
  if (hi == UINT64_MAX)
    return FAIL_AT(c, n, "%s: %s is out of range; expected an integer >= %llu", what, s,
                   (unsigned long long)lo);
  return FAIL_AT(c, n, "%s: %s is out of range; expected an integer in [%llu, %llu]", what, s,
                 (unsigned long long)lo, (unsigned long long)hi);
}

static int get_year(ctx *c, const yaml_node_t *n, const char *what, int *out) {
  double v;
  int rc = get_number(c, n, what, &v);
  if (rc)
    return rc;
  if (v != floor(v) || v < 1 || v > 99999)
    return FAIL_AT(c, n, "%s: %s is not a year; expected a whole year such as 2025", what, sval(n));
  *out = (int)v;
  return MC_OK;
}

static int get_bool(ctx *c, const yaml_node_t *n, const char *what, int *out) {
  static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
  static const char *const no[] = {"false", "False", "FALSE", "no", "No",
                                   "NO",    "off",   "Off",   "OFF"};
  if (is_plain(n)) {
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
      if (!strcmp(sval(n), yes[i]))
        return *out = 1, MC_OK;
      if (!strcmp(sval(n), no[i]))
        return *out = 0, MC_OK;
    }
  }
  char got[128];
  describe_node(n, got, sizeof got);
  return FAIL_AT(c, n, "%s: expected true or false, got %s", what, got);
}

/* Checks that every key of mapping m is a plain string and unique and, when
 * valid is given, one of valid (suggesting the nearest on a typo). */
static int check_keys(ctx *c, const yaml_node_t *m, const char *where, const char *const *valid,
                      int nvalid) {
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
    const yaml_node_t *k = get(c, p->key);
    if (k->type != YAML_SCALAR_NODE || is_null(k)) {
      char got[128];
      describe_node(k, got, sizeof got);
      return FAIL_AT(c, k, "%s: a key is %s; expected a name", where, got);
    }
    for (yaml_node_pair_t *q = m->data.mapping.pairs.start; q < p; q++) {
      const yaml_node_t *k0 = get(c, q->key);
      if (k0->type == YAML_SCALAR_NODE && !strcmp(sval(k0), sval(k)))
        return FAIL_AT(c, k,
                       "duplicate key '%s' in %s (first at line %d, column %d); expected each "
                       "key once",
                       sval(k), where, line_of(k0), col_of(k0));
    }
    if (!valid)
      continue;
    int ok = 0;
    for (int i = 0; i < nvalid && !ok; i++)
      ok = !strcmp(valid[i], sval(k));
    if (ok)
      continue;
    const char *near = nearest(sval(k), valid, nvalid);
    char list[512];
    join(list, sizeof list, valid, nvalid);
    if (!strcmp(where, "power") &&
        (!strcmp(sval(k), "capacity") || !strcmp(sval(k), "capacity_growth")))
      return FAIL_AT(c, k,
                     "unknown key '%s' in power; power.%s is a parameter: give it under "
                     "parameters:, expected here only: %s",
                     sval(k), sval(k), list);
    if (near)
      return FAIL_AT(c, k, "unknown key '%s' in %s (did you mean '%s'?); expected one of: %s",
                     sval(k), where, near, list);
    return FAIL_AT(c, k, "unknown key '%s' in %s; expected one of: %s", sval(k), where, list);
  }
  return MC_OK;
}

/* The value of key in mapping m (already checked), or NULL; *key_node gets
 * the key. */
static const yaml_node_t *lookup(ctx *c, const yaml_node_t *m, const char *key,
                                 const yaml_node_t **key_node) {
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
    const yaml_node_t *k = get(c, p->key);
    if (!strcmp(sval(k), key)) {
      if (key_node)
        *key_node = k;
      return get(c, p->value);
    }
  }
  return NULL;
}

/* ------------------------------------------------------------- sections */

static int load_scenario(ctx *c, const yaml_node_t *v) {
  int rc = want_string(c, v, "scenario", "a name such as epoch-2030");
  if (rc)
    return rc;
  const char *s = sval(v);
  if (strlen(s) >= sizeof c->job->spec.scenario)
    return FAIL_AT(c, v, "scenario: the name is %zu characters long; expected at most %zu",
                   strlen(s), sizeof c->job->spec.scenario - 1);
  for (const char *p = s; *p; p++)
    if (*p == '/' || *p == '\\' || iscntrl((unsigned char)*p))
      return FAIL_AT(c, v,
                     "scenario: '%s' contains '%c' but names the output file; expected a name "
                     "without slashes or control characters",
                     s, iscntrl((unsigned char)*p) ? '?' : *p);
  if (s[0] == '.' || s[0] == '-')
    return FAIL_AT(c, v,
                   "scenario: '%s' starts with '%c'; expected a name starting with a "
                   "letter or digit",
                   s, s[0]);
  strcpy(c->job->spec.scenario, s);
  return MC_OK;
}

static int load_description(ctx *c, const yaml_node_t *v) {
  if (is_null(v))
    return MC_OK;
  int rc = want_string(c, v, "description", "free text");
  if (rc)
    return rc;
  if (strlen(sval(v)) >= sizeof c->job->description)
    return FAIL_AT(c, v, "description: %zu characters long; expected at most %zu", strlen(sval(v)),
                   sizeof c->job->description - 1);
  strcpy(c->job->description, sval(v));
  size_t n = strlen(c->job->description);
  while (n && isspace((unsigned char)c->job->description[n - 1]))
    c->job->description[--n] = '\0';
  return MC_OK;
}

static int load_time(ctx *c, const yaml_node_t *v) {
  static const char *const keys[] = {"base_year", "horizon_year"};
  int rc = want_mapping(c, v, "time", "{base_year: 2025, horizon_year: 2040}");
  if (!rc)
    rc = check_keys(c, v, "time", keys, 2);
  if (rc)
    return rc;
  mc_spec *s = &c->job->spec;
  const yaml_node_t *b = lookup(c, v, "base_year", NULL), *h = lookup(c, v, "horizon_year", NULL);
  if (b && (rc = get_year(c, b, "time.base_year", &s->base_year)))
    return rc;
  if (h && (rc = get_year(c, h, "time.horizon_year", &s->horizon_year)))
    return rc;
  const yaml_node_t *at = h ? h : b ? b : v;
  if (s->horizon_year <= s->base_year)
    return FAIL_AT(c, at,
                   "time: the horizon year %d is not after the base year %d; expected "
                   "horizon_year > base_year",
                   s->horizon_year, s->base_year);
  if (s->horizon_year - s->base_year >= MAX_GRID_YEARS)
    return FAIL_AT(c, at, "time: %d to %d spans %d years; expected at most %d grid years",
                   s->base_year, s->horizon_year, s->horizon_year - s->base_year + 1,
                   MAX_GRID_YEARS);
  return MC_OK;
}

static int load_stop_when(ctx *c, const yaml_node_t *v) {
  static const char *const keys[] = {"standard_error"};
  int rc = want_mapping(c, v, "sampling.stop_when", "{standard_error: 0.001}");
  if (!rc)
    rc = check_keys(c, v, "sampling.stop_when", keys, 1);
  if (rc)
    return rc;
  const yaml_node_t *n = lookup(c, v, "standard_error", NULL);
  if (!n)
    return FAIL_AT(c, v,
                   "sampling.stop_when: no standard_error; expected {standard_error: TARGET}, "
                   "the standard error every crossover probability must reach");
  double se;
  if ((rc = get_number(c, n, "sampling.stop_when.standard_error", &se)))
    return rc;
  if (!(se > 0 && se < 0.5))
    return FAIL_AT(c, n,
                   "sampling.stop_when.standard_error: %s is outside (0, 0.5); expected a "
                   "standard error of a probability such as 0.001",
                   sval(n));
  c->job->spec.stop_se = se;
  return MC_OK;
}

static int load_sampling(ctx *c, const yaml_node_t *v) {
  static const char *const keys[] = {"samples", "method", "seed", "stop_when"};
  int rc = want_mapping(c, v, "sampling", "{samples: 1000000, method: lhs, seed: 2030}");
  if (!rc)
    rc = check_keys(c, v, "sampling", keys, 4);
  if (rc)
    return rc;
  mc_spec *s = &c->job->spec;
  const yaml_node_t *n, *stop;
  if ((n = lookup(c, v, "samples", NULL)) &&
      (rc = get_uint(c, n, "sampling.samples", 1, MC_JOB_MAX_SAMPLES, &s->samples)))
    return rc;
  if ((n = lookup(c, v, "seed", NULL)) &&
      (rc = get_uint(c, n, "sampling.seed", 0, UINT64_MAX, &s->seed)))
    return rc;
  if ((n = lookup(c, v, "method", NULL))) {
    char list[128];
    join(list, sizeof list, mc_method_names, 3);
    if ((rc = want_string(c, n, "sampling.method", "one of mc, lhs, sobol")))
      return rc;
    int m = -1;
    for (int i = 0; i < 3; i++)
      if (!strcmp(sval(n), mc_method_names[i]))
        m = i;
    if (m < 0) {
      const char *near = nearest(sval(n), mc_method_names, 3);
      return FAIL_AT(c, n, "sampling.method: unknown method '%s'%s%s%s; expected one of: %s",
                     sval(n), near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "",
                     list);
    }
    s->method = m;
  }
  if ((stop = lookup(c, v, "stop_when", NULL))) {
    if ((rc = load_stop_when(c, stop)))
      return rc;
    if (s->method == MC_METHOD_LHS)
      return FAIL_AT(c, stop,
                     "sampling.stop_when: a Latin hypercube (method: lhs) is stratified only "
                     "over all its samples, and a run stopped early would hold a random subset "
                     "of its strata; expected method: sobol or mc with stop_when");
    c->stop_key = stop;
  }
  return MC_OK;
}

static int load_power(ctx *c, const yaml_node_t *v) {
  static const char *const keys[] = {"policy"};
  int rc = want_mapping(c, v, "power", "{policy: proportional}");
  if (!rc)
    rc = check_keys(c, v, "power", keys, 1);
  if (rc)
    return rc;
  const yaml_node_t *n = lookup(c, v, "policy", NULL);
  if (!n)
    return MC_OK;
  char list[128];
  join(list, sizeof list, mc_policy_names, 3);
  if ((rc = want_string(c, n, "power.policy", "a policy name")))
    return rc;
  for (int i = 0; i < 3; i++)
    if (!strcmp(sval(n), mc_policy_names[i])) {
      c->job->spec.policy = i;
      return MC_OK;
    }
  const char *near = nearest(sval(n), mc_policy_names, 3);
  return FAIL_AT(c, n, "power.policy: unknown policy '%s'%s%s%s; expected one of: %s", sval(n),
                 near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "", list);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int valid_name(const char *s) {
  if (!*s)
    return 0;
  for (const char *p = s; *p; p++)
    if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
      return 0;
  return 1;
}

static int load_crossovers(ctx *c, const yaml_node_t *v) {
  mc_spec *s = &c->job->spec;
  int rc = want_mapping(c, v, "outputs.crossovers", "{NAME: [LHS_SERIES, RHS_SERIES], ...}");
  if (!rc)
    rc = check_keys(c, v, "outputs.crossovers", NULL, 0);
  if (rc)
    return rc;
  const char *series[MC_MAXSERIES];
  int nseries = 0;
  for (int i = 0; i < s->model->nseries; i++)
    if (mc_spec_has_series(s, i))
      series[nseries++] = s->model->series[i].name;
  char list[1024];
  join(list, sizeof list, series, nseries);
  int n = 0;
  for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
    const yaml_node_t *k = get(c, p->key), *val = get(c, p->value);
    if (n == MC_MAXCROSS)
      return FAIL_AT(c, k, "outputs.crossovers: more than %d crossovers; expected at most %d",
                     MC_MAXCROSS, MC_MAXCROSS);
    if (!valid_name(sval(k)) || strlen(sval(k)) >= MC_NAMELEN)
      return FAIL_AT(c, k,
                     "outputs.crossovers: '%s' is not a usable crossover name; expected letters, "
                     "digits, '_' or '-' (at most %d)",
                     sval(k), MC_NAMELEN - 1);
    char what[MC_NAMELEN + 32];
    snprintf(what, sizeof what, "outputs.crossovers.%s", sval(k));
    if ((rc = want_sequence(c, val, what, "[LHS_SERIES, RHS_SERIES]")))
      return rc;
    int len = (int)(val->data.sequence.items.top - val->data.sequence.items.start);
    if (len != 2)
      return FAIL_AT(c, val, "%s: a list of %d names; expected two series [LHS, RHS]", what, len);
    int side[2];
    for (int j = 0; j < 2; j++) {
      const yaml_node_t *sn = get(c, val->data.sequence.items.start[j]);
      if ((rc = want_string(c, sn, what, "a series name")))
        return rc;
      side[j] = mc_series_find(s->model, sval(sn));
      if (side[j] >= 0 && !mc_spec_has_series(s, side[j]))
        return FAIL_AT(c, sn, "%s: %s exists only with %s; expected one of: %s", what, sval(sn),
                       s->model->series[side[j]].needs, list);
      if (side[j] < 0) {
        const char *near = nearest(sval(sn), series, nseries);
        return FAIL_AT(c, sn, "%s: unknown series '%s'%s%s%s; expected one of: %s", what, sval(sn),
                       near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "", list);
      }
    }
    if (side[0] == side[1])
      return FAIL_AT(c, val, "%s: compares %s with itself; expected two different series", what,
                     s->model->series[side[0]].name);
    strcpy(s->cross[n].name, sval(k));
    s->cross[n].lhs = side[0];
    s->cross[n].rhs = side[1];
    n++;
  }
  if (n == 0)
    return FAIL_AT(c, v, "outputs.crossovers: empty; expected at least one NAME: [LHS, RHS]");
  s->ncross = n;
  return MC_OK;
}

static int load_outputs(ctx *c, const yaml_node_t *v) {
  static const char *const keys[] = {"percentiles", "relative_accuracy", "crossovers", "samples"};
  int rc = want_mapping(c, v, "outputs", "{percentiles: [...], crossovers: {...}}");
  if (!rc)
    rc = check_keys(c, v, "outputs", keys, 4);
  if (rc)
    return rc;
  mc_spec *s = &c->job->spec;
  const yaml_node_t *n;
  if ((n = lookup(c, v, "percentiles", NULL))) {
    if ((rc = want_sequence(c, n, "outputs.percentiles", "[5, 50, 95]")))
      return rc;
    int len = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (len == 0)
      return FAIL_AT(c, n, "outputs.percentiles: empty; expected at least one percentile");
    if (len > MC_MAXPCT)
      return FAIL_AT(c, n, "outputs.percentiles: %d values; expected at most %d", len, MC_MAXPCT);
    for (int i = 0; i < len; i++) {
      const yaml_node_t *x = get(c, n->data.sequence.items.start[i]);
      if ((rc = get_number(c, x, "outputs.percentiles", &s->pct[i])))
        return rc;
      if (!(s->pct[i] > 0 && s->pct[i] < 100))
        return FAIL_AT(c, x,
                       "outputs.percentiles: %s is outside (0, 100); expected percentiles "
                       "strictly between 0 and 100",
                       sval(x));
      for (int j = 0; j < i; j++)
        if (s->pct[j] == s->pct[i])
          return FAIL_AT(c, x, "outputs.percentiles: %s is given twice; expected each once",
                         sval(x));
    }
    s->npct = len;
    qsort(s->pct, (size_t)len, sizeof s->pct[0], cmp_double);
  }
  if ((n = lookup(c, v, "relative_accuracy", NULL))) {
    if ((rc = get_number(c, n, "outputs.relative_accuracy", &s->rel_acc)))
      return rc;
    if (!(s->rel_acc > 0 && s->rel_acc < 0.1))
      return FAIL_AT(c, n,
                     "outputs.relative_accuracy: %s is outside (0, 0.1); expected a relative "
                     "accuracy such as 0.001",
                     sval(n));
  }
  if ((n = lookup(c, v, "crossovers", NULL)) && (rc = load_crossovers(c, n)))
    return rc;
  if ((n = lookup(c, v, "samples", NULL)) &&
      (rc = get_bool(c, n, "outputs.samples", &s->samples_out)))
    return rc;
  return MC_OK;
}

/* ----------------------------------------------------------- parameters */

/* The parameter keys, and the groups (first words) they nest under. */
static void init_names(ctx *c) {
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

static int is_group(const ctx *c, const char *s) {
  for (int i = 0; i < c->ngroups; i++)
    if (!strcmp(c->groups[i], s))
      return 1;
  return 0;
}

/* An unknown parameter key: the nearest known key, or those it is the second
 * word of ("compute" -> training.compute, inference.compute). */
static int unknown_param(ctx *c, const yaml_node_t *at, const char *key) {
  const mc_model_type *M = c->model;
  for (int i = 0; i < MC_NMODELS; i++)
    if (mc_models[i] != M && mc_param_find(mc_models[i], key) >= 0)
      return FAIL_AT(c, at,
                     "%s is a parameter of model %s, not of model %s (this job's model); "
                     "expected a parameter of model %s (docs/model.md), or model: %s",
                     key, mc_models[i]->name, M->name, M->name, mc_models[i]->name);
  const char *near = nearest(key, c->param_keys, M->nparam);
  if (!near && !strchr(key, '.'))
    near = nearest(key, c->groups, c->ngroups);
  if (near)
    return FAIL_AT(c, at,
                   "unknown key '%s' in parameters (did you mean '%s'?); expected a "
                   "parameter of model %s (docs/model.md) such as %s",
                   key, near, M->name, M->param[1].key);
  char also[256] = "";
  sbuf b = {also, 0, sizeof also, 0};
  for (int p = 0; p < M->nparam; p++) {
    const char *dot = strchr(M->param[p].key, '.');
    if (dot && !strcmp(dot + 1, key))
      sb_add(&b, "%s'%s'", b.len ? " or " : "", M->param[p].key);
  }
  if (b.len)
    return FAIL_AT(c, at,
                   "unknown key '%s' in parameters (did you mean %s?); expected a "
                   "parameter key of model %s (docs/model.md)",
                   key, also, M->name);
  char list[2048];
  join(list, sizeof list, c->param_keys, M->nparam);
  return FAIL_AT(c, at, "unknown key '%s' in parameters of model %s; expected one of: %s", key,
                 M->name, list);
}

static const char *article(const char *name) { return strchr("aeio", name[0]) ? "an" : "a"; }

static void range_text(const mc_param_info *pi, char *buf, size_t len) {
  char lo[32], hi[32];
  fmt_num(pi->lo, lo, sizeof lo);
  fmt_num(pi->hi, hi, sizeof hi);
  if (isfinite(pi->lo) && isfinite(pi->hi))
    snprintf(buf, len, "in %c%s, %s%c", pi->lo_open ? '(' : '[', lo, hi, pi->hi_open ? ')' : ']');
  else if (isfinite(pi->lo))
    snprintf(buf, len, "%s %s", pi->lo_open ? ">" : ">=", lo);
  else
    snprintf(buf, len, "%s %s", pi->hi_open ? "<" : "<=", hi);
}

/* Refuses a distribution that can leave the parameter's valid range (docs/model.md
 * "Validity"). written is the range text for "A to B", else NULL. */
static int check_support(ctx *c, int p, const mc_dist *d, const yaml_node_t *at,
                         const char *written) {
  const mc_param_info *pi = &c->model->param[p];
  double lo, hi;
  int loa, hia;
  mc_dist_support(d, &lo, &loa, &hi, &hia);
  int bad_lo = lo < pi->lo || (lo == pi->lo && loa && pi->lo_open && isfinite(lo));
  int bad_hi = hi > pi->hi || (hi == pi->hi && hia && pi->hi_open && isfinite(hi));
  if (!bad_lo && !bad_hi && !isnan(lo) && !isnan(hi))
    return MC_OK;
  char range[96], a[32], b[32];
  range_text(pi, range, sizeof range);
  if (lo == hi || mc_dist_is_constant(d)) {
    fmt_num(lo, a, sizeof a);
    return FAIL_AT(c, at, "%s: the value %s is outside the valid range; %s must be %s", pi->key, a,
                   pi->key, range);
  }
  char takes[128];
  if (bad_lo) {
    fmt_num(pi->lo, a, sizeof a);
    if (lo == pi->lo)
      snprintf(takes, sizeof takes, "can take the value %s", a);
    else
      snprintf(takes, sizeof takes, "can take values %s %s", pi->lo_open ? "<=" : "<", a);
  } else {
    fmt_num(pi->hi, b, sizeof b);
    if (hi == pi->hi)
      snprintf(takes, sizeof takes, "can take the value %s", b);
    else
      snprintf(takes, sizeof takes, "can take values %s %s", pi->hi_open ? ">=" : ">", b);
  }
  char lo_s[32], hi_s[32], bound[160];
  fmt_num(pi->lo, lo_s, sizeof lo_s);
  fmt_num(pi->hi, hi_s, sizeof hi_s);
  if (bad_lo && bad_hi)
    snprintf(bound, sizeof bound, "min: and max: (values %s %s and %s %s)",
             pi->lo_open ? ">" : ">=", lo_s, pi->hi_open ? "<" : "<=", hi_s);
  else if (bad_lo)
    snprintf(bound, sizeof bound, "min: (a value %s %s)", pi->lo_open ? ">" : ">=", lo_s);
  else
    snprintf(bound, sizeof bound, "max: (a value %s %s)", pi->hi_open ? "<" : "<=", hi_s);
  int positive = pi->lo == 0 && pi->lo_open && isinf(pi->hi);
  char advice[384];
  if (written)
    snprintf(advice, sizeof advice, "write it as {dist: %s, p5: A, p95: B, %s} to truncate it%s",
             d->type->name, bound,
             positive ? ", or give A > 0"
                      : ", or use a bounded distribution (uniform, triangular, pert, beta)");
  else if (d->type->truncatable)
    snprintf(advice, sizeof advice, "truncate it with %s%s", bound,
             positive ? ", or use lognormal / \"A to B\"" : "");
  else if (d->nvals > 0)
    snprintf(advice, sizeof advice, "expected every value %s", range);
  else
    snprintf(advice, sizeof advice, "expected %s %s",
             bad_lo && bad_hi ? "min: and max:"
             : bad_lo         ? "min:"
                              : "max:",
             range);
  if (written)
    return FAIL_AT(c, at, "%s: \"%s\" is %s %s distribution that %s, but %s must be %s; %s",
                   pi->key, written, article(d->type->name), d->type->name, takes, pi->key, range,
                   advice);
  return FAIL_AT(c, at, "%s: %s %s distribution %s, but %s must be %s; %s", pi->key,
                 article(d->type->name), d->type->name, takes, pi->key, range, advice);
}

/* Renders a {dist: ...} mapping as the user wrote it (flow style). */
static void render_mapping(ctx *c, const yaml_node_t *m, char *buf, size_t len) {
  sbuf b = {buf, 0, len, 0};
  buf[0] = '\0';
  sb_add(&b, "{");
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
    const yaml_node_t *k = get(c, p->key), *v = get(c, p->value);
    sb_add(&b, "%s%s: ", p == m->data.mapping.pairs.start ? "" : ", ", sval(k));
    if (v->type == YAML_SCALAR_NODE) {
      sb_add(&b, "%s", sval(v));
    } else if (v->type == YAML_SEQUENCE_NODE) {
      sb_add(&b, "[");
      for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top;
           i++) {
        const yaml_node_t *x = get(c, *i);
        sb_add(&b, "%s%s", i == v->data.sequence.items.start ? "" : ", ",
               x->type == YAML_SCALAR_NODE ? sval(x) : "...");
      }
      sb_add(&b, "]");
    } else {
      sb_add(&b, "{...}");
    }
  }
  sb_add(&b, "}");
}

/* 1 when word is one of the space separated words of list. */
static int has_word(const char *list, const char *word) {
  size_t n = strlen(word);
  for (const char *p = list; p && *p;) {
    while (*p == ' ' || *p == ',' || *p == '|')
      p++;
    const char *q = p;
    while (*q && *q != ' ' && *q != ',' && *q != '|')
      q++;
    if ((size_t)(q - p) == n && !strncmp(p, word, n))
      return 1;
    p = q;
  }
  return 0;
}

/* The word of list nearest to key (a likely typo), or NULL. */
static const char *nearest_word(const char *list, const char *key, char *out, size_t len) {
  const char *cand[64];
  char words[64][32];
  int n = 0;
  for (const char *p = list; p && *p && n < 64;) {
    while (*p == ' ' || *p == ',' || *p == '|')
      p++;
    const char *q = p;
    while (*q && *q != ' ' && *q != ',' && *q != '|')
      q++;
    if (q > p && (size_t)(q - p) < sizeof words[0]) {
      snprintf(words[n], sizeof words[n], "%.*s", (int)(q - p), p);
      cand[n] = words[n];
      n++;
    }
    p = q;
  }
  const char *near = nearest(key, cand, n);
  if (!near)
    return NULL;
  snprintf(out, len, "%s", near);
  return out;
}

static int load_dist_mapping(ctx *c, int p, const yaml_node_t *m, mc_dist *d) {
  const char *key = c->model->param[p].key;
  int rc = check_keys(c, m, key, NULL, 0);
  if (rc)
    return rc;
  char types[512];
  mc_dist_type_list(types, sizeof types);
  const yaml_node_t *dk = NULL, *dn = lookup(c, m, "dist", &dk);
  if (!dn)
    return FAIL_AT(c, m,
                   "%s: the mapping has no dist: key; expected {dist: NAME, ...} with NAME "
                   "one of: %s",
                   key, types);
  char what[96];
  snprintf(what, sizeof what, "%s.dist", key);
  if ((rc = want_string(c, dn, what, "a distribution name")))
    return rc;
  const mc_dist_type *t = mc_dist_type_find(sval(dn));
  if (!t) {
    char near[32];
    const char *nr = nearest_word(types, sval(dn), near, sizeof near);
    return FAIL_AT(c, dn, "%s: unknown distribution '%s'%s%s%s; expected one of: %s", key, sval(dn),
                   nr ? " (did you mean '" : "", nr ? nr : "", nr ? "'?)" : "", types);
  }
  mc_dist_args a;
  memset(&a, 0, sizeof a);
  a.nvalues = a.nweights = -1;
  const yaml_node_t *keynode[MC_DIST_MAXKEYS];
  int lists = has_word(t->keys, "values");
  for (yaml_node_pair_t *q = m->data.mapping.pairs.start; q < m->data.mapping.pairs.top; q++) {
    const yaml_node_t *k = get(c, q->key), *v = get(c, q->value);
    const char *name = sval(k);
    if (!strcmp(name, "dist"))
      continue;
    snprintf(what, sizeof what, "%s.%s", key, name);
    if (!strcmp(name, "values") || !strcmp(name, "weights")) {
      if (!lists)
        return FAIL_AT(c, k, "%s: the %s distribution takes no '%s' list; expected keys: %s", key,
                       t->name, name, t->keys);
      if ((rc = want_sequence(c, v, what, "of numbers")))
        return rc;
      int len = (int)(v->data.sequence.items.top - v->data.sequence.items.start);
      if (len > MC_DIST_MAXVALS)
        return FAIL_AT(c, v, "%s: %d values; expected at most %d", what, len, MC_DIST_MAXVALS);
      double *dst = name[0] == 'v' ? a.values : a.weights;
      for (int i = 0; i < len; i++)
        if ((rc = get_number(c, get(c, v->data.sequence.items.start[i]), what, &dst[i])))
          return rc;
      if (name[0] == 'v')
        a.nvalues = len;
      else
        a.nweights = len;
      continue;
    }
    if (a.n == MC_DIST_MAXKEYS)
      return FAIL_AT(c, k, "%s: more than %d keys; expected keys: %s", key, MC_DIST_MAXKEYS,
                     t->keys);
    if ((rc = get_number(c, v, what, &a.val[a.n])))
      return rc;
    keynode[a.n] = k;
    a.key[a.n++] = name;
  }
  mc_err le = {0};
  int bad = -1;
  if (mc_dist_make(t->name, &a, d, &bad, &le) != MC_OK) {
    const yaml_node_t *at = bad >= 0 && bad < a.n ? keynode[bad] : m;
    char near[32];
    const char *nr = bad >= 0 && bad < a.n && !has_word(t->keys, a.key[bad])
                         ? nearest_word(t->keys, a.key[bad], near, sizeof near)
                         : NULL;
    return FAIL_AT(c, at, "%s: %s%s%s%s", key, le.msg, nr ? " (did you mean '" : "", nr ? nr : "",
                   nr ? "'?)" : "");
  }
  return check_support(c, p, d, m, NULL);
}

/* "A to B" with two numbers; 1 when s has that shape. */
static int parse_range(const char *s, double *a, double *b, int *nonfinite) {
  const char *to = strstr(s, " to ");
  if (!to)
    return 0;
  char left[128], right[128];
  const char *l0 = s, *l1 = to, *r0 = to + 4, *r1 = s + strlen(s);
  while (l0 < l1 && isspace((unsigned char)*l0))
    l0++;
  while (l1 > l0 && isspace((unsigned char)l1[-1]))
    l1--;
  while (r0 < r1 && isspace((unsigned char)*r0))
    r0++;
  while (r1 > r0 && isspace((unsigned char)r1[-1]))
    r1--;
  if (l1 - l0 >= (long)sizeof left || r1 - r0 >= (long)sizeof right)
    return 0;
  snprintf(left, sizeof left, "%.*s", (int)(l1 - l0), l0);
  snprintf(right, sizeof right, "%.*s", (int)(r1 - r0), r0);
  int ra = parse_number(left, a), rb = parse_number(right, b);
  if (ra == 1 || rb == 1)
    return 0;
  *nonfinite = ra == 2 || rb == 2;
  return 1;
}

static int load_param(ctx *c, int p, const yaml_node_t *k, const yaml_node_t *v) {
  const char *key = c->model->param[p].key;
  if (c->param_key[p])
    return FAIL_AT(c, k,
                   "%s is given twice (first at line %d, column %d); expected each parameter "
                   "once",
                   key, line_of(c->param_key[p]), col_of(c->param_key[p]));
  c->param_key[p] = k;
  mc_job_param *jp = &c->job->param[p];
  mc_dist *d = &c->job->spec.dist[p];
  jp->line = line_of(v);
  jp->col = col_of(v);
  int rc;
  if (v->type == YAML_MAPPING_NODE) {
    render_mapping(c, v, jp->written, sizeof jp->written);
    rc = load_dist_mapping(c, p, v, d);
  } else if (v->type == YAML_SCALAR_NODE && !is_null(v)) {
    snprintf(jp->written, sizeof jp->written, "%s", sval(v));
    double a, b;
    int nonfinite = 0;
    if (parse_range(sval(v), &a, &b, &nonfinite)) {
      if (nonfinite)
        return FAIL_AT(c, v,
                       "%s: \"%s\" has a non-finite bound; expected \"A to B\" with finite "
                       "numbers A < B",
                       key, sval(v));
      if (!(a < b)) {
        char as[32], bs[32];
        fmt_num(a, as, sizeof as);
        fmt_num(b, bs, sizeof bs);
        return FAIL_AT(c, v,
                       "%s: \"%s\" is not a range A to B with A < B; expected the 5th "
                       "percentile first, e.g. \"%s to %s\"",
                       key, sval(v), bs, as);
      }
      mc_err le = {0};
      if (mc_dist_from_range(a, b, d, &le) != MC_OK)
        return FAIL_AT(c, v, "%s: \"%s\": %s", key, sval(v), le.msg);
      rc = check_support(c, p, d, v, sval(v));
    } else {
      double x;
      int r = is_plain(v) ? parse_number(sval(v), &x) : 1;
      if (r == 2)
        return FAIL_AT(c, v, "%s: %s is not a finite number; expected a finite number", key,
                       sval(v));
      if (r == 1) {
        char got[128];
        describe_node(v, got, sizeof got);
        return FAIL_AT(c, v, "%s: expected a number, \"A to B\" or {dist: NAME, ...}, got %s", key,
                       got);
      }
      mc_dist_constant(x, d);
      rc = check_support(c, p, d, v, NULL);
    }
  } else {
    char got[128];
    describe_node(v, got, sizeof got);
    return FAIL_AT(c, v, "%s: expected a number, \"A to B\" or {dist: NAME, ...}, got %s", key,
                   got);
  }
  if (rc)
    return rc;
  c->job->spec.configured[p] = 1;
  return MC_OK;
}

static int load_parameters(ctx *c, const yaml_node_t *v) {
  int rc = want_mapping(c, v, "parameters", "of parameters, e.g. {training: {compute: ...}}");
  if (!rc)
    rc = check_keys(c, v, "parameters", NULL, 0);
  if (rc)
    return rc;
  for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
    const yaml_node_t *k = get(c, q->key), *val = get(c, q->value);
    const char *name = sval(k);
    int p = mc_param_find(c->model, name);
    if (p >= 0) {
      if ((rc = load_param(c, p, k, val)))
        return rc;
      continue;
    }
    if (!is_group(c, name))
      return unknown_param(c, k, name);
    char where[96];
    snprintf(where, sizeof where, "parameters.%s", name);
    if (val->type != YAML_MAPPING_NODE) {
      char got[128];
      describe_node(val, got, sizeof got);
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
    if ((rc = check_keys(c, val, where, NULL, 0)))
      return rc;
    for (yaml_node_pair_t *r = val->data.mapping.pairs.start; r < val->data.mapping.pairs.top;
         r++) {
      const yaml_node_t *sk = get(c, r->key), *sv = get(c, r->value);
      char full[160];
      snprintf(full, sizeof full, "%s.%s", name, sval(sk));
      int sp = mc_param_find(c->model, full);
      if (sp < 0)
        return unknown_param(c, sk, full);
      if ((rc = load_param(c, sp, sk, sv)))
        return rc;
    }
  }
  return MC_OK;
}

/* Required parameters (every missing one listed), and the optional
 * parameters of a group (MC_DEF_ABSENT, as model demand's power cap) given all
 * together or not at all. */
static int check_parameters(ctx *c) {
  mc_spec *s = &c->job->spec;
  const mc_param_info *param = c->model->param;
  int np = c->model->nparam;
  char missing[2048] = "";
  sbuf b = {missing, 0, sizeof missing, 0};
  for (int p = 0; p < np; p++)
    if (param[p].dflt_kind == MC_DEF_REQUIRED && !s->configured[p])
      sb_add(&b, "%s%s", b.len ? ", " : "", param[p].key);
  if (b.len) {
    char req[2048] = "";
    sbuf r = {req, 0, sizeof req, 0};
    for (int p = 0; p < np; p++)
      if (param[p].dflt_kind == MC_DEF_REQUIRED)
        sb_add(&r, "%s%s", r.len ? ", " : "", param[p].key);
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
    char group[256] = "";
    sbuf g = {group, 0, sizeof group, 0};
    for (int p = 0; p < np; p++)
      if (param[p].dflt_kind == MC_DEF_ABSENT)
        sb_add(&g, "%s%s", g.len ? " and " : "", param[p].key);
    return FAIL_AT(c, c->param_key[given],
                   "%s is given without %s; expected %s together (or neither)", param[given].key,
                   param[absent].key, group);
  }
  return MC_OK;
}

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

static int load_correlations(ctx *c, const yaml_node_t *ck, const yaml_node_t *v) {
  mc_spec *s = &c->job->spec;
  if (is_null(v))
    return MC_OK;
  int rc = want_sequence(c, v, "correlations", "of [PARAM_A, PARAM_B, RHO]");
  if (rc)
    return rc;
  const yaml_node_t *at[MC_MAXCORR];
  int n = 0;
  for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
    const yaml_node_t *item = get(c, *i);
    if (n == MC_MAXCORR)
      return FAIL_AT(c, item, "correlations: more than %d; expected at most %d", MC_MAXCORR,
                     MC_MAXCORR);
    if ((rc = want_sequence(c, item, "correlations", "[PARAM_A, PARAM_B, RHO]")))
      return rc;
    int len = (int)(item->data.sequence.items.top - item->data.sequence.items.start);
    if (len != 3)
      return FAIL_AT(c, item, "correlations: a list of %d items; expected [PARAM_A, PARAM_B, RHO]",
                     len);
    int ab[2];
    for (int j = 0; j < 2; j++) {
      const yaml_node_t *x = get(c, item->data.sequence.items.start[j]);
      if ((rc = want_string(c, x, "correlations", "a parameter key")))
        return rc;
      ab[j] = mc_param_find(c->model, sval(x));
      if (ab[j] < 0) {
        const char *near = nearest(sval(x), c->param_keys, c->model->nparam);
        return FAIL_AT(c, x,
                       "correlations: unknown parameter '%s'%s%s%s; expected a configured "
                       "parameter key such as training.compute",
                       sval(x), near ? " (did you mean '" : "", near ? near : "",
                       near ? "'?)" : "");
      }
      if (!s->configured[ab[j]]) {
        char why[96];
        return FAIL_AT(c, x,
                       "correlations: %s is not configured (%s); expected a parameter "
                       "given under parameters:",
                       sval(x), follows_text(c->model, ab[j], why, sizeof why));
      }
    }
    const yaml_node_t *rn = get(c, item->data.sequence.items.start[2]);
    double rho;
    if ((rc = get_number(c, rn, "correlations: rho", &rho)))
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
                     sval(rn));
    for (int j = 0; j < n; j++)
      if ((s->corr[j].a == ab[0] && s->corr[j].b == ab[1]) ||
          (s->corr[j].a == ab[1] && s->corr[j].b == ab[0]))
        return FAIL_AT(c, item,
                       "correlations: %s and %s are correlated twice (first at line %d); "
                       "expected each pair once",
                       c->model->param[ab[0]].key, c->model->param[ab[1]].key, line_of(at[j]));
    at[n] = item;
    c->corr_item[n] = item;
    s->corr[n].a = ab[0];
    s->corr[n].b = ab[1];
    s->corr[n].rho = rho;
    n++;
  }
  s->ncorr = n;
  if (n == 0)
    return MC_OK;
  /* Positive definiteness, in the copula's own terms (engine builds the same). */
  int idx[MC_MAXPARAM], dim = 0, pos[MC_MAXPARAM];
  for (int p = 0; p < c->model->nparam; p++)
    pos[p] = -1;
  for (int j = 0; j < n; j++) {
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
  for (int j = 0; j < n; j++) {
    int a = pos[s->corr[j].a], b = pos[s->corr[j].b];
    rho_s[a * dim + b] = rho_s[b * dim + a] = s->corr[j].rho;
  }
  mc_copula cop;
  mc_err le = {0};
  if (mc_copula_init(dim, rho_s, names, &cop, &le) != MC_OK)
    return FAIL_AT(c, ck, "correlations: %s", le.msg);
  return MC_OK;
}

/* ---------------------------------------------------------- sensitivity */

/* One target: SERIES@YEAR or crossover.NAME (see mc_spec.h). */
static int load_sens_target(ctx *c, const yaml_node_t *n, mc_sens_target *t) {
  mc_spec *s = &c->job->spec;
  int rc = want_string(c, n, "sensitivity.targets",
                       "a target such as training_compute@2035 or crossover.compute");
  if (rc)
    return rc;
  const char *txt = sval(n);
  memset(t, 0, sizeof *t);
  if (!strncmp(txt, "crossover.", 10)) {
    const char *name = txt + 10;
    const char *names[MC_MAXCROSS];
    char full[MC_MAXCROSS][MC_NAMELEN + 16], list[MC_MAXCROSS * (MC_NAMELEN + 16)];
    for (int i = 0; i < s->ncross; i++) {
      snprintf(full[i], sizeof full[i], "crossover.%s", s->cross[i].name);
      names[i] = full[i];
      if (!strcmp(s->cross[i].name, name)) {
        t->kind = MC_SENS_CROSSOVER;
        t->id = i;
        snprintf(t->name, sizeof t->name, "%s", full[i]);
        return MC_OK;
      }
    }
    join(list, sizeof list, names, s->ncross);
    const char *near = nearest(txt, names, s->ncross);
    return FAIL_AT(c, n,
                   "sensitivity.targets: unknown crossover '%s'%s%s%s; expected one of the "
                   "crossovers of outputs.crossovers: %s",
                   name, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "", list);
  }
  const char *series[MC_MAXSERIES];
  int nseries = 0;
  for (int i = 0; i < s->model->nseries; i++)
    if (mc_spec_has_series(s, i) && !(s->model->series[i].flags & MC_SERIES_NOLOG))
      series[nseries++] = s->model->series[i].name;
  char list[1024];
  join(list, sizeof list, series, nseries);
  const char *at = strchr(txt, '@');
  if (!at)
    return FAIL_AT(c, n,
                   "sensitivity.targets: '%s' names no year; expected SERIES@YEAR (such as "
                   "training_compute@2035) or crossover.NAME",
                   txt);
  char sname[MC_NAMELEN];
  snprintf(sname, sizeof sname, "%.*s",
           (int)(at - txt) < MC_NAMELEN - 1 ? (int)(at - txt) : MC_NAMELEN - 1, txt);
  int id = mc_series_find(s->model, sname);
  if (id >= 0 && (s->model->series[id].flags & MC_SERIES_NOLOG))
    return FAIL_AT(c, n,
                   "sensitivity.targets: %s cannot be a target (it is zero in many samples, "
                   "where its natural log is -inf); expected one of: %s",
                   sname, list);
  if (id >= 0 && !mc_spec_has_series(s, id))
    return FAIL_AT(c, n, "sensitivity.targets: %s exists only with %s; expected one of: %s", sname,
                   s->model->series[id].needs, list);
  if (id < 0) {
    const char *near = nearest(sname, series, nseries);
    return FAIL_AT(c, n, "sensitivity.targets: unknown series '%s'%s%s%s; expected one of: %s",
                   sname, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "",
                   list);
  }
  char *end;
  errno = 0;
  long y = strtol(at + 1, &end, 10);
  if (at[1] == '\0' || *end || errno || y < s->base_year || y > s->horizon_year)
    return FAIL_AT(c, n,
                   "sensitivity.targets: '%s' is not a grid year of %s; expected %s@YEAR with "
                   "YEAR from %d to %d",
                   at + 1, sname, sname, s->base_year, s->horizon_year);
  t->kind = MC_SENS_SERIES;
  t->id = id;
  t->year = (int)y - s->base_year;
  snprintf(t->name, sizeof t->name, "%s@%ld", sname, y);
  return MC_OK;
}

/* After parameters, outputs and correlations: the targets need the
 * crossovers, and the refusal of correlated inputs needs the correlations. */
static int load_sensitivity(ctx *c, const yaml_node_t *key, const yaml_node_t *v) {
  static const char *const keys[] = {"method", "targets"};
  static const char *const methods[] = {"sobol"};
  mc_spec *s = &c->job->spec;
  int rc = want_mapping(c, v, "sensitivity",
                        "{method: sobol, targets: [training_compute@2035, crossover.compute]}");
  if (!rc)
    rc = check_keys(c, v, "sensitivity", keys, 2);
  if (rc)
    return rc;
  const yaml_node_t *n = lookup(c, v, "method", NULL);
  if (n) {
    if ((rc = want_string(c, n, "sensitivity.method", "sobol")))
      return rc;
    if (strcmp(sval(n), "sobol")) {
      const char *near = nearest(sval(n), methods, 1);
      return FAIL_AT(c, n,
                     "sensitivity.method: unknown method '%s'%s%s%s; expected: sobol (first-order "
                     "and total Sobol' indices)",
                     sval(n), near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    }
  }
  n = lookup(c, v, "targets", NULL);
  if (!n)
    return FAIL_AT(c, v,
                   "sensitivity: no targets; expected targets: [SERIES@YEAR or crossover.NAME, "
                   "...], such as [training_compute@2035, crossover.compute]");
  if ((rc = want_sequence(c, n, "sensitivity.targets",
                          "[training_compute@2035, crossover.compute]")))
    return rc;
  int len = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
  if (len == 0)
    return FAIL_AT(c, n, "sensitivity.targets: empty; expected at least one target");
  if (len > MC_MAXSENS)
    return FAIL_AT(c, n, "sensitivity.targets: %d targets; expected at most %d", len, MC_MAXSENS);
  for (int i = 0; i < len; i++) {
    const yaml_node_t *x = get(c, n->data.sequence.items.start[i]);
    if ((rc = load_sens_target(c, x, &s->sens[i])))
      return rc;
    for (int j = 0; j < i; j++)
      if (!strcmp(s->sens[j].name, s->sens[i].name))
        return FAIL_AT(c, x, "sensitivity.targets: %s is given twice; expected each target once",
                       s->sens[i].name);
  }
  int par[MC_MAXPARAM];
  int k = mc_spec_sens_params(s, par);
  if (k == 0)
    return FAIL_AT(c, key,
                   "sensitivity: every parameter is a constant, so there is nothing to analyse; "
                   "expected at least one parameter with a distribution");
  char pairs[1024] = "";
  sbuf b = {pairs, 0, sizeof pairs, 0};
  int npairs = 0;
  for (int i = 0; i < s->ncorr; i++) {
    int a = s->corr[i].a, bb = s->corr[i].b;
    if (mc_dist_is_constant(&s->dist[a]) || mc_dist_is_constant(&s->dist[bb]))
      continue;
    sb_add(&b, "%s%s ~ %s (line %d)", npairs ? ", " : "", c->model->param[a].key,
           c->model->param[bb].key, line_of(c->corr_item[i]));
    npairs++;
  }
  if (npairs)
    return FAIL_AT(c, key,
                   "sensitivity: Sobol' indices are defined for independent inputs, but "
                   "correlations: makes %s dependent; expected no correlations among the "
                   "analysed parameters (remove %s from correlations:, or the sensitivity "
                   "section)",
                   pairs, npairs > 1 ? "them" : "it");
  s->nsens = len;
  return MC_OK;
}

/* -------------------------------------------------------------- the job */

/* `model:` (model demand when absent): the tables the rest is read against. */
static int load_model(ctx *c, const yaml_node_t *v) {
  char list[256];
  mc_model_list(list, sizeof list);
  int rc = want_string(c, v, "model", "a model name");
  if (rc)
    return rc;
  const mc_model_type *m = mc_model_find(sval(v));
  if (!m) {
    const char *names[MC_NMODELS];
    for (int i = 0; i < MC_NMODELS; i++)
      names[i] = mc_models[i]->name;
    const char *near = nearest(sval(v), names, MC_NMODELS);
    return FAIL_AT(c, v, "model: unknown model '%s'%s%s%s; expected one of: %s", sval(v),
                   near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "", list);
  }
  if (m != c->model) {
    c->model = m;
    mc_spec_defaults(&c->job->spec, m);
    init_names(c);
  }
  return MC_OK;
}

static int load_document(ctx *c, const yaml_node_t *root) {
  static const char *const keys[] = {"model",    "scenario",   "description",  "time",
                                     "sampling", "parameters", "correlations", "power",
                                     "outputs",  "sensitivity"};
  mc_spec *s = &c->job->spec;
  int rc;
  if (!root)
    return FAIL_AT(c, NULL,
                   "the job file is empty; expected a mapping with scenario:, time:, "
                   "sampling: and parameters:");
  if ((rc = want_mapping(c, root, "the job", "of scenario:, time:, sampling:, parameters:, ...")))
    return rc;
  if ((rc = check_keys(c, root, "the job", keys, 10)))
    return rc;
  const yaml_node_t *n, *k;
  if ((n = lookup(c, root, "model", NULL)) && (rc = load_model(c, n)))
    return rc;
  if ((n = lookup(c, root, "scenario", NULL)) && (rc = load_scenario(c, n)))
    return rc;
  if ((n = lookup(c, root, "description", NULL)) && (rc = load_description(c, n)))
    return rc;
  if ((n = lookup(c, root, "time", NULL)) && (rc = load_time(c, n)))
    return rc;
  if ((n = lookup(c, root, "sampling", NULL)) && (rc = load_sampling(c, n)))
    return rc;
  if ((n = lookup(c, root, "parameters", &k))) {
    c->params_key = k;
    if ((rc = load_parameters(c, n)))
      return rc;
  }
  if ((rc = check_parameters(c)))
    return rc;
  mc_spec_resolve_defaults(s);
  if ((n = lookup(c, root, "power", &k))) {
    if (c->model != &mc_model_demand)
      return FAIL_AT(c, k,
                     "power: (the policy of a power cap) belongs to model demand; model %s "
                     "limits power through its parameters (power.additions, ...); expected no "
                     "power: section",
                     c->model->name);
    if ((rc = load_power(c, n)))
      return rc;
  }
  if ((n = lookup(c, root, "outputs", NULL)) && (rc = load_outputs(c, n)))
    return rc;
  if ((n = lookup(c, root, "correlations", &k)) && (rc = load_correlations(c, k, n)))
    return rc;
  if ((n = lookup(c, root, "sensitivity", &k)) && (rc = load_sensitivity(c, k, n)))
    return rc;
  if (c->stop_key && s->samples_out)
    return FAIL_AT(c, c->stop_key,
                   "sampling.stop_when: cannot be combined with outputs: {samples: true} (the "
                   "per-sample datasets are sized for every sample); expected one of the two");
  return MC_OK;
}

/* Line and column (1-based) of byte offset off in text. */
static void offset_pos(const char *text, size_t len, size_t off, int *line, int *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off && i < len; i++) {
    if (text[i] == '\n') {
      ++*line;
      *col = 1;
    } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
      ++*col;
    }
  }
}

static int syntax_error(ctx *c, yaml_parser_t *ps, const char *text, size_t len) {
  int line, col;
  if (ps->error == YAML_READER_ERROR) {
    offset_pos(text, len, ps->problem_offset, &line, &col);
    return fail_at_pos(c, line, col, "not readable as YAML text: %s; expected UTF-8 text",
                       ps->problem ? ps->problem : "unknown problem");
  }
  if (ps->error == YAML_MEMORY_ERROR)
    return mc_err_set(c->e, MC_EFAIL, "%s: out of memory while reading YAML", c->name);
  line = (int)ps->problem_mark.line + 1;
  col = (int)ps->problem_mark.column + 1;
  if (ps->context)
    return fail_at_pos(c, line, col,
                       "YAML syntax error: %s (%s at line %d, column %d); expected valid YAML: "
                       "check the indentation, colons and quotes here",
                       ps->problem ? ps->problem : "unknown problem", ps->context,
                       (int)ps->context_mark.line + 1, (int)ps->context_mark.column + 1);
  return fail_at_pos(c, line, col,
                     "YAML syntax error: %s; expected valid YAML: check the indentation, colons "
                     "and quotes here",
                     ps->problem ? ps->problem : "unknown problem");
}

static int load_buffer(const char *text, size_t len, const char *name, mc_job *job, mc_err *e) {
  mc_err local = {0};
  if (!e)
    e = &local;
  memset(job, 0, sizeof *job);
  mc_spec_defaults(&job->spec, &mc_model_demand);
  snprintf(job->path, sizeof job->path, "%s", name);
  ctx c = {.name = name, .job = job, .e = e, .model = &mc_model_demand};
  init_names(&c);
  yaml_parser_t ps;
  yaml_document_t doc, extra;
  int have_doc = 0, rc = MC_OK;
  if (!yaml_parser_initialize(&ps))
    return mc_err_set(e, MC_EFAIL, "%s: out of memory", name);
  yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
  if (!yaml_parser_load(&ps, &doc)) {
    rc = syntax_error(&c, &ps, text, len);
    goto cleanup;
  }
  have_doc = 1;
  c.doc = &doc;
  if (yaml_document_get_root_node(&doc)) {
    if (!yaml_parser_load(&ps, &extra)) {
      rc = syntax_error(&c, &ps, text, len);
      goto cleanup;
    }
    const yaml_node_t *r2 = yaml_document_get_root_node(&extra);
    if (r2) {
      rc = FAIL_AT(&c, r2, "a second YAML document; expected one job per file");
      yaml_document_delete(&extra);
      goto cleanup;
    }
    yaml_document_delete(&extra);
  }
  rc = load_document(&c, yaml_document_get_root_node(&doc));
  if (rc == MC_OK)
    rc = mc_job_to_yaml(job, e);
cleanup:
  if (have_doc)
    yaml_document_delete(&doc);
  yaml_parser_delete(&ps);
  if (rc != MC_OK) {
    free(job->resolved_yaml);
    job->resolved_yaml = NULL;
  }
  return rc;
}

int mc_job_load_string(const char *text, const char *name, mc_job *job, mc_err *e) {
  return load_buffer(text, strlen(text), name, job, e);
}

int mc_job_load(const char *path, mc_job *job, mc_err *e) {
  int rc = MC_OK;
  char *text = NULL;
  memset(job, 0, sizeof *job);
  FILE *f = fopen(path, "rb");
  if (!f)
    MC_FAIL(e, MC_EINPUT, "%s: cannot open the job file: %s", path, strerror(errno));
  size_t cap = 1 << 16, len = 0;
  text = malloc(cap);
  if (!text)
    MC_FAIL(e, MC_EFAIL, "%s: out of memory", path);
  for (;;) {
    if (len == cap) {
      if (cap >= MAX_JOB_BYTES)
        MC_FAIL(e, MC_EINPUT, "%s: the job file is larger than %d MiB; expected a small YAML file",
                path, MAX_JOB_BYTES >> 20);
      char *t = realloc(text, cap * 2);
      if (!t)
        MC_FAIL(e, MC_EFAIL, "%s: out of memory", path);
      text = t;
      cap *= 2;
    }
    size_t got = fread(text + len, 1, cap - len, f);
    len += got;
    if (got == 0)
      break;
  }
  if (ferror(f))
    MC_FAIL(e, MC_EINPUT, "%s: cannot read the job file: %s", path, strerror(errno));
  rc = load_buffer(text, len, path, job, e);
cleanup:
  if (f)
    fclose(f);
  free(text);
  return rc;
}

void mc_job_free(mc_job *job) {
  if (!job)
    return;
  free(job->resolved_yaml);
  job->resolved_yaml = NULL;
}

/* ------------------------------------------------------- resolved YAML */

/* A growing string. */
typedef struct dbuf {
  char *s;
  size_t len, cap;
  int oom;
} dbuf;

static void db_add(dbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void db_add(dbuf *b, const char *fmt, ...) {
  if (b->oom)
    return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
      b->oom = 1;
      return;
    }
    if (b->s && (size_t)n < b->cap - b->len) {
      b->len += (size_t)n;
      return;
    }
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + (size_t)n + 1)
      cap *= 2;
    char *t = realloc(b->s, cap);
    if (!t) {
      b->oom = 1;
      return;
    }
    b->s = t;
    b->cap = cap;
  }
}

/* A YAML double-quoted string. */
static void db_quoted(dbuf *b, const char *s) {
  db_add(b, "\"");
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      db_add(b, "\\%c", *p);
    else if (*p == '\n')
      db_add(b, "\\n");
    else if (*p == '\t')
      db_add(b, "\\t");
    else if (*p < 0x20 || *p == 0x7f)
      db_add(b, "\\x%02x", *p);
    else
      db_add(b, "%c", *p);
  }
  db_add(b, "\"");
}

static void db_num(dbuf *b, double v) {
  char buf[40];
  fmt_num(v, buf, sizeof buf);
  db_add(b, "%s", buf);
}

/* The canonical keys of a distribution: those that rebuild it bit for bit
 * through mc_dist_make (canonical parameters of mc_dist.c; shortest exact
 * decimals). Discrete weights are the steps of the cumulative weights, which
 * sum back to them exactly. Returns 0 for a type this file does not know. */
static int canon_args(const mc_dist *d, mc_dist_args *a) {
  memset(a, 0, sizeof *a);
  a->nvalues = a->nweights = -1;
  const char *name = d->type->name, *k1 = NULL, *k2 = NULL, *k3 = NULL, *k4 = NULL;
  int trunc = 0;
  if (!strcmp(name, "constant")) {
    k1 = "value";
  } else if (!strcmp(name, "uniform") || !strcmp(name, "loguniform")) {
    k1 = "min", k2 = "max";
  } else if (!strcmp(name, "normal")) {
    k1 = "mean", k2 = "sd", trunc = 1;
  } else if (!strcmp(name, "lognormal")) {
    k1 = "mu", k2 = "sigma", trunc = 1;
  } else if (!strcmp(name, "triangular")) {
    k1 = "min", k2 = "mode", k3 = "max";
  } else if (!strcmp(name, "pert")) {
    k1 = "min", k2 = "mode", k3 = "max", k4 = "lambda";
  } else if (!strcmp(name, "beta")) {
    k1 = "alpha", k2 = "beta", k3 = "min", k4 = "max";
  } else if (!strcmp(name, "gamma") || !strcmp(name, "weibull")) {
    k1 = "shape", k2 = "scale", trunc = 1;
  } else if (!strcmp(name, "discrete")) {
    a->nvalues = a->nweights = d->nvals;
    for (int i = 0; i < d->nvals; i++) {
      a->values[i] = d->vals[i];
      a->weights[i] = d->cum[i] - (i ? d->cum[i - 1] : 0.0);
    }
    return 1;
  } else {
    return 0;
  }
  const char *k[4] = {k1, k2, k3, k4};
  for (int i = 0; i < 4 && k[i]; i++) {
    a->key[a->n] = k[i];
    a->val[a->n++] = d->p[i];
  }
  if (trunc && d->lo > -INFINITY) {
    a->key[a->n] = "min";
    a->val[a->n++] = d->lo;
  }
  if (trunc && d->hi < INFINITY) {
    a->key[a->n] = "max";
    a->val[a->n++] = d->hi;
  }
  return 1;
}

static int same_dist(const mc_dist *x, const mc_dist *y) {
  if (x->type != y->type || x->nvals != y->nvals)
    return 0;
  if (memcmp(x->p, y->p, sizeof x->p) || memcmp(&x->lo, &y->lo, sizeof x->lo) ||
      memcmp(&x->hi, &y->hi, sizeof x->hi))
    return 0;
  return !memcmp(x->vals, y->vals, (size_t)x->nvals * sizeof x->vals[0]) &&
         !memcmp(x->cum, y->cum, (size_t)x->nvals * sizeof x->cum[0]);
}

/* Canonical keys that rebuild d exactly; for discrete weights, nudges a step
 * by one ulp where rounding of the running sum would miss (a tie case). */
static int canon_exact(const mc_dist *d, mc_dist_args *a) {
  if (!canon_args(d, a))
    return 0;
  mc_dist back;
  for (int tries = 0; tries < 4 * MC_DIST_MAXVALS; tries++) {
    int bad;
    if (mc_dist_make(d->type->name, a, &back, &bad, NULL) != MC_OK)
      return 0;
    if (same_dist(d, &back))
      return 1;
    if (a->nvalues < 0)
      return 0;
    int i = 0;
    while (i < d->nvals && back.cum[i] == d->cum[i])
      i++;
    if (i == d->nvals)
      return 0;
    a->weights[i] = nextafter(a->weights[i], back.cum[i] < d->cum[i] ? INFINITY : 0.0);
  }
  return 0;
}

/* The canonical mapping of a distribution. */
static int db_dist(dbuf *b, const mc_dist *d) {
  mc_dist_args a;
  if (!canon_exact(d, &a))
    return 0;
  db_add(b, "{dist: %s", d->type->name);
  for (int i = 0; i < a.n; i++) {
    db_add(b, ", %s: ", a.key[i]);
    db_num(b, a.val[i]);
  }
  if (a.nvalues >= 0) {
    db_add(b, ", values: [");
    for (int i = 0; i < a.nvalues; i++) {
      if (i)
        db_add(b, ", ");
      db_num(b, a.values[i]);
    }
    db_add(b, "], weights: [");
    for (int i = 0; i < a.nweights; i++) {
      if (i)
        db_add(b, ", ");
      db_num(b, a.weights[i]);
    }
    db_add(b, "]");
  }
  db_add(b, "}");
  return 1;
}

int mc_job_to_yaml(mc_job *job, mc_err *e) {
  const mc_spec *s = &job->spec;
  dbuf b = {0};
  /* model demand, the default, is not named: its jobs keep their text */
  if (s->model != &mc_model_demand)
    db_add(&b, "model: %s\n", s->model->name);
  db_add(&b, "scenario: ");
  db_quoted(&b, s->scenario);
  db_add(&b, "\ndescription: ");
  db_quoted(&b, job->description);
  db_add(&b, "\ntime: {base_year: %d, horizon_year: %d}\n", s->base_year, s->horizon_year);
  db_add(&b, "sampling: {samples: %llu, method: %s, seed: %llu", (unsigned long long)s->samples,
         mc_method_names[s->method], (unsigned long long)s->seed);
  if (s->stop_se > 0) {
    db_add(&b, ", stop_when: {standard_error: ");
    db_num(&b, s->stop_se);
    db_add(&b, "}");
  }
  db_add(&b, "}\n");
  db_add(&b, "parameters:\n");
  const mc_model_type *M = s->model;
  for (int p = 0; p < M->nparam; p++) {
    const mc_param_info *pi = &M->param[p];
    if (s->configured[p]) {
      db_add(&b, "  %s: ", pi->key);
      if (!db_dist(&b, &s->dist[p])) {
        free(b.s);
        return mc_err_set(e, MC_EFAIL,
                          "%s: the %s distribution of %s cannot be written back as YAML exactly",
                          job->path, s->dist[p].type->name, pi->key);
      }
      db_add(&b, "\n");
    } else if (pi->dflt_kind == MC_DEF_VALUE) {
      db_add(&b, "  # %s: ", pi->key);
      db_num(&b, pi->dflt);
      db_add(&b, " (default)\n");
    } else if (pi->dflt_kind == MC_DEF_FOLLOWS) {
      db_add(&b, "  # %s: follows %s (default)\n", pi->key, M->param[pi->follows].key);
    } else if (pi->dflt_kind == MC_DEF_INFINITE) {
      db_add(&b, "  # %s: infinite (default)\n", pi->key);
    }
  }
  db_add(&b, "correlations:%s\n", s->ncorr ? "" : " []");
  for (int i = 0; i < s->ncorr; i++) {
    db_add(&b, "  - [%s, %s, ", M->param[s->corr[i].a].key, M->param[s->corr[i].b].key);
    db_num(&b, s->corr[i].rho);
    db_add(&b, "]\n");
  }
  if (s->model == &mc_model_demand)
    db_add(&b, "power: {policy: %s}\n", mc_policy_names[s->policy]);
  db_add(&b, "outputs:\n  percentiles: [");
  for (int i = 0; i < s->npct; i++) {
    if (i)
      db_add(&b, ", ");
    db_num(&b, s->pct[i]);
  }
  db_add(&b, "]\n  relative_accuracy: ");
  db_num(&b, s->rel_acc);
  db_add(&b, "\n  crossovers:\n");
  for (int i = 0; i < s->ncross; i++)
    db_add(&b, "    %s: [%s, %s]\n", s->cross[i].name, M->series[s->cross[i].lhs].name,
           M->series[s->cross[i].rhs].name);
  db_add(&b, "  samples: %s\n", s->samples_out ? "true" : "false");
  if (s->nsens) {
    db_add(&b, "sensitivity:\n  method: sobol\n  targets: [");
    for (int i = 0; i < s->nsens; i++)
      db_add(&b, "%s%s", i ? ", " : "", s->sens[i].name);
    db_add(&b, "]\n");
  }
  if (b.oom) {
    free(b.s);
    return mc_err_set(e, MC_EFAIL, "out of memory writing the resolved job");
  }
  free(job->resolved_yaml);
  job->resolved_yaml = b.s;
  return MC_OK;
}
