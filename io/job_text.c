/* The job loader's helpers: one string builder, numbers, suggestions for
 * typos, what a node is, typed values and the checks of a mapping's keys. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "job_internal.h"

/* ------------------------------------------------------ one string builder */

job_sb job_sb_fixed(char *buf, size_t len) {
  buf[0] = '\0';
  return (job_sb){buf, 0, len, 0, 0};
}

job_sb job_sb_growing(void) { return (job_sb){NULL, 0, 0, 1, 0}; }

/* Makes room for n more bytes and the terminator; 0 when memory ran out. */
static int sb_reserve(job_sb *b, size_t n) {
  if (b->s && b->len + n < b->cap)
    return 1;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap <= b->len + n)
    cap *= 2;
  char *t = realloc(b->s, cap);
  if (!t)
    return 0;
  b->s = t;
  b->cap = cap;
  return 1;
}

static void sb_vadd(job_sb *b, const char *fmt, va_list ap) {
  if (b->full)
    return;
  va_list aq;
  va_copy(aq, ap);
  int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, aq);
  va_end(aq);
  if (n < 0) {
    b->full = 1;
  } else if (b->s && (size_t)n < b->cap - b->len) {
    b->len += (size_t)n;
  } else if (b->grow) {
    if (!sb_reserve(b, (size_t)n))
      b->full = 1;
    else
      b->len += (size_t)vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
  } else {
    b->full = 1;
    b->len = b->cap - 1;
    if (b->cap > 4)
      strcpy(b->s + b->cap - 4, "...");
  }
}

void job_sb_add(job_sb *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  sb_vadd(b, fmt, ap);
  va_end(ap);
}

void job_sb_quoted(job_sb *b, const char *s) {
  job_sb_add(b, "\"");
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      job_sb_add(b, "\\%c", *p);
    else if (*p == '\n')
      job_sb_add(b, "\\n");
    else if (*p == '\t')
      job_sb_add(b, "\\t");
    else if (*p < 0x20 || *p == 0x7f)
      job_sb_add(b, "\\x%02x", *p);
    else
      job_sb_add(b, "%c", *p);
  }
  job_sb_add(b, "\"");
}

void job_sb_num(job_sb *b, double v) {
  char buf[40];
  job_fmt_num(v, buf, sizeof buf);
  job_sb_add(b, "%s", buf);
}

/* ------------------------------------------------------------- refusals */

static int vfail(mc_err *e, const char *file, int line, int col, const char *fmt, va_list ap) {
  char msg[1800];
  vsnprintf(msg, sizeof msg, fmt, ap);
  if (!strncmp(file, "--set ", 6))
    MC_RAISE(e, MC_EINPUT, "%s (column %d): %s", file, col, msg);
  MC_RAISE(e, MC_EINPUT, "%s:%d:%d: %s", file, line, col, msg);
}

int job_fail_pos(mc_err *e, const char *file, int line, int col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = vfail(e, file, line, col, fmt, ap);
  va_end(ap);
  return rc;
}

int job_fail(job_ctx *c, const jnode *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = n ? vfail(c->e, n->file, n->line, n->col, fmt, ap) : vfail(c->e, c->name, 1, 1, fmt, ap);
  va_end(ap);
  return rc;
}

const char *job_pos_text(const jnode *first, const jnode *now, int with_col, char *buf,
                         size_t len) {
  job_sb b = job_sb_fixed(buf, len);
  job_sb_add(&b, "line %d", first->line);
  if (with_col)
    job_sb_add(&b, ", column %d", first->col);
  if (!now || strcmp(first->file, now->file))
    job_sb_add(&b, " of %s", first->file);
  return buf;
}

/* ---------------------------------------------------------------- nodes */

const char *job_sval(const jnode *n) {
  if (n->type == JOB_SCALAR)
    return n->text;
  return n->type == JOB_SEQ ? "[...]" : "{...}";
}

int job_is_plain(const jnode *n) { return n->type == JOB_SCALAR && n->plain; }

int job_is_null(const jnode *n) {
  if (!job_is_plain(n))
    return 0;
  const char *s = n->text;
  return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

int job_parse_number(const char *s, double *v) {
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

void job_fmt_num(double v, char *buf, size_t len) {
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

void job_describe(const jnode *n, char *buf, size_t len) {
  if (!n) {
    snprintf(buf, len, "nothing");
  } else if (n->type == JOB_MAP) {
    snprintf(buf, len, "a mapping");
  } else if (n->type == JOB_SEQ) {
    snprintf(buf, len, "a list");
  } else if (job_is_null(n)) {
    snprintf(buf, len, "nothing");
  } else {
    double v;
    int r = job_is_plain(n) ? job_parse_number(n->text, &v) : 1;
    if (r == 0)
      snprintf(buf, len, "the number %.60s", n->text);
    else if (r == 2)
      snprintf(buf, len, "the non-finite number %.60s", n->text);
    else {
      char text[64];
      size_t k = 0;
      for (const char *p = n->text; *p && k < 60; p++)
        text[k++] = iscntrl((unsigned char)*p) ? ' ' : *p;
      text[k] = '\0';
      snprintf(buf, len, "the %sstring \"%s%s\"", job_is_plain(n) ? "" : "quoted ", text,
               strlen(n->text) > 60 ? "..." : "");
    }
  }
}

/* ---------------------------------------------------------- suggestions */

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

const char *job_nearest(const char *key, const char *const *cand, int n) {
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

const char *job_did_you_mean(const char *near, char *buf, size_t len) {
  if (!near)
    return "";
  snprintf(buf, len, " (did you mean '%s'?)", near);
  return buf;
}

void job_join(char *buf, size_t len, const char *const *list, int n) {
  job_sb b = job_sb_fixed(buf, len);
  for (int i = 0; i < n; i++)
    job_sb_add(&b, "%s%s", i ? ", " : "", list[i]);
}

/* The next word of a list separated by spaces, commas or '|': its start, and
 * *end after it. */
static const char *next_word(const char *p, const char **end) {
  while (*p == ' ' || *p == ',' || *p == '|')
    p++;
  const char *q = p;
  while (*q && *q != ' ' && *q != ',' && *q != '|')
    q++;
  *end = q;
  return p;
}

int job_has_word(const char *list, const char *word) {
  size_t n = strlen(word);
  for (const char *p = list, *q; p && *p; p = q) {
    p = next_word(p, &q);
    if ((size_t)(q - p) == n && !strncmp(p, word, n))
      return 1;
  }
  return 0;
}

const char *job_nearest_word(const char *list, const char *key, char *out, size_t len) {
  const char *cand[64];
  char words[64][32];
  int n = 0;
  for (const char *p = list, *q; p && *p && n < 64; p = q) {
    p = next_word(p, &q);
    if (q > p && (size_t)(q - p) < sizeof words[0]) {
      snprintf(words[n], sizeof words[n], "%.*s", (int)(q - p), p);
      cand[n] = words[n];
      n++;
    }
  }
  const char *near = job_nearest(key, cand, n);
  if (!near)
    return NULL;
  snprintf(out, len, "%s", near);
  return out;
}

/* --------------------------------------------------------- typed values */

static int want_kind(job_ctx *c, const jnode *n, int type, const char *kind, const char *what,
                     const char *example) {
  if (n->type == type)
    return MC_OK;
  char got[128];
  job_describe(n, got, sizeof got);
  return FAIL_AT(c, n, "%s: expected %s%s%s, got %s", what, kind, example ? " " : "",
                 example ? example : "", got);
}

int job_want_mapping(job_ctx *c, const jnode *n, const char *what, const char *example) {
  return want_kind(c, n, JOB_MAP, "a mapping", what, example);
}

int job_want_sequence(job_ctx *c, const jnode *n, const char *what, const char *example) {
  return want_kind(c, n, JOB_SEQ, "a list", what, example);
}

int job_want_string(job_ctx *c, const jnode *n, const char *what, const char *expected) {
  if (n->type == JOB_SCALAR && !job_is_null(n))
    return MC_OK;
  char got[128];
  job_describe(n, got, sizeof got);
  return FAIL_AT(c, n, "%s: expected %s, got %s", what, expected, got);
}

int job_get_number(job_ctx *c, const jnode *n, const char *what, double *v) {
  char got[128];
  if (job_is_plain(n)) {
    int r = job_parse_number(n->text, v);
    if (r == 0)
      return MC_OK;
    if (r == 2)
      return FAIL_AT(c, n, "%s: %s is not a finite number; expected a finite number", what,
                     n->text);
  }
  job_describe(n, got, sizeof got);
  if (n->type == JOB_SCALAR && !n->plain && job_parse_number(n->text, v) == 0)
    return FAIL_AT(c, n, "%s: expected a number, got %s; write numbers without quotes", what, got);
  return FAIL_AT(c, n, "%s: expected a number, got %s", what, got);
}

/* The digits of s without '_' as an unsigned integer; 0 when out of range. */
static int digits_value(const char *s, uint64_t *u) {
  char buf[64];
  size_t k = 0;
  for (const char *p = s; *p && k < sizeof buf - 1; p++)
    if (*p != '_')
      buf[k++] = *p;
  buf[k] = '\0';
  errno = 0;
  unsigned long long x = strtoull(buf, NULL, 10);
  if (errno == ERANGE || k >= 21)
    return 0;
  *u = (uint64_t)x;
  return 1;
}

int job_get_uint(job_ctx *c, const jnode *n, const char *what, uint64_t lo, uint64_t hi,
                 uint64_t *out) {
  double v;
  int rc = job_get_number(c, n, what, &v);
  if (rc)
    return rc;
  const char *s = n->text;
  int digits_only = *s != '\0';
  for (const char *p = s; *p; p++)
    if (!isdigit((unsigned char)*p) && *p != '_')
      digits_only = 0;
  uint64_t u = 0;
  int ok;
  if (digits_only) {
    ok = digits_value(s, &u);
  } else {
    if (v != floor(v))
      return FAIL_AT(c, n, "%s: %s is not a whole number; expected an integer", what, s);
    ok = v >= 0 && v < 18446744073709551616.0;
    if (ok)
      u = (uint64_t)v;
  }
  if (ok && u >= lo && u <= hi) {
    *out = u;
    return MC_OK;
  }
  if (hi == UINT64_MAX)
    return FAIL_AT(c, n, "%s: %s is out of range; expected an integer >= %llu", what, s,
                   (unsigned long long)lo);
  return FAIL_AT(c, n, "%s: %s is out of range; expected an integer in [%llu, %llu]", what, s,
                 (unsigned long long)lo, (unsigned long long)hi);
}

int job_get_year(job_ctx *c, const jnode *n, const char *what, int *out) {
  double v;
  int rc = job_get_number(c, n, what, &v);
  if (rc)
    return rc;
  if (v != floor(v) || v < 1 || v > 99999)
    return FAIL_AT(c, n, "%s: %s is not a year; expected a whole year such as 2025", what,
                   job_sval(n));
  *out = (int)v;
  return MC_OK;
}

int job_get_bool(job_ctx *c, const jnode *n, const char *what, int *out) {
  static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
  static const char *const no[] = {"false", "False", "FALSE", "no", "No",
                                   "NO",    "off",   "Off",   "OFF"};
  if (job_is_plain(n)) {
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
      if (!strcmp(n->text, yes[i]))
        return *out = 1, MC_OK;
      if (!strcmp(n->text, no[i]))
        return *out = 0, MC_OK;
    }
  }
  char got[128];
  job_describe(n, got, sizeof got);
  return FAIL_AT(c, n, "%s: expected true or false, got %s", what, got);
}

/* ------------------------------------------------------------------ keys */

/* Refuses key k of where, which is not one of valid. */
static int unknown_key(job_ctx *c, const jnode *k, const char *where, const char *const *valid,
                       int nvalid) {
  const char *near = job_nearest(k->text, valid, nvalid);
  char list[512];
  job_join(list, sizeof list, valid, nvalid);
  if (!strcmp(where, "power") &&
      (!strcmp(k->text, "capacity") || !strcmp(k->text, "capacity_growth")))
    return FAIL_AT(c, k,
                   "unknown key '%s' in power; power.%s is a parameter: give it under "
                   "parameters:, expected here only: %s",
                   k->text, k->text, list);
  if (near)
    return FAIL_AT(c, k, "unknown key '%s' in %s (did you mean '%s'?); expected one of: %s",
                   k->text, where, near, list);
  return FAIL_AT(c, k, "unknown key '%s' in %s; expected one of: %s", k->text, where, list);
}

int job_check_keys(job_ctx *c, const jnode *m, const char *where, const char *const *valid,
                   int nvalid) {
  for (int i = 0; i < m->n; i++) {
    const jnode *k = m->key[i];
    if (k->type != JOB_SCALAR || job_is_null(k)) {
      char got[128];
      job_describe(k, got, sizeof got);
      return FAIL_AT(c, k, "%s: a key is %s; expected a name", where, got);
    }
    for (int j = 0; j < i; j++) {
      const jnode *k0 = m->key[j];
      char pos[1200];
      if (k0->type == JOB_SCALAR && !strcmp(k0->text, k->text))
        return FAIL_AT(c, k, "duplicate key '%s' in %s (first at %s); expected each key once",
                       k->text, where, job_pos_text(k0, k, 1, pos, sizeof pos));
    }
    if (!valid)
      continue;
    int ok = 0;
    for (int j = 0; j < nvalid && !ok; j++)
      ok = !strcmp(valid[j], k->text);
    if (!ok)
      return unknown_key(c, k, where, valid, nvalid);
  }
  return MC_OK;
}

const jnode *job_lookup(const jnode *m, const char *key, const jnode **key_node) {
  for (int i = 0; i < m->n; i++)
    if (m->key[i]->type == JOB_SCALAR && !strcmp(m->key[i]->text, key)) {
      if (key_node)
        *key_node = m->key[i];
      return m->val[i];
    }
  return NULL;
}

int job_valid_name(const char *s) {
  if (!*s)
    return 0;
  for (const char *p = s; *p; p++)
    if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
      return 0;
  return 1;
}

int job_valid_identifier(const char *s) {
  if (!isalpha((unsigned char)*s) && *s != '_')
    return 0;
  for (const char *p = s; *p; p++)
    if (!isalnum((unsigned char)*p) && *p != '_')
      return 0;
  return 1;
}
