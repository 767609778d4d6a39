/* crossover plot: fan charts of the series and the crossover-year
 * distributions of a results file, drawn with PLplot's cairo drivers.
 *
 * Every number comes from the file through mc_h5_read and the derived
 * statistics of engine/mc_engine.h: bands are mc_stats_series_percentile at
 * 5, 25, 50, 75 and 95; crossover bars are year_counts / n; the median and
 * 90% interval of the crossing time are mc_stats_time_quantile. Each chart is
 * drawn into a temporary file beside its final name, and the files are renamed
 * only once every chart is drawn, so a failure leaves nothing behind. */
#include <errno.h>
#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "mc_h5.h"

static const char plot_usage[] =
    "usage: crossover plot OUT.h5 [-o FILE.png|FILE.pdf|FILE.svg] [--series NAME...]\n"
    "\n"
    "Draws from a results file:\n"
    "  fan charts: per series the median line and shaded 25-75% and 5-95% bands,\n"
    "    series sharing a unit on one chart, on a log axis when they span decades;\n"
    "    the median crossing time of a crossover whose two series are both shown;\n"
    "    power_shortfall in a panel of its own: P(power_shortfall > 0) and its\n"
    "    bands among the samples where it is positive;\n"
    "  per crossover, the crossover-year distribution: bars P(crossover year = y),\n"
    "    the line P(crossover year <= y), the median and 90% interval of the\n"
    "    crossing time, and the probability of no crossover by the horizon.\n"
    "\n"
    "  -o, --output FILE     the format follows the extension:\n"
    "                        .pdf       one file, a page per chart\n"
    "                        .png .svg  a file per chart: FILE-compute.png,\n"
    "                                   FILE-energy.png, FILE-power.png and\n"
    "                                   FILE-crossover-NAME.png per crossover\n"
    "                        (default: OUT.png, i.e. OUT-compute.png, ...)\n"
    "      --series NAME...  the series to fan-chart, separated by spaces or commas\n"
    "                        (default: training_compute inference_compute\n"
    "                        training_energy inference_energy power, and\n"
    "                        power_shortfall when the job has a power cap)\n"
    "\n"
    "Prints the paths written; files of the same names are replaced.\n"
    "Exit status: 0 done; 2 bad usage, an unknown series or extension, or a file that\n"
    "is not a readable Crossover results file (nothing written); 1 any other failure.\n";

/* ---- devices and files ---------------------------------------------------- */

typedef struct plot_format {
  const char *ext, *device;
  int multipage;     /* 1: every chart a page of one file */
  int w, h;          /* page size in device units (pixels for PNG, points otherwise) */
  double line_scale; /* device units per nominal line-width unit */
} plot_format;

static const plot_format formats[] = {
    {".png", "pngcairo", 0, 1500, 960, 2.0},
    {".pdf", "pdfcairo", 1, 720, 461, 1.0},
    {".svg", "svgcairo", 0, 720, 461, 1.0},
};
#define NFORMATS ((int)(sizeof formats / sizeof formats[0]))

#define MAXCHARTS (MC_MAXSERIES + MC_MAXCROSS + 1)
#define MAXY      1000 /* grid years a chart can hold: every grid a job may have */

/* The temporary files of this run: removed on failure, also by PLplot's fatal
 * error handler (plexit, which then ends the process). */
static char tmp_names[MAXCHARTS][1100];
static int ntmp;
static char pl_warning[512];

static void remove_temps(void) {
  for (int i = 0; i < ntmp; i++)
    if (tmp_names[i][0])
      unlink(tmp_names[i]);
  ntmp = 0;
}

static int on_plexit(const char *msg) {
  remove_temps();
  fprintf(stderr, "crossover plot: PLplot failed: %s; nothing written\n", msg);
  return MC_EFAIL;
}

static void on_plabort(const char *msg) {
  if (!pl_warning[0])
    snprintf(pl_warning, sizeof pl_warning, "%s", msg);
}

/* Creates an empty temporary file beside final, with the permissions a new
 * file gets, so that PLplot's open cannot fail later; records it. */
static int make_temp(const char *final, char *tmp, size_t len, mc_err *e) {
  int n = snprintf(tmp, len, "%s.tmp.XXXXXX", final);
  if (n < 0 || (size_t)n >= len || ntmp >= MAXCHARTS)
    return mc_err_set(e, MC_EINPUT, "%s: output name too long", final);
  int fd = mkstemp(tmp);
  if (fd < 0)
    return mc_err_set(e, MC_EFAIL, "%s: cannot create a file there: %s", final, strerror(errno));
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  close(fd);
  snprintf(tmp_names[ntmp++], sizeof tmp_names[0], "%s", tmp);
  return MC_OK;
}

static void forget_temp(const char *tmp) {
  for (int i = 0; i < ntmp; i++)
    if (!strcmp(tmp_names[i], tmp))
      tmp_names[i][0] = '\0';
}

static int device_available(const char *dev) {
  const char *menu[128], *names[128];
  const char **pm = menu, **pn = names;
  int n = 128;
  plgFileDevs(&pm, &pn, &n);
  for (int i = 0; i < n; i++)
    if (pn[i] && !strcmp(pn[i], dev))
      return 1;
  return 0;
}

/* ---- colours (cmap0) -------------------------------------------------------- */

enum {
  C_BG = 0,
  C_FG,
  C_GRID,
  C_LEGEND_BG,
  C_BAR,
  C_CUM,
  C_MEDIAN,
  C_INTERVAL,
  C_NEVER,
  C_KEY_OUTER,
  C_KEY_INNER,
  C_PROB,
  C_SERIES0, /* three per series: outer band, inner band, median line */
  C_NCOLORS = C_SERIES0 + 3 * MC_MAXSERIES
};

/* Okabe-Ito colours, distinguishable with the common colour-vision deficiencies:
 * training blue, inference vermillion and totals grey wherever they appear
 * (by the first word of the series name); other series take the rest of the
 * palette in table order. */
static void series_rgb(const mc_model_type *M, int s, int rgb[3]) {
  static const int blue[3] = {0, 114, 178}, vermillion[3] = {213, 94, 0}, grey[3] = {90, 90, 90};
  static const int rest[5][3] = {
      {0, 158, 115}, {204, 121, 167}, {230, 159, 0}, {86, 180, 233}, {120, 80, 40}};
  const char *name = M->series[s].name;
  const int *c = rest[s % 5];
  if (!strncmp(name, "training", 8))
    c = blue;
  else if (!strncmp(name, "inference", 9))
    c = vermillion;
  else if (!strncmp(name, "total", 5))
    c = grey;
  memcpy(rgb, c, sizeof blue);
}

static void set_colors(const mc_model_type *M) {
  plscmap0n(C_NCOLORS);
  plscol0a(C_BG, 255, 255, 255, 1.0);
  plscol0a(C_FG, 0, 0, 0, 1.0);
  plscol0a(C_GRID, 220, 220, 220, 1.0);
  plscol0a(C_LEGEND_BG, 255, 255, 255, 0.88);
  plscol0a(C_BAR, 86, 160, 220, 0.9);
  plscol0a(C_CUM, 0, 50, 120, 1.0);
  plscol0a(C_MEDIAN, 0, 0, 0, 1.0);
  plscol0a(C_INTERVAL, 0, 0, 0, 1.0);
  plscol0a(C_NEVER, 150, 150, 150, 0.9);
  plscol0a(C_KEY_OUTER, 90, 90, 90, 0.18);
  plscol0a(C_KEY_INNER, 90, 90, 90, 0.42);
  plscol0a(C_PROB, 0, 0, 0, 1.0);
  for (int s = 0; s < M->nseries; s++) {
    int c[3];
    series_rgb(M, s, c);
    plscol0a(C_SERIES0 + 3 * s, c[0], c[1], c[2], 0.16);
    plscol0a(C_SERIES0 + 3 * s + 1, c[0], c[1], c[2], 0.38);
    plscol0a(C_SERIES0 + 3 * s + 2, c[0], c[1], c[2], 1.0);
  }
}

/* ---- context, page layout, occupancy ---------------------------------------- */

typedef struct plot_ctx {
  const char *input;
  const mc_job *job;
  const mc_stats *st;
  uint64_t n;
  const plot_format *fmt;
} plot_ctx;

/* Viewport edges in normalized subpage coordinates. */
#define VP_LEFT   0.1
#define VP_RIGHT  0.955
#define VP_RIGHT2 0.9 /* with a right-hand axis */
#define VP_BOTTOM 0.115
#define VP_TOP    0.855

static void set_width(const plot_ctx *P, double w) { plwidth(w * P->fmt->line_scale); }

/* What a panel already shows, column by column across its viewport, in
 * normalized viewport coordinates: the legend goes where it hides least. */
#define OCC_COLS 120
#define OCC_MAX  24
typedef struct occupancy {
  double x0, x1, y0, y1; /* world window */
  int logy;
  int n[OCC_COLS];
  float lo[OCC_COLS][OCC_MAX], hi[OCC_COLS][OCC_MAX];
} occupancy;

static void occ_init(occupancy *o, double x0, double x1, double y0, double y1, int logy) {
  memset(o, 0, sizeof *o);
  o->x0 = x0, o->x1 = x1, o->y0 = y0, o->y1 = y1, o->logy = logy;
}

static double occ_ny(const occupancy *o, double v) { /* world y (already mapped) -> [0, 1] */
  return (v - o->y0) / (o->y1 - o->y0);
}

/* Marks world x in [xa, xb], mapped y in [ya, yb] as occupied. */
static void occ_add(occupancy *o, double xa, double xb, double ya, double yb) {
  double na = (xa - o->x0) / (o->x1 - o->x0), nb = (xb - o->x0) / (o->x1 - o->x0);
  int ca = (int)floor(na * OCC_COLS), cb = (int)ceil(nb * OCC_COLS);
  double lo = fmin(occ_ny(o, ya), occ_ny(o, yb)), hi = fmax(occ_ny(o, ya), occ_ny(o, yb));
  for (int c = ca < 0 ? 0 : ca; c < cb && c < OCC_COLS; c++) {
    if (o->n[c] >= OCC_MAX)
      continue;
    o->lo[c][o->n[c]] = (float)lo;
    o->hi[c][o->n[c]++] = (float)hi;
  }
}

/* Marks the band between lo(x) and hi(x), interpolated linearly between the
 * given points (mapped y), as occupied. */
static void occ_band(occupancy *o, const double *x, const double *lo, const double *hi, int m) {
  for (int c = 0; c < OCC_COLS; c++) {
    double xc = o->x0 + (c + 0.5) / OCC_COLS * (o->x1 - o->x0);
    for (int i = 0; i + 1 < m; i++) {
      if (xc < x[i] || xc > x[i + 1] || !isfinite(lo[i] + hi[i] + lo[i + 1] + hi[i + 1]))
        continue;
      double f = (xc - x[i]) / (x[i + 1] - x[i]);
      double l = lo[i] + f * (lo[i + 1] - lo[i]), h = hi[i] + f * (hi[i + 1] - hi[i]);
      if (o->n[c] < OCC_MAX) {
        o->lo[c][o->n[c]] = (float)occ_ny(o, l);
        o->hi[c][o->n[c]++] = (float)occ_ny(o, h);
      }
      break;
    }
  }
}

/* Occupied area inside the box [bx0, bx1] x [by0, by1] (normalized). */
static double occ_cost(const occupancy *o, double bx0, double bx1, double by0, double by1) {
  double cost = 0;
  for (int c = 0; c < OCC_COLS; c++) {
    double xc = (c + 0.5) / OCC_COLS;
    if (xc < bx0 || xc > bx1)
      continue;
    for (int k = 0; k < o->n[c]; k++) {
      double a = fmax(o->lo[c][k], by0), b = fmin(o->hi[c][k], by1);
      if (b > a)
        cost += (b - a) + 0.02; /* even a thin line counts */
    }
  }
  return cost;
}

static double text_mm(const char *text);

/* ---- legends ----------------------------------------------------------------- */

#define LEG_MAX 10
typedef struct legend {
  int n;
  int opt[LEG_MAX], box_color[LEG_MAX], box_pattern[LEG_MAX], line_color[LEG_MAX];
  int line_style[LEG_MAX], text_color[LEG_MAX], sym_color[LEG_MAX], sym_number[LEG_MAX];
  double box_scale[LEG_MAX], box_width[LEG_MAX], line_width[LEG_MAX], sym_scale[LEG_MAX];
  const char *text[LEG_MAX], *sym[LEG_MAX];
  char buf[LEG_MAX][160];
} legend;

static void legend_add(legend *L, int opt, int box_color, int line_color, int line_style,
                       double line_width, const char *text) {
  if (L->n >= LEG_MAX)
    return;
  int i = L->n++;
  L->opt[i] = opt;
  L->box_color[i] = box_color;
  L->box_pattern[i] = 0;
  L->box_scale[i] = 0.8;
  L->box_width[i] = 1.0;
  L->line_color[i] = line_color;
  L->line_style[i] = line_style;
  L->line_width[i] = line_width;
  L->text_color[i] = C_FG;
  L->sym_color[i] = C_FG;
  L->sym_number[i] = 0;
  L->sym_scale[i] = 1.0;
  L->sym[i] = "";
  /* Trailing spaces widen the box pllegend measures with PLplot's own font
   * metrics, narrower than the cairo drivers' glyphs. */
  int pad = 1 + (int)strlen(text) / 7;
  snprintf(L->buf[i], sizeof L->buf[i], "%s%*s", text, pad, "");
  L->text[i] = L->buf[i];
}

#define LEG_TEXT    0.82 /* character scale of legend text */
#define LEG_SPACING 1.75 /* rows, in character heights */
#define LEG_OFFSET  0.9  /* text offset, in character widths */
#define LEG_PLOTW   0.06 /* width of the key area, viewport fraction */

/* The legend's width and height in normalized viewport coordinates, as
 * pllegend computes them (its character width is the character height). */
static void legend_size(const legend *L, double *w, double *h) {
  double xmin, xmax, ymin, ymax, vx0, vx1, vy0, vy1, def, ht;
  plgspa(&xmin, &xmax, &ymin, &ymax);
  plgvpd(&vx0, &vx1, &vy0, &vy1);
  plschr(0, LEG_TEXT);
  plgchr(&def, &ht);
  double tw = 0;
  for (int i = 0; i < L->n; i++)
    tw = fmax(tw, text_mm(L->text[i]));
  double ch = ht / (ymax - ymin); /* normalized subpage */
  double wsub = 0.8 * ch + tw / (xmax - xmin) + LEG_OFFSET * ch + LEG_PLOTW * (vx1 - vx0);
  *w = wsub / (vx1 - vx0);
  *h = L->n * LEG_SPACING * ch / (vy1 - vy0);
}

/* Draws the legend at whichever inside corner or edge hides least of o. */
static void legend_place(const plot_ctx *P, legend *L, const occupancy *o) {
  double w, h;
  legend_size(L, &w, &h);
  /* Candidate top-left corners on a grid over the viewport; the least
   * hidden data wins, then the one nearest a corner. */
  const double mx = 0.012, my = 0.02;
  double bx = mx, by = 1 - my, bestc = HUGE_VAL;
  const int steps = 16;
  for (int i = 0; i <= steps; i++)
    for (int j = 0; j <= steps; j++) {
      double x = mx + (1 - 2 * mx - w) * i / steps, y = 1 - my - (1 - 2 * my - h) * j / steps;
      double dx = fmin(i, steps - i) / (double)steps, dy = fmin(j, steps - j) / (double)steps;
      double c = occ_cost(o, x, x + w, y - h, y) + 0.01 * (dx + dy) + 0.001 * (i + j) / steps;
      if (c < bestc)
        bestc = c, bx = x, by = y;
    }
  for (int i = 0; i < L->n; i++)
    L->line_width[i] *= P->fmt->line_scale;
  double lw, lh;
  plschr(0, LEG_TEXT);
  set_width(P, 0.6);
  pllegend(&lw, &lh, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
           PL_POSITION_LEFT | PL_POSITION_TOP | PL_POSITION_INSIDE | PL_POSITION_VIEWPORT, bx,
           1 - by, LEG_PLOTW, C_LEGEND_BG, C_GRID, 1, 0, 0, L->n, L->opt, LEG_OFFSET, LEG_TEXT,
           LEG_SPACING, 0.0, L->text_color, (const char *const *)L->text, L->box_color,
           L->box_pattern, L->box_scale, L->box_width, L->line_color, L->line_style, L->line_width,
           L->sym_color, L->sym_scale, L->sym_number, (const char *const *)L->sym);
  plschr(0, 1.0);
}

/* ---- text ---------------------------------------------------------------------- */

/* "1234567" -> "1,234,567". */
static void thousands(uint64_t v, char *buf, size_t len) {
  char raw[32];
  snprintf(raw, sizeof raw, "%llu", (unsigned long long)v);
  size_t n = strlen(raw), at = 0;
  for (size_t i = 0; i < n && at + 2 < len; i++) {
    buf[at++] = raw[i];
    if ((n - 1 - i) % 3 == 0 && i + 1 < n)
      buf[at++] = ',';
  }
  buf[at] = '\0';
}

/* "200,000 samples, mc sampling, seed 2030" (and "of N (incomplete)"). */
static void run_words(const plot_ctx *P, char *buf, size_t len) {
  const mc_spec *s = &P->job->spec;
  char nb[40], pb[40];
  thousands(P->n, nb, sizeof nb);
  thousands(s->samples, pb, sizeof pb);
  if (P->n != s->samples)
    snprintf(buf, len, "%s of %s samples (incomplete run), %s sampling, seed %llu", nb, pb,
             mc_method_names[s->method], (unsigned long long)s->seed);
  else
    snprintf(buf, len, "%s samples, %s sampling, seed %llu", nb, mc_method_names[s->method],
             (unsigned long long)s->seed);
}

static void titles(const char *title, const char *sub) {
  plschr(0, 1.2);
  plmtex("t", 2.55, 0.0, 0.0, title);
  plschr(0, 0.88);
  plmtex("t", 0.95, 0.0, 0.0, sub);
  plschr(0, 1.0);
}

/* Words of a fan chart whose first series is s0: the model's chart that holds
 * it, or else the first chart of the same unit, or else the series' own name
 * and unit. */
typedef struct chart_words {
  char suffix[MC_NAMELEN], title[160], ylabel[160];
} chart_words;

static int chart_has(const mc_chart_info *c, const char *name) {
  size_t n = strlen(name);
  for (const char *p = c->series; (p = strstr(p, name)); p += n)
    if ((p == c->series || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
      return 1;
  return 0;
}

/* The first series of a chart's list. */
static int chart_first(const mc_model_type *M, const mc_chart_info *c) {
  char name[MC_NAMELEN];
  snprintf(name, sizeof name, "%.*s", (int)strcspn(c->series, " "), c->series);
  return mc_series_find(M, name);
}

static void chart_words_for(const mc_model_type *M, int s0, chart_words *w) {
  int found = -1;
  for (int c = 0; c < M->ncharts && found < 0; c++)
    if (chart_has(&M->charts[c], M->series[s0].name))
      found = c;
  for (int c = 0; c < M->ncharts && found < 0; c++) {
    int f = chart_first(M, &M->charts[c]);
    if (f >= 0 && !strcmp(M->series[f].unit, M->series[s0].unit))
      found = c;
  }
  if (found >= 0) {
    const mc_chart_info *c = &M->charts[found];
    snprintf(w->suffix, sizeof w->suffix, "%s", c->suffix);
    snprintf(w->title, sizeof w->title, "%s", c->title);
    snprintf(w->ylabel, sizeof w->ylabel, "%s", c->ylabel);
    return;
  }
  snprintf(w->suffix, sizeof w->suffix, "%s", M->series[s0].name);
  snprintf(w->title, sizeof w->title, "%s", M->series[s0].meaning);
  snprintf(w->ylabel, sizeof w->ylabel, "%s (%s)", M->series[s0].name, M->series[s0].unit);
}

/* Estimated length in mm of text at the current character size (PLplot does
 * not export its own measure, plstrl); calibrated against pllegend's boxes
 * for DejaVu Sans under the cairo drivers. */
static double text_mm(const char *text) {
  double def, ht;
  plgchr(&def, &ht);
  int glyphs = 0;
  for (const unsigned char *c = (const unsigned char *)text; *c; c++)
    glyphs += (*c & 0xC0) != 0x80;
  return 0.68 * ht * glyphs;
}

/* Width in world x of text at the current character size, in the current
 * viewport whose window spans [x0, x1]. */
static double text_world_width(const char *text, double x0, double x1) {
  double xmin, xmax, ymin, ymax, vx0, vx1, vy0, vy1;
  plgspa(&xmin, &xmax, &ymin, &ymax);
  plgvpd(&vx0, &vx1, &vy0, &vy1);
  return text_mm(text) / ((xmax - xmin) * (vx1 - vx0)) * (x1 - x0);
}

/* Years between labelled ticks: at most about seven labels. */
static double xtick_for(int span) {
  static const int steps[] = {1, 2, 5, 10, 25, 50, 100, 250, 500};
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
    if (span <= 7 * steps[i])
      return steps[i];
  return 1000;
}

/* ---- panels -------------------------------------------------------------------- */

typedef struct panel {
  double vx0, vx1, vy0, vy1; /* viewport, normalized subpage */
  int xlabels;               /* numeric labels and "Year" under the x axis */
  double xlabel_max;         /* > 0: numeric x labels only up to this year */
} panel;

/* Sets up a panel: viewport, window, grid, axes, y label. */
static void panel_frame(const plot_ctx *P, const panel *pn, double x0, double x1, double y0,
                        double y1, int logy, const char *ylabel) {
  const mc_spec *s = &P->job->spec;
  double xt = xtick_for(s->horizon_year - s->base_year);
  plschr(0, 1.0);
  plvpor(pn->vx0, pn->vx1, pn->vy0, pn->vy1);
  plwind(x0, x1, y0, y1);
  plcol0(C_GRID);
  set_width(P, 0.5);
  plbox("g", xt, 0, "g", logy ? 1 : 0, 0);
  plcol0(C_FG);
  set_width(P, 0.8);
  int own_xlabels = pn->xlabels && pn->xlabel_max > 0;
  plbox(pn->xlabels && !own_xlabels ? "bcnst" : "bcst", xt,
        xt == 2   ? 2
        : xt >= 5 ? 5
                  : 1,
        logy ? (y1 - y0 > 10 ? "bctl" : "bcstl") : "bcnstv", 0, 0);
  for (double x = ceil(x0 / xt - 1e-9) * xt; own_xlabels && x <= pn->xlabel_max + 1e-9; x += xt) {
    char lab[32];
    snprintf(lab, sizeof lab, "%.0f", x);
    plmtex("b", 1.45, (x - x0) / (x1 - x0), 0.5, lab);
  }
  if (logy) {
    /* plbox labels every decade of a log axis; label every k-th so that
     * labels stand at least two character heights apart. */
    double xmin, xmax, ymin, ymax, def, ht;
    plgspa(&xmin, &xmax, &ymin, &ymax);
    plgchr(&def, &ht);
    double mm = (pn->vy1 - pn->vy0) * (ymax - ymin);
    int step = (int)ceil((y1 - y0) * 2.0 * ht / mm - 1e-9);
    if (step < 1)
      step = 1;
    for (int d = (int)ceil(y0 - 1e-9); d <= (int)floor(y1 + 1e-9); d++) {
      if (d % step)
        continue;
      char lab[32];
      snprintf(lab, sizeof lab, "10#u%d#d", d);
      plmtex("lv", 0.6, (d - y0) / (y1 - y0), 1.0, lab);
    }
  }
  if (pn->xlabels)
    plmtex("b", 2.95, 0.5, 0.5, "Year");
  /* The y label clears the widest tick label. */
  char widest[64];
  snprintf(widest, sizeof widest, "%g", fmax(fabs(y0), fabs(y1)));
  double chars = logy ? 4.2 : strlen(widest) + (y1 - y0 < 10 ? 2 : 0);
  plmtex("l", 0.62 * chars + 1.9, 0.5, 0.5, ylabel);
}

/* y as drawn: log10 on a log axis, values at or below the axis bottom clamped. */
static double ymap(double v, int logy, double ybottom) {
  if (!logy)
    return v;
  return v > 0 ? fmax(log10(v), ybottom) : ybottom;
}

/* Fills between lo and hi over the years, run by run of finite values. */
static void band(const double *yr, const double *lo, const double *hi, int ny, int logy,
                 double ybottom, occupancy *o) {
  double px[2 * MAXY], py[2 * MAXY], ml[MAXY], mh[MAXY];
  for (int a = 0; a < ny;) {
    if (!isfinite(lo[a]) || !isfinite(hi[a])) {
      a++;
      continue;
    }
    int b = a;
    while (b < ny && isfinite(lo[b]) && isfinite(hi[b]))
      b++;
    int m = 0;
    for (int i = a; i < b; i++, m++) {
      px[m] = yr[i];
      py[m] = mh[i - a] = ymap(hi[i], logy, ybottom);
      ml[i - a] = ymap(lo[i], logy, ybottom);
    }
    for (int i = b - 1; i >= a; i--, m++) {
      px[m] = yr[i];
      py[m] = ymap(lo[i], logy, ybottom);
    }
    if (b - a >= 2) {
      plfill(m, px, py);
      if (o)
        occ_band(o, yr + a, ml, mh, b - a);
    }
    a = b;
  }
}

/* Draws v over the years where it is finite (and positive on a log axis). */
static void polyline(const double *yr, const double *v, int ny, int logy) {
  double px[MAXY], py[MAXY];
  for (int a = 0; a < ny;) {
    if (!isfinite(v[a]) || (logy && v[a] <= 0)) {
      a++;
      continue;
    }
    int m = 0;
    while (a < ny && isfinite(v[a]) && !(logy && v[a] <= 0)) {
      px[m] = yr[a];
      py[m] = logy ? log10(v[a]) : v[a];
      m++, a++;
    }
    if (m >= 2)
      plline(m, px, py);
    else if (m == 1)
      plpoin(1, px, py, 17);
  }
}

/* The axis range for the values q[k][0..4][y] (5th..95th percentiles). */
static void y_range(double q[][5][MAXY], int nsel, int ny, int *logy, double *y0, double *y1) {
  double lo = HUGE_VAL, hi = -HUGE_VAL, minpos = HUGE_VAL, mpos = HUGE_VAL;
  for (int k = 0; k < nsel; k++)
    for (int j = 0; j < 5; j++)
      for (int y = 0; y < ny; y++) {
        double v = q[k][j][y];
        if (!isfinite(v))
          continue;
        lo = fmin(lo, v), hi = fmax(hi, v);
        if (v > 0)
          minpos = fmin(minpos, v);
        if (v > 0 && j == 2)
          mpos = fmin(mpos, v);
      }
  if (!(lo <= hi))
    lo = 0, hi = 1;
  /* A log axis when the positive values span more than two decades; it need
   * not reach far below the lowest median. */
  *logy = isfinite(minpos) && hi > 0 && hi / minpos > 100;
  if (*logy) {
    double floorv = isfinite(mpos) ? fmax(minpos, mpos / 1e3) : minpos;
    *y0 = floor(log10(floorv) + 1e-9);
    *y1 = ceil(log10(hi) - 1e-9);
    if (*y1 <= *y0)
      *y1 = *y0 + 1;
  } else {
    double base = fmin(lo, 0), span = hi - base;
    *y0 = base;
    *y1 = hi + 0.05 * (span > 0 ? span : 1);
  }
}

/* Fan chart panel of the series sel[0..nsel-1], which share a unit. */
static void fan_panel(const plot_ctx *P, const panel *pn, const int *sel, int nsel,
                      const char *title, const char *sub) {
  const mc_spec *s = &P->job->spec;
  int ny = P->st->ny;
  static const double lv[5] = {5, 25, 50, 75, 95};
  static double q[MC_MAXSERIES][5][MAXY];
  double yr[MAXY];
  for (int y = 0; y < ny; y++)
    yr[y] = s->base_year + y;
  for (int k = 0; k < nsel; k++)
    for (int j = 0; j < 5; j++)
      for (int y = 0; y < ny; y++)
        q[k][j][y] = mc_stats_series_percentile(P->st, sel[k], y, lv[j]);
  int logy;
  double y0, y1;
  y_range(q, nsel, ny, &logy, &y0, &y1);
  const mc_model_type *M = s->model;
  chart_words w;
  chart_words_for(M, sel[0], &w);
  panel_frame(P, pn, yr[0], yr[ny - 1], y0, y1, logy, w.ylabel);
  int clamped = 0;
  for (int k = 0; k < nsel && logy; k++)
    for (int y = 0; y < ny; y++)
      clamped |= isfinite(q[k][0][y]) && q[k][0][y] < pow(10, y0);
  if (title)
    titles(title, sub);
  static occupancy o;
  occ_init(&o, yr[0], yr[ny - 1], y0, y1, logy);

  for (int k = 0; k < nsel; k++) {
    plcol0(C_SERIES0 + 3 * sel[k]);
    band(yr, q[k][0], q[k][4], ny, logy, y0, &o);
    plcol0(C_SERIES0 + 3 * sel[k] + 1);
    band(yr, q[k][1], q[k][3], ny, logy, y0, NULL);
  }
  for (int k = 0; k < nsel; k++) {
    plcol0(C_SERIES0 + 3 * sel[k] + 2);
    set_width(P, 2.0);
    polyline(yr, q[k][2], ny, logy);
  }

  /* The median crossing time of each crossover whose two series are shown. */
  int nmark = 0;
  for (int c = 0; c < s->ncross; c++) {
    int hasl = 0, hasr = 0;
    for (int k = 0; k < nsel; k++)
      hasl |= sel[k] == s->cross[c].lhs, hasr |= sel[k] == s->cross[c].rhs;
    double t = mc_stats_time_quantile(P->st, c, 50);
    if (!hasl || !hasr || !isfinite(t))
      continue;
    double x = s->base_year + t, ty = y0 + (0.035 + 0.075 * nmark) * (y1 - y0);
    plcol0(C_MEDIAN);
    set_width(P, 1.0);
    pllsty(2);
    double px[2] = {x, x}, py[2] = {y0, y1};
    plline(2, px, py);
    pllsty(1);
    char lab[160];
    snprintf(lab, sizeof lab, "median crossing (%s): %.1f", s->cross[c].name, x);
    plschr(0, 0.8);
    int right = x > yr[0] + 0.55 * (yr[ny - 1] - yr[0]);
    double dx = 0.012 * (yr[ny - 1] - yr[0]);
    plptex(x + (right ? -dx : dx), ty, 1, 0, right ? 1 : 0, lab);
    double lw = text_world_width(lab, yr[0], yr[ny - 1]);
    occ_add(&o, right ? x - 4 * dx - lw : x, right ? x : x + 4 * dx + lw, ty - 0.01 * (y1 - y0),
            ty + 0.06 * (y1 - y0));
    occ_add(&o, x - 0.004 * (yr[ny - 1] - yr[0]), x + 0.004 * (yr[ny - 1] - yr[0]), y0, y1);
    plschr(0, 1.0);
    nmark++;
  }

  legend L = {0};
  for (int k = 0; k < nsel; k++)
    legend_add(&L, PL_LEGEND_COLOR_BOX | PL_LEGEND_LINE, C_SERIES0 + 3 * sel[k] + 1,
               C_SERIES0 + 3 * sel[k] + 2, 1, 2.0, M->series[sel[k]].name);
  legend_add(&L, PL_LEGEND_COLOR_BOX, C_KEY_INNER, 0, 1, 0, "25-75% band");
  legend_add(&L, PL_LEGEND_COLOR_BOX, C_KEY_OUTER, 0, 1, 0, "5-95% band");
  if (clamped)
    legend_add(&L, PL_LEGEND_NONE, 0, 0, 1, 0, "(band on the bottom edge: includes 0)");
  legend_place(P, &L, &o);
}

/* power_shortfall panel: P(shortfall > 0) per year on a right-hand 0-1 axis,
 * and the bands of the shortfall among the samples where it is positive
 * (percentile p of those is percentile z + p (1 - z) of all, z the share of
 * zeros). */
static void shortfall_panel(const plot_ctx *P, const panel *pn, int sr, const char *title,
                            const char *sub) {
  const mc_spec *s = &P->job->spec;
  const mc_stats *st = P->st;
  int ny = st->ny;
  static const double lv[5] = {5, 25, 50, 75, 95};
  static double q[1][5][MAXY];
  double yr[MAXY], pz[MAXY];
  for (int y = 0; y < ny; y++) {
    const mc_sketch *sk = &st->series[sr * ny + y];
    uint64_t n = mc_sketch_count(sk);
    yr[y] = s->base_year + y;
    pz[y] = n ? 1.0 - (double)sk->zero / (double)n : NAN;
    for (int j = 0; j < 5; j++) {
      if (!n || sk->zero >= n) {
        q[0][j][y] = NAN;
        continue;
      }
      double z = (double)sk->zero / (double)n;
      double p = 100.0 * (z + lv[j] / 100.0 * (1.0 - z));
      q[0][j][y] = mc_stats_series_percentile(st, sr, y, fmin(p, 100.0));
    }
  }
  int logy;
  double y0, y1;
  y_range(q, 1, ny, &logy, &y0, &y1);
  const mc_series_info *si = &s->model->series[sr];
  char ylabel[160], l1[200], l2[200];
  snprintf(ylabel, sizeof ylabel, "%s (%s)", si->name, si->unit);
  snprintf(l1, sizeof l1, "%s where > 0: median, bands", si->name);
  snprintf(l2, sizeof l2, "P(%s > 0), right axis", si->name);
  panel_frame(P, pn, yr[0], yr[ny - 1], y0, y1, logy, ylabel);
  if (title)
    titles(title, sub);
  static occupancy o;
  occ_init(&o, yr[0], yr[ny - 1], y0, y1, logy);
  plcol0(C_SERIES0 + 3 * sr);
  band(yr, q[0][0], q[0][4], ny, logy, y0, &o);
  plcol0(C_SERIES0 + 3 * sr + 1);
  band(yr, q[0][1], q[0][3], ny, logy, y0, NULL);
  plcol0(C_SERIES0 + 3 * sr + 2);
  set_width(P, 2.0);
  polyline(yr, q[0][2], ny, logy);

  /* The probability on its own axis. */
  plwind(yr[0], yr[ny - 1], 0, 1);
  plcol0(C_FG);
  set_width(P, 0.8);
  plbox("", 0, 0, "cmstv", 0.2, 2);
  plmtex("r", 3.6, 0.5, 0.5, "P(> 0)");
  plcol0(C_PROB);
  set_width(P, 1.6);
  pllsty(3);
  polyline(yr, pz, ny, 0);
  pllsty(1);
  plssym(0, 0.8);
  plpoin(ny, yr, pz, 17);
  {
    double l[MAXY], h[MAXY];
    for (int y = 0; y < ny; y++)
      l[y] = pz[y] * (y1 - y0) + y0 - 0.03 * (y1 - y0), h[y] = l[y] + 0.06 * (y1 - y0);
    occ_band(&o, yr, l, h, ny);
  }
  plwind(yr[0], yr[ny - 1], y0, y1);

  legend L = {0};
  legend_add(&L, PL_LEGEND_COLOR_BOX | PL_LEGEND_LINE, C_SERIES0 + 3 * sr + 1,
             C_SERIES0 + 3 * sr + 2, 1, 2.0, l1);
  legend_add(&L, PL_LEGEND_LINE, 0, C_PROB, 3, 1.6, l2);
  legend_place(P, &L, &o);
}

/* A page of fan charts for one unit; a series that is zero in many samples
 * (power_shortfall) gets a panel of its own. */
static void fan_page(const plot_ctx *P, const int *sel, int nsel) {
  const mc_spec *s = &P->job->spec;
  const mc_model_type *M = s->model;
  int main_sel[MC_MAXSERIES], nmain = 0, shortfall = -1;
  for (int k = 0; k < nsel; k++) {
    if ((M->series[sel[k]].flags & MC_SERIES_NOLOG) && shortfall < 0)
      shortfall = sel[k];
    else
      main_sel[nmain++] = sel[k];
  }
  chart_words w;
  chart_words_for(M, sel[0], &w);
  char title[256], run[160], sub[320];
  snprintf(title, sizeof title, "%.127s: %s", s->scenario, w.title);
  run_words(P, run, sizeof run);
  snprintf(sub, sizeof sub, "%s; median line, 25-75%% and 5-95%% bands", run);
  pladv(0);
  if (nmain && shortfall >= 0) {
    panel top = {VP_LEFT, VP_RIGHT2, 0.47, VP_TOP, 0, 0};
    panel bottom = {VP_LEFT, VP_RIGHT2, VP_BOTTOM, 0.425, 1, 0};
    fan_panel(P, &top, main_sel, nmain, title, sub);
    shortfall_panel(P, &bottom, shortfall, NULL, NULL);
  } else if (nmain) {
    panel one = {VP_LEFT, VP_RIGHT, VP_BOTTOM, VP_TOP, 1, 0};
    fan_panel(P, &one, main_sel, nmain, title, sub);
  } else {
    panel one = {VP_LEFT, VP_RIGHT2, VP_BOTTOM, VP_TOP, 1, 0};
    snprintf(title, sizeof title, "%.127s: %s", s->scenario, M->series[shortfall].meaning);
    snprintf(sub, sizeof sub, "%s; bands over the samples where it is above 0", run);
    shortfall_panel(P, &one, shortfall, title, sub);
  }
}

/* Crossover-year distribution of crossover c. */
static void crossover_page(const plot_ctx *P, int c) {
  const mc_spec *s = &P->job->spec;
  const mc_stats *st = P->st;
  int ny = st->ny;
  double n = (double)P->n;
  double Y0 = s->base_year, YH = s->horizon_year;
  /* Room beyond the horizon for the "never" bar, in proportion to the grid. */
  double u = fmax(1.0, (YH - Y0) / 15.0);
  double xnever = YH + 1.6 * u, x0 = Y0 - 0.7, x1 = YH + 2.4 * u, ytop = 1.0;
  char title[256], run[160], sub[400];
  snprintf(title, sizeof title, "%.127s: when is %s ≥ %s?", s->scenario,
           s->model->series[s->cross[c].lhs].name, s->model->series[s->cross[c].rhs].name);
  run_words(P, run, sizeof run);
  snprintf(sub, sizeof sub, "crossover '%s'; %s", s->cross[c].name, run);
  pladv(0);
  panel pn = {VP_LEFT, VP_RIGHT, VP_BOTTOM, VP_TOP, 1, YH};
  panel_frame(P, &pn, x0, x1, 0, ytop, 0, "Probability");
  titles(title, sub);
  static occupancy o;
  occ_init(&o, x0, x1, 0, ytop, 0);

  double t5 = mc_stats_time_quantile(st, c, 5), t50 = mc_stats_time_quantile(st, c, 50),
         t95 = mc_stats_time_quantile(st, c, 95);
  /* Bars: P(crossover year = y); a grey bar beyond the horizon for "never". */
  double cum[MAXY], yr[MAXY], pmax = 0;
  uint64_t k = 0;
  for (int y = 0; y < ny; y++) {
    uint64_t cy = st->year_counts[(size_t)c * ny + y];
    k += cy;
    yr[y] = Y0 + y;
    cum[y] = k / n;
    double p = cy / n, w = 0.36;
    pmax = fmax(pmax, p);
    double px[4] = {yr[y] - w, yr[y] + w, yr[y] + w, yr[y] - w}, py[4] = {0, 0, p, p};
    plcol0(C_BAR);
    plfill(4, px, py);
    occ_add(&o, yr[y] - w, yr[y] + w, 0, p);
  }
  double pn_never = st->never[c] / n;
  {
    double w = 0.45 * u;
    double px[4] = {xnever - w, xnever + w, xnever + w, xnever - w};
    double py[4] = {0, 0, pn_never, pn_never};
    plcol0(C_NEVER);
    plfill(4, px, py);
    char lab[64];
    snprintf(lab, sizeof lab, "> %d", s->horizon_year);
    plcol0(C_FG);
    plschr(0, 0.8);
    plptex(xnever, pn_never + 0.015, 1, 0, 0.5, lab);
    plschr(0, 1.0);
    occ_add(&o, xnever - w, xnever + w, 0, pn_never + 0.07);
  }
  /* Cumulative probability: a line with points. */
  plcol0(C_CUM);
  set_width(P, 2.0);
  plline(ny, yr, cum);
  plssym(0, 0.9);
  if (ny <= 40)
    plpoin(ny, yr, cum, 17);
  {
    double l[MAXY], h[MAXY];
    for (int y = 0; y < ny; y++)
      l[y] = cum[y] - 0.03, h[y] = cum[y] + 0.03;
    occ_band(&o, yr, l, h, ny);
  }
  /* The 90% interval of the crossing time: a bracket near the top, open
   * (an arrow past the horizon) when the 95th percentile is censored. */
  double ybr = 0.955;
  if (isfinite(t5)) {
    double a = Y0 + t5, b = isfinite(t95) ? Y0 + t95 : YH + 0.5 * u;
    plcol0(C_INTERVAL);
    set_width(P, 1.6);
    double px[2] = {a, b}, py[2] = {ybr, ybr};
    plline(2, px, py);
    double ta[2] = {a, a}, tb[2] = {ybr - 0.025, ybr + 0.025};
    plline(2, ta, tb);
    if (isfinite(t95)) {
      double xb[2] = {b, b};
      plline(2, xb, tb);
    } else {
      double ax[3] = {b - 0.25 * u, b, b - 0.25 * u}, ay[3] = {ybr + 0.02, ybr, ybr - 0.02};
      plline(3, ax, ay);
    }
    occ_add(&o, a, b, ybr - 0.03, ybr + 0.03);
  }
  /* The median crossing time: a dashed line across. */
  if (isfinite(t50)) {
    double px[2] = {Y0 + t50, Y0 + t50}, py[2] = {0, ytop};
    plcol0(C_MEDIAN);
    set_width(P, 1.3);
    pllsty(2);
    plline(2, px, py);
    pllsty(1);
    plssym(0, 1.3);
    double mx[1] = {Y0 + t50}, my[1] = {ybr};
    plpoin(1, mx, my, 17);
    occ_add(&o, Y0 + t50 - 0.1, Y0 + t50 + 0.1, 0, ytop);
  }

  legend L = {0};
  char b1[96], b2[96], b3[96], tb[2][32];
  legend_add(&L, PL_LEGEND_COLOR_BOX, C_BAR, 0, 1, 0, "P(crossover year = y)");
  legend_add(&L, PL_LEGEND_LINE, 0, C_CUM, 1, 2.0, "P(crossover year ≤ y)");
  if (isfinite(t50))
    snprintf(b1, sizeof b1, "median crossing time: %.2f", Y0 + t50);
  else
    snprintf(b1, sizeof b1, "median crossing time: after %d", s->horizon_year);
  legend_add(&L, isfinite(t50) ? PL_LEGEND_LINE : PL_LEGEND_NONE, 0, C_MEDIAN, 2, 1.3, b1);
  double tq[2] = {t5, t95};
  for (int i = 0; i < 2; i++) {
    if (isfinite(tq[i]))
      snprintf(tb[i], sizeof tb[i], "%.2f", Y0 + tq[i]);
    else
      snprintf(tb[i], sizeof tb[i], "after %d", s->horizon_year);
  }
  snprintf(b2, sizeof b2, "90%% interval: %s to %s", tb[0], tb[1]);
  legend_add(&L, isfinite(t5) ? PL_LEGEND_LINE : PL_LEGEND_NONE, 0, C_INTERVAL, 1, 1.6, b2);
  snprintf(b3, sizeof b3, "no crossover by %d: %.1f%%", s->horizon_year, 100 * pn_never);
  legend_add(&L, PL_LEGEND_COLOR_BOX, C_NEVER, 0, 1, 0, b3);
  legend_place(P, &L, &o);
}

/* ---- the command ------------------------------------------------------------ */

typedef struct chart {
  int kind; /* 0 fan chart page, 1 crossover page */
  int sel[MC_MAXSERIES], nsel, cross;
  char final[1100], tmp[1100];
} chart;

/* Draws charts[0..nch-1] into their temporary files (one file for PDF). */
static int draw_all(const plot_ctx *P, chart *ch, int nch, mc_err *e) {
  const plot_format *F = P->fmt;
  for (int i = 0; i < nch; i++) {
    if (!F->multipage || i == 0) {
      plsdev(F->device);
      plsfnam(ch[i].tmp);
      plspage(0, 0, F->w, F->h, 0, 0);
      set_colors(P->job->spec.model);
      plinit();
      plfontld(1);
    }
    if (ch[i].kind == 0)
      fan_page(P, ch[i].sel, ch[i].nsel);
    else
      crossover_page(P, ch[i].cross);
    if (!F->multipage || i == nch - 1)
      plend1();
    if (pl_warning[0]) {
      if (F->multipage && i < nch - 1)
        plend1();
      return mc_err_set(e, MC_EFAIL, "PLplot: %s", pl_warning);
    }
  }
  return MC_OK;
}

/* Lower-case letters, digits, '_' and ',': how series names are written. */
static int looks_like_names(const char *a) {
  if (!*a)
    return 0;
  for (; *a; a++)
    if (!((*a >= 'a' && *a <= 'z') || (*a >= '0' && *a <= '9') || *a == '_' || *a == ','))
      return 0;
  return 1;
}

static void list_series(const mc_spec *s, char *buf, size_t len) {
  size_t at = 0;
  buf[0] = '\0';
  for (int i = 0; i < s->model->nseries && at < len; i++)
    if (mc_spec_has_series(s, i))
      at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? ", " : "", s->model->series[i].name);
}

int mc_cmd_plot(int argc, char **argv) {
  const char *input = NULL, *output = NULL;
  char names[64][MC_NAMELEN];
  int nnames = 0, series_opt = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(plot_usage, stdout);
      return 0;
    } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
      if (i + 1 >= argc) {
        fprintf(stderr, "crossover plot: %s needs a file name\n%s", a, plot_usage);
        return MC_EINPUT;
      }
      output = argv[++i];
    } else if (!strncmp(a, "--output=", 9)) {
      output = a + 9;
    } else if (!strcmp(a, "--series") || !strncmp(a, "--series=", 9)) {
      const char *list[64];
      int nl = 0;
      series_opt = 1;
      if (a[8] == '=')
        list[nl++] = a + 9;
      while (i + 1 < argc && looks_like_names(argv[i + 1]) && nl < 64)
        list[nl++] = argv[++i];
      for (int j = 0; j < nl; j++) {
        char tmp[512];
        snprintf(tmp, sizeof tmp, "%s", list[j]);
        for (char *tok = strtok(tmp, ","); tok; tok = strtok(NULL, ",")) {
          if (nnames >= 64) {
            fprintf(stderr, "crossover plot: too many --series names\n");
            return MC_EINPUT;
          }
          snprintf(names[nnames++], MC_NAMELEN, "%s", tok);
        }
      }
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "crossover plot: unknown option '%s'\n%s", a, plot_usage);
      return MC_EINPUT;
    } else if (!input)
      input = a;
    else {
      fprintf(stderr, "crossover plot: one results file expected, got '%s' and '%s'\n%s", input, a,
              plot_usage);
      return MC_EINPUT;
    }
  }
  if (!input) {
    fprintf(stderr, "crossover plot: one results file expected\n%s", plot_usage);
    return MC_EINPUT;
  }
  if (series_opt && nnames == 0) {
    fprintf(stderr, "crossover plot: --series needs at least one name (crossover report lists "
                    "a file's series)\n");
    return MC_EINPUT;
  }

  /* The output name, its format and the stem the per-chart names extend. */
  char stem[1024], dflt[1100];
  const plot_format *F = NULL;
  if (!output) {
    size_t L = strlen(input);
    int h5 = L > 3 && !strcasecmp(input + L - 3, ".h5");
    snprintf(dflt, sizeof dflt, "%.*s.png", (int)(h5 ? L - 3 : L), input);
    output = dflt;
  }
  {
    const char *dot = strrchr(output, '.'), *slash = strrchr(output, '/');
    if (dot && (!slash || dot > slash + 1) && dot != output)
      for (int f = 0; f < NFORMATS; f++)
        if (!strcasecmp(dot, formats[f].ext))
          F = &formats[f];
    if (!F) {
      fprintf(stderr,
              "crossover plot: %s: unknown output format; the name must end in .png, .pdf or "
              ".svg\n",
              output);
      return MC_EINPUT;
    }
    if (dot - output >= (long)sizeof stem - 64) {
      fprintf(stderr, "crossover plot: %s: output name too long\n", output);
      return MC_EINPUT;
    }
    snprintf(stem, sizeof stem, "%.*s", (int)(dot - output), output);
  }

  mc_err err = {0};
  mc_job job;
  mc_stats *st = NULL;
  int rc = mc_h5_read(input, &job, &st, NULL, &err);
  if (rc != MC_OK) {
    fprintf(stderr, "crossover plot: %s\n", err.msg);
    return rc;
  }
  const mc_spec *s = &job.spec;
  static chart ch[MAXCHARTS];
  int nch = 0, sel[MC_MAXSERIES], nsel = 0;
  plot_ctx P = {input, &job, st, mc_stats_done_samples(st), F};
  ntmp = 0;
  pl_warning[0] = '\0';

  if (P.n == 0) {
    rc = mc_err_set(&err, MC_EINPUT, "%s holds no samples yet", input);
    goto cleanup;
  }
  if (st->ny > MAXY) {
    rc = mc_err_set(&err, MC_EINPUT, "%s: %d grid years; plot draws at most %d", input, st->ny,
                    MAXY);
    goto cleanup;
  }
  const mc_model_type *M = s->model;
  if (nnames == 0) {
    /* the model's default charts, in order */
    for (int c = 0; c < M->ncharts; c++)
      for (int id = 0; id < M->nseries && !M->charts[c].on_request; id++)
        if (chart_has(&M->charts[c], M->series[id].name) && mc_spec_has_series(s, id))
          sel[nsel++] = id;
  } else
    for (int j = 0; j < nnames; j++) {
      int id = mc_series_find(M, names[j]), dup = 0;
      if (id < 0 || !mc_spec_has_series(s, id)) {
        char here[1024];
        list_series(s, here, sizeof here);
        if (id < 0)
          rc = mc_err_set(&err, MC_EINPUT, "unknown series '%s' (model %s); series in %s: %s",
                          names[j], M->name, input, here);
        else
          rc = mc_err_set(&err, MC_EINPUT,
                          "%s has no series '%s': it needs %s; series in this "
                          "file: %s",
                          input, names[j], M->series[id].needs, here);
        goto cleanup;
      }
      for (int k = 0; k < nsel; k++)
        dup |= sel[k] == id;
      if (!dup)
        sel[nsel++] = id;
    }
  /* A fan chart page per unit, in the order the units first appear. */
  int used[MC_MAXSERIES] = {0};
  for (int k = 0; k < nsel; k++) {
    if (used[k])
      continue;
    chart *c = &ch[nch++];
    memset(c, 0, sizeof *c);
    chart_words w;
    chart_words_for(M, sel[k], &w);
    for (int m = k; m < nsel; m++) {
      chart_words wm;
      chart_words_for(M, sel[m], &wm);
      if (!used[m] && !strcmp(M->series[sel[m]].unit, M->series[sel[k]].unit) &&
          !strcmp(wm.suffix, w.suffix)) {
        c->sel[c->nsel++] = sel[m];
        used[m] = 1;
      }
    }
    snprintf(c->final, sizeof c->final, "%s-%s%s", stem, w.suffix, F->ext);
  }
  for (int c = 0; c < s->ncross; c++) {
    chart *x = &ch[nch++];
    memset(x, 0, sizeof *x);
    x->kind = 1;
    x->cross = c;
    snprintf(x->final, sizeof x->final, "%s-crossover-%s%s", stem, s->cross[c].name, F->ext);
  }
  if (F->multipage)
    snprintf(ch[0].final, sizeof ch[0].final, "%s", output);
  int nfiles = F->multipage ? 1 : nch;

  if (!device_available(F->device)) {
    rc = mc_err_set(&err, MC_EFAIL,
                    "PLplot has no '%s' driver here; install its cairo drivers (Debian: "
                    "plplot-driver-cairo)",
                    F->device);
    goto cleanup;
  }
  for (int i = 0; i < nfiles; i++) {
    rc = make_temp(ch[i].final, ch[i].tmp, sizeof ch[i].tmp, &err);
    if (rc != MC_OK)
      goto cleanup;
  }
  plsexit(on_plexit);
  plsabort(on_plabort);
  rc = draw_all(&P, ch, nch, &err);
  if (rc != MC_OK)
    goto cleanup;
  for (int i = 0; i < nfiles; i++) {
    struct stat sb;
    if (stat(ch[i].tmp, &sb) != 0 || sb.st_size == 0) {
      rc = mc_err_set(&err, MC_EFAIL, "%s: PLplot wrote nothing", ch[i].final);
      goto cleanup;
    }
  }
  for (int i = 0; i < nfiles; i++) {
    if (rename(ch[i].tmp, ch[i].final) != 0) {
      rc = mc_err_set(&err, MC_EFAIL, "%s: cannot rename the finished chart into place: %s",
                      ch[i].final, strerror(errno));
      for (int j = 0; j < i; j++)
        unlink(ch[j].final);
      goto cleanup;
    }
    forget_temp(ch[i].tmp);
  }
  for (int i = 0; i < nfiles; i++)
    printf("%s\n", ch[i].final);

cleanup:
  if (rc != MC_OK) {
    remove_temps();
    fprintf(stderr, "crossover plot: %s\n", err.msg);
  }
  ntmp = 0;
  mc_stats_free(st);
  mc_job_free(&job);
  return rc;
}
