/* The model of a report: every number a format prints, computed once. */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_model.h"
#include "report.h"

const double rp_q[RP_NQ] = {5, 50, 95};
const char *const rp_pairing_names[4] = {"independent", "shared_seed_same_samples",
                                         "shared_seed_some_samples", "shared_seed_lhs_other_size"};

const rp_format rp_formats[] = {
    {"text", NULL, rp_text_one, rp_text_many},
    {"markdown", "md", rp_markdown_one, rp_markdown_many},
    {"csv", NULL, rp_csv_one, rp_csv_many},
    {"json", NULL, rp_json_one, rp_json_many},
};
const int rp_nformats = sizeof rp_formats / sizeof rp_formats[0];

static rp_num prob(uint64_t k, uint64_t n) {
  rp_num r = {(double)k / (double)n, mc_stats_probability_se(k, n)};
  return r;
}

/* Decimals for probabilities and their standard errors over n samples: 4,
 * or enough that the largest standard error, 0.5 / sqrt(n), shows a digit. */
static int prob_decimals(uint64_t n) {
  double se = n ? 0.5 / sqrt((double)n) : 1.0;
  int d = (int)ceil(-log10(se));
  return d < 4 ? 4 : d > 8 ? 8 : d;
}

/* Crossing-time quantile p of crossover c, as a calendar year, with the
 * standard error of independent samples from the order statistics either
 * side (as for series percentiles, mc_stats_series_percentile_se). */
static rp_time crossing_time(const rp_scenario *s, int c, double p) {
  rp_time t = {NAN, NAN, 0};
  double q = mc_stats_time_quantile(s->st, c, p);
  if (isnan(q)) {
    t.censored = 1;
    return t;
  }
  t.v = s->base_year + q;
  double u = p / 100, d = 100 * sqrt(u * (1 - u) / (double)s->n);
  if (p - d > 0 && p + d < 100) {
    double lo = mc_stats_time_quantile(s->st, c, p - d),
           hi = mc_stats_time_quantile(s->st, c, p + d);
    if (!isnan(lo) && !isnan(hi))
      t.se = (hi - lo) / 2;
  }
  return t;
}

static int build_cross(rp_scenario *s, mc_err *e) {
  const mc_spec *sp = &s->job->spec;
  const mc_stats *st = s->st;
  s->ncross = sp->ncross;
  for (int c = 0; c < sp->ncross; c++) {
    rp_cross *x = &s->cross[c];
    x->name = sp->cross[c].name;
    x->lhs = sp->model->series[sp->cross[c].lhs].name;
    x->rhs = sp->model->series[sp->cross[c].rhs].name;
    for (int i = 0; i < RP_NQ; i++)
      x->t[i] = crossing_time(s, c, rp_q[i]);
    x->never_count = st->never[c];
    x->never = prob(st->never[c], s->n);
    x->cum = malloc(sizeof *x->cum * s->ny);
    x->in = malloc(sizeof *x->in * s->ny);
    x->cum_count = malloc(sizeof *x->cum_count * s->ny);
    if (!x->cum || !x->in || !x->cum_count)
      MC_RAISE(e, MC_EFAIL, "out of memory building the report");
    uint64_t cum = 0;
    for (int y = 0; y < s->ny; y++) {
      uint64_t k = st->year_counts[(size_t)c * s->ny + y];
      cum += k;
      x->cum_count[y] = cum;
      x->cum[y] = prob(cum, s->n);
      x->in[y] = prob(k, s->n);
    }
  }
  return MC_OK;
}

static int build_series(rp_scenario *s, mc_err *e) {
  const mc_spec *sp = &s->job->spec;
  const mc_model_type *M = sp->model;
  const mc_stats *st = s->st;
  s->nseries = 0;
  for (int sr = 0; sr < M->nseries; sr++) {
    if (!mc_spec_has_series(sp, sr))
      continue;
    rp_series *r = &s->series[s->nseries++];
    r->name = M->series[sr].name;
    r->unit = M->series[sr].unit;
    r->y = calloc((size_t)s->ny, sizeof *r->y);
    if (!r->y)
      MC_RAISE(e, MC_EFAIL, "out of memory building the report");
    for (int y = 0; y < s->ny; y++) {
      rp_series_year *v = &r->y[y];
      double val[RP_NQ], se[RP_NQ];
      mc_stats_series_percentiles(st, sr, y, RP_NQ, rp_q, val);
      mc_stats_series_percentiles_se(st, sr, y, RP_NQ, rp_q, se);
      v->year = s->base_year + y;
      v->shown = y == 0 || y == s->ny - 1 || y % 5 == 0;
      for (int i = 0; i < RP_NQ; i++)
        v->q[i] = (rp_num){val[i], se[i]};
      v->nonfinite = st->series[sr * s->ny + y].nonfinite;
      uint64_t nf = s->n - v->nonfinite;
      v->mean.v = mc_stats_series_mean(st, sr, y);
      v->mean.se = nf > 1 ? mc_stats_series_std(st, sr, y) / sqrt((double)nf) : NAN;
    }
  }
  return MC_OK;
}

/* Binding constraints per year (model capacity): counts / n. A file whose
 * counts are all zero after the base year did not record them. */
static int build_constraints(rp_scenario *s, mc_err *e) {
  const mc_stats *st = s->st;
  s->ncat = st->ncat;
  s->cat_recorded = 0;
  for (int k = 0; k < st->ncat; k++) {
    s->cat_name[k] = s->job->spec.model->cat[k];
    s->cat_frac[k] = malloc(sizeof *s->cat_frac[k] * s->ny);
    if (!s->cat_frac[k])
      MC_RAISE(e, MC_EFAIL, "out of memory building the report");
    for (int y = 0; y < s->ny; y++) {
      uint64_t cnt = st->cat_counts[(size_t)k * s->ny + y];
      s->cat_frac[k][y] = prob(cnt, s->n);
      s->cat_recorded |= cnt > 0;
    }
  }
  return MC_OK;
}

/* Regimes: each one's share of the samples, and each crossover's cumulative
 * probability by year within it. */
static int build_regimes(rp_scenario *s, mc_err *e) {
  const mc_spec *sp = &s->job->spec;
  const mc_stats *st = s->st;
  int R = st->nregime, ny = s->ny;
  s->nregime = R;
  for (int r = 0; r < R; r++) {
    rp_regime *g = &s->regime[r];
    g->name = sp->regime_name[r];
    g->weight = sp->regime_weight[r];
    g->count = st->regime_counts[r];
    g->share = prob(g->count, s->n);
  }
  for (int c = 0; R && c < s->ncross; c++) {
    rp_cross *x = &s->cross[c];
    x->cum_regime = malloc(sizeof *x->cum_regime * (size_t)R * (size_t)ny);
    if (!x->cum_regime)
      MC_RAISE(e, MC_EFAIL, "out of memory building the report");
    for (int r = 0; r < R; r++) {
      uint64_t cum = 0, nr = st->regime_counts[r];
      for (int y = 0; y < ny; y++) {
        cum += st->regime_year_counts[((size_t)c * R + r) * ny + y];
        x->cum_regime[r * ny + y] = nr ? prob(cum, nr) : (rp_num){NAN, NAN};
      }
    }
  }
  return MC_OK;
}

/* Observations: PIT and band membership. */
static void build_observations(rp_scenario *s) {
  const mc_spec *sp = &s->job->spec;
  s->nobs = sp->nobs;
  s->obs_in50 = s->obs_in90 = 0;
  for (int o = 0; o < sp->nobs; o++) {
    rp_obs *b = &s->obs[o];
    const mc_observation *ob = &sp->obs[o];
    b->series = sp->model->series[ob->series].name;
    b->unit = sp->model->series[ob->series].unit;
    b->source = ob->source;
    b->year = sp->base_year + ob->year;
    b->value = ob->value;
    b->count = s->st->obs_counts[o];
    b->pit = prob(b->count, s->n);
    b->in50 = b->pit.v >= 0.25 && b->pit.v <= 0.75;
    b->in90 = b->pit.v >= 0.05 && b->pit.v <= 0.95;
    s->obs_in50 += b->in50;
    s->obs_in90 += b->in90;
  }
}

static int build_sensitivity(rp_scenario *s, mc_err *e) {
  const mc_stats *st = s->st;
  const mc_spec *sp = &s->job->spec;
  s->nsens = st->nsens;
  if (!st->nsens)
    return MC_OK;
  s->sens = calloc((size_t)st->nsens, sizeof *s->sens);
  if (!s->sens)
    MC_RAISE(e, MC_EFAIL, "out of memory building the report");
  double tq = gsl_cdf_tdist_Pinv(0.975, MC_SENS_BATCHES - 1);
  for (int t = 0; t < st->nsens; t++) {
    rp_sens *r = &s->sens[t];
    double first[MC_MAXINPUT], total[MC_MAXINPUT], fci[2 * MC_MAXINPUT], tci[2 * MC_MAXINPUT];
    mc_stats_sensitivity(st, t, first, total, fci, tci);
    r->name = sp->sens[t].name;
    r->meaning = sp->sens[t].kind == MC_SENS_SERIES
                     ? "natural log of the series in that year"
                     : "crossing time; no crossing counts as the horizon";
    r->k = st->sens_k;
    for (int j = 0; j < r->k; j++) {
      rp_sens_par *p = &r->par[j];
      p->key = mc_spec_input_key(sp, st->sens_par[j]);
      p->first = (rp_num){first[j], (fci[2 * j + 1] - fci[2 * j]) / 2 / tq};
      p->total = (rp_num){total[j], (tci[2 * j + 1] - tci[2 * j]) / 2 / tq};
      memcpy(p->first_ci, fci + 2 * j, sizeof p->first_ci);
      memcpy(p->total_ci, tci + 2 * j, sizeof p->total_ci);
    }
    for (int i = 1; i < r->k; i++) /* largest total first, NaN last */
      for (int j = i; j > 0; j--) {
        double a = r->par[j - 1].total.v, b = r->par[j].total.v;
        if (!(isnan(a) || (!isnan(b) && b > a)))
          break;
        rp_sens_par x = r->par[j];
        r->par[j] = r->par[j - 1];
        r->par[j - 1] = x;
      }
  }
  return MC_OK;
}

int rp_scenario_build(rp_scenario *s, const char *path, const mc_job *job, const mc_stats *st,
                      mc_err *e) {
  const mc_spec *sp = &job->spec;
  memset(s, 0, sizeof *s);
  s->path = path;
  s->job = job;
  s->st = st;
  s->scenario = sp->scenario;
  s->description = job->description;
  s->model = sp->model->name;
  s->method = mc_method_names[sp->method];
  s->n = mc_stats_done_samples(st);
  s->planned = sp->samples;
  s->seed = sp->seed;
  s->base_year = sp->base_year;
  s->horizon_year = sp->horizon_year;
  s->ny = st->ny;
  s->complete = mc_stats_complete(st);
  s->stopped_early = st->stop_blocks && s->complete;
  s->stop_se = sp->stop_se;
  s->rel_acc = sp->rel_acc;
  s->time_accuracy = mc_engine_time_accuracy(sp);
  s->dp = prob_decimals(s->n);
  s->fault_samples = st->fault_samples;
  int rc = build_cross(s, e);
  if (rc == MC_OK)
    rc = build_series(s, e);
  if (rc == MC_OK)
    rc = build_constraints(s, e);
  if (rc == MC_OK)
    rc = build_regimes(s, e);
  if (rc == MC_OK)
    build_observations(s);
  if (rc == MC_OK)
    rc = build_sensitivity(s, e);
  if (rc != MC_OK)
    rp_scenario_free(s);
  return rc;
}

void rp_scenario_free(rp_scenario *s) {
  for (int c = 0; c < s->ncross; c++) {
    free(s->cross[c].cum);
    free(s->cross[c].in);
    free(s->cross[c].cum_count);
    free(s->cross[c].cum_regime);
  }
  for (int i = 0; i < s->nseries; i++)
    free(s->series[i].y);
  for (int k = 0; k < s->ncat; k++)
    free(s->cat_frac[k]);
  free(s->sens);
  memset(s, 0, sizeof *s);
}

int rp_series_index(const rp_scenario *s, const char *name) {
  for (int i = 0; i < s->nseries; i++)
    if (!strcmp(s->series[i].name, name))
      return i;
  return -1;
}

/* Samples of block b in a run of n samples. */
static uint64_t block_samples(uint64_t n, uint64_t b) {
  uint64_t end = (b + 1) * MC_BLOCK < n ? (b + 1) * MC_BLOCK : n;
  return end > b * MC_BLOCK ? end - b * MC_BLOCK : 0;
}

/* Same seed and method: sample i draws the same uniforms in both runs,
 * except that a Latin hypercube's strata depend on the planned n
 * (engine/mc_design.h). The samples that pair are those of the blocks both
 * files hold, wherever they lie (a merge with a gap holds no prefix). */
static int pairing(const rp_scenario *a, const rp_scenario *b, uint64_t *paired) {
  *paired = 0;
  if (a->seed != b->seed || a->job->spec.method != b->job->spec.method)
    return RP_INDEPENDENT;
  if (a->job->spec.method == MC_METHOD_LHS && a->planned != b->planned)
    return RP_LHS_OTHER_SIZE;
  uint64_t nb = a->st->nblocks > b->st->nblocks ? a->st->nblocks : b->st->nblocks;
  int same = 1;
  for (uint64_t k = 0; k < nb; k++) {
    int da = k < a->st->nblocks && mc_stats_block_done(a->st, k);
    int db = k < b->st->nblocks && mc_stats_block_done(b->st, k);
    uint64_t na = da ? block_samples(a->planned, k) : 0,
             nbk = db ? block_samples(b->planned, k) : 0;
    *paired += na < nbk ? na : nbk;
    same &= na == nbk;
  }
  return same ? RP_PAIRED : RP_PARTLY_PAIRED;
}

static rp_diff diff(const rp_compare *c, int i, rp_num pa, rp_num pb) {
  rp_diff r;
  uint64_t na = c->s[0]->n, nb = c->s[i]->n;
  r.d = pb.v - pa.v;
  r.se = sqrt(pa.v * (1 - pa.v) / na + pb.v * (1 - pb.v) / nb);
  r.se_min = c->pairing[i] == RP_PAIRED ? sqrt(fabs(r.d) * (1 - fabs(r.d)) / na) : NAN;
  return r;
}

int rp_compare_build(rp_compare *c, int n, rp_scenario *const *s, mc_err *e) {
  memset(c, 0, sizeof *c);
  c->n = n;
  const rp_scenario *a = s[0];
  c->y0 = a->base_year;
  c->y1 = a->horizon_year;
  for (int i = 0; i < n; i++) {
    c->s[i] = s[i];
    snprintf(s[i]->label, sizeof s[i]->label, "%c", 'A' + i);
    if (s[i]->base_year > c->y0)
      c->y0 = s[i]->base_year;
    if (s[i]->horizon_year < c->y1)
      c->y1 = s[i]->horizon_year;
    if (i)
      c->pairing[i] = pairing(a, s[i], &c->paired[i]);
  }
  c->have_years = c->y0 <= c->y1;
  c->ncross = a->ncross;
  for (int x = 0; x < a->ncross; x++)
    for (int i = 1; i < n; i++) {
      int m = -1;
      for (int k = 0; k < s[i]->ncross; k++)
        if (!strcmp(s[i]->cross[k].name, a->cross[x].name))
          m = k;
      c->match[x][i] = m;
      if (m < 0)
        continue;
      const rp_cross *xa = &a->cross[x], *xb = &s[i]->cross[m];
      c->never[x][i] = diff(c, i, xa->never, xb->never);
      if (!c->have_years)
        continue;
      c->cum[x][i] = malloc(sizeof *c->cum[x][i] * (size_t)(c->y1 - c->y0 + 1));
      if (!c->cum[x][i]) {
        rp_compare_free(c);
        MC_RAISE(e, MC_EFAIL, "out of memory building the comparison");
      }
      for (int y = c->y0; y <= c->y1; y++)
        c->cum[x][i][y - c->y0] =
            diff(c, i, xa->cum[y - a->base_year], xb->cum[y - s[i]->base_year]);
    }
  return MC_OK;
}

void rp_compare_free(rp_compare *c) {
  for (int x = 0; x < MC_MAXCROSS; x++)
    for (int i = 0; i < RP_MAXFILES; i++)
      free(c->cum[x][i]);
  memset(c, 0, sizeof *c);
}
