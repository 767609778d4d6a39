/* The report for people: text (aligned columns) and markdown (GitHub/pandoc
 * tables), one walk over the report's model with a style for each. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "report.h"

typedef struct style {
  int md; /* 0 text, 1 markdown */
} style;

#define MAXCOL 64

/* A table: text pads each column to its width; markdown draws pipes. The
 * columns of negative width are left-aligned in markdown, the others right-aligned. */
typedef struct table {
  const style *st;
  int ncol;
  int width[MAXCOL];
} table;

/* A text row: each cell padded to its column's width, the last one not. */
static void text_cells(const table *t, const char *const *cells) {
  printf(" ");
  for (int i = 0; i < t->ncol; i++)
    printf(" %-*s", i + 1 < t->ncol ? (t->width[i] < 0 ? -t->width[i] : t->width[i]) : 0, cells[i]);
  printf("\n");
}

static void table_head(table *t, const style *st, int ncol, const char *const *names,
                       const int *width) {
  t->st = st;
  t->ncol = ncol;
  for (int i = 0; i < ncol; i++)
    t->width[i] = width ? width[i] : 12;
  if (st->md) {
    printf("\n|");
    for (int i = 0; i < ncol; i++)
      printf(" %s |", names[i]);
    printf("\n|");
    for (int i = 0; i < ncol; i++)
      printf("%s|", width && width[i] < 0 ? "---" : "---:");
    printf("\n");
  } else {
    text_cells(t, names);
  }
}

static void table_row(const table *t, const char *const *cells) {
  if (t->st->md) {
    printf("|");
    for (int i = 0; i < t->ncol; i++) {
      printf(" ");
      mc_put_md(stdout, cells[i]);
      printf(" |");
    }
  } else {
    text_cells(t, cells);
    return;
  }
  printf("\n");
}

/* User text (names, descriptions, paths) in the style. */
static void put(const style *st, const char *s) {
  if (st->md)
    mc_put_md(stdout, s);
  else
    mc_put_term(stdout, s);
}

static void heading(const style *st, const char *kind, const char *name, const char *rest) {
  printf("\n%s%s", st->md ? "## " : "", kind);
  if (name) {
    printf(st->md ? " `" : " '");
    put(st, name);
    printf(st->md ? "`" : "'");
  }
  printf("%s\n", rest ? rest : "");
}

/* Compact number for tables: 5.48e+28 -> "5.48e28", 93.56 -> "93.6". */
static void fmt_num(double v, char *buf, size_t len) {
  if (!isfinite(v)) {
    snprintf(buf, len, "n/a");
    return;
  }
  if (v != 0 && (fabs(v) >= 1e5 || fabs(v) < 1e-3)) {
    int ex = (int)floor(log10(fabs(v)));
    double m = v / pow(10, ex);
    if (fabs(m) >= 9.995)
      m /= 10, ex++;
    snprintf(buf, len, "%.2fe%d", m, ex);
  } else if (fabs(v) >= 1000)
    snprintf(buf, len, "%.0f", v);
  else
    snprintf(buf, len, "%.3g", v);
}

/* "2029.40" or "after 2040". */
static void fmt_time(const rp_scenario *s, rp_time t, char *buf, size_t len) {
  if (t.censored)
    snprintf(buf, len, "after %d", s->horizon_year);
  else
    snprintf(buf, len, "%.2f", t.v);
}

/* What the sample count means: "" for a complete run, else a parenthesis. */
static const char *samples_note(const rp_scenario *s, char *buf, size_t len) {
  if (s->stopped_early)
    snprintf(buf, len,
             " (stopped by sampling.stop_when: every crossover probability's standard error "
             "below %g; cap %llu)",
             s->stop_se, (unsigned long long)s->planned);
  else if (!s->complete)
    snprintf(buf, len, " (incomplete: a checkpoint or partial merge)");
  else
    buf[0] = '\0';
  return buf;
}

/* Says that the standard errors are the plain Monte Carlo formulas when a run
 * used a stratified or quasi-random design. */
static void design_note(const style *st, const rp_compare *c, const rp_scenario *one) {
  const char *m = NULL;
  for (int i = 0; c && i < c->n && !m; i++)
    if (strcmp(c->s[i]->method, "mc"))
      m = c->s[i]->method;
  if (one && strcmp(one->method, "mc"))
    m = one->method;
  if (!m)
    return;
  printf("%sSampling method %s: the standard errors are those of independent samples\n"
         "(probabilities: sqrt(p(1-p)/n); percentiles: the spread of the order\n"
         "statistics around them); Latin hypercube and scrambled Sobol' designs are usually more\n"
         "precise than that, by an amount the counts do not tell. Runs with different\n"
         "seeds measure it.\n",
         st->md ? "\n" : "", m);
}

/* The crossing time's median and 90% interval, one line. */
static void crossing_line(const style *st, const rp_scenario *s, const rp_cross *x) {
  char t[RP_NQ][32], se[32];
  for (int i = 0; i < RP_NQ; i++)
    fmt_time(s, x->t[i], t[i], sizeof t[i]);
  snprintf(se, sizeof se, isfinite(x->t[RP_MEDIAN].se) ? " (s.e. %.2g yr)" : "",
           x->t[RP_MEDIAN].se);
  printf("%scrossing time: median %s%s, 90%% interval %s to %s\n", st->md ? "- " : "  ",
         t[RP_MEDIAN], se, t[0], t[RP_NQ - 1]);
}

static void one_header(const style *st, const rp_scenario *s) {
  char note[256];
  if (st->md) {
    printf("# Crossover report: ");
    put(st, s->scenario);
    printf("\n\n| | |\n|---|---|\n| results file | ");
    put(st, s->path);
    printf(" |\n| model | %s |\n| samples | %llu%s |\n", s->model, (unsigned long long)s->n,
           samples_note(s, note, sizeof note));
    printf("| sampling | %s, seed %llu |\n| grid | %d-%d |\n", s->method,
           (unsigned long long)s->seed, s->base_year, s->horizon_year);
    if (s->description[0]) {
      printf("| description | ");
      put(st, s->description);
      printf(" |\n");
    }
    return;
  }
  put(st, s->path);
  printf(": scenario ");
  put(st, s->scenario);
  printf(", model %s\n  %llu samples%s, seed %llu, %s sampling, grid %d-%d\n", s->model,
         (unsigned long long)s->n, samples_note(s, note, sizeof note), (unsigned long long)s->seed,
         s->method, s->base_year, s->horizon_year);
  if (s->description[0]) {
    printf("  ");
    put(st, s->description);
    printf("\n");
  }
}

/* P(crossed by year) in total and within each regime. */
static void cross_by_regime(const style *st, const rp_scenario *s, const rp_cross *x) {
  printf("\n%sP(crossed by year | regime), beside the total:\n", st->md ? "" : "  ");
  const char *names[MAXCOL] = {"Year", "total"};
  int width[MAXCOL] = {6, 10}, ncol = 2;
  for (int r = 0; r < s->nregime && ncol < MAXCOL; r++, ncol++) {
    names[ncol] = s->regime[r].name;
    width[ncol] = (int)strlen(s->regime[r].name) > 10 ? (int)strlen(s->regime[r].name) : 10;
  }
  table t;
  table_head(&t, st, ncol, names, width);
  for (int y = 0; y < s->ny; y++) {
    char buf[MAXCOL][32];
    const char *cells[MAXCOL];
    snprintf(buf[0], sizeof buf[0], "%d", s->base_year + y);
    snprintf(buf[1], sizeof buf[1], "%.*f", s->dp, x->cum[y].v);
    for (int r = 0; r + 2 < ncol; r++)
      snprintf(buf[r + 2], sizeof buf[r + 2], "%.*f", s->dp, x->cum_regime[r * s->ny + y].v);
    for (int k = 0; k < ncol; k++)
      cells[k] = buf[k];
    table_row(&t, cells);
  }
}

/* Each regime's weight and its share of the samples. */
static void one_regimes(const style *st, const rp_scenario *s) {
  if (!s->nregime)
    return;
  heading(st, "Regimes: weight and share of the samples", NULL, NULL);
  static const char *const names[] = {"Regime", "Weight", "Samples", "Share", "s.e."};
  static const int width[] = {-16, 8, 12, 10, 10};
  table t;
  table_head(&t, st, 5, names, width);
  for (int r = 0; r < s->nregime; r++) {
    const rp_regime *g = &s->regime[r];
    char w[32], k[32], sh[32], se[32];
    snprintf(w, sizeof w, "%g", g->weight);
    snprintf(k, sizeof k, "%llu", (unsigned long long)g->count);
    snprintf(sh, sizeof sh, "%.*f", s->dp, g->share.v);
    snprintf(se, sizeof se, "%.*f", s->dp, g->share.se);
    const char *cells[] = {g->name, w, k, sh, se};
    table_row(&t, cells);
  }
}

/* The observations, where each falls in the bands, and a summary line. */
static void one_observations(const style *st, const rp_scenario *s) {
  if (!s->nobs)
    return;
  heading(st, "Observations: where the known values fall in the bands", NULL, NULL);
  static const char *const names[] = {"Observation", "Value",    "PIT",
                                      "50% band",    "90% band", "Source"};
  static const int width[] = {-24, 10, 7, -8, -8, -1};
  table t;
  table_head(&t, st, 6, names, width);
  for (int o = 0; o < s->nobs; o++) {
    const rp_obs *b = &s->obs[o];
    char what[96], v[32], pit[32], src[200];
    snprintf(what, sizeof what, "%s %d", b->series, b->year);
    fmt_num(b->value, v, sizeof v);
    snprintf(pit, sizeof pit, "%.4f", b->pit.v);
    char safe[200];
    mc_esc_term(b->source, safe, sizeof safe);
    snprintf(src, sizeof src, "%.*s%s", 120, safe, strlen(safe) > 120 ? "..." : "");
    const char *cells[] = {
        what, v, pit, b->in50 ? "inside" : "outside", b->in90 ? "inside" : "outside", src};
    table_row(&t, cells);
  }
  printf("%s%d of %d inside the 90%% band, %d of %d inside the 50%% band (PIT = the share of "
         "samples at or below the value; inside the 50%% band when 0.25 <= PIT <= 0.75, the "
         "90%% band when 0.05 <= PIT <= 0.95)\n",
         st->md ? "\n" : "  ", s->obs_in90, s->nobs, s->obs_in50, s->nobs);
}

static void one_crossovers(const style *st, const rp_scenario *s) {
  int dp = s->dp;
  for (int c = 0; c < s->ncross; c++) {
    const rp_cross *x = &s->cross[c];
    char rest[160];
    snprintf(rest, sizeof rest, ": %s >= %s", x->lhs, x->rhs);
    heading(st, "Crossover", x->name, rest);
    if (st->md)
      printf("\n");
    crossing_line(st, s, x);
    printf("%snot crossed by %d (grid years): %.*f +- %.*f\n", st->md ? "- " : "  ",
           s->horizon_year, dp, x->never.v, dp, x->never.se);
    static const char *const names[] = {"Year", "P(crossed by year)", "s.e.",
                                        "P(crossover in year)", "s.e."};
    static const int width[] = {6, 18, 10, 20, 10};
    table t;
    table_head(&t, st, 5, names, width);
    for (int y = 0; y < s->ny; y++) {
      char c0[16], c1[32], c2[32], c3[32], c4[32];
      snprintf(c0, sizeof c0, "%d", s->base_year + y);
      snprintf(c1, sizeof c1, "%.*f", dp, x->cum[y].v);
      snprintf(c2, sizeof c2, "%.*f", dp, x->cum[y].se);
      snprintf(c3, sizeof c3, "%.*f", dp, x->in[y].v);
      snprintf(c4, sizeof c4, "%.*f", dp, x->in[y].se);
      const char *cells[] = {c0, c1, c2, c3, c4};
      table_row(&t, cells);
    }
    if (s->nregime)
      cross_by_regime(st, s, x);
  }
}

static void one_series(const style *st, const rp_scenario *s) {
  heading(st, "Series: median +- its standard error [5%, 95%]", NULL, NULL);
  static const char *const names[] = {"Series (unit)", "Year", "Median", "s.e.", "5%", "95%"};
  static const int width[] = {-34, 6, 10, 9, 10, 10};
  table t;
  table_head(&t, st, 6, names, width);
  for (int i = 0; i < s->nseries; i++) {
    const rp_series *r = &s->series[i];
    char name[128];
    snprintf(name, sizeof name, "%s (%s)", r->name, r->unit);
    int first = 1;
    for (int y = 0; y < s->ny; y++) {
      const rp_series_year *v = &r->y[y];
      if (!v->shown)
        continue;
      char yr[16], m[32], se[32], lo[32], hi[32];
      snprintf(yr, sizeof yr, "%d", v->year);
      fmt_num(v->q[RP_MEDIAN].v, m, sizeof m);
      fmt_num(v->q[RP_MEDIAN].se, se, sizeof se);
      fmt_num(v->q[0].v, lo, sizeof lo);
      fmt_num(v->q[RP_NQ - 1].v, hi, sizeof hi);
      const char *cells[] = {first || st->md ? name : "", yr, m, se, lo, hi};
      table_row(&t, cells);
      first = 0;
    }
  }
  for (int i = 0; i < s->nseries; i++)
    for (int y = 0; y < s->ny; y++)
      if (s->series[i].y[y].nonfinite && s->series[i].y[y].shown)
        printf("%s%s %d: %llu non-finite values excluded\n", st->md ? "\n" : "  ",
               s->series[i].name, s->series[i].y[y].year,
               (unsigned long long)s->series[i].y[y].nonfinite);
}

static void one_constraints(const style *st, const rp_scenario *s) {
  if (!s->ncat)
    return;
  heading(st, "Binding constraints: fraction of samples per year", NULL, NULL);
  if (!s->cat_recorded) {
    printf("%snot recorded in this file (written before results files carried them)\n",
           st->md ? "\n" : "  ");
    return;
  }
  const char *names[MAXCOL] = {"Year"};
  int width[MAXCOL] = {6};
  for (int k = 0; k < s->ncat && k + 1 < MAXCOL; k++) {
    names[k + 1] = s->cat_name[k];
    width[k + 1] = 10;
  }
  table t;
  table_head(&t, st, s->ncat + 1, names, width);
  for (int y = 1; y < s->ny; y++) { /* none binds in the base year */
    char buf[MAXCOL][32];
    const char *cells[MAXCOL];
    snprintf(buf[0], sizeof buf[0], "%d", s->base_year + y);
    cells[0] = buf[0];
    for (int k = 0; k < s->ncat && k + 1 < MAXCOL; k++) {
      snprintf(buf[k + 1], sizeof buf[k + 1], "%.*f", s->dp, s->cat_frac[k][y].v);
      cells[k + 1] = buf[k + 1];
    }
    table_row(&t, cells);
  }
}

static void one_sensitivity(const style *st, const rp_scenario *s) {
  if (!s->nsens)
    return;
  heading(st, "Sensitivity: Sobol' indices (first-order and total, 95% confidence intervals)", NULL,
          NULL);
  printf("%s%llu samples x %d model evaluations (k + 2, k = %d parameters). First order:\n%s"
         "Saltelli 2010; total: Jansen 1999; intervals from %d batches of blocks. Largest\n%s"
         "total first.\n",
         st->md ? "\n" : "  ", (unsigned long long)s->n, s->sens[0].k + 2, s->sens[0].k,
         st->md ? "" : "  ", MC_SENS_BATCHES, st->md ? "" : "  ");
  for (int i = 0; i < s->nsens; i++) {
    const rp_sens *r = &s->sens[i];
    printf("\n%s", st->md ? "### `" : "  ");
    put(st, r->name);
    printf("%s (%s)\n", st->md ? "`" : "", r->meaning);
    static const char *const names[] = {"Parameter", "First order", "95% CI", "Total", "95% CI"};
    static const int width[] = {-28, 11, 18, 8, 18};
    table t;
    table_head(&t, st, 5, names, width);
    for (int j = 0; j < r->k; j++) {
      const rp_sens_par *p = &r->par[j];
      char f[32], fc[48], tt[32], tc[48];
      snprintf(f, sizeof f, "%.4f", p->first.v);
      snprintf(fc, sizeof fc, "[%.4f, %.4f]", p->first_ci[0], p->first_ci[1]);
      snprintf(tt, sizeof tt, "%.4f", p->total.v);
      snprintf(tc, sizeof tc, "[%.4f, %.4f]", p->total_ci[0], p->total_ci[1]);
      const char *cells[] = {p->key, f, fc, tt, tc};
      table_row(&t, cells);
    }
  }
}

static void one(const style *st, const rp_scenario *s) {
  one_header(st, s);
  one_regimes(st, s);
  one_crossovers(st, s);
  one_series(st, s);
  one_constraints(st, s);
  one_observations(st, s);
  one_sensitivity(st, s);
  printf("\n%sProbabilities are exact counts over the %llu samples; s.e. = sqrt(p(1-p)/n).\n"
         "Bands are within relative accuracy %g of the exact sample percentiles; crossing\n"
         "times within %.5f yr. A percentile's standard error is that of independent samples\n"
         "(order statistics either side of it; an upper estimate for lhs and sobol designs).\n",
         st->md ? "" : "", (unsigned long long)s->n, s->rel_acc, s->time_accuracy);
  design_note(st, NULL, s);
}

void rp_text_one(const rp_scenario *s) {
  style st = {0};
  one(&st, s);
}

void rp_markdown_one(const rp_scenario *s) {
  style st = {1};
  one(&st, s);
}

/* ---- N scenarios ------------------------------------------------------------ */

static void pairing_words(const style *st, const rp_compare *c, int i) {
  const rp_scenario *a = c->s[0], *b = c->s[i];
  const char *q = st->md ? "`" : "'";
  unsigned long long sa = a->seed, sb = b->seed;
  printf("%s vs A: ", b->label);
  switch (c->pairing[i]) {
  case RP_INDEPENDENT:
    if (sa != sb)
      printf("Seeds differ (%llu, %llu): the runs are independent samples, and the standard\n"
             "error of a difference d = p%s - pA is sqrt(pA(1-pA)/nA + p%s(1-p%s)/n%s).\n",
             sa, sb, b->label, b->label, b->label, b->label);
    else
      printf("Seeds are shared (%llu) but the sampling methods differ (%s, %s): the runs are\n"
             "treated as independent; s.e. = sqrt(pA(1-pA)/nA + pB(1-pB)/nB).\n",
             sa, a->method, b->method);
    break;
  case RP_PAIRED:
    printf("Seeds are shared (%llu) and both hold the same samples: sample i of both runs\n"
           "draws the same random numbers (common random numbers), so the two estimates are\n"
           "paired and the counts alone do not fix the standard error of d. %ss.e. indep%s =\n"
           "sqrt(pA(1-pA)/nA + pB(1-pB)/nB) is an upper bound when the pairing correlates the\n"
           "estimates positively, the aim of common random numbers (not guaranteed for every\n"
           "pair); %ss.e. min%s = sqrt(|d|(1-|d|)/n) is a lower bound that always holds for\n"
           "independent samples (method mc). When the pairing works, the true standard error\n"
           "lies between the two.\n",
           sa, q, q, q, q);
    break;
  case RP_LHS_OTHER_SIZE:
    printf("Seeds are shared (%llu) but the two Latin hypercubes have different sizes (%llu,\n"
           "%llu), so their strata differ and the samples are not paired: treated as\n"
           "independent, s.e. = sqrt(pA(1-pA)/nA + pB(1-pB)/nB).\n",
           sa, (unsigned long long)a->planned, (unsigned long long)b->planned);
    break;
  default:
    printf(
        "Seeds are shared (%llu) but the files hold different samples (%llu and %llu):\n"
        "only the %llu samples both drew (the same sample indices, wherever they lie) are\n"
        "paired. %ss.e. indep%s = sqrt(pA(1-pA)/nA + p%s(1-p%s)/n%s) is shown (an upper\n"
        "bound when the pairing correlates the estimates positively); no lower bound is given.\n",
        sa, (unsigned long long)a->n, (unsigned long long)b->n, (unsigned long long)c->paired[i], q,
        q, b->label, b->label, b->label);
  }
}

static void many_header(const style *st, const rp_compare *c) {
  char note[256];
  if (st->md) {
    printf("# Crossover comparison:");
    for (int i = 0; i < c->n; i++) {
      printf("%s", i ? (i + 1 == c->n ? " and " : ", ") : " ");
      put(st, c->s[i]->scenario);
    }
    printf("\n\n| | scenario | results file | samples | sampling | grid |\n"
           "|---|---|---|---:|---|---|\n");
  }
  for (int i = 0; i < c->n; i++) {
    const rp_scenario *s = c->s[i];
    printf(st->md ? "| %s | " : "%s: ", s->label);
    if (st->md) {
      put(st, s->scenario);
      printf(" | ");
      put(st, s->path);
      printf(" | %llu%s | %s, seed %llu | %d-%d |\n", (unsigned long long)s->n,
             samples_note(s, note, sizeof note), s->method, (unsigned long long)s->seed,
             s->base_year, s->horizon_year);
      continue;
    }
    put(st, s->path);
    printf(": scenario ");
    put(st, s->scenario);
    printf(", %llu samples%s, seed %llu, %s sampling, grid %d-%d\n", (unsigned long long)s->n,
           samples_note(s, note, sizeof note), (unsigned long long)s->seed, s->method, s->base_year,
           s->horizon_year);
  }
  printf("\n");
  for (int i = 1; i < c->n; i++)
    pairing_words(st, c, i);
  design_note(st, c, NULL);
  if (!c->have_years)
    printf("\nThe grids share no year: nothing to compare year by year.\n");
}

/* Whether any file pairs fully with the reference (an s.e. min column). */
static int paired_col(const rp_compare *c, int i) { return c->pairing[i] == RP_PAIRED; }

static void many_cross_table(const style *st, const rp_compare *c, int x) {
  const char *names[MAXCOL];
  char buf[MAXCOL][32];
  int width[MAXCOL], nc = 0;
  names[nc] = "Year", width[nc++] = 6;
  for (int i = 0; i < c->n && nc < MAXCOL - 4; i++) {
    if (i && c->match[x][i] < 0)
      continue;
    snprintf(buf[nc], sizeof buf[nc], "%s: P(by year)", c->s[i]->label);
    names[nc] = buf[nc], width[nc++] = 14;
  }
  for (int i = 1; i < c->n && nc < MAXCOL - 3; i++) {
    if (c->match[x][i] < 0)
      continue;
    snprintf(buf[nc], sizeof buf[nc], "%s - A", c->s[i]->label);
    names[nc] = buf[nc], width[nc++] = 9;
    names[nc] = "s.e. indep", width[nc++] = 10;
    if (paired_col(c, i))
      names[nc] = "s.e. min", width[nc++] = 8;
  }
  table t;
  table_head(&t, st, nc, names, width);
  for (int y = c->y0; y <= c->y1; y++) {
    char cell[MAXCOL][32];
    const char *cells[MAXCOL];
    int k = 0;
    snprintf(cell[k++], 32, "%d", y);
    for (int i = 0; i < c->n; i++) {
      int m = i ? c->match[x][i] : x;
      if (m >= 0)
        snprintf(cell[k++], 32, "%.4f", c->s[i]->cross[m].cum[y - c->s[i]->base_year].v);
    }
    for (int i = 1; i < c->n; i++) {
      if (c->match[x][i] < 0)
        continue;
      rp_diff r = c->cum[x][i][y - c->y0];
      snprintf(cell[k++], 32, "%+.4f", r.d);
      snprintf(cell[k++], 32, "%.4f", r.se);
      if (paired_col(c, i))
        snprintf(cell[k++], 32, "%.4f", r.se_min);
    }
    for (int j = 0; j < k; j++)
      cells[j] = cell[j];
    table_row(&t, cells);
  }
}

static void many_crossovers(const style *st, const rp_compare *c) {
  const rp_scenario *a = c->s[0];
  for (int x = 0; x < c->ncross; x++) {
    const rp_cross *xa = &a->cross[x];
    char rest[160];
    snprintf(rest, sizeof rest, ": %s >= %s", xa->lhs, xa->rhs);
    heading(st, "Crossover", xa->name, rest);
    if (st->md)
      printf("\n");
    for (int i = 0; i < c->n; i++) {
      int m = i ? c->match[x][i] : x;
      const rp_scenario *s = c->s[i];
      if (m < 0) {
        printf("%s%s has no crossover of that name.\n", st->md ? "- " : "  ", s->label);
        continue;
      }
      const rp_cross *xb = &s->cross[m];
      char t[RP_NQ][32];
      for (int q = 0; q < RP_NQ; q++)
        fmt_time(s, xb->t[q], t[q], sizeof t[q]);
      printf("%s%s (", st->md ? "- " : "  ", s->label);
      put(st, s->scenario);
      printf("): crossing time median %s, 90%% interval %s to %s", t[RP_MEDIAN], t[0],
             t[RP_NQ - 1]);
      if (strcmp(xb->lhs, xa->lhs) || strcmp(xb->rhs, xa->rhs))
        printf("; here it compares %s >= %s", xb->lhs, xb->rhs);
      printf("\n");
      if (i && s->horizon_year == a->horizon_year) {
        rp_diff r = c->never[x][i];
        printf("%s  not crossed by %d: A %.4f, %s %.4f, %s - A %+.4f (s.e. indep %.4f",
               st->md ? "" : "  ", a->horizon_year, xa->never.v, s->label, xb->never.v, s->label,
               r.d, r.se);
        if (isfinite(r.se_min))
          printf(", s.e. min %.4f", r.se_min);
        printf(")\n");
      }
    }
    if (c->have_years)
      many_cross_table(st, c, x);
  }
  for (int i = 1; i < c->n; i++)
    for (int k = 0; k < c->s[i]->ncross; k++) {
      int found = 0;
      for (int x = 0; x < c->ncross; x++)
        found |= c->match[x][i] == k;
      if (!found) {
        heading(st, "Crossover", c->s[i]->cross[k].name, NULL);
        printf("%sonly in %s.\n", st->md ? "\n" : "  ", c->s[i]->label);
      }
    }
}

/* Series side by side at the reference's shown years. */
static void many_series(const style *st, const rp_compare *c) {
  const rp_scenario *a = c->s[0];
  heading(st, "Series: median [5%, 95%]", NULL, NULL);
  const char *names[MAXCOL] = {"Series (unit)", "Year"};
  int width[MAXCOL] = {-34, 6}, nc = 2;
  for (int i = 0; i < c->n && nc < MAXCOL; i++)
    names[nc] = c->s[i]->label, width[nc++] = 28;
  table t;
  table_head(&t, st, nc, names, width);
  for (int k = 0; k < a->nseries; k++) {
    const rp_series *r = &a->series[k];
    char name[128];
    snprintf(name, sizeof name, "%s (%s)", r->name, r->unit);
    int first = 1;
    for (int y = 0; y < a->ny; y++) {
      if (!r->y[y].shown)
        continue;
      char cell[MAXCOL][100];
      const char *cells[MAXCOL] = {first || st->md ? name : "", cell[1]};
      snprintf(cell[1], sizeof cell[1], "%d", r->y[y].year);
      for (int i = 0; i < c->n && i + 2 < MAXCOL; i++) {
        const rp_scenario *s = c->s[i];
        int sr = rp_series_index(s, r->name), yy = r->y[y].year - s->base_year;
        char *out = cell[i + 2];
        cells[i + 2] = out;
        if (sr < 0 || yy < 0 || yy >= s->ny) {
          snprintf(out, 100, "-");
          continue;
        }
        const rp_series_year *v = &s->series[sr].y[yy];
        char m[32], lo[32], hi[32];
        fmt_num(v->q[RP_MEDIAN].v, m, sizeof m);
        fmt_num(v->q[0].v, lo, sizeof lo);
        fmt_num(v->q[RP_NQ - 1].v, hi, sizeof hi);
        snprintf(out, 100, "%s [%s, %s]", m, lo, hi);
      }
      table_row(&t, cells);
      first = 0;
    }
  }
}

static void many(const style *st, const rp_compare *c) {
  many_header(st, c);
  many_crossovers(st, c);
  many_series(st, c);
}

void rp_text_many(const rp_compare *c) {
  style st = {0};
  many(&st, c);
}

void rp_markdown_many(const rp_compare *c) {
  style st = {1};
  many(&st, c);
}
