/* crossover export: a results-only copy of a results file, without the
 * merge/resume state, for sharing and for reading in other tools. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "mc_h5.h"
#include "outfile.h"

static const char export_usage[] =
    "usage: crossover export IN.h5 -o OUT.h5 [--force]\n"
    "\n"
    "Writes the results of IN.h5 without its state: the same datasets and\n"
    "attributes (years, percentiles, series bands, crossovers, parameters,\n"
    "constraints, regimes, observations, sensitivity), the same bits, and no\n"
    "/state, which is what merge and run --resume continue from and what report\n"
    "and plot read. The file is much smaller, reads in Python (crossover.open) and\n"
    "in any HDF5 or netCDF tool, and carries the root attribute `results_only`;\n"
    "merge, run --resume, report and plot refuse it and say so.\n"
    "\n"
    "IN.h5 is read and checked (its checksums) first. Refused (exit 2, nothing\n"
    "written): a file that is not a complete Crossover results file (a checkpoint\n"
    "or an incomplete merge: export the finished result), or one that is already\n"
    "results-only. Per-sample datasets (/samples) are not carried.\n"
    "\n"
    "  -o, --output OUT.h5   the results-only file (an existing one needs --force)\n"
    "      --force           overwrite OUT.h5 (or replace a link there)\n"
    "  -h, --help            this text\n"
    "\n"
    "OUT.h5 is written as OUT.h5.tmp-PID, created anew (a file or link already there\n"
    "is refused, never followed), and renamed when complete.\n"
    "Exit status: 0 written; 2 bad usage or input (nothing written); 1 any other\n"
    "failure.\n";

typedef struct export_src {
  const mc_job *job;
  const mc_stats *st;
  const mc_h5_meta *meta;
} export_src;

static int write_export(const char *io, void *ctx, mc_err *e) {
  const export_src *x = ctx;
  mc_h5_meta meta = *x->meta;
  meta.append = 0;
  meta.results_only = 1;
  return mc_h5_write(io, x->job, x->st, &meta, e);
}

int mc_cmd_export(int argc, char **argv) {
  static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                       {"force", no_argument, 0, 'f'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *out = NULL;
  int force = 0;
  optind = 1;
  opterr = 0;
  for (int c; (c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1;) {
    if (c == 'o')
      out = optarg;
    else if (c == 'f')
      force = 1;
    else if (c == 'h') {
      fputs(export_usage, stdout);
      return 0;
    } else {
      fprintf(stderr, "crossover export: unknown or incomplete option '%s'\n%s", argv[optind - 1],
              export_usage);
      return MC_EINPUT;
    }
  }
  if (!out || argc - optind != 1) {
    fprintf(stderr, "crossover export: %s\n%s",
            !out ? "missing -o OUT.h5" : "give exactly one IN.h5", export_usage);
    return MC_EINPUT;
  }
  const char *in = argv[optind];
  mc_err err = {0}, *e = &err;
  int rc = MC_OK, have = 0;
  mc_job job;
  mc_stats *st = NULL;
  mc_h5_meta meta;
  struct stat a, b;
  if (stat(in, &a) == 0 && stat(out, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
    MC_FAIL(e, MC_EINPUT, "-o %s is the input file itself: give another name", out);
  MC_CHECK(mc_outfile_probe(out, force, NULL, e));
  MC_CHECK(mc_h5_read(in, &job, &st, &meta, e));
  have = 1;
  if (mc_stats_done_samples(st) < st->samples)
    MC_FAIL(e, MC_EINPUT,
            "%s covers %llu of its %llu samples (a checkpoint, a part or an incomplete "
            "merge): export the finished result (merge the parts, or run --resume)",
            in, (unsigned long long)mc_stats_done_samples(st), (unsigned long long)st->samples);
  export_src x = {&job, st, &meta};
  MC_CHECK(mc_outfile_write(out, force, write_export, &x, e));
  if (stat(in, &a) == 0 && stat(out, &b) == 0)
    fprintf(stderr, "exported %s to %s: results only, %lld bytes (from %lld)\n", in, out,
            (long long)b.st_size, (long long)a.st_size);
cleanup:
  if (rc != MC_OK)
    fprintf(stderr, "crossover export: %s%s\n", e->msg, e->where);
  if (have)
    mc_job_free(&job);
  mc_stats_free(st);
  return rc;
}
