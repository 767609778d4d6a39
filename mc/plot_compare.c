/* Comparison charts of several results files of one model: per crossover
 * the cumulative crossover-year curves of every scenario overlaid; per chart
 * of series a panel per series with each scenario's median and 25-75% band. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot_int.h"

/* Scenario i's line: its colour (slot i), style and marker. */
static const int line_styles[PLOT_MAXFILES] = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2};
static const char *const markers[PLOT_MAXFILES] = {"●", "■", "▲", "◆", "▼",
                                                   "○", "□", "△", "◇", "▽"};

static void scenario_slots(const plot_ctx *P) {
  for (int f = 0; f < P->nfiles; f++) {
    int rgb[3];
    plot_palette(f, rgb);
    plot_set_slot(f, rgb);
  }
}

/* The years every file's grid spans. */
static void year_span(const plot_ctx *P, double *x0, double *x1) {
  *x0 = HUGE_VAL, *x1 = -HUGE_VAL;
  for (int f = 0; f < P->nfiles; f++) {
    *x0 = fmin(*x0, P->job[f]->spec.base_year);
    *x1 = fmax(*x1, P->job[f]->spec.horizon_year);
  }
  if (*x1 <= *x0)
    *x1 = *x0 + 1;
}

/* "2 files; the medians ..." : the subtitle of a comparison. */
static void compare_sub(const plot_ctx *P, const char *what, char *buf, size_t len) {
  char nb[40];
  uint64_t lo = P->n[0], hi = P->n[0];
  for (int f = 1; f < P->nfiles; f++)
    lo = P->n[f] < lo ? P->n[f] : lo, hi = P->n[f] > hi ? P->n[f] : hi;
  plot_thousands(lo, nb, sizeof nb);
  if (lo == hi)
    snprintf(buf, len, "%d scenarios of %s samples each; %s", P->nfiles, nb, what);
  else
    snprintf(buf, len, "%d scenarios of %s or more samples; %s", P->nfiles, nb, what);
}

static void marks(const double *x, const double *y, int n, int f) {
  int every = n <= 20 ? 1 : (n + 19) / 20;
  for (int i = 0; i < n; i += every)
    plstring(1, &x[i], &y[i], markers[f]);
}

/* 1 when crossover c of file f and d of file g have the same counts in the
 * same years out of the same samples. */
static int same_curve(const plot_ctx *P, int f, int c, int g, int d) {
  const mc_stats *a = P->st[f], *b = P->st[g];
  if (P->n[f] != P->n[g] || a->ny != b->ny || a->never[c] != b->never[d] ||
      P->job[f]->spec.base_year != P->job[g]->spec.base_year)
    return 0;
  return !memcmp(a->year_counts + (size_t)c * a->ny, b->year_counts + (size_t)d * b->ny,
                 sizeof *a->year_counts * (size_t)a->ny);
}

/* ---- crossovers ---------------------------------------------------------------------- */

void plot_compare_cross_page(const plot_ctx *P, const plot_page *pg) {
  const mc_spec *s0 = &P->job[0]->spec;
  const char *name = s0->cross[pg->index].name;
  char title[300], sub[400], lw[MC_NAMELEN], rw[MC_NAMELEN];
  plot_name_words(s0->model->series[s0->cross[pg->index].lhs].name, lw, sizeof lw);
  plot_name_words(s0->model->series[s0->cross[pg->index].rhs].name, rw, sizeof rw);
  snprintf(title, sizeof title, "When does %s reach %s? (crossover '%s')", lw, rw, name);
  compare_sub(P, "P(crossover year ≤ y) per scenario", sub, sizeof sub);
  scenario_slots(P);
  pladv(0);
  plot_panel pn = plot_panel_at(VP_LEFT, VP_RIGHT, VP_BOTTOM, VP_TOP, 1);
  year_span(P, &pn.x0, &pn.x1);
  pn.y0 = 0, pn.y1 = 1.04;
  plot_legend L = {0};
  static double yr[PLOT_MAXFILES][PLOT_MAXY], cum[PLOT_MAXFILES][PLOT_MAXY];
  int ny[PLOT_MAXFILES], cid[PLOT_MAXFILES];
  static plot_occ o;
  plot_fit(&pn);
  plot_occ_init(&o, &pn);
  for (int f = 0; f < P->nfiles; f++) {
    const mc_spec *s = &P->job[f]->spec;
    const mc_stats *st = P->st[f];
    cid[f] = -1;
    for (int c = 0; c < s->ncross; c++)
      if (!strcmp(s->cross[c].name, name))
        cid[f] = c;
    ny[f] = st->ny;
    uint64_t k = 0;
    for (int y = 0; y < st->ny; y++) {
      k += st->year_counts[(size_t)cid[f] * st->ny + y];
      yr[f][y] = s->base_year + y;
      cum[f][y] = (double)k / (double)P->n[f];
    }
    double l[PLOT_MAXY], h[PLOT_MAXY], t50 = mc_stats_time_quantile(st, cid[f], 50);
    for (int y = 0; y < st->ny; y++)
      l[y] = cum[f][y] - 0.03, h[y] = cum[f][y] + 0.03;
    plot_occ_band(&o, &pn, yr[f], l, h, st->ny);
    char text[200], med[48];
    if (isfinite(t50))
      snprintf(med, sizeof med, "median %.2f", s->base_year + t50);
    else
      snprintf(med, sizeof med, "median after %d", s->horizon_year);
    snprintf(text, sizeof text, "%.80s: %s; none by %d: %.1f%%", P->label[f], med, s->horizon_year,
             100.0 * st->never[cid[f]] / (double)P->n[f]);
    /* a curve drawn over an equal one would hide it: the legend says so */
    for (int g = 0; g < f; g++)
      if (same_curve(P, f, cid[f], g, cid[g])) {
        size_t at = strlen(text);
        snprintf(text + at, sizeof text - at, " (the same as %.60s)", P->label[g]);
        break;
      }
    plot_legend_add(&L, PL_LEGEND_LINE, 0, C_SLOT_LINE(f), line_styles[f], 2.0, text);
  }
  double lx = 0, ly = 0;
  /* the legend inside where it hides nothing, else in rows above the panel */
  int inside = plot_legend_spot(&L, &o, &lx, &ly);
  if (!inside)
    pn.vy1 = VP_TOP - plot_legend_row(P, &L, pn.vx0, pn.vx1, VP_TOP, 1) - 0.02;
  plot_frame(P, &pn, "P(crossover year ≤ y)");
  plvpor(pn.vx0, pn.vx1, pn.vy0, VP_TOP);
  plot_titles(title, sub);
  plvpor(pn.vx0, pn.vx1, pn.vy0, pn.vy1);
  plwind(pn.x0, pn.x1, pn.y0, pn.y1);
  for (int f = 0; f < P->nfiles; f++) {
    plcol0(C_SLOT_LINE(f));
    plot_width(P, 2.0);
    pllsty(line_styles[f]);
    plline(ny[f], yr[f], cum[f]);
    pllsty(1);
    plschr(0, 0.7);
    marks(yr[f], cum[f], ny[f], f);
    plschr(0, 1.0);
  }
  if (inside)
    plot_legend_draw(P, &L, 1, lx, ly);
}

/* ---- series ------------------------------------------------------------------------------ */

/* Percentiles 25, 50, 75 of series s in every file: q[f][j][y]. */
typedef struct cmp_data {
  double yr[PLOT_MAXFILES][PLOT_MAXY];
  double q[PLOT_MAXFILES][3][PLOT_MAXY];
  int ny[PLOT_MAXFILES];
} cmp_data;

static void cmp_collect(const plot_ctx *P, int s, cmp_data *d, double *lo, double *hi,
                        double *minpos, double *mpos) {
  static const double lv[3] = {25, 50, 75};
  for (int f = 0; f < P->nfiles; f++) {
    const mc_stats *st = P->st[f];
    d->ny[f] = st->ny;
    for (int y = 0; y < st->ny; y++) {
      d->yr[f][y] = P->job[f]->spec.base_year + y;
      for (int j = 0; j < 3; j++) {
        double v = mc_stats_series_percentile(st, s, y, lv[j]);
        d->q[f][j][y] = v;
        if (!isfinite(v))
          continue;
        *lo = fmin(*lo, v), *hi = fmax(*hi, v);
        if (v > 0)
          *minpos = fmin(*minpos, v);
        if (v > 0 && j == 1)
          *mpos = fmin(*mpos, v);
      }
    }
  }
}

static void cmp_panel(const plot_ctx *P, plot_panel *pn, const cmp_data *d, const char *head,
                      const char *ylabel) {
  double xmin, xmax, ymin, ymax;
  plot_frame(P, pn, ylabel);
  plgspa(&xmin, &xmax, &ymin, &ymax);
  plschr(0, plot_fit_scale(head, 0.95, (pn->vx1 - pn->vx0) * (xmax - xmin)));
  plmtex("t", 0.7, 0.5, 0.5, head);
  plschr(0, 1.0);
  for (int f = 0; f < P->nfiles; f++) {
    plcol0(C_SLOT_OUTER(f));
    plot_band(pn, d->yr[f], d->q[f][0], d->q[f][2], d->ny[f]);
  }
  for (int f = 0; f < P->nfiles; f++) {
    plcol0(C_SLOT_EDGE(f));
    plot_width(P, 0.7);
    pllsty(line_styles[f]);
    plot_line(pn, d->yr[f], d->q[f][0], d->ny[f]);
    plot_line(pn, d->yr[f], d->q[f][2], d->ny[f]);
    plcol0(C_HALO);
    pllsty(1);
    plot_width(P, 4.5);
    plot_line(pn, d->yr[f], d->q[f][1], d->ny[f]);
    plcol0(C_SLOT_LINE(f));
    plot_width(P, 2.2);
    pllsty(line_styles[f]);
    plot_line(pn, d->yr[f], d->q[f][1], d->ny[f]);
    pllsty(1);
  }
}

void plot_compare_series_page(const plot_ctx *P, const plot_page *pg) {
  const mc_model_type *M = P->job[0]->spec.model;
  plot_chart_words w;
  plot_chart_words_for(M, pg->sel[0], &w);
  char title[300], sub[400];
  snprintf(title, sizeof title, "Comparison: %s", w.title);
  compare_sub(P, "median line and 25-75% band per scenario", sub, sizeof sub);
  scenario_slots(P);
  pladv(0);
  /* one series' percentiles at a time: first for the common y axis, then
   * again for each panel */
  static cmp_data d;
  double lo = HUGE_VAL, hi = -HUGE_VAL, minpos = HUGE_VAL, mpos = HUGE_VAL;
  double r[4] = {HUGE_VAL, -HUGE_VAL, HUGE_VAL, HUGE_VAL}; /* unused ranges */
  for (int k = 0; k < pg->nsel; k++)
    cmp_collect(P, pg->sel[k], &d, &lo, &hi, &minpos, &mpos);
  plot_legend L = {0};
  for (int f = 0; f < P->nfiles; f++)
    plot_legend_add(&L, PL_LEGEND_LINE | PL_LEGEND_COLOR_BOX, C_SLOT_OUTER(f), C_SLOT_LINE(f),
                    line_styles[f], 2.2, P->label[f]);
  /* the scenarios' legend in rows under the titles, the panels below */
  plot_panel all = plot_panel_at(VP_LEFT, VP_RIGHT, VP_BOTTOM, VP_TOP - 0.1, 1);
  year_span(P, &all.x0, &all.x1);
  plot_yaxis(&all, lo, hi, minpos, mpos);
  plot_fit(&all);
  all.vy1 = VP_TOP - plot_legend_row(P, &L, all.vx0, all.vx1, VP_TOP, 1) - 0.05;
  plot_fit(&all);
  double gap = 0.05, pw = (all.vx1 - all.vx0 - gap * (pg->nsel - 1)) / pg->nsel;
  for (int k = 0; k < pg->nsel; k++) {
    plot_panel pn = all;
    pn.vx0 = all.vx0 + k * (pw + gap);
    pn.vx1 = pn.vx0 + pw;
    pn.noylabels = pn.xskip_first = k > 0; /* one y axis, labelled on the first panel */
    char head[MC_NAMELEN];
    plot_name_words(M->series[pg->sel[k]].name, head, sizeof head);
    if (head[0] >= 'a' && head[0] <= 'z')
      head[0] = (char)(head[0] - 'a' + 'A');
    cmp_collect(P, pg->sel[k], &d, &r[0], &r[1], &r[2], &r[3]);
    cmp_panel(P, &pn, &d, head, w.ylabel);
  }
  plvpor(all.vx0, all.vx1, all.vy0, VP_TOP);
  plot_titles(title, sub);
}
