/* `crossover check JOB --plot OUT`: the input distributions of a job, a
 * panel per sampled parameter, drawn from the distributions themselves
 * (mc_dist_cdf, mc_dist_quantile), not from samples. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot.h"
#include "plot_int.h"

#define BINS   80
#define NCOL   3
#define ROW_H  0.27 /* a row of panels, in page heights of the format */
#define TOP_H  0.17 /* the titles, likewise */
#define FOOT_H 0.1  /* the note of what is not sampled, likewise */

/* The distribution the sampler uses for parameter p, or NULL (a power cap
 * that is absent). */
static const mc_dist *param_dist(const mc_spec *s, int p) {
  const mc_param_info *pi = &s->model->param[p];
  if (s->configured[p] || pi->dflt_kind == MC_DEF_VALUE || pi->dflt_kind == MC_DEF_INFINITE)
    return &s->dist[p];
  if (pi->dflt_kind == MC_DEF_FOLLOWS && s->configured[pi->follows])
    return &s->dist[pi->follows];
  return NULL;
}

/* 1 when the job samples p itself (configured and not constant). */
static int sampled(const mc_spec *s, int p) {
  return s->configured[p] && !mc_dist_is_constant(&s->dist[p]);
}

/* The density over BINS bins between the 0.1st and 99.9th percentiles, from
 * differences of the CDF: on a log10 x axis (per log10 unit) when the range
 * spans more than a decade and a half of positive values. Discrete: the
 * weights at the values. */
typedef struct density {
  int logx, discrete, n;
  double x[MC_DIST_MAXVALS > BINS + 1 ? MC_DIST_MAXVALS : BINS + 1], y[BINS + 1];
  double top;
} density;

static void density_of(const mc_dist *d, density *g) {
  memset(g, 0, sizeof *g);
  if (d->nvals > 0) {
    g->discrete = 1;
    g->n = d->nvals;
    for (int i = 0; i < d->nvals; i++) {
      g->x[i] = d->vals[i];
      g->y[i] = d->cum[i] - (i ? d->cum[i - 1] : 0);
      g->top = fmax(g->top, g->y[i]);
    }
    return;
  }
  double a = mc_dist_quantile(d, 0.001), b = mc_dist_quantile(d, 0.999);
  g->logx = a > 0 && b / a > 30;
  double lo = g->logx ? log10(a) : a, hi = g->logx ? log10(b) : b;
  if (!(hi > lo))
    hi = lo + 1e-9 * fmax(1, fabs(lo));
  g->n = BINS;
  for (int i = 0; i <= BINS; i++)
    g->x[i] = lo + (hi - lo) * i / BINS;
  for (int i = 0; i < BINS; i++) {
    double xa = g->logx ? pow(10, g->x[i]) : g->x[i],
           xb = g->logx ? pow(10, g->x[i + 1]) : g->x[i + 1];
    g->y[i] = (mc_dist_cdf(d, xb) - mc_dist_cdf(d, xa)) / (g->x[i + 1] - g->x[i]);
    g->top = fmax(g->top, g->y[i]);
  }
}

/* Draws the density as a histogram outline filled beneath. */
static void draw_density(const plot_ctx *P, const density *g) {
  if (g->discrete) {
    double w = 0.012 * (g->x[g->n - 1] - g->x[0] + (g->n == 1));
    for (int i = 0; i < g->n; i++) {
      double px[4] = {g->x[i] - w, g->x[i] + w, g->x[i] + w, g->x[i] - w},
             py[4] = {0, 0, g->y[i], g->y[i]};
      plcol0(C_SLOT_LINE(0));
      plfill(4, px, py);
    }
    return;
  }
  double px[2 * BINS + 2], py[2 * BINS + 2];
  int m = 0;
  for (int i = 0; i < g->n; i++) {
    px[m] = g->x[i], py[m++] = g->y[i];
    px[m] = g->x[i + 1], py[m++] = g->y[i];
  }
  double fx[2 * BINS + 4], fy[2 * BINS + 4];
  memcpy(fx, px, sizeof *px * m);
  memcpy(fy, py, sizeof *py * m);
  fx[m] = g->x[g->n], fy[m] = 0, fx[m + 1] = g->x[0], fy[m + 1] = 0;
  plcol0(C_SLOT_INNER(0));
  plfill(m + 2, fx, fy);
  plcol0(C_SLOT_LINE(0));
  plot_width(P, 1.2);
  plline(m, px, py);
}

/* The 5th, 50th and 95th percentiles: lines, and their values above. */
static void draw_quantiles(const plot_ctx *P, const mc_dist *d, const plot_panel *pn,
                           const density *g) {
  static const double u[3] = {0.05, 0.5, 0.95};
  char text[160];
  double q[3], xmin, xmax, ymin, ymax;
  for (int i = 0; i < 3; i++) {
    q[i] = mc_dist_quantile(d, u[i]);
    double x = g->logx ? log10(q[i]) : q[i];
    double px[2] = {x, x}, py[2] = {pn->y0, pn->y1};
    plcol0(C_FG);
    plot_width(P, i == 1 ? 1.4 : 0.9);
    pllsty(i == 1 ? 1 : 2);
    plline(2, px, py);
    pllsty(1);
  }
  char c[3][32];
  for (int i = 0; i < 3; i++)
    plot_compact(q[i], c[i], sizeof c[i]);
  snprintf(text, sizeof text, "5%%: %s   50%%: %s   95%%: %s", c[0], c[1], c[2]);
  plgspa(&xmin, &xmax, &ymin, &ymax);
  plschr(0, plot_fit_scale(text, 0.6, (pn->vx1 - pn->vx0) * (xmax - xmin)));
  plmtex("t", 0.8, 0.0, 0.0, text);
}

static void inputs_panel(const plot_ctx *P, int p, int k, int nrow, int ncol) {
  const mc_spec *s = &P->job[0]->spec;
  const mc_param_info *pi = &s->model->param[p];
  const mc_dist *d = &s->dist[p];
  static density g;
  density_of(d, &g);
  double H = TOP_H + FOOT_H + nrow * ROW_H, top = 1 - TOP_H / H, bottom = FOOT_H / H;
  double rh = (top - bottom) / nrow, cw = (0.985 - 0.02) / ncol;
  int row = k / ncol, col = k % ncol;
  double cy1 = top - row * rh, cx0 = 0.02 + col * cw;
  plot_panel pn =
      plot_panel_at(cx0 + 0.012, cx0 + cw - 0.012, cy1 - rh + 0.2 * rh, cy1 - 0.3 * rh, 1);
  pn.noylabels = pn.noyticks = 1;
  pn.chr = 0.62;
  pn.xvalues = g.logx ? 2 : 1;
  if (g.discrete)
    plot_xaxis(&pn, g.x[0] - 0.05 * (g.x[g.n - 1] - g.x[0] + 1),
               g.x[g.n - 1] + 0.05 * (g.x[g.n - 1] - g.x[0] + 1));
  else
    plot_xaxis(&pn, g.x[0], g.x[g.n]);
  pn.y0 = 0, pn.y1 = g.top > 0 ? 1.12 * g.top : 1;
  char head[200];
  snprintf(head, sizeof head, "%s (%s)", pi->key, pi->unit);
  plot_frame(P, &pn, "");
  draw_density(P, &g);
  draw_quantiles(P, d, &pn, &g);
  double xmin, xmax, ymin, ymax;
  plgspa(&xmin, &xmax, &ymin, &ymax);
  plcol0(C_FG);
  plschr(0, plot_fit_scale(head, 0.75, (pn.vx1 - pn.vx0) * (xmax - xmin)));
  plmtex("t", 2.2, 0.0, 0.0, head);
  plschr(0, 1.0);
}

/* The parameters the job does not sample, as "key = value" phrases. */
static void constants_note(const mc_spec *s, char *buf, size_t len) {
  const mc_model_type *M = s->model;
  size_t at = snprintf(buf, len, "Not sampled: ");
  size_t start = at;
  for (int p = 0; p < M->nparam && at < len; p++) {
    const mc_param_info *pi = &M->param[p];
    const mc_dist *d = param_dist(s, p);
    if (sampled(s, p) || !d)
      continue;
    if (!s->configured[p] && pi->dflt_kind == MC_DEF_FOLLOWS)
      at += snprintf(buf + at, len - at, "%s%s = %s", at > start ? ", " : "", pi->key,
                     M->param[pi->follows].key);
    else
      at += snprintf(buf + at, len - at, "%s%s = %.4g", at > start ? ", " : "", pi->key,
                     mc_dist_quantile(d, 0.5));
  }
  if (at == start)
    snprintf(buf, len, "Every parameter is sampled.");
}

/* Writes text as lines that fit the page's width, from disp down. */
static void wrapped_footer(const char *text, double disp) {
  double xmin, xmax, ymin, ymax, vx0, vx1, vy0, vy1;
  plgspa(&xmin, &xmax, &ymin, &ymax);
  plgvpd(&vx0, &vx1, &vy0, &vy1);
  double room = 0.94 * (0.985 - vx0) * (xmax - xmin);
  char line[400];
  const char *p = text;
  plschr(0, 0.75);
  while (*p) {
    size_t n = 0, cut = 0;
    while (p[n] && n < sizeof line - 1) {
      memcpy(line, p, n + 1);
      line[n + 1] = '\0';
      if (plot_text_mm(line) > room)
        break;
      if (p[n] == ' ')
        cut = n;
      n++;
    }
    if (!p[n] || !cut)
      cut = n;
    memcpy(line, p, cut);
    line[cut] = '\0';
    plmtex("b", disp, 0.0, 0.0, line);
    disp += 1.5;
    p += cut;
    while (*p == ' ')
      p++;
  }
  plschr(0, 1.0);
}

static void inputs_page(const plot_ctx *P, const plot_page *pg) {
  const mc_spec *s = &P->job[0]->spec;
  int nrow = (pg->nsel + NCOL - 1) / NCOL, ncol = pg->nsel < NCOL ? pg->nsel : NCOL;
  char title[300], sub[400], note[4096];
  snprintf(title, sizeof title, "%.127s: the sampled inputs (model %s)", s->scenario,
           s->model->name);
  snprintf(sub, sizeof sub,
           "density of each parameter's distribution as configured (truncation included); "
           "5th, 50th and 95th percentiles marked%s",
           s->ncorr ? "; correlations leave these marginals unchanged" : "");
  int rgb[3];
  plot_palette(0, rgb);
  plot_set_slot(0, rgb);
  pladv(0);
  for (int k = 0; k < pg->nsel; k++)
    inputs_panel(P, pg->sel[k], k, nrow, ncol > 0 ? ncol : 1);
  double H = TOP_H + FOOT_H + nrow * ROW_H;
  plvpor(0.03, 0.985, FOOT_H / H, 1 - TOP_H / H);
  plot_titles(title, sub);
  constants_note(s, note, sizeof note);
  wrapped_footer(note, 1.0);
}

int mc_plot_inputs(const mc_job *job, const char *out, mc_err *e) {
  const mc_spec *s = &job->spec;
  static plot_page page;
  plot_ctx P = {.fmt = plot_format_for(out), .nfiles = 1, .job = {job}};
  if (!P.fmt)
    MC_RAISE(e, MC_EINPUT, "%s: unknown output format; the name must end in .png, .pdf or .svg",
             out);
  memset(&page, 0, sizeof page);
  page.draw = inputs_page;
  for (int p = 0; p < s->model->nparam; p++)
    if (sampled(s, p))
      page.sel[page.nsel++] = p;
  if (page.nsel == 0)
    MC_RAISE(e, MC_EINPUT, "%s samples no parameter (every one is a constant)", job->path);
  int nrow = (page.nsel + NCOL - 1) / NCOL;
  page.height = TOP_H + FOOT_H + nrow * ROW_H;
  if (page.height < 0.6)
    page.height = 0.6;
  snprintf(page.suffix, sizeof page.suffix, "inputs");
  return plot_write(&P, out, &page, 1, 1, e);
}
