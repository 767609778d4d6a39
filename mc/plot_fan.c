/* Fan charts: per series the median and the 25-75% and 5-95% bands over the
 * years (mc_stats_series_percentile), series of one unit on one chart; a
 * series that is zero in many samples (MC_SERIES_NOLOG, model demand's
 * power_shortfall) in a panel of its own. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot_int.h"

static const double levels[5] = {5, 25, 50, 75, 95};

/* The percentiles q[k][j][y] of the panel's series, and the years. */
typedef struct fan_data {
  int n, ny, sel[MC_MAXSERIES];
  double yr[PLOT_MAXY];
  double q[MC_MAXSERIES][5][PLOT_MAXY];
} fan_data;

/* Chooses the panel's y axis over every value of d. */
static void fan_axis(const fan_data *d, plot_panel *pn) {
  double lo = HUGE_VAL, hi = -HUGE_VAL, minpos = HUGE_VAL, mpos = HUGE_VAL;
  for (int k = 0; k < d->n; k++)
    for (int j = 0; j < 5; j++)
      for (int y = 0; y < d->ny; y++) {
        double v = d->q[k][j][y];
        if (!isfinite(v))
          continue;
        lo = fmin(lo, v), hi = fmax(hi, v);
        if (v > 0)
          minpos = fmin(minpos, v);
        if (v > 0 && j == 2)
          mpos = fmin(mpos, v);
      }
  pn->x0 = d->yr[0];
  pn->x1 = d->yr[d->ny - 1];
  if (pn->x1 <= pn->x0)
    pn->x1 = pn->x0 + 1;
  plot_yaxis(pn, lo, hi, minpos, mpos);
}

/* "2027-2036, 2039" : the runs of years where v is 0. Empty when none. */
static void zero_years(const double *v, const double *yr, int ny, char *buf, size_t len) {
  size_t at = 0;
  buf[0] = '\0';
  for (int a = 0; a < ny && at < len;) {
    if (!(v[a] <= 0)) {
      a++;
      continue;
    }
    int b = a;
    while (b + 1 < ny && v[b + 1] <= 0)
      b++;
    if (b == a)
      at += (size_t)snprintf(buf + at, len - at, "%s%.0f", at ? ", " : "", yr[a]);
    else
      at += (size_t)snprintf(buf + at, len - at, "%s%.0f-%.0f", at ? ", " : "", yr[a], yr[b]);
    a = b + 1;
  }
}

/* A sentence per series whose 5th, 25th or 50th percentile is 0 in some
 * years (on a log axis its band leaves the bottom there), into note. */
static void zero_notes(const mc_model_type *M, const fan_data *d, char *note, size_t len) {
  static const char *const first[3] = {"5th percentile 0 in", "25th percentile 0 in",
                                       "median 0 in"};
  static const char *const later[3] = {"5th in", "25th in", "median in"};
  size_t at = strlen(note);
  for (int k = 0; k < d->n; k++) {
    char text[200], yrs[96], w[MC_NAMELEN];
    size_t tat = 0;
    for (int j = 0; j < 3; j++) {
      zero_years(d->q[k][j], d->yr, d->ny, yrs, sizeof yrs);
      if (yrs[0] && tat < sizeof text)
        tat += (size_t)snprintf(text + tat, sizeof text - tat, "%s%s %s", tat ? "; " : "",
                                tat ? later[j] : first[j], yrs);
    }
    plot_name_words(M->series[d->sel[k]].name, w, sizeof w);
    if (tat && at < len)
      at += (size_t)snprintf(note + at, len - at, "%s%s: %s", at ? ". " : "", w, text);
  }
  if (at && at < len)
    snprintf(note + at, len - at, " (its band leaves the bottom of the log axis there).");
}

/* The median crossing times of the crossovers whose two series are both
 * on the panel: a dashed line, and a label in a row at the bottom or the
 * top, whichever hides less. Stage 0 marks the lines in o; stage 1 chooses
 * the rows of the labels (row[]) in the panel as it will be drawn and marks
 * them; stage 2 draws. */
static void crossing_marks(const plot_ctx *P, const fan_data *d, const plot_panel *pn, plot_occ *o,
                           int stage, double *row) {
  const mc_spec *s = &P->job[0]->spec;
  double span = pn->x1 - pn->x0, h = pn->y1 - pn->y0;
  double xmin, xmax, ymin, ymax, vx0, vx1, vy0, vy1;
  plgspa(&xmin, &xmax, &ymin, &ymax);
  plgvpd(&vx0, &vx1, &vy0, &vy1);
  int nmark = 0;
  for (int c = 0; c < s->ncross; c++) {
    int hasl = 0, hasr = 0;
    for (int k = 0; k < d->n; k++)
      hasl |= d->sel[k] == s->cross[c].lhs, hasr |= d->sel[k] == s->cross[c].rhs;
    double t = mc_stats_time_quantile(P->st[0], c, 50);
    if (!hasl || !hasr || !isfinite(t))
      continue;
    double x = s->base_year + t, dx = 0.012 * span;
    char lab[160];
    snprintf(lab, sizeof lab, "median crossing time (%s): %.1f", s->cross[c].name, x);
    plschr(0, 0.8);
    double lw = plot_text_mm(lab) / ((xmax - xmin) * (vx1 - vx0)) * span;
    int right = x + dx + lw > pn->x1;
    double xa = right ? x - dx - lw : x + dx, na = (xa - pn->x0) / span, nb = na + lw / span;
    if (stage == 0)
      plot_occ_box(o, x - 0.004 * span, x + 0.004 * span, pn->y0, pn->y1);
    else if (stage == 1) {
      /* the row that hides least, the bottom first, then the top */
      double best = HUGE_VAL;
      for (int r = 0; r < 27; r++) {
        double y = r % 2 ? 0.93 - 0.035 * (r / 2) : 0.02 + 0.035 * (r / 2);
        double c = plot_occ_cost(o, na, nb, y - 0.01, y + 0.05);
        if (c < best - 1e-9)
          best = c, row[nmark] = y;
      }
      plot_occ_box(o, xa, xa + lw, pn->y0 + (row[nmark] - 0.01) * h,
                   pn->y0 + (row[nmark] + 0.05) * h);
    } else {
      plcol0(C_MEDIAN);
      plot_width(P, 1.0);
      pllsty(2);
      double px[2] = {x, x}, py[2] = {pn->y0, pn->y1};
      plline(2, px, py);
      pllsty(1);
      plptex(x + (right ? -dx : dx), pn->y0 + (row[nmark] + 0.015) * h, 1, 0, right ? 1 : 0, lab);
    }
    plschr(0, 1.0);
    nmark++;
  }
}

/* A median crossing time drawn on the panel's left or right edge (the first
 * or last year of the grid) would hide under the frame: the x axis then
 * reaches a little past that edge (a panel of its own only: the power
 * chart's two panels keep the same years). */
static void pad_crossing_edges(const plot_ctx *P, const fan_data *d, plot_panel *pn) {
  const mc_spec *s = &P->job[0]->spec;
  double pad = 0.025 * (pn->x1 - pn->x0), lo = 0, hi = 0;
  for (int c = 0; c < s->ncross; c++) {
    int hasl = 0, hasr = 0;
    for (int k = 0; k < d->n; k++)
      hasl |= d->sel[k] == s->cross[c].lhs, hasr |= d->sel[k] == s->cross[c].rhs;
    double x = s->base_year + mc_stats_time_quantile(P->st[0], c, 50);
    if (!hasl || !hasr || !isfinite(x))
      continue;
    lo = x < pn->x0 + pad ? pad : lo;
    hi = x > pn->x1 - pad ? pad : hi;
  }
  pn->x0 -= lo;
  pn->x1 += hi;
}

/* Bands, then medians over a white halo so that each stays visible on the
 * other series' bands. */
static void draw_fans(const plot_ctx *P, const fan_data *d, const plot_panel *pn) {
  for (int k = 0; k < d->n; k++) {
    plcol0(C_SLOT_OUTER(k));
    plot_band(pn, d->yr, d->q[k][0], d->q[k][4], d->ny);
  }
  for (int k = 0; k < d->n; k++) {
    plcol0(C_SLOT_INNER(k));
    plot_band(pn, d->yr, d->q[k][1], d->q[k][3], d->ny);
  }
  for (int k = 0; k < d->n; k++) {
    plcol0(C_SLOT_EDGE(k));
    plot_width(P, 0.7);
    plot_line(pn, d->yr, d->q[k][1], d->ny);
    plot_line(pn, d->yr, d->q[k][3], d->ny);
    pllsty(2);
    plot_line(pn, d->yr, d->q[k][0], d->ny);
    plot_line(pn, d->yr, d->q[k][4], d->ny);
    pllsty(1);
  }
  for (int k = 0; k < d->n; k++) {
    plcol0(C_HALO);
    plot_width(P, 5.0);
    plot_line(pn, d->yr, d->q[k][2], d->ny);
    plcol0(C_SLOT_LINE(k));
    plot_width(P, 2.4);
    plot_line(pn, d->yr, d->q[k][2], d->ny);
  }
}

/* How a panel function runs: DECIDE lays out (the viewport's edges move
 * for the y labels and an outer legend) and draws; DRY only lays out;
 * FIXED draws in the viewport given (the edges another panel shares). */
enum { DECIDE, DRY, FIXED };

/* Where the legend goes: 1 inside when a place hides nothing; else 2, in
 * rows between the titles and a panel of its own (rows, whose top then
 * moves down), or 0 right of the panel (and of a right-hand axis margin_mm
 * wide), which narrows. */
enum { LEGEND_RIGHT, LEGEND_INSIDE, LEGEND_ROWS };
static int place_legend(const plot_ctx *P, const plot_legend *L, plot_panel *pn, const plot_occ *o,
                        int mode, int rows, double margin_mm, double *lx, double *ly) {
  if (mode != FIXED)
    plot_fit(pn);
  if (plot_legend_spot(L, o, lx, ly))
    return LEGEND_INSIDE;
  if (rows && mode != FIXED) {
    pn->vy1 = VP_TOP - plot_legend_row(P, L, pn->vx0, pn->vx1, VP_TOP, 0) - 0.025;
    plot_fit(pn);
    return LEGEND_ROWS;
  }
  double xmin, xmax, ymin, ymax;
  plgspa(&xmin, &xmax, &ymin, &ymax);
  double m = margin_mm / (xmax - xmin);
  if (mode != FIXED)
    pn->vx1 = plot_legend_room(L, pn->vx0, pn->vx1) - m;
  plot_fit(pn);
  *lx = 1 + (0.015 + m) / (pn->vx1 - pn->vx0), *ly = 1;
  return LEGEND_RIGHT;
}

/* Fan chart panel of the series sel[0..n-1], which share a unit; appends
 * to note where a percentile is 0 on a log axis. alone: the page's only
 * panel, whose legend may take rows above it. */
static void fan_panel(const plot_ctx *P, plot_panel *pn, const int *sel, int n, const char *title,
                      const char *sub, int mode, int alone, char *note, size_t nlen) {
  const mc_spec *s = &P->job[0]->spec;
  const mc_model_type *M = s->model;
  static fan_data d;
  d.n = n;
  d.ny = P->st[0]->ny;
  for (int y = 0; y < d.ny; y++)
    d.yr[y] = s->base_year + y;
  for (int k = 0; k < n; k++) {
    d.sel[k] = sel[k];
    for (int j = 0; j < 5; j++)
      for (int y = 0; y < d.ny; y++)
        d.q[k][j][y] = mc_stats_series_percentile(P->st[0], sel[k], y, levels[j]);
    int rgb[3];
    plot_series_rgb(M, sel, n, k, rgb);
    plot_set_slot(k, rgb);
  }
  fan_axis(&d, pn);
  if (alone) /* a panel sharing its years with another keeps them */
    pad_crossing_edges(P, &d, pn);
  plot_chart_words w;
  plot_chart_words_for(M, sel[0], &w);
  if (pn->logy && mode == DRY)
    zero_notes(M, &d, note, nlen);

  plot_legend L = {0};
  for (int k = 0; k < n; k++) {
    char lab[160];
    plot_series_label(M, sel[k], lab, sizeof lab);
    plot_legend_add(&L, PL_LEGEND_COLOR_BOX | PL_LEGEND_LINE, C_SLOT_INNER(k), C_SLOT_LINE(k), 1,
                    2.4, lab);
  }
  plot_legend_add(&L, PL_LEGEND_LINE, 0, C_MUTED, 1, 2.4, "median");
  plot_legend_add(&L, PL_LEGEND_COLOR_BOX | PL_LEGEND_LINE, C_KEY_INNER, C_MUTED, 1, 0.7,
                  "25-75% band");
  plot_legend_add(&L, PL_LEGEND_COLOR_BOX | PL_LEGEND_LINE, C_KEY_OUTER, C_MUTED, 2, 0.7,
                  "5-95% band");

  static plot_occ o;
  plot_fit(pn);
  plot_occ_init(&o, pn);
  for (int k = 0; k < n; k++)
    plot_occ_band(&o, pn, d.yr, d.q[k][0], d.q[k][4], d.ny);
  double rows[MC_MAXCROSS], lx = 0, ly = 0, lw, lh;
  crossing_marks(P, &d, pn, &o, 0, rows);
  int where = place_legend(P, &L, pn, &o, mode, alone, 0, &lx, &ly);
  if (mode == DRY)
    return;
  plot_legend_size(&L, &lw, &lh);
  if (where == LEGEND_INSIDE)
    plot_occ_box(&o, pn->x0 + lx * (pn->x1 - pn->x0), pn->x0 + (lx + lw) * (pn->x1 - pn->x0),
                 pn->y0 + (ly - lh) * (pn->y1 - pn->y0), pn->y0 + ly * (pn->y1 - pn->y0));
  crossing_marks(P, &d, pn, &o, 1, rows);

  if (where == LEGEND_ROWS) { /* the titles over the rows, the rows over the panel */
    plvpor(pn->vx0, pn->vx1, pn->vy0, VP_TOP);
    if (title)
      plot_titles(title, sub);
    plot_legend_row(P, &L, pn->vx0, pn->vx1, VP_TOP, 1);
  }
  plot_frame(P, pn, w.ylabel);
  if (title && where != LEGEND_ROWS)
    plot_titles(title, sub);
  draw_fans(P, &d, pn);
  crossing_marks(P, &d, pn, &o, 2, rows);
  if (where != LEGEND_ROWS)
    plot_legend_draw(P, &L, 1, lx, ly);
}

/* The percentiles of series sr among the samples where it is positive into
 * d, and P(sr > 0) per year into pz. */
static void positive_part(const plot_ctx *P, int sr, fan_data *d, double *pz) {
  const mc_stats *st = P->st[0];
  d->n = 1, d->ny = st->ny, d->sel[0] = sr;
  for (int y = 0; y < d->ny; y++) {
    const mc_sketch *sk = &st->series[sr * d->ny + y];
    uint64_t n = mc_sketch_count(sk);
    double z = n ? (double)sk->zero / (double)n : 1;
    d->yr[y] = P->job[0]->spec.base_year + y;
    pz[y] = n ? 1.0 - z : NAN;
    for (int j = 0; j < 5; j++) {
      double p = fmin(100.0 * (z + levels[j] / 100.0 * (1.0 - z)), 100.0);
      d->q[0][j][y] = !n || sk->zero >= n ? NAN : mc_stats_series_percentile(st, sr, y, p);
    }
  }
}

#define SLOT_SHORT (C_NSLOTS - 1) /* the shortfall's colours, apart from the fans' */

/* The shortfall's legend into L, and its axis labels. */
static void shortfall_words(const mc_model_type *M, int sr, plot_legend *L, char *left, size_t llen,
                            char *right, size_t len) {
  char w[40], l1[220];
  plot_name_words(M->series[sr].name, w, sizeof w);
  snprintf(l1, sizeof l1, "%s where > 0: median and bands", w);
  plot_legend_add(L, PL_LEGEND_COLOR_BOX | PL_LEGEND_LINE, C_SLOT_INNER(SLOT_SHORT),
                  C_SLOT_LINE(SLOT_SHORT), 1, 2.4, l1);
  snprintf(l1, sizeof l1, "P(%s > 0), right axis", w);
  plot_legend_add(L, PL_LEGEND_LINE, 0, C_FG, 3, 1.6, l1);
  snprintf(right, len, "%s where > 0: median and bands; P(%s > 0) dashed, right axis", w, w);
  if (right[0] >= 'a' && right[0] <= 'z')
    right[0] = (char)(right[0] - 'a' + 'A');
  plot_series_label(M, sr, left, llen);
}

/* The shortfall panel: P(series > 0) per year on a right-hand 0-1 axis, and
 * the bands of the series among the samples where it is positive
 * (percentile p of those is percentile z + p (1 - z) of all, z the share of
 * zeros). With a legend of its own when own_legend. */
static void shortfall_panel(const plot_ctx *P, plot_panel *pn, int sr, const char *title,
                            const char *sub, int mode, int own_legend) {
  const mc_spec *s = &P->job[0]->spec;
  static fan_data d;
  static double pz[PLOT_MAXY];
  positive_part(P, sr, &d, pz);
  fan_axis(&d, pn);
  char lab[160], rlab[200];
  plot_legend L = {0};
  shortfall_words(s->model, sr, &L, lab, sizeof lab, rlab, sizeof rlab);
  static plot_occ o;
  plot_fit(pn);
  plot_occ_init(&o, pn);
  plot_occ_band(&o, pn, d.yr, d.q[0][0], d.q[0][4], d.ny);
  double l[PLOT_MAXY], h[PLOT_MAXY], lx = 0, ly = 0, def, ht;
  for (int y = 0; y < d.ny; y++) {
    double v = pn->y0 + pz[y] * (pn->y1 - pn->y0);
    l[y] = v - 0.04 * (pn->y1 - pn->y0), h[y] = v + 0.04 * (pn->y1 - pn->y0);
    if (pn->logy)
      l[y] = pow(10, l[y]), h[y] = pow(10, h[y]);
  }
  plot_occ_band(&o, pn, d.yr, l, h, d.ny);
  plgchr(&def, &ht);
  if (own_legend)
    place_legend(P, &L, pn, &o, mode, 0, 5.0 * ht, &lx, &ly);
  else if (mode != FIXED)
    plot_fit(pn);
  if (mode == DRY)
    return;
  int rgb[3];
  plot_palette(5, rgb);
  plot_set_slot(SLOT_SHORT, rgb);
  plot_frame(P, pn, lab);
  if (title)
    plot_titles(title, sub);
  /* the fans drawn in the shortfall's slot */
  plot_set_slot(0, rgb);
  draw_fans(P, &d, pn);

  plwind(pn->x0, pn->x1, 0, 1);
  plcol0(C_FG);
  plot_width(P, 0.8);
  plbox("", 0, 0, "cmstv", 0.2, 2);
  plmtex("r", 3.6, 0.5, 0.5, "P(> 0)");
  if (!own_legend) { /* a heading says what the panel shows */
    plschr(0, 0.8);
    plmtex("t", 0.6, 0.0, 0.0, rlab);
    plschr(0, 1.0);
  }
  plot_width(P, 1.6);
  pllsty(3);
  plline(d.ny, d.yr, pz);
  pllsty(1);
  plssym(0, 0.8);
  plpoin(d.ny, d.yr, pz, 17);
  plwind(pn->x0, pn->x1, pn->y0, pn->y1);
  if (own_legend)
    plot_legend_draw(P, &L, 1, lx, ly);
}

/* Notes under the chart, in small print, from the page's bottom edge up. */
static void footnote(const char *note) {
  if (!note[0])
    return;
  double xmin, xmax, ymin, ymax;
  plvpor(VP_LEFT, VP_RIGHT, 0.0, 1.0);
  plgspa(&xmin, &xmax, &ymin, &ymax);
  plschr(0, 1.0);
  plschr(0, fmin(0.72, 0.98 * (VP_RIGHT - VP_LEFT) * (xmax - xmin) / plot_text_mm(note)));
  plmtex("b", -1.2, 0.0, 0.0, note);
  plschr(0, 1.0);
}

void plot_fan_page(const plot_ctx *P, const plot_page *pg) {
  const mc_spec *s = &P->job[0]->spec;
  const mc_model_type *M = s->model;
  int main_sel[MC_MAXSERIES], nmain = 0, shortfall = -1;
  for (int k = 0; k < pg->nsel; k++) {
    if ((M->series[pg->sel[k]].flags & MC_SERIES_NOLOG) && shortfall < 0)
      shortfall = pg->sel[k];
    else
      main_sel[nmain++] = pg->sel[k];
  }
  plot_chart_words w;
  plot_chart_words_for(M, pg->sel[0], &w);
  char title[300], sub[320], note[600] = "", lab[160];
  snprintf(title, sizeof title, "%.127s: %s", s->scenario, w.title);
  plot_run_words(P, 0, sub, sizeof sub);
  pladv(0);
  if (nmain && shortfall >= 0) {
    /* both laid out first, as they share their left and right edges; the
     * lower panel's axis labels say what it shows */
    plot_panel top = plot_panel_at(VP_LEFT, VP_RIGHT2, 0.5, VP_TOP, 0);
    plot_panel bottom = plot_panel_at(VP_LEFT, VP_RIGHT2, VP_BOTTOM, 0.43, 1);
    fan_panel(P, &top, main_sel, nmain, title, sub, DRY, 0, note, sizeof note);
    shortfall_panel(P, &bottom, shortfall, NULL, NULL, DRY, 0);
    top.vx0 = bottom.vx0 = fmax(top.vx0, bottom.vx0);
    top.vx1 = bottom.vx1 = fmin(top.vx1, bottom.vx1);
    if (note[0])
      bottom.vy0 += 0.03;
    fan_panel(P, &top, main_sel, nmain, title, sub, FIXED, 0, note, sizeof note);
    shortfall_panel(P, &bottom, shortfall, NULL, NULL, FIXED, 0);
  } else if (nmain) {
    plot_panel one = plot_panel_at(VP_LEFT, VP_RIGHT, VP_BOTTOM, VP_TOP, 1);
    fan_panel(P, &one, main_sel, nmain, title, sub, DRY, 1, note, sizeof note);
    one = plot_panel_at(VP_LEFT, VP_RIGHT, VP_BOTTOM + (note[0] ? 0.03 : 0), VP_TOP, 1);
    fan_panel(P, &one, main_sel, nmain, title, sub, DECIDE, 1, note, sizeof note);
  } else {
    plot_panel one = plot_panel_at(VP_LEFT, VP_RIGHT2, VP_BOTTOM, VP_TOP, 1);
    plot_series_label(M, shortfall, lab, sizeof lab);
    snprintf(title, sizeof title, "%.127s: %s", s->scenario, lab);
    shortfall_panel(P, &one, shortfall, title, sub, DECIDE, 1);
  }
  footnote(note);
}
