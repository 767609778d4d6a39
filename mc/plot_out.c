/* The output files of the charts (plot_int.h): formats, temporary files
 * written through a checked stream, and their publication by rename. */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plot_int.h"

/* ---- formats ------------------------------------------------------------------- */

static const plot_format formats[] = {
    {".png", "pngcairo", 0, 1500, 960, 2.0},
    {".pdf", "pdfcairo", 1, 720, 461, 1.0},
    {".svg", "svgcairo", 0, 720, 461, 1.0},
};
#define NFORMATS ((int)(sizeof formats / sizeof formats[0]))

const plot_format *plot_format_for(const char *name) {
  const char *dot = strrchr(name, '.'), *slash = strrchr(name, '/');
  if (!dot || dot == name || (slash && dot <= slash + 1))
    return NULL;
  for (int f = 0; f < NFORMATS; f++)
    if (!strcasecmp(dot, formats[f].ext))
      return &formats[f];
  return NULL;
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

/* ---- output files ----------------------------------------------------------------- */

/* A file being written: PLplot writes through a stdio stream of ours
 * (fopencookie), so that every write and the final fsync and close are
 * checked; PLplot itself ignores the status of its writes. */
typedef struct out_file {
  char final[1100], tmp[1100];
  int fd;
  int err; /* the first errno of a write, fsync or close; 0 while none */
} out_file;

static out_file files[PLOT_MAXPAGES];
static int nfiles_open;
static char pl_warning[512];

static void remove_temps(void) {
  for (int i = 0; i < nfiles_open; i++)
    if (files[i].tmp[0])
      unlink(files[i].tmp);
  nfiles_open = 0;
}

/* PLplot's fatal error handler: PLplot ends the process after it returns. */
static int on_plexit(const char *msg) {
  remove_temps();
  fprintf(stderr, "crossover: PLplot failed: %s; nothing written\n", msg);
  return MC_EFAIL;
}

static void on_plabort(const char *msg) {
  if (!pl_warning[0])
    snprintf(pl_warning, sizeof pl_warning, "%s", msg);
}

static ssize_t cookie_write(void *c, const char *buf, size_t n) {
  out_file *f = c;
  size_t done = 0;
  while (done < n) {
    ssize_t w = write(f->fd, buf + done, n - done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      if (!f->err)
        f->err = w < 0 ? errno : ENOSPC;
      return -1;
    }
    done += (size_t)w;
  }
  return (ssize_t)n;
}

static int cookie_close(void *c) {
  out_file *f = c;
  if (fsync(f->fd) != 0 && !f->err)
    f->err = errno;
  if (close(f->fd) != 0 && !f->err)
    f->err = errno;
  f->fd = -1;
  return f->err ? -1 : 0;
}

/* Creates the temporary file beside f->final (with the permissions a new
 * file gets) and a stream onto it. */
static int open_temp(out_file *f, FILE **stream, mc_err *e) {
  int n = snprintf(f->tmp, sizeof f->tmp, "%s.tmp.XXXXXX", f->final);
  if (n < 0 || (size_t)n >= sizeof f->tmp)
    MC_RAISE(e, MC_EINPUT, "%s: output name too long", f->final);
  f->fd = mkstemp(f->tmp);
  if (f->fd < 0) {
    f->tmp[0] = '\0';
    MC_RAISE(e, MC_EFAIL, "%s: cannot create a file there: %s", f->final, strerror(errno));
  }
  nfiles_open++;
  mode_t mask = umask(0);
  umask(mask);
  fchmod(f->fd, 0666 & ~mask);
  f->err = 0;
  cookie_io_functions_t io = {NULL, cookie_write, NULL, cookie_close};
  *stream = fopencookie(f, "w", io);
  if (!*stream)
    MC_RAISE(e, MC_EFAIL, "%s: cannot open a stream: %s", f->final, strerror(errno));
  return MC_OK;
}

/* The output's names: out itself (PDF, or single), else STEM-SUFFIX.EXT. */
static int name_files(const plot_format *F, const char *out, const plot_page *pages, int n,
                      int single, int *nf, mc_err *e) {
  const char *dot = strrchr(out, '.');
  int stemlen = (int)(dot - out);
  *nf = F->multipage || single ? 1 : n;
  if (*nf > PLOT_MAXPAGES)
    MC_RAISE(e, MC_EINPUT, "%s: %d charts; plot writes at most %d files", out, *nf, PLOT_MAXPAGES);
  for (int i = 0; i < *nf; i++) {
    int len = *nf == 1 && (F->multipage || single)
                  ? snprintf(files[i].final, sizeof files[i].final, "%s", out)
                  : snprintf(files[i].final, sizeof files[i].final, "%.*s-%s%s", stemlen, out,
                             pages[i].suffix, F->ext);
    if (len < 0 || (size_t)len >= sizeof files[i].final - 20)
      MC_RAISE(e, MC_EINPUT, "%s: output name too long", out);
    files[i].tmp[0] = '\0';
    files[i].fd = -1;
  }
  return MC_OK;
}

/* Draws the pages into the open files; MC_EFAIL on a PLplot warning. */
static int draw_pages(const plot_ctx *P, const plot_page *pages, int n, mc_err *e) {
  const plot_format *F = P->fmt;
  for (int i = 0; i < n; i++) {
    if (!F->multipage || i == 0) {
      FILE *stream = NULL;
      int rc = open_temp(&files[F->multipage ? 0 : i], &stream, e);
      if (rc != MC_OK)
        return rc;
      double hf = pages[i].height > 0 ? pages[i].height : 1.0;
      plsdev(F->device);
      plsfile(stream);
      plspage(0, 0, F->w, (int)lround(F->h * hf), 0, 0);
      plot_set_colors();
      plinit();
      /* PLplot's default character height grows with the page's width plus
       * height: a taller page keeps the format's own */
      double def, ht;
      plgchr(&def, &ht);
      plschr(def * (F->w + F->h) / (F->w + F->h * hf), 1.0);
    }
    pages[i].draw(P, &pages[i]);
    if (!F->multipage || i == n - 1)
      plend1();
    if (pl_warning[0]) {
      if (F->multipage && i < n - 1)
        plend1();
      MC_RAISE(e, MC_EFAIL, "PLplot: %s", pl_warning);
    }
  }
  return MC_OK;
}

int plot_write(const plot_ctx *P, const char *out, const plot_page *pages, int n, int single,
               mc_err *e) {
  const plot_format *F = P->fmt;
  int nf = 0, rc = MC_OK;
  nfiles_open = 0;
  pl_warning[0] = '\0';
  if (n < 1)
    MC_RAISE(e, MC_EINPUT, "%s: nothing to draw", out);
  MC_CHECK(name_files(F, out, pages, n, single, &nf, e));
  if (!device_available(F->device))
    MC_FAIL(e, MC_EFAIL,
            "PLplot has no '%s' driver here; install its cairo drivers (Debian: "
            "plplot-driver-cairo)",
            F->device);
  plsexit(on_plexit);
  plsabort(on_plabort);
  MC_CHECK(draw_pages(P, pages, n, e));
  for (int i = 0; i < nf; i++) {
    struct stat sb;
    if (files[i].err)
      MC_FAIL(e, MC_EFAIL, "%s: writing the chart failed: %s", files[i].final,
              strerror(files[i].err));
    if (stat(files[i].tmp, &sb) != 0 || sb.st_size == 0)
      MC_FAIL(e, MC_EFAIL, "%s: PLplot wrote nothing", files[i].final);
  }
  for (int i = 0; i < nf; i++) {
    if (rename(files[i].tmp, files[i].final) != 0) {
      int err = errno;
      for (int j = 0; j < i; j++)
        unlink(files[j].final);
      MC_FAIL(e, MC_EFAIL, "%s: cannot rename the finished chart into place: %s", files[i].final,
              strerror(err));
    }
    files[i].tmp[0] = '\0';
  }
  for (int i = 0; i < nf; i++)
    printf("%s\n", files[i].final);
cleanup:
  if (rc != MC_OK)
    remove_temps();
  nfiles_open = 0;
  return rc;
}
