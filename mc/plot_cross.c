/* The charts of distributions over samples that are not fans: a
 * crossover's crossover-year distribution, the binding constraints by year,
 * and the Sobol' indices of each sensitivity target. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot_int.h"

/* ---- crossover-year distribution ------------------------------------------------- */

/* Room beyond the horizon for the "no crossover" bar: its centre and the
 * right edge of the window, in years. */
static void never_room(const mc_spec *s, double *u, double *xnever, double *x1) {
  *u = fmax(1.0, (s->horizon_year - s->base_year) / 15.0);
  *xnever = s->horizon_year + 1.6 * *u;
  *x1 = s->horizon_year + 2.5 * *u;
}

/* The 90% interval of the crossing time: a bracket near the top, open (an
 * arrow past the horizon) when the 95th percentile is censored. */
static void interval_bracket(const plot_ctx *P, double a, double b, int open, double u,
                             double ybr) {
  plcol0(C_MEDIAN);
  plot_width(P, 1.6);
  double px[2] = {a, b}, py[2] = {ybr, ybr}, ta[2] = {a, a}, tb[2] = {ybr - 0.022, ybr + 0.022};
  plline(2, px, py);
  plline(2, ta, tb);
  if (!open) {
    double xb[2] = {b, b};
    plline(2, xb, tb);
  } else {
    double ax[3] = {b - 0.25 * u, b, b - 0.25 * u}, ay[3] = {ybr + 0.02, ybr, ybr - 0.02};
    plline(3, ax, ay);
  }
}

/* The bars P(crossover year = y) and the grey bar of no crossover by the
 * horizon, labelled under the axis; cum[] gets P(crossover year <= y). */
/* 1 when the horizon year's label would touch the label `never` of the
 * "no crossover" bar. */
static int horizon_crowded(const plot_panel *pn, const mc_spec *s, double xnever,
                           const char *never) {
  double xmin, xmax, ymin, ymax, def, ht;
  char a[32];
  plgspa(&xmin, &xmax, &ymin, &ymax);
  plschr(0, 1.0);
  plgchr(&def, &ht);
  snprintf(a, sizeof a, "%d", s->horizon_year);
  double mm_per_year = (pn->vx1 - pn->vx0) * (xmax - xmin) / (pn->x1 - pn->x0);
  return (xnever - s->horizon_year) * mm_per_year <
         0.5 * (plot_text_mm(a) + plot_text_mm(never)) + 0.8 * ht;
}

/* The label of the "no crossover" bar: "> horizon", or "after" where that
 * would touch the horizon year's label. */
static void never_label(const plot_panel *pn, const mc_spec *s, double xnever, char *lab,
                        size_t len) {
  snprintf(lab, len, "> %d", s->horizon_year);
  if (horizon_crowded(pn, s, xnever, lab))
    snprintf(lab, len, "after");
}

static void year_bars(const plot_ctx *P, const plot_panel *pn, int c, double *yr, double *cum,
                      plot_occ *o, int draw) {
  const mc_spec *s = &P->job[0]->spec;
  const mc_stats *st = P->st[0];
  double n = (double)P->n[0], u, xnever, x1;
  never_room(s, &u, &xnever, &x1);
  uint64_t k = 0;
  for (int y = 0; y < st->ny; y++) {
    uint64_t cy = st->year_counts[(size_t)c * st->ny + y];
    k += cy;
    yr[y] = s->base_year + y;
    cum[y] = k / n;
    double p = cy / n, w = 0.36;
    double px[4] = {yr[y] - w, yr[y] + w, yr[y] + w, yr[y] - w}, py[4] = {0, 0, p, p};
    plot_occ_box(o, yr[y] - w, yr[y] + w, 0, p);
    if (draw) {
      plcol0(C_BAR);
      plfill(4, px, py);
    }
  }
  double pnv = st->never[c] / n, w = 0.45 * u;
  plot_occ_box(o, xnever - w, xnever + w, 0, pnv + 0.02);
  if (!draw)
    return;
  double px[4] = {xnever - w, xnever + w, xnever + w, xnever - w}, py[4] = {0, 0, pnv, pnv};
  plcol0(C_NEVER);
  plfill(4, px, py);
  /* the horizon: a thin line between the years and "after" */
  double sx[2] = {s->horizon_year + 0.8 * u, s->horizon_year + 0.8 * u}, sy[2] = {0, pn->y1};
  plcol0(C_GRID);
  plot_width(P, 1.0);
  pllsty(2);
  plline(2, sx, sy);
  pllsty(1);
  char lab[64];
  never_label(pn, s, xnever, lab, sizeof lab);
  plcol0(C_FG);
  plmtex("b", 1.5, (xnever - pn->x0) / (pn->x1 - pn->x0), 0.5, lab);
}

static void crossover_legend(const mc_spec *s, int c, double t5, double t50, double t95, double pnv,
                             plot_legend *L) {
  double Y0 = s->base_year;
  char b1[96], b2[120], b3[96], tb[2][32];
  plot_legend_add(L, PL_LEGEND_COLOR_BOX, C_BAR, 0, 1, 0, "P(crossover year = y)");
  plot_legend_add(L, PL_LEGEND_LINE, 0, C_CUM, 1, 2.0, "P(crossover year ≤ y)");
  if (isfinite(t50))
    snprintf(b1, sizeof b1, "median crossing time: %.2f", Y0 + t50);
  else
    snprintf(b1, sizeof b1, "median crossing time: after %d", s->horizon_year);
  plot_legend_add(L, isfinite(t50) ? PL_LEGEND_LINE : PL_LEGEND_NONE, 0, C_MEDIAN, 2, 1.3, b1);
  double tq[2] = {t5, t95};
  for (int i = 0; i < 2; i++) {
    if (isfinite(tq[i]))
      snprintf(tb[i], sizeof tb[i], "%.2f", Y0 + tq[i]);
    else
      snprintf(tb[i], sizeof tb[i], "after %d", s->horizon_year);
  }
  snprintf(b2, sizeof b2, "90%% interval of the crossing time: %s to %s", tb[0], tb[1]);
  plot_legend_add(L, isfinite(t5) ? PL_LEGEND_LINE : PL_LEGEND_NONE, 0, C_MEDIAN, 1, 1.6, b2);
  snprintf(b3, sizeof b3, "no crossover by %d: %.1f%%", s->horizon_year, 100 * pnv);
  plot_legend_add(L, PL_LEGEND_COLOR_BOX, C_NEVER, 0, 1, 0, b3);
}

void plot_crossover_page(const plot_ctx *P, const plot_page *pg) {
  const mc_spec *s = &P->job[0]->spec;
  const mc_stats *st = P->st[0];
  int c = pg->index, ny = st->ny;
  double u, xnever, x1, Y0 = s->base_year;
  never_room(s, &u, &xnever, &x1);
  char title[300], run[200], sub[400], lw[MC_NAMELEN], rw[MC_NAMELEN];
  plot_name_words(s->model->series[s->cross[c].lhs].name, lw, sizeof lw);
  plot_name_words(s->model->series[s->cross[c].rhs].name, rw, sizeof rw);
  snprintf(title, sizeof title, "%.127s: when does %s reach %s?", s->scenario, lw, rw);
  plot_run_words(P, 0, run, sizeof run);
  snprintf(sub, sizeof sub, "crossover '%s'; %s", s->cross[c].name, run);
  pladv(0);
  plot_panel pn = plot_panel_at(VP_LEFT, VP_RIGHT, VP_BOTTOM, VP_TOP, 1);
  pn.xlabel_max = s->horizon_year;
  pn.x0 = Y0 - 0.7, pn.x1 = x1, pn.y0 = 0, pn.y1 = 1.04;

  double t5 = mc_stats_time_quantile(st, c, 5), t50 = mc_stats_time_quantile(st, c, 50),
         t95 = mc_stats_time_quantile(st, c, 95), pnv = st->never[c] / (double)P->n[0];
  static double yr[PLOT_MAXY], cum[PLOT_MAXY], l[PLOT_MAXY], h[PLOT_MAXY];
  static plot_occ o;
  double ybr = 0.955;
  plot_fit(&pn);
  plot_occ_init(&o, &pn);
  year_bars(P, &pn, c, yr, cum, &o, 0);
  for (int y = 0; y < ny; y++)
    l[y] = cum[y] - 0.03, h[y] = cum[y] + 0.03;
  plot_occ_band(&o, &pn, yr, l, h, ny);
  if (isfinite(t5))
    plot_occ_box(&o, Y0 + t5, isfinite(t95) ? Y0 + t95 : s->horizon_year + 0.5 * u, ybr - 0.03,
                 ybr + 0.03);
  if (isfinite(t50))
    plot_occ_box(&o, Y0 + t50 - 0.1, Y0 + t50 + 0.1, 0, pn.y1);
  plot_legend L = {0};
  crossover_legend(s, c, t5, t50, t95, pnv, &L);
  /* with regimes: P(crossover year <= y | regime), one curve per regime */
  static double rcum[MC_MAXREGIME][PLOT_MAXY];
  for (int r = 0; r < st->nregime; r++) {
    uint64_t k = st->regime_counts[r], acc = 0;
    for (int y = 0; y < ny; y++) {
      acc += st->regime_year_counts[((size_t)c * st->nregime + r) * ny + y];
      rcum[r][y] = k ? (double)acc / (double)k : NAN;
    }
    int rgb[3];
    char lab[MC_NAMELEN + 64];
    plot_category_rgb(r + 1, rgb);
    plot_set_slot(r, rgb);
    snprintf(lab, sizeof lab, "P(crossover year ≤ y | %s, weight %g)", s->regime_name[r],
             s->regime_weight[r]);
    plot_legend_add(&L, PL_LEGEND_LINE, 0, C_SLOT_LINE(r), 2 + r % 7, 1.6, lab);
    plot_occ_band(&o, &pn, yr, rcum[r], rcum[r], ny);
  }
  double lx = 0, ly = 0;
  int inside = plot_legend_spot(&L, &o, &lx, &ly);
  if (!inside)
    pn.vx1 = plot_legend_room(&L, pn.vx0, pn.vx1);

  plot_fit(&pn);
  char never[64];
  never_label(&pn, s, xnever, never, sizeof never);
  if (horizon_crowded(&pn, s, xnever, never))
    pn.xlabel_max = s->horizon_year - 0.5;
  plot_frame(P, &pn, "Probability");
  plot_titles(title, sub);
  year_bars(P, &pn, c, yr, cum, &o, 1);
  plcol0(C_CUM);
  plot_width(P, 2.0);
  plline(ny, yr, cum);
  plssym(0, 0.9);
  if (ny <= 40)
    plpoin(ny, yr, cum, 17);
  for (int r = 0; r < st->nregime; r++) {
    plcol0(C_SLOT_LINE(r));
    plot_width(P, 1.6);
    pllsty(2 + r % 7);
    plline(ny, yr, rcum[r]);
    pllsty(1);
  }
  if (isfinite(t5))
    interval_bracket(P, Y0 + t5, isfinite(t95) ? Y0 + t95 : s->horizon_year + 0.5 * u,
                     !isfinite(t95), u, ybr);
  if (isfinite(t50)) {
    double px[2] = {Y0 + t50, Y0 + t50}, py[2] = {0, pn.y1}, my[1] = {ybr};
    plcol0(C_MEDIAN);
    plot_width(P, 1.3);
    pllsty(2);
    plline(2, px, py);
    pllsty(1);
    plssym(0, 1.3);
    plpoin(1, px, my, 17);
  }
  plot_legend_draw(P, &L, inside, lx, ly);
}

/* ---- binding constraints ------------------------------------------------------------- */

void plot_category_rgb(int k, int rgb[3]) {
  static const int order[4] = {0, 4, 2, 1}; /* blue, orange, green, vermillion */
  plot_palette(order[k % 4] + 4 * (k / 4), rgb);
}

void plot_constraints_page(const plot_ctx *P, const plot_page *pg) {
  const mc_spec *s = &P->job[0]->spec;
  const mc_stats *st = P->st[0];
  const mc_model_type *M = s->model;
  int ny = st->ny;
  char title[300], run[200], sub[400];
  snprintf(title, sizeof title, "%.127s: which limit binds the hardware added each year",
           s->scenario);
  plot_run_words(P, 0, run, sizeof run);
  snprintf(sub, sizeof sub, "share of samples by binding constraint; %s", run);
  pladv(0);
  plot_panel pn = plot_panel_at(VP_LEFT, VP_RIGHT, VP_BOTTOM, VP_TOP, 1);
  pn.x0 = s->base_year + 0.4, pn.x1 = s->horizon_year + 0.6, pn.y0 = 0, pn.y1 = 1.0;
  pn.xevery = 1; /* a bar per year: each labelled where the labels fit */
  plot_legend L = {0};
  for (int k = M->ncat - 1; k >= 0; k--) { /* top of the stack first */
    int rgb[3];
    char lab[MC_NAMELEN];
    plot_category_rgb(k, rgb);
    plot_set_slot(k, rgb);
    plot_name_words(M->cat[k], lab, sizeof lab);
    if (lab[0] >= 'a' && lab[0] <= 'z')
      lab[0] = (char)(lab[0] - 'a' + 'A');
    plot_legend_add(&L, PL_LEGEND_COLOR_BOX, C_SLOT_LINE(k), 0, 1, 0, lab);
  }
  plot_fit(&pn);
  pn.vx1 = plot_legend_room(&L, pn.vx0, pn.vx1);
  plot_frame(P, &pn, "Share of samples");
  plot_titles(title, sub);
  for (int y = 1; y < ny; y++) {
    uint64_t tot = 0;
    for (int k = 0; k < M->ncat; k++)
      tot += st->cat_counts[(size_t)k * ny + y];
    double x = s->base_year + y, w = 0.4, base = 0;
    for (int k = 0; k < M->ncat && tot; k++) {
      double f = (double)st->cat_counts[(size_t)k * ny + y] / (double)tot;
      double px[4] = {x - w, x + w, x + w, x - w}, py[4] = {base, base, base + f, base + f};
      plcol0(C_SLOT_LINE(k));
      plfill(4, px, py);
      base += f;
    }
  }
  plot_legend_draw(P, &L, 0, 0, 0);
  (void)pg;
}

/* ---- Sobol' indices ----------------------------------------------------------------------- */

#define SENS_ROWS 18 /* parameters drawn, largest total index first */

/* "training compute in 2035" or "the crossing time of crossover 'compute'". */
static void target_words(const mc_spec *s, const mc_sens_target *t, char *buf, size_t len) {
  if (t->kind == MC_SENS_SERIES) {
    char w[MC_NAMELEN];
    plot_name_words(s->model->series[t->id].name, w, sizeof w);
    snprintf(buf, len, "ln %s in %d", w, s->base_year + t->year);
  } else
    snprintf(buf, len, "the crossing time of crossover '%s'", s->cross[t->id].name);
}

typedef struct sens_rows {
  double first[MC_MAXINPUT], total[MC_MAXINPUT], fci[2 * MC_MAXINPUT], tci[2 * MC_MAXINPUT];
  int order[MC_MAXINPUT], nrow;
  double lo, hi; /* the x range */
} sens_rows;

static void sens_collect(const mc_stats *st, int t, sens_rows *r) {
  mc_stats_sensitivity(st, t, r->first, r->total, r->fci, r->tci);
  for (int j = 0; j < st->sens_k; j++)
    r->order[j] = j;
  for (int i = 1; i < st->sens_k; i++) /* by total index, largest first, NaN last */
    for (int j = i; j > 0; j--) {
      double a = r->total[r->order[j - 1]], b = r->total[r->order[j]];
      if (!(isnan(a) || (!isnan(b) && b > a)))
        break;
      int x = r->order[j];
      r->order[j] = r->order[j - 1];
      r->order[j - 1] = x;
    }
  r->nrow = st->sens_k < SENS_ROWS ? st->sens_k : SENS_ROWS;
  r->lo = 0, r->hi = 0.1;
  for (int i = 0; i < r->nrow; i++) {
    int j = r->order[i];
    double v[6] = {r->first[j],       r->total[j],   r->fci[2 * j],
                   r->fci[2 * j + 1], r->tci[2 * j], r->tci[2 * j + 1]};
    for (int q = 0; q < 6; q++)
      if (isfinite(v[q]))
        r->lo = fmin(r->lo, v[q]), r->hi = fmax(r->hi, v[q]);
  }
  r->hi = r->hi > 0.6 ? fmax(1.0, r->hi) * 1.03 : r->hi * 1.08;
}

/* A bar from 0 to v in row band [y - h, y + h] with its interval [a, b]. */
static void sens_bar(const plot_ctx *P, double v, double a, double b, double y, double h, int col) {
  if (isfinite(v)) {
    double px[4] = {0, v, v, 0}, py[4] = {y - h, y - h, y + h, y + h};
    plcol0(col);
    plfill(4, px, py);
  }
  if (isfinite(a) && isfinite(b)) {
    double lx[2] = {a, b}, ly[2] = {y, y}, ta[2] = {a, a}, tb[2] = {b, b},
           ty[2] = {y - 0.6 * h, y + 0.6 * h};
    plcol0(C_FG);
    plot_width(P, 1.2);
    plline(2, lx, ly);
    plline(2, ta, ty);
    plline(2, tb, ty);
  }
}

void plot_sensitivity_page(const plot_ctx *P, const plot_page *pg) {
  const mc_spec *s = &P->job[0]->spec;
  const mc_stats *st = P->st[0];
  static sens_rows r;
  sens_collect(st, pg->index, &r);
  char title[320], run[200], sub[500], tw[160];
  target_words(s, &s->sens[pg->index], tw, sizeof tw);
  snprintf(title, sizeof title, "%.127s: what drives %s?", s->scenario, tw);
  plot_run_words(P, 0, run, sizeof run);
  snprintf(sub, sizeof sub, "target %s; 95%% intervals from %d batches; %s",
           s->sens[pg->index].name, MC_SENS_BATCHES, run);
  pladv(0);
  /* the parameter names left of the bars set the left edge */
  double xmin, xmax, ymin, ymax, wmax = 0;
  plgspa(&xmin, &xmax, &ymin, &ymax);
  plschr(0, 0.85);
  for (int i = 0; i < r.nrow; i++)
    wmax = fmax(wmax, plot_text_mm(mc_spec_input_key(s, st->sens_par[r.order[i]])));
  plschr(0, 1.0);
  plot_panel pn =
      plot_panel_at(fmax(VP_LEFT, wmax / (xmax - xmin) + 0.03), VP_RIGHT, VP_BOTTOM, VP_TOP, 0);
  pn.x0 = r.lo, pn.x1 = r.hi, pn.y0 = 0, pn.y1 = r.nrow;
  int rgb[3];
  plot_palette(0, rgb);
  plot_set_slot(0, rgb);
  plot_legend L = {0};
  plot_legend_add(&L, PL_LEGEND_COLOR_BOX, C_SLOT_LINE(0), 0, 1, 0, "first-order index");
  plot_legend_add(&L, PL_LEGEND_COLOR_BOX, C_SLOT_INNER(0), 0, 1, 0, "total index");
  plot_legend_add(&L, PL_LEGEND_LINE, 0, C_FG, 1, 1.2, "95% confidence interval");
  plvpor(pn.vx0, pn.vx1, pn.vy0, pn.vy1);
  plwind(pn.x0, pn.x1, pn.y0, pn.y1);
  static plot_occ o;
  plot_occ_init(&o, &pn);
  for (int i = 0; i < r.nrow; i++) {
    int j = r.order[i];
    double y = r.nrow - i - 0.5, hi = fmax(r.total[j], r.tci[2 * j + 1]);
    plot_occ_box(&o, pn.x0, isfinite(hi) ? hi : pn.x1, y - 0.45, y + 0.45);
  }
  double lx = 0, ly = 0;
  int inside = plot_legend_spot(&L, &o, &lx, &ly);
  if (!inside)
    pn.vx1 = plot_legend_room(&L, pn.vx0, pn.vx1);
  plvpor(pn.vx0, pn.vx1, pn.vy0, pn.vy1);
  plwind(pn.x0, pn.x1, pn.y0, pn.y1);
  plcol0(C_GRID);
  plot_width(P, 0.5);
  plbox("g", 0, 0, "", 0, 0);
  plcol0(C_FG);
  plot_width(P, 0.8);
  plbox("bcnst", 0, 0, "bc", 0, 0);
  plmtex("b", 3.0, 0.5, 0.5, "Sobol' index (share of the target's variance)");
  plot_titles(title, sub);
  double zx[2] = {0, 0}, zy[2] = {pn.y0, pn.y1};
  plline(2, zx, zy);
  for (int i = 0; i < r.nrow; i++) {
    int j = r.order[i];
    double y = r.nrow - i - 0.5;
    sens_bar(P, r.total[j], r.tci[2 * j], r.tci[2 * j + 1], y + 0.19, 0.17, C_SLOT_INNER(0));
    sens_bar(P, r.first[j], r.fci[2 * j], r.fci[2 * j + 1], y - 0.19, 0.17, C_SLOT_LINE(0));
    plschr(0, 0.85);
    plcol0(C_FG);
    plmtex("lv", 0.8, y / r.nrow, 1.0, mc_spec_input_key(s, st->sens_par[j]));
    plschr(0, 1.0);
  }
  if (st->sens_k > r.nrow) {
    char note[160];
    snprintf(note, sizeof note, "%d more parameters, each with a smaller total index",
             st->sens_k - r.nrow);
    plschr(0, 0.8);
    plmtex("b", 4.3, 0.0, 0.0, note);
    plschr(0, 1.0);
  }
  plot_legend_draw(P, &L, inside, lx, ly);
}
