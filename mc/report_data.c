/* The report for programs: CSV (RFC 4180, one number per row, with its
 * standard error and units) and JSON (one object; every quantity an object
 * {"value", "standard_error"}). Crossing times are calendar years; one that
 * falls after the horizon is `censored` in CSV, "censored": true in JSON. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "report.h"

#define U_PROB  "1"
#define U_TIME  "calendar year"
#define U_COUNT "count"
#define U_YEARS "year"

/* ---- CSV -------------------------------------------------------------------- */

static void csv_num(double v, const char *fmt) {
  if (isfinite(v))
    printf(fmt, v);
}

/* section,name,year,quantity, (the rest follows). year <= 0: empty. */
static void csv_key(const char *section, const char *name, int year, const char *quantity) {
  printf("%s,", section);
  mc_put_csv(stdout, name);
  if (year > 0)
    printf(",%d,", year);
  else
    printf(",,");
  mc_put_csv(stdout, quantity);
}

/* A row of one file: ...,value,standard_error,units */
static void csv_row(const char *section, const char *name, int year, const char *quantity, rp_num v,
                    const char *units) {
  csv_key(section, name, year, quantity);
  printf(",");
  csv_num(v.v, "%.10g");
  printf(",");
  csv_num(v.se, "%.6g");
  printf(",");
  mc_put_csv(stdout, units);
  printf("\n");
}

static void csv_time_row(const rp_scenario *s, const rp_cross *x, int i) {
  char q[32];
  snprintf(q, sizeof q, "crossing_time_p%g", rp_q[i]);
  csv_key("crossover", x->name, 0, q);
  if (x->t[i].censored)
    printf(",censored,");
  else
    printf(",%.4f,", x->t[i].v);
  csv_num(x->t[i].se, "%.4g");
  printf(",%s\n", U_TIME);
  (void)s;
}

void rp_csv_one(const rp_scenario *s) {
  printf("section,name,year,quantity,value,standard_error,units\n");
  csv_row("run", s->scenario, 0, "samples", (rp_num){(double)s->n, NAN}, U_COUNT);
  csv_row("run", s->scenario, 0, "fault_samples", (rp_num){(double)s->fault_samples, NAN}, U_COUNT);
  csv_row("run", s->scenario, 0, "crossing_time_accuracy", (rp_num){s->time_accuracy, NAN},
          U_YEARS);
  for (int c = 0; c < s->ncross; c++) {
    const rp_cross *x = &s->cross[c];
    for (int y = 0; y < s->ny; y++) {
      csv_row("crossover", x->name, s->base_year + y, "cumulative", x->cum[y], U_PROB);
      csv_row("crossover", x->name, s->base_year + y, "probability", x->in[y], U_PROB);
    }
    csv_row("crossover", x->name, 0, "never", x->never, U_PROB);
    for (int i = 0; i < RP_NQ; i++)
      csv_time_row(s, x, i);
  }
  for (int k = 0; k < s->nseries; k++) {
    const rp_series *r = &s->series[k];
    for (int y = 0; y < s->ny; y++) {
      if (!r->y[y].shown)
        continue;
      for (int i = 0; i < RP_NQ; i++) {
        char q[16];
        snprintf(q, sizeof q, "p%g", rp_q[i]);
        csv_row("series", r->name, r->y[y].year, q, r->y[y].q[i], r->unit);
      }
      csv_row("series", r->name, r->y[y].year, "mean", r->y[y].mean, r->unit);
    }
  }
  for (int k = 0; k < s->ncat && s->cat_recorded; k++)
    for (int y = 1; y < s->ny; y++)
      csv_row("constraint", s->cat_name[k], s->base_year + y, "fraction", s->cat_frac[k][y],
              U_PROB);
  for (int r = 0; r < s->nregime; r++) {
    csv_row("regime", s->regime[r].name, 0, "weight", (rp_num){s->regime[r].weight, NAN}, U_PROB);
    csv_row("regime", s->regime[r].name, 0, "share", s->regime[r].share, U_PROB);
    for (int c = 0; c < s->ncross; c++)
      for (int y = 0; y < s->ny; y++) {
        char q[MC_NAMELEN + 32];
        snprintf(q, sizeof q, "cumulative.%s", s->cross[c].name);
        csv_row("regime", s->regime[r].name, s->base_year + y, q,
                s->cross[c].cum_regime[r * s->ny + y], U_PROB);
      }
  }
  for (int o = 0; o < s->nobs; o++) {
    const rp_obs *b = &s->obs[o];
    csv_row("observation", b->series, b->year, "value", (rp_num){b->value, NAN}, b->unit);
    csv_row("observation", b->series, b->year, "pit", b->pit, U_PROB);
  }
  for (int t = 0; t < s->nsens; t++)
    for (int j = 0; j < s->sens[t].k; j++) {
      const rp_sens_par *p = &s->sens[t].par[j];
      char q[160];
      snprintf(q, sizeof q, "first_order.%s", p->key);
      csv_row("sensitivity", s->sens[t].name, 0, q, p->first, U_PROB);
      snprintf(q, sizeof q, "total.%s", p->key);
      csv_row("sensitivity", s->sens[t].name, 0, q, p->total, U_PROB);
    }
}

/* A row of file i of a comparison: ...,run,value,standard_error,difference,
 * se_independent,se_paired_min,units (the last four empty for A). */
static void csv_many_row(const rp_compare *c, int i, const char *section, const char *name,
                         int year, const char *quantity, rp_num v, const rp_diff *d,
                         const char *units) {
  csv_key(section, name, year, quantity);
  printf(",%s,", c->s[i]->label);
  csv_num(v.v, "%.10g");
  printf(",");
  csv_num(v.se, "%.6g");
  printf(",");
  if (d) {
    csv_num(d->d, "%.10g");
    printf(",");
    csv_num(d->se, "%.6g");
    printf(",");
    csv_num(d->se_min, "%.6g");
  } else
    printf(",,");
  printf(",");
  mc_put_csv(stdout, units);
  printf("\n");
}

static void csv_many_cross(const rp_compare *c, int x) {
  const rp_scenario *a = c->s[0];
  const char *nm = a->cross[x].name;
  for (int y = c->y0; c->have_years && y <= c->y1; y++)
    for (int i = 0; i < c->n; i++) {
      int m = i ? c->match[x][i] : x;
      if (m >= 0)
        csv_many_row(c, i, "crossover", nm, y, "cumulative",
                     c->s[i]->cross[m].cum[y - c->s[i]->base_year],
                     i ? &c->cum[x][i][y - c->y0] : NULL, U_PROB);
    }
  for (int i = 0; i < c->n; i++) {
    int m = i ? c->match[x][i] : x;
    if (m >= 0 && c->s[i]->horizon_year == a->horizon_year)
      csv_many_row(c, i, "crossover", nm, 0, "never", c->s[i]->cross[m].never,
                   i ? &c->never[x][i] : NULL, U_PROB);
  }
  for (int q = 0; q < RP_NQ; q++) {
    char quantity[32];
    snprintf(quantity, sizeof quantity, "crossing_time_p%g", rp_q[q]);
    rp_time ta = a->cross[x].t[q];
    for (int i = 0; i < c->n; i++) {
      int m = i ? c->match[x][i] : x;
      if (m < 0)
        continue;
      rp_time t = c->s[i]->cross[m].t[q];
      csv_key("crossover", nm, 0, quantity);
      printf(",%s,", c->s[i]->label);
      if (t.censored)
        printf("censored");
      else
        printf("%.4f", t.v);
      printf(",");
      csv_num(t.se, "%.4g");
      printf(",");
      if (i && !t.censored && !ta.censored)
        printf("%.4f", t.v - ta.v);
      printf(",,,%s\n", U_TIME);
    }
  }
}

void rp_csv_many(const rp_compare *c) {
  printf("section,name,year,quantity,run,value,standard_error,difference,se_independent,"
         "se_paired_min,units\n");
  for (int i = 0; i < c->n; i++) {
    const rp_scenario *s = c->s[i];
    csv_many_row(c, i, "run", s->scenario, 0, "samples", (rp_num){(double)s->n, NAN}, NULL,
                 U_COUNT);
    csv_many_row(c, i, "run", s->scenario, 0, "seed", (rp_num){(double)s->seed, NAN}, NULL, "");
    csv_many_row(c, i, "run", s->path, 0, "file", (rp_num){NAN, NAN}, NULL, "");
    if (i)
      csv_many_row(c, i, "run", s->scenario, 0, "paired_samples",
                   (rp_num){(double)c->paired[i], NAN}, NULL, U_COUNT);
  }
  for (int x = 0; x < c->ncross; x++)
    csv_many_cross(c, x);
  const rp_scenario *a = c->s[0];
  for (int k = 0; k < a->nseries; k++) {
    const rp_series *r = &a->series[k];
    for (int y = 0; y < a->ny; y++) {
      if (!r->y[y].shown)
        continue;
      for (int q = 0; q < RP_NQ; q++) {
        char quantity[16];
        snprintf(quantity, sizeof quantity, "p%g", rp_q[q]);
        for (int i = 0; i < c->n; i++) {
          const rp_scenario *s = c->s[i];
          int sr = rp_series_index(s, r->name), yy = r->y[y].year - s->base_year;
          if (sr < 0 || yy < 0 || yy >= s->ny)
            continue;
          rp_num v = s->series[sr].y[yy].q[q];
          rp_diff d = {v.v - r->y[y].q[q].v, NAN, NAN};
          csv_many_row(c, i, "series", r->name, r->y[y].year, quantity, v, i ? &d : NULL, r->unit);
        }
      }
    }
  }
}

/* ---- JSON ------------------------------------------------------------------- */

static void json_num(double v, const char *fmt) {
  if (isfinite(v))
    printf(fmt, v);
  else
    printf("null");
}

/* {"value": v, "standard_error": se} */
static void json_q(rp_num v) {
  printf("{\"value\": ");
  json_num(v.v, "%.10g");
  printf(", \"standard_error\": ");
  json_num(v.se, "%.6g");
  printf("}");
}

static void json_time(rp_time t) {
  printf("{\"value\": ");
  json_num(t.v, "%.6f");
  printf(", \"standard_error\": ");
  json_num(t.se, "%.4g");
  printf(", \"censored\": %s}", t.censored ? "true" : "false");
}

static void json_key(const char *k) {
  mc_put_json(stdout, k);
  printf(": ");
}

static void json_run(const rp_scenario *s, const char *indent) {
  printf("%s\"scenario\": ", indent);
  mc_put_json(stdout, s->scenario);
  printf(",\n%s\"path\": ", indent);
  mc_put_json(stdout, s->path);
  printf(",\n%s\"description\": ", indent);
  mc_put_json(stdout, s->description);
  printf(",\n%s\"model\": \"%s\", \"samples\": %llu, \"samples_planned\": %llu, \"seed\": %llu,\n",
         indent, s->model, (unsigned long long)s->n, (unsigned long long)s->planned,
         (unsigned long long)s->seed);
  printf("%s\"sampling_method\": \"%s\", \"base_year\": %d, \"horizon_year\": %d,\n", indent,
         s->method, s->base_year, s->horizon_year);
  printf("%s\"complete\": %s, \"stopped_early\": %s, \"fault_samples\": %llu,\n", indent,
         s->complete ? "true" : "false", s->stopped_early ? "true" : "false",
         (unsigned long long)s->fault_samples);
  printf("%s\"relative_accuracy\": %g, \"crossing_time_accuracy\": %.6g", indent, s->rel_acc,
         s->time_accuracy);
}

static void json_crossing_times(const rp_time *t) {
  printf("\"crossing_time\": {");
  for (int i = 0; i < RP_NQ; i++) {
    printf("%s\"p%g\": ", i ? ", " : "", rp_q[i]);
    json_time(t[i]);
  }
  printf("}");
}

static void json_one_cross(const rp_scenario *s) {
  printf(",\n  \"crossovers\": {");
  for (int c = 0; c < s->ncross; c++) {
    const rp_cross *x = &s->cross[c];
    printf("%s\n    ", c ? "," : "");
    json_key(x->name);
    printf("{\"lhs\": \"%s\", \"rhs\": \"%s\",\n      ", x->lhs, x->rhs);
    json_crossing_times(x->t);
    printf(",\n      \"never\": ");
    json_q(x->never);
    printf(",\n      \"years\": [");
    for (int y = 0; y < s->ny; y++) {
      printf("%s\n        {\"year\": %d, \"probability\": ", y ? "," : "", s->base_year + y);
      json_q(x->in[y]);
      printf(", \"cumulative\": ");
      json_q(x->cum[y]);
      printf("}");
    }
    printf("]}");
  }
  printf("\n  }");
}

static void json_one_series(const rp_scenario *s) {
  printf(",\n  \"series\": {");
  for (int k = 0; k < s->nseries; k++) {
    const rp_series *r = &s->series[k];
    printf("%s\n    \"%s\": {\"units\": \"%s\", \"years\": [", k ? "," : "", r->name, r->unit);
    for (int y = 0; y < s->ny; y++) {
      printf("%s\n      {\"year\": %d", y ? "," : "", r->y[y].year);
      for (int i = 0; i < RP_NQ; i++) {
        printf(", \"p%g\": ", rp_q[i]);
        json_q(r->y[y].q[i]);
      }
      printf(", \"mean\": ");
      json_q(r->y[y].mean);
      printf(", \"nonfinite\": %llu}", (unsigned long long)r->y[y].nonfinite);
    }
    printf("]}");
  }
  printf("\n  }");
}

static void json_one_regimes(const rp_scenario *s) {
  if (s->nregime) {
    printf(",\n  \"regimes\": {");
    for (int r = 0; r < s->nregime; r++) {
      const rp_regime *g = &s->regime[r];
      printf("%s\n    \"%s\": {\"weight\": %.17g, \"samples\": %llu, \"share\": ", r ? "," : "",
             g->name, g->weight, (unsigned long long)g->count);
      json_q(g->share);
      printf(", \"crossovers\": {");
      for (int c = 0; c < s->ncross; c++) {
        printf("%s", c ? ", " : "");
        json_key(s->cross[c].name);
        printf("{\"cumulative\": [");
        for (int y = 0; y < s->ny; y++) {
          printf("%s{\"year\": %d, \"value\": ", y ? ", " : "", s->base_year + y);
          json_q(s->cross[c].cum_regime[r * s->ny + y]);
          printf("}");
        }
        printf("]}");
      }
      printf("}}");
    }
    printf("\n  }");
  }
  if (!s->nobs)
    return;
  printf(",\n  \"observations\": {\"inside_90\": %d, \"inside_50\": %d, \"items\": [", s->obs_in90,
         s->obs_in50);
  for (int o = 0; o < s->nobs; o++) {
    const rp_obs *b = &s->obs[o];
    printf("%s\n    {\"series\": \"%s\", \"year\": %d, \"value\": %.17g, \"units\": ", o ? "," : "",
           b->series, b->year, b->value);
    mc_put_json(stdout, b->unit);
    printf(", \"count_le\": %llu, \"pit\": ", (unsigned long long)b->count);
    json_q(b->pit);
    printf(", \"inside_50\": %s, \"inside_90\": %s, \"source\": ", b->in50 ? "true" : "false",
           b->in90 ? "true" : "false");
    mc_put_json(stdout, b->source);
    printf("}");
  }
  printf("\n  ]}");
}

static void json_one_rest(const rp_scenario *s) {
  if (s->ncat) {
    printf(",\n  \"constraints_recorded\": %s,\n  \"constraints\": {",
           s->cat_recorded ? "true" : "false");
    for (int k = 0; k < s->ncat; k++) {
      printf("%s\n    \"%s\": {\"years\": [", k ? "," : "", s->cat_name[k]);
      for (int y = 1; y < s->ny; y++) {
        printf("%s{\"year\": %d, \"fraction\": ", y > 1 ? ", " : "", s->base_year + y);
        json_q(s->cat_frac[k][y]);
        printf("}");
      }
      printf("]}");
    }
    printf("\n  }");
  }
  if (!s->nsens)
    return;
  printf(",\n  \"sensitivity\": {");
  for (int t = 0; t < s->nsens; t++) {
    const rp_sens *r = &s->sens[t];
    printf("%s\n    ", t ? "," : "");
    json_key(r->name);
    printf("{\"meaning\": \"%s\", \"parameters\": [", r->meaning);
    for (int j = 0; j < r->k; j++) {
      const rp_sens_par *p = &r->par[j];
      printf("%s\n      {\"parameter\": \"%s\", \"first_order\": ", j ? "," : "", p->key);
      json_q(p->first);
      printf(", \"first_order_ci\": [");
      json_num(p->first_ci[0], "%.6g");
      printf(", ");
      json_num(p->first_ci[1], "%.6g");
      printf("], \"total\": ");
      json_q(p->total);
      printf(", \"total_ci\": [");
      json_num(p->total_ci[0], "%.6g");
      printf(", ");
      json_num(p->total_ci[1], "%.6g");
      printf("]}");
    }
    printf("]}");
  }
  printf("\n  }");
}

void rp_json_one(const rp_scenario *s) {
  printf("{\n");
  json_run(s, "  ");
  json_one_cross(s);
  json_one_series(s);
  json_one_regimes(s);
  json_one_rest(s);
  printf("\n}\n");
}

/* {"value", "se_independent", "se_paired_min"} of a difference */
static void json_diff(rp_diff d) {
  printf("{\"value\": ");
  json_num(d.d, "%.10g");
  printf(", \"se_independent\": ");
  json_num(d.se, "%.6g");
  printf(", \"se_paired_min\": ");
  json_num(d.se_min, "%.6g");
  printf("}");
}

/* "quantity": {"A": q, "B": q, ..., "difference": {"B": d, ...}} for a
 * probability of crossover x; get(i, m) is file i's value (m its index). */
static void json_many_prob(const rp_compare *c, int x, const char *quantity, int y) {
  printf("\"%s\": {", quantity);
  for (int i = 0, first = 1; i < c->n; i++) {
    int m = i ? c->match[x][i] : x;
    if (m < 0)
      continue;
    const rp_cross *xi = &c->s[i]->cross[m];
    printf("%s\"%s\": ", first ? "" : ", ", c->s[i]->label);
    json_q(y < 0 ? xi->never : xi->cum[y - c->s[i]->base_year]);
    first = 0;
  }
  printf(", \"difference\": {");
  for (int i = 1, first = 1; i < c->n; i++) {
    if (c->match[x][i] < 0)
      continue;
    printf("%s\"%s\": ", first ? "" : ", ", c->s[i]->label);
    json_diff(y < 0 ? c->never[x][i] : c->cum[x][i][y - c->y0]);
    first = 0;
  }
  printf("}}");
}

static void json_many_cross(const rp_compare *c, int x) {
  const rp_scenario *a = c->s[0];
  json_key(a->cross[x].name);
  printf("{\"crossing_time\": {");
  for (int i = 0, first = 1; i < c->n; i++) {
    int m = i ? c->match[x][i] : x;
    if (m < 0)
      continue;
    printf("%s\"%s\": {", first ? "" : ", ", c->s[i]->label);
    for (int q = 0; q < RP_NQ; q++) {
      printf("%s\"p%g\": ", q ? ", " : "", rp_q[q]);
      json_time(c->s[i]->cross[m].t[q]);
    }
    printf("}");
    first = 0;
  }
  printf("}");
  int same_h = 1;
  for (int i = 1; i < c->n; i++)
    same_h &= c->match[x][i] < 0 || c->s[i]->horizon_year == a->horizon_year;
  if (same_h) {
    printf(",\n      ");
    json_many_prob(c, x, "never", -1);
  }
  printf(",\n      \"years\": [");
  for (int y = c->y0; c->have_years && y <= c->y1; y++) {
    printf("%s\n        {\"year\": %d, ", y == c->y0 ? "" : ",", y);
    json_many_prob(c, x, "cumulative", y);
    printf("}");
  }
  printf("]}");
}

void rp_json_many(const rp_compare *c) {
  printf("{\n  \"reference\": \"A\",\n  \"runs\": [");
  for (int i = 0; i < c->n; i++) {
    printf("%s\n    {\"label\": \"%s\",\n", i ? "," : "", c->s[i]->label);
    json_run(c->s[i], "     ");
    if (i)
      printf(",\n     \"pairing\": \"%s\", \"seed_shared\": %s, \"paired_samples\": %llu",
             rp_pairing_names[c->pairing[i]], c->s[i]->seed == c->s[0]->seed ? "true" : "false",
             (unsigned long long)c->paired[i]);
    printf("}");
  }
  printf("\n  ],\n  \"crossovers\": {");
  for (int x = 0; x < c->ncross; x++) {
    printf("%s\n    ", x ? "," : "");
    json_many_cross(c, x);
  }
  printf("\n  }\n}\n");
}
