/* The drawing kit that `crossover plot` and `crossover check --plot` share
 * (mc/plot_*.c): output files, colours, text, axes, bands, legends. Internal
 * to mc/; plot.h is the interface.
 *
 * Every chart is a page drawn by a plot_page's draw function into a
 * temporary file beside its final name, through a stdio stream whose writes
 * are checked; plot_write renames the files into place only when every page
 * is drawn and every byte is on disk, so that a failure (a full disk
 * included) leaves nothing behind. */
#ifndef MC_PLOT_INT_H
#define MC_PLOT_INT_H

#include <plplot.h>
#include <stdint.h>

#include "mc_engine.h"
#include "mc_job.h"

#define PLOT_MAXFILES 10 /* results files a comparison overlays */
#define PLOT_MAXPAGES (2 * MC_MAXSERIES + 2 * MC_MAXCROSS + MC_MAXSENS + 4)
#define PLOT_MAXY     MC_MAXYEARS

/* ---- output formats and files ------------------------------------------------ */

typedef struct plot_format {
  const char *ext, *device;
  int multipage;     /* 1: every chart a page of one file */
  int w, h;          /* page size in device units (pixels for PNG, points otherwise) */
  double line_scale; /* device units per nominal line-width unit */
} plot_format;

/* The format an output name asks for (by its extension, any case), or NULL. */
const plot_format *plot_format_for(const char *name);

/* What the pages draw: one results file, or several to compare (file 0
 * first), or a job alone (st[0] NULL: `check --plot`). */
typedef struct plot_ctx {
  const plot_format *fmt;
  int nfiles;
  const mc_job *job[PLOT_MAXFILES];
  const mc_stats *st[PLOT_MAXFILES];
  uint64_t n[PLOT_MAXFILES];      /* samples in st (mc_stats_done_samples) */
  char label[PLOT_MAXFILES][160]; /* the scenario names, made distinct */
} plot_ctx;

typedef struct plot_page plot_page;
struct plot_page {
  char suffix[128]; /* the file's name is STEM-SUFFIX.EXT */
  void (*draw)(const plot_ctx *P, const plot_page *pg);
  int sel[MC_MAXPARAM], nsel; /* series (or parameters) the page draws */
  int index;                  /* crossover, target or chart index */
  double height;              /* page height / the format's; 0: 1 */
};

/* Draws pages[0..n-1] and publishes them under out: for PDF every page in
 * the one file out; otherwise a file per page, STEM-SUFFIX.EXT where out is
 * STEM.EXT, or out itself when single (then n must be 1). Prints each path
 * written on stdout. Files of the same names are replaced; on failure none
 * is, and no temporary file is left. MC_EINPUT for an output name plot
 * cannot use, MC_EFAIL for any other failure. */
int plot_write(const plot_ctx *P, const char *out, const plot_page *pages, int n, int single,
               mc_err *e);

/* ---- colours (cmap0) ----------------------------------------------------------- */

enum {
  C_BG = 0,
  C_FG,
  C_GRID,
  C_LEGEND_BG,
  C_LEGEND_EDGE,
  C_BAR,
  C_CUM,
  C_MEDIAN,
  C_NEVER,
  C_KEY_OUTER,
  C_KEY_INNER,
  C_MUTED,
  C_HALO,
  C_SLOT0, /* four per slot: outer band, inner band, line, band edge */
  C_NSLOTS = 16,
  C_NCOLORS = C_SLOT0 + 4 * C_NSLOTS
};
#define C_SLOT_OUTER(k) (C_SLOT0 + 4 * (k))
#define C_SLOT_INNER(k) (C_SLOT0 + 4 * (k) + 1)
#define C_SLOT_LINE(k)  (C_SLOT0 + 4 * (k) + 2)
#define C_SLOT_EDGE(k)  (C_SLOT0 + 4 * (k) + 3)

/* Sets the fixed colours; called after plinit's device choice. */
void plot_set_colors(void);
/* Gives slot k the colour rgb in its four shades. */
void plot_set_slot(int k, const int rgb[3]);
/* Colour i of the categorical palette (Okabe & Ito 2008, then two more),
 * distinguishable with the common colour-vision deficiencies. */
void plot_palette(int i, int rgb[3]);
/* The colour of series sel[k] on a chart of the series sel[0..n-1]:
 * training blue, inference vermillion, totals grey, by the first word of the
 * name; the others the rest of the palette in the chart's order. */
void plot_series_rgb(const mc_model_type *M, const int *sel, int n, int k, int rgb[3]);

/* ---- text ------------------------------------------------------------------------ */

/* A person's label of series s: its name as words with a capital first
 * letter, and its unit unless a pure number: "Training hardware (FLOP/s)". */
void plot_series_label(const mc_model_type *M, int s, char *buf, size_t len);
/* A series name as words: "inference_hardware" -> "inference hardware". */
void plot_name_words(const char *name, char *buf, size_t len);
/* v in three significant digits, exponent without '+' or leading zeros:
 * "3.5e11", "0.05", "120". */
void plot_compact(double v, char *buf, size_t len);
/* "1234567" -> "1,234,567". */
void plot_thousands(uint64_t v, char *buf, size_t len);
/* "200,000 samples, sobol sampling, seed 7" for file f, saying when the run
 * is incomplete or stopped by sampling.stop_when. */
void plot_run_words(const plot_ctx *P, int f, char *buf, size_t len);
/* Estimated length in mm of text at the current character size. */
double plot_text_mm(const char *text);
/* Character scale at which text fits in mm: at most want, at least 0.5. */
double plot_fit_scale(const char *text, double want, double mm);
/* The title and subtitle above the current viewport, each shrunk to fit the
 * page's width. */
void plot_titles(const char *title, const char *sub);
/* Line width w (nominal units) on the current device. */
void plot_width(const plot_ctx *P, double w);

/* ---- panels, axes and data --------------------------------------------------------- */

typedef struct plot_panel {
  double vx0, vx1, vy0, vy1; /* viewport, normalized subpage */
  int xlabels;               /* labels and "Year" under the x axis */
  double xlabel_max;         /* > 0: year labels only up to this year */
  double x0, x1, y0, y1;     /* world window (log10 on a log axis) */
  int logy;
  double ystep;       /* linear axis: the labelled step; log axis: decades between labels */
  int yexp;           /* linear axis: labels are values / 10^yexp */
  int noylabels;      /* 1: no y labels (a panel beside one that has them) */
  int xskip_first;    /* 1: no year label at the left edge (a panel right of another) */
  int xevery;         /* 1: years labelled as densely as the labels fit (a bar per year),
                       * not at most about seven */
  int noyticks;       /* 1: no ticks on the y axis either (a density's) */
  int xvalues;        /* 0: x is years; 1: values, linear; 2: values, log10 */
  int xexp;           /* xvalues 1: labels are values / 10^xexp */
  const char *xtitle; /* xvalues: the x axis label; NULL: none, labels compact */
  double chr;         /* character scale of its labels; 0: 1 */
} plot_panel;

/* A panel over the viewport [vx0, vx1] x [vy0, vy1], with or without the
 * labels under its x axis; the rest zero. */
static inline plot_panel plot_panel_at(double vx0, double vx1, double vy0, double vy1,
                                       int xlabels) {
  plot_panel p = {0};
  p.vx0 = vx0, p.vx1 = vx1, p.vy0 = vy0, p.vy1 = vy1, p.xlabels = xlabels;
  return p;
}

/* Chooses a value x axis over [lo, hi] (xvalues 1 or 2 already set; for 2
 * lo and hi are log10 of the values). */
void plot_xaxis(plot_panel *pn, double lo, double hi);

/* Chooses the y axis of a panel over [lo, hi] (data values): log when the
 * positive values span more than two decades (floor at most 3 decades below
 * the lowest positive median mpos), else linear from min(lo, 0). */
void plot_yaxis(plot_panel *pn, double lo, double hi, double minpos, double mpos);
/* Sets the panel's viewport and window, moving its left edge right where
 * the y labels need the room. */
void plot_fit(plot_panel *pn);
/* plot_fit, then draws grid, frame, ticks, the year
 * labels and the y labels with ylabel clear of them. */
void plot_frame(const plot_ctx *P, plot_panel *pn, const char *ylabel);
/* Years between labelled ticks over span years drawn mm wide: labels apart,
 * at most about seven. */
double plot_xtick(double span, double mm);
/* The least of 1, 2, 5, 10, ... years between labels that fit mm; no cap on their number. */
double plot_xtick_dense(double span, double mm);

/* y as drawn on the panel's axis; 0 on a log axis a decade below the frame. */
double plot_ymap(const plot_panel *pn, double v);
/* Fills between lo and hi over the years, run by run of finite values;
 * between grid years an edge is log-linear, or linear where it is 0 (it then
 * leaves the bottom of a log axis). */
void plot_band(const plot_panel *pn, const double *yr, const double *lo, const double *hi, int ny);
/* Draws v over the years where finite, interpolated as plot_band's edges. */
void plot_line(const plot_panel *pn, const double *yr, const double *v, int ny);

/* ---- what a panel shows, and legends --------------------------------------------- */

#define OCC_COLS 120
#define OCC_MAX  24
typedef struct plot_occ {
  double x0, x1, y0, y1; /* world window */
  int n[OCC_COLS];
  float lo[OCC_COLS][OCC_MAX], hi[OCC_COLS][OCC_MAX];
} plot_occ;

void plot_occ_init(plot_occ *o, const plot_panel *pn);
/* Marks world x in [xa, xb], y in [ya, yb] (as drawn) occupied. */
void plot_occ_box(plot_occ *o, double xa, double xb, double ya, double yb);
/* Marks the band between lo(x) and hi(x) (data values) occupied. */
void plot_occ_band(plot_occ *o, const plot_panel *pn, const double *x, const double *lo,
                   const double *hi, int m);

/* Occupied area inside the box [bx0, bx1] x [by0, by1] (normalized panel
 * coordinates). */
double plot_occ_cost(const plot_occ *o, double bx0, double bx1, double by0, double by1);

#define LEG_MAX 24
typedef struct plot_legend {
  int n;
  int opt[LEG_MAX]; /* PL_LEGEND_COLOR_BOX, PL_LEGEND_LINE, PL_LEGEND_NONE */
  int box_color[LEG_MAX], line_color[LEG_MAX], line_style[LEG_MAX];
  double line_width[LEG_MAX];
  char text[LEG_MAX][200];
} plot_legend;

void plot_legend_add(plot_legend *L, int opt, int box_color, int line_color, int line_style,
                     double line_width, const char *text);
/* The legend's width and height in normalized coordinates of the current
 * viewport. */
void plot_legend_size(const plot_legend *L, double *w, double *h);
/* Where the legend goes: inside the panel, at the place that hides nothing
 * of o (returns 1, *x, *y its top-left corner in normalized viewport
 * coordinates), or nowhere inside (returns 0). */
int plot_legend_spot(const plot_legend *L, const plot_occ *o, double *x, double *y);
/* Draws the legend: inside at (x, y), or outside the panel's right edge
 * when inside is 0. */
void plot_legend_draw(const plot_ctx *P, plot_legend *L, int inside, double x, double y);
/* The legend's entries side by side, in as many rows as the width [x0, x1]
 * needs, from ytop down (normalized subpage coordinates): drawn when draw is
 * 1, only measured when 0; returns the height they take. */
double plot_legend_row(const plot_ctx *P, const plot_legend *L, double x0, double x1, double ytop,
                       int draw);
/* The viewport's right edge that leaves room for L outside it, right of a
 * panel spanning [vx0, vx1]. */
double plot_legend_room(const plot_legend *L, double vx0, double vx1);

/* Viewport edges of a full-page panel, normalized subpage coordinates. */
#define VP_LEFT   0.105
#define VP_RIGHT  0.96
#define VP_RIGHT2 0.9 /* with a right-hand axis */
#define VP_BOTTOM 0.115
#define VP_TOP    0.83

/* ---- the pages ----------------------------------------------------------------------- */

void plot_fan_page(const plot_ctx *P, const plot_page *pg);
void plot_crossover_page(const plot_ctx *P, const plot_page *pg);
void plot_constraints_page(const plot_ctx *P, const plot_page *pg);
void plot_sensitivity_page(const plot_ctx *P, const plot_page *pg);
void plot_compare_cross_page(const plot_ctx *P, const plot_page *pg);
void plot_compare_series_page(const plot_ctx *P, const plot_page *pg);

/* 1 when the job's default chart c draws series s (its list holds the name). */
int plot_chart_has(const mc_chart_info *c, const char *name);
/* Words of a fan chart whose first series is s0: the model's chart that
 * holds it, else the first chart of the same unit, else the series' own
 * label and unit. */
typedef struct plot_chart_words {
  char suffix[MC_NAMELEN], title[160], ylabel[200];
} plot_chart_words;
void plot_chart_words_for(const mc_model_type *M, int s0, plot_chart_words *w);

/* The colour of binding constraint k on the constraints chart. */
void plot_category_rgb(int k, int rgb[3]);
/* Total of the binding-constraint counts of st (0: the file has none). */
uint64_t plot_constraint_total(const mc_stats *st);

#endif
