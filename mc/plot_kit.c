/* The drawing kit of the charts (plot_int.h): colours, text, axes, bands,
 * what a panel shows, and legends. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_int.h"

/* ---- colours ------------------------------------------------------------------------ */

void plot_palette(int i, int rgb[3]) {
  static const int pal[10][3] = {{0, 114, 178},   {213, 94, 0},   {0, 158, 115}, {204, 121, 167},
                                 {230, 159, 0},   {86, 180, 233}, {0, 0, 0},     {240, 228, 66},
                                 {130, 130, 130}, {140, 80, 20}};
  memcpy(rgb, pal[((i % 10) + 10) % 10], 3 * sizeof *rgb);
}

void plot_series_rgb(const mc_model_type *M, const int *sel, int n, int k, int rgb[3]) {
  static const int grey[3] = {90, 90, 90};
  const char *name = M->series[sel[k]].name;
  if (!strncmp(name, "training", 8))
    plot_palette(0, rgb);
  else if (!strncmp(name, "inference", 9))
    plot_palette(1, rgb);
  else if (!strncmp(name, "total", 5))
    memcpy(rgb, grey, sizeof grey);
  else {
    int j = 0;
    for (int i = 0; i < k && i < n; i++) {
      const char *o = M->series[sel[i]].name;
      j += strncmp(o, "training", 8) && strncmp(o, "inference", 9) && strncmp(o, "total", 5);
    }
    static const int others[4] = {2, 4, 5, 3}; /* green, orange, sky blue, purple: */
    plot_palette(others[j % 4], rgb);          /* neighbours that mix to no grey */
  }
}

void plot_set_slot(int k, const int c[3]) {
  plscol0a(C_SLOT_OUTER(k), c[0], c[1], c[2], 0.13);
  plscol0a(C_SLOT_INNER(k), c[0], c[1], c[2], 0.24);
  plscol0a(C_SLOT_LINE(k), c[0], c[1], c[2], 1.0);
  plscol0a(C_SLOT_EDGE(k), c[0], c[1], c[2], 0.6);
}

void plot_set_colors(void) {
  plscmap0n(C_NCOLORS);
  plscol0a(C_BG, 255, 255, 255, 1.0);
  plscol0a(C_FG, 0, 0, 0, 1.0);
  plscol0a(C_GRID, 222, 222, 222, 1.0);
  plscol0a(C_LEGEND_BG, 255, 255, 255, 0.92);
  plscol0a(C_LEGEND_EDGE, 175, 175, 175, 1.0);
  plscol0a(C_BAR, 86, 160, 220, 0.9);
  plscol0a(C_CUM, 0, 50, 120, 1.0);
  plscol0a(C_MEDIAN, 0, 0, 0, 1.0);
  plscol0a(C_NEVER, 150, 150, 150, 0.9);
  plscol0a(C_KEY_OUTER, 90, 90, 90, 0.13);
  plscol0a(C_KEY_INNER, 90, 90, 90, 0.24);
  plscol0a(C_MUTED, 100, 100, 100, 1.0);
  plscol0a(C_HALO, 255, 255, 255, 0.85);
  for (int k = 0; k < C_NSLOTS; k++) {
    int c[3];
    plot_palette(k, c);
    plot_set_slot(k, c);
  }
}

/* ---- text --------------------------------------------------------------------------- */

void plot_name_words(const char *name, char *buf, size_t len) {
  snprintf(buf, len, "%s", name);
  for (char *p = buf; *p; p++)
    if (*p == '_')
      *p = ' ';
}

void plot_series_label(const mc_model_type *M, int s, char *buf, size_t len) {
  const char *unit = M->series[s].unit;
  char w[MC_NAMELEN];
  plot_name_words(M->series[s].name, w, sizeof w);
  if (w[0] >= 'a' && w[0] <= 'z')
    w[0] = (char)(w[0] - 'a' + 'A');
  if (!strcmp(unit, "1"))
    snprintf(buf, len, "%s", w);
  else
    snprintf(buf, len, "%s (%s)", w, unit);
}

void plot_thousands(uint64_t v, char *buf, size_t len) {
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

void plot_run_words(const plot_ctx *P, int f, char *buf, size_t len) {
  const mc_spec *s = &P->job[f]->spec;
  char nb[40], pb[40];
  plot_thousands(P->n[f], nb, sizeof nb);
  plot_thousands(s->samples, pb, sizeof pb);
  const char *method = mc_method_names[s->method];
  unsigned long long seed = (unsigned long long)s->seed;
  if (P->n[f] == s->samples)
    snprintf(buf, len, "%s samples, %s sampling, seed %llu", nb, method, seed);
  else if (P->st[f] && mc_stats_complete(P->st[f]))
    snprintf(buf, len, "%s samples (stopped by stop_when), %s sampling, seed %llu", nb, method,
             seed);
  else
    snprintf(buf, len, "%s of %s samples (incomplete run), %s sampling, seed %llu", nb, pb, method,
             seed);
}

/* Advance width of a character of DejaVu Sans (the cairo drivers' font), in
 * em (Bitstream Vera metrics); other characters of the text as average. */
static double glyph_em(unsigned char c) {
  if (c >= '0' && c <= '9')
    return 0.636;
  if (c >= 'A' && c <= 'Z')
    return strchr("FJLT", c) ? 0.59 : strchr("MW", c) ? 0.92 : 0.72;
  switch (c) {
  case ' ':
  case '.':
  case ',':
  case '\'':
    return 0.318;
  case 'i':
  case 'j':
  case 'l':
    return 0.278;
  case 'f':
  case 't':
  case 'r':
  case '(':
  case ')':
  case '/':
  case ':':
  case ';':
  case '-':
  case '[':
  case ']':
    return 0.38;
  case 'm':
    return 0.974;
  case 'w':
    return 0.818;
  case '%':
    return 0.95;
  case '=':
  case '>':
  case '<':
  case '+':
    return 0.838;
  default:
    return c >= 0x80 ? 0.838 : 0.61;
  }
}

/* PLplot does not export its own measure (plstrl); calibrated on the PNG
 * driver, where an em is 1.31 character heights. "#u" and "#d"
 * (superscript, subscript) take no room; superscript glyphs 0.8. */
double plot_text_mm(const char *text) {
  double def, ht;
  plgchr(&def, &ht);
  double em = 0, scale = 1;
  for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
    if (c[0] == '#' && (c[1] == 'u' || c[1] == 'd')) {
      scale = c[1] == 'u' ? 0.8 : 1;
      c++;
      continue;
    }
    if ((*c & 0xC0) != 0x80)
      em += glyph_em(*c) * scale;
  }
  return 1.31 * ht * em;
}

void plot_width(const plot_ctx *P, double w) { plwidth(w * P->fmt->line_scale); }

double plot_fit_scale(const char *text, double want, double mm) {
  plschr(0, 1.0);
  double w = plot_text_mm(text);
  double s = w > 0 ? fmin(want, 0.96 * mm / w) : want;
  return fmax(s, 0.5);
}

void plot_titles(const char *title, const char *sub) {
  double xmin, xmax, ymin, ymax, vx0, vx1, vy0, vy1;
  plgspa(&xmin, &xmax, &ymin, &ymax);
  plgvpd(&vx0, &vx1, &vy0, &vy1);
  /* flush with the frame, or nearer the page's edge when the frame starts far in */
  double left = fmin(vx0, 0.12), at = (left - vx0) / (vx1 - vx0);
  plcol0(C_FG);
  double room = (0.99 - left) * (xmax - xmin);
  plschr(0, plot_fit_scale(title, 1.25, room));
  plmtex("t", 3.15, at, 0.0, title);
  if (sub && sub[0]) {
    plschr(0, plot_fit_scale(sub, 0.9, room));
    plmtex("t", 1.75, at, 0.0, sub);
  }
  plschr(0, 1.0);
}

/* ---- axes ------------------------------------------------------------------------------ */

/* Years between x labels: the least of 1, 2, 5, 10, ... whose labels of four
 * digits stand at least 3.8 character heights apart, and when capped at most
 * about seven of them. */
static double xtick(double span, double mm, int capped) {
  static const int steps[] = {1, 2, 5, 10, 25, 50, 100, 250, 500};
  double def, ht;
  plgchr(&def, &ht);
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
    if ((!capped || span <= 7 * steps[i]) && steps[i] * mm / span >= 4.6 * ht)
      return steps[i];
  return 1000;
}

double plot_xtick(double span, double mm) { return xtick(span, mm, 1); }

double plot_xtick_dense(double span, double mm) { return xtick(span, mm, 0); }

/* The least of 1, 2, 2.5, 5 times a power of ten at or above x. */
static double nice_step(double x) {
  double p = pow(10, floor(log10(x)));
  static const double m[] = {1, 2, 2.5, 5, 10};
  for (int i = 0; i < 5; i++)
    if (m[i] * p >= x * (1 - 1e-9))
      return m[i] * p;
  return 10 * p;
}

void plot_yaxis(plot_panel *pn, double lo, double hi, double minpos, double mpos) {
  if (!(lo <= hi))
    lo = 0, hi = 1;
  pn->logy = isfinite(minpos) && hi > 0 && hi / minpos > 100;
  pn->yexp = 0;
  if (pn->logy) {
    /* from the lowest value, or 3 decades below the lowest median, to the
     * highest, with a margin; at least a decade */
    double floorv = isfinite(mpos) ? fmax(minpos, mpos / 1e3) : minpos;
    double a = log10(floorv), b = log10(hi), m = 0.04 * fmax(b - a, 1.0);
    pn->y0 = a - m;
    pn->y1 = b + m;
    if (pn->y1 - pn->y0 < 1)
      pn->y0 = 0.5 * (a + b) - 0.5, pn->y1 = pn->y0 + 1;
    return;
  }
  double base = fmin(lo, 0), span = hi - base;
  if (!(span > 0))
    span = fabs(hi) > 0 ? fabs(hi) : 1;
  pn->y0 = base;
  pn->y1 = hi + 0.05 * span;
  if (pn->y1 <= pn->y0)
    pn->y1 = pn->y0 + 1;
  double big = fmax(fabs(pn->y0), fabs(pn->y1));
  if (big >= 1e5 || big < 1e-3)
    pn->yexp = 3 * (int)floor(log10(big) / 3);
}

/* Formats v / 10^exp with the decimals that step needs. */
static void tick_label(double v, double step, int exp, char *buf, size_t len) {
  double sc = pow(10, -exp), x = v * sc, st = step * sc;
  int d = 0;
  while (d < 6 && fabs(st * pow(10, d) - round(st * pow(10, d))) > 1e-6 * st * pow(10, d))
    d++;
  if (fabs(x) < 0.5 * st * 1e-6)
    x = 0;
  snprintf(buf, len, "%.*f", d, x);
}

/* The y labels of the panel: the widest one's length in mm, and draws them
 * when draw. */
static double y_labels(plot_panel *pn, int draw) {
  double xmin, xmax, ymin, ymax, def, ht, widest = 0;
  plgspa(&xmin, &xmax, &ymin, &ymax);
  plgchr(&def, &ht);
  double mm = (pn->vy1 - pn->vy0) * (ymax - ymin);
  char lab[48];
  if (pn->logy) {
    int step = (int)ceil((pn->y1 - pn->y0) * 2.2 * ht / mm - 1e-9);
    pn->ystep = step < 1 ? 1 : step;
    /* 2 and 5 times a power of ten too where a decade has room for them */
    int mids = (pn->y1 - pn->y0) * 3 * 2.2 * ht < mm;
    static const double mult[3] = {1, 2, 5};
    for (int d = (int)floor(pn->y0); d <= (int)ceil(pn->y1); d++)
      for (int m = 0; m < (mids ? 3 : 1); m++) {
        double v = d + log10(mult[m]);
        if (d % (int)pn->ystep || v < pn->y0 - 1e-9 || v > pn->y1 + 1e-9)
          continue;
        if (m)
          snprintf(lab, sizeof lab, "%.0f×10#u%d#d", mult[m], d);
        else
          snprintf(lab, sizeof lab, "10#u%d#d", d);
        widest = fmax(widest, plot_text_mm(lab));
        if (draw)
          plmtex("lv", 0.6, (v - pn->y0) / (pn->y1 - pn->y0), 1.0, lab);
      }
    return widest;
  }
  /* labels at least 2.4 character heights apart */
  pn->ystep = nice_step((pn->y1 - pn->y0) * 2.4 * ht / mm);
  for (double v = ceil(pn->y0 / pn->ystep - 1e-9) * pn->ystep; v <= pn->y1 + 1e-9 * pn->ystep;
       v += pn->ystep) {
    tick_label(v, pn->ystep, pn->yexp, lab, sizeof lab);
    widest = fmax(widest, plot_text_mm(lab));
    if (draw)
      plmtex("lv", 0.6, (v - pn->y0) / (pn->y1 - pn->y0), 1.0, lab);
  }
  return widest;
}

/* Distance of the y label from the frame, in character heights: clear of
 * the widest tick label. */
static double pchr(const plot_panel *pn) { return pn->chr > 0 ? pn->chr : 1.0; }

static double ylabel_disp(plot_panel *pn) {
  double def, ht;
  plschr(0, pchr(pn));
  plgchr(&def, &ht);
  return y_labels(pn, 0) / ht + 0.6 + 1.5;
}

void plot_fit(plot_panel *pn) {
  double xmin, xmax, ymin, ymax, def, ht;
  plschr(0, pchr(pn));
  plgspa(&xmin, &xmax, &ymin, &ymax);
  plgchr(&def, &ht);
  plvpor(pn->vx0, pn->vx1, pn->vy0, pn->vy1);
  plwind(pn->x0, pn->x1, pn->y0, pn->y1);
  if (pn->noylabels)
    return;
  double need = (ylabel_disp(pn) + 0.9) * ht / (xmax - xmin) + 0.008;
  if (pn->vx0 < need) {
    pn->vx0 = need;
    plvpor(pn->vx0, pn->vx1, pn->vy0, pn->vy1);
    plwind(pn->x0, pn->x1, pn->y0, pn->y1);
  }
}

void plot_xaxis(plot_panel *pn, double lo, double hi) {
  if (!(hi > lo))
    hi = lo + (lo != 0 ? fabs(lo) * 0.1 : 1);
  pn->x0 = lo, pn->x1 = hi, pn->xexp = 0;
  double big = fmax(fabs(lo), fabs(hi));
  if (pn->xvalues == 1 && (big >= 1e5 || big < 1e-3))
    pn->xexp = 3 * (int)floor(log10(big) / 3);
}

void plot_compact(double v, char *buf, size_t len) {
  char raw[48], *e;
  snprintf(raw, sizeof raw, "%.3g", v);
  if ((e = strchr(raw, 'e'))) { /* "3.5e+11" -> "3.5e11", "2e-05" -> "2e-5" */
    int x = atoi(e + 1);
    *e = '\0';
    snprintf(buf, len, "%se%d", raw, x);
  } else
    snprintf(buf, len, "%s", raw);
}

/* The x labels of a value axis (and its step, for the ticks): on a log
 * axis at 1, 2 and 5 times the powers of ten where they have room, as
 * numbers; on a linear one at a nice step, over 10^xexp, or compact
 * ("5e11") when the axis has no title to carry the power. */
static double x_value_labels(const plot_panel *pn, int draw) {
  double xmin, xmax, ymin, ymax, def, ht;
  plgspa(&xmin, &xmax, &ymin, &ymax);
  plgchr(&def, &ht);
  double mm = (pn->vx1 - pn->vx0) * (xmax - xmin), span = pn->x1 - pn->x0;
  double step = nice_step(span * 5 * 0.8 * ht * 1.6 / mm);
  char lab[48];
  if (pn->xvalues == 2) {
    step = fmax(1, round(step));
    int mids = span * 3 * 4 * 0.83 * ht * 1.5 < mm;
    static const double mult[3] = {1, 2, 5};
    for (int d = (int)floor(pn->x0); draw && d <= (int)ceil(pn->x1); d++)
      for (int m = 0; m < (mids ? 3 : 1); m++) {
        double v = d + log10(mult[m]);
        if (d % (int)step || v < pn->x0 - 1e-9 || v > pn->x1 + 1e-9)
          continue;
        plot_compact(mult[m] * pow(10, d), lab, sizeof lab);
        plmtex("b", 1.5, (v - pn->x0) / span, 0.5, lab);
      }
    return step;
  }
  for (double v = ceil(pn->x0 / step - 1e-9) * step; draw && v <= pn->x1 + 1e-9 * step; v += step) {
    if (pn->xexp && !pn->xtitle)
      plot_compact(fabs(v) < 1e-9 * step ? 0 : v, lab, sizeof lab);
    else
      tick_label(v, step, pn->xexp, lab, sizeof lab);
    plmtex("b", 1.5, (v - pn->x0) / span, 0.5, lab);
  }
  return step;
}

void plot_frame(const plot_ctx *P, plot_panel *pn, const char *ylabel) {
  double xmin, xmax, ymin, ymax;
  plot_fit(pn);
  plgspa(&xmin, &xmax, &ymin, &ymax);
  double mm = (pn->vx1 - pn->vx0) * (xmax - xmin);
  double xt = pn->xvalues  ? x_value_labels(pn, 0)
              : pn->xevery ? plot_xtick_dense(pn->x1 - pn->x0, mm)
                           : plot_xtick(pn->x1 - pn->x0, mm);
  double disp = ylabel_disp(pn);
  plcol0(C_GRID);
  plot_width(P, 0.5);
  plbox("g", xt, 0, "g", pn->logy ? 1 : pn->ystep, 0);
  plcol0(C_FG);
  plot_width(P, 0.8);
  int minor = pn->xvalues ? 0 : xt == 2 ? 2 : xt >= 5 ? 5 : 1;
  const char *yopt = pn->logy ? (pn->y1 - pn->y0 > 8 ? "bctl" : "bcstl") : "bcst";
  if (pn->noyticks)
    yopt = "bc";
  plsmaj(0, pchr(pn));
  plsmin(0, pchr(pn));
  plbox(pn->xvalues == 2 ? "bcstl" : "bcst", xt, minor, yopt, pn->logy ? 0 : pn->ystep,
        pn->logy ? 0 : 2);
  plsmaj(0, 1.0);
  plsmin(0, 1.0);
  if (!pn->noylabels)
    y_labels(pn, 1);
  if (pn->xlabels && pn->xvalues && !pn->xtitle)
    x_value_labels(pn, 1);
  else if (pn->xlabels && pn->xvalues) {
    x_value_labels(pn, 1);
    char xl[260];
    if (pn->xexp && pn->xvalues == 1)
      snprintf(xl, sizeof xl, "%s%s×10#u%d#d", pn->xtitle ? pn->xtitle : "",
               pn->xtitle && pn->xtitle[0] ? ", " : "", pn->xexp);
    else
      snprintf(xl, sizeof xl, "%s", pn->xtitle ? pn->xtitle : "");
    plmtex("b", 3.0, 0.5, 0.5, xl);
  } else if (pn->xlabels) {
    double last = pn->xlabel_max > 0 ? pn->xlabel_max : pn->x1;
    double first = ceil(pn->x0 / xt - 1e-9) * xt;
    if (pn->xskip_first && first < pn->x0 + 0.5 * xt)
      first += xt;
    for (double x = first; x <= last + 1e-9; x += xt) {
      char lab[32];
      snprintf(lab, sizeof lab, "%.0f", x);
      plmtex("b", 1.5, (x - pn->x0) / (pn->x1 - pn->x0), 0.5, lab);
    }
    plmtex("b", 3.0, 0.5, 0.5, "Year");
  }
  if (pn->noylabels || !ylabel || !ylabel[0])
    return;
  char yl[260];
  if (pn->yexp && !pn->logy)
    snprintf(yl, sizeof yl, "%s, ×10#u%d#d", ylabel, pn->yexp);
  else
    snprintf(yl, sizeof yl, "%s", ylabel);
  double sc = plot_fit_scale(yl, pchr(pn), 0.98 * (pn->vy1 - pn->vy0) * (ymax - ymin));
  plschr(0, sc);
  plmtex("l", disp * pchr(pn) / sc, 0.5, 0.5, yl);
  plschr(0, pchr(pn));
}

double plot_ymap(const plot_panel *pn, double v) {
  if (!pn->logy)
    return v;
  return v > 0 ? fmax(log10(v), pn->y0 - 1) : pn->y0 - 1;
}

#define SUB 16 /* points across a year whose one end is 0 on a log axis */

/* The drawn points of v over grid years i = a, a+step, ... (step +-1, n
 * points), appended to px, py from *m. */
static void edge_points(const plot_panel *pn, const double *yr, const double *v, int a, int n,
                        int step, double *px, double *py, int *m) {
  for (int k = 0; k < n; k++) {
    int i = a + k * step, j = i + step;
    px[*m] = yr[i];
    py[(*m)++] = plot_ymap(pn, v[i]);
    if (k + 1 < n && pn->logy && (v[i] > 0) != (v[j] > 0))
      for (int s = 1; s < SUB; s++) {
        double f = (double)s / SUB;
        px[*m] = yr[i] + f * (yr[j] - yr[i]);
        py[(*m)++] = plot_ymap(pn, v[i] + f * (v[j] - v[i]));
      }
  }
}

static double pts_x[2 * SUB * PLOT_MAXY], pts_y[2 * SUB * PLOT_MAXY];

void plot_band(const plot_panel *pn, const double *yr, const double *lo, const double *hi, int ny) {
  for (int a = 0; a < ny;) {
    if (!isfinite(lo[a]) || !isfinite(hi[a])) {
      a++;
      continue;
    }
    int b = a;
    while (b < ny && isfinite(lo[b]) && isfinite(hi[b]))
      b++;
    if (b - a >= 2) {
      int m = 0;
      edge_points(pn, yr, hi, a, b - a, 1, pts_x, pts_y, &m);
      edge_points(pn, yr, lo, b - 1, b - a, -1, pts_x, pts_y, &m);
      plfill(m, pts_x, pts_y);
    }
    a = b;
  }
}

void plot_line(const plot_panel *pn, const double *yr, const double *v, int ny) {
  for (int a = 0; a < ny;) {
    if (!isfinite(v[a])) {
      a++;
      continue;
    }
    int b = a;
    while (b < ny && isfinite(v[b]))
      b++;
    int m = 0;
    edge_points(pn, yr, v, a, b - a, 1, pts_x, pts_y, &m);
    if (m >= 2)
      plline(m, pts_x, pts_y);
    else
      plpoin(1, pts_x, pts_y, 17);
    a = b;
  }
}

/* ---- occupancy ---------------------------------------------------------------------- */

void plot_occ_init(plot_occ *o, const plot_panel *pn) {
  memset(o, 0, sizeof *o);
  o->x0 = pn->x0, o->x1 = pn->x1, o->y0 = pn->y0, o->y1 = pn->y1;
}

static double occ_ny(const plot_occ *o, double v) { return (v - o->y0) / (o->y1 - o->y0); }

static void occ_push(plot_occ *o, int c, double lo, double hi) {
  if (o->n[c] >= OCC_MAX)
    return;
  o->lo[c][o->n[c]] = (float)fmax(lo, -0.1);
  o->hi[c][o->n[c]++] = (float)fmin(hi, 1.1);
}

void plot_occ_box(plot_occ *o, double xa, double xb, double ya, double yb) {
  double na = (xa - o->x0) / (o->x1 - o->x0), nb = (xb - o->x0) / (o->x1 - o->x0);
  int ca = (int)floor(na * OCC_COLS), cb = (int)ceil(nb * OCC_COLS);
  double lo = fmin(occ_ny(o, ya), occ_ny(o, yb)), hi = fmax(occ_ny(o, ya), occ_ny(o, yb));
  for (int c = ca < 0 ? 0 : ca; c < cb && c < OCC_COLS; c++)
    occ_push(o, c, lo, hi);
}

void plot_occ_band(plot_occ *o, const plot_panel *pn, const double *x, const double *lo,
                   const double *hi, int m) {
  for (int c = 0; c < OCC_COLS; c++) {
    double xc = o->x0 + (c + 0.5) / OCC_COLS * (o->x1 - o->x0);
    for (int i = 0; i + 1 < m; i++) {
      if (xc < x[i] || xc > x[i + 1] || !isfinite(lo[i] + hi[i] + lo[i + 1] + hi[i + 1]))
        continue;
      double f = (xc - x[i]) / (x[i + 1] - x[i]);
      double l0 = plot_ymap(pn, lo[i]), l1 = plot_ymap(pn, lo[i + 1]);
      double h0 = plot_ymap(pn, hi[i]), h1 = plot_ymap(pn, hi[i + 1]);
      /* a band edge going to 0 on a log axis reaches the bottom early */
      double l = (lo[i] > 0) == (lo[i + 1] > 0) ? l0 + f * (l1 - l0) : fmin(l0, l1);
      occ_push(o, c, occ_ny(o, l), occ_ny(o, h0 + f * (h1 - h0)));
      break;
    }
  }
}

double plot_occ_cost(const plot_occ *o, double bx0, double bx1, double by0, double by1) {
  double cost = 0;
  for (int c = 0; c < OCC_COLS; c++) {
    double xa = (double)c / OCC_COLS, xb = (c + 1.0) / OCC_COLS;
    if (xb < bx0 || xa > bx1)
      continue;
    for (int k = 0; k < o->n[c]; k++) {
      double a = fmax(o->lo[c][k], by0), b = fmin(o->hi[c][k], by1);
      if (b > a)
        cost += (b - a) + 0.02; /* even a thin line counts */
    }
  }
  return cost;
}

/* ---- legends --------------------------------------------------------------------------- */

void plot_legend_add(plot_legend *L, int opt, int box_color, int line_color, int line_style,
                     double line_width, const char *text) {
  if (L->n >= LEG_MAX)
    return;
  int i = L->n++;
  L->opt[i] = opt;
  L->box_color[i] = box_color;
  L->line_color[i] = line_color;
  L->line_style[i] = line_style;
  L->line_width[i] = line_width;
  snprintf(L->text[i], sizeof L->text[i], "%s", text);
}

#define LEG_TEXT 0.8  /* character scale of legend text */
#define LEG_ROW  1.7  /* rows, in legend character heights */
#define LEG_KEY  2.6  /* the key's width, likewise */
#define LEG_PAD  0.55 /* inner margin, likewise */

/* The legend's character height (mm) and its width and height in
 * normalized subpage coordinates. */
static double legend_size_sub(const plot_legend *L, double *w, double *h) {
  double xmin, xmax, ymin, ymax, def, ht, tw = 0;
  plgspa(&xmin, &xmax, &ymin, &ymax);
  plschr(0, LEG_TEXT);
  plgchr(&def, &ht);
  for (int i = 0; i < L->n; i++)
    tw = fmax(tw, 1.03 * plot_text_mm(L->text[i])); /* a margin for the estimate */
  plschr(0, 1.0);
  *w = (2 * LEG_PAD + LEG_KEY + 0.7) * ht / (xmax - xmin) + tw / (xmax - xmin);
  *h = (L->n * LEG_ROW + 2 * LEG_PAD - 0.5) * ht / (ymax - ymin);
  return ht;
}

void plot_legend_size(const plot_legend *L, double *w, double *h) {
  double vx0, vx1, vy0, vy1;
  plgvpd(&vx0, &vx1, &vy0, &vy1);
  legend_size_sub(L, w, h);
  *w /= vx1 - vx0;
  *h /= vy1 - vy0;
}

double plot_legend_room(const plot_legend *L, double vx0, double vx1) {
  double w, h;
  legend_size_sub(L, &w, &h);
  return fmin(vx1, 0.985 - w - 0.015);
}

int plot_legend_spot(const plot_legend *L, const plot_occ *o, double *bx, double *by) {
  double w, h;
  plot_legend_size(L, &w, &h);
  const double mx = 0.012, my = 0.02, pad = 0.012;
  double bestc = HUGE_VAL;
  const int steps = 16;
  if (w > 1 - 2 * mx || h > 1 - 2 * my)
    return 0;
  for (int i = 0; i <= steps; i++)
    for (int j = 0; j <= steps; j++) {
      double x = mx + (1 - 2 * mx - w) * i / steps, y = 1 - my - (1 - 2 * my - h) * j / steps;
      if (plot_occ_cost(o, x - pad, x + w + pad, y - h - pad, y + pad) > 0)
        continue;
      /* the free place nearest a corner, then the top left */
      double dx = fmin(i, steps - i) / (double)steps, dy = fmin(j, steps - j) / (double)steps;
      double c = dx + dy + 0.01 * (i + j) / steps;
      if (c < bestc)
        bestc = c, *bx = x, *by = y;
    }
  return isfinite(bestc);
}

/* Entry i's key in the box [0, kw] x [y - rh/2, y + rh/2] (world = mm). */
static void legend_key(const plot_ctx *P, const plot_legend *L, int i, double kw, double y,
                       double rh) {
  if (L->opt[i] & PL_LEGEND_COLOR_BOX) {
    double px[4] = {0, kw, kw, 0},
           py[4] = {y - 0.32 * rh, y - 0.32 * rh, y + 0.32 * rh, y + 0.32 * rh};
    plcol0(L->box_color[i]);
    plfill(4, px, py);
  }
  if (L->opt[i] & PL_LEGEND_LINE) {
    double px[2] = {0, kw}, py[2] = {y, y};
    plcol0(L->line_color[i]);
    plot_width(P, L->line_width[i]);
    pllsty(L->line_style[i]);
    plline(2, px, py);
    pllsty(1);
  }
}

double plot_legend_row(const plot_ctx *P, const plot_legend *L, double x0, double x1, double ytop,
                       int draw) {
  double xmin, xmax, ymin, ymax, def, ht;
  plgspa(&xmin, &xmax, &ymin, &ymax);
  plschr(0, LEG_TEXT);
  plgchr(&def, &ht);
  double wmm = (x1 - x0) * (xmax - xmin), rh = LEG_ROW * ht, x = 0, y = -0.5 * rh;
  int rows = 1;
  for (int pass = 0; pass < 1 + !!draw; pass++) { /* count the rows, then draw */
    if (pass) {
      plvpor(x0, x1, ytop - rows * rh / (ymax - ymin), ytop);
      plwind(0, wmm, -rows * rh, 0);
    }
    x = 0, y = -0.5 * rh;
    for (int i = 0; i < L->n; i++) {
      double w = (LEG_KEY + 0.7) * ht + plot_text_mm(L->text[i]) + 1.8 * ht;
      if (x > 0 && x + w > wmm)
        x = 0, y -= rh, rows += !pass;
      if (pass) {
        plwind(-x, wmm - x, -rows * rh, 0);
        legend_key(P, L, i, LEG_KEY * ht, y, rh);
        plcol0(C_FG);
        plptex((LEG_KEY + 0.7) * ht, y, 1, 0, 0, L->text[i]);
      }
      x += w;
    }
  }
  plschr(0, 1.0);
  return rows * rh / (ymax - ymin);
}

void plot_legend_draw(const plot_ctx *P, plot_legend *L, int inside, double x, double y) {
  double vx0, vx1, vy0, vy1, wx0, wx1, wy0, wy1, xmin, xmax, ymin, ymax, w, h;
  plgvpd(&vx0, &vx1, &vy0, &vy1);
  plgvpw(&wx0, &wx1, &wy0, &wy1);
  plgspa(&xmin, &xmax, &ymin, &ymax);
  double ht = legend_size_sub(L, &w, &h);
  /* top-left corner in normalized subpage coordinates */
  double sx = inside ? vx0 + x * (vx1 - vx0) : vx1 + 0.015,
         sy = inside ? vy0 + y * (vy1 - vy0) : vy1;
  double wmm = w * (xmax - xmin), hmm = h * (ymax - ymin);
  plvpor(sx, sx + w, sy - h, sy);
  plwind(0, wmm, -hmm, 0);
  double bx[5] = {0, wmm, wmm, 0, 0}, by[5] = {-hmm, -hmm, 0, 0, -hmm};
  plcol0(C_LEGEND_BG);
  plfill(4, bx, by);
  /* the frame just inside the viewport, which clips a line drawn on its edge */
  const double in = 0.15;
  double fx[5] = {in, wmm - in, wmm - in, in, in},
         fy[5] = {-hmm + in, -hmm + in, -in, -in, -hmm + in};
  memcpy(bx, fx, sizeof bx);
  memcpy(by, fy, sizeof by);
  plcol0(C_LEGEND_EDGE);
  plot_width(P, 0.8);
  plline(5, bx, by);
  plschr(0, LEG_TEXT);
  for (int i = 0; i < L->n; i++) {
    double yc = -(LEG_PAD + (i + 0.5) * LEG_ROW - 0.25) * ht;
    plwind(-LEG_PAD * ht, wmm - LEG_PAD * ht, -hmm, 0);
    legend_key(P, L, i, LEG_KEY * ht, yc, LEG_ROW * ht);
    plcol0(C_FG);
    plptex((LEG_KEY + 0.7) * ht, yc - 0.0 * ht, 1, 0, 0, L->text[i]);
  }
  plschr(0, 1.0);
  plvpor(vx0, vx1, vy0, vy1);
  plwind(wx0, wx1, wy0, wy1);
}

/* ---- the model's charts ------------------------------------------------------------------ */

int plot_chart_has(const mc_chart_info *c, const char *name) {
  size_t n = strlen(name);
  for (const char *p = c->series; (p = strstr(p, name)); p += n)
    if ((p == c->series || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
      return 1;
  return 0;
}

static int chart_first(const mc_model_type *M, const mc_chart_info *c) {
  char name[MC_NAMELEN];
  snprintf(name, sizeof name, "%.*s", (int)strcspn(c->series, " "), c->series);
  return mc_series_find(M, name);
}

void plot_chart_words_for(const mc_model_type *M, int s0, plot_chart_words *w) {
  int found = -1;
  for (int c = 0; c < M->ncharts && found < 0; c++)
    if (plot_chart_has(&M->charts[c], M->series[s0].name))
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
  char lab[160];
  plot_series_label(M, s0, lab, sizeof lab);
  snprintf(w->suffix, sizeof w->suffix, "%s", M->series[s0].name);
  snprintf(w->title, sizeof w->title, "%s", M->series[s0].meaning);
  snprintf(w->ylabel, sizeof w->ylabel, "%s", lab);
}

uint64_t plot_constraint_total(const mc_stats *st) {
  uint64_t t = 0;
  for (size_t i = 0; st && st->cat_counts && i < (size_t)st->ncat * st->ny; i++)
    t += st->cat_counts[i];
  return t;
}
